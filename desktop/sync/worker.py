"""The sync worker: one push-then-pull against the central database, and a plain loop of them.

No Qt here (design.md "Layers"): the GUI runs `SyncWorker.sync_once` off its thread through
desktop/ui/sync_controller.py, `dengji sync` runs it once, a headless counter service runs
`run_sync_loop`. Offline is normal: a failed sync raises a SyncError whose `.message` is the
plain Chinese line the status bar shows ("无法连接中心数据库（…）：…"), records it in
sync_state.last_error, and loses nothing; the next sync starts where this one stopped.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from desktop.domain.errors import DomainError
from desktop.store.db import Store
from desktop.sync.connection import CentralAddress, connect, parse_central_url, require_tls
from desktop.sync.credentials import CredentialStore, credential_account
from desktop.sync.errors import (
    CentralConfigError,
    CentralRefusedError,
    CredentialsError,
    SyncError,
    unreachable,
)
from desktop.sync.pull import PULL_PAGE_SIZE, load_sync_state, pull, sync_state_row
from desktop.sync.push import PUSH_BATCH_SIZE, count_pending, push_pending
from desktop.sync.reference import reference_folder, use_reference_overrides

if TYPE_CHECKING:
    from desktop.config import Config

_log = logging.getLogger(__name__)
DEFAULT_INTERVAL_S = 60.0


@dataclass(frozen=True)
class SyncReport:
    """One successful sync."""

    pushed: int  # events sent
    pulled: int  # events new on this counter
    events_waiting: int  # still unsent afterwards (recorded meanwhile)
    reference_tables: tuple[str, ...]
    quarantined: int
    finished_at: dt.datetime
    seconds: float


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows about sync, read from the local database alone."""

    configured: bool
    events_waiting: int
    last_push_at: dt.datetime | None
    last_pull_at: dt.datetime | None
    last_error: str | None


def sync_status(store: Store, *, configured: bool = True) -> SyncStatus:
    """Events waiting, last push and pull times, last error (no network)."""
    state = load_sync_state(store)
    return SyncStatus(
        configured=configured,
        events_waiting=count_pending(store),
        last_push_at=state["last_push_at"],
        last_pull_at=state["last_pull_at"],
        last_error=state["last_error"],
    )


def _database_error(error: Any, where: str) -> SyncError:
    """A plain Chinese SyncError for a psycopg error raised during a sync."""
    import psycopg
    from psycopg import errors

    if isinstance(error, psycopg.OperationalError) and not isinstance(
        error, errors.QueryCanceled | errors.LockNotAvailable
    ):
        return unreachable(where, str(error))
    if isinstance(error, errors.QueryCanceled):
        return CentralRefusedError("中心数据库处理超时，请稍后重试")
    if isinstance(error, errors.InsufficientPrivilege):
        return CentralRefusedError(
            "中心数据库拒绝了本窗口的操作（权限不足或超出本窗口的地区范围），请联系管理员"
        )
    if isinstance(error, errors.UniqueViolation):
        return CentralRefusedError("中心数据库中已有相同编号的记录（如登记编号重复），请联系管理员")
    if isinstance(error, errors.UndefinedTable | errors.UndefinedFunction):
        return CentralRefusedError("中心数据库尚未初始化或版本不符，请联系管理员")
    diagnostic = getattr(getattr(error, "diag", None), "message_primary", None) or ""
    if any("\u4e00" <= char <= "\u9fff" for char in diagnostic):
        return CentralRefusedError(f"中心数据库拒绝了同步：{diagnostic}")
    state = getattr(error, "sqlstate", None) or "?"
    return CentralRefusedError(f"中心数据库拒绝了同步（错误代码 {state}），请联系管理员")


class SyncWorker:
    """Push then pull for one counter; keeps its central connection between syncs.

    Thread-safe: one sync at a time (a second caller waits). Not tied to any thread: the
    connection is used only inside sync_once.
    """

    def __init__(
        self,
        store: Store,
        address: CentralAddress,
        region_code: str,
        *,
        password: str | None = None,
        credentials: CredentialStore | None = None,
        push_batch_size: int = PUSH_BATCH_SIZE,
        pull_page_size: int = PULL_PAGE_SIZE,
        connect_timeout: int = 5,
    ) -> None:
        self.store = store
        self.address = require_tls(address)
        self.region_code = region_code
        self._password = password
        self._credentials = credentials
        self._push_batch_size = push_batch_size
        self._pull_page_size = pull_page_size
        self._connect_timeout = connect_timeout
        self._connection: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(
        cls, store: Store, config: Config, *, credentials: CredentialStore | None = None
    ) -> SyncWorker:
        """The worker of a configured counter (CentralConfigError when no central is set)."""
        if not config.central_url:
            raise CentralConfigError("未配置中心数据库（配置文件 [central] url），本窗口仅离线工作")
        address = parse_central_url(config.central_url)
        if address.password is not None:
            # design.md "Sync": credentials live in the keyring, never in a plain file.
            raise CentralConfigError(
                "配置文件中的中心数据库地址不能包含密码；密码应保存在系统密钥环中"
                "（由 dengji central add-counter 写入）"
            )
        # Start-up: the regions and code tables an earlier sync downloaded are the ones in
        # force on this counter (docs/sync.md "Regions and code tables").
        folder = reference_folder(store.path)
        if folder.is_dir():
            use_reference_overrides(folder)
        return cls(store, address, config.region_code, credentials=credentials or CredentialStore())

    @property
    def where(self) -> str:
        """The central's "host:port/database", for messages."""
        return self.address.where()

    def _password_now(self) -> str | None:
        if self._password is not None:
            return self._password
        if self._credentials is None:
            return None
        try:
            return self._credentials.load(credential_account(self.address))
        except CredentialsError:
            raise
        except Exception as error:  # a broken keyring must not crash a sync
            raise CredentialsError(f"无法读取中心数据库密码：{error}") from error

    def _connected(self) -> Any:
        import psycopg

        if self._connection is not None and not self._connection.closed:
            # The server may have restarted since the last sync: one cheap round trip tells,
            # and then this sync reconnects instead of failing once more.
            try:
                self._connection.execute("SELECT 1")
                return self._connection
            except psycopg.Error:
                self._drop_connection()
        connection = connect(
            self.address, self._password_now(), connect_timeout=self._connect_timeout
        )
        connection.autocommit = True
        self._connection = connection
        return connection

    def close(self) -> None:
        """Close the central connection (a later sync opens a new one)."""
        with self._lock:
            self._drop_connection()

    def _drop_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # closing a broken connection may fail too
                _log.debug("closing the central connection failed", exc_info=True)
            self._connection = None

    def sync_once(self) -> SyncReport:
        """Push every waiting event, then pull the scope's new events and reference data.
        Raises SyncError (Chinese `.message`) and records it as the last error."""
        import psycopg

        with self._lock:
            started = time.perf_counter()
            try:
                connection = self._connected()
                pushed = push_pending(
                    self.store, connection, self.region_code, batch_size=self._push_batch_size
                )
                self._stamp(last_push_at=True)
                pulled = pull(self.store, connection, page_size=self._pull_page_size)
            except psycopg.Error as error:
                self._drop_connection()
                failure = _database_error(error, self.where)
                self._record_error(failure.message)
                raise failure from error
            except DomainError as error:
                if not isinstance(error, CentralConfigError | CredentialsError):
                    self._drop_connection()
                self._record_error(error.message)
                raise
            except (SQLAlchemyError, sqlite3.Error) as error:
                # The local database refused what came down (disk full, a broken file…).
                self._drop_connection()
                detail = getattr(error, "orig", None) or error
                failure = SyncError(f"本地数据库保存同步数据失败：{detail}")
                self._record_error(failure.message)
                raise failure from error
            self._record_error(None)
            report = SyncReport(
                pushed=pushed.sent,
                pulled=pulled.inserted,
                events_waiting=count_pending(self.store),
                reference_tables=pulled.reference_tables,
                quarantined=pulled.quarantined,
                finished_at=dt.datetime.now(dt.UTC),
                seconds=time.perf_counter() - started,
            )
            if report.pulled:
                self._prepare_statistics()
            return report

    def _prepare_statistics(self) -> None:
        """After a pull: when it left the 三统一 check's kept folds far behind (a first pull
        brings a whole county), fold the new events now, on this background thread and a
        read snapshot, so the clerk's next check stays quick (desktop/reports/consistency.py
        prepare_folds). A failure here is logged; it is not a sync failure."""
        from desktop.reports.consistency import prepare_folds

        try:
            prepared = prepare_folds(self.store.engine)
        except Exception:  # the check folds for itself later; the sync itself succeeded
            _log.warning("could not prepare the statistics folds", exc_info=True)
            return
        if prepared is not None:
            _log.info("statistics folds prepared: %s", prepared)

    def _stamp(self, *, last_push_at: bool) -> None:
        with self.store.session() as session:
            state = sync_state_row(session)
            if last_push_at:
                state.last_push_at = dt.datetime.now(dt.UTC)

    def _record_error(self, message: str | None) -> None:
        try:
            with self.store.session() as session:
                sync_state_row(session).last_error = message
        except DomainError:
            _log.warning("could not record the sync error: %s", message, exc_info=True)


def run_sync_loop(
    worker: SyncWorker,
    stop: threading.Event,
    *,
    interval_s: float = DEFAULT_INTERVAL_S,
    on_report: Callable[[SyncReport], None] | None = None,
    on_error: Callable[[SyncError], None] | None = None,
) -> None:
    """Sync every `interval_s` seconds until `stop` is set (a headless counter service or a
    thread). A failure is reported to `on_error` and retried at the next interval."""
    while not stop.is_set():
        try:
            report = worker.sync_once()
        except SyncError as error:
            if on_error is not None:
                on_error(error)
        except DomainError as error:  # a local store problem: report it the same way
            if on_error is not None:
                on_error(SyncError(error.message))
        else:
            if on_report is not None:
                on_report(report)
        stop.wait(interval_s)
    worker.close()
