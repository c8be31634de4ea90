"""Tests for the statutory retirement dates under the 2025 gradual reform."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain.errors import DomainError
from desktop.domain.retirement import (
    RetirementCategory,
    RetirementCategoryError,
    add_months,
    anniversary,
    default_category,
    retirement_age_months,
    retirement_delay_months,
    statutory_retirement_date,
)

MALE = RetirementCategory.MALE
CADRE = RetirementCategory.FEMALE_CADRE
WORKER = RetirementCategory.FEMALE_WORKER


# The nine published vectors of domain.md §3: (birth month, category, retirement month,
# age in months or None when not published, delay in months or None when not published).
PUBLISHED_VECTORS = [
    ((1965, 1), MALE, (2025, 2), 60 * 12 + 1, 1),
    ((1965, 12), MALE, (2026, 3), None, 3),
    ((1971, 4), CADRE, (2026, 8), 55 * 12 + 4, 4),
    ((1995, 12), WORKER, (2050, 12), 55 * 12, 60),
    ((1995, 12), MALE, (2058, 12), 63 * 12, None),
    ((2000, 12), CADRE, (2058, 12), 58 * 12, None),
    ((1963, 12), MALE, (2023, 12), None, 0),
    ((1964, 2), MALE, (2024, 2), None, 0),
    ((1963, 4), CADRE, (2018, 4), None, 0),
]


@pytest.mark.parametrize(("birth", "category", "retires", "age", "delay"), PUBLISHED_VECTORS)
def test_published_vectors(
    birth: tuple[int, int],
    category: RetirementCategory,
    retires: tuple[int, int],
    age: int | None,
    delay: int | None,
) -> None:
    birth_date = date(birth[0], birth[1], 10)
    retires_on = statutory_retirement_date(birth_date, category)
    assert (retires_on.year, retires_on.month) == retires
    assert retires_on.day == 10
    if age is not None:
        assert retirement_age_months(birth_date, category) == age
    if delay is not None:
        assert retirement_delay_months(birth_date, category) == delay


@pytest.mark.parametrize(
    ("birth", "category", "age_months"),
    [
        ((1976, 8), MALE, 720 + 35),
        ((1976, 9), MALE, 63 * 12),
        ((1990, 1), MALE, 63 * 12),
        ((1981, 8), CADRE, 660 + 35),
        ((1981, 9), CADRE, 58 * 12),
        ((1984, 10), WORKER, 600 + 59),
        ((1984, 11), WORKER, 55 * 12),
        ((1974, 12), WORKER, 600),  # original month 2024-12: just before the reform
        ((1975, 1), WORKER, 601),  # original month 2025-01: the first cohort delayed
    ],
)
def test_cohort_boundaries(
    birth: tuple[int, int], category: RetirementCategory, age_months: int
) -> None:
    assert retirement_age_months(date(birth[0], birth[1], 1), category) == age_months


def test_step_of_four_months_for_men() -> None:
    # Men whose original month is 2025-01..04 get 1 month, 2025-05..08 get 2.
    assert retirement_delay_months(date(1965, 4, 1), MALE) == 1
    assert retirement_delay_months(date(1965, 5, 1), MALE) == 2
    assert retirement_delay_months(date(1965, 8, 1), MALE) == 2
    assert retirement_delay_months(date(1965, 9, 1), MALE) == 3


def test_step_of_two_months_for_women_workers() -> None:
    assert retirement_delay_months(date(1975, 2, 1), WORKER) == 1
    assert retirement_delay_months(date(1975, 3, 1), WORKER) == 2


def test_day_is_the_birthday_in_the_retirement_month() -> None:
    assert statutory_retirement_date(date(1965, 1, 31), MALE) == date(2025, 2, 28)
    assert statutory_retirement_date(date(1971, 4, 30), CADRE) == date(2026, 8, 30)


def test_feb_29_birthday_clamped_in_a_common_year() -> None:
    # Pre-reform woman cadre: 55th birthday in February 2019, which has no 29th.
    assert statutory_retirement_date(date(1964, 2, 29), CADRE) == date(2019, 2, 28)
    # Capped man (63 years): February 2043 has no 29th either.
    assert statutory_retirement_date(date(1980, 2, 29), MALE) == date(2043, 2, 28)
    # Leap target year keeps the 29th.
    assert statutory_retirement_date(date(1964, 2, 29), MALE) == date(2024, 2, 29)


def test_default_category() -> None:
    assert default_category("1", None) is MALE
    assert default_category("1", "cadre") is MALE
    assert default_category("2", "cadre") is CADRE
    assert default_category("2", "worker") is WORKER
    assert default_category("2", None) is WORKER


@pytest.mark.parametrize(("sex", "post"), [("0", None), ("9", "worker"), ("", None), ("2", "x")])
def test_default_category_rejects_unknown_input(sex: str, post: str | None) -> None:
    with pytest.raises(RetirementCategoryError) as caught:
        default_category(sex, post)
    assert isinstance(caught.value, DomainError)
    assert "无效" in caught.value.message or "无法确定" in caught.value.message


def test_category_labels() -> None:
    assert MALE.value == "男职工"
    assert CADRE.value == "女干部(原55周岁)"
    assert WORKER.value == "女工人(原50周岁)"


def test_add_months_and_anniversary() -> None:
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)
    assert add_months(date(2025, 1, 15), -1) == date(2024, 12, 15)
    assert anniversary(date(2008, 2, 29), 16) == date(2024, 2, 29)
    assert anniversary(date(2008, 2, 29), 17) == date(2025, 2, 28)
