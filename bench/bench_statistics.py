"""Benchmark of the statistics (issue 9): the monthly report and the 三统一 check of a county
counter with 100,000 people, and the city and province reports on a central database of
2,000,000 people and 20,000,000 events.

    .venv/bin/python -m bench.bench_statistics [--persons 100000] [--central]
        [--central-persons 2000000] [--central-events 20000000]

The county database is generated once (journal rows and the projections the projector folds
from them, written in bulk) and kept in the temporary folder for later runs. The 三统一 check
is timed once cold (full=True: the whole journal folded and chain-checked, in two processes),
then the way a counter meets it: the sync that pulled the county prepares the kept folds in the
background (prepare_folds: the folding on a read snapshot, then a short write), and the clerk's
first check and later ones fold only what came since.
The central part starts its own PostgreSQL (bench.bench_sync.postgres_server) and fills it
inside the server; 2,000,000 people and 20,000,000 events take about 10 minutes on a small
machine, so it runs only with --central (--central-events 0 skips the journal, which the
projection-based reports do not read). The load average is printed first: the figures of a
shared machine vary with it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

REGION = "620102"
TODAY = dt.date(2025, 12, 15)
MONTH = "2025-11"
# 2: registration carries copies of person fields (migration 0011); a v1 file copied here
# is migrated on open (backfilled), so either gives the same database.
GENERATOR_VERSION = 2
_T = TypeVar("_T")


class _Event(NamedTuple):
    id: str
    entity_type: str
    entity_id: str
    kind: str
    payload: dict[str, Any]
    hlc: str
    wall_time: str
    clerk_id: str
    counter_id: str


_CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(birth: dt.date, serial: int) -> str:
    body = f"{REGION}{birth:%Y%m%d}{serial % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _CHECK_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def county_events(persons: int, seed: int = 2020111) -> Iterator[_Event]:
    """A county's journal: each person recorded, with one registration in a realistic state
    (as desktop.services.demo: 52% registered, 35% deregistered, …) over two years, and the
    monthly contacts of the registered."""
    rng = random.Random(seed)
    clock = 0

    def event(entity_type: str, entity_id: str, kind: str, day: dt.date, payload: Any) -> _Event:
        nonlocal clock
        clock += 1
        wall = dt.datetime.combine(day, dt.time(2, 0), dt.UTC) + dt.timedelta(seconds=clock % 3600)
        hlc = f"{int(wall.timestamp() * 1000):013d}.{clock % 100000:05d}.benchstat"
        return _Event(
            str(uuid.uuid4()),
            entity_type,
            entity_id,
            kind,
            payload,
            hlc,
            wall.isoformat(),
            "bench-clerk",
            f"{REGION}-00{1 + clock % 3}",
        )

    for serial in range(persons):
        person_id, registration_id = str(uuid.uuid4()), str(uuid.uuid4())
        state = rng.choices(
            ("applied", "verified", "registered", "rejected", "deregistered"),
            weights=(6, 3, 52, 4, 35),
        )[0]
        recent = state in ("applied", "verified")
        applied = TODAY - dt.timedelta(
            days=rng.randrange(0, 12) if recent else rng.randrange(20, 720)
        )
        sex = rng.choice("12")
        birth = applied - dt.timedelta(days=rng.randrange(16 * 366, 58 * 365))
        urban = rng.random() < 0.85
        events = [
            event(
                "person",
                person_id,
                "person.recorded",
                applied,
                {
                    "doc_type": "RESIDENT_ID",
                    "id_number": _id_number(birth, serial),
                    "name": rng.choice("王李张刘马杨") + rng.choice("伟芳娜秀英敏静丽强"),
                    "sex": sex,
                    "birth_date": birth.isoformat(),
                    "ethnicity": "01",
                    "phone": f"139{serial:08d}",
                    "household_region": REGION,
                    "household_address": "甘肃省兰州市城关区张掖路街道东社区12号",
                    "residence_region": REGION,
                    "residence_address": "甘肃省兰州市城关区张掖路街道东社区12号",
                    "residence_urban": urban,
                    "hukou_type": "10" if urban else "20",
                    "education": rng.choice(("21", "31", "41", "61", "71", "81")),
                    "health": "1",
                    "political_status": "13",
                    "marital_status": "20",
                },
            ),
            event(
                "registration",
                registration_id,
                "registration.applied",
                applied,
                {
                    "person_id": person_id,
                    "number": f"{REGION}0012025{serial:07d}",
                    "region": REGION,
                    "counter_id": f"{REGION}-001",
                    "channel": "counter",
                    "registration_place": "household",
                    "applied_on": applied.isoformat(),
                    "due_on": (applied + dt.timedelta(days=9)).isoformat(),
                    "unemployed_since": (
                        applied - dt.timedelta(days=rng.randrange(1, 200))
                    ).isoformat(),
                    "unemployment_cause": rng.choice(("01", "02", "02", "04", "09", "99")),
                    "difficulty_categories": ["05"] if rng.random() < 0.1 else [],
                    "job_wish": "销售",
                    "training_wish": False,
                },
            ),
        ]
        if state != "applied":
            verified = min(TODAY, applied + dt.timedelta(days=rng.randrange(1, 6)))
            events.append(
                event(
                    "registration",
                    registration_id,
                    "registration.verified",
                    verified,
                    {
                        "verified_on": verified.isoformat(),
                        "method": "data_comparison",
                        "evidence": {"公安人口库": "一致", "社会保险参保": "无记录"},
                    },
                )
            )
            if state == "rejected":
                events.append(
                    event(
                        "registration",
                        registration_id,
                        "registration.rejected",
                        verified,
                        {"rejected_on": verified.isoformat(), "reason": "经比对已就业"},
                    )
                )
            elif state in ("registered", "deregistered"):
                events.append(
                    event(
                        "registration",
                        registration_id,
                        "registration.registered",
                        verified,
                        {"registered_on": verified.isoformat()},
                    )
                )
                end = TODAY
                if state == "deregistered":
                    end = min(TODAY, verified + dt.timedelta(days=rng.randrange(20, 400)))
                contact = verified + dt.timedelta(days=30)
                while contact < end:
                    events.append(
                        event(
                            "registration",
                            registration_id,
                            "contact.recorded",
                            contact,
                            {
                                "contacted_on": contact.isoformat(),
                                "method": "phone",
                                "reached": True,
                            },
                        )
                    )
                    contact += dt.timedelta(days=rng.randrange(25, 75))
                if state == "deregistered":
                    events.append(
                        event(
                            "registration",
                            registration_id,
                            "deregistration.done",
                            end,
                            {
                                "deregistered_on": end.isoformat(),
                                "reason": rng.choice(("21", "21", "22", "38", "11")),
                            },
                        )
                    )
        yield from events


def _chunks(items: list[_T], size: int) -> Iterator[list[_T]]:
    for first in range(0, len(items), size):
        yield items[first : first + size]


def build_county(path: Path, persons: int) -> tuple[int, float]:
    """Write the county's journal and projections (folded by the projector) into `path`."""
    from sqlalchemy import Table, insert

    from desktop.store.db import open_store
    from desktop.store.models import Event, Person, Registration
    from desktop.store.projector import PROJECTIONS, fold

    started = time.perf_counter()
    events = list(county_events(persons))
    by_entity: dict[tuple[str, str], list[_Event]] = {}
    for item in events:
        by_entity.setdefault((item.entity_type, item.entity_id), []).append(item)
    store = open_store(path, node_id="benchstat")
    try:
        with store.session() as session:
            journal = Event.__table__
            assert isinstance(journal, Table)
            for chunk in _chunks(events, 20_000):
                session.execute(
                    insert(journal),
                    [
                        {
                            "id": e.id,
                            "entity_type": e.entity_type,
                            "entity_id": e.entity_id,
                            "kind": e.kind,
                            "payload": e.payload,
                            "clerk_id": e.clerk_id,
                            "counter_id": e.counter_id,
                            "wall_time": dt.datetime.fromisoformat(e.wall_time),
                            "hlc": e.hlc,
                            "central_seq": None,
                            "pushed": True,
                        }
                        for e in chunk
                    ],
                )
            rows: dict[str, list[dict[str, Any]]] = {"person": [], "registration": []}
            for (entity_type, entity_id), entity_events in by_entity.items():
                state = fold(entity_type, entity_events)
                assert state is not None and PROJECTIONS[entity_type].exists(state)
                rows[entity_type].append({"id": entity_id, **state})
            for model, entity_type in ((Person, "person"), (Registration, "registration")):
                table = model.__table__
                assert isinstance(table, Table)
                for chunk in _chunks(rows[entity_type], 20_000):
                    session.execute(insert(table), chunk)
    finally:
        store.close()
    return len(events), time.perf_counter() - started


def _timed(function: Callable[[], _T], repeat: int) -> tuple[_T, list[float]]:
    samples = []
    result: Any = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - started) * 1000)
    return result, samples


def _line(label: str, samples: list[float], target: str) -> None:
    print(
        f"  {label:<46} median {statistics.median(samples):8.1f} ms"
        f"  min {min(samples):8.1f} ms  ({len(samples)} runs; target {target})"
    )


def bench_county(path: Path, persons: int) -> None:
    from desktop.reports.consistency import JournalFolds, check_consistency, prepare_folds
    from desktop.reports.monthly import monthly_report
    from desktop.reports.supervision import supervision_report
    from desktop.store.db import open_store

    store = open_store(path, node_id="benchstat")
    try:
        with store.session(write=False) as session:
            events = session.connection().exec_driver_sql("SELECT count(*) FROM journal").scalar()
            registrations = (
                session.connection().exec_driver_sql("SELECT count(*) FROM registration").scalar()
            )
        print(
            f"county {REGION}: {persons:,} persons, {registrations:,} registrations,"
            f" {events:,} journal events; report month {MONTH}, today {TODAY}"
        )

        def report() -> Any:
            with store.session(write=False) as session:
                return monthly_report(session, MONTH, REGION, today=TODAY)

        made, samples = _timed(report, 7)
        _line("monthly report (projections)", samples, "< 300 ms")
        print(f"    stock end {made.stock_end:,}, inflow {made.inflow:,}, outflow {made.outflow:,}")

        cold_folds = JournalFolds()

        def cold_check() -> Any:
            with store.session(write=False) as session:
                return check_consistency(
                    session, MONTH, REGION, today=TODAY, folds=cold_folds, full=True
                )

        checked, samples = _timed(cold_check, 1)
        _line("三统一 check, cold (folds the whole journal)", samples, "none: see below")
        print(
            f"    {checked.summary()}; {cold_folds.events_folded:,} events folded,"
            f" {cold_folds.entities_folded:,} entities"
        )

        def warm_check() -> Any:
            with store.session(write=False) as session:
                return check_consistency(session, MONTH, REGION, today=TODAY)

        # What a counter does in practice: the sync that pulled the county (or the first start
        # on a database without kept folds) prepares them in the background, on a read
        # snapshot; the clerk's first check then folds only what came since.
        with store.session() as session:
            session.connection().exec_driver_sql("DELETE FROM statistics_fold")
            session.connection().exec_driver_sql(
                "DELETE FROM setting WHERE key = 'statistics_fold'"
            )
        prepared = prepare_folds(store.engine)
        assert prepared is not None and prepared.written
        print(
            f"  folds prepared in the background (after a pull): {prepared.fold_seconds:.2f} s"
            f" folding on a read snapshot (clerks keep saving), {prepared.write_seconds:.2f} s"
            f" writing in short transactions (longest write lock"
            f" {prepared.longest_lock_seconds * 1000:.0f} ms); {prepared.events_folded:,} events,"
            f" {prepared.entities_written:,} entities"
        )
        _record_contact(store)
        first_folds = JournalFolds()

        def first_check_after_preparation() -> Any:
            with store.session(write=False) as session:
                return check_consistency(session, MONTH, REGION, today=TODAY, folds=first_folds)

        _checked, samples = _timed(first_check_after_preparation, 1)
        _line("三统一 check, first after the preparation", samples, "< 2 s")
        print(f"    {first_folds.events_folded:,} events folded by the check itself")

        _checked, samples = _timed(warm_check, 3)
        _line("三统一 check, again (verified folds kept)", samples, "< 2 s")

        def after_a_new_event() -> Any:
            _record_contact(store)
            return warm_check()

        _checked, samples = _timed(after_a_new_event, 3)
        _line("三统一 check after one new event", samples, "< 2 s")

        def supervision() -> Any:
            with store.session(write=False) as session:
                return supervision_report(session, MONTH, REGION, today=TODAY)

        supervised, samples = _timed(supervision, 3)
        _line("supervision figures (4 indicators, cases)", samples, "none set")
        print(f"    {supervised.summary()}")
    finally:
        store.close()


def _record_contact(store: Any) -> None:
    """One more event in the journal, as a clerk's day adds them (a contact: no figure moves)."""
    from desktop.domain.roles import Role
    from desktop.store.journal import Actor, record

    with store.session() as session:
        registration_id = (
            session.connection()
            .exec_driver_sql("SELECT id FROM registration WHERE status = 'registered' LIMIT 1")
            .scalar_one()
        )
        record(
            session,
            Actor("bench-clerk", f"{REGION}-001", roles=frozenset({Role.CLERK})),
            entity_type="registration",
            entity_id=registration_id,
            kind="contact.recorded",
            payload={"contacted_on": TODAY, "method": "phone", "reached": True},
            clock=store.clock,
        )


# --------------------------------------------------------------------------- central

_CENTRAL_PERSONS_SQL = """
INSERT INTO person (id, doc_type, id_number, name, sex, birth_date, education, residence_region,
    residence_urban, hukou_type, phone, created_hlc, last_hlc, extra, scope_region)
SELECT md5('p' || n)::uuid::text, 'RESIDENT_ID', lpad(n::text, 18, '0'), '某某',
    (n %% 2 + 1)::text, date '1962-01-01' + (n * 7919 %% 15000)::int,
    (ARRAY['21','31','41','61','71','81'])[n %% 6 + 1], c.code, (n * 31 %% 100) < 85, '10',
    '139' || lpad(n::text, 8, '0'), '0', '0', '{}', c.code
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
JOIN (SELECT code, ordinality - 1 AS k FROM unnest(%(codes)s::text[]) WITH ORDINALITY AS code)
    AS c ON c.k = n %% %(count)s
"""
_CENTRAL_REGISTRATIONS_SQL = """
INSERT INTO registration (id, person_id, number, status, region, counter_id, applied_on,
    registered_on, deregistered_on, deregistration_reason, unemployed_since, unemployment_cause,
    difficulty_categories, due_provisional, commitment_printed, commitment_signed, anomalies,
    last_hlc, extra, scope_region)
SELECT md5('r' || n)::uuid::text, md5('p' || n)::uuid::text, 'B' || n,
    CASE WHEN n %% 100 < 6 THEN 'applied' WHEN n %% 100 < 9 THEN 'verified'
         WHEN n %% 100 < 61 THEN 'registered' WHEN n %% 100 < 65 THEN 'rejected'
         ELSE 'deregistered' END,
    c.code, c.code || '-001', a.applied,
    CASE WHEN n %% 100 >= 9 AND n %% 100 < 61 OR n %% 100 >= 65 THEN a.applied + 3 END,
    CASE WHEN n %% 100 >= 65 THEN a.applied + 23 + (n %% 400)::int END,
    CASE WHEN n %% 100 >= 65 THEN (ARRAY['21','22','23','38','11'])[n %% 5 + 1] END,
    a.applied - (n %% 200)::int, (ARRAY['01','02','02','04','09','99'])[n %% 6 + 1],
    CASE WHEN n %% 10 = 0 THEN '["05"]'::jsonb ELSE '[]'::jsonb END, false, true, true,
    '[]'::jsonb, '0', '{}', c.code
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
JOIN (SELECT code, ordinality - 1 AS k FROM unnest(%(codes)s::text[]) WITH ORDINALITY AS code)
    AS c ON c.k = n %% %(count)s
CROSS JOIN LATERAL (SELECT date '2023-12-20' + (n * 37 %% 720)::int AS applied) AS a
"""


def bench_central(persons: int, events: int) -> None:
    """A province: `persons` people and registrations over Gansu's counties, `events` journal
    rows (generated inside the server); then the city and province reports."""
    import psycopg

    from bench.bench_sync import _admin_url, postgres_server
    from desktop.domain.regions import counties, prefectures
    from desktop.reports.central import central_monthly_report
    from desktop.sync.central import init_central

    codes = [c.code for p in prefectures() for c in counties(p.code)]
    with postgres_server() as (sockets, user):
        with psycopg.connect(host=sockets, user=user, dbname="postgres", autocommit=True) as admin:
            admin.execute('CREATE DATABASE "bench_statistics"')
        init_central(_admin_url(sockets, user, "bench_statistics"))
        started = time.perf_counter()
        with psycopg.connect(
            host=sockets, user=user, dbname="bench_statistics", autocommit=True
        ) as connection:
            connection.execute("SET synchronous_commit = off")
            step = 500_000
            for first in range(0, persons, step):
                parameters = {
                    "first": first,
                    "last": min(persons, first + step) - 1,
                    "codes": codes,
                    "count": len(codes),
                }
                connection.execute(_CENTRAL_PERSONS_SQL, parameters)
                connection.execute(_CENTRAL_REGISTRATIONS_SQL, parameters)
            for first in range(0, events, 1_000_000):
                connection.execute(
                    "INSERT INTO journal (id, entity_type, entity_id, kind, payload, clerk_id,"
                    " counter_id, wall_time, hlc, scope_region)"
                    " SELECT gen_random_uuid()::text, 'registration',"
                    " md5('r' || (n %% %s))::uuid::text, 'contact.recorded',"
                    " jsonb_build_object('contacted_on', '2025-06-01'), 'clerk', 'c', now(),"
                    " lpad(n::text, 13, '0') || '.00000.scale', '620102'"
                    " FROM generate_series(%s::bigint, %s::bigint) AS n",
                    [persons, first, min(events, first + 1_000_000) - 1],
                )
            # As autovacuum leaves a loaded database (visibility map, statistics).
            connection.execute("VACUUM ANALYZE")
        build_s = time.perf_counter() - started
        print(
            f"central: {persons:,} persons and registrations over {len(codes)} counties,"
            f" {events:,} journal events (built in {build_s:.0f} s)"
        )
        with psycopg.connect(host=sockets, user=user, dbname="bench_statistics") as connection:
            for region, label in (("620000", "province 620000"), ("620100", "city 620100")):

                def report(region: str = region) -> Any:
                    return central_monthly_report(connection, MONTH, region, today=TODAY)

                made, samples = _timed(report, 3)
                _line(f"central monthly report, {label}", samples, "< 3 s")
                print(f"    stock end {made.stock_end:,}, inflow {made.inflow:,}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_statistics")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--central", action="store_true", help="also the province report")
    parser.add_argument("--central-persons", type=int, default=2_000_000)
    parser.add_argument("--central-events", type=int, default=20_000_000)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    path = (
        Path(tempfile.gettempdir())
        / f"dengji-bench-statistics-v{GENERATOR_VERSION}-{args.persons}.sqlite3"
    )
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in path.parent.glob(partial.name + "*"):
            leftover.unlink()
        count, seconds = build_county(partial, args.persons)
        for suffix in ("-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        partial.rename(path)
        print(f"built the county database: {count:,} events in {seconds:.0f} s → {path}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bench_county(path, args.persons)
    if args.central:
        bench_central(args.central_persons, args.central_events)


if __name__ == "__main__":
    main()
