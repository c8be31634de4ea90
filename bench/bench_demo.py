"""Demo data speed: `dengji demo` through the registration use cases, and a clerk's latencies.

    .venv/bin/python -m bench.bench_demo [--persons N] [--full] [--db PATH]

Fills a fresh database with fill_demo_data (every event through journal.record, its projection
in the same transaction, 1,000 persons per transaction) and prints persons/s, events/s and the
time for 100,000 persons: extrapolated from the sample (default 5,000 persons, ~6 s, so the
bench stays well inside a minute) or, with --full, measured. The rate drops as the file grows
(random UUID keys, a bigger WAL per commit), so the extrapolation uses the rate of the last
sample slice, not the average. Then, on that database, what a clerk waits for: one application
(受理, apply_for_registration + commit; target under 30 ms on 100,000 persons) and one event
(record() alone, and record() + commit).
Target (issue): `dengji demo --persons 100000` under 2 minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from desktop.config import Config
from desktop.domain.idnumbers import check_digit
from desktop.domain.roles import Role
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import registration as reg
from desktop.services.demo import fill_demo_data
from desktop.store.db import Store, open_store
from desktop.store.journal import Actor, record
from desktop.store.models import Person, Registration

FULL = 100_000
TARGET_SECONDS = 120.0
APPLY_TARGET_MS = 30.0
SAMPLE_PERSONS = 5_000
LATENCY_SAMPLES = 60
TODAY = dt.date(2025, 10, 15)


def _report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"  {label:<44} median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms")


def fill(store: Store, persons: int) -> tuple[float, int, float]:
    """Fill the store; (seconds, events, persons/s of the last tenth of the run)."""
    marks: list[tuple[int, float]] = [(0, time.perf_counter())]

    def progress(made: int, _total: int) -> None:
        marks.append((made, time.perf_counter()))

    summary = fill_demo_data(store, Config(), persons=persons, today=TODAY, progress=progress)
    # The rate over the last ~10 % of the run (at least one transaction).
    end_made, end_time = marks[-1]
    start_made, start_time = next(
        (mark for mark in marks if mark[0] >= end_made * 0.9 - 1), marks[-2]
    )
    if start_made == end_made:
        start_made, start_time = marks[-2]
    late_rate = (end_made - start_made) / (end_time - start_time)
    return summary.seconds, summary.events, late_rate


def _application(serial: int, taken: set[str]) -> reg.Application:
    """A new applicant of 城关区 whose ID number the database does not hold yet."""
    while True:
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=serial * 37 % 12000)
        body = f"620102{birth:%Y%m%d}{serial % 1000:03d}"
        number = body + check_digit(body)
        serial += 7919
        if number not in taken:
            taken.add(number)
            break
    return reg.Application(
        person=reg.PersonDetails(
            id_number=number,
            name="王建国",
            phone="13919191919",
            household_region="620102",
            residence_region="620102",
            residence_urban=True,
            ethnicity="01",
            education="31",
            health="1",
        ),
        applied_on=TODAY,
        registration_place="household",
        unemployment_cause="02",
        unemployed_since=TODAY - dt.timedelta(days=40),
    )


def clerk_latencies(store: Store) -> float:
    """One application and one event each in its own transaction, as at the counter;
    returns the median application time (ms)."""
    context = reg.CounterContext(
        actor=Actor("bench-clerk", "demo-counter-01", roles=frozenset({Role.CLERK})),
        clock=store.clock,
        region_code="620102",
        counter_number=1,
        calendar=WorkdayCalendar(),
    )
    with store.session(write=False) as session:
        taken = set(session.scalars(select(Person.id_number)))
        registered = list(
            session.scalars(
                select(Registration.id).where(Registration.status == "registered").limit(500)
            )
        )
    apply_ms: list[float] = []
    for index in range(LATENCY_SAMPLES):
        application = _application(index * 104_729 + 1, taken)
        started = time.perf_counter()
        with store.session() as session:
            reg.apply_for_registration(session, context, application)
        apply_ms.append((time.perf_counter() - started) * 1000)
    record_ms: list[float] = []
    transaction_ms: list[float] = []
    for index in range(LATENCY_SAMPLES * 2):
        started = time.perf_counter()
        with store.session() as session:
            record_started = time.perf_counter()
            record(
                session,
                context.actor,
                entity_type="registration",
                entity_id=registered[index % len(registered)],
                kind="contact.recorded",
                payload={"contacted_on": TODAY, "method": "phone", "reached": True},
                clock=store.clock,
            )
            record_ms.append((time.perf_counter() - record_started) * 1000)
        transaction_ms.append((time.perf_counter() - started) * 1000)
    _report("受理 apply_for_registration + commit", apply_ms)
    _report("record() of one event (insert + projection)", record_ms)
    _report("record() + commit (fsync)", transaction_ms)
    return statistics.median(apply_ms)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=SAMPLE_PERSONS)
    parser.add_argument("--full", action="store_true", help=f"fill all {FULL:,} persons")
    parser.add_argument("--db", type=Path, help="keep the database at this (new) path")
    args = parser.parse_args([] if argv is None else argv)
    persons = FULL if args.full else args.persons
    with tempfile.TemporaryDirectory(prefix="dengji-bench-demo-") as directory:
        path = args.db or Path(directory) / "demo.sqlite3"
        with open_store(path, node_id="benchdemo") as store:
            seconds, events, late_rate = fill(store, persons)
            print(f"demo data: {persons:,} persons, {events:,} events in {seconds:.1f} s")
            print(
                f"  {persons / seconds:,.0f} persons/s, {events / seconds:,.0f} events/s"
                f" ({events / persons:.2f} events per person, {seconds / events * 1e6:.0f} µs"
                " per event)"
            )
            if persons >= FULL:
                verdict = "OK" if seconds * FULL / persons < TARGET_SECONDS else "OVER"
                print(
                    f"  measured time for {FULL:,} persons: {seconds * FULL / persons:.1f} s"
                    f" (target < {TARGET_SECONDS:.0f} s: {verdict})"
                )
            else:
                rest = (FULL - persons) / late_rate
                estimate = seconds + rest
                print(
                    f"  extrapolated time for {FULL:,} persons: {estimate:.0f} s (the rest at the"
                    f" last slice's {late_rate:,.0f} persons/s; the rate keeps falling as the"
                    " file grows: run --full for the real figure)"
                )
            print(f"on this {persons:,}-person database, {LATENCY_SAMPLES} samples each:")
            apply_median = clerk_latencies(store)
            verdict = "OK" if apply_median < APPLY_TARGET_MS else "OVER"
            print(f"  (受理 target < {APPLY_TARGET_MS:.0f} ms on {FULL:,} persons: {verdict})")


if __name__ == "__main__":
    main(sys.argv[1:])
