"""The record's 就业援助 tab acts from the keyboard: 公益性岗位 placement and exit, closing the
aid plan, and the false-information mark (审核 only, evidence required) and its withdrawal;
every refusal is said in Chinese and the form keeps what was typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget
from sqlalchemy import select

from desktop.domain.roles import Role
from desktop.services import aid
from desktop.services.accounts import SignedInClerk
from desktop.store.db import Store, open_store
from desktop.store.models import AidPlan, FalseInfoMark, WelfarePost
from desktop.ui.pages.person_page import AidTab, PersonRecordDialog
from tests.desktop.ui.clerks import signed_in
from tests.desktop.ui.pages.followup_people import CONFIG, TODAY, Registered, context, register

WAIT_MS = 10_000


@pytest.fixture(autouse=True)
def no_print_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))


@pytest.fixture
def aided(tmp_path: Path) -> Iterator[tuple[Store, Registered]]:
    """A 大龄 woman (就业困难人员) registered 40 days ago, with an aid plan made today."""
    from desktop.ui.background import wait_for_background_work

    store = open_store(tmp_path / "aid.sqlite3", node_id="testcounter")
    older = register(store, "马桂兰", 32, TODAY - dt.timedelta(days=40), birth=dt.date(1978, 3, 3))
    with store.session() as session:
        ctx = context(store)
        aid.assign_aid_staff(session, ctx, older.registration_id, staff_id="clerk01",
                             staff_name="王丽娟", on=TODAY)  # fmt: skip
        aid.make_aid_plan(session, ctx, older.registration_id, on=TODAY,
                          items=[aid.new_item("职业指导", [("求职指导", None)])])  # fmt: skip
    yield store, older
    assert wait_for_background_work(10_000)
    store.close()


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def open_aid_tab(qtbot, store: Store, person_id: str, parent: QWidget):
    dialog = PersonRecordDialog(store, CONFIG, person_id, parent)
    with qtbot.waitSignal(dialog.sig_record_loaded, timeout=WAIT_MS):
        dialog.show()
    tab = dialog.aid_tab()
    assert tab is not None
    dialog.tabs().setCurrentWidget(tab)
    return dialog, tab


def line(tab: AidTab, name: str) -> QLineEdit:
    found = tab.field(name)
    assert isinstance(found, QLineEdit)
    return found


def button(tab: AidTab, name: str) -> QPushButton:
    found = tab.field(name)
    assert isinstance(found, QPushButton)
    return found


def type_into(qtbot, field: QLineEdit, text: str) -> None:
    """Put `text` in `field` as an input method commits it (keyClicks takes ASCII only)."""
    field.setFocus()
    field.clear()
    field.insert(text)


def refused(qtbot, tab: AidTab, key_in: QLineEdit) -> str:
    """Enter in `key_in` (the section's last field): the refusal's message."""
    with qtbot.waitSignal(tab.sig_failed, timeout=WAIT_MS) as failed:
        qtbot.keyClick(key_in, Qt.Key.Key_Return)
    return str(failed.args[0])


def recorded(qtbot, dialog: PersonRecordDialog, tab: AidTab, key_in: QLineEdit) -> str:
    with (
        qtbot.waitSignal(tab.sig_recorded, timeout=WAIT_MS) as done,
        qtbot.waitSignal(dialog.sig_record_loaded, timeout=WAIT_MS),
    ):
        qtbot.keyClick(key_in, Qt.Key.Key_Return)
    return str(done.args[0])


def test_placement_in_a_post_and_its_end(qtbot, signed_in_clerk, aided, parent) -> None:
    store, older = aided
    dialog, tab = open_aid_tab(qtbot, store, older.person_id, parent)
    assert button(tab, "aidPlacePost").isEnabled()
    assert not button(tab, "aidEndPost").isEnabled()
    type_into(qtbot, line(tab, "aidPostName"), "社区保洁员")
    type_into(qtbot, line(tab, "aidPostEnd"), "2026-02-30")
    assert "岗位期满日期「2026-02-30」不是有效日期" in refused(qtbot, tab, line(tab, "aidPostEnd"))
    type_into(qtbot, line(tab, "aidPostEnd"), "")
    assert "用人单位" in refused(qtbot, tab, line(tab, "aidPostEnd"))
    assert line(tab, "aidPostName").text() == "社区保洁员"  # kept
    type_into(qtbot, line(tab, "aidPostEmployer"), "城关区环卫所")
    message = recorded(qtbot, dialog, tab, line(tab, "aidPostEnd"))
    assert message == "已安置到公益性岗位「社区保洁员」"
    assert "公益性岗位：社区保洁员（城关区环卫所）" in tab.overview_text()
    assert line(tab, "aidPostName").text() == ""
    assert not button(tab, "aidPlacePost").isEnabled()
    assert button(tab, "aidEndPost").isEnabled()
    assert "在岗：社区保洁员" in tab.field("aidPostCurrent").text()
    assert "请填写退出岗位的原因" in refused(qtbot, tab, line(tab, "aidPostEndReason"))
    type_into(qtbot, line(tab, "aidPostEndReason"), "已在市场就业")
    assert recorded(qtbot, dialog, tab, line(tab, "aidPostEndReason")) == "已办理退出公益性岗位"
    with store.session(write=False) as session:
        post = session.scalars(select(WelfarePost)).one()
        assert post.status == "ended" and post.ended_on == TODAY
    assert button(tab, "aidPlacePost").isEnabled()


def test_closing_the_aid_plan_needs_a_reason_and_a_date(
    qtbot, signed_in_clerk, aided, parent
) -> None:
    store, older = aided
    dialog, tab = open_aid_tab(qtbot, store, older.person_id, parent)
    type_into(qtbot, line(tab, "aidCloseDate"), "明天")
    qtbot.keyClick(line(tab, "aidCloseDate"), Qt.Key.Key_Return)  # on to the reason
    assert tab.focusWidget() is line(tab, "aidCloseReason")
    message = refused(qtbot, tab, line(tab, "aidCloseReason"))
    assert message == "结束日期「明天」不是有效日期，请按 2026-11-26 的格式填写"
    assert line(tab, "aidCloseDate").text() == "明天"
    type_into(qtbot, line(tab, "aidCloseDate"), (TODAY + dt.timedelta(days=1)).isoformat())
    assert "晚于今天" in refused(qtbot, tab, line(tab, "aidCloseReason"))
    type_into(qtbot, line(tab, "aidCloseDate"), TODAY.isoformat())
    assert refused(qtbot, tab, line(tab, "aidCloseReason")) == "请填写结束援助的原因"
    type_into(qtbot, line(tab, "aidCloseReason"), "经回访已稳定就业")
    assert recorded(qtbot, dialog, tab, line(tab, "aidCloseReason")) == "援助计划已结束"
    assert "已结束" in tab.overview_text()
    assert not button(tab, "aidClosePlan").isEnabled()
    with store.session(write=False) as session:
        plan = session.get(AidPlan, older.registration_id)
        assert plan is not None and plan.status == "closed"
        assert plan.close_reason == "经回访已稳定就业"


def test_a_reviewer_marks_false_information_with_evidence_and_withdraws_it(
    qtbot, signed_in_clerk, aided, parent
) -> None:
    store, older = aided
    dialog, tab = open_aid_tab(qtbot, store, older.person_id, parent)
    assert tab.field("aidMarkState").text() == "该登记未标记虚假信息"
    assert not button(tab, "aidWithdrawMark").isEnabled()
    type_into(qtbot, line(tab, "aidMarkFinding"), "登记时隐瞒已在某公司就业")
    message = refused(qtbot, tab, line(tab, "aidMarkEvidence"))
    assert message == "标记虚假信息须附证据（比对结果、调查记录或文书编号）"
    assert line(tab, "aidMarkFinding").text() == "登记时隐瞒已在某公司就业"
    type_into(qtbot, line(tab, "aidMarkEvidence"), "社保参保记录：2026-01起由兰州某公司缴费")
    # Ctrl+Enter from any field of the section saves it as well.
    with (
        qtbot.waitSignal(tab.sig_recorded, timeout=WAIT_MS) as done,
        qtbot.waitSignal(dialog.sig_record_loaded, timeout=WAIT_MS),
    ):
        line(tab, "aidMarkFinding").setFocus()
        tab.save_focused_section()
    assert done.args == ["已标记为提供虚假信息（纳入人社信用体系）"]
    assert dialog.findChild(QWidget, "falseInfoMark").isVisibleTo(dialog)
    assert not button(tab, "aidMarkFalseInfo").isEnabled()
    assert "撤销标记的理由" in refused(qtbot, tab, line(tab, "aidWithdrawReason"))
    type_into(qtbot, line(tab, "aidWithdrawReason"), "系误认")
    assert recorded(qtbot, dialog, tab, line(tab, "aidWithdrawReason")) == "已撤销虚假信息标记"
    assert not dialog.findChild(QWidget, "falseInfoMark").isVisibleTo(dialog)
    with store.session(write=False) as session:
        mark = session.get(FalseInfoMark, older.registration_id)
        assert mark is not None and mark.status == "withdrawn"


def test_a_clerk_without_the_reviewer_role_cannot_mark(qtbot, aided, parent) -> None:
    store, older = aided
    counter_clerk = SignedInClerk(
        account_id="00000000-0000-4000-8000-000000000004",
        username="clerk04",
        display_name="窗口经办",
        roles=frozenset({Role.CLERK}),
    )
    with signed_in(counter_clerk):
        _dialog, tab = open_aid_tab(qtbot, store, older.person_id, parent)
        assert not button(tab, "aidMarkFalseInfo").isEnabled()
        assert not button(tab, "aidWithdrawMark").isEnabled()
        assert tab.field("aidMarkState").text() == "标记虚假信息及撤销须由审核人员办理"
        assert button(tab, "aidPlacePost").isEnabled()  # the clerk's own work stays open
