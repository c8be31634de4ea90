"""Regions, code tables and staff accounts as central reference data; accounts' origin locally.

Every database: `account.origin` says whether an account was made at this counter ("local") or
provisioned on the central database and downloaded by the sync ("central"): a central account
is changed only centrally (docs/security.md "Centrally managed accounts").

On the province's central PostgreSQL only (like 0003 and 0007; a counter's SQLite and a plain
PostgreSQL copy of the schema are left alone):
- region: the GB/T 2260 division table of desktop/domain/data/regions.csv, one row per code
  and name (a renamed county keeps its old name for the years it had it);
- code_item: every code table of desktop/domain/codes.py (difficulty categories,
  deregistration reasons, unemployment causes, …), one row per code;
- dengji_central.staff_account: staff accounts provisioned for a county (or for a disability
  agency of it) by `dengji central add-account`, with their Argon2id hash;
- counters may read them (never write); region and code_item whole, staff_account only the
  rows of their own county and agency (row-level security); a statement trigger bumps each
  table's version in dengji_central.reference_version so counters download it again.
`dengji central init` seeds region and code_item from the bundled CSVs when they are empty.

Revision ID: 0010
Revises: 0009
Create Date: 2025-08-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy import Connection, text

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CENTRAL_SCHEMA = "dengji_central"
# Reference data flows down only (design.md "Sync"); 0003 and 0007 made the others.
# Qualified name → the name the version trigger records (TG_TABLE_NAME).
REFERENCE_TABLES_0010 = {
    "region": "region",
    "code_item": "code_item",
    f"{CENTRAL_SCHEMA}.staff_account": "staff_account",
}
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


def _central_tables() -> None:
    _run(
        # regions.csv: code,name,level,parent,valid_from_year,valid_to_year,note
        """CREATE TABLE region (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            code varchar(6) NOT NULL CHECK (code ~ '^[0-9]{6}$'),
            name text NOT NULL CHECK (btrim(name) <> ''),
            level varchar(16) NOT NULL
                CHECK (level IN ('province', 'prefecture', 'county', 'functional_area')),
            parent_code varchar(6) CHECK (parent_code ~ '^[0-9]{6}$'),
            valid_from_year integer,
            valid_to_year integer,
            note text NOT NULL DEFAULT '',
            CHECK (valid_to_year IS NULL OR valid_from_year IS NULL
                   OR valid_from_year <= valid_to_year),
            UNIQUE NULLS NOT DISTINCT (code, valid_from_year))""",
        # One row per code of a code table (codes.TABLE_NAMES); extra = the CSV's other columns.
        """CREATE TABLE code_item (
            code_table varchar(64) NOT NULL,
            code varchar(32) NOT NULL CHECK (btrim(code) <> ''),
            label text NOT NULL CHECK (btrim(label) <> ''),
            parent_code varchar(32),
            extra jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(extra) = 'object'),
            sort_order integer NOT NULL DEFAULT 0,
            active boolean NOT NULL DEFAULT true,
            PRIMARY KEY (code_table, code))""",
        f"""CREATE TABLE {CENTRAL_SCHEMA}.staff_account (
            id varchar(36) PRIMARY KEY DEFAULT gen_random_uuid()::text,
            username varchar(64) NOT NULL UNIQUE,
            display_name varchar(100) NOT NULL,
            password_hash varchar(256) NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
            roles jsonb NOT NULL CHECK (jsonb_typeof(roles) = 'array'),
            region_code varchar(12) NOT NULL CHECK (region_code ~ '^[0-9]{{6}}$'),
            agency_id varchar(64),
            active boolean NOT NULL DEFAULT true,
            password_changed_at timestamptz NOT NULL DEFAULT now(),
            created_at timestamptz NOT NULL DEFAULT now(),
            created_by text NOT NULL DEFAULT session_user,
            changed_at timestamptz NOT NULL DEFAULT now())""",
        f"CREATE INDEX ix_staff_account_scope ON {CENTRAL_SCHEMA}.staff_account"
        " (region_code, agency_id)",
    )


def _grants_policies_triggers(group: str) -> None:
    for qualified in REFERENCE_TABLES_0010:
        _run(
            f'GRANT SELECT ON {qualified} TO "{group}"',
            f"""CREATE TRIGGER {REFERENCE_TABLES_0010[qualified]}_reference_version
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {qualified}
            FOR EACH STATEMENT EXECUTE FUNCTION {CENTRAL_SCHEMA}.bump_reference_version()""",
        )
    # A counter gets the hashes of its own county's staff only, and an agency's role only its
    # agency's staff: a stolen counter disk exposes as few hashes as the work there needs.
    condition = f"region_code = {_MY_REGION} AND agency_id IS NOT DISTINCT FROM {_MY_AGENCY}"
    _run(
        f"ALTER TABLE {CENTRAL_SCHEMA}.staff_account ENABLE ROW LEVEL SECURITY",
        f'CREATE POLICY counter_scope ON {CENTRAL_SCHEMA}.staff_account TO "{group}"'
        f" USING ({condition})",
    )


def upgrade() -> None:
    op.add_column(
        "account",
        sa.Column("origin", sa.String(16), nullable=False, server_default="local"),
    )
    bind = op.get_bind()
    if not _is_central(bind):
        return
    _central_tables()
    _grants_policies_triggers(_group(bind))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        exists = bind.execute(text("SELECT to_regnamespace(:name)"), {"name": CENTRAL_SCHEMA})
        if exists.scalar() is not None:
            _run(
                f"DROP TABLE IF EXISTS {CENTRAL_SCHEMA}.staff_account",
                "DROP TABLE IF EXISTS code_item",
                "DROP TABLE IF EXISTS region",
                f"DELETE FROM {CENTRAL_SCHEMA}.reference_version"
                " WHERE table_name IN ('region', 'code_item', 'staff_account')",
            )
    with op.batch_alter_table("account") as batch:
        batch.drop_column("origin")
