"""The bold title line at the top of a work page (待办, 受理登记, 服务跟踪, 冲突复核 …)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

TITLE_SCALE = 1.2


def page_title(text: str, parent: QWidget | None = None) -> QLabel:
    """A QLabel with `text` in the widget font, bold and TITLE_SCALE times as large."""
    title = QLabel(text, parent)
    font = title.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * TITLE_SCALE)
    title.setFont(font)
    return title
