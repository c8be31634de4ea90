"""The audit trail (PIPL 个人信息保护法 §51–§55): who saw, printed or exported whose data, when,
and why; read back for the 审计 page and exported by an administrator only.

Audit events live in the journal itself, not in a table of their own: the journal is already
append-only (triggers), hash-chained (desktop/store/integrity.py) and pushed to the central
database, so a view or an export is as tamper-evident and as durable as the registration it
concerns, and one writer serves both. They have entity type "audit" (no projection folds
them, so recording one costs one journal insert) with the person's id as entity id when
there is one person:

- "audit.viewed"   a whole ID number / phone shown on the record page, with the reason;
- "audit.exported" data written out of the program (CSV), with what, how many rows, why.

Prints are already journalled by desktop.services.documents ("document.printed", with the
clerk, the document and the printer); sign-ins and account changes by
desktop.services.accounts ("audit.signed_in", "account.created", …). The 审计 page shows them
all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from desktop.domain.errors import DomainError
from desktop.domain.idnumbers import mask_id_number
from desktop.domain.roles import Permission, is_disabled_worker
from desktop.services.accounts import authorize, normalize_username
from desktop.store.hlc import HybridLogicalClock
from desktop.store.journal import Actor, record
from desktop.store.models import Event, Person, Registration
from desktop.store.queries import KIND_LABELS, RecordScope, normalize_search_text, search_persons

AUDIT_ENTITY_TYPE = "audit"
VIEWED_KIND = "audit.viewed"
EXPORTED_KIND = "audit.exported"
REASON_MAX_LENGTH = 200
# Beijing time: the days a clerk picks on the 审计 page are calendar days in Gansu.
BEIJING = dt.timezone(dt.timedelta(hours=8))
AUDIT_PAGE_LIMIT = 2000

# Reasons offered when a whole record is opened (the clerk may type another).
VIEW_REASONS = (
    "办理失业登记",
    "核实登记信息",
    "提供就业服务",
    "回访联系",
    "办理注销",
    "本人查询",
)

# What the 审计 page's "类别" filter groups together.
AUDIT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "viewed": (VIEWED_KIND,),
    "printed": ("document.printed", "commitment.printed"),
    "exported": (EXPORTED_KIND,),
    "sign_in": (
        "audit.signed_in",
        "audit.sign_in_failed",
        "audit.sign_in_refused",
        "audit.locked_out",
        "audit.signed_out",
    ),
    "accounts": (
        "account.created",
        "account.changed",
        "account.password_changed",
        "account.password_reset",
        "account.unlocked",
        "delegation.recorded",
    ),
}
CATEGORY_LABELS = {
    "viewed": "查看完整信息",
    "printed": "打印",
    "exported": "导出",
    "sign_in": "登录",
    "accounts": "账户与委托",
    "business": "业务办理",
}
AUDIT_KIND_LABELS: dict[str, str] = {
    **KIND_LABELS,
    VIEWED_KIND: "查看完整信息",
    EXPORTED_KIND: "导出数据",
    "audit.signed_in": "登录",
    "audit.sign_in_failed": "登录失败",
    "audit.sign_in_refused": "拒绝登录",
    "audit.locked_out": "账户锁定",
    "audit.signed_out": "退出登录",
    "account.created": "新建账户",
    "account.changed": "修改账户",
    "account.password_changed": "修改密码",
    "account.password_reset": "重置密码",
    "account.unlocked": "解除锁定",
    "delegation.recorded": "登记委托",
}
_ALL_AUDIT_KINDS = tuple(kind for kinds in AUDIT_CATEGORIES.values() for kind in kinds)


class AuditError(DomainError):
    """An audit request that cannot be done (no reason given, unknown person, …)."""


def clean_reason(reason: str) -> str:
    """A reason as stored: NFKC, control characters dropped, trimmed; AuditError when empty
    or too long (PIPL: a purpose must be stated)."""
    text = unicodedata.normalize("NFKC", reason or "")
    text = "".join(char for char in text if not unicodedata.category(char).startswith("C"))
    text = " ".join(text.split())
    if not text:
        raise AuditError("请填写查看或导出的事由")
    if len(text) > REASON_MAX_LENGTH:
        raise AuditError(f"事由不能超过{REASON_MAX_LENGTH}个字")
    return text


# --------------------------------------------------------------------------- whole records


@dataclass(frozen=True)
class FullRecord:
    """A person's numbers shown whole, after the view was audited."""

    person_id: str
    name: str
    doc_type: str
    id_number: str
    phone: str | None


def _delegated_agencies(session: Session, person_id: str) -> set[str]:
    agencies = set()
    for extra in session.scalars(
        select(Registration.extra).where(Registration.person_id == person_id)
    ):
        agency = (extra or {}).get("delegated_agency")
        if agency:
            agencies.add(str(agency))
    return agencies


def view_full_record(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    person_id: str,
    *,
    reason: str,
    today: dt.date | None = None,
) -> FullRecord:
    """The whole ID number and phone of a person, recorded as "audit.viewed" with the
    clerk and the reason (PIPL). Refused without the 查看完整信息 permission; a disability
    agency sees only people whose registration is delegated to it."""
    today = today or dt.date.today()
    person = session.get(Person, person_id)
    if person is None:
        raise AuditError("找不到该人员档案")
    agencies = _delegated_agencies(session, person_id)
    authorize(
        actor,
        Permission.VIEW_FULL_RECORD,
        on=today,
        disabled_worker=is_disabled_worker(person.health, person.disability_category),
        delegated_agency=actor.agency_id if actor.agency_id in agencies else None,
        for_existing_record=True,
    )
    why = clean_reason(reason)
    record(
        session,
        actor,
        entity_type=AUDIT_ENTITY_TYPE,
        entity_id=person.id,
        kind=VIEWED_KIND,
        payload={
            "subject": "person",
            "fields": ["id_number", "phone"],
            "reason": why,
            "note": f"查看{person.name}（{mask_id_number(person.id_number)}）的完整信息：{why}",
        },
        clock=clock,
    )
    return FullRecord(person.id, person.name, person.doc_type, person.id_number, person.phone)


# --------------------------------------------------------------------------- exports


def record_export(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    *,
    what: str,
    rows: int,
    reason: str,
    file_name: str = "",
    permission: Permission = Permission.EXPORT,
) -> None:
    """Check that the clerk may export (管理员 or 统计; the audit trail itself 管理员 only)
    and journal "audit.exported". Call it before the file is written: no permission, no file."""
    actor.require(permission)
    why = clean_reason(reason)
    record(
        session,
        actor,
        entity_type=AUDIT_ENTITY_TYPE,
        entity_id=str(uuid.uuid4()),
        kind=EXPORTED_KIND,
        payload={
            "what": what,
            "rows": int(rows),
            "reason": why,
            "file_name": file_name[-200:],
            "note": f"导出{what}（{rows} 行）：{why}",
        },
        clock=clock,
    )


# --------------------------------------------------------------------------- the 审计 page


@dataclass(frozen=True)
class AuditFilter:
    """What the 审计 page asks for; every field optional."""

    clerk: str = ""  # a clerk id (user name), exact
    category: str = ""  # a key of AUDIT_CATEGORIES, or "business"; "" = the audit kinds
    since: dt.date | None = None  # Beijing calendar days, both ends included
    until: dt.date | None = None
    person: str = ""  # a name, ID number or phone (as the 查询 page takes it)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the 审计 page: who did what to whom, when."""

    seq: int
    wall_time: dt.datetime
    clerk_id: str
    counter_id: str
    kind: str
    kind_label: str
    person_name: str  # "" when the event concerns no one person
    person_id_masked: str
    detail: str


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, BEIJING).astimezone(dt.UTC)


def _person_entities(session: Session, person_ids: Sequence[str]) -> ColumnElement[bool]:
    registration_ids = list(
        session.scalars(select(Registration.id).where(Registration.person_id.in_(person_ids)))
    )
    conditions = [
        and_(Event.entity_type.in_(("person", AUDIT_ENTITY_TYPE)), Event.entity_id.in_(person_ids))
    ]
    if registration_ids:
        conditions.append(
            and_(Event.entity_type == "registration", Event.entity_id.in_(registration_ids))
        )
    return or_(*conditions)


def _subjects(session: Session, events: Iterable[Event]) -> dict[tuple[str, str], Person]:
    """The person each event concerns, by (entity_type, entity_id)."""
    person_ids: dict[tuple[str, str], str] = {}
    registration_ids = []
    for event in events:
        if event.entity_type in ("person", AUDIT_ENTITY_TYPE):
            person_ids[(event.entity_type, event.entity_id)] = event.entity_id
        elif event.entity_type == "registration":
            registration_ids.append(event.entity_id)
    if registration_ids:
        for registration_id, person_id in session.execute(
            select(Registration.id, Registration.person_id).where(
                Registration.id.in_(registration_ids)
            )
        ):
            person_ids[("registration", registration_id)] = person_id
    persons = {
        person.id: person
        for person in session.scalars(select(Person).where(Person.id.in_(set(person_ids.values()))))
    }
    return {
        key: persons[person_id] for key, person_id in person_ids.items() if person_id in persons
    }


def _detail(event: Event) -> str:
    payload: Mapping[str, Any] = event.payload if isinstance(event.payload, Mapping) else {}
    if event.kind in (VIEWED_KIND, EXPORTED_KIND):
        return str(payload.get("note") or payload.get("reason") or "")
    if event.kind == "document.printed":
        return str(payload.get("note") or payload.get("document") or "")
    if event.kind.startswith(("audit.", "account.")):
        name = payload.get("display_name") or ""
        username = payload.get("username") or ""
        text = f"{name}（{username}）" if name else str(username)
        if event.kind == "audit.sign_in_failed":
            text += f"，连续第 {payload.get('failed_attempts', '?')} 次输错密码"
        if event.kind == "account.changed" and "roles" in payload:
            text += "，角色：" + "、".join(str(role) for role in payload.get("roles") or [])
        return text
    from desktop.store.queries import summarize

    return summarize(event.kind, payload)


def audit_entries(
    session: Session, actor: Actor, wanted: AuditFilter | None = None, *, limit: int = 500
) -> list[AuditEntry]:
    """The newest audit lines matching `wanted` (管理员 only), newest first. ID numbers are
    masked here too: the audit page is a list."""
    actor.require(Permission.VIEW_AUDIT)
    wanted = wanted or AuditFilter()
    query = select(Event)
    if wanted.category == "business":
        query = query.where(
            Event.kind.not_in(_ALL_AUDIT_KINDS), Event.entity_type.in_(("person", "registration"))
        )
    elif wanted.category:
        kinds = AUDIT_CATEGORIES.get(wanted.category)
        if kinds is None:
            raise AuditError(f"未知的审计类别「{wanted.category}」")
        query = query.where(Event.kind.in_(kinds))
    else:
        query = query.where(Event.kind.in_(_ALL_AUDIT_KINDS))
    clerk = normalize_username(wanted.clerk)
    if clerk:
        query = query.where(Event.clerk_id == clerk)
    if wanted.since is not None:
        query = query.where(Event.wall_time >= _day_start(wanted.since))
    if wanted.until is not None:
        query = query.where(Event.wall_time < _day_start(wanted.until + dt.timedelta(days=1)))
    person_text = normalize_search_text(wanted.person)
    if person_text:
        hits = search_persons(session, person_text, limit=50, scope=RecordScope())
        if not hits:
            return []
        query = query.where(_person_entities(session, [hit.person_id for hit in hits]))
    events = list(session.scalars(query.order_by(Event.seq.desc()).limit(max(1, limit))))
    subjects = _subjects(session, events)
    entries = []
    for event in events:
        person = subjects.get((event.entity_type, event.entity_id))
        entries.append(
            AuditEntry(
                seq=event.seq,
                wall_time=event.wall_time,
                clerk_id=event.clerk_id,
                counter_id=event.counter_id,
                kind=event.kind,
                kind_label=AUDIT_KIND_LABELS.get(event.kind, event.kind),
                person_name=person.name if person else "",
                person_id_masked=mask_id_number(person.id_number) if person else "",
                detail=_detail(event),
            )
        )
    return entries


AUDIT_CSV_COLUMNS = ("序号", "时间", "经办人", "窗口", "操作", "对象", "证件号码", "详情")


def _csv_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    text = value.replace("\r", " ").replace("\n", " ")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t") else text


def audit_csv(entries: Sequence[AuditEntry]) -> str:
    """The entries as CSV text (UTF-8 with BOM when written, so Excel reads the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_CSV_COLUMNS)
    for entry in entries:
        local = entry.wall_time.astimezone(BEIJING)
        writer.writerow(
            [
                _csv_cell(value)
                for value in (
                    str(entry.seq),
                    local.strftime("%Y-%m-%d %H:%M:%S"),
                    entry.clerk_id,
                    entry.counter_id,
                    entry.kind_label,
                    entry.person_name,
                    entry.person_id_masked,
                    entry.detail,
                )
            ]
        )
    return out.getvalue()


def export_audit_csv(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    wanted: AuditFilter | None,
    *,
    reason: str,
    file_name: str = "",
    limit: int = 100_000,
) -> tuple[str, int]:
    """The audit lines matching `wanted` as CSV (管理员 only), the export itself journalled as
    "audit.exported" first. Returns (csv text, rows)."""
    actor.require(Permission.EXPORT_AUDIT)
    entries = audit_entries(session, actor, wanted, limit=limit)
    record_export(
        session,
        actor,
        clock,
        what="审计记录",
        rows=len(entries),
        reason=reason,
        file_name=file_name,
        permission=Permission.EXPORT_AUDIT,
    )
    return audit_csv(entries), len(entries)
