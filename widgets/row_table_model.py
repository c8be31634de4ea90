"""A read-only table model over a list of row objects, for the pages' lists (one row per object).

Only QtCore and QtGui are imported: the search page's models build on this before the first
paint of the window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

Row = TypeVar("Row")
AnyIndex = QModelIndex | QPersistentModelIndex

# The roles as plain ints: a view asks data() a dozen roles per painted cell, and comparing the
# int Qt passes with an enum member costs more than the answer.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_HOOKED_ROLES = frozenset({_DISPLAY, _FOREGROUND, _BACKGROUND, _TOOLTIP, _FONT, _ALIGNMENT})


class Column(NamedTuple, Generic[Row]):
    """One column: its header, the text a row shows in it, and optionally its alignment."""

    header: str
    text: Callable[[Row], str]
    alignment: Qt.AlignmentFlag | None = None


class RowTableModel(Generic[Row], QAbstractTableModel):
    """Rows are objects of one type; each column turns a row into its text.

    Subclasses colour or annotate whole rows by overriding the hooks `foreground`,
    `background`, `tooltip` and `bold`, and answer any other role in `role_data`.
    """

    def __init__(self, columns: Sequence[Column[Row]] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[Column[Row]] = list(columns)
        self._rows: list[Row] = []

    # -- rows and columns ---------------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column[Row]]) -> None:
        """Show these columns (the rows stay)."""
        self.beginResetModel()
        self._columns = list(columns)
        self.endResetModel()

    def set_rows(self, rows: Iterable[Row], columns: Sequence[Column[Row]] | None = None) -> None:
        """Show these rows, in the order given (and these columns, when given)."""
        self.beginResetModel()
        self._rows = list(rows)
        if columns is not None:
            self._columns = list(columns)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        """The object shown in `row`, or None outside the table."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[Row]:
        """The objects shown, top to bottom (a copy)."""
        return list(self._rows)

    def remove_where(self, predicate: Callable[[Row], bool]) -> int:
        """Take out the rows the predicate picks (views keep their place); how many went."""
        doomed = [predicate(row) for row in self._rows]
        last = len(doomed) - 1
        while last >= 0:
            if not doomed[last]:
                last -= 1
                continue
            first = last
            while first > 0 and doomed[first - 1]:
                first -= 1
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
            last = first - 1
        return sum(doomed)

    # -- hooks --------------------------------------------------------------------------------

    def text(self, row: Row, column: int) -> str:
        """What `row` shows in `column`."""
        return self._columns[column].text(row)

    def foreground(self, row: Row) -> QColor | None:
        """The text colour of the whole row (None: the view's)."""
        return None

    def background(self, row: Row) -> QColor | None:
        """The background colour of the whole row (None: the view's)."""
        return None

    def tooltip(self, row: Row, column: int) -> str | None:
        """The tooltip of a cell (None: none)."""
        return None

    def bold(self, row: Row, column: int) -> bool:
        """Whether a cell's text is bold."""
        return False

    def role_data(self, row: Row, column: int, role: int) -> Any:
        """Any other role of a cell (None: nothing)."""
        return None

    # -- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 -- Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 -- Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].header
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role not in _HOOKED_ROLES and not self._answers_other_roles:
            return None  # decoration, check state, size hint …: most of what a view asks
        rows, column, number = self._rows, index.column(), index.row()
        if not (0 <= number < len(rows) and 0 <= column < len(self._columns)):
            return None
        row = rows[number]
        if role == _DISPLAY:
            return self.text(row, column)
        if role == _FOREGROUND:
            colour = self.foreground(row)
            return QBrush(colour) if colour is not None else None
        if role == _BACKGROUND:
            colour = self.background(row)
            return QBrush(colour) if colour is not None else None
        if role == _TOOLTIP:
            return self.tooltip(row, column)
        if role == _FONT:
            if not self.bold(row, column):
                return None
            font = QFont()
            font.setBold(True)
            return font
        if role == _ALIGNMENT:
            return self._columns[column].alignment
        return self.role_data(row, column, role)

    @property
    def _answers_other_roles(self) -> bool:
        """True when a subclass answers roles of its own (it overrides role_data)."""
        return type(self).role_data is not RowTableModel.role_data
