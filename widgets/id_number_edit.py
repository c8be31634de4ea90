"""A line edit for ID numbers that checks them live and says what is wrong, in Chinese."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QStyle, QWidget

if TYPE_CHECKING:
    from desktop.domain.idnumbers import DocumentType, IdDocument

# desktop.domain.idnumbers is imported where first used, not here: it builds lookup tables
# (~25 ms) that the first paint of the main window does not need (bench/bench_startup.py).

# Full-width ASCII (FF01–FF5E) and the ideographic space, as typed with a Chinese input method
# in full-width mode, mapped to their ASCII forms.
_FULL_WIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# The 18th character of a 公民身份号码 is a check character 0-9 or X (GB 11643-1999).
_ID_NUMBER_LENGTH = 18
_INVALID_STYLE = "QLineEdit { border: 2px solid #c62828; border-radius: 3px; padding: 1px 3px; }"


class IdNumberState(enum.Enum):
    """What the field currently holds."""

    EMPTY = "empty"
    INCOMPLETE = "incomplete"  # still being typed, or (search mode) not an ID number at all
    VALID = "valid"
    INVALID = "invalid"


def to_ascii(text: str) -> str:
    """Full-width digits, letters and spaces typed with an input method, as ASCII."""
    return text.translate(_FULL_WIDTH_TO_ASCII)


def looks_like_id_number(text: str) -> bool:
    """True when `text` has the shape of an 18-character ID number (17 digits first), so it is
    worth checking even inside a search field where names and phone numbers are also typed."""
    candidate = to_ascii(text).strip()
    return (
        len(candidate) >= _ID_NUMBER_LENGTH
        and candidate[:17].isascii()
        and (candidate[:17].isdigit())
    )


class IdNumberEdit(QLineEdit):
    """A QLineEdit for ID numbers with a live check against the ID-number rules.

    In the default strict mode every text is an ID number: it is judged once it has 18
    characters, or when editing finishes. In search mode (`search_mode=True`) the field also takes
    names and phone numbers, and only text shaped like an ID number is judged.

    `doc_type` fixes the kind of document expected (e.g. from a document-type picker); None lets
    the number's shape decide, so a 10-digit number passes as a 台湾居民来往大陆通行证.
    """

    sig_id_number_valid = Signal(str)
    """The text became a valid ID number; the argument is the number in canonical form
    (ASCII, upper-case X; a 15-digit legacy number upgraded to 18 digits)."""

    sig_id_number_invalid = Signal(str)
    """The text is an ID number that breaks the rules; the argument is the Chinese message."""

    sig_id_number_cleared = Signal()
    """The text is empty or incomplete again; earlier valid/invalid feedback no longer applies."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        search_mode: bool = False,
        doc_type: DocumentType | None = None,
    ) -> None:
        super().__init__(parent)
        self._search_mode = search_mode
        self._doc_type = doc_type
        self._state = IdNumberState.EMPTY
        self._message = ""
        self._document: IdDocument | None = None
        self._valid_number = ""
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self._warning_action = QAction(icon, "", self)
        self.addAction(self._warning_action, QLineEdit.ActionPosition.TrailingPosition)
        # Hidden only after adding: QLineEdit shows the side icon of an action added hidden.
        self._warning_action.setVisible(False)
        self.textEdited.connect(self._on_text_edited)
        self.textChanged.connect(self._on_text_changed)
        self.editingFinished.connect(self._on_editing_finished)

    @property
    def state(self) -> IdNumberState:
        """Whether the field is empty, incomplete, valid or invalid."""
        return self._state

    @property
    def message(self) -> str:
        """The Chinese message of the last failed check ("" unless invalid)."""
        return self._message

    def set_document_type(self, doc_type: DocumentType | None) -> None:
        """Expect this kind of document from now on, and judge the current text again."""
        self._doc_type = doc_type
        self._state = IdNumberState.INCOMPLETE
        self._on_text_changed(self.text())
        self._on_editing_finished()

    def id_document(self) -> IdDocument | None:
        """The parsed document when the text is a valid ID number, else None."""
        return self._document

    def id_number(self) -> str:
        """The canonical ID number when the text is valid, else ""."""
        return self._valid_number

    @Slot(str)
    def _on_text_edited(self, text: str) -> None:
        """Rewrite what the person typed into canonical form, keeping the cursor in place."""
        cursor = self.cursorPosition()
        canonical = self._canonical(text)
        if canonical != text:
            self.setText(canonical)
            self.setCursorPosition(len(self._canonical(text[:cursor])))

    def _canonical(self, text: str) -> str:
        from desktop.domain.idnumbers import normalize_id_text

        if not self._search_mode:
            return normalize_id_text(text)
        ascii_text = to_ascii(text)
        if looks_like_id_number(ascii_text):
            return normalize_id_text(ascii_text)
        return ascii_text

    @Slot(str)
    def _on_text_changed(self, text: str) -> None:
        from desktop.domain.idnumbers import normalize_id_text

        candidate = normalize_id_text(text)
        if not candidate:
            self._set_neutral(IdNumberState.EMPTY)
        elif self._search_mode and not looks_like_id_number(text):
            self._set_neutral(IdNumberState.INCOMPLETE)
        elif len(candidate) < _ID_NUMBER_LENGTH:
            # Too short is only an error once the person leaves the field (strict mode).
            self._set_neutral(IdNumberState.INCOMPLETE)
        else:
            self._judge(candidate)

    @Slot()
    def _on_editing_finished(self) -> None:
        from desktop.domain.idnumbers import normalize_id_text

        candidate = normalize_id_text(self.text())
        if candidate and not self._search_mode and self._state is IdNumberState.INCOMPLETE:
            self._judge(candidate)

    def _judge(self, candidate: str) -> None:
        from desktop.domain.idnumbers import InvalidIdNumberError, parse_id_number

        try:
            document = parse_id_number(candidate, doc_type=self._doc_type)
        except InvalidIdNumberError as error:
            self._set_invalid(error.message)
        else:
            self._set_valid(document.number, document)

    def _set_neutral(self, state: IdNumberState) -> None:
        was_judged = self._state in (IdNumberState.VALID, IdNumberState.INVALID)
        self._state = state
        self._message = ""
        self._document = None
        self._valid_number = ""
        self._show_feedback()
        if was_judged:
            self.sig_id_number_cleared.emit()

    def _set_valid(self, number: str, document: IdDocument) -> None:
        changed = self._state is not IdNumberState.VALID or number != self._valid_number
        self._state = IdNumberState.VALID
        self._message = ""
        self._document = document
        self._valid_number = number
        self._show_feedback()
        if changed:
            self.sig_id_number_valid.emit(number)

    def _set_invalid(self, message: str) -> None:
        changed = self._state is not IdNumberState.INVALID or message != self._message
        self._state = IdNumberState.INVALID
        self._message = message
        self._document = None
        self._valid_number = ""
        self._show_feedback()
        if changed:
            self.sig_id_number_invalid.emit(message)

    def _show_feedback(self) -> None:
        invalid = self._state is IdNumberState.INVALID
        self._warning_action.setVisible(invalid)
        self._warning_action.setToolTip(self._message)
        self.setToolTip(self._message)
        style = _INVALID_STYLE if invalid else ""
        if self.styleSheet() != style:  # re-polishing on every keystroke would be wasted work
            self.setStyleSheet(style)
