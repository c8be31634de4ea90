"""Tests of the projector's ORM copies: kept up to date in the session, never trusted stale."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from desktop.store.db import Store
from desktop.store.journal import Actor, record
from desktop.store.models import Person, Registration
from tests.desktop.store.factories import mismatched_projections, record_person_with_registration


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL the session's sqlite3 connection runs in the block, whatever runs it."""
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    seen: list[str] = []

    def trace(sql: str) -> None:
        # The journal's chain trigger (migration 0005) runs inside the INSERT; sqlite3 reports
        # each of its steps again with the INSERT's own text: count that INSERT once.
        if not seen or seen[-1] != sql:
            seen.append(sql)

    driver.set_trace_callback(trace)
    try:
        yield seen
    finally:
        driver.set_trace_callback(None)


def reject(session: Session, actor: Actor, store: Store, registration_id: str) -> None:
    record(
        session,
        actor,
        entity_type="registration",
        entity_id=registration_id,
        kind="registration.rejected",
        payload={"rejected_on": dt.date(2025, 10, 2), "reason": "已就业"},
        clock=store.clock,
    )


def test_what_record_wrote_is_read_from_memory(store: Store, actor: Actor) -> None:
    with store.session() as session:
        person_id, registration_id = record_person_with_registration(
            session, actor, store.clock, 21
        )
        with statements(session) as seen:
            registration = session.get(Registration, registration_id)
            person = session.get(Person, person_id)
        assert seen == []
        assert registration is not None and registration.status == "applied"
        assert person is not None and person.name == "张八21"
        with statements(session) as seen:
            reject(session, actor, store, registration_id)
        # The event and the changed columns: no read of the projection row.
        assert [sql.split()[0] for sql in seen] == ["INSERT", "UPDATE"]
        assert registration.status == "rejected"
        assert registration.rejection_reason == "已就业"
        assert mismatched_projections(session) == []


def test_a_savepoint_rollback_forgets_what_it_undid(store: Store, actor: Actor) -> None:
    with store.session() as session:
        _, registration_id = record_person_with_registration(session, actor, store.clock, 22)
    with store.session() as session:
        registration = session.get(Registration, registration_id)
        assert registration is not None
        savepoint = session.begin_nested()
        reject(session, actor, store, registration_id)
        assert registration.status == "rejected"
        savepoint.rollback()
        assert registration.status == "applied"  # read again from the row
        reject(session, actor, store, registration_id)
        assert registration.status == "rejected"
        assert registration.anomalies == []  # folded from "applied", not a double rejection
        assert mismatched_projections(session) == []


def test_a_change_made_only_in_memory_is_dropped(store: Store, actor: Actor) -> None:
    with store.session() as session:
        _, registration_id = record_person_with_registration(session, actor, store.clock, 23)
    with store.session() as session:
        registration = session.get(Registration, registration_id)
        assert registration is not None
        registration.tier = "重点"  # not through the journal: never stored
        reject(session, actor, store, registration_id)
        assert registration.status == "rejected"
        assert registration.tier is None
    with store.session(write=False) as session:
        stored = session.get(Registration, registration_id)
        assert stored is not None and stored.tier is None and stored.status == "rejected"
        assert mismatched_projections(session) == []


def test_many_entities_in_one_transaction(store: Store, actor: Actor) -> None:
    """More entities than the projector holds on to: the rest are read from the rows."""
    with store.session() as session:
        made = [
            record_person_with_registration(session, actor, store.clock, 100 + index)
            for index in range(300)
        ]
        for _, registration_id in made[:5]:
            reject(session, actor, store, registration_id)
        assert mismatched_projections(session) == []
    with store.session(write=False) as session:
        statuses = [session.get(Registration, rid).status for _, rid in made[:6]]  # type: ignore[union-attr]
    assert statuses == ["rejected"] * 5 + ["applied"]
