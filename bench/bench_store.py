"""Benchmark of the local store: bulk recording, record() latency and person search on 100,000."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from desktop.store.db import Store, open_store
from desktop.store.journal import Actor, record
from desktop.store.queries import search_persons

PERSONS = 100_000
# Every fourth person also gets an applied registration: 125,000 events keep the build
# (one record() per event, ~0.4 ms each on a 2-vCPU box) inside the bench's time budget.
REGISTRATION_EVERY = 4
PERSONS_PER_TRANSACTION = 500
QUERIES = 1_000

_COUNTIES = ["620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123"]
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文华建国玉兰海燕志强小红德福"
_CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(rng: random.Random, serial: int) -> str:
    """A well-formed 18-digit number (GB 11643 check digit), unique through `serial`."""
    # Birth day and sequence both follow from the serial, so no two persons share a number.
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=serial // 1000 * 137)
    body = f"{rng.choice(_COUNTIES)}{birth:%Y%m%d}{serial % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _CHECK_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _person(rng: random.Random, serial: int) -> dict[str, object]:
    id_number = _id_number(rng, serial)
    return {
        "doc_type": "01",
        "id_number": id_number,
        "name": rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.choice((1, 2)))),
        "sex": "1" if int(id_number[16]) % 2 else "2",
        "birth_date": f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
        "ethnicity": "01",
        "phone": f"1{rng.choice('3456789')}{serial:09d}",
        "household_region": id_number[:6],
        "household_address": "甘肃省兰州市城关区庆阳路100号",
        "residence_region": id_number[:6],
        "residence_address": "甘肃省兰州市城关区庆阳路100号",
        "residence_urban": True,
        "hukou_type": "10",
        "education": "31",
        "health": "1",
    }


def build(store: Store, rng: random.Random) -> tuple[list[dict[str, object]], float, int]:
    """Record PERSONS persons, every REGISTRATION_EVERY-th with an applied registration;
    (persons, seconds, events)."""
    actor = Actor("bench-clerk", "620102-01")
    persons: list[dict[str, object]] = []
    events = 0
    started = time.perf_counter()
    for first in range(0, PERSONS, PERSONS_PER_TRANSACTION):
        with store.session() as session:
            for serial in range(first, min(first + PERSONS_PER_TRANSACTION, PERSONS)):
                person = _person(rng, serial)
                person_id, registration_id = str(uuid.uuid4()), str(uuid.uuid4())
                record(
                    session,
                    actor,
                    entity_type="person",
                    entity_id=person_id,
                    kind="person.recorded",
                    payload=person,
                    clock=store.clock,
                )
                events += 1
                persons.append({**person, "id": person_id})
                if serial % REGISTRATION_EVERY:
                    continue
                record(
                    session,
                    actor,
                    entity_type="registration",
                    entity_id=registration_id,
                    kind="registration.applied",
                    payload={
                        "person_id": person_id,
                        "number": f"{person['household_region']}-{serial:010d}",
                        "region": person["household_region"],
                        "counter_id": actor.counter_id,
                        "channel": "counter",
                        "registration_place": "household",
                        "applied_on": "2025-09-30",
                        "due_on": "2025-10-16",
                        "difficulty_categories": [],
                    },
                    clock=store.clock,
                )
                events += 1
    return persons, time.perf_counter() - started, events


def _report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"  {label:<34} median {statistics.median(ordered):7.3f} ms   p95 {p95:7.3f} ms")


def bench_search(store: Store, persons: list[dict[str, object]], rng: random.Random) -> None:
    picks = [rng.choice(persons) for _ in range(QUERIES)]
    cases: dict[str, list[str]] = {
        "by full ID number": [str(p["id_number"]) for p in picks],
        "by ID prefix (6-14 digits)": [str(p["id_number"])[: rng.randint(6, 14)] for p in picks],
        "by name (full name)": [str(p["name"]) for p in picks],
        "by name (surname only)": [str(p["name"])[0] for p in picks],
        "by phone (11 digits)": [str(p["phone"]) for p in picks],
        "by phone prefix (7 digits)": [str(p["phone"])[:7] for p in picks],
    }
    print(f"search_persons over {len(persons):,} persons, {QUERIES:,} queries each:")
    with store.session(write=False) as session:
        for label, texts in cases.items():
            samples: list[float] = []
            empty = 0
            for text in texts:
                started = time.perf_counter()
                hits = search_persons(session, text)
                samples.append((time.perf_counter() - started) * 1000)
                empty += not hits
            _report(label, samples)
            assert empty == 0, f"{label}: {empty} queries found nobody"
    samples = []
    for text in cases["by full ID number"][:200]:
        started = time.perf_counter()
        with store.session(write=False) as session:
            search_persons(session, text)
        samples.append((time.perf_counter() - started) * 1000)
    _report("full ID, own read session each", samples)


def bench_record(store: Store, persons: list[dict[str, object]], rng: random.Random) -> None:
    actor = Actor("bench-clerk", "620102-01")
    record_ms: list[float] = []
    transaction_ms: list[float] = []
    for index in range(300):
        person = rng.choice(persons)
        started = time.perf_counter()
        with store.session() as session:
            record_started = time.perf_counter()
            record(
                session,
                actor,
                entity_type="person",
                entity_id=str(person["id"]),
                kind="person.updated",
                payload={"phone": f"1880000{index:04d}"},
                clock=store.clock,
            )
            record_ms.append((time.perf_counter() - record_started) * 1000)
        transaction_ms.append((time.perf_counter() - started) * 1000)
    print("record() of one event on the 100,000-person store, 300 samples:")
    _report("record() call (insert + projection)", record_ms)
    _report("whole transaction (fsync commit)", transaction_ms)


def bench_open(path: Path) -> None:
    """Start-up cost on the 100,000-person file, in a fresh process as the client pays it."""
    probe = (
        "import sys, time; from pathlib import Path; t0 = time.perf_counter();"
        "from desktop.store.db import open_store; t1 = time.perf_counter();"
        "s = open_store(Path(sys.argv[1])); t2 = time.perf_counter(); s.close();"
        "print(f'{(t1 - t0) * 1000:.0f} {(t2 - t1) * 1000:.1f} {\"alembic\" in sys.modules}')"
    )
    samples = []
    for _ in range(3):
        result = subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True
        )
        samples.append(result.stdout.split())
    import_ms = statistics.median(float(sample[0]) for sample in samples)
    open_ms = statistics.median(float(sample[1]) for sample in samples)
    print(
        f"start-up in a fresh process (median of 3): import desktop.store.db {import_ms:.0f} ms"
        f" (SQLAlchemy), open_store {open_ms:.1f} ms, Alembic imported: {samples[0][2]}"
    )


def main() -> None:
    rng = random.Random(20250930)
    with tempfile.TemporaryDirectory(prefix="dengji-bench-") as directory:
        path = Path(directory) / "dengji.db"
        store = open_store(path, node_id="bench")
        try:
            persons, seconds, events = build(store, rng)
            print(
                f"bulk insert through journal.record: {events:,} events ({PERSONS:,} persons,"
                f" {PERSONS // REGISTRATION_EVERY:,} registrations)"
                f" in {seconds:.1f} s = {events / seconds:,.0f} events/s"
                f" ({PERSONS_PER_TRANSACTION} persons per transaction)"
            )
            bench_search(store, persons, rng)
            bench_record(store, persons, rng)
            started = time.perf_counter()
            problems = store.check_integrity()
            check_ms = (time.perf_counter() - started) * 1000
            size_mb = path.stat().st_size / 1e6
            verdict = problems if problems else "ok"
            print(f"PRAGMA quick_check on {size_mb:.0f} MB: {check_ms:.0f} ms ({verdict})")
        finally:
            store.close()
        bench_open(path)


if __name__ == "__main__":
    main()
