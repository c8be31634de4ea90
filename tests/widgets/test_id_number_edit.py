"""IdNumberEdit checks ID numbers live, in strict and in search mode."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.domain.idnumbers import DocumentType
from tests.widgets.input_method import commit_from_input_method
from widgets.id_number_edit import IdNumberEdit, IdNumberState, looks_like_id_number, to_ascii

VALID_X = "62010219900307123X"  # check character X
VALID = "620102198511110026"
WRONG_CHECK = "620102199003071230"  # should end in X
NO_SUCH_DATE = "620102199013071234"


def make_edit(
    qtbot, *, search_mode: bool = False, doc_type: DocumentType | None = None
) -> IdNumberEdit:
    edit = IdNumberEdit(search_mode=search_mode, doc_type=doc_type)
    qtbot.addWidget(edit)
    edit.show()
    return edit


def test_valid_number_is_announced_once(qtbot) -> None:
    edit = make_edit(qtbot)
    valid: list[str] = []
    edit.sig_id_number_valid.connect(valid.append)
    qtbot.keyClicks(edit, VALID)
    assert valid == [VALID]
    assert edit.state is IdNumberState.VALID
    assert edit.id_number() == VALID
    document = edit.id_document()
    assert document is not None and document.birth_date is not None
    assert document.birth_date.isoformat() == "1985-11-11"
    assert edit.styleSheet() == ""


def test_wrong_check_digit_says_what_is_wrong_and_turns_red(qtbot) -> None:
    edit = make_edit(qtbot)
    with qtbot.waitSignal(edit.sig_id_number_invalid, timeout=1000) as blocker:
        qtbot.keyClicks(edit, WRONG_CHECK)
    message = blocker.args[0]
    assert "校验码" in message and "X" in message
    assert edit.state is IdNumberState.INVALID
    assert edit.message == message
    assert edit.toolTip() == message
    assert "border" in edit.styleSheet()
    assert edit.actions()[0].isVisible()
    assert edit.id_number() == ""


def test_impossible_birth_date_is_invalid(qtbot) -> None:
    edit = make_edit(qtbot)
    with qtbot.waitSignal(edit.sig_id_number_invalid, timeout=1000) as blocker:
        qtbot.keyClicks(edit, NO_SUCH_DATE)
    assert "出生日期" in blocker.args[0]


def test_correcting_the_number_clears_the_feedback(qtbot) -> None:
    edit = make_edit(qtbot)
    qtbot.keyClicks(edit, WRONG_CHECK)
    with qtbot.waitSignal(edit.sig_id_number_cleared, timeout=1000):
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.state is IdNumberState.INCOMPLETE
    assert edit.styleSheet() == ""
    assert not edit.actions()[0].isVisible()
    with qtbot.waitSignal(edit.sig_id_number_valid, timeout=1000) as blocker:
        qtbot.keyClicks(edit, "x")
    assert blocker.args == [VALID_X]


def test_full_width_digits_and_lower_case_x_are_accepted(qtbot) -> None:
    edit = make_edit(qtbot)
    full_width = "６２０１０２１９９００３０７１２３ｘ"
    with qtbot.waitSignal(edit.sig_id_number_valid, timeout=1000) as blocker:
        for character in full_width:
            commit_from_input_method(edit, character)
    assert blocker.args == [VALID_X]
    assert edit.text() == VALID_X


def test_lower_case_x_is_shown_upper_case(qtbot) -> None:
    edit = make_edit(qtbot)
    qtbot.keyClicks(edit, VALID_X.lower())
    assert edit.text() == VALID_X
    assert edit.state is IdNumberState.VALID


def test_spaces_typed_in_the_middle_are_dropped_and_cursor_kept(qtbot) -> None:
    edit = make_edit(qtbot)
    qtbot.keyClicks(edit, "620102 1990")
    assert edit.text() == "6201021990"
    assert edit.cursorPosition() == len("6201021990")


def test_strict_mode_judges_a_short_number_when_editing_finishes(qtbot) -> None:
    edit = make_edit(qtbot, doc_type=DocumentType.RESIDENT_ID)
    invalid: list[str] = []
    edit.sig_id_number_invalid.connect(invalid.append)
    qtbot.keyClicks(edit, "6201021990")
    assert invalid == []  # still typing: no complaint yet
    assert edit.state is IdNumberState.INCOMPLETE
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert len(invalid) == 1
    assert edit.state is IdNumberState.INVALID


def test_search_mode_leaves_names_and_phone_numbers_alone(qtbot) -> None:
    edit = make_edit(qtbot, search_mode=True)
    judged: list[str] = []
    edit.sig_id_number_valid.connect(judged.append)
    edit.sig_id_number_invalid.connect(judged.append)
    for text in ("张三", "13812341234", "138１２３4"):
        edit.clear()
        commit_from_input_method(edit, text)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        assert edit.state is IdNumberState.INCOMPLETE, text
    assert judged == []
    assert edit.text() == "1381234"  # full-width digits become ASCII even in a search


def test_search_mode_judges_text_shaped_like_an_id_number(qtbot) -> None:
    edit = make_edit(qtbot, search_mode=True)
    with qtbot.waitSignal(edit.sig_id_number_invalid, timeout=1000):
        qtbot.keyClicks(edit, WRONG_CHECK)
    edit.clear()
    assert edit.state is IdNumberState.EMPTY
    with qtbot.waitSignal(edit.sig_id_number_valid, timeout=1000):
        qtbot.keyClicks(edit, VALID_X.lower())
    assert edit.text() == VALID_X


def test_shape_helpers() -> None:
    assert to_ascii("１２ａ　") == "12a "
    assert looks_like_id_number("６２０１０２１９９００３０７１２３ｘ")
    assert not looks_like_id_number("13812341234")
    assert not looks_like_id_number("张三丰")


def test_changing_the_document_type_judges_the_text_again(qtbot) -> None:
    edit = make_edit(qtbot)
    qtbot.keyClicks(edit, "0123456789")  # ten digits: a valid 台湾居民来往大陆通行证 number
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.state is IdNumberState.VALID
    with qtbot.waitSignal(edit.sig_id_number_invalid, timeout=1000):
        edit.set_document_type(DocumentType.RESIDENT_ID)
    assert edit.state is IdNumberState.INVALID


def warning_icon_shown(edit: IdNumberEdit) -> bool:
    from PySide6.QtWidgets import QToolButton

    return any(button.isVisible() for button in edit.findChildren(QToolButton))


def test_a_fresh_field_shows_no_warning_icon(qtbot) -> None:
    edit = make_edit(qtbot, search_mode=True)
    qtbot.waitExposed(edit, timeout=1000)
    assert not warning_icon_shown(edit)
    qtbot.keyClicks(edit, WRONG_CHECK)
    assert warning_icon_shown(edit)
