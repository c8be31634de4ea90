"""Each role calling the use cases directly (not through the UI): what it may not do is refused
before anything is recorded; a disability agency works only under its delegation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.config import Config
from desktop.domain.idnumbers import check_digit
from desktop.domain.roles import DelegationError, PermissionDeniedError, Role
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import documents
from desktop.services import registration as reg
from desktop.services.accounts import authorize
from desktop.services.audit import record_export
from desktop.services.reference_lists import add_entry, deactivate_entry, update_entry
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.store.models import Event, Registration
from desktop.store.queries import RecordScope, search_persons
from tests.desktop.services.staff import (
    ADMIN,
    AGENCY,
    CLERK,
    REVIEWER,
    STATISTICIAN,
    actor,
    agency_actor,
    delegation,
)

COUNTY = "620102"
APPLIED_ON = dt.date(2025, 9, 1)
CONFIG = Config(counter_id="620102-01", region_code=COUNTY)
NO_ROLE = actor(None, "nobody")


def context(store: Store, who: Actor) -> reg.CounterContext:
    return reg.CounterContext(
        actor=who,
        clock=store.clock,
        region_code=COUNTY,
        counter_number=1,
        calendar=WorkdayCalendar(),
    )


def application(serial: int = 11, *, disabled: bool = False) -> reg.Application:
    body = f"{COUNTY}19850517{serial:03d}"
    person = reg.PersonDetails(
        id_number=body + check_digit(body),
        name="马建军",
        phone="13912345678",
        household_region=COUNTY,
        residence_region=COUNTY,
        residence_urban=True,
        health="6" if disabled else "1",
        disability_category="4" if disabled else None,
        disability_grade="四级" if disabled else None,
    )
    return reg.Application(
        person=person,
        applied_on=APPLIED_ON,
        registration_place="household",
        unemployment_cause="02",
    )


def event_count(store: Store) -> int:
    with store.session(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Event)) or 0)


def applied_by(store: Store, who: Actor, app: reg.Application) -> reg.AppliedRegistration:
    with store.session() as session:
        return reg.apply_for_registration(session, context(store, who), app)


def through(store: Store, who: Actor, registration_id: str, steps: tuple[str, ...]) -> None:
    ctx = context(store, who)
    with store.session() as session:
        if "verify" in steps:
            reg.verify(
                session,
                ctx,
                registration_id,
                on=dt.date(2025, 9, 2),
                method="data_comparison",
                evidence={},
            )
        if "register" in steps:
            reg.register(session, ctx, registration_id, on=dt.date(2025, 9, 3))


# --------------------------------------------------------------------------- roles


@pytest.mark.parametrize("who", [REVIEWER, STATISTICIAN, ADMIN, NO_ROLE], ids=lambda a: a.clerk_id)
def test_only_a_clerk_or_agency_accepts_an_application(store: Store, who: Actor) -> None:
    with pytest.raises(PermissionDeniedError, match="无权受理失业登记申请"):
        applied_by(store, who, application())
    assert event_count(store) == 0


def _verify(session: Session, ctx: reg.CounterContext, registration_id: str) -> None:
    reg.verify(
        session, ctx, registration_id, on=dt.date(2025, 9, 2), method="home_visit", evidence={}
    )


def _register(session: Session, ctx: reg.CounterContext, registration_id: str) -> None:
    reg.register(session, ctx, registration_id, on=dt.date(2025, 9, 3))


def _reject(session: Session, ctx: reg.CounterContext, registration_id: str) -> None:
    reg.reject(session, ctx, registration_id, on=dt.date(2025, 9, 3), reason="已就业")


def _deregister(session: Session, ctx: reg.CounterContext, registration_id: str) -> None:
    reg.deregister(session, ctx, registration_id, on=dt.date(2025, 10, 1), reason="21")


@pytest.mark.parametrize(
    ("step", "ready", "label"),
    [
        (_verify, (), "核实登记申请"),
        (_register, ("verify",), "办结失业登记"),
        (_reject, (), "作出不予登记决定"),
        (_deregister, ("verify", "register"), "确认注销失业登记"),
    ],
)
@pytest.mark.parametrize("who", [CLERK, STATISTICIAN, ADMIN, NO_ROLE], ids=lambda a: a.clerk_id)
def test_only_a_reviewer_verifies_registers_rejects_and_deregisters(
    store: Store,
    who: Actor,
    step: Callable[[Session, reg.CounterContext, str], None],
    ready: tuple[str, ...],
    label: str,
) -> None:
    applied = applied_by(store, CLERK, application())
    through(store, REVIEWER, applied.registration_id, ready)
    before = event_count(store)
    with store.session() as session, pytest.raises(PermissionDeniedError, match=label):
        step(session, context(store, who), applied.registration_id)
    assert event_count(store) == before
    with store.session() as session:  # the reviewer may
        step(session, context(store, REVIEWER), applied.registration_id)
    assert event_count(store) == before + 1


def test_a_clerk_may_not_deregister_even_their_own_registration(store: Store) -> None:
    both = actor(Role.CLERK, "clerk02")
    applied = applied_by(store, both, application())
    through(store, REVIEWER, applied.registration_id, ("verify", "register"))
    with store.session() as session, pytest.raises(PermissionDeniedError, match="（窗口经办）"):
        _deregister(session, context(store, both), applied.registration_id)


def test_only_an_administrator_changes_the_reference_lists(seeded_store: Store) -> None:
    values = {"item": "职业指导", "audience": "登记失业人员", "content": "一对一指导"}
    with seeded_store.session() as session:
        for who in (CLERK, REVIEWER, STATISTICIAN, NO_ROLE):
            with pytest.raises(PermissionDeniedError, match="无权维护政策、服务和机构清单"):
                add_entry(session, who, seeded_store.clock, "service", values)
        entry = add_entry(session, ADMIN, seeded_store.clock, "service", values)
        with pytest.raises(PermissionDeniedError):
            update_entry(session, CLERK, seeded_store.clock, "service", entry.id, {"item": "x"})
        with pytest.raises(PermissionDeniedError):
            deactivate_entry(session, REVIEWER, seeded_store.clock, "service", entry.id)


def test_printing_needs_the_print_permission(seeded_store: Store) -> None:
    applied = applied_by(seeded_store, CLERK, application())
    with seeded_store.session() as session:
        for who in (STATISTICIAN, ADMIN, NO_ROLE):
            with pytest.raises(PermissionDeniedError, match="无权打印文书"):
                documents.prepare_document(
                    session,
                    CONFIG,
                    "commitment",
                    registration_id=applied.registration_id,
                    actor=who,
                )
        prepared = documents.prepare_document(
            session, CONFIG, "commitment", registration_id=applied.registration_id, actor=CLERK
        )
        rendered = prepared.render()
        before = session.scalar(select(func.count()).select_from(Event))
        with pytest.raises(PermissionDeniedError):
            documents.record_printed(session, STATISTICIAN, seeded_store.clock, rendered, "p1")
        assert session.scalar(select(func.count()).select_from(Event)) == before
        assert len(documents.record_printed(session, CLERK, seeded_store.clock, rendered, "p1"))


def test_a_scanned_letter_needs_a_clerk_or_reviewer(seeded_store: Store) -> None:
    applied = applied_by(seeded_store, CLERK, application())
    with seeded_store.session() as session:
        with pytest.raises(PermissionDeniedError):
            documents.record_commitment_signed(
                session, STATISTICIAN, seeded_store.clock, applied.number
            )
        signed = documents.record_commitment_signed(
            session, REVIEWER, seeded_store.clock, applied.number
        )
        assert not signed.already_signed


@pytest.mark.parametrize("who", [CLERK, REVIEWER, NO_ROLE], ids=lambda a: a.clerk_id)
def test_exports_need_the_administrator_or_the_statistician(store: Store, who: Actor) -> None:
    with store.session() as session:
        with pytest.raises(PermissionDeniedError, match="无权导出数据"):
            record_export(session, who, store.clock, what="月报", rows=3, reason="报送")
        record_export(session, STATISTICIAN, store.clock, what="月报", rows=3, reason="报送")
        record_export(session, ADMIN, store.clock, what="月报", rows=3, reason="报送")


# --------------------------------------------------------------------------- the agency


def test_an_agency_registers_a_disabled_worker_under_its_delegation(seeded_store: Store) -> None:
    agency = agency_actor(delegation())
    applied = applied_by(seeded_store, agency, application(disabled=True))
    through(seeded_store, agency, applied.registration_id, ("verify", "register"))
    with seeded_store.session(write=False) as session:
        registration = session.get(Registration, applied.registration_id)
        assert registration is not None and registration.status == "registered"
        assert registration.extra["delegated_agency"] == AGENCY
        assert registration.extra["delegation"]["entrusting_department"] == (
            "兰州市城关区人力资源和社会保障局"
        )
        # The delegation shows on the documents the agency prints.
        prepared = documents.prepare_document(
            session, CONFIG, "commitment", registration_id=applied.registration_id, actor=agency
        )
        assert prepared.data.agency_name == (
            "城关区残疾人就业服务中心（受兰州市城关区人力资源和社会保障局委托办理，"
            "委托期限2024-01-01至2026-12-31）"
        )
        listed = documents.prepare_document(session, CONFIG, "policy-list", actor=agency)
        assert listed.data.issuer.startswith("城关区残疾人就业服务中心（受兰州市城关区")


def test_an_agency_may_not_register_someone_who_is_not_disabled(store: Store) -> None:
    with pytest.raises(DelegationError, match="受委托机构只能为残疾人办理"):
        applied_by(store, agency_actor(delegation()), application(disabled=False))
    assert event_count(store) == 0


def test_an_expired_delegation_is_refused(store: Store) -> None:
    expired = agency_actor(delegation(dt.date(2023, 1, 1), dt.date(2025, 8, 31)))
    with pytest.raises(DelegationError) as refused:
        applied_by(store, expired, application(disabled=True))
    assert "委托期限为2023-01-01至2025-08-31，2025-09-01不在期限内" in refused.value.message
    assert event_count(store) == 0


def test_an_agency_without_a_delegation_is_refused(store: Store) -> None:
    undelegated = actor(Role.DISABILITY_AGENCY, "canlian02", agency_id=AGENCY)
    with pytest.raises(DelegationError, match="没有登记在案的委托"):
        applied_by(store, undelegated, application(disabled=True))


def test_an_agency_may_not_touch_registrations_not_delegated_to_it(store: Store) -> None:
    own = applied_by(store, CLERK, application(11, disabled=True))
    with store.session() as session, pytest.raises(DelegationError, match="不是委托本机构办理"):
        _verify(session, context(store, agency_actor(delegation())), own.registration_id)
    other_agency = replace(agency_actor(delegation()), agency_id="canlian-620103")
    theirs = applied_by(store, agency_actor(delegation()), application(12, disabled=True))
    with store.session() as session, pytest.raises(DelegationError):
        _verify(session, context(store, other_agency), theirs.registration_id)


def test_an_agency_may_not_confirm_a_deregistration(store: Store) -> None:
    agency = agency_actor(delegation())
    applied = applied_by(store, agency, application(disabled=True))
    through(store, agency, applied.registration_id, ("verify", "register"))
    with store.session() as session, pytest.raises(PermissionDeniedError, match="确认注销"):
        _deregister(session, context(store, agency), applied.registration_id)
    with store.session() as session:  # the department's reviewer confirms it
        _deregister(session, context(store, REVIEWER), applied.registration_id)


def test_an_agency_sees_only_the_registrations_delegated_to_it(store: Store) -> None:
    applied_by(store, CLERK, application(11, disabled=True))
    delegated = applied_by(store, agency_actor(delegation()), application(12, disabled=True))
    with store.session(write=False) as session:
        everyone = search_persons(session, "马建军")
        assert len(everyone) == 2
        scoped = search_persons(session, "马建军", scope=RecordScope(agency_id=AGENCY))
        assert [hit.person_id for hit in scoped] == [delegated.person_id]
        assert scoped[0].registration_number == delegated.number
        assert search_persons(session, "6201", scope=RecordScope(agency_id="other")) == []


def test_authorize_is_the_one_check_for_new_use_cases() -> None:
    """The registration-flow pages call authorize() with the same rules."""
    from desktop.domain.roles import Permission

    authorize(CLERK, Permission.RECORD_SERVICE, on=APPLIED_ON)
    with pytest.raises(PermissionDeniedError):
        authorize(STATISTICIAN, Permission.RECORD_SERVICE, on=APPLIED_ON)
    with pytest.raises(DelegationError):
        authorize(
            agency_actor(delegation()),
            Permission.RECORD_SERVICE,
            on=APPLIED_ON,
            delegated_agency="someone-else",
            for_existing_record=True,
        )


@pytest.mark.parametrize("who", [CLERK, STATISTICIAN, NO_ROLE], ids=lambda a: a.clerk_id)
def test_only_a_reviewer_compares_data_or_sends_a_home_visit(store: Store, who: Actor) -> None:
    from desktop.services import verification

    applied = applied_by(store, CLERK, application(31))
    before = event_count(store)
    today = dt.date.today()
    with store.session() as session, pytest.raises(PermissionDeniedError):
        verification.run_comparison(session, context(store, who), applied.registration_id, today)
    with store.session() as session, pytest.raises(PermissionDeniedError):
        verification.assign_home_visit(
            session,
            context(store, who),
            applied.registration_id,
            assignee="李明",
            due_on=today + dt.timedelta(days=3),
            reason="无法比对",
            on=today,
        )
    assert event_count(store) == before
    with store.session() as session:
        verification.run_comparison(
            session, context(store, REVIEWER), applied.registration_id, today
        )
    assert event_count(store) == before + 1
