"""Render the main window at 1366×768 as the clerk sees it; DENGJI_UPDATE_SCREENSHOTS=1 saves
the pictures to docs/screenshots/ (search.png, main-empty.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QImage
from PySide6.QtWidgets import QApplication

from desktop.config import Config
from desktop.store.db import Store
from desktop.ui.app import pick_cjk_font_family
from desktop.ui.main_window import MainWindow
from tests.desktop.ui.demo_people import DEMO_PEOPLE
from tests.widgets.input_method import commit_from_input_method

SCREENSHOT_DIR = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
SIZE = (1366, 768)
WAIT_MS = 5000


@pytest.fixture
def counter_look(qapp: QApplication) -> Iterator[None]:
    """The style and CJK font run_gui sets, put back afterwards."""
    font, style = qapp.font(), qapp.style().name()
    family = pick_cjk_font_family(QFontDatabase.families())
    assert family is not None, "没有可用的中文字体（见 Makefile 的 SYS_PKGS）"
    chinese_font = QFont(family)
    chinese_font.setPointSize(10)
    qapp.setStyle("Fusion")
    qapp.setFont(chinese_font)
    yield
    qapp.setFont(font)
    qapp.setStyle(style)


def save(image: QImage, name: str, tmp_path: Path) -> Path:
    target_dir = SCREENSHOT_DIR if os.environ.get("DENGJI_UPDATE_SCREENSHOTS") == "1" else tmp_path
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    assert image.save(str(target), "PNG")
    return target


def distinct_colours(image: QImage) -> int:
    """How many colours a coarse sample of the picture holds (a blank window has one or two)."""
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    )


def grab_when_laid_out(qtbot, window: MainWindow) -> QImage:
    """The window's picture once pending layout work (e.g. a longer status text) is done."""
    qtbot.wait(100)
    return window.grab().toImage()


def open_window(qtbot, store: Store) -> MainWindow:
    window = MainWindow(Config(), store)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window, timeout=WAIT_MS)
    with qtbot.waitSignal(window.sig_background_loading_finished, timeout=WAIT_MS):
        window.start_background_loading()
    return window


def test_search_screenshot(qtbot, counter_look: None, demo_store: Store, tmp_path: Path) -> None:
    window = open_window(qtbot, demo_store)
    page = window.search_page()
    with qtbot.waitSignal(page.sig_search_finished, timeout=WAIT_MS):
        commit_from_input_method(page.search_field(), "马建")
    with qtbot.waitSignal(page.sig_history_shown, timeout=WAIT_MS):
        page.results_view().selectRow(
            next(
                row
                for row in range(page.results_view().model().rowCount())
                if page.results_view().model().index(row, 0).data() == DEMO_PEOPLE[0].name
            )
        )
    image = grab_when_laid_out(qtbot, window)
    assert (image.width(), image.height()) == SIZE
    assert distinct_colours(image) > 20
    save(image, "search.png", tmp_path)


def test_empty_main_window_screenshot(
    qtbot, counter_look: None, empty_store: Store, tmp_path: Path
) -> None:
    window = open_window(qtbot, empty_store)
    image = grab_when_laid_out(qtbot, window)
    assert (image.width(), image.height()) == SIZE
    assert window.status_bar().section_texts()["sync"].endswith("待上传 0 条")
    save(image, "main-empty.png", tmp_path)
