"""Reporting months (calendar and 21st–20th) and the region codes a report may cover."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from desktop.reports.period import (
    PeriodScheme,
    ReportError,
    check_region,
    parse_month,
    reporting_period,
    trend_periods,
)


def test_calendar_month_runs_first_to_last_day() -> None:
    period = reporting_period("2024-02")
    assert (period.start, period.end) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert period.label == "2024年2月"


def test_the_21st_to_20th_month_starts_in_the_month_before() -> None:
    period = reporting_period("2025-01", PeriodScheme.DAY_21)
    assert (period.start, period.end) == (dt.date(2024, 12, 21), dt.date(2025, 1, 20))
    assert "2024.12.21" in period.label


def test_trend_periods_are_consecutive_and_end_with_the_month() -> None:
    periods = trend_periods(reporting_period("2025-03", PeriodScheme.DAY_21), 4)
    assert [p.key for p in periods] == ["2024-12", "2025-01", "2025-02", "2025-03"]
    for earlier, later in itertools.pairwise(periods):
        assert later.start == earlier.end + dt.timedelta(days=1)


@pytest.mark.parametrize("text", ["2025/06", "202506", "2025-13", "June", ""])
def test_a_malformed_month_is_refused_in_chinese(text: str) -> None:
    with pytest.raises(ReportError) as refused:
        parse_month(text)
    assert "统计月份" in refused.value.message


def test_a_future_month_is_refused() -> None:
    with pytest.raises(ReportError) as refused:
        reporting_period("2026-01", today=dt.date(2025, 12, 10))
    assert "不能统计未来的月份" in refused.value.message


def test_the_current_month_is_allowed_but_not_complete() -> None:
    period = reporting_period("2025-12", today=dt.date(2025, 12, 10))
    assert not period.is_complete(dt.date(2025, 12, 10))


@pytest.mark.parametrize(
    ("code", "words"),
    [("629999", "不存在"), ("110000", "不属于甘肃省"), ("62010", "6位数字"), ("abc", "6位数字")],
)
def test_a_region_that_does_not_exist_is_refused(code: str, words: str) -> None:
    with pytest.raises(ReportError) as refused:
        check_region(code)
    assert words in refused.value.message


@pytest.mark.parametrize("code", ["620102", "620100", "620000", "620171"])
def test_province_city_county_and_new_area_are_regions(code: str) -> None:
    assert check_region(f" {code} ") == code
