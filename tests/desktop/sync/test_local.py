"""Tests of desktop.sync.local: pulled pages written in bulk keep the journal's hash chain."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from desktop.store.db import open_store
from desktop.store.integrity import chain_hash, verify_journal_chain
from desktop.store.journal import Actor, record
from desktop.sync.local import ingest_pulled
from desktop.sync.wire import WireEvent


def _pulled(count: int, first_seq: int, node: str = "central") -> list[WireEvent]:
    return [
        WireEvent(
            str(uuid.uuid4()),
            "person",
            str(uuid.uuid4()),
            "person.recorded",
            json.dumps(
                {"doc_type": "01", "id_number": f"62010219900101{index:04d}", "name": "张三丰"},
                ensure_ascii=False,
            ),
            "clerk07",
            "620102-002",
            "2025-06-01 02:00:00.123456+00:00",
            f"{1750000000000 + index:013d}.00000.{node}",
            first_seq + index,
        )
        for index in range(count)
    ]


def _record_local(store: object, index: int) -> None:
    with store.session() as session:  # type: ignore[attr-defined]
        record(
            session,
            Actor("clerk01", "620102-001"),
            entity_type="person",
            entity_id=str(uuid.uuid4()),
            kind="person.recorded",
            payload={"doc_type": "01", "id_number": f"62010219800101{index:04d}", "name": "李四"},
            clock=store.clock,  # type: ignore[attr-defined]
        )


def test_bulk_ingest_between_local_events_keeps_the_chain_intact(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.sqlite3", node_id="nodeA")
    try:
        _record_local(store, 1)
        with store.session() as session:
            result = ingest_pulled(session, _pulled(50, 1), store.clock)
        assert result.inserted == 50
        _record_local(store, 2)  # the trigger chains on from the last bulk-written row
        with store.session() as session:
            ingest_pulled(session, _pulled(3, 51), store.clock)
        with store.session(write=False) as session:
            assert verify_journal_chain(session) == []
            rows = (
                session.connection()
                .exec_driver_sql(
                    "SELECT seq, id, entity_type, entity_id, kind, payload, clerk_id, counter_id,"
                    " wall_time, hlc, chain_hash FROM journal ORDER BY seq"
                )
                .all()
            )
        assert [row[0] for row in rows] == list(range(1, 56))
        previous = None
        for row in rows:  # what the journal_chain trigger would have written, row by row
            assert row[-1] == chain_hash(previous, row[:-1])
            previous = row[-1]
    finally:
        store.close()


def test_a_page_pulled_twice_adds_no_rows_and_keeps_the_chain(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.sqlite3", node_id="nodeA")
    try:
        page = _pulled(20, 1)
        for _ in range(2):
            with store.session() as session:
                ingest_pulled(session, page, store.clock)
        with store.session(write=False) as session:
            count = session.connection().exec_driver_sql("SELECT count(*) FROM journal").scalar()
            assert count == 20
            assert verify_journal_chain(session) == []
    finally:
        store.close()
