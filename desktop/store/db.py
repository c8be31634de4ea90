"""Opening the local SQLite database: lock, integrity check, PRAGMAs, migrations, clock."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
import sys
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, create_engine, event, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from desktop.store.errors import (
    CorruptDatabaseError,
    DatabaseInUseError,
    SchemaTooNewError,
    StoreError,
)
from desktop.store.file_protection import (
    create_private_file,
    make_private_folder,
    protect_database_files,
)
from desktop.store.hlc import HybridLogicalClock, is_valid_node_id
from desktop.store.integrity import register_chain_function
from desktop.store.models import Event, Setting

_log = logging.getLogger(__name__)

# The newest migration in desktop/store/migrations/versions, and every older one. Start-up
# compares alembic_version with these in plain SQL and imports Alembic (≈0.1 s) only when the
# database is behind. tests/desktop/store/test_migrations.py checks them against the scripts.
HEAD_REVISION = "0011"
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
)

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
BUSY_TIMEOUT_MS = 5000
PAGE_CACHE_KIB = 64 * 1024

# Below this size PRAGMA quick_check costs about 10 ms (1.4 ms per MB), so it runs at every
# start; above it, only after a session that did not close cleanly (crash, power cut, kill).
ALWAYS_QUICK_CHECK_BYTES = 8 * 1024 * 1024

_SQLITE_HEADER = b"SQLite format 3\x00"
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_MARKER_OPEN = b"open\n"
_MARKER_CLEAN = b"clean\n"


# --------------------------------------------------------------------------- the lock file


class _LockFile:
    """An exclusive OS lock on `<db>.lock`, held while the Store is open.

    The file also says whether the last session closed cleanly, so the full integrity check
    runs only when it may be needed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.previous_marker = b""

    def acquire(self) -> bool:
        # private, like the database; O_BINARY: Windows would write "clean\r\n" otherwise
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        try:
            if sys.platform == "win32":
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        os.lseek(fd, 0, os.SEEK_SET)
        self.previous_marker = os.read(fd, 64)
        return True

    @property
    def previous_session_clean(self) -> bool:
        return self.previous_marker.startswith(_MARKER_CLEAN)

    def write_marker(self, marker: bytes) -> None:
        assert self._fd is not None
        # Windows locks byte 0 only; writing through our own descriptor is allowed.
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.write(self._fd, marker)
        os.ftruncate(self._fd, len(marker))
        os.fsync(self._fd)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if sys.platform == "win32":
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- corruption


def _is_corruption(error: BaseException | None) -> bool:
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    message = str(error)
    return "not a database" in message or "malformed" in message


def _header_problem(path: Path) -> str | None:
    """Cheap checks of the file itself, before SQLite reads it."""
    size = path.stat().st_size
    if size == 0:
        return None  # an empty file is a valid empty database
    with path.open("rb") as file:
        header = file.read(100)
    if len(header) < 100 or not header.startswith(_SQLITE_HEADER):
        return "不是 SQLite 数据库文件"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "文件头已损坏"
    if size % page_size:
        return "文件长度不完整"
    wal = _sidecar(path, "-wal")
    wal_has_frames = wal.exists() and wal.stat().st_size > 0
    header_pages = int.from_bytes(header[28:32], "big")
    # The in-header size is trustworthy only when the change counter matches
    # "version-valid-for" (SQLite file format §1.3.7); a valid size beyond the end of the
    # file is what SQLite itself calls corrupt (btree.c lockBtree), but it notices only when
    # it reads that far, and after a clean close we skip the full quick_check.
    header_size_valid = header_pages > 0 and header[24:28] == header[92:96]
    if header_size_valid and not wal_has_frames and size < header_pages * page_size:
        return "文件被截断"
    return None


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _set_aside(path: Path) -> Path:
    """Rename the database (and its -wal/-shm) to `<name>.corrupt-YYYYmmdd-HHMMSS`; never
    overwrite an earlier one, never delete anything."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    attempt = 1
    while any(p.exists() for p in (target, _sidecar(target, "-wal"), _sidecar(target, "-shm"))):
        attempt += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{attempt}")
    if path.exists():
        os.rename(path, target)
    for suffix in ("-wal", "-shm"):
        sidecar = _sidecar(path, suffix)
        if sidecar.exists():
            os.rename(sidecar, _sidecar(target, suffix))
    _log.warning("database %s set aside as %s", path, target)
    return target


def _set_aside_orphan_wal(path: Path) -> None:
    """A -wal without its database (the database was moved, or we stopped half way through
    setting it aside) must not be replayed into a new empty database: keep it aside too."""
    if not path.exists() and _sidecar(path, "-wal").exists():
        _set_aside(path)


# --------------------------------------------------------------------------- engine


# Chinese stays readable in the file and takes a third of the bytes of \\u escapes. One
# encoder for all: json.dumps with options builds a new one per call.
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json_dumps(value: Any) -> str:
    return _JSON_ENCODER.encode(value)


def _make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", json_serializer=_json_dumps)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # We issue BEGIN ourselves (below), so pysqlite must not: with its own handling
        # reads run outside any transaction and DDL commits implicitly.
        dbapi_connection.isolation_level = None
        # The journal's AFTER INSERT trigger computes each row's hash-chain link with it.
        register_chain_function(dbapi_connection)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                _log.warning("SQLite refused WAL mode for %s (got %r)", path, mode)
            # FULL: a committed event survives a power cut, in WAL mode too.
            cursor.execute("PRAGMA synchronous = FULL")
            # SQLite's default page cache is 2 MiB; a county's database is hundreds of MB and
            # every event touches a dozen index pages at random (UUID keys): with a bigger
            # cache they are read from memory, not the OS, and a large transaction (demo data,
            # a first pull) does not spill half-written pages into the WAL. An upper bound,
            # allocated only as pages are read.
            cursor.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _probe(engine: Engine, thorough: bool) -> str | None:
    """Read the database as SQLite; the problem found, or None."""
    with engine.connect() as connection:
        if thorough:
            rows = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA quick_check")]
            if rows != ["ok"]:
                return "完整性检查未通过：" + "；".join(rows[:3])
        else:
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    return None


# --------------------------------------------------------------------------- migrations


def alembic_config(connection: Any = None) -> Any:
    """An Alembic Config for desktop/store/migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _read_revision(engine: Engine) -> tuple[str | None, bool]:
    """(alembic revision or None, whether the database holds any table at all)."""
    with engine.connect() as connection:
        tables = set(
            connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            ).scalars()
        )
        if "alembic_version" not in tables:
            return None, bool(tables - {"sqlite_sequence"})
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        return (None if revision is None else str(revision)), True


def _migrate(engine: Engine, path: Path) -> None:
    revision, has_tables = _read_revision(engine)
    if revision == HEAD_REVISION:
        return  # the fast path: Alembic is not even imported
    if revision is None and has_tables:
        raise _ForeignDatabase()
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise SchemaTooNewError(path, revision)
    from alembic import command

    _log.info("upgrading %s from revision %s to %s", path, revision, HEAD_REVISION)
    with engine.connect() as connection:
        connection.execution_options(sqlite_begin="IMMEDIATE")
        with connection.begin():
            command.upgrade(alembic_config(connection), "head")


class _ForeignDatabase(Exception):
    """A SQLite database that is not dengji's sits at our path."""


# --------------------------------------------------------------------------- fast statements


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled for one dialect and one set of parameter names."""

    sql: str
    names: tuple[str, ...]
    bind_processors: tuple[Callable[[Any], Any] | None, ...]
    result_processors: tuple[Callable[[Any], Any] | None, ...]
    fixed: Mapping[str, Any]  # values the statement carries itself, e.g. LIMIT 2


def _bind_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return type_.dialect_impl(dialect).bind_processor(dialect)


def _result_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return type_.dialect_impl(dialect).result_processor(dialect, None)


class FastStatement:
    """A Core statement that, on SQLite, runs straight on the sqlite3 connection.

    SQLAlchemy's execute spends some 30 µs of Python on each statement (execution context,
    events, result set-up), several times what SQLite needs to insert a row or look one up by
    an index, and every journal event costs three or four statements (bench/bench_demo.py).
    The statement is compiled once per dialect and parameter names, exactly as Core would
    compile it, and its parameters and results go through the columns' own bind and result
    processors: what is stored and read back is what Core stores and reads, and a failure
    raises the DBAPIError Core would raise. Other dialects (the central PostgreSQL),
    parameters a column default would have to fill, and a connection outside a transaction
    go through Core execute. The statements it runs itself are not seen by engine events
    (before_cursor_execute) nor by echo logging.
    """

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._is_insert = bool(getattr(statement, "is_insert", False))
        self._returns_rows = bool(getattr(statement, "is_select", False))
        self._prepared: weakref.WeakKeyDictionary[
            Dialect, dict[tuple[str, ...], _Prepared | None]
        ] = weakref.WeakKeyDictionary()

    def _prepare(self, dialect: Dialect, keys: tuple[str, ...]) -> _Prepared | None:
        compiled = self.statement.compile(dialect=dialect, column_keys=list(keys))
        names = tuple(compiled.positiontup or ())
        # Column defaults are computed by Core's execution context: leave those to Core.
        defaulted = {
            column.key for column in (*compiled.insert_prefetch, *compiled.update_prefetch)
        }
        fixed = {}
        for name in set(names) - set(keys):
            bind = compiled.binds[name]
            if name in defaulted or bind.required or bind.callable is not None:
                return None
            fixed[name] = bind.value
        results: tuple[Callable[[Any], Any] | None, ...] = ()
        if self._returns_rows:
            results = tuple(
                _result_processor(column.type, dialect)
                for column in self.statement.selected_columns
            )
        return _Prepared(
            compiled.string,
            names,
            tuple(_bind_processor(compiled.binds[name].type, dialect) for name in names),
            results,
            fixed,
        )

    def _prepared_for(
        self, connection: Connection, parameters: Mapping[str, Any]
    ) -> _Prepared | None:
        dialect = connection.dialect
        if dialect.driver != "pysqlite" or not connection.in_transaction():
            return None
        by_keys = self._prepared.get(dialect)
        if by_keys is None:
            by_keys = self._prepared[dialect] = {}
        # The callers build their parameters in a fixed order, so the names in the order given
        # are a cheap key; a second order only compiles a second copy.
        keys = tuple(parameters)
        try:
            return by_keys[keys]
        except KeyError:
            prepared = by_keys[keys] = self._prepare(dialect, tuple(sorted(keys)))
            return prepared

    def _cursor(
        self, connection: Connection, prepared: _Prepared, parameters: Mapping[str, Any]
    ) -> sqlite3.Cursor:
        if prepared.fixed:
            parameters = {**prepared.fixed, **parameters}
        values = [
            parameters[name] if process is None else process(parameters[name])
            for name, process in zip(prepared.names, prepared.bind_processors, strict=True)
        ]
        driver_connection = connection.connection.driver_connection
        assert isinstance(driver_connection, sqlite3.Connection)
        try:
            return driver_connection.execute(prepared.sql, values)
        except sqlite3.Error as error:
            # The same exception Core raises, so callers (and corruption handling) see no change.
            raise DBAPIError.instance(
                prepared.sql, values, error, sqlite3.Error, dialect=connection.dialect
            ) from error

    def rows(self, connection: Connection, parameters: Mapping[str, Any]) -> list[Sequence[Any]]:
        """All result rows of a SELECT, as tuples of the columns' Python values."""
        prepared = self._prepared_for(connection, parameters)
        if prepared is None:
            return [tuple(row) for row in connection.execute(self.statement, parameters)]
        fetched = self._cursor(connection, prepared, parameters).fetchall()
        processors = prepared.result_processors
        if not any(processors):
            return fetched
        return [
            tuple(
                value if process is None else process(value)
                for value, process in zip(row, processors, strict=True)
            )
            for row in fetched
        ]

    def first(self, connection: Connection, parameters: Mapping[str, Any]) -> Any:
        """The first result row of a SELECT, or None."""
        found = self.rows(connection, parameters)
        return found[0] if found else None

    def scalar(self, connection: Connection, parameters: Mapping[str, Any]) -> Any:
        """The first column of the first result row of a SELECT, or None."""
        found = self.rows(connection, parameters)
        return found[0][0] if found else None

    def write(self, connection: Connection, parameters: Mapping[str, Any]) -> int:
        """Run an INSERT (its new row's integer key is returned) or an UPDATE (the number
        of rows it changed)."""
        prepared = self._prepared_for(connection, parameters)
        if prepared is None:
            result = connection.execute(self.statement, parameters)
            if self._is_insert:
                key = result.inserted_primary_key
                return 0 if key is None or not isinstance(key[0], int) else key[0]
            return result.rowcount
        cursor = self._cursor(connection, prepared, parameters)
        if self._is_insert:
            return cursor.lastrowid or 0
        return cursor.rowcount


# --------------------------------------------------------------------------- the store


class Store:
    """The open local database: an engine, its HLC clock and the lock that keeps it ours."""

    def __init__(
        self, path: Path, engine: Engine, clock: HybridLogicalClock, lock: _LockFile
    ) -> None:
        self.path = path
        self.engine = engine
        self.clock = clock
        self._lock = lock
        self._write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._closed = False

    @contextlib.contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A Session in one transaction, committed when the block ends without an error.

        `write=True` (the default) takes SQLite's write lock at BEGIN, so two writers wait
        for each other instead of failing; pass `write=False` for read-only work.
        """
        if self._closed:
            raise StoreError("数据库已关闭")
        bind = self._write_engine if write else self.engine
        with Session(bind, expire_on_commit=False) as session, session.begin():
            yield session

    def check_integrity(self) -> list[str]:
        """Run PRAGMA quick_check now (whole file; run it off the UI thread). [] means ok."""
        with self.engine.connect() as connection:
            rows = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA quick_check")]
        return [] if rows == ["ok"] else rows

    def close(self) -> None:
        """Close every connection (SQLite then folds the WAL back) and release the lock."""
        if self._closed:
            return
        self._closed = True
        try:
            self.engine.dispose()
            self._lock.write_marker(_MARKER_CLEAN)
        finally:
            self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _load_clock(engine: Engine, node_id: str | None) -> HybridLogicalClock:
    with Session(engine.execution_options(sqlite_begin="IMMEDIATE")) as session, session.begin():
        stored = session.get(Setting, "node_id")
        if node_id is None:
            node_id = str(stored.value) if stored is not None else f"n{uuid.uuid4().hex[:12]}"
        if not is_valid_node_id(node_id):
            raise StoreError(f"节点编号只能包含字母、数字、下划线和连字符：{node_id!r}")
        if stored is None:
            session.add(Setting(key="node_id", value=node_id))
        elif stored.value != node_id:
            stored.value = node_id
        clock = HybridLogicalClock(node_id)
        # The latest stamp of all (one step down ix_journal_hlc); observe() trusts it when it
        # is ours, and ignores it when a broken remote clock put it absurdly far ahead.
        latest = session.scalar(select(func.max(Event.hlc)))
        if latest is not None:
            clock.observe(latest)
        # Below such a remote stamp, our own unsent events (few; ix_journal_pending_push) must
        # still stay in order even if the wall clock went back. substr(hlc, 21) is the node id
        # of "PPPPPPPPPPPPP.LLLLL.node".
        own_unsent = session.scalar(
            select(func.max(Event.hlc)).where(
                Event.pushed.is_(False), func.substr(Event.hlc, 21) == node_id
            )
        )
        if own_unsent is not None:
            clock.restore(own_unsent)
    return clock


def open_store(path: Path, *, node_id: str | None = None) -> Store:
    """Open (creating if needed) the local database at `path` and bring it to the current
    schema. Raises DatabaseInUseError, CorruptDatabaseError (after renaming the file aside;
    calling again then creates a fresh database), SchemaTooNewError or StoreError."""
    path = Path(path).absolute()
    try:
        make_private_folder(path.parent)
    except OSError as error:
        raise StoreError(f"无法创建数据目录 {path.parent}：{error.strerror}") from error
    lock = _LockFile(_sidecar(path, ".lock"))
    try:
        acquired = lock.acquire()
    except OSError as error:
        raise StoreError(f"无法创建数据库锁文件 {lock.path}：{error.strerror}") from error
    if not acquired:
        raise DatabaseInUseError(path)
    try:
        store = _open_locked(path, node_id, lock)
    except BaseException:
        if lock.previous_marker:
            with contextlib.suppress(OSError):
                lock.write_marker(lock.previous_marker)
        lock.release()
        raise
    return store


def _open_locked(path: Path, node_id: str | None, lock: _LockFile) -> Store:
    _set_aside_orphan_wal(path)
    # PIPL: personal data at rest readable by this OS account only (docs/security.md).
    create_private_file(path)
    protect_database_files(path)
    exists = path.exists()
    thorough = exists and (
        not lock.previous_session_clean or path.stat().st_size <= ALWAYS_QUICK_CHECK_BYTES
    )
    lock.write_marker(_MARKER_OPEN)
    problem = _header_problem(path) if exists else None
    if problem is not None:
        raise CorruptDatabaseError(path, _set_aside(path), problem)
    engine = _make_engine(path)
    try:
        problem = _probe(engine, thorough)
        if problem is None:
            _migrate(engine, path)
            clock = _load_clock(engine, node_id)
    except _ForeignDatabase:
        engine.dispose()
        raise CorruptDatabaseError(path, _set_aside(path), "不是 dengji 的数据库") from None
    except DBAPIError as error:
        engine.dispose()
        if not _is_corruption(error.orig):
            raise StoreError(f"无法打开数据库 {path}：{error.orig}") from error
        raise CorruptDatabaseError(path, _set_aside(path), str(error.orig)) from error
    except BaseException:
        engine.dispose()
        raise
    if problem is not None:
        engine.dispose()
        raise CorruptDatabaseError(path, _set_aside(path), problem)
    return Store(path, engine, clock, lock)
