"""Tests of the registration use cases: apply, verify, register, reject, deregister."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from desktop.config import Config
from desktop.domain.idnumbers import check_digit
from desktop.domain.roles import Role
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import registration as reg
from desktop.services.demo import fill_demo_data
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.store.models import Event, Person, Registration
from desktop.store.projector import (
    PERSON_STATE_KEYS,
    PROJECTIONS,
    REGISTRATION_STATE_KEYS,
    fold,
    fold_person,
    fold_registration,
    row_state,
)

COUNTY = "620102"
APPLIED_ON = dt.date(2025, 9, 30)  # a Tuesday just before the National Day holiday
# county code (6) + counter number (3) + year (4) + this counter's sequence (5)
NUMBER_FORMAT = re.compile(r"(\d{6})(\d{3})(\d{4})(\d{5})")


# `store` is the open store of tests/desktop/services/conftest.py.


@pytest.fixture
def ctx(store: Store) -> reg.CounterContext:
    return reg.CounterContext(
        actor=Actor(
            clerk_id="clerk01",
            counter_id="620102-07",
            roles=frozenset({Role.CLERK, Role.REVIEWER}),
        ),
        clock=store.clock,
        region_code=COUNTY,
        counter_number=7,
        calendar=WorkdayCalendar(),
    )


def id_number(birth: dt.date, serial: int = 11) -> str:
    body = f"{COUNTY}{birth:%Y%m%d}{serial:03d}"
    return body + check_digit(body)


def application(
    birth: dt.date = dt.date(1985, 5, 17), *, applied_on: dt.date = APPLIED_ON, **changes: object
) -> reg.Application:
    person = reg.PersonDetails(
        id_number=id_number(birth),
        name="马建军",
        phone="13912345678",
        household_region=COUNTY,
        residence_region=COUNTY,
        residence_urban=True,
        ethnicity="03",
        household_address="甘肃省兰州市城关区张掖路街道1号",
        education="31",
        health="1",
    )
    return replace(
        reg.Application(
            person=person,
            applied_on=applied_on,
            registration_place="household",
            unemployment_cause="02",
            unemployed_since=dt.date(2025, 8, 31),
            extra={"job_wish": "电工"},
        ),
        **changes,
    )


def event_count(store: Store) -> int:
    with store.session(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Event)) or 0)


def test_apply_verify_register_deregister(store: Store, ctx: reg.CounterContext) -> None:
    with store.session() as session:
        applied = reg.apply_for_registration(session, ctx, application())
        registration = session.get(Registration, applied.registration_id)
        assert registration is not None and registration.status == "applied"
        # notice §3: 7 working days; 10-01..10-08 are the National Day holidays of 2025 and
        # Saturday 10-11 a working day in exchange (调休).
        assert applied.deadline.due == dt.date(2025, 10, 16)
        assert registration.due_on == dt.date(2025, 10, 16)
        assert not applied.deadline.provisional
    with store.session() as session:
        reg.verify(
            session,
            ctx,
            applied.registration_id,
            on=dt.date(2025, 10, 9),
            method="data_comparison",
            evidence={"公安人口库": "一致"},
        )
        reg.register(session, ctx, applied.registration_id, on=dt.date(2025, 10, 9))
        registration = session.get(Registration, applied.registration_id)
        assert registration is not None and registration.status == "registered"
    with store.session() as session:
        reg.deregister(session, ctx, applied.registration_id, on=dt.date(2026, 3, 2), reason="21")
    with store.session(write=False) as session:
        registration = session.get(Registration, applied.registration_id)
        person = session.get(Person, applied.person_id)
        assert registration is not None and person is not None
        assert registration.status == "deregistered"
        assert registration.person_id == person.id
        assert registration.verified_on == dt.date(2025, 10, 9)
        assert registration.verification_method == "data_comparison"
        assert registration.registered_on == dt.date(2025, 10, 9)
        assert registration.deregistered_on == dt.date(2026, 3, 2)
        assert registration.deregistration_reason == "21"
        assert registration.extra["job_wish"] == "电工"
        assert registration.anomalies == []
        assert person.sex == "1" and person.birth_date == dt.date(1985, 5, 17)
        kinds = list(session.scalars(select(Event.kind).order_by(Event.seq)))
        assert kinds == [
            "person.recorded",
            "registration.applied",
            "registration.verified",
            "registration.registered",
            "deregistration.done",
        ]


def test_second_active_registration_is_refused(store: Store, ctx: reg.CounterContext) -> None:
    with store.session() as session:
        first = reg.apply_for_registration(session, ctx, application())
    before = event_count(store)
    with pytest.raises(reg.DuplicateRegistrationError) as refused, store.session() as session:
        reg.apply_for_registration(session, ctx, application(applied_on=dt.date(2025, 10, 9)))
    assert refused.value.registration_id == first.registration_id
    assert refused.value.number == first.number
    assert first.number in refused.value.message and "请打开原记录" in refused.value.message
    assert event_count(store) == before  # nothing written
    # Once that registration is settled, the same person may apply again: same person record,
    # only the changed field recorded.
    with store.session() as session:
        reg.reject(session, ctx, first.registration_id, on=dt.date(2025, 10, 9), reason="已就业")
    moved = application(applied_on=dt.date(2025, 11, 3))
    moved = replace(moved, person=replace(moved.person, phone="18809311234"))
    with store.session() as session:
        second = reg.apply_for_registration(session, ctx, moved)
    assert second.person_id == first.person_id
    assert second.registration_id != first.registration_id
    with store.session(write=False) as session:
        updates = list(
            session.scalars(select(Event).where(Event.kind == "person.updated").order_by(Event.seq))
        )
        assert [event.payload for event in updates] == [{"phone": "18809311234"}]
        assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_under_16_lists_every_unmet_condition(store: Store, ctx: reg.CounterContext) -> None:
    child = application(dt.date(2010, 3, 1), employed=True, willing_to_work=False)
    with pytest.raises(reg.IneligibleError) as refused, store.session() as session:
        reg.apply_for_registration(session, ctx, child)
    unmet = refused.value.unmet
    assert len(unmet) == 3
    assert "未满16周岁" in unmet[0] and "2026-03-01" in unmet[0]
    assert "无就业要求" in unmet
    assert "处于就业状态，不属于无业人员" in unmet
    assert refused.value.message.startswith("不符合失业登记条件：")
    assert all(text in refused.value.message for text in unmet)
    assert event_count(store) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "12345"}, "联系电话"),
        ({"name": "  "}, "姓名不能为空"),
        ({"education": "99x"}, "education"),
        ({"sex": "2"}, "性别与证件号码不一致"),
        ({"health": "6"}, "残疾等级"),
    ],
)
def test_bad_person_details_are_refused(
    store: Store, ctx: reg.CounterContext, change: dict[str, object], message: str
) -> None:
    bad = application()
    bad = replace(bad, person=replace(bad.person, **change))
    with pytest.raises(reg.InvalidApplicationError) as refused, store.session() as session:
        reg.apply_for_registration(session, ctx, bad)
    assert message in refused.value.message
    assert event_count(store) == 0


def test_bad_codes_of_the_application_are_refused(store: Store, ctx: reg.CounterContext) -> None:
    bad = application(unemployment_cause="77", registration_place="moon")
    with pytest.raises(reg.InvalidApplicationError) as refused, store.session() as session:
        reg.apply_for_registration(session, ctx, bad)
    assert "失业原因代码「77」无效" in refused.value.message
    assert "登记地类型「moon」无效" in refused.value.message


def test_transitions_the_state_does_not_allow_are_refused(
    store: Store, ctx: reg.CounterContext
) -> None:
    with store.session() as session:
        applied = reg.apply_for_registration(session, ctx, application())
    registration_id = applied.registration_id
    day = dt.date(2025, 10, 9)
    refusals = [
        (lambda s: reg.register(s, ctx, registration_id, on=day), "当前状态为「已受理待核实」"),
        (
            lambda s: reg.deregister(s, ctx, registration_id, on=day, reason="21"),
            "不能注销",
        ),
        (
            lambda s: reg.verify(
                s, ctx, registration_id, on=dt.date(2025, 9, 1), method="home_visit", evidence={}
            ),
            "不能早于受理日期",
        ),
        (
            lambda s: reg.verify(s, ctx, registration_id, on=day, method="telepathy", evidence={}),
            "核实方式",
        ),
        (lambda s: reg.reject(s, ctx, registration_id, on=day, reason="  "), "须填写原因"),
        (
            lambda s: reg.deregister(s, ctx, registration_id, on=day, reason="00"),
            "注销原因代码「00」无效",
        ),
        (
            lambda s: reg.verify(
                s,
                ctx,
                "5f0c4b8e-0000-4000-8000-000000000000",
                on=day,
                method="home_visit",
                evidence={},
            ),
            "找不到登记记录",
        ),
    ]
    before = event_count(store)
    for attempt, message in refusals:
        refusal = (reg.InvalidTransitionError, reg.InvalidApplicationError)
        with pytest.raises(refusal) as refused, store.session() as session:
            attempt(session)
        assert message in refused.value.message, refused.value.message
    assert event_count(store) == before
    with store.session() as session:
        reg.verify(session, ctx, registration_id, on=day, method="home_visit", evidence={})
        with pytest.raises(reg.InvalidTransitionError, match="已核实"):
            reg.verify(session, ctx, registration_id, on=day, method="home_visit", evidence={})
        reg.register(session, ctx, registration_id, on=day)
        with pytest.raises(reg.InvalidTransitionError, match=r"已登记.*不能不予登记"):
            reg.reject(session, ctx, registration_id, on=day, reason="已就业")
        with pytest.raises(reg.InvalidApplicationError, match="注销日期不能早于"):
            reg.deregister(session, ctx, registration_id, on=dt.date(2025, 10, 8), reason="21")
        reg.deregister(session, ctx, registration_id, on=day, reason="38")
        with pytest.raises(reg.InvalidTransitionError, match="已注销"):
            reg.deregister(session, ctx, registration_id, on=day, reason="21")


def test_registration_numbers(store: Store, ctx: reg.CounterContext) -> None:
    numbers = []
    with store.session() as session:
        for serial in range(12):
            birth = dt.date(1980 + serial, 1 + serial, 10)
            app = application(birth)
            app = replace(app, person=replace(app.person, id_number=id_number(birth, serial)))
            numbers.append(reg.apply_for_registration(session, ctx, app).number)
        # A new year starts a new sequence.
        later = dt.date(1990, 2, 2)
        app = application(later, applied_on=dt.date(2026, 1, 5))
        numbers.append(reg.apply_for_registration(session, ctx, app).number)
    assert len(set(numbers)) == len(numbers)
    parts = [NUMBER_FORMAT.fullmatch(number) for number in numbers]
    assert all(parts), numbers
    assert {(p[1], p[2]) for p in parts if p} == {(COUNTY, "007")}
    assert [p[3] for p in parts if p] == ["2025"] * 12 + ["2026"]
    assert [int(p[4]) for p in parts if p] == [*range(1, 13), 1]
    with store.session(write=False) as session:
        stored = set(session.scalars(select(Registration.number)))
    assert stored == set(numbers)


def test_projections_equal_the_fold_of_the_journal_after_a_demo(store: Store) -> None:
    summary = fill_demo_data(store, Config(), persons=300, today=dt.date(2025, 10, 15), batch=120)
    assert summary.persons == 300 and summary.events > 300 * 3
    with store.session(write=False) as session:
        events: dict[tuple[str, str], list[Event]] = {}
        for event in session.scalars(select(Event)):
            events.setdefault((event.entity_type, event.entity_id), []).append(event)
        persons = list(session.scalars(select(Person)))
        registrations = list(session.scalars(select(Registration)))
        assert len(persons) == 300 and len(registrations) == summary.registrations
        assert {key[0] for key in events} <= set(PROJECTIONS)  # every entity type is projected
        for person in persons:
            expected = fold_person(events[("person", person.id)])
            assert row_state(person, PERSON_STATE_KEYS) == expected
        for registration in registrations:
            expected = fold_registration(events[("registration", registration.id)])
            assert row_state(registration, REGISTRATION_STATE_KEYS) == expected
        # the serving projections (aid plans, posts, marks) equal their folds too
        projected = 0
        for entity_type, spec in PROJECTIONS.items():
            for row in session.scalars(select(spec.model)):
                expected = fold(entity_type, events[(entity_type, row.id)])
                assert row_state(row, spec.keys) == expected, (entity_type, row.id)
                projected += 1
        assert projected == len(events)  # and every entity in the journal has its row
