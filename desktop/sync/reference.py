"""Reference data flows down only: the central's holiday table and policy/service/agency lists.

design.md "Sync": reference data is maintained centrally and copied to the counters. The
central keeps a version per table (bumped by a statement trigger, migration 0003); a counter
downloads a table again only when its version moved. A table the central has left empty is
not copied (a province that has not set up its lists yet must not wipe the counters' seeded
ones). List rows missing centrally are deactivated locally, never deleted (models: a list
printed last year must stay explainable); holidays are replaced as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from desktop.store.models import AgencyItem, HolidayEntry, PolicyItem, ServiceItem

CENTRAL_SCHEMA = "dengji_central"
# Table name → model; the same names as migration 0003's REFERENCE_TABLES.
REFERENCE_MODELS: dict[str, Any] = {
    "holiday": HolidayEntry,
    "policy_item": PolicyItem,
    "service_item": ServiceItem,
    "agency_item": AgencyItem,
}
_REPLACED_WHOLE = frozenset({"holiday"})


@dataclass(frozen=True)
class ReferenceDownload:
    """One reference table as read from the central, at one version."""

    table: str
    version: int
    rows: tuple[Mapping[str, Any], ...]


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
        for name, model in REFERENCE_MODELS.items():
            version = versions.get(name)
            if version is None or known_versions.get(name) == version:
                continue
            table = cast(Table, model.__table__)
            columns = [column.key for column in table.columns]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY 1")
            rows = tuple(dict(zip(columns, row, strict=True)) for row in cursor.fetchall())
            downloads.append(ReferenceDownload(name, version, rows))
    return downloads


def apply_downloads(session: Session, downloads: list[ReferenceDownload]) -> list[str]:
    """Write the downloaded tables into the local database (caller's transaction); the names
    of the tables changed."""
    changed: list[str] = []
    for download in downloads:
        if not download.rows:
            continue
        table = cast(Table, REFERENCE_MODELS[download.table].__table__)
        connection = session.connection()
        if download.table in _REPLACED_WHOLE:
            connection.execute(delete(table))
            connection.execute(insert(table), [dict(row) for row in download.rows])
        else:
            local_ids = set(connection.execute(select(table.c.id)).scalars())
            central_ids = {row["id"] for row in download.rows}
            new_rows = [dict(row) for row in download.rows if row["id"] not in local_ids]
            if new_rows:
                connection.execute(insert(table), new_rows)
            for row in download.rows:
                if row["id"] in local_ids:
                    values = {key: value for key, value in row.items() if key != "id"}
                    connection.execute(
                        update(table).where(table.c.id == row["id"]).values(**values)
                    )
            retired = local_ids - central_ids
            if retired:
                connection.execute(
                    update(table).where(table.c.id.in_(retired)).values(active=False)
                )
        changed.append(download.table)
    session.expire_all()
    return changed
