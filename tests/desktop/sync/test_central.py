"""Central administration: init (again), counter accounts, the counter's configuration file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from desktop.config import load_config
from desktop.store.db import HEAD_REVISION
from desktop.sync.central import (
    CounterAccount,
    add_counter,
    init_central,
    scram_sha256_verifier,
    write_counter_config,
)
from desktop.sync.connection import parse_central_url
from desktop.sync.errors import CentralConfigError
from tests.desktop.sync.conftest import CentralDatabase

pytestmark = pytest.mark.needs_postgres


def test_init_can_run_again_and_reports_what_it_set_up(central: CentralDatabase) -> None:
    info = init_central(central.admin_url)
    assert info.revision == HEAD_REVISION
    assert info.counter_group.endswith("_counters")
    with central.admin() as admin:
        version = admin.execute("SELECT version_num FROM alembic_version").fetchone()
        rls = admin.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity ORDER BY relname"
        ).fetchall()
    assert version == (HEAD_REVISION,)
    assert [row[0] for row in rls] == [
        "aid_plan",
        "delegation",
        "false_info_mark",
        "journal",
        "person",
        "registration",
        "staff_account",  # 0010: a counter reads only its county's staff
        "welfare_post",
    ]


def test_counters_get_the_next_number_of_their_region(central: CentralDatabase) -> None:
    first = central.add_counter("620601", name="甲窗口")
    second = central.add_counter("620601", name="乙窗口")
    elsewhere = central.add_counter("620602", name="丙窗口", agency="cdpf-1")
    assert (first.counter_id, first.counter_number) == ("620601-001", 1)
    assert (second.counter_id, second.counter_number) == ("620601-002", 2)
    assert (elsewhere.counter_id, elsewhere.agency_id) == ("620602-001", "cdpf-1")
    assert len({first.role_name, second.role_name, elsewhere.role_name}) == 3
    assert first.password != second.password
    url = parse_central_url(first.url)
    assert url.user == first.role_name and url.password is None
    with central.admin() as admin:
        stored = admin.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", [first.role_name]
        ).fetchone()
    assert stored is not None and stored[0].startswith("SCRAM-SHA-256$4096:")
    assert first.password not in stored[0]


@pytest.mark.parametrize(
    ("region", "name", "agency", "message"),
    [
        ("6201", "窗口", None, "6位数字"),
        ("620102", " ", None, "窗口名称不能为空"),
        ("620102", "窗口", "残联 一", "机构编号只能包含"),
    ],
)
def test_bad_counter_details_are_refused_before_anything_is_made(
    central: CentralDatabase, region: str, name: str, agency: str | None, message: str
) -> None:
    with pytest.raises(CentralConfigError, match=message):
        add_counter(central.admin_url, region_code=region, name=name, agency_id=agency)


def test_add_counter_on_a_database_never_initialised_says_so(postgres_url: str) -> None:
    import psycopg

    from tests.desktop.sync.conftest import _admin_parts

    user, host, port = _admin_parts(postgres_url)
    with psycopg.connect(dbname="postgres", user=user, host=host, port=port, autocommit=True) as c:
        c.execute('DROP DATABASE IF EXISTS "sync_not_initialised"')
        c.execute('CREATE DATABASE "sync_not_initialised"')
    try:
        url = f"postgresql://{user}@/sync_not_initialised?host={host}&port={port}"
        with pytest.raises(CentralConfigError, match="尚未初始化"):
            add_counter(url, region_code="620102", name="窗口")
    finally:
        with psycopg.connect(
            dbname="postgres", user=user, host=host, port=port, autocommit=True
        ) as c:
            c.execute('DROP DATABASE "sync_not_initialised" WITH (FORCE)')


def test_the_verifier_has_postgresqls_scram_layout() -> None:
    verifier = scram_sha256_verifier("secret", iterations=4096)
    method, rest = verifier.split("$", 1)
    params, keys = rest.split("$")
    assert method == "SCRAM-SHA-256"
    assert params.startswith("4096:")
    assert len(keys.split(":")) == 2
    assert scram_sha256_verifier("secret") != verifier  # a new salt each time


def _account(**changes: object) -> CounterAccount:
    values: dict[str, object] = {
        "counter_id": "620102-003",
        "counter_number": 3,
        "region_code": "620102",
        "agency_id": None,
        "name": "城关区3号窗口",
        "role_name": "dengji_x_620102_003",
        "password": "never-written",
        "url": "postgresql://dengji_x_620102_003@10.0.0.2:5432/dengji?sslmode=require",
    }
    values.update(changes)
    return CounterAccount(**values)  # type: ignore[arg-type]


def test_the_counter_configuration_is_written_without_the_password(tmp_path: Path) -> None:
    path = tmp_path / "dengji.toml"
    write_counter_config(path, _account(), database_path=tmp_path / "c3.sqlite3")
    text = path.read_text(encoding="utf-8")
    assert "never-written" not in text
    config = load_config(path)
    assert (config.counter_id, config.counter_number, config.region_code) == (
        "620102-003",
        3,
        "620102",
    )
    assert config.central_url == _account().url
    assert config.database_path == tmp_path / "c3.sqlite3"
    assert config.demo is False


def test_an_existing_configuration_keeps_its_other_keys_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "dengji.toml"
    path.write_text(
        '# 本机读卡器\nreader_poll_interval_ms = 500\n\n[[readers]]\ndriver = "mps"\n'
        'port = "/dev/ttyUSB0"\n\n[counter]\nid = "old"\nagency = "gone"\n',
        encoding="utf-8",
    )
    write_counter_config(path, _account(agency_id=None))
    text = path.read_text(encoding="utf-8")
    assert "# 本机读卡器" in text
    raw = tomllib.loads(text)
    assert raw["readers"] == [{"driver": "mps", "port": "/dev/ttyUSB0"}]
    assert raw["counter"]["id"] == "620102-003"
    assert "agency" not in raw["counter"]


def test_the_central_structures_downgrade_and_upgrade_again(postgres_url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from desktop.store.db import alembic_config
    from desktop.sync.connection import connect_parameters
    from tests.desktop.sync.conftest import create_central

    made = create_central(postgres_url, "downgrade")
    account = made.add_counter("620603")
    engine = create_engine(
        "postgresql+psycopg://",
        connect_args=connect_parameters(parse_central_url(made.admin_url), None),
    )
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0002")
        with made.admin() as admin:
            assert admin.execute("SELECT to_regnamespace('dengji_central')").fetchone() == (None,)
            roles = admin.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = %s", [account.role_name]
            ).fetchall()
            assert roles == []
            columns = {
                row[0]
                for row in admin.execute(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_name = 'journal'"
                )
            }
            assert {"scope_region", "txid"}.isdisjoint(columns) and "central_seq" in columns
        # A plain upgrade (no "central" flag) now leaves the shared schema alone…
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
        with made.admin() as admin:
            assert admin.execute("SELECT to_regnamespace('dengji_central')").fetchone() == (None,)
    finally:
        engine.dispose()
    # …and `central init` refuses it rather than leave it half central.
    with pytest.raises(CentralConfigError, match="已按普通结构建立"):
        init_central(made.admin_url)
    _drop_plain_database(made)  # no central tables left for drop_central to read


def _drop_plain_database(made: CentralDatabase) -> None:
    import psycopg

    from tests.desktop.sync.conftest import _admin_parts

    user, host, port = _admin_parts(made.admin_url)
    with psycopg.connect(dbname="postgres", user=user, host=host, port=port, autocommit=True) as c:
        c.execute(f'DROP DATABASE "{made.name}" WITH (FORCE)')
