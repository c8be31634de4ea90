"""Tests that the hand-written migrations match the models and the start-up constants."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from desktop.store.db import HEAD_REVISION, KNOWN_REVISIONS, alembic_config, open_store
from desktop.store.models import Base


def test_start_up_constants_match_the_migration_scripts() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [HEAD_REVISION]
    assert set(KNOWN_REVISIONS) == {script.revision for script in scripts.walk_revisions()}


def test_migrated_sqlite_schema_has_no_drift_from_the_models(tmp_path: Path) -> None:
    path = tmp_path / "dengji.db"
    open_store(path).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            config = alembic_config(connection)
            command.check(config)  # what `alembic check` runs; raises on any difference
    finally:
        engine.dispose()


def test_drift_is_detected(tmp_path: Path) -> None:
    """The comparison above is not vacuous: a model change without migration shows up."""
    from sqlalchemy import Column, MetaData, String, Table

    path = tmp_path / "dengji.db"
    open_store(path).close()
    changed = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(changed)
    Table("person", changed, Column("nickname", String(20)), extend_existing=True)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            diffs = compare_metadata(context, changed)
    finally:
        engine.dispose()
    assert [diff[0] for diff in diffs] == ["add_column"]


def test_append_only_triggers_exist_and_downgrade_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "dengji.db"
    open_store(path).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            ).scalars()
            # journal_chain (0005) fills in the hash chain; the other two keep it append-only;
            # 0011's four keep registration's copies of person fields.
            assert list(triggers) == [
                "journal_chain",
                "journal_no_delete",
                "journal_no_update",
                "person_fields_insert",
                "person_fields_update",
                "registration_person_fields_insert",
                "registration_person_fields_person_id",
            ]
            command.downgrade(alembic_config(connection), "base")
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
            command.upgrade(alembic_config(connection), "head")
            assert "journal" in inspect(connection).get_table_names()
    finally:
        engine.dispose()


@pytest.mark.parametrize("table", sorted(Base.metadata.tables))
def test_every_table_is_created_by_the_migration(tmp_path: Path, table: str) -> None:
    path = tmp_path / "dengji.db"
    open_store(path).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        assert table in inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.mark.needs_postgres
def test_migrations_on_postgresql(postgres_url: str) -> None:
    """The central database runs the same migrations (design.md "Sync")."""
    import datetime as dt

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(postgres_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO journal (id, entity_type, entity_id, kind, payload, clerk_id,"
                    " counter_id, wall_time, hlc) VALUES ('e1', 'person', 'p1',"
                    " 'person.updated', '{\"姓名\": \"张三\"}', 'c', 'k', :now, '1.0.a')"
                ),
                {"now": dt.datetime.now(dt.UTC)},
            )
            connection.execute(text("UPDATE journal SET pushed = true, central_seq = 1"))
        for statement in (
            "UPDATE journal SET payload = '{}'",
            "DELETE FROM journal",
            "TRUNCATE journal",
        ):
            with pytest.raises(DBAPIError, match="只能追加"), engine.begin() as connection:
                connection.execute(text(statement))
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()
