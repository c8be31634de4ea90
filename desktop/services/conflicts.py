"""The supervisor's conflict review (冲突复核): registrations whose events clashed; resolving one.

design.md "Sync": events from two counters that contradict each other are both kept; the fold
notes the clash in `registration.anomalies` (the same on every counter and centrally). This
lists the registrations with anomalies not yet resolved, with every event of the registration
(which counter, which clerk, when, what it said), and records a supervisor's resolution as a
`conflict.resolved` journal event naming the anomalies it settles. A resolved registration
leaves the list until a new anomaly appears (one arriving later by sync, for instance).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.errors import DomainError
from desktop.domain.roles import Permission
from desktop.store.hlc import HybridLogicalClock
from desktop.store.journal import Actor, record
from desktop.store.models import Event, Person, Registration
from desktop.store.projector import FIELD_LABELS, STATUS_LABELS, entity_events
from desktop.store.queries import KIND_LABELS, VERIFY_METHOD_LABELS

RESOLVED_KIND = "conflict.resolved"
NOTE_MAX_LENGTH = 500
# Gansu keeps Beijing time: the review shows the clerk's wall-clock time.
_BEIJING = dt.timezone(dt.timedelta(hours=8))

# What the payload fields of registration events are called on screen (beyond FIELD_LABELS).
_MORE_LABELS: dict[str, str] = {
    "verified_on": "核实日期",
    "method": "核实方式",
    "registered_on": "登记日期",
    "rejected_on": "不予登记日期",
    "reason": "原因",
    "deregistered_on": "注销日期",
    "contacted_on": "联系日期",
    "served_on": "服务日期",
    "reached": "联系上",
    "tier": "分级",
    "note": "处理意见",
}
_SUMMARY_FIELDS = 4
_SUMMARY_VALUE_LENGTH = 40


class ConflictError(DomainError):
    """A resolution that cannot be recorded as given (Chinese `message`)."""


@dataclass(frozen=True)
class ConflictEvent:
    """One event of a registration under review: who recorded what, where and when."""

    event_id: str
    kind: str
    kind_label: str
    counter_id: str
    clerk_id: str
    recorded_at: dt.datetime  # Beijing time
    summary: str  # what it said, e.g. "登记日期：2025-06-03；原因：…"
    clashed: bool  # named by one of the open anomalies


@dataclass(frozen=True)
class ConflictCase:
    """A registration whose events clashed and whose anomalies are not all resolved."""

    registration_id: str
    number: str
    person_id: str
    person_name: str
    status_label: str
    anomalies: tuple[str, ...]  # the open ones, in fold order
    events: tuple[ConflictEvent, ...]  # every event of the registration, in HLC order
    counters: tuple[str, ...]  # the counters whose events clashed

    @property
    def latest_at(self) -> dt.datetime | None:
        """When the newest clashing event was recorded (the list's sort key)."""
        times = [event.recorded_at for event in self.events if event.clashed]
        return max(times) if times else None


def _as_beijing(value: Any) -> dt.datetime:
    moment: dt.datetime = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:  # SQLite keeps UTC without its offset (models.UtcDateTime)
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(_BEIJING)


def _label(name: str) -> str:
    return FIELD_LABELS.get(name) or _MORE_LABELS.get(name) or name


def _shown(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > _SUMMARY_VALUE_LENGTH:
        return text[: _SUMMARY_VALUE_LENGTH - 1] + "…"
    return text


def summarize_payload(payload: Mapping[str, Any]) -> str:
    """What an event said, in a few "名称：值" parts (ids and empty values left out)."""
    parts = []
    for name, value in payload.items():
        if value in (None, "", [], {}) or name.endswith("_id") or name == "evidence":
            continue
        if name == "method":  # a code: its Chinese name, as the person's history shows it
            value = VERIFY_METHOD_LABELS.get(str(value), value)
        parts.append(f"{_label(name)}：{_shown(value)}")
        if len(parts) == _SUMMARY_FIELDS:
            break
    return "；".join(parts)


def _payload(event: Any) -> Mapping[str, Any]:
    payload = event.payload
    if isinstance(payload, str):
        payload = json.loads(payload)
    return payload if isinstance(payload, Mapping) else {}


def _resolved_texts(events: Iterable[Any]) -> Counter[str]:
    """The anomaly texts resolutions settled, with how often (the same clash can happen twice
    on one day, giving the same text twice; each resolution settles the copies it saw)."""
    resolved: Counter[str] = Counter()
    for event in events:
        if event.kind == RESOLVED_KIND:
            texts = _payload(event).get("anomalies", [])
            if isinstance(texts, list):
                resolved.update(str(text) for text in texts)
    return resolved


def _open_anomalies(anomalies: Sequence[str], resolved: Counter[str]) -> tuple[str, ...]:
    left = Counter(resolved)
    still_open = []
    for text in anomalies:
        if left[text] > 0:
            left[text] -= 1
        else:
            still_open.append(text)
    return tuple(still_open)


def _names_event(anomaly: str, event: Any) -> bool:
    # projector._anomaly writes "<day> <action>：<text>（经办人 <clerk>，窗口 <counter>）".
    return f"经办人 {event.clerk_id}" in anomaly and (
        not event.counter_id or f"窗口 {event.counter_id}" in anomaly
    )


def _case(
    registration: Registration, person_name: str, events: Sequence[Any]
) -> ConflictCase | None:
    open_anomalies = _open_anomalies(registration.anomalies or [], _resolved_texts(events))
    if not open_anomalies:
        return None
    shown: list[ConflictEvent] = []
    counters: list[str] = []
    for event in events:
        clashed = event.kind != RESOLVED_KIND and any(
            _names_event(anomaly, event) for anomaly in open_anomalies
        )
        if clashed and event.counter_id not in counters:
            counters.append(event.counter_id)
        shown.append(
            ConflictEvent(
                event_id=str(event.id),
                kind=event.kind,
                kind_label=KIND_LABELS.get(event.kind, event.kind),
                counter_id=event.counter_id,
                clerk_id=event.clerk_id,
                recorded_at=_as_beijing(event.wall_time),
                summary=summarize_payload(_payload(event)),
                clashed=clashed,
            )
        )
    return ConflictCase(
        registration_id=registration.id,
        number=registration.number,
        person_id=registration.person_id,
        person_name=person_name,
        status_label=STATUS_LABELS.get(registration.status, registration.status),
        anomalies=open_anomalies,
        events=tuple(shown),
        counters=tuple(counters),
    )


def list_conflicts(session: Session, actor: Actor) -> list[ConflictCase]:
    """The registrations with unresolved anomalies, the newest clash first.

    Raises PermissionDeniedError unless the actor may resolve conflicts (审核 role)."""
    actor.require(Permission.RESOLVE_CONFLICT)
    connection = session.connection()
    # anomalies is a JSON list; "[]" is how an empty one is stored (SQLite keeps JSON text).
    ids = [
        str(row[0])
        for row in connection.exec_driver_sql(
            "SELECT id FROM registration WHERE anomalies IS NOT NULL AND anomalies != '[]'"
        )
    ]
    if not ids:
        return []
    registrations = {
        row.id: row for row in session.scalars(select(Registration).where(Registration.id.in_(ids)))
    }
    person_ids = {row.person_id for row in registrations.values()}
    names = {
        str(person_id): str(name)
        for person_id, name in session.execute(
            select(Person.id, Person.name).where(Person.id.in_(person_ids))
        )
    }
    cases: list[ConflictCase] = []
    for registration_id in ids:
        registration = registrations[registration_id]
        events = entity_events(session, "registration", registration_id)
        found = _case(registration, names.get(registration.person_id, ""), events)
        if found is not None:
            cases.append(found)
    oldest = dt.datetime.min.replace(tzinfo=_BEIJING)
    cases.sort(key=lambda case: (case.latest_at or oldest, case.number), reverse=True)
    return cases


def resolve_conflict(
    session: Session,
    actor: Actor,
    registration_id: str,
    note: str,
    clock: HybridLogicalClock,
) -> Event:
    """Record that a supervisor settled the registration's open anomalies, with a note; in the
    caller's transaction. The events themselves stay as they are (the journal is append-only):
    the note says what was decided, e.g. which counter's record is right."""
    actor.require(Permission.RESOLVE_CONFLICT)
    note = (note or "").strip()
    if not note:
        raise ConflictError("请填写处理意见（哪条记录为准、如何处理）")
    if len(note) > NOTE_MAX_LENGTH:
        raise ConflictError(f"处理意见过长（最多 {NOTE_MAX_LENGTH} 个字）")
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise ConflictError(f"找不到登记记录 {registration_id}")
    events = entity_events(session, "registration", registration_id)
    case = _case(registration, "", events)
    if case is None:
        raise ConflictError(f"登记 {registration.number} 没有待处理的冲突（可能已由他人处理）")
    return record(
        session,
        actor,
        entity_type="registration",
        entity_id=registration_id,
        kind=RESOLVED_KIND,
        payload={
            "note": note,
            "anomalies": list(case.anomalies),
            "counters": list(case.counters),
            "resolved_by": actor.display_name or actor.clerk_id,
        },
        clock=clock,
    )
