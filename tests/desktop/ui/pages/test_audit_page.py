"""The 审计 page: the administrator's filtered view of the trail, its CSV export, and the
integrity alarm when the journal was tampered with."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QPushButton, QWidget

from desktop.config import Config
from desktop.domain.roles import Role
from desktop.services.accounts import SignedInClerk
from desktop.services.audit import BEIJING, view_full_record
from desktop.store.db import Store, open_store
from desktop.ui.background import wait_for_background_work
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.audit_page import AuditPage, check_journal_at_start
from tests.desktop.services.staff import CLERK
from tests.desktop.ui.clerks import signed_in
from tests.desktop.ui.demo_people import record_demo_people

WAIT_MS = 10_000
CONFIG = Config(counter_id="620102-01")
ADMINISTRATOR = SignedInClerk("a1", "liujianhua", "刘建华", frozenset({Role.ADMIN}))
STATISTICIAN = SignedInClerk("s1", "zhaomin", "赵敏", frozenset({Role.STATISTICIAN}))


@pytest.fixture
def viewed_store(empty_store: Store) -> Store:
    """Demo people, two of them viewed whole by clerk01."""
    people = record_demo_people(empty_store)
    with empty_store.session() as session:
        for name in ("马建国", "李秀英"):
            view_full_record(session, CLERK, empty_store.clock, people[name], reason="办理失业登记")
    return empty_store


@pytest.fixture
def page(qtbot, viewed_store: Store) -> AuditPage:
    audit_page = AuditPage(CONFIG, viewed_store)
    qtbot.addWidget(audit_page)
    audit_page.show()
    return audit_page


def today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def test_an_administrator_sees_who_viewed_whom(qtbot, page: AuditPage) -> None:
    with signed_in(ADMINISTRATOR):
        page.set_filter(category="viewed", since=today(), until=today())
        with qtbot.waitSignal(page.sig_entries_shown, timeout=WAIT_MS) as shown:
            page.refresh()
        model = page.model()
        rows = [[model.index(row, column).data() for column in range(6)] for row in range(2)]
    assert shown.args == [2]
    assert [row[1] for row in rows] == ["clerk01", "clerk01"]
    assert [row[3] for row in rows] == ["查看完整信息", "查看完整信息"]
    assert rows[0][4].startswith("李秀英 6201") and "*" in rows[0][4]
    assert "办理失业登记" in rows[0][5]
    assert page.message().startswith("共 2 条")


def test_filters_narrow_the_lines(qtbot, page: AuditPage) -> None:
    with signed_in(ADMINISTRATOR):
        for wanted, expected in (
            ({"person": "马建国"}, 1),
            ({"clerk": "someone"}, 0),
            ({"category": "exported"}, 0),
            ({"since": today() + dt.timedelta(days=1), "until": today() + dt.timedelta(days=2)}, 0),
        ):
            page.set_filter(**wanted)  # type: ignore[arg-type]
            with qtbot.waitSignal(page.sig_entries_shown, timeout=WAIT_MS) as shown:
                page.refresh()
            assert shown.args == [expected], wanted


@pytest.mark.parametrize("text", ["' OR 1=1 --", "'; DELETE FROM journal; --", "%_\\", "🙂\u202e"])
def test_wild_filter_input_finds_nothing(qtbot, page: AuditPage, text: str) -> None:
    with signed_in(ADMINISTRATOR):
        page.set_filter(clerk=text, person=text)
        with qtbot.waitSignal(page.sig_entries_shown, timeout=WAIT_MS) as shown:
            page.refresh()
    assert shown.args == [0]


def test_others_are_refused_by_the_service(qtbot, page: AuditPage) -> None:
    with signed_in(STATISTICIAN):
        assert not page.findChild(QPushButton, "auditExportButton").isEnabled()  # type: ignore[union-attr]
        with qtbot.waitSignal(page.sig_failed, timeout=WAIT_MS) as failed:
            page.refresh()
    assert failed.args == ["当前账户的角色（统计）无权查看审计记录"]


def test_the_administrator_exports_a_csv_and_the_export_is_audited(
    qtbot, page: AuditPage, tmp_path: Path
) -> None:
    target = tmp_path / "审计记录.csv"
    with signed_in(ADMINISTRATOR):
        page.set_filter(category="viewed", since=today(), until=today())
        with qtbot.waitSignal(page.sig_exported, timeout=WAIT_MS) as exported:
            page.export_to(target, "季度审计")
        assert exported.args == [str(target), 2]
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese
        assert "序号,时间,经办人" in data.decode("utf-8-sig")
        page.set_filter(category="exported")
        with qtbot.waitSignal(page.sig_entries_shown, timeout=WAIT_MS) as shown:
            page.refresh()
        assert shown.args == [1]
        assert page.model().index(0, 1).data() == "liujianhua"


def test_a_statistician_gets_no_file(qtbot, page: AuditPage, tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    with signed_in(STATISTICIAN), qtbot.waitSignal(page.sig_failed, timeout=WAIT_MS) as failed:
        page.export_to(target, "查看")
    assert "无权导出审计记录" in failed.args[0]
    assert not target.exists()


# --------------------------------------------------------------------------- integrity


@pytest.fixture
def tampered_store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "tampered.sqlite3"
    with open_store(path, node_id="testcounter") as store:
        record_demo_people(store)
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER journal_no_update")
    connection.execute("UPDATE journal SET clerk_id = 'ghost' WHERE seq = 3")
    connection.commit()
    connection.close()
    store = open_store(path, node_id="testcounter")
    yield store
    assert wait_for_background_work(10_000)
    store.close()


def test_an_intact_journal_is_reported_as_such(qtbot, page: AuditPage) -> None:
    with signed_in(ADMINISTRATOR):
        page.check_integrity()
        qtbot.waitUntil(lambda: "正常" in page.integrity_text(), timeout=WAIT_MS)


def test_a_tampered_journal_raises_the_alarm_at_start(qtbot, tampered_store: Store) -> None:
    window = MainWindow(CONFIG, tampered_store)
    qtbot.addWidget(window)
    window.show()
    check = check_journal_at_start(window, tampered_store)
    with qtbot.waitSignal(check.sig_check_finished, timeout=WAIT_MS) as finished:
        pass
    (problem,) = finished.args[0]
    assert problem.seq == 3
    alarm = next(
        widget
        for widget in QApplication.topLevelWidgets()
        if isinstance(widget, QMessageBox) and widget.objectName() == "integrityAlarm"
    )
    assert alarm.isVisible() and alarm.windowTitle() == "数据完整性警报"
    assert alarm.text().startswith("事件日志完整性校验未通过：发现 1 处问题")
    assert "第 3 条" in alarm.text()
    assert "数据完整性警报" in window.status_bar().currentMessage()
    assert "事件日志完整性校验未通过" in window.audit_page().integrity_text()
    alarm.close()


# --------------------------------------------------------------------------- whole records


def test_a_whole_record_is_shown_after_the_reason_and_the_view_is_audited(
    qtbot, empty_store: Store
) -> None:
    from desktop.ui.pages.audit_page import FullRecordViewer
    from tests.desktop.ui.clerks import COUNTY_STAFF

    people = record_demo_people(empty_store)
    parent = QWidget()
    qtbot.addWidget(parent)
    viewer = FullRecordViewer(empty_store, CONFIG, parent)
    with signed_in(COUNTY_STAFF):
        viewer.request(people["马建国"])  # asks for the reason first
        dialog = parent.findChild(QInputDialog, "fullRecordReasonDialog")
        assert dialog is not None and dialog.isVisible()
        dialog.setTextValue("核实登记信息")
        with qtbot.waitSignal(viewer.sig_full_record_shown, timeout=WAIT_MS) as shown:
            dialog.accept()
    record = shown.args[0]
    assert record.name == "马建国" and "*" not in record.id_number
    with empty_store.session(write=False) as session:
        from sqlalchemy import select

        from desktop.store.models import Event

        (viewed,) = session.scalars(select(Event).where(Event.kind == "audit.viewed"))
    assert viewed.clerk_id == "clerk01" and viewed.payload["reason"] == "核实登记信息"


def test_a_statistician_is_refused_the_whole_record(qtbot, empty_store: Store) -> None:
    from desktop.ui.pages.audit_page import FullRecordViewer

    people = record_demo_people(empty_store)
    parent = QWidget()
    qtbot.addWidget(parent)
    viewer = FullRecordViewer(empty_store, CONFIG, parent)
    with (
        signed_in(STATISTICIAN),
        qtbot.waitSignal(viewer.sig_full_record_refused, timeout=WAIT_MS) as refused,
    ):
        viewer.request(people["马建国"], "统计")
    assert "无权查看完整证件号码和联系电话" in refused.args[0]
