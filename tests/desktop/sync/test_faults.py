"""Faults: connections cut mid-batch, the central restarted, a counter killed mid-pull.

Whatever happens, after the sync is repeated nothing is lost and nothing is doubled. Counters
reach this module's own server over TCP (127.0.0.1) through a proxy that cuts connections.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.sync.errors import SyncError
from desktop.sync.push import count_pending
from desktop.sync.worker import sync_status
from tests.desktop.sync.conftest import (
    CentralDatabase,
    PostgresServer,
    create_central,
    drop_central,
    start_postgres_server,
    stop_postgres_server,
)
from tests.desktop.sync.counters import (
    SimCounter,
    assert_central_projections_are_folds,
    central_event_ids,
    central_projections,
)
from tests.desktop.sync.tcp_proxy import FaultyProxy

pytestmark = [pytest.mark.needs_postgres, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[3]
UNREACHABLE = "无法连接中心数据库"


@pytest.fixture(scope="module")
def fault_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """This module's own server: its tests stop and start it."""
    server = start_postgres_server(tmp_path_factory)
    try:
        yield server
    finally:
        stop_postgres_server(server)


@pytest.fixture(scope="module")
def fault_central(fault_server: PostgresServer) -> Iterator[CentralDatabase]:
    made = create_central(fault_server.admin_url(), "faults")
    made.tcp = fault_server
    try:
        yield made
    finally:
        if _server_running(fault_server):
            drop_central(made)


def _server_running(server: PostgresServer) -> bool:
    try:
        server._ctl("status")
    except subprocess.CalledProcessError:
        return False
    return True


@pytest.fixture
def proxy(fault_server: PostgresServer) -> Iterator[FaultyProxy]:
    made = FaultyProxy(fault_server.port)
    try:
        yield made
    finally:
        made.close()


def _through(central: CentralDatabase, proxy: FaultyProxy, directory: Path, region: str, **kw):
    """A counter whose connections go through the proxy."""
    return SimCounter(central, directory, region, port=proxy.port, **kw)


def _sync_until_done(counter: SimCounter, attempts: int, fault, rng: random.Random) -> int:
    """Sync under random faults until one sync succeeds without a fault; failures seen."""
    failures = 0
    for attempt in range(attempts):
        fault(rng, attempt)
        try:
            counter.sync()
        except SyncError as error:
            assert error.message.startswith(UNREACHABLE), error.message
            assert "Traceback" not in error.message
            failures += 1
    return failures


def _assert_exact(central: CentralDatabase, region: str, *counters: SimCounter) -> None:
    with central.admin() as admin:
        ids = central_event_ids(admin, region)
        rows = central_projections(admin, region)
        assert_central_projections_are_folds(admin)
    assert len(ids) == len(set(ids))
    for counter in counters:
        local = counter.event_ids()
        assert len(local) == len(set(local))
        assert sorted(local) == sorted(ids)
        assert counter.projections() == rows
        assert count_pending(counter.store) == 0


def test_connections_cut_mid_push_batch_lose_nothing_and_double_nothing(
    fault_central: CentralDatabase, proxy: FaultyProxy, tmp_path: Path
) -> None:
    counter = _through(fault_central, proxy, tmp_path, "620401", push_batch_size=100)
    try:
        counter.record_demo(120, seed=11)
        rng = random.Random(41)

        def cut(rng: random.Random, attempt: int) -> None:
            # Client→server cuts land inside COPY batches; server→client cuts also after a
            # COMMIT was sent but before its answer came back.
            if attempt % 2:
                proxy.cut_after(up=rng.randint(2_000, 120_000))
            else:
                proxy.cut_after(down=rng.randint(500, 4_000))

        failures = _sync_until_done(counter, 16, cut, rng)
        assert failures >= 8
        assert proxy.cuts >= 8
        proxy.heal()
        counter.sync()
        _assert_exact(fault_central, "620401", counter)
    finally:
        counter.close()


def test_connections_cut_mid_pull_page_lose_nothing_and_double_nothing(
    fault_central: CentralDatabase, proxy: FaultyProxy, tmp_path: Path
) -> None:
    source = SimCounter(fault_central, tmp_path, "620402")
    target = _through(fault_central, proxy, tmp_path, "620402", pull_page_size=60)
    try:
        source.record_demo(100, seed=12)
        source.sync()
        rng = random.Random(42)
        failures = _sync_until_done(
            target, 12, lambda rng, _attempt: proxy.cut_after(down=rng.randint(3_000, 90_000)), rng
        )
        assert failures >= 6
        proxy.heal()
        target.sync()
        _assert_exact(fault_central, "620402", source, target)
    finally:
        source.close()
        target.close()


def test_the_central_restarted_between_syncs_and_in_the_middle_of_one(
    fault_server: PostgresServer,
    fault_central: CentralDatabase,
    proxy: FaultyProxy,
    tmp_path: Path,
) -> None:
    counter = _through(fault_central, proxy, tmp_path, "620403", push_batch_size=50)
    try:
        counter.record_demo(10, seed=13)
        counter.sync()
        # Down: the sync fails in plain Chinese, the error is kept for the status bar.
        fault_server.stop("fast")
        try:
            counter.record_demo(10, seed=14)
            with pytest.raises(SyncError) as failure:
                counter.sync()
            assert failure.value.message.startswith(UNREACHABLE)
            assert "连接被拒绝" in failure.value.message or "中断" in failure.value.message
            status = sync_status(counter.store)
            assert status.last_error == failure.value.message
            assert status.events_waiting > 0
        finally:
            fault_server.start()
        # Back: the next sync reconnects by itself.
        counter.sync()
        assert sync_status(counter.store).last_error is None
        # Restarted while a push is in the middle of a batch.
        counter.record_demo(60, seed=15)
        proxy.hold_after(up=30_000)
        outcome: list[BaseException | None] = []

        def sync_in_background() -> None:
            try:
                counter.sync()
                outcome.append(None)
            except BaseException as error:  # checked below
                outcome.append(error)

        thread = threading.Thread(target=sync_in_background)
        thread.start()
        assert proxy.wait_held(30)
        fault_server.stop("fast")
        fault_server.start()
        proxy.release()
        thread.join(60)
        assert outcome and isinstance(outcome[0], SyncError)
        counter.sync()
        _assert_exact(fault_central, "620403", counter)
    finally:
        counter.close()


_PULL_CHILD = """
import sys, time, random
from desktop.store.db import open_store
from desktop.sync.connection import connect, parse_central_url
from desktop.sync.pull import pull
path, url, password, node = sys.argv[1:5]
store = open_store(path, node_id=node)
connection = connect(parse_central_url(url), password)
connection.autocommit = True
print("ready", flush=True)
pull(store, connection, page_size=25, after_page=lambda n: time.sleep(random.random() * 0.01))
print("done", flush=True)
"""


def _journal_count(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
        return int(db.execute("SELECT count(*) FROM journal").fetchone()[0])


def test_a_counter_killed_in_the_middle_of_a_pull_loses_nothing_and_doubles_nothing(
    fault_central: CentralDatabase, tmp_path: Path
) -> None:
    source = SimCounter(fault_central, tmp_path, "620404")
    target = SimCounter(fault_central, tmp_path, "620404")
    source.record_demo(150, seed=16)
    source.sync()
    target.close()
    total = len(source.event_ids())
    rng = random.Random(44)
    killed_midway = 0
    try:
        for _attempt in range(3):
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _PULL_CHILD,
                    str(target.path),
                    target.url,
                    target.account.password,
                    target.node_id,
                ],
                cwd=REPO,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.05, 0.4))
            child.send_signal(signal.SIGKILL)
            child.wait(30)
            stored = _journal_count(target.path)
            killed_midway += child.returncode == -signal.SIGKILL and 0 < stored < total
        assert killed_midway >= 1, "no kill landed in the middle of the pull"
        target.reopen()
        target.sync()
        _assert_exact(fault_central, "620404", source, target)
    finally:
        source.close()
        target.close()
