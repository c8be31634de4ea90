"""Push: a counter's unsent events go up in batches; the central re-folds what they touched.

design.md "Sync": events not yet acknowledged go up with INSERT … ON CONFLICT (id) DO NOTHING,
and the central projections of the touched entities are re-folded in the same transaction. A
push that dies half way is simply repeated: the central keeps each event once (by its UUID),
and a batch is marked sent on the counter only after the central committed it. (A batch the
central has none of yet, the usual case, goes in with a plain INSERT in a savepoint, which
is cheaper; a duplicate key rolls the savepoint back and the batch takes the ON CONFLICT way.)

`append_events` is the central half, usable by anyone who writes the central journal (a
counter's push, the online application platform for channel 线上).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
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

from desktop.store.bulk_work import cyclic_gc_paused
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


def _stage_tables_sql() -> str:
    # Session-lived temporary tables, emptied at each commit: IF NOT EXISTS makes them on a
    # connection's first append (or again after a rolled-back one took them away), all in
    # one round trip.
    statements = [
        "CREATE TEMP TABLE IF NOT EXISTS dengji_push_stage ("
        " id varchar(36), entity_type varchar(32), entity_id varchar(36), kind varchar(64),"
        " payload jsonb, clerk_id varchar(64), counter_id varchar(64),"
        " wall_time timestamptz, hlc varchar(96)) ON COMMIT DELETE ROWS"
    ]
    statements.extend(
        f"CREATE TEMP TABLE IF NOT EXISTS dengji_{projection.name}_stage"
        f" (LIKE {projection.name}) ON COMMIT DELETE ROWS"
        for projection in _PROJECTION_TABLES.values()
    )
    return "; ".join(statements)


_STAGE_TABLES_SQL = _stage_tables_sql()
_STAGE_TABLES = (
    "dengji_push_stage",
    *(f"dengji_{projection.name}_stage" for projection in _PROJECTION_TABLES.values()),
)


@dataclass(frozen=True)
class BatchFold:
    """A batch's entities folded from the batch's events alone.

    That fold is final when the central holds no other event of the entity (the usual case:
    entities this counter made); `append_prepared` folds again, with the central's events,
    only the entities that have some.
    """

    history: Mapping[tuple[str, str], Mapping[str, FoldEvent]]  # projected entities only
    # The COPY line of each entity's projection row (none when the fold says the entity
    # does not exist yet: a registration's events before its application).
    row_copy: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # Entities whose creating event (_NEW_ID_KINDS) is in the batch.
    created: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class PreparedBatch:
    """A batch parsed, folded and formatted before any round trip to the central.

    `folded` is the BatchFold itself or a future of it: a counter's push folds a batch in a
    helper thread while the central already inserts the batch's journal rows.
    """

    events: Sequence[WireEvent]
    scope_region: str
    journal_copy: Sequence[str]  # the events as COPY text, in blocks
    folded: BatchFold | Future[BatchFold]

    def fold(self) -> BatchFold:
        """The batch's fold (waits for it when it is still being made)."""
        return self.folded.result() if isinstance(self.folded, Future) else self.folded


def prepare_batch(events: Sequence[WireEvent], scope_region: str, *, check: bool) -> PreparedBatch:
    """Parse (and with `check`, check) the events, fold each entity from them and format the
    COPY text: CPU only, before any round trip to the central."""
    folded = fold_batch(events, scope_region, check=check)
    return PreparedBatch(events, scope_region, journal_copy_blocks(events), folded)


def fold_batch(events: Sequence[WireEvent], scope_region: str, *, check: bool) -> BatchFold:
    """Parse (and with `check`, check) the events and fold each projected entity from them."""
    history: dict[tuple[str, str], dict[str, FoldEvent]] = defaultdict(dict)
    created: set[tuple[str, str]] = set()
    for event in events:
        fold_view = checked_fold_event(event) if check else None
        if event.entity_type in _PROJECTION_TABLES:
            key = (event.entity_type, event.entity_id)
            history[key][event.id] = fold_view or fold_event(event)
            if _NEW_ID_KINDS.get(event.entity_type) == event.kind:
                created.add(key)
    row_copy: dict[tuple[str, str], str] = {}
    for key, by_id in history.items():
        line = _projection_line(key, by_id, scope_region)
        if line is not None:
            row_copy[key] = line
    return BatchFold(history, row_copy, frozenset(created))


def journal_copy_blocks(events: Sequence[WireEvent]) -> list[str]:
    """The events' journal columns as COPY text, in blocks."""
    return _copy_blocks(_journal_line(event) for event in events)


def _journal_line(event: WireEvent) -> str:
    # Nine text fields: when joining them leaves exactly eight tabs and no backslash, newline
    # or carriage return, none needed escaping (the usual case, at a third of the cost).
    try:
        line = "\t".join(event[:9])
    except TypeError:  # a field that is not text: _copy_field says which
        return _copy_line(event[:9])
    if line.count("\t") == 8 and "\\" not in line and "\n" not in line and "\r" not in line:
        return line + "\n"
    return _copy_line(event[:9])


def _projection_line(
    key: tuple[str, str], by_id: Mapping[str, FoldEvent], scope_region: str
) -> str | None:
    """The COPY line of an entity's projection folded from `by_id`; None when the fold says
    the entity does not exist yet (a registration's events before its application)."""
    entity_type, entity_id = key
    entity_events = list(by_id.values())
    state = fold(entity_type, entity_events)
    if state is None or not PROJECTIONS[entity_type].exists(state):
        return None
    projection = _PROJECTION_TABLES[entity_type]
    values: list[Any] = [entity_id]
    json_keys = projection.json_keys
    for name in projection.keys:
        value = state[name]
        if name in json_keys:  # jsonb: its JSON text (None is JSON null, as SQLAlchemy's)
            empty = _EMPTY_JSON.get(type(value)) if not value else None
            value = empty or _JSON_ENCODER.encode(value)
        values.append(value)
    values.append(scope_region)
    if entity_type == "registration":
        values.append(delegated_agency(entity_events))
    return _copy_line(values)


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
    from psycopg import sql

    events = batch.events
    if not events:
        return AppendResult(0, 0, 0)
    scope_region = batch.scope_region
    with connection.cursor() as cursor:
        # Few round trips per batch, each a wait for the GIL on the way back (see
        # _short_gil_switches): statements without parameters go together, as literals.
        cursor.execute(
            sql.SQL(
                "SELECT pg_advisory_xact_lock({lock_class}, {lock_key}),"
                " pg_current_xact_id()::text::bigint,"
                " EXISTS (SELECT 1 FROM journal WHERE id = {first_id}); {stage_tables}"
            ).format(
                stage_tables=sql.SQL(_STAGE_TABLES_SQL),
                lock_class=sql.Literal(_REGION_LOCK_CLASS),
                lock_key=sql.Literal(region_lock_key(scope_region)),
                first_id=sql.Literal(str(events[0].id)),
            )
        )
        row = cursor.fetchone()  # the first statement's result
        assert row is not None
        txid, first_known = int(row[1]), bool(row[2])
        # The first append of a transaction knows that every row its transaction inserted
        # is one of `events`; a later one (the same transaction appending again) does not.
        first_append = _LAST_APPEND_TXID.get(connection) != txid
        _LAST_APPEND_TXID[connection] = txid
        if not first_append:  # left over from an earlier append in the same transaction
            cursor.execute("; ".join(f"DELETE FROM {table}" for table in _STAGE_TABLES))
        with cursor.copy(
            f"COPY dengji_push_stage ({', '.join(_JOURNAL_COLUMNS)}) FROM STDIN"
        ) as copy:
            for block in batch.journal_copy:
                copy.write(block)
        # A batch whose first event the central already has is being sent again (its
        # acknowledgement was lost): straight to the idempotent insert.
        if first_append and not first_known and _insert_all(cursor, scope_region):
            folded = batch.fold()
            touched, created, inserted = set(folded.history), set(folded.created), len(events)
        else:
            touched, created, inserted = _insert_new(cursor, scope_region)
            folded = batch.fold()
        if touched:
            # An entity whose creating event went in just now cannot have other central
            # events: nobody else knew its id. Only the others are looked up.
            unknown = touched - created if first_append else touched
            own_txid = txid if first_append else None
            earlier = _central_history(cursor, folded, unknown, own_txid)
            _refold(cursor, touched, created, batch.scope_region, folded, earlier)
    return AppendResult(len(events), inserted, len(touched))


def _insert_all(cursor: Any, scope_region: str) -> bool:
    """Insert every staged event as new, in a savepoint; False (and nothing inserted) when
    the central has one of them already.

    ON CONFLICT DO NOTHING probes the unique index of journal.id before each row and
    finishes each speculative insertion with a second WAL record: a plain INSERT, which
    checks the same index as it goes, does a batch of new events with less work (measured
    beside bench_sync, 100,000 events in batches of 10,000: 2.3 s → 2.0 s of central CPU,
    a raw COPY of the same rows 1.85 s; looking the ids up first with NOT EXISTS cost as
    much as ON CONFLICT).
    """
    from psycopg import sql

    columns = sql.SQL(", ".join(_JOURNAL_COLUMNS))
    insert = sql.SQL(
        "INSERT INTO journal ({columns}, scope_region) SELECT {columns}, {region}"
        " FROM dengji_push_stage"
    ).format(columns=columns, region=sql.Literal(scope_region))
    return _all_or_nothing(cursor, [insert])


_SAVEPOINT = "dengji_push_all_new"


def _all_or_nothing(cursor: Any, inserts: Sequence[Any]) -> bool:
    """Run `inserts` in one savepoint and one round trip: False, and the savepoint rolled
    back, when one of them met a duplicate key."""
    import psycopg
    from psycopg import sql

    statements = [sql.SQL(f"SAVEPOINT {_SAVEPOINT}"), *inserts]
    statements.append(sql.SQL(f"RELEASE SAVEPOINT {_SAVEPOINT}"))
    try:
        cursor.execute(sql.SQL("; ").join(statements))
    except psycopg.errors.UniqueViolation:
        cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}")
        return False
    return True


def _insert_new(
    cursor: Any, scope_region: str
) -> tuple[set[tuple[str, str]], set[tuple[str, str]], int]:
    """Insert the staged events the central does not have yet, keeping each event once:
    (entities touched, entities created, events inserted)."""
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
    return touched, created, len(inserted_rows)


def _central_history(
    cursor: Any,
    folded: BatchFold,
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
        if event_id in folded.history[key]:
            continue  # an event of the batch that was there already (a repeated push)
        more[key][event_id] = FoldEvent(
            event_id, kind, json.loads(payload), hlc, wall_time, clerk_id, counter_id
        )
    return more


def _refold(
    cursor: Any,
    touched: set[tuple[str, str]],
    created: set[tuple[str, str]],
    scope_region: str,
    folded: BatchFold,
    earlier: Mapping[tuple[str, str], Mapping[str, FoldEvent]],
) -> None:
    """Bring the projection of every touched entity to the fold of all of its central
    events: the batch's, plus `earlier` (those already there).

    Entities created by the batch (`created`, without earlier events) cannot have a row
    yet: when every row is of one, plain INSERTs write them; otherwise, or when a row is
    there after all, upserts. ON CONFLICT costs here too (bench_sync, server log: the person
    and registration statements 0.82 s → 0.71 s per 100,000 events).
    """
    from psycopg import sql

    lines: dict[str, list[str]] = defaultdict(list)
    only_new = True
    for key in touched:
        if key in earlier:
            merged = {**folded.history[key], **earlier[key]}
            line = _projection_line(key, merged, scope_region)
            if line is not None:
                lines[key[0]].append(line)
                only_new = False
        elif key in folded.row_copy:
            lines[key[0]].append(folded.row_copy[key])
            only_new = only_new and key in created
    # Persons before registrations: a person row inserted after its registrations makes the
    # person_fields_insert trigger (migration 0011) rewrite each of them, which measured as
    # fast as writing them (bench_sync: +60 ms per 2,000 registrations), and in this order
    # the registration's BEFORE INSERT trigger finds the person's fields already there.
    written = [
        projection
        for entity_type, projection in _PROJECTION_TABLES.items()
        if lines.get(entity_type)
    ]
    for projection in written:
        columns = ", ".join(projection.columns)
        stage = f"dengji_{projection.name}_stage"
        with cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
            for block in _copy_blocks(lines[projection.entity_type]):
                copy.write(block)
    if not written:
        return
    if only_new and _all_or_nothing(cursor, [sql.SQL(_insert_sql(p)) for p in written]):
        return
    cursor.execute("; ".join(_upsert_sql(projection) for projection in written))


def _insert_sql(projection: _ProjectionTable) -> str:
    columns = ", ".join(projection.columns)
    return (
        f"INSERT INTO {projection.name} ({columns})"
        f" SELECT {columns} FROM dengji_{projection.name}_stage"
    )


def _upsert_sql(projection: _ProjectionTable) -> str:
    # The scope region of a row is fixed when it is made; the rest follows the fold.
    updated = [key for key in projection.columns if key not in ("id", "scope_region")]
    assignments = ", ".join(f"{key} = EXCLUDED.{key}" for key in updated)
    return f"{_insert_sql(projection)} ON CONFLICT (id) DO UPDATE SET {assignments}"


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
    if isinstance(value, str):
        return _copy_text(str(value))
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
    raise TypeError(f"no COPY text form for {type(value).__name__}")


def _copy_line(row: Sequence[Any]) -> str:
    """One row in COPY's text format, with its newline."""
    # Text and NULL, the usual values, without a call of _copy_field each.
    return (
        "\t".join(
            [
                _copy_text(value)
                if type(value) is str
                else ("\\N" if value is None else _copy_field(value))
                for value in row
            ]
        )
        + "\n"
    )


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


_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_EMPTY_JSON: dict[type, str] = {list: "[]", dict: "{}"}


# --------------------------------------------------------------------------- counter half

# The wire form of wall_time carries the offset: SQLAlchemy keeps a UTC datetime on SQLite as
# naive "YYYY-MM-DD HH:MM:SS.ffffff" text (models.UtcDateTime). The trailing NULL is
# WireEvent.central_seq, so that each row past the seq is a WireEvent as it stands.
_READ_PENDING = (
    "SELECT seq, id, entity_type, entity_id, kind, payload, clerk_id, counter_id,"
    " wall_time || '+00:00', hlc, NULL"
    " FROM journal WHERE pushed = 0 AND seq > ? ORDER BY seq LIMIT ?"
)


def _raw(session: Any) -> Any:
    """The sqlite3 connection under a store session (its transaction already begun)."""
    return session.connection().connection.driver_connection


def read_pending(store: Store, limit: int, after_seq: int = 0) -> list[tuple[int, WireEvent]]:
    """The oldest `limit` events not yet acknowledged by the central (after local seq
    `after_seq`), with their local seq."""
    with store.session(write=False) as session:
        rows = _raw(session).execute(_READ_PENDING, (after_seq, limit)).fetchall()
    make = WireEvent._make
    return [(int(row[0]), make(row[1:])) for row in rows]


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
    """A short GIL switch interval for the block (a thread waiting for the central, or for
    SQLite, gets the GIL back sooner from a busy helper thread)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, _PUSH_SWITCH_INTERVAL_S))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


# A batch's journal rows are some 3 MB of COPY text. With the socket's default send buffer
# (200 KB on Linux) the push thread is woken a dozen times per batch to feed the central,
# and each time waits for the GIL that the helper thread holds: the central sat idle for
# a good part of each COPY (bench_sync: 0.6–0.9 s to stream 100,000 events that the
# central parses in 0.35 s; 0.45 s with this and one helper thread). TCP grows its buffer
# by itself (up to net.ipv4.tcp_wmem, 4 MB); a Unix socket does not.
_SEND_BUFFER_BYTES = 8 * 1024 * 1024


def _widen_send_buffer(connection: Any) -> None:
    """Ask the kernel for a send buffer that holds a whole batch (it grants at most
    net.core.wmem_max; nothing is lost when it refuses)."""
    import socket

    try:
        descriptor = connection.pgconn.socket
        with socket.socket(fileno=os.dup(descriptor)) as duplicate:
            if duplicate.family == socket.AF_UNIX:
                duplicate.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SEND_BUFFER_BYTES)
    except (AttributeError, OSError, ValueError):
        pass


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

    A helper thread overlaps the Python work with the waits for the central: it folds a
    batch while the central inserts the batch's journal rows (which do not need the fold),
    reads the next batch, and marks the previous one sent. One helper, not more: on a
    machine that also runs the central (bench_sync: two cores) a third busy thread took
    CPU from the central.
    """

    def load(after_seq: int) -> tuple[list[tuple[int, WireEvent]], list[str]]:
        pending = read_pending(store, batch_size, after_seq)
        return pending, journal_copy_blocks([event for _seq, event in pending])

    _widen_send_buffer(connection)
    sent = inserted = batches = 0
    marks: list[Future[int]] = []
    unmarked: tuple[int, int] | None = None  # seq range committed centrally, mark not asked
    with (
        _short_gil_switches(),
        cyclic_gc_paused(),  # desktop/store/bulk_work.py: 100,000 events 3.9 -> 3.2 s
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="dengji-push") as helper,
    ):
        upcoming: Future[tuple[list[tuple[int, WireEvent]], list[str]]] | None
        upcoming = helper.submit(load, 0)
        while upcoming is not None:
            pending, journal_copy = upcoming.result()
            if not pending:
                break
            events = [event for _seq, event in pending]
            # The helper runs its tasks in order: this batch's fold (needed soonest), the
            # next batch's read, then the mark of the previous batch.
            folded = helper.submit(fold_batch, events, scope_region, check=False)
            full = len(pending) == batch_size
            upcoming = helper.submit(load, pending[-1][0]) if full else None
            if unmarked is not None:
                marks.append(helper.submit(mark_pushed, store, *unmarked))
                unmarked = None
            batch = PreparedBatch(events, scope_region, journal_copy, folded)
            with connection.transaction():
                result = append_prepared(connection, batch)
            # Killed before the mark? The central has the batch, the counter does not know:
            # the next push sends it again and ON CONFLICT keeps one copy (the next pull
            # also marks it).
            unmarked = (pending[0][0], pending[-1][0])
            sent += len(pending)
            inserted += result.inserted
            batches += 1
            if after_batch is not None:
                marks.append(helper.submit(mark_pushed, store, *unmarked))
                unmarked = None
                marks[-1].result()
                after_batch(sent)
        if unmarked is not None:
            marks.append(helper.submit(mark_pushed, store, *unmarked))
    for mark in marks:
        mark.result()  # a failed mark raises here (the events stay unsent, nothing is lost)
    return PushResult(sent, inserted, batches)
