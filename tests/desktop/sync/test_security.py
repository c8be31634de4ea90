"""Security with real logins: each counter's own role, RLS by region, append-only, agencies.

Every counter here logs in over TCP with the SCRAM password `add-counter` made for it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg import errors

from desktop.sync.connection import connect, parse_central_url
from desktop.sync.errors import CentralUnreachableError
from tests.desktop.sync.conftest import CentralDatabase, create_central, drop_central
from tests.desktop.sync.counters import SimCounter

pytestmark = pytest.mark.needs_postgres
HOME, OTHER = "620502", "620503"
AGENCY = "残联就业服务中心-620502"


@pytest.fixture(scope="module")
def world(
    tcp_central: CentralDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """Two counters in two counties and an agency in the first, each with some work synced."""
    directory = tmp_path_factory.mktemp("security")
    home = SimCounter(tcp_central, directory, HOME)
    other = SimCounter(tcp_central, directory, OTHER)
    agency = SimCounter(tcp_central, directory, HOME, agency="cdpf-620502")
    try:
        home_ids = [home.record_person_and_application(index) for index in range(3)]
        delegated = home.record_person_and_application(10, delegated_agency="cdpf-620502")
        other.record_person_and_application(20)
        home.sync()
        other.sync()
        yield {
            "home": home,
            "other": other,
            "agency": agency,
            "home_ids": home_ids,
            "delegated": delegated,
        }
    finally:
        for counter in (home, other, agency):
            counter.close()


def _login(counter: SimCounter) -> Any:
    connection = connect(parse_central_url(counter.url), counter.account.password)
    connection.autocommit = True
    return connection


def _row(region: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "entity_id": str(uuid.uuid4()),
        "payload": json.dumps({"name": "越权"}, ensure_ascii=False),
        "region": region,
    }


_INSERT = (
    "INSERT INTO journal (id, entity_type, entity_id, kind, payload, clerk_id, counter_id,"
    " wall_time, hlc, scope_region) VALUES (%(id)s, 'person', %(entity_id)s, 'person.updated',"
    " %(payload)s, 'c', 'k', now(), '1750000000000.00000.x', %(region)s)"
)


def test_each_counter_logs_in_with_its_own_role_and_password(world: dict[str, Any]) -> None:
    home: SimCounter = world["home"]
    with _login(home) as connection:
        row = connection.execute("SELECT session_user, dengji_central.my_region()").fetchone()
    assert row == (home.account.role_name, HOME)
    wrong = parse_central_url(home.url)
    with pytest.raises(CentralUnreachableError, match="用户名或密码错误"):
        connect(wrong, "not-the-password")
    with pytest.raises(CentralUnreachableError, match="用户名或密码错误"):
        connect(wrong.with_user(world["other"].account.role_name), home.account.password)


def test_a_counter_reads_only_its_own_regions_rows(world: dict[str, Any]) -> None:
    home: SimCounter = world["home"]
    other: SimCounter = world["other"]
    for counter, region in ((home, HOME), (other, OTHER)):
        with _login(counter) as connection:
            for table in ("journal", "person", "registration"):
                regions = connection.execute(
                    f"SELECT DISTINCT scope_region FROM {table}"
                ).fetchall()
                assert regions == [(region,)], table
    # And so its pull brings nothing of the other county.
    other.sync()
    with other.store.session(write=False) as session:
        counters = set(
            session.connection()
            .exec_driver_sql("SELECT DISTINCT counter_id FROM journal")
            .scalars()
        )
    assert counters == {other.account.counter_id}


def test_a_counter_cannot_write_another_regions_rows(world: dict[str, Any]) -> None:
    other: SimCounter = world["other"]
    home_person_id, home_registration_id = world["home_ids"][0]
    with _login(other) as connection:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            connection.execute(_INSERT, _row(HOME))
        # The other county's projections are invisible, so updates touch nothing…
        updated = connection.execute(
            "UPDATE registration SET status = 'deregistered' WHERE id = %s",
            [home_registration_id],
        )
        assert updated.rowcount == 0
        # …and an upsert onto one of its rows is refused.
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute(
                "INSERT INTO person (id, doc_type, id_number, name, created_hlc, last_hlc,"
                " extra, scope_region) VALUES (%s, '01', 'x', '冒名', 'h', 'h', '{}', %s)"
                " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
                [home_person_id, OTHER],
            )
    with world["home"].central.admin() as admin:
        row = admin.execute(
            "SELECT status FROM registration WHERE id = %s", [home_registration_id]
        ).fetchone()
    assert row == ("applied",)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal SET payload = '{}'",
        "UPDATE journal SET scope_region = '620503'",
        "DELETE FROM journal",
        "TRUNCATE journal",
    ],
)
def test_a_counter_cannot_alter_or_delete_journal_rows(
    world: dict[str, Any], statement: str
) -> None:
    with _login(world["home"]) as connection:
        before = connection.execute("SELECT count(*), max(seq) FROM journal").fetchone()
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute(statement)
        after = connection.execute("SELECT count(*), max(seq) FROM journal").fetchone()
    assert before == after
    assert before is not None and before[0] > 0


@pytest.mark.parametrize(("column", "value"), [("txid", "1"), ("seq", "1"), ("pushed", "true")])
def test_a_counter_cannot_choose_the_centrals_own_journal_columns(
    world: dict[str, Any], column: str, value: str
) -> None:
    statement = (
        f"INSERT INTO journal (id, entity_type, entity_id, kind, payload, clerk_id, counter_id,"
        f" wall_time, hlc, scope_region, {column}) VALUES (%(id)s, 'person', %(entity_id)s,"
        f" 'person.updated', %(payload)s, 'c', 'k', now(), '1.0.x', %(region)s, {value})"
    )
    with _login(world["home"]) as connection, pytest.raises(errors.InsufficientPrivilege):
        connection.execute(statement, _row(HOME))


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO holiday (date, kind, name) VALUES ('2025-01-02', 'holiday', '假')",
        "UPDATE policy_item SET content = '改'",
        "DELETE FROM agency_item",
        "UPDATE agency_delegation SET revoked = false",
        "DELETE FROM xref_record",
        "UPDATE xref_batch SET row_count = 0",
        "DELETE FROM minimum_living_standard",
        "DELETE FROM aid_plan",
        "DELETE FROM welfare_post",
        "UPDATE dengji_central.reference_version SET version = 0",
        "INSERT INTO dengji_central.delegation VALUES ('registration', 'x', 'a', '620502', 1)",
        "SELECT * FROM dengji_central.counter_account",
        "SELECT * FROM dengji_central.setting",
        "CREATE TABLE public.mine (x int)",
    ],
)
def test_a_counter_cannot_change_reference_data_or_the_centrals_own_tables(
    world: dict[str, Any], statement: str
) -> None:
    with _login(world["home"]) as connection, pytest.raises(errors.InsufficientPrivilege):
        connection.execute(statement)


def test_a_counter_cannot_take_another_role(world: dict[str, Any]) -> None:
    with _login(world["home"]) as connection, pytest.raises(errors.InsufficientPrivilege):
        connection.execute(f'SET ROLE "{world["other"].account.role_name}"')


def test_an_agency_sees_only_the_registrations_delegated_to_it(world: dict[str, Any]) -> None:
    agency: SimCounter = world["agency"]
    person_id, registration_id = world["delegated"]
    with _login(agency) as connection:
        registrations = connection.execute("SELECT id FROM registration").fetchall()
        persons = connection.execute("SELECT id FROM person").fetchall()
        entities = connection.execute("SELECT DISTINCT entity_id FROM journal").fetchall()
    assert registrations == [(registration_id,)]
    assert persons == [(person_id,)]
    assert sorted(entities) == sorted([(person_id,), (registration_id,)])
    agency.sync()
    projections = agency.projections()
    assert set(projections) == {("person", person_id), ("registration", registration_id)}


def test_a_registration_delegated_later_brings_its_whole_history_to_the_agency(
    world: dict[str, Any],
) -> None:
    home: SimCounter = world["home"]
    agency: SimCounter = world["agency"]
    agency.sync()
    person_id, registration_id = world["home_ids"][1]
    home.record("registration", registration_id, "contact.recorded", {"contacted_on": "2025-06-05"})
    home.sync()
    agency.sync()
    assert ("registration", registration_id) not in agency.projections()
    # Delegated now: the earlier events lie behind the agency's cursor, yet arrive.
    home.record(
        "registration",
        registration_id,
        "registration.delegated",
        {"delegated_agency": "cdpf-620502"},
    )
    home.sync()
    agency.sync()
    projections = agency.projections()
    assert ("person", person_id) in projections
    assert (
        projections[("registration", registration_id)]
        == home.projections()[("registration", registration_id)]
    )
    # The agency may record its service on it, and the counter gets it back.
    agency.record(
        "registration",
        registration_id,
        "service.recorded",
        {"served_on": "2025-06-10", "service": "残疾人职业康复"},
    )
    agency.sync()
    home.sync()
    assert home.projections()[("registration", registration_id)]["last_contact_on"].isoformat() == (
        "2025-06-10"
    )
    # But not on a registration that is not delegated to it.
    other_registration = world["home_ids"][2][1]
    agency.record(
        "registration", other_registration, "service.recorded", {"served_on": "2025-06-11"}
    )
    with pytest.raises(Exception, match="权限不足"):
        agency.sync()


def test_a_role_of_one_central_database_cannot_connect_to_another(
    world: dict[str, Any], tcp_server: Any
) -> None:
    home: SimCounter = world["home"]
    training = create_central(tcp_server.admin_url(), "training")
    try:
        address = parse_central_url(tcp_server.tcp_url(training.name, home.account.role_name))
        with pytest.raises(CentralUnreachableError, match="无权连接"):
            connect(address, home.account.password)
    finally:
        drop_central(training)


def test_counter_roles_have_server_side_time_limits(world: dict[str, Any]) -> None:
    with _login(world["home"]) as connection:
        idle = connection.execute("SHOW idle_in_transaction_session_timeout").fetchone()
    assert idle == ("1min",)
