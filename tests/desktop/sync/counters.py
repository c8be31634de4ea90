"""Simulated counters for the sync tests, and the comparisons that prove convergence."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.config import Config
from desktop.domain.roles import Role
from desktop.domain.workdays import WorkdayCalendar
from desktop.services.demo import fill_demo_data
from desktop.services.registration import CounterContext
from desktop.store.db import Store, open_store
from desktop.store.journal import Actor, record
from desktop.store.models import Event
from desktop.store.projector import PROJECTIONS, fold
from desktop.sync.central import CounterAccount
from desktop.sync.connection import parse_central_url
from desktop.sync.worker import SyncReport, SyncWorker
from tests.desktop.sync.conftest import CentralDatabase

PROJECTION_TYPES = tuple(PROJECTIONS)


class SimCounter:
    """One counter: its central account, its own SQLite store, its sync worker."""

    def __init__(
        self,
        central: CentralDatabase,
        directory: Path,
        region: str,
        *,
        agency: str | None = None,
        url: str | None = None,
        port: int | None = None,
        push_batch_size: int = 500,
        pull_page_size: int = 500,
    ) -> None:
        self.central = central
        self.account: CounterAccount = central.add_counter(region, agency=agency)
        self.region = region
        self.path = directory / f"{self.account.counter_id}.sqlite3"
        self.store: Store = open_store(self.path, node_id=self.node_id)
        self.url = url or central.counter_url(self.account, port=port)
        self.worker = SyncWorker(
            self.store,
            parse_central_url(self.url),
            region,
            password=self.account.password,
            push_batch_size=push_batch_size,
            pull_page_size=pull_page_size,
        )
        self.config = Config(
            counter_id=self.account.counter_id,
            counter_number=self.account.counter_number,
            region_code=region,
            agency_id=agency,
            database_path=self.path,
            central_url=self.url,
            demo=False,
        )
        # A county office's all-round clerk: receives, reviews (issue 8 roles).
        self.actor = Actor(
            "clerk01", self.account.counter_id, roles=frozenset({Role.CLERK, Role.REVIEWER})
        )

    @property
    def node_id(self) -> str:
        return f"n{self.account.counter_id.replace('-', '')}"

    def context(self) -> CounterContext:
        return CounterContext(
            actor=self.actor,
            clock=self.store.clock,
            region_code=self.region,
            counter_number=self.account.counter_number,
            calendar=WorkdayCalendar(),
        )

    def record_demo(self, persons: int, seed: int) -> int:
        """Register `persons` people through the registration use cases; events recorded."""
        summary = fill_demo_data(
            self.store, self.config, persons=persons, seed=seed, today=dt.date(2025, 6, 30)
        )
        return summary.events

    def record(self, entity_type: str, entity_id: str, kind: str, payload: dict[str, Any]) -> None:
        with self.store.session() as session:
            record(
                session,
                self.actor,
                entity_type=entity_type,
                entity_id=entity_id,
                kind=kind,
                payload=payload,
                clock=self.store.clock,
            )

    def record_person_and_application(
        self, index: int, *, delegated_agency: str | None = None
    ) -> tuple[str, str]:
        person_id, registration_id = str(uuid.uuid4()), str(uuid.uuid4())
        with self.store.session() as session:
            record(
                session,
                self.actor,
                entity_type="person",
                entity_id=person_id,
                kind="person.recorded",
                payload={
                    "doc_type": "01",
                    "id_number": f"{self.region}19800101{index % 1000:03d}X",
                    "name": f"测试{index}",
                    "residence_region": self.region,
                },
                clock=self.store.clock,
            )
            payload: dict[str, Any] = {
                "person_id": person_id,
                "number": f"{self.region}{self.account.counter_number:03d}2025{index:05d}",
                "region": self.region,
                "counter_id": self.account.counter_id,
                "applied_on": "2025-06-02",
            }
            if delegated_agency is not None:
                payload["delegated_agency"] = delegated_agency
            record(
                session,
                self.actor,
                entity_type="registration",
                entity_id=registration_id,
                kind="registration.applied",
                payload=payload,
                clock=self.store.clock,
            )
        return person_id, registration_id

    def sync(self) -> SyncReport:
        return self.worker.sync_once()

    def event_ids(self) -> list[str]:
        with self.store.session(write=False) as session:
            return list(session.scalars(select(Event.id).order_by(Event.seq)))

    def own_event_count(self) -> int:
        with self.store.session(write=False) as session:
            return len(
                list(
                    session.scalars(
                        select(Event.id).where(Event.counter_id == self.account.counter_id)
                    )
                )
            )

    def projections(self) -> dict[tuple[str, str], dict[str, Any]]:
        return local_projections(self.store)

    def reopen(self) -> None:
        self.close()
        self.store = open_store(self.path, node_id=self.node_id)
        self.worker = SyncWorker(
            self.store,
            parse_central_url(self.url),
            self.region,
            password=self.account.password,
            push_batch_size=self.worker._push_batch_size,
            pull_page_size=self.worker._pull_page_size,
        )

    def close(self) -> None:
        self.worker.close()
        self.store.close()


def local_projections(store: Store) -> dict[tuple[str, str], dict[str, Any]]:
    """Every person and registration projection row of a counter, by (type, id)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    with store.session(write=False) as session:
        for entity_type, spec in PROJECTIONS.items():
            table = spec.model.__table__
            columns = [table.c.id, *(table.c[key] for key in spec.keys)]
            for row in session.connection().execute(select(*columns)):
                rows[(entity_type, row[0])] = dict(zip(spec.keys, row[1:], strict=True))
    return rows


def central_projections(
    admin: Any, region: str | None = None
) -> dict[tuple[str, str], dict[str, Any]]:
    """Every central person and registration row (of one region), by (type, id)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for entity_type, spec in PROJECTIONS.items():
        table = spec.model.__tablename__
        where = " WHERE scope_region = %s" if region else ""
        cursor = admin.execute(
            f"SELECT id, {', '.join(spec.keys)} FROM {table}{where}", [region] if region else []
        )
        for row in cursor:
            rows[(entity_type, row[0])] = dict(zip(spec.keys, row[1:], strict=True))
    return rows


def central_event_ids(admin: Any, region: str | None = None) -> list[str]:
    where = " WHERE scope_region = %s" if region else ""
    return [
        row[0]
        for row in admin.execute(f"SELECT id FROM journal{where}", [region] if region else [])
    ]


def assert_central_projections_are_folds(admin: Any) -> int:
    """Every central projection equals the fold of all of its entity's central events, and
    every entity whose fold exists has its row; the number of entities checked."""
    from desktop.sync.wire import FoldEvent

    history: dict[tuple[str, str], list[FoldEvent]] = defaultdict(list)
    for (
        entity_type,
        entity_id,
        event_id,
        kind,
        payload,
        hlc,
        wall_time,
        clerk,
        counter,
    ) in admin.execute(
        "SELECT entity_type, entity_id, id, kind, payload, hlc, wall_time, clerk_id, counter_id"
        " FROM journal"
    ):
        if entity_type in PROJECTIONS:
            history[(entity_type, entity_id)].append(
                FoldEvent(event_id, kind, payload, hlc, wall_time, clerk, counter)
            )
    stored = central_projections(admin)
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    for (entity_type, entity_id), events in history.items():
        state = fold(entity_type, events)
        assert state is not None
        if PROJECTIONS[entity_type].exists(state):
            expected[(entity_type, entity_id)] = state
    assert stored.keys() == expected.keys()
    for key, state in expected.items():
        assert stored[key] == state, key
    return len(expected)
