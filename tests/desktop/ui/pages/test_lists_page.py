"""The 清单 page over a real store: seeded lists in three tabs, add / edit / deactivate with a
journal event each, refusals shown in the dialog, and 预览打印 of each list."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton
from sqlalchemy import select

from desktop.config import Config
from desktop.store.db import Store
from desktop.store.models import Event, PolicyItem
from desktop.ui.pages.lists_page import ListsPage, ReferenceEntryDialog, ReferenceListTab
from printing import reference_lists as seed

WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def no_print_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))


@pytest.fixture
def page(qtbot, empty_store: Store, signed_in_clerk: object) -> ListsPage:
    lists_page = ListsPage(Config(), None)
    qtbot.addWidget(lists_page)
    lists_page.resize(1200, 700)
    lists_page.show()
    with qtbot.waitSignal(lists_page.sig_lists_loaded, timeout=WAIT_MS):
        lists_page.set_store(empty_store)
    return lists_page


def rows(tab: ReferenceListTab) -> list[list[str]]:
    model = tab.model()
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def button(tab: ReferenceListTab, name: str) -> QPushButton:
    found = tab.findChild(QPushButton, name)
    assert found is not None, name
    return found


def open_entry_dialog(qtbot, page: ListsPage, tab: ReferenceListTab, name: str):  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button(tab, name), Qt.MouseButton.LeftButton)
    dialogs = [d for d in page.open_dialogs() if isinstance(d, ReferenceEntryDialog)]
    assert len(dialogs) == 1
    return dialogs[0]


def reference_events(store: Store) -> list[Event]:
    with store.session(write=False) as session:
        return list(
            session.scalars(
                select(Event).where(Event.kind == "reference.changed").order_by(Event.seq)
            )
        )


def test_a_new_database_gets_the_seed_lists_in_three_tabs(page: ListsPage) -> None:
    tabs = page.tabs()
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "政策清单",
        "服务清单",
        "公共就业服务机构清单",
    ]
    policy = page.tab("policy")
    model = policy.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [*seed.POLICY_COLUMNS, "状态"]
    assert [row[0] for row in rows(policy)] == [p.name for p in seed.load_policies()]
    assert {row[-1] for row in rows(policy)} == {"启用"}
    assert len(rows(page.tab("service"))) == len(seed.load_services())
    agency_headers = page.tab("agency").model().headerData(0, Qt.Orientation.Horizontal)
    assert agency_headers == "机构名称"


def test_the_selected_row_is_shown_in_full_under_the_table(page: ListsPage) -> None:
    tab = page.tab("policy")
    assert tab.details_text() == ""
    tab.view().selectRow(0)
    first = seed.load_policies()[0]
    assert f"政策内容：{first.content}" in tab.details_text()
    assert f"受理机构：{first.accepting_agency}" in tab.details_text()


def test_the_page_waits_for_the_database(qtbot) -> None:
    page = ListsPage(Config(), None)
    qtbot.addWidget(page)
    assert not button(page.tab("policy"), "addButton").isEnabled()
    message = page.findChild(QLabel, "listsMessage")
    assert message is not None and message.text() == "正在打开本地数据库……"


def test_adding_a_service_saves_it_records_it_and_selects_it(
    qtbot, page: ListsPage, empty_store: Store
) -> None:
    tab = page.tab("service")
    page.tabs().setCurrentWidget(tab)
    dialog = open_entry_dialog(qtbot, page, tab, "addButton")
    dialog.editor("item").setText("求职登记")
    dialog.editor("audience").setPlainText("有就业要求的劳动者")
    dialog.editor("content").setPlainText("登记求职意向，推荐适合的岗位。")
    with qtbot.waitSignal(page.sig_entry_saved, timeout=WAIT_MS) as blocker:
        dialog.submit()
    assert not dialog.isVisible()
    assert rows(tab)[-1] == [
        "求职登记",
        "有就业要求的劳动者",
        "登记求职意向，推荐适合的岗位。",
        "启用",
    ]
    selected = tab.selected_entry()
    assert selected is not None and selected.id == blocker.args[1]
    (event,) = reference_events(empty_store)
    assert event.payload["list"] == "service" and event.payload["action"] == "added"


def test_an_edit_with_an_empty_column_is_refused_in_the_dialog(
    qtbot, page: ListsPage, empty_store: Store
) -> None:
    tab = page.tab("policy")
    tab.view().selectRow(0)
    dialog = open_entry_dialog(qtbot, page, tab, "editButton")
    assert dialog.editor("name").text() == seed.load_policies()[0].name
    dialog.editor("name").setText("   ")
    with qtbot.waitSignal(page.sig_save_failed, timeout=WAIT_MS) as blocker:
        dialog.submit()
    assert blocker.args[0] == "未保存：政策清单的“政策名称”不能为空"
    assert dialog.isVisible() and dialog.error_text() == blocker.args[0]
    assert dialog.editor("content").toPlainText() == seed.load_policies()[0].content  # kept
    with empty_store.session(write=False) as session:
        names = set(session.scalars(select(PolicyItem.name)))
    assert seed.load_policies()[0].name in names
    assert reference_events(empty_store) == []
    dialog.reject()


def test_editing_changes_the_row(qtbot, page: ListsPage) -> None:
    tab = page.tab("agency")
    tab.view().selectRow(1)
    dialog = open_entry_dialog(qtbot, page, tab, "editButton")
    dialog.editor("phone").setText("0931-8888888")
    with qtbot.waitSignal(page.sig_entry_saved, timeout=WAIT_MS):
        dialog.submit()
    assert rows(tab)[1][2] == "0931-8888888"
    assert tab.selected_entry() is not None and tab.selected_entry().values["phone"] == (
        "0931-8888888"
    )


def test_deactivated_rows_leave_the_list_and_can_come_back(qtbot, page: ListsPage) -> None:
    tab = page.tab("policy")
    first_name = rows(tab)[0][0]
    tab.view().selectRow(0)
    with qtbot.waitSignal(page.sig_entry_saved, timeout=WAIT_MS):
        qtbot.mouseClick(button(tab, "activeButton"), Qt.MouseButton.LeftButton)
    assert first_name not in [row[0] for row in rows(tab)]
    show_inactive = tab.findChild(QCheckBox, "showInactive")
    assert show_inactive is not None
    show_inactive.setChecked(True)
    deactivated = [row for row in rows(tab) if row[0] == first_name]
    assert deactivated and deactivated[0][-1] == "已停用"
    row = next(i for i, r in enumerate(rows(tab)) if r[0] == first_name)
    tab.view().selectRow(row)
    assert button(tab, "activeButton").text() == "启用"
    with qtbot.waitSignal(page.sig_entry_saved, timeout=WAIT_MS):
        qtbot.mouseClick(button(tab, "activeButton"), Qt.MouseButton.LeftButton)
    assert rows(tab)[row][-1] == "启用"


@pytest.mark.parametrize("list_key", ["policy", "service", "agency"])
def test_preview_print_shows_the_list_as_printed(qtbot, page: ListsPage, list_key: str) -> None:
    tab = page.tab(list_key)
    with qtbot.waitSignal(page.sig_document_dialog_opened, timeout=WAIT_MS) as opened:
        qtbot.mouseClick(button(tab, "printButton"), Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.rendered() is not None, timeout=WAIT_MS)
    assert dialog.preview().page_count() >= 1
    assert dialog.rendered().name == f"{list_key}-list"
    dialog.close()
