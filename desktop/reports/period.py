"""Reporting periods and regions of the statistics: calendar month or the 21st–20th month."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from desktop.domain.errors import DomainError
from desktop.domain.regions import GANSU, region
from desktop.domain.workdays import RegionCodeError, region_prefix

__all__ = [
    "PeriodScheme",
    "ReportError",
    "ReportingPeriod",
    "beijing_today",
    "check_region",
    "parse_month",
    "region_label",
    "reporting_period",
    "trend_periods",
]

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class ReportError(DomainError):
    """A report that cannot be made as asked (bad month, unknown region, no data, …)."""


class PeriodScheme(enum.Enum):
    """How a reporting month is cut out of the calendar.

    domain.md §5: the 2010 就业统计报表制度 ran from the 21st of the previous month to the 20th
    of this month; most systems now use the calendar month, the default here.
    """

    CALENDAR = "calendar"
    DAY_21 = "21-20"

    @property
    def label(self) -> str:
        return "自然月" if self is PeriodScheme.CALENDAR else "上月21日至本月20日"


@dataclass(frozen=True)
class ReportingPeriod:
    """One reporting month: `month` is its first calendar day; start and end are inclusive."""

    month: dt.date
    start: dt.date
    end: dt.date
    scheme: PeriodScheme

    @property
    def key(self) -> str:
        """ "2025-06": the month's name in files, events and JSON."""
        return f"{self.month:%Y-%m}"

    @property
    def label(self) -> str:
        """ "2025年6月" (with the dates when the month is not the calendar month)."""
        text = f"{self.month.year}年{self.month.month}月"
        if self.scheme is PeriodScheme.DAY_21:
            text += f"（{self.start:%Y.%m.%d}—{self.end:%Y.%m.%d}）"
        return text

    def previous(self) -> ReportingPeriod:
        """The month before this one, under the same scheme."""
        return reporting_period(_add_months(self.month, -1), self.scheme)

    def is_complete(self, today: dt.date) -> bool:
        """True once the period's last day has passed."""
        return self.end < today

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


_BEIJING = dt.timezone(dt.timedelta(hours=8))


def beijing_today() -> dt.date:
    """Today in Gansu (Beijing time), whatever time zone the computer is set to."""
    return dt.datetime.now(_BEIJING).date()


def parse_month(text: str) -> dt.date:
    """ "2025-06" (or "2025-6") → 2025-06-01; a Chinese message for anything else."""
    match = _MONTH.fullmatch((text or "").strip())
    if match is None:
        raise ReportError(f"统计月份格式应为 YYYY-MM（如 2025-06），现为「{text}」")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ReportError(f"统计月份「{text}」中的月份应在1到12之间")
    if year < 2000:
        raise ReportError(f"统计月份「{text}」早于2000年，本系统没有该时期的数据")
    return dt.date(year, month, 1)


def reporting_period(
    month: dt.date | str,
    scheme: PeriodScheme = PeriodScheme.CALENDAR,
    *,
    today: dt.date | None = None,
) -> ReportingPeriod:
    """The period of `month` under `scheme`; with `today`, a month not yet begun is refused."""
    first = parse_month(month) if isinstance(month, str) else month.replace(day=1)
    if scheme is PeriodScheme.CALENDAR:
        start = first
        end = _add_months(first, 1) - dt.timedelta(days=1)
    else:
        start = _add_months(first, -1).replace(day=21)
        end = first.replace(day=20)
    period = ReportingPeriod(first, start, end, scheme)
    if today is not None and start > today:
        raise ReportError(
            f"不能统计未来的月份：{period.label}从 {start.isoformat()} 开始，"
            f"今天是 {today.isoformat()}"
        )
    return period


def trend_periods(last: ReportingPeriod, count: int = 12) -> list[ReportingPeriod]:
    """The `count` months ending with `last`, oldest first (for the trend charts)."""
    return [reporting_period(_add_months(last.month, -back), last.scheme) for back in range(count)][
        ::-1
    ]


def check_region(code: str) -> str:
    """A Gansu region code the report may cover (province, prefecture, county or functional
    area), normalised; a Chinese message for a malformed or unknown code."""
    code = (code or "").strip()
    try:
        region_prefix(code)
    except RegionCodeError as error:
        raise ReportError(error.message) from error
    found = region(code)
    if found is None or not code.startswith(GANSU[:2]):
        raise ReportError(f"行政区划代码「{code}」不存在或不属于甘肃省，请核对")
    return code


def region_label(code: str) -> str:
    """The region's name ("兰州市城关区" style when known), else the code itself."""
    from desktop.domain.regions import full_region_name

    return full_region_name(code) or code
