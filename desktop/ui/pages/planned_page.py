"""An honest page for a work area not yet built: it says what it will hold, and nothing more."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyle, QVBoxLayout, QWidget


class PlannedPage(QWidget):
    """Title, icon and a sentence saying what the page will be for; no controls that do nothing."""

    def __init__(self, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        icon_label = QLabel(self)
        icon_label.setPixmap(icon.pixmap(48, 48))
        icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self._title_label = QLabel(title, self)
        self._title_label.setObjectName("plannedPageTitle")
        title_font = self._title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        title_font.setBold(True)
        self._title_label.setFont(title_font)
        self._title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self._purpose_label = QLabel(purpose, self)
        self._purpose_label.setObjectName("plannedPagePurpose")
        self._purpose_label.setWordWrap(True)
        self._purpose_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        # A column of limited width, centred: the wrapped sentence is added without an
        # alignment flag, which would stop the layout asking it for its height at that width.
        column = QWidget(self)
        column.setMaximumWidth(560)
        column_layout = QVBoxLayout(column)
        column_layout.addWidget(icon_label)
        column_layout.addWidget(self._title_label)
        column_layout.addSpacing(8)
        column_layout.addWidget(self._purpose_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 4)
        row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def purpose(self) -> str:
        """The sentence shown (for tests and accessibility)."""
        return self._purpose_label.text()
