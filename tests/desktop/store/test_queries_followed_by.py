"""registrations_followed_by: "this clerk's list" from the journal's kind/clerk index and the
aid plans' designated staff, without scanning the journal."""

from __future__ import annotations

import datetime as dt

from desktop.store.db import Store
from desktop.store.journal import Actor, record
from desktop.store.queries import registrations_followed_by
from tests.desktop.store.factories import record_person_with_registration


def _assign_staff(store: Store, actor: Actor, registration_id: str, person_id: str) -> None:
    with store.session() as session:
        record(
            session,
            actor,
            entity_type="aid_plan",
            entity_id=registration_id,
            kind="aid.staff_assigned",
            payload={
                "person_id": person_id,
                "staff_id": "clerk02",
                "staff_name": "李娜",
                "assigned_on": dt.date(2025, 10, 10),
            },
            clock=store.clock,
        )


def test_accepted_applications_and_designated_aid_plans_are_the_clerks(
    store: Store, actor: Actor
) -> None:
    other = Actor(clerk_id="clerk02", counter_id="620102-01")
    with store.session() as session:
        _, mine = record_person_with_registration(session, actor, store.clock, 1)
        _, also_mine = record_person_with_registration(
            session, actor, store.clock, 2, registered=True
        )
        person_id, theirs = record_person_with_registration(
            session, other, store.clock, 3, registered=True
        )
    with store.session(write=False) as session:
        assert registrations_followed_by(session, "clerk01") == {mine, also_mine}
        assert registrations_followed_by(session, "clerk02") == {theirs}
        assert registrations_followed_by(session, "nobody") == set()
        assert registrations_followed_by(session, "") == set()
    # clerk02 made the designated staff member of clerk01's registration: it is theirs too.
    _assign_staff(store, other, also_mine, person_id)
    with store.session(write=False) as session:
        assert registrations_followed_by(session, "clerk02") == {theirs, also_mine}
        assert registrations_followed_by(session, "clerk01") == {mine, also_mine}


def test_the_query_reads_the_kind_clerk_index_not_the_journal(store: Store) -> None:
    with store.session(write=False) as session:
        plan = session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT entity_id FROM journal"
            " WHERE kind = 'registration.applied' AND clerk_id = 'clerk01'"
        )
        details = " ".join(str(row[-1]) for row in plan)
    assert "COVERING INDEX ix_journal_kind_clerk" in details
