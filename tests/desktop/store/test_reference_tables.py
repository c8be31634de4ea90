"""The reference-list tables of migration 0002: created on a counter's existing database,
dropped again on downgrade, and typed as the models say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, select

from desktop.store.db import HEAD_REVISION, alembic_config, open_store
from desktop.store.models import AgencyItem, PolicyItem, ServiceItem

REFERENCE_TABLES = {"policy_item", "service_item", "agency_item"}


def test_a_database_at_0001_is_upgraded_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0001")
            assert not REFERENCE_TABLES & set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    with open_store(path) as store, store.session(write=False) as session:
        tables = set(inspect(session.connection()).get_table_names())
        assert tables >= REFERENCE_TABLES | {"journal", "person"}
        version = session.connection().exec_driver_sql("SELECT version_num FROM alembic_version")
        assert version.scalar() == HEAD_REVISION


def test_downgrade_to_0001_drops_only_the_reference_tables(tmp_path: Path) -> None:
    path = tmp_path / "dengji.sqlite3"
    open_store(path).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0001")
            tables = set(inspect(connection).get_table_names())
            assert not REFERENCE_TABLES & tables
            assert {"journal", "person", "registration"} <= tables
    finally:
        engine.dispose()


def test_agency_rows_are_indexed_by_region(tmp_path: Path) -> None:
    with open_store(tmp_path / "dengji.sqlite3") as store, store.session(write=False) as session:
        indexes = inspect(session.connection()).get_indexes("agency_item")
    assert [index["column_names"] for index in indexes] == [["region_code"]]


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (
            PolicyItem,
            {
                "name": "失业保险金",
                "beneficiaries": "失业人员",
                "content": "按月发放",
                "conditions": "缴费满1年",
                "accepting_agency": "参保地经办机构",
            },
        ),
        (ServiceItem, {"item": "职业指导", "audience": "登记失业人员", "content": "免费"}),
        (
            AgencyItem,
            {
                "region_code": "620102",
                "name": "城关区公共就业服务机构",
                "address": "以当地公布为准",
                "phone": "12333",
                "services": "失业登记",
            },
        ),
    ],
)
def test_rows_round_trip_with_a_utc_time_and_an_active_flag(
    tmp_path: Path, model: type, values: dict[str, str]
) -> None:
    changed_at = dt.datetime(2025, 6, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with open_store(tmp_path / "dengji.sqlite3") as store:
        with store.session() as session:
            session.add(
                model(
                    id="0b4c8a52-9f7e-4a41-9d33-7a4b8c2f1e00",
                    sort_order=10,
                    active=False,
                    updated_at=changed_at,
                    updated_by="clerk01",
                    **values,
                )
            )
        with store.session(write=False) as session:
            row = session.scalars(select(model)).one()
    assert {name: getattr(row, name) for name in values} == values
    assert row.active is False and row.sort_order == 10
    assert row.updated_at == changed_at and row.updated_at.tzinfo is dt.UTC
