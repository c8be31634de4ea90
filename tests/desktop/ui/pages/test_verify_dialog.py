"""The 核实 dialog: each source's outcome and evidence, a home visit assigned and its result
form, 登记 and 不予登记 with the notice printed — by keyboard where a reviewer would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.services.verification import import_xref
from desktop.store.db import Store
from desktop.store.models import Registration
from desktop.ui.pages.todo_page import TodoPage
from tests.desktop.ui.pages.test_todo_page import (
    NAMES,
    PRINT_TIMEOUT_MS,
    STAFF,
    WAIT_MS,
    open_dialog,
    pending,
    person_number,
    todo,
)
from tests.printing.conftest import FILE_QUEUE, CupsTestServer, cups_server, file_queue
from tests.printing.pdf_tools import pdf_text
from tests.printing.test_spool import wait_for_file

__all__ = ["cups_server", "file_queue", "pending", "todo"]  # fixtures used by name


def test_the_dialog_shows_each_source_and_a_home_visit_settles_it(
    qtbot: QtBot, todo: TodoPage, empty_store: Store, pending: dict[str, str]
) -> None:
    dialog = open_dialog(qtbot, todo, 1)
    details = dialog.details()
    assert details is not None and details.registration_id == pending["online"]
    table = dialog.findChild(type(dialog._table), "comparisonTable")
    assert table.rowCount() == 6
    assert {table.item(row, 1).text() for row in range(6)} == {"无记录"}
    assert table.item(0, 2).text() == "本机尚未导入此表"
    assert not dialog.findChild(type(dialog._verify_button), "verifyButton").isEnabled()
    # 转上门核实: the keyboard is on the assignee; Enter sends the form.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog._assignee, timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.sig_decision_recorded, timeout=WAIT_MS) as recorded:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert recorded.args == [f"已交 {STAFF.clerk_id} 上门核实"]
    qtbot.waitUntil(lambda: dialog.details().visit is not None, timeout=WAIT_MS)
    with qtbot.waitSignal(todo.sig_todo_loaded, timeout=WAIT_MS):
        todo.refresh()
    assert todo.items()[1].next_step == f"上门核实中（{STAFF.clerk_id}）"
    # The result form: conclusion by type-ahead, findings, Enter.
    dialog._outcome.setFocus()
    qtbot.keyClicks(dialog._outcome, "1")
    dialog._findings.setFocus()
    qtbot.keyClicks(dialog._findings, "zai jia")
    with qtbot.waitSignal(dialog.sig_decision_recorded, timeout=WAIT_MS):
        qtbot.keyClick(dialog._findings, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.details().status == "verified", timeout=WAIT_MS)
    with empty_store.session(write=False) as session:
        registration = session.get(Registration, pending["online"])
        assert registration is not None and registration.verification_method == "home_visit"


def test_matching_holder_data_verifies_and_the_reviewer_registers(
    qtbot: QtBot, todo: TodoPage, empty_store: Store, pending: dict[str, str]
) -> None:
    with empty_store.session() as session:
        rows = f"身份证号码,姓名\n{person_number(1)},{NAMES[1]}\n".encode()
        import_xref(session, "ssc_holders", rows, file_name="h.csv", imported_by="t")
    dialog = open_dialog(qtbot, todo, 1)
    assert dialog.details().report.recommendation.name == "VERIFY"
    with qtbot.waitSignal(dialog.sig_decision_recorded, timeout=WAIT_MS):
        qtbot.keyClick(dialog._verify_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.details().status == "verified", timeout=WAIT_MS)
    # Online: the commitment was made online, so 登记 needs no printed letter.
    with qtbot.waitSignal(dialog.sig_decision_recorded, timeout=WAIT_MS):
        qtbot.keyClick(dialog._register_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.details().status == "registered", timeout=WAIT_MS)


def test_registering_a_counter_application_without_its_letter_is_refused(
    qtbot: QtBot, todo: TodoPage, empty_store: Store, pending: dict[str, str]
) -> None:
    with empty_store.session() as session:
        rows = f"身份证号码,姓名\n{person_number(0)},{NAMES[0]}\n".encode()
        import_xref(session, "ssc_holders", rows, file_name="h.csv", imported_by="t")
    dialog = open_dialog(qtbot, todo, 0)
    with qtbot.waitSignal(dialog.sig_decision_recorded, timeout=WAIT_MS):
        dialog.verify_by_comparison()
    qtbot.waitUntil(lambda: dialog.details().status == "verified", timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.sig_step_failed, timeout=WAIT_MS) as refused:
        dialog.register_application()
    assert "书面承诺书尚未打印，不能登记" in refused.args[0]


def test_rejecting_without_a_reason_is_refused_then_recorded_with_it(
    qtbot: QtBot, todo: TodoPage, empty_store: Store, pending: dict[str, str]
) -> None:
    dialog = open_dialog(qtbot, todo, 3)
    dialog._print_notice.setChecked(False)
    dialog._reject_reason.clear()
    with qtbot.waitSignal(dialog.sig_step_failed, timeout=WAIT_MS) as refused:
        dialog.reject_application()
    assert refused.args == ["不予登记须填写原因"]
    dialog._reject_reason.setText("本人已在超市就业")
    with qtbot.waitSignal(dialog.sig_decision_recorded, timeout=WAIT_MS):
        dialog.reject_application()
    qtbot.waitUntil(lambda: dialog.details().status == "rejected", timeout=WAIT_MS)
    with qtbot.waitSignal(todo.sig_todo_loaded, timeout=WAIT_MS):
        todo.refresh()
    assert pending["today"] not in {item.registration_id for item in todo.items()}


@pytest.mark.needs_cups
def test_a_rejection_prints_the_notice_with_the_reason(
    qtbot: QtBot,
    todo: TodoPage,
    pending: dict[str, str],
    cups_server: CupsTestServer,
    file_queue: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CUPS_SERVER", cups_server.socket)  # the page was opened without one
    dialog = open_dialog(qtbot, todo, 3)
    chooser = dialog._printer
    qtbot.waitUntil(lambda: chooser.findData(FILE_QUEUE) >= 0, timeout=WAIT_MS)
    chooser.setCurrentIndex(chooser.findData(FILE_QUEUE))
    dialog._reject_reason.setText("上门核实：本人已在超市就业")
    with qtbot.waitSignal(dialog.sig_notice_printed, timeout=PRINT_TIMEOUT_MS):
        dialog.reject_application()
    wait_for_file(cups_server.file_output)
    text = pdf_text(cups_server.file_output)
    assert "不予失业登记告知书" in text and "上门核实：本人已在超市就业" in text
    assert NAMES[3] in text
