"""The status bar's 经办人 section follows the ClerkSession from the start: a clerk signed in
before the window was made is shown (docs/screenshots/followup.png once read 未登录)."""

from __future__ import annotations

from pathlib import Path

from desktop.config import Config
from desktop.store.db import open_store
from desktop.ui.clerk_session import ClerkSession, clerk_label, clerk_session
from desktop.ui.main_window import MainWindow
from desktop.ui.status_bar import DengjiStatusBar
from tests.desktop.ui.clerks import COUNTY_STAFF, signed_in


def test_a_clerk_signed_in_before_the_bar_is_shown_at_once(qtbot) -> None:
    session = ClerkSession()
    session.set_clerk(COUNTY_STAFF)
    bar = DengjiStatusBar("城关区1号窗口", demo=False, session=session)
    qtbot.addWidget(bar)
    assert bar.section_texts()["clerk"] == "经办人：王丽娟（窗口经办、审核、管理员）"
    session.set_clerk(None)
    assert bar.section_texts()["clerk"] == "经办人：未登录"
    session.set_clerk(COUNTY_STAFF)
    assert bar.section_texts()["clerk"] == f"经办人：{clerk_label(COUNTY_STAFF)}"


def test_the_main_window_made_after_the_sign_in_shows_the_clerk(qtbot, tmp_path: Path) -> None:
    store = open_store(tmp_path / "counter.sqlite3", node_id="testcounter")
    try:
        with signed_in(COUNTY_STAFF):
            window = MainWindow(Config(), store)  # no IdleLock: nothing else tells the bar
            qtbot.addWidget(window)
            assert window.status_bar().section_texts()["clerk"] == (
                f"经办人：{clerk_label(COUNTY_STAFF)}"
            )
        assert clerk_session().clerk is None
        assert window.status_bar().section_texts()["clerk"] == "经办人：未登录"
    finally:
        window.close()
        store.close()
