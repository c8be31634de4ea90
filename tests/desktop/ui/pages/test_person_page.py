"""The person's record: data with the ID masked (the audited full view on request),
registrations, tier with reasons, every event, the actions and what each role may do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit, QWidget
from sqlalchemy import select

from desktop.domain.roles import Role
from desktop.services import followup as fu
from desktop.services.accounts import SignedInClerk
from desktop.store.db import Store, open_store
from desktop.store.models import Event
from desktop.ui.pages.person_page import PersonRecordDialog, aid_services_available
from tests.desktop.ui.clerks import signed_in
from tests.desktop.ui.pages.followup_people import (
    CONFIG,
    TODAY,
    FollowupPeople,
    context,
    record_followup_people,
    register,
)

WAIT_MS = 10_000


@pytest.fixture(autouse=True)
def no_print_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))


@pytest.fixture
def followup_store(tmp_path: Path) -> Iterator[tuple[Store, FollowupPeople]]:
    from desktop.ui.background import wait_for_background_work

    store = open_store(tmp_path / "followup.sqlite3", node_id="testcounter")
    people = record_followup_people(store)
    rid = people.overdue.registration_id
    with store.session() as session:
        ctx = context(store)
        fu.record_service(session, ctx, rid, on=TODAY, kind="job_referral",
                          content="推荐仓储管理岗位", result="约定面试",
                          details={"employer": "兰州某物流有限公司"})  # fmt: skip
        fu.record_refusal(session, ctx, rid, on=TODAY, service_kind="training_recommendation",
                          valid_reason=False, reason_text="不愿参加")  # fmt: skip
    yield store, people
    assert wait_for_background_work(10_000)
    store.close()


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def open_record(qtbot, store: Store, person_id: str, parent: QWidget) -> PersonRecordDialog:
    dialog = PersonRecordDialog(store, CONFIG, person_id, parent)
    with qtbot.waitSignal(dialog.sig_record_loaded, timeout=WAIT_MS):
        dialog.show()
    return dialog


def history_summaries(dialog: PersonRecordDialog) -> list[str]:
    model = dialog.history_view().model()
    return [model.index(row, 4).data() for row in range(model.rowCount())]


def test_record_shows_the_person_masked_and_every_event(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_record(qtbot, store, people.overdue.person_id, parent)
    record = dialog.record()
    assert record is not None and record.name == "马建军"
    assert "*" in dialog.id_label().text()
    assert not dialog.id_label().is_revealed()
    assert "139****5678" in dialog.facts_text()
    summaries = history_summaries(dialog)
    assert any("职业介绍" in text and "推荐仓储管理岗位" in text for text in summaries)
    assert any("拒绝推介职业培训项目" in text and "无正当理由" in text for text in summaries)
    assert any("实地走访" in text and "已联系上" in text for text in summaries)  # refusal
    kinds = {dialog.history_view().model().index(row, 1).data()
             for row in range(dialog.history_view().model().rowCount())}  # fmt: skip
    assert {"服务", "拒绝服务", "联系", "登记", "核实"} <= kinds
    assert [line.status for line in record.registrations] == ["registered"]
    assert record.tier is not None and record.tier.suggested_reasons
    for name in ("actionContact", "actionService", "actionRefusal", "actionDeregister"):
        assert dialog.action_button(name).isEnabled(), name


def test_the_whole_number_is_shown_only_through_the_audited_view(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_record(qtbot, store, people.overdue.person_id, parent)
    with qtbot.waitSignal(dialog.sig_message_shown, timeout=WAIT_MS) as shown:
        dialog.request_full_record("办理失业登记")
    assert shown.args == ["已显示完整信息（已记入审计记录）"]
    assert dialog.id_label().is_revealed()
    assert "*" not in dialog.id_label().text()
    assert "13912345678" in dialog.facts_text()
    with store.session(write=False) as session:
        viewed = session.scalars(select(Event).where(Event.kind == "audit.viewed")).all()
    assert [event.entity_id for event in viewed] == [people.overdue.person_id]


def test_a_deregistered_person_offers_no_action_and_a_service_is_refused(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_record(qtbot, store, people.deregistered.person_id, parent)
    for name in ("actionContact", "actionService", "actionRefusal", "actionDeregister"):
        assert not dialog.action_button(name).isEnabled(), name
    assert dialog.action_button("actionPrint").isEnabled()
    assert "deregistration-notice" in dialog.printable_documents()
    # A service recorded on the deregistered registration anyway (another counter's list,
    # an old screen): the use case refuses with the date, the form keeps the text.
    forms = dialog.forms()
    forms.set_registration(people.deregistered.registration_id)
    forms.setCurrentIndex(forms.SERVICE)
    content = forms.field("serviceContent")
    assert isinstance(content, QLineEdit)
    content.setText("政策咨询")
    with qtbot.waitSignal(forms.sig_record_failed, timeout=WAIT_MS) as failed:
        forms.save_service()
    assert "已于" in failed.args[0] and "注销" in failed.args[0]
    assert "重新办理失业登记" in dialog.message()
    assert content.text() == "政策咨询"


def test_tier_override_needs_a_reason(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_record(qtbot, store, people.overdue.person_id, parent)
    record = dialog.record()
    assert record is not None and record.tier is not None
    other = "aid" if record.tier.suggested != "aid" else "general"
    choice = dialog.findChild(QWidget, "tierChoice")
    choice.setCurrentIndex(choice.findData(other))
    with qtbot.waitSignal(dialog.sig_message_shown, timeout=WAIT_MS) as shown:
        dialog.set_tier()
    assert "须填写理由" in shown.args[0]
    dialog.findChild(QLineEdit, "tierOverrideReason").setText("家庭困难，需一对一帮扶")
    with qtbot.waitSignal(dialog.sig_record_loaded, timeout=WAIT_MS):
        dialog.set_tier()
    record = dialog.record()
    assert record.tier.current == other
    assert record.tier.override_reason == "家庭困难，需一对一帮扶"
    assert any("家庭困难" in text for text in history_summaries(dialog))


def test_printing_a_list_opens_the_document_dialog_for_the_person(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    from desktop.services.reference_lists import seed_reference_lists

    store, people = followup_store
    with store.session() as session:
        seed_reference_lists(session)
    dialog = open_record(qtbot, store, people.overdue.person_id, parent)
    assert dialog.printable_documents()[-3:] == ["policy-list", "service-list", "agency-list"]
    with qtbot.waitSignal(dialog.sig_dialog_opened, timeout=WAIT_MS) as opened:
        dialog.request_document("policy-list")
    document = opened.args[0]
    try:
        qtbot.waitUntil(lambda: document.rendered() is not None, timeout=20_000)
    except Exception:
        raise AssertionError(document.message()) from None
    assert document.rendered() is not None, document.message()
    assert document.rendered().registration_id == people.overdue.registration_id
    document.close()


def test_contact_from_the_record_shows_in_its_history(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_record(qtbot, store, people.due.person_id, parent)
    dialog.action_button("actionContact").click()
    assert dialog.tabs().currentIndex() == dialog.TAB_RECORD
    dialog.forms().field("contactNote").setText("已在社区招聘会登记")
    with qtbot.waitSignal(dialog.sig_changed, timeout=WAIT_MS):
        dialog.forms().save_current()
    with qtbot.waitSignal(dialog.sig_record_loaded, timeout=WAIT_MS):
        pass
    assert any("已在社区招聘会登记" in text for text in history_summaries(dialog))


def test_a_statistician_can_look_but_not_act(qtbot, followup_store, parent: QWidget) -> None:
    store, people = followup_store
    statistician = SignedInClerk(
        account_id="00000000-0000-4000-8000-000000000009",
        username="stats01",
        display_name="统计员",
        roles=frozenset({Role.STATISTICIAN}),
    )
    with signed_in(statistician):
        dialog = open_record(qtbot, store, people.overdue.person_id, parent)
        for name in (
            "actionContact",
            "actionService",
            "actionRefusal",
            "actionDeregister",
            "actionPrint",
            "fullRecordButton",
            "setTierButton",
        ):
            assert not dialog.action_button(name).isEnabled(), name


@pytest.mark.skipif(not aid_services_available(), reason="desktop/services/aid.py not present")
def test_aid_tab_for_a_person_with_employment_difficulty(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, _people = followup_store
    older = register(store, "马占林", 21, TODAY - dt.timedelta(days=40), birth=dt.date(1968, 3, 3))
    dialog = open_record(qtbot, store, older.person_id, parent)
    tab = dialog.aid_tab()
    assert tab is not None
    assert "大龄" in tab.overview_text()
    assert "尚未制定援助计划" in tab.overview_text()
    with qtbot.waitSignal(dialog.sig_record_loaded, timeout=WAIT_MS):
        tab.findChild(QWidget, "aidAssignMe").click()
    assert "王丽娟" in dialog.aid_tab().overview_text() or "clerk01" in tab.overview_text()
    qtbot.waitUntil(lambda: tab.policies_text() != "", timeout=WAIT_MS)
