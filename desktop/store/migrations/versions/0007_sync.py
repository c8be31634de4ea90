"""Sync of the serving projections (0006) and more reference data, on the central database only.

Only on the province's central PostgreSQL, like 0003 (a counter's SQLite and a plain
PostgreSQL copy of the schema are left alone):
- aid_plan, welfare_post, false_info_mark get `scope_region`, row-level security (a counter:
  its county; a disability agency's role: none of them, as the journal shows it only the
  entities delegated to it, and these are not delegated) and the grants the push's re-fold
  needs;
- agency_delegation, xref_batch, xref_record and minimum_living_standard become reference
  data: counters may read them (never write), and a statement trigger bumps their version in
  dengji_central.reference_version so counters download them again when they change.

Revision ID: 0007
Revises: 0006
Create Date: 2025-07-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import context, op
from sqlalchemy import Connection, text

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CENTRAL_SCHEMA = "dengji_central"
# Projection table → the journal's entity type (desktop/store/projections_aid.py).
SCOPED_PROJECTIONS = {
    "aid_plan": "aid_plan",
    "welfare_post": "welfare_post",
    "false_info_mark": "false_info",
}
# Reference data flows down only (design.md "Sync"); 0003 made the first four.
MORE_REFERENCE_TABLES = (
    "agency_delegation",
    "xref_batch",
    "xref_record",
    "minimum_living_standard",
)
_MY_REGION = f"(SELECT {CENTRAL_SCHEMA}.my_region())"
_MY_AGENCY = f"(SELECT {CENTRAL_SCHEMA}.my_agency())"


def _is_central(bind: Connection) -> bool:
    if bind.dialect.name != "postgresql":
        return False
    asked = bool(context.config.attributes.get("dengji_central", False))
    made = bind.execute(text("SELECT to_regnamespace(:name)"), {"name": CENTRAL_SCHEMA}).scalar()
    return asked or made is not None


def _group(bind: Connection) -> str:
    group = bind.execute(
        text(f"SELECT value FROM {CENTRAL_SCHEMA}.setting WHERE key = 'counter_group'")
    ).scalar()
    assert group, "dengji_central.setting has no counter_group (migration 0003 not applied)"
    return str(group)


def _run(*statements: str) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    bind = op.get_bind()
    if not _is_central(bind):
        return
    group = _group(bind)
    for table, entity_type in SCOPED_PROJECTIONS.items():
        condition = f"scope_region = {_MY_REGION} AND {_MY_AGENCY} IS NULL"
        _run(
            f"ALTER TABLE {table} ADD COLUMN scope_region varchar(12)",
            # Rows 0006 folded from events already in the central journal: their events' county.
            f"""UPDATE {table} t SET scope_region = (
                SELECT j.scope_region FROM journal j
                WHERE j.entity_type = '{entity_type}' AND j.entity_id = t.id
                ORDER BY j.seq LIMIT 1)""",
            f"DELETE FROM {table} WHERE scope_region IS NULL",
            f"ALTER TABLE {table} ALTER COLUMN scope_region SET NOT NULL",
            f"CREATE INDEX ix_{table}_scope_region ON {table} (scope_region)",
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f'CREATE POLICY counter_scope ON {table} TO "{group}"'
            f" USING ({condition}) WITH CHECK ({condition})",
            f'GRANT SELECT, INSERT, UPDATE ON {table} TO "{group}"',
        )
    for table in MORE_REFERENCE_TABLES:
        _run(
            f'GRANT SELECT ON {table} TO "{group}"',
            f"""CREATE TRIGGER {table}_reference_version
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {CENTRAL_SCHEMA}.bump_reference_version()""",
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    exists = bind.execute(text("SELECT to_regnamespace(:name)"), {"name": CENTRAL_SCHEMA})
    if exists.scalar() is None:
        return
    group = _group(bind)
    for table in MORE_REFERENCE_TABLES:
        _run(
            f"DROP TRIGGER IF EXISTS {table}_reference_version ON {table}",
            f'REVOKE ALL ON {table} FROM "{group}"',
            f"DELETE FROM {CENTRAL_SCHEMA}.reference_version WHERE table_name = '{table}'",
        )
    for table in SCOPED_PROJECTIONS:
        _run(
            f'REVOKE ALL ON {table} FROM "{group}"',
            f"DROP POLICY IF EXISTS counter_scope ON {table}",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
            f"DROP INDEX IF EXISTS ix_{table}_scope_region",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS scope_region",
        )
