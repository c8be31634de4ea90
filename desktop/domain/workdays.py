"""Working-day calendar and the registration deadline (notice §3: settled within 7 working days)."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

import chinese_calendar

from desktop.domain.errors import DomainError

__all__ = [
    "HOLIDAY",
    "NOTICE_WORKING_DAYS",
    "WORKDAY",
    "Deadline",
    "HolidayEntry",
    "HolidayKind",
    "HolidayTable",
    "HolidayTableError",
    "RegionCodeError",
    "WorkdayCalendar",
    "WorkdayError",
    "add_workdays",
    "parse_holiday_kind",
    "region_contains",
    "region_prefix",
    "registration_deadline",
]

HolidayKind = Literal["holiday", "workday"]
HOLIDAY: Final = "holiday"
WORKDAY: Final = "workday"

# notice §3: 在7个工作日内办结失业登记 (人社厅发〔2020〕79号 tightens it to 3).
NOTICE_WORKING_DAYS: Final = 7

# 《全国年节及纪念日放假办法》 as revised by 国务院令第798号 (from 2025): the holidays with a fixed
# solar date. Lunar holidays (春节, 清明, 端午, 中秋) and the yearly 调休 are not computable
# here, so dates in a year nobody has published are marked provisional.
_FIXED_DATE_HOLIDAYS: Final = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})

# No real calendar has this many consecutive days off; a longer run means a broken table.
_MAX_CONSECUTIVE_DAYS_OFF: Final = 60


class WorkdayError(DomainError):
    """A working-day computation was asked something impossible."""


class HolidayTableError(DomainError):
    """An administrator's holiday row is malformed or contradicts another row."""


class RegionCodeError(DomainError):
    """A GB/T 2260 administrative division code is not six digits."""


def parse_holiday_kind(text: str) -> HolidayKind:
    """Validate a stored kind ("holiday" / "workday") and narrow its type."""
    if text == HOLIDAY:
        return HOLIDAY
    if text == WORKDAY:
        return WORKDAY
    raise HolidayTableError(f"节假日类型“{text}”无效，应为休息日（holiday）或工作日（workday）")


def region_prefix(region_code: str) -> str:
    """Significant part of a GB/T 2260 code: 620000 → 62, 622900 → 6229, 622921 → 622921.

    Levels are pairs of digits, so 621000 (庆阳市) is 6210 and does not cover 621102 (安定区).
    """
    if len(region_code) != 6 or not region_code.isdigit():
        raise RegionCodeError(f"行政区划代码“{region_code}”应为6位数字")
    if region_code[2:] == "0000":
        return region_code[:2]
    if region_code[4:] == "00":
        return region_code[:4]
    return region_code


def region_contains(outer: str, inner: str) -> bool:
    """True if region `inner` is `outer` or lies within it (province ⊃ prefecture ⊃ county)."""
    region_prefix(inner)
    return inner.startswith(region_prefix(outer))


@dataclass(frozen=True)
class HolidayEntry:
    """One admin-maintained calendar row; region_code None means nationwide."""

    day: date
    kind: HolidayKind
    region_code: str | None
    name: str

    def __post_init__(self) -> None:
        if isinstance(self.day, _dt.datetime) or not isinstance(self.day, date):
            raise HolidayTableError(f"节假日日期“{self.day}”不是日期")
        parse_holiday_kind(self.kind)
        if self.region_code is not None:
            region_prefix(self.region_code)
        if not self.name.strip():
            raise HolidayTableError(f"{self.day.isoformat()} 的节假日名称不能为空")


@dataclass(frozen=True)
class Deadline:
    """A due date `working_days` working days after acceptance.

    `provisional` is true when some day counted lies in a year whose holiday arrangement is
    not known yet (weekends and fixed-date holidays only); recompute once it is published.
    """

    due: date
    provisional: bool
    working_days: int


class HolidayTable:
    """Admin-maintained holiday and 调休 rows; they override chinese_calendar on their date.

    Nationwide rows cover years chinese_calendar does not know yet; rows with a region code
    carry the ethnic holidays set under 放假办法 第4条 (e.g. 临夏州, 甘南州) and apply to the
    region and every region inside it.
    """

    def __init__(self, entries: Iterable[HolidayEntry] = ()) -> None:
        self._entries: tuple[HolidayEntry, ...] = tuple(entries)
        self._by_day: dict[date, list[HolidayEntry]] = {}
        self._nationwide_years: set[int] = set()
        seen: dict[tuple[date, str | None], HolidayEntry] = {}
        for entry in self._entries:
            key = (entry.day, entry.region_code)
            previous = seen.get(key)
            if previous is not None and previous.kind != entry.kind:
                where = entry.region_code or "全国"
                raise HolidayTableError(
                    f"{entry.day.isoformat()}（{where}）同时被登记为休息日和工作日，请核对节假日表"
                )
            seen[key] = entry
            self._by_day.setdefault(entry.day, []).append(entry)
            if entry.region_code is None:
                self._nationwide_years.add(entry.day.year)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[HolidayEntry]:
        return iter(self._entries)

    @property
    def entries(self) -> tuple[HolidayEntry, ...]:
        """All rows, in the order given."""
        return self._entries

    def covers_year(self, year: int) -> bool:
        """True if an administrator has entered at least one nationwide row for `year`."""
        return year in self._nationwide_years

    def override(self, day: date, region_code: str | None = None) -> HolidayKind | None:
        """Kind the table sets for `day` where `region_code` is, the most local row winning."""
        rows = self._by_day.get(day)
        if not rows:
            return None
        best: HolidayEntry | None = None
        best_len = -1
        for row in rows:
            if row.region_code is None:
                specificity = 0
            elif region_code is not None and region_contains(row.region_code, region_code):
                specificity = len(region_prefix(row.region_code))
            else:
                continue
            if specificity > best_len:
                best, best_len = row, specificity
        return None if best is None else best.kind


class WorkdayCalendar:
    """Working days from chinese_calendar, the admin table, else a provisional weekday rule."""

    def __init__(self, table: HolidayTable | None = None) -> None:
        self._table = table if table is not None else HolidayTable()

    @property
    def table(self) -> HolidayTable:
        """The admin rows this calendar applies."""
        return self._table

    def is_covered(self, day: date) -> bool:
        """True if the official arrangement for `day`'s year is known (library or admin table)."""
        year = _as_date(day).year
        return self._library_covers(year) or self._table.covers_year(year)

    def is_workday(self, day: date, region_code: str | None = None) -> bool:
        """True if `day` is a working day at `region_code` (None: nationwide rules only)."""
        day = _as_date(day)
        if region_code is not None:
            region_prefix(region_code)  # reject a malformed code on every day, not only on rows
        override = self._table.override(day, region_code)
        if override is not None:
            return override == WORKDAY
        library_workdays = _library_workdays(day.year)
        if library_workdays is not None:
            return day in library_workdays
        # Years nobody has published (or admin-covered years on days without a row):
        # Monday–Friday minus the fixed-date statutory holidays.
        return day.weekday() < 5 and (day.month, day.day) not in _FIXED_DATE_HOLIDAYS

    def add_workdays(self, start: date, n: int, *, region_code: str | None = None) -> Deadline:
        """The n-th working day after `start` (day 0 is `start`, whatever kind of day it is)."""
        start = _as_date(start)
        if n < 0:
            raise WorkdayError(f"工作日数不能为负数（{n}）")
        day = start
        counted = 0
        provisional = False
        days_off_in_a_row = 0
        while counted < n:
            day += timedelta(days=1)
            provisional = provisional or not self.is_covered(day)
            if self.is_workday(day, region_code):
                counted += 1
                days_off_in_a_row = 0
            else:
                days_off_in_a_row += 1
                if days_off_in_a_row > _MAX_CONSECUTIVE_DAYS_OFF:
                    raise WorkdayError(
                        f"{start.isoformat()} 之后连续{_MAX_CONSECUTIVE_DAYS_OFF}天以上都不是"
                        "工作日，请核对节假日表"
                    )
        return Deadline(due=day, provisional=provisional, working_days=n)

    def _library_covers(self, year: int) -> bool:
        return _library_workdays(year) is not None


@functools.cache
def _library_workdays(year: int) -> frozenset[date] | None:
    """chinese_calendar's working days of `year`, or None if it has no data for that year.

    Computed once per year: the library rescans its whole table on every call (~30 µs).
    """
    first = date(year, 1, 1)
    try:
        chinese_calendar.is_workday(first)
    except NotImplementedError:
        # chinese_calendar raises this for years it has no 放假安排 for (outside 2004–2026
        # in 1.11.0); a newer version of the package extends the range by itself.
        return None
    days = (first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days))
    return frozenset(day for day in days if chinese_calendar.is_workday(day))


_DEFAULT_CALENDAR = WorkdayCalendar()


def add_workdays(
    start: date,
    n: int,
    *,
    region_code: str | None = None,
    calendar: WorkdayCalendar | None = None,
) -> Deadline:
    """The n-th working day after `start`, counting `start` as day 0.

    Not chinese_calendar.find_workday: from a non-working day that returns one day too late
    (2025-10-04 + 7 gives 10-17, the 7th working day after it is 10-16).
    """
    return (calendar or _DEFAULT_CALENDAR).add_workdays(start, n, region_code=region_code)


def registration_deadline(
    accepted_on: date,
    *,
    working_days: int = NOTICE_WORKING_DAYS,
    calendar: WorkdayCalendar | None = None,
    region_code: str | None = None,
) -> Deadline:
    """Date by which a registration accepted on `accepted_on` must be settled (notice §3)."""
    if working_days < 1:
        raise WorkdayError(f"办结时限至少为1个工作日（现为{working_days}）")
    return add_workdays(accepted_on, working_days, region_code=region_code, calendar=calendar)


def _as_date(day: date) -> date:
    # A datetime is a date subclass but never equals a date key; drop the time of day.
    if isinstance(day, _dt.datetime):
        return day.date()
    return day
