"""Reference data flows down only: holidays, lists, delegations, exchange tables, 低保 standards.

design.md "Sync": reference data is maintained centrally and copied to the counters. The
central keeps a version per table (bumped by a statement trigger, migrations 0003 and 0007);
a counter downloads a table again only when its version moved. A table the central has left
empty is not copied (a province that has not set up its lists yet must not wipe the counters'
seeded ones). How a downloaded table meets the local one depends on what it is:

- holiday, minimum_living_standard: the central's table replaces the local one;
- policy_item, service_item, agency_item: merged by id; rows missing centrally are
  deactivated, never deleted (models: a list printed last year must stay explainable);
- agency_delegation: merged by id, only the counter's own county (a revocation comes down as
  `revoked`); delegations recorded at this counter and not (yet) central are kept;
- xref_batch, xref_record: replaced source by source (an import replaces the rows of its
  source, desktop/services/verification.py); a source only imported at this counter stays.

Staff accounts do not come down (docs/sync.md "Reference data"): they are local per counter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from desktop.store.models import (
    AgencyDelegation,
    AgencyItem,
    HolidayEntry,
    MinimumLivingStandard,
    PolicyItem,
    ServiceItem,
    XrefBatch,
    XrefRecord,
)

CENTRAL_SCHEMA = "dengji_central"
# Table name → model; the names of migration 0003's REFERENCE_TABLES and 0007's
# MORE_REFERENCE_TABLES. xref_batch comes before xref_record (its rows name their batch).
REFERENCE_MODELS: dict[str, Any] = {
    "holiday": HolidayEntry,
    "policy_item": PolicyItem,
    "service_item": ServiceItem,
    "agency_item": AgencyItem,
    "agency_delegation": AgencyDelegation,
    "minimum_living_standard": MinimumLivingStandard,
    "xref_batch": XrefBatch,
    "xref_record": XrefRecord,
}
# Rows a counter needs of a table, when not all of them: its own county's delegations.
_ROW_FILTERS = {"agency_delegation": f"region_code = {CENTRAL_SCHEMA}.my_region()"}
# Tables downloaded together: a new import changes both, and records need their batch.
_DOWNLOADED_TOGETHER = (frozenset({"xref_batch", "xref_record"}),)
# Local ids of these tables are SQLite's own numbers: central rows get new ones.
_LOCAL_INTEGER_IDS = frozenset({"xref_record"})


@dataclass(frozen=True)
class ReferenceDownload:
    """One reference table as read from the central, at one version."""

    table: str
    version: int
    rows: tuple[Mapping[str, Any], ...]


def _changed_tables(versions: Mapping[str, int], known: Mapping[str, int]) -> list[str]:
    changed = {
        name
        for name in REFERENCE_MODELS
        if versions.get(name) is not None and known.get(name) != versions[name]
    }
    for group in _DOWNLOADED_TOGETHER:
        if changed & group:
            changed |= {name for name in group if versions.get(name) is not None}
    return [name for name in REFERENCE_MODELS if name in changed]


def fetch_changed(connection: Any, known_versions: Mapping[str, int]) -> list[ReferenceDownload]:
    """Read, in one snapshot, every reference table whose central version differs from
    `known_versions` (a psycopg connection in autocommit mode)."""
    downloads: list[ReferenceDownload] = []
    # REPEATABLE READ: the versions and the rows come from the same moment, so a version is
    # never recorded for rows older than it.
    with (
        connection.transaction(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute(f"SELECT table_name, version FROM {CENTRAL_SCHEMA}.reference_version")
        versions = {str(name): int(version) for name, version in cursor.fetchall()}
        for name in _changed_tables(versions, known_versions):
            table = cast(Table, REFERENCE_MODELS[name].__table__)
            columns = [column.key for column in table.columns]
            where = f" WHERE {_ROW_FILTERS[name]}" if name in _ROW_FILTERS else ""
            cursor.execute(f"SELECT {', '.join(columns)} FROM {name}{where} ORDER BY 1")
            rows = tuple(dict(zip(columns, row, strict=True)) for row in cursor.fetchall())
            downloads.append(ReferenceDownload(name, versions[name], rows))
    return downloads


def _replace_whole(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    connection.execute(delete(table))
    connection.execute(insert(table), [dict(row) for row in rows])


def _merge(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    retire_missing: bool,
) -> None:
    local_ids = set(connection.execute(select(table.c.id)).scalars())
    central_ids = {row["id"] for row in rows}
    new_rows = [dict(row) for row in rows if row["id"] not in local_ids]
    if new_rows:
        connection.execute(insert(table), new_rows)
    for row in rows:
        if row["id"] in local_ids:
            values = {key: value for key, value in row.items() if key != "id"}
            connection.execute(update(table).where(table.c.id == row["id"]).values(**values))
    retired = local_ids - central_ids
    if retire_missing and retired:
        connection.execute(update(table).where(table.c.id.in_(retired)).values(active=False))


def _replace_by_source(
    connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    sources = {row["source"] for row in rows}
    connection.execute(delete(table).where(table.c.source.in_(sources)))
    if table.name in _LOCAL_INTEGER_IDS:
        rows = [{key: value for key, value in row.items() if key != "id"} for row in rows]
    connection.execute(insert(table), [dict(row) for row in rows])


_Apply = Callable[[Connection, Table, Sequence[Mapping[str, Any]]], None]
_APPLY: dict[str, _Apply] = {
    "holiday": _replace_whole,
    "minimum_living_standard": _replace_whole,
    "policy_item": lambda c, t, r: _merge(c, t, r, retire_missing=True),
    "service_item": lambda c, t, r: _merge(c, t, r, retire_missing=True),
    "agency_item": lambda c, t, r: _merge(c, t, r, retire_missing=True),
    "agency_delegation": lambda c, t, r: _merge(c, t, r, retire_missing=False),
    "xref_batch": _replace_by_source,
    "xref_record": _replace_by_source,
}


def apply_downloads(session: Session, downloads: list[ReferenceDownload]) -> list[str]:
    """Write the downloaded tables into the local database (caller's transaction); the names
    of the tables changed."""
    changed: list[str] = []
    connection = session.connection()
    for download in downloads:
        if not download.rows:
            continue
        table = cast(Table, REFERENCE_MODELS[download.table].__table__)
        _APPLY[download.table](connection, table, download.rows)
        changed.append(download.table)
    session.expire_all()
    return changed
