"""The monthly report of 城镇登记失业人员: SQL and Python give the same figures, the figures add
up, and the population is the urban one (notice §6)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.reports.facts import RegistrationFacts, load_facts
from desktop.reports.monthly import (
    age_band,
    compute_monthly_report,
    duration_band,
    education_group,
    monthly_report,
)
from desktop.reports.period import PeriodScheme, ReportError, reporting_period
from desktop.store.db import Store
from tests.desktop.reports.conftest import MONTH, REGION, TODAY


@pytest.mark.parametrize("scheme", list(PeriodScheme))
@pytest.mark.parametrize("month", ["2025-11", "2025-06", "2024-12", "2025-12"])
def test_sql_and_python_make_the_same_report(
    county_store: Store, month: str, scheme: PeriodScheme
) -> None:
    with county_store.session(write=False) as session:
        by_sql = monthly_report(session, month, REGION, scheme=scheme, today=TODAY)
        period = reporting_period(month, scheme)
        by_python = compute_monthly_report(load_facts(session, REGION), REGION, period, as_of=TODAY)
    assert by_sql.figures() == by_python.figures()
    assert by_sql.trend == by_python.trend
    assert by_sql.stock_end > 0


def test_the_figures_add_up(county_store: Store) -> None:
    with county_store.session(write=False) as session:
        report = monthly_report(session, MONTH, REGION, today=TODAY)
    assert report.stock_end == report.stock_start + report.inflow - report.outflow
    assert report.trend[-1].stock_end == report.stock_end
    assert report.trend[-2].stock_end == report.stock_start
    assert report.outflow_by_reason.total == report.outflow
    assert report.inflow_by_cause.total == report.inflow
    for key in ("sex", "age", "education", "cause", "duration"):
        assert report.breakdown(key).total == report.stock_end, key
    assert report.stock_end <= report.stock_end_all
    assert report.complete


def test_tables_carry_the_same_numbers_as_the_figures(county_store: Store) -> None:
    with county_store.session(write=False) as session:
        report = monthly_report(session, MONTH, REGION, today=TODAY)
    tables = {table.key: table for table in report.tables()}
    assert tables["summary"].rows[3] == ("本期末城镇登记失业人数", report.stock_end)
    sex = dict((row[0], row[1]) for row in tables["sex"].rows)
    assert sex["男"] == report.figures()["sex.1"]
    assert sex["合计"] == report.stock_end
    assert len(tables["trend"].rows) == 12


def test_the_running_month_is_marked_as_of_today(county_store: Store) -> None:
    with county_store.session(write=False) as session:
        report = monthly_report(session, "2025-12", REGION, today=TODAY)
    assert not report.complete
    assert any("本月尚未结束" in note for note in report.notes)


def test_a_month_without_data_gets_a_clear_message(county_store: Store) -> None:
    with county_store.session(write=False) as session, pytest.raises(ReportError) as refused:
        monthly_report(session, "2019-03", REGION, today=TODAY)
    assert "没有登记失业数据" in refused.value.message
    assert "2019年3月" in refused.value.message


def test_a_region_without_data_gets_a_clear_message(county_store: Store) -> None:
    with county_store.session(write=False) as session, pytest.raises(ReportError) as refused:
        monthly_report(session, MONTH, "622901", today=TODAY)  # 临夏市: not this counter's
    assert "临夏" in refused.value.message


def test_unknown_region_and_future_month_are_refused(county_store: Store) -> None:
    with county_store.session(write=False) as session:
        with pytest.raises(ReportError, match="不存在"):
            monthly_report(session, MONTH, "620199", today=TODAY)
        with pytest.raises(ReportError, match="未来"):
            monthly_report(session, "2026-02", REGION, today=TODAY)


def _fact(number: str, **changes: object) -> RegistrationFacts:
    base = RegistrationFacts(
        registration_id=number,
        number=number,
        person_id="p" + number,
        region=REGION,
        counter_id="c1",
        status="registered",
        applied_on="2025-10-01",
        registered_on="2025-10-03",
        rejected_on=None,
        deregistered_on=None,
        deregistration_reason=None,
        unemployed_since="2025-09-01",
        unemployment_cause="02",
        difficulty_categories=(),
        sex="2",
        birth_date="1985-11-30",
        education="31",
        residence_urban=True,
        person_found=True,
    )
    return base._replace(**changes)


def test_only_urban_residents_count_and_unknown_ones_are_noted() -> None:
    facts = [
        _fact("1"),
        _fact("2", residence_urban=False),  # rural: in the 城乡合计 only
        _fact("3", residence_urban=None),  # unknown: noted, counted in neither
        _fact("4", status="deregistered", deregistered_on="2025-11-15", deregistration_reason="21"),
        _fact("5", registered_on="2025-11-20", difficulty_categories=("01", "05")),
    ]
    report = compute_monthly_report(
        facts, REGION, reporting_period("2025-11"), as_of=dt.date(2025, 12, 10)
    )
    assert (report.stock_start, report.inflow, report.outflow, report.stock_end) == (2, 1, 1, 2)
    assert report.stock_end_all == 4
    assert report.stock_end_urban_unknown == 1
    assert report.outflow_by_reason.count("21") == 1
    assert report.breakdown("difficulty").count("any") == 1
    assert report.breakdown("difficulty").count("05") == 1
    assert any("未填写常住地城乡属性" in note for note in report.notes)


def test_age_duration_and_education_bands() -> None:
    assert age_band("1985-11-30", "2025-11-30") == "35-44"  # 40 on the last day
    assert age_band("1971-12-01", "2025-11-30") == "45-54"  # 53, not yet 54
    assert age_band("1970-11-30", "2025-11-30") == "55+"
    assert age_band(None, "2025-11-30") == "unknown"
    assert duration_band("2025-09-01", "2025-11-30") == "0-2"
    assert duration_band("2025-08-30", "2025-11-30") == "3-5"
    assert duration_band("2023-01-01", "2025-11-30") == "24+"
    assert education_group("31") == "30"
    assert education_group("") == "unknown"
    assert education_group("55") == "90"


def _months_before(day: str, months: int) -> str:
    index = int(day[:4]) * 12 + int(day[5:7]) - 1 - months
    return dt.date(index // 12, index % 12 + 1, int(day[8:10])).isoformat()


def _edge_rows(end: str) -> list[tuple[str, dict[str, object]]]:
    """Projection changes at the band and period edges (the SQL compares boundary dates)."""
    year = int(end[:4])
    md = end[4:]
    return [
        ("person", {"birth_date": f"{year - 25}{md}"}),  # 25 on the last day
        ("person", {"birth_date": f"{year - 25}-12-31"}),  # still 24
        ("person", {"birth_date": f"{year - 55}{md}", "sex": None}),
        ("person", {"birth_date": "1800-01-01", "education": "55"}),  # over 200; odd code
        ("person", {"birth_date": "2012-02-29", "education": ""}),  # under 16
        ("person", {"residence_urban": None}),
        ("person", {"residence_urban": 0}),
        ("person", {"sex": "9"}),
        ("registration", {"unemployed_since": _months_before(end, 3)}),  # exactly 3 months
        ("registration", {"unemployed_since": _months_before(end, 24)}),
        ("registration", {"unemployed_since": ""}),
        ("registration", {"unemployed_since": None}),
        ("registration", {"unemployed_since": f"{year - 2}{md}"}),
        ("registration", {"status": "deregistered", "deregistered_on": end}),
        ("registration", {"status": "deregistered", "deregistered_on": None}),
        ("registration", {"deregistration_reason": None, "status": "deregistered"}),
        ("registration", {"difficulty_categories": '["01","05","77"]'}),
        ("registration", {"difficulty_categories": "not json"}),
        ("registration", {"unemployment_cause": ""}),
        ("registration", {"unemployment_cause": "X1"}),
    ]


@pytest.mark.parametrize("scheme", list(PeriodScheme))
@pytest.mark.parametrize("month", ["2025-11", "2025-02", "2025-12"])
def test_sql_and_python_agree_at_the_edges(county: Store, month: str, scheme: PeriodScheme) -> None:
    """Birthdays and durations on the boundary days, missing and odd values."""
    period = reporting_period(month, scheme)
    end = min(period.end, TODAY).isoformat()
    with county.session() as session:
        connection = session.connection()
        ids = connection.exec_driver_sql(
            "SELECT id, person_id FROM registration WHERE status = 'registered'"
            " AND registered_on < ? ORDER BY number LIMIT 40",
            (period.start.isoformat(),),
        ).all()
        for (registration_id, person_id), (table, changes) in zip(
            ids, _edge_rows(end), strict=False
        ):
            key = registration_id if table == "registration" else person_id
            assignments = ", ".join(f"{column} = ?" for column in changes)
            connection.exec_driver_sql(
                f"UPDATE {table} SET {assignments} WHERE id = ?", (*changes.values(), key)
            )
        # A registration dated after today counts nowhere yet (running month only).
        connection.exec_driver_sql(
            "UPDATE registration SET registered_on = ? WHERE id = ?",
            ((TODAY + dt.timedelta(days=3)).isoformat(), ids[-1][0]),
        )
    with county.session(write=False) as session:
        by_sql = monthly_report(session, month, REGION, scheme=scheme, today=TODAY)
        by_python = compute_monthly_report(load_facts(session, REGION), REGION, period, as_of=TODAY)
    assert by_sql.figures() == by_python.figures()
    assert by_sql.trend == by_python.trend
