"""The hash chain over the journal: filled in on every insert, and a tampered row is found."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, func, select

from desktop.store.db import Store, alembic_config, open_store
from desktop.store.integrity import (
    GENESIS,
    ChainCursor,
    chain_hash,
    iter_journal_slices,
    verify_journal_chain,
    verify_journal_slice,
)
from desktop.store.journal import Actor, event_to_row, ingest, record
from desktop.store.models import Event
from tests.desktop.store.factories import hlc_at, person_payload


def record_people(store: Store, actor: Actor, count: int, start: int = 0) -> list[str]:
    ids = []
    with store.session() as session:
        for index in range(start, start + count):
            person_id = str(uuid.uuid4())
            record(
                session,
                actor,
                entity_type="person",
                entity_id=person_id,
                kind="person.recorded",
                payload=person_payload(index),
                clock=store.clock,
            )
            ids.append(person_id)
    return ids


def raw_rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT seq, id, entity_type, entity_id, kind, payload, clerk_id, counter_id,"
            " wall_time, hlc, chain_hash FROM journal ORDER BY seq"
        ).fetchall()
    connection.close()
    return rows


def tamper(path: Path, *statements: str) -> None:
    """What someone with the sqlite3 shell could do: drop the guards and change rows."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("DROP TRIGGER IF EXISTS journal_no_update")
        connection.execute("DROP TRIGGER IF EXISTS journal_no_delete")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def problems_of(path: Path) -> list[tuple[int, str]]:
    with open_store(path) as store, store.session(write=False) as session:
        return [(problem.seq, problem.message) for problem in verify_journal_chain(session)]


@pytest.fixture
def recorded(store: Store, actor: Actor) -> Path:
    """A journal of five events; the store closed, its path returned."""
    record_people(store, actor, 5)
    path = store.path
    store.close()
    return path


def test_every_recorded_row_links_to_the_one_before(recorded: Path) -> None:
    rows = raw_rows(recorded)
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5]
    previous = GENESIS
    for row in rows:
        assert row[-1] == chain_hash(previous, row[:-1])
        previous = row[-1]


def test_an_untouched_journal_verifies(recorded: Path) -> None:
    assert problems_of(recorded) == []


def test_an_empty_journal_verifies(store: Store) -> None:
    with store.session(write=False) as session:
        assert verify_journal_chain(session) == []


def test_a_payload_changed_behind_the_triggers_is_found(recorded: Path) -> None:
    tamper(recorded, "UPDATE journal SET payload = replace(payload, '张', '李') WHERE seq = 3")
    (problem,) = problems_of(recorded)
    assert problem == (3, "校验值不符：该条或其前一条事件写入后被改动过")


def test_a_changed_clerk_or_time_is_found(recorded: Path) -> None:
    tamper(
        recorded,
        "UPDATE journal SET clerk_id = 'someone_else' WHERE seq = 2",
        "UPDATE journal SET wall_time = '2020-01-01 00:00:00.000000' WHERE seq = 5",
    )
    assert [seq for seq, _ in problems_of(recorded)] == [2, 5]


def test_a_row_deleted_in_the_middle_is_found(recorded: Path) -> None:
    tamper(recorded, "DELETE FROM journal WHERE seq = 2")
    assert problems_of(recorded) == [(3, "事件日志第 2 条记录已被删除")]


def test_rows_deleted_at_the_end_are_found(recorded: Path) -> None:
    tamper(recorded, "DELETE FROM journal WHERE seq >= 4")
    assert problems_of(recorded) == [(4, "事件日志末尾第 4–5 条记录已被删除")]


def test_a_rehashed_row_is_found_at_the_next_link(recorded: Path) -> None:
    """Rewriting a row and its own hash is not enough: the next row still holds the old link."""
    rows = raw_rows(recorded)
    content = list(rows[1][:-1])
    content[5] = str(content[5]).replace("张", "王")
    forged = chain_hash(rows[0][-1], content)  # type: ignore[arg-type]
    connection = sqlite3.connect(recorded)
    connection.execute("DROP TRIGGER journal_no_update")
    connection.execute(
        "UPDATE journal SET payload = ?, chain_hash = ? WHERE seq = 2", (content[5], forged)
    )
    connection.commit()
    connection.close()
    assert [seq for seq, _ in problems_of(recorded)] == [3]


def test_a_tool_without_the_program_cannot_insert_a_row(recorded: Path) -> None:
    connection = sqlite3.connect(recorded)
    try:
        with pytest.raises(sqlite3.OperationalError, match="dengji_chain_hash"):
            connection.execute(
                "INSERT INTO journal (id, entity_type, entity_id, kind, payload, clerk_id,"
                " counter_id, wall_time, hlc, pushed) VALUES ('x', 'person', 'p', 'person.updated',"
                " '{}', 'c', 'k', '2025-01-01 00:00:00', '1.0.a', 0)"
            )
    finally:
        connection.close()


def test_a_row_slipped_in_with_the_chain_trigger_dropped_is_found(recorded: Path) -> None:
    tamper(
        recorded,
        "DROP TRIGGER journal_chain",
        "INSERT INTO journal (id, entity_type, entity_id, kind, payload, clerk_id, counter_id,"
        " wall_time, hlc, pushed) VALUES ('b1f9c1de-0000-4000-8000-000000000001', 'person',"
        " 'b1f9c1de-0000-4000-8000-000000000002', 'person.updated', '{}', 'c', 'k',"
        " '2025-01-01 00:00:00.000000', '1.0.a', 0)",
    )
    assert problems_of(recorded) == [(6, "该条事件缺少校验值（不是经本程序写入的）")]


def test_ingested_and_bulk_pulled_events_are_chained_in_arrival_order(
    store: Store, actor: Actor
) -> None:
    """Events from elsewhere join the chain when they arrive here (the chain is local)."""
    from desktop.sync.local import ingest_pulled
    from desktop.sync.wire import WireEvent

    record_people(store, actor, 2)
    with store.session() as session:
        elsewhere = event_to_row(
            record(
                session,
                Actor("clerkB", "620102-02"),
                entity_type="person",
                entity_id=str(uuid.uuid4()),
                kind="person.recorded",
                payload=person_payload(50),
                clock=store.clock,
            )
        )
    other_path = store.path.with_name("other.db")
    with open_store(other_path, node_id="counterB") as other, other.session() as session:
        ingest(session, elsewhere, other.clock)
        pulled = [
            WireEvent(
                id=str(uuid.uuid4()),
                entity_type="person",
                entity_id=str(uuid.uuid4()),
                kind="person.recorded",
                payload=json.dumps(
                    {"doc_type": "01", "id_number": f"62010219800101{index:03d}X", "name": "赵"},
                    ensure_ascii=False,
                ),
                clerk_id="clerkC",
                counter_id="620102-03",
                wall_time="2025-06-01T08:00:00+00:00",
                hlc=hlc_at(1_750_000_000_000, index, "counterC"),
                central_seq=index + 1,
            )
            for index in range(3)
        ]
        ingest_pulled(session, pulled, other.clock)
        assert session.scalar(select(func.count()).where(Event.chain_hash.is_(None))) == 0
        assert verify_journal_chain(session) == []


def test_slices_find_what_the_whole_check_finds(recorded: Path) -> None:
    tamper(recorded, "UPDATE journal SET kind = 'person.updated' WHERE seq = 4")
    with open_store(recorded) as store, store.session(write=False) as session:
        sliced = list(iter_journal_slices(session, max_rows=2))
        assert [len(part.problems) for part in sliced] == [0, 1, 0]
        assert sliced[-1].done and not sliced[0].done
        assert sum(part.rows_checked for part in sliced) == 5
        rest = verify_journal_slice(session, ChainCursor(5, sliced[-1].cursor.last_hash))
        assert rest.done and rest.rows_checked == 0 and rest.problems == []


def test_the_migration_chains_the_rows_written_before_it(recorded: Path) -> None:
    engine = create_engine(f"sqlite:///{recorded}")
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0004")
            columns = [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(journal)")]
            assert "chain_hash" not in columns
    finally:
        engine.dispose()
    assert problems_of(recorded) == []  # open_store upgraded it and filled every link
    assert all(row[-1] is not None for row in raw_rows(recorded))


def test_chain_hash_is_the_documented_byte_layout() -> None:
    """Each value length-prefixed (4 bytes, big-endian) after the previous hash, NULL as one
    0xFF byte: the layout every chain already stored was made with (the fast path must keep it)."""
    import hashlib

    content = (7, "e1", None, "个人\udcff", b"\x00\x01", 2.5, "")
    expected = hashlib.sha256(
        GENESIS
        + b"\x00\x00\x00\x017"
        + b"\x00\x00\x00\x02e1"
        + b"\xff"
        + len("个人\udcff".encode("utf-8", "surrogatepass")).to_bytes(4, "big")
        + "个人\udcff".encode("utf-8", "surrogatepass")
        + b"\x00\x00\x00\x02\x00\x01"
        + b"\x00\x00\x00\x032.5"
        + b"\x00\x00\x00\x00"
    ).digest()
    assert chain_hash(None, content) == expected
    assert chain_hash(b"\x01" * 32, content) != expected


def test_a_part_checked_up_to_a_row_leaves_the_rest_to_the_next_part(recorded: Path) -> None:
    """`until` checks rows up to one seq only; rows removed after it are not this part's to
    report. The two parts together say what one pass says."""
    from desktop.store.integrity import rows_removed_after

    tamper(
        recorded,
        "UPDATE journal SET clerk_id = 'x' WHERE seq = 4",
        "DELETE FROM journal WHERE seq = 5",
    )
    whole = problems_of(recorded)
    with open_store(recorded) as store, store.session(write=False) as session:
        first = verify_journal_slice(session, until=2)
        assert first.done and first.rows_checked == 2 and first.problems == []
        second = verify_journal_slice(session, first.cursor, until=5)
        assert second.cursor.last_seq == 4
        parts = [*first.problems, *second.problems]
        removed = rows_removed_after(session, second.cursor.last_seq)
        assert removed is not None and "末尾" in removed.message
        assert rows_removed_after(session, 5) is None
    assert [(problem.seq, problem.message) for problem in [*parts, removed]] == whole
