"""Tests of the journal: recording, ingesting from elsewhere, and staying append-only."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from desktop.store.db import Store, open_store
from desktop.store.errors import DuplicatePersonError, MalformedEventError, StoreError
from desktop.store.hlc import parse_hlc
from desktop.store.journal import Actor, event_to_row, ingest, record
from desktop.store.models import Event, Person, Registration
from desktop.store.projector import fold_registration
from tests.desktop.store.factories import (
    FakeEvent,
    applied_payload,
    event_row,
    hlc_at,
    mismatched_projections,
    new_id,
    person_payload,
    record_person_with_registration,
)


def test_record_stores_event_and_projection_together(store: Store, actor: Actor) -> None:
    with store.session() as session:
        person_id, registration_id = record_person_with_registration(
            session, actor, store.clock, 1, registered=True
        )
    with store.session(write=False) as session:
        events = list(session.scalars(select(Event).order_by(Event.seq)))
        assert [event.kind for event in events] == [
            "person.recorded",
            "registration.applied",
            "registration.registered",
        ]
        assert [event.hlc for event in events] == sorted(event.hlc for event in events)
        first = events[0]
        assert uuid.UUID(first.id).version == 4
        assert first.wall_time.tzinfo is not None
        assert first.pushed is False and first.central_seq is None
        assert first.clerk_id == "clerk01" and first.counter_id == "620102-01"
        assert parse_hlc(first.hlc).node_id == "counterA"
        assert first.payload["birth_date"] == "1980-01-02"  # dates stored as ISO text
        person = session.get(Person, person_id)
        registration = session.get(Registration, registration_id)
        assert person is not None and registration is not None
        assert person.name == "张四1"
        assert person.birth_date == dt.date(1980, 1, 2)
        assert person.extra == {"job_intention": "焊工"}
        assert registration.status == "registered"
        assert registration.person_id == person_id
        assert registration.registered_on == dt.date(2025, 10, 9)
        assert mismatched_projections(session) == []


def test_event_and_projection_roll_back_together(store: Store, actor: Actor) -> None:
    with pytest.raises(RuntimeError), store.session() as session:
        record_person_with_registration(session, actor, store.clock, 2)
        raise RuntimeError("clerk cancelled")
    with store.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 0
        assert session.scalar(select(func.count()).select_from(Person)) == 0


@pytest.mark.parametrize(
    ("entity_type", "entity_id", "kind", "payload", "message"),
    [
        ("person", "not-a-uuid", "person.recorded", person_payload(), "UUID"),
        ("registration", None, "person.recorded", person_payload(), "不能用于"),
        ("person", None, "Person Recorded", person_payload(), "事件类型"),
        ("person", None, "person.recorded", {"doc_type": "01", "name": "王五"}, "证件号码"),
        ("person", None, "person.recorded", person_payload(birth_date="1980-02-30"), "出生日期"),
        ("person", None, "person.recorded", person_payload(photo=object()), "无法保存"),
        ("person", None, "person.recorded", person_payload(name="张" * 101), "姓名过长"),
        ("person", None, "person.updated", {"phone": "1" * 33}, "联系电话过长"),
        ("person", None, "person.updated", {"seen": dt.datetime(2025, 1, 1)}, "时区"),
        ("person", None, "person.updated", {"score": float("nan")}, "数值"),
        ("person", None, "person.updated", ["not", "a", "mapping"], "字段表"),
    ],
)
def test_record_refuses_bad_events_with_a_chinese_message(
    store: Store,
    actor: Actor,
    entity_type: str,
    entity_id: str | None,
    kind: str,
    payload: object,
    message: str,
) -> None:
    with pytest.raises(MalformedEventError) as caught, store.session() as session:
        record(
            session,
            actor,
            entity_type=entity_type,
            entity_id=entity_id or new_id(),
            kind=kind,
            payload=payload,  # type: ignore[arg-type]
            clock=store.clock,
        )
    assert message in caught.value.message
    with store.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 0


def test_record_refuses_an_empty_clerk(store: Store) -> None:
    with pytest.raises(MalformedEventError), store.session() as session:
        record(
            session,
            Actor(clerk_id="", counter_id="c1"),
            entity_type="person",
            entity_id=new_id(),
            kind="person.recorded",
            payload=person_payload(),
            clock=store.clock,
        )


def test_second_person_with_same_document_is_refused(store: Store, actor: Actor) -> None:
    with store.session() as session:
        first_id, _ = record_person_with_registration(session, actor, store.clock, 3)
    with pytest.raises(DuplicatePersonError) as caught, store.session() as session:
        record(
            session,
            actor,
            entity_type="person",
            entity_id=new_id(),
            kind="person.recorded",
            payload=person_payload(3, id_number=person_payload(3)["id_number"].lower()),
            clock=store.clock,
        )
    assert caught.value.existing_person_id == first_id
    assert "已有人员档案" in caught.value.message


def test_registration_number_reuse_and_unknown_person_are_refused(
    store: Store, actor: Actor
) -> None:
    with store.session() as session:
        person_id, _ = record_person_with_registration(session, actor, store.clock, 4)
    with pytest.raises(StoreError, match="已被使用"), store.session() as session:
        record(
            session,
            actor,
            entity_type="registration",
            entity_id=new_id(),
            kind="registration.applied",
            payload=applied_payload(person_id, "620102-00000004"),
            clock=store.clock,
        )
    with pytest.raises(MalformedEventError, match="找不到人员档案"), store.session() as session:
        record(
            session,
            actor,
            entity_type="registration",
            entity_id=new_id(),
            kind="registration.applied",
            payload=applied_payload(new_id(), "620102-99999999"),
            clock=store.clock,
        )


# --------------------------------------------------------------------------- append-only


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal SET payload = '{}'",
        "UPDATE journal SET kind = 'person.updated'",
        "UPDATE journal SET hlc = '9999999999999.00000.x'",
        "UPDATE journal SET id = id",
        "DELETE FROM journal",
    ],
)
def test_journal_rows_cannot_be_changed_or_deleted(
    store: Store, actor: Actor, statement: str
) -> None:
    with store.session() as session:
        record_person_with_registration(session, actor, store.clock, 5)
    with pytest.raises(DBAPIError, match="只能追加"), store.session() as session:
        session.execute(text(statement))
    with store.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 2


def test_orm_change_of_an_event_is_refused(store: Store, actor: Actor) -> None:
    with store.session() as session:
        record_person_with_registration(session, actor, store.clock, 6)
    with pytest.raises(DBAPIError, match="只能追加"), store.session() as session:
        event = session.scalars(select(Event)).first()
        assert event is not None
        event.payload = {"name": "篡改"}


def test_sync_bookkeeping_columns_may_be_set(store: Store, actor: Actor) -> None:
    with store.session() as session:
        record_person_with_registration(session, actor, store.clock, 7)
    with store.session() as session:
        session.execute(update(Event).values(pushed=True, central_seq=Event.seq + 100))
    with store.session(write=False) as session:
        assert set(session.scalars(select(Event.pushed))) == {True}


# --------------------------------------------------------------------------- ingest


def test_ingest_is_idempotent_and_observes_the_remote_clock(store: Store, actor: Actor) -> None:
    person_id = new_id()
    remote_hlc = hlc_at(int(time.time() * 1000) + 60_000, 3, "counterB")
    row = event_row(
        FakeEvent(
            "person.recorded",
            {"doc_type": "01", "id_number": "620102198001010011", "name": "赵六"},
            remote_hlc,
            entity_type="person",
            entity_id=person_id,
        )
    )
    with store.session() as session:
        assert ingest(session, row, store.clock) is not None
    with store.session() as session:
        assert ingest(session, {**row, "central_seq": 41}, store.clock) is None
    with store.session(write=False) as session:
        events = list(session.scalars(select(Event)))
        assert len(events) == 1
        assert events[0].pushed is True  # it came from elsewhere: nothing to push
        assert events[0].central_seq == 41
        person = session.get(Person, person_id)
        assert person is not None and person.name == "赵六"
    assert store.clock.now() > remote_hlc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hlc": "yesterday"}, "逻辑时钟"),
        ({"id": "42"}, "UUID"),
        ({"entity_id": ""}, "UUID"),
        ({"payload": "[]"}, "字段表"),
        ({"wall_time": "31/12/2025"}, "时间"),
        ({"wall_time": 12}, "时间"),
        ({"kind": "DROP TABLE"}, "事件类型"),
        ({"clerk_id": ""}, "clerk_id"),
        ({"central_seq": "7"}, "序号"),
    ],
)
def test_ingest_refuses_malformed_rows(
    store: Store, change: dict[str, object], message: str
) -> None:
    row = event_row(
        FakeEvent(
            "person.updated", {"phone": "1"}, hlc_at(1), entity_type="person", entity_id=new_id()
        )
    )
    with pytest.raises(MalformedEventError) as caught, store.session() as session:
        ingest(session, {**row, **change}, store.clock)
    assert message in caught.value.message


def test_ingest_refuses_a_row_missing_fields(store: Store) -> None:
    with pytest.raises(MalformedEventError, match="缺少字段"), store.session() as session:
        ingest(session, {"id": new_id()}, store.clock)


def _registration_story(person_id: str, registration_id: str, base: int) -> list[FakeEvent]:
    """Events of one person and registration made on three counters."""
    person_events = [
        FakeEvent(
            "person.recorded",
            {"doc_type": "01", "id_number": f"62010219800101{base % 10_000:04d}", "name": "钱七"},
            hlc_at(base, 0, "a"),
        ),
        FakeEvent("person.updated", {"phone": "13900000007"}, hlc_at(base + 5, 0, "b")),
    ]
    for event in person_events:
        event.entity_type, event.entity_id = "person", person_id
    payload = {
        "person_id": person_id,
        "number": f"N-{registration_id}",
        "applied_on": "2025-09-30",
        "due_on": "2025-10-16",
        "difficulty_categories": [],
    }
    registration_events = [
        FakeEvent("registration.applied", payload, hlc_at(base + 1, 0, "a")),
        FakeEvent("commitment.printed", {}, hlc_at(base + 2, 0, "a")),
        FakeEvent("registration.verified", {"verified_on": "2025-10-02"}, hlc_at(base + 3, 0, "b")),
        FakeEvent(
            "registration.registered", {"registered_on": "2025-10-03"}, hlc_at(base + 4, 0, "b")
        ),
        FakeEvent("contact.recorded", {"contacted_on": "2025-10-20"}, hlc_at(base + 6, 0, "c")),
        FakeEvent(
            "deregistration.done", {"deregistered_on": "2025-12-01"}, hlc_at(base + 7, 0, "a")
        ),
        FakeEvent("service.recorded", {"served_on": "2025-12-02"}, hlc_at(base + 7, 1, "c")),
        FakeEvent(
            "deregistration.done", {"deregistered_on": "2025-12-03"}, hlc_at(base + 8, 0, "b")
        ),
    ]
    for event in registration_events:
        event.entity_type, event.entity_id = "registration", registration_id
    return person_events + registration_events


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = open_store(tmp_path_factory.mktemp("ingest") / "dengji.db", node_id="central")
    yield opened
    opened.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.permutations(range(10)), st.integers(0, 1_000_000))
def test_out_of_order_ingest_gives_the_in_order_projection(
    shared_store: Store, order: list[int], salt: int
) -> None:
    base = 1_700_000_000_000 + salt * 100
    in_order = _registration_story(new_id(), new_id(), base)
    shuffled_person, shuffled_registration = new_id(), new_id()
    shuffled = _registration_story(shuffled_person, shuffled_registration, base)
    with shared_store.session() as session:
        for event in in_order:
            ingest(session, event_row(event), shared_store.clock)
    # One transaction per event, as a real pull would deliver them.
    for index in order:
        with shared_store.session() as session:
            ingest(session, event_row(shuffled[index]), shared_store.clock)
    with shared_store.session(write=False) as session:
        rows = {
            "in_order": session.get(Registration, in_order[2].entity_id),
            "shuffled": session.get(Registration, shuffled_registration),
        }
        states = {}
        for name, row in rows.items():
            assert row is not None
            states[name] = {
                key: getattr(row, key)
                for key in ("status", "deregistered_on", "last_contact_on", "verified_on")
            }
            states[name]["anomalies"] = len(row.anomalies)
        assert states["in_order"] == states["shuffled"]
        assert states["shuffled"]["status"] == "deregistered"
        assert states["shuffled"]["anomalies"] == 2  # service and second deregistration
        expected = fold_registration(shuffled[2:])
        shuffled_row = rows["shuffled"]
        assert shuffled_row is not None
        assert shuffled_row.anomalies == expected["anomalies"]
        assert shuffled_row.last_hlc == expected["last_hlc"]
        person = session.get(Person, shuffled_person)
        assert person is not None and person.phone == "13900000007"


def test_contradictory_events_from_two_counters(tmp_path: Path) -> None:
    """Counter A deregisters while counter B, offline, records a service a moment later."""
    clerk_a = Actor("clerkA", "620102-01")
    clerk_b = Actor("clerkB", "620102-02")
    with (
        open_store(tmp_path / "a.db", node_id="A") as a,
        open_store(tmp_path / "b.db", node_id="B") as b,
    ):
        with a.session() as session:
            _, registration_id = record_person_with_registration(
                session, clerk_a, a.clock, 9, registered=True
            )
            shared = [event_to_row(event) for event in session.scalars(select(Event))]
        with b.session() as session:
            for row in shared:
                ingest(session, row, b.clock)
        with a.session() as session:
            deregistration = record(
                session,
                clerk_a,
                entity_type="registration",
                entity_id=registration_id,
                kind="deregistration.done",
                payload={"deregistered_on": dt.date(2026, 1, 5), "reason": "已就业"},
                clock=a.clock,
            )
            deregistration_row = event_to_row(deregistration)
        time.sleep(0.005)  # B's clock is simply later; B has not seen A's event
        with b.session() as session:
            service = record(
                session,
                clerk_b,
                entity_type="registration",
                entity_id=registration_id,
                kind="service.recorded",
                payload={"served_on": dt.date(2026, 1, 6), "service": "职业介绍"},
                clock=b.clock,
            )
            service_row = event_to_row(service)
        assert service_row["hlc"] > deregistration_row["hlc"]
        with a.session() as session:
            ingest(session, service_row, a.clock)
        with b.session() as session:
            ingest(session, deregistration_row, b.clock)
        results = []
        for store in (a, b):
            with store.session(write=False) as session:
                kinds = [event.kind for event in session.scalars(select(Event).order_by(Event.hlc))]
                assert kinds[-2:] == ["deregistration.done", "service.recorded"]
                projection = session.get(Registration, registration_id)
                assert projection is not None
                results.append(
                    (projection.status, projection.anomalies, projection.last_contact_on)
                )
                assert mismatched_projections(session) == []
        assert results[0] == results[1]
        status, anomalies, _ = results[0]
        assert status == "deregistered"
        assert len(anomalies) == 1
        assert "注销" in anomalies[0] and "服务" in anomalies[0] and "clerkB" in anomalies[0]


def test_projection_loaded_in_the_session_is_refreshed(store: Store, actor: Actor) -> None:
    with store.session() as session:
        _, registration_id = record_person_with_registration(session, actor, store.clock, 11)
    with store.session() as session:
        loaded = session.get(Registration, registration_id)
        assert loaded is not None and loaded.status == "applied"
        event = record(
            session,
            actor,
            entity_type="registration",
            entity_id=registration_id,
            kind="registration.rejected",
            payload={"rejected_on": dt.date(2025, 10, 2), "reason": "已就业"},
            clock=store.clock,
        )
        assert loaded.status == "rejected"  # not the stale copy from before record()
        assert event.seq is not None and event.kind == "registration.rejected"
        assert event.payload == {"rejected_on": "2025-10-02", "reason": "已就业"}


def test_refold_entity_repairs_a_projection(store: Store, actor: Actor) -> None:
    from desktop.store.projector import refold_entity

    with store.session() as session:
        person_id, _ = record_person_with_registration(session, actor, store.clock, 12)
        session.execute(update(Person).where(Person.id == person_id).values(name="损坏"))
        state = refold_entity(session, "person", person_id)
        assert state is not None and state["name"] == "张七12"
        assert session.get(Person, person_id).name == "张七12"  # type: ignore[union-attr]
        assert refold_entity(session, "training", new_id()) is None
