"""Pull: nothing skipped when writers commit out of order; pages resume; reference data."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select

from desktop.store.models import AgencyItem, HolidayEntry, PolicyItem, SyncState
from desktop.sync.connection import connect, parse_central_url
from desktop.sync.pull import SYNC_TARGET, pull
from desktop.sync.push import append_events
from desktop.sync.wire import WireEvent
from tests.desktop.sync.conftest import CentralDatabase
from tests.desktop.sync.counters import SimCounter, central_projections

pytestmark = pytest.mark.needs_postgres


def _person_row(region: str, index: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "entity_type": "person",
        "entity_id": str(uuid.uuid4()),
        "kind": "person.recorded",
        "payload": json.dumps(
            {"doc_type": "01", "id_number": f"{region}1980010{index:04d}X", "name": f"甲{index}"},
            ensure_ascii=False,
        ),
        "clerk_id": "writer",
        "counter_id": "writer-counter",
        "wall_time": dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        "hlc": f"1750000000000.{index % 100000:05d}.w",
        "scope_region": region,
    }


_RAW_INSERT = (
    "INSERT INTO journal (id, entity_type, entity_id, kind, payload, clerk_id, counter_id,"
    " wall_time, hlc, scope_region) VALUES (%(id)s, %(entity_type)s, %(entity_id)s, %(kind)s,"
    " %(payload)s, %(clerk_id)s, %(counter_id)s, %(wall_time)s, %(hlc)s, %(scope_region)s)"
    " RETURNING seq"
)


def _local_ids(counter: SimCounter) -> set[str]:
    return set(counter.event_ids())


def _pull(counter: SimCounter, connection: Any, page_size: int = 500) -> int:
    return pull(counter.store, connection, page_size=page_size).inserted


def _counter_connection(counter: SimCounter) -> Any:
    connection = connect(parse_central_url(counter.url), counter.account.password)
    connection.autocommit = True
    return connection


def test_a_row_committed_late_by_an_earlier_transaction_is_still_pulled(
    central: CentralDatabase, tmp_path: Path
) -> None:
    """Writer A inserts first (lower arrival number) and commits last; "rows after the last
    number I have" would skip A's row. The snapshot horizon holds it back instead."""
    counter = SimCounter(central, tmp_path, "620201")
    connection = _counter_connection(counter)
    writer_a, writer_b, writer_c = (central.admin() for _ in range(3))
    try:
        for writer in (writer_a, writer_b, writer_c):
            writer.autocommit = False
        row_a, row_b, row_c = (_person_row("620201", index) for index in (1, 2, 3))
        seq_a = writer_a.execute(_RAW_INSERT, row_a).fetchone()
        seq_b = writer_b.execute(_RAW_INSERT, row_b).fetchone()
        seq_c = writer_c.execute(_RAW_INSERT, row_c).fetchone()
        assert seq_a is not None and seq_b is not None and seq_c is not None
        assert seq_a[0] < seq_b[0] < seq_c[0]
        writer_c.commit()
        writer_b.commit()
        # B and C are visible, but A (older) still runs: nothing may be handed out past A.
        _pull(counter, connection)
        assert row_a["id"] not in _local_ids(counter)
        writer_a.commit()
        _pull(counter, connection)
        assert {row_a["id"], row_b["id"], row_c["id"]} <= _local_ids(counter)
    finally:
        for writer in (writer_a, writer_b, writer_c):
            writer.close()
        connection.close()
        counter.close()


def test_a_transaction_that_took_its_id_first_and_commits_last_is_still_pulled(
    central: CentralDatabase, tmp_path: Path
) -> None:
    """The transaction id is taken before the row's arrival number: txid order and seq order
    disagree, and the pull must still hand out both rows exactly once."""
    counter = SimCounter(central, tmp_path, "620202")
    connection = _counter_connection(counter)
    early, late = central.admin(), central.admin()
    try:
        early.autocommit = late.autocommit = False
        early.execute("SELECT pg_current_xact_id()")  # takes the lower transaction id
        late_row, early_row = _person_row("620202", 1), _person_row("620202", 2)
        late.execute(_RAW_INSERT, late_row)
        early.execute(_RAW_INSERT, early_row)
        late.commit()
        _pull(counter, connection)
        assert late_row["id"] not in _local_ids(counter)  # held back behind `early`
        early.commit()
        assert _pull(counter, connection) == 2
        assert _pull(counter, connection) == 0
    finally:
        early.close()
        late.close()
        connection.close()
        counter.close()


def test_many_writers_committing_out_of_order_while_a_counter_pulls_all_the_time(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620203")
    connection = _counter_connection(counter)
    committed: set[str] = set()
    rolled_back: set[str] = set()
    lock = threading.Lock()
    writers_done = threading.Event()
    three_pulls = threading.Event()  # a loaded machine must not let the writers finish first
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        rng = random.Random(number)
        try:
            with central.admin() as session:
                session.autocommit = False
                for index in range(25):
                    if index == 24:  # the last transaction waits for pulls made meanwhile
                        assert three_pulls.wait(60), "计数器未能在写入期间下载"
                    if rng.random() < 0.3:
                        session.execute("SELECT pg_current_xact_id()")
                    time.sleep(rng.random() * 0.004)
                    rows = [
                        _person_row("620203", number * 1000 + index * 10 + part)
                        for part in range(rng.randint(1, 3))
                    ]
                    for row in rows:
                        session.execute(_RAW_INSERT, row)
                    time.sleep(rng.random() * 0.006)
                    ids = {row["id"] for row in rows}
                    if rng.random() < 0.1:
                        session.rollback()
                        with lock:
                            rolled_back.update(ids)
                    else:
                        session.commit()
                        with lock:
                            committed.update(ids)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    inserted = 0
    pulls = 0
    while any(thread.is_alive() for thread in threads):
        inserted += _pull(counter, connection, page_size=7)
        pulls += 1
        if pulls >= 3:
            three_pulls.set()
    for thread in threads:
        thread.join()
    writers_done.set()
    inserted += _pull(counter, connection, page_size=7)
    try:
        assert not failures
        assert pulls >= 3  # pulled while the writers were still writing
        local = _local_ids(counter)
        assert local == committed
        assert not local & rolled_back
        assert inserted == len(committed)  # each row stored exactly once
    finally:
        connection.close()
        counter.close()


def test_a_pull_stopped_after_a_page_resumes_where_it_stopped(
    central: CentralDatabase, tmp_path: Path
) -> None:
    source = SimCounter(central, tmp_path, "620204")
    target = SimCounter(central, tmp_path, "620204")
    connection = _counter_connection(target)
    try:
        for index in range(50):
            source.record_person_and_application(index)
        source.sync()

        class Stopped(Exception):
            pass

        def stop_after_third_page(received: int) -> None:
            if received >= 30:
                raise Stopped

        with pytest.raises(Stopped):
            pull(target.store, connection, page_size=10, after_page=stop_after_third_page)
        assert len(target.event_ids()) == 30
        with target.store.session(write=False) as session:
            state = session.get(SyncState, SYNC_TARGET)
            assert state is not None and state.last_pulled_central_seq > 0
        result = pull(target.store, connection, page_size=10)
        assert result.inserted == 70
        assert sorted(target.event_ids()) == sorted(source.event_ids())
        assert target.projections() == source.projections()
    finally:
        connection.close()
        source.close()
        target.close()


def test_an_online_application_written_centrally_reaches_the_counters(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620205")
    try:
        person_id, registration_id = str(uuid.uuid4()), str(uuid.uuid4())

        def wire(entity_type: str, entity_id: str, kind: str, payload: dict, hlc: str):
            return WireEvent(
                str(uuid.uuid4()),
                entity_type,
                entity_id,
                kind,
                json.dumps(payload, ensure_ascii=False),
                "online",
                "online-platform",
                "2025-06-03T01:00:00+00:00",
                hlc,
            )

        events = [
            wire(
                "person",
                person_id,
                "person.recorded",
                {"doc_type": "01", "id_number": "620205199001010011", "name": "线上申请人"},
                "1750000000000.00000.online",
            ),
            wire(
                "registration",
                registration_id,
                "registration.applied",
                {
                    "person_id": person_id,
                    "number": "62020500020250000001",
                    "region": "620205",
                    "channel": "online",
                    "applied_on": "2025-06-03",
                },
                "1750000000000.00001.online",
            ),
        ]
        with central.admin() as admin, admin.transaction():
            append_events(admin, events, "620205")
        counter.sync()
        projections = counter.projections()
        assert projections[("registration", registration_id)]["channel"] == "online"
        assert projections[("person", person_id)]["name"] == "线上申请人"
        with central.admin() as admin:
            assert central_projections(admin, "620205") == projections
    finally:
        counter.close()


def test_a_malformed_central_row_is_left_out_and_reported_and_the_rest_is_pulled(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620206")
    try:
        good, bad = _person_row("620206", 1), _person_row("620206", 2)
        bad["hlc"] = "not a clock"
        with central.admin() as admin:
            admin.execute(_RAW_INSERT, good)
            admin.execute(_RAW_INSERT, bad)
        report = counter.sync()
        assert report.quarantined == 1
        assert _local_ids(counter) == {good["id"]}
        with counter.store.session(write=False) as session:
            state = session.get(SyncState, SYNC_TARGET)
            assert state is not None
            assert state.extra["quarantined"][0][0] == bad["id"]
            assert "逻辑时钟" in state.extra["quarantined"][0][1]
        assert counter.sync().quarantined == 0  # handed out once, not again and again
    finally:
        counter.close()


def test_reference_data_flows_down_and_only_when_it_changed(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620207")
    now = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    local_only = str(uuid.uuid4())
    try:
        with counter.store.session() as session:
            session.add(
                PolicyItem(
                    id=local_only,
                    name="本地种子政策",
                    beneficiaries="-",
                    content="-",
                    conditions="-",
                    accepting_agency="-",
                    sort_order=1,
                    active=True,
                    updated_at=now,
                    updated_by="seed",
                )
            )
        # The central has no lists yet: the counter's seeded ones stay.
        assert counter.sync().reference_tables == ()
        policy_id = str(uuid.uuid4())
        with central.admin() as admin:
            admin.execute(
                "INSERT INTO holiday (date, kind, region_code, name) VALUES"
                " ('2025-10-01', 'holiday', NULL, '国庆节'),"
                " ('2025-09-28', 'workday', NULL, '调休')"
            )
            admin.execute(
                "INSERT INTO policy_item (id, name, beneficiaries, content, conditions,"
                " accepting_agency, sort_order, active, updated_at, updated_by) VALUES"
                " (%s, '就业困难人员社会保险补贴', '就业困难人员', '补贴', '已登记', '县人社局',"
                " 10, true, now(), 'province')",
                [policy_id],
            )
        report = counter.sync()
        assert set(report.reference_tables) == {"holiday", "policy_item"}
        with counter.store.session(write=False) as session:
            holidays = {(h.date.isoformat(), h.kind) for h in session.scalars(select(HolidayEntry))}
            assert holidays == {("2025-10-01", "holiday"), ("2025-09-28", "workday")}
            policies = {p.id: p.active for p in session.scalars(select(PolicyItem))}
            assert policies == {policy_id: True, local_only: False}  # deactivated, kept
            assert not list(session.scalars(select(AgencyItem)))
        assert counter.sync().reference_tables == ()  # unchanged: not downloaded again
        with central.admin() as admin:
            admin.execute("UPDATE policy_item SET content = '补贴（2025年标准）'")
        assert counter.sync().reference_tables == ("policy_item",)
        with counter.store.session(write=False) as session:
            policy = session.get(PolicyItem, policy_id)
            assert policy is not None and policy.content == "补贴（2025年标准）"
    finally:
        counter.close()


def test_a_counter_pointed_at_another_central_database_starts_its_pull_over(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620208")
    try:
        counter.record_person_and_application(1)
        counter.sync()
        with counter.store.session() as session:
            state = session.get(SyncState, SYNC_TARGET)
            assert state is not None
            state.extra = {**state.extra, "central_id": "another-central"}
        connection = _counter_connection(counter)
        try:
            result = pull(counter.store, connection)
        finally:
            connection.close()
        assert result.received == 2  # from the start again…
        assert result.inserted == 0  # …storing nothing twice
    finally:
        counter.close()


def test_pull_needs_a_counter_role_not_just_any_login(central: CentralDatabase) -> None:
    """A role that is no counter of this central sees nothing (its region is NULL)."""
    with central.admin() as admin:
        admin.execute("CREATE ROLE dengji_stranger_pull LOGIN")
        try:
            admin.execute("SET ROLE dengji_stranger_pull")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                admin.execute("SELECT count(*) FROM journal")
        finally:
            admin.execute("RESET ROLE")
            admin.execute("DROP ROLE dengji_stranger_pull")


def _bulk_table_indexes(counter: SimCounter) -> set[str]:
    """The indexes of the tables a first pull fills (journal, person, registration)."""
    with counter.store.session(write=False) as session:
        rows = session.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name IN ('journal', 'person', 'registration')"
        )
        return {str(row[0]) for row in rows}


def test_a_first_pull_drops_the_unneeded_indexes_and_always_puts_them_back(
    central: CentralDatabase, tmp_path: Path
) -> None:
    from desktop.sync.local import BULK_DROPPED_INDEXES, drop_bulk_indexes
    from desktop.sync.pull import BULK_INDEXES_KEY, load_sync_state, sync_state_row

    source = SimCounter(central, tmp_path, "620209")
    target = SimCounter(central, tmp_path, "620209")
    connection = _counter_connection(target)
    try:
        for index in range(30):
            source.record_person_and_application(index)
        source.sync()
        complete = _bulk_table_indexes(target)
        assert set(BULK_DROPPED_INDEXES) <= complete
        seen: list[set[str]] = []

        def look_then_stop(received: int) -> None:
            seen.append(_bulk_table_indexes(target))
            raise RuntimeError("网络中断")

        with pytest.raises(RuntimeError):
            pull(target.store, connection, page_size=10, after_page=look_then_stop)
        assert seen == [complete - set(BULK_DROPPED_INDEXES)]  # dropped while pulling
        assert _bulk_table_indexes(target) == complete  # back after a failed pull
        assert len(target.event_ids()) == 10
        # Killed outright: the indexes stay dropped and noted; the next pull restores them.
        with target.store.session() as session:
            saved = drop_bulk_indexes(session)
            row = sync_state_row(session)
            row.extra = {**(row.extra or {}), BULK_INDEXES_KEY: saved}
        assert _bulk_table_indexes(target) == complete - set(BULK_DROPPED_INDEXES)
        assert pull(target.store, connection, page_size=10).inserted == 50
        assert _bulk_table_indexes(target) == complete
        assert BULK_INDEXES_KEY not in load_sync_state(target.store)["extra"]
        assert target.projections() == source.projections()
    finally:
        connection.close()
        source.close()
        target.close()
