"""SQLAlchemy 2.0 models: the append-only journal, its projections and local reference data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

# The same models serve the central PostgreSQL database (design.md "Sync"), so only portable
# types: JSON becomes JSONB there, and the journal's key is a BIGINT there but must stay
# "INTEGER PRIMARY KEY" on SQLite to be the rowid (and autoincrement).
SeqType = BigInteger().with_variant(Integer(), "sqlite")


class PortableJSON(TypeDecorator[Any]):
    """JSON on SQLite, JSONB on PostgreSQL.

    Unlike JSON().with_variant(JSONB(), ...), this does not import the PostgreSQL dialect
    (≈40 ms) when the counter starts on SQLite.
    """

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


JsonType = PortableJSON()

UUID_LENGTH = 36
REGION_CODE_LENGTH = 12


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# Named constraints, so later migrations can alter them (SQLite batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every dengji table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    type_annotation_map = {  # noqa: RUF012 -- SQLAlchemy reads this class attribute
        dict[str, Any]: JsonType,
        list[str]: JsonType,
        dt.datetime: UtcDateTime(),
    }


class Event(Base):
    """One change made by a clerk; never updated or deleted (design.md "The journal")."""

    __tablename__ = "journal"
    __table_args__ = (
        Index("ix_journal_entity", "entity_type", "entity_id", "hlc"),
        Index("ix_journal_pending_push", "pushed", "seq"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(UUID_LENGTH), unique=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(UUID_LENGTH))
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    clerk_id: Mapped[str] = mapped_column(String(64))
    counter_id: Mapped[str] = mapped_column(String(64))
    wall_time: Mapped[dt.datetime]
    hlc: Mapped[str] = mapped_column(String(96), index=True)
    central_seq: Mapped[int | None] = mapped_column(BigInteger, index=True)
    pushed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def __repr__(self) -> str:
        return f"Event({self.kind!r}, {self.entity_type}:{self.entity_id}, hlc={self.hlc!r})"


class Person(Base):
    """Current state of a person, folded from the person's events."""

    __tablename__ = "person"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(16))
    # Not unique: two counters offline may each record the same person; sync must keep both
    # records and the duplicate is reported (queries.find_duplicate_persons), not refused.
    id_number: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    sex: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    household_region: Mapped[str | None] = mapped_column(String(REGION_CODE_LENGTH))
    household_address: Mapped[str | None] = mapped_column(Text)
    residence_region: Mapped[str | None] = mapped_column(String(REGION_CODE_LENGTH))
    residence_address: Mapped[str | None] = mapped_column(Text)
    residence_urban: Mapped[bool | None] = mapped_column(Boolean)
    hukou_type: Mapped[str | None] = mapped_column(String(16))
    education: Mapped[str | None] = mapped_column(String(16))
    health: Mapped[str | None] = mapped_column(String(16))
    disability_category: Mapped[str | None] = mapped_column(String(16))
    disability_grade: Mapped[str | None] = mapped_column(String(16))
    political_status: Mapped[str | None] = mapped_column(String(16))
    marital_status: Mapped[str | None] = mapped_column(String(16))
    created_hlc: Mapped[str] = mapped_column(String(96))
    last_hlc: Mapped[str] = mapped_column(String(96))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Registration(Base):
    """Current state of one unemployment registration, folded from its events."""

    __tablename__ = "registration"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    # Refers to person.id, but without a FOREIGN KEY: projections are derived from the
    # journal, and a pull may bring a registration before (or without, if out of scope) its
    # person; a constraint would then block sync for good. record() checks it for local events.
    person_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    region: Mapped[str | None] = mapped_column(String(REGION_CODE_LENGTH), index=True)
    counter_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(16))
    registration_place: Mapped[str | None] = mapped_column(String(16))
    applied_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    verification_method: Mapped[str | None] = mapped_column(String(64))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    rejected_on: Mapped[dt.date | None] = mapped_column(Date)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    deregistered_on: Mapped[dt.date | None] = mapped_column(Date)
    deregistration_reason: Mapped[str | None] = mapped_column(Text)
    unemployed_since: Mapped[dt.date | None] = mapped_column(Date)
    unemployment_cause: Mapped[str | None] = mapped_column(String(64))
    difficulty_categories: Mapped[list[str]] = mapped_column(default=list)
    commitment_printed: Mapped[bool] = mapped_column(Boolean, default=False)
    commitment_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    last_contact_on: Mapped[dt.date | None] = mapped_column(Date)
    tier: Mapped[str | None] = mapped_column(String(32))
    anomalies: Mapped[list[str]] = mapped_column(default=list)
    last_hlc: Mapped[str] = mapped_column(String(96))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Setting(Base):
    """Local key/value settings: node id, per-counter number sequences, and the like."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonType)


class SyncState(Base):
    """Progress of push and pull against one central database."""

    __tablename__ = "sync_state"

    target: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_pulled_central_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_push_at: Mapped[dt.datetime | None]
    last_pull_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class HolidayEntry(Base):
    """A public holiday or a swapped working day (调休); reference data synced down."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "holiday" | "workday"
    # None: nationwide; a GB/T 2260 code for a local holiday (e.g. a minority festival).
    region_code: Mapped[str | None] = mapped_column(String(REGION_CODE_LENGTH))
    name: Mapped[str] = mapped_column(String(100))
