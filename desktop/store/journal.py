"""The append-only journal: record a clerk's change, or ingest an event from elsewhere."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from desktop.domain.roles import (
    Delegation,
    Permission,
    Role,
    has_permission,
    require_permission,
)
from desktop.store.db import FastStatement
from desktop.store.errors import DuplicatePersonError, MalformedEventError, StoreError
from desktop.store.hlc import HybridLogicalClock, parse_hlc
from desktop.store.models import EVENT_CONTENT_COLUMNS, Event, Person, Registration
from desktop.store.projector import (
    FIELD_LABELS,
    PERSON_FIELDS,
    REGISTRATION_APPLIED_FIELDS,
    check_payload_fields,
    loaded_projection,
    orm_snapshot,
    project,
)


@dataclass(frozen=True)
class Actor:
    """Who makes a change: the clerk logged in, at which counter, with which roles.

    Use cases check `roles` (desktop/domain/roles.py) before they record anything; no roles
    (the default) may do nothing. A disability agency's staff also carry their `agency_id`
    and the agency's current `delegation`.
    """

    clerk_id: str
    counter_id: str
    roles: frozenset[Role] = frozenset()
    agency_id: str | None = None
    delegation: Delegation | None = None
    display_name: str = ""

    def may(self, permission: Permission) -> bool:
        """Whether one of the roles grants `permission` (the UI hides what may not be done)."""
        return has_permission(self.roles, permission)

    def require(self, permission: Permission) -> None:
        """Raise PermissionDeniedError (Chinese message) unless a role grants `permission`."""
        require_permission(self.roles, permission)


# Kinds whose entity type is fixed; a mismatch is a programming error caught before it is stored.
KIND_ENTITY_TYPES: dict[str, str] = {
    "person.recorded": "person",
    "person.updated": "person",
    "registration.applied": "registration",
    "registration.verified": "registration",
    "registration.registered": "registration",
    "registration.rejected": "registration",
    "commitment.printed": "registration",
    "commitment.signed": "registration",
    "contact.recorded": "registration",
    "service.recorded": "registration",
    "service.refused": "registration",
    "followup.visited": "registration",
    "aidplan.set": "registration",
    "deregistration.done": "registration",
    "conflict.resolved": "registration",  # desktop/services/conflicts.py
}

_KIND = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")
_ENTITY_TYPE = re.compile(r"[a-z][a-z_]{0,31}")
_ACTOR_ID = re.compile(r"\S{1,64}")

# Fields a local event of these kinds must carry, and the typed fields to check.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "person.recorded": ("doc_type", "id_number", "name"),
    "registration.applied": ("person_id", "number"),
}
_TYPED: dict[str, Mapping[str, type]] = {
    "person.recorded": PERSON_FIELDS,
    "person.updated": PERSON_FIELDS,
    "registration.applied": REGISTRATION_APPLIED_FIELDS,
}


def to_json_safe(value: Any) -> Any:
    """A copy of `value` made only of JSON types: dates become ISO strings, tuples lists."""
    if type(value) is str:  # most values: the shortcut of the next line
        return value
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise MalformedEventError("事件内容含有无效的数值")
        return value
    if isinstance(value, enum.Enum):
        return to_json_safe(value.value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise MalformedEventError("事件内容中的时间缺少时区")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_safe(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(to_json_safe(item) for item in value)
    raise MalformedEventError(f"事件内容含有无法保存的值：{type(value).__name__}")


# The canonical text of a UUID (what str(uuid.UUID(...)) gives), as our own ids always are.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _canonical_uuid(value: Any, what: str) -> str:
    if type(value) is str and _CANONICAL_UUID.fullmatch(value):
        return value  # already canonical: parsing it again would give it back unchanged
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError) as error:
        raise MalformedEventError(f"{what}不是有效的 UUID：{value!r}") from error


def _check_kind(entity_type: str, kind: str) -> None:
    if not isinstance(entity_type, str) or not _ENTITY_TYPE.fullmatch(entity_type):
        raise MalformedEventError(f"事件的对象类型不正确：{entity_type!r}")
    if not isinstance(kind, str) or not _KIND.fullmatch(kind) or len(kind) > 64:
        raise MalformedEventError(f"事件类型不正确：{kind!r}")
    expected = KIND_ENTITY_TYPES.get(kind)
    if expected is not None and expected != entity_type:
        raise MalformedEventError(f"事件类型 {kind} 不能用于对象类型 {entity_type}")


def _string_lengths(*tables: Table) -> dict[str, int]:
    lengths = {}
    for table in tables:
        for column in table.columns:
            length = getattr(column.type, "length", None)
            if isinstance(length, int):
                lengths[column.key] = length
    return lengths


_FIELD_LENGTHS = _string_lengths(cast(Table, Person.__table__), cast(Table, Registration.__table__))


def _check_local_payload(kind: str, payload: Mapping[str, Any]) -> None:
    missing = [name for name in _REQUIRED.get(kind, ()) if payload.get(name) in (None, "")]
    if missing:
        labels = "、".join(FIELD_LABELS.get(name, name) for name in missing)
        raise MalformedEventError(f"缺少必填项：{labels}")
    fields = _TYPED.get(kind, {})
    unreadable = check_payload_fields(payload, fields)
    if unreadable:
        labels = "、".join(FIELD_LABELS.get(name, name) for name in unreadable)
        raise MalformedEventError(f"以下各项的格式不正确：{labels}")
    # SQLite does not enforce VARCHAR lengths but the central PostgreSQL does: a value too
    # long would stop that event's sync for good, so refuse it here, where a clerk can fix it.
    for name in fields:
        limit = _FIELD_LENGTHS.get(name)
        value = payload.get(name)
        if limit is not None and isinstance(value, str) and len(value.strip()) > limit:
            raise MalformedEventError(f"{FIELD_LABELS.get(name, name)}过长（最多 {limit} 个字）")


_PERSON_WITH_DOCUMENT = FastStatement(
    select(Person.id).where(
        Person.doc_type == bindparam("doc_type"),
        Person.id_number == bindparam("id_number"),
        Person.id != bindparam("entity_id"),
    )
)
_REGISTRATION_WITH_NUMBER = FastStatement(
    select(Registration.id).where(
        Registration.number == bindparam("number"), Registration.id != bindparam("entity_id")
    )
)
_PERSON_EXISTS = FastStatement(select(Person.id).where(Person.id == bindparam("person_id")))
_JOURNAL = cast(Table, Event.__table__)
_EVENT_BY_ID = FastStatement(
    select(_JOURNAL.c.seq, _JOURNAL.c.central_seq).where(_JOURNAL.c.id == bindparam("event_id"))
)
_INSERT_EVENT = FastStatement(insert(_JOURNAL))
_SET_CENTRAL_SEQ = FastStatement(
    update(_JOURNAL)
    .where(_JOURNAL.c.seq == bindparam("event_seq"))
    .values(central_seq=bindparam("new_central_seq"))
)


def _check_not_duplicate(
    session: Session, kind: str, entity_id: str, payload: Mapping[str, Any]
) -> None:
    if kind == "person.recorded":
        connection = session.connection()
        id_number = str(payload["id_number"]).replace(" ", "").upper()
        doc_type = str(payload["doc_type"]).strip()
        existing = _PERSON_WITH_DOCUMENT.scalar(
            connection, {"doc_type": doc_type, "id_number": id_number, "entity_id": entity_id}
        )
        if existing is not None:
            raise DuplicatePersonError(doc_type, id_number, existing)
    elif kind == "registration.applied":
        connection = session.connection()
        number = str(payload["number"]).strip()
        taken = _REGISTRATION_WITH_NUMBER.scalar(
            connection, {"number": number, "entity_id": entity_id}
        )
        if taken is not None:
            raise StoreError(f"登记编号 {number} 已被使用，请重新生成编号")
        person_id = str(payload["person_id"])
        # A person this session has loaded or just recorded exists: no need to ask SQLite.
        if loaded_projection(session, Person, person_id) is not None:
            return
        if _PERSON_EXISTS.scalar(connection, {"person_id": person_id}) is None:
            raise MalformedEventError(f"找不到人员档案：{person_id}")


def _append(session: Session, values: dict[str, Any]) -> Event:
    """Insert one journal row and fold it into its projection; the row as an Event object
    (a snapshot, not attached to the session: events never change)."""
    seq = _INSERT_EVENT.write(session.connection(), values)
    event: Event = orm_snapshot(Event, {"seq": seq, **values})
    project(session, event)
    return event


def record(
    session: Session,
    actor: Actor,
    *,
    entity_type: str,
    entity_id: str,
    kind: str,
    payload: Mapping[str, Any],
    clock: HybridLogicalClock,
) -> Event:
    """Append one event made at this counter and update its projection, in the caller's
    transaction (the caller commits both or neither).

    Dates and datetimes in `payload` are stored as ISO text. Refused with a Chinese
    message, before anything is written: a kind that does not fit the entity type, an id
    that is not a UUID, a missing required field, a field of the wrong type or too long
    (MalformedEventError), a second record of the same document (DuplicatePersonError), a
    registration number already used or a registration of an unknown person (StoreError).
    """
    if not _ACTOR_ID.fullmatch(str(actor.clerk_id)) or not _ACTOR_ID.fullmatch(
        str(actor.counter_id)
    ):
        raise MalformedEventError("经办人或窗口编号为空或格式不正确")
    _check_kind(entity_type, kind)
    entity_id = _canonical_uuid(entity_id, "对象编号")
    if not isinstance(payload, Mapping):
        raise MalformedEventError("事件内容必须是字段表")
    safe_payload = to_json_safe(payload)
    _check_local_payload(kind, safe_payload)
    _check_not_duplicate(session, kind, entity_id, safe_payload)
    return _append(
        session,
        {
            "id": str(uuid.uuid4()),
            "entity_type": entity_type,
            "entity_id": entity_id,
            "kind": kind,
            "payload": safe_payload,
            "clerk_id": actor.clerk_id,
            "counter_id": actor.counter_id,
            "wall_time": dt.datetime.now(dt.UTC),
            "hlc": clock.now(),
            "central_seq": None,
            "pushed": False,
        },
    )


_INGEST_FIELDS = EVENT_CONTENT_COLUMNS


def _parse_wall_time(value: Any) -> dt.datetime:
    parsed: dt.datetime
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError as error:
            raise MalformedEventError(f"事件的时间格式不正确：{value!r}") from error
    else:
        raise MalformedEventError(f"事件的时间格式不正确：{value!r}")
    if parsed.tzinfo is None:  # rows read back from SQLite elsewhere are naive UTC
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def event_to_row(event: Event) -> dict[str, Any]:
    """An event as a plain dict of JSON types, the shape `ingest` takes (sync's wire format)."""
    return {
        "id": event.id,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "kind": event.kind,
        "payload": event.payload,
        "clerk_id": event.clerk_id,
        "counter_id": event.counter_id,
        "wall_time": event.wall_time.isoformat(),
        "hlc": event.hlc,
        "central_seq": event.central_seq,
    }


def ingest(
    session: Session,
    event_row_dict: Mapping[str, Any],
    clock: HybridLogicalClock,
    *,
    pushed: bool = True,
) -> Event | None:
    """Store an event made elsewhere (pulled from, or pushed to, the central database).

    Idempotent by the event's UUID: a second copy only fills in a missing `central_seq` and
    returns None. Otherwise returns the stored event, with its projection updated (re-folded
    if it arrived out of HLC order). `pushed=True` (the default) marks it as known centrally,
    so the counter's push skips it. The clock observes the event's HLC. A malformed row
    raises MalformedEventError and stores nothing.
    """
    missing = [name for name in _INGEST_FIELDS if name not in event_row_dict]
    if missing:
        raise MalformedEventError(f"同步来的事件缺少字段：{'、'.join(missing)}")
    row = event_row_dict
    event_id = _canonical_uuid(row["id"], "事件编号")
    entity_id = _canonical_uuid(row["entity_id"], "对象编号")
    _check_kind(row["entity_type"], row["kind"])
    hlc = row["hlc"]
    parse_hlc(hlc)
    if not isinstance(row["payload"], Mapping):
        raise MalformedEventError("同步来的事件内容不是字段表")
    for name in ("clerk_id", "counter_id"):
        if not isinstance(row[name], str) or not _ACTOR_ID.fullmatch(row[name]):
            raise MalformedEventError(f"同步来的事件 {name} 格式不正确：{row[name]!r}")
    central_seq = row.get("central_seq")
    if central_seq is not None and (
        isinstance(central_seq, bool) or not isinstance(central_seq, int)
    ):
        raise MalformedEventError(f"同步来的事件序号格式不正确：{central_seq!r}")
    wall_time = _parse_wall_time(row["wall_time"])

    connection = session.connection()
    existing = _EVENT_BY_ID.first(connection, {"event_id": event_id})
    if existing is not None:
        existing_seq, existing_central_seq = existing
        if central_seq is not None and existing_central_seq is None:
            _SET_CENTRAL_SEQ.write(
                connection, {"event_seq": existing_seq, "new_central_seq": central_seq}
            )
        return None
    clock.observe(hlc)
    return _append(
        session,
        {
            "id": event_id,
            "entity_type": row["entity_type"],
            "entity_id": entity_id,
            "kind": row["kind"],
            "payload": to_json_safe(row["payload"]),
            "clerk_id": row["clerk_id"],
            "counter_id": row["counter_id"],
            "wall_time": wall_time,
            "hlc": hlc,
            "central_seq": central_seq,
            "pushed": pushed,
        },
    )
