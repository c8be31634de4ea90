"""The background helper runs work off the GUI thread and calls back on it, in order for the DB."""

from __future__ import annotations

import threading
import time

import pytest
import shiboken6
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from desktop.ui.background import (
    is_database_thread,
    pending_task_count,
    run_db,
    run_in_background,
    wait_for_background_work,
)


class DeliveryRecorder:
    """Records what the callbacks received, and on which thread they ran."""

    def __init__(self) -> None:
        self.results: list[object] = []
        self.errors: list[BaseException] = []
        self.callback_on_gui_thread: list[bool] = []

    def on_result(self, result: object) -> None:
        self.results.append(result)
        self.callback_on_gui_thread.append(_on_gui_thread())

    def on_error(self, error: BaseException) -> None:
        self.errors.append(error)
        self.callback_on_gui_thread.append(_on_gui_thread())


def _on_gui_thread() -> bool:
    app = QApplication.instance()
    assert app is not None
    return QThread.currentThread() == app.thread()


def test_result_is_delivered_on_the_gui_thread(qtbot) -> None:
    recorder = DeliveryRecorder()
    worker_threads: list[str] = []

    def add(a: int, b: int) -> int:
        worker_threads.append(threading.current_thread().name)
        assert not _on_gui_thread()
        return a + b

    task = run_in_background(add, 2, 3).on_success(recorder.on_result).on_error(recorder.on_error)
    with qtbot.waitSignal(task.sig_task_succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == [5]
    assert recorder.results == [5]
    assert recorder.errors == []
    assert recorder.callback_on_gui_thread == [True]
    assert worker_threads and worker_threads[0] != threading.main_thread().name
    assert task.finished


def test_exception_goes_to_the_error_callback(qtbot) -> None:
    recorder = DeliveryRecorder()

    def fail() -> None:
        raise ValueError("坏数据")

    task = run_in_background(fail).on_success(recorder.on_result).on_error(recorder.on_error)
    with qtbot.waitSignal(task.sig_task_failed, timeout=5000):
        pass
    assert recorder.results == []
    assert [str(error) for error in recorder.errors] == ["坏数据"]
    assert recorder.callback_on_gui_thread == [True]


def test_unhandled_error_is_logged_not_lost(qtbot, caplog: pytest.LogCaptureFixture) -> None:
    def fail() -> None:
        raise RuntimeError("无人处理")

    task = run_in_background(fail)
    with qtbot.waitSignal(task.sig_task_failed, timeout=5000):
        pass
    assert "后台任务" in caplog.text
    assert "无人处理" in caplog.text


def test_database_work_runs_one_at_a_time_in_submission_order(qtbot) -> None:
    running = 0
    overlap_seen = False
    order: list[int] = []
    threads: set[str] = set()
    lock = threading.Lock()

    def job(number: int) -> int:
        nonlocal running, overlap_seen
        with lock:
            running += 1
            overlap_seen = overlap_seen or running > 1
        threads.add(threading.current_thread().name)
        assert is_database_thread()
        time.sleep(0.01)
        order.append(number)
        with lock:
            running -= 1
        return number

    delivered: list[int] = []
    tasks = [run_db(job, number).on_success(delivered.append) for number in range(8)]
    qtbot.waitUntil(lambda: len(delivered) == 8, timeout=5000)
    assert order == list(range(8))
    assert delivered == list(range(8))
    assert not overlap_seen
    assert len(threads) == 1
    assert all(task.finished for task in tasks)


def test_gui_thread_is_not_the_database_thread() -> None:
    assert not is_database_thread()


def test_callbacks_chained_after_a_fast_task_still_run(qtbot) -> None:
    """Even when the work finishes before `.on_success` is chained, the callback runs."""
    recorder = DeliveryRecorder()
    task = run_in_background(int, "7")
    assert wait_for_background_work(5000)  # the function has certainly returned by now
    task.on_success(recorder.on_result)
    qtbot.waitUntil(lambda: recorder.results == [7], timeout=5000)


def test_task_without_reference_still_calls_back(qtbot) -> None:
    recorder = DeliveryRecorder()
    run_in_background(str.upper, "abc").on_success(recorder.on_result)
    qtbot.waitUntil(lambda: recorder.results == ["ABC"], timeout=5000)
    qtbot.waitUntil(lambda: pending_task_count() == 0, timeout=5000)


def test_outcome_for_a_deleted_widget_is_dropped(qtbot) -> None:
    """A page closed while its query runs must not be called back (its C++ side is gone)."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    release = threading.Event()
    task = run_in_background(release.wait, 5).on_success(label.setNum)
    label.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(label), timeout=5000)
    release.set()
    with qtbot.waitSignal(task.sig_task_succeeded, timeout=5000):
        pass  # delivered without calling into the deleted label (that would raise)


def test_outcome_for_a_lambda_capturing_a_deleted_widget_is_dropped(qtbot) -> None:
    """`lambda items: self._on_loaded(generation, items)` must not reach a closed page."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    calls: list[object] = []
    release = threading.Event()

    task = run_in_background(release.wait, 5).on_success(
        lambda value: (calls.append(value), label.setText(str(value)))
    )
    label.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(label), timeout=5000)
    release.set()
    with qtbot.waitSignal(task.sig_task_succeeded, timeout=5000):
        pass
    assert calls == []  # the closure captured a deleted QLabel: not called


def test_a_lambda_capturing_live_objects_is_called(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    run_in_background(str, 42).on_success(lambda value: label.setText(value))
    qtbot.waitUntil(lambda: label.text() == "42", timeout=5000)


def test_a_general_thread_is_never_taken_for_the_database_thread(qtbot) -> None:
    """Python keys its record of a Qt pool thread by the thread id, which an ended database
    thread may have had, name and all: every task names its thread afresh."""
    import desktop.ui.background as background

    pool = background.general_pool()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(1)  # both tasks below on the same thread
    try:

        def inherit_a_stale_name() -> None:
            threading.current_thread().name = "dengji-db"  # what a reused thread id brings

        done: list[object] = []
        run_in_background(inherit_a_stale_name).on_success(done.append)
        run_in_background(is_database_thread).on_success(done.append)
        qtbot.waitUntil(lambda: len(done) == 2, timeout=5000)
        assert done == [None, False]
    finally:
        pool.setMaxThreadCount(threads)
