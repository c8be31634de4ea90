"""The working-day calendar as the counter knows it: chinese_calendar plus the holiday table."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain import workdays
from desktop.store.models import HolidayEntry as HolidayRow


def load_calendar(session: Session) -> workdays.WorkdayCalendar:
    """Build the calendar from the administrator's (later: the province's) holiday table."""
    rows = session.scalars(select(HolidayRow)).all()
    entries = [
        workdays.HolidayEntry(
            day=row.date,
            kind=workdays.parse_holiday_kind(row.kind),
            region_code=row.region_code,
            name=row.name,
        )
        for row in rows
    ]
    return workdays.WorkdayCalendar(workdays.HolidayTable(entries))
