"""Pull: the events of the counter's scope that arrived centrally since its last pull.

design.md "Sync": arrival numbers of concurrent transactions become visible out of order, so
"rows after the last number I have" would skip a row whose transaction commits late. Each
central row records the id of the transaction that inserted it (journal.txid, migration
0003). A pull hands out only rows whose transaction id is below the xmin of the current
snapshot (pg_current_snapshot()): every transaction below xmin has ended, so no row can still
appear there. Rows are handed out in (txid, seq) order and the counter keeps the pair of the
last row it stored; a transaction still running has a txid ≥ xmin, above the cursor, and its
rows are handed out by a later pull. tests/desktop/sync/test_pull.py proves it with writers
that commit out of order.

Each page is stored in one local transaction together with the cursor: a pull killed at any
point resumes from the last page stored, and storing a page twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain import codes
from desktop.store.bulk_work import cyclic_gc_paused
from desktop.store.db import Store
from desktop.store.models import SyncState
from desktop.sync.local import (
    IngestResult,
    drop_bulk_indexes,
    ingest_pulled,
    journal_is_empty,
    restore_bulk_indexes,
)
from desktop.sync.reference import (
    apply_downloads,
    fetch_changed,
    reference_folder,
    use_reference_overrides,
    write_reference_files,
)
from desktop.sync.wire import WireEvent

_log = logging.getLogger(__name__)
# One local transaction (and one fsync) per page: a first pull brings a county's whole
# history, and a bigger page is fewer commits and fewer lookups per event.
PULL_PAGE_SIZE = 20_000
SYNC_TARGET = "central"
MAX_QUARANTINE_KEPT = 200
# sync_state.extra key: the journal indexes a first pull dropped, until they are back.
BULK_INDEXES_KEY = "bulk_dropped_indexes"
CENTRAL_SCHEMA = "dengji_central"

_HORIZON = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
_WIRE_COLUMNS = (
    "seq, txid, id, entity_type, entity_id, kind, payload::text, clerk_id, counter_id,"
    " to_char(wall_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), hlc"
)
# Row-level security limits this to the counter's region (or an agency's delegations).
_PAGE = (
    f"SELECT {_WIRE_COLUMNS} FROM journal"
    " WHERE (txid, seq) > (%s, %s) AND txid < %s ORDER BY txid, seq LIMIT %s"
)
_ENTITY_HISTORY = (
    f"SELECT {_WIRE_COLUMNS} FROM journal"
    " WHERE entity_type = %s AND entity_id = ANY(%s) ORDER BY txid, seq"
)


@dataclass(frozen=True)
class PullResult:
    """What a pull did."""

    received: int  # rows read from the central
    inserted: int  # events new on this counter
    pages: int
    quarantined: int  # malformed central rows left out (kept in sync_state.extra)
    reference_tables: tuple[str, ...]  # reference tables updated


@dataclass(frozen=True)
class PullCursor:
    """Where the last pull stopped: the (txid, seq) of the last row stored."""

    txid: int
    seq: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def load_sync_state(store: Store) -> dict[str, Any]:
    """The counter's sync bookkeeping as a plain dict (empty values before the first sync)."""
    with store.session(write=False) as session:
        state = session.get(SyncState, SYNC_TARGET)
        if state is None:
            return {
                "last_pulled_central_seq": 0,
                "last_push_at": None,
                "last_pull_at": None,
                "last_error": None,
                "extra": {},
            }
        return {
            "last_pulled_central_seq": state.last_pulled_central_seq,
            "last_push_at": state.last_push_at,
            "last_pull_at": state.last_pull_at,
            "last_error": state.last_error,
            "extra": dict(state.extra or {}),
        }


def sync_state_row(session: Session) -> SyncState:
    """The sync_state row of the central target, made when missing (caller's transaction)."""
    state = session.get(SyncState, SYNC_TARGET)
    if state is None:
        state = SyncState(target=SYNC_TARGET, last_pulled_central_seq=0, extra={})
        session.add(state)
        session.flush()
    return state


def _wire(row: tuple[Any, ...]) -> tuple[int, WireEvent]:
    seq, txid, event_id, entity_type, entity_id, kind, payload, clerk, counter, wall, hlc = row
    event = WireEvent(
        event_id, entity_type, entity_id, kind, payload, clerk, counter, f"{wall}+00:00", hlc, seq
    )
    return int(txid), event


def _ingest_page(
    store: Store,
    events: list[WireEvent],
    *,
    cursor: PullCursor | None = None,
    extra_updates: dict[str, Any] | None = None,
) -> IngestResult:
    """One local transaction: the page's events, their projections, and the new cursor."""
    with store.session() as session:
        result = ingest_pulled(session, events, store.clock)
        state = sync_state_row(session)
        extra = dict(state.extra or {})
        if cursor is not None:
            state.last_pulled_central_seq = cursor.seq
            extra["pull_txid"] = cursor.txid
        if result.quarantined:
            kept = [*extra.get("quarantined", []), *map(list, result.quarantined)]
            extra["quarantined"] = kept[-MAX_QUARANTINE_KEPT:]
        extra.update(extra_updates or {})
        state.extra = extra
    return result


def _reset_if_other_central(store: Store, connection: Any) -> dict[str, Any]:
    """The stored extra; the cursor starts over when the counter now talks to another
    central database than before (the pull is idempotent, so starting over is safe)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {CENTRAL_SCHEMA}.central_id(), {CENTRAL_SCHEMA}.my_agency()")
        row = cursor.fetchone()
    central_id, agency = row if row is not None else (None, None)
    with store.session() as session:
        state = sync_state_row(session)
        extra = dict(state.extra or {})
        if extra.get("central_id") != central_id:
            state.last_pulled_central_seq = 0
            extra = {"central_id": central_id}
        extra["agency"] = agency
        state.extra = extra
    return extra


def pull(
    store: Store,
    connection: Any,
    *,
    page_size: int = PULL_PAGE_SIZE,
    after_page: Callable[[int], None] | None = None,
) -> PullResult:
    """Bring every event of the counter's scope that the central has and this counter lacks,
    then the reference data that changed. `connection`: psycopg, autocommit mode, logged in
    with the counter's role. `after_page(events received so far)` is called after each page."""
    _restore_indexes(store)  # left dropped by a first pull that was killed
    extra = _reset_if_other_central(store, connection)
    state = load_sync_state(store)
    bulk = _begin_first_pull(store)
    try:
        return _pull_pages(store, connection, extra, state, page_size, after_page)
    finally:
        if bulk:
            _restore_indexes(store)


def _begin_first_pull(store: Store) -> bool:
    """On an empty journal, drop the indexes a pull does not need (local.BULK_DROPPED_INDEXES)
    and note them in sync_state, in one transaction; whether it did."""
    with store.session(write=False) as session:
        if not journal_is_empty(session):
            return False  # the usual case: no write transaction at all
    with store.session() as session:
        if not journal_is_empty(session):
            return False
        saved = drop_bulk_indexes(session)
        state = sync_state_row(session)
        state.extra = {**(state.extra or {}), BULK_INDEXES_KEY: saved}
    return True


def _restore_indexes(store: Store) -> None:
    with store.session(write=False) as session:
        state = session.get(SyncState, SYNC_TARGET)
        if state is None or not (state.extra or {}).get(BULK_INDEXES_KEY):
            return
    with store.session() as session:
        state = sync_state_row(session)
        extra = dict(state.extra or {})
        saved = extra.pop(BULK_INDEXES_KEY, None) or {}
        restore_bulk_indexes(session, saved)
        state.extra = extra


def _pull_pages(
    store: Store,
    connection: Any,
    extra: dict[str, Any],
    state: dict[str, Any],
    page_size: int,
    after_page: Callable[[int], None] | None,
) -> PullResult:
    position = PullCursor(int(extra.get("pull_txid", 0)), int(state["last_pulled_central_seq"]))
    received = inserted = pages = quarantined = 0
    while True:
        # One page at a time with the collector paused (desktop/store/bulk_work.py: a pull of
        # 100,000 events 5.9 -> 4.6 s); it runs again between pages.
        with cyclic_gc_paused():
            with connection.cursor() as cursor:
                cursor.execute(_HORIZON)
                horizon_row = cursor.fetchone()
                assert horizon_row is not None
                horizon = int(horizon_row[0])
                cursor.execute(_PAGE, [position.txid, position.seq, horizon, page_size])
                rows = [_wire(row) for row in cursor.fetchall()]
            if not rows:
                break
            last_txid, last_event = rows[-1]
            assert last_event.central_seq is not None
            position = PullCursor(last_txid, last_event.central_seq)
            result = _ingest_page(store, [event for _txid, event in rows], cursor=position)
        received += len(rows)
        inserted += result.inserted
        quarantined += len(result.quarantined)
        pages += 1
        if after_page is not None:
            after_page(received)
        if len(rows) < page_size:
            break
    if extra.get("agency"):
        more = _pull_new_delegations(store, connection, int(extra.get("delegation_txid", 0)))
        received += more.received
        inserted += more.inserted
        quarantined += len(more.quarantined)
    downloads = fetch_changed(connection, dict(extra.get("reference_versions", {})))
    # Regions and code tables become the domain's CSV files first: killed after this and
    # before the commit below, the versions are not recorded and the next pull writes the
    # same files again (unchanged files are not rewritten).
    folder = reference_folder(store.path)
    written, problems = write_reference_files(folder, downloads)
    changed: list[str] = []
    with store.session() as session:
        changed = apply_downloads(session, downloads, problems=problems)
        row = sync_state_row(session)
        updated = dict(row.extra or {})
        versions = dict(updated.get("reference_versions", {}))
        # A table refused as a whole is downloaded again next time (the central may fix it).
        versions.update(
            {
                download.table: download.version
                for download in downloads
                if download.table not in problems or download.table == "staff_account"
            }
        )
        updated["reference_versions"] = versions
        if downloads:
            updated["reference_problems"] = {
                **{
                    table: text
                    for table, text in dict(updated.get("reference_problems", {})).items()
                    if table not in {download.table for download in downloads}
                },
                **problems,
            }
        row.extra = updated
        row.last_pull_at = _now()
    for table, text in problems.items():
        _log.warning("reference table %s: %s", table, text)
    if written or (codes.override_folder() != folder and folder.is_dir()):
        use_reference_overrides(folder)  # the domain reads the new files from now on
    return PullResult(received, inserted, pages, quarantined, (*changed, *written))


def _pull_new_delegations(store: Store, connection: Any, since_txid: int) -> IngestResult:
    """For an agency's role: the whole history of the registrations (and their persons)
    delegated to it since the last pull. Their earlier events lie behind the cursor, and the
    delegation alone made them visible to this role."""
    with connection.cursor() as cursor:
        cursor.execute(_HORIZON)
        horizon_row = cursor.fetchone()
        assert horizon_row is not None
        horizon = int(horizon_row[0])
        cursor.execute(
            f"SELECT DISTINCT entity_type, entity_id FROM {CENTRAL_SCHEMA}.delegation"
            " WHERE txid >= %s AND txid < %s",
            [since_txid, horizon],
        )
        by_type: dict[str, list[str]] = {}
        for entity_type, entity_id in cursor.fetchall():
            by_type.setdefault(str(entity_type), []).append(str(entity_id))
        events: list[WireEvent] = []
        for entity_type, entity_ids in by_type.items():
            cursor.execute(_ENTITY_HISTORY, [entity_type, entity_ids])
            events.extend(_wire(row)[1] for row in cursor.fetchall())
    return _ingest_page(store, events, extra_updates={"delegation_txid": horizon})
