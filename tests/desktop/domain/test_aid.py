"""Tests of the aid rules: plans, posts, visits (notice §4(五)) and the policies to act on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.domain.aid import (
    EMPLOYER_VISIT_FIELDS,
    PERSON_VISIT_FIELDS,
    AidError,
    AidItem,
    AidStep,
    EmployerVisit,
    PersonVisit,
    PolicyFacts,
    PostPlacement,
    check_plan,
    policy_advice,
    require_difficulty,
)
from desktop.domain.followup import (
    MinimumStandard,
    MinimumStandardError,
    SweepRecord,
    deregistration_contradictions,
    minimum_standard_on,
    parse_minimum_standards,
    shipped_minimum_standards,
)

TODAY = dt.date(2026, 11, 26)
D = dt.date


def test_visit_fields_are_exactly_the_notice_content() -> None:
    assert list(PERSON_VISIT_FIELDS.values()) == [
        "就业创业状况", "政策享受情况", "援助服务措施落实情况",
    ]  # fmt: skip
    assert list(EMPLOYER_VISIT_FIELDS.values()) == [
        "就业现状", "工作时间", "劳动强度", "签订合同", "参加社会保险", "工资发放",
    ]  # fmt: skip


def test_plan_rules() -> None:
    good = [AidItem("i1", "职业指导", (AidStep("s1", "指导", D(2026, 5, 1)),))]
    check_plan(good, D(2026, 4, 1))
    with pytest.raises(AidError, match="编号重复"):
        check_plan(
            [*good, AidItem("i1", "岗位推荐", (AidStep("s2", "推荐", None),))], D(2026, 4, 1)
        )
    with pytest.raises(AidError, match="早于计划制定日期"):
        check_plan(good, D(2026, 6, 1))
    with pytest.raises(AidError, match="未被认定为就业困难人员，不能制定"):
        require_difficulty((), "制定就业援助计划")


def test_post_dates() -> None:
    PostPlacement("保洁", "环卫所", D(2026, 5, 1), D(2026, 5, 1)).check(TODAY)
    with pytest.raises(AidError, match="早于上岗日期"):
        PostPlacement("保洁", "环卫所", D(2026, 5, 1), D(2026, 4, 30)).check(TODAY)
    with pytest.raises(AidError, match="晚于今天"):
        PostPlacement("保洁", "环卫所", D(2026, 11, 27)).check(TODAY)
    with pytest.raises(AidError, match="岗位名称"):
        PostPlacement(" ", "环卫所", D(2026, 5, 1)).check(TODAY)


def test_person_visit_reentry_and_dates() -> None:
    visit = PersonVisit(D(2026, 11, 1), "employed_unstable", "工作不稳定", (), "推荐岗位",
                        follow_up_measures="新一轮援助")  # fmt: skip
    visit.check(TODAY, D(2026, 4, 1))
    assert visit.needs_new_round and visit.employed
    with pytest.raises(AidError, match="早于援助开始日期"):
        visit.check(TODAY, D(2026, 11, 2))
    stable = PersonVisit(D(2026, 11, 1), "employed_stable", "在岗", (), "已落实")
    assert not stable.needs_new_round


def test_employer_visit_concerns() -> None:
    visit = EmployerVisit(D(2026, 11, 1), "某超市", "在岗", "8小时", "适中", False, True, False)
    visit.check(TODAY, None)
    assert visit.concerns == ("未签订劳动合同", "工资未按时足额发放")


def test_policy_advice_lists_qualifying_policies() -> None:
    names = [
        "社会保险补贴",
        "公益性岗位补贴",
        "一次性创业补贴",
        "就业见习补贴",
        "不在规则表中的政策",
    ]
    facts = PolicyFacts(age=22, difficulty_categories=("02",), in_post=True)
    advice = {a.policy: a for a in policy_advice(names, facts, {"公益性岗位补贴"})}
    assert set(advice) == {"社会保险补贴", "公益性岗位补贴", "就业见习补贴"}
    assert advice["公益性岗位补贴"].enjoyed and not advice["社会保险补贴"].enjoyed
    assert advice["公益性岗位补贴"].reasons == ("已认定为就业困难人员", "通过公益性岗位安置")
    poor = PolicyFacts(difficulty_categories=("08",), employed=True)
    assert "跨区域就业交通补贴" in {
        a.policy for a in policy_advice(["跨区域就业交通补贴"], poor, ())
    }


def test_minimum_standard_lookup_prefers_county_then_prefecture() -> None:
    rows = shipped_minimum_standards()
    county = minimum_standard_on(rows, "620102", D(2025, 6, 1))
    assert county is not None and county.region_code == "620102"
    assert county.urban_monthly == Decimal(875)
    prefecture = minimum_standard_on(rows, "620121", D(2024, 6, 1))  # 永登县: 兰州市's
    assert prefecture is not None and prefecture.region_code == "620100"
    assert prefecture.rural_monthly == Decimal(480)
    assert minimum_standard_on(rows, "620102", D(2023, 12, 31)) is None
    province = minimum_standard_on(rows, "629999", D(2025, 6, 1))
    assert province is not None and province.region_code == "620000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("region_code,effective_from\n", "缺少列"),
        ("region_code,effective_from,urban_monthly,rural_monthly\n6201,2025-01-01,1,1\n", "6位"),
        ("region_code,effective_from,urban_monthly,rural_monthly\n620100,2025-13-01,1,1\n", "日期"),
        ("region_code,effective_from,urban_monthly,rural_monthly\n620100,2025-01-01,x,1\n", "数字"),
        (
            "region_code,effective_from,urban_monthly,rural_monthly\n620100,2025-01-01,-5,1\n",
            "正数",
        ),
        (
            "region_code,effective_from,urban_monthly,rural_monthly\n"
            "620100,2025-01-01,1,1\n620100,2025-01-01,2,2\n",
            "第3行",
        ),
    ],
)
def test_malformed_minimum_standard_tables(text: str, message: str) -> None:
    with pytest.raises(MinimumStandardError, match=message):
        parse_minimum_standards(text)


def test_reason_23_compares_income_with_the_standard_of_the_day() -> None:
    record = SweepRecord("r1", D(2026, 3, 1))
    standard = MinimumStandard("620102", D(2025, 1, 1), Decimal(875), Decimal(520))
    check = deregistration_contradictions
    assert check("23", record, TODAY, evidence="合同", monthly_income=Decimal(875),
                 minimum_standard=standard) == []  # fmt: skip
    assert "低于当地农村" in check("23", record, TODAY, evidence="合同",
                                   monthly_income=Decimal(500), minimum_standard=standard,
                                   urban=False)[0]  # fmt: skip
    assert "无法核对" in check("23", record, TODAY, evidence="合同", monthly_income=Decimal(9))[0]
    assert len(check("23", record, TODAY, monthly_income=Decimal(900),
                     minimum_standard=standard)) == 1  # still needs the evidence  # fmt: skip
