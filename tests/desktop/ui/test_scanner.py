"""The barcode scanner caught anywhere in the client: fast bursts ending in Enter are scans,
a typist is not; a scanned signed commitment letter records commitment.signed and opens the
person; an unknown number says so."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select

from desktop.config import Config
from desktop.store.db import Store
from desktop.store.models import Event, Registration
from desktop.ui.main_window import MainWindow
from desktop.ui.scanner import MAX_KEY_INTERVAL_MS, BarcodeScanCatcher
from tests.desktop.ui.demo_people import DEMO_PEOPLE, record_demo_people

WAIT_MS = 20_000
CODE = "6201020012025000123"
NoModifier = Qt.KeyboardModifier.NoModifier


def key_of(char: str) -> tuple[Qt.Key, Qt.KeyboardModifier]:
    """The key (and Shift for a capital) a keyboard-wedge scanner sends for a character."""
    if char.isdigit():
        return Qt.Key(Qt.Key.Key_0 + int(char)), NoModifier
    if char == "-":
        return Qt.Key.Key_Minus, NoModifier
    if "A" <= char <= "Z":
        return Qt.Key(Qt.Key.Key_A + ord(char) - ord("A")), Qt.KeyboardModifier.ShiftModifier
    raise ValueError(char)


def send_key(
    window: QWindow,
    key: Qt.Key,
    text: str,
    at_ms: int,
    modifiers: Qt.KeyboardModifier = NoModifier,
    auto_repeat: bool = False,
) -> None:
    """A key press and release as the window system delivers them, stamped at `at_ms`."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, key, modifiers, text, auto_repeat)
        event.setTimestamp(at_ms)
        QApplication.sendEvent(window, event)


def type_keys(
    window: QWindow, text: str, *, start_ms: int, gaps_ms: Sequence[int] | int, enter: bool = True
) -> int:
    """Type `text` then Enter with these gaps between keys; the time of the last key."""
    gaps = [gaps_ms] * (len(text) + 1) if isinstance(gaps_ms, int) else list(gaps_ms)
    now = start_ms
    for index, char in enumerate(text):
        key, modifiers = key_of(char)
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            send_key(window, Qt.Key.Key_Shift, "", now, modifiers)  # Shift has no text
        send_key(window, key, char, now, modifiers)
        now += gaps[index]
    if enter:
        send_key(window, Qt.Key.Key_Return, "\r", now)
    return now


class Counter(QWidget):
    """A window with one text field holding the focus, like a form at the counter."""

    def __init__(self) -> None:
        super().__init__()
        self.field = QLineEdit(self)
        self.returns = 0
        self.field.returnPressed.connect(self._on_return)
        QVBoxLayout(self).addWidget(self.field)

    def _on_return(self) -> None:
        self.returns += 1


@pytest.fixture
def counter(qtbot) -> Counter:
    widget = Counter()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.field.setFocus()
    return widget


@pytest.fixture
def catcher(qapp) -> Iterator[BarcodeScanCatcher]:
    watcher = BarcodeScanCatcher()
    watcher.install()
    yield watcher
    watcher.uninstall()


@pytest.fixture
def scans(catcher: BarcodeScanCatcher) -> list[str]:
    found: list[str] = []
    catcher.sig_barcode_scanned.connect(found.append)
    return found


def test_a_fast_burst_ending_in_enter_is_a_scan(counter: Counter, scans: list[str]) -> None:
    type_keys(counter.windowHandle(), CODE, start_ms=1000, gaps_ms=5)
    assert scans == [CODE]
    assert counter.field.text() == ""  # the code is taken back out of the field
    assert counter.returns == 0  # its Enter is swallowed


def test_a_slow_typist_is_not_a_scanner(counter: Counter, scans: list[str]) -> None:
    type_keys(counter.windowHandle(), CODE, start_ms=1000, gaps_ms=MAX_KEY_INTERVAL_MS + 10)
    assert scans == []
    assert counter.field.text() == CODE
    assert counter.returns == 1


def test_a_typist_whose_keys_queued_up_is_not_a_scanner(counter: Counter, scans: list[str]) -> None:
    """Keys that waited while the GUI was busy arrive together but keep their own times."""
    type_keys(counter.windowHandle(), "620102198806150027", start_ms=5000, gaps_ms=120)
    assert scans == []


def test_nine_fast_keys_are_too_few(counter: Counter, scans: list[str]) -> None:
    type_keys(counter.windowHandle(), "123456789", start_ms=1000, gaps_ms=3)
    assert scans == []
    assert counter.returns == 1


def test_a_pause_starts_a_new_burst(counter: Counter, scans: list[str]) -> None:
    gaps = [5] * 4 + [200] + [5] * 30
    type_keys(counter.windowHandle(), "99999" + CODE, start_ms=1000, gaps_ms=gaps)
    assert scans == [CODE]
    assert counter.field.text() == "99999"  # what was typed before the scan stays


def test_a_slow_enter_after_a_fast_burst_is_typing(counter: Counter, scans: list[str]) -> None:
    gaps = [5] * (len(CODE) - 1) + [400]
    type_keys(counter.windowHandle(), CODE, start_ms=1000, gaps_ms=gaps)
    assert scans == []
    assert counter.field.text() == CODE


def test_capitals_sent_with_shift_are_part_of_the_code(counter: Counter, scans: list[str]) -> None:
    type_keys(counter.windowHandle(), "AB-12345678", start_ms=1000, gaps_ms=4)
    assert scans == ["AB-12345678"]


def test_a_control_key_breaks_a_burst(counter: Counter, scans: list[str]) -> None:
    window = counter.windowHandle()
    end = type_keys(window, CODE[:12], start_ms=1000, gaps_ms=4, enter=False)
    send_key(window, Qt.Key.Key_V, "", end + 4, Qt.KeyboardModifier.ControlModifier)
    type_keys(window, CODE[12:], start_ms=end + 8, gaps_ms=4)
    assert scans == []  # the part after the break is too short on its own


def test_auto_repeat_is_not_a_scan(counter: Counter, scans: list[str]) -> None:
    window = counter.windowHandle()
    for index in range(15):
        send_key(window, Qt.Key.Key_1, "1", 1000 + index * 3, auto_repeat=index > 0)
    send_key(window, Qt.Key.Key_Return, "\r", 1050)
    assert scans == []


def test_keys_through_the_window_system_at_scanner_pace(counter: Counter, scans: list[str]) -> None:
    """QTest's QWindow path stamps keys with the real time, as a USB scanner's keys are."""
    window = counter.windowHandle()
    for char in CODE:
        QTest.keyClick(window, key_of(char)[0])
    QTest.keyClick(window, Qt.Key.Key_Return)
    assert scans == [CODE]


# --------------------------------------------------------------------------- the main window


@pytest.fixture(autouse=True)
def no_print_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))


@pytest.fixture
def person_ids(empty_store: Store) -> dict[str, str]:
    return record_demo_people(empty_store)


@pytest.fixture
def window(
    qtbot, empty_store: Store, person_ids: dict[str, str], signed_in_clerk: object
) -> MainWindow:
    main_window = MainWindow(Config(), empty_store)
    qtbot.addWidget(main_window)
    main_window.show()
    qtbot.waitExposed(main_window)
    # the catcher starts watching once the window has been painted (start-up time, issue 2)
    catcher = main_window.commitment_scanner().catcher
    qtbot.waitUntil(catcher.is_installed, timeout=WAIT_MS)
    main_window.show_page("lists")  # the scan must work from any page
    return main_window


def signed_events(store: Store) -> list[Event]:
    with store.session(write=False) as session:
        return list(
            session.scalars(
                select(Event).where(Event.kind == "commitment.signed").order_by(Event.seq)
            )
        )


def test_scanning_a_signed_letter_records_it_and_opens_the_person(
    qtbot, window: MainWindow, empty_store: Store, person_ids: dict[str, str]
) -> None:
    number = "620102-001-000001"  # 马建国's registration (record_demo_people)
    scanner = window.commitment_scanner()
    page = window.search_page()
    with (
        qtbot.waitSignal(scanner.sig_commitment_signed, timeout=WAIT_MS) as signed,
        qtbot.waitSignal(page.sig_history_shown, timeout=WAIT_MS) as shown,
    ):
        type_keys(window.windowHandle(), number, start_ms=2000, gaps_ms=6)
    assert signed.args[0].registration_number == number
    assert shown.args == [person_ids["马建国"]]
    assert window.current_page_key() == "search"
    assert page.search_field().text() == DEMO_PEOPLE[0].id_number
    (event,) = signed_events(empty_store)
    assert event.payload["source"] == "barcode"
    with empty_store.session(write=False) as session:
        registration = session.scalars(
            select(Registration).where(Registration.number == number)
        ).one()
        assert registration.commitment_signed
    assert "承诺书已签署" in window.status_bar().currentMessage()


def test_an_unknown_number_is_reported_and_nothing_recorded(
    qtbot, window: MainWindow, empty_store: Store
) -> None:
    scanner = window.commitment_scanner()
    with qtbot.waitSignal(scanner.sig_scan_failed, timeout=WAIT_MS) as failed:
        type_keys(window.windowHandle(), "6201020019999000001", start_ms=2000, gaps_ms=6)
    assert failed.args[0].startswith("未找到登记编号 6201020019999000001")
    box = scanner.message_box()
    assert box is not None and box.text() == failed.args[0]
    assert signed_events(empty_store) == []
    box.close()


def test_a_scan_is_caught_inside_a_dialog_too(
    qtbot, window: MainWindow, empty_store: Store
) -> None:
    from desktop.ui.pages.lists_page import ReferenceEntryDialog

    lists_page = window.lists_page()
    with qtbot.waitSignal(lists_page.sig_lists_loaded, timeout=WAIT_MS):
        lists_page.reload()
    add_button = lists_page.tab("policy").findChild(QPushButton, "addButton")
    assert add_button is not None
    add_button.click()
    dialog = next(d for d in lists_page.open_dialogs() if isinstance(d, ReferenceEntryDialog))
    qtbot.waitExposed(dialog)
    field = dialog.editor("name")
    field.setFocus()
    field.setText("就业见习补贴")
    scanner = window.commitment_scanner()
    with qtbot.waitSignal(scanner.sig_commitment_signed, timeout=WAIT_MS):
        type_keys(dialog.windowHandle(), "620102-001-000001", start_ms=9000, gaps_ms=6)
    assert field.text() == "就业见习补贴"
    assert dialog.isVisible()  # the scan's Enter did not press 保存
    dialog.reject()


def test_a_scan_before_the_database_is_open_says_so(qtbot) -> None:
    window = MainWindow(Config())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    scanner = window.commitment_scanner()
    qtbot.waitUntil(scanner.catcher.is_installed, timeout=WAIT_MS)
    with qtbot.waitSignal(scanner.sig_scan_failed, timeout=WAIT_MS) as failed:
        type_keys(window.windowHandle(), CODE, start_ms=3000, gaps_ms=6)
    assert failed.args == ["本地数据库尚未打开，请稍后再扫描"]
    box = scanner.message_box()
    assert box is not None
    box.close()


def test_the_catcher_starts_only_after_the_window_is_painted(qtbot) -> None:
    window = MainWindow(Config())
    qtbot.addWidget(window)
    catcher = window.commitment_scanner().catcher
    assert not catcher.is_installed()  # no application-wide filter before the first paint
    window.show()
    qtbot.waitUntil(catcher.is_installed, timeout=WAIT_MS)
