"""Statutory retirement dates under the 2025 gradual reform (the upper bound of 劳动年龄)."""

from __future__ import annotations

import calendar
import enum
from datetime import date

from desktop.domain.errors import DomainError

__all__ = [
    "RetirementCategory",
    "RetirementCategoryError",
    "add_months",
    "anniversary",
    "default_category",
    "retirement_age_months",
    "retirement_delay_months",
    "statutory_retirement_date",
]


class RetirementCategoryError(DomainError):
    """The retirement category cannot be derived from the sex and post given."""


class RetirementCategory(enum.Enum):
    """The three groups of the 2024 决定; the value is the label shown to clerks."""

    MALE = "男职工"
    FEMALE_CADRE = "女干部(原55周岁)"
    FEMALE_WORKER = "女工人(原50周岁)"

    @property
    def original_age_months(self) -> int:
        """Statutory age before 2025 (60 / 55 / 50 years), in months."""
        return _SCHEDULE[self][0]


# 国务院《关于渐进式延迟法定退休年龄的办法》 (in force 2025-01-01): (original age in months,
# months of birth cohort per extra month, maximum extra months). Men and the 55-year women gain
# one month every four months up to 63 / 58; the 50-year women one every two months up to 55.
_SCHEDULE: dict[RetirementCategory, tuple[int, int, int]] = {
    RetirementCategory.MALE: (720, 4, 36),
    RetirementCategory.FEMALE_CADRE: (660, 4, 36),
    RetirementCategory.FEMALE_WORKER: (600, 2, 60),
}

# The reform applies to people whose original retirement month is 2025-01 or later.
_REFORM_START_MONTH = 2025 * 12

# GB/T 2261.1-2003 sex codes.
_SEX_MALE = "1"
_SEX_FEMALE = "2"

_POST_WORKER = "worker"
_POST_CADRE = "cadre"


def default_category(sex: str, post: str | None) -> RetirementCategory:
    """Category from the GB/T 2261.1 sex code ("1"/"2") and the post ("worker"/"cadre").

    A woman whose post is unknown is taken as a worker (original age 50). The category only
    drives a non-blocking warning (notice §1 sets the ceiling at receiving a pension, not at an
    age), and the earlier date makes the clerk ask about a pension sooner rather than never;
    most registered unemployed women come from enterprise worker posts. The clerk can override.
    """
    if post not in (None, _POST_WORKER, _POST_CADRE):
        raise RetirementCategoryError(f"岗位类别“{post}”无效，应为工人或干部（管理/技术）岗位")
    if sex == _SEX_MALE:
        return RetirementCategory.MALE
    if sex == _SEX_FEMALE:
        if post == _POST_CADRE:
            return RetirementCategory.FEMALE_CADRE
        return RetirementCategory.FEMALE_WORKER
    raise RetirementCategoryError(f"性别代码“{sex}”不是男或女，无法确定法定退休年龄类别")


def retirement_delay_months(birth_date: date, category: RetirementCategory) -> int:
    """Months added to the original retirement age by the 2025 reform (0 for earlier cohorts)."""
    original_age, step, max_delay = _SCHEDULE[category]
    original_month = _month_index(birth_date) + original_age
    if original_month < _REFORM_START_MONTH:
        return 0
    return min(max_delay, (original_month - _REFORM_START_MONTH) // step + 1)


def retirement_age_months(birth_date: date, category: RetirementCategory) -> int:
    """Statutory retirement age in months (e.g. 60y1m → 721) for this birth month and category."""
    return category.original_age_months + retirement_delay_months(birth_date, category)


def statutory_retirement_date(birth_date: date, category: RetirementCategory) -> date:
    """Day the statutory retirement age is reached: the birthday in the retirement month.

    A birthday on the 29th–31st that the retirement month lacks falls on that month's last day.
    """
    return add_months(birth_date, retirement_age_months(birth_date, category))


def add_months(day: date, months: int) -> date:
    """Same day `months` later (or earlier), clamped to the end of a shorter month.

    The clamp follows 民法典 第202条: with no corresponding day, the month's last day counts.
    """
    index = _month_index(day) + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last_day))


def anniversary(birth_date: date, years: int) -> date:
    """Day the person turns `years` full years old (周岁); Feb-29 births use Feb 28 if needed."""
    return add_months(birth_date, years * 12)


def _month_index(day: date) -> int:
    return day.year * 12 + (day.month - 1)
