"""Staff accounts, delegations to disability agencies, and the hash chain over the journal.

- account: logins with argon2 hashes, roles and lockout counters (desktop/services/accounts.py);
- agency_delegation: a county HR department's delegation to a disability employment service
  agency (desktop/domain/roles.py Delegation);
- journal.chain_hash, filled by the AFTER INSERT trigger journal_chain on SQLite, backfilled
  here for the rows already there (desktop/store/integrity.py). The central PostgreSQL gets
  the column only: it chains nothing (its rows come from many counters; RLS, grants and the
  append-only triggers guard it).

Revision ID: 0005
Revises: 0004
Create Date: 2025-07-15
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# The chain's definition is a contract between this trigger, the backfill and the verifier:
# a change to it comes with a new migration that recreates the trigger and re-chains.
from desktop.store.integrity import CHAIN_COLUMNS, chain_hash, chain_trigger_sql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied from desktop/store/models.py, not imported (see 0001).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)
LIST_TEXT_LENGTH = 200
_BACKFILL_PAGE = 10_000


def _create_account_tables() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("roles", JSON, nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTC_DATETIME, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("password_changed_at", UTC_DATETIME, nullable=True),
        sa.Column("last_login_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
        sa.UniqueConstraint("username", name="uq_account_username"),
    )
    op.create_table(
        "agency_delegation",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("agency_name", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("entrusting_department", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("scope", JSON, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agency_delegation"),
    )
    op.create_index("ix_agency_delegation_agency_id", "agency_delegation", ["agency_id"])


def _backfill_chain() -> None:
    """Chain the rows written before this revision, in seq order (a county's few million rows
    take a minute or so, once)."""
    bind = op.get_bind()
    select_page = (
        f"SELECT {', '.join(CHAIN_COLUMNS)} FROM journal WHERE seq > ? ORDER BY seq LIMIT ?"
    )
    previous: bytes | None = None
    last_seq = 0
    while True:
        rows = bind.exec_driver_sql(select_page, (last_seq, _BACKFILL_PAGE)).all()
        if not rows:
            return
        updates = []
        for row in rows:
            previous = chain_hash(previous, tuple(row))
            updates.append((previous, row[0]))
        bind.exec_driver_sql("UPDATE journal SET chain_hash = ? WHERE seq = ?", updates)
        last_seq = int(rows[-1][0])


def upgrade() -> None:
    op.add_column("journal", sa.Column("chain_hash", sa.LargeBinary(32), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        _backfill_chain()
        op.execute(chain_trigger_sql())
    _create_account_tables()


def downgrade() -> None:
    op.drop_index("ix_agency_delegation_agency_id", table_name="agency_delegation")
    op.drop_table("agency_delegation")
    op.drop_table("account")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS journal_chain")
        # SQLite ≥ 3.35 drops a column in place (the journal keeps its other triggers).
        op.execute("ALTER TABLE journal DROP COLUMN chain_hash")
    else:
        op.drop_column("journal", "chain_hash")
