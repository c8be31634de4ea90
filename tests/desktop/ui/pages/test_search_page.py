"""The 查询 page finds people in a real store as the clerk types, and shows their history."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

import desktop.store.queries
from desktop.store.db import Store
from desktop.ui.pages.search_page import SEARCH_LIMIT, SearchPage
from tests.desktop.ui.demo_people import DEMO_PEOPLE, DemoPerson, record_person
from tests.widgets.input_method import commit_from_input_method

SEARCH_TIMEOUT_MS = 5000


def person(name: str) -> DemoPerson:
    return next(p for p in DEMO_PEOPLE if p.name == name)


@pytest.fixture
def page(qtbot, demo_store: Store) -> SearchPage:
    search_page = SearchPage(demo_store)
    qtbot.addWidget(search_page)
    search_page.resize(1100, 700)
    search_page.show()
    return search_page


def type_and_wait(qtbot, page: SearchPage, text: str) -> int:
    """Type into the search field like a clerk; the number of people found."""
    field = page.search_field()
    field.clear()
    with qtbot.waitSignal(page.sig_search_finished, timeout=SEARCH_TIMEOUT_MS) as blocker:
        if text.isascii():
            qtbot.keyClicks(field, text)
        else:
            commit_from_input_method(field, text)
    return blocker.args[0]


def shown_rows(page: SearchPage) -> list[list[str]]:
    model = page.results_view().model()
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def label_text(page: SearchPage, name: str) -> str:
    label = page.findChild(QLabel, name)
    assert label is not None, name
    return label.text()


def test_finds_a_person_by_full_id_number(qtbot, page: SearchPage) -> None:
    target = person("李秀英")
    assert type_and_wait(qtbot, page, target.id_number) == 1
    [row] = shown_rows(page)
    assert row[0] == "李秀英"
    assert row[1] == target.id_number[:4] + "*" * 10 + target.id_number[-4:]
    assert row[2] == "女"
    assert row[3] == "1985-03-08"
    assert row[4] == "189****4521"
    assert row[5] == "兰州市七里河区"
    assert row[6] == "620102-001-000003"
    assert row[7] == "已核实"
    assert label_text(page, "resultCount") == "共找到 1 人"


def test_finds_people_by_the_start_of_a_name(qtbot, page: SearchPage) -> None:
    assert type_and_wait(qtbot, page, "马建") == 2
    assert sorted(row[0] for row in shown_rows(page)) == ["马建华", "马建国"]
    statuses = {row[0]: row[7] for row in shown_rows(page)}
    assert statuses == {"马建国": "已登记", "马建华": "已受理待核实"}


def test_finds_a_person_by_phone_number(qtbot, page: SearchPage) -> None:
    assert type_and_wait(qtbot, page, "13893112345") == 1
    assert shown_rows(page)[0][0] == "马建国"
    assert shown_rows(page)[0][4] == "138****2345"


def test_shows_every_registration_status_in_chinese(qtbot, page: SearchPage) -> None:
    expected = {
        "王芳": "不予登记",
        "张伟": "已注销",
        "赵丽": "无登记记录",
    }
    for name, status in expected.items():
        assert type_and_wait(qtbot, page, name) == 1
        assert shown_rows(page)[0][7] == status


def test_no_match_says_so(qtbot, page: SearchPage) -> None:
    assert type_and_wait(qtbot, page, "欧阳") == 0
    assert label_text(page, "resultsMessage") == "未找到匹配的人员"
    assert page.findChild(QLabel, "resultsMessage").isVisible()
    assert not page.results_view().isVisible()


def test_selecting_a_person_shows_their_history(qtbot, page: SearchPage) -> None:
    target = person("张伟")
    type_and_wait(qtbot, page, "张伟")
    with qtbot.waitSignal(page.sig_history_shown, timeout=SEARCH_TIMEOUT_MS):
        page.results_view().selectRow(0)
    model = page.history_view().model()
    kinds = [model.index(row, 1).data() for row in range(model.rowCount())]
    assert kinds == ["注销", "登记", "核实", "申请受理", "建立档案"]
    assert model.index(0, 2).data() == "620102-001-000005"
    assert model.index(0, 3).data() == "王丽娟"
    assert "被用人单位录用" in model.index(0, 4).data()
    assert len(model.index(0, 0).data()) == len("2025-01-01 12:00")
    # The record's summary names the ID number: it is shown masked, like everywhere else.
    summary = model.index(4, 4).data()
    assert target.id_number not in summary
    assert target.id_number[-4:] in summary
    assert label_text(page, "historyPersonName") == "张伟"
    assert label_text(page, "historyPersonIdNumber").startswith("6201****")
    assert page.history_view().isVisible()


def test_person_without_history_beyond_the_record(qtbot, page: SearchPage) -> None:
    type_and_wait(qtbot, page, "赵丽")
    with qtbot.waitSignal(page.sig_history_shown, timeout=SEARCH_TIMEOUT_MS):
        page.results_view().selectRow(0)
    assert page.history_view().model().rowCount() == 1


def test_enter_selects_the_first_row(qtbot, page: SearchPage) -> None:
    type_and_wait(qtbot, page, "马建")
    with qtbot.waitSignal(page.sig_history_shown, timeout=SEARCH_TIMEOUT_MS):
        qtbot.keyClick(page.search_field(), Qt.Key.Key_Return)
    selected = page.results_view().selectionModel().selectedRows()
    assert [index.row() for index in selected] == [0]
    assert page.results_view().hasFocus()


def test_enter_before_the_results_arrive_selects_once_they_do(qtbot, page: SearchPage) -> None:
    field = page.search_field()
    with qtbot.waitSignal(page.sig_history_shown, timeout=SEARCH_TIMEOUT_MS):
        qtbot.keyClicks(field, "13609318870")
        qtbot.keyClick(field, Qt.Key.Key_Return)  # within the debounce interval
    assert shown_rows(page)[0][0] == "王芳"
    assert page.results_view().selectionModel().selectedRows()[0].row() == 0


def test_wrong_check_digit_is_reported_while_typing(qtbot, page: SearchPage) -> None:
    good = person("马建国").id_number
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    type_and_wait(qtbot, page, wrong)
    feedback = page.findChild(QLabel, "idNumberFeedback")
    assert feedback.isVisible()
    assert "校验码" in feedback.text()
    assert "border" in page.search_field().styleSheet()
    qtbot.keyClick(page.search_field(), Qt.Key.Key_Backspace)
    assert not feedback.isVisible()


def test_search_runs_on_the_database_thread(
    qtbot, page: SearchPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    real_search = desktop.store.queries.search_persons

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_search(*args, **kwargs)

    monkeypatch.setattr(desktop.store.queries, "search_persons", spy)
    type_and_wait(qtbot, page, "王芳")
    assert threads == ["dengji-db"]


def test_typing_fast_runs_one_search_and_shows_the_last_text(
    qtbot, page: SearchPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts: list[str] = []
    real_search = desktop.store.queries.search_persons

    def spy(session, text, limit=50):
        texts.append(text)
        return real_search(session, text, limit)

    monkeypatch.setattr(desktop.store.queries, "search_persons", spy)
    assert type_and_wait(qtbot, page, "1389311") == 1
    assert texts == ["1389311"]  # debounced: not one query per keystroke
    assert shown_rows(page)[0][0] == "马建国"


def test_clearing_the_field_clears_results_and_history(qtbot, page: SearchPage) -> None:
    type_and_wait(qtbot, page, "马建")
    with qtbot.waitSignal(page.sig_history_shown, timeout=SEARCH_TIMEOUT_MS):
        page.results_view().selectRow(0)
    page.search_field().clear()
    qtbot.waitUntil(lambda: page.results_view().model().rowCount() == 0, timeout=SEARCH_TIMEOUT_MS)
    assert page.history_view().model().rowCount() == 0
    assert label_text(page, "resultCount") == ""
    assert label_text(page, "historyPersonName") == ""


def test_many_matches_are_capped_and_the_clerk_told(qtbot, demo_store: Store) -> None:
    for sequence in range(SEARCH_LIMIT + 5):
        record_person(
            demo_store,
            DemoPerson(
                "刘洋",
                "1",
                person("马建国").birth_date,
                "13000000000",
                "620102",
                None,
                500 + sequence * 2 + 1,
            ),
            registration_number="",
        )
    page = SearchPage(demo_store)
    qtbot.addWidget(page)
    page.show()
    assert type_and_wait(qtbot, page, "刘洋") == SEARCH_LIMIT
    assert str(SEARCH_LIMIT) in label_text(page, "resultCount")
    assert "更完整" in label_text(page, "resultCount")


def test_a_failed_search_is_shown_not_hidden(qtbot, page: SearchPage, demo_store: Store) -> None:
    demo_store.close()  # the database is gone: the search must say so in Chinese
    type_and_wait_for_failure = page.search_field()
    qtbot.keyClicks(type_and_wait_for_failure, "13893112345")
    qtbot.waitUntil(
        lambda: label_text(page, "resultCount") == "查询失败", timeout=SEARCH_TIMEOUT_MS
    )
    assert "数据库已关闭" in label_text(page, "resultsMessage")
