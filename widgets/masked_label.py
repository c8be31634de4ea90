"""A label that shows an ID number masked, and the whole number only when code asks for it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget


class MaskedIdLabel(QLabel):
    """Shows `mask_id_number(number)`; the full number appears only through `reveal()`.

    A double click does not reveal anything by itself: it emits `sig_reveal_requested`, and the
    owner decides (and, once auditing exists, records who looked) before calling `reveal()`.
    """

    sig_reveal_requested = Signal()
    """The clerk asked to see the whole number (double click). No arguments."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._id_number = ""
        self._revealed = False
        # Not selectable: copying the number would bypass the masking.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

    def id_number(self) -> str:
        """The full number held (never shown unless revealed)."""
        return self._id_number

    def is_revealed(self) -> bool:
        """True while the whole number is on screen."""
        return self._revealed

    def set_id_number(self, number: str) -> None:
        """Hold a new number and show it masked; a previous reveal does not carry over."""
        self._id_number = number
        self._revealed = False
        self._render()

    def reveal(self) -> None:
        """Show the whole number. Call only after the request has been allowed (and audited)."""
        self._revealed = True
        self._render()

    def conceal(self) -> None:
        """Show the number masked again."""
        self._revealed = False
        self._render()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._id_number and not self._revealed:
            self.sig_reveal_requested.emit()
        event.accept()

    def _render(self) -> None:
        # Imported here: the module's lookup tables are not needed before the first number.
        from desktop.domain.idnumbers import mask_id_number

        if not self._id_number:
            self.setText("")
        elif self._revealed:
            self.setText(self._id_number)
        else:
            self.setText(mask_id_number(self._id_number))
