"""Administration of the central database: `central init`, `add-counter` and staff accounts.

The schema is the counters' own (Alembic migrations 0001…), plus the central-only structures of
migration 0003 (scope columns, arrival numbers, the counters' group role, row-level security),
which only `init` asks for. Each counter then gets its own LOGIN role in that group; its
password is generated here, stored as a SCRAM verifier (the server never sees it in clear) and
handed to the counter's keyring by the caller.

`init` also seeds the regions and code tables (migration 0010) from the shipped CSVs when they
are empty; afterwards the province maintains them centrally and counters download them.
Staff accounts provisioned here (`add-account`) come down to the counters of their county;
their Argon2id hash is made by the caller (desktop.services.accounts), never here.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.domain.roles import Role
from desktop.sync.connection import (
    CentralAddress,
    build_url,
    connect,
    connect_parameters,
    parse_central_url,
    require_tls,
)
from desktop.sync.errors import CentralConfigError, CentralRefusedError, unreachable

CENTRAL_SCHEMA = "dengji_central"
MAX_COUNTER_NUMBER = 999  # three digits of the registration number (registration.py)
# Server-side limits of a counter's session: an abandoned transaction (a counter PC switched
# off mid-push) must not hold locks, or the pull horizon, for long.
COUNTER_ROLE_SETTINGS = {
    "idle_in_transaction_session_timeout": "60s",
    "statement_timeout": "300s",
}
COUNTER_CONNECTION_LIMIT = 4
_REGION = re.compile(r"\d{6}")
_AGENCY = re.compile(r"[A-Za-z0-9_.-]{1,64}")


@dataclass(frozen=True)
class CentralInfo:
    """What `central init` set up."""

    where: str
    revision: str
    central_id: str
    counter_group: str


@dataclass(frozen=True)
class CounterAccount:
    """A counter's account on the central database, as `add-counter` created it."""

    counter_id: str
    counter_number: int
    region_code: str
    agency_id: str | None
    name: str
    role_name: str
    password: str
    url: str  # the counter's central URL: its role, no password, TLS rule applied


def _admin_address(url: str) -> CentralAddress:
    return require_tls(parse_central_url(url))


def init_central(url: str) -> CentralInfo:
    """Bring the central database at `url` (an administrator's URL) to the current schema
    with its central-only structures; safe to run again after an upgrade of dengji."""
    from alembic import command
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    from desktop.store.db import HEAD_REVISION, alembic_config

    address = _admin_address(url)
    parameters = connect_parameters(address, None, application_name="dengji-central-init")
    engine = create_engine("postgresql+psycopg://", connect_args=parameters)
    try:
        with engine.begin() as connection:
            _refuse_a_plain_copy_of_the_schema(connection, address)
            config = alembic_config(connection)
            config.attributes["dengji_central"] = True
            command.upgrade(config, "head")
            _seed_regions_and_code_tables(connection)
            central_id = connection.execute(
                text(f"SELECT value FROM {CENTRAL_SCHEMA}.setting WHERE key = 'central_id'")
            ).scalar_one()
            group = connection.execute(
                text(f"SELECT value FROM {CENTRAL_SCHEMA}.setting WHERE key = 'counter_group'")
            ).scalar_one()
    except DBAPIError as error:
        if error.connection_invalidated or _is_connection_error(error.orig):
            raise unreachable(address.where(), str(error.orig)) from error
        raise CentralRefusedError(f"初始化中心数据库失败：{_first_line(error.orig)}") from error
    finally:
        engine.dispose()
    return CentralInfo(address.where(), HEAD_REVISION, str(central_id), str(group))


def _seed_regions_and_code_tables(connection: Any) -> None:
    """Fill region and code_item from the shipped CSVs when they are empty (a first init, or
    the init that brought migration 0010); a later init never overwrites the province's
    edits."""
    import json

    from sqlalchemy import text

    from desktop.domain import codes, regions

    if connection.execute(text("SELECT NOT EXISTS (SELECT 1 FROM region)")).scalar():
        rows = regions.parse_region_rows(regions.bundled_regions_text())
        connection.execute(
            text(
                "INSERT INTO region (code, name, level, parent_code, valid_from_year,"
                " valid_to_year, note) VALUES (:code, :name, :level, :parent, :valid_from,"
                " :valid_to, :note)"
            ),
            [
                {
                    "code": row.code,
                    "name": row.name,
                    "level": row.level,
                    "parent": row.parent,
                    "valid_from": row.valid_from_year,
                    "valid_to": row.valid_to_year,
                    "note": row.note,
                }
                for row in rows
            ],
        )
    if connection.execute(text("SELECT NOT EXISTS (SELECT 1 FROM code_item)")).scalar():
        items: list[dict[str, Any]] = []
        for name in codes.TABLE_NAMES:
            table = codes.parse_code_table(name, codes.bundled_code_table_text(name))
            for order, item in enumerate(table.items(), start=1):
                items.append(
                    {
                        "table": name,
                        "code": item.code,
                        "label": item.label,
                        "parent": item.parent,
                        "extra": json.dumps(dict(item.extra), ensure_ascii=False),
                        "order": order,
                    }
                )
        connection.execute(
            text(
                "INSERT INTO code_item (code_table, code, label, parent_code, extra, sort_order)"
                " VALUES (:table, :code, :label, :parent, CAST(:extra AS jsonb), :order)"
            ),
            items,
        )


# Revisions before the central structures (migration 0003): a database at one of these (or
# empty) can still become the central one; past them without the structures, it cannot.
_BEFORE_CENTRAL = (None, "0001", "0002")


def _refuse_a_plain_copy_of_the_schema(connection: Any, address: CentralAddress) -> None:
    """A database already upgraded past 0003 as a plain copy of the schema (no central
    structures) would stay without them: Alembic does not run a migration twice."""
    from sqlalchemy import text

    central = connection.execute(
        text("SELECT to_regnamespace(:name)"), {"name": CENTRAL_SCHEMA}
    ).scalar()
    versioned = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    revision = (
        connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if versioned is not None
        else None
    )
    if central is None and revision not in _BEFORE_CENTRAL:
        raise CentralConfigError(
            f"数据库 {address.where()} 已按普通结构建立（版本 {revision}），"
            "不能再改为中心数据库；请在新建的空数据库上执行 dengji central init"
        )


def _is_connection_error(error: Any) -> bool:
    import psycopg

    return isinstance(error, psycopg.OperationalError) and not isinstance(
        error, psycopg.errors.QueryCanceled
    )


def _first_line(error: Any) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def scram_sha256_verifier(password: str, *, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677), so that
    CREATE ROLE … PASSWORD never carries the password itself into the server's logs."""
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _check_counter_fields(region_code: str, name: str, agency_id: str | None) -> None:
    if not _REGION.fullmatch(region_code or ""):
        raise CentralConfigError(f"行政区划代码应为6位数字，现为「{region_code}」")
    if not name.strip() or len(name.strip()) > 100:
        raise CentralConfigError("窗口名称不能为空，且不超过100个字")
    if agency_id is not None and not _AGENCY.fullmatch(agency_id):
        raise CentralConfigError(
            f"机构编号只能包含字母、数字、点、下划线和连字符（不超过64个），现为「{agency_id}」"
        )


def add_counter(
    url: str, *, region_code: str, name: str, agency_id: str | None = None
) -> CounterAccount:
    """Create a counter's LOGIN role (member of the central's counter group) and its account
    row: the next free counter number of the region, a random password."""
    import psycopg
    from psycopg import sql

    _check_counter_fields(region_code, name, agency_id)
    address = _admin_address(url)
    password = secrets.token_urlsafe(24)
    connection = connect(address, None, application_name="dengji-central-admin")
    try:
        with connection.transaction(), connection.cursor() as cursor:
            cursor.execute("SELECT to_regnamespace(%s)", [CENTRAL_SCHEMA])
            row = cursor.fetchone()
            if row is None or row[0] is None:
                raise CentralConfigError(
                    f"中心数据库 {address.where()} 尚未初始化，请先执行 dengji central init"
                )
            cursor.execute(
                f"SELECT value FROM {CENTRAL_SCHEMA}.setting WHERE key = 'counter_group'"
            )
            group = str(_one(cursor))
            # Two administrators adding counters at once must not pick the same number.
            cursor.execute(f"LOCK TABLE {CENTRAL_SCHEMA}.counter_account IN EXCLUSIVE MODE")
            cursor.execute(
                f"SELECT coalesce(max(counter_number), 0) + 1"
                f" FROM {CENTRAL_SCHEMA}.counter_account WHERE region_code = %s",
                [region_code],
            )
            number = int(_one(cursor))
            if number > MAX_COUNTER_NUMBER:
                raise CentralConfigError(f"行政区划 {region_code} 的窗口已满（最多999个）")
            counter_id = f"{region_code}-{number:03d}"
            role_name = f"{group.removesuffix('_counters')}_{region_code}_{number:03d}"
            role = sql.Identifier(role_name)
            cursor.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN INHERIT CONNECTION LIMIT {} PASSWORD {} IN ROLE {}"
                ).format(
                    role,
                    sql.Literal(COUNTER_CONNECTION_LIMIT),
                    sql.Literal(scram_sha256_verifier(password)),
                    sql.Identifier(group),
                )
            )
            for setting, value in COUNTER_ROLE_SETTINGS.items():
                cursor.execute(
                    sql.SQL("ALTER ROLE {} SET {} = {}").format(
                        role, sql.Identifier(setting), sql.Literal(value)
                    )
                )
            cursor.execute(
                f"INSERT INTO {CENTRAL_SCHEMA}.counter_account"
                " (role_name, counter_id, counter_number, region_code, agency_id, name)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                [role_name, counter_id, number, region_code, agency_id, name.strip()],
            )
    except psycopg.OperationalError as error:
        raise unreachable(address.where(), str(error)) from error
    except psycopg.Error as error:
        raise CentralRefusedError(f"开通窗口账号失败：{_first_line(error)}") from error
    finally:
        connection.close()
    return CounterAccount(
        counter_id=counter_id,
        counter_number=number,
        region_code=region_code,
        agency_id=agency_id,
        name=name.strip(),
        role_name=role_name,
        password=password,
        url=build_url(address.with_user(role_name)),
    )


def _one(cursor: Any) -> Any:
    row = cursor.fetchone()
    assert row is not None
    return row[0]


def write_counter_config(
    path: Path, account: CounterAccount, *, database_path: Path | None = None
) -> None:
    """Write (or update, keeping every other key and comment) the counter's TOML file:
    counter id, number, name, region, agency, local database path, central URL. The password
    is not written here: it goes to the keyring (desktop.sync.credentials)."""
    import tomlkit

    from desktop.config import ConfigError

    try:
        document = (
            tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
        )
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as error:
        raise ConfigError(f"配置文件无法读取：{path}（{error}）") from error
    if not path.exists():
        document.add(tomlkit.comment("dengji 窗口配置（由 dengji central add-counter 写入）"))
    document["demo"] = False
    counter = document.get("counter") or tomlkit.table()
    counter["id"] = account.counter_id
    counter["name"] = account.name
    counter["number"] = account.counter_number
    counter["region"] = account.region_code
    if account.agency_id:
        counter["agency"] = account.agency_id
    elif "agency" in counter:
        del counter["agency"]
    document["counter"] = counter
    if database_path is not None:
        database = document.get("database") or tomlkit.table()
        database["path"] = str(database_path)
        document["database"] = database
    central = document.get("central") or tomlkit.table()
    central["url"] = account.url
    document["central"] = central
    _replace_file(path, tomlkit.dumps(document))


def _replace_file(path: Path, content: str) -> None:
    """Write `path` in one step: a crash leaves the old file or the new, never half of one."""
    from desktop.config import ConfigError

    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".dengji-", suffix=".toml", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(content)
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        else:
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a service account
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise ConfigError(f"配置文件无法写入：{path}（{error.strerror or error}）") from error
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


# --------------------------------------------------------------------------- staff accounts

_ROLE_VALUES = frozenset(role.value for role in Role)


@dataclass(frozen=True)
class StaffAccount:
    """A staff account provisioned on the central database for the counters of a county."""

    id: str
    username: str
    display_name: str
    region_code: str
    roles: tuple[str, ...]
    agency_id: str | None
    active: bool


def _check_staff_fields(region_code: str, password_hash: str, roles: tuple[str, ...]) -> None:
    if not _REGION.fullmatch(region_code or ""):
        raise CentralConfigError(f"行政区划代码应为6位数字，现为「{region_code}」")
    if not password_hash.startswith("$argon2id$"):
        # The counters verify with Argon2id (desktop/services/accounts.py); anything else
        # would be a password nobody could sign in with, or a weaker hash on every counter.
        raise CentralConfigError("密码须以 Argon2id 散列保存（由 dengji 生成），不能直接写入")
    unknown = [role for role in roles if role not in _ROLE_VALUES]
    if not roles or unknown:
        raise CentralConfigError(f"角色无效：{'、'.join(unknown) or '未指定角色'}")


def _staff_connection(url: str) -> tuple[Any, CentralAddress]:
    address = _admin_address(url)
    connection = connect(address, None, application_name="dengji-central-admin")
    return connection, address


def _require_central(cursor: Any, address: CentralAddress) -> None:
    cursor.execute("SELECT to_regclass(%s)", [f"{CENTRAL_SCHEMA}.staff_account"])
    row = cursor.fetchone()
    if row is None or row[0] is None:
        raise CentralConfigError(
            f"中心数据库 {address.where()} 尚未初始化或版本过旧，请先执行 dengji central init"
        )


def add_staff_account(
    url: str,
    *,
    region_code: str,
    username: str,
    display_name: str,
    password_hash: str,
    roles: tuple[str, ...],
    agency_id: str | None = None,
) -> StaffAccount:
    """Provision a staff account for the counters of `region_code` (an agency's staff:
    `agency_id`, and only that agency's counters get it). The fields come checked and the
    password hashed from desktop.services.accounts.prepare_central_account."""
    import psycopg

    _check_staff_fields(region_code, password_hash, roles)
    if agency_id is not None and not _AGENCY.fullmatch(agency_id):
        raise CentralConfigError(
            f"机构编号只能包含字母、数字、点、下划线和连字符（不超过64个），现为「{agency_id}」"
        )
    connection, address = _staff_connection(url)
    try:
        with connection.transaction(), connection.cursor() as cursor:
            _require_central(cursor, address)
            cursor.execute(
                f"INSERT INTO {CENTRAL_SCHEMA}.staff_account"
                " (username, display_name, password_hash, roles, region_code, agency_id)"
                " VALUES (%s, %s, %s, %s::jsonb, %s, %s) RETURNING id",
                [
                    username,
                    display_name,
                    password_hash,
                    _json_list(roles),
                    region_code,
                    agency_id,
                ],
            )
            account_id = str(_one(cursor))
    except psycopg.errors.UniqueViolation as error:
        raise CentralRefusedError(f"用户名「{username}」已被使用（全省唯一）") from error
    except psycopg.OperationalError as error:
        raise unreachable(address.where(), str(error)) from error
    except psycopg.Error as error:
        raise CentralRefusedError(f"开通人员账户失败：{_first_line(error)}") from error
    finally:
        connection.close()
    return StaffAccount(
        account_id, username, display_name, region_code, tuple(roles), agency_id, True
    )


def _json_list(values: tuple[str, ...]) -> str:
    import json

    return json.dumps(list(values))


def _update_staff_account(url: str, username: str, assignments: str, values: list[Any]) -> None:
    import psycopg

    connection, address = _staff_connection(url)
    try:
        with connection.transaction(), connection.cursor() as cursor:
            _require_central(cursor, address)
            cursor.execute(
                f"UPDATE {CENTRAL_SCHEMA}.staff_account SET {assignments}, changed_at = now()"
                " WHERE username = %s",
                [*values, username],
            )
            if cursor.rowcount == 0:
                raise CentralConfigError(f"中心数据库中没有用户名为「{username}」的人员账户")
    except psycopg.OperationalError as error:
        raise unreachable(address.where(), str(error)) from error
    except psycopg.Error as error:
        raise CentralRefusedError(f"修改人员账户失败：{_first_line(error)}") from error
    finally:
        connection.close()


def set_staff_account_active(url: str, username: str, *, active: bool) -> None:
    """Switch a central staff account off (or on again); every counter of its county follows
    at its next sync."""
    _update_staff_account(url, username, "active = %s", [active])


def reset_staff_password(url: str, username: str, password_hash: str) -> None:
    """Give a central staff account a new password (its Argon2id hash); every counter of its
    county takes it, and lifts its local lock, at the next sync."""
    if not password_hash.startswith("$argon2id$"):
        raise CentralConfigError("密码须以 Argon2id 散列保存（由 dengji 生成），不能直接写入")
    _update_staff_account(
        url, username, "password_hash = %s, password_changed_at = now()", [password_hash]
    )
