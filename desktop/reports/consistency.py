"""The 三统一 check (notice §4(五)2, §6): ledger, system data and report must agree.

The journal is the full record (design.md "The journal"). The check folds every registration
and person of the region from the journal with desktop.store.projector.fold, compares the
result with the projections (the system data) field by field, computes the report both ways and
compares every figure, and lists each person who makes a difference with the reason. A report
is finalised (event `report.finalised`) only when every difference has a written explanation.

Verified folds (table statistics_fold, migration 0009). Folding a county's 900,000 events
takes seconds, so the check keeps, per person and registration, the folded values of the
compared fields (a registration's row also carries its person's) and the journal seq they
cover, and the setting "statistics_fold" names the last journal row folded (seq S) with that
row's chain hash. A later check folds again only the entities with events after S, then
compares EVERY projection row of the region with its fold in one SQL statement; only the rows
that differ (and the folds with anomalies) are folded again from the journal and compared
field by field with the reasons. A projection row changed behind the journal's back therefore
still shows, whenever it was changed. The journal's figures are the projections' with those
rows exchanged (every other registration equals its fold). The first run over a long journal
folds two halves of the entities and checks the chain in parallel processes.

Why the kept folds can be trusted (desktop/store/integrity.py):
- Events are only ever appended (triggers), and each row's chain hash covers its content and
  the previous row's hash, so the hash of row S covers every row up to S. Before using the
  folds the check compares row S's stored hash with the one kept: a journal rewritten and
  chained again (or restored from another copy) changes it, and every fold is discarded.
- A row up to S edited without chaining again breaks its link, which the chain check reports
  (audit page, desktop.store.integrity.verify_journal_chain); the kept fold then still says
  what the row said when it was chained, which is what the check should compare with.
- The rows after S are chain-checked here (from row S's hash on) before they are folded; a
  broken link is listed as a difference (kind "chain") that must be explained before the
  report can be finalised, and the folds are not advanced past it.
- The table is local, derived data: emptying it (or `full=True`) makes the check fold the
  whole journal again. Someone able to rewrite it could equally rewrite the projections and
  the journal of this copy; the central copy of pushed events is the independent witness.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from desktop.domain.idnumbers import mask_id_number
from desktop.domain.roles import Permission
from desktop.reports.facts import (
    PERSON_COPY_COLUMNS,
    PERSON_FACT_FIELDS,
    REGISTRATION_FACT_FIELDS,
    RegistrationFacts,
    _categories,
    _iso,
    facts_from_states,
    load_facts,
    raw_rows,
    region_where,
)
from desktop.reports.monthly import MonthlyReport
from desktop.reports.period import (
    PeriodScheme,
    ReportError,
    ReportingPeriod,
    beijing_today,
    check_region,
    reporting_period,
)
from desktop.store.bulk_work import cyclic_gc_paused
from desktop.store.hlc import HybridLogicalClock
from desktop.store.integrity import (
    ChainCursor,
    ChainProblem,
    rows_removed_after,
    verify_journal_slice,
)
from desktop.store.journal import Actor, record
from desktop.store.models import Event
from desktop.store.projector import FIELD_LABELS, STATUS_LABELS, fold

__all__ = [
    "FINALISED_KIND",
    "FOLDED_KINDS",
    "ConsistencyCheck",
    "Difference",
    "JournalFolds",
    "LedgerRow",
    "check_consistency",
    "finalise_report",
    "finalised_reports",
    "report_entity_id",
]

FINALISED_KIND = "report.finalised"
REPORT_ENTITY_TYPE = "report"
# The kinds that change a field the figures read (REGISTRATION_FACT_FIELDS, PERSON_FACT_FIELDS).
# Contacts, services, commitments and aid plans change only last_contact_on, flags, the tier
# and anomaly notes (projector.apply_registration_event), so the check folds without them;
# tests/desktop/reports/test_consistency.py proves both folds agree on the compared fields.
FOLDED_KINDS: dict[str, tuple[str, ...]] = {
    "person": ("person.recorded", "person.updated"),
    "registration": (
        "registration.applied",
        "registration.verified",
        "registration.registered",
        "registration.rejected",
        "deregistration.done",
    ),
}
_REPORT_NAMESPACE = uuid.UUID(
    "5f6b3c2e-9d1a-4c57-8a0e-620111202003"
)  # 620111: 甘人社通〔2020〕111号
MIN_EXPLANATION_LENGTH = 4


class _JournalEvent(NamedTuple):
    """A journal row as the fold reads it (projector.EventLike)."""

    id: str
    kind: str
    payload: Any
    hlc: str
    wall_time: str
    clerk_id: str
    counter_id: str


_FOLD_SETTING = "statistics_fold"
_log = logging.getLogger(__name__)
_KINDS = [kind for kinds in FOLDED_KINDS.values() for kind in kinds]
_KIND_MARKS = ",".join("?" * len(_KINDS))
_EVENT_COLUMNS = "entity_type, entity_id, id, kind, payload, hlc, wall_time, clerk_id, counter_id"
# JSON as desktop.store.db stores it, so an unchanged list compares equal as text.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# A registration's row carries its person's folded fields too (and whether the journal has
# that person at all), so the comparison reads one fold row per registration.
_FOLD_COLUMNS = (
    "entity_type",
    "entity_id",
    "last_seq",
    *REGISTRATION_FACT_FIELDS,
    "anomalies",
    *PERSON_FACT_FIELDS,
    "person_found",
)
_PERSON_COLUMNS = ("entity_type", "entity_id", "last_seq", *PERSON_FACT_FIELDS)
_NO_PERSON = (None,) * len(PERSON_FACT_FIELDS)
_CHUNK = 400


def _registration_row(entity_id: str, seq: int, state: Mapping[str, Any]) -> tuple[Any, ...]:
    """The fold's compared fields as facts_from_states reads them, as the projection stores
    them (dates ISO text, lists JSON text)."""
    anomalies = state.get("anomalies") or None
    return (
        "registration",
        entity_id,
        seq,
        state.get("person_id") or "",
        state.get("number") or "",
        state.get("region"),
        state.get("counter_id"),
        state.get("status"),
        _iso(state.get("applied_on")),
        _iso(state.get("registered_on")),
        _iso(state.get("rejected_on")),
        _iso(state.get("deregistered_on")),
        state.get("deregistration_reason"),
        _iso(state.get("unemployed_since")),
        state.get("unemployment_cause"),
        _JSON.encode(list(_categories(state.get("difficulty_categories")))),
        None if anomalies is None else _JSON.encode(list(anomalies)),
    )


def _person_row(entity_id: str, seq: int, state: Mapping[str, Any]) -> tuple[Any, ...]:
    urban = state.get("residence_urban")
    return (
        "person",
        entity_id,
        seq,
        state.get("sex"),
        _iso(state.get("birth_date")),
        state.get("education"),
        None if urban is None else int(bool(urban)),
    )


def _driver(connection: Any) -> Any:
    driver = connection.connection.driver_connection
    assert driver is not None
    return driver


def fold_entities(
    cursor: Any, keys: Iterable[tuple[str, str]]
) -> tuple[dict[tuple[str, str], dict[str, Any]], int, int]:
    """Fold these (entity type, id) from the journal's FOLDED_KINDS events: the states, the
    number of events folded and the highest seq read."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for entity_type, entity_id in keys:
        by_type[entity_type].append(entity_id)
    rows: list[Any] = []
    for entity_type, ids in by_type.items():
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first : first + _CHUNK]
            rows += cursor.execute(
                f"SELECT seq, {_EVENT_COLUMNS} FROM journal WHERE entity_type = ?"
                f" AND entity_id IN ({','.join('?' * len(chunk))}) AND kind IN ({_KIND_MARKS})",
                [entity_type, *chunk, *_KINDS],
            ).fetchall()
    return _fold_rows(rows)


def _fold_rows(rows: Iterable[Any]) -> tuple[dict[tuple[str, str], dict[str, Any]], int, int]:
    grouped: dict[tuple[str, str], list[_JournalEvent]] = defaultdict(list)
    last_seq = 0
    count = 0
    loads = json.loads
    for seq, entity_type, entity_id, event_id, kind, payload, hlc, wall, clerk, counter in rows:
        count += 1
        if seq > last_seq:
            last_seq = seq
        decoded = loads(payload) if isinstance(payload, str | bytes) else payload
        grouped[(entity_type, entity_id)].append(
            _JournalEvent(event_id, kind, decoded, hlc, wall, clerk, counter)
        )
    states: dict[tuple[str, str], dict[str, Any]] = {}
    for (entity_type, entity_id), events in grouped.items():
        if entity_type not in FOLDED_KINDS:
            continue
        state = fold(entity_type, events)
        if state is not None:
            states[(entity_type, entity_id)] = state
    return states, count, last_seq


class _KeptHeader(NamedTuple):
    """What statistics_fold's setting says it covers, as read before folding."""

    raw: str | None  # the setting's text (None: no folds kept); compared before writing
    seq: int  # 0: fold the whole journal
    chain_hash: bytes | None


class _FoldUpdate(NamedTuple):
    """Folds computed from a journal snapshot, not yet written to statistics_fold."""

    base: _KeptHeader  # the kept folds they extend
    last: int  # the journal row they cover
    registrations: list[tuple[Any, ...]]  # without their person's fields yet
    persons: list[tuple[Any, ...]]
    events: int
    problems: list[ChainProblem]
    good_seq: int  # the last row before the first chain problem
    good_hash: bytes | None
    worker_processes: int = 0  # child processes that folded and chain-checked


def _kept_header(cursor: Any, *, full: bool) -> _KeptHeader:
    """The kept folds' header, with seq 0 when they cannot be used (full, or the journal up to
    their row is not the one folded)."""
    stored = cursor.execute("SELECT value FROM setting WHERE key = ?", [_FOLD_SETTING]).fetchone()
    raw = stored[0] if stored else None
    kept = json.loads(raw) if raw else {}
    seq = int(kept.get("seq") or 0)
    kept_hash = bytes.fromhex(kept["chain_hash"]) if seq and kept.get("chain_hash") else None
    if seq and not full:
        row = cursor.execute("SELECT chain_hash FROM journal WHERE seq = ?", [seq]).fetchone()
        if row is None or row[0] is None or bytes(row[0]) != kept_hash:
            seq, kept_hash = 0, None
    if full:
        seq, kept_hash = 0, None
    return _KeptHeader(raw, seq, kept_hash)


def _journal_end(cursor: Any) -> int:
    return int(cursor.execute("SELECT coalesce(max(seq), 0) FROM journal").fetchone()[0])


@cyclic_gc_paused()
def _compute_update(connection: Any, base: _KeptHeader, last: int, *, children: str) -> _FoldUpdate:
    """Fold and chain-check the journal rows after `base.seq` up to `last`. `children`: "help"
    lets a long first run use two child processes beside this one, "all" runs all of it in
    children (a background thread of the client must not hold the interpreter), "none" none."""
    cursor = _driver(connection).cursor()
    path = connection.engine.url.database
    seq = base.seq
    if seq == 0 and last >= _parallel_from() and children != "none" and _may_spawn() and path:
        split = _chain_split(cursor, last)
        in_processes = _first_run_in_processes(path, last, split, in_parent=children == "help")
        if in_processes is not None:
            (problems, good_seq, good_hash), (registrations, persons), count = in_processes
            removed = rows_removed_after(Session(bind=connection), last)
            if removed is not None:
                problems = [*problems, removed]
            workers = 2 if children == "help" else 3
            return _FoldUpdate(
                base, last, registrations, persons, count, problems, good_seq, good_hash, workers
            )
    session = Session(bind=connection)
    problems, good_seq, good_hash = _verify_chain(
        session, seq, base.chain_hash, last, check_end=True
    )
    if seq == 0:
        states, count = _fold_part_rows(cursor, last, "", None)
    else:
        touched = cursor.execute(
            "SELECT DISTINCT entity_type, entity_id FROM journal"
            f" WHERE seq > ? AND seq <= ? AND kind IN ({_KIND_MARKS})",
            [seq, last, *_KINDS],
        ).fetchall()
        states, count, _high = fold_entities(cursor, touched)
    registrations, persons = _fold_table_rows(states, last)
    return _FoldUpdate(base, last, registrations, persons, count, problems, good_seq, good_hash)


class _WritePart(NamedTuple):
    """A slice of an update's rows written in one transaction."""

    registrations: list[tuple[Any, ...]]
    persons: list[tuple[Any, ...]]
    first: bool  # the full fold's first part empties the table
    final: bool  # the last part writes the header


# The background preparation writes in transactions this big (bench: ~20,000 rows take
# ~0.15 s), so a clerk's save never waits long for the write lock.
WRITE_ROWS_PER_TRANSACTION = 20_000


def _write_parts(update: _FoldUpdate, size: int) -> list[_WritePart]:
    """The update's registrations, then its persons, in parts of at most `size` rows."""
    registrations, persons = update.registrations, update.persons
    Rows = list[tuple[Any, ...]]
    slices: list[tuple[Rows, Rows]] = [
        (registrations[at : at + size], []) for at in range(0, len(registrations), size)
    ]
    slices += [([], persons[at : at + size]) for at in range(0, len(persons), size)]
    slices = slices or [([], [])]
    last = len(slices) - 1
    return [_WritePart(*rows, at == 0, at == last) for at, rows in enumerate(slices)]


def _write_update(
    cursor: Any,
    update: _FoldUpdate,
    part: _WritePart | None = None,
    folded_persons: Mapping[str, tuple[Any, ...]] | None = None,
) -> int:
    """Write computed folds (all of them, or one part) inside the caller's write transaction;
    the final part writes the header. The number of fold rows written."""
    if part is None:
        part = _WritePart(update.registrations, update.persons, True, True)
    if folded_persons is None:
        folded_persons = {person[1]: person[3:] for person in update.persons}
    if part.first and update.base.seq == 0:
        cursor.execute("DELETE FROM statistics_fold")
    persons = part.persons
    registrations = _with_person_fields(cursor, part.registrations, folded_persons)
    for columns, rows_to_write in ((_FOLD_COLUMNS, registrations), (_PERSON_COLUMNS, persons)):
        cursor.executemany(
            f"INSERT OR REPLACE INTO statistics_fold ({', '.join(columns)})"
            f" VALUES ({','.join('?' * len(columns))})",
            rows_to_write,
        )
    if update.base.seq:
        # The other registrations of a person whose events are new.
        cursor.executemany(
            "UPDATE statistics_fold SET"
            f" {', '.join(f'{name} = ?' for name in PERSON_FACT_FIELDS)}, person_found = 1"
            " WHERE entity_type = 'registration' AND person_id = ?",
            [(*person[3:], person[1]) for person in persons],
        )
    if part.final:
        # Past a broken link the folds are kept but not marked verified: the next check
        # checks and folds from the last good row again.
        good_hash = update.good_hash
        header = {"seq": update.good_seq, "chain_hash": good_hash.hex() if good_hash else ""}
        cursor.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
            [_FOLD_SETTING, _JSON.encode(header)],
        )
    return len(registrations) + len(persons)


# One folding at a time per database file in this process: a check started while the
# background preparation runs waits for it and then finds the folds current.
_FOLDING_LOCKS: dict[str, threading.Lock] = {}
_FOLDING_LOCKS_GUARD = threading.Lock()


def _folding_lock(path: str | None) -> threading.Lock:
    with _FOLDING_LOCKS_GUARD:
        return _FOLDING_LOCKS.setdefault(str(path), threading.Lock())


class JournalFolds:
    """The check's verified folds (table statistics_fold): brought up to the journal's end
    before each check; counts what this process folded (why they are trusted: module doc)."""

    def __init__(self) -> None:
        self.events_folded = 0
        self.worker_processes = 0
        self.entities_folded = 0
        self.chain_problems: list[ChainProblem] = []
        self.covered_seq = 0

    def refresh(self, session: Session, *, full: bool = False) -> None:
        """Fold what the journal gained since the last check, in a write transaction of its
        own (committed even if the check then fails); `full` folds everything again."""
        engine = session.get_bind()
        with _folding_lock(engine.url.database):  # type: ignore[union-attr]
            if engine.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
                # The caller holds the write lock: a second connection would wait for it.
                self._refresh(session.connection(), full=full)
                return
            with engine.connect() as connection:  # type: ignore[union-attr]
                connection = connection.execution_options(sqlite_begin="IMMEDIATE")
                with connection.begin():
                    self._refresh(connection, full=full)

    def _refresh(self, connection: Any, *, full: bool) -> None:
        cursor = _driver(connection).cursor()
        base = _kept_header(cursor, full=full)
        last = _journal_end(cursor)
        self.chain_problems = []
        if last <= base.seq:
            self.covered_seq = last
            return
        update = _compute_update(connection, base, last, children="help")
        self._count(update, _write_update(cursor, update))

    def _count(self, update: _FoldUpdate, written: int) -> None:
        self.chain_problems = update.problems
        self.events_folded += update.events
        self.worker_processes += update.worker_processes
        self.entities_folded += written
        self.covered_seq = update.last


@dataclass(frozen=True)
class FoldPreparation:
    """What prepare_folds did, for the log and the benchmark."""

    events_folded: int
    entities_written: int
    journal_seq: int
    fold_seconds: float  # on a read snapshot, the write lock free
    write_seconds: float  # writing the result, in short transactions
    longest_lock_seconds: float  # the longest a clerk's save could have waited
    written: bool  # False when a check folded the same meanwhile


# Behind by fewer events than this, the check's own refresh is quick enough (bench: 1,000
# new events fold in ~60 ms); a first pull of a county brings hundreds of thousands.
PREPARE_FROM_EVENTS = 20_000


def prepare_folds(engine: Any, *, minimum_behind: int | None = None) -> FoldPreparation | None:
    """Bring the kept folds up to the journal's end ahead of the next check (after a sync
    pulled many events, or when the client starts on a database whose folds are missing).

    The folding runs on a read snapshot (in child processes for a long journal), so clerks
    keep saving meanwhile; only the writing of the result takes the write lock. None when the
    folds were less than `minimum_behind` (PREPARE_FROM_EVENTS) events behind. Run it off the
    UI thread.
    """
    import time

    with _folding_lock(engine.url.database):
        started = time.perf_counter()
        with engine.connect() as connection, connection.begin():
            cursor = _driver(connection).cursor()
            base = _kept_header(cursor, full=False)
            last = _journal_end(cursor)
            if minimum_behind is None:
                minimum_behind = PREPARE_FROM_EVENTS
            if last - base.seq < max(minimum_behind, 1):
                return None
            update = _compute_update(connection, base, last, children="all")
        folded = time.perf_counter()
        writing = engine.execution_options(sqlite_begin="IMMEDIATE")
        folded_persons = {person[1]: person[3:] for person in update.persons}
        entities, written, locked = 0, True, 0.0
        for part in _write_parts(update, WRITE_ROWS_PER_TRANSACTION):
            with writing.connect() as connection, connection.begin():
                waited = time.perf_counter()
                cursor = _driver(connection).cursor()
                now = cursor.execute(
                    "SELECT value FROM setting WHERE key = ?", [_FOLD_SETTING]
                ).fetchone()
                # A check (another process) folded meanwhile: its folds are newer than ours.
                # The parts written so far are harmless: the header they were written under
                # still stood, and rows of entities the check touched were written after.
                written = (now[0] if now else None) == base.raw
                if written:
                    entities += _write_update(cursor, update, part, folded_persons)
            locked = max(locked, time.perf_counter() - waited)
            if not written:
                break
        return FoldPreparation(
            update.events,
            entities,
            last,
            folded - started,
            time.perf_counter() - folded,
            locked,
            written,
        )


# A journal this long is folded for the first time in two processes (bench: 920,000 events,
# 420,000 of them folded, take 10 s of folding and 8 s of chain check in one process).
PARALLEL_FROM_SEQ = 200_000
# A machine with more cores may fold shorter journals in child processes too (the installer
# test sets 1, to run the children of the bundled client).
PARALLEL_FROM_ENV = "DENGJI_FOLD_PROCESSES_FROM_ROWS"
_SPLIT_ID = "8"  # entity ids are UUIDs: about half sort before "8"


def _parallel_from() -> int:
    import os

    try:
        return max(1, int(os.environ[PARALLEL_FROM_ENV]))
    except (KeyError, ValueError):
        return PARALLEL_FROM_SEQ


def _may_spawn() -> bool:
    """In a frozen (PyInstaller) client only when its entry point called
    multiprocessing.freeze_support() and says so (installer/launcher.py sets
    MULTIPROCESSING_READY): without it a spawned child would start the application again."""
    import sys

    if not getattr(sys, "frozen", False):
        return True
    return bool(getattr(sys.modules.get("__main__"), "MULTIPROCESSING_READY", False))


def _with_person_fields(
    cursor: Any,
    registrations: list[tuple[Any, ...]],
    folded_persons: Mapping[str, tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    """Registration rows completed with their person's folded fields: from the persons just
    folded, else from the kept folds; person_found 0 when the journal has no such person."""
    fields: dict[str, tuple[Any, ...]] = {}
    wanted = list({row[3] for row in registrations if row[3] not in folded_persons})
    for first in range(0, len(wanted), _CHUNK):
        chunk = wanted[first : first + _CHUNK]
        for entity_id, *kept in cursor.execute(
            f"SELECT entity_id, {', '.join(PERSON_FACT_FIELDS)} FROM statistics_fold"
            f" WHERE entity_type = 'person' AND entity_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            fields[entity_id] = tuple(kept)
    completed = []
    for row in registrations:
        person = folded_persons.get(row[3]) or fields.get(row[3])
        completed.append((*row, *(person or _NO_PERSON), int(person is not None)))
    return completed


def _fold_table_rows(
    states: Mapping[tuple[str, str], Mapping[str, Any]], last: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    registrations, persons = [], []
    for (entity_type, entity_id), state in states.items():
        if entity_type == "registration":
            registrations.append(_registration_row(entity_id, last, state))
        else:
            persons.append(_person_row(entity_id, last, state))
    return registrations, persons


def _fold_part_rows(
    cursor: Any, last: int, low: str, high: str | None
) -> tuple[dict[tuple[str, str], dict[str, Any]], int]:
    """Fold every entity whose id lies in [low, high) from the journal rows up to `last`."""
    condition = "entity_id >= ?" + (" AND entity_id < ?" if high is not None else "")
    rows = cursor.execute(
        f"SELECT seq, {_EVENT_COLUMNS} FROM journal NOT INDEXED"
        f" WHERE seq <= ? AND kind IN ({_KIND_MARKS})"
        f" AND {condition}",
        [last, *_KINDS, low, *([high] if high is not None else [])],
    ).fetchall()
    states, count, _high = _fold_rows(rows)
    return states, count


def _read_only(path: str) -> Any:
    import sqlite3
    from urllib.parse import quote

    return sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)


@cyclic_gc_paused()
def _fold_part_in_process(
    path: str, last: int, low: str, high: str | None
) -> tuple[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]], int]:
    """In a child process: _fold_part_rows on a read-only connection of its own."""
    connection = _read_only(path)
    try:
        states, count = _fold_part_rows(connection.cursor(), last, low, high)
    finally:
        connection.close()
    return _fold_table_rows(states, last), count


_Verified = tuple[list[ChainProblem], int, bytes | None]


@cyclic_gc_paused()
def _verify_in_process(path: str, after: int, after_hash: bytes | None, last: int) -> _Verified:
    """In a child process: the chain check of the rows after `after` (whose stored hash is
    `after_hash`) up to `last`."""
    from urllib.parse import quote

    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///file:{quote(path)}?mode=ro&uri=true")
    try:
        with Session(engine) as session:
            return _verify_chain(session, after, after_hash, last, check_end=False)
    finally:
        engine.dispose()


def _chain_split(cursor: Any, last: int) -> tuple[int, bytes | None]:
    """A row near the middle of the journal, with its stored hash: the chain is checked in two
    parts from there (each row's link needs only the stored hash of the row before it)."""
    row = cursor.execute(
        "SELECT seq, chain_hash FROM journal WHERE seq <= ? AND chain_hash IS NOT NULL"
        " ORDER BY seq DESC LIMIT 1",
        [last // 2],
    ).fetchone()
    return (int(row[0]), bytes(row[1])) if row else (0, None)


def _joined(first: _Verified, second: _Verified) -> _Verified:
    """Two consecutive parts' checks as one: the good row is before the first problem."""
    if first[0]:
        return [*first[0], *second[0]], first[1], first[2]
    return second


def _first_run_in_processes(
    path: str, last: int, split: tuple[int, bytes | None], *, in_parent: bool
) -> tuple[_Verified, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]], int] | None:
    """The chain check in two parts and the fold in two halves, in child processes (one half
    of the fold in this process when `in_parent`). None when the children could not run (a
    script without a __main__ guard, no processes allowed): the caller then does it all in
    its own process. Rows removed from the journal's end are for the caller to check."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    middle, middle_hash = split
    context = multiprocessing.get_context("spawn")  # no fork of a Qt process's threads
    try:
        with ProcessPoolExecutor(max_workers=2 if in_parent else 3, mp_context=context) as pool:
            chain_low = pool.submit(_verify_in_process, path, 0, None, middle)
            chain_high = pool.submit(_verify_in_process, path, middle, middle_hash, last)
            upper = pool.submit(_fold_part_in_process, path, last, _SPLIT_ID, None)
            if in_parent:
                (registrations, persons), count = _fold_part_in_process(path, last, "", _SPLIT_ID)
            else:
                lower = pool.submit(_fold_part_in_process, path, last, "", _SPLIT_ID)
                (registrations, persons), count = lower.result()
            (more_registrations, more_persons), more = upper.result()
            verified = _joined(chain_low.result(), chain_high.result())
    except (BrokenProcessPool, OSError) as error:
        _log.warning("child processes could not fold the journal (%s): folding here", error)
        return None
    return verified, (registrations + more_registrations, persons + more_persons), count + more


def _verify_chain(
    session: Session, seq: int, kept_hash: bytes | None, last: int, *, check_end: bool
) -> _Verified:
    """Chain-check the rows after `seq` (whose hash is `kept_hash`) up to `last` (and with
    `check_end`, that no rows after `last` were removed): the problems, and the last row
    before the first problem with its hash."""
    connection = session.connection()
    cursor = ChainCursor(seq, kept_hash)
    problems: list[ChainProblem] = []
    good_seq, good_hash = seq, kept_hash
    while cursor.last_seq < last:
        checked = verify_journal_slice(session, cursor, until=last)
        if checked.problems and not problems:
            first = checked.problems[0].seq
            good = connection.exec_driver_sql(
                "SELECT seq, chain_hash FROM journal WHERE seq < ? ORDER BY seq DESC LIMIT 1",
                (first,),
            ).fetchone()
            good_seq, good_hash = (int(good[0]), bytes(good[1])) if good else (0, None)
        problems += checked.problems
        cursor = checked.cursor
        if checked.done:
            break
    removed = rows_removed_after(session, cursor.last_seq) if check_end else None
    if removed is not None:
        if not problems:
            good_seq, good_hash = cursor.last_seq, cursor.last_hash
        problems.append(removed)
    if not problems:
        return [], cursor.last_seq, cursor.last_hash
    return problems, good_seq, good_hash


@dataclass(frozen=True)
class Difference:
    """One thing that makes the ledger, the system data or the report disagree.

    `key` is stable across checks, so an explanation written once stays attached to it.
    """

    key: str
    kind: str
    reason: str
    registration_number: str = ""
    person_name: str = ""
    id_number_masked: str = ""
    affects_report: bool = False


@dataclass(frozen=True)
class LedgerRow:
    """One person of the ledger (台账): urban registered unemployed at the period's end."""

    number: str
    name: str
    id_number_masked: str
    sex: str
    registered_on: str
    unemployment_cause: str


@dataclass(frozen=True)
class ConsistencyCheck:
    """The outcome: both reports, the ledger, the differences and what was checked."""

    region: str
    period: ReportingPeriod
    as_of: dt.date
    report: MonthlyReport  # from the projections: what the screen and exports show
    journal_report: MonthlyReport  # the same figures recomputed from the journal
    ledger: tuple[LedgerRow, ...]
    differences: tuple[Difference, ...]
    registrations_checked: int
    persons_checked: int
    events_folded: int  # folded by this check (the kept folds cover the rest)
    finalised: tuple[Mapping[str, Any], ...] = field(default=())
    journal_seq: int = 0  # the journal row the figures were recomputed up to
    worker_processes: int = 0  # child processes that folded the journal for this check

    @property
    def consistent(self) -> bool:
        return not self.differences

    def unexplained(self, explanations: Mapping[str, str]) -> list[Difference]:
        """The differences without a written explanation."""
        return [
            difference
            for difference in self.differences
            if len((explanations.get(difference.key) or "").strip()) < MIN_EXPLANATION_LENGTH
        ]

    def summary(self) -> str:
        """One Chinese line for the screen and the CLI."""
        if self.consistent:
            return (
                f"三统一校验通过：台账 {len(self.ledger)} 人、系统数据、统计报表一致"
                f"（核对登记 {self.registrations_checked} 条，按事件日志至第 {self.journal_seq} 条"
                f"重算，本次新折算事件 {self.events_folded} 条）"
            )
        people = len({d.registration_number for d in self.differences if d.registration_number})
        return (
            f"三统一校验发现 {len(self.differences)} 处差异，涉及 {people} 条登记；"
            "逐条说明原因后方可定稿"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "month": self.period.key,
            "scheme": self.period.scheme.value,
            "as_of": self.as_of.isoformat(),
            "consistent": self.consistent,
            "summary": self.summary(),
            "ledger_count": len(self.ledger),
            "registrations_checked": self.registrations_checked,
            "persons_checked": self.persons_checked,
            "events_folded": self.events_folded,
            "worker_processes": self.worker_processes,
            "journal_seq": self.journal_seq,
            "differences": [difference.__dict__ for difference in self.differences],
            "finalised": [dict(item) for item in self.finalised],
        }


# --------------------------------------------------------------------------- comparing


def _shown(name: str, value: Any) -> str:
    if value is None or value == ():
        return "空"
    if name == "status":
        return STATUS_LABELS.get(str(value), str(value))
    if isinstance(value, tuple):
        return "、".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _person_names(session: Session, person_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """(name, ID number) of these people, for the rows a list shows."""
    ids = list(dict.fromkeys(person_ids))
    found: dict[str, tuple[str, str]] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        marks = ",".join("?" * len(chunk))
        for person_id, name, number in raw_rows(
            session, f"SELECT id, name, id_number FROM person WHERE id IN ({marks})", chunk
        ):
            found[person_id] = (name or "", number or "")
    return found


def _in_region(state: Mapping[str, Any], prefix: str) -> bool:
    return str(state.get("region") or "").startswith(prefix)


def _membership(fact: RegistrationFacts | None, period: ReportingPeriod, as_of: dt.date) -> str:
    """Where a registration counts in the period: "stock", "flow" or "" (not at all)."""
    if (
        fact is None
        or fact.registered_on is None
        or fact.status not in ("registered", "deregistered")
        or fact.residence_urban is not True
    ):
        return ""
    end = min(period.end, as_of).isoformat()
    start = period.start.isoformat()
    gone = fact.deregistered_on if fact.status == "deregistered" else None
    if fact.registered_on <= end and (gone is None or gone > end):
        return "stock"
    if start <= fact.registered_on <= end or (gone is not None and start <= gone <= end):
        return "flow"
    return ""


# Names of the compared fields the projector's FIELD_LABELS does not have.
_MORE_LABELS = {
    "status": "登记状态",
    "registered_on": "登记日期",
    "rejected_on": "不予登记日期",
    "deregistered_on": "注销日期",
    "deregistration_reason": "注销原因",
}
_FACT_INDEX = {name: index for index, name in enumerate(RegistrationFacts._fields)}
_COMPARED = tuple(
    (name, _FACT_INDEX[name], "" if name in REGISTRATION_FACT_FIELDS else "人员")
    for name in (*REGISTRATION_FACT_FIELDS, *PERSON_FACT_FIELDS)
)


_PERSON_COMPARED = tuple(
    (name, _FACT_INDEX[name], position) for position, name in enumerate(PERSON_FACT_FIELDS)
)


def _person_differences(
    registration_id: str,
    mine: RegistrationFacts,
    theirs: RegistrationFacts,
    person_row: tuple[Any, ...],
) -> list[tuple[str, str, str]]:
    """The person fields of one registration: the person projection against the journal's
    fold, and registration's copy (what the report reads) against the person projection."""
    found = []
    for name, index, position in _PERSON_COMPARED:
        label = FIELD_LABELS.get(name, name)
        projected = person_row[position]
        if projected != theirs[index]:
            found.append(
                (
                    registration_id,
                    f"field:{name}",
                    f"人员{label}：系统数据为「{_shown(name, projected)}」，按事件日志重算为「"
                    f"{_shown(name, theirs[index])}」",
                )
            )
        if mine[index] != projected:
            # Migration 0011's triggers keep the copy equal to the person row: a copy that
            # differs was changed behind the journal's back (or the triggers were removed).
            found.append(
                (
                    registration_id,
                    f"copy:{name}",
                    f"登记中抄录的人员{label}为「{_shown(name, mine[index])}」，与人员档案的"
                    f"「{_shown(name, projected)}」不一致（抄录值未经事件日志被改动），"
                    "报表按抄录值统计",
                )
            )
    return found


def _compare_facts(
    projected: Mapping[str, RegistrationFacts],
    journal: Mapping[str, RegistrationFacts],
    journal_states: Mapping[str, Mapping[str, Any]],
    person_rows: Mapping[str, tuple[Any, ...]] | None = None,
) -> list[tuple[str, str, str]]:
    """(registration id, kind, reason) of each disagreement between the two sets of facts.

    The projected facts carry registration's copies of the person fields; `person_rows` (by
    registration id) the person projection's own values, compared separately when given."""
    person_rows = person_rows or {}
    found: list[tuple[str, str, str]] = []
    for registration_id in sorted(set(journal) | set(projected)):
        mine = projected.get(registration_id)
        theirs = journal.get(registration_id)
        if theirs is None:
            found.append(
                (registration_id, "orphan_projection", "系统数据中有此登记，事件日志中无其记录")
            )
            continue
        if mine is None:
            found.append(
                (
                    registration_id,
                    "missing_projection",
                    f"事件日志中有此登记（状态「{_shown('status', theirs.status)}」），"
                    "系统数据中缺失",
                )
            )
            continue
        person_row = person_rows.get(registration_id)
        if mine != theirs or (
            person_row is not None
            and person_row != tuple(theirs[index] for _name, index, _p in _PERSON_COMPARED)
        ):
            if not theirs.person_found:
                found.append(
                    (registration_id, "missing_person", "事件日志中没有该登记所属人员的档案")
                )
            elif not mine.person_found:
                found.append(
                    (registration_id, "missing_person", "系统数据中缺少该登记所属人员的档案")
                )
            both_found = mine.person_found and theirs.person_found
            if both_found and person_row is not None:
                found += _person_differences(registration_id, mine, theirs, person_row)
            for name, index, prefix in _COMPARED:
                if person_row is not None and name in PERSON_COPY_COLUMNS:
                    continue
                if mine[index] != theirs[index] and both_found:
                    found.append(
                        (
                            registration_id,
                            f"field:{name}",
                            f"{prefix}{_MORE_LABELS.get(name) or FIELD_LABELS.get(name, name)}"
                            "：系统数据为「"
                            f"{_shown(name, mine[index])}」，按事件日志重算为「"
                            f"{_shown(name, theirs[index])}」",
                        )
                    )
        for note in journal_states.get(registration_id, {}).get("anomalies") or ():
            # design.md: contradictory events are kept and flagged for a supervisor.
            found.append((registration_id, f"anomaly:{note}", f"事件冲突：{note}"))
    return found


_COMPARED_SQL = " OR ".join(
    [f"r.{name} IS NOT f.{name}" for name in REGISTRATION_FACT_FIELDS]
    + [f"p.{name} IS NOT f.{name}" for name in PERSON_FACT_FIELDS]
    + [f"r.{column} IS NOT f.{name}" for name, column in PERSON_COPY_COLUMNS.items()]
)
# One pass over the region's projection rows: how many, how many people, how many have a fold
# that is a registration of the region (to find the journal's registrations without a
# projection, below), and which may differ from their fold: no fold, a fold without a status
# (not a registration in the journal), anomalies, a person found on one side only, or any
# compared field unequal. Every other row equals its fold field for field.
_SUSPECT_SQL = (
    "SELECT count(*),"
    " count(*) FILTER (WHERE f.status IS NOT NULL AND {fold_region}),"
    " json_group_array(r.id) FILTER (WHERE f.entity_id IS NULL OR f.status IS NULL"
    " OR f.anomalies IS NOT NULL OR (p.id IS NULL) = f.person_found"
    f" OR {_COMPARED_SQL})"
    " FROM registration r NOT INDEXED LEFT JOIN person p ON p.id = r.person_id"
    " LEFT JOIN statistics_fold f ON f.entity_type = 'registration' AND f.entity_id = r.id"
    " WHERE {region}"
)
_FOLDED_IN_REGION_SQL = (
    "SELECT count(*) FROM statistics_fold f WHERE f.entity_type = 'registration'"
    " AND f.status IS NOT NULL AND {fold_region}"
)
# Registrations the journal has in the region that the region's projections lack.
_UNPROJECTED_SQL = (
    "SELECT f.entity_id FROM statistics_fold f WHERE f.entity_type = 'registration'"
    " AND f.status IS NOT NULL AND {fold_region} AND NOT EXISTS (SELECT 1 FROM registration r"
    " WHERE r.id = f.entity_id AND {region})"
)
_LEDGER_SQL = (
    "SELECT r.number, p.name, p.id_number, p.sex, r.registered_on, r.unemployment_cause"
    " FROM registration r NOT INDEXED JOIN person p ON p.id = r.person_id"
    " WHERE {region} AND r.status IN ('registered', 'deregistered') AND p.residence_urban = 1"
    " AND r.registered_on <= ? AND (r.status <> 'deregistered' OR r.deregistered_on IS NULL"
    " OR r.deregistered_on > ?) ORDER BY r.number"
)


def check_consistency(
    session: Session,
    month: dt.date | str,
    region: str,
    *,
    scheme: PeriodScheme = PeriodScheme.CALENDAR,
    today: dt.date | None = None,
    folds: JournalFolds | None = None,
    full: bool = False,
) -> ConsistencyCheck:
    """三统一: recompute every figure of the month from the journal, compare it with the
    projections and the report, list each person who makes a difference with the reason.

    The journal's folds are kept in statistics_fold (module doc): a check folds only what
    changed since the last one; `full` folds the whole journal again. `folds` (kept by the
    caller) counts what was folded.
    """
    from desktop.reports.monthly import _report_from_tallies, _tally_facts, _tally_sql

    today = today or beijing_today()
    region = check_region(region)
    period = reporting_period(month, scheme, today=today)
    folds = folds if folds is not None else JournalFolds()
    cursor = _driver(session.connection()).cursor()
    for _attempt in range(3):
        folds.refresh(session, full=full)
        full = False
        # This session's snapshot must be the one folded (a clerk may have saved meanwhile).
        last = cursor.execute("SELECT coalesce(max(seq), 0) FROM journal").fetchone()[0]
        if last == folds.covered_seq:
            break
    else:
        raise ReportError("核对期间有人不断录入数据，请稍后再做三统一校验")
    from desktop.domain.workdays import region_prefix

    prefix = region_prefix(region)
    where, parameters = region_where("r.region", region)
    fold_where, fold_parameters = region_where("f.region", region)
    projected, matched, suspect_ids = cursor.execute(
        _SUSPECT_SQL.format(region=where, fold_region=fold_where), [*fold_parameters, *parameters]
    ).fetchone()
    suspects: list[str] = json.loads(suspect_ids) if suspect_ids else []
    people = _people_count(cursor, where, parameters, projected)
    folded_in_region = cursor.execute(
        _FOLDED_IN_REGION_SQL.format(fold_region=fold_where), fold_parameters
    ).fetchone()[0]
    unprojected: list[str] = []
    if folded_in_region != matched:
        unprojected = [
            row[0]
            for row in cursor.execute(
                _UNPROJECTED_SQL.format(region=where, fold_region=fold_where),
                [*fold_parameters, *parameters],
            )
        ]
    # Folded again from the journal itself, not from the kept folds: the reasons read the
    # journal, and a kept fold that was tampered with cannot excuse its projection row.
    by_id_projection = _projection_facts(session, suspects)
    states, _count, _high = fold_entities(
        cursor, [("registration", entity_id) for entity_id in (*suspects, *unprojected)]
    )
    person_ids = {
        str(state.get("person_id") or "")
        for (_type, _id), state in states.items()
        if state.get("person_id")
    }
    person_states, _count, _high = fold_entities(
        cursor, [("person", person_id) for person_id in person_ids]
    )
    journal_registrations = {
        entity_id: state
        for (_type, entity_id), state in states.items()
        if state.get("status") is not None
        and (_in_region(state, prefix) or entity_id in by_id_projection)
    }
    persons = {entity_id: state for (_type, entity_id), state in person_states.items()}
    by_id_journal = {
        fact.registration_id: fact for fact in facts_from_states(journal_registrations, persons)
    }
    found = _compare_facts(
        by_id_projection,
        by_id_journal,
        journal_registrations,
        _projected_person_fields(session, suspects),
    )

    end = min(period.end, today).isoformat()
    tallies = _tally_sql(session, region, period, end)
    report = _report_from_tallies(tallies, region, period, today, "local")
    # Every other registration equals its fold field for field, so the journal's figures are
    # the projections' with these rows exchanged (the counts add up row by row).
    journal_tallies = tallies.adjusted(
        remove=_tally_facts(by_id_projection.values(), period, end),
        add=_tally_facts(by_id_journal.values(), period, end),
    )
    journal_report = _report_from_tallies(
        journal_tallies, region, period, today, "local", allow_empty=True
    )
    differences = [_chain_difference(problem) for problem in folds.chain_problems]
    names = _person_names(
        session,
        [(by_id_projection.get(rid) or by_id_journal[rid]).person_id for rid, _k, _r in found],
    )
    for registration_id, kind, reason in found:
        fact = by_id_projection.get(registration_id) or by_id_journal.get(registration_id)
        name, number = names.get(fact.person_id if fact else "", ("", ""))
        affects = _membership(by_id_projection.get(registration_id), period, today) != _membership(
            by_id_journal.get(registration_id), period, today
        )
        differences.append(
            Difference(
                key=f"{kind}@{registration_id}",
                kind=kind.split(":", 1)[0],
                reason=reason + ("（影响本期报表）" if affects else ""),
                registration_number=fact.number if fact else registration_id,
                person_name=name,
                id_number_masked=mask_id_number(number),
                affects_report=affects,
            )
        )
    differences += _figure_differences(report, journal_report, "按事件日志重算")
    finalised = finalised_reports(session, region, period)
    if finalised:
        latest = finalised[-1]
        stored = latest.get("figures") or {}
        differences += _figure_differences_stored(report, stored, latest)
    ledger = _ledger(session, where, parameters, end)
    if len(ledger) != report.stock_end:
        differences.append(
            Difference(
                key="ledger@count",
                kind="ledger",
                reason=f"台账 {len(ledger)} 人，报表期末城镇登记失业人数 {report.stock_end} 人",
                affects_report=True,
            )
        )
    return ConsistencyCheck(
        region=region,
        period=period,
        as_of=today,
        report=report,
        journal_report=journal_report,
        ledger=tuple(ledger),
        differences=tuple(differences),
        registrations_checked=projected + len(unprojected),
        persons_checked=people,
        events_folded=folds.events_folded,
        worker_processes=folds.worker_processes,
        finalised=tuple(finalised),
        journal_seq=folds.covered_seq,
    )


def _people_count(cursor: Any, where: str, parameters: list[str], projected: int) -> int:
    """The people of the region's registrations. When the region holds every registration
    (a county's counter), ix_registration_person_id counts them without sorting."""
    if cursor.execute("SELECT count(*) FROM registration").fetchone()[0] == projected:
        return int(
            cursor.execute("SELECT count(DISTINCT person_id) FROM registration").fetchone()[0]
        )
    return int(
        cursor.execute(
            f"SELECT count(DISTINCT r.person_id) FROM registration r WHERE {where}", parameters
        ).fetchone()[0]
    )


def _projection_facts(session: Session, ids: list[str]) -> dict[str, RegistrationFacts]:
    """load_facts for these registrations only."""
    found: dict[str, RegistrationFacts] = {}
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        for fact in load_facts(session, None, ids=chunk):
            found[fact.registration_id] = fact
    return found


def _projected_person_fields(session: Session, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """The person projection's own PERSON_FACT_FIELDS (as load_facts gives them) of these
    registrations, by registration id; registrations without a person row are left out."""
    found: dict[str, tuple[Any, ...]] = {}
    columns = ", ".join(f"p.{name}" for name in PERSON_FACT_FIELDS)
    urban = PERSON_FACT_FIELDS.index("residence_urban")
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        rows = raw_rows(
            session,
            f"SELECT r.id, {columns} FROM registration r JOIN person p ON p.id = r.person_id"
            f" WHERE r.id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for registration_id, *values in rows:
            if values[urban] is not None:
                values[urban] = bool(values[urban])
            found[registration_id] = tuple(values)
    return found


def _chain_difference(problem: ChainProblem) -> Difference:
    return Difference(
        key=f"chain@{problem.seq}",
        kind="chain",
        reason=f"事件日志第 {problem.seq} 条（{problem.kind or '—'}）：{problem.message}",
        affects_report=False,
    )


def _figure_differences(report: MonthlyReport, other: MonthlyReport, what: str) -> list[Difference]:
    mine, theirs = report.figures(), other.figures()
    differences = []
    for key in sorted(set(mine) | set(theirs)):
        if mine.get(key, 0) != theirs.get(key, 0):
            differences.append(
                Difference(
                    key=f"figure@{key}",
                    kind="figure",
                    reason=f"报表数字「{_figure_label(report, key)}」为 {mine.get(key, 0)}，"
                    f"{what}为 {theirs.get(key, 0)}",
                    affects_report=True,
                )
            )
    return differences


def _figure_differences_stored(
    report: MonthlyReport, stored: Mapping[str, Any], finalised: Mapping[str, Any]
) -> list[Difference]:
    mine = report.figures()
    when = str(finalised.get("finalised_at", ""))[:10]
    differences = []
    for key in sorted(set(mine) | set(stored)):
        if int(stored.get(key, 0) or 0) != mine.get(key, 0):
            differences.append(
                Difference(
                    key=f"finalised@{key}",
                    kind="finalised",
                    reason=f"已于 {when} 定稿的报表中「{_figure_label(report, key)}」为"
                    f" {stored.get(key, 0)}，现为 {mine.get(key, 0)}（定稿后数据有补录或更正）",
                    affects_report=True,
                )
            )
    return differences


def _figure_label(report: MonthlyReport, key: str) -> str:
    group, _dot, code = key.partition(".")
    labels = {
        "stock_start": "上期末城镇登记失业人数",
        "inflow": "本期新增登记",
        "outflow": "本期注销登记",
        "stock_end": "本期末城镇登记失业人数",
        "stock_end_all": "本期末登记失业人数（城乡合计）",
        "stock_end_urban_unknown": "常住地城乡属性未填写",
    }
    if group == "summary":
        return labels.get(code, key)
    try:
        breakdown = report.breakdown(group)
    except KeyError:
        return key
    for row_code, label, _count in breakdown.rows:
        if row_code == code:
            return f"{breakdown.title}：{label}"
    return f"{breakdown.title}：{code}"


def _ledger(session: Session, where: str, parameters: list[str], end: str) -> list[LedgerRow]:
    """The ledger (台账): the urban registered unemployed at `end`, in number order; the same
    people as the report's stock (_membership "stock")."""
    from desktop.domain.codes import code_table

    causes = {item.code: item.label for item in code_table("unemployment_cause")}
    sexes = {"1": "男", "2": "女"}
    rows = raw_rows(session, _LEDGER_SQL.format(region=where), [*parameters, end, end])
    return [
        LedgerRow(
            number=number,
            name=name or "",
            id_number_masked=_mask(id_number or ""),
            sex=sexes.get(sex or "", "未填写"),
            registered_on=registered_on or "",
            unemployment_cause=causes.get(cause or "") or (cause or ""),
        )
        for number, name, id_number, sex, registered_on, cause in rows
    ]


def _mask(number: str) -> str:
    """mask_id_number, without its normalising for the usual 18 upper-case ASCII characters."""
    if len(number) == 18 and number.isascii() and number.isalnum() and number.isupper():
        return number[:4] + "**********" + number[-4:]
    if len(number) == 18 and number.isdigit():
        return number[:4] + "**********" + number[-4:]
    return mask_id_number(number)


# --------------------------------------------------------------------------- finalising


def report_entity_id(region: str, period: ReportingPeriod) -> str:
    """The journal entity of one region's report for one month and scheme (a stable UUID)."""
    name = f"monthly/{region}/{period.key}/{period.scheme.value}"
    return str(uuid.uuid5(_REPORT_NAMESPACE, name))


def finalised_reports(
    session: Session, region: str, period: ReportingPeriod
) -> list[dict[str, Any]]:
    """The `report.finalised` events of this report, oldest first, as their payloads."""
    rows = raw_rows(
        session,
        "SELECT payload, wall_time, clerk_id FROM journal WHERE entity_type = ?"
        " AND entity_id = ? AND kind = ? ORDER BY hlc",
        [REPORT_ENTITY_TYPE, report_entity_id(region, period), FINALISED_KIND],
    )
    found = []
    for payload, wall_time, clerk in rows:
        loaded = json.loads(payload) if isinstance(payload, str) else dict(payload)
        found.append({**loaded, "finalised_at": str(wall_time), "clerk_id": clerk})
    return found


def finalise_report(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    check: ConsistencyCheck,
    explanations: Mapping[str, str],
) -> Event:
    """定稿: record `report.finalised` with the figures and the explanation of each difference.

    Refused (ReportError): a month not yet ended, any difference left unexplained; without the
    统计 permission, PermissionDeniedError.
    """
    actor.require(Permission.VIEW_STATISTICS)
    if not check.period.is_complete(check.as_of):
        raise ReportError(
            f"{check.period.label}尚未结束（至 {check.period.end.isoformat()}），不能定稿"
        )
    missing = check.unexplained(explanations)
    if missing:
        first = missing[0]
        who = f"（{first.registration_number} {first.person_name}）".replace("（ ）", "")
        raise ReportError(
            f"还有 {len(missing)} 处差异未说明原因，不能定稿。"
            f"第一处：{first.reason}{who if first.registration_number else ''}"
        )
    payload = {
        "region": check.region,
        "month": check.period.key,
        "scheme": check.period.scheme.value,
        "start": check.period.start,
        "end": check.period.end,
        "as_of": check.as_of,
        "figures": check.report.figures(),
        "ledger_count": len(check.ledger),
        "differences": [
            {
                "key": difference.key,
                "reason": difference.reason,
                "registration_number": difference.registration_number,
                "explanation": explanations[difference.key].strip(),
            }
            for difference in check.differences
        ],
    }
    return record(
        session,
        actor,
        entity_type=REPORT_ENTITY_TYPE,
        entity_id=report_entity_id(check.region, check.period),
        kind=FINALISED_KIND,
        payload=payload,
        clock=clock,
    )
