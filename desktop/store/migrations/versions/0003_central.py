"""The central database's own structures: scope columns, arrival numbers, roles, row-level security.

Only on the province's central PostgreSQL, and only when `dengji central init` asks for them
(alembic config attribute "dengji_central") or an earlier init made them (schema
dengji_central exists): a counter's SQLite, and a PostgreSQL database used as a plain copy of
the schema (tests/desktop/store/test_migrations.py), keep exactly the shared schema.

What it adds (docs/sync.md explains each):
- journal.scope_region: the county whose counters may read and write the row (row-level
  security compares it with the logged-in counter's region);
- journal.txid: the id of the transaction that inserted the row, so a pull hands out only
  rows of transactions that have ended (design.md "Sync": no row skipped when concurrent
  transactions commit out of order);
- journal.central_seq: now generated as the row's arrival number (seq);
- person/registration.scope_region, registration.scope_agency (the disability employment
  service agency a registration is delegated to), kept by the push's re-fold;
- schema dengji_central: counter accounts, delegations, reference-data versions, settings;
- a group role per central database that every counter's login role belongs to, with exactly
  the grants a counter needs, and the policies.

Revision ID: 0003
Revises: 0002
Create Date: 2025-07-01
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic import context, op
from sqlalchemy import Connection, text

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CENTRAL_SCHEMA = "dengji_central"
# Reference data flows down only (design.md "Sync"): counters may read these, never write.
REFERENCE_TABLES = ("holiday", "policy_item", "service_item", "agency_item")
# The journal columns a counter may give on INSERT; seq, central_seq and txid are the
# central's to assign, pushed means nothing here.
COUNTER_INSERT_COLUMNS = (
    "id, entity_type, entity_id, kind, payload, clerk_id, counter_id, wall_time, hlc, scope_region"
)
# The transaction id of the current transaction as a plain bigint (xid8 with its epoch, so it
# never wraps around).
_CURRENT_TXID = "(pg_current_xact_id()::text::bigint)"
_MY_REGION = f"(SELECT {CENTRAL_SCHEMA}.my_region())"
_MY_AGENCY = f"(SELECT {CENTRAL_SCHEMA}.my_agency())"


def group_role_name(database_name: str) -> str:
    """The group role of this central database's counters (roles are cluster-wide, so the
    database's name is part of it; a test server or a training copy can share the cluster)."""
    slug = re.sub(r"[^a-z0-9_]", "_", database_name.lower())[:40]
    return f"dengji_{slug}_counters"


def _is_central(bind: Connection) -> bool:
    if bind.dialect.name != "postgresql":
        return False
    asked = bool(context.config.attributes.get("dengji_central", False))
    made = bind.execute(text("SELECT to_regnamespace(:name)"), {"name": CENTRAL_SCHEMA}).scalar()
    return asked or made is not None


def _run(*statements: str) -> None:
    for statement in statements:
        op.execute(statement)


def _central_tables(group: str) -> None:
    _run(
        f"CREATE SCHEMA {CENTRAL_SCHEMA}",
        f"""CREATE TABLE {CENTRAL_SCHEMA}.setting (
            key text PRIMARY KEY,
            value text NOT NULL)""",
        f"""INSERT INTO {CENTRAL_SCHEMA}.setting (key, value) VALUES
            ('central_id', gen_random_uuid()::text), ('counter_group', '{group}')""",
        f"""CREATE TABLE {CENTRAL_SCHEMA}.counter_account (
            role_name text PRIMARY KEY,
            counter_id varchar(64) NOT NULL UNIQUE,
            counter_number integer NOT NULL CHECK (counter_number BETWEEN 1 AND 999),
            region_code varchar(12) NOT NULL,
            agency_id varchar(64),
            name text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (region_code, counter_number))""",
        f"""CREATE TABLE {CENTRAL_SCHEMA}.delegation (
            entity_type varchar(32) NOT NULL,
            entity_id varchar(36) NOT NULL,
            agency_id varchar(64) NOT NULL,
            scope_region varchar(12) NOT NULL,
            txid bigint NOT NULL DEFAULT {_CURRENT_TXID},
            PRIMARY KEY (entity_type, entity_id, agency_id))""",
        f"CREATE INDEX ix_delegation_agency ON {CENTRAL_SCHEMA}.delegation (agency_id, txid)",
        f"""CREATE TABLE {CENTRAL_SCHEMA}.reference_version (
            table_name text PRIMARY KEY,
            version bigint NOT NULL,
            changed_at timestamptz NOT NULL DEFAULT now())""",
    )


def _scope_columns() -> None:
    _run(
        "ALTER TABLE journal ADD COLUMN scope_region varchar(12) NOT NULL",
        f"ALTER TABLE journal ADD COLUMN txid bigint NOT NULL DEFAULT {_CURRENT_TXID}",
        # "The central journal numbers rows as they arrive": the arrival number is seq.
        "DROP INDEX ix_journal_central_seq",
        "ALTER TABLE journal DROP COLUMN central_seq",
        "ALTER TABLE journal ADD COLUMN central_seq bigint GENERATED ALWAYS AS (seq) STORED",
        # A counter's pull: its region's rows in (txid, seq) order after its cursor.
        "CREATE INDEX ix_journal_scope_pull ON journal (scope_region, txid, seq)",
        "ALTER TABLE person ADD COLUMN scope_region varchar(12) NOT NULL",
        "ALTER TABLE registration ADD COLUMN scope_region varchar(12) NOT NULL",
        "ALTER TABLE registration ADD COLUMN scope_agency varchar(64)",
        "CREATE INDEX ix_person_scope_region ON person (scope_region)",
        "CREATE INDEX ix_registration_scope_region ON registration (scope_region)",
        "CREATE INDEX ix_registration_scope_agency ON registration (scope_agency)"
        " WHERE scope_agency IS NOT NULL",
    )


def _functions() -> None:
    # SECURITY DEFINER with a fixed search_path: a counter cannot read counter_account, only
    # learn its own region and agency. session_user, not current_user: inside a SECURITY
    # DEFINER function current_user is the function's owner.
    for name, column in (("my_region", "region_code"), ("my_agency", "agency_id")):
        _run(
            f"""CREATE FUNCTION {CENTRAL_SCHEMA}.{name}() RETURNS varchar
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
                SELECT {column} FROM {CENTRAL_SCHEMA}.counter_account
                WHERE role_name = session_user::text
            $$""",
        )
    _run(
        f"""CREATE FUNCTION {CENTRAL_SCHEMA}.central_id() RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT value FROM {CENTRAL_SCHEMA}.setting WHERE key = 'central_id'
        $$""",
        # A registration's delegation also delegates its person's record (the agency serves
        # the person); kept here so that counters need no write access to the table.
        f"""CREATE FUNCTION {CENTRAL_SCHEMA}.sync_delegation() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            DELETE FROM {CENTRAL_SCHEMA}.delegation
                WHERE entity_type = 'registration' AND entity_id = NEW.id;
            IF NEW.scope_agency IS NOT NULL THEN
                INSERT INTO {CENTRAL_SCHEMA}.delegation
                    (entity_type, entity_id, agency_id, scope_region)
                VALUES ('registration', NEW.id, NEW.scope_agency, NEW.scope_region);
            END IF;
            DELETE FROM {CENTRAL_SCHEMA}.delegation
                WHERE entity_type = 'person' AND entity_id = NEW.person_id;
            INSERT INTO {CENTRAL_SCHEMA}.delegation
                (entity_type, entity_id, agency_id, scope_region)
            SELECT DISTINCT 'person', r.person_id, r.scope_agency, r.scope_region
                FROM public.registration r
                WHERE r.person_id = NEW.person_id AND r.scope_agency IS NOT NULL;
            RETURN NULL;
        END
        $$""",
        """CREATE TRIGGER registration_delegation_insert AFTER INSERT ON registration
        FOR EACH ROW WHEN (NEW.scope_agency IS NOT NULL)
        EXECUTE FUNCTION dengji_central.sync_delegation()""",
        """CREATE TRIGGER registration_delegation_update AFTER UPDATE OF scope_agency
        ON registration FOR EACH ROW
        WHEN (NEW.scope_agency IS DISTINCT FROM OLD.scope_agency)
        EXECUTE FUNCTION dengji_central.sync_delegation()""",
        # Counters download a reference table again only when its version moved.
        f"""CREATE FUNCTION {CENTRAL_SCHEMA}.bump_reference_version() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            INSERT INTO {CENTRAL_SCHEMA}.reference_version (table_name, version)
            VALUES (TG_TABLE_NAME, 1)
            ON CONFLICT (table_name) DO UPDATE
                SET version = {CENTRAL_SCHEMA}.reference_version.version + 1,
                    changed_at = now();
            RETURN NULL;
        END
        $$""",
    )
    for table in REFERENCE_TABLES:
        _run(
            f"""CREATE TRIGGER {table}_reference_version
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {CENTRAL_SCHEMA}.bump_reference_version()""",
        )


def _group_and_grants(group: str, database: str) -> None:
    _run(
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') THEN
                CREATE ROLE "{group}" NOLOGIN;
            END IF;
        END $$""",
        # Only this database's counters may connect to it.
        f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC',
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO "{group}"',
        f'GRANT USAGE ON SCHEMA {CENTRAL_SCHEMA} TO "{group}"',
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {CENTRAL_SCHEMA} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {CENTRAL_SCHEMA}.my_region(), {CENTRAL_SCHEMA}.my_agency(),"
        f' {CENTRAL_SCHEMA}.central_id() TO "{group}"',
        f"GRANT SELECT ON {CENTRAL_SCHEMA}.reference_version, {CENTRAL_SCHEMA}.delegation"
        f' TO "{group}"',
        # Append only: no UPDATE, DELETE or TRUNCATE on the journal (the 0001 triggers refuse
        # them as well, for everyone).
        f'GRANT SELECT, INSERT ({COUNTER_INSERT_COLUMNS}) ON journal TO "{group}"',
        f'GRANT USAGE ON SEQUENCE journal_seq_seq TO "{group}"',
        # The push re-folds the projections of the entities it touched, in its transaction.
        f'GRANT SELECT, INSERT, UPDATE ON person, registration TO "{group}"',
        f'GRANT SELECT ON {", ".join(REFERENCE_TABLES)} TO "{group}"',
    )


def _policies(group: str) -> None:
    delegated = (
        f"EXISTS (SELECT 1 FROM {CENTRAL_SCHEMA}.delegation d"
        " WHERE d.entity_type = {table}.entity_type AND d.entity_id = {table}.entity_id"
        f" AND d.agency_id = {_MY_AGENCY})"
    )
    person_delegated = (
        f"EXISTS (SELECT 1 FROM {CENTRAL_SCHEMA}.delegation d"
        " WHERE d.entity_type = 'person' AND d.entity_id = person.id"
        f" AND d.agency_id = {_MY_AGENCY})"
    )
    # One policy per table: the counter's region, and for an agency's role also the
    # delegation (design.md "Sync": an agency sees only the registrations delegated to it).
    scopes = {
        "journal": delegated.format(table="journal"),
        "person": person_delegated,
        "registration": f"scope_agency = {_MY_AGENCY}",
    }
    for table, agency_condition in scopes.items():
        condition = f"scope_region = {_MY_REGION} AND ({_MY_AGENCY} IS NULL OR {agency_condition})"
        _run(
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f'CREATE POLICY counter_scope ON {table} TO "{group}"'
            f" USING ({condition}) WITH CHECK ({condition})",
        )
    _run(
        f"ALTER TABLE {CENTRAL_SCHEMA}.delegation ENABLE ROW LEVEL SECURITY",
        f'CREATE POLICY counter_scope ON {CENTRAL_SCHEMA}.delegation TO "{group}"'
        f" USING (scope_region = {_MY_REGION}"
        f" AND ({_MY_AGENCY} IS NULL OR agency_id = {_MY_AGENCY}))",
    )


def upgrade() -> None:
    bind = op.get_bind()
    if not _is_central(bind):
        return
    database = str(bind.execute(text("SELECT current_database()")).scalar())
    group = group_role_name(database)
    _central_tables(group)
    _scope_columns()
    _functions()
    _group_and_grants(group, database)
    _policies(group)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    exists = bind.execute(text("SELECT to_regnamespace(:name)"), {"name": CENTRAL_SCHEMA})
    if exists.scalar() is None:
        return
    database = str(bind.execute(text("SELECT current_database()")).scalar())
    group = group_role_name(database)
    accounts = bind.execute(text(f"SELECT role_name FROM {CENTRAL_SCHEMA}.counter_account"))
    for (role_name,) in accounts.all():
        _run(f'DROP OWNED BY "{role_name}"', f'DROP ROLE IF EXISTS "{role_name}"')
    for table in ("journal", "person", "registration"):
        _run(
            f"DROP POLICY IF EXISTS counter_scope ON {table}",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
        )
    for table in REFERENCE_TABLES:
        _run(f"DROP TRIGGER IF EXISTS {table}_reference_version ON {table}")
    _run(
        "DROP TRIGGER IF EXISTS registration_delegation_insert ON registration",
        "DROP TRIGGER IF EXISTS registration_delegation_update ON registration",
        f'DROP OWNED BY "{group}"',
        f'DROP ROLE IF EXISTS "{group}"',
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO PUBLIC',
        f"DROP SCHEMA {CENTRAL_SCHEMA} CASCADE",
        "DROP INDEX ix_registration_scope_agency",
        "DROP INDEX ix_registration_scope_region",
        "DROP INDEX ix_person_scope_region",
        "ALTER TABLE registration DROP COLUMN scope_agency",
        "ALTER TABLE registration DROP COLUMN scope_region",
        "ALTER TABLE person DROP COLUMN scope_region",
        "DROP INDEX ix_journal_scope_pull",
        "ALTER TABLE journal DROP COLUMN central_seq",
        "ALTER TABLE journal ADD COLUMN central_seq bigint",
        "CREATE INDEX ix_journal_central_seq ON journal (central_seq)",
        "ALTER TABLE journal DROP COLUMN txid",
        "ALTER TABLE journal DROP COLUMN scope_region",
    )
