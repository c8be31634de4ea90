"""Read queries for the counter screens: find a person fast, and show their full history."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, func, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from desktop.domain.codes import code_table
from desktop.domain.idnumbers import mask_id_number
from desktop.store.models import (
    AidPlan,
    Event,
    FalseInfoMark,
    HomeVisitTask,
    Person,
    Registration,
    WelfarePost,
)
from desktop.store.projections_aid import AID_PLAN, FALSE_INFO, WELFARE_POST
from desktop.store.projections_aid import KIND_LABELS as _AID_KIND_LABELS
from desktop.store.projector import FIELD_LABELS

# Past the last Unicode code point: "p <= x < p + _TOP" is "x starts with p", and SQLite can
# answer it with an index range scan (LIKE 'p%' cannot use the index under the default
# case-insensitive LIKE, and '%p%' never can).
_TOP = "\U0010ffff"

_ID_LIKE = re.compile(r"\d+X?")
_PHONE_FULL = re.compile(r"1\d{10}")
_PHONE_PREFIX = re.compile(r"1\d{2,10}")


@dataclass(frozen=True)
class PersonHit:
    """One search result row: the person, and their latest registration if any."""

    person_id: str
    name: str
    id_number: str
    doc_type: str
    sex: str | None
    birth_date: dt.date | None
    phone: str | None
    residence_region: str | None
    registration_number: str | None
    registration_status: str | None


def normalize_search_text(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), spaces trimmed, a trailing x upper."""
    normalized = unicodedata.normalize("NFKC", text or "").strip()
    compact = re.sub(r"[\s-]+", "", normalized)
    if _ID_LIKE.fullmatch(compact.upper()):
        return compact.upper()
    return normalized


def _prefix(column: InstrumentedAttribute[Any], prefix: str) -> ColumnElement[bool]:
    return (column >= prefix) & (column < prefix + _TOP)


@dataclass(frozen=True)
class RecordScope:
    """Which records a clerk may see. The whole counter's (the default), or for a disability
    employment service agency's staff only the registrations delegated to that agency and
    their persons (issue 8; the central database's row-level security does the same)."""

    agency_id: str | None = None


# The registration.applied payload's field naming the agency (desktop/sync/push.py reads it
# too); the fold keeps fields it does not know in `extra`.
DELEGATED_AGENCY_FIELD = "delegated_agency"


def _delegated_to(agency_id: str) -> ColumnElement[bool]:
    agency: ColumnElement[str] = Registration.extra[DELEGATED_AGENCY_FIELD].as_string()
    return agency == agency_id


def _persons_by_prefix(
    session: Session,
    column: InstrumentedAttribute[Any],
    prefix: str,
    limit: int,
    scope: RecordScope | None = None,
) -> list[Person]:
    query = select(Person).where(_prefix(column, prefix))
    if scope is not None and scope.agency_id is not None:
        delegated = select(Registration.id).where(
            Registration.person_id == Person.id, _delegated_to(scope.agency_id)
        )
        query = query.where(delegated.exists())
    return list(session.scalars(query.order_by(column).limit(limit)))


def _latest_registrations(
    session: Session, person_ids: Sequence[str], scope: RecordScope | None = None
) -> dict[str, tuple[str, str]]:
    if not person_ids:
        return {}
    query = select(
        Registration.person_id,
        Registration.number,
        Registration.status,
        Registration.applied_on,
        Registration.last_hlc,
    ).where(Registration.person_id.in_(person_ids))
    if scope is not None and scope.agency_id is not None:
        query = query.where(_delegated_to(scope.agency_id))
    rows = session.execute(query).all()
    latest: dict[str, tuple[Any, ...]] = {}
    for person_id, number, status, applied_on, last_hlc in rows:
        key = (applied_on or dt.date.min, last_hlc)
        if person_id not in latest or key > latest[person_id][0]:
            latest[person_id] = (key, number, status)
    return {person_id: (value[1], value[2]) for person_id, value in latest.items()}


def search_persons(
    session: Session, text: str, limit: int = 50, scope: RecordScope | None = None
) -> list[PersonHit]:
    """Persons whose ID number, phone or name starts with `text` (see the rules below),
    within `scope` (None: every record of the counter)."""
    query = normalize_search_text(text)
    if not query or limit <= 0:
        return []
    persons: list[Person] = []
    if _ID_LIKE.fullmatch(query):
        # Six digits already name a county; a final X only occurs in ID numbers.
        if len(query) >= 6 or query.endswith("X"):
            persons = _persons_by_prefix(session, Person.id_number, query, limit, scope)
        if not persons and (_PHONE_FULL.fullmatch(query) or _PHONE_PREFIX.fullmatch(query)):
            persons = _persons_by_prefix(session, Person.phone, query, limit, scope)
        if not persons and len(query) < 6 and not query.endswith("X"):
            persons = _persons_by_prefix(session, Person.id_number, query, limit, scope)
    else:
        # Ordered by name, so the exact name comes before longer names it is a prefix of.
        persons = _persons_by_prefix(session, Person.name, query, limit, scope)
    latest = _latest_registrations(session, [person.id for person in persons], scope)
    hits = []
    for person in persons:
        number, status = latest.get(person.id, (None, None))
        hits.append(
            PersonHit(
                person_id=person.id,
                name=person.name,
                id_number=person.id_number,
                doc_type=person.doc_type,
                sex=person.sex,
                birth_date=person.birth_date,
                phone=person.phone,
                residence_region=person.residence_region,
                registration_number=number,
                registration_status=status,
            )
        )
    return hits


def find_duplicate_persons(session: Session) -> list[tuple[str, str, list[str]]]:
    """(doc_type, id_number, person ids) for each document recorded as more than one person,
    e.g. by two counters while offline; a supervisor merges them."""
    duplicated = (
        select(Person.doc_type, Person.id_number)
        .group_by(Person.doc_type, Person.id_number)
        .having(func.count() > 1)
        .subquery()
    )
    rows = session.execute(
        select(Person.doc_type, Person.id_number, Person.id)
        .join(
            duplicated,
            (Person.doc_type == duplicated.c.doc_type)
            & (Person.id_number == duplicated.c.id_number),
        )
        .order_by(Person.id_number, Person.created_hlc)
    ).all()
    grouped: dict[tuple[str, str], list[str]] = {}
    for doc_type, id_number, person_id in rows:
        grouped.setdefault((doc_type, id_number), []).append(person_id)
    return [(doc, number, ids) for (doc, number), ids in grouped.items()]


# --------------------------------------------------------------------------- this clerk's list

# registration.applied is recorded on the registration itself (desktop.services.registration),
# so its entity_id is the registration's id.
_APPLIED_KIND = "registration.applied"


def registrations_followed_by(session: Session, clerk_id: str) -> set[str]:
    """Ids of the registrations (any status) this clerk follows up: those whose application
    they accepted (受理: the clerk of the registration.applied event), and those whose aid plan
    names them as the designated staff member (notice §4(五)1: 指定专人负责).

    Two index probes: ix_journal_kind_clerk (kind, clerk_id, entity_id; migration 0008)
    answers the first from the index alone, ix_aid_plan_staff_id the second."""
    if not clerk_id:
        return set()
    accepted = select(_JOURNAL.c.entity_id).where(
        _JOURNAL.c.kind == _APPLIED_KIND, _JOURNAL.c.clerk_id == clerk_id
    )
    designated = select(AidPlan.id).where(AidPlan.staff_id == clerk_id)
    return set(session.connection().execute(union_all(accepted, designated)).scalars())


# --------------------------------------------------------------------------- history

KIND_LABELS: dict[str, str] = {
    "person.recorded": "建立档案",
    "person.updated": "修改档案",
    "registration.applied": "申请受理",
    "registration.verified": "核实",
    "verification.compared": "数据比对",
    "registration.registered": "登记",
    "registration.rejected": "不予登记",
    "deregistration.done": "注销",
    "commitment.printed": "打印承诺书",
    "commitment.signed": "签署承诺书",
    "contact.recorded": "联系",
    "service.recorded": "服务",
    "service.refused": "拒绝服务",
    "followup.visited": "回访",
    "aidplan.set": "服务等级",
    "survey.recorded": "摸底调查",
    "home_visit.assigned": "上门核实派单",
    "home_visit.reassigned": "上门核实改派",
    "home_visit.completed": "上门核实",
    "home_visit.cancelled": "取消上门核实",
    "document.printed": "打印文书",
    "reference.changed": "修改清单",
    "conflict.resolved": "处理冲突记录",
    **_AID_KIND_LABELS,
}

_CHANNEL_LABELS = {"counter": "窗口", "online": "网上", "delegated": "委托"}


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a person's history, as the history panel shows it."""

    hlc: str
    wall_time: dt.datetime
    kind: str
    kind_label: str
    registration_number: str | None
    clerk_id: str
    counter_id: str
    summary: str
    # The event's content, for the record page's tables (services, contacts, visits …).
    payload: Mapping[str, Any] = field(default_factory=dict)
    entity_type: str = ""


def _get(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    return "" if value is None else str(value)


def _join(*parts: str) -> str:
    return "，".join(part for part in parts if part)


def summarize(kind: str, payload: Mapping[str, Any]) -> str:
    """A Chinese one-liner describing an event's payload; never fails on odd payloads."""
    if not isinstance(payload, Mapping):
        return ""
    if kind == "person.recorded":
        # PIPL: lists and history show the ID number masked; the record page shows it whole.
        return _join(_get(payload, "name"), mask_id_number(_get(payload, "id_number")))
    if kind == "person.updated":
        fields = [FIELD_LABELS.get(str(key), str(key)) for key in payload]
        return "修改：" + "、".join(fields) if fields else ""
    if kind == "registration.applied":
        channel = _get(payload, "channel")
        return _join(
            f"渠道：{_CHANNEL_LABELS.get(channel, channel)}" if channel else "",
            f"受理日期：{_get(payload, 'applied_on')}" if payload.get("applied_on") else "",
            f"办结期限：{_get(payload, 'due_on')}" if payload.get("due_on") else "",
        )
    if kind == "registration.verified":
        return _join(
            f"核实日期：{_get(payload, 'verified_on')}" if payload.get("verified_on") else "",
            f"方式：{_label(VERIFY_METHOD_LABELS, _get(payload, 'method'))}"
            if payload.get("method")
            else "",
        )
    if kind == "registration.registered":
        return f"登记日期：{_get(payload, 'registered_on')}" if payload.get("registered_on") else ""
    if kind in ("registration.rejected", "deregistration.done"):
        day_key = "rejected_on" if kind == "registration.rejected" else "deregistered_on"
        return _join(
            f"日期：{_get(payload, day_key)}" if payload.get(day_key) else "",
            f"原因：{_reason_label(kind, _get(payload, 'reason'))}"
            if payload.get("reason")
            else "",
        )
    if kind == "contact.recorded":
        reached = payload.get("reached", True) is not False
        return _join(
            f"日期：{_get(payload, 'contacted_on')}" if payload.get("contacted_on") else "",
            f"方式：{_code_label('contact_method', _get(payload, 'method'))}"
            if payload.get("method")
            else "",
            "已联系上" if reached else "未联系上",
            _get(payload, "note"),
        )
    if kind == "service.recorded":
        service = _service_label(_get(payload, "service_kind")) or _get(payload, "service")
        details = payload.get("details")
        detail_text = (
            "、".join(str(value) for value in details.values() if value and value is not True)
            if isinstance(details, Mapping)
            else ""
        )
        return _join(
            f"日期：{_get(payload, 'served_on')}" if payload.get("served_on") else "",
            service,
            _get(payload, "content") or _get(payload, "item"),
            detail_text,
            f"结果：{_get(payload, 'result')}" if payload.get("result") else "",
            _get(payload, "note"),
        )
    if kind == "aidplan.set" and "tier" in payload:
        reasons = payload.get("reasons")
        return _join(
            f"服务等级：{_code_label('service_tier', _get(payload, 'tier'))}",
            f"改定理由：{_get(payload, 'override_reason')}"
            if payload.get("override_reason")
            else "；".join(map(str, reasons))
            if isinstance(reasons, list)
            else "",
        )
    if kind.startswith("home_visit."):
        return _join(
            _get(payload, "visited_on") or _get(payload, "due_on"),
            _get(payload, "note") or _get(payload, "reason"),
            _get(payload, "findings"),
        )
    if kind == "service.refused":
        return _join(
            f"日期：{_get(payload, 'refused_on')}" if payload.get("refused_on") else "",
            f"拒绝{_service_label(_get(payload, 'service_kind'))}",
            "有正当理由" if payload.get("valid_reason") else "无正当理由",
            _get(payload, "reason"),
        )
    if kind in _AID_SUMMARIES or kind == "followup.visited" or kind == "survey.recorded":
        return _aid_summary(kind, payload)
    if kind == "document.printed":
        return _join(_get(payload, "title") or _get(payload, "document"), _get(payload, "printer"))
    return _get(payload, "note")


VERIFY_METHOD_LABELS = {"data_comparison": "数据比对", "home_visit": "上门核实"}


def _service_label(code: str) -> str:
    from desktop.domain.followup import SERVICE_KINDS

    return SERVICE_KINDS.get(code, code)


def _code_label(table: str, code: str) -> str:
    """The Chinese label of a code of a shipped code table; an unknown code (an older or a
    free-text payload) as it is."""
    entry = code_table(table).get(code)
    return entry.label if entry is not None else code


def _visit_outcome_label(code: str) -> str:
    from desktop.domain.aid import PERSON_VISIT_OUTCOMES

    return PERSON_VISIT_OUTCOMES.get(code, code)


_AID_SUMMARIES: dict[str, tuple[tuple[str, str], ...]] = {
    "aid.staff_assigned": (("staff_name", "责任人"), ("assigned_on", "日期")),
    "aid.plan_made": (("made_on", "日期"), ("needs", "援助需求")),
    "aid.step_done": (("done_on", "日期"), ("result", "完成情况")),
    "aid.reentered": (("reentered_on", "日期"), ("measures", "新的援助措施")),
    "aid.closed": (("closed_on", "日期"), ("reason", "原因")),
    "post.placed": (("post", "岗位"), ("employer", "单位"), ("start_on", "上岗"), ("end_on", "至")),
    "post.ended": (("ended_on", "日期"), ("reason", "原因")),
    "credit.false_info_marked": (("marked_on", "日期"), ("finding", "不实信息")),
    "credit.false_info_withdrawn": (("withdrawn_on", "日期"), ("reason", "理由")),
}
# followup.visited's visit_kind (desktop.domain.aid.VISIT_PERSON / VISIT_EMPLOYER).
_VISIT_KIND_LABELS = {"person": "回访本人", "employer": "回访用人单位"}
_VISIT_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "person": (
        ("visited_on", "回访本人"),
        ("employment_situation", "就业创业状况"),
        ("measures_carried_out", "援助措施落实"),
    ),
    "employer": (
        ("visited_on", "回访用人单位"),
        ("employer", "单位"),
        ("employment_status", "就业现状"),
    ),
}


def _aid_summary(kind: str, payload: Mapping[str, Any]) -> str:
    if kind == "survey.recorded":
        if payload.get("work_wish", True) is not False:
            wish = "有就业愿望"
        else:
            reason = _get(payload, "no_wish_reason")
            label = _code_label("no_work_wish_reason", reason) if reason else ""
            wish = f"暂无就业愿望（{label}）" if label else "暂无就业愿望"
        return _join(f"日期：{_get(payload, 'surveyed_on')}", wish, _get(payload, "job_wish"))
    if kind == "followup.visited":
        visit_kind = _get(payload, "visit_kind")
        fields = _VISIT_FIELDS.get(visit_kind, ())
        concerns = payload.get("concerns") or []
        extra = (
            "问题：" + "、".join(map(str, concerns))
            if isinstance(concerns, list) and concerns
            else ""
        )
        outcome = _get(payload, "outcome")
        return _join(
            _VISIT_KIND_LABELS.get(visit_kind, visit_kind) if not payload.get("visited_on") else "",
            *(f"{label}：{_get(payload, key)}" for key, label in fields if payload.get(key)),
            f"结论：{_visit_outcome_label(outcome)}" if outcome else "",
            extra,
        )
    parts = [
        f"{label}：{_get(payload, key)}" for key, label in _AID_SUMMARIES[kind] if payload.get(key)
    ]
    if kind == "aid.reentered" and payload.get("outcome"):
        parts.insert(1, f"回访结论：{_visit_outcome_label(_get(payload, 'outcome'))}")
    return _join(*parts)


def _label(labels: Mapping[str, str], code: str) -> str:
    return labels.get(code, code)


def _reason_label(kind: str, reason: str) -> str:
    """Deregistration reasons are codes of the notice §5 table; rejections are free text."""
    if kind != "deregistration.done":
        return reason
    from desktop.domain.codes import code_table

    found = code_table("deregistration_reason").get(reason)
    return found.label if found else reason


_JOURNAL = cast(Table, Event.__table__)
_HISTORY_COLUMNS = (
    _JOURNAL.c.entity_type,
    _JOURNAL.c.entity_id,
    _JOURNAL.c.kind,
    _JOURNAL.c.payload,
    _JOURNAL.c.hlc,
    _JOURNAL.c.id,
    _JOURNAL.c.wall_time,
    _JOURNAL.c.clerk_id,
    _JOURNAL.c.counter_id,
)


def _events_of(session: Session, entities: Mapping[str, Sequence[str]]) -> list[Any]:
    """The events of these entities (type → ids), newest first: one indexed probe per type
    (ix_journal_entity), glued with UNION ALL."""
    parts = [
        select(*_HISTORY_COLUMNS).where(
            _JOURNAL.c.entity_type == entity_type, _JOURNAL.c.entity_id.in_(list(ids))
        )
        for entity_type, ids in entities.items()
        if ids
    ]
    if not parts:
        return []
    query = union_all(*parts).subquery()
    return list(
        session.connection().execute(select(query).order_by(query.c.hlc.desc(), query.c.id.desc()))
    )


def _history(
    session: Session, entities: Mapping[str, Sequence[str]], numbers: Mapping[str, str]
) -> list[HistoryEntry]:
    """`numbers`: registration number by entity id, for entities that belong to one."""
    return [
        HistoryEntry(
            hlc=row.hlc,
            wall_time=row.wall_time,
            kind=row.kind,
            kind_label=KIND_LABELS.get(row.kind, row.kind),
            registration_number=numbers.get(row.entity_id) if row.entity_type != "person" else None,
            clerk_id=row.clerk_id,
            counter_id=row.counter_id,
            summary=summarize(row.kind, row.payload),
            payload=row.payload if isinstance(row.payload, Mapping) else {},
            entity_type=row.entity_type,
        )
        for row in _events_of(session, entities)
    ]


@dataclass(frozen=True)
class PersonRecord:
    """Everything the person's record page shows (issue 6): the person, their registrations
    (newest first), the serving projections, and the full history, newest first. Home-visit
    tasks come from home_visit_task: pulled visits show once desktop.services.verification.
    refresh_home_visits has run (the 待办 page does)."""

    person: Person | None
    registrations: tuple[Registration, ...]
    aid_plans: tuple[AidPlan, ...]
    posts: tuple[WelfarePost, ...]
    false_info_marks: tuple[FalseInfoMark, ...]
    home_visits: tuple[HomeVisitTask, ...]
    history: tuple[HistoryEntry, ...]

    @property
    def current_registration(self) -> Registration | None:
        """The registration in force, else the newest."""
        for registration in self.registrations:
            if registration.status == "registered":
                return registration
        return self.registrations[0] if self.registrations else None

    @property
    def tier(self) -> str | None:
        current = self.current_registration
        return current.tier if current is not None else None

    @property
    def aid_plan(self) -> AidPlan | None:
        current = self.current_registration
        plans = {plan.id: plan for plan in self.aid_plans}
        return plans.get(current.id) if current is not None else None

    @property
    def false_info_marked(self) -> bool:
        return any(mark.status == "marked" for mark in self.false_info_marks)

    def _of_kind(self, *kinds: str) -> tuple[HistoryEntry, ...]:
        return tuple(entry for entry in self.history if entry.kind in kinds)

    @property
    def services(self) -> tuple[HistoryEntry, ...]:
        return self._of_kind("service.recorded")

    @property
    def contacts(self) -> tuple[HistoryEntry, ...]:
        return self._of_kind("contact.recorded")

    @property
    def refusals(self) -> tuple[HistoryEntry, ...]:
        return self._of_kind("service.refused")

    @property
    def visits(self) -> tuple[HistoryEntry, ...]:
        """回访本人 and 回访用人单位 (payload visit_kind "person" / "employer")."""
        return self._of_kind("followup.visited")

    @property
    def surveys(self) -> tuple[HistoryEntry, ...]:
        return self._of_kind("survey.recorded")

    @property
    def home_visit_events(self) -> tuple[HistoryEntry, ...]:
        return tuple(entry for entry in self.history if entry.entity_type == "home_visit")


def _sorted_registrations(registrations: Sequence[Registration]) -> tuple[Registration, ...]:
    return tuple(
        sorted(
            registrations,
            key=lambda r: (r.applied_on or dt.date.min, r.last_hlc or ""),
            reverse=True,
        )
    )


def person_record(session: Session, person_id: str) -> PersonRecord:
    """The person's full record for the record page, in a handful of indexed queries."""
    person = session.get(Person, person_id)
    registrations = _sorted_registrations(
        list(session.scalars(select(Registration).where(Registration.person_id == person_id)))
    )
    numbers = {registration.id: registration.number for registration in registrations}
    plans = tuple(session.scalars(select(AidPlan).where(AidPlan.person_id == person_id)))
    posts = tuple(
        session.scalars(
            select(WelfarePost)
            .where(WelfarePost.person_id == person_id)
            .order_by(WelfarePost.start_on.desc())
        )
    )
    marks = tuple(
        session.scalars(select(FalseInfoMark).where(FalseInfoMark.person_id == person_id))
    )
    visits: tuple[HomeVisitTask, ...] = ()
    if numbers:
        visits = tuple(
            session.scalars(
                select(HomeVisitTask)
                .where(HomeVisitTask.registration_id.in_(list(numbers)))
                .order_by(HomeVisitTask.assigned_on.desc())
            )
        )
    for post in posts:
        numbers[post.id] = numbers.get(post.registration_id, "")
    for visit in visits:
        numbers[visit.id] = numbers.get(visit.registration_id, "")
    entities = {
        "person": [person_id],
        "registration": [registration.id for registration in registrations],
        AID_PLAN: [plan.id for plan in plans],
        FALSE_INFO: [mark.id for mark in marks],
        WELFARE_POST: [post.id for post in posts],
        "home_visit": [visit.id for visit in visits],
    }
    return PersonRecord(
        person=person,
        registrations=registrations,
        aid_plans=plans,
        posts=posts,
        false_info_marks=marks,
        home_visits=visits,
        history=tuple(_history(session, entities, numbers)),
    )


def person_history(session: Session, person_id: str) -> list[HistoryEntry]:
    """The person's own events and those of all their registrations, aid plans, posts,
    false-information marks and home visits, newest first."""
    return list(person_record(session, person_id).history)
