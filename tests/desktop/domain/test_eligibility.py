"""Tests for the registration conditions of notice §1."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from desktop.domain.eligibility import (
    UNMET_EMPLOYED,
    UNMET_HMT_NOT_EMPLOYED_ON_MAINLAND,
    UNMET_NOT_WILLING,
    UNMET_PLACE_MISMATCH,
    UNMET_RECEIVES_PENSION,
    UNMET_UNABLE_TO_WORK,
    UNMET_UNDER_AGE,
    Applicant,
    EligibilityResult,
    RegistrationPolicy,
    RegistrationPolicyError,
    check_eligibility,
)
from desktop.domain.retirement import RetirementCategory
from desktop.domain.workdays import RegionCodeError

CHENGGUAN = "620102"  # 兰州市城关区
QILIHE = "620103"  # 兰州市七里河区
LANZHOU = "620100"
LINXIA_COUNTY = "622921"
GANSU = "620000"
TODAY = date(2025, 6, 10)


def applicant(**changes: object) -> Applicant:
    base = Applicant(
        birth_date=date(1990, 5, 1),
        sex="1",
        receives_basic_pension=False,
        able_to_work=True,
        willing_to_work=True,
        employed=False,
        household_region=CHENGGUAN,
        residence_region=CHENGGUAN,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def check(person: Applicant, **kwargs: object) -> EligibilityResult:
    options: dict[str, object] = {"on": TODAY, "office_region": CHENGGUAN}
    options.update(kwargs)
    return check_eligibility(person, **options)  # type: ignore[arg-type]


def codes(result: EligibilityResult) -> list[str]:
    return [condition.code for condition in result.unmet]


def test_an_ordinary_applicant_is_eligible() -> None:
    result = check(applicant())
    assert result == EligibilityResult(eligible=True, unmet=(), warnings=())


def test_every_unmet_condition_is_listed() -> None:
    person = applicant(
        birth_date=date(2010, 5, 1),
        receives_basic_pension=True,
        able_to_work=False,
        willing_to_work=False,
        employed=True,
        household_region=LINXIA_COUNTY,
        residence_region=LINXIA_COUNTY,
        is_hmt_resident=True,
        employed_on_mainland_before=False,
    )
    result = check(person, on=date(2025, 6, 10))
    assert not result.eligible
    assert codes(result) == [
        UNMET_UNDER_AGE,
        UNMET_RECEIVES_PENSION,
        UNMET_UNABLE_TO_WORK,
        UNMET_NOT_WILLING,
        UNMET_EMPLOYED,
        UNMET_PLACE_MISMATCH,
        UNMET_HMT_NOT_EMPLOYED_ON_MAINLAND,
    ]
    assert result.unmet[0].message == "申请之日未满16周岁（2026-05-01年满16周岁）"
    assert result.unmet[1].message == "已依法享受基本养老保险待遇"
    assert all(condition.message for condition in result.unmet)


def test_sixteenth_birthday_counts_as_sixteen() -> None:
    person = applicant(birth_date=date(2009, 6, 10))
    assert check(person, on=date(2025, 6, 10)).eligible
    day_before = check(person, on=date(2025, 6, 9))
    assert codes(day_before) == [UNMET_UNDER_AGE]
    assert day_before.unmet[0].message == "申请之日未满16周岁（2025-06-10年满16周岁）"


def test_feb_29_birthday() -> None:
    person = applicant(birth_date=date(2008, 2, 29))
    assert codes(check(person, on=date(2024, 2, 28))) == [UNMET_UNDER_AGE]
    assert check(person, on=date(2024, 2, 29)).eligible


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("receives_basic_pension", True, UNMET_RECEIVES_PENSION),
        ("able_to_work", False, UNMET_UNABLE_TO_WORK),
        ("willing_to_work", False, UNMET_NOT_WILLING),
        ("employed", True, UNMET_EMPLOYED),
    ],
)
def test_each_condition_alone(field: str, value: bool, code: str) -> None:
    result = check(applicant(**{field: value}))
    assert codes(result) == [code]
    assert not result.eligible


def test_county_office_serves_its_own_county_only() -> None:
    assert check(applicant(), office_region=CHENGGUAN).eligible
    result = check(applicant(), office_region=QILIHE)
    assert codes(result) == [UNMET_PLACE_MISMATCH]
    assert result.unmet[0].message == (
        "本机构（620103）不在申请人的户籍地或常住地范围内（户籍地620102、常住地620102）"
    )


def test_prefecture_and_province_offices_serve_their_counties() -> None:
    assert check(applicant(), office_region=LANZHOU).eligible
    assert check(applicant(), office_region=GANSU).eligible
    assert not check(applicant(), office_region="622900").eligible


def test_residence_alone_is_enough() -> None:
    person = applicant(household_region=LINXIA_COUNTY, residence_region=CHENGGUAN)
    assert check(person).eligible
    person = applicant(household_region=CHENGGUAN, residence_region=None)
    assert check(person).eligible


def test_work_and_insured_places_need_the_79_policy() -> None:
    person = applicant(
        household_region=LINXIA_COUNTY,
        residence_region=LINXIA_COUNTY,
        work_region=CHENGGUAN,
    )
    assert codes(check(person)) == [UNMET_PLACE_MISMATCH]
    assert check(person, policy=RegistrationPolicy.national_79()).eligible
    insured = dataclasses.replace(person, work_region=None, insured_region=QILIHE)
    assert check(insured, office_region=QILIHE, policy=RegistrationPolicy.national_79()).eligible


def test_no_place_given() -> None:
    result = check(applicant(household_region=None, residence_region=" "))
    assert codes(result) == [UNMET_PLACE_MISMATCH]
    assert result.unmet[0].message == "未填写户籍地或常住地，无法确认本机构可以受理"


def test_malformed_applicant_region_is_reported_not_raised() -> None:
    result = check(applicant(household_region="62010", residence_region=None))
    assert codes(result) == [UNMET_PLACE_MISMATCH]
    assert result.unmet[0].message == "户籍地区划代码“62010”格式不正确"
    # A good matching place wins over a malformed one.
    assert check(applicant(household_region="abc")).eligible


def test_malformed_office_region_raises() -> None:
    with pytest.raises(RegionCodeError, match="6位数字"):
        check(applicant(), office_region="6201")


def test_hmt_residents_must_have_worked_on_the_mainland() -> None:
    assert check(applicant(is_hmt_resident=True, employed_on_mainland_before=True)).eligible
    unknown = check(applicant(is_hmt_resident=True))
    assert codes(unknown) == [UNMET_HMT_NOT_EMPLOYED_ON_MAINLAND]
    assert "在内地（大陆）就业后失业" in unknown.unmet[0].message
    assert "尚未确认" in unknown.unmet[0].message
    never = check(applicant(is_hmt_resident=True, employed_on_mainland_before=False))
    assert "未曾在内地（大陆）就业" in never.unmet[0].message
    # The flag means nothing for mainland residents.
    assert check(applicant(employed_on_mainland_before=False)).eligible


def test_past_retirement_age_is_a_warning_not_a_block() -> None:
    # Man born 1964-02-10: no delay, retired 2024-02-10; no pension (too few years paid).
    result = check(applicant(birth_date=date(1964, 2, 10)))
    assert result.eligible
    assert len(result.warnings) == 1
    assert "已于2024-02-10达到法定退休年龄" in result.warnings[0]
    assert "基本养老保险待遇" in result.warnings[0]


def test_within_six_months_of_retirement_warns() -> None:
    # Man born 1965-12-15 retires 2026-03-15 (60y3m).
    person = applicant(birth_date=date(1965, 12, 15))
    assert check(person, on=date(2025, 9, 14)).warnings == ()
    soon = check(person, on=date(2025, 9, 15))
    assert soon.eligible
    assert "将于2026-03-15达到法定退休年龄" in soon.warnings[0]


def test_women_default_to_workers_and_say_so() -> None:
    # Woman born 1975-03-20 as a worker: 50 on 2025-03-20, plus 2 months → 2025-05-20.
    person = applicant(sex="2", birth_date=date(1975, 3, 20))
    result = check(person, on=date(2025, 6, 10))
    assert result.eligible
    assert "已于2025-05-20达到法定退休年龄" in result.warnings[0]
    assert "女工人(原50周岁)" in result.warnings[0]
    cadre = dataclasses.replace(person, retirement_category=RetirementCategory.FEMALE_CADRE)
    assert check(cadre, on=date(2025, 6, 10)).warnings == ()


def test_unknown_sex_warns_that_retirement_cannot_be_computed() -> None:
    result = check(applicant(sex="9"))
    assert result.eligible
    assert result.warnings == ("性别不是男或女，无法计算法定退休年龄，请核实是否已领取基本养老金",)


def test_policies() -> None:
    default = RegistrationPolicy()
    assert default.working_days == 7
    assert default.allowed_places == frozenset({"household", "residence"})
    national = RegistrationPolicy.national_79()
    assert national.working_days == 3
    assert national.allowed_places == frozenset({"household", "residence", "work", "insured"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"working_days": 0}, "至少为1个工作日"),
        ({"allowed_places": frozenset({"home"})}, "未知的登记地类别：home"),
        ({"allowed_places": frozenset()}, "至少须允许一种登记地"),
    ],
)
def test_invalid_policy(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(RegistrationPolicyError, match=message):
        RegistrationPolicy(**kwargs)  # type: ignore[arg-type]
