"""A hash chain over the local journal, so a row changed or removed behind the triggers shows.

Each journal row's `chain_hash` is SHA-256 over the previous row's `chain_hash` and this row's
stored content (seq, id, entity, kind, payload text, clerk, counter, wall time, HLC), in local
arrival order (seq). SQLite computes it itself: an AFTER INSERT trigger (migration 0005) calls
the function `dengji_chain_hash`, which `register_chain_function` adds to every connection the
store opens. So every way a row gets in (journal.record, journal.ingest, the sync's bulk ingest)
is chained in the same transaction, and a tool without the function cannot insert at all.

What the chain proves, and what not (docs/security.md): a row edited, deleted or inserted with
the triggers dropped, through the sqlite3 shell or any other tool, breaks the chain and
`verify_journal_chain` names it. Someone who also recomputes every later hash is not caught by
the chain alone; the central copy of pushed events is the independent witness for those.

Events pulled from the central database are chained like local ones, at the moment they arrive
here: the chain records this counter's history of arrivals, not a global order. Their content
(and so their own part of the hash) is exactly what the origin counter stored.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from desktop.store.models import EVENT_CONTENT_COLUMNS

CHAIN_FUNCTION = "dengji_chain_hash"
# The "previous hash" of the very first row: 32 zero bytes.
GENESIS = bytes(32)
# The content columns in the order they are hashed; `pushed` and `central_seq` change after
# the insert (sync) and are not part of an event's content.
CHAIN_COLUMNS = ("seq", *EVENT_CONTENT_COLUMNS)
_NULL = b"\xff"  # never the first byte of a length prefix below 2**24
VERIFY_SLICE_ROWS = 20_000


def _as_bytes(value: Any) -> bytes:
    if value is None:
        return _NULL
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
    else:  # integers (seq), and any number SQLite hands back as such
        data = repr(value).encode("ascii")
    return len(data).to_bytes(4, "big") + data


_LENGTH = struct.Struct(">I").pack


def chain_hash(previous: bytes | None, content: Sequence[Any]) -> bytes:
    """SHA-256 over the previous row's hash (GENESIS for the first row) and this row's
    CHAIN_COLUMNS values as SQLite stores them (each length-prefixed, so no two different
    rows give the same bytes: _as_bytes, inlined here because every row of a pull and of a
    check comes through, ~25% faster)."""
    parts = [previous if previous is not None else GENESIS]
    append = parts.append
    for value in content:
        if value is None:
            append(_NULL)
            continue
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
        elif kind is bytes:
            data = value
        else:
            data = _as_bytes(value)[4:]
        append(_LENGTH(len(data)))
        append(data)
    return hashlib.sha256(b"".join(parts)).digest()


def _sql_chain_hash(previous: bytes | None, *content: Any) -> bytes:
    return chain_hash(previous, content)


def register_chain_function(connection: sqlite3.Connection) -> None:
    """Make `dengji_chain_hash(previous, seq, id, …)` available to the journal's trigger on
    this connection (db.py calls it for every connection it opens)."""
    connection.create_function(
        CHAIN_FUNCTION, 1 + len(CHAIN_COLUMNS), _sql_chain_hash, deterministic=True
    )


def chain_trigger_sql() -> str:
    """The AFTER INSERT trigger that fills in a new row's chain_hash (migration 0005)."""
    new_columns = ", ".join(f"NEW.{column}" for column in CHAIN_COLUMNS)
    return f"""
        CREATE TRIGGER journal_chain AFTER INSERT ON journal
        WHEN NEW.chain_hash IS NULL
        BEGIN
            UPDATE journal SET chain_hash = {CHAIN_FUNCTION}(
                (SELECT chain_hash FROM journal WHERE seq < NEW.seq ORDER BY seq DESC LIMIT 1),
                {new_columns})
            WHERE seq = NEW.seq;
        END
    """


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class ChainProblem:
    """One place where the journal is not what was written: shown in the integrity alarm."""

    seq: int
    event_id: str
    kind: str
    clerk_id: str
    wall_time: str
    message: str


@dataclass(frozen=True)
class ChainCursor:
    """Where a verification stopped: the last row checked and the hash it carries on with."""

    last_seq: int = 0
    last_hash: bytes | None = None


@dataclass(frozen=True)
class ChainSlice:
    """The outcome of checking part of the journal."""

    problems: list[ChainProblem]
    cursor: ChainCursor
    rows_checked: int
    done: bool
    extra: dict[str, Any] = field(default_factory=dict)


_ROWS_AFTER = (
    f"SELECT {', '.join(CHAIN_COLUMNS)}, chain_hash FROM journal WHERE seq > ?"
    " AND seq <= ? ORDER BY seq LIMIT ?"
)
_NO_END = 2**63 - 1


def _raw_rows(
    connection: Connection, after_seq: int, limit: int, until: int = _NO_END
) -> list[Any]:
    # Through the driver, without SQLAlchemy's type processing: the stored text is hashed.
    result = connection.exec_driver_sql(_ROWS_AFTER, (after_seq, until, limit))
    return list(result)


def _highest_seq_ever(connection: Connection) -> int | None:
    """sqlite_sequence's number for the journal: the highest seq ever handed out
    (AUTOINCREMENT never reuses one), so rows removed from the end still show."""
    try:
        value = connection.exec_driver_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = 'journal'"
        ).scalar()
    except Exception:  # pragma: no cover - sqlite_sequence exists once a row was inserted
        return None
    return None if value is None else int(value)


def _problem(row: Sequence[Any], message: str) -> ChainProblem:
    return ChainProblem(
        seq=int(row[0]),
        event_id=str(row[1]),
        kind=str(row[4]),
        clerk_id=str(row[6]),
        wall_time=str(row[8]),
        message=message,
    )


def verify_journal_slice(
    session: Session,
    cursor: ChainCursor | None = None,
    *,
    max_rows: int = VERIFY_SLICE_ROWS,
    until: int | None = None,
) -> ChainSlice:
    """Check up to `max_rows` journal rows after `cursor` (from the start when None).

    Run slice after slice on the database thread, so a big journal is checked without
    holding up the clerk's work; `done` says the end was reached (rows removed from the end
    are checked then). With `until`, only rows up to that seq: one part of a journal checked
    in parts (each row's link needs only the stored hash of the row before it); `done` then
    says that part was checked, and what lies after it is left to the next part.
    """
    connection = session.connection()
    cursor = cursor or ChainCursor()
    rows = _raw_rows(connection, cursor.last_seq, max_rows, _NO_END if until is None else until)
    problems: list[ChainProblem] = []
    previous_seq, previous_hash = cursor.last_seq, cursor.last_hash
    for row in rows:
        seq, stored = int(row[0]), row[-1]
        content = row[:-1]
        expected = chain_hash(previous_hash, content)
        if seq != previous_seq + 1:
            first, last = previous_seq + 1, seq - 1
            span = f"第 {first} 条" if first == last else f"第 {first}–{last} 条"
            problems.append(_problem(row, f"事件日志{span}记录已被删除"))
            previous_hash = stored if stored is not None else expected
        elif stored is None:
            problems.append(_problem(row, "该条事件缺少校验值（不是经本程序写入的）"))
            previous_hash = expected
        elif bytes(stored) != expected:
            problems.append(_problem(row, "校验值不符：该条或其前一条事件写入后被改动过"))
            previous_hash = bytes(stored)
        else:
            previous_hash = expected
        previous_seq = seq
    done = len(rows) < max_rows
    if done and until is None:
        removed = rows_removed_after(session, previous_seq)
        if removed is not None:
            problems.append(removed)
    return ChainSlice(problems, ChainCursor(previous_seq, previous_hash), len(rows), done)


def rows_removed_after(session: Session, last_seq: int) -> ChainProblem | None:
    """The problem when the journal (as this session sees it) once had rows after `last_seq`
    that are gone: its last rows were deleted. None when `last_seq` is its end."""
    highest = _highest_seq_ever(session.connection())
    if highest is None or highest <= last_seq:
        return None
    return ChainProblem(
        seq=last_seq + 1,
        event_id="",
        kind="",
        clerk_id="",
        wall_time="",
        message=f"事件日志末尾第 {last_seq + 1}–{highest} 条记录已被删除",
    )


def iter_journal_slices(
    session: Session, *, max_rows: int = VERIFY_SLICE_ROWS
) -> Iterator[ChainSlice]:
    """verify_journal_slice from the start to the end, one slice at a time."""
    cursor: ChainCursor | None = None
    while True:
        checked = verify_journal_slice(session, cursor, max_rows=max_rows)
        yield checked
        if checked.done:
            return
        cursor = checked.cursor


def verify_journal_chain(session: Session) -> list[ChainProblem]:
    """Check the whole local journal's hash chain; [] when nothing was tampered with."""
    problems: list[ChainProblem] = []
    for checked in iter_journal_slices(session):
        problems.extend(checked.problems)
    return problems
