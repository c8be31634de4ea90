"""Pausing Python's cyclic garbage collector around bulk work: a pull's page, a push, a fold.

Such work allocates millions of small dicts, lists and tuples (JSON payloads, rows, states),
none of them in a reference cycle, and every 700 new ones set off a collection that walks the
young objects, every tenth of those a walk of more. Measured on this project's benches: a push
of 100,000 events 3.86 → 3.21 s, their pull onto an empty counter 5.88 → 4.61 s, folding
105,000 journal events 1.13 → 0.61 s. Reference counting still frees everything as before;
only objects in cycles wait for the collector, which runs again when the bulk work ends.

The pause is process-wide (so is the collector) and counted: threads may pause at once, and
the collector comes back when the last of them is done, as it was before the first.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_pausing = 0
_was_enabled = True


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """`with cyclic_gc_paused():` (or as a decorator: `@cyclic_gc_paused()`) around bulk work."""
    global _pausing, _was_enabled
    with _lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()
