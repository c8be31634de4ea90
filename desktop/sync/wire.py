"""The shape of an event in transit between a counter and the central database, and its check."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple

from desktop.store.errors import MalformedEventError
from desktop.store.hlc import _HLC, parse_hlc
from desktop.store.journal import KIND_ENTITY_TYPES

_KIND = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")
_ENTITY_TYPE = re.compile(r"[a-z][a-z_]{0,31}")
_ACTOR_ID = re.compile(r"\S{1,64}")
# str(uuid.UUID(…)): what journal.record and journal.ingest store (a regex is ten times faster).
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# json.loads without its per-call checks (the same decoder json.loads uses by default).
_decode_json = json.JSONDecoder().decode


class WireEvent(NamedTuple):
    """One journal event as text: what a push copies up and a pull brings down.

    `payload` is the JSON text, parsed only when a projection needs it; `wall_time` is ISO
    8601 with its UTC offset. `central_seq` is the central's arrival number (None before).
    """

    id: str
    entity_type: str
    entity_id: str
    kind: str
    payload: str
    clerk_id: str
    counter_id: str
    wall_time: str
    hlc: str
    central_seq: int | None = None


class FoldEvent(NamedTuple):
    """An event as the projector's fold reads it (desktop.store.projector.EventLike)."""

    id: str
    kind: str
    payload: Mapping[str, Any]
    hlc: str
    wall_time: dt.datetime
    clerk_id: str
    counter_id: str


def fold_event(event: WireEvent) -> FoldEvent:
    """The fold's view of a wire event (parses the payload, checks nothing)."""
    return FoldEvent(
        event.id,
        event.kind,
        json.loads(event.payload),
        event.hlc,
        dt.datetime.fromisoformat(event.wall_time),
        event.clerk_id,
        event.counter_id,
    )


def _uuid(value: Any, what: str) -> str:
    if isinstance(value, str) and _CANONICAL_UUID.fullmatch(value):
        return value
    try:
        uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as error:
        raise MalformedEventError(f"{what}不是有效的 UUID：{value!r}") from error
    raise MalformedEventError(f"{what}不是规范的 UUID 写法：{value!r}")


def _well_formed_ids(event: WireEvent) -> bool:
    """The usual case in one expression: canonical UUIDs, kind and entity type, HLC and actor
    ids all as they should be. False sends the event through `_check_fields`, which names
    the first fault."""
    kind = event.kind
    entity_type = event.entity_type
    clerk_id = event.clerk_id
    counter_id = event.counter_id
    return bool(
        type(event.id) is str
        and _CANONICAL_UUID.fullmatch(event.id)
        and type(event.entity_id) is str
        and _CANONICAL_UUID.fullmatch(event.entity_id)
        and type(event.hlc) is str
        and _HLC.fullmatch(event.hlc)
        and type(entity_type) is str
        and type(kind) is str
        and type(clerk_id) is str
        and type(counter_id) is str
        and _labels_well_formed(kind, entity_type, clerk_id, counter_id)
    )


# Kind, entity type, clerk and counter repeat from event to event (a page of 20,000 pulled
# events has a few dozen combinations): each combination is checked once. Bounded, so that
# a flood of odd values cannot grow it.
_WELL_FORMED_LABELS: dict[tuple[str, str, str, str], bool] = {}
_MAX_WELL_FORMED_LABELS = 4096


def _labels_well_formed(kind: str, entity_type: str, clerk_id: str, counter_id: str) -> bool:
    key = (kind, entity_type, clerk_id, counter_id)
    found = _WELL_FORMED_LABELS.get(key)
    if found is None:
        found = bool(
            _ENTITY_TYPE.fullmatch(entity_type)
            and len(kind) <= 64
            and _KIND.fullmatch(kind)
            and KIND_ENTITY_TYPES.get(kind, entity_type) == entity_type
            and _ACTOR_ID.fullmatch(clerk_id)
            and "\x00" not in clerk_id
            and _ACTOR_ID.fullmatch(counter_id)
            and "\x00" not in counter_id
        )
        if len(_WELL_FORMED_LABELS) >= _MAX_WELL_FORMED_LABELS:
            _WELL_FORMED_LABELS.clear()
        _WELL_FORMED_LABELS[key] = found
    return found


def _check_fields(event: WireEvent) -> None:
    _uuid(event.id, "事件编号")
    _uuid(event.entity_id, "对象编号")
    if not isinstance(event.entity_type, str) or not _ENTITY_TYPE.fullmatch(event.entity_type):
        raise MalformedEventError(f"事件的对象类型不正确：{event.entity_type!r}")
    if not isinstance(event.kind, str) or not _KIND.fullmatch(event.kind) or len(event.kind) > 64:
        raise MalformedEventError(f"事件类型不正确：{event.kind!r}")
    expected = KIND_ENTITY_TYPES.get(event.kind)
    if expected is not None and expected != event.entity_type:
        raise MalformedEventError(f"事件类型 {event.kind} 不能用于对象类型 {event.entity_type}")
    parse_hlc(event.hlc)
    for name in ("clerk_id", "counter_id"):
        value = getattr(event, name)
        if not isinstance(value, str) or not _ACTOR_ID.fullmatch(value) or "\x00" in value:
            raise MalformedEventError(f"事件的 {name} 格式不正确：{value!r}")


def checked_fold_event(event: WireEvent) -> FoldEvent:
    """The fold's view of `event` when it is well formed; MalformedEventError (Chinese)
    naming the first fault otherwise.

    The same rules as desktop.store.journal.ingest, so that what the central database accepts
    every counter can store: canonical UUIDs, a known shape of kind and entity type, an HLC
    value, clerk and counter ids, a JSON object payload, an ISO time with its offset. JSON
    text and strings may not hold NUL characters, which PostgreSQL cannot store.
    """
    if not _well_formed_ids(event):
        _check_fields(event)
    payload_text = event.payload
    if type(payload_text) is not str or "\x00" in payload_text or "\\u0000" in payload_text:
        raise MalformedEventError(f"事件 {event.id} 的内容含有无法保存的字符")
    try:
        payload = _decode_json(payload_text)
    except ValueError as error:
        raise MalformedEventError(f"事件 {event.id} 的内容不是有效的 JSON") from error
    if type(payload) is not dict:
        raise MalformedEventError(f"事件 {event.id} 的内容不是字段表")
    try:
        parsed = dt.datetime.fromisoformat(event.wall_time)
    except (TypeError, ValueError) as error:
        raise MalformedEventError(f"事件的时间格式不正确：{event.wall_time!r}") from error
    if parsed.tzinfo is None:
        raise MalformedEventError(f"事件的时间缺少时区：{event.wall_time!r}")
    return FoldEvent(
        event.id, event.kind, payload, event.hlc, parsed, event.clerk_id, event.counter_id
    )
