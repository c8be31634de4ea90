"""The 服务跟踪 page: the month's due and overdue contacts (mine, the counter's), recording a
contact, a service or a refusal from the keyboard, bad input kept, and the sweep's proposals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPushButton
from sqlalchemy import select

from desktop.domain.roles import Role
from desktop.services.accounts import SignedInClerk
from desktop.store.db import Store, open_store
from desktop.store.models import Event, Registration
from desktop.ui.pages.followup_page import FollowupPage, MonthlyContactPanel, RecordForms
from tests.desktop.ui.clerks import signed_in
from tests.desktop.ui.pages.followup_people import (
    CONFIG,
    TODAY,
    FollowupPeople,
    record_followup_people,
)

WAIT_MS = 10_000


@pytest.fixture
def followup_store(tmp_path: Path) -> Iterator[tuple[Store, FollowupPeople]]:
    from desktop.ui.background import wait_for_background_work

    store = open_store(tmp_path / "followup.sqlite3", node_id="testcounter")
    people = record_followup_people(store)
    yield store, people
    assert wait_for_background_work(10_000)
    store.close()


@pytest.fixture
def page(qtbot, signed_in_clerk, followup_store) -> FollowupPage:
    store, _people = followup_store
    followup = FollowupPage(CONFIG, store)
    qtbot.addWidget(followup)
    followup.resize(1300, 700)
    with qtbot.waitSignal(followup.contacts().sig_list_loaded, timeout=WAIT_MS):
        followup.show()
    return followup


def events(store: Store, kind: str) -> list[Event]:
    with store.session(write=False) as session:
        return list(session.scalars(select(Event).where(Event.kind == kind).order_by(Event.seq)))


def names(panel: MonthlyContactPanel) -> list[str]:
    return [entry.name for entry in panel.visible_entries()]


def test_overdue_first_in_red_then_due_mine_and_the_counters(
    page: FollowupPage, followup_store
) -> None:
    panel = page.contacts()
    # Mine by default: the colleague's person and the one contacted this month are not listed.
    assert names(panel) == ["马建军", "李秀兰", "王海燕"]
    statuses = [entry.overdue for entry in panel.visible_entries()]
    assert statuses == [True, True, False]
    view = panel.view()
    brush = view.model().index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color().name() == "#c62828"
    assert view.model().index(2, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert view.model().index(0, 0).data() == "逾期未联系"
    assert view.model().index(2, 0).data() == "本月待联系"

    panel.set_whose("all")
    assert sorted(names(panel)) == sorted(["马建军", "李秀兰", "王海燕", "赵德明"])
    assert "张志强" not in names(panel)  # contacted this month
    assert "周丽" not in names(panel)  # deregistered
    panel.set_status_filter("overdue")
    assert sorted(names(panel)) == sorted(["马建军", "李秀兰", "赵德明"])
    panel.set_text_filter("赵")
    assert names(panel) == ["赵德明"]


def test_counts_for_me_and_the_counter(page: FollowupPage) -> None:
    from PySide6.QtWidgets import QLabel

    counts = page.contacts().findChild(QLabel, "dueCounts")
    assert counts is not None
    assert f"{TODAY:%Y-%m}" in counts.text()
    assert "本人：3 人（逾期 2）" in counts.text()
    assert "全窗口：4 人（逾期 3）" in counts.text()


def test_keyboard_contact_removes_the_row_and_moves_to_the_next(
    qtbot, page: FollowupPage, followup_store
) -> None:
    store, people = followup_store
    panel = page.contacts()
    panel.view().setFocus()
    panel.select_row(0)
    assert panel.current_entry().name == "马建军"
    qtbot.keyClick(panel.view(), Qt.Key.Key_Return)
    forms = panel.forms()
    method = forms.field("contactMethod")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is method, timeout=2000)
    forms.field("contactNote").setText("本人仍在求职，已推荐招聘会")  # (QTest types no Chinese)
    with qtbot.waitSignal(forms.sig_recorded, timeout=WAIT_MS) as recorded:
        qtbot.keyClick(
            forms.field("contactNote"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert recorded.args[0] == people.overdue.registration_id
    assert "已记录电话联系（已联系上）" in panel.form_message()
    assert names(panel) == ["李秀兰", "王海燕"]
    assert panel.current_entry().name == "李秀兰"
    assert forms.field("contactNote").text() == ""  # the next person starts clean
    contact = events(store, "contact.recorded")[-1]
    assert contact.entity_id == people.overdue.registration_id
    assert contact.payload["method"] == "phone"
    assert contact.payload["note"] == "本人仍在求职，已推荐招聘会"
    with store.session(write=False) as session:
        assert session.get(Registration, people.overdue.registration_id).last_contact_on == TODAY


def test_unreached_contact_keeps_the_person_on_the_list(qtbot, page: FollowupPage) -> None:
    panel = page.contacts()
    panel.select_row(2)
    forms = panel.forms()
    method = forms.field("contactMethod")
    assert isinstance(method, QComboBox)
    method.setCurrentIndex(method.findData("sms"))
    reached = forms.field("contactReached")
    assert isinstance(reached, QCheckBox)
    reached.setChecked(False)
    with qtbot.waitSignal(forms.sig_recorded, timeout=WAIT_MS):
        forms.save_contact()
    assert "未联系上" in panel.form_message()
    assert "王海燕" in names(panel)


def test_contact_dated_in_the_future_is_refused_and_the_form_keeps_it(
    qtbot, page: FollowupPage, followup_store
) -> None:
    store, _people = followup_store
    panel = page.contacts()
    forms = panel.forms()
    before = len(events(store, "contact.recorded"))
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    date_field = forms.field("contactDate")
    assert isinstance(date_field, QLineEdit)
    date_field.setText(tomorrow)
    note = forms.field("contactNote")
    assert isinstance(note, QLineEdit)
    note.setText("电话无人接听后回电")
    with qtbot.waitSignal(forms.sig_record_failed, timeout=WAIT_MS) as failed:
        forms.save_contact()
    assert "晚于今天" in failed.args[0]
    assert "晚于今天" in panel.form_message()
    assert date_field.text() == tomorrow
    assert note.text() == "电话无人接听后回电"
    assert len(events(store, "contact.recorded")) == before
    assert names(panel)[0] == "马建军"


def test_unreadable_date_is_named_and_nothing_is_sent(qtbot, page: FollowupPage) -> None:
    forms = page.contacts().forms()
    forms.field("contactDate").setText("2026-13-45")
    with qtbot.waitSignal(forms.sig_record_failed, timeout=1000) as failed:
        forms.save_contact()
    assert failed.args == ["联系日期「2026-13-45」不是有效日期，请按 2026-11-26 的格式填写"]


def test_job_referral_with_employer_and_post(qtbot, page: FollowupPage, followup_store) -> None:
    store, people = followup_store
    panel = page.contacts()
    forms = panel.forms()
    forms.setCurrentIndex(RecordForms.SERVICE)
    kind = forms.field("serviceKind")
    assert isinstance(kind, QComboBox)
    kind.setCurrentIndex(kind.findData("job_referral"))
    forms.field("serviceContent").setText("推荐仓储管理岗位")
    forms.field("serviceEmployer").setText("兰州某物流有限公司")
    forms.field("servicePost").setText("仓管员")
    forms.field("serviceResult").setText("约定下周面试")
    with qtbot.waitSignal(forms.sig_recorded, timeout=WAIT_MS) as recorded:
        forms.save_current()
    assert recorded.args[2] is True  # serving the person is this month's contact
    assert "马建军" not in names(panel)
    service = events(store, "service.recorded")[-1]
    assert service.entity_id == people.overdue.registration_id
    assert service.payload["service_kind"] == "job_referral"
    assert service.payload["details"] == {"employer": "兰州某物流有限公司", "post": "仓管员"}
    assert service.payload["result"] == "约定下周面试"


def test_service_without_content_is_refused_and_kept(qtbot, page: FollowupPage) -> None:
    forms = page.contacts().forms()
    forms.setCurrentIndex(RecordForms.SERVICE)
    forms.field("serviceResult").setText("已报名")
    with qtbot.waitSignal(forms.sig_record_failed, timeout=WAIT_MS) as failed:
        forms.save_service()
    assert failed.args == ["请填写政策法规咨询的服务内容"]
    assert forms.field("serviceResult").text() == "已报名"


def test_refusal_counts_as_contact_and_a_valid_reason_needs_its_text(
    qtbot, page: FollowupPage, followup_store
) -> None:
    store, people = followup_store
    panel = page.contacts()
    forms = panel.forms()
    forms.setCurrentIndex(RecordForms.REFUSAL)
    forms.field("refusalValidReason").setChecked(True)
    with qtbot.waitSignal(forms.sig_record_failed, timeout=WAIT_MS) as failed:
        forms.save_refusal()
    assert failed.args == ["认定有正当理由时须填写理由"]
    forms.field("refusalValidReason").setChecked(False)
    forms.field("refusalReason").setText("不愿到外区县工作")
    with qtbot.waitSignal(forms.sig_recorded, timeout=WAIT_MS):
        forms.save_refusal()
    assert "无正当理由" in panel.form_message()
    assert "马建军" not in names(panel)  # reached: the month's contact is done
    refusal = events(store, "service.refused")[-1]
    assert refusal.entity_id == people.overdue.registration_id
    assert refusal.payload["valid_reason"] is False


def test_a_role_without_service_rights_sees_the_forms_disabled(qtbot, followup_store) -> None:
    store, _people = followup_store
    statistician = SignedInClerk(
        account_id="00000000-0000-4000-8000-000000000009",
        username="stats01",
        display_name="统计员",
        roles=frozenset({Role.STATISTICIAN}),
    )
    with signed_in(statistician):
        followup = FollowupPage(CONFIG, store)
        qtbot.addWidget(followup)
        with qtbot.waitSignal(followup.contacts().sig_list_loaded, timeout=WAIT_MS):
            followup.show()
        forms = followup.contacts().forms()
        assert forms.registration_id() is not None
        assert not forms.widget(RecordForms.CONTACT).isEnabled()
        assert "不能记录服务和联系" in forms.toolTip()
        confirm = followup.proposals().findChild(QPushButton, "confirmProposal")
        assert confirm is not None and not confirm.isEnabled()


def test_sweep_proposals_open_the_deregistration_dialog(
    qtbot, page: FollowupPage, followup_store
) -> None:
    _store, people = followup_store
    page.show_proposals()
    panel = page.proposals()
    qtbot.waitUntil(lambda: len(panel.entries()) > 0, timeout=WAIT_MS)
    entries = panel.entries()
    lost = [e for e in entries if e.proposal.registration_id == people.lost_contact.registration_id]
    assert [e.proposal.reason for e in lost] == ["38"]
    assert lost[0].name == "李秀兰"
    assert "已连续" in lost[0].proposal.evidence
    row = entries.index(lost[0])
    panel.view().selectRow(row)
    with qtbot.waitSignal(panel.sig_dialog_opened, timeout=WAIT_MS) as opened:
        qtbot.keyClick(panel.view(), Qt.Key.Key_Return)
    dialog = opened.args[0]  # a child of the page, deleted on close
    assert dialog.reason() == "38"
    assert dialog.field("deregistrationEvidence").text() == lost[0].proposal.evidence
    dialog.close()
