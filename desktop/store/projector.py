"""The projector: folds an entity's events, ordered by HLC, into its current state."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from desktop.store.db import FastStatement
from desktop.store.models import Event, Person, Registration
from desktop.store.projections_aid import AID_PROJECTION_PARTS

_log = logging.getLogger(__name__)

# Gansu keeps Beijing time; anomaly texts name the clerk's calendar day, not the UTC one.
_BEIJING = dt.timezone(dt.timedelta(hours=8))


class EventLike(Protocol):
    """What a fold reads from an event: a journal row, or any object with these attributes."""

    @property
    def kind(self) -> str: ...

    @property
    def payload(self) -> Mapping[str, Any]: ...

    @property
    def hlc(self) -> str: ...

    @property
    def wall_time(self) -> dt.datetime: ...

    @property
    def clerk_id(self) -> str: ...


State = dict[str, Any]

# --------------------------------------------------------------------------- field tables

PERSON_FIELDS: dict[str, type] = {
    "doc_type": str,
    "id_number": str,
    "name": str,
    "sex": str,
    "birth_date": dt.date,
    "ethnicity": str,
    "phone": str,
    "household_region": str,
    "household_address": str,
    "residence_region": str,
    "residence_address": str,
    "residence_urban": bool,
    "hukou_type": str,
    "education": str,
    "health": str,
    "disability_category": str,
    "disability_grade": str,
    "political_status": str,
    "marital_status": str,
}
_PERSON_REQUIRED = ("doc_type", "id_number", "name")

REGISTRATION_APPLIED_FIELDS: dict[str, type] = {
    "person_id": str,
    "number": str,
    "region": str,
    "counter_id": str,
    "channel": str,
    "registration_place": str,
    "applied_on": dt.date,
    "due_on": dt.date,
    "due_provisional": bool,
    "unemployed_since": dt.date,
    "unemployment_cause": str,
    "difficulty_categories": list,
}

# Chinese names of the fields, for messages and the history panel.
FIELD_LABELS: dict[str, str] = {
    "doc_type": "证件类型",
    "id_number": "证件号码",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "phone": "联系电话",
    "household_region": "户籍地",
    "household_address": "户籍地址",
    "residence_region": "常住地",
    "residence_address": "常住地址",
    "residence_urban": "城乡",
    "hukou_type": "户口性质",
    "education": "学历",
    "health": "健康状况",
    "disability_category": "残疾类别",
    "disability_grade": "残疾等级",
    "political_status": "政治面貌",
    "marital_status": "婚姻状况",
    "person_id": "人员",
    "number": "登记编号",
    "region": "登记地区",
    "counter_id": "窗口",
    "channel": "渠道",
    "registration_place": "登记地",
    "applied_on": "受理日期",
    "due_on": "办结期限",
    "due_provisional": "期限待定",
    "unemployed_since": "失业时间",
    "unemployment_cause": "失业原因",
    "difficulty_categories": "就业困难人员类别",
}

REGISTRATION_STATUSES = ("applied", "verified", "registered", "rejected", "deregistered")
STATUS_LABELS: dict[str, str] = {
    "applied": "已受理",
    "verified": "已核实",
    "registered": "已登记",
    "rejected": "不予登记",
    "deregistered": "已注销",
}

# What a clerk did, as the anomaly texts name it.
_ACTION_LABELS: dict[str, str] = {
    "registration.applied": "申请受理",
    "registration.verified": "核实",
    "registration.registered": "登记",
    "registration.rejected": "不予登记",
    "deregistration.done": "注销",
    "contact.recorded": "联系",
    "service.recorded": "服务",
    "aidplan.set": "制定援助计划",
}


def person_initial_state() -> State:
    """The state of a person before any event: `created_hlc` None means "not recorded yet"."""
    state: State = dict.fromkeys(PERSON_FIELDS)
    state.update(created_hlc=None, last_hlc=None, extra={})
    return state


def registration_initial_state() -> State:
    """The state of a registration before any event: `status` None means "not applied yet"."""
    state: State = {
        "person_id": None,
        "number": None,
        "status": None,
        "region": None,
        "counter_id": None,
        "channel": None,
        "registration_place": None,
        "applied_on": None,
        "due_on": None,
        "due_provisional": False,
        "verified_on": None,
        "verification_method": None,
        "registered_on": None,
        "rejected_on": None,
        "rejection_reason": None,
        "deregistered_on": None,
        "deregistration_reason": None,
        "unemployed_since": None,
        "unemployment_cause": None,
        "difficulty_categories": [],
        "commitment_printed": False,
        "commitment_signed": False,
        "last_contact_on": None,
        "tier": None,
        "anomalies": [],
        "last_hlc": None,
        "extra": {},
    }
    return state


PERSON_STATE_KEYS = tuple(person_initial_state())
REGISTRATION_STATE_KEYS = tuple(registration_initial_state())

# --------------------------------------------------------------------------- value coercion


class _Unreadable(Exception):
    """A payload value that does not fit its column (only possible for events from sync)."""


def coerce_value(value: Any, kind: type) -> Any:
    """Turn a JSON payload value into the column's Python type; _Unreadable if it cannot."""
    if kind is str and type(value) is str:  # most fields: the shortcut of the last line
        return value.strip()
    if value is None:
        return None
    if kind is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()[:10])
            except ValueError as error:
                raise _Unreadable(value) from error
        raise _Unreadable(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        if value in (0, 1):
            return bool(value)
        raise _Unreadable(value)
    if kind is list:
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        raise _Unreadable(value)
    if isinstance(value, bool | dict | list):
        raise _Unreadable(value)
    return str(value).strip()


def check_payload_fields(payload: Mapping[str, Any], fields: Mapping[str, type]) -> list[str]:
    """Names of the payload's known fields whose value does not fit the column."""
    bad = []
    for name, kind in fields.items():
        if name in payload:
            try:
                coerce_value(payload[name], kind)
            except _Unreadable:
                bad.append(name)
    return bad


def _event_day(event: EventLike) -> str:
    wall_time = event.wall_time
    if isinstance(wall_time, str):
        wall_time = dt.datetime.fromisoformat(wall_time)
    if wall_time.tzinfo is None:
        wall_time = wall_time.replace(tzinfo=dt.UTC)
    return wall_time.astimezone(_BEIJING).date().isoformat()


def _sort_key(event: EventLike) -> tuple[str, str]:
    return (event.hlc, str(getattr(event, "id", "")))


# --------------------------------------------------------------------------- person fold


def _apply_person_fields(state: State, payload: Mapping[str, Any]) -> None:
    extra = dict(state["extra"])
    for name, value in payload.items():
        kind = PERSON_FIELDS.get(name)
        if kind is None:
            extra[name] = value
            continue
        try:
            coerced = coerce_value(value, kind)
        except _Unreadable:
            extra.setdefault("unreadable_fields", {})
            extra["unreadable_fields"] = {**extra["unreadable_fields"], name: value}
            continue
        if name == "id_number" and coerced is not None:
            # GB 11643: the check character X is upper case.
            coerced = coerced.replace(" ", "").upper()
        state[name] = coerced
    state["extra"] = extra


def apply_person_event(state: State, event: EventLike) -> State:
    """One step of the person fold; returns a new state, leaves `state` untouched."""
    new = dict(state)
    payload = event.payload if isinstance(event.payload, Mapping) else {}
    if event.kind in ("person.recorded", "person.updated"):
        _apply_person_fields(new, payload)
        if event.kind == "person.recorded" and new["created_hlc"] is None:
            new["created_hlc"] = event.hlc
            for name in _PERSON_REQUIRED:
                if new[name] is None:
                    new[name] = ""
    new["last_hlc"] = event.hlc
    return new


def fold_person(events: Sequence[EventLike]) -> State:
    """The current state of a person from all of its events, whatever their arrival order."""
    state = person_initial_state()
    for event in sorted(events, key=_sort_key):
        state = apply_person_event(state, event)
    return state


# --------------------------------------------------------------------------- registration fold


def _anomaly(state: State, event: EventLike, text: str) -> None:
    label = _ACTION_LABELS.get(event.kind, event.kind)
    note = f"{_event_day(event)} {label}：{text}（经办人 {event.clerk_id}"
    counter_id = getattr(event, "counter_id", None)
    note += f"，窗口 {counter_id}）" if counter_id else "）"
    state["anomalies"] = [*state["anomalies"], note]


def _set_date(state: State, event: EventLike, column: str, value: Any) -> None:
    try:
        state[column] = coerce_value(value, dt.date)
    except _Unreadable:
        _anomaly(state, event, f"日期无法识别：{value!r}")


def _refuse(state: State, event: EventLike) -> None:
    status = state["status"]
    label = _ACTION_LABELS.get(event.kind, event.kind)
    if status == "deregistered" and event.kind == "deregistration.done":
        _anomaly(state, event, f"重复注销（已于 {state['deregistered_on']} 注销）")
    elif status is None:
        _anomaly(state, event, f"尚无申请受理记录，不能{label}")
    else:
        _anomaly(state, event, f"状态为「{STATUS_LABELS.get(status, status)}」时不能{label}")


def _apply_applied(state: State, event: EventLike, payload: Mapping[str, Any]) -> None:
    if state["status"] is not None:
        _anomaly(state, event, "重复的申请受理记录")
        return
    extra = dict(state["extra"])
    for name, value in payload.items():
        kind = REGISTRATION_APPLIED_FIELDS.get(name)
        if kind is None:
            extra[name] = value
            continue
        try:
            state[name] = coerce_value(value, kind)
        except _Unreadable:
            _anomaly(state, event, f"字段 {name} 的值无法识别：{value!r}")
    state["extra"] = extra
    state["due_provisional"] = bool(state["due_provisional"])
    state["difficulty_categories"] = list(state["difficulty_categories"] or [])
    state["status"] = "applied"


def _apply_contact(state: State, event: EventLike, day: Any) -> None:
    if state["status"] == "deregistered":
        label = _ACTION_LABELS[event.kind]
        _anomaly(state, event, f"登记已于 {state['deregistered_on']} 注销，仍记录了{label}")
    try:
        contacted_on = coerce_value(day, dt.date)
    except _Unreadable:
        _anomaly(state, event, f"日期无法识别：{day!r}")
        return
    if contacted_on is not None and (
        state["last_contact_on"] is None or contacted_on > state["last_contact_on"]
    ):
        state["last_contact_on"] = contacted_on


def apply_registration_event(state: State, event: EventLike) -> State:
    """One step of the registration fold; returns a new state, leaves `state` untouched.

    A transition the current state does not allow is kept in the journal and noted in
    `anomalies` for a supervisor (design.md "The journal"); it does not change the status.
    """
    new = dict(state)
    new["anomalies"] = list(state["anomalies"])
    payload = event.payload if isinstance(event.payload, Mapping) else {}
    status = new["status"]
    kind = event.kind
    if kind == "registration.applied":
        _apply_applied(new, event, payload)
    elif kind == "registration.verified":
        if status in ("applied", "registered"):
            # After registration the status stays; a later data comparison is still recorded.
            _set_date(new, event, "verified_on", payload.get("verified_on"))
            new["verification_method"] = _text(payload.get("method"))
            if "evidence" in payload:
                new["extra"] = {**new["extra"], "verification_evidence": payload["evidence"]}
            if status == "applied":
                new["status"] = "verified"
        else:
            _refuse(new, event)
    elif kind == "registration.registered":
        if status in ("applied", "verified"):
            _set_date(new, event, "registered_on", payload.get("registered_on"))
            new["status"] = "registered"
        else:
            _refuse(new, event)
    elif kind == "registration.rejected":
        if status in ("applied", "verified"):
            _set_date(new, event, "rejected_on", payload.get("rejected_on"))
            new["rejection_reason"] = _text(payload.get("reason"))
            new["status"] = "rejected"
        else:
            _refuse(new, event)
    elif kind == "deregistration.done":
        if status == "registered":
            _set_date(new, event, "deregistered_on", payload.get("deregistered_on"))
            new["deregistration_reason"] = _text(payload.get("reason"))
            new["status"] = "deregistered"
        else:
            _refuse(new, event)
    elif kind == "commitment.printed":
        new["commitment_printed"] = True
    elif kind == "commitment.signed":
        new["commitment_signed"] = True
    elif kind == "contact.recorded":
        # notice §5(三): only a contact that reached the person resets the 6-month clock.
        if payload.get("reached", True) is not False:
            _apply_contact(new, event, payload.get("contacted_on"))
        elif status == "deregistered":
            _apply_contact(new, event, None)
    elif kind == "service.recorded":
        # Serving the person at a counter is contact with them.
        _apply_contact(new, event, payload.get("served_on", payload.get("contacted_on")))
    elif kind == "aidplan.set":
        if status == "deregistered":
            _refuse(new, event)
        elif "tier" in payload:
            new["tier"] = _text(payload.get("tier"))
    # Any other kind is kept in the journal and ignored here.
    new["last_hlc"] = event.hlc
    return new


def _text(value: Any) -> str | None:
    return None if value is None else str(value).strip()


def fold_registration(events: Sequence[EventLike]) -> State:
    """The current state of a registration from all of its events, whatever their order."""
    state = registration_initial_state()
    for event in sorted(events, key=_sort_key):
        state = apply_registration_event(state, event)
    return state


# --------------------------------------------------------------------------- writing projections


@dataclass(frozen=True)
class ProjectionSpec:
    """How one entity type is projected: its table, fold step and state keys."""

    model: type[Any]  # Person, Registration, or a model of projections_aid
    initial: Callable[[], State]
    step: Callable[[State, EventLike], State]
    keys: tuple[str, ...]
    exists: Callable[[State], bool]
    creating_kinds: frozenset[str]


# registration's copies of its person's statistics fields (person_sex, …) are not state keys:
# they are a function of the person row, not of the registration's events, and migration
# 0011's triggers keep them in every writer's transaction (this projector, a pull's bulk
# ingest, the central's push re-fold), whatever order the events arrive in.
PROJECTIONS: dict[str, ProjectionSpec] = {
    "person": ProjectionSpec(
        Person,
        person_initial_state,
        apply_person_event,
        PERSON_STATE_KEYS,
        lambda state: state["created_hlc"] is not None,
        frozenset({"person.recorded"}),
    ),
    "registration": ProjectionSpec(
        Registration,
        registration_initial_state,
        apply_registration_event,
        REGISTRATION_STATE_KEYS,
        lambda state: (
            state["status"] is not None
            and state["person_id"] is not None
            and state["number"] is not None
        ),
        frozenset({"registration.applied"}),
    ),
}
# Serving entities (issue 6): aid plans, public-welfare posts, false-information marks.
PROJECTIONS.update(
    {entity_type: ProjectionSpec(*parts) for entity_type, parts in AID_PROJECTION_PARTS.items()}
)
_PROJECTION_MODELS = tuple(spec.model for spec in PROJECTIONS.values())


def fold(entity_type: str, events: Sequence[EventLike]) -> State | None:
    """The fold for `entity_type`, or None when that type has no projection."""
    spec = PROJECTIONS.get(entity_type)
    if spec is None:
        return None
    state = spec.initial()
    for event in sorted(events, key=_sort_key):
        state = spec.step(state, event)
    return state


def row_state(row: Any, keys: Sequence[str]) -> State:
    """A projection row (ORM object or Core row) as a fold state, for comparisons."""
    return {key: getattr(row, key) for key in keys}


# The projector writes through Core statements built once: the ORM unit of work costs several
# times more per event, and a counter's first pull brings millions of events (design.md "Scale").
_JOURNAL = cast(Table, Event.__table__)
_ENTITY_EVENTS = (
    select(
        _JOURNAL.c.id,
        _JOURNAL.c.kind,
        _JOURNAL.c.payload,
        _JOURNAL.c.hlc,
        _JOURNAL.c.wall_time,
        _JOURNAL.c.clerk_id,
        _JOURNAL.c.counter_id,
    )
    .where(
        _JOURNAL.c.entity_type == bindparam("entity_type"),
        _JOURNAL.c.entity_id == bindparam("entity_id"),
    )
    .order_by(_JOURNAL.c.hlc, _JOURNAL.c.id)
)


def _table(spec: ProjectionSpec) -> Table:
    return cast(Table, spec.model.__table__)


def _select_by_id(spec: ProjectionSpec) -> FastStatement:
    table = _table(spec)
    return FastStatement(
        select(*(table.c[key] for key in spec.keys)).where(table.c.id == bindparam("row_id"))
    )


_SELECT_ROW = {entity_type: _select_by_id(spec) for entity_type, spec in PROJECTIONS.items()}


def entity_events(session: Session, entity_type: str, entity_id: str) -> list[Any]:
    """All journal events of one entity in fold order (uses ix_journal_entity); the rows have
    the EventLike attributes plus `id` and `counter_id`."""
    parameters = {"entity_type": entity_type, "entity_id": entity_id}
    return list(session.connection().execute(_ENTITY_EVENTS, parameters))


# Answered from ix_journal_entity alone (a covering index), without reading the rows.
_ENTITY_EVENT_COUNT_UP_TO_2 = FastStatement(
    select(_JOURNAL.c.hlc)
    .where(
        _JOURNAL.c.entity_type == bindparam("entity_type"),
        _JOURNAL.c.entity_id == bindparam("entity_id"),
    )
    .limit(2)
)


def _is_first_event(connection: Connection, entity_type: str, entity_id: str) -> bool:
    """Whether the entity's only journal row is the one just inserted."""
    parameters = {"entity_type": entity_type, "entity_id": entity_id}
    return len(_ENTITY_EVENT_COUNT_UP_TO_2.rows(connection, parameters)) == 1


# The projector keeps the ORM objects of the projections it writes in the session's identity
# map, up to date: a use case's session.get() of the registration it just changed, and the
# next event of the same entity, then read memory instead of the database (a clerk's use case
# records 2-5 events on one entity; the demo and a pull record thousands in one transaction).
# The identity map holds objects weakly, so the last few written are also held here.
_KEPT_OBJECTS = "dengji.projector.kept_objects"
_KEEP_AT_MOST = 256


def orm_snapshot(model: type[Any], values: Mapping[str, Any]) -> Any:
    """A transient ORM object holding `values` as its loaded state, as a query fills one:
    five times cheaper than the constructor, which records a change event per attribute."""
    made = model.__mapper__.class_manager.new_instance()
    made.__dict__.update(values)
    return made


def loaded_projection(
    session: Session, model: type[Person] | type[Registration], row_id: str
) -> Any:
    """The session's ORM object of a projection row when it is in memory, loaded and
    unchanged (so it equals the database row); else None. Reads no database itself."""
    loaded = session.identity_map.get((model, (row_id,), None))
    if loaded is None:
        return None
    state = instance_state(loaded)
    # An attribute expired alone (or never loaded) is read from the row when asked for.
    if not state.persistent or state.modified or state.expired:
        return None
    return loaded


def _keep(session: Session, loaded: Any, row_id: str) -> None:
    kept: dict[str, Any] = session.info.setdefault(_KEPT_OBJECTS, {})
    kept.pop(row_id, None)
    kept[row_id] = loaded
    if len(kept) > _KEEP_AT_MOST:
        del kept[next(iter(kept))]


@sqlalchemy_event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous_transaction: Any) -> None:
    # Objects updated with set_committed_value are not "dirty", so a SAVEPOINT rollback would
    # leave them holding values the database no longer has: expire every projection object.
    session.info.pop(_KEPT_OBJECTS, None)
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, _PROJECTION_MODELS):
            session.expire(loaded)


def _load_state(
    session: Session,
    connection: Connection,
    entity_type: str,
    entity_id: str,
    *,
    from_memory: bool = True,
) -> State | None:
    spec = PROJECTIONS[entity_type]
    loaded = loaded_projection(session, spec.model, entity_id) if from_memory else None
    if loaded is not None:
        values = loaded.__dict__  # the loaded attributes, without a descriptor call for each
        return {key: values[key] if key in values else getattr(loaded, key) for key in spec.keys}
    row = _SELECT_ROW[entity_type].first(connection, {"row_id": entity_id})
    return None if row is None else dict(zip(spec.keys, row, strict=True))


_UPDATE_ROW = {
    entity_type: FastStatement(update(_table(spec)).where(_table(spec).c.id == bindparam("row_id")))
    for entity_type, spec in PROJECTIONS.items()
}
_INSERT_ROW = {
    entity_type: FastStatement(insert(_table(spec))) for entity_type, spec in PROJECTIONS.items()
}


def _write_state(
    session: Session,
    connection: Connection,
    entity_type: str,
    entity_id: str,
    old: State | None,
    new: State,
) -> None:
    spec = PROJECTIONS[entity_type]
    if old is None:
        changed = new
        _INSERT_ROW[entity_type].write(connection, {"id": entity_id, **new})
    else:
        changed = {key: new[key] for key in spec.keys if new[key] != old[key]}
        if not changed:
            return
        _UPDATE_ROW[entity_type].write(connection, {"row_id": entity_id, **changed})
    # Bring the session's ORM copy of the row (if any) to the new state, as if just loaded,
    # or make one, so that reads in this transaction need not go to the database.
    loaded = session.identity_map.get((spec.model, (entity_id,), None))
    if loaded is not None and instance_state(loaded).modified:
        # Changed in memory, never through the journal: drop that, the row is the truth.
        session.expire(loaded)
    elif loaded is not None:
        for key, value in changed.items():
            set_committed_value(loaded, key, value)
    else:
        loaded = orm_snapshot(spec.model, {"id": entity_id, **new})
        make_transient_to_detached(loaded)  # as if loaded from the row: persistent, clean
        session.add(loaded)
    _keep(session, loaded, entity_id)


def project(session: Session, event: Any) -> None:
    """Bring the projection of `event`'s entity up to date, in the caller's transaction.

    `event` is a journal row already inserted (an Event, or anything with the EventLike
    attributes plus entity_type and entity_id). An event later than everything folded so far
    is applied as one step; one that arrives out of order (sync) makes us re-fold the entity's
    whole history from the journal.
    """
    spec = PROJECTIONS.get(event.entity_type)
    if spec is None:
        return
    connection = session.connection()
    entity_type, entity_id = event.entity_type, event.entity_id
    if event.kind in spec.creating_kinds and _is_first_event(connection, entity_type, entity_id):
        # The usual case: a new entity. No earlier event means no projection row either.
        old, new = None, spec.step(spec.initial(), event)
    else:
        old = _load_state(session, connection, entity_type, entity_id)
        if old is not None and event.hlc > old["last_hlc"]:
            new = spec.step(old, event)
        else:
            new = spec.initial()
            for earlier in entity_events(session, entity_type, entity_id):
                new = spec.step(new, earlier)
    if spec.exists(new):
        _write_state(session, connection, entity_type, entity_id, old, new)
    elif old is not None:  # pragma: no cover - a projection never stops existing
        _log.error("projection of %s:%s vanished on re-fold", entity_type, entity_id)


def refold_entity(session: Session, entity_type: str, entity_id: str) -> State | None:
    """Recompute one projection from the journal (repair tool, and sync's central side)."""
    spec = PROJECTIONS.get(entity_type)
    if spec is None:
        return None
    state = fold(entity_type, entity_events(session, entity_type, entity_id))
    assert state is not None
    if spec.exists(state):
        connection = session.connection()
        # A repair reads the row as stored, not the session's copy of it.
        old = _load_state(session, connection, entity_type, entity_id, from_memory=False)
        _write_state(session, connection, entity_type, entity_id, old, state)
    return state
