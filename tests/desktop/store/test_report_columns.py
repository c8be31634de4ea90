"""Registration's copies of its person's statistics fields (migration 0011): equal to the
person projection whatever writes the rows and in whatever order the events arrive."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.store.db import Store, open_store
from desktop.store.journal import Actor, ingest, record
from tests.desktop.store.factories import (
    FakeEvent,
    applied_payload,
    event_row,
    hlc_at,
    new_id,
    person_payload,
    record_person_with_registration,
)

COPIES = "person_sex, person_birth_date, person_education, person_residence_urban"


def copies(session: Session, registration_id: str) -> tuple[object, ...]:
    return tuple(
        session.connection()
        .exec_driver_sql(f"SELECT {COPIES} FROM registration WHERE id = ?", (registration_id,))
        .one()
    )


def person_fields(session: Session, person_id: str) -> tuple[object, ...]:
    return tuple(
        session.connection()
        .exec_driver_sql(
            "SELECT sex, birth_date, education, residence_urban FROM person WHERE id = ?",
            (person_id,),
        )
        .one()
    )


def test_recorded_registration_copies_its_person_and_follows_an_update(
    store: Store, actor: Actor
) -> None:
    with store.session() as session:
        person_id, registration_id = record_person_with_registration(
            session, actor, store.clock, 3, registered=True
        )
        assert copies(session, registration_id) == ("1", "1980-01-04", "21", 1)
        record(
            session,
            actor,
            entity_type="person",
            entity_id=person_id,
            kind="person.updated",
            payload={"sex": "2", "residence_urban": False, "phone": "13900000000"},
            clock=store.clock,
        )
        # In the same transaction as the person's event.
        assert copies(session, registration_id) == ("2", "1980-01-04", "21", 0)
        assert copies(session, registration_id) == person_fields(session, person_id)


def test_every_registration_of_the_person_follows_and_others_do_not(
    store: Store, actor: Actor
) -> None:
    with store.session() as session:
        person_id, first = record_person_with_registration(session, actor, store.clock, 5)
        second = new_id()
        record(
            session,
            actor,
            entity_type="registration",
            entity_id=second,
            kind="registration.applied",
            payload=applied_payload(person_id, "620102-00000099"),
            clock=store.clock,
        )
        _other_person, other = record_person_with_registration(session, actor, store.clock, 6)
        record(
            session,
            actor,
            entity_type="person",
            entity_id=person_id,
            kind="person.updated",
            payload={"education": "31", "birth_date": "1979-12-31"},
            clock=store.clock,
        )
        assert copies(session, first) == copies(session, second) == ("1", "1979-12-31", "31", 1)
        assert copies(session, other) == ("1", "1980-01-07", "21", 1)


def _events(person_id: str, registration_id: str) -> list[FakeEvent]:
    recorded = FakeEvent("person.recorded", person_payload(8), hlc_at(1_000))
    updated = FakeEvent(
        "person.updated", {"sex": "2", "education": "40", "residence_urban": False}, hlc_at(4_000)
    )
    applied = FakeEvent(
        "registration.applied", applied_payload(person_id, "620102-1"), hlc_at(2_000)
    )
    registered = FakeEvent(
        "registration.registered", {"registered_on": "2025-10-09"}, hlc_at(3_000)
    )
    for event in (recorded, updated):
        event.entity_type, event.entity_id = "person", person_id
    for event in (applied, registered):
        event.entity_type, event.entity_id = "registration", registration_id
    for event in (recorded, updated, applied, registered):
        event.payload = {
            key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in event.payload.items()
        }
    return [recorded, updated, applied, registered]


def test_any_arrival_order_gives_the_same_rows(tmp_path: Path) -> None:
    """A sync may bring the person's update before or after the registration's events, or
    the registration before its person at all: the copies converge to the person's fold."""
    person_id, registration_id = new_id(), new_id()
    events = _events(person_id, registration_id)
    seen = set()
    for number, order in enumerate(itertools.permutations(events)):
        with open_store(tmp_path / f"order{number}.db") as store, store.session() as session:
            for event in order:
                ingest(session, event_row(event), store.clock)
            row = copies(session, registration_id)
            assert row == person_fields(session, person_id)
            seen.add(row)
    assert seen == {("2", "1980-01-09", "40", 0)}


def test_a_registration_before_its_person_has_empty_copies_until_the_person_comes(
    store: Store,
) -> None:
    person_id, registration_id = new_id(), new_id()
    recorded, _updated, applied, _registered = _events(person_id, registration_id)
    with store.session() as session:
        ingest(session, event_row(applied), store.clock)
        assert copies(session, registration_id) == (None, None, None, None)
    with store.session() as session:
        ingest(session, event_row(recorded), store.clock)
        assert copies(session, registration_id) == ("1", "1980-01-09", "21", 1)
