"""The 统计 page: report tables and charts from a real store, supervision cases behind a number,
the 三统一 check with its differences and 定稿, exports, and bad input shown in Chinese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.config import Config
from desktop.domain.roles import Role
from desktop.services.accounts import SignedInClerk
from desktop.services.demo import fill_demo_data
from desktop.store.db import Store, open_store
from desktop.ui.background import wait_for_background_work
from desktop.ui.pages.statistics_page import StatisticsPage
from tests.desktop.ui.clerks import signed_in

WAIT_MS = 20_000
STATISTICIAN = SignedInClerk("s1", "zhaomin", "赵敏", frozenset({Role.STATISTICIAN}))


def _last_month() -> dt.date:
    return dt.date.today().replace(day=1) - dt.timedelta(days=1)


@pytest.fixture
def county(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "county.sqlite3", node_id="statspage")
    fill_demo_data(store, Config(), persons=150)
    yield store
    assert wait_for_background_work(10_000)
    store.close()


@pytest.fixture
def page(qtbot, county: Store) -> StatisticsPage:
    statistics_page = StatisticsPage(Config(), county)
    qtbot.addWidget(statistics_page)
    statistics_page.resize(1100, 700)
    statistics_page.show()
    statistics_page.set_query(_last_month(), "620102")
    return statistics_page


def _compute(qtbot, page: StatisticsPage) -> object:
    with qtbot.waitSignal(page.sig_statistics_shown, timeout=WAIT_MS) as shown:
        page.refresh()
    return shown.args[0]


def test_the_report_tables_and_charts_show_the_report(qtbot, page: StatisticsPage) -> None:
    report = _compute(qtbot, page)
    table = page.report_table_widget()
    assert table.item(3, 0).text() == "本期末城镇登记失业人数"
    assert table.item(3, 1).text() == str(report.stock_end)  # type: ignore[attr-defined]
    trend, flows = page.charts()
    line = trend.chart().series()[0]
    assert [round(line.at(i).y()) for i in range(line.count())] == [
        p.stock_end
        for p in report.trend  # type: ignore[attr-defined]
    ]
    bar_sets = flows.chart().series()[0].barSets()
    assert [s.label() for s in bar_sets] == ["新增登记", "注销登记", "逾期办结"]
    assert "期末城镇登记失业" in page.message()


def test_a_supervision_number_opens_its_cases(qtbot, page: StatisticsPage) -> None:
    _compute(qtbot, page)
    table = page.supervision_table()
    assert table.rowCount() >= 1
    missed = int(table.item(0, 2).text())  # 当月未联系
    table.cellClicked.emit(0, 2)
    assert page.cases_table().rowCount() == missed


def test_check_finalise_refused_until_explained(qtbot, page: StatisticsPage, county: Store) -> None:
    with county.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE registration SET unemployment_cause = '99' WHERE id = (SELECT id FROM"
            " registration WHERE status = 'registered' ORDER BY number LIMIT 1)"
        )
    with qtbot.waitSignal(page.sig_check_finished, timeout=WAIT_MS) as finished:
        page.run_consistency_check()
    check = finished.args[0]
    assert not check.consistent
    differences = page.differences_widget()
    assert differences.rowCount() == len(check.differences)
    assert "失业原因" in differences.item(0, 2).text()
    with signed_in(STATISTICIAN):
        with qtbot.waitSignal(page.sig_failed, timeout=WAIT_MS) as failed:
            page.finalise_report()
        assert "未说明原因" in failed.args[0]
        for row in range(differences.rowCount()):
            page.set_explanation(row, "录入时选错代码，已核实更正")
        with qtbot.waitSignal(page.sig_finalised, timeout=WAIT_MS):
            page.finalise_report()


def test_a_check_far_behind_folds_off_the_database_thread_first(
    qtbot, page: StatisticsPage, county: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folds far behind the journal are prepared on a background thread (read snapshot) before
    the check runs on the database thread, which then folds nothing itself."""
    import threading

    import desktop.reports.consistency as consistency
    import desktop.ui.pages.statistics_page as statistics_page

    monkeypatch.setattr(statistics_page, "CHECK_PREPARES_FROM_EVENTS", 1)
    prepared_on: list[str] = []
    prepare = consistency.prepare_folds

    def prepare_and_note_the_thread(*args: object, **kwargs: object) -> object:
        prepared_on.append(threading.current_thread().name)
        return prepare(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(consistency, "prepare_folds", prepare_and_note_the_thread)
    with qtbot.waitSignal(page.sig_check_finished, timeout=WAIT_MS) as finished:
        page.run_consistency_check()
    assert finished.args[0].consistent
    assert prepared_on and prepared_on[0] != "dengji-db"
    assert page._folds.events_folded == 0  # the preparation folded the journal


def test_exports_write_the_files(qtbot, page: StatisticsPage, tmp_path: Path) -> None:
    report = _compute(qtbot, page)
    for name in ("m.xlsx", "m.pdf"):
        with qtbot.waitSignal(page.sig_exported, timeout=WAIT_MS):
            page.export_to(tmp_path / name)
    workbook = load_workbook(tmp_path / "m.xlsx")
    sheet = workbook[workbook.sheetnames[1]]
    assert sheet["B6"].value == report.stock_end  # type: ignore[attr-defined]
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("month", "region", "message"),
    [
        (dt.date(2099, 1, 1), "620102", "不能统计未来的月份"),
        (dt.date(2012, 1, 1), "620102", "没有登记失业数据"),
        (None, "629999", "不存在"),
    ],
)
def test_bad_input_is_shown_in_chinese(
    qtbot, page: StatisticsPage, month: dt.date | None, region: str, message: str
) -> None:
    page.set_query(month or _last_month(), region)
    with qtbot.waitSignal(page.sig_failed, timeout=WAIT_MS) as failed:
        page.refresh()
    assert message in failed.args[0]
    assert message in page.message()
