"""Use cases after registration (notice §4, §5): contacts, services, refusals, tiers, 注销."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, select, type_coerce
from sqlalchemy.orm import Session

from desktop.domain.codes import code_table
from desktop.domain.errors import DomainError
from desktop.domain.followup import (
    ContactStatus,
    DeregistrationProposal,
    ServiceOffer,
    SweepRecord,
    TierDecision,
    TierFacts,
    check_deregistration_reason,
    is_notified,
    propose_deregistrations,
    service_tier,
)
from desktop.domain.retirement import RetirementCategoryError, default_category
from desktop.domain.roles import Permission
from desktop.services import registration as reg
from desktop.services.accounts import authorize
from desktop.services.registration import CounterContext
from desktop.store.db import FastStatement
from desktop.store.journal import record
from desktop.store.models import Event, Person, Registration
from desktop.store.queries import DELEGATED_AGENCY_FIELD

__all__ = [
    "SERVICE_KINDS",
    "DueRow",
    "FollowupError",
    "confirm_deregistration",
    "deregistration_sweep",
    "monthly_due_list",
    "person_names",
    "record_contact",
    "record_refusal",
    "record_service",
    "set_tier",
]

# notice §4(二)–(八): the services a clerk records.
SERVICE_KINDS: dict[str, str] = {
    "policy_consultation": "政策法规咨询",
    "job_referral": "职业介绍",
    "vocational_guidance": "职业指导",
    "job_search_skills": "求职技巧指导",
    "training_recommendation": "推介职业培训项目",
    "startup_services": "创业服务",
    "ui_benefit_referral": "失业保险金申领指引",
    "policy_application": "受理政策申请",
}

REFUSAL_KIND = "service.refused"


class FollowupError(DomainError):
    """A contact, service, refusal or tier that cannot be recorded as given."""


def _registration(session: Session, registration_id: str) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise FollowupError(f"找不到登记记录 {registration_id}")
    return registration


def _authorize(
    ctx: CounterContext, permission: Permission, registration: Registration, on: dt.date
) -> None:
    authorize(
        ctx.actor,
        permission,
        on=on,
        delegated_agency=(registration.extra or {}).get(DELEGATED_AGENCY_FIELD),
        for_existing_record=True,
    )


def _require_active(registration: Registration, action: str) -> None:
    if registration.status == "deregistered":
        day = registration.deregistered_on.isoformat() if registration.deregistered_on else ""
        raise FollowupError(
            f"登记 {registration.number} 已于 {day} 注销，不能再{action}；"
            "如需服务请重新办理失业登记"
        )
    if registration.status != "registered":
        raise FollowupError(f"登记 {registration.number} 尚未办结登记，不能{action}")


def _check_day(registration: Registration, on: dt.date, today: dt.date | None, what: str) -> None:
    today = today or dt.date.today()
    if on > today:
        raise FollowupError(f"{what}日期 {on.isoformat()} 晚于今天 {today.isoformat()}，请核对")
    if registration.registered_on is not None and on < registration.registered_on:
        raise FollowupError(f"{what}日期不能早于登记日期 {registration.registered_on.isoformat()}")


def _record(
    ctx: CounterContext,
    session: Session,
    registration_id: str,
    kind: str,
    payload: Mapping[str, Any],
) -> None:
    record(
        session,
        ctx.actor,
        entity_type="registration",
        entity_id=registration_id,
        kind=kind,
        payload=payload,
        clock=ctx.clock,
    )


def record_contact(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    method: str,
    reached: bool,
    note: str = "",
    today: dt.date | None = None,
) -> None:
    """定期联系 (notice §5: 每月至少1次), reached or not."""
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.RECORD_SERVICE, registration, on)
    _require_active(registration, "记录联系")
    if method not in code_table("contact_method"):
        raise FollowupError(f"联系方式「{method}」无效")
    _check_day(registration, on, today, "联系")
    _record(
        ctx,
        session,
        registration_id,
        "contact.recorded",
        {"contacted_on": on, "method": method, "reached": reached, "note": note.strip()},
    )


def record_service(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    kind: str,
    content: str,
    result: str = "",
    details: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> None:
    """One service of notice §4 (kinds in SERVICE_KINDS), with content and result."""
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.RECORD_SERVICE, registration, on)
    _require_active(registration, "记录服务")
    if kind not in SERVICE_KINDS:
        raise FollowupError(f"服务类别「{kind}」无效")
    if not content.strip():
        raise FollowupError(f"请填写{SERVICE_KINDS[kind]}的服务内容")
    _check_day(registration, on, today, "服务")
    payload = {
        "served_on": on,
        "service_kind": kind,
        "content": content.strip(),
        "result": result.strip(),
        "details": dict(details or {}),
    }
    _record(ctx, session, registration_id, "service.recorded", payload)


def record_refusal(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    service_kind: str,
    valid_reason: bool,
    reason_text: str = "",
    method: str = "field_visit",
    today: dt.date | None = None,
) -> None:
    """A refused public employment service (notice §5(三)), with whether the reason is valid.

    The person was reached, so a reached contact is recorded with it (monthly contact)."""
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.RECORD_SERVICE, registration, on)
    _require_active(registration, "记录拒绝服务")
    if service_kind not in SERVICE_KINDS:
        raise FollowupError(f"服务类别「{service_kind}」无效")
    if method not in code_table("contact_method"):
        raise FollowupError(f"联系方式「{method}」无效")
    if valid_reason and not reason_text.strip():
        raise FollowupError("认定有正当理由时须填写理由")
    _check_day(registration, on, today, "拒绝服务")
    _record(
        ctx,
        session,
        registration_id,
        REFUSAL_KIND,
        {
            "refused_on": on,
            "service_kind": service_kind,
            "valid_reason": valid_reason,
            "reason": reason_text.strip(),
        },
    )
    note = f"拒绝接受{SERVICE_KINDS[service_kind]}"
    _record(
        ctx,
        session,
        registration_id,
        "contact.recorded",
        {"contacted_on": on, "method": method, "reached": True, "note": note},
    )


def _tier_facts(session: Session, registration: Registration, today: dt.date) -> TierFacts:
    person = session.get(Person, registration.person_id)
    return TierFacts(
        today=today,
        sex=person.sex if person else None,
        birth_date=person.birth_date if person else None,
        health=person.health if person else None,
        disability_category=person.disability_category if person else None,
        registered_on=registration.registered_on,
        unemployed_since=registration.unemployed_since,
        difficulty_categories=tuple(registration.difficulty_categories or ()),
    )


def suggest_tier(session: Session, registration_id: str, *, today: dt.date) -> TierDecision:
    """The tier the documented rules give this registration, with reasons."""
    registration = _registration(session, registration_id)
    return service_tier(_tier_facts(session, registration, today))


def set_tier(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    tier: str | None = None,
    override_reason: str = "",
) -> TierDecision:
    """分级分类 (notice §4): the rules' tier, or the clerk's with a written override reason."""
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.RECORD_SERVICE, registration, on)
    _require_active(registration, "设定服务等级")
    decision = service_tier(_tier_facts(session, registration, on))
    chosen = tier or decision.tier
    if chosen not in code_table("service_tier"):
        raise FollowupError(f"服务等级「{chosen}」无效")
    if chosen != decision.tier and not override_reason.strip():
        raise FollowupError(f"规则确定的服务等级为「{decision.label}」，改为其他等级须填写理由")
    payload = {
        "tier": chosen,
        "suggested_tier": decision.tier,
        "reasons": list(decision.reasons),
        "difficulty_categories": list(decision.difficulty_categories),
        "override_reason": override_reason.strip() if chosen != decision.tier else "",
    }
    _record(ctx, session, registration_id, "aidplan.set", payload)
    return TierDecision(chosen, decision.reasons, decision.difficulty_categories)


class DueRow(NamedTuple):
    """A registered person not yet contacted in the month (names: person_names)."""

    registration_id: str
    number: str
    person_id: str
    registered_on: dt.date
    last_contact_on: dt.date | None
    status: ContactStatus


_AS_TEXT = String()
# Dates read as ISO text: no per-row date parsing for the rows that only need comparing.
_DUE_QUERY = FastStatement(
    select(
        Registration.id,
        Registration.number,
        Registration.person_id,
        type_coerce(Registration.registered_on, _AS_TEXT),
        type_coerce(Registration.last_contact_on, _AS_TEXT),
    )
    .where(
        Registration.status == "registered",
        Registration.region == bindparam("region"),
        Registration.registered_on < bindparam("month_start"),
        (Registration.last_contact_on.is_(None))
        | (Registration.last_contact_on < bindparam("month_start")),
    )
    .order_by(Registration.number)
)


def monthly_due_list(session: Session, region: str, month: dt.date) -> list[DueRow]:
    """Who is due or overdue for the monthly contact (notice §5) in `month`, overdue first.

    Meant for the current month: the projection keeps only the latest reached contact, so for
    a past month someone reached after it is not listed. One query over the active
    registrations; the names come from person_names() for the rows on screen (50,000 rows
    with a join to person take longer than the 200 ms the issue allows)."""
    start = month.replace(day=1)
    previous = (start - dt.timedelta(days=1)).replace(day=1)
    # ISO dates compare as text. Same rule as desktop.domain.followup.contact_status: no contact
    # since the registration in this month (WHERE clause), so DUE if the latest was last
    # month, OVERDUE if a whole month passed without one.
    previous_iso = previous.isoformat()
    due_status, overdue_status = ContactStatus.DUE, ContactStatus.OVERDUE
    overdue: list[DueRow] = []
    due: list[DueRow] = []
    parse = dt.date.fromisoformat
    make = tuple.__new__  # DueRow(...) without NamedTuple's Python-level __new__: 50,000 rows
    for rid, number, person_id, registered, last in _DUE_QUERY.rows(
        session.connection(), {"region": region, "month_start": start}
    ):
        latest = registered if last is None or last < registered else last
        if latest >= previous_iso:
            row = (
                rid,
                number,
                person_id,
                parse(registered),
                parse(last) if last else None,
                due_status,
            )
            due.append(make(DueRow, row))
        else:
            row = (
                rid,
                number,
                person_id,
                parse(registered),
                parse(last) if last else None,
                overdue_status,
            )
            overdue.append(make(DueRow, row))
    return overdue + due


def person_names(session: Session, person_ids: Iterable[str]) -> dict[str, str]:
    """Names of these people (for the rows a list shows)."""
    ids = list(dict.fromkeys(person_ids))
    names: dict[str, str] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        query = select(Person.id, Person.name).where(Person.id.in_(chunk))
        names.update({pid: name for pid, name in session.connection().execute(query)})
    return names


def _registered_in_region(region: str, only: str | None) -> Any:
    query = select(Registration.id).where(
        Registration.status == "registered", Registration.region == region
    )
    return query if only is None else query.where(Registration.id == only)


def _offers(session: Session, region: str, only: str | None) -> dict[str, list[ServiceOffer]]:
    refused_on = Event.payload["refused_on"].as_string()
    valid = Event.payload["valid_reason"].as_boolean()
    offers: dict[str, list[ServiceOffer]] = defaultdict(list)
    query = select(Event.entity_id, refused_on, valid).where(
        Event.kind == REFUSAL_KIND, Event.entity_id.in_(_registered_in_region(region, only))
    )
    for entity_id, day, valid_reason in session.execute(query):
        offers[entity_id].append(
            ServiceOffer(dt.date.fromisoformat(day), False, bool(valid_reason))
        )
    # An accepted service ends a run of refusals: read them only for those who refused.
    if offers:
        served_on = Event.payload["served_on"].as_string()
        services = select(Event.entity_id, served_on).where(
            Event.kind == "service.recorded", Event.entity_id.in_(list(offers))
        )
        for entity_id, day in session.execute(services):
            offers[entity_id].append(ServiceOffer(dt.date.fromisoformat(day), True))
    return offers


def _sweep_records(session: Session, region: str, only: str | None = None) -> list[SweepRecord]:
    pension = Registration.extra["pension_evidence"].as_string()
    post = Registration.extra["retirement_post"].as_string()
    query = (
        select(
            Registration.id,
            Registration.registered_on,
            Registration.last_contact_on,
            Person.sex,
            Person.birth_date,
            pension,
            post,
        )
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.status == "registered", Registration.region == region)
    )
    if only is not None:
        query = query.where(Registration.id == only)
    offers = _offers(session, region, only)
    records = []
    for rid, registered, last, sex, birth, evidence, retirement_post in session.execute(query):
        if registered is None:  # a projection anomaly: nothing to judge the clocks from
            continue
        try:
            category = default_category(sex or "", retirement_post) if birth else None
        except RetirementCategoryError:
            category = None
        records.append(
            SweepRecord(
                rid,
                registered,
                last,
                sex,
                birth,
                category,
                tuple(offers.get(rid, ())),
                evidence or "",
            )
        )
    return records


def deregistration_sweep(
    session: Session, region: str, today: dt.date
) -> list[DeregistrationProposal]:
    """The daily sweep (issue 6): proposals for a 审核 to confirm; nothing is deregistered."""
    return propose_deregistrations(_sweep_records(session, region), today)


def confirm_deregistration(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    reason: str,
    note: str = "",
    evidence: str = "",
) -> bool:
    """注销 after checking the record does not contradict the reason (ContradictionError);
    returns whether the person is to be sent the 注销告知书 (notice §5)."""
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.CONFIRM_DEREGISTRATION, registration, on)
    _require_active(registration, "注销")
    records = _sweep_records(session, registration.region or "", only=registration_id)
    if records:
        check_deregistration_reason(reason, records[0], on, evidence=evidence)
    full_note = "；".join(part for part in (note.strip(), evidence.strip()) if part)
    reg.deregister(session, ctx, registration_id, on=on, reason=reason, note=full_note)
    return is_notified(reason)
