"""受理登记 driven like a clerk drives it: a card laid on the emulated reader (a real pty, the
production MPS driver, the ReaderMonitor's thread), the keyboard only, a real CUPS queue for
the commitment letter — up to a registered person, keystrokes counted. Bad input on the page
shows its message and records nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.config import Config
from desktop.domain.idnumbers import check_digit
from desktop.domain.roles import Role
from desktop.services.verification import import_xref
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.store.models import Event, Person, Registration
from desktop.ui.app import CardReaders, install_card_readers
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.apply_page import ApplyPage, CodeComboBox
from devices.emulators.demo_rig import DemoRig
from devices.emulators.idcard_reader import DemoCard, demo_cards, resident_block
from tests.desktop.ui.test_screenshots import SIZE, counter_look, grab_when_laid_out, save
from tests.printing.conftest import FILE_QUEUE, CupsTestServer, cups_server, file_queue
from tests.printing.pdf_tools import pdf_text
from tests.printing.test_spool import wait_for_file
from tests.widgets.input_method import commit_from_input_method

# Fixtures used by name.
__all__ = ["counter_look", "cups_server", "file_queue"]

WAIT_MS = 10_000
PRINT_TIMEOUT_MS = 90_000
TODAY = dt.date.today()
# The clerk signed in at the demo counter: a 窗口经办 who is also the county's 审核.
STAFF = Actor("clerk01", Config().counter_id, roles=frozenset({Role.CLERK, Role.REVIEWER}))


def resident_card(
    name: str = "马晓燕",
    *,
    birth: dt.date = dt.date(1988, 6, 15),
    sex: str = "2",
    sequence: str = "152",
    valid_until: dt.date | None = dt.date(2038, 6, 12),
) -> DemoCard:
    """A 城关区 resident's card for the emulated reader."""
    body = f"620102{birth:%Y%m%d}{sequence}"
    block = resident_block(
        name=name,
        sex=sex,
        ethnicity="03",
        birth=birth,
        address="甘肃省兰州市城关区张掖路街道庆阳路12号",
        id_number=body + check_digit(body),
        issuer="兰州市公安局城关分局",
        valid_from=dt.date(2018, 6, 12),
        valid_until=valid_until,
    )
    return DemoCard(name, block, demo_cards()["resident"].photo_wlt)


@dataclass
class Keyboard:
    """The clerk's hands: every key goes to the widget with focus; keys and clicks counted."""

    qtbot: QtBot
    keystrokes: int = 0
    clicks: int = 0
    log: list[str] = field(default_factory=list)

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "没有控件获得焦点"
        return widget

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)
        self.keystrokes += len(text)
        self.log.append(text)

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.qtbot.keyClick(self.focus(), key, modifier)
        self.keystrokes += 1  # a chord such as Ctrl+P is one keystroke
        self.log.append(str(key.name))


@pytest.fixture
def counter(
    qtbot: QtBot, empty_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MainWindow, CardReaders, DemoRig]]:
    """The counter client as `make run` starts it, with the emulated ID-card reader."""
    monkeypatch.setenv("DENGJI_CONFIG", str(tmp_path / "dengji.toml"))
    config = Config(database_path=tmp_path / "empty.sqlite3", demo=True)
    window = MainWindow(config, empty_store)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window, timeout=WAIT_MS)
    window.activateWindow()
    qtbot.waitActive(window, timeout=WAIT_MS)
    rig = DemoRig(pcsc_lister=list)  # no 社保卡 reader needed here
    card_readers = install_card_readers(window, config, demo_rig_factory=lambda: rig)
    window.apply_page().set_actor_provider(lambda: STAFF)
    window.todo_page().set_actor_provider(lambda: STAFF)
    qtbot.waitUntil(lambda: card_readers.monitor is not None, timeout=WAIT_MS)
    yield window, card_readers, rig
    card_readers.stop()


def apply_page(window: MainWindow) -> ApplyPage:
    return window.apply_page()


def choose_printer(qtbot: QtBot, page: ApplyPage, printer: str) -> None:
    chooser = page.printer_chooser()
    qtbot.waitUntil(lambda: chooser.findData(printer) >= 0, timeout=WAIT_MS)
    chooser.setCurrentIndex(chooser.findData(printer))  # the counter's printer, set up once


def field_text(page: ApplyPage, name: str) -> str:
    editor = page.editor(name)
    if isinstance(editor, CodeComboBox):
        return editor.code()
    return editor.text()  # type: ignore[attr-defined]


@pytest.mark.needs_cups
def test_a_full_registration_from_a_card_read_to_a_registered_person_by_keyboard(
    qtbot: QtBot,
    counter: tuple[MainWindow, CardReaders, DemoRig],
    empty_store: Store,
    cups_server: CupsTestServer,
    file_queue: str,
) -> None:
    window, _card_readers, rig = counter
    page = apply_page(window)
    card = resident_card()
    # The 社保卡 holder base as the province sends it (the comparison confirms the identity).
    number = "620102198806151522"[:17]
    number += check_digit(number)
    with empty_store.session() as session:
        holders = f"身份证号码,姓名,性别\n{number},马晓燕,女\n".encode()
        import_xref(session, "ssc_holders", holders, file_name="持卡库.csv", imported_by="admin")
    keys = Keyboard(qtbot)

    keys.press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # 受理登记
    assert window.current_page_key() == "apply"
    choose_printer(qtbot, page, FILE_QUEUE)
    rig.id_emulator.place_card(card)  # the applicant lays the card on the reader
    with qtbot.waitSignal(page.sig_view_changed, timeout=WAIT_MS):
        keys.press(Qt.Key.Key_F2)  # 读卡
    qtbot.waitUntil(lambda: field_text(page, "name") == "马晓燕", timeout=WAIT_MS)
    assert page.source_badge("name").text() == "身份证"
    assert page.source_badge("household_region").text() == "身份证"
    assert QApplication.focusWidget() is page.editor("hukou_type")  # first field to fill

    for text in ("1", "31", "1", "13893100000", "1", "20250630", "02"):
        keys.type(text)
        keys.press(Qt.Key.Key_Return)  # on to the next field still to fill
    view = page.flow.view()
    assert view.missing == () and view.problems == () and view.unmet == ()
    qtbot.waitUntil(lambda: page.flow.view().can_print, timeout=WAIT_MS)

    with qtbot.waitSignal(page.sig_commitment_printed, timeout=PRINT_TIMEOUT_MS):
        keys.press(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    wait_for_file(cups_server.file_output)
    letter = pdf_text(cups_server.file_output)
    assert "失业登记书面承诺书" in letter and "马晓燕" in letter
    reserved = page.flow.reserved_number
    assert reserved is not None and reserved in letter

    with qtbot.waitSignal(page.sig_registration_accepted, timeout=WAIT_MS) as accepted:
        keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    registration_id = accepted.args[0]
    view = page.flow.view()
    assert view.accepted is not None and view.accepted.number == reserved
    assert f"办结期限：{view.accepted.deadline.due.isoformat()}" in page.eligibility_text()

    # 待办 → 核实 → 登记, by the reviewer, still by keyboard.
    todo = window.todo_page()
    with qtbot.waitSignal(todo.sig_todo_loaded, timeout=WAIT_MS):
        keys.press(Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is todo.view(), timeout=WAIT_MS)
    with qtbot.waitSignal(todo.sig_dialog_opened, timeout=WAIT_MS) as opened:
        keys.press(Qt.Key.Key_Return)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.details() is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.sig_decision_recorded, timeout=WAIT_MS):
        keys.press(Qt.Key.Key_Return)  # 数据比对核实通过
    qtbot.waitUntil(lambda: dialog.details().status == "verified", timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.sig_decision_recorded, timeout=WAIT_MS):
        keys.press(Qt.Key.Key_Return)  # 登记
    qtbot.waitUntil(lambda: dialog.details().status == "registered", timeout=WAIT_MS)
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)

    with empty_store.session(write=False) as session:
        registration = session.get(Registration, registration_id)
        assert registration is not None and registration.status == "registered"
        assert registration.number == reserved
        person = session.get(Person, registration.person_id)
        assert person is not None and person.name == "马晓燕" and person.phone == "13893100000"
        kinds = list(session.scalars(select(Event.kind).order_by(Event.seq)))
    assert kinds == [
        "person.recorded",
        "registration.applied",
        "document.printed",
        "commitment.printed",
        "registration.verified",
        "registration.registered",
    ]
    print(
        f"\n一次完整登记（读卡→受理→核实→登记）：{keys.keystrokes} 次按键，{keys.clicks} 次鼠标点击"
        f"\n按键：{' '.join(keys.log)}"
    )
    assert keys.clicks == 0
    assert keys.keystrokes <= 45


# --------------------------------------------------------------------------- bad input


@pytest.fixture
def page(
    qtbot: QtBot, empty_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ApplyPage:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))  # no printer at all
    shown = ApplyPage(Config(), empty_store, actor_provider=lambda: STAFF)
    qtbot.addWidget(shown)
    shown.resize(1200, 700)
    shown.show()
    qtbot.waitExposed(shown, timeout=WAIT_MS)
    return shown


def card_data(card: DemoCard):  # type: ignore[no-untyped-def]
    from devices.mps.text import parse_text_block

    return parse_text_block(card.text)


def type_into(qtbot: QtBot, page: ApplyPage, name: str, text: str) -> None:
    editor = page.editor(name)
    editor.setFocus()
    qtbot.keyClicks(editor, text)


def test_a_wrong_check_digit_shows_what_it_should_be(qtbot: QtBot, page: ApplyPage) -> None:
    body = "62010219900101123"
    right = check_digit(body)
    wrong = "0" if right != "0" else "1"
    type_into(qtbot, page, "id_number", body + wrong)
    error = page.error_label("id_number")
    assert error.isVisible()
    assert error.text() == f"第18位校验码应为{right}，实为{wrong}"
    assert not page.flow.view().can_print


def test_a_birth_date_in_the_future_is_refused(qtbot: QtBot, page: ApplyPage) -> None:
    future = TODAY + dt.timedelta(days=400)
    body = f"620102{future:%Y%m%d}123"
    type_into(qtbot, page, "id_number", body + check_digit(body))
    assert f"出生日期{future:%Y%m%d}晚于今天" == page.error_label("id_number").text()


def test_under_16_lists_the_condition_and_offers_the_notice(qtbot: QtBot, page: ApplyPage) -> None:
    young = TODAY.replace(year=TODAY.year - 15)
    page.show_card(card_data(resident_card("马小燕", birth=young, sequence="222")))
    text = page.eligibility_text()
    assert "不符合，共 1 项" in text and "未满16周岁" in text
    assert page.findChild(QLabel, "eligibilityPanel").isVisible()
    assert page.findChild(QWidget, "printNoticeButton").isVisible()
    with qtbot.waitSignal(page.sig_print_failed, timeout=WAIT_MS) as failed:
        page.print_ineligibility_notice()  # no printer on this machine
    assert "未找到可用的打印机" in failed.args[0]


def test_an_expired_card_warns_with_its_date(qtbot: QtBot, page: ApplyPage) -> None:
    page.show_card(card_data(resident_card(valid_until=dt.date(2024, 6, 12))))
    assert "居民身份证已于2024-06-12到期" in page.eligibility_text()


def test_a_middle_dot_name_typed_with_an_input_method(qtbot: QtBot, page: ApplyPage) -> None:
    editor = page.editor("name")
    editor.setFocus()
    commit_from_input_method(editor, "阿依古丽•买买提")  # a bullet for the dot
    assert editor.text() == "阿依古丽·买买提"  # type: ignore[attr-defined]
    assert not page.error_label("name").isVisible()


def test_a_rare_character_typed_over_the_cards_private_use_one(
    qtbot: QtBot, page: ApplyPage
) -> None:
    page.show_card(card_data(resident_card("\ue000祥", sequence="333")))
    assert "造字区" in page.eligibility_text()
    editor = page.editor("name")
    editor.setFocus()
    editor.selectAll()  # type: ignore[attr-defined]
    commit_from_input_method(editor, "𠮷祥")
    assert page.flow.view().value("name") == "𠮷祥"
    assert "扩展区生僻字「𠮷」" in page.eligibility_text()
    assert not page.error_label("name").isVisible()


def test_a_hong_kong_permit_asks_for_mainland_employment(qtbot: QtBot, page: ApplyPage) -> None:
    type_into(qtbot, page, "doc_type", "4")
    type_into(qtbot, page, "id_number", "h12345678")
    assert page.flow.view().document is not None
    mainland = page.editor("employed_on_mainland")
    assert mainland.isVisible()
    assert "曾在内地（大陆）就业" in page.eligibility_text()


def test_code_boxes_take_the_code_or_words_of_the_label(qtbot: QtBot, page: ApplyPage) -> None:
    ethnicity = page.editor("ethnicity")
    assert isinstance(ethnicity, CodeComboBox)
    ethnicity.setFocus()
    qtbot.keyClicks(ethnicity, "26")
    assert ethnicity.currentText() == "26 东乡族"
    qtbot.keyClick(ethnicity, Qt.Key.Key_Delete)
    assert ethnicity.code() == ""
    commit_from_input_method(ethnicity, "回族")
    assert ethnicity.code() == "03"
    assert page.flow.view().value("ethnicity") == "03"


def test_accepting_before_printing_says_why_and_records_nothing(
    qtbot: QtBot, page: ApplyPage, empty_store: Store
) -> None:
    page.show_card(card_data(resident_card()))
    for name, value in (
        ("hukou_type", "1"),
        ("education", "31"),
        ("health", "1"),
        ("phone", "13893100000"),
        ("residence_urban", "1"),
        ("unemployed_since", "20250630"),
        ("unemployment_cause", "02"),
    ):
        type_into(qtbot, page, name, value)
    qtbot.waitUntil(lambda: page.flow.view().can_print, timeout=WAIT_MS)
    with qtbot.waitSignal(page.sig_accept_failed, timeout=WAIT_MS) as refused:
        qtbot.keyClick(page.editor("phone"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert refused.args == ["请先打印书面承诺书（Ctrl+P），由申请人签字后再受理"]
    with qtbot.waitSignal(page.sig_print_failed, timeout=WAIT_MS) as failed:
        qtbot.keyClick(page.editor("phone"), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "未找到可用的打印机" in failed.args[0]
    assert "书面承诺书未能打印" in page.message()
    with empty_store.session(write=False) as session:
        assert session.scalars(select(Event)).all() == []


def test_an_active_local_registration_opens_that_record(
    qtbot: QtBot, counter: tuple[MainWindow, CardReaders, DemoRig], empty_store: Store
) -> None:
    from tests.desktop.services.records import apply

    recorded = apply(empty_store, STAFF, steps=("verify", "register"))
    window, _readers, _rig = counter
    window.show_page("apply")
    page = apply_page(window)
    search = window.search_page()
    with qtbot.waitSignal(search.sig_history_shown, timeout=WAIT_MS):
        type_into(qtbot, page, "id_number", recorded.id_number)
    assert window.current_page_key() == "search"
    assert f"已有有效的失业登记（登记编号 {recorded.number}）" in page.flow.view().print_blocker


# --------------------------------------------------------------------------- screenshots


def test_apply_screenshots(
    qtbot: QtBot,
    counter_look: None,
    counter: tuple[MainWindow, CardReaders, DemoRig],
    tmp_path: Path,
) -> None:
    window, _readers, _rig = counter
    window.show_page("apply")
    page = apply_page(window)
    qtbot.wait(50)
    save(grab_when_laid_out(qtbot, window), "apply-empty.png", tmp_path)
    page.show_card(card_data(resident_card()))
    qtbot.waitUntil(lambda: not page.flow.view().duplicate_pending, timeout=WAIT_MS)
    for name, value in (("hukou_type", "1"), ("education", "31"), ("health", "1")):
        type_into(qtbot, page, name, value)
    page.editor("phone").setFocus()
    save(grab_when_laid_out(qtbot, window), "apply-prefilled.png", tmp_path)
    page.new_applicant()
    young = TODAY.replace(year=TODAY.year - 15)
    page.show_card(
        card_data(
            resident_card("马小燕", birth=young, sequence="222", valid_until=dt.date(2024, 6, 12))
        )
    )
    type_into(qtbot, page, "phone", "1389310")
    type_into(qtbot, page, "unemployed_since", "20250231")
    save(grab_when_laid_out(qtbot, window), "apply-errors.png", tmp_path)
