"""Supervision figures of notice §7(一): late settlements, missed contacts, incomplete records and
late updates, per counter, county and city, with the cases behind each number."""

from __future__ import annotations

import datetime as dt

from desktop.domain.roles import Role
from desktop.domain.workdays import HolidayTable, WorkdayCalendar
from desktop.reports.period import reporting_period, trend_periods
from desktop.reports.supervision import INDICATORS, overdue_trend, supervision_report
from desktop.store.db import Store
from desktop.store.journal import Actor, record
from tests.desktop.reports.conftest import MONTH, REGION, TODAY

REVIEWER = Actor("wanghaiyan", "620102-002", roles=frozenset({Role.REVIEWER}))


def test_every_number_has_its_cases(county_store: Store) -> None:
    with county_store.session(write=False) as session:
        report = supervision_report(session, MONTH, REGION, today=TODAY)
    assert set(report.to_json()["counts"]) == set(INDICATORS)
    # The demo records no monthly contacts: everybody registered before November is missed.
    assert report.count("missed_contact") > 0
    for level in ("counter", "county", "city"):
        table = report.counts_by(level)
        for unit, counts in table.items():
            for indicator, number in counts.items():
                assert len(report.cases_of(indicator, unit, level)) == number
    assert list(report.counts_by("city")) == ["620100"]
    assert not report.warnings


def _registered_one(store: Store) -> tuple[str, str]:
    with store.session(write=False) as session:
        row = (
            session.connection()
            .exec_driver_sql(
                "SELECT id, number FROM registration WHERE status = 'registered'"
                " AND registered_on < '2025-09-01' ORDER BY number LIMIT 1"
            )
            .one()
        )
    return row[0], row[1]


def test_a_contact_in_the_month_clears_the_case_and_a_late_entry_is_a_late_update(
    county: Store,
) -> None:
    registration_id, number = _registered_one(county)
    with county.session() as session:
        # Reached on 3 November, entered on the day of the test run (weeks later).
        record(
            session,
            REVIEWER,
            entity_type="registration",
            entity_id=registration_id,
            kind="contact.recorded",
            payload={"contacted_on": "2025-11-03", "method": "phone", "reached": True},
            clock=county.clock,
        )
    today = dt.date.today()
    month = f"{today:%Y-%m}"
    with county.session(write=False) as session:
        november = supervision_report(session, MONTH, REGION, today=max(today, TODAY))
        now = supervision_report(session, month, REGION, today=today)
    assert number not in {c.registration_number for c in november.cases_of("missed_contact")}
    # (The demo itself was entered today, so its older events are late updates too.)
    late = [
        c
        for c in now.cases_of("late_update")
        if c.registration_number == number and c.detail.startswith("联系")
    ]
    assert late and "联系发生于 2025-11-03" in late[0].detail
    assert late[0].counter_id == "620102-002"


def test_settled_after_seven_working_days_is_late(county: Store) -> None:
    with county.session() as session:
        connection = session.connection()
        number = connection.exec_driver_sql(
            "SELECT number FROM registration WHERE status = 'registered'"
            " AND registered_on BETWEEN '2025-11-01' AND '2025-11-30' ORDER BY number LIMIT 1"
        ).scalar_one()
        # Applied in October: the 7th working day after 2025-10-20 is 2025-10-29.
        connection.exec_driver_sql(
            f"UPDATE registration SET applied_on = '2025-10-20' WHERE number = '{number}'"
        )
    with county.session(write=False) as session:
        report = supervision_report(session, MONTH, REGION, today=TODAY)
        trend = overdue_trend(
            session, trend_periods(reporting_period(MONTH), 3), REGION, today=TODAY
        )
    cases = [c for c in report.cases_of("late_settlement") if c.registration_number == number]
    assert cases and "2025-10-29 前办结" in cases[0].detail
    assert trend[-1] == report.count("late_settlement")


def test_missing_and_inconsistent_fields_are_named(county: Store) -> None:
    with county.session() as session:
        connection = session.connection()
        person_id, number = connection.exec_driver_sql(
            "SELECT person_id, number FROM registration WHERE status = 'registered'"
            " ORDER BY number LIMIT 1"
        ).one()
        connection.exec_driver_sql(
            "UPDATE person SET phone = NULL, education = '55', birth_date = '1900-01-01'"
            f" WHERE id = '{person_id}'"
        )
    with county.session(write=False) as session:
        report = supervision_report(session, MONTH, REGION, today=TODAY)
    case = next(c for c in report.cases_of("incomplete") if c.registration_number == number)
    assert "缺少联系电话" in case.detail
    assert "学历代码「55」不在代码表中" in case.detail
    assert "出生日期与公民身份号码不一致" in case.detail


def test_a_year_without_a_holiday_table_is_a_clear_warning(county_store: Store) -> None:
    """chinese_calendar 1.11 knows 2004–2026; 2027 without an administrator's rows is
    provisional (domain.md §2.2)."""
    calendar = WorkdayCalendar(HolidayTable())
    with county_store.session(write=False) as session:
        report = supervision_report(
            session, "2027-01", REGION, today=dt.date(2027, 2, 3), calendar=calendar
        )
    assert report.warnings
    assert "节假日表缺少2027年的放假安排" in report.warnings[0]
