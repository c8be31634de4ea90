"""Push: idempotent by UUID, re-folds the touched projections, survives being killed anywhere."""

from __future__ import annotations

import datetime as dt
import json
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from desktop.store.errors import MalformedEventError
from desktop.sync.connection import connect, parse_central_url
from desktop.sync.push import append_events, count_pending, delegated_agency, push_pending
from desktop.sync.wire import FoldEvent, WireEvent
from tests.desktop.sync.conftest import CentralDatabase
from tests.desktop.sync.counters import (
    SimCounter,
    assert_central_projections_are_folds,
    central_event_ids,
    central_projections,
)

pytestmark = pytest.mark.needs_postgres
REPO = Path(__file__).resolve().parents[3]


def _central_state(central: CentralDatabase) -> tuple[list[tuple[str, int]], dict]:
    with central.admin() as admin:
        rows = admin.execute("SELECT id, seq FROM journal ORDER BY seq").fetchall()
        return [(str(row[0]), int(row[1])) for row in rows], central_projections(admin)


def test_push_sends_every_event_once_and_refolds_the_projections(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620102")
    try:
        recorded = counter.record_demo(30, seed=1)
        report = counter.sync()
        assert report.pushed == recorded
        assert report.events_waiting == 0
        with central.admin() as admin:
            ids = central_event_ids(admin, "620102")
            assert sorted(ids) == sorted(counter.event_ids())
            assert central_projections(admin, "620102") == counter.projections()
            assert assert_central_projections_are_folds(admin) > 0
    finally:
        counter.close()


def test_a_push_repeated_after_its_acknowledgement_was_lost_changes_nothing(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620103")
    try:
        counter.record_demo(10, seed=2)
        counter.sync()
        before = _central_state(central)
        # Killed after the central COMMIT, before the counter marked the batch sent.
        with counter.store.session() as session:
            session.connection().exec_driver_sql("UPDATE journal SET pushed = 0")
        assert count_pending(counter.store) == len(counter.event_ids())
        report = counter.sync()
        assert report.pushed == len(counter.event_ids())
        assert report.events_waiting == 0
        assert _central_state(central) == before
    finally:
        counter.close()


def test_a_push_rolled_back_mid_batch_leaves_no_trace(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620104")
    try:
        counter.record_demo(5, seed=3)
        before = _central_state(central)
        connection = connect(parse_central_url(counter.url), counter.account.password)
        connection.autocommit = True

        class Killed(Exception):
            pass

        with pytest.raises(Killed), connection.transaction():
            from desktop.sync.push import read_pending

            events = [event for _seq, event in read_pending(counter.store, 1000)]
            append_events(connection, events, "620104", check=False)
            raise Killed  # the process dies before COMMIT
        connection.close()
        assert _central_state(central) == before
        assert count_pending(counter.store) == len(counter.event_ids())
        counter.sync()
        with central.admin() as admin:
            assert sorted(central_event_ids(admin, "620104")) == sorted(counter.event_ids())
    finally:
        counter.close()


_PUSH_CHILD = """
import sys, time, random
from desktop.store.db import open_store
from desktop.sync.connection import connect, parse_central_url
from desktop.sync.push import push_pending
path, url, password, region = sys.argv[1:5]
store = open_store(path, node_id=sys.argv[5])
connection = connect(parse_central_url(url), password)
connection.autocommit = True
print("ready", flush=True)
push_pending(store, connection, region, batch_size=40,
             after_batch=lambda sent: time.sleep(random.random() * 0.02))
print("done", flush=True)
"""


def test_a_push_killed_at_random_points_and_repeated_gives_the_same_central_state(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620105")
    counter.record_demo(120, seed=4)
    expected_ids = sorted(counter.event_ids())
    counter.close()
    rng = random.Random(7)
    kills = 0
    for _attempt in range(4):
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _PUSH_CHILD,
                str(counter.path),
                counter.url,
                counter.account.password,
                "620105",
                counter.node_id,
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.02, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        kills += child.returncode == -signal.SIGKILL
    assert kills >= 1, "the child always finished before it could be killed"
    counter.reopen()
    try:
        counter.sync()
        with central.admin() as admin:
            assert sorted(central_event_ids(admin, "620105")) == expected_ids
            assert central_projections(admin, "620105") == counter.projections()
            assert assert_central_projections_are_folds(admin) > 0
        assert count_pending(counter.store) == 0
    finally:
        counter.close()


def test_concurrent_pushes_on_one_registration_keep_every_event_in_its_projection(
    central: CentralDatabase, tmp_path: Path
) -> None:
    first = SimCounter(central, tmp_path, "620111")
    second = SimCounter(central, tmp_path, "620111")
    try:
        _person_id, registration_id = first.record_person_and_application(1)
        first.sync()
        second.sync()
        for round_number in range(12):
            day = f"2025-07-{round_number + 1:02d}"
            first.record("registration", registration_id, "contact.recorded", {"contacted_on": day})
            second.record(
                "registration",
                registration_id,
                "service.recorded",
                {"served_on": day, "service": "职业指导"},
            )
            _push_at_once(first, second)
        with central.admin() as admin:
            assert assert_central_projections_are_folds(admin) > 0
            row = admin.execute(
                "SELECT last_contact_on FROM registration WHERE id = %s", [registration_id]
            ).fetchone()
            assert row is not None and row[0].isoformat() == "2025-07-12"
    finally:
        first.close()
        second.close()


def _push_at_once(*counters: SimCounter) -> None:
    """Sync the counters from threads released together."""
    barrier = threading.Barrier(len(counters))
    failures: list[BaseException] = []

    def push(counter: SimCounter) -> None:
        try:
            barrier.wait(5)
            counter.sync()
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=push, args=(counter,)) for counter in counters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures


def _wire(entity_type: str, entity_id: str, kind: str, payload: dict, hlc: str) -> WireEvent:
    return WireEvent(
        str(uuid.uuid4()),
        entity_type,
        entity_id,
        kind,
        json.dumps(payload, ensure_ascii=False),
        "platform",
        "online-platform",
        "2025-06-01T02:00:00+00:00",
        hlc,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", "not-a-uuid", "事件编号不是有效的 UUID"),
        ("hlc", "yesterday", "逻辑时钟值格式不正确"),
        ("kind", "Registration Applied", "事件类型不正确"),
        ("payload", "[1, 2]", "不是字段表"),
        ("payload", '{"name": "a\\u0000b"}', "无法保存的字符"),
        ("wall_time", "2025-06-01 10:00", "缺少时区"),
    ],
)
def test_rows_from_other_writers_are_checked_and_a_bad_one_stores_nothing(
    central: CentralDatabase, field: str, value: str, message: str
) -> None:
    person_id = str(uuid.uuid4())
    good = _wire("person", person_id, "person.recorded", {"name": "王五"}, "1750000000000.00000.p")
    bad = good._replace(id=str(uuid.uuid4()))._replace(**{field: value})
    with central.admin() as admin:
        count = admin.execute("SELECT count(*) FROM journal").fetchone()
        with pytest.raises(MalformedEventError, match=message), admin.transaction():
            append_events(admin, [good, bad], "620199")
        assert admin.execute("SELECT count(*) FROM journal").fetchone() == count


def test_delegation_is_the_latest_agency_named_in_hlc_order() -> None:
    def event(hlc: str, payload: dict) -> FoldEvent:
        return FoldEvent(hlc, "x.y", payload, hlc, dt.datetime(2025, 6, 1, tzinfo=dt.UTC), "c", "k")

    assert delegated_agency([event("2", {"note": 1})]) is None
    later_first = [event("3", {"delegated_agency": "B"}), event("1", {"delegated_agency": "A"})]
    assert delegated_agency(later_first) == "B"
    assert delegated_agency([*later_first, event("4", {"delegated_agency": None})]) is None
    assert delegated_agency([event("1", {"delegated_agency": " "})]) is None


def test_push_sends_in_batches_oldest_first(central: CentralDatabase, tmp_path: Path) -> None:
    counter = SimCounter(central, tmp_path, "620121")
    try:
        for index in range(7):
            counter.record_person_and_application(index)
        connection = connect(parse_central_url(counter.url), counter.account.password)
        connection.autocommit = True
        progress: list[int] = []
        result = push_pending(
            counter.store, connection, "620121", batch_size=4, after_batch=progress.append
        )
        connection.close()
        assert (result.sent, result.inserted, result.batches) == (14, 14, 4)
        assert progress == [4, 8, 12, 14]
        with central.admin() as admin:
            seqs = admin.execute(
                "SELECT id FROM journal WHERE scope_region = '620121' ORDER BY seq"
            ).fetchall()
        local_order = counter.event_ids()
        assert [row[0] for row in seqs] == local_order
    finally:
        counter.close()


def test_the_central_id_of_each_event_comes_back_on_the_next_pull(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620122")
    try:
        counter.record_person_and_application(1)
        counter.sync()
        with central.admin() as admin:
            central_seqs = dict(
                admin.execute(
                    "SELECT id, central_seq FROM journal WHERE scope_region = '620122'"
                ).fetchall()
            )
        with counter.store.session(write=False) as session:
            local = dict(
                session.connection().exec_driver_sql("SELECT id, central_seq FROM journal").all()
            )
        assert local == central_seqs
    finally:
        counter.close()


def test_text_with_backslashes_tabs_newlines_and_quotes_arrives_unchanged(
    central: CentralDatabase, tmp_path: Path
) -> None:
    # The push formats COPY's text format itself: each of these characters must be escaped.
    counter = SimCounter(central, tmp_path, "620112")
    other = SimCounter(central, tmp_path, "620112")
    person_id = str(uuid.uuid4())
    awkward = 'C:\\路径\\n\t制表符\n换行\r回车 "引号" \\N \\. 结尾\\'
    try:
        counter.record(
            "person",
            person_id,
            "person.recorded",
            {
                "doc_type": "01",
                "id_number": "620112198001011234",
                "name": "王\t五",
                "household_address": awkward,
                "note": {"nested": awkward, "list": [awkward, None, True, 1.5]},
            },
        )
        counter.sync()
        with central.admin() as admin:
            payload, address = admin.execute(
                "SELECT j.payload, p.household_address FROM journal j"
                " JOIN person p ON p.id = j.entity_id WHERE j.entity_id = %s",
                [person_id],
            ).fetchone()
        assert payload["household_address"] == awkward
        assert payload["note"] == {"nested": awkward, "list": [awkward, None, True, 1.5]}
        assert address == awkward.strip()
        other.sync()
        assert other.projections() == counter.projections()
        assert other.projections()[("person", person_id)]["name"] == "王\t五"
    finally:
        counter.close()
        other.close()


def test_a_batch_partly_on_the_central_already_adds_only_the_missing_events(
    central: CentralDatabase,
) -> None:
    # Its first event is new, so the push tries the all-new insert; a later one is there
    # already, which makes it fall back to keeping each event once.
    first_person, second_person = str(uuid.uuid4()), str(uuid.uuid4())
    recorded = _wire(
        "person",
        second_person,
        "person.recorded",
        {"doc_type": "01", "id_number": "620131198001010011", "name": "李四"},
        "1750000000001.00000.p",
    )
    with central.admin() as admin:
        with admin.transaction():
            append_events(admin, [recorded], "620131")
        new = _wire(
            "person",
            first_person,
            "person.recorded",
            {"doc_type": "01", "id_number": "620131198001010022", "name": "王五"},
            "1750000000002.00000.p",
        )
        updated = _wire(
            "person", second_person, "person.updated", {"name": "李四新"}, "1750000000003.00000.p"
        )
        with admin.transaction():
            result = append_events(admin, [new, recorded, updated], "620131")
        assert (result.received, result.inserted) == (3, 2)
        ids = central_event_ids(admin, "620131")
        assert sorted(ids) == sorted([new.id, recorded.id, updated.id])
        names = dict(
            admin.execute("SELECT id, name FROM person WHERE scope_region = '620131'").fetchall()
        )
        assert names == {first_person: "王五", second_person: "李四新"}
        assert assert_central_projections_are_folds(admin) > 0


def test_a_new_entity_whose_projection_row_is_there_already_gets_its_fold(
    central: CentralDatabase,
) -> None:
    # A person row without any event (written by hand on the central): the push's plain
    # INSERT of new entities meets it and falls back to the upsert, in the same transaction.
    person_id = str(uuid.uuid4())
    with central.admin() as admin:
        admin.execute(
            "INSERT INTO person (id, doc_type, id_number, name, created_hlc, last_hlc, extra,"
            " scope_region) VALUES (%s, '01', '620132198001010033', '旧名', '0', '0', '{}',"
            " '620132')",
            [person_id],
        )
        recorded = _wire(
            "person",
            person_id,
            "person.recorded",
            {"doc_type": "01", "id_number": "620132198001010033", "name": "赵六"},
            "1750000000004.00000.p",
        )
        with admin.transaction():
            result = append_events(admin, [recorded], "620132")
        assert result.inserted == 1
        row = admin.execute(
            "SELECT name, created_hlc FROM person WHERE id = %s", [person_id]
        ).fetchone()
        assert row == ("赵六", "1750000000004.00000.p")
        assert central_event_ids(admin, "620132") == [recorded.id]
