"""Time the notice's pure rules: eligibility, the registration deadline, retirement dates."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

from desktop.domain.eligibility import Applicant, RegistrationPolicy, check_eligibility
from desktop.domain.retirement import RetirementCategory, statutory_retirement_date
from desktop.domain.workdays import (
    HolidayEntry,
    HolidayTable,
    WorkdayCalendar,
    registration_deadline,
)

_ROUNDS = 20_000


def _per_call_microseconds(
    label: str, call: Callable[[int], object], rounds: int = _ROUNDS
) -> None:
    call(0)  # warm caches (code tables, library-coverage lookups)
    started = time.perf_counter()
    for i in range(rounds):
        call(i)
    elapsed = time.perf_counter() - started
    print(f"{label:<58} {elapsed / rounds * 1e6:8.2f} µs/call  ({rounds} calls)", flush=True)


def main() -> None:
    """Print the per-call cost of each rule."""
    applicant = Applicant(
        birth_date=date(1970, 5, 1),
        sex="2",
        receives_basic_pension=False,
        able_to_work=True,
        willing_to_work=True,
        employed=False,
        household_region="622921",
        residence_region="620102",
    )
    ineligible = Applicant(
        birth_date=date(2012, 5, 1),
        sex="1",
        receives_basic_pension=True,
        able_to_work=False,
        willing_to_work=False,
        employed=True,
        household_region="622921",
        residence_region="622921",
        is_hmt_resident=True,
    )
    policy_79 = RegistrationPolicy.national_79()
    day0 = date(2025, 1, 2)

    _per_call_microseconds(
        "check_eligibility (eligible, retirement warning)",
        lambda i: check_eligibility(
            applicant, on=day0 + timedelta(days=i % 700), office_region="620100"
        ),
    )
    _per_call_microseconds(
        "check_eligibility (7 unmet conditions, 79号 policy)",
        lambda i: check_eligibility(
            ineligible, on=day0 + timedelta(days=i % 700), office_region="620102", policy=policy_79
        ),
    )

    plain = WorkdayCalendar()
    _per_call_microseconds(
        "registration_deadline, covered years 2025-2026 (7 days)",
        lambda i: registration_deadline(day0 + timedelta(days=i % 700), calendar=plain),
    )
    _per_call_microseconds(
        "registration_deadline, provisional year 2028 (7 days)",
        lambda i: registration_deadline(date(2028, 1, 3) + timedelta(days=i % 350), calendar=plain),
    )
    regional = WorkdayCalendar(
        HolidayTable(
            [
                HolidayEntry(date(2027, 1, 1), "holiday", None, "元旦"),
                *(
                    HolidayEntry(
                        date(2025, 6, 5) + timedelta(days=365 * k), "holiday", "622900", "古尔邦节"
                    )
                    for k in range(3)
                ),
            ]
        )
    )
    _per_call_microseconds(
        "registration_deadline, admin table + 临夏 county rows",
        lambda i: registration_deadline(
            day0 + timedelta(days=i % 900), calendar=regional, region_code="622921"
        ),
    )

    categories = list(RetirementCategory)
    _per_call_microseconds(
        "statutory_retirement_date",
        lambda i: statutory_retirement_date(
            date(1950, 1, 1) + timedelta(days=i % 20_000), categories[i % 3]
        ),
        rounds=100_000,
    )


if __name__ == "__main__":
    main()
