"""Benchmark of 服务跟踪 (issue 6): the monthly due/overdue list and the deregistration sweep
over 50,000 active registrations, and opening a person's full record with 200 events.

Targets: monthly due list < 200 ms; deregistration sweep < 2 s; person record < 50 ms.
The due list reads the covering index ix_registration_due (migration 0006). "This clerk's
list" (the registrations a clerk accepted or is the aid staff member of, which the 服务跟踪
page marks as theirs) reads ix_journal_kind_clerk (migration 0008); it is timed for each
clerk who accepted applications in the demo data (no target in the issue: it runs with the
due list, so it should stay well under the due list's 200 ms for a clerk's own few thousand).

The database is made once with desktop.services.demo.fill_demo_data (about half the demo
people end up registered, so ~100,000 persons; about two minutes), then a fifth of the
registered people get a reached contact this or last month and 300 get three refusals, all
through the follow-up use cases. It is kept in /tmp and reused by later runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from desktop.config import Config
from desktop.domain.roles import Role
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import followup as fu
from desktop.services import registration as reg
from desktop.services.demo import fill_demo_data
from desktop.store.db import Store, open_store
from desktop.store.journal import Actor
from desktop.store.models import AidPlan, Event, Registration
from desktop.store.queries import person_record, registrations_followed_by

ACTIVE = 50_000
CACHE = Path(tempfile.gettempdir()) / f"dengji-bench-followup-{ACTIVE}.sqlite3"
ROUNDS = 10
TODAY = dt.date.today()
REGION = Config().region_code


def _active(store: Store) -> int:
    with store.session(write=False) as session:
        query = select(func.count()).where(Registration.status == "registered")
        return int(session.scalar(query) or 0)


def _add_followups(store: Store) -> None:
    actor = Actor("bench-clerk", Config().counter_id, roles=frozenset({Role.CLERK}))
    ctx = reg.CounterContext(actor, store.clock, REGION, 1, WorkdayCalendar())
    with store.session(write=False) as session:
        rows = session.execute(
            select(Registration.id, Registration.registered_on).where(
                Registration.status == "registered"
            )
        ).all()
    this_month = TODAY.replace(day=1)
    with store.session() as session:
        for index, (rid, registered_on) in enumerate(rows):
            if index % 5 == 0:
                day = this_month if index % 10 == 0 else this_month - dt.timedelta(days=3)
                if registered_on is not None and registered_on <= day <= TODAY:
                    fu.record_contact(session, ctx, rid, on=day, method="phone", reached=True,
                                      today=TODAY)  # fmt: skip
            elif index % 97 == 1 and len(rows) - index > 0:
                for days_ago in (60, 30, 1):
                    day = TODAY - dt.timedelta(days=days_ago)
                    if registered_on is not None and registered_on <= day:
                        fu.record_refusal(session, ctx, rid, on=day, service_kind="job_referral",
                                          valid_reason=False, today=TODAY)  # fmt: skip


def _database() -> Path:
    if CACHE.exists():
        return CACHE
    building = CACHE.with_suffix(".building")
    for leftover in CACHE.parent.glob(building.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    with open_store(building, node_id="benchfollowup") as store:
        persons = 2 * ACTIVE + 2_000
        while True:
            fill_demo_data(store, Config(), persons=persons, today=TODAY)
            missing = ACTIVE - _active(store)
            if missing <= 0:
                break
            persons = 2 * missing + 500
        _add_followups(store)
    building.rename(CACHE)
    print(f"built {CACHE} in {time.perf_counter() - started:.1f} s", flush=True)
    return CACHE


RECORD_EVENTS = 200


def _ctx(store: Store) -> reg.CounterContext:
    roles = frozenset({Role.CLERK, Role.REVIEWER})
    actor = Actor("bench-clerk", Config().counter_id, roles=roles, display_name="张丽")
    return reg.CounterContext(actor, store.clock, REGION, 1, WorkdayCalendar())


def _record_person(store: Store) -> str:
    """A person with an aid plan, a post and contacts up to RECORD_EVENTS events in all (made
    once, kept in the cached database); their id."""
    from desktop.domain.aid import PostPlacement
    from desktop.services import aid

    with store.session(write=False) as session:
        rid, person_id, registered_on = session.execute(
            select(Registration.id, Registration.person_id, Registration.registered_on)
            .where(
                Registration.status == "registered",
                Registration.difficulty_categories != [],
                Registration.registered_on < TODAY - dt.timedelta(days=60),
            )
            .order_by(Registration.number)
            .limit(1)
        ).one()
    assert registered_on is not None  # the WHERE clause compared it
    ctx = _ctx(store)
    with store.session() as session:
        if session.get(AidPlan, rid) is None:
            made_on = registered_on + dt.timedelta(days=5)
            aid.assign_aid_staff(session, ctx, rid, staff_id="bench-clerk", staff_name="张丽",
                                 on=made_on, today=TODAY)  # fmt: skip
            aid.make_aid_plan(
                session,
                ctx,
                rid,
                on=made_on,
                today=TODAY,
                items=[aid.new_item("职业指导", [("指导", None), ("推荐", None)])],
            )
            aid.place_in_welfare_post(session, ctx, rid, PostPlacement(
                "社区保洁", "城关区环卫所", made_on), today=TODAY)  # fmt: skip
    while True:
        with store.session(write=False) as session:
            count = len(person_record(session, person_id).history)
        if count >= RECORD_EVENTS:
            return person_id
        with store.session() as session:
            for index in range(RECORD_EVENTS - count):
                day = registered_on + dt.timedelta(
                    days=index % max(1, (TODAY - registered_on).days)
                )
                fu.record_contact(session, ctx, rid, on=day, method="phone", reached=True,
                                  today=TODAY)  # fmt: skip


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def _report(label: str, samples: list[float], target_ms: float) -> None:
    worst = max(samples)
    verdict = "OK" if worst < target_ms else "OVER TARGET"
    print(
        f"{label}: median {statistics.median(samples):.1f} ms, max {worst:.1f} ms over "
        f"{len(samples)} runs (target < {target_ms:g} ms) {verdict}",
        flush=True,
    )


def _report_clerks_lists(store: Store) -> None:
    with store.session(write=False) as session:
        clerks = session.execute(
            select(Event.clerk_id, func.count())
            .where(Event.kind == "registration.applied")
            .group_by(Event.clerk_id)
            .order_by(func.count())
        ).all()
    for clerk_id, accepted in clerks:
        samples = []
        found: set[str] = set()
        for _ in range(ROUNDS):
            with store.session(write=False) as session:
                elapsed, result = _timed(
                    functools.partial(registrations_followed_by, session, clerk_id)
                )
                samples.append(elapsed)
                assert isinstance(result, set)
                found = result
        label = f"this clerk's list ({clerk_id}: {accepted} accepted, {len(found)} in all)"
        _report(label, samples, 200)


def main() -> None:
    path = _database()
    with open_store(path, node_id="benchfollowup") as store:
        print(f"active registrations: {_active(store)}", flush=True)
        due_ms, sweep_ms = [], []
        rows: object = None
        proposals: object = None
        for _ in range(ROUNDS):
            with store.session(write=False) as session:
                elapsed, rows = _timed(lambda: fu.monthly_due_list(session, REGION, TODAY))
                due_ms.append(elapsed)
            with store.session(write=False) as session:
                elapsed, proposals = _timed(lambda: fu.deregistration_sweep(session, REGION, TODAY))
                sweep_ms.append(elapsed)
        assert isinstance(rows, list) and isinstance(proposals, list)
        overdue = sum(1 for row in rows if row.status.value == "overdue")
        print(f"due list: {len(rows)} rows ({overdue} overdue)", flush=True)
        by_reason: dict[str, int] = {}
        for proposal in proposals:
            by_reason[proposal.reason] = by_reason.get(proposal.reason, 0) + 1
        print(f"sweep: {len(proposals)} proposals by reason {by_reason}", flush=True)
        _report("monthly due list", due_ms, 200)
        _report("deregistration sweep", sweep_ms, 2000)
        _report_clerks_lists(store)
        person_id = _record_person(store)
        record_ms = []
        for _ in range(ROUNDS * 3):
            with store.session(write=False) as session:
                elapsed, record = _timed(lambda: person_record(session, person_id))
                record_ms.append(elapsed)
        assert record is not None
        history = record.history  # type: ignore[attr-defined]
        print(f"person record: {len(history)} events", flush=True)
        _report("person record", record_ms, 50)


if __name__ == "__main__":
    main()
