"""The journal by kind and clerk: "this clerk's list" on the 服务跟踪 page without a scan.

- ix_journal_kind_clerk (kind, clerk_id, entity_id): the registrations whose application a
  clerk accepted are the registration.applied events with that clerk_id
  (desktop.store.queries.registrations_followed_by); without it SQLite walked every
  registration event of the journal (ix_journal_entity by entity_type alone). entity_id is
  in the index so the answer comes from the index alone. Kind first, so that queries by kind
  alone (the sweep's refusals) can use it as well.

Revision ID: 0008
Revises: 0007
Create Date: 2025-07-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_journal_kind_clerk", "journal", ["kind", "clerk_id", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_journal_kind_clerk", table_name="journal")
