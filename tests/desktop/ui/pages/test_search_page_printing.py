"""打印/预览 on the 查询 page: the documents offered fit the person's latest registration, and
picking one opens the document dialog for that person."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.config import Config
from desktop.store.db import Store
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.search_page import SearchPage
from tests.desktop.ui.demo_people import DEMO_PEOPLE, record_demo_people

WAIT_MS = 20_000
LISTS = ["policy-list", "service-list", "agency-list"]


@pytest.fixture(autouse=True)
def no_print_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))


@pytest.fixture
def person_ids(empty_store: Store) -> dict[str, str]:
    return record_demo_people(empty_store)


@pytest.fixture
def page(qtbot, empty_store: Store, person_ids: dict[str, str]) -> SearchPage:
    search_page = SearchPage(empty_store)
    qtbot.addWidget(search_page)
    search_page.resize(1100, 700)
    search_page.show()
    return search_page


def open_by_name(qtbot, page: SearchPage, name: str) -> None:
    person = next(p for p in DEMO_PEOPLE if p.name == name)
    with qtbot.waitSignal(page.sig_history_shown, timeout=WAIT_MS):
        page.open_person(person.id_number)


def test_nothing_to_print_before_a_person_is_chosen(page: SearchPage) -> None:
    assert not page.print_button().isEnabled()
    assert page.printable_documents() == []


@pytest.mark.parametrize(
    ("name", "documents"),
    [
        ("马建国", ["registration-form", "commitment", *LISTS]),  # registered
        ("马建华", ["registration-form", "commitment", *LISTS]),  # applied
        ("王芳", ["registration-form", *LISTS]),  # rejected
        ("张伟", ["registration-form", "deregistration-notice", *LISTS]),  # deregistered
        ("赵丽", LISTS),  # no registration
    ],
)
def test_the_documents_offered_fit_the_latest_registration(
    qtbot, page: SearchPage, name: str, documents: list[str]
) -> None:
    open_by_name(qtbot, page, name)
    assert page.print_button().isEnabled()
    assert page.printable_documents() == documents


def test_the_menu_names_the_documents_and_separates_the_lists(qtbot, page: SearchPage) -> None:
    open_by_name(qtbot, page, "马建国")
    menu = page.print_button().menu()
    menu.aboutToShow.emit()
    texts = [action.text() for action in menu.actions()]
    assert texts == [
        "就业失业登记表",
        "书面承诺书",
        "",
        "政策清单",
        "服务清单",
        "公共就业服务机构清单",
    ]
    assert menu.actions()[2].isSeparator()


def test_picking_a_document_asks_for_it_for_that_person(
    qtbot, page: SearchPage, person_ids: dict[str, str]
) -> None:
    open_by_name(qtbot, page, "马建国")
    menu = page.print_button().menu()
    menu.aboutToShow.emit()
    commitment = next(a for a in menu.actions() if a.objectName() == "print_commitment")
    with qtbot.waitSignal(page.sig_document_requested, timeout=WAIT_MS) as blocker:
        commitment.trigger()
    assert blocker.args == ["commitment", person_ids["马建国"]]


def test_open_person_selects_them_and_shows_their_history(
    qtbot, page: SearchPage, person_ids: dict[str, str]
) -> None:
    with qtbot.waitSignal(page.sig_history_shown, timeout=WAIT_MS) as blocker:
        page.open_person(next(p for p in DEMO_PEOPLE if p.name == "李秀英").id_number)
    assert blocker.args == [person_ids["李秀英"]]
    assert page.results_view().selectionModel().selectedRows()[0].row() == 0


def test_the_main_window_opens_the_document_dialog(
    qtbot, empty_store: Store, person_ids: dict[str, str], signed_in_clerk: object
) -> None:
    window = MainWindow(Config(), empty_store)
    qtbot.addWidget(window)
    window.show()
    page = window.search_page()
    open_by_name(qtbot, page, "马建国")
    with qtbot.waitSignal(window.sig_document_dialog_opened, timeout=WAIT_MS) as opened:
        page.request_document("commitment")
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.rendered() is not None, timeout=WAIT_MS)
    assert dialog.rendered().person_id == person_ids["马建国"]
    assert dialog.rendered().subject == "620102-001-000001"
    assert dialog.windowModality() == Qt.WindowModality.NonModal
    dialog.close()
