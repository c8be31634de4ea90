"""Reference lists of notice §4(二): the policy, service and public employment agency lists.

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-20
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied from desktop/store/models.py, not imported (see 0001).
UTC_DATETIME = sa.DateTime(timezone=True)
LIST_TEXT_LENGTH = 200


def _bookkeeping_columns() -> list[sa.Column[object]]:
    """Order on the printed list, active flag, and who changed the row last."""
    return [
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "policy_item",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("beneficiaries", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("accepting_agency", sa.Text(), nullable=False),
        *_bookkeeping_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_policy_item"),
    )
    op.create_table(
        "service_item",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("item", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        *_bookkeeping_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_service_item"),
    )
    op.create_table(
        "agency_item",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("name", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        *_bookkeeping_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_agency_item"),
    )
    op.create_index("ix_agency_item_region_code", "agency_item", ["region_code"])


def downgrade() -> None:
    op.drop_index("ix_agency_item_region_code", table_name="agency_item")
    for name in ("agency_item", "service_item", "policy_item"):
        op.drop_table(name)
