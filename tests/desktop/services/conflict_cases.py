"""A local store holding real conflicts: one registration registered at counter 001 and, by
sync, rejected and registered again at counter 002 (for the conflict review's tests)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.roles import Role
from desktop.store.db import Store, open_store
from desktop.store.journal import Actor, record
from desktop.sync.local import ingest_pulled
from desktop.sync.wire import WireEvent

COUNTER_A, COUNTER_B = "620102-001", "620102-002"
REVIEWER = Actor("shenhe01", COUNTER_A, roles=frozenset({Role.REVIEWER}), display_name="审核员甲")
CLERK = Actor("zhang01", COUNTER_A, roles=frozenset({Role.CLERK}), display_name="张")


@dataclass(frozen=True)
class Conflicted:
    store: Store
    registration_id: str
    quiet_registration_id: str


def _register(store: Store, index: int) -> str:
    person_id, registration_id = str(uuid.uuid4()), str(uuid.uuid4())
    with store.session() as session:
        steps = [
            (
                "person",
                person_id,
                "person.recorded",
                {
                    "doc_type": "01",
                    "id_number": f"62010219800101{index:03d}X",
                    "name": f"王{index}",
                },
            ),
            (
                "registration",
                registration_id,
                "registration.applied",
                {
                    "person_id": person_id,
                    "number": f"62010200120250{index:04d}",
                    "region": "620102",
                    "applied_on": "2025-06-02",
                },
            ),
            (
                "registration",
                registration_id,
                "registration.verified",
                {
                    "verified_on": "2025-06-03",
                    "method": "data_comparison",
                },
            ),
            (
                "registration",
                registration_id,
                "registration.registered",
                {
                    "registered_on": "2025-06-04",
                },
            ),
        ]
        for entity_type, entity_id, kind, payload in steps:
            record(
                session,
                CLERK,
                entity_type=entity_type,
                entity_id=entity_id,
                kind=kind,
                payload=payload,
                clock=store.clock,
            )
    return registration_id


def _from_counter_b(store: Store, registration_id: str, kind: str, payload: dict) -> None:
    event = WireEvent(
        str(uuid.uuid4()),
        "registration",
        registration_id,
        kind,
        json.dumps(payload, ensure_ascii=False),
        "li02",
        COUNTER_B,
        (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).isoformat(sep=" "),
        store.clock.now().replace(store.clock.node_id, "nodeB"),
        None,
    )
    with store.session() as session:
        ingest_pulled(session, [event], store.clock)


def make_conflicts(directory: Path) -> Conflicted:
    store = open_store(directory / "conflicts.sqlite3", node_id="nodeA")
    clashing = _register(store, 1)
    quiet = _register(store, 2)
    _from_counter_b(
        store,
        clashing,
        "registration.rejected",
        {"rejected_on": "2025-06-05", "reason": "已在其他窗口办理就业登记"},
    )
    _from_counter_b(store, clashing, "registration.registered", {"registered_on": "2025-06-05"})
    return Conflicted(store, clashing, quiet)
