"""queries.summarize words every code it shows in Chinese: contact methods, service kinds,
tiers, refusals, visit kinds and outcomes, the reasons of no wish to work."""

from __future__ import annotations

import pytest

from desktop.store.queries import summarize


@pytest.mark.parametrize(
    ("kind", "payload", "expected"),
    [
        (
            "contact.recorded",
            {"contacted_on": "2026-11-03", "method": "phone", "reached": True},
            "日期：2026-11-03，方式：电话，已联系上",
        ),
        (
            "contact.recorded",
            {
                "contacted_on": "2026-11-04",
                "method": "field_visit",
                "reached": False,
                "note": "家中无人",
            },
            "日期：2026-11-04，方式：实地走访，未联系上，家中无人",
        ),
        ("contact.recorded", {"method": "sms"}, "方式：短信，已联系上"),
        ("contact.recorded", {"method": "data_comparison"}, "方式：信息比对，已联系上"),
        # An older payload with the method in words keeps it.
        ("contact.recorded", {"method": "电话", "reached": False}, "方式：电话，未联系上"),
        (
            "service.recorded",
            {
                "served_on": "2026-11-05",
                "service_kind": "job_referral",
                "content": "推荐仓储管理岗位",
                "result": "约定面试",
                "details": {
                    "employer": "兰州某物流有限公司",
                    "post": "仓管员",
                    "no_work_wish": True,
                },
            },
            "日期：2026-11-05，职业介绍，推荐仓储管理岗位，兰州某物流有限公司、仓管员，结果：约定面试",
        ),
        (
            "service.refused",
            {
                "refused_on": "2026-11-06",
                "service_kind": "training_recommendation",
                "valid_reason": False,
            },
            "日期：2026-11-06，拒绝推介职业培训项目，无正当理由",
        ),
        (
            "aidplan.set",
            {"tier": "aid", "reasons": ["就业困难人员：大龄失业人员"], "override_reason": ""},
            "服务等级：援助，就业困难人员：大龄失业人员",
        ),
        (
            "aidplan.set",
            {"tier": "key", "reasons": ["x"], "override_reason": "本人长期照顾病人"},
            "服务等级：重点，改定理由：本人长期照顾病人",
        ),
        ("aidplan.set", {"tier": "general"}, "服务等级：一般"),
        (
            "followup.visited",
            {
                "visit_kind": "person",
                "visited_on": "2026-11-07",
                "outcome": "re_unemployed",
                "employment_situation": "合同到期后未续签",
            },
            "回访本人：2026-11-07，就业创业状况：合同到期后未续签，结论：再次失业",
        ),
        (
            "followup.visited",
            {"visit_kind": "employer", "employer": "城关区环卫所", "concerns": ["未签订劳动合同"]},
            "回访用人单位，单位：城关区环卫所，问题：未签订劳动合同",
        ),
        (
            "aid.reentered",
            {"reentered_on": "2026-11-07", "outcome": "employed_unstable", "measures": "推荐岗位"},
            "日期：2026-11-07，回访结论：经援助就业但工作不稳定，新的援助措施：推荐岗位",
        ),
        (
            "survey.recorded",
            {"surveyed_on": "2026-11-08", "work_wish": False, "no_wish_reason": "99"},
            "日期：2026-11-08，暂无就业愿望（其他）",
        ),
    ],
)
def test_codes_are_shown_by_their_chinese_labels(
    kind: str, payload: dict[str, object], expected: str
) -> None:
    assert summarize(kind, payload) == expected


def test_no_summary_shows_a_bare_code_of_the_tables() -> None:
    codes = ("phone", "sms", "field_visit", "data_comparison", "job_referral", "general")
    texts = [summarize("contact.recorded", {"method": code}) for code in codes[:4]] + [
        summarize("aidplan.set", {"tier": "general"})
    ]
    assert not any(code in text for text in texts for code in codes)
