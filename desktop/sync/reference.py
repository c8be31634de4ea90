"""Reference data flows down only: lists, regions, code tables, staff accounts and the rest.

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
  source, desktop/services/verification.py); a source only imported at this counter stays;
- region, code_item (migration 0010): no local table. The plain-Python domain
  (desktop/domain/regions.py, codes.py) reads CSV files, so the sync checks each downloaded
  table with the domain's own parser and writes it, atomically, as an override file into the
  counter's reference folder next to its database; the domain prefers it to the shipped CSV;
- staff_account (0010): the county's centrally provisioned accounts, merged into `account`
  by id with origin "central"; the lockout counters stay local; an account missing centrally
  is deactivated, never deleted (its journal events name it); a local account is never
  touched (docs/security.md "Centrally managed accounts").
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import logging
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from desktop.domain import codes, regions
from desktop.domain.errors import DomainError
from desktop.store.models import (
    Account,
    AgencyDelegation,
    AgencyItem,
    HolidayEntry,
    MinimumLivingStandard,
    PolicyItem,
    ServiceItem,
    XrefBatch,
    XrefRecord,
)

_log = logging.getLogger(__name__)
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
# Migration 0010's tables. region and code_item have no local table: they become CSV files the
# domain reads (FILE_TABLES); staff_account is merged into the local `account` table.
FILE_TABLES: dict[str, tuple[str, ...]] = {
    "region": (
        "code",
        "name",
        "level",
        "parent_code",
        "valid_from_year",
        "valid_to_year",
        "note",
    ),
    "code_item": ("code_table", "code", "label", "parent_code", "extra", "sort_order", "active"),
}
STAFF_ACCOUNT_COLUMNS = (
    "id",
    "username",
    "display_name",
    "password_hash",
    "roles",
    "agency_id",
    "active",
    "password_changed_at",
    "created_at",
)
# Every reference table in download order (the model tables first, as before 0010).
REFERENCE_TABLES: tuple[str, ...] = (*REFERENCE_MODELS, *FILE_TABLES, "staff_account")
_QUALIFIED = {"staff_account": f"{CENTRAL_SCHEMA}.staff_account"}
_ORDER = {
    "region": "code, valid_from_year NULLS FIRST",
    "code_item": "code_table, sort_order, code",
}
# Rows a counter needs of a table, when not all of them: its own county's delegations; its own
# county's staff (an agency's role: its agency's). Row-level security says the same for the
# counters' roles; the filter keeps an administrator's fetch (tests, tools) to one counter.
_ROW_FILTERS = {
    "agency_delegation": f"region_code = {CENTRAL_SCHEMA}.my_region()",
    "staff_account": f"region_code = {CENTRAL_SCHEMA}.my_region()"
    f" AND agency_id IS NOT DISTINCT FROM {CENTRAL_SCHEMA}.my_agency()",
}
# Downloaded even when empty: a county whose last central account went must lose it locally.
_EMPTY_IS_MEANINGFUL = frozenset({"staff_account"})
ACCOUNT_ORIGIN_CENTRAL = "central"
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
        for name in REFERENCE_TABLES
        if versions.get(name) is not None and known.get(name) != versions[name]
    }
    for group in _DOWNLOADED_TOGETHER:
        if changed & group:
            changed |= {name for name in group if versions.get(name) is not None}
    return [name for name in REFERENCE_TABLES if name in changed]


def _columns(name: str) -> list[str]:
    if name in FILE_TABLES:
        return list(FILE_TABLES[name])
    if name == "staff_account":
        return list(STAFF_ACCOUNT_COLUMNS)
    table = cast(Table, REFERENCE_MODELS[name].__table__)
    return [column.key for column in table.columns]


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
            columns = _columns(name)
            where = f" WHERE {_ROW_FILTERS[name]}" if name in _ROW_FILTERS else ""
            source = _QUALIFIED.get(name, name)
            order = _ORDER.get(name, "1")
            cursor.execute(f"SELECT {', '.join(columns)} FROM {source}{where} ORDER BY {order}")
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


def apply_downloads(
    session: Session,
    downloads: list[ReferenceDownload],
    *,
    problems: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> list[str]:
    """Write the downloaded tables that have a local table into the local database (caller's
    transaction; the file tables are write_reference_files's); the names of the tables
    changed. What could not be applied is described in `problems` (table → Chinese text)."""
    changed: list[str] = []
    connection = session.connection()
    for download in downloads:
        if download.table in FILE_TABLES:
            continue
        if download.table == "staff_account":
            refused = _merge_staff_accounts(connection, download.rows, now or _now())
            if refused and problems is not None:
                problems["staff_account"] = "；".join(refused)
            changed.append(download.table)
            continue
        if not download.rows:
            continue
        table = cast(Table, REFERENCE_MODELS[download.table].__table__)
        _APPLY[download.table](connection, table, download.rows)
        changed.append(download.table)
    session.expire_all()
    return changed


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- staff accounts


def _merge_staff_accounts(
    connection: Connection, rows: Sequence[Mapping[str, Any]], now: dt.datetime
) -> list[str]:
    """Merge the county's central accounts into `account`; the refusals, in Chinese.

    Only rows of origin "central" are ever changed. A password that changed centrally (a
    reset) replaces the local hash and lifts a local lock; otherwise failed_attempts,
    locked_until and last_login_at are this counter's and stay as they are.
    """
    table = cast(Table, Account.__table__)
    local = {
        row.id: row
        for row in connection.execute(
            select(table.c.id, table.c.username, table.c.origin, table.c.password_hash)
        )
    }
    owner_of_name = {row.username: row.id for row in local.values()}
    refused: list[str] = []
    central_ids: set[str] = set()
    for row in rows:
        account_id, username = str(row["id"]), str(row["username"])
        central_ids.add(account_id)
        values = {
            "username": username,
            "display_name": row["display_name"],
            "roles": list(row["roles"] or []),
            "agency_id": row["agency_id"],
            "active": bool(row["active"]),
            # The password of a central account is changed centrally only (a counter cannot
            # push it up), so a forced change at the counter could never be done.
            "must_change_password": False,
        }
        owner = owner_of_name.get(username)
        if owner is not None and owner != account_id:
            # A local account of the same name keeps it: nothing local is ever overwritten.
            refused.append(f"中心账户「{username}」与本窗口已有的账户同名，未下发，请管理员处理")
            continue
        existing = local.get(account_id)
        if existing is None:
            connection.execute(
                insert(table).values(
                    id=account_id,
                    password_hash=row["password_hash"],
                    failed_attempts=0,
                    locked_until=None,
                    demo=False,
                    created_at=row["created_at"] or now,
                    password_changed_at=row["password_changed_at"],
                    last_login_at=None,
                    origin=ACCOUNT_ORIGIN_CENTRAL,
                    **values,
                )
            )
            owner_of_name[username] = account_id
            continue
        if existing.origin != ACCOUNT_ORIGIN_CENTRAL:
            refused.append(f"中心账户「{username}」与本窗口的本地账户编号相同，未下发")
            continue
        if existing.password_hash != row["password_hash"]:
            values.update(
                password_hash=row["password_hash"],
                password_changed_at=row["password_changed_at"],
                failed_attempts=0,
                locked_until=None,
            )
        connection.execute(update(table).where(table.c.id == account_id).values(**values))
        owner_of_name.pop(existing.username, None)
        owner_of_name[username] = account_id
    gone = [
        account_id
        for account_id, row in local.items()
        if row.origin == ACCOUNT_ORIGIN_CENTRAL and account_id not in central_ids
    ]
    if gone:
        # Deleted centrally or moved to another county: switched off here, never deleted.
        connection.execute(update(table).where(table.c.id.in_(gone)).values(active=False))
    return refused


# --------------------------------------------------------------------------- regions, code tables


def reference_folder(database_path: Path) -> Path:
    """Where this counter keeps the downloaded regions and code tables as CSV files: next to
    its database, one folder per database ("dengji.sqlite3" → "dengji-reference")."""
    return database_path.parent / f"{database_path.stem}-reference"


def use_reference_overrides(folder: Path | None) -> None:
    """Point the domain's loaders at `folder` (None: shipped CSVs only) and drop what they
    had loaded, so the next look-up reads the downloaded tables."""
    codes.use_override_folder(folder)
    regions.use_override_folder(folder)


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if value is None else str(value) for value in row] for row in rows)
    return buffer.getvalue()


def regions_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """The central's region rows in the layout of desktop/domain/data/regions.csv."""
    header = ("code", "name", "level", "parent", "valid_from_year", "valid_to_year", "note")
    return _csv_text(
        header,
        [
            (
                row["code"],
                row["name"],
                row["level"],
                row["parent_code"],
                row["valid_from_year"],
                row["valid_to_year"],
                row["note"],
            )
            for row in rows
        ],
    )


def code_tables_csv(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The central's code_item rows as one CSV text per code table codes.py knows, in the
    layout of its shipped files (code,label,parent,<other columns>,active)."""
    by_table: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_table.setdefault(str(row["code_table"]), []).append(row)
    texts: dict[str, str] = {}
    for name, items in by_table.items():
        if name not in codes.TABLE_NAMES:
            continue  # a table a newer dengji knows: nothing here reads it
        extra_columns: list[str] = []
        for item in items:
            for key in item["extra"] or {}:
                if key not in extra_columns and key not in ("code", "label", "parent", "active"):
                    extra_columns.append(key)
        header = ("code", "label", "parent", *extra_columns, "active")
        texts[name] = _csv_text(
            header,
            [
                (
                    item["code"],
                    item["label"],
                    item["parent_code"],
                    *((item["extra"] or {}).get(key) for key in extra_columns),
                    "1" if item["active"] else "0",
                )
                for item in items
            ],
        )
    return texts


def _write_atomically(path: Path, text: str) -> bool:
    """Replace `path` with `text` in one step; False when it already holds exactly that."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    handle, temporary = tempfile.mkstemp(prefix=".dengji-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return True


# What a table means, without its file's layout: a download equal to what the counter already
# uses (the shipped file, or its earlier download) writes nothing and changes nothing.
def _code_content(name: str, text: str) -> list[tuple[Any, ...]]:
    table = codes.parse_code_table(name, text)
    everything = [table.get(item) for item in _codes_in_order(text)]
    return [
        (item.code, item.label, item.parent, dict(item.extra), item.active)
        for item in everything
        if item is not None
    ]


def _codes_in_order(text: str) -> list[str]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    next(reader, None)
    return [row[0].strip() for row in reader if row and row[0].strip()]


def _current_code_content(folder: Path, name: str) -> list[tuple[Any, ...]] | None:
    path = folder / f"{name}.csv"
    try:
        return _code_content(name, path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _code_content(name, codes.bundled_code_table_text(name))
    except (OSError, UnicodeDecodeError, DomainError):
        return None  # damaged: rewrite it


def _region_content(text: str) -> list[regions.Region]:
    return sorted(
        regions.parse_region_rows(text),
        key=lambda row: (row.code, row.valid_from_year or 0, row.name),
    )


def _current_region_content(folder: Path) -> list[regions.Region] | None:
    try:
        return _region_content((folder / regions.REGIONS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _region_content(regions.bundled_regions_text())
    except (OSError, UnicodeDecodeError, DomainError):
        return None


def write_reference_files(
    folder: Path, downloads: Sequence[ReferenceDownload]
) -> tuple[list[str], dict[str, str]]:
    """Write the downloaded region and code tables into `folder` as override CSV files,
    each checked first with the domain's own parser (a table it would refuse is not written:
    the counter keeps what it had, and the problem is returned, table → Chinese text).
    Returns (the tables whose files changed, the problems)."""
    changed: list[str] = []
    problems: dict[str, str] = {}
    files: dict[str, dict[str, str]] = {}
    for download in downloads:
        if download.table not in FILE_TABLES or not download.rows:
            continue  # a table the central has left empty is not copied
        try:
            if download.table == "region":
                text = regions_csv(download.rows)
                rows = _region_content(text)
                if rows != _current_region_content(folder):
                    files[download.table] = {regions.REGIONS_FILE: text}
            else:
                texts = code_tables_csv(download.rows)
                differing = {}
                for name, text in texts.items():
                    if _code_content(name, text) != _current_code_content(folder, name):
                        differing[f"{name}.csv"] = text
                if differing:
                    files[download.table] = differing
        except DomainError as error:
            problems[download.table] = f"中心下发的参考数据有误，未采用：{error.message}"
            _log.warning("reference table %s refused: %s", download.table, error.message)
    if not files:
        return changed, problems
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for table, texts in files.items():
            wrote = [
                _write_atomically(folder / file_name, text) for file_name, text in texts.items()
            ]
            if any(wrote):
                changed.append(table)
    except OSError as error:
        for table in files:
            problems.setdefault(
                table, f"参考数据文件无法写入：{folder}（{error.strerror or error}）"
            )
    return changed, problems
