"""Benchmark of sync against a throw-away PostgreSQL: push and pull of 100,000 events, each
against a raw COPY of the same rows, one event's round trip A → central → B, and a counter's
incremental sync on a large central journal.

    .venv/bin/python -m bench.bench_sync [--events 100000] [--scale-events 500000]

(The province-scale figure in docs/scaling.md is one run with --scale-events 20000000, which
builds its journal for about ten minutes; the default keeps the whole run near a minute.)

Starts its own cluster (initdb in a temporary folder, Unix socket only, default durability
settings: fsync on, synchronous_commit on) and removes it afterwards.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop.store.db import Store, open_store
from desktop.store.journal import Actor, record
from desktop.sync.central import add_counter, init_central
from desktop.sync.connection import connect, parse_central_url
from desktop.sync.local import ingest_pulled
from desktop.sync.pull import pull
from desktop.sync.push import push_pending
from desktop.sync.wire import WireEvent
from desktop.sync.worker import SyncWorker

REGION = "620102"
EVENTS_PER_PERSON = 5  # recorded, applied, verified, registered, one contact
ROUND_TRIPS = 30
_COLUMNS = "id, entity_type, entity_id, kind, payload, clerk_id, counter_id, wall_time, hlc"


# --------------------------------------------------------------------------- the server


def _postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise SystemExit(f"需要 PostgreSQL 服务器程序 {name}（make setup 会安装）")


@contextmanager
def postgres_server() -> Iterator[tuple[str, str]]:
    """(socket directory, superuser) of a fresh cluster, stopped and removed afterwards."""
    prefix: list[str] = []
    user = getpass.getuser()
    base = Path(tempfile.mkdtemp(prefix="dengji-bench-pg-"))
    if os.geteuid() == 0:  # initdb refuses root: run the server as postgres
        import pwd

        entry = pwd.getpwnam("postgres")
        os.chown(base, entry.pw_uid, entry.pw_gid)
        prefix, user = ["runuser", "-u", "postgres", "--"], "postgres"
    data, sockets = base / "data", base / "sock"
    run = [*prefix]
    subprocess.run([*run, "mkdir", str(sockets)], check=True)
    subprocess.run(
        [*run, _postgres_bin("initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-k {sockets} -c listen_addresses='' -c max_wal_size=4GB -c shared_buffers=512MB"
    pg_ctl = _postgres_bin("pg_ctl")
    subprocess.run(
        [*run, pg_ctl, "-D", str(data), "-o", options, "-w", "-l", str(base / "log"), "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield str(sockets), user
    finally:
        subprocess.run([*run, pg_ctl, "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _admin_url(sockets: str, user: str, database: str) -> str:
    return f"postgresql://{user}@/{database}?host={sockets}"


def _create_central(sockets: str, user: str, database: str) -> str:
    import psycopg

    with psycopg.connect(host=sockets, user=user, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    url = _admin_url(sockets, user, database)
    init_central(url)
    return url


# --------------------------------------------------------------------------- the events


def _hlc(counter: int, node: str) -> str:
    return f"{1750000000000 + counter // 1000:013d}.{counter % 1000:05d}.{node}"


def synthetic_events(count: int, node: str = "benchA") -> list[WireEvent]:
    """`count` events of whole registrations, as a counter records them (5 per person)."""
    rng = random.Random(2020111)
    events: list[WireEvent] = []
    clock = 0
    wall = "2025-06-01 02:00:00.000000+00:00"

    def add(entity_type: str, entity_id: str, kind: str, payload: dict[str, Any]) -> None:
        nonlocal clock
        clock += 1
        events.append(
            WireEvent(
                str(uuid.uuid4()),
                entity_type,
                entity_id,
                kind,
                json.dumps(payload, ensure_ascii=False),
                "bench-clerk",
                f"{REGION}-001",
                wall,
                _hlc(clock, node),
            )
        )

    for serial in range(count // EVENTS_PER_PERSON):
        person_id, registration_id = str(uuid.uuid4()), str(uuid.uuid4())
        add(
            "person",
            person_id,
            "person.recorded",
            {
                "doc_type": "01",
                "id_number": f"{REGION}1980{serial:08d}",
                "name": "王" + rng.choice("伟芳娜秀英敏静丽强磊军洋勇艳杰"),
                "sex": "1",
                "birth_date": "1980-01-01",
                "phone": f"139{serial:08d}",
                "household_region": REGION,
                "household_address": "甘肃省兰州市城关区庆阳路100号",
                "residence_region": REGION,
                "residence_address": "甘肃省兰州市城关区庆阳路100号",
                "residence_urban": True,
                "education": "31",
            },
        )
        add(
            "registration",
            registration_id,
            "registration.applied",
            {
                "person_id": person_id,
                "number": f"{REGION}0012025{serial:06d}",
                "region": REGION,
                "counter_id": f"{REGION}-001",
                "channel": "counter",
                "registration_place": "household",
                "applied_on": "2025-05-20",
                "due_on": "2025-05-29",
                "unemployed_since": "2025-03-01",
                "unemployment_cause": "2",
                "difficulty_categories": [],
            },
        )
        add(
            "registration",
            registration_id,
            "registration.verified",
            {"verified_on": "2025-05-22", "method": "data_comparison", "evidence": {"社保": "无"}},
        )
        add(
            "registration",
            registration_id,
            "registration.registered",
            {"registered_on": "2025-05-23"},
        )
        add("registration", registration_id, "contact.recorded", {"contacted_on": "2025-06-20"})
    return events


def _fill_counter(store: Store, events: list[WireEvent]) -> float:
    """Store the events as this counter's own, not yet pushed; seconds taken."""
    started = time.perf_counter()
    for first in range(0, len(events), 10_000):
        with store.session() as session:
            ingest_pulled(session, events[first : first + 10_000], store.clock)
    with store.session() as session:
        session.connection().exec_driver_sql("UPDATE journal SET pushed = 0, central_seq = NULL")
    return time.perf_counter() - started


# --------------------------------------------------------------------------- the measures


def _copy_rows(events: list[WireEvent]) -> Iterator[tuple[Any, ...]]:
    for event in events:
        yield (*event[:9], REGION)


def _backend_cpu_s(connection: Any) -> float | None:
    """CPU seconds the connection's server process has used (Linux, server on this machine),
    so the figures can be read apart from the noise of a shared box; None when unreadable."""
    try:
        with open(f"/proc/{connection.info.backend_pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _cpu_note(process_s: float | None, server_s: float | None) -> str:
    parts = []
    if process_s is not None:
        parts.append(f"counter {process_s:.1f}")
    if server_s is not None:
        parts.append(f"server {server_s:.1f}")
    return f" [CPU s: {', '.join(parts)}]" if parts else ""


def _counter_connection(url: str, password: str) -> Any:
    connection = connect(parse_central_url(url), password)
    connection.autocommit = True
    return connection


def bench_copy_in(url: str, events: list[WireEvent]) -> tuple[float, float | None]:
    """Seconds for a raw COPY of the rows into an identical, empty central journal (the same
    table definition, indexes and triggers, in a sibling database of the same server: the
    push's own table cannot take the same rows twice), and the server's CPU seconds."""
    connection = connect(parse_central_url(url), None)
    try:
        cpu_before = _backend_cpu_s(connection)
        started = time.perf_counter()
        query = f"COPY journal ({_COLUMNS}, scope_region) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(query) as copy:
            for row in _copy_rows(events):
                copy.write_row(row)
        connection.commit()
        elapsed = time.perf_counter() - started
        cpu_after = _backend_cpu_s(connection)
        server = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
        return elapsed, server
    finally:
        connection.close()


def bench_push(store: Store, url: str, password: str) -> tuple[float, int, str]:
    connection = _counter_connection(url, password)
    try:
        cpu_before, process_before = _backend_cpu_s(connection), time.process_time()
        started = time.perf_counter()
        result = push_pending(store, connection, REGION)
        elapsed = time.perf_counter() - started
        cpu_after = _backend_cpu_s(connection)
        server = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
        return elapsed, result.inserted, _cpu_note(time.process_time() - process_before, server)
    finally:
        connection.close()


def bench_copy_out(url: str, password: str) -> tuple[float, int]:
    """Seconds for COPY (the pull's query) TO STDOUT, read whole, as the counter's role."""
    connection = _counter_connection(url, password)
    try:
        started = time.perf_counter()
        size = 0
        with connection.cursor() as cursor:
            query = (
                "COPY (SELECT seq, txid, id, entity_type, entity_id, kind, payload::text,"
                " clerk_id, counter_id, to_char(wall_time AT TIME ZONE 'UTC',"
                " 'YYYY-MM-DD HH24:MI:SS.US'), hlc FROM journal ORDER BY txid, seq) TO STDOUT"
            )
            with cursor.copy(query) as copy:
                for block in copy:
                    size += len(block)
        return time.perf_counter() - started, size
    finally:
        connection.close()


def bench_pull(store: Store, url: str, password: str) -> tuple[float, int, str]:
    connection = _counter_connection(url, password)
    try:
        cpu_before, process_before = _backend_cpu_s(connection), time.process_time()
        started = time.perf_counter()
        result = pull(store, connection)
        elapsed = time.perf_counter() - started
        cpu_after = _backend_cpu_s(connection)
        server = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
        return elapsed, result.inserted, _cpu_note(time.process_time() - process_before, server)
    finally:
        connection.close()


def bench_round_trip(url_a: str, url_b: str, accounts: list[Any], directory: Path) -> list[float]:
    """Milliseconds from counter A's sync (with one new event) to counter B having it."""
    store_a = open_store(directory / "rt-a.sqlite3", node_id="rtA")
    store_b = open_store(directory / "rt-b.sqlite3", node_id="rtB")
    worker_a = SyncWorker(store_a, parse_central_url(url_a), REGION, password=accounts[0].password)
    worker_b = SyncWorker(store_b, parse_central_url(url_b), REGION, password=accounts[1].password)
    actor = Actor("clerk01", accounts[0].counter_id)
    samples: list[float] = []
    try:
        worker_a.sync_once()
        worker_b.sync_once()  # both connected and caught up
        for index in range(ROUND_TRIPS):
            entity_id = str(uuid.uuid4())
            with store_a.session() as session:
                record(
                    session,
                    actor,
                    entity_type="person",
                    entity_id=entity_id,
                    kind="person.recorded",
                    payload={
                        "doc_type": "01",
                        "id_number": f"62010219900101{index:04d}",
                        "name": "甲",
                    },
                    clock=store_a.clock,
                )
            started = time.perf_counter()
            worker_a.sync_once()
            worker_b.sync_once()
            samples.append((time.perf_counter() - started) * 1000)
            with store_b.session(write=False) as session:
                found = session.connection().exec_driver_sql(
                    "SELECT count(*) FROM person WHERE id = ?", (entity_id,)
                )
                assert found.scalar() == 1, "the event did not arrive at counter B"
    finally:
        worker_a.close()
        worker_b.close()
        store_a.close()
        store_b.close()
    return samples


def bench_scale(sockets: str, user: str, total_events: int, directory: Path) -> None:
    """A central journal of `total_events` over 100 counties and one person per ten events
    (generated inside the server), then one county's counter, caught up, syncs 20 new
    events up and whatever is new down."""
    import psycopg

    url = _create_central(sockets, user, "bench_scale")
    regions = [f"62{index:04d}" for index in range(100)]
    started = time.perf_counter()
    with psycopg.connect(host=sockets, user=user, dbname="bench_scale", autocommit=True) as admin:
        admin.execute("SET synchronous_commit = off")
        step = 1_000_000
        for first in range(0, total_events, step):
            count = min(step, total_events - first)
            admin.execute(
                "INSERT INTO journal (id, entity_type, entity_id, kind, payload, clerk_id,"
                " counter_id, wall_time, hlc, scope_region)"
                " SELECT gen_random_uuid()::text, 'registration', md5((n / 10)::text)::uuid::text,"
                " 'contact.recorded', jsonb_build_object('contacted_on', '2025-06-01'),"
                " 'clerk', 'c', now(), lpad(n::text, 13, '0') || '.00000.scale',"
                " '62' || lpad(((n / 10) %% 100)::text, 4, '0')"
                " FROM generate_series(%s::bigint, %s::bigint) AS n",
                [first, first + count - 1],
            )
        # One person per ten events (2,000,000 people for 20,000,000 events).
        admin.execute(
            "INSERT INTO person (id, doc_type, id_number, name, created_hlc, last_hlc, extra,"
            " scope_region) SELECT md5('p' || p::text)::uuid::text, '01', lpad(p::text, 18, '0'),"
            " '某某', '0000000000000.00000.scale', '0000000000000.00000.scale', '{}',"
            " '62' || lpad((p %% 100)::text, 4, '0') FROM generate_series(0, %s::bigint) AS p",
            [total_events // 10 - 1],
        )
        admin.execute("ANALYZE journal, person")
    build_s = time.perf_counter() - started
    account = add_counter(url, region_code=regions[7], name="规模测试窗口")
    store = open_store(directory / "scale.sqlite3", node_id="scale")
    worker = SyncWorker(
        store, parse_central_url(account.url), regions[7], password=account.password
    )
    try:
        started = time.perf_counter()
        initial = worker.sync_once()
        first_s = time.perf_counter() - started
        actor = Actor("clerk01", account.counter_id)
        samples: list[float] = []
        for round_number in range(5):
            with store.session() as session:
                for index in range(20):
                    record(
                        session,
                        actor,
                        entity_type="person",
                        entity_id=str(uuid.uuid4()),
                        kind="person.recorded",
                        payload={
                            "doc_type": "01",
                            "id_number": f"6200071990{round_number * 20 + index:08d}",
                            "name": "乙",
                        },
                        clock=store.clock,
                    )
            started = time.perf_counter()
            worker.sync_once()
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        worker.close()
        store.close()
    print(
        f"scale: central journal of {total_events:,} events, {total_events // 10:,} persons,"
        f" {len(regions)} counties"
        f" (built in {build_s:.0f} s); first pull of one county: {initial.pulled:,} events in"
        f" {first_s:.1f} s; incremental sync (20 new events up, caught up down):"
        f" median {statistics.median(samples):.0f} ms, max {max(samples):.0f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_sync")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--scale-events", type=int, default=500_000)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    events = synthetic_events(args.events)
    with postgres_server() as (sockets, user), tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        copy_url = _create_central(sockets, user, "bench_copy")
        push_url = _create_central(sockets, user, "bench_push")
        counter_a = add_counter(push_url, region_code=REGION, name="甲窗口")
        counter_b = add_counter(push_url, region_code=REGION, name="乙窗口")
        store_a = open_store(directory / "a.sqlite3", node_id="benchA")
        fill_s = _fill_counter(store_a, events)
        print(f"counter A holds {len(events):,} unsent events (built in {fill_s:.1f} s)")

        copy_s, copy_cpu = bench_copy_in(copy_url, events)
        push_s, inserted, push_cpu = bench_push(store_a, counter_a.url, counter_a.password)
        store_a.close()
        assert inserted == len(events)
        print(
            f"push   {len(events):,} events: {push_s:6.2f} s = {len(events) / push_s:9,.0f} ev/s"
            f"{push_cpu}\n       raw COPY of the same rows into an identical empty journal:"
            f" {copy_s:5.2f} s = {len(events) / copy_s:9,.0f} ev/s{_cpu_note(None, copy_cpu)}"
            f"\n       ratio {copy_s / push_s:.2f} (target >= 0.5)"
        )

        out_s, size = bench_copy_out(counter_b.url, counter_b.password)
        store_b = open_store(directory / "b.sqlite3", node_id="benchB")
        pull_s, pulled, pull_cpu = bench_pull(store_b, counter_b.url, counter_b.password)
        store_b.close()
        assert pulled == len(events)
        print(
            f"pull   {len(events):,} events onto an empty counter: {pull_s:6.2f} s ="
            f" {len(events) / pull_s:9,.0f} ev/s{pull_cpu}\n       COPY (the pull's query) TO"
            f" STDOUT as the counter's role ({size / 1e6:.0f} MB): {out_s:5.2f} s ="
            f" {len(events) / out_s:9,.0f} ev/s\n       ratio {out_s / pull_s:.2f} (target >= 0.5)"
        )

        samples = bench_round_trip(counter_a.url, counter_b.url, [counter_a, counter_b], directory)
        ordered = sorted(samples)
        print(
            f"round trip A → central → B (one event, {ROUND_TRIPS} times): median"
            f" {statistics.median(ordered):.1f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1]:.1f}"
            f" ms, max {ordered[-1]:.1f} ms (target < 200 ms)"
        )
        if args.scale_events:
            bench_scale(sockets, user, args.scale_events, directory)


if __name__ == "__main__":
    main()
