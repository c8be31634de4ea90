"""A barcode scanner working as a keyboard, caught anywhere in the client: scanning the code on a
signed commitment letter records `commitment.signed` and opens that person.

A scanner "types" its code much faster than a person: a burst of at least MIN_CODE_LENGTH
printable keys, each less than MAX_KEY_INTERVAL_MS after the one before, ended by Enter/Return.
The filter watches key presses where the window system delivers them (each QWindow), so it sees
every key once, whichever widget has the focus; it lets the keys through (nobody can tell a
scan from typing before the burst ends), and when the burst ends it swallows the Enter and
takes the code back out of the text field it was typed into.

Times come from the key events themselves (the window system's milliseconds): keys that queued
up while the GUI thread was busy keep their real spacing, so a typist is never taken for a
scanner. Synthesised events with no time fall back to a monotonic clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QTextCursor, QWindow
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPlainTextEdit, QTextEdit

from desktop.ui.background import run_db

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.services.documents import SignedCommitment
    from desktop.store.db import Store

MIN_CODE_LENGTH = 10
MAX_KEY_INTERVAL_MS = 30
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_IGNORED_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


class BarcodeScanCatcher(QObject):
    """An application-wide event filter that recognises a keyboard-wedge scanner's bursts."""

    sig_barcode_scanned = Signal(str)
    """A scan ended; the argument is the code (without the Enter)."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        min_length: int = MIN_CODE_LENGTH,
        max_interval_ms: int = MAX_KEY_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._min_length = min_length
        self._max_interval_ms = max_interval_ms
        self._clock = QElapsedTimer()
        self._clock.start()
        self._burst: list[str] = []
        self._last_key_ms: float | None = None
        self._installed_on: QApplication | None = None

    def install(self, app: QApplication | None = None) -> None:
        """Start watching every key of the application."""
        target = app or QApplication.instance()
        if isinstance(target, QApplication) and self._installed_on is None:
            target.installEventFilter(self)
            self._installed_on = target

    def is_installed(self) -> bool:
        """True while the catcher watches the application's keys."""
        return self._installed_on is not None

    def uninstall(self) -> None:
        """Stop watching."""
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
            self._installed_on = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Only at the window: the same key is delivered again to the focus widget and, if that
        # ignores it, to each parent; counting it once keeps the burst honest.
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWindow):
            return False
        assert isinstance(event, QKeyEvent)
        return self._on_key_press(watched, event)

    def _event_time_ms(self, event: QKeyEvent) -> float:
        stamp = event.timestamp()
        return float(stamp) if stamp else float(self._clock.elapsed())

    def _reset(self) -> None:
        self._burst = []
        self._last_key_ms = None

    def _on_key_press(self, window: QWindow, event: QKeyEvent) -> bool:
        now = self._event_time_ms(event)
        key = event.key()
        fast = self._last_key_ms is not None and 0 <= now - self._last_key_ms < (
            self._max_interval_ms
        )
        modifiers = event.modifiers() & ~_IGNORED_MODIFIERS
        if event.isAutoRepeat() or modifiers != Qt.KeyboardModifier.NoModifier:
            self._reset()
            return False
        if key in _ENTER_KEYS:
            code = "".join(self._burst)
            is_scan = fast and len(code) >= self._min_length
            self._reset()
            if not is_scan:
                return False
            _take_back_typed_code(window.focusObject(), code)
            self.sig_barcode_scanned.emit(code)
            return True  # the Enter of a scan must not also press a default button
        text = event.text()
        if not text:
            return False  # Shift alone, between the characters of an upper-case code
        if len(text) == 1 and text.isprintable():
            if not fast:
                self._burst = []
            self._burst.append(text)
            self._last_key_ms = now
            return False
        self._reset()  # Backspace, Tab, arrows …: not a scanner
        return False


def _take_back_typed_code(focus: QObject | None, code: str) -> None:
    """Remove the scanned code from the text box it was typed into (the window's focus
    widget), if it is right there before the cursor; anything else is left as it is."""
    if isinstance(focus, QLineEdit):
        position = focus.cursorPosition()
        if focus.text()[:position].endswith(code):
            focus.setSelection(position - len(code), len(code))
            focus.del_()
    elif isinstance(focus, QPlainTextEdit | QTextEdit):
        cursor = focus.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(code)
        )
        if cursor.selectedText() == code:
            cursor.removeSelectedText()


def sign_on_database_thread(store: Store, config: Config, code: str) -> SignedCommitment:
    """Run on the database thread: record commitment.signed for a scanned registration number."""
    from desktop.services.documents import record_commitment_signed
    from desktop.ui.document_dialog import counter_actor

    with store.session() as session:
        return record_commitment_signed(session, counter_actor(config), store.clock, code)


class CommitmentScanner(QObject):
    """Scans of signed commitment letters: record the signature, open the person.

    `window` is the main window (show_page, search_page, status_bar are used).
    """

    sig_commitment_signed = Signal(object)
    """A scanned letter was found and its signature is recorded; the SignedCommitment."""

    sig_scan_failed = Signal(str)
    """A scan could not be used (unknown number, no database); the clerk's message."""

    def __init__(self, window: Any, config: Config, parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self._window = window
        self._config = config
        self._store: Store | None = None
        self._message_box: QMessageBox | None = None
        self.catcher = BarcodeScanCatcher(self)
        self.catcher.sig_barcode_scanned.connect(self._on_barcode_scanned)
        # The catcher watches every event of the application; once it is installed, PySide
        # meets Qt's internal classes and sets up the Python side of ~130 Qt types, ≈25 ms.
        # So it starts after the window's first paint (issue 2: time to a shown window).
        if isinstance(window, QObject):
            window.installEventFilter(self)
        else:
            self.catcher.install()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self._window:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.catcher.install)
        return False

    def set_store(self, store: Store) -> None:
        """The database is open: scans can be looked up."""
        self._store = store

    def message_box(self) -> QMessageBox | None:
        """The last problem message shown (for tests), if still open."""
        box = self._message_box
        return box if box is not None and shiboken6.isValid(box) and box.isVisible() else None

    @Slot(str)
    def _on_barcode_scanned(self, code: str) -> None:
        if not self._window.isVisible():
            return  # a window being closed (tests make several); the one on screen handles it
        if self._store is None:
            self._fail(self.tr("本地数据库尚未打开，请稍后再扫描"))
            return
        run_db(sign_on_database_thread, self._store, self._config, code).on_success(
            self._on_signed
        ).on_error(self._on_sign_failed)

    def _on_signed(self, signed: SignedCommitment) -> None:
        self._window.show_page("search")
        self._window.search_page().open_person(signed.person_id_number)
        if signed.already_signed:
            text = self.tr("登记编号 {number}（{name}）的承诺书此前已记录为已签署")
        else:
            text = self.tr("已记录登记编号 {number}（{name}）的承诺书已签署")
        self._window.status_bar().showMessage(
            text.format(number=signed.registration_number, name=signed.person_name), 30_000
        )
        self.sig_commitment_signed.emit(signed)

    def _on_sign_failed(self, error: BaseException) -> None:
        self._fail(getattr(error, "message", None) or str(error))

    def _fail(self, message: str) -> None:
        # Not modal: the clerk is holding a letter and a scanner, not looking at the screen;
        # the message waits without blocking the counter.
        if self._message_box is not None and shiboken6.isValid(self._message_box):
            self._message_box.close()
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("扫描承诺书"), message, parent=self._window
        )
        box.setObjectName("scanProblem")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.show()
        self._message_box = box
        self.sig_scan_failed.emit(message)
