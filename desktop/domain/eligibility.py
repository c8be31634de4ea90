"""Who may register as unemployed, and where (notice §1; 人社厅发〔2020〕79号 as an option)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from desktop.domain.errors import DomainError
from desktop.domain.retirement import (
    RetirementCategory,
    RetirementCategoryError,
    add_months,
    anniversary,
    default_category,
    statutory_retirement_date,
)
from desktop.domain.workdays import (
    NOTICE_WORKING_DAYS,
    RegionCodeError,
    region_contains,
    region_prefix,
)

__all__ = [
    "MINIMUM_AGE",
    "PLACE_LABELS",
    "UNMET_EMPLOYED",
    "UNMET_HMT_NOT_EMPLOYED_ON_MAINLAND",
    "UNMET_NOT_WILLING",
    "UNMET_PLACE_MISMATCH",
    "UNMET_RECEIVES_PENSION",
    "UNMET_UNABLE_TO_WORK",
    "UNMET_UNDER_AGE",
    "Applicant",
    "EligibilityResult",
    "RegistrationPolicy",
    "RegistrationPolicyError",
    "UnmetCondition",
    "check_eligibility",
]

# notice §1: 劳动年龄为年满16周岁（含）至依法享受基本养老保险待遇.
MINIMUM_AGE: Final = 16

# Months before the statutory retirement date from which the clerk is warned.
_RETIREMENT_WARNING_MONTHS: Final = 6

# Registration places (code table `registration_place`): notice §1 names 户籍地/常住地,
# 79号 adds 就业地/参保地.
PLACE_LABELS: Final[dict[str, str]] = {
    "household": "户籍地",
    "residence": "常住地",
    "work": "就业地",
    "insured": "参保地",
}

UNMET_UNDER_AGE: Final = "under_age"
UNMET_RECEIVES_PENSION: Final = "receives_pension"
UNMET_UNABLE_TO_WORK: Final = "unable_to_work"
UNMET_NOT_WILLING: Final = "not_willing"
UNMET_EMPLOYED: Final = "employed"
UNMET_PLACE_MISMATCH: Final = "place_mismatch"
UNMET_HMT_NOT_EMPLOYED_ON_MAINLAND: Final = "hmt_not_employed_on_mainland"


class RegistrationPolicyError(DomainError):
    """A registration policy setting is invalid."""


@dataclass(frozen=True)
class RegistrationPolicy:
    """Settings that differ between the notice (default) and 人社厅发〔2020〕79号."""

    working_days: int = NOTICE_WORKING_DAYS
    allowed_places: frozenset[str] = frozenset({"household", "residence"})

    def __post_init__(self) -> None:
        if self.working_days < 1:
            raise RegistrationPolicyError(f"办结时限至少为1个工作日（现为{self.working_days}）")
        unknown = sorted(self.allowed_places - PLACE_LABELS.keys())
        if unknown:
            raise RegistrationPolicyError(f"未知的登记地类别：{'、'.join(unknown)}")
        if not self.allowed_places:
            raise RegistrationPolicyError("至少须允许一种登记地")

    @classmethod
    def national_79(cls) -> RegistrationPolicy:
        """79号: settle within 3 working days; also at the place of work or of insurance."""
        return cls(
            working_days=3,
            allowed_places=frozenset({"household", "residence", "work", "insured"}),
        )


@dataclass(frozen=True)
class Applicant:
    """The facts about a person that decide whether they may register (notice §1)."""

    birth_date: date
    sex: str  # GB/T 2261.1: "1" 男, "2" 女
    receives_basic_pension: bool
    able_to_work: bool
    willing_to_work: bool
    employed: bool
    household_region: str | None
    residence_region: str | None
    work_region: str | None = None
    insured_region: str | None = None
    is_hmt_resident: bool = False
    employed_on_mainland_before: bool | None = None
    retirement_category: RetirementCategory | None = None

    def region_for(self, place: str) -> str | None:
        """The region code of a registration place ("household", "residence", …)."""
        regions = {
            "household": self.household_region,
            "residence": self.residence_region,
            "work": self.work_region,
            "insured": self.insured_region,
        }
        return regions[place]


@dataclass(frozen=True)
class UnmetCondition:
    """One condition of notice §1 that the applicant does not meet."""

    code: str
    message: str


@dataclass(frozen=True)
class EligibilityResult:
    """Every unmet condition (empty when eligible) and non-blocking warnings for the clerk."""

    eligible: bool
    unmet: tuple[UnmetCondition, ...]
    warnings: tuple[str, ...]


def check_eligibility(
    applicant: Applicant,
    *,
    on: date,
    office_region: str,
    policy: RegistrationPolicy = RegistrationPolicy(),  # frozen, so sharing the default is safe
) -> EligibilityResult:
    """Check notice §1 on the application day at the office of `office_region`.

    Lists every unmet condition at once, so the applicant is told everything in one go.
    """
    region_prefix(office_region)  # a malformed office code is a set-up error: raise, do not judge
    unmet: list[UnmetCondition] = []
    warnings: list[str] = []

    sixteenth_birthday = anniversary(applicant.birth_date, MINIMUM_AGE)
    if on < sixteenth_birthday:
        unmet.append(
            UnmetCondition(
                UNMET_UNDER_AGE,
                f"申请之日未满{MINIMUM_AGE}周岁（{sixteenth_birthday.isoformat()}"
                f"年满{MINIMUM_AGE}周岁）",
            )
        )
    if applicant.receives_basic_pension:
        # notice §1: 劳动年龄 ends when the person 依法享受基本养老保险待遇.
        unmet.append(UnmetCondition(UNMET_RECEIVES_PENSION, "已依法享受基本养老保险待遇"))
    if not applicant.able_to_work:
        unmet.append(UnmetCondition(UNMET_UNABLE_TO_WORK, "无劳动能力"))
    if not applicant.willing_to_work:
        unmet.append(UnmetCondition(UNMET_NOT_WILLING, "无就业要求"))
    if applicant.employed:
        unmet.append(UnmetCondition(UNMET_EMPLOYED, "处于就业状态，不属于无业人员"))

    place_problem = _place_problem(applicant, office_region, policy)
    if place_problem is not None:
        unmet.append(UnmetCondition(UNMET_PLACE_MISMATCH, place_problem))

    if applicant.is_hmt_resident and applicant.employed_on_mainland_before is not True:
        # notice §1: 在内地（大陆）就业后失业的港澳台居民可参照执行.
        detail = (
            "尚未确认是否曾在内地（大陆）就业"
            if applicant.employed_on_mainland_before is None
            else "未曾在内地（大陆）就业"
        )
        unmet.append(
            UnmetCondition(
                UNMET_HMT_NOT_EMPLOYED_ON_MAINLAND,
                f"港澳台居民须在内地（大陆）就业后失业方可办理失业登记（{detail}）",
            )
        )

    warnings.extend(_retirement_warnings(applicant, on))
    return EligibilityResult(eligible=not unmet, unmet=tuple(unmet), warnings=tuple(warnings))


def _place_problem(
    applicant: Applicant, office_region: str, policy: RegistrationPolicy
) -> str | None:
    """Why the office may not register this person, or None if one allowed place matches.

    A county office serves people whose place is that county; a prefecture (or province)
    office serves its counties too.
    """
    ordered_places = [place for place in PLACE_LABELS if place in policy.allowed_places]
    labels = "或".join(PLACE_LABELS[place] for place in ordered_places)
    given: list[tuple[str, str]] = []
    bad_codes: list[str] = []
    for place in ordered_places:
        code = applicant.region_for(place)
        if code is None or not code.strip():
            continue
        try:
            if region_contains(office_region, code):
                return None
        except RegionCodeError:
            bad_codes.append(f"{PLACE_LABELS[place]}区划代码“{code}”格式不正确")
            continue
        given.append((place, code))
    if bad_codes and not given:
        return "；".join(bad_codes)
    if not given and not bad_codes:
        return f"未填写{labels}，无法确认本机构可以受理"
    places_text = "、".join(f"{PLACE_LABELS[place]}{code}" for place, code in given)
    message = f"本机构（{office_region}）不在申请人的{labels}范围内（{places_text}）"
    if bad_codes:
        message += "；" + "；".join(bad_codes)
    return message


def _retirement_warnings(applicant: Applicant, on: date) -> list[str]:
    """Warn near or past the statutory retirement date; not blocking (domain.md §3 note 1)."""
    category = applicant.retirement_category
    assumed = ""
    if category is None:
        try:
            category = default_category(applicant.sex, None)
        except RetirementCategoryError:
            return ["性别不是男或女，无法计算法定退休年龄，请核实是否已领取基本养老金"]
        if category is RetirementCategory.FEMALE_WORKER:
            assumed = f"（按{category.value}估算，请核实岗位类别）"
    retires_on = statutory_retirement_date(applicant.birth_date, category)
    pension_hint = "；本通知以是否享受基本养老保险待遇为准，请核实"
    if on >= retires_on:
        return [f"已于{retires_on.isoformat()}达到法定退休年龄{assumed}{pension_hint}"]
    if on >= add_months(retires_on, -_RETIREMENT_WARNING_MONTHS):
        return [f"将于{retires_on.isoformat()}达到法定退休年龄{assumed}{pension_hint}"]
    return []
