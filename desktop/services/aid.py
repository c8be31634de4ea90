"""Use cases of aid for 就业困难人员 (notice §4(五)) and the false-information mark (notice §5)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.aid import (
    AidError,
    AidItem,
    EmployerVisit,
    PersonVisit,
    PolicyAdvice,
    PolicyFacts,
    PostPlacement,
    check_not_future,
    check_plan,
    policy_advice,
    require_difficulty,
)
from desktop.domain.followup import age_on, recognise_difficulty
from desktop.domain.roles import Permission, PermissionDeniedError, Role
from desktop.services.followup import (
    _authorize,
    _registration,
    _require_active,
    _tier_facts,
    latest_survey,
)
from desktop.services.registration import CounterContext
from desktop.store.models import AidPlan, FalseInfoMark, Person, PolicyItem, WelfarePost
from desktop.store.projections_aid import (
    AID_CLOSED,
    AID_PLAN,
    AID_PLAN_MADE,
    AID_REENTERED,
    AID_STAFF_ASSIGNED,
    AID_STEP_DONE,
    FALSE_INFO,
    FALSE_INFO_MARKED,
    FALSE_INFO_WITHDRAWN,
    POST_ENDED,
    POST_PLACED,
    WELFARE_POST,
)
from desktop.store.projector import entity_events

__all__ = [
    "VISIT_KIND",
    "AidError",
    "assign_aid_staff",
    "close_aid_plan",
    "complete_aid_step",
    "difficulty_categories",
    "end_welfare_post",
    "make_aid_plan",
    "mark_false_information",
    "new_item",
    "place_in_welfare_post",
    "policies_for",
    "policies_to_act_on",
    "record_employer_visit",
    "record_person_visit",
    "withdraw_false_information",
]

# design.md "The journal": follow-up visits are registration events of this kind.
VISIT_KIND = "followup.visited"
_EVIDENCE_LIMIT = 2000


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def difficulty_categories(
    session: Session, registration_id: str, *, today: dt.date
) -> tuple[str, ...]:
    """The 就业困难人员 categories the record proves on `today` (domain.followup rules)."""
    registration = _registration(session, registration_id)
    return recognise_difficulty(_tier_facts(session, registration, today))


def _require_aid_case(
    session: Session, ctx: CounterContext, registration_id: str, on: dt.date, what: str
) -> tuple[Any, tuple[str, ...]]:
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.RECORD_SERVICE, registration, on)
    _require_active(registration, what)
    categories = recognise_difficulty(_tier_facts(session, registration, on))
    require_difficulty(categories, what)
    return registration, categories


# --------------------------------------------------------------------------- aid plan


def assign_aid_staff(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    staff_id: str,
    staff_name: str,
    on: dt.date,
    today: dt.date | None = None,
) -> None:
    """指定专人负责 (notice §4(五)1) the aid of a 就业困难人员."""
    check_not_future(on, _today(today), "指定责任人")
    registration, _categories = _require_aid_case(
        session, ctx, registration_id, on, "指定援助责任人"
    )
    if not staff_id.strip() or len(staff_id.strip()) > 64:
        raise AidError("请填写援助责任人的工号（最多64个字符）")
    if not staff_name.strip():
        raise AidError("请填写援助责任人的姓名")
    ctx.record(
        session,
        AID_PLAN,
        registration_id,
        AID_STAFF_ASSIGNED,
        {
            "person_id": registration.person_id,
            "staff_id": staff_id.strip(),
            "staff_name": staff_name.strip(),
            "assigned_on": on,
        },
    )


def new_item(title: str, steps: Sequence[tuple[str, dt.date | None]]) -> AidItem:
    """An aid item with fresh ids, from its title and (step, due date) pairs (for the form)."""
    from desktop.domain.aid import AidStep

    return AidItem(
        str(uuid.uuid4()),
        title,
        tuple(AidStep(str(uuid.uuid4()), text, due) for text, due in steps),
    )


def make_aid_plan(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    items: Sequence[AidItem],
    needs: str = "",
    today: dt.date | None = None,
) -> AidPlan:
    """制定个性化就业援助计划, 明确服务项目和步骤 (notice §4(五)1). A second call in the same
    round adds items; after a re-entry the items belong to the new round."""
    check_not_future(on, _today(today), "制定计划")
    registration, categories = _require_aid_case(
        session, ctx, registration_id, on, "制定就业援助计划"
    )
    check_plan(items, on)
    existing = session.get(AidPlan, registration_id)
    if existing is not None:
        known = {item["item_id"] for item in existing.items} | {
            step["step_id"] for item in existing.items for step in item["steps"]
        }
        new_ids = {item.item_id for item in items} | {
            step.step_id for item in items for step in item.steps
        }
        if new_ids & known:
            raise AidError("援助计划中已有同一编号的服务项目，请刷新后重试")
    ctx.record(
        session,
        AID_PLAN,
        registration_id,
        AID_PLAN_MADE,
        {
            "person_id": registration.person_id,
            "made_on": on,
            "needs": needs.strip(),
            "difficulty_categories": list(categories),
            "items": [
                {
                    "item_id": item.item_id,
                    "title": item.title.strip(),
                    "steps": [
                        {
                            "step_id": step.step_id,
                            "title": step.title.strip(),
                            "due_on": step.due_on,
                        }
                        for step in item.steps
                    ],
                }
                for item in items
            ],
        },
    )
    plan = session.get(AidPlan, registration_id)
    assert plan is not None
    return plan


def complete_aid_step(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    step_id: str,
    done_on: dt.date,
    result: str,
    today: dt.date | None = None,
) -> AidPlan:
    """A step of the aid plan carried out, with its result."""
    check_not_future(done_on, _today(today), "完成步骤")
    _require_aid_case(session, ctx, registration_id, done_on, "记录援助步骤")
    plan = session.get(AidPlan, registration_id)
    if plan is None or not plan.items:
        raise AidError("该人员尚未制定就业援助计划")
    steps = {step["step_id"]: step for item in plan.items for step in item["steps"]}
    step = steps.get(step_id)
    if step is None:
        raise AidError("援助计划中没有该步骤，请刷新后重试")
    if step["done_on"]:
        raise AidError(f"步骤「{step['title']}」已于 {step['done_on']} 完成")
    if plan.made_on is not None and done_on < plan.made_on:
        raise AidError(f"完成日期不能早于计划制定日期 {plan.made_on.isoformat()}")
    if not result.strip():
        raise AidError("请填写步骤的完成情况")
    ctx.record(
        session,
        AID_PLAN,
        registration_id,
        AID_STEP_DONE,
        {"step_id": step_id, "done_on": done_on, "result": result.strip()},
    )
    done = session.get(AidPlan, registration_id)
    assert done is not None
    return done


def close_aid_plan(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> None:
    """End the aid (e.g. stable employment confirmed by 回访); a later 回访 can reopen it."""
    check_not_future(on, _today(today), "结束援助")
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.RECORD_SERVICE, registration, on)
    plan = session.get(AidPlan, registration_id)
    if plan is None or plan.status != "active":
        raise AidError("该人员没有进行中的就业援助计划")
    if not reason.strip():
        raise AidError("请填写结束援助的原因")
    if plan.made_on is not None and on < plan.made_on:
        raise AidError(f"结束援助日期不能早于制定计划日期 {plan.made_on.isoformat()}")
    ctx.record(
        session,
        AID_PLAN,
        registration_id,
        AID_CLOSED,
        {"closed_on": on, "reason": reason.strip()},
    )


# --------------------------------------------------------------------------- public-welfare post


def place_in_welfare_post(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    placement: PostPlacement,
    *,
    today: dt.date | None = None,
) -> str:
    """公益性岗位安置 (notice §4(五)1: 通过市场渠道难以实现就业的…优先安置); the post's id."""
    placement.check(_today(today))
    registration, _categories = _require_aid_case(
        session, ctx, registration_id, placement.start_on, "安置公益性岗位"
    )
    if registration.registered_on and placement.start_on < registration.registered_on:
        raise AidError(f"上岗日期不能早于登记日期 {registration.registered_on.isoformat()}")
    current = session.scalars(
        select(WelfarePost).where(
            WelfarePost.registration_id == registration_id, WelfarePost.status == "placed"
        )
    ).first()
    if current is not None:
        raise AidError(f"该人员已在公益性岗位「{current.post}」上岗，请先办理退出")
    post_id = str(uuid.uuid4())
    ctx.record(
        session,
        WELFARE_POST,
        post_id,
        POST_PLACED,
        {
            "registration_id": registration_id,
            "person_id": registration.person_id,
            "post": placement.post.strip(),
            "employer": placement.employer.strip(),
            "start_on": placement.start_on,
            "end_on": placement.end_on,
        },
    )
    return post_id


def end_welfare_post(
    session: Session,
    ctx: CounterContext,
    post_id: str,
    *,
    ended_on: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> None:
    """退出公益性岗位 (agreement ended, found other work, dismissed …)."""
    check_not_future(ended_on, _today(today), "退出岗位")
    post = session.get(WelfarePost, post_id)
    if post is None:
        raise AidError("找不到该公益性岗位安置记录")
    registration = _registration(session, post.registration_id)
    _authorize(ctx, Permission.RECORD_SERVICE, registration, ended_on)
    if post.status != "placed":
        raise AidError(f"公益性岗位「{post.post}」已于 {post.ended_on} 退出")
    if ended_on < post.start_on:
        raise AidError(f"退出日期 {ended_on.isoformat()} 早于上岗日期 {post.start_on.isoformat()}")
    if not reason.strip():
        raise AidError("请填写退出岗位的原因")
    ctx.record(
        session,
        WELFARE_POST,
        post_id,
        POST_ENDED,
        {"ended_on": ended_on, "reason": reason.strip()},
    )


# --------------------------------------------------------------------------- follow-up visits


def _visited_case(
    session: Session, ctx: CounterContext, registration_id: str, on: dt.date
) -> tuple[Any, AidPlan]:
    """回访 is for 经过援助的就业困难人员: there must be an aid plan. Those who found work are
    often deregistered by then (reason 21/22): a visit is allowed on a deregistered
    registration, not on one never registered."""
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.RECORD_SERVICE, registration, on)
    if registration.status not in ("registered", "deregistered"):
        raise AidError(f"登记 {registration.number} 尚未办结登记，不能回访")
    plan = session.get(AidPlan, registration_id)
    if plan is None or plan.made_on is None:
        raise AidError("该人员尚未制定就业援助计划，回访适用于经过援助的就业困难人员")
    return registration, plan


def record_person_visit(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    visit: PersonVisit,
    *,
    today: dt.date | None = None,
) -> bool:
    """回访本人 (notice §4(五)3(1)). Re-unemployed or unstable: the plan gets a new round
    (aid.reentered) with the new measures. A reached visit of an active registration is also
    the month's contact (notice §5). Returns whether the plan was re-entered."""
    registration, plan = _visited_case(session, ctx, registration_id, visit.visited_on)
    visit.check(_today(today), plan.made_on)
    payload = {
        "visit_kind": "person",
        "visited_on": visit.visited_on,
        "method": visit.method,
        "outcome": visit.outcome,
        "employment_situation": visit.employment_situation.strip(),
        "policies_enjoyed": [name.strip() for name in visit.policies_enjoyed if name.strip()],
        "measures_carried_out": visit.measures_carried_out.strip(),
        "problems": visit.problems.strip(),
        "follow_up_measures": visit.follow_up_measures.strip(),
    }
    ctx.record(session, "registration", registration_id, VISIT_KIND, payload)
    if registration.status == "registered":
        ctx.record(
            session,
            "registration",
            registration_id,
            "contact.recorded",
            {
                "contacted_on": visit.visited_on,
                "method": visit.method,
                "reached": True,
                "note": "回访本人",
            },
        )
    if not visit.needs_new_round:
        return False
    ctx.record(
        session,
        AID_PLAN,
        registration_id,
        AID_REENTERED,
        {
            "reentered_on": visit.visited_on,
            "outcome": visit.outcome,
            "measures": visit.follow_up_measures.strip(),
        },
    )
    return True


def record_employer_visit(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    visit: EmployerVisit,
    *,
    today: dt.date | None = None,
) -> tuple[str, ...]:
    """回访用人单位 (notice §4(五)3(2)); returns the concerns found (no contract, no social
    insurance, wages not paid) for the coordination the notice asks for."""
    _registration_row, plan = _visited_case(session, ctx, registration_id, visit.visited_on)
    visit.check(_today(today), plan.made_on)
    payload = {
        "visit_kind": "employer",
        "visited_on": visit.visited_on,
        "employer": visit.employer.strip(),
        "employment_status": visit.employment_status.strip(),
        "working_hours": visit.working_hours.strip(),
        "workload": visit.workload.strip(),
        "contract_signed": visit.contract_signed,
        "social_insurance": visit.social_insurance,
        "wages_paid": visit.wages_paid,
        "problems": visit.problems.strip(),
        "coordination": visit.coordination.strip(),
        "concerns": list(visit.concerns),
    }
    ctx.record(session, "registration", registration_id, VISIT_KIND, payload)
    return visit.concerns


# --------------------------------------------------------------------------- policies


def _policy_names(session: Session) -> list[str]:
    names = list(
        session.scalars(
            select(PolicyItem.name)
            .where(PolicyItem.active.is_(True))
            .order_by(PolicyItem.sort_order, PolicyItem.id)
        )
    )
    if names:
        return names
    from printing.reference_lists import load_policies  # the shipped list, before seeding

    return [policy.name for policy in load_policies()]


def _policy_facts(
    session: Session, registration_id: str, today: dt.date
) -> tuple[PolicyFacts, set[str]]:
    registration = _registration(session, registration_id)
    person = session.get(Person, registration.person_id)
    events = entity_events(session, "registration", registration_id)
    service_kinds: set[str] = set()
    enjoyed: set[str] = set()
    latest_outcome = ""
    for event in events:
        payload = event.payload if isinstance(event.payload, Mapping) else {}
        if event.kind == "service.recorded":
            service_kinds.add(str(payload.get("service_kind", "")))
            details = payload.get("details") or {}
            if payload.get("service_kind") == "policy_application" and isinstance(details, Mapping):
                enjoyed.add(str(details.get("policy", "")).strip())
        elif event.kind == VISIT_KIND and payload.get("visit_kind") == "person":
            latest_outcome = str(payload.get("outcome", ""))
            enjoyed.update(str(name).strip() for name in payload.get("policies_enjoyed") or ())
    in_post = (
        session.scalars(
            select(WelfarePost.id).where(
                WelfarePost.registration_id == registration_id, WelfarePost.status == "placed"
            )
        ).first()
        is not None
    )
    survey = latest_survey(session, registration_id) or {}
    extra = registration.extra or {}
    facts = PolicyFacts(
        age=age_on(person.birth_date, today) if person and person.birth_date else None,
        difficulty_categories=recognise_difficulty(_tier_facts(session, registration, today)),
        unemployment_cause=registration.unemployment_cause,
        rural_hukou=bool(person and person.hukou_type == "20"),
        in_post=in_post,
        employed=latest_outcome in ("employed_stable", "employed_unstable"),
        self_employed=latest_outcome == "self_employed",
        startup_wish=bool(
            extra.get("startup_wish")
            or survey.get("startup_wish")
            or "startup_services" in service_kinds
        ),
        trained="training_recommendation" in service_kinds,
    )
    enjoyed.discard("")
    return facts, enjoyed


def policies_for(session: Session, registration_id: str, *, today: dt.date) -> list[PolicyAdvice]:
    """The 政策清单 policies the record qualifies for, each marked enjoyed or not."""
    facts, enjoyed = _policy_facts(session, registration_id, today)
    return policy_advice(_policy_names(session), facts, enjoyed)


def policies_to_act_on(
    session: Session, registration_id: str, *, today: dt.date
) -> list[PolicyAdvice]:
    """notice §4(五)3: 对尚未享受扶持政策的，要积极协助落实 — the qualifying policies not yet
    enjoyed (nor applied for through a 受理政策申请 service)."""
    return [
        advice
        for advice in policies_for(session, registration_id, today=today)
        if not advice.enjoyed
    ]


# --------------------------------------------------------------------------- false information


def _require_reviewer(ctx: CounterContext, action: str) -> None:
    """A mark for the 人社信用体系 weighs on a person: only a 审核 decides it, not the
    disability agency's staff, whose delegation also grants Permission.VERIFY."""
    if Role.REVIEWER not in ctx.actor.roles:
        raise PermissionDeniedError(ctx.actor.roles, Permission.VERIFY, f"{action}须由审核人员办理")


def mark_false_information(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    finding: str,
    evidence: str,
    today: dt.date | None = None,
) -> None:
    """A registration found to rest on false information, marked for the 人社信用体系 (notice
    §5: 对提供虚假信息骗取失业保险待遇、就业创业扶持政策的，纳入人社信用体系), with the evidence.
    A 审核's decision (Permission.VERIFY, as for 核实, and the 审核 role itself)."""
    check_not_future(on, _today(today), "认定")
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.VERIFY, registration, on)
    _require_reviewer(ctx, "标记虚假信息")
    if registration.status not in ("registered", "deregistered", "verified", "applied"):
        raise AidError(f"登记 {registration.number} 未予登记，无需标记虚假信息")
    if not finding.strip():
        raise AidError("请写明哪些信息不实")
    if not evidence.strip():
        raise AidError("标记虚假信息须附证据（比对结果、调查记录或文书编号）")
    if len(evidence.strip()) > _EVIDENCE_LIMIT or len(finding.strip()) > _EVIDENCE_LIMIT:
        raise AidError(f"认定内容或证据过长（最多{_EVIDENCE_LIMIT}个字）")
    existing = session.get(FalseInfoMark, registration_id)
    if existing is not None and existing.status == "marked":
        raise AidError(f"登记 {registration.number} 已于 {existing.marked_on} 标记为提供虚假信息")
    ctx.record(
        session,
        FALSE_INFO,
        registration_id,
        FALSE_INFO_MARKED,
        {
            "person_id": registration.person_id,
            "marked_on": on,
            "finding": finding.strip(),
            "evidence": evidence.strip(),
        },
    )


def withdraw_false_information(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> None:
    """Withdraw a mark made in error (the mark stays in the journal; the record shows both)."""
    check_not_future(on, _today(today), "撤销")
    registration = _registration(session, registration_id)
    _authorize(ctx, Permission.VERIFY, registration, on)
    _require_reviewer(ctx, "撤销虚假信息标记")
    existing = session.get(FalseInfoMark, registration_id)
    if existing is None or existing.status != "marked":
        raise AidError(f"登记 {registration.number} 没有有效的虚假信息标记")
    if not reason.strip():
        raise AidError("请填写撤销标记的理由")
    ctx.record(
        session,
        FALSE_INFO,
        registration_id,
        FALSE_INFO_WITHDRAWN,
        {"withdrawn_on": on, "reason": reason.strip()},
    )
