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
    LargeBinary,
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


# What an event says, as every copy of the journal stores it: the columns ingested from sync,
# pushed to the central database and hashed into the chain (after `seq`). `pushed` and
# `central_seq` are local bookkeeping and not part of an event's content.
EVENT_CONTENT_COLUMNS: tuple[str, ...] = (
    "id",
    "entity_type",
    "entity_id",
    "kind",
    "payload",
    "clerk_id",
    "counter_id",
    "wall_time",
    "hlc",
)


class Event(Base):
    """One change made by a clerk; never updated or deleted (design.md "The journal")."""

    __tablename__ = "journal"
    __table_args__ = (
        Index("ix_journal_entity", "entity_type", "entity_id", "hlc"),
        Index("ix_journal_pending_push", "pushed", "seq"),
        # "This clerk's list" (desktop.store.queries.registrations_followed_by), migration 0008.
        Index("ix_journal_kind_clerk", "kind", "clerk_id", "entity_id"),
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
    # SHA-256 over this row's content and the previous local row's chain_hash, in local arrival
    # order (desktop/store/integrity.py): a row changed or removed behind the append-only
    # triggers breaks the chain. NULL on the central database, which chains nothing.
    chain_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))

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
    # Copies of the person's fields the statistics break down by (notice §6), so the reports
    # read registration alone (bench/bench_statistics.py: the join was most of their time).
    # Not folded from the registration's events: database triggers (migration 0011) keep them
    # equal to the person projection row whoever writes either row (projector, pull, push),
    # in the same transaction; the 三统一 check verifies them against the person's fold.
    # Deferred: only the reports' SQL reads them, and a loaded copy could go stale when a
    # trigger changes the row behind the session.
    person_sex: Mapped[str | None] = mapped_column(String(8), deferred=True)
    person_birth_date: Mapped[dt.date | None] = mapped_column(Date, deferred=True)
    person_education: Mapped[str | None] = mapped_column(String(16), deferred=True)
    person_residence_urban: Mapped[bool | None] = mapped_column(Boolean, deferred=True)


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


# --------------------------------------------------------------------------- reference lists
# The policy / service / agency lists of notice §4(二). Reference data: seeded from the CSVs
# shipped with dengji, maintained on the 清单 page, later synced down from the central database
# (design.md "Sync": reference data flows down only). Rows are never deleted, only deactivated,
# so a list printed last year can still be explained.

LIST_TEXT_LENGTH = 200  # names and short cells; long cells are Text


class PolicyItem(Base):
    """One row of the 政策清单: 政策名称, 享受对象, 政策内容, 申请条件, 受理机构."""

    __tablename__ = "policy_item"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH))  # 政策名称
    beneficiaries: Mapped[str] = mapped_column(Text)  # 享受对象
    content: Mapped[str] = mapped_column(Text)  # 政策内容
    conditions: Mapped[str] = mapped_column(Text)  # 申请条件
    accepting_agency: Mapped[str] = mapped_column(Text)  # 受理机构
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(64))


class ServiceItem(Base):
    """One row of the 服务清单: 服务项目, 服务对象, 服务内容."""

    __tablename__ = "service_item"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    item: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH))  # 服务项目
    audience: Mapped[str] = mapped_column(Text)  # 服务对象
    content: Mapped[str] = mapped_column(Text)  # 服务内容
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(64))


class AgencyItem(Base):
    """One row of the 公共就业服务机构清单: 机构名称, 办公地址, 联系电话, 经办项目, with the
    GB/T 2260 code of the area it serves (a county prints its own and its prefecture's)."""

    __tablename__ = "agency_item"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(REGION_CODE_LENGTH), index=True)
    name: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH))  # 机构名称
    address: Mapped[str] = mapped_column(Text)  # 办公地址
    phone: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH))  # 联系电话
    services: Mapped[str] = mapped_column(Text)  # 经办项目
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(64))


# --------------------------------------------------------------------------- data comparison
# notice §3: 必要时可通过与公安、民政、工商等部门数据及社会保障卡持卡人员基础信息库、社会保险参保
# 登记、劳动用工备案等相关数据信息比对核实. The departments' tables are reference data: imported
# with `dengji xref import SOURCE FILE.csv` (later synced down from the central database); an
# import replaces the rows of its source, and its batch row says where they came from.


class XrefBatch(Base):
    """One import of a data-exchange table (a file from another department)."""

    __tablename__ = "xref_batch"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    source: Mapped[str] = mapped_column(String(32), index=True)
    file_name: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH))
    as_of: Mapped[dt.date | None] = mapped_column(Date)  # 数据截至日期, if the file says
    row_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime]
    imported_by: Mapped[str] = mapped_column(String(64))


class XrefRecord(Base):
    """One row of a data-exchange table: what one department knows about one person."""

    __tablename__ = "xref_record"
    __table_args__ = (Index("ix_xref_record_lookup", "id_number", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(LIST_TEXT_LENGTH))
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    organisation: Mapped[str | None] = mapped_column(String(LIST_TEXT_LENGTH))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the file's other columns
    batch_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)


class HomeVisitTask(Base):
    """A 上门核实 task (notice §3: 无法通过上述途径核查的，可采取工作人员上门调查方式予以核实),
    folded from its home_visit.* journal events by desktop.services.verification."""

    __tablename__ = "home_visit_task"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    registration_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    person_id: Mapped[str] = mapped_column(String(UUID_LENGTH))
    status: Mapped[str] = mapped_column(String(16), index=True)  # open / done / cancelled
    assignee: Mapped[str] = mapped_column(String(64), index=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
    visited_on: Mapped[dt.date | None] = mapped_column(Date)
    visitor: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(32))
    findings: Mapped[str | None] = mapped_column(Text)
    last_hlc: Mapped[str] = mapped_column(String(96))
    last_seq: Mapped[int] = mapped_column(SeqType)  # the newest journal row folded in


# --------------------------------------------------------------------------- staff accounts
# Who may sign in at the counter and with which roles (desktop/domain/roles.py). Local state,
# changed only through desktop/services/accounts.py, each change also a journal event (entity
# type "account"); the password hash never leaves this table.


class Account(Base):
    """A staff member's login: argon2 hash, roles, lockout counters."""

    __tablename__ = "account"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    # NFKC, lower-case ASCII letters: what the clerk types, and the journal's clerk_id.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    roles: Mapped[list[str]] = mapped_column(default=list)
    agency_id: Mapped[str | None] = mapped_column(String(64))  # a disability agency's staff
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)  # shown on the demo login page
    created_at: Mapped[dt.datetime]
    password_changed_at: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    # "local": made at this counter; "central": provisioned centrally and kept by the sync
    # (migration 0010; changed only centrally, docs/security.md).
    origin: Mapped[str] = mapped_column(String(16), default="local", server_default="local")


class AgencyDelegation(Base):
    """A county HR department's delegation of registration work to a disability employment
    service agency (desktop.domain.roles.Delegation): who, what, from when until when."""

    __tablename__ = "agency_delegation"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(64), index=True)
    agency_name: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH))
    entrusting_department: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH))
    region_code: Mapped[str] = mapped_column(String(REGION_CODE_LENGTH))
    scope: Mapped[list[str]] = mapped_column(default=list)  # Permission values
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH), default="")
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(64))


# --------------------------------------------------------------------------- serving (issue 6)
# notice §4, §5 after registration. The projections below are folded from their own entity
# types by desktop/store/projections_aid.py (registered in the projector's table).

# The monthly due list (desktop.services.followup.monthly_due_list) reads only this index:
# the active registrations of a region in number order, with the columns the list shows.
Index(
    "ix_registration_due",
    Registration.status,
    Registration.region,
    Registration.number,
    Registration.registered_on,
    Registration.last_contact_on,
    Registration.person_id,
    Registration.id,
)


class AidPlan(Base):
    """个性化就业援助计划 of one registration (notice §4(五)1): designated staff member, items
    and steps with their completion, rounds (re-entry after a 回访). `id` is the
    registration's id (entity type "aid_plan")."""

    __tablename__ = "aid_plan"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # active / closed
    round: Mapped[int] = mapped_column(Integer, default=1)
    staff_id: Mapped[str | None] = mapped_column(String(64), index=True)
    staff_name: Mapped[str | None] = mapped_column(String(100))
    staff_assigned_on: Mapped[dt.date | None] = mapped_column(Date)
    made_on: Mapped[dt.date | None] = mapped_column(Date)
    needs: Mapped[str | None] = mapped_column(Text)  # 援助需求
    # [{item_id, title, round, steps: [{step_id, title, due_on, done_on, result}]}]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    steps_total: Mapped[int] = mapped_column(Integer, default=0)
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    reentered_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(Text)
    anomalies: Mapped[list[str]] = mapped_column(default=list)
    last_hlc: Mapped[str] = mapped_column(String(96))


class WelfarePost(Base):
    """A placement in a 公益性岗位 (notice §4(五)1), entity type "welfare_post"."""

    __tablename__ = "welfare_post"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    registration_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    person_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    post: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH))
    employer: Mapped[str] = mapped_column(String(LIST_TEXT_LENGTH))
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)  # agreed end
    ended_on: Mapped[dt.date | None] = mapped_column(Date)  # actual end
    end_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # placed / ended
    anomalies: Mapped[list[str]] = mapped_column(default=list)
    last_hlc: Mapped[str] = mapped_column(String(96))


class FalseInfoMark(Base):
    """A registration found to rest on false information, marked for the 人社信用体系
    (notice §5), with the evidence; `id` is the registration's id (entity "false_info")."""

    __tablename__ = "false_info_mark"

    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    status: Mapped[str] = mapped_column(String(16))  # marked / withdrawn
    marked_on: Mapped[dt.date] = mapped_column(Date)
    marked_by: Mapped[str] = mapped_column(String(64))
    finding: Mapped[str] = mapped_column(Text)  # what was false
    evidence: Mapped[str] = mapped_column(Text)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    last_hlc: Mapped[str] = mapped_column(String(96))


class MinimumLivingStandard(Base):
    """最低生活保障标准 by region and effective date (民政 reference data, flows down); read by
    the check of deregistration reason 23 (notice §5(二))."""

    __tablename__ = "minimum_living_standard"
    __table_args__ = (Index("ix_minimum_living_standard_lookup", "region_code", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(String(REGION_CODE_LENGTH))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    # In 分 (fen): exact, and SQLite has no decimal type.
    urban_monthly_fen: Mapped[int] = mapped_column(Integer)
    rural_monthly_fen: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- statistics (issue 9)


class StatisticsFold(Base):
    """What the journal folds to for one person or registration, in the fields the statistics
    read, as of journal row `last_seq`: the 三统一 check's verified folds (migration 0009;
    why they can be trusted: desktop/reports/consistency.py). Local, never synced; deleting
    every row only makes the next check fold the whole journal again."""

    __tablename__ = "statistics_fold"
    # Looked up by key 100,000 times a check: one B-tree descent, not index then table.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 -- SQLAlchemy reads it

    entity_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    # registration
    person_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    number: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(REGION_CODE_LENGTH))
    counter_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(16))
    applied_on: Mapped[dt.date | None] = mapped_column(Date)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    rejected_on: Mapped[dt.date | None] = mapped_column(Date)
    deregistered_on: Mapped[dt.date | None] = mapped_column(Date)
    deregistration_reason: Mapped[str | None] = mapped_column(Text)
    unemployed_since: Mapped[dt.date | None] = mapped_column(Date)
    unemployment_cause: Mapped[str | None] = mapped_column(String(64))
    difficulty_categories: Mapped[Any] = mapped_column(JsonType, nullable=True)
    anomalies: Mapped[Any] = mapped_column(JsonType, nullable=True)
    # person (on a registration's row: its person's, and whether the journal has that person)
    sex: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    education: Mapped[str | None] = mapped_column(String(16))
    residence_urban: Mapped[bool | None] = mapped_column(Boolean)
    person_found: Mapped[bool | None] = mapped_column(Boolean)


# A person's new events change the person's fields on each of their registrations' rows.
Index("ix_statistics_fold_person_id", StatisticsFold.person_id)
