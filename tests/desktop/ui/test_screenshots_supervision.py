"""统计 and 冲突复核 in the main window at 1366×768 with data; DENGJI_UPDATE_SCREENSHOTS=1
saves them to docs/screenshots/ (statistics.png, conflicts.png)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config import Config
from desktop.services.demo import fill_demo_data
from desktop.store.db import Store, open_store
from desktop.ui.main_window import MainWindow
from tests.desktop.services.conflict_cases import make_conflicts
from tests.desktop.ui.test_screenshots import (
    SIZE,
    counter_look,  # noqa: F401 -- a fixture used by the tests below
    distinct_colours,
    open_window,
    save,
)

WAIT_MS = 20_000


@pytest.fixture
def county(tmp_path: Path) -> Iterator[Store]:
    from desktop.ui.background import wait_for_background_work

    store = open_store(tmp_path / "county.sqlite3", node_id="shots")
    fill_demo_data(store, Config(), persons=400)
    yield store
    assert wait_for_background_work(10_000)
    store.close()


def test_statistics_screenshot(
    qtbot,
    counter_look: None,  # noqa: F811
    signed_in_clerk,
    county: Store,
    tmp_path: Path,
) -> None:
    window = open_window(qtbot, county)
    page = window.page("statistics")
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    page.set_query(last_month, Config().region_code)  # type: ignore[attr-defined]
    window.show_page("statistics")
    with qtbot.waitSignal(page.sig_statistics_shown, timeout=WAIT_MS):  # type: ignore[attr-defined]
        page.refresh()  # type: ignore[attr-defined]
    page.tabs().setCurrentIndex(1)  # type: ignore[attr-defined]  # the charts
    qtbot.wait(150)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == SIZE
    assert distinct_colours(image) > 20
    save(image, "statistics.png", tmp_path)


def test_conflicts_screenshot(
    qtbot,
    counter_look: None,  # noqa: F811
    signed_in_clerk,
    tmp_path: Path,
) -> None:
    conflicted = make_conflicts(tmp_path)
    try:
        window = MainWindow(Config(), conflicted.store)
        qtbot.addWidget(window)
        window.resize(*SIZE)
        window.show()
        qtbot.waitExposed(window, timeout=WAIT_MS)
        page = window.page("conflicts")
        with qtbot.waitSignal(page.sig_conflicts_loaded, timeout=WAIT_MS):  # type: ignore[attr-defined]
            window.show_page("conflicts")
        assert len(page.cases()) == 1  # type: ignore[attr-defined]
        page.note_editor().setPlainText(  # type: ignore[attr-defined]
            "已电话联系2号窗口：申请人已在本窗口办结登记，2号窗口的不予登记系重复办理，"
            "以本窗口登记为准。"
        )
        qtbot.wait(150)
        image = window.grab().toImage()
        assert (image.width(), image.height()) == SIZE
        save(image, "conflicts.png", tmp_path)
        window.close()
    finally:
        from desktop.ui.background import wait_for_background_work

        assert wait_for_background_work(10_000)
        conflicted.store.close()
