"""Regions and code tables (migration 0010) flow down from the central into the domain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from psycopg import errors

from desktop.domain import codes, regions
from desktop.domain.codes import code_table
from desktop.domain.regions import region_name
from desktop.store.models import SyncState
from desktop.sync.central import init_central
from desktop.sync.connection import connect, parse_central_url
from desktop.sync.pull import SYNC_TARGET
from desktop.sync.reference import reference_folder, use_reference_overrides
from desktop.sync.worker import _database_error
from tests.desktop.sync.conftest import CentralDatabase
from tests.desktop.sync.counters import SimCounter

pytestmark = pytest.mark.needs_postgres


def _login(counter: SimCounter) -> Any:
    connection = connect(parse_central_url(counter.url), counter.account.password)
    connection.autocommit = True
    return connection


def _problems(counter: SimCounter) -> dict[str, str]:
    with counter.store.session(write=False) as session:
        state = session.get(SyncState, SYNC_TARGET)
        assert state is not None
        return dict((state.extra or {}).get("reference_problems", {}))


def test_init_seeds_regions_and_every_code_table_from_the_shipped_files(
    central: CentralDatabase,
) -> None:
    with central.admin() as admin:
        regions_count = admin.execute("SELECT count(*) FROM region").fetchone()
        tables = {
            name: count
            for name, count in admin.execute(
                "SELECT code_table, count(*) FROM code_item GROUP BY code_table"
            )
        }
        versions = dict(
            admin.execute(
                "SELECT table_name, version FROM dengji_central.reference_version"
                " WHERE table_name IN ('region', 'code_item')"
            ).fetchall()
        )
    assert regions_count == (len(regions.parse_region_rows(regions.bundled_regions_text())),)
    assert tables == {name: len(code_table(name)) for name in codes.TABLE_NAMES}
    assert set(versions) == {"region", "code_item"}


def test_a_fresh_counter_writes_nothing_while_the_central_holds_the_shipped_tables(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620401")
    try:
        report = counter.sync()
        assert "region" not in report.reference_tables
        assert "code_item" not in report.reference_tables
        assert not reference_folder(counter.path).exists()
    finally:
        counter.close()


def test_a_province_change_reaches_the_counters_code_table_and_region_lookup(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620102")
    try:
        counter.sync()
        assert "14" not in code_table("difficulty_category")
        with central.admin() as admin:
            admin.execute(
                "INSERT INTO code_item (code_table, code, label, extra, sort_order) VALUES"
                " ('difficulty_category', '14', '甘肃省认定的其他就业困难人员', %s, 14)",
                [json.dumps({"lemis_code": "", "note": "省人社厅确定"}, ensure_ascii=False)],
            )
            admin.execute(
                "UPDATE code_item SET active = false"
                " WHERE code_table = 'difficulty_category' AND code = '09'"
            )
            admin.execute(
                "UPDATE region SET name = '城关新区'"
                " WHERE code = '620102' AND valid_to_year IS NULL"
            )
        report = counter.sync()
        assert {"region", "code_item"} <= set(report.reference_tables)
        table = code_table("difficulty_category")
        assert table.label("14") == "甘肃省认定的其他就业困难人员"
        assert table.get("14") is not None and table.get("14").extra["note"] == "省人社厅确定"
        # Retired: no longer offered or accepted, still readable on old records.
        assert "09" not in table and "09" not in {item.code for item in table}
        assert table.label("09") == "刑满释放人员"
        assert region_name("620102") == "甘肃省兰州市城关新区"
        assert (reference_folder(counter.path) / "regions.csv").is_file()
        # Only the changed code table got a file; the others stay the shipped ones.
        written = {path.name for path in reference_folder(counter.path).iterdir()}
        assert written == {"regions.csv", "difficulty_category.csv"}
        assert counter.sync().reference_tables == ()  # versions recorded: not again
        # At the next start (no sync yet), the downloaded tables are the ones in force.
        use_reference_overrides(None)
        assert region_name("620102") == "甘肃省兰州市城关区"
        from desktop.sync.worker import SyncWorker

        SyncWorker.from_config(counter.store, counter.config, credentials=None)
        assert region_name("620102") == "甘肃省兰州市城关新区"
    finally:
        counter.close()
        with central.admin() as admin:
            admin.execute(
                "DELETE FROM code_item WHERE code_table = 'difficulty_category' AND code = '14'"
            )
            admin.execute("UPDATE code_item SET active = true WHERE code = '09'")
            admin.execute(
                "UPDATE region SET name = '城关区' WHERE code = '620102' AND valid_to_year IS NULL"
            )


def test_a_table_the_domain_would_refuse_is_not_written_and_the_counter_keeps_its_own(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620402")
    try:
        counter.sync()
        with central.admin() as admin:
            # A child whose parent code does not exist: codes.py would refuse the whole table.
            admin.execute(
                "INSERT INTO code_item (code_table, code, label, parent_code, sort_order)"
                " VALUES ('education', '99', '其他', '98', 99)"
            )
        report = counter.sync()
        assert "code_item" not in report.reference_tables
        problem = _problems(counter)["code_item"]
        assert problem.startswith("中心下发的参考数据有误，未采用")
        assert "上级“98”不存在" in problem
        assert "99" not in code_table("education")
        with central.admin() as admin:
            admin.execute(
                "UPDATE code_item SET parent_code = NULL WHERE code_table = 'education'"
                " AND code = '99'"
            )
        assert "code_item" in counter.sync().reference_tables  # downloaded again, now good
        assert code_table("education").label("99") == "其他"
        assert "code_item" not in _problems(counter)
    finally:
        counter.close()
        with central.admin() as admin:
            admin.execute("DELETE FROM code_item WHERE code_table = 'education' AND code = '99'")


def test_init_run_again_keeps_the_provinces_edits(central: CentralDatabase) -> None:
    with central.admin() as admin:
        admin.execute(
            "UPDATE code_item SET label = '大龄失业人员（省定）'"
            " WHERE code_table = 'difficulty_category' AND code = '01'"
        )
    try:
        init_central(central.admin_url)
        with central.admin() as admin:
            label = admin.execute(
                "SELECT label FROM code_item WHERE code_table = 'difficulty_category'"
                " AND code = '01'"
            ).fetchone()
            count = admin.execute(
                "SELECT count(*) FROM code_item WHERE code = '01'"
                " AND code_table = 'difficulty_category'"
            ).fetchone()
        assert label == ("大龄失业人员（省定）",) and count == (1,)
    finally:
        with central.admin() as admin:
            admin.execute(
                "UPDATE code_item SET label = '大龄失业人员'"
                " WHERE code_table = 'difficulty_category' AND code = '01'"
            )


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO code_item (code_table, code, label)"
        " VALUES ('difficulty_category', '15', '自')",
        "UPDATE region SET name = '改' WHERE code = '620102'",
        "DELETE FROM code_item",
        "TRUNCATE region",
        "UPDATE dengji_central.staff_account SET active = true",
        "INSERT INTO dengji_central.staff_account (username, display_name, password_hash, roles,"
        " region_code) VALUES ('x', 'x', '$argon2id$x', '[\"admin\"]', '620403')",
    ],
)
def test_a_counter_cannot_write_regions_code_tables_or_accounts(
    central: CentralDatabase, tmp_path: Path, statement: str
) -> None:
    counter = SimCounter(central, tmp_path, "620403")
    try:
        with _login(counter) as connection, pytest.raises(errors.InsufficientPrivilege) as caught:
            connection.execute(statement)
        refusal = _database_error(caught.value, counter.worker.where)
        assert refusal.message == (
            "中心数据库拒绝了本窗口的操作（权限不足或超出本窗口的地区范围），请联系管理员"
        )
    finally:
        counter.close()
