"""Tests of the aid use cases: staff, plan, steps, posts, visits, policies, false-info mark."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desktop.domain.aid import AidError, EmployerVisit, PersonVisit, PostPlacement
from desktop.domain.roles import PermissionDeniedError
from desktop.services import aid
from desktop.services import followup as fu
from desktop.services import registration as reg
from desktop.store.db import Store
from desktop.store.models import AidPlan, Event, FalseInfoMark, Registration, WelfarePost
from desktop.store.projector import refold_entity
from desktop.store.queries import person_record
from tests.desktop.services.staff import CLERK, REVIEWER
from tests.desktop.services.test_followup import COUNTY, TODAY, _ctx, ctx, registered

__all__ = ["ctx"]  # the fixture, imported for pytest

OLDER_WOMAN = dt.date(1980, 3, 1)  # 46 on TODAY: 大龄失业人员 (女满40周岁)
PLAN_DAY = dt.date(2026, 4, 1)


def _count(store: Store, kind: str) -> int:
    with store.session(write=False) as session:
        query = select(func.count()).select_from(Event).where(Event.kind == kind)
        return int(session.scalar(query) or 0)


def _aided(store: Store, ctx: reg.CounterContext) -> tuple[str, list[str]]:
    """A 大龄 woman with staff and a two-item plan; (registration id, step ids)."""
    rid = registered(store, ctx, birth=OLDER_WOMAN, serial=22)
    items = [
        aid.new_item("职业指导", [("一对一职业指导", dt.date(2026, 4, 15))]),
        aid.new_item("岗位推荐", [("推荐3个适合岗位", None), ("回访求职结果", None)]),
    ]
    with store.session() as session:
        aid.assign_aid_staff(session, ctx, rid, staff_id="zhangli", staff_name="张丽",
                             on=PLAN_DAY, today=TODAY)  # fmt: skip
        plan = aid.make_aid_plan(session, ctx, rid, on=PLAN_DAY, items=items,
                                 needs="缺乏求职技巧", today=TODAY)  # fmt: skip
        assert plan.staff_name == "张丽" and plan.steps_total == 3 and plan.steps_done == 0
    return rid, [step.step_id for item in items for step in item.steps]


def test_staff_plan_and_step_completion(store: Store, ctx: reg.CounterContext) -> None:
    rid, steps = _aided(store, ctx)
    with store.session() as session:
        plan = aid.complete_aid_step(session, ctx, rid, step_id=steps[0],
                                     done_on=dt.date(2026, 4, 10), result="已完成指导",
                                     today=TODAY)  # fmt: skip
        assert plan.steps_done == 1 and plan.status == "active" and plan.round == 1
    with store.session() as session, pytest.raises(AidError, match="已于 2026-04-10 完成"):
        aid.complete_aid_step(session, ctx, rid, step_id=steps[0], done_on=TODAY, result="x",
                              today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(AidError, match="没有该步骤"):
        aid.complete_aid_step(session, ctx, rid, step_id="nope", done_on=TODAY, result="x",
                              today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(AidError, match="晚于今天"):
        aid.complete_aid_step(session, ctx, rid, step_id=steps[1],
                              done_on=TODAY + dt.timedelta(days=1), result="x",
                              today=TODAY)  # fmt: skip
    # The projection equals the fold of the journal (the repair tool's view).
    with store.session() as session:
        state = refold_entity(session, "aid_plan", rid)
        assert state is not None and state["steps_done"] == 1


def test_plan_for_a_person_without_difficulty_is_refused(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)  # a healthy man of 30, registered recently
    with store.session() as session, pytest.raises(AidError, match="未被认定为就业困难人员"):
        aid.make_aid_plan(session, ctx, rid, on=PLAN_DAY,
                          items=[aid.new_item("职业指导", [("指导", None)])],
                          today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(AidError, match="未被认定为就业困难人员"):
        aid.place_in_welfare_post(session, ctx, rid, PostPlacement("保洁", "城关区环卫所",
                                  PLAN_DAY), today=TODAY)  # fmt: skip
    assert _count(store, "aid.plan_made") == 0


def test_bad_plans_are_refused_with_chinese_messages(store: Store, ctx: reg.CounterContext) -> None:
    rid = registered(store, ctx, birth=OLDER_WOMAN, serial=22)
    cases = [
        ([], "至少要有一个服务项目"),
        ([aid.new_item("职业指导", [])], "至少要有一个步骤"),
        ([aid.new_item(" ", [("x", None)])], "服务项目的名称"),
        ([aid.new_item("培训", [("报名", dt.date(2026, 3, 1))])], "早于计划制定日期"),
    ]
    for items, message in cases:
        with store.session() as session, pytest.raises(AidError, match=message):
            aid.make_aid_plan(session, ctx, rid, on=PLAN_DAY, items=items, today=TODAY)
    with store.session() as session, pytest.raises(AidError, match="晚于今天"):
        aid.make_aid_plan(session, ctx, rid, on=TODAY + dt.timedelta(days=3),
                          items=[aid.new_item("职业指导", [("指导", None)])],
                          today=TODAY)  # fmt: skip


def test_welfare_post_placement_and_its_bad_dates(store: Store, ctx: reg.CounterContext) -> None:
    rid, _steps = _aided(store, ctx)
    with store.session() as session, pytest.raises(AidError, match="早于上岗日期"):
        aid.place_in_welfare_post(
            session,
            ctx,
            rid,
            PostPlacement("社区保洁", "城关区环卫所", dt.date(2026, 5, 1), dt.date(2026, 4, 30)),
            today=TODAY,
        )
    with store.session() as session:
        post_id = aid.place_in_welfare_post(
            session,
            ctx,
            rid,
            PostPlacement("社区保洁", "城关区环卫所", dt.date(2026, 5, 1), dt.date(2027, 4, 30)),
            today=TODAY,
        )
    with store.session() as session, pytest.raises(AidError, match="已在公益性岗位"):
        aid.place_in_welfare_post(
            session, ctx, rid, PostPlacement("护林员", "林业站", dt.date(2026, 6, 1)), today=TODAY
        )
    with store.session() as session, pytest.raises(AidError, match="早于上岗日期"):
        aid.end_welfare_post(session, ctx, post_id, ended_on=dt.date(2026, 4, 1), reason="x",
                             today=TODAY)  # fmt: skip
    with store.session() as session:
        aid.end_welfare_post(session, ctx, post_id, ended_on=dt.date(2026, 10, 31),
                             reason="协议期满前另行就业", today=TODAY)  # fmt: skip
    with store.session(write=False) as session:
        post = session.get(WelfarePost, post_id)
        assert post is not None and post.status == "ended" and post.employer == "城关区环卫所"


def _person_visit(outcome: str, **changes: object) -> PersonVisit:
    values: dict[str, object] = {
        "visited_on": dt.date(2026, 10, 20),
        "outcome": outcome,
        "employment_situation": "在某超市做理货员",
        "policies_enjoyed": ("社会保险补贴",),
        "measures_carried_out": "已推荐岗位并完成职业指导",
        "method": "phone",
    }
    values.update(changes)
    return PersonVisit(**values)  # type: ignore[arg-type]


def test_person_visit_reunemployed_reenters_the_plan(store: Store, ctx: reg.CounterContext) -> None:
    rid, _steps = _aided(store, ctx)
    with store.session() as session:
        assert aid.record_person_visit(session, ctx, rid, _person_visit("employed_stable"),
                                       today=TODAY) is False  # fmt: skip
    with store.session() as session, pytest.raises(AidError, match="新的就业援助措施"):
        aid.record_person_visit(session, ctx, rid, _person_visit("re_unemployed"), today=TODAY)
    with store.session() as session, pytest.raises(AidError, match="晚于今天"):
        aid.record_person_visit(
            session,
            ctx,
            rid,
            _person_visit("employed_stable", visited_on=TODAY + dt.timedelta(days=1)),
            today=TODAY,
        )
    with store.session() as session, pytest.raises(AidError, match="回访结论"):
        aid.record_person_visit(session, ctx, rid, _person_visit("fine"), today=TODAY)
    with store.session() as session:
        visit = _person_visit(
            "re_unemployed",
            visited_on=dt.date(2026, 11, 3),
            follow_up_measures="改为推荐家政服务岗位，参加育婴员培训",
        )
        assert aid.record_person_visit(session, ctx, rid, visit, today=TODAY) is True
        plan = session.get(AidPlan, rid)
        assert plan is not None and plan.round == 2 and plan.reentered_on == dt.date(2026, 11, 3)
        registration = session.get(Registration, rid)
        # A visit that reached the person is the month's contact (notice §5).
        assert registration is not None and registration.last_contact_on == dt.date(2026, 11, 3)
        aid.make_aid_plan(session, ctx, rid, on=dt.date(2026, 11, 5),
                          items=[aid.new_item("育婴员培训", [("报名", None)])],
                          today=TODAY)  # fmt: skip
        plan = session.get(AidPlan, rid)
        assert plan is not None and [item["round"] for item in plan.items] == [1, 1, 2]


def test_employer_visit_records_exactly_the_notice_content(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid, _steps = _aided(store, ctx)
    visit = EmployerVisit(
        visited_on=dt.date(2026, 10, 21), employer="兰州某超市", employment_status="在岗",
        working_hours="每天8小时，做六休一", workload="适中", contract_signed=True,
        social_insurance=False, wages_paid=True,
    )  # fmt: skip
    with store.session() as session:
        assert aid.record_employer_visit(session, ctx, rid, visit, today=TODAY) == (
            "未参加社会保险",
        )
    with store.session(write=False) as session:
        payload = session.scalars(
            select(Event.payload).where(Event.kind == "followup.visited")
        ).one()
    for key in ("employment_status", "working_hours", "workload", "contract_signed",
                "social_insurance", "wages_paid"):  # fmt: skip
        assert key in payload
    with store.session() as session, pytest.raises(AidError, match="工作时间"):
        aid.record_employer_visit(
            session,
            ctx,
            rid,
            EmployerVisit(**{**visit.__dict__, "working_hours": " "}),
            today=TODAY,
        )


def test_visit_without_plan_and_after_deregistration(store: Store, ctx: reg.CounterContext) -> None:
    plain = registered(store, ctx, birth=OLDER_WOMAN, serial=44)
    with store.session() as session, pytest.raises(AidError, match="尚未制定就业援助计划"):
        aid.record_person_visit(session, ctx, plain, _person_visit("employed_stable"),
                                today=TODAY)  # fmt: skip
    rid, _steps = _aided(store, ctx)
    with store.session() as session:
        fu.confirm_deregistration(session, ctx, rid, on=dt.date(2026, 9, 1), reason="21")
    with store.session() as session:
        # Visits of someone aided into work go on after 注销 (reason 21), without a contact.
        aid.record_person_visit(session, ctx, rid, _person_visit("employed_stable"), today=TODAY)
        registration = session.get(Registration, rid)
        assert registration is not None and registration.anomalies == []
    with store.session() as session, pytest.raises(fu.FollowupError, match="已于 2026-09-01 注销"):
        aid.make_aid_plan(session, ctx, rid, on=TODAY,
                          items=[aid.new_item("x", [("y", None)])], today=TODAY)  # fmt: skip


def test_policies_not_yet_enjoyed(seeded_store: Store, ctx: reg.CounterContext) -> None:
    store, both = seeded_store, ctx
    rid, _steps = _aided(store, both)
    with store.session(write=False) as session:
        # Not employed yet: none of the aid policies apply; 失业保险金 applies (cause 02).
        assert [a.policy for a in aid.policies_to_act_on(session, rid, today=TODAY)] == [
            "失业保险金"
        ]
    with store.session() as session:
        aid.place_in_welfare_post(
            session,
            both,
            rid,
            PostPlacement("社区保洁", "城关区环卫所", dt.date(2026, 5, 1)),
            today=TODAY,
        )
        fu.record_service(session, both, rid, on=dt.date(2026, 5, 2), kind="policy_application",
                          content="受理公益性岗位补贴申请",
                          details={"policy": "公益性岗位补贴"}, today=TODAY)  # fmt: skip
    with store.session(write=False) as session:
        advice = {a.policy: a for a in aid.policies_for(session, rid, today=TODAY)}
        assert advice["公益性岗位补贴"].enjoyed
        assert not advice["社会保险补贴"].enjoyed
        assert advice["社会保险补贴"].reasons == ("已认定为就业困难人员", "已实现就业")
        todo = [a.policy for a in aid.policies_to_act_on(session, rid, today=TODAY)]
        assert "社会保险补贴" in todo and "公益性岗位补贴" not in todo


def test_false_information_mark_is_an_event_on_the_record(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    clerk, reviewer = _ctx(store, CLERK), _ctx(store, REVIEWER)
    with store.session() as session, pytest.raises(PermissionDeniedError):
        aid.mark_false_information(session, clerk, rid, on=TODAY, finding="隐瞒就业",
                                   evidence="社保参保记录", today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(AidError, match="须附证据"):
        aid.mark_false_information(session, reviewer, rid, on=TODAY, finding="隐瞒就业",
                                   evidence=" ", today=TODAY)  # fmt: skip
    with store.session() as session:
        aid.mark_false_information(
            session, reviewer, rid, on=TODAY, finding="登记时隐瞒在某公司就业",
            evidence="社会保险参保登记：2026-01起由兰州某公司参保缴费", today=TODAY,
        )  # fmt: skip
    with store.session() as session, pytest.raises(AidError, match="已于 2026-11-26 标记"):
        aid.mark_false_information(session, reviewer, rid, on=TODAY, finding="x",
                                   evidence="y", today=TODAY)  # fmt: skip
    with store.session(write=False) as session:
        mark = session.get(FalseInfoMark, rid)
        assert mark is not None and mark.marked_by == REVIEWER.clerk_id
        registration = session.get(Registration, rid)
        assert registration is not None
        record = person_record(session, registration.person_id)
        assert record.false_info_marked
        assert record.history[0].kind_label == "虚假信息标记"
        assert record.history[0].registration_number == registration.number
    with store.session() as session:
        aid.withdraw_false_information(session, reviewer, rid, on=TODAY, reason="系误认",
                                       today=TODAY)  # fmt: skip
        record = person_record(session, registration.person_id)
        assert not record.false_info_marked


def test_person_record_shows_everything(store: Store, ctx: reg.CounterContext) -> None:
    rid, _steps = _aided(store, ctx)
    with store.session() as session:
        aid.place_in_welfare_post(
            session,
            ctx,
            rid,
            PostPlacement("社区保洁", "城关区环卫所", dt.date(2026, 5, 1)),
            today=TODAY,
        )
        fu.record_contact(session, ctx, rid, on=dt.date(2026, 11, 2), method="phone",
                          reached=True, today=TODAY)  # fmt: skip
        fu.record_refusal(session, ctx, rid, on=dt.date(2026, 11, 3), service_kind="job_referral",
                          valid_reason=False, today=TODAY)  # fmt: skip
        aid.record_person_visit(session, ctx, rid, _person_visit("employed_stable"), today=TODAY)
        registration = session.get(Registration, rid)
        assert registration is not None
        record = person_record(session, registration.person_id)
    assert record.aid_plan is not None and record.aid_plan.staff_id == "zhangli"
    assert [post.post for post in record.posts] == ["社区保洁"]
    assert len(record.contacts) == 3  # the phone call, the refusal, the visit
    assert len(record.refusals) == 1 and "无正当理由" in record.refusals[0].summary
    assert len(record.visits) == 1 and "回访本人" in record.visits[0].summary
    assert record.tier is None and record.current_registration is not None
    kinds = [entry.kind for entry in record.history]
    assert kinds[-1] == "person.recorded" and "post.placed" in kinds
    assert record.current_registration.region == COUNTY


def test_history_shows_home_visit_events(store: Store, ctx: reg.CounterContext) -> None:
    from dataclasses import replace

    from desktop.domain.idnumbers import check_digit
    from desktop.services import verification as ver

    body = f"{COUNTY}19900101033"
    person = reg.PersonDetails(
        id_number=body + check_digit(body), name="牛晓梅", phone="13912345670",
        household_region=COUNTY, residence_region=COUNTY, residence_urban=True,
        ethnicity="01", education="31", health="1", residence_address="城关区某街1号",
    )  # fmt: skip
    application = reg.Application(person=person, applied_on=dt.date(2026, 11, 20),
                                  registration_place="household", unemployment_cause="02",
                                  unemployed_since=dt.date(2026, 10, 1))  # fmt: skip
    with store.session() as session:
        applied = reg.apply_for_registration(session, ctx, replace(application))
        ver.assign_home_visit(session, ctx, applied.registration_id, assignee="zhangli",
                              due_on=dt.date(2026, 11, 25), reason="无法比对",
                              on=dt.date(2026, 11, 20))  # fmt: skip
        record = person_record(session, applied.person_id)
    labels = [entry.kind_label for entry in record.home_visit_events]
    assert labels == ["上门核实派单"]
    assert record.home_visits[0].assignee == "zhangli"
    assert record.home_visit_events[0].registration_number == record.registrations[0].number
