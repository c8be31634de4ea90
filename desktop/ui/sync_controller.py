"""Background sync for the main window: a timer, the sync worker off the GUI thread, signals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.sync.errors import SyncError
from desktop.sync.worker import SyncReport, SyncStatus, SyncWorker, sync_status
from desktop.ui.background import run_in_background

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.store.db import Store

DEFAULT_INTERVAL_MS = 60_000  # offline is normal: try again every minute


@dataclass(frozen=True)
class _Outcome:
    """What one background run brings back to the GUI thread."""

    report: SyncReport | None
    error: str | None
    status: SyncStatus


def _sync_and_read_status(worker: SyncWorker) -> _Outcome:
    """Runs off the GUI thread: one sync, then the local status (even after a failure)."""
    report: SyncReport | None = None
    error: str | None = None
    try:
        report = worker.sync_once()
    except SyncError as failure:
        error = failure.message
    return _Outcome(report, error, sync_status(worker.store))


class SyncController(QObject):
    """Runs `SyncWorker.sync_once` every `interval_ms` and on demand, never two at once.

    Wiring (main window): connect `sig_sync_state_changed` to the status bar's
    `set_sync_state` and `sig_events_waiting_changed` to its `set_events_waiting`, then
    `start()`; call `shutdown()` when the window closes.
    """

    sig_sync_started = Signal()
    """A sync began (no arguments)."""

    sig_sync_finished = Signal(object)
    """A sync completed; the argument is the desktop.sync.worker.SyncReport."""

    sig_sync_failed = Signal(str)
    """A sync failed; the argument is the plain Chinese reason ("无法连接中心数据库（…）：…")."""

    sig_sync_state_changed = Signal(str)
    """The status bar's sync text changed: online/offline, last sync time, last error."""

    sig_events_waiting_changed = Signal(int)
    """How many local events wait to be pushed, after each sync attempt."""

    def __init__(
        self,
        worker: SyncWorker,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._running = False
        self._last_success: dt.datetime | None = None
        self._last_error: str | None = None
        self._state = self.tr("离线（尚未连接中心数据库）")
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer)

    @classmethod
    def from_config(
        cls, store: Store, config: Config, *, parent: QObject | None = None
    ) -> SyncController | None:
        """The controller of a counter whose configuration names a central database; None
        for a standalone (demo) counter. A bad address raises SyncError (Chinese)."""
        if not config.central_url:
            return None
        return cls(SyncWorker.from_config(store, config), parent=parent)

    # -- control --------------------------------------------------------------------------

    def start(self) -> None:
        """Sync now, then every interval."""
        self._timer.start()
        self.sync_now()

    def stop(self) -> None:
        """No more timed syncs (one running finishes)."""
        self._timer.stop()

    def shutdown(self) -> None:
        """Stop the timer and close the central connection (when the window closes)."""
        self.stop()
        self._worker.close()

    def is_running(self) -> bool:
        """True while a sync runs in the background."""
        return self._running

    def state_text(self) -> str:
        """What the status bar's sync section says now."""
        return self._state

    def sync_now(self) -> bool:
        """Start a sync in the background unless one is running; whether one was started."""
        if self._running:
            return False
        self._running = True
        self.sig_sync_started.emit()
        run_in_background(_sync_and_read_status, self._worker).on_success(
            self._on_outcome
        ).on_error(self._on_unexpected_error)
        return True

    # -- slots ----------------------------------------------------------------------------

    @Slot()
    def _on_timer(self) -> None:
        self.sync_now()

    def _on_outcome(self, outcome: Any) -> None:
        self._running = False
        assert isinstance(outcome, _Outcome)
        if outcome.report is not None:
            self._last_success = outcome.report.finished_at
            self._last_error = None
        else:
            self._last_error = outcome.error
        self._publish(online=outcome.report is not None)
        self.sig_events_waiting_changed.emit(outcome.status.events_waiting)
        if outcome.report is not None:
            self.sig_sync_finished.emit(outcome.report)
        else:
            self.sig_sync_failed.emit(outcome.error or "")

    def _on_unexpected_error(self, error: BaseException) -> None:
        # A fault that is not a SyncError (a bug, a broken local database): still plain text.
        self._running = False
        message = getattr(error, "message", None) or self.tr("同步出错：{error}").format(
            error=type(error).__name__
        )
        self._last_error = str(message)
        self._publish(online=False)
        self.sig_sync_failed.emit(self._last_error)

    def _publish(self, *, online: bool) -> None:
        if self._last_success is None:
            when = self.tr("尚未同步")
        else:
            when = self.tr("最近同步 {time}").format(time=_local_time(self._last_success))
        if online:
            state = self.tr("在线，{when}").format(when=when)
        else:
            state = self.tr("离线，{when}；{error}").format(when=when, error=self._last_error or "")
        self._state = state
        self.sig_sync_state_changed.emit(state)


def _local_time(moment: dt.datetime) -> str:
    """HH:MM today, else MM-DD HH:MM, in the counter's local time."""
    local = moment.astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")
