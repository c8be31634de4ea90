"""Tests of the 摸底 survey, guidance for people without the wish to work, reason 23 against the
最低生活保障标准 table, and pension evidence from data comparison (issue 6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop.domain.followup import ContradictionError
from desktop.services import followup as fu
from desktop.services import registration as reg
from desktop.services import verification as ver
from desktop.store.db import Store
from desktop.store.models import Event, MinimumLivingStandard, Person, Registration
from tests.desktop.services.test_followup import TODAY, ctx, registered

__all__ = ["ctx"]  # the fixture, imported for pytest

NO_WISH = fu.Survey(
    employment_history="2015—2025年在某商场做收银员",
    skills="收银、简单电脑操作",
    work_wish=False,
    no_wish_reason="01",
    no_wish_note="照顾两岁孩子",
)


def test_survey_sets_the_tier_and_its_health_counts(store: Store, ctx: reg.CounterContext) -> None:
    rid = registered(store, ctx)
    survey = fu.Survey(employment_history="无", skills="无", job_wish="仓储物流", health="3")
    with store.session() as session:
        decision = fu.record_survey(session, ctx, rid, survey, on=dt.date(2026, 4, 1), today=TODAY)
        # health 3 (一般或较弱) from the survey: 重点, although the form said 健康.
        assert decision.tier == "key" and any("健康状况" in r for r in decision.reasons)
        registration = session.get(Registration, rid)
        assert registration is not None and registration.tier == "key"
        assert fu.latest_survey(session, rid)["job_wish"] == "仓储物流"  # type: ignore[index]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"employment_history": " "}, "就业经历"),
        ({"skills": ""}, "知识技能"),
        ({"health": "77"}, "健康状况代码"),
        ({"no_wish_reason": ""}, "须选择原因"),
        ({"no_wish_reason": "42"}, "无就业愿望原因代码"),
        ({"no_wish_reason": "99", "no_wish_note": ""}, "须填写说明"),
    ],
)
def test_bad_surveys_are_refused(
    store: Store, ctx: reg.CounterContext, changes: dict[str, str], message: str
) -> None:
    rid = registered(store, ctx)
    with store.session() as session, pytest.raises(fu.FollowupError, match=message):
        fu.record_survey(session, ctx, rid, NO_WISH._replace(**changes), on=TODAY, today=TODAY)
    with store.session() as session, pytest.raises(fu.FollowupError, match="晚于今天"):
        fu.record_survey(session, ctx, rid, NO_WISH, on=TODAY + dt.timedelta(days=1), today=TODAY)


def test_guidance_for_people_without_the_wish_to_work(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    with store.session() as session, pytest.raises(fu.FollowupError, match="未记录“暂无就业愿望”"):
        fu.record_no_wish_guidance(session, ctx, rid, on=TODAY, kind="vocational_guidance",
                                   content="职业指导", today=TODAY)  # fmt: skip
    with store.session() as session:
        fu.record_survey(session, ctx, rid, NO_WISH, on=dt.date(2026, 4, 1), today=TODAY)
    with store.session() as session, pytest.raises(fu.FollowupError, match="引导服务应为"):
        fu.record_no_wish_guidance(session, ctx, rid, on=TODAY, kind="startup_services",
                                   content="创业", today=TODAY)  # fmt: skip
    with store.session() as session:
        fu.record_no_wish_guidance(session, ctx, rid, on=dt.date(2026, 4, 2),
                                   kind="policy_consultation",
                                   content="介绍灵活就业社保补贴", today=TODAY)  # fmt: skip
        payload = session.scalars(
            select(Event.payload).where(Event.kind == "service.recorded")
        ).one()
    assert payload["details"] == {"no_work_wish": True, "no_wish_reason": "01"}


def test_reason_23_needs_income_not_below_the_minimum_standard(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)  # 城关区, urban resident
    with store.session(write=False) as session:
        # The shipped table while the store's is empty: 城关区 2025 urban 875 yuan.
        standard = fu.minimum_standard(session, "620102", TODAY)
        assert standard is not None and standard.urban_monthly == Decimal(875)
    with store.session() as session, pytest.raises(ContradictionError, match="须填写月收入"):
        fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="23", evidence="劳动合同")
    with store.session() as session, pytest.raises(ContradictionError, match="低于当地城市"):
        fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="23",
                                  evidence="劳动合同", monthly_income="800")  # fmt: skip
    with store.session() as session, pytest.raises(fu.FollowupError, match="不是有效的金额"):
        fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="23",
                                  evidence="劳动合同", monthly_income="八百")  # fmt: skip
    with store.session() as session:
        assert fu.seed_minimum_standards(session) > 0
        assert fu.seed_minimum_standards(session) == 0
        assert fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="23",
                                         evidence="劳动合同", monthly_income="2,400元")  # fmt: skip
        note = session.scalars(
            select(Event.payload).where(Event.kind == "deregistration.done")
        ).one()["note"]
    assert "月收入2400元" in note and "875" in note


def test_a_maintained_table_is_the_truth(store: Store) -> None:
    with store.session() as session:
        session.add(MinimumLivingStandard(region_code="620100", effective_from=dt.date(2026, 7, 1),
                                          urban_monthly_fen=90000, rural_monthly_fen=52000,
                                          source="兰政发〔2026〕X号"))  # fmt: skip
        session.flush()
        standard = fu.minimum_standard(session, "620102", TODAY)
        assert standard is not None and standard.urban_monthly == Decimal(900)
        assert fu.minimum_standard(session, "620102", dt.date(2026, 6, 30)) is None
        assert fu.minimum_standard(session, "623001", TODAY) is None


def test_pension_from_data_comparison_makes_the_sweep_confirmable(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx, birth=dt.date(1964, 5, 17), serial=13)  # a man of 62
    with store.session(write=False) as session:
        proposals = [
            p for p in fu.deregistration_sweep(session, "620102", TODAY) if p.reason == "11"
        ]
        assert [p.confirmable for p in proposals] == [False]
        person = session.get(Person, session.get(Registration, rid).person_id)  # type: ignore[union-attr]
        assert person is not None
        number = person.id_number
    pension = (
        "身份证号码,待遇类型,开始领取日期,发放状态\n"
        f"{number},企业职工基本养老金,2024-06-01,正常发放\n"
    )
    with store.session() as session:
        ver.import_xref(session, "pension", pension.encode(), file_name="养老.csv",
                        imported_by="admin")  # fmt: skip
    with store.session(write=False) as session:
        proposals = [
            p for p in fu.deregistration_sweep(session, "620102", TODAY) if p.reason == "11"
        ]
        assert [p.confirmable for p in proposals] == [True]
        assert "企业职工基本养老金，2024-06-01起领取" in proposals[0].evidence
    with store.session() as session:
        assert fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="11")
        note = session.scalars(
            select(Event.payload).where(Event.kind == "deregistration.done")
        ).one()["note"]
    assert "经数据比对" in note


def test_social_insurance_row_showing_a_pension_counts(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx, birth=dt.date(1964, 5, 17), serial=13)
    with store.session(write=False) as session:
        person = session.get(Person, session.get(Registration, rid).person_id)  # type: ignore[union-attr]
        assert person is not None
        number = person.id_number
    rows = (
        "身份证号码,险种,参保单位,参保日期,参保状态\n"
        f"{number},企业职工基本养老保险,兰州某厂,1990-01-01,待遇领取\n"
    )
    with store.session() as session:
        ver.import_xref(session, "social_insurance", rows.encode(), file_name="社保.csv",
                        imported_by="admin")  # fmt: skip
        evidence = ver.pension_evidence(session, {rid: number, "other": "620102"}, TODAY)
    assert list(evidence) == [rid] and "待遇领取" in evidence[rid]
