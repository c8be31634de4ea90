"""Benchmark: ID-number validation speed (target: is_valid_id_number ≥ 300,000 numbers/second)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from desktop.domain.idnumbers import (
    InvalidIdNumberError,
    check_digit,
    is_valid_id_number,
    parse_id_number,
)
from desktop.domain.regions import counties, prefectures

NUMBER_COUNT = 320_000
TARGET_PER_SECOND = 300_000
TODAY = date(2025, 6, 30)


def _region_pool() -> list[tuple[str, int | None]]:
    """(address code, last year it may appear on a birth) — current Gansu, legacy, elsewhere."""
    current: list[tuple[str, int | None]] = [
        (c.code, None) for p in prefectures() for c in counties(p.code)
    ]
    legacy: list[tuple[str, int | None]] = [
        (c.code, (c.valid_to_year or TODAY.year) + 1)
        for p in prefectures(include_retired=True)
        if not p.is_current
        for c in counties(p.code, include_retired=True)
    ]
    elsewhere: list[tuple[str, int | None]] = [
        (code, None) for code in ("110105", "440308", "610104", "510107", "640104")
    ]
    # A Gansu hall sees mostly current Gansu codes, a good share of legacy ones, a few others.
    return current * 6 + legacy * 2 + elsewhere * 4


def _valid_number(rng: random.Random, pool: list[tuple[str, int | None]]) -> str:
    code, last_year = rng.choice(pool)
    latest = TODAY if last_year is None else min(TODAY, date(last_year, 12, 31))
    earliest = date(1950, 1, 1)
    born = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
    body = f"{code}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + check_digit(body)


def _spoil(rng: random.Random, number: str) -> str:
    """The mistakes a clerk or a worn card make."""
    kind = rng.randrange(6)
    if kind == 0:  # one digit mistyped
        position = rng.randrange(17)
        digit = str((int(number[position]) + rng.randrange(1, 10)) % 10)
        return number[:position] + digit + number[position + 1 :]
    if kind == 1:  # two neighbours swapped
        position = rng.randrange(16)
        return number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if kind == 2:  # a digit dropped
        position = rng.randrange(18)
        return number[:position] + number[position + 1 :]
    if kind == 3:  # impossible date, right check digit
        body = number[:10] + "0231" + number[14:17]
        return body + check_digit(body)
    if kind == 4:  # the letter O for a zero
        return number.replace("0", "O", 1)
    body = "62242120150101" + number[14:17]  # retired 定西县 code on a 2015 birth
    return body + check_digit(body)


def make_numbers(count: int = NUMBER_COUNT, seed: int = 20200111) -> list[str]:
    """`count` realistic inputs: about 85 % valid (some with lower-case x or spaces), 15 % not."""
    rng = random.Random(seed)
    pool = _region_pool()
    numbers: list[str] = []
    for _ in range(count):
        number = _valid_number(rng, pool)
        roll = rng.random()
        if roll < 0.15:
            number = _spoil(rng, number)
        elif roll < 0.17:
            number = number.lower() if number.endswith("X") else f" {number} "
        numbers.append(number)
    return numbers


def _rate(label: str, function: Callable[[str], object], numbers: list[str]) -> float:
    started = time.perf_counter()
    for number in numbers:
        function(number)
    elapsed = time.perf_counter() - started
    per_second = len(numbers) / elapsed
    print(f"{label:<42} {len(numbers):>8,} in {elapsed:6.2f} s = {per_second:>10,.0f} /s")
    return per_second


def _parse_or_none(number: str) -> object:
    try:
        return parse_id_number(number, today=TODAY)
    except InvalidIdNumberError:
        return None


def main() -> None:
    numbers = make_numbers()
    print(f"{len(numbers):,} generated numbers (about 15 % spoilt)")
    _rate("is_valid_id_number (cold caches)", lambda n: is_valid_id_number(n, today=TODAY), numbers)
    valid = sum(is_valid_id_number(n, today=TODAY) for n in numbers)
    print(f"{valid:,} valid ({valid / len(numbers):.1%})")
    fast = _rate(
        "is_valid_id_number (warm caches)", lambda n: is_valid_id_number(n, today=TODAY), numbers
    )
    _rate("is_valid_id_number (today=None)", is_valid_id_number, numbers)
    _rate("parse_id_number (with messages)", _parse_or_none, numbers)
    verdict = "meets" if fast >= TARGET_PER_SECOND else "MISSES"
    print(f"target {TARGET_PER_SECOND:,} /s: {verdict}")


if __name__ == "__main__":
    main()
