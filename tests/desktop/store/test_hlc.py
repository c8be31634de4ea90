"""Tests of the hybrid logical clock."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.store.errors import MalformedEventError
from desktop.store.hlc import HybridLogicalClock, format_hlc, parse_hlc


class ManualWallClock:
    """A wall clock the test sets by hand (nanoseconds)."""

    def __init__(self, millis: int) -> None:
        self.millis = millis

    def __call__(self) -> int:
        return self.millis * 1_000_000


def test_format_is_fixed_width_and_parses_back() -> None:
    clock = HybridLogicalClock("counterA", ManualWallClock(1_700_000_000_123))
    stamp = clock.now()
    assert stamp == "1700000000123.00000.counterA"
    assert parse_hlc(stamp) == (1_700_000_000_123, 0, "counterA")


def test_same_millisecond_increments_logical_part() -> None:
    wall = ManualWallClock(1_000)
    clock = HybridLogicalClock("n1", wall)
    stamps = [clock.now() for _ in range(3)]
    assert stamps == ["0000000001000.00000.n1", "0000000001000.00001.n1", "0000000001000.00002.n1"]


def test_wall_clock_going_back_never_reorders() -> None:
    wall = ManualWallClock(5_000)
    clock = HybridLogicalClock("n1", wall)
    first = clock.now()
    wall.millis = 1_000  # NTP step or a reset CMOS clock
    second = clock.now()
    assert second > first
    assert parse_hlc(second).physical_ms == 5_000


def test_logical_overflow_borrows_next_millisecond() -> None:
    clock = HybridLogicalClock("n1", ManualWallClock(1_000))
    clock.restore(format_hlc(1_000, 99_999, "n1"))
    assert clock.now() == "0000000001001.00000.n1"


def test_observe_moves_past_a_remote_stamp() -> None:
    local = HybridLogicalClock("a", ManualWallClock(1_000))
    remote_stamp = format_hlc(9_000, 7, "b")
    local.observe(remote_stamp)
    assert local.now() > remote_stamp


def test_observe_ignores_a_clock_set_years_ahead() -> None:
    local = HybridLogicalClock("a", ManualWallClock(1_000_000))
    local.observe(format_hlc(1_000_000 + 365 * 86_400_000, 0, "broken"))
    assert parse_hlc(local.now()).physical_ms == 1_000_000


def test_observe_trusts_its_own_node_stamps_far_ahead() -> None:
    """Our own stamp from before the wall clock was set back is not a broken remote clock."""
    local = HybridLogicalClock("a", ManualWallClock(1_000_000))
    own = format_hlc(1_000_000 + 5 * 86_400_000, 3, "a")
    local.observe(own)
    assert local.now() > own


@pytest.mark.parametrize(
    "bad", ["", "1.2.3", "0000000001000.00000.", "0000000001000.0000.n", "x" * 20, None, 17]
)
def test_malformed_stamp_is_refused(bad: object) -> None:
    clock = HybridLogicalClock("a", ManualWallClock(1))
    with pytest.raises(MalformedEventError):
        clock.observe(bad)  # type: ignore[arg-type]


def test_node_id_may_not_contain_the_separator() -> None:
    with pytest.raises(ValueError):
        HybridLogicalClock("a.b")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["now_a", "now_b", "a_to_b", "b_to_a", "tick"]), st.integers(0, 3)
        ),
        max_size=60,
    )
)
def test_causal_order_is_string_order(steps: list[tuple[str, int]]) -> None:
    """Happened-before implies a smaller string, across two nodes exchanging stamps."""
    wall_a, wall_b = ManualWallClock(1_000), ManualWallClock(900)
    a, b = HybridLogicalClock("a", wall_a), HybridLogicalClock("b", wall_b)
    last_a = last_b = ""
    for action, amount in steps:
        if action == "now_a":
            stamp = a.now()
            assert stamp > last_a
            last_a = stamp
        elif action == "now_b":
            stamp = b.now()
            assert stamp > last_b
            last_b = stamp
        elif action == "a_to_b" and last_a:
            b.observe(last_a)
            last_b = b.now()
            assert last_b > last_a
        elif action == "b_to_a" and last_b:
            a.observe(last_b)
            last_a = a.now()
            assert last_a > last_b
        elif action == "tick":
            wall_a.millis += amount
            wall_b.millis += amount * 2


def test_thread_safe_unique_and_increasing() -> None:
    clock = HybridLogicalClock("n1")
    results: list[list[str]] = [[] for _ in range(4)]

    def work(bucket: list[str]) -> None:
        for _ in range(5_000):
            bucket.append(clock.now())

    threads = [threading.Thread(target=work, args=(bucket,)) for bucket in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [stamp for bucket in results for stamp in bucket]
    assert len(set(everything)) == len(everything)
    for bucket in results:
        assert bucket == sorted(bucket)
