"""The 注销 dialog: every reason of notice §5, the record's contradictions in Chinese, nothing
lost on a refusal, and the 注销告知书 offered only where the notice says the person is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit, QWidget
from sqlalchemy import select

from desktop.domain.codes import code_table
from desktop.domain.roles import Role
from desktop.services.accounts import SignedInClerk
from desktop.store.db import Store, open_store
from desktop.store.models import Event, Registration
from desktop.ui.pages.deregistration_dialog import DeregistrationDialog, reason_choices
from tests.desktop.ui.clerks import signed_in
from tests.desktop.ui.pages.followup_people import (
    CONFIG,
    TODAY,
    FollowupPeople,
    record_followup_people,
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
    yield store, people
    assert wait_for_background_work(10_000)
    store.close()


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def open_dialog(qtbot, store: Store, registration_id: str, parent: QWidget, **options):
    dialog = DeregistrationDialog(store, CONFIG, registration_id, parent, **options)
    with qtbot.waitSignal(dialog.sig_loaded, timeout=WAIT_MS):
        dialog.show()
    return dialog


def status(store: Store, registration_id: str) -> str:
    with store.session(write=False) as session:
        registration = session.get(Registration, registration_id)
        assert registration is not None
        return registration.status


def test_every_reason_of_the_notice_is_offered() -> None:
    codes = [code for code, _label in reason_choices()]
    assert codes == [entry.code for entry in code_table("deregistration_reason")]
    assert len(codes) == 13
    labels = dict(reason_choices())
    assert labels["11"] == "（一）已依法享受基本养老保险待遇"
    assert labels["38"] == "（三）连续6个月无法取得联系"


def test_pension_for_a_young_person_is_contradicted_and_nothing_is_lost(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_dialog(qtbot, store, people.overdue.registration_id, parent)
    with qtbot.waitSignal(dialog.sig_checked, timeout=WAIT_MS) as checked:
        dialog.set_reason("11")
    assert len(checked.args[0]) == 1
    assert "未达法定退休年龄" in checked.args[0][0]
    assert "记录与所选原因不符" in dialog.problems_text()
    note = dialog.field("deregistrationNote")
    assert isinstance(note, QLineEdit)
    note.setText("本人称已退休")
    with qtbot.waitSignal(dialog.sig_failed, timeout=WAIT_MS) as failed:
        dialog.confirm()
    assert failed.args == ["未注销：记录与所选原因不符，请补充依据或改选原因"]
    assert dialog.reason() == "11"
    assert note.text() == "本人称已退休"
    assert status(store, people.overdue.registration_id) == "registered"
    # With the pension office's notice as evidence the same reason goes through.
    evidence = dialog.field("deregistrationEvidence")
    assert isinstance(evidence, QLineEdit)
    with qtbot.waitSignal(dialog.sig_checked, timeout=WAIT_MS) as checked:
        evidence.setText("养老保险待遇核定通知书 2026-10")
    assert checked.args == [[]]
    assert dialog.problems_text() == "记录与所选原因无矛盾"


def test_lost_contact_too_early_is_contradicted(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_dialog(qtbot, store, people.due.registration_id, parent, reason="38")
    with qtbot.waitSignal(dialog.sig_failed, timeout=WAIT_MS) as failed:
        dialog.confirm()
    assert "记录与所选原因不符" in failed.args[0]
    assert "未满连续6个月" in dialog.problems_text()
    assert status(store, people.due.registration_id) == "registered"


def test_hired_is_deregistered_and_the_notice_is_offered(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_dialog(qtbot, store, people.overdue.registration_id, parent)
    dialog.set_reason("21")
    dialog.field("deregistrationEvidence").setText("兰州某物流有限公司录用通知")
    with qtbot.waitSignal(dialog.sig_deregistered, timeout=WAIT_MS) as done:
        dialog.confirm()
    assert done.args == [people.overdue.registration_id, True]
    assert status(store, people.overdue.registration_id) == "deregistered"
    assert "请打印注销告知书" in dialog.message()
    assert dialog.print_button().isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.sig_document_dialog_opened, timeout=WAIT_MS) as opened:
        dialog.print_button().click()
    document = opened.args[0]
    with qtbot.waitSignal(document.sig_document_shown, timeout=20_000):
        pass
    assert document.rendered().name == "deregistration-notice"
    document.close()
    with store.session(write=False) as session:
        event = session.scalars(
            select(Event).where(
                Event.kind == "deregistration.done",
                Event.entity_id == people.overdue.registration_id,
            )
        ).one()
        assert event.payload["reason"] == "21"
        assert "录用通知" in event.payload["note"]


def test_lost_contact_is_deregistered_without_a_notice(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_dialog(
        qtbot, store, people.lost_contact.registration_id, parent, reason="38", evidence="8个月"
    )
    with qtbot.waitSignal(dialog.sig_deregistered, timeout=WAIT_MS) as done:
        dialog.confirm()
    assert done.args == [people.lost_contact.registration_id, False]
    assert "不予告知" in dialog.message()
    assert not dialog.print_button().isVisibleTo(dialog)


def test_a_date_after_today_is_refused_and_kept(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_dialog(qtbot, store, people.overdue.registration_id, parent, reason="21")
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    refusal = (
        f"注销日期 {tomorrow} 晚于今天 {TODAY.isoformat()}，不能预先注销，请在注销情形发生后办理"
    )
    dialog.field("deregistrationEvidence").setText("录用通知书")
    with qtbot.waitSignal(dialog.sig_checked, timeout=WAIT_MS, check_params_cb=bool) as checked:
        dialog.field("deregistrationDate").setText(tomorrow)
    assert checked.args == [[refusal]]  # shown as it is typed, by the service's own check
    with qtbot.waitSignal(dialog.sig_failed, timeout=WAIT_MS) as failed:
        dialog.confirm()
    assert failed.args == [f"未注销：{refusal}"]
    assert dialog.field("deregistrationDate").text() == tomorrow
    assert status(store, people.overdue.registration_id) == "registered"


def test_a_date_before_the_registration_is_shown_and_refused(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_dialog(qtbot, store, people.overdue.registration_id, parent, reason="21")
    with store.session(write=False) as session:
        registration = session.get(Registration, people.overdue.registration_id)
        assert registration is not None and registration.registered_on is not None
        registered_on = registration.registered_on
    early = (registered_on - dt.timedelta(days=1)).isoformat()
    dialog.field("deregistrationEvidence").setText("录用通知书")
    with qtbot.waitSignal(dialog.sig_checked, timeout=WAIT_MS, check_params_cb=bool) as checked:
        dialog.field("deregistrationDate").setText(early)
    assert checked.args == [[f"注销日期不能早于登记日期 {registered_on}（填写的是 {early}）"]]
    with qtbot.waitSignal(dialog.sig_failed, timeout=WAIT_MS):
        dialog.confirm()
    assert status(store, people.overdue.registration_id) == "registered"
    journal = select(Event).where(Event.kind == "deregistration.done")
    with store.session(write=False) as session:
        assert people.overdue.registration_id not in {
            event.entity_id for event in session.scalars(journal)
        }


def test_a_clerk_without_the_reviewer_role_cannot_confirm(
    qtbot, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    clerk_only = SignedInClerk(
        account_id="00000000-0000-4000-8000-000000000003",
        username="clerk03",
        display_name="窗口经办",
        roles=frozenset({Role.CLERK}),
    )
    with signed_in(clerk_only):
        dialog = open_dialog(qtbot, store, people.overdue.registration_id, parent, reason="21")
        button = dialog.field("confirmDeregistration")
        assert not button.isEnabled()
        assert button.toolTip() == "确认注销须由审核人员办理"


def test_an_already_deregistered_registration_says_so(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    store, people = followup_store
    dialog = open_dialog(qtbot, store, people.deregistered.registration_id, parent)
    assert "不能注销" in dialog.message()
    assert not dialog.field("confirmDeregistration").isEnabled()


def test_stable_income_asks_for_the_income_and_checks_the_minimum_standard(
    qtbot, signed_in_clerk, followup_store, parent: QWidget
) -> None:
    from desktop.services.followup import seed_minimum_standards

    store, people = followup_store
    with store.session() as session:
        seed_minimum_standards(session)
    dialog = open_dialog(qtbot, store, people.overdue.registration_id, parent)
    income = dialog.field("deregistrationIncome")
    assert not income.isVisibleTo(dialog)
    dialog.set_reason("23")
    assert income.isVisibleTo(dialog)
    dialog.field("deregistrationEvidence").setText("劳动合同及工资流水")
    with qtbot.waitSignal(dialog.sig_checked, timeout=WAIT_MS) as low:
        income.setText("300")
    assert low.args[0] and "最低生活保障标准" in low.args[0][0]
    with qtbot.waitSignal(dialog.sig_checked, timeout=WAIT_MS) as enough:
        income.setText("3500")
    assert enough.args == [[]]
    with qtbot.waitSignal(dialog.sig_deregistered, timeout=WAIT_MS):
        dialog.confirm()
    assert status(store, people.overdue.registration_id) == "deregistered"
