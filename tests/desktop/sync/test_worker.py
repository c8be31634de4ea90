"""The sync worker: configuration, password from the keyring fallback, status, the plain loop."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as NoKeyring

from desktop.config import Config
from desktop.store.db import Store, open_store
from desktop.sync.connection import parse_central_url
from desktop.sync.credentials import CredentialStore, credential_account
from desktop.sync.errors import CentralConfigError, CentralUnreachableError, SyncError
from desktop.sync.worker import SyncReport, SyncWorker, run_sync_loop, sync_status
from tests.desktop.sync.conftest import CentralDatabase
from tests.desktop.sync.counters import SimCounter

pytestmark = pytest.mark.needs_postgres


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "w.sqlite3", node_id="w1")
    try:
        yield opened
    finally:
        opened.close()


def test_a_counter_without_a_central_address_is_told_it_works_offline(store: Store) -> None:
    with pytest.raises(CentralConfigError, match="未配置中心数据库"):
        SyncWorker.from_config(store, Config(central_url=None))


def test_a_password_in_the_configuration_file_is_refused(store: Store) -> None:
    config = Config(central_url="postgresql://c:pw@127.0.0.1/dengji")
    with pytest.raises(CentralConfigError, match="不能包含密码"):
        SyncWorker.from_config(store, config)


def test_a_configured_counter_syncs_with_the_password_from_its_credential_store(
    tcp_central: CentralDatabase, tmp_path: Path
) -> None:
    account = tcp_central.add_counter("620701")
    url = tcp_central.counter_url(account)
    credentials = CredentialStore(keyring_backend=NoKeyring(), fallback_path=tmp_path / "c.json")
    config = Config(
        counter_id=account.counter_id,
        region_code="620701",
        database_path=tmp_path / "c.sqlite3",
        central_url=url,
        demo=False,
    )
    with open_store(config.database_path, node_id="c620701") as store:
        worker = SyncWorker.from_config(store, config, credentials=credentials)
        with pytest.raises(CentralUnreachableError, match="密码"):
            worker.sync_once()  # nothing stored yet
        credentials.save(credential_account(parse_central_url(url)), account.password)
        report = worker.sync_once()
        worker.close()
    assert report.pushed == 0 and report.events_waiting == 0


def test_status_shows_waiting_events_last_times_and_the_last_error(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620702")
    try:
        status = sync_status(counter.store)
        assert (status.events_waiting, status.last_push_at, status.last_error) == (0, None, None)
        counter.record_person_and_application(1)
        assert sync_status(counter.store).events_waiting == 2
        unreachable = SyncWorker(
            counter.store,
            parse_central_url("postgresql://nobody@127.0.0.1:1/dengji"),
            "620702",
            password="x",
        )
        with pytest.raises(SyncError) as failure:
            unreachable.sync_once()
        assert sync_status(counter.store).last_error == failure.value.message
        report = counter.sync()
        status = sync_status(counter.store)
        assert status.events_waiting == report.events_waiting == 0
        assert status.last_error is None
        assert status.last_push_at is not None and status.last_pull_at is not None
    finally:
        counter.close()


def test_the_plain_loop_syncs_until_stopped_and_reports_each_round(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620703")
    reports: list[SyncReport] = []
    stop = threading.Event()

    def on_report(report: SyncReport) -> None:
        reports.append(report)
        if len(reports) == 1:
            counter.record_person_and_application(1)
        if len(reports) == 3:
            stop.set()

    try:
        thread = threading.Thread(
            target=run_sync_loop,
            args=(counter.worker, stop),
            kwargs={"interval_s": 0.01, "on_report": on_report},
        )
        thread.start()
        thread.join(30)
        assert not thread.is_alive()
        assert [report.pushed for report in reports] == [0, 2, 0]
    finally:
        counter.close()


def test_the_plain_loop_reports_failures_and_keeps_trying(store: Store) -> None:
    worker = SyncWorker(
        store, parse_central_url("postgresql://nobody@127.0.0.1:1/dengji"), "620704", password="x"
    )
    errors: list[SyncError] = []
    stop = threading.Event()

    def on_error(error: SyncError) -> None:
        errors.append(error)
        if len(errors) == 2:
            stop.set()

    run_sync_loop(worker, stop, interval_s=0.01, on_error=on_error)
    assert [error.message.startswith("无法连接中心数据库") for error in errors] == [True, True]


def test_a_sync_that_pulls_many_events_prepares_the_statistics_folds(
    central: CentralDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a pull that left the 三统一 check's kept folds far behind, the sync folds the new
    events itself (in the background), so the next check folds nothing."""
    import desktop.reports.consistency as consistency
    from desktop.reports.consistency import JournalFolds

    monkeypatch.setattr(consistency, "PREPARE_FROM_EVENTS", 4)
    origin = SimCounter(central, tmp_path, "620704")
    other = SimCounter(central, tmp_path, "620704")
    try:
        for index in range(3):
            origin.record_person_and_application(index)  # 2 events each
        origin.sync()
        assert other.sync().pulled == 6
        folds = JournalFolds()
        with other.store.session(write=False) as session:
            folds.refresh(session)
        assert folds.events_folded == 0 and folds.covered_seq >= 6
        origin.record_person_and_application(3)
        origin.sync()
        assert other.sync().pulled == 2  # fewer than PREPARE_FROM_EVENTS: left to the check
        with other.store.session(write=False) as session:
            folds.refresh(session)
        assert folds.events_folded == 2
    finally:
        origin.close()
        other.close()
