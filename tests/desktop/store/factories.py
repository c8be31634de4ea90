"""Builders of realistic events and payloads for the store tests and the benchmark."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from desktop.store.hlc import HybridLogicalClock
from desktop.store.journal import Actor, record
from desktop.store.models import Event, Person, Registration


def person_payload(index: int = 0, **overrides: Any) -> dict[str, Any]:
    """A person.recorded payload; `index` varies name, ID number and phone."""
    payload: dict[str, Any] = {
        "doc_type": "01",
        "id_number": f"620102{19800101 + index % 28:08d}{index % 1000:03d}X",
        "name": f"张{'三四五六七八九十'[index % 8]}{index}",
        "sex": "1",
        "birth_date": dt.date(1980, 1, 1 + index % 28),
        "ethnicity": "01",
        "phone": f"139{index:08d}",
        "household_region": "620102",
        "household_address": "甘肃省兰州市城关区庆阳路1号",
        "residence_region": "620102",
        "residence_address": "甘肃省兰州市城关区庆阳路1号",
        "residence_urban": True,
        "hukou_type": "10",
        "education": "21",
        "health": "1",
        "political_status": "13",
        "marital_status": "20",
        "job_intention": "焊工",
    }
    payload.update(overrides)
    return payload


def applied_payload(person_id: str, number: str, **overrides: Any) -> dict[str, Any]:
    """A registration.applied payload."""
    payload: dict[str, Any] = {
        "person_id": person_id,
        "number": number,
        "region": "620102",
        "counter_id": "620102-01",
        "channel": "counter",
        "registration_place": "household",
        "applied_on": dt.date(2025, 9, 30),
        "due_on": dt.date(2025, 10, 16),
        "due_provisional": False,
        "unemployed_since": dt.date(2025, 6, 1),
        "unemployment_cause": "2",
        "difficulty_categories": ["大龄"],
        "claims_insurance": False,
    }
    payload.update(overrides)
    return payload


def new_id() -> str:
    return str(uuid.uuid4())


def record_person_with_registration(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    index: int,
    *,
    registered: bool = False,
) -> tuple[str, str]:
    """Record a person and an applied (optionally registered) registration; their ids."""
    person_id, registration_id = new_id(), new_id()
    record(
        session,
        actor,
        entity_type="person",
        entity_id=person_id,
        kind="person.recorded",
        payload=person_payload(index),
        clock=clock,
    )
    record(
        session,
        actor,
        entity_type="registration",
        entity_id=registration_id,
        kind="registration.applied",
        payload=applied_payload(person_id, f"620102-{index:08d}"),
        clock=clock,
    )
    if registered:
        record(
            session,
            actor,
            entity_type="registration",
            entity_id=registration_id,
            kind="registration.registered",
            payload={"registered_on": dt.date(2025, 10, 9)},
            clock=clock,
        )
    return person_id, registration_id


@dataclass
class FakeEvent:
    """An EventLike made in memory, for the pure fold tests."""

    kind: str
    payload: dict[str, Any]
    hlc: str
    clerk_id: str = "clerk01"
    counter_id: str = "620102-01"
    wall_time: dt.datetime = field(
        default_factory=lambda: dt.datetime(2025, 10, 1, 2, 0, tzinfo=dt.UTC)
    )
    id: str = field(default_factory=new_id)
    entity_type: str = "registration"
    entity_id: str = ""


def hlc_at(millis: int, logical: int = 0, node: str = "counterA") -> str:
    return f"{millis:013d}.{logical:05d}.{node}"


def event_row(event: FakeEvent) -> dict[str, Any]:
    """The ingest() wire shape of a FakeEvent."""
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
    }


def journal_events(session: Session) -> list[Event]:
    from sqlalchemy import select

    return list(session.scalars(select(Event).order_by(Event.seq)))


def mismatched_projections(session: Session) -> list[str]:
    """Entities whose projection row differs from the fold of their journal events."""
    from sqlalchemy import select

    from desktop.store.projector import PROJECTIONS, entity_events, fold, row_state

    problems = []
    entities = session.execute(select(Event.entity_type, Event.entity_id).distinct()).all()
    for entity_type, entity_id in entities:
        spec = PROJECTIONS.get(entity_type)
        if spec is None:
            continue
        expected = fold(entity_type, entity_events(session, entity_type, entity_id))
        assert expected is not None
        row: Person | Registration | None = session.get(spec.model, entity_id)  # type: ignore[assignment]
        if not spec.exists(expected):
            if row is not None:
                problems.append(f"{entity_type}:{entity_id} has a row but no creating event")
            continue
        if row is None:
            problems.append(f"{entity_type}:{entity_id} has no projection")
        elif row_state(row, spec.keys) != expected:
            problems.append(f"{entity_type}:{entity_id} differs from its fold")
    return problems
