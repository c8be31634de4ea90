"""The sync controller: the worker off the GUI thread, plain-Chinese state for the status bar."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config import Config
from desktop.store.db import Store, open_store
from desktop.store.journal import Actor, record
from desktop.sync.connection import parse_central_url
from desktop.sync.worker import SyncReport, SyncWorker
from desktop.ui.background import wait_for_background_work
from desktop.ui.sync_controller import SyncController
from tests.desktop.sync.conftest import CentralDatabase, create_central, drop_central

TIMEOUT_MS = 20_000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "c.sqlite3", node_id="uic1")
    try:
        yield opened
    finally:
        assert wait_for_background_work(TIMEOUT_MS)
        opened.close()


@pytest.fixture(scope="module")
def ui_central(postgres_url: str) -> Iterator[CentralDatabase]:
    made = create_central(postgres_url, "ui_sync")
    try:
        yield made
    finally:
        drop_central(made)


def _record_person(store: Store) -> None:
    with store.session() as session:
        record(
            session,
            Actor("clerk01", "620901-001"),
            entity_type="person",
            entity_id="0f7c2c8e-1b1a-4f65-8f7e-3c5a1b2d9e01",
            kind="person.recorded",
            payload={"doc_type": "01", "id_number": "620901198001010011", "name": "赵六"},
            clock=store.clock,
        )


def test_a_standalone_counter_has_no_sync_controller(store: Store) -> None:
    assert SyncController.from_config(store, Config(central_url=None)) is None


def test_an_unreachable_central_shows_offline_with_the_reason_and_waiting_events(
    qtbot, store: Store
) -> None:
    _record_person(store)
    worker = SyncWorker(
        store, parse_central_url("postgresql://c@127.0.0.1:1/dengji"), "620901", password="x"
    )
    controller = SyncController(worker)
    states: list[str] = []
    waiting: list[int] = []
    controller.sig_sync_state_changed.connect(states.append)
    controller.sig_events_waiting_changed.connect(waiting.append)
    with qtbot.wait_signal(controller.sig_sync_failed, timeout=TIMEOUT_MS) as failed:
        assert controller.sync_now()
        assert not controller.sync_now()  # one at a time
    message = failed.args[0]
    assert message.startswith("无法连接中心数据库（127.0.0.1:1/dengji）：连接被拒绝")
    assert states == [f"离线，尚未同步；{message}"]
    assert controller.state_text() == states[0]
    assert waiting == [1]
    assert not controller.is_running()
    controller.shutdown()


@pytest.mark.needs_postgres
def test_a_reachable_central_shows_online_with_the_time_and_nothing_waiting(
    qtbot, store: Store, ui_central: CentralDatabase
) -> None:
    account = ui_central.add_counter("620901")
    _record_person(store)
    worker = SyncWorker(store, parse_central_url(account.url), "620901", password=account.password)
    controller = SyncController(worker, interval_ms=3_600_000)
    waiting: list[int] = []
    controller.sig_events_waiting_changed.connect(waiting.append)
    with qtbot.wait_signal(controller.sig_sync_finished, timeout=TIMEOUT_MS) as finished:
        controller.start()
    report = finished.args[0]
    assert isinstance(report, SyncReport) and report.pushed == 1
    assert controller.state_text().startswith("在线，最近同步 ")
    assert waiting == [0]
    controller.shutdown()
