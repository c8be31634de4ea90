"""Copies of the person's statistics fields on registration, kept by triggers (issue 9).

Every database (a counter's SQLite, the central PostgreSQL, a plain PostgreSQL copy):
registration gets person_sex, person_birth_date, person_education and person_residence_urban,
the person fields the monthly report breaks down by (notice §6: 常住地城乡, 性别, 年龄, 文化程度),
so the reports read registration alone: bench/bench_statistics.py measured the join
registration → person as most of the county report's time and of the province's.

The copies are a function of the person projection row, not of event order: triggers set them
when a registration row is inserted (or its person_id changes) from the person row, and when a
person row is inserted or one of those fields changes, on all of that person's registrations.
Whoever writes the projections (the projector, a pull's bulk ingest, the central's push
re-fold) therefore keeps them, in its own transaction, and an out-of-order arrival (a
registration pulled before its person) converges. The 三统一 check compares them with the
person's fold (desktop/reports/consistency.py).

On PostgreSQL the functions are SECURITY DEFINER: a counter's push must update the copies of
the person's registrations in other counties, which row-level security hides from its role
(0003, 0007). The counters' grants on registration (SELECT, INSERT, UPDATE on the table, 0003)
already cover the new columns.

Revision ID: 0011
Revises: 0010
Create Date: 2025-08-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# registration column → person column.
COPIED = {
    "person_sex": "sex",
    "person_birth_date": "birth_date",
    "person_education": "education",
    "person_residence_urban": "residence_urban",
}
_TARGETS = ", ".join(COPIED)
_SOURCES = ", ".join(COPIED.values())
_SQLITE_TRIGGERS = (
    "registration_person_fields_insert",
    "registration_person_fields_person_id",
    "person_fields_insert",
    "person_fields_update",
)


def _sqlite_triggers() -> tuple[str, ...]:
    from_person = f"({_TARGETS}) = (SELECT {_SOURCES} FROM person WHERE id = NEW.person_id)"
    to_registrations = ", ".join(f"{target} = NEW.{source}" for target, source in COPIED.items())
    changed = " OR ".join(f"NEW.{source} IS NOT OLD.{source}" for source in COPIED.values())
    return (
        # No person row yet (a pull may bring the registration first): the copies stay NULL
        # until person_fields_insert fills them.
        f"""CREATE TRIGGER registration_person_fields_insert AFTER INSERT ON registration
        FOR EACH ROW WHEN EXISTS (SELECT 1 FROM person WHERE id = NEW.person_id)
        BEGIN UPDATE registration SET {from_person} WHERE id = NEW.id; END""",
        f"""CREATE TRIGGER registration_person_fields_person_id
        AFTER UPDATE OF person_id ON registration
        FOR EACH ROW WHEN NEW.person_id IS NOT OLD.person_id
        BEGIN UPDATE registration SET {from_person} WHERE id = NEW.id; END""",
        f"""CREATE TRIGGER person_fields_insert AFTER INSERT ON person FOR EACH ROW
        BEGIN UPDATE registration SET {to_registrations} WHERE person_id = NEW.id; END""",
        f"""CREATE TRIGGER person_fields_update AFTER UPDATE OF {_SOURCES} ON person
        FOR EACH ROW WHEN {changed}
        BEGIN UPDATE registration SET {to_registrations} WHERE person_id = NEW.id; END""",
    )


def _postgresql_statements() -> tuple[str, ...]:
    into = ", ".join(f"NEW.{target}" for target in COPIED)
    to_registrations = ", ".join(f"{target} = NEW.{source}" for target, source in COPIED.items())
    new_values = ", ".join(f"NEW.{source}" for source in COPIED.values())
    old_values = ", ".join(f"OLD.{source}" for source in COPIED.values())
    return (
        f"""CREATE FUNCTION public.dengji_registration_person_fields() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            -- No person row: SELECT INTO sets the copies to NULL.
            SELECT {_SOURCES} INTO {into} FROM public.person WHERE id = NEW.person_id;
            RETURN NEW;
        END
        $$""",
        f"""CREATE FUNCTION public.dengji_person_fields_to_registrations() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            UPDATE public.registration SET {to_registrations}
                WHERE person_id = NEW.id AND ({_TARGETS}) IS DISTINCT FROM ({new_values});
            RETURN NULL;
        END
        $$""",
        "REVOKE ALL ON FUNCTION public.dengji_registration_person_fields(),"
        " public.dengji_person_fields_to_registrations() FROM PUBLIC",
        # BEFORE: the row is written once, with its copies (the push upserts 10,000 at a time).
        """CREATE TRIGGER registration_person_fields_insert BEFORE INSERT ON registration
        FOR EACH ROW EXECUTE FUNCTION public.dengji_registration_person_fields()""",
        """CREATE TRIGGER registration_person_fields_person_id
        BEFORE UPDATE OF person_id ON registration FOR EACH ROW
        WHEN (NEW.person_id IS DISTINCT FROM OLD.person_id)
        EXECUTE FUNCTION public.dengji_registration_person_fields()""",
        """CREATE TRIGGER person_fields_insert AFTER INSERT ON person
        FOR EACH ROW EXECUTE FUNCTION public.dengji_person_fields_to_registrations()""",
        f"""CREATE TRIGGER person_fields_update AFTER UPDATE ON person FOR EACH ROW
        WHEN (({old_values}) IS DISTINCT FROM ({new_values}))
        EXECUTE FUNCTION public.dengji_person_fields_to_registrations()""",
    )


def upgrade() -> None:
    with op.batch_alter_table("registration") as batch:
        batch.add_column(sa.Column("person_sex", sa.String(8), nullable=True))
        batch.add_column(sa.Column("person_birth_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("person_education", sa.String(16), nullable=True))
        batch.add_column(sa.Column("person_residence_urban", sa.Boolean(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            f"UPDATE registration r SET ({_TARGETS}) = (p.{', p.'.join(COPIED.values())})"
            " FROM person p WHERE p.id = r.person_id"
        )
        statements = _postgresql_statements()
    else:
        op.execute(
            f"UPDATE registration SET ({_TARGETS}) = (SELECT {_SOURCES} FROM person"
            " WHERE person.id = registration.person_id)"
        )
        statements = _sqlite_triggers()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for trigger in _SQLITE_TRIGGERS:
        if bind.dialect.name == "postgresql":
            table = "person" if trigger.startswith("person_") else "registration"
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS public.dengji_registration_person_fields()")
        op.execute("DROP FUNCTION IF EXISTS public.dengji_person_fields_to_registrations()")
    with op.batch_alter_table("registration") as batch:
        for column in reversed(COPIED):
            batch.drop_column(column)
