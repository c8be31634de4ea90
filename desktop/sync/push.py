"""Push: a counter's unsent events go up in batches; the central re-folds what they touched.

design.md "Sync": events not yet acknowledged go up with INSERT … ON CONFLICT (id) DO NOTHING,
and the central projections of the touched entities are re-folded in the same transaction. A
push that dies half way is simply repeated: the central keeps each event once (by its UUID),
and a batch is marked sent on the counter only after the central committed it.

`append_events` is the central half, usable by anyone who writes the central journal (a
counter's push, the online application platform for channel 线上).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import sys
import weakref
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import JSON, Table

from desktop.store.db import Store
from desktop.store.models import EVENT_CONTENT_COLUMNS
from desktop.store.projector import PROJECTIONS, fold
from desktop.sync.wire import FoldEvent, WireEvent, checked_fold_event, fold_event

PUSH_BATCH_SIZE = 10_000
# pg_advisory_xact_lock(class, key): "deng" and the region's CRC-32. Pushes of one county take
# turns on the central, so that each re-fold reads every event committed before it: two
# counters re-folding the same registration at once would otherwise each miss the other's
# event, and the later write would lose the earlier one's.
_REGION_LOCK_CLASS = 0x64656E67
# Entity types whose id is a random UUID made by the event that creates them, at one counter:
# no other counter can record on the entity before that event reached the central. (Not so
# for aid_plan or false_info, whose id is their registration's, known to every counter.)
_NEW_ID_KINDS = {"person": "person.recorded", "registration": "registration.applied"}
# The transaction of each connection's last append (see append_prepared).
_LAST_APPEND_TXID: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
DELEGATION_FIELD = "delegated_agency"

_JOURNAL_COLUMNS = EVENT_CONTENT_COLUMNS


@dataclass(frozen=True)
class AppendResult:
    """What one append did on the central: events new there, entities re-folded."""

    received: int
    inserted: int
    refolded: int


@dataclass(frozen=True)
class PushResult:
    """What a counter's push did."""

    sent: int  # events sent (some may have been there already: a repeated push)
    inserted: int  # events new on the central
    batches: int


def region_lock_key(region_code: str) -> int:
    """The advisory lock key of a region (signed 32-bit, as PostgreSQL takes it)."""
    key = zlib.crc32(region_code.encode("ascii"))
    return key - (1 << 32) if key >= 1 << 31 else key


def delegated_agency(events: Iterable[FoldEvent]) -> str | None:
    """The disability employment service agency a registration is delegated to: the latest
    `delegated_agency` any of its events (in HLC order) names; None or "" revokes it."""
    agency: str | None = None
    for event in sorted(events, key=lambda item: (item.hlc, item.id)):
        if DELEGATION_FIELD in event.payload:
            value = event.payload[DELEGATION_FIELD]
            agency = str(value).strip() or None if value is not None else None
    return agency


# --------------------------------------------------------------------------- central half


def _json_columns(table: Table) -> frozenset[str]:
    return frozenset(
        column.key
        for column in table.columns
        if isinstance(getattr(column.type, "impl", column.type), JSON)
    )


@dataclass(frozen=True)
class _ProjectionTable:
    entity_type: str
    name: str
    keys: tuple[str, ...]
    json_keys: frozenset[str]
    scope_columns: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return ("id", *self.keys, *self.scope_columns)


# Every projected entity type; on the central each table has scope_region (migrations 0003,
# 0007), a registration also the agency it is delegated to.
_PROJECTION_TABLES = {
    entity_type: _ProjectionTable(
        entity_type,
        str(spec.model.__tablename__),
        spec.keys,
        _json_columns(cast(Table, spec.model.__table__)),
        ("scope_region", "scope_agency") if entity_type == "registration" else ("scope_region",),
    )
    for entity_type, spec in PROJECTIONS.items()
}


def _stage_tables(cursor: Any) -> None:
    # Session-lived temporary tables, emptied at each commit: created once per connection.
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS dengji_push_stage ("
        " id varchar(36), entity_type varchar(32), entity_id varchar(36), kind varchar(64),"
        " payload jsonb, clerk_id varchar(64), counter_id varchar(64),"
        " wall_time timestamptz, hlc varchar(96)) ON COMMIT DELETE ROWS"
    )
    for projection in _PROJECTION_TABLES.values():
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS dengji_{projection.name}_stage"
            f" (LIKE {projection.name}) ON COMMIT DELETE ROWS"
        )


_STAGE_TABLES = (
    "dengji_push_stage",
    *(f"dengji_{projection.name}_stage" for projection in _PROJECTION_TABLES.values()),
)


@dataclass(frozen=True)
class PreparedBatch:
    """A batch parsed, folded and formatted on its own, before any round trip to the central.

    The fold of an entity from the batch's events alone is final when the central holds no
    other event of it (the usual case: entities this counter made); `append_prepared` folds
    again, with the central's events, only the entities that have some.
    """

    events: Sequence[WireEvent]
    scope_region: str
    history: Mapping[tuple[str, str], Mapping[str, FoldEvent]]  # projected entities only
    rows: Mapping[tuple[str, str], tuple[Any, ...] | None]  # projection row, None: no row
    journal_copy: Sequence[str] = ()  # the events as COPY text, in blocks
    row_copy: Mapping[tuple[str, str], str] = field(default_factory=dict)  # COPY line of `rows`


def prepare_batch(events: Sequence[WireEvent], scope_region: str, *, check: bool) -> PreparedBatch:
    """Parse (and with `check`, check) the events, fold each entity from them and format the
    COPY text: CPU only, so a counter's push prepares the next batch while the central writes
    this one."""
    history: dict[tuple[str, str], dict[str, FoldEvent]] = defaultdict(dict)
    for event in events:
        fold_view = checked_fold_event(event) if check else None
        if event.entity_type in _PROJECTION_TABLES:
            history[(event.entity_type, event.entity_id)][event.id] = fold_view or fold_event(event)
    rows = {key: _projection_row(key, by_id, scope_region) for key, by_id in history.items()}
    row_copy = {key: _copy_line(row) for key, row in rows.items() if row is not None}
    journal_copy = _copy_blocks(_copy_line(event[:9]) for event in events)
    return PreparedBatch(events, scope_region, history, rows, journal_copy, row_copy)


def _projection_row(
    key: tuple[str, str], by_id: Mapping[str, FoldEvent], scope_region: str
) -> tuple[Any, ...] | None:
    """The COPY row of an entity's projection folded from `by_id`; None when the fold says
    the entity does not exist yet (a registration's events before its application)."""
    entity_type, entity_id = key
    entity_events = list(by_id.values())
    state = fold(entity_type, entity_events)
    if state is None or not PROJECTIONS[entity_type].exists(state):
        return None
    projection = _PROJECTION_TABLES[entity_type]
    scope: tuple[Any, ...] = (scope_region,)
    if entity_type == "registration":
        scope = (scope_region, delegated_agency(entity_events))
    return (entity_id, *_adapted(state, projection), *scope)


def append_events(
    connection: Any,
    events: Sequence[WireEvent],
    scope_region: str,
    *,
    check: bool = True,
) -> AppendResult:
    """Add `events` to the central journal for `scope_region`, keeping each event once, and
    re-fold the projections of the entities that got a new event; in the caller's
    transaction (a psycopg connection inside `connection.transaction()`).

    `check=True` checks each event first (MalformedEventError, Chinese): the rule for any
    writer but a counter, whose events were checked when its clerk recorded them.
    """
    if not events:
        return AppendResult(0, 0, 0)
    return append_prepared(connection, prepare_batch(events, scope_region, check=check))


def append_prepared(connection: Any, batch: PreparedBatch) -> AppendResult:
    """append_events for a batch prepared by `prepare_batch` (same transaction rules)."""
    events = batch.events
    if not events:
        return AppendResult(0, 0, 0)
    scope_region = batch.scope_region
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s), pg_current_xact_id()::text::bigint",
            [_REGION_LOCK_CLASS, region_lock_key(scope_region)],
        )
        row = cursor.fetchone()
        assert row is not None
        txid = int(row[1])
        # The first append of a transaction knows that every row its transaction inserted
        # is one of `events`; a later one (the same transaction appending again) does not.
        first_append = _LAST_APPEND_TXID.get(connection) != txid
        _LAST_APPEND_TXID[connection] = txid
        _stage_tables(cursor)
        # Left over from an earlier append in the same transaction, if any.
        for table in _STAGE_TABLES:
            cursor.execute(f"DELETE FROM {table}")
        with cursor.copy(
            f"COPY dengji_push_stage ({', '.join(_JOURNAL_COLUMNS)}) FROM STDIN"
        ) as copy:
            for block in batch.journal_copy or _copy_blocks(_copy_line(e[:9]) for e in events):
                copy.write(block)
        columns = ", ".join(_JOURNAL_COLUMNS)
        cursor.execute(
            f"INSERT INTO journal ({columns}, scope_region)"
            f" SELECT {columns}, %s FROM dengji_push_stage"
            " ON CONFLICT (id) DO NOTHING RETURNING entity_type, entity_id, kind",
            [scope_region],
        )
        inserted_rows = cursor.fetchall()
        touched: set[tuple[str, str]] = set()
        created: set[tuple[str, str]] = set()
        for entity_type, entity_id, kind in inserted_rows:
            if entity_type in _PROJECTION_TABLES:
                touched.add((entity_type, entity_id))
                if _NEW_ID_KINDS.get(entity_type) == kind:
                    created.add((entity_type, entity_id))
        if touched:
            # An entity whose creating event went in just now cannot have other central
            # events: nobody else knew its id. Only the others are looked up.
            unknown = touched - created if first_append else touched
            earlier = _central_history(cursor, batch, unknown, txid if first_append else None)
            _refold(cursor, touched, batch, earlier)
    return AppendResult(len(events), len(inserted_rows), len(touched))


def _central_history(
    cursor: Any,
    batch: PreparedBatch,
    keys: set[tuple[str, str]],
    own_txid: int | None,
) -> dict[tuple[str, str], dict[str, FoldEvent]]:
    """The central events of `keys` that are not in the batch (the region lock guarantees
    none is committing meanwhile). Rows of transaction `own_txid` are the batch's own, just
    inserted, and are not read back."""
    if not keys:
        return {}
    types, ids = zip(*keys, strict=True)
    # unnest() of the keys: no temporary table to fill and analyse, and the planner sees
    # how many keys there are (ix_journal_entity, one probe per key).
    cursor.execute(
        "SELECT j.entity_type, j.entity_id, j.id, j.kind, j.payload::text, j.hlc, j.wall_time,"
        " j.clerk_id, j.counter_id"
        " FROM unnest(%s::varchar[], %s::varchar[]) AS t(entity_type, entity_id)"
        " JOIN journal j ON j.entity_type = t.entity_type AND j.entity_id = t.entity_id"
        " WHERE %s::bigint IS NULL OR j.txid <> %s::bigint",
        [list(types), list(ids), own_txid, own_txid],
    )
    more: dict[tuple[str, str], dict[str, FoldEvent]] = defaultdict(dict)
    for entity_type, entity_id, *rest in cursor:
        event_id, kind, payload, hlc, wall_time, clerk_id, counter_id = rest
        key = (entity_type, entity_id)
        if event_id in batch.history[key]:
            continue  # an event of the batch that was there already (a repeated push)
        more[key][event_id] = FoldEvent(
            event_id, kind, json.loads(payload), hlc, wall_time, clerk_id, counter_id
        )
    return more


def _refold(
    cursor: Any,
    touched: set[tuple[str, str]],
    batch: PreparedBatch,
    earlier: Mapping[tuple[str, str], Mapping[str, FoldEvent]],
) -> None:
    """Bring the projection of every touched entity to the fold of all of its central
    events: the batch's, plus `earlier` (those already there)."""
    lines: dict[str, list[str]] = defaultdict(list)
    for key in touched:
        if key in earlier:
            merged = {**batch.history[key], **earlier[key]}
            projection_row = _projection_row(key, merged, batch.scope_region)
            if projection_row is not None:
                lines[key[0]].append(_copy_line(projection_row))
        elif key in batch.row_copy:
            lines[key[0]].append(batch.row_copy[key])
        elif batch.rows.get(key) is not None:  # a batch made without prepare_batch's text
            lines[key[0]].append(_copy_line(batch.rows[key]))  # type: ignore[arg-type]
    for entity_type, projection_lines in lines.items():
        _upsert(cursor, _PROJECTION_TABLES[entity_type], projection_lines)


# COPY's text format (PostgreSQL "COPY", File Formats): backslash, newline, carriage return
# and tab are written as backslash sequences, NULL as \\N. Formatting the rows here and
# sending them in large blocks costs a fraction of one write_row call per row.
_COPY_BLOCK_ROWS = 2000


def _copy_text(text: str) -> str:
    # Four substring searches (C speed) instead of str.translate, which looks up every
    # character of a Chinese payload one by one.
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    return text


def _copy_field(value: Any) -> str:
    if type(value) is str:
        return _copy_text(value)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date):  # a datetime's isoformat() carries its offset
        return value.isoformat()
    if isinstance(value, _JsonText):
        return _copy_text(value.text)
    raise TypeError(f"no COPY text form for {type(value).__name__}")


def _copy_line(row: Sequence[Any]) -> str:
    """One row in COPY's text format, with its newline."""
    return "\t".join([_copy_field(value) for value in row]) + "\n"


def _copy_blocks(lines: Iterable[str]) -> list[str]:
    """COPY text in blocks of _COPY_BLOCK_ROWS lines (fewer, larger writes)."""
    blocks: list[str] = []
    pending: list[str] = []
    for line in lines:
        pending.append(line)
        if len(pending) >= _COPY_BLOCK_ROWS:
            blocks.append("".join(pending))
            pending = []
    if pending:
        blocks.append("".join(pending))
    return blocks


@dataclass(frozen=True)
class _JsonText:
    """A value for a jsonb column, already serialised."""

    text: str


_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _adapted(state: Mapping[str, Any], projection: _ProjectionTable) -> list[Any]:
    return [
        _JsonText(_JSON_ENCODER.encode(state[key])) if key in projection.json_keys else state[key]
        for key in projection.keys
    ]


def _upsert(cursor: Any, projection: _ProjectionTable, lines: list[str]) -> None:
    stage = f"dengji_{projection.name}_stage"
    columns = ", ".join(projection.columns)
    with cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
        for block in _copy_blocks(lines):
            copy.write(block)
    # The scope region of a row is fixed when it is made; the rest follows the fold.
    updated = [key for key in projection.columns if key not in ("id", "scope_region")]
    assignments = ", ".join(f"{key} = EXCLUDED.{key}" for key in updated)
    cursor.execute(
        f"INSERT INTO {projection.name} ({columns}) SELECT {columns} FROM {stage}"
        f" ON CONFLICT (id) DO UPDATE SET {assignments}"
    )


# --------------------------------------------------------------------------- counter half

_READ_PENDING = (
    "SELECT seq, id, entity_type, entity_id, kind, payload, clerk_id, counter_id, wall_time, hlc"
    " FROM journal WHERE pushed = 0 AND seq > ? ORDER BY seq LIMIT ?"
)


def _raw(session: Any) -> Any:
    """The sqlite3 connection under a store session (its transaction already begun)."""
    return session.connection().connection.driver_connection


def _wire_time(stored: str) -> str:
    # SQLAlchemy keeps a UTC datetime on SQLite as naive "YYYY-MM-DD HH:MM:SS.ffffff" text
    # (models.UtcDateTime); the wire form carries the offset.
    return f"{stored}+00:00"


def read_pending(store: Store, limit: int, after_seq: int = 0) -> list[tuple[int, WireEvent]]:
    """The oldest `limit` events not yet acknowledged by the central (after local seq
    `after_seq`), with their local seq."""
    with store.session(write=False) as session:
        rows = _raw(session).execute(_READ_PENDING, (after_seq, limit)).fetchall()
    pending = []
    for seq, event_id, entity_type, entity_id, kind, payload, clerk, counter, stored, hlc in rows:
        wire = WireEvent(
            event_id, entity_type, entity_id, kind, payload, clerk, counter, _wire_time(stored), hlc
        )
        pending.append((int(seq), wire))
    return pending


def mark_pushed(store: Store, first_seq: int, last_seq: int) -> int:
    """Mark the unsent events with seq in [first_seq, last_seq] as acknowledged. A batch is
    the oldest unsent events in seq order, and newer local events get a higher seq, so this
    range holds exactly the batch."""
    with store.session() as session:
        cursor = _raw(session).execute(
            "UPDATE journal SET pushed = 1 WHERE pushed = 0 AND seq BETWEEN ? AND ?",
            (first_seq, last_seq),
        )
        return int(cursor.rowcount)


def count_pending(store: Store) -> int:
    """How many events wait to be pushed (one indexed count, ix_journal_pending_push)."""
    with store.session(write=False) as session:
        row = _raw(session).execute("SELECT count(*) FROM journal WHERE pushed = 0").fetchone()
    return int(row[0]) if row else 0


# While the helper thread folds (pure Python, holding the GIL) this thread waits on the
# central; each time an answer arrives it needs the GIL back to send the next statement, and
# CPython hands it over only every sys.getswitchinterval() (5 ms). A push takes a few hundred
# such turns per batch: at 5 ms each the central sat idle for a third of the push
# (bench_sync: 100,000 events 6.9 s, with 0.2 ms 4.7 s).
_PUSH_SWITCH_INTERVAL_S = 0.0002


@contextmanager
def _short_gil_switches() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, _PUSH_SWITCH_INTERVAL_S))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def push_pending(
    store: Store,
    connection: Any,
    scope_region: str,
    *,
    batch_size: int = PUSH_BATCH_SIZE,
    after_batch: Callable[[int], None] | None = None,
) -> PushResult:
    """Send every unsent event, oldest first, one central transaction per batch; each batch
    is marked sent on the counter after its central commit. `connection` is a psycopg
    connection in autocommit mode; `after_batch(sent so far)` is called after each batch.

    While the central writes one batch, a helper thread reads, parses and folds the next
    (the fold is Python work; the wait for the central is not), so the two overlap.
    """

    def load(after_seq: int) -> tuple[list[tuple[int, WireEvent]], PreparedBatch]:
        pending = read_pending(store, batch_size, after_seq)
        events = [event for _seq, event in pending]
        return pending, prepare_batch(events, scope_region, check=False)

    sent = inserted = batches = 0
    marks: list[Future[int]] = []
    with (
        _short_gil_switches(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="dengji-push") as helper,
    ):
        upcoming: Future[tuple[list[tuple[int, WireEvent]], PreparedBatch]] | None
        upcoming = helper.submit(load, 0)
        while upcoming is not None:
            pending, batch = upcoming.result()
            if not pending:
                break
            full = len(pending) == batch_size
            upcoming = helper.submit(load, pending[-1][0]) if full else None
            with connection.transaction():
                result = append_prepared(connection, batch)
            # Killed before the mark? The central has the batch, the counter does not know:
            # the next push sends it again and ON CONFLICT keeps one copy (the next pull
            # also marks it). The helper marks it while this thread sends the next batch.
            marks.append(helper.submit(mark_pushed, store, pending[0][0], pending[-1][0]))
            sent += len(pending)
            inserted += result.inserted
            batches += 1
            if after_batch is not None:
                marks[-1].result()
                after_batch(sent)
    for mark in marks:
        mark.result()  # a failed mark raises here (the events stay unsent, nothing is lost)
    return PushResult(sent, inserted, batches)
