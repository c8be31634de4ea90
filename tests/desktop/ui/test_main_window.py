"""The main window: navigation, keyboard shortcuts, honest unbuilt pages, status bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget

from desktop.config import Config
from desktop.store.db import Store
from desktop.ui.main_window import MainWindow, count_events_waiting
from desktop.ui.pages.search_page import SearchPage

# 审计 (issue 8) is listed last and shown only to a 管理员.
PAGE_TITLES = [
    "查询",
    "受理登记",
    "待办",
    "服务跟踪",
    "注销",
    "统计",
    "清单",
    "设置",
    "审计",
    "冲突复核",
]


@pytest.fixture
def window(qtbot, demo_store: Store) -> MainWindow:
    main_window = MainWindow(Config(counter_name="城关区公共就业服务中心 1号窗口"), demo_store)
    qtbot.addWidget(main_window)
    main_window.resize(1366, 768)
    main_window.show()
    qtbot.waitExposed(main_window, timeout=5000)
    return main_window


def navigation(window: MainWindow) -> QListWidget:
    found = window.findChild(QListWidget, "navigation")
    assert found is not None
    return found


def test_navigation_lists_the_work_areas_in_order(window: MainWindow) -> None:
    nav = navigation(window)
    assert [nav.item(row).text() for row in range(nav.count())] == PAGE_TITLES
    assert all(not nav.item(row).icon().isNull() for row in range(nav.count()))


def test_search_is_the_default_page(window: MainWindow) -> None:
    assert window.current_page_key() == "search"
    assert isinstance(window.page("search"), SearchPage)
    assert window.page("search").isVisible()


def test_clicking_navigation_switches_pages(qtbot, window: MainWindow) -> None:
    nav = navigation(window)
    rect = nav.visualItemRect(nav.item(4))
    with qtbot.waitSignal(window.sig_page_changed, timeout=1000) as blocker:
        qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["deregister"]
    assert window.page("deregister").isVisible()
    assert not window.page("search").isVisible()


@pytest.mark.parametrize("number", range(1, 11))
def test_ctrl_number_switches_to_that_page(qtbot, window: MainWindow, number: int) -> None:
    key = window.page_keys()[number - 1]
    if key == "search":
        window.show_page("settings")
    with qtbot.waitSignal(window.sig_page_changed, timeout=1000) as blocker:
        digit = Qt.Key(Qt.Key.Key_0 + number % 10)  # the tenth area is Ctrl+0
        qtbot.keyClick(window, digit, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [key]
    assert window.current_page_key() == key
    assert navigation(window).currentRow() == number - 1


def test_ctrl_f_goes_to_search_and_focuses_the_field(qtbot, window: MainWindow) -> None:
    window.show_page("statistics")
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "search"
    field = window.search_page().search_field()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=1000)


def test_status_bar_sections(qtbot, window: MainWindow) -> None:
    texts = window.status_bar().section_texts()
    assert texts["clerk"] == "经办人：未登录"
    assert texts["demo"] == "演示模式"
    assert texts["counter"] == "窗口：城关区公共就业服务中心 1号窗口"
    assert texts["reader"] == "读卡器：未配置"
    assert texts["sync"] == "同步：离线（未配置中心数据库）"


def test_background_loading_counts_the_events_waiting(
    qtbot, window: MainWindow, demo_store: Store
) -> None:
    expected = count_events_waiting(demo_store)
    assert expected > 0  # every demo event was made here and never pushed
    with qtbot.waitSignal(window.sig_background_loading_finished, timeout=5000):
        window.start_background_loading()
    assert window.status_bar().section_texts()["sync"] == (
        f"同步：离线（未配置中心数据库），待上传 {expected} 条"
    )


def test_count_of_events_waiting_ignores_pushed_ones(demo_store: Store) -> None:
    from sqlalchemy import select, update

    from desktop.store.models import Event

    total = count_events_waiting(demo_store)
    with demo_store.session() as session:
        first_seq = session.scalars(select(Event.seq).limit(3)).all()
        session.execute(update(Event).where(Event.seq.in_(first_seq)).values(pushed=True))
    assert count_events_waiting(demo_store) == total - 3


def test_empty_store_has_nothing_waiting(empty_store: Store) -> None:
    assert count_events_waiting(empty_store) == 0


def test_configured_central_database_is_not_pretended_online(qtbot, empty_store: Store) -> None:
    window = MainWindow(Config(central_url="postgresql://central/dengji", demo=False), empty_store)
    qtbot.addWidget(window)
    texts = window.status_bar().section_texts()
    assert texts["sync"] == "同步：离线（尚未连接中心数据库）"
    assert texts["demo"] == ""


def test_window_shown_before_the_database_is_open(qtbot, demo_store: Store) -> None:
    """run_gui shows the window first and hands it the store once opened off the GUI thread."""
    from PySide6.QtWidgets import QLabel

    window = MainWindow(Config())
    qtbot.addWidget(window)
    window.show()
    page = window.search_page()
    message = page.findChild(QLabel, "resultsMessage")
    assert not page.search_field().isEnabled()
    assert message.text() == "正在打开本地数据库……"
    window.start_background_loading()  # nothing to count yet: must not fail
    window.set_store(demo_store)
    assert page.search_field().isEnabled()
    assert message.text() == "输入身份证号码、姓名或手机号码开始查询"
    with qtbot.waitSignal(page.sig_search_finished, timeout=5000) as blocker:
        qtbot.keyClicks(page.search_field(), "13893112345")
    assert blocker.args == [1]
