"""Hybrid logical clock: timestamps that sort in causal order across counters."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from desktop.store.errors import MalformedEventError

_log = logging.getLogger(__name__)

# The logical part has five digits; past that we borrow the next millisecond, which keeps both
# the string format and the order (Kulkarni et al., "Logical Physical Clocks", 2014).
_LOGICAL_LIMIT = 100_000
_NODE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HLC = re.compile(r"(\d{13})\.(\d{5})\.([A-Za-z0-9_-]{1,64})")

# A remote clock more than a day ahead of ours is broken (a counter PC set to 2099). Its events
# are still stored, but we do not drag our own clock that far: every event we make afterwards
# would otherwise carry the broken date.
DEFAULT_MAX_FORWARD_DRIFT_MS = 24 * 60 * 60 * 1000


class HlcValue(NamedTuple):
    """One parsed HLC string."""

    physical_ms: int
    logical: int
    node_id: str


def format_hlc(physical_ms: int, logical: int, node_id: str) -> str:
    """The string form, which sorts lexicographically in causal order."""
    return f"{physical_ms:013d}.{logical:05d}.{node_id}"


def parse_hlc(text: str) -> HlcValue:
    """Parse an HLC string; MalformedEventError when it is not one."""
    match = _HLC.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise MalformedEventError(f"事件的逻辑时钟值格式不正确：{text!r}")
    return HlcValue(int(match.group(1)), int(match.group(2)), match.group(3))


def is_valid_node_id(node_id: str) -> bool:
    """Node ids go inside the HLC string, so they may not contain its separator."""
    return bool(_NODE_ID.fullmatch(node_id))


class HybridLogicalClock:
    """Issues HLC strings for this node; thread-safe."""

    def __init__(
        self,
        node_id: str,
        wall_clock: Callable[[], int] = time.time_ns,
        *,
        max_forward_drift_ms: int = DEFAULT_MAX_FORWARD_DRIFT_MS,
    ) -> None:
        if not is_valid_node_id(node_id):
            raise ValueError(f"invalid HLC node id {node_id!r}: use letters, digits, _ or -")
        self.node_id = node_id
        self._wall_clock = wall_clock
        self._max_forward_drift_ms = max_forward_drift_ms
        self._physical_ms = 0
        self._logical = 0
        self._lock = threading.Lock()

    def _wall_ms(self) -> int:
        return self._wall_clock() // 1_000_000

    def _advance(self, physical_ms: int, logical: int) -> None:
        if logical >= _LOGICAL_LIMIT:
            physical_ms, logical = physical_ms + 1, 0
        self._physical_ms, self._logical = physical_ms, logical

    def now(self) -> str:
        """A new timestamp, later than every one this clock issued or observed."""
        with self._lock:
            wall = self._wall_ms()
            if wall > self._physical_ms:
                self._advance(wall, 0)
            else:
                self._advance(self._physical_ms, self._logical + 1)
            return format_hlc(self._physical_ms, self._logical, self.node_id)

    def restore(self, last_issued: str) -> None:
        """Resume after a restart from the latest HLC this node stored, even if the wall
        clock has since gone back (a reset CMOS clock must not reorder our own events)."""
        value = parse_hlc(last_issued)
        with self._lock:
            if (value.physical_ms, value.logical) > (self._physical_ms, self._logical):
                self._physical_ms, self._logical = value.physical_ms, value.logical

    def observe(self, remote: str) -> None:
        """Take in a timestamp seen on another node so later local ones sort after it."""
        remote_value = parse_hlc(remote)
        with self._lock:
            wall = self._wall_ms()
            # A stamp with our own node id was issued by us (before a restart, say), so a
            # wall clock that went back since does not make it "absurdly far ahead".
            own = remote_value.node_id == self.node_id
            if not own and remote_value.physical_ms > wall + self._max_forward_drift_ms:
                _log.warning("ignoring HLC %s: more than a day ahead of the local clock", remote)
                return
            physical = max(self._physical_ms, remote_value.physical_ms, wall)
            if physical == self._physical_ms == remote_value.physical_ms:
                logical = max(self._logical, remote_value.logical) + 1
            elif physical == self._physical_ms:
                logical = self._logical + 1
            elif physical == remote_value.physical_ms:
                logical = remote_value.logical + 1
            else:
                logical = 0
            self._advance(physical, logical)
