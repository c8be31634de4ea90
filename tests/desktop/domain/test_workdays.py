"""Tests for the working-day calendar and the registration deadline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from desktop.domain.workdays import (
    Deadline,
    HolidayEntry,
    HolidayTable,
    HolidayTableError,
    RegionCodeError,
    WorkdayCalendar,
    WorkdayError,
    add_workdays,
    parse_holiday_kind,
    region_contains,
    region_prefix,
    registration_deadline,
)

LINXIA_PREFECTURE = "622900"
LINXIA_COUNTY = "622921"
CHENGGUAN_LANZHOU = "620102"


def nationwide(day: date, kind: str, name: str) -> HolidayEntry:
    return HolidayEntry(day=day, kind=parse_holiday_kind(kind), region_code=None, name=name)


@pytest.mark.parametrize(
    ("accepted", "due"),
    [
        (date(2025, 9, 30), date(2025, 10, 16)),
        (date(2025, 1, 24), date(2025, 2, 10)),
        (date(2026, 2, 13), date(2026, 3, 2)),
        (date(2026, 9, 18), date(2026, 9, 29)),
    ],
)
def test_reference_cases(accepted: date, due: date) -> None:
    assert registration_deadline(accepted) == Deadline(due=due, provisional=False, working_days=7)


def test_from_a_holiday_is_not_find_workday() -> None:
    # 2025-10-04 is inside the 国庆/中秋 break (10-01..10-08). Working days after it:
    # 10-09 (1), 10-10 (2), 10-11 Sat 调休 (3), 10-13 (4), 10-14 (5), 10-15 (6), 10-16 (7).
    listed = [date(2025, 10, d) for d in (9, 10, 11, 13, 14, 15, 16)]
    calendar = WorkdayCalendar()
    assert all(calendar.is_workday(d) for d in listed)
    assert not any(calendar.is_workday(date(2025, 10, d)) for d in (5, 6, 7, 8, 12))
    assert add_workdays(date(2025, 10, 4), 7).due == date(2025, 10, 16)
    # The library helper lands one day late from a non-working day.
    assert chinese_calendar.find_workday(7, date(2025, 10, 4)) == date(2025, 10, 17)


def test_adjusted_weekend_days_are_working_days() -> None:
    calendar = WorkdayCalendar()
    for day in (date(2025, 9, 28), date(2025, 10, 11), date(2026, 2, 14)):
        assert day.weekday() >= 5
        assert calendar.is_workday(day)


def test_day_zero_is_the_acceptance_day() -> None:
    # Accepted on a Monday: the 1st working day is Tuesday, not Monday itself.
    assert add_workdays(date(2025, 3, 3), 1).due == date(2025, 3, 4)
    assert add_workdays(date(2025, 3, 3), 0).due == date(2025, 3, 3)


def test_national_79_three_days() -> None:
    deadline = registration_deadline(date(2025, 9, 30), working_days=3)
    # 10-09 (1), 10-10 (2), 10-11 Sat 调休 (3).
    assert deadline == Deadline(due=date(2025, 10, 11), provisional=False, working_days=3)


def test_datetime_is_treated_as_its_date() -> None:
    assert registration_deadline(datetime(2025, 9, 30, 16, 45)).due == date(2025, 10, 16)


def test_uncovered_year_is_provisional_and_does_not_crash() -> None:
    calendar = WorkdayCalendar()
    assert not calendar.is_covered(date(2027, 3, 1))
    # 2027-01-01 is a Friday: the fixed-date 元旦 holiday still applies.
    assert not calendar.is_workday(date(2027, 1, 1))
    deadline = registration_deadline(date(2026, 12, 30), calendar=calendar)
    # 12-31 (1), 2027: 01-04..01-08 (2..6), 01-11 (7).
    assert deadline == Deadline(due=date(2027, 1, 11), provisional=True, working_days=7)
    # 2027 National Day: 10-01 Fri, 10-02/03 weekend; 10-04 Mon is the 1st working day.
    assert add_workdays(date(2027, 9, 30), 1).due == date(2027, 10, 4)
    assert registration_deadline(date(2027, 4, 29)).due == date(2027, 5, 10)


def test_covered_start_with_uncovered_days_is_provisional() -> None:
    assert registration_deadline(date(2026, 12, 24)).provisional is True
    assert registration_deadline(date(2026, 12, 18)).provisional is False


def test_years_before_the_library_are_provisional() -> None:
    calendar = WorkdayCalendar()
    assert not calendar.is_covered(date(2003, 6, 2))
    assert registration_deadline(date(2003, 6, 2)).provisional is True


def test_admin_table_makes_2027_covered() -> None:
    table = HolidayTable(
        [
            nationwide(date(2027, 2, 5), "holiday", "春节"),
            nationwide(date(2027, 2, 8), "holiday", "春节"),
            nationwide(date(2027, 2, 9), "holiday", "春节"),
            nationwide(date(2027, 2, 10), "holiday", "春节"),
            nationwide(date(2027, 2, 11), "holiday", "春节"),
            nationwide(date(2027, 2, 20), "workday", "春节调休"),
        ]
    )
    calendar = WorkdayCalendar(table)
    assert calendar.is_covered(date(2027, 7, 1))
    assert not calendar.is_covered(date(2028, 7, 1))
    assert calendar.is_workday(date(2027, 2, 20))  # a Saturday made a working day
    # 02-04 Thu accepted: 02-12 (1), 02-15..19 (2..6), 02-20 Sat (7).
    deadline = registration_deadline(date(2027, 2, 4), calendar=calendar)
    assert deadline == Deadline(due=date(2027, 2, 20), provisional=False, working_days=7)


def test_table_row_overrides_the_library() -> None:
    day = date(2025, 3, 3)  # an ordinary Monday
    table = HolidayTable([nationwide(day, "holiday", "临时休息")])
    assert WorkdayCalendar().is_workday(day)
    assert not WorkdayCalendar(table).is_workday(day)
    assert WorkdayCalendar(table).is_covered(day)


def test_linxia_ethnic_holiday_applies_only_inside_linxia() -> None:
    # A 临夏州 row (e.g. 古尔邦节) on Thursday 2025-06-05.
    eid = date(2025, 6, 5)
    table = HolidayTable(
        [HolidayEntry(day=eid, kind="holiday", region_code=LINXIA_PREFECTURE, name="古尔邦节")]
    )
    calendar = WorkdayCalendar(table)
    assert not calendar.is_workday(eid, LINXIA_COUNTY)
    assert not calendar.is_workday(eid, LINXIA_PREFECTURE)
    assert calendar.is_workday(eid, CHENGGUAN_LANZHOU)
    assert calendar.is_workday(eid)
    # 2025-06-02 Mon accepted; 06-05 is the 3rd working day elsewhere.
    in_linxia = registration_deadline(
        date(2025, 6, 2), calendar=calendar, region_code=LINXIA_COUNTY
    )
    in_lanzhou = registration_deadline(
        date(2025, 6, 2), calendar=calendar, region_code=CHENGGUAN_LANZHOU
    )
    assert in_lanzhou.due == date(2025, 6, 11)
    assert in_linxia.due == date(2025, 6, 12)


def test_a_region_row_does_not_make_the_year_covered() -> None:
    table = HolidayTable([HolidayEntry(date(2027, 6, 5), "holiday", LINXIA_PREFECTURE, "古尔邦节")])
    assert not WorkdayCalendar(table).is_covered(date(2027, 6, 5))


def test_most_local_row_wins() -> None:
    day = date(2025, 9, 28)  # a nationwide 调休 Sunday working day
    table = HolidayTable(
        [
            HolidayEntry(day, "holiday", "623000", "甘南州节日"),
            HolidayEntry(day, "workday", "623001", "合作市另行安排"),
        ]
    )
    calendar = WorkdayCalendar(table)
    assert calendar.is_workday(day)
    assert not calendar.is_workday(day, "623021")
    assert calendar.is_workday(day, "623001")


def test_region_prefix_works_by_pairs_of_digits() -> None:
    assert region_prefix("620000") == "62"
    assert region_prefix("622900") == "6229"
    assert region_prefix("621000") == "6210"
    assert region_prefix("622921") == "622921"
    # 庆阳市 621000 does not contain 定西市安定区 621102.
    assert not region_contains("621000", "621102")
    assert region_contains("621000", "621002")
    assert region_contains("620000", "623027")
    assert not region_contains("622921", "622900")


@pytest.mark.parametrize("code", ["62290", "6229001", "62290X", ""])
def test_malformed_region_code(code: str) -> None:
    with pytest.raises(RegionCodeError, match="6位数字"):
        region_prefix(code)
    with pytest.raises(RegionCodeError):
        HolidayEntry(date(2025, 6, 5), "holiday", code, "节日")
    with pytest.raises(RegionCodeError):
        registration_deadline(date(2025, 6, 2), region_code=code)


def test_malformed_holiday_rows() -> None:
    with pytest.raises(HolidayTableError, match="节假日类型"):
        parse_holiday_kind("rest")
    with pytest.raises(HolidayTableError, match="名称"):
        HolidayEntry(date(2025, 6, 5), "holiday", None, "  ")
    with pytest.raises(HolidayTableError, match="不是日期"):
        HolidayEntry(datetime(2025, 6, 5, 8), "holiday", None, "节日")


def test_contradictory_rows_are_rejected_but_duplicates_allowed() -> None:
    day = date(2027, 1, 1)
    HolidayTable([nationwide(day, "holiday", "元旦"), nationwide(day, "holiday", "元旦")])
    with pytest.raises(HolidayTableError, match="同时被登记为休息日和工作日"):
        HolidayTable([nationwide(day, "holiday", "元旦"), nationwide(day, "workday", "调休")])


def test_negative_and_zero_counts() -> None:
    with pytest.raises(WorkdayError, match="负数"):
        add_workdays(date(2025, 1, 2), -1)
    with pytest.raises(WorkdayError, match="至少为1个工作日"):
        registration_deadline(date(2025, 1, 2), working_days=0)


def test_a_table_with_no_working_days_fails_clearly() -> None:
    start = date(2030, 1, 1)
    table = HolidayTable(
        nationwide(start + timedelta(days=i), "holiday", "错误数据") for i in range(1, 120)
    )
    with pytest.raises(WorkdayError, match="请核对节假日表"):
        registration_deadline(start, calendar=WorkdayCalendar(table))


def test_table_exposes_its_rows() -> None:
    rows = [nationwide(date(2027, 1, 1), "holiday", "元旦")]
    table = HolidayTable(rows)
    assert len(table) == 1
    assert list(table) == rows
    assert table.entries == tuple(rows)
    assert WorkdayCalendar(table).table is table


def test_agrees_with_the_library_on_every_covered_day() -> None:
    calendar = WorkdayCalendar()
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert calendar.is_covered(day)
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
