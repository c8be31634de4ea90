"""A work page's title: the widget font, bold, 1.2 times as large."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from widgets.page_title import TITLE_SCALE, page_title


def test_the_title_is_bold_and_larger_than_the_text_around_it(qtbot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    title = page_title("服务跟踪", page)
    assert title.text() == "服务跟踪" and title.parent() is page
    assert title.font().bold()
    assert title.font().pointSizeF() == page.font().pointSizeF() * TITLE_SCALE
