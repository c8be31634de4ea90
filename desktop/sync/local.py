"""Batched ingest of pulled events into the counter's SQLite: journal rows, then projections.

desktop.store.journal.ingest stores one event at a time (some 3–4 statements and a projection
step each); a counter's first pull brings its county's whole history, so here a page of
events is written with a few executemany calls, each touched entity is folded once with the
projector's own functions, and its projection row is written once. The result is the same:
each event stored once (idempotent by UUID), projections equal to fold(all events of the
entity), pulled events marked as known centrally, the clock past every HLC seen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import struct
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Dialect, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from desktop.store.errors import MalformedEventError
from desktop.store.hlc import HybridLogicalClock
from desktop.store.integrity import GENESIS
from desktop.store.projector import PROJECTIONS, State, entity_events, fold
from desktop.sync.wire import FoldEvent, WireEvent, checked_fold_event

# Well under SQLite's limit on host parameters in one statement (32766 since 3.32).
_IN_CHUNK = 900


@dataclass(frozen=True)
class IngestResult:
    """What one page of pulled events did to the local database."""

    received: int
    inserted: int  # events new here
    acknowledged: int  # own events the central confirmed (central_seq filled in)
    refolded: int  # projections written
    quarantined: tuple[tuple[str, str], ...] = field(default=())  # (event id, Chinese reason)


class _BulkStatement:
    """A Core statement compiled once for SQLite and run with executemany on the sqlite3
    connection, through the columns' own bind processors (what Core itself would store)."""

    def __init__(self, statement: Any, keys: Sequence[str], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup or ())
        self.processors: tuple[Callable[[Any], Any] | None, ...] = tuple(
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self.names
        )

    def run(self, raw: Any, rows: Iterable[Mapping[str, Any]]) -> None:
        # The values of a row in one C call (itemgetter), then the processors of the columns
        # that have one (a projection's dates, booleans and JSON; not its text).
        take = _values_getter(self.names)
        processed = [(index, process) for index, process in enumerate(self.processors) if process]
        raw.executemany(self.sql, (_processed(take(row), processed) for row in rows))


def _values_getter(names: Sequence[str]) -> Callable[[Mapping[str, Any]], Sequence[Any]]:
    take = operator.itemgetter(*names)
    if len(names) == 1:
        return lambda row: (take(row),)
    return cast(Callable[[Mapping[str, Any]], Sequence[Any]], take)


def _processed(
    values: Sequence[Any], processed: Sequence[tuple[int, Callable[[Any], Any]]]
) -> Sequence[Any]:
    if not processed:
        return values
    row = list(values)
    for index, process in processed:
        row[index] = process(row[index])
    return row


# Compiled per dialect object: its JSON serializer is the engine's (desktop.store.db).
_STATEMENTS: weakref.WeakKeyDictionary[Dialect, dict[tuple[str, str], _BulkStatement]] = (
    weakref.WeakKeyDictionary()
)


def _projection_statement(entity_type: str, action: str, dialect: Dialect) -> _BulkStatement:
    compiled = _STATEMENTS.setdefault(dialect, {})
    found = compiled.get((entity_type, action))
    if found is None:
        spec = PROJECTIONS[entity_type]
        table = cast(Table, spec.model.__table__)
        if action == "insert":
            found = _BulkStatement(insert(table), ("id", *spec.keys), dialect)
        else:
            statement = update(table).where(table.c.id == bindparam("row_id"))
            found = _BulkStatement(statement, spec.keys, dialect)
        compiled[(entity_type, action)] = found
    return found


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored_time(wire_time: str) -> str:
    """The wire's ISO time as models.UtcDateTime keeps it on SQLite: naive UTC text."""
    if len(wire_time) == 32 and wire_time.endswith("+00:00"):
        return wire_time[:-6]  # "YYYY-MM-DD HH:MM:SS.ffffff+00:00", as the pull sends it
    parsed = dt.datetime.fromisoformat(wire_time).astimezone(dt.UTC)
    return parsed.strftime("%Y-%m-%d %H:%M:%S.%f")


def _raw(session: Session) -> Any:
    return session.connection().connection.driver_connection


def _known_events(raw: Any, ids: Sequence[str]) -> dict[str, tuple[int | None, bool]]:
    known: dict[str, tuple[int | None, bool]] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for event_id, central_seq, pushed in raw.execute(
            f"SELECT id, central_seq, pushed FROM journal WHERE id IN ({marks})", chunk
        ):
            known[event_id] = (central_seq, bool(pushed))
    return known


def _entities_with_events(raw: Any, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of `keys` already have journal rows (ix_journal_entity)."""
    found: set[tuple[str, str]] = set()
    by_type: dict[str, list[str]] = defaultdict(list)
    for entity_type, entity_id in keys:
        by_type[entity_type].append(entity_id)
    for entity_type, entity_ids in by_type.items():
        for chunk in _chunks(entity_ids):
            marks = ",".join("?" * len(chunk))
            rows = raw.execute(
                "SELECT DISTINCT entity_id FROM journal"
                f" WHERE entity_type = ? AND entity_id IN ({marks})",
                [entity_type, *chunk],
            )
            found.update((entity_type, entity_id) for (entity_id,) in rows)
    return found


def _load_states(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], State]:
    states: dict[tuple[str, str], State] = {}
    by_type: dict[str, list[str]] = defaultdict(list)
    for entity_type, entity_id in keys:
        by_type[entity_type].append(entity_id)
    for entity_type, entity_ids in by_type.items():
        spec = PROJECTIONS[entity_type]
        table = cast(Table, spec.model.__table__)
        columns = [table.c.id, *(table.c[key] for key in spec.keys)]
        for chunk in _chunks(entity_ids):
            for row in session.connection().execute(select(*columns).where(table.c.id.in_(chunk))):
                states[(entity_type, row[0])] = dict(zip(spec.keys, row[1:], strict=True))
    return states


def _sort_key(event: FoldEvent) -> tuple[str, str]:
    return (event.hlc, event.id)  # the projector's fold order


# integrity._as_bytes: every value length-prefixed (4 bytes, big-endian) before hashing.
_LENGTH = struct.Struct(">I").pack


def _prefixed(text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    return _LENGTH(len(data)) + data


def _chained_rows(raw: Any, events: Sequence[WireEvent]) -> list[tuple[Any, ...]]:
    """The journal rows of `events` with their seq and chain_hash computed here, in bulk.

    The same values the journal_chain trigger (desktop.store.integrity) would write: seq as
    AUTOINCREMENT hands it out (past the highest ever used), and SHA-256 over the previous
    row's hash and the CHAIN_COLUMNS as SQLite stores them (all text here: payload is a JSON
    object and wall_time has dashes, so the NUMERIC affinity of their columns keeps them
    text). The trigger skips rows inserted with a chain_hash; the store session holds the
    write lock (BEGIN IMMEDIATE), so no other writer can take these seq numbers meanwhile.
    """
    last_seq, last_hash = raw.execute(
        "SELECT max(coalesce((SELECT max(seq) FROM journal), 0),"
        " coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'journal'), 0)),"
        " (SELECT chain_hash FROM journal ORDER BY seq DESC LIMIT 1)"
    ).fetchone()
    previous: bytes = GENESIS if last_hash is None else bytes(last_hash)
    seq = int(last_seq)
    sha256 = hashlib.sha256
    # Entity types, kinds, clerks and counters repeat across a page: each is
    # encoded and length-prefixed once.
    repeated: dict[str, bytes] = {}

    def cached(text: str) -> bytes:
        found = repeated.get(text)
        if found is None:
            found = repeated[text] = _prefixed(text)
        return found

    # A canonical UUID is 36 ASCII bytes (wire.checked_fold_event checked them).
    uuid_length = _LENGTH(36)
    rows: list[tuple[Any, ...]] = []
    for event in events:
        seq += 1
        wall_time = _stored_time(event.wall_time)
        seq_text = str(seq).encode()
        payload = event.payload.encode("utf-8", "surrogatepass")
        hlc = event.hlc.encode()
        wall = wall_time.encode()
        previous = sha256(
            b"".join(
                (
                    previous,
                    _LENGTH(len(seq_text)),
                    seq_text,
                    uuid_length,
                    event.id.encode(),
                    cached(event.entity_type),
                    uuid_length,
                    event.entity_id.encode(),
                    cached(event.kind),
                    _LENGTH(len(payload)),
                    payload,
                    cached(event.clerk_id),
                    cached(event.counter_id),
                    _LENGTH(len(wall)),
                    wall,
                    _LENGTH(len(hlc)),
                    hlc,
                )
            )
        ).digest()
        rows.append(
            (
                seq,
                event.id,
                event.entity_type,
                event.entity_id,
                event.kind,
                event.payload,
                event.clerk_id,
                event.counter_id,
                wall_time,
                event.hlc,
                event.central_seq,
                previous,
            )
        )
    return rows


# Indexes a pull never reads: while a counter's first pull fills an empty journal they are
# dropped and made again at the end, one sort each instead of an index insert per row (a
# third of the journal's insert time; the projections' lookup indexes another 0.2–0.3 s per
# 100,000 events, bench_sync). ix_journal_entity (the re-fold), the unique ids
# (idempotency) and ix_registration_person_id (the person_fields_insert trigger) stay.
# Queries give the same answers without them, only slower, so a pull killed in between
# loses nothing; the next pull puts them back first.
BULK_DROPPED_INDEXES = (
    "ix_journal_hlc",
    "ix_journal_central_seq",
    "ix_journal_pending_push",
    "ix_journal_kind_clerk",  # this clerk's list (migration 0008)
    "ix_person_id_number",
    "ix_person_name",
    "ix_person_phone",
    "ix_registration_region",
    "ix_registration_status",
    "ix_registration_due",
)


def journal_is_empty(session: Session) -> bool:
    """Whether the local journal has no row at all (a counter's first pull)."""
    return _raw(session).execute("SELECT 1 FROM journal LIMIT 1").fetchone() is None


def drop_bulk_indexes(session: Session) -> dict[str, str]:
    """Drop BULK_DROPPED_INDEXES (caller's transaction); their CREATE statements by name,
    for `restore_bulk_indexes`."""
    raw = _raw(session)
    saved: dict[str, str] = {}
    for name in BULK_DROPPED_INDEXES:
        row = raw.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        ).fetchone()
        if row is not None and row[0]:
            saved[name] = str(row[0])
            raw.execute(f'DROP INDEX "{name}"')
    return saved


def restore_bulk_indexes(session: Session, saved: Mapping[str, str]) -> None:
    """Make again the indexes `drop_bulk_indexes` dropped (those still missing)."""
    raw = _raw(session)
    for name, create_sql in saved.items():
        if name not in BULK_DROPPED_INDEXES or not create_sql.startswith("CREATE INDEX"):
            continue  # only ever our own statements (sync_state.extra is local data)
        exists = raw.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        ).fetchone()
        if exists is None:
            raw.execute(create_sql)


def ingest_pulled(
    session: Session, events: Sequence[WireEvent], clock: HybridLogicalClock
) -> IngestResult:
    """Store a page of events pulled from the central and bring their projections up to
    date, in the caller's transaction (a store session). Events already here only get their
    central_seq and the "pushed" mark; a malformed event is left out and reported."""
    raw = _raw(session)
    checked: list[tuple[WireEvent, FoldEvent]] = []
    quarantined: list[tuple[str, str]] = []
    for event in events:
        try:
            checked.append((event, checked_fold_event(event)))
        except MalformedEventError as error:
            quarantined.append((str(event.id), error.message))
    known = _known_events(raw, [event.id for event, _ in checked])
    acknowledgements = [
        (event.central_seq, event.id)
        for event, _ in checked
        if event.id in known and (known[event.id][0] is None or not known[event.id][1])
    ]
    if acknowledgements:
        raw.executemany(
            "UPDATE journal SET central_seq = coalesce(central_seq, ?), pushed = 1 WHERE id = ?",
            acknowledgements,
        )
    fresh: dict[str, tuple[WireEvent, FoldEvent]] = {}
    for event, fold_view in checked:
        if event.id not in known:
            fresh.setdefault(event.id, (event, fold_view))
    if not fresh:
        return IngestResult(len(events), 0, len(acknowledgements), 0, tuple(quarantined))
    keys = {
        (event.entity_type, event.entity_id)
        for event, _ in fresh.values()
        if event.entity_type in PROJECTIONS
    }
    had_history = _entities_with_events(raw, keys)
    raw.executemany(
        "INSERT INTO journal (seq, id, entity_type, entity_id, kind, payload, clerk_id,"
        " counter_id, wall_time, hlc, central_seq, pushed, chain_hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        _chained_rows(raw, [event for event, _ in fresh.values()]),
    )
    clock.observe(max(event.hlc for event, _ in fresh.values()))
    refolded = _project(session, raw, fresh.values(), had_history)
    return IngestResult(
        len(events), len(fresh), len(acknowledgements), refolded, tuple(quarantined)
    )


def _project(
    session: Session,
    raw: Any,
    fresh: Iterable[tuple[WireEvent, FoldEvent]],
    had_history: set[tuple[str, str]],
) -> int:
    by_entity: dict[tuple[str, str], list[FoldEvent]] = defaultdict(list)
    for event, fold_view in fresh:
        if event.entity_type in PROJECTIONS:
            by_entity[(event.entity_type, event.entity_id)].append(fold_view)
    stored = _load_states(session, (key for key in by_entity if key in had_history))
    inserts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    updates: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (entity_type, entity_id), new_events in by_entity.items():
        spec = PROJECTIONS[entity_type]
        old = stored.get((entity_type, entity_id))
        if (entity_type, entity_id) not in had_history:
            state = fold(entity_type, new_events)
        elif old is not None and min(event.hlc for event in new_events) > old["last_hlc"]:
            state = old  # all later than what is folded: continue from the stored state
            for later in sorted(new_events, key=_sort_key):
                state = spec.step(state, later)
        else:  # arrived out of HLC order: re-fold the entity's whole history
            state = fold(entity_type, entity_events(session, entity_type, entity_id))
        if state is None or not spec.exists(state):
            continue
        if old is None:
            inserts[entity_type].append({"id": entity_id, **state})
        elif any(state[key] != old[key] for key in spec.keys):
            updates[entity_type].append({"row_id": entity_id, **state})
    dialect = session.connection().dialect
    for entity_type, rows in inserts.items():
        _projection_statement(entity_type, "insert", dialect).run(raw, rows)
    for entity_type, rows in updates.items():
        _projection_statement(entity_type, "update", dialect).run(raw, rows)
    # ORM copies of these rows loaded earlier in this session would now be stale.
    session.expire_all()
    return sum(len(rows) for rows in inserts.values()) + sum(len(rows) for rows in updates.values())
