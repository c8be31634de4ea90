"""Use cases after registration (notice §4, §5): contacts, services, refusals, tiers, 注销."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from desktop.domain.codes import code_table
from desktop.domain.errors import DomainError
from desktop.domain.followup import (
    REASON_PENSION,
    REASON_STABLE_INCOME,
    SERVICE_KINDS,
    ContactStatus,
    ContradictionError,
    DeregistrationProposal,
    MinimumStandard,
    ServiceOffer,
    SweepRecord,
    TierDecision,
    TierFacts,
    deregistration_contradictions,
    is_notified,
    minimum_standard_on,
    propose_deregistrations,
    service_tier,
    shipped_minimum_standards,
)
from desktop.domain.retirement import RetirementCategoryError, default_category
from desktop.domain.roles import Permission
from desktop.services import registration as reg
from desktop.services.accounts import authorize
from desktop.services.registration import CounterContext
from desktop.store.db import FastStatement
from desktop.store.models import Event, MinimumLivingStandard, Person, Registration
from desktop.store.projector import entity_events
from desktop.store.queries import DELEGATED_AGENCY_FIELD

__all__ = [
    "GUIDANCE_KINDS",
    "SERVICE_KINDS",
    "DueRow",
    "FollowupError",
    "Survey",
    "confirm_deregistration",
    "deregistration_problems",
    "deregistration_sweep",
    "latest_survey",
    "minimum_standard",
    "monthly_due_list",
    "person_names",
    "record_contact",
    "record_no_wish_guidance",
    "record_refusal",
    "record_service",
    "record_survey",
    "seed_minimum_standards",
    "set_tier",
    "suggest_tier",
]


REFUSAL_KIND = "service.refused"
SURVEY_KIND = "survey.recorded"
# notice §4(六): 对暂无就业愿望人员…通过积极的职业指导、职业介绍、推荐职业培训和宣传落实相应
# 帮扶政策，引导其重新就业 — the services that count as that guidance.
GUIDANCE_KINDS = (
    "vocational_guidance",
    "job_referral",
    "training_recommendation",
    "policy_consultation",
)


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
    ctx.record(
        session,
        "registration",
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
    ctx.record(session, "registration", registration_id, "service.recorded", payload)


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
    ctx.record(
        session,
        "registration",
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
    ctx.record(
        session,
        "registration",
        registration_id,
        "contact.recorded",
        {"contacted_on": on, "method": method, "reached": True, "note": note},
    )


def _tier_facts(session: Session, registration: Registration, today: dt.date) -> TierFacts:
    person = session.get(Person, registration.person_id)
    survey = latest_survey(session, registration.id)
    # The 摸底 survey's health, when it asked, is newer than the registration form's.
    health = (survey or {}).get("health") or (person.health if person else None)
    return TierFacts(
        today=today,
        sex=person.sex if person else None,
        birth_date=person.birth_date if person else None,
        health=health,
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
    ctx.record(session, "registration", registration_id, "aidplan.set", payload)
    return TierDecision(chosen, decision.reasons, decision.difficulty_categories)


# --------------------------------------------------------------------------- 摸底 survey


class Survey(NamedTuple):
    """The 摸底调查 (notice §4(一), §4: 就业经历、失业原因、知识技能、健康状况、就业愿望)."""

    employment_history: str
    skills: str
    job_wish: str = ""
    skill_level: str | None = None  # skill_level code
    health: str | None = None  # health code (GB/T 2261.3)
    training_wish: bool = False
    startup_wish: bool = False
    work_wish: bool = True
    no_wish_reason: str = ""  # no_work_wish_reason code, when work_wish is False
    no_wish_note: str = ""
    unemployment_detail: str = ""


def _check_survey(survey: Survey) -> None:
    if not survey.employment_history.strip():
        raise FollowupError("请填写就业经历（无就业经历的填写“无”）")
    if not survey.skills.strip():
        raise FollowupError("请填写知识技能情况（无专门技能的填写“无”）")
    if survey.skill_level and survey.skill_level not in code_table("skill_level"):
        raise FollowupError(f"职业技能等级代码「{survey.skill_level}」无效")
    if survey.health and survey.health not in code_table("health"):
        raise FollowupError(f"健康状况代码「{survey.health}」无效")
    if survey.work_wish:
        if survey.no_wish_reason:
            raise FollowupError("有就业愿望的人员不填写无就业愿望的原因")
        return
    # notice §4(六): 了解分析其无就业愿望的原因.
    if not survey.no_wish_reason:
        raise FollowupError("暂无就业愿望的，须选择原因")
    if survey.no_wish_reason not in code_table("no_work_wish_reason"):
        raise FollowupError(f"无就业愿望原因代码「{survey.no_wish_reason}」无效")
    if survey.no_wish_reason == "99" and not survey.no_wish_note.strip():
        raise FollowupError("无就业愿望原因为“其他”时须填写说明")


def record_survey(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    survey: Survey,
    *,
    on: dt.date,
    tier: str | None = None,
    override_reason: str = "",
    today: dt.date | None = None,
) -> TierDecision:
    """摸底调查, then 分级分类 from it (set_tier: the rules' tier, or `tier` with a written
    override reason); both are events. Returns the tier set, with the rules' reasons."""
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.RECORD_SERVICE, registration, on)
    _require_active(registration, "记录摸底调查")
    _check_day(registration, on, today, "摸底调查")
    _check_survey(survey)
    payload = {
        key: value.strip() if isinstance(value, str) else value
        for key, value in survey._asdict().items()
    }
    ctx.record(
        session, "registration", registration_id, SURVEY_KIND, {"surveyed_on": on, **payload}
    )
    return set_tier(
        session, ctx, registration_id, on=on, tier=tier, override_reason=override_reason
    )


def latest_survey(session: Session, registration_id: str) -> dict[str, Any] | None:
    """The payload of the registration's latest 摸底调查, or None."""
    surveys = [
        event.payload
        for event in entity_events(session, "registration", registration_id)
        if event.kind == SURVEY_KIND and isinstance(event.payload, Mapping)
    ]
    return dict(surveys[-1]) if surveys else None


def record_no_wish_guidance(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    kind: str,
    content: str,
    result: str = "",
    today: dt.date | None = None,
) -> None:
    """Guidance for a person without the wish to work (notice §4(六)): one of GUIDANCE_KINDS,
    recorded as a service that names the survey's reason."""
    registration = _registration(session, registration_id)
    survey = latest_survey(session, registration_id)
    if survey is None or survey.get("work_wish", True) is not False:
        raise FollowupError(
            f"登记 {registration.number} 的摸底调查未记录“暂无就业愿望”，请按一般服务记录"
        )
    if kind not in GUIDANCE_KINDS:
        choices = "、".join(SERVICE_KINDS[code] for code in GUIDANCE_KINDS)
        raise FollowupError(f"对暂无就业愿望人员的引导服务应为：{choices}")
    record_service(
        session,
        ctx,
        registration_id,
        on=on,
        kind=kind,
        content=content,
        result=result,
        details={"no_work_wish": True, "no_wish_reason": survey.get("no_wish_reason", "")},
        today=today,
    )


# --------------------------------------------------------------------------- 最低生活保障标准


def seed_minimum_standards(session: Session) -> int:
    """Fill an empty minimum_living_standard table from the shipped CSV; rows added."""
    if session.scalar(select(func.count()).select_from(MinimumLivingStandard)):
        return 0
    rows = shipped_minimum_standards()
    for standard in rows:
        session.add(
            MinimumLivingStandard(
                region_code=standard.region_code,
                effective_from=standard.effective_from,
                urban_monthly_fen=int(standard.urban_monthly * 100),
                rural_monthly_fen=int(standard.rural_monthly * 100),
                source=standard.source,
            )
        )
    session.flush()
    return len(rows)


def minimum_standard(session: Session, region: str, on: dt.date) -> MinimumStandard | None:
    """The 最低生活保障标准 valid on `on` for `region` (county, else prefecture, else
    province); from the store's table, or the shipped CSV while the table is empty."""
    county = region[:6]
    candidates = (county, county[:4] + "00", county[:2] + "0000")
    rows = session.execute(
        select(
            MinimumLivingStandard.region_code,
            MinimumLivingStandard.effective_from,
            MinimumLivingStandard.urban_monthly_fen,
            MinimumLivingStandard.rural_monthly_fen,
            MinimumLivingStandard.source,
        ).where(MinimumLivingStandard.region_code.in_(candidates))
    ).all()
    if rows:
        standards = [
            MinimumStandard(code, day, Decimal(urban) / 100, Decimal(rural) / 100, source)
            for code, day, urban, rural, source in rows
        ]
    elif session.scalar(select(func.count()).select_from(MinimumLivingStandard)):
        return None  # a maintained table without this region: do not guess from the CSV
    else:
        standards = list(shipped_minimum_standards())
    return minimum_standard_on(standards, region, on)


def _income(value: Decimal | str | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        income = Decimal(str(value).strip().replace(",", "").removesuffix("元"))
    except InvalidOperation as error:
        raise FollowupError(f"月收入「{value}」不是有效的金额") from error
    if not income.is_finite() or income < 0:
        raise FollowupError(f"月收入「{value}」不是有效的金额")
    return income


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


def _sweep_records(
    session: Session, region: str, today: dt.date, only: str | None = None
) -> list[SweepRecord]:
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
    pension_hits = _pension_hits(session, region, today, only)
    records = []
    for rid, registered, last, sex, birth, evidence, retirement_post in session.execute(query):
        if registered is None:  # a projection anomaly: nothing to judge the clocks from
            continue
        evidence = evidence or pension_hits.get(rid, "")
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


def _pension_hits(
    session: Session, region: str, today: dt.date, only: str | None
) -> dict[str, str]:
    """Data-comparison evidence of a pension for the region's active registrations (notice
    §5(一)), from the imported pension and social-insurance tables."""
    from desktop.services.verification import has_pension_data, pension_evidence

    if not has_pension_data(session):
        return {}
    query = (
        select(Registration.id, Person.id_number)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.status == "registered", Registration.region == region)
    )
    if only is not None:
        query = query.where(Registration.id == only)
    return pension_evidence(session, {rid: number for rid, number in session.execute(query)}, today)


def deregistration_sweep(
    session: Session, region: str, today: dt.date
) -> list[DeregistrationProposal]:
    """The daily sweep (issue 6): proposals for a 审核 to confirm; nothing is deregistered."""
    return propose_deregistrations(_sweep_records(session, region, today), today)


class _DeregistrationFindings(NamedTuple):
    """What checking a 注销 against the record found (see _deregistration_findings)."""

    day_problems: list[str]
    income_problems: list[str]
    contradictions: list[str]
    evidence: str  # the clerk's, else the data-comparison pension evidence; with the income
    income: Decimal | None


def _deregistration_findings(
    session: Session,
    registration: Registration,
    reason: str,
    on: dt.date,
    evidence: str,
    monthly_income: Decimal | str | None,
    today: dt.date | None,
) -> _DeregistrationFindings:
    """The one check behind confirm_deregistration and deregistration_problems."""
    day_problems = reg.deregistration_day_problems(registration.registered_on, on, today)
    income_problems: list[str] = []
    try:
        income = _income(monthly_income)
    except FollowupError as error:
        income, income_problems = None, [error.message]
    standard: MinimumStandard | None = None
    urban = True
    if reason == REASON_STABLE_INCOME:
        standard = minimum_standard(session, registration.region or "", on)
        person = session.get(Person, registration.person_id)
        urban = person is None or person.residence_urban is not False
    contradictions: list[str] = []
    records = _sweep_records(session, registration.region or "", on, only=registration.id)
    if records:
        contradictions = deregistration_contradictions(
            reason,
            records[0],
            on,
            evidence=evidence,
            monthly_income=income,
            minimum_standard=standard,
            urban=urban,
        )
        if reason == REASON_PENSION and not evidence.strip():
            evidence = records[0].pension_evidence
    elif reason not in code_table("deregistration_reason"):
        contradictions = [f"注销原因代码「{reason}」无效"]
    if income_problems:
        # "月收入「abc」不是有效的金额" already says it; not also "须填写月收入".
        contradictions = [problem for problem in contradictions if "须填写月收入" not in problem]
    if reason == REASON_STABLE_INCOME and income is not None and standard is not None:
        evidence = "；".join(
            part
            for part in (evidence.strip(), f"月收入{income}元，{standard.describe(urban)}")
            if part
        )
    return _DeregistrationFindings(day_problems, income_problems, contradictions, evidence, income)


def deregistration_problems(
    session: Session,
    registration_id: str,
    reason: str,
    on: dt.date,
    evidence: str,
    monthly_income: Decimal | str | None = None,
    *,
    today: dt.date | None = None,
) -> list[str]:
    """What stands in the way of 注销 `registration_id` for `reason` on `on`, in Chinese ([]
    when nothing does): a missing or inactive registration, a date ahead of `today` or before
    the registration, an income that is not an amount, and what in the record contradicts
    the reason (notice §5, e.g. 已依法享受基本养老保险待遇 for a 30-year-old without
    evidence). The very check confirm_deregistration makes; records nothing, and leaves the
    clerk's permission to confirm_deregistration."""
    registration = session.get(Registration, registration_id)
    if registration is None:
        return [f"找不到登记记录 {registration_id}"]
    try:
        _require_active(registration, "注销")
    except FollowupError as error:
        return [error.message]
    found = _deregistration_findings(
        session, registration, reason, on, evidence, monthly_income, today
    )
    return found.day_problems + found.income_problems + found.contradictions


def confirm_deregistration(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    reason: str,
    note: str = "",
    evidence: str = "",
    monthly_income: Decimal | str | None = None,
    today: dt.date | None = None,
) -> bool:
    """注销 after checking the record does not contradict the reason (ContradictionError);
    returns whether the person is to be sent the 注销告知书 (notice §5).

    `on` may be neither after `today` (default: the real today) nor before the registration
    (FollowupError). Reason 23 needs `monthly_income` (yuan) not below the 最低生活保障标准
    valid on `on` for the registration's region (urban or rural by the person's residence).
    Reason 11 is confirmable with `evidence`, or with a pension found by data comparison,
    whose text then goes into the note. deregistration_problems lists the same findings
    without recording anything."""
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.CONFIRM_DEREGISTRATION, registration, on)
    _require_active(registration, "注销")
    found = _deregistration_findings(
        session, registration, reason, on, evidence, monthly_income, today
    )
    if found.day_problems or found.income_problems:
        raise FollowupError("；".join(found.day_problems + found.income_problems))
    if found.contradictions:
        raise ContradictionError(found.contradictions)
    full_note = "；".join(part for part in (note.strip(), found.evidence.strip()) if part)
    reg.deregister(session, ctx, registration_id, on=on, reason=reason, note=full_note, today=today)
    return is_notified(reason)
