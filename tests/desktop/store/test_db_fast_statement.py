"""Tests of FastStatement: Core statements run straight on sqlite3, storing what Core stores."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any, cast

import pytest
from sqlalchemy import Table, bindparam, create_engine, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from desktop.store.db import FastStatement, Store
from desktop.store.journal import Actor, ingest, record
from desktop.store.models import Base, Event, Person, Registration
from desktop.store.projector import fold_person, fold_registration
from tests.desktop.store.factories import (
    FakeEvent,
    applied_payload,
    event_row,
    hlc_at,
    new_id,
    person_payload,
)

REGISTRATIONS = cast(Table, Registration.__table__)
JOURNAL = cast(Table, Event.__table__)


def registration_values(number: str, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": new_id(),
        "person_id": new_id(),
        "number": number,
        "status": "registered",
        "region": "620102",
        "counter_id": "620102-01",
        "channel": "counter",
        "registration_place": "household",
        "applied_on": dt.date(2025, 9, 30),
        "due_on": dt.date(2025, 10, 16),
        "due_provisional": True,
        "verified_on": dt.date(2025, 10, 9),
        "verification_method": "data_comparison",
        "registered_on": dt.date(2025, 10, 9),
        "rejected_on": None,
        "rejection_reason": None,
        "deregistered_on": None,
        "deregistration_reason": None,
        "unemployed_since": dt.date(2025, 6, 1),
        "unemployment_cause": "02",
        "difficulty_categories": ["01", "大龄"],
        "commitment_printed": False,
        "commitment_signed": True,
        "last_contact_on": None,
        "tier": None,
        "anomalies": ["2025-10-09 注销：重复注销（经办人 张丽）"],
        "last_hlc": hlc_at(1_760_000_000_000),
        "extra": {"job_wish": "电工", "training_wish": True, "score": 1.5, "none": None},
    }
    values.update(changes)
    return values


def stored_cells(store: Store, table: str, key: str, key_value: str) -> dict[str, tuple[str, str]]:
    """Each column's SQLite storage class and literal, as the file holds it."""
    with store.session(write=False) as session:
        connection = session.connection()
        names = [row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({table})")]
        cells = {}
        for name in names:
            sql = f'SELECT typeof("{name}"), quote("{name}") FROM {table} WHERE "{key}" = ?'
            cells[name] = tuple(connection.exec_driver_sql(sql, (key_value,)).one())
        return cells


def test_an_insert_stores_what_core_stores(store: Store) -> None:
    core = registration_values("620102001202500001")
    fast = registration_values("620102001202500002", id=core["id"][:-1] + "x")
    with store.session() as session:
        session.connection().execute(insert(REGISTRATIONS), core)
        FastStatement(insert(REGISTRATIONS)).write(session.connection(), fast)
    core_cells = stored_cells(store, "registration", "number", core["number"])
    fast_cells = stored_cells(store, "registration", "number", fast["number"])
    for differing in ("id", "person_id", "number"):
        core_cells.pop(differing), fast_cells.pop(differing)
    assert fast_cells == core_cells
    assert fast_cells["extra"][0] == "text" and "电工" in fast_cells["extra"][1]  # not \\u escapes
    assert fast_cells["due_on"] == ("text", "'2025-10-16'")
    assert fast_cells["due_provisional"] == ("integer", "1")


def test_a_journal_row_stores_what_core_stores_and_reads_back(store: Store) -> None:
    wall_time = dt.datetime(
        2025, 10, 9, 8, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    rows = []
    for index in range(2):
        rows.append(
            {
                "id": new_id(),
                "entity_type": "person",
                "entity_id": new_id(),
                "kind": "person.updated",
                "payload": {"姓名": "张三", "n": [1, 2], "ok": False},
                "clerk_id": "clerk01",
                "counter_id": "620102-01",
                "wall_time": wall_time,
                "hlc": hlc_at(1_760_000_000_000, index),
                "central_seq": None,
                "pushed": False,
            }
        )
    with store.session() as session:
        core_seq = session.connection().execute(insert(JOURNAL), rows[0]).inserted_primary_key
        fast_seq = FastStatement(insert(JOURNAL)).write(session.connection(), rows[1])
        assert core_seq is not None and fast_seq == core_seq[0] + 1
    core_cells = stored_cells(store, "journal", "id", rows[0]["id"])
    fast_cells = stored_cells(store, "journal", "id", rows[1]["id"])
    for differing in ("seq", "id", "entity_id", "hlc", "chain_hash"):
        core_cells.pop(differing), fast_cells.pop(differing)
    assert fast_cells == core_cells
    assert fast_cells["wall_time"] == ("text", "'2025-10-09 00:30:15.123456'")  # UTC
    by_id = FastStatement(
        select(JOURNAL.c.payload, JOURNAL.c.wall_time, JOURNAL.c.pushed, JOURNAL.c.seq).where(
            JOURNAL.c.id == bindparam("event_id")
        )
    )
    with store.session(write=False) as session:
        fast = by_id.first(session.connection(), {"event_id": rows[1]["id"]})
        core = session.connection().execute(by_id.statement, {"event_id": rows[1]["id"]}).one()
    assert tuple(fast) == tuple(core)
    assert fast[0] == {"姓名": "张三", "n": [1, 2], "ok": False}
    assert fast[1] == wall_time and fast[1].tzinfo is not None
    assert fast[2] is False and fast[3] == fast_seq


def test_values_the_statement_carries_and_column_defaults(store: Store) -> None:
    """LIMIT 2 is a bound value of the statement itself; a column default is Core's job."""
    values = registration_values("620102001202500003")
    for defaulted in ("extra", "anomalies", "difficulty_categories"):
        del values[defaulted]  # these columns have Python-side defaults
    first_two = FastStatement(
        select(REGISTRATIONS.c.number).order_by(REGISTRATIONS.c.number).limit(2)
    )
    with store.session() as session:
        FastStatement(insert(REGISTRATIONS)).write(session.connection(), values)
        for serial in (4, 5):
            FastStatement(insert(REGISTRATIONS)).write(
                session.connection(), registration_values(f"62010200120250000{serial}")
            )
        assert first_two.rows(session.connection(), {}) == [
            ("620102001202500003",),
            ("620102001202500004",),
        ]
        stored = FastStatement(
            select(REGISTRATIONS.c.extra, REGISTRATIONS.c.anomalies).where(
                REGISTRATIONS.c.number == bindparam("number")
            )
        ).first(session.connection(), {"number": "620102001202500003"})
    assert tuple(stored) == ({}, [])


def test_errors_are_the_ones_core_raises(store: Store) -> None:
    values = registration_values("620102001202500006")
    with pytest.raises(IntegrityError) as caught, store.session() as session:
        FastStatement(insert(REGISTRATIONS)).write(session.connection(), values)
        FastStatement(insert(REGISTRATIONS)).write(session.connection(), {**values, "id": new_id()})
    assert isinstance(caught.value, DBAPIError)
    assert isinstance(caught.value.orig, sqlite3.IntegrityError)
    assert "registration.number" in str(caught.value.orig)
    with store.session(write=False) as session:  # the failed transaction left nothing
        assert session.execute(text("SELECT count(*) FROM registration")).scalar() == 0


def test_a_connection_outside_a_transaction_goes_through_core(store: Store) -> None:
    values = registration_values("620102001202500007")
    with store.engine.connect() as connection:
        assert not connection.in_transaction()
        FastStatement(insert(REGISTRATIONS)).write(connection, values)  # Core begins one
        assert connection.in_transaction()
        connection.commit()
    with store.session(write=False) as session:
        assert session.get(Registration, values["id"]) is not None


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database holding dengji's tables (no triggers, no migrations)."""
    name = f"fast_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = postgres_url.replace("/postgres?", f"/{name}?")
    engine = create_engine(url)
    try:
        Base.metadata.create_all(engine)
        yield url
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name}")
        admin.dispose()


@pytest.mark.needs_postgres
def test_record_and_ingest_on_postgresql_use_core(postgres_database: str) -> None:
    """The central database runs the same journal code; FastStatement leaves it to Core."""
    from sqlalchemy.orm import Session

    from desktop.store.hlc import HybridLogicalClock

    engine = create_engine(postgres_database)
    clock = HybridLogicalClock("central")
    actor = Actor("clerk01", "620102-01")
    person_id, registration_id = new_id(), new_id()
    try:
        with Session(engine) as session, session.begin():
            recorded = record(
                session,
                actor,
                entity_type="person",
                entity_id=person_id,
                kind="person.recorded",
                payload=person_payload(3),
                clock=clock,
            )
            assert recorded.seq == 1
            record(
                session,
                actor,
                entity_type="registration",
                entity_id=registration_id,
                kind="registration.applied",
                payload=applied_payload(person_id, "620102-00000003"),
                clock=clock,
            )
            late = FakeEvent(
                "registration.verified",
                {"verified_on": "2025-10-09", "method": "data_comparison"},
                hlc_at(1, 0, "other"),  # older than everything: a re-fold
                entity_type="registration",
                entity_id=registration_id,
            )
            assert ingest(session, event_row(late), clock) is not None
            assert ingest(session, {**event_row(late), "central_seq": 9}, clock) is None
        with Session(engine) as session:
            events = list(session.scalars(select(Event).order_by(Event.seq)))
            assert [event.central_seq for event in events] == [None, None, 9]
            registration = session.get(Registration, registration_id)
            assert registration is not None
            # Folded in HLC order the verification came before the application: kept, flagged.
            expected = fold_registration([e for e in events if e.entity_id == registration_id])
            assert registration.status == expected["status"] == "applied"
            assert registration.anomalies == expected["anomalies"]
            assert (
                len(registration.anomalies) == 1 and "尚无申请受理记录" in registration.anomalies[0]
            )
            assert registration.last_hlc == expected["last_hlc"]
            person = session.get(Person, person_id)
            assert person is not None and person.name == fold_person(events[:1])["name"]
    finally:
        engine.dispose()
