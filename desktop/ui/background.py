"""The one helper for all non-UI work: run a function off the GUI thread, get the result back on it.

Modelled on Anki's `QueryOp` and Picard's thread helper::

    run_in_background(compute_totals, period).on_success(self._show_totals).on_error(self._warn)
    run_db(search_people, store, text).on_success(self._show_hits)

The function runs on a pool thread and must not touch widgets. Its result (or the exception it
raised) comes back to the GUI thread through a queued signal, where the callbacks run. Because the
result arrives through the event loop, callbacks chained right after the call are always in place
before it is delivered.

Two pools: `run_in_background` uses a general pool for CPU or file work; `run_db` uses a pool of
exactly one long-lived thread, so every database operation is serialised — SQLite writes never race
and a connection is never shared between threads at the same time (the Anki rule).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

SuccessCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]

# Tasks whose result has not been delivered yet; holding them here keeps the QObject alive until
# its queued signal is handled (a task nobody references must still call back).
_pending: set[BackgroundTask] = set()
_pending_lock = threading.Lock()
_general_pool: QThreadPool | None = None
_database_pool: QThreadPool | None = None
_database_thread_name = "dengji-db"
_general_thread_name = "dengji-worker"


class BackgroundTask(QObject):
    """One function run off the GUI thread; callbacks are chained with `on_success`/`on_error`."""

    sig_task_succeeded = Signal(object)
    """The function returned; the argument is its return value. Emitted on the GUI thread."""

    sig_task_failed = Signal(object)
    """The function raised; the argument is the exception. Emitted on the GUI thread."""

    _sig_task_done = Signal(object, object)  # (result, error) from the worker thread; internal

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]):
        super().__init__()
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._success_callbacks: list[SuccessCallback] = []
        self._error_callbacks: list[ErrorCallback] = []
        self._finished = False
        # The task lives on the GUI thread, so a signal emitted from the worker is queued to it.
        self._sig_task_done.connect(self._on_task_done)

    @property
    def finished(self) -> bool:
        """True once the result or error has been delivered on the GUI thread."""
        return self._finished

    def on_success(self, callback: SuccessCallback) -> BackgroundTask:
        """Call `callback(result)` on the GUI thread when the function returns."""
        self._success_callbacks.append(callback)
        return self

    def on_error(self, callback: ErrorCallback) -> BackgroundTask:
        """Call `callback(exception)` on the GUI thread when the function raises.

        Without an error callback the exception is logged with its traceback.
        """
        self._error_callbacks.append(callback)
        return self

    def _run_on_worker(self) -> None:
        """Body of the pool job: run the function and post the outcome to the GUI thread."""
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as error:  # every failure, even SystemExit, must reach the GUI thread
            self._sig_task_done.emit(None, error)
        else:
            self._sig_task_done.emit(result, None)

    @Slot(object, object)
    def _on_task_done(self, result: object, error: object) -> None:
        with _pending_lock:
            _pending.discard(self)
        self._finished = True
        self._success_callbacks = [c for c in self._success_callbacks if _receiver_alive(c)]
        self._error_callbacks = [c for c in self._error_callbacks if _receiver_alive(c)]
        if isinstance(error, BaseException):
            if not self._error_callbacks:
                log.error(
                    "后台任务 %s 失败", _describe(self._fn), exc_info=(type(error), error, None)
                )
            for error_callback in self._error_callbacks:
                error_callback(error)
            self.sig_task_failed.emit(error)
            return
        for success_callback in self._success_callbacks:
            success_callback(result)
        self.sig_task_succeeded.emit(result)


class _TaskRunnable(QRunnable):
    """The QRunnable a pool executes for one BackgroundTask."""

    def __init__(self, task: BackgroundTask, thread_name: str | None) -> None:
        super().__init__()
        self._task = task
        self._thread_name = thread_name
        self.setAutoDelete(True)

    def run(self) -> None:
        # Always named: Python keys its record of a foreign (Qt) thread by the thread id,
        # which a later thread may reuse, so a general thread could otherwise inherit the
        # name of an ended database thread (and is_database_thread would lie).
        threading.current_thread().name = self._thread_name or _general_thread_name
        self._task._run_on_worker()


def _receiver_alive(callback: Callable[..., Any]) -> bool:
    """False when the callback is a method of a Qt object that has been deleted meanwhile (a
    page closed while its query ran): its outcome is then dropped, not delivered to a corpse."""
    while isinstance(callback, functools.partial):
        callback = callback.func
    receiver = getattr(callback, "__self__", None)
    if isinstance(receiver, QObject):
        return shiboken6.isValid(receiver)
    # A lambda or closure (`lambda items: self._on_loaded(generation, items)`): the Qt objects
    # it captured must all still exist.
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            captured = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(captured, QObject) and not shiboken6.isValid(captured):
            return False
    return True


def _describe(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def _assert_gui_thread() -> None:
    # Outcomes are delivered to the thread that created the task; only the GUI thread runs the
    # event loop that will deliver them.
    app = QCoreApplication.instance()
    assert app is not None, "需要先创建 QApplication"
    assert QThread.currentThread() == app.thread(), "后台任务只能从界面线程发起"


def general_pool() -> QThreadPool:
    """The pool for non-database work (CPU, files, devices that have no thread of their own)."""
    global _general_pool
    if _general_pool is None:
        _general_pool = QThreadPool()
        _general_pool.setMaxThreadCount(max(2, QThread.idealThreadCount()))
    return _general_pool


def database_pool() -> QThreadPool:
    """The pool of exactly one thread that runs every database operation, in submission order."""
    global _database_pool
    if _database_pool is None:
        _database_pool = QThreadPool()
        _database_pool.setMaxThreadCount(1)
        # Keep the one thread for the life of the program: a SQLite connection opened on it is
        # always used from that same thread.
        _database_pool.setExpiryTimeout(-1)
    return _database_pool


def _submit(
    pool: QThreadPool,
    thread_name: str | None,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> BackgroundTask:
    _assert_gui_thread()
    task = BackgroundTask(fn, args, kwargs)
    with _pending_lock:
        _pending.add(task)
    pool.start(_TaskRunnable(task, thread_name))
    return task


def run_in_background(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> BackgroundTask:
    """Run `fn(*args, **kwargs)` on the general pool; chain `.on_success(cb).on_error(cb)`."""
    return _submit(general_pool(), None, fn, args, kwargs)


def run_db(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> BackgroundTask:
    """Run `fn(*args, **kwargs)` on the single database thread, after all earlier database work."""
    return _submit(database_pool(), _database_thread_name, fn, args, kwargs)


def is_database_thread() -> bool:
    """True when called from the database thread (for asserts in code that must run there)."""
    return threading.current_thread().name == _database_thread_name


def pending_task_count() -> int:
    """How many tasks have not yet delivered their outcome to the GUI thread."""
    with _pending_lock:
        return len(_pending)


def wait_for_background_work(timeout_ms: int = 10_000) -> bool:
    """Block until both pools are idle (at shutdown, and in tests); False on timeout.

    Outcomes still queued for the GUI thread are delivered by the next event-loop pass.
    """
    done = True
    for pool in (_general_pool, _database_pool):
        if pool is not None:
            done = pool.waitForDone(timeout_ms) and done
    return done
