"""ReaderMonitor: polls the configured card readers on its own QThread and reports by signal."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from devices.base import CardReader
from devices.card import CardData
from devices.errors import CardReadError, ReaderNotConnectedError, ReaderTimeoutError
from devices.pcsc.errors import PartialCardError
from devices.pending_card import PendingSocialSecurityCard
from devices.wlt import default_decoder

READER_THREAD_NAME = "dengji-card-readers"
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReaderStatus:
    """One configured reader as `sig_readers_changed` reports it."""

    name: str
    connected: bool
    message: str = ""  # Chinese: why it is not connected, "" when it is
    family: str = "读卡器"  # CardReader.family: 身份证阅读器, 社保卡读卡器


class DeviceJob(QObject):
    """Device work run on the reader thread while the monitor's own readers are closed (a
    读卡测试, probing serial ports): the outcome comes back on the thread that created the job.

    Chain callbacks like desktop.ui.background's tasks: `job.on_success(cb).on_error(cb)`.
    """

    sig_job_succeeded = Signal(object)
    """The function returned; the argument is its return value (on the creating thread)."""

    sig_job_failed = Signal(object)
    """The function raised; the argument is the exception (on the creating thread)."""

    _sig_job_done = Signal(object, object)  # (result, error) from the reader thread; internal

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._fn = fn
        self._success_callbacks: list[Callable[[Any], None]] = []
        self._error_callbacks: list[Callable[[BaseException], None]] = []
        self.finished = False
        # Queued even from the creating thread: callbacks chained after the call are in place.
        self._sig_job_done.connect(self._on_job_done, Qt.ConnectionType.QueuedConnection)

    def on_success(self, callback: Callable[[Any], None]) -> DeviceJob:
        self._success_callbacks.append(callback)
        return self

    def on_error(self, callback: Callable[[BaseException], None]) -> DeviceJob:
        self._error_callbacks.append(callback)
        return self

    def run(self) -> tuple[object, BaseException | None]:
        """Run the function here (the reader thread); (result, error) for `deliver`."""
        try:
            return self._fn(), None
        except Exception as error:  # every failure must reach the waiting page
            return None, error

    def deliver(self, outcome: tuple[object, BaseException | None]) -> None:
        """Post the outcome of `run` to the job's thread."""
        self._sig_job_done.emit(*outcome)

    def fail(self, error: BaseException) -> None:
        """Deliver `error` without running (the monitor is stopping)."""
        self._sig_job_done.emit(None, error)

    @Slot(object, object)
    def _on_job_done(self, result: object, error: object) -> None:
        _jobs_in_flight.discard(self)
        self.finished = True
        if isinstance(error, BaseException):
            if not self._error_callbacks:
                _log.error("读卡器任务失败", exc_info=(type(error), error, None))
            for error_callback in self._error_callbacks:
                error_callback(error)
            self.sig_job_failed.emit(error)
            return
        for success_callback in self._success_callbacks:
            success_callback(result)
        self.sig_job_succeeded.emit(result)


# Jobs whose outcome has not been delivered: referenced here so they live until it is.
_jobs_in_flight: set[DeviceJob] = set()


@dataclass(slots=True)
class _ReaderState:
    reader: CardReader
    connected: bool = False
    card_on_reader: bool = False  # a card was read (or failed) and has not left yet
    next_open_at: float = 0.0
    last_error: str = ""
    status_message: str = field(default="尚未连接")


class ReaderMonitor(QObject):
    """Owns the readers: every open/read/close happens on its thread (asserted), never the UI's.

    Create it on the GUI thread, connect the signals, call `start()`; call `stop()` on exit.
    The UI never waits on a device: results arrive as queued signals.
    """

    sig_card_read = Signal(object)
    """A card was read completely. Argument: devices.card.CardData (never a partial card)."""

    sig_card_removed = Signal()
    """The card read (or failed) last no longer answers: removed, or on MPS readers with the
    §1.6 protection design, done being read. The reader is ready for the next card."""

    sig_reader_error = Signal(str)
    """A Chinese message for the clerk: a failed read (e.g. 请重新放置卡片), a lost reader, or
    once per monitor the notice that no licensed photo decoder is installed. Consecutive
    identical messages of one reader are sent once."""

    sig_readers_changed = Signal(list)
    """Argument: list[ReaderStatus], every configured reader, after any connects or drops."""

    sig_card_partial = Signal(object)
    """A 3.0 社保卡 was read without its locked holder data. Argument: the
    devices.pcsc.errors.PartialCardError (`.issuer` holds card number, region, version;
    `.message` what to tell the clerk). The monitor keeps it: the 身份证 read within
    PARTIAL_HOLD_S seconds arrives by `sig_card_read` with the 社保卡 data added."""

    sig_monitor_stopped = Signal()
    """The readers are closed and the reader thread is ending (after `request_stop()`)."""

    _sig_stop_requested = Signal()
    _sig_poll_now_requested = Signal()
    _sig_job_requested = Signal(object)

    def __init__(
        self,
        readers: Sequence[CardReader],
        *,
        poll_interval_s: float = 0.25,
        reconnect_interval_s: float = 2.0,
    ) -> None:
        super().__init__()  # no parent: the object moves to its own thread
        self._states = [_ReaderState(reader) for reader in readers]
        self._poll_ms = max(1, round(poll_interval_s * 1000))
        self._reconnect_s = reconnect_interval_s
        self._timer: QTimer | None = None
        self._thread_id: int | None = None
        self._photo_notice_sent = False
        self._pending_ssc = PendingSocialSecurityCard()
        self._stop_requested = False  # read and written on the creating (GUI) thread only
        self._thread = QThread()
        self._thread.setObjectName(READER_THREAD_NAME)
        self.moveToThread(self._thread)
        self._thread.started.connect(self._on_thread_started)
        self._sig_stop_requested.connect(self._on_stop_requested)
        self._sig_poll_now_requested.connect(self._on_poll_now_requested)
        self._sig_job_requested.connect(self._on_job_requested)

    @property
    def readers(self) -> list[CardReader]:
        return [state.reader for state in self._states]

    @property
    def poll_interval_s(self) -> float:
        """Seconds between polls of the readers."""
        return self._poll_ms / 1000

    def start(self) -> None:
        """Start the reader thread (returns at once)."""
        self._thread.start()

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Close the readers on their thread and end it; waits at most `timeout_ms` (at exit)."""
        if not self._thread.isRunning():
            return True
        self.request_stop()
        return bool(self._thread.wait(timeout_ms))

    def request_stop(self) -> None:
        """Ask the reader thread to close the readers and end, without waiting for it;
        `sig_monitor_stopped` follows. Idempotent."""
        if self._stop_requested or not self._thread.isRunning():
            return
        self._stop_requested = True
        self._sig_stop_requested.emit()

    def is_running(self) -> bool:
        return bool(self._thread.isRunning())

    def accepts_jobs(self) -> bool:
        """True while `run_exclusive` jobs will run on the reader thread."""
        return self.is_running() and not self._stop_requested

    def poll_now(self) -> None:
        """Poll every reader at once (F2 读卡), retrying disconnected ones without waiting."""
        if self.accepts_jobs():
            self._sig_poll_now_requested.emit()

    def run_exclusive(self, fn: Callable[[], Any]) -> DeviceJob:
        """Run `fn()` on the reader thread with the monitor's readers closed meanwhile (so a test
        read or a port probe never talks over a poll); they reopen right after. Chain
        `.on_success(cb).on_error(cb)`; callbacks run on the calling thread. When the monitor
        is not running, the job fails with ReaderNotConnectedError."""
        job = DeviceJob(fn)
        _jobs_in_flight.add(job)
        if self.accepts_jobs():
            self._sig_job_requested.emit(job)
        else:
            job.fail(ReaderNotConnectedError("读卡器监视未运行"))
        return job

    # -- everything below runs on the reader thread

    def _assert_reader_thread(self) -> None:
        assert threading.get_ident() == self._thread_id, "card-reader I/O off the reader thread"

    @Slot()
    def _on_thread_started(self) -> None:
        threading.current_thread().name = READER_THREAD_NAME
        self._thread_id = threading.get_ident()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)  # re-armed after each poll: slow I/O never piles up
        self._timer.timeout.connect(self._on_poll)
        for state in self._states:
            self._try_open(state)
        self._emit_readers_changed()
        self._timer.start(self._poll_ms)

    @Slot()
    def _on_stop_requested(self) -> None:
        self._assert_reader_thread()
        if self._timer is not None:
            self._timer.stop()
        for state in self._states:
            self._close(state)
        self.sig_monitor_stopped.emit()
        self._thread.quit()

    @Slot()
    def _on_poll_now_requested(self) -> None:
        self._assert_reader_thread()
        for state in self._states:
            state.next_open_at = 0.0
        if self._timer is not None:
            self._timer.stop()
        self._on_poll()

    @Slot(object)
    def _on_job_requested(self, job: DeviceJob) -> None:
        self._assert_reader_thread()
        was_connected = [state.connected for state in self._states]
        for state in self._states:
            if state.connected:
                self._close(state)
                state.card_on_reader = False
        outcome = job.run()
        for state, connected in zip(self._states, was_connected, strict=True):
            if connected and self._try_open(state):
                # A card the job just read stays on the reader: not to be read again as if
                # newly placed (a 读卡测试 must not also fill the search page).
                with contextlib.suppress(CardReadError):
                    state.card_on_reader = state.reader.card_present()
        if [state.connected for state in self._states] != was_connected:
            self._emit_readers_changed()
        # Only now: whatever the clerk does on hearing the outcome meets reopened readers.
        job.deliver(outcome)

    @Slot()
    def _on_poll(self) -> None:
        self._assert_reader_thread()
        for state in self._states:
            self._poll(state)
        if self._timer is not None:
            self._timer.start(self._poll_ms)

    def _emit_readers_changed(self) -> None:
        self.sig_readers_changed.emit(
            [
                ReaderStatus(
                    s.reader.name,
                    s.connected,
                    "" if s.connected else s.status_message,
                    s.reader.family,
                )
                for s in self._states
            ]
        )

    def _report(self, state: _ReaderState, message: str) -> None:
        if message != state.last_error:
            state.last_error = message
            self.sig_reader_error.emit(message)

    def _close(self, state: _ReaderState) -> None:
        # Closing a reader that is gone has nothing left to release.
        with contextlib.suppress(CardReadError):
            state.reader.close()
        state.connected = False

    def _try_open(self, state: _ReaderState) -> bool:
        try:
            state.reader.open()
        except CardReadError as error:
            state.next_open_at = time.monotonic() + self._reconnect_s
            state.status_message = error.message
            self._report(state, f"{state.reader.name}：{error.message}")
            return False
        state.connected, state.card_on_reader, state.last_error = True, False, ""
        return True

    def _poll(self, state: _ReaderState) -> None:
        if not state.connected:
            if time.monotonic() >= state.next_open_at and self._try_open(state):
                self._emit_readers_changed()
            return
        try:
            if state.card_on_reader:
                if not state.reader.card_present():
                    state.card_on_reader, state.last_error = False, ""
                    self.sig_card_removed.emit()
                return
            card = state.reader.read_card()
        except ReaderNotConnectedError as error:
            self._lost(state, error)
            return
        except ReaderTimeoutError as error:
            self._report(state, error.message)  # the reader may come back: keep polling
            return
        except PartialCardError as partial:
            # devices.md Part B §3: a 3.0 card without a PSAM gives only EF05; the clerk reads
            # the 身份证 next and the two are joined (never a CardData without name and number).
            state.card_on_reader, state.last_error = True, ""
            self._pending_ssc.hold(partial, time.monotonic())
            self.sig_card_partial.emit(partial)
            return
        except CardReadError as error:
            # No partial card is ever sent; the clerk takes the card off and places it again.
            state.card_on_reader = True
            self._report(state, error.message)
            return
        state.last_error = ""
        if card is not None:
            state.card_on_reader = True
            self._notice_missing_photo_decoder(card)
            self.sig_card_read.emit(self._pending_ssc.complete(card, time.monotonic()))

    def _lost(self, state: _ReaderState, error: CardReadError) -> None:
        had_card = state.card_on_reader
        self._close(state)
        state.card_on_reader = False
        state.status_message = error.message
        state.next_open_at = time.monotonic() + self._reconnect_s
        self._report(state, f"{state.reader.name}：{error.message}")
        if had_card:
            self.sig_card_removed.emit()
        self._emit_readers_changed()

    def _notice_missing_photo_decoder(self, card: CardData) -> None:
        if self._photo_notice_sent or card.photo is not None or card.photo_wlt is None:
            return
        available, reason = default_decoder().status()
        if not available:
            self._photo_notice_sent = True
            self.sig_reader_error.emit(reason)
