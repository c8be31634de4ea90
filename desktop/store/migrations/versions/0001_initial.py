"""Initial schema: the journal, the person and registration projections, settings, sync
state and holidays; triggers that keep the journal append-only.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same portable types as desktop/store/models.py (copied, not imported: a migration must
# keep describing its own revision when the models move on).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sa.DateTime(timezone=True)

# Columns of the journal a sync may still set after the insert; all others are frozen.
_FROZEN_JOURNAL_COLUMNS = (
    "seq, id, entity_type, entity_id, kind, payload, clerk_id, counter_id, wall_time, hlc"
)
_APPEND_ONLY_MESSAGE = "事件日志只能追加，不能修改或删除"


def _create_journal() -> None:
    op.create_table(
        "journal",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("clerk_id", sa.String(64), nullable=False),
        sa.Column("counter_id", sa.String(64), nullable=False),
        sa.Column("wall_time", UTC_DATETIME, nullable=False),
        sa.Column("hlc", sa.String(96), nullable=False),
        sa.Column("central_seq", sa.BigInteger(), nullable=True),
        sa.Column("pushed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_journal"),
        sa.UniqueConstraint("id", name="uq_journal_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_journal_hlc", "journal", ["hlc"])
    op.create_index("ix_journal_central_seq", "journal", ["central_seq"])
    op.create_index("ix_journal_entity", "journal", ["entity_type", "entity_id", "hlc"])
    op.create_index("ix_journal_pending_push", "journal", ["pushed", "seq"])


def _create_append_only_triggers() -> None:
    """design.md "The journal": events are never updated or deleted."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            f"""
            CREATE TRIGGER journal_no_update
            BEFORE UPDATE OF {_FROZEN_JOURNAL_COLUMNS} ON journal
            BEGIN
                SELECT RAISE(ABORT, '{_APPEND_ONLY_MESSAGE}');
            END
            """
        )
        op.execute(
            f"""
            CREATE TRIGGER journal_no_delete
            BEFORE DELETE ON journal
            BEGIN
                SELECT RAISE(ABORT, '{_APPEND_ONLY_MESSAGE}');
            END
            """
        )
    elif dialect == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION journal_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{_APPEND_ONLY_MESSAGE}' USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
        op.execute(
            f"""
            CREATE TRIGGER journal_no_update
            BEFORE UPDATE OF {_FROZEN_JOURNAL_COLUMNS} ON journal
            FOR EACH ROW EXECUTE FUNCTION journal_append_only()
            """
        )
        op.execute(
            """
            CREATE TRIGGER journal_no_delete
            BEFORE DELETE ON journal
            FOR EACH ROW EXECUTE FUNCTION journal_append_only()
            """
        )
        # TRUNCATE skips row triggers; refuse it too.
        op.execute(
            """
            CREATE TRIGGER journal_no_truncate
            BEFORE TRUNCATE ON journal
            FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only()
            """
        )


def _create_person() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("doc_type", sa.String(16), nullable=False),
        sa.Column("id_number", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("sex", sa.String(8), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("ethnicity", sa.String(16), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("household_region", sa.String(12), nullable=True),
        sa.Column("household_address", sa.Text(), nullable=True),
        sa.Column("residence_region", sa.String(12), nullable=True),
        sa.Column("residence_address", sa.Text(), nullable=True),
        sa.Column("residence_urban", sa.Boolean(), nullable=True),
        sa.Column("hukou_type", sa.String(16), nullable=True),
        sa.Column("education", sa.String(16), nullable=True),
        sa.Column("health", sa.String(16), nullable=True),
        sa.Column("disability_category", sa.String(16), nullable=True),
        sa.Column("disability_grade", sa.String(16), nullable=True),
        sa.Column("political_status", sa.String(16), nullable=True),
        sa.Column("marital_status", sa.String(16), nullable=True),
        sa.Column("created_hlc", sa.String(96), nullable=False),
        sa.Column("last_hlc", sa.String(96), nullable=False),
        sa.Column("extra", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_person"),
    )
    # Not unique: see models.Person.id_number.
    op.create_index("ix_person_id_number", "person", ["id_number"])
    op.create_index("ix_person_name", "person", ["name"])
    op.create_index("ix_person_phone", "person", ["phone"])


def _create_registration() -> None:
    op.create_table(
        "registration",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("counter_id", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("registration_place", sa.String(16), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("verification_method", sa.String(64), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("deregistered_on", sa.Date(), nullable=True),
        sa.Column("deregistration_reason", sa.Text(), nullable=True),
        sa.Column("unemployed_since", sa.Date(), nullable=True),
        sa.Column("unemployment_cause", sa.String(64), nullable=True),
        sa.Column("difficulty_categories", JSON, nullable=False),
        sa.Column("commitment_printed", sa.Boolean(), nullable=False),
        sa.Column("commitment_signed", sa.Boolean(), nullable=False),
        sa.Column("last_contact_on", sa.Date(), nullable=True),
        sa.Column("tier", sa.String(32), nullable=True),
        sa.Column("anomalies", JSON, nullable=False),
        sa.Column("last_hlc", sa.String(96), nullable=False),
        sa.Column("extra", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registration"),
        sa.UniqueConstraint("number", name="uq_registration_number"),
    )
    # No foreign key to person: see models.Registration.person_id.
    op.create_index("ix_registration_person_id", "registration", ["person_id"])
    op.create_index("ix_registration_region", "registration", ["region"])
    op.create_index("ix_registration_status", "registration", ["status"])


def _create_local_tables() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_setting"),
    )
    op.create_table(
        "sync_state",
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("last_pulled_central_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_push_at", UTC_DATETIME, nullable=True),
        sa.Column("last_pull_at", UTC_DATETIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("extra", JSON, nullable=False),
        sa.PrimaryKeyConstraint("target", name="pk_sync_state"),
    )
    op.create_table(
        "holiday",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_holiday"),
    )
    op.create_index("ix_holiday_date", "holiday", ["date"])


def upgrade() -> None:
    _create_journal()
    _create_append_only_triggers()
    _create_person()
    _create_registration()
    _create_local_tables()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in ("holiday", "sync_state", "setting", "registration", "person"):
        op.drop_table(name)
    if dialect == "postgresql":
        op.execute("DROP TABLE journal")  # drops its triggers with it
        op.execute("DROP FUNCTION journal_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS journal_no_update")
        op.execute("DROP TRIGGER IF EXISTS journal_no_delete")
        op.drop_table("journal")
