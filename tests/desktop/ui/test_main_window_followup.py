"""The main window's 服务跟踪 and 注销 work areas (built after the first paint) and the person's
record opened from 查询 (Enter, double click), 待办 (Ctrl+O) and 服务跟踪."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.config import Config
from desktop.store.db import Store
from desktop.ui.main_window import DEFERRED_PAGES, MainWindow
from desktop.ui.pages.followup_page import DeregistrationPage, FollowupPage
from desktop.ui.pages.person_page import PersonRecordDialog
from tests.desktop.ui.demo_people import DEMO_PEOPLE

WAIT_MS = 10_000


@pytest.fixture
def window(qtbot, signed_in_clerk, demo_store: Store) -> MainWindow:
    main_window = MainWindow(Config(), demo_store)
    qtbot.addWidget(main_window)
    main_window.resize(1366, 768)
    main_window.show()
    qtbot.waitExposed(main_window, timeout=5000)
    return main_window


def test_followup_and_deregistration_are_deferred_pages() -> None:
    assert "service" in DEFERRED_PAGES and "deregister" in DEFERRED_PAGES


def test_the_pages_are_built_when_first_shown(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.sig_page_changed, timeout=1000):
        window.show_page("service")
    assert isinstance(window.page("service"), FollowupPage)
    assert window.page("service").isVisible()
    window.show_page("deregister")
    assert isinstance(window.page("deregister"), DeregistrationPage)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen, the 2nd open
def test_enter_on_a_search_result_opens_the_record(qtbot, window: MainWindow) -> None:
    page = window.search_page()
    with qtbot.waitSignal(page.sig_search_finished, timeout=WAIT_MS):
        page.search_field().setText(DEMO_PEOPLE[0].phone)
    view = page.results_view()
    view.selectRow(0)
    view.setFocus()
    with qtbot.waitSignal(window.sig_person_record_opened, timeout=WAIT_MS) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog = opened.args[0]
    assert isinstance(dialog, PersonRecordDialog)
    with qtbot.waitSignal(dialog.sig_record_loaded, timeout=WAIT_MS):
        pass
    assert dialog.record().name == DEMO_PEOPLE[0].name
    # Asked again, the same record comes forward instead of a second window.
    assert window.open_person_record(dialog.person_id()) is dialog
    dialog.close()


def test_double_click_on_a_search_result_opens_the_record(qtbot, window: MainWindow) -> None:
    page = window.search_page()
    with qtbot.waitSignal(page.sig_search_finished, timeout=WAIT_MS):
        page.search_field().setText(DEMO_PEOPLE[0].phone)
    view = page.results_view()
    rect = view.visualRect(view.model().index(0, 0))
    # A real double click starts with a press; QTest's double click alone has none.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.sig_person_record_opened, timeout=WAIT_MS) as opened:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    opened.args[0].close()


def test_ctrl_o_on_the_todo_list_opens_the_applicants_record(qtbot, window: MainWindow) -> None:
    todo = window.todo_page()
    with qtbot.waitSignal(todo.sig_todo_loaded, timeout=WAIT_MS):
        window.show_page("todo")
    todo.view().setFocus()
    with qtbot.waitSignal(window.sig_person_record_opened, timeout=WAIT_MS) as opened:
        qtbot.keyClick(todo.view(), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    dialog = opened.args[0]
    assert dialog.person_id() == todo.items()[0].person_id
    dialog.close()
