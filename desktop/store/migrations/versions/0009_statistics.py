"""Statistics (issue 9): the 三统一 check's verified folds.

statistics_fold: per person and registration, what the journal folds to in the fields the
statistics read, as of a journal seq (desktop/reports/consistency.py keeps it, and says why it
can be trusted; a check then folds again only the entities with newer events). Local, derived
data, never synced: an empty table is valid and only makes the next check fold everything.
WITHOUT ROWID on SQLite: the check looks rows up by key, one B-tree descent each. A
registration's row carries its person's folded fields, so the check reads one row per
registration; ix_statistics_fold_person_id finds the rows to update when a person changes.

The central database needs no index of its own for the city and province reports: EXPLAIN
ANALYZE on 2,000,000 registrations (bench/bench_statistics.py --central) showed the join and
the per-row expressions cost the time; covering indexes on registration and person (merge join
of index-only scans) were no faster than the hash join of sequential scans.

Revision ID: 0009
Revises: 0008
Create Date: 2025-08-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied from desktop/store/models.py, not imported (see 0001).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UUID_LENGTH = 36
REGION_CODE_LENGTH = 12


def upgrade() -> None:
    op.create_table(
        "statistics_fold",
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(UUID_LENGTH), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(UUID_LENGTH), nullable=True),
        sa.Column("number", sa.String(64), nullable=True),
        sa.Column("region", sa.String(REGION_CODE_LENGTH), nullable=True),
        sa.Column("counter_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("deregistered_on", sa.Date(), nullable=True),
        sa.Column("deregistration_reason", sa.Text(), nullable=True),
        sa.Column("unemployed_since", sa.Date(), nullable=True),
        sa.Column("unemployment_cause", sa.String(64), nullable=True),
        sa.Column("difficulty_categories", JSON, nullable=True),
        sa.Column("anomalies", JSON, nullable=True),
        sa.Column("sex", sa.String(8), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("education", sa.String(16), nullable=True),
        sa.Column("residence_urban", sa.Boolean(), nullable=True),
        sa.Column("person_found", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("entity_type", "entity_id", name="pk_statistics_fold"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_statistics_fold_person_id", "statistics_fold", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_statistics_fold_person_id", table_name="statistics_fold")
    op.drop_table("statistics_fold")
