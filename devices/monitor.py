"""ReaderMonitor: polls the configured card readers on its own QThread and reports by signal."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from devices.base import CardReader
from devices.card import CardData
from devices.errors import CardReadError, ReaderNotConnectedError, ReaderTimeoutError
from devices.wlt import default_decoder

READER_THREAD_NAME = "dengji-card-readers"


@dataclass(frozen=True, slots=True)
class ReaderStatus:
    """One configured reader as `sig_readers_changed` reports it."""

    name: str
    connected: bool
    message: str = ""  # Chinese: why it is not connected, "" when it is


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

    _sig_stop_requested = Signal()

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
        self._thread = QThread()
        self._thread.setObjectName(READER_THREAD_NAME)
        self.moveToThread(self._thread)
        self._thread.started.connect(self._on_thread_started)
        self._sig_stop_requested.connect(self._on_stop_requested)

    @property
    def readers(self) -> list[CardReader]:
        return [state.reader for state in self._states]

    def start(self) -> None:
        """Start the reader thread (returns at once)."""
        self._thread.start()

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Close the readers on their thread and end it; waits at most `timeout_ms` (at exit)."""
        if not self._thread.isRunning():
            return True
        self._sig_stop_requested.emit()
        return bool(self._thread.wait(timeout_ms))

    def is_running(self) -> bool:
        return bool(self._thread.isRunning())

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
        self._thread.quit()

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
                ReaderStatus(s.reader.name, s.connected, "" if s.connected else s.status_message)
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
        except CardReadError as error:
            # No partial card is ever sent; the clerk takes the card off and places it again.
            state.card_on_reader = True
            self._report(state, error.message)
            return
        state.last_error = ""
        if card is not None:
            state.card_on_reader = True
            self._notice_missing_photo_decoder(card)
            self.sig_card_read.emit(card)

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
