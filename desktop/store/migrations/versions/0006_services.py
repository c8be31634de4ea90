"""Serving registered workers (issue 6, notice §4, §5): the due-list index and the new projections.

- ix_registration_due: a covering index for the monthly due list (status, region, number and
  the columns the list reads), so SQLite answers it from the index alone;
- aid_plan, welfare_post, false_info_mark: projections of the entity types "aid_plan",
  "welfare_post" and "false_info" (desktop/store/projections_aid.py), filled here from any of
  their events already in the journal (pulled from a counter that upgraded earlier);
- minimum_living_standard: the 最低生活保障标准 reference table (reason 23 of notice §5(二)),
  seeded by desktop.services.followup.seed_minimum_standards.

Revision ID: 0006
Revises: 0005
Create Date: 2025-07-20
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied from desktop/store/models.py, not imported (see 0001).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
LIST_TEXT_LENGTH = 200
REGION_CODE_LENGTH = 12

_DUE_INDEX_COLUMNS = [
    "status",
    "region",
    "number",
    "registered_on",
    "last_contact_on",
    "person_id",
    "id",
]


def _create_tables() -> None:
    op.create_table(
        "aid_plan",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.String(64), nullable=True),
        sa.Column("staff_name", sa.String(100), nullable=True),
        sa.Column("staff_assigned_on", sa.Date(), nullable=True),
        sa.Column("made_on", sa.Date(), nullable=True),
        sa.Column("needs", sa.Text(), nullable=True),
        sa.Column("items", JSON, nullable=False),
        sa.Column("steps_total", sa.Integer(), nullable=False),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("reentered_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("anomalies", JSON, nullable=False),
        sa.Column("last_hlc", sa.String(96), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_aid_plan"),
    )
    op.create_index("ix_aid_plan_person_id", "aid_plan", ["person_id"])
    op.create_index("ix_aid_plan_status", "aid_plan", ["status"])
    op.create_index("ix_aid_plan_staff_id", "aid_plan", ["staff_id"])
    op.create_table(
        "welfare_post",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("registration_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("post", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("employer", sa.String(LIST_TEXT_LENGTH), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("anomalies", JSON, nullable=False),
        sa.Column("last_hlc", sa.String(96), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_welfare_post"),
    )
    op.create_index("ix_welfare_post_registration_id", "welfare_post", ["registration_id"])
    op.create_index("ix_welfare_post_person_id", "welfare_post", ["person_id"])
    op.create_table(
        "false_info_mark",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("marked_on", sa.Date(), nullable=False),
        sa.Column("marked_by", sa.String(64), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.Column("last_hlc", sa.String(96), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_false_info_mark"),
    )
    op.create_index("ix_false_info_mark_person_id", "false_info_mark", ["person_id"])
    op.create_table(
        "minimum_living_standard",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("region_code", sa.String(REGION_CODE_LENGTH), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("urban_monthly_fen", sa.Integer(), nullable=False),
        sa.Column("rural_monthly_fen", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_minimum_living_standard"),
    )
    op.create_index(
        "ix_minimum_living_standard_lookup",
        "minimum_living_standard",
        ["region_code", "effective_from"],
    )


def _backfill() -> None:
    """Fold the events of the new entity types already in the journal (none on a counter that
    never synced with a newer one; the loop is then one empty query per type)."""
    from desktop.store.projections_aid import AID_PROJECTION_PARTS

    bind = op.get_bind()
    for entity_type, (model, initial, step, keys, exists, _kinds) in AID_PROJECTION_PARTS.items():
        rows = bind.execute(
            sa.text(
                "SELECT entity_id, kind, payload, hlc, clerk_id, id FROM journal"
                " WHERE entity_type = :entity_type ORDER BY entity_id, hlc, id"
            ),
            {"entity_type": entity_type},
        ).all()
        states: dict[str, dict[str, Any]] = {}
        for entity_id, kind, payload, hlc, clerk_id, _event_id in rows:
            if isinstance(payload, str):
                payload = json.loads(payload)
            event = SimpleNamespace(kind=kind, payload=payload, hlc=hlc, clerk_id=clerk_id)
            states[entity_id] = step(states.get(entity_id) or initial(), event)
        table = model.__table__
        values = [{"id": key, **state} for key, state in states.items() if exists(state)]
        if values:
            bind.execute(table.insert(), [{k: v[k] for k in ("id", *keys)} for v in values])


def upgrade() -> None:
    op.create_index("ix_registration_due", "registration", _DUE_INDEX_COLUMNS)
    _create_tables()
    _backfill()


def downgrade() -> None:
    for index, table in (
        ("ix_minimum_living_standard_lookup", "minimum_living_standard"),
        ("ix_false_info_mark_person_id", "false_info_mark"),
        ("ix_welfare_post_person_id", "welfare_post"),
        ("ix_welfare_post_registration_id", "welfare_post"),
        ("ix_aid_plan_staff_id", "aid_plan"),
        ("ix_aid_plan_status", "aid_plan"),
        ("ix_aid_plan_person_id", "aid_plan"),
    ):
        op.drop_index(index, table_name=table)
    for table in ("minimum_living_standard", "false_info_mark", "welfare_post", "aid_plan"):
        op.drop_table(table)
    op.drop_index("ix_registration_due", table_name="registration")
