"""Data comparison and home visits (notice §3): the data-exchange tables imported from other
departments, and the 上门核实 tasks.

Revision ID: 0004
Revises: 0003
Create Date: 2025-07-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied from desktop/store/models.py, not imported (see 0001).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sa.DateTime(timezone=True)
LIST_TEXT_LENGTH = 200


def upgrade() -> None:
    op.create_table(
        "xref_batch",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTC_DATETIME, nullable=False),
        sa.Column("imported_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_xref_batch"),
    )
    op.create_index("ix_xref_batch_source", "xref_batch", ["source"])
    op.create_table(
        "xref_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("id_number", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("status", sa.String(LIST_TEXT_LENGTH), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("organisation", sa.String(LIST_TEXT_LENGTH), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_xref_record"),
    )
    op.create_index("ix_xref_record_lookup", "xref_record", ["id_number", "source"])
    op.create_index("ix_xref_record_batch_id", "xref_record", ["batch_id"])
    op.create_table(
        "home_visit_task",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("registration_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(64), nullable=False),
        sa.Column("assigned_by", sa.String(64), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("visitor", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("last_hlc", sa.String(96), nullable=False),
        sa.Column("last_seq", SEQ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_home_visit_task"),
    )
    op.create_index("ix_home_visit_task_registration_id", "home_visit_task", ["registration_id"])
    op.create_index("ix_home_visit_task_status", "home_visit_task", ["status"])
    op.create_index("ix_home_visit_task_assignee", "home_visit_task", ["assignee"])


def downgrade() -> None:
    for index, table in (
        ("ix_home_visit_task_assignee", "home_visit_task"),
        ("ix_home_visit_task_status", "home_visit_task"),
        ("ix_home_visit_task_registration_id", "home_visit_task"),
        ("ix_xref_record_batch_id", "xref_record"),
        ("ix_xref_record_lookup", "xref_record"),
        ("ix_xref_batch_source", "xref_batch"),
    ):
        op.drop_index(index, table_name=table)
    for table in ("home_visit_task", "xref_record", "xref_batch"):
        op.drop_table(table)
