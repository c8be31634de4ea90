"""Tests of the follow-up rules: tiers, difficulty, monthly contact, deregistration sweep."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.errors import DomainError
from desktop.domain.followup import (
    ContactStatus,
    ContradictionError,
    ServiceOffer,
    SweepRecord,
    TierFacts,
    age_on,
    check_deregistration_reason,
    contact_status,
    deregistration_contradictions,
    is_notified,
    propose_deregistrations,
    recognise_difficulty,
    service_tier,
    unjustified_refusal_streak,
)

TODAY = dt.date(2026, 11, 26)
D = dt.date


def test_age_on_counts_whole_years_and_leap_birthdays() -> None:
    assert age_on(D(1986, 11, 26), TODAY) == 40
    assert age_on(D(1986, 11, 27), TODAY) == 39
    assert age_on(D(2000, 2, 29), D(2026, 2, 28)) == 26


@pytest.mark.parametrize(
    ("sex", "birth", "older"),
    [
        ("2", D(1986, 11, 26), True),  # woman turning 40 today
        ("2", D(1986, 11, 27), False),
        ("1", D(1976, 11, 26), True),  # man turning 50 today
        ("1", D(1980, 1, 1), False),  # man of 46
    ],
)
def test_older_worker_is_women_40_men_50(sex: str, birth: dt.date, older: bool) -> None:
    facts = TierFacts(today=TODAY, sex=sex, birth_date=birth, registered_on=D(2026, 10, 1))
    assert ("01" in recognise_difficulty(facts)) is older


def test_unemployed_a_year_counts_from_the_registration_date() -> None:
    base = TierFacts(today=TODAY, sex="1", birth_date=D(1990, 1, 1))
    year = TierFacts(**{**base.__dict__, "registered_on": D(2025, 11, 26)})
    short = TierFacts(**{**base.__dict__, "registered_on": D(2025, 11, 27)})
    assert "06" in recognise_difficulty(year)
    assert "06" not in recognise_difficulty(short)


def test_recorded_categories_are_kept_and_unknown_codes_dropped() -> None:
    facts = TierFacts(today=TODAY, difficulty_categories=("05", "zz"), health="6")
    assert recognise_difficulty(facts) == ("02", "05")


def test_tier_aid_for_difficulty_with_chinese_reasons() -> None:
    decision = service_tier(
        TierFacts(today=TODAY, sex="2", birth_date=D(1980, 3, 1), registered_on=D(2026, 9, 1))
    )
    assert decision.tier == "aid" and decision.label == "援助"
    assert decision.reasons == ("就业困难人员：大龄失业人员",)


def test_tier_key_for_long_unemployment_health_or_near_age() -> None:
    decision = service_tier(
        TierFacts(
            today=TODAY,
            sex="1",
            birth_date=D(1980, 1, 1),
            health="3",
            registered_on=D(2026, 10, 1),
            unemployed_since=D(2026, 3, 1),
        )
    )
    assert decision.tier == "key" and decision.label == "重点"
    assert decision.reasons == (
        "已失业8个月（满6个月）",
        "健康状况：有慢性病",
        "年龄46周岁，接近大龄失业人员年龄",
    )


def test_tier_general_otherwise() -> None:
    decision = service_tier(
        TierFacts(
            today=TODAY,
            sex="1",
            birth_date=D(1995, 1, 1),
            health="1",
            registered_on=D(2026, 10, 1),
            unemployed_since=D(2026, 9, 1),
        )
    )
    assert decision.tier == "general" and decision.label == "一般"


@pytest.mark.parametrize(
    ("registered", "last", "status"),
    [
        (D(2026, 11, 3), None, ContactStatus.DONE),  # registration day is contact
        (D(2026, 5, 3), D(2026, 11, 2), ContactStatus.DONE),
        (D(2026, 5, 3), D(2026, 10, 31), ContactStatus.DUE),
        (D(2026, 10, 31), None, ContactStatus.DUE),
        (D(2026, 5, 3), D(2026, 9, 30), ContactStatus.OVERDUE),
        (D(2026, 5, 3), None, ContactStatus.OVERDUE),
    ],
)
def test_monthly_contact_status(
    registered: dt.date, last: dt.date | None, status: ContactStatus
) -> None:
    assert contact_status(registered, last, D(2026, 11, 15)) is status


def test_monthly_contact_status_for_a_month_it_cannot_judge() -> None:
    with pytest.raises(DomainError, match="尚未登记"):
        contact_status(D(2026, 12, 1), None, D(2026, 11, 1))
    with pytest.raises(DomainError, match="无法判断"):
        contact_status(D(2026, 1, 1), D(2026, 12, 1), D(2026, 11, 1))


def test_notified_follows_the_notice() -> None:
    # notice §5: no notice for 移居境外、被判刑收监执行、死亡、无法取得联系
    assert [code for code in ("33", "35", "36", "38") if is_notified(code)] == []
    assert is_notified("21") and is_notified("11") and is_notified("37")
    with pytest.raises(DomainError):
        is_notified("99")


def test_refusal_streak_is_broken_by_acceptance_or_valid_reason() -> None:
    offers = [
        ServiceOffer(D(2026, 5, 1), accepted=False),
        ServiceOffer(D(2026, 6, 1), accepted=True),
        ServiceOffer(D(2026, 7, 1), accepted=False),
        ServiceOffer(D(2026, 8, 1), accepted=False, valid_reason=True),
        ServiceOffer(D(2026, 10, 1), accepted=False),
        ServiceOffer(D(2026, 9, 1), accepted=False),
    ]
    assert unjustified_refusal_streak(offers) == (D(2026, 9, 1), D(2026, 10, 1))


def _three_refusals() -> tuple[ServiceOffer, ...]:
    return tuple(ServiceOffer(D(2026, month, 5), accepted=False) for month in (8, 9, 10))


def test_sweep_proposes_lost_contact_refusals_and_pension_with_evidence() -> None:
    records = [
        SweepRecord("lost", D(2025, 1, 1), last_contact_on=D(2026, 5, 26)),
        SweepRecord("recent", D(2025, 1, 1), last_contact_on=D(2026, 5, 27)),
        SweepRecord("refuser", D(2026, 7, 1), last_contact_on=D(2026, 10, 5),
                    offers=_three_refusals()),
        SweepRecord("old", D(2026, 10, 1), sex="1", birth_date=D(1960, 1, 1),
                    last_contact_on=D(2026, 11, 1)),
        SweepRecord("pensioner", D(2026, 10, 1), sex="1", birth_date=D(1960, 1, 1),
                    last_contact_on=D(2026, 11, 1), pension_evidence="养老保险待遇比对命中"),
        SweepRecord("young", D(2026, 10, 1), sex="1", birth_date=D(1996, 1, 1),
                    last_contact_on=D(2026, 11, 1)),
    ]  # fmt: skip
    proposals = propose_deregistrations(records, TODAY)
    found = {(p.registration_id, p.reason, p.confirmable) for p in proposals}
    assert found == {
        ("lost", "38", True),
        ("refuser", "37", True),
        ("old", "11", False),
        ("pensioner", "11", True),
    }
    by_id = {p.registration_id: p for p in proposals}
    assert "2026-05-26" in by_id["lost"].evidence and "连续6个月" in by_id["lost"].evidence
    assert "2026-08-05、2026-09-05、2026-10-05" in by_id["refuser"].evidence
    assert by_id["old"].reason_label == "已依法享受基本养老保险待遇"
    assert "请核实" in by_id["old"].evidence


def test_pension_for_a_30_year_old_without_evidence_is_contradicted() -> None:
    record = SweepRecord("r", D(2026, 1, 5), sex="1", birth_date=D(1996, 3, 1))
    with pytest.raises(ContradictionError) as raised:
        check_deregistration_reason("11", record, TODAY)
    assert "30周岁" in raised.value.message and "证明" in raised.value.message
    check_deregistration_reason("11", record, TODAY, evidence="社保卡养老金发放记录")


def test_lost_contact_and_refusal_reasons_need_the_record_to_show_them() -> None:
    record = SweepRecord("r", D(2026, 1, 5), last_contact_on=D(2026, 10, 1))
    assert "未满连续6个月" in deregistration_contradictions("38", record, TODAY)[0]
    assert "仅0次" in deregistration_contradictions("37", record, TODAY)[0]
    with_refusals = SweepRecord("r", D(2026, 1, 5), offers=_three_refusals())
    assert deregistration_contradictions("37", with_refusals, TODAY) == []
    assert deregistration_contradictions("38", with_refusals, TODAY) == []


def test_reasons_proven_elsewhere_need_evidence_and_unknown_codes_are_refused() -> None:
    record = SweepRecord("r", D(2026, 1, 5))
    assert "须填写依据" in deregistration_contradictions("36", record, TODAY)[0]
    assert deregistration_contradictions("36", record, TODAY, evidence="死亡证明") == []
    assert deregistration_contradictions("21", record, TODAY) == []
    assert "无效" in deregistration_contradictions("99", record, TODAY)[0]
