"""Pausing the cyclic garbage collector around bulk work: counted, restored, never left off."""

from __future__ import annotations

import gc
import threading

import pytest

from desktop.store.bulk_work import cyclic_gc_paused


def test_the_collector_is_paused_inside_and_back_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), cyclic_gc_paused():
        raise ValueError("bulk work failed")
    assert gc.isenabled()


def test_nested_and_overlapping_pauses_end_with_the_last() -> None:
    inside = threading.Event()
    leave = threading.Event()

    def other_thread_bulk_work() -> None:
        with cyclic_gc_paused():
            inside.set()
            leave.wait(10)

    worker = threading.Thread(target=other_thread_bulk_work)
    worker.start()
    assert inside.wait(10)
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still at it
    leave.set()
    worker.join(10)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_as_a_decorator_it_pauses_each_call() -> None:
    @cyclic_gc_paused()
    def fold() -> bool:
        return gc.isenabled()

    assert fold() is False and fold() is False
    assert gc.isenabled()
