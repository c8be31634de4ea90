"""MaskedIdLabel shows a masked number and reveals it only when code says so."""

from __future__ import annotations

from PySide6.QtCore import Qt

from widgets.masked_label import MaskedIdLabel

NUMBER = "62010219900307123X"


def test_number_is_masked_and_a_double_click_only_asks(qtbot) -> None:
    label = MaskedIdLabel()
    qtbot.addWidget(label)
    label.show()
    label.set_id_number(NUMBER)
    assert label.text() == "6201**********123X"
    with qtbot.waitSignal(label.sig_reveal_requested, timeout=1000):
        qtbot.mouseDClick(label, Qt.MouseButton.LeftButton)
    assert label.text() == "6201**********123X"
    assert not label.is_revealed()


def test_reveal_and_conceal(qtbot) -> None:
    label = MaskedIdLabel()
    qtbot.addWidget(label)
    label.set_id_number(NUMBER)
    label.reveal()
    assert label.text() == NUMBER
    assert label.is_revealed()
    label.conceal()
    assert label.text() == "6201**********123X"


def test_a_new_number_is_masked_again(qtbot) -> None:
    label = MaskedIdLabel()
    qtbot.addWidget(label)
    label.set_id_number(NUMBER)
    label.reveal()
    label.set_id_number("620102198511110026")
    assert label.text() == "6201**********0026"
    assert label.id_number() == "620102198511110026"


def test_empty_label_does_not_ask_to_reveal(qtbot) -> None:
    label = MaskedIdLabel()
    qtbot.addWidget(label)
    label.show()
    requests: list[bool] = []
    label.sig_reveal_requested.connect(lambda: requests.append(True))
    qtbot.mouseDClick(label, Qt.MouseButton.LeftButton)
    assert requests == []
    assert label.text() == ""
