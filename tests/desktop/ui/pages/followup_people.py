"""Registered people for the 服务跟踪, 注销 and record screens, made through the use cases,
their dates counted back from today so each lands where the test wants it this month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from desktop.config import Config
from desktop.domain.idnumbers import check_digit
from desktop.domain.retirement import add_months
from desktop.domain.roles import Role
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import followup as fu
from desktop.services import registration as reg
from desktop.store.db import Store
from desktop.store.journal import Actor
from tests.desktop.ui.clerks import COUNTY_STAFF

CONFIG = Config()
COUNTY = CONFIG.region_code
TODAY = dt.date.today()
MONTH_START = TODAY.replace(day=1)
# The clerk of tests/desktop/ui/clerks.py (signed_in_clerk), and a colleague.
ME = Actor(
    clerk_id=COUNTY_STAFF.username,
    counter_id=CONFIG.counter_id,
    roles=frozenset({Role.CLERK, Role.REVIEWER}),
)
COLLEAGUE = Actor(
    clerk_id="clerk02", counter_id=CONFIG.counter_id, roles=frozenset({Role.CLERK, Role.REVIEWER})
)


def context(store: Store, actor: Actor = ME) -> reg.CounterContext:
    return reg.CounterContext(
        actor=actor,
        clock=store.clock,
        region_code=COUNTY,
        counter_number=CONFIG.counter_number,
        calendar=WorkdayCalendar(),
    )


@dataclass(frozen=True)
class Registered:
    """A person registered for a test: their ids and name."""

    person_id: str
    registration_id: str
    name: str


def register(
    store: Store,
    name: str,
    serial: int,
    registered_on: dt.date,
    *,
    birth: dt.date = dt.date(1990, 4, 12),
    actor: Actor = ME,
    contacted_on: dt.date | None = None,
) -> Registered:
    """One person applied, verified and registered on `registered_on` (by `actor`)."""
    ctx = context(store, actor)
    body = f"{COUNTY}{birth:%Y%m%d}{serial:03d}"
    person = reg.PersonDetails(
        id_number=body + check_digit(body), name=name, phone="13912345678",
        household_region=COUNTY, residence_region=COUNTY, residence_urban=True,
        ethnicity="01", education="31", health="1",
    )  # fmt: skip
    application = replace(
        reg.Application(
            person=person, applied_on=registered_on, registration_place="household",
            unemployment_cause="02", unemployed_since=registered_on - dt.timedelta(days=20),
        ),
    )  # fmt: skip
    with store.session() as session:
        applied = reg.apply_for_registration(session, ctx, application)
        reg.verify(session, ctx, applied.registration_id, on=registered_on,
                   method="data_comparison", evidence={"公安人口库": "一致"})  # fmt: skip
        reg.register(session, ctx, applied.registration_id, on=registered_on)
        if contacted_on is not None:
            fu.record_contact(session, ctx, applied.registration_id, on=contacted_on,
                              method="phone", reached=True)  # fmt: skip
        person_id = applied.person_id
    return Registered(person_id, applied.registration_id, name)


@dataclass(frozen=True)
class FollowupPeople:
    """The cast: two overdue (one of them six months out of reach), one due, one done, one
    of a colleague's, and one already deregistered."""

    overdue: Registered
    lost_contact: Registered
    due: Registered
    done: Registered
    colleagues: Registered
    deregistered: Registered


def record_followup_people(store: Store) -> FollowupPeople:
    previous_month = add_months(MONTH_START, -1)
    people = FollowupPeople(
        overdue=register(store, "马建军", 11, add_months(MONTH_START, -3)),
        lost_contact=register(store, "李秀兰", 12, add_months(TODAY, -8) - dt.timedelta(days=3)),
        due=register(store, "王海燕", 13, previous_month + dt.timedelta(days=2)),
        done=register(
            store,
            "张志强",
            14,
            add_months(MONTH_START, -2),
            contacted_on=MONTH_START,
        ),
        colleagues=register(store, "赵德明", 15, add_months(MONTH_START, -2), actor=COLLEAGUE),
        deregistered=register(store, "周丽", 16, add_months(MONTH_START, -4)),
    )
    with store.session() as session:
        fu.confirm_deregistration(
            session,
            context(store),
            people.deregistered.registration_id,
            on=add_months(MONTH_START, -1),
            reason="21",
        )
    return people
