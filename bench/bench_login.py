"""Time a counter sign-in (Argon2id at the production setting, target under 500 ms) and what
the journal's hash chain costs: record() with and without it, and verifying it."""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from desktop.domain.roles import Role
from desktop.services import accounts
from desktop.store.db import Store, open_store
from desktop.store.integrity import verify_journal_chain
from desktop.store.journal import Actor, record

PASSWORD = "Lanzhou#2025"
SIGN_INS = 12
RECORD_BATCHES = 30
RECORDS_PER_BATCH = 500
COUNTER = "620102-01"


def _milliseconds(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[int(len(ordered) * 0.9) - 1] if len(ordered) >= 10 else ordered[-1]
    return (
        f"median {statistics.median(ordered) * 1000:6.1f} ms, p90 {p90 * 1000:6.1f} ms, "
        f"max {ordered[-1] * 1000:6.1f} ms"
    )


def bench_sign_in(folder: Path) -> None:
    parameters = accounts.PASSWORD_HASHING
    print(
        f"Argon2id t={parameters.time_cost}, m={parameters.memory_cost_kib // 1024} MiB, "
        f"p={parameters.parallelism}",
        flush=True,
    )
    hashes = []
    for _ in range(5):
        started = time.perf_counter()
        accounts.hash_password(PASSWORD)
        hashes.append(time.perf_counter() - started)
    print(f"{'hash a password':<40} {_milliseconds(hashes)}", flush=True)
    with open_store(folder / "login.sqlite3") as store:
        with store.session() as session:
            accounts.create_account(
                session,
                Actor("bench", COUNTER, roles=frozenset({Role.ADMIN})),
                store.clock,
                username="zhangli",
                display_name="张丽",
                password=PASSWORD,
                roles=[Role.CLERK],
                must_change_password=False,
            )
        times = []
        for _ in range(SIGN_INS):
            started = time.perf_counter()
            accounts.sign_in(store, "zhangli", PASSWORD, counter_id=COUNTER)
            times.append(time.perf_counter() - started)
        print(f"{'login ms (sign_in, right password)':<40} {_milliseconds(times)}", flush=True)
        wrong = []
        for _ in range(4):  # fewer than 5: no lockout
            started = time.perf_counter()
            with contextlib.suppress(accounts.SignInError):
                accounts.sign_in(store, "zhangli", "wrong", counter_id=COUNTER)
            wrong.append(time.perf_counter() - started)
        print(f"{'login ms (wrong password)':<40} {_milliseconds(wrong)}", flush=True)
        unknown = []
        for _ in range(4):
            started = time.perf_counter()
            with contextlib.suppress(accounts.SignInError):
                accounts.sign_in(store, "nobody", PASSWORD, counter_id=COUNTER)
            unknown.append(time.perf_counter() - started)
        print(f"{'login ms (unknown name)':<40} {_milliseconds(unknown)}", flush=True)


def _record_microseconds(store: Store) -> float:
    actor = Actor("bench", COUNTER)
    per_event = []
    for batch in range(RECORD_BATCHES):
        with store.session() as session:
            started = time.perf_counter()
            for index in range(RECORDS_PER_BATCH):
                record(
                    session,
                    actor,
                    entity_type="person",
                    entity_id=str(uuid.uuid4()),
                    kind="person.recorded",
                    payload={
                        "doc_type": "01",
                        "id_number": f"6201021980{batch:03d}{index:05d}",
                        "name": "张三",
                        "phone": "13800000000",
                    },
                    clock=store.clock,
                )
            per_event.append((time.perf_counter() - started) / RECORDS_PER_BATCH)
    return statistics.median(per_event[3:]) * 1e6


def bench_chain(folder: Path) -> None:
    with open_store(folder / "chained.sqlite3") as chained:
        with_chain = _record_microseconds(chained)
        with chained.session(write=False) as session:
            started = time.perf_counter()
            problems = verify_journal_chain(session)
            seconds = time.perf_counter() - started
        rows = RECORD_BATCHES * RECORDS_PER_BATCH
        assert problems == []
    with open_store(folder / "unchained.sqlite3") as unchained:
        with unchained.session() as session:
            session.connection().exec_driver_sql("DROP TRIGGER journal_chain")
        without_chain = _record_microseconds(unchained)
    print(
        f"{'record() with the hash chain':<40} {with_chain:7.1f} µs/event "
        f"(without: {without_chain:.1f} µs, chain {with_chain - without_chain:+.1f} µs)",
        flush=True,
    )
    rate = rows / seconds
    print(
        f"{'verify_journal_chain':<40} {rate:9,.0f} rows/s "
        f"({rows} rows in {seconds * 1000:.0f} ms; 3 million rows ≈ {3e6 / rate:.0f} s)",
        flush=True,
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="dengji-bench-login-") as folder:
        bench_sign_in(Path(folder))
        bench_chain(Path(folder))


if __name__ == "__main__":
    main()
