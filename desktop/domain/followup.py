"""Serving registered workers (notice §4, §5): tiers, difficulty, monthly contact, 注销."""

from __future__ import annotations

import csv
import enum
import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from importlib import resources

from desktop.domain.codes import code_table
from desktop.domain.errors import DomainError
from desktop.domain.retirement import (
    RetirementCategory,
    RetirementCategoryError,
    add_months,
    anniversary,
    default_category,
    statutory_retirement_date,
)

__all__ = [
    "DIFFICULTY_DISABLED",
    "DIFFICULTY_LONG_UNEMPLOYED",
    "DIFFICULTY_OLDER",
    "REASON_LOST_CONTACT",
    "REASON_PENSION",
    "REASON_REFUSALS",
    "REASON_STABLE_INCOME",
    "SERVICE_KINDS",
    "TIER_AID",
    "TIER_GENERAL",
    "TIER_KEY",
    "ContactStatus",
    "ContradictionError",
    "DeregistrationProposal",
    "MinimumStandard",
    "MinimumStandardError",
    "ServiceOffer",
    "SweepRecord",
    "TierDecision",
    "TierFacts",
    "age_on",
    "check_deregistration_reason",
    "contact_status",
    "deregistration_contradictions",
    "is_notified",
    "minimum_standard_on",
    "parse_minimum_standards",
    "propose_deregistrations",
    "recognise_difficulty",
    "service_tier",
    "shipped_minimum_standards",
    "unjustified_refusal_streak",
]

# notice §4(二)–(八): the services a clerk records (kind → Chinese name).
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

TIER_GENERAL = "general"
TIER_KEY = "key"
TIER_AID = "aid"

DIFFICULTY_OLDER = "01"  # 大龄失业人员
DIFFICULTY_DISABLED = "02"  # 残疾人
DIFFICULTY_LONG_UNEMPLOYED = "06"  # 连续失业1年以上人员

REASON_PENSION = "11"
REASON_STABLE_INCOME = "23"
REASON_REFUSALS = "37"
REASON_LOST_CONTACT = "38"

# domain.md §1.4: 大龄 = 女满40周岁、男满50周岁 (GB/T 2261.1 sex codes "2" / "1").
_OLDER_AGE = {"1": 50, "2": 40}
# The project's rule for 重点 (the notice fixes no thresholds, §4): five years short of 大龄.
_NEAR_OLDER_AGE = {"1": 45, "2": 35}
_KEY_UNEMPLOYED_MONTHS = 6
_LONG_UNEMPLOYED_MONTHS = 12  # domain.md §1.4: 连续失业1年以上, from the latest registration
_HEALTHY = "1"  # GB/T 2261.3: 健康或良好
_DISABLED_HEALTH = "6"
_LOST_CONTACT_MONTHS = 6  # notice §5(三): 连续6个月无法取得联系
_REFUSALS_TO_DEREGISTER = 3  # notice §5(三): 无正当理由连续3次拒绝接受公共就业服务
# Reasons whose fact only an outside record proves: the clerk must write where it comes from.
_REASONS_NEEDING_EVIDENCE = frozenset({"23", "31", "32", "33", "34", "35", "36", "41"})


class ContradictionError(DomainError):
    """The chosen deregistration reason is contradicted by the record; `problems` lists why."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = list(problems)


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on `day`."""
    years = day.year - birth_date.year
    return years if anniversary(birth_date, years) <= day else years - 1


def _months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 if end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(0, months)


def _category_label(code: str) -> str:
    entry = code_table("difficulty_category").get(code)
    return entry.label if entry is not None else code


# --------------------------------------------------------------------------- tiers


@dataclass(frozen=True)
class TierFacts:
    """What the tier rules read: from the registration form and the 摸底 survey."""

    today: date
    sex: str | None = None
    birth_date: date | None = None
    health: str | None = None
    disability_category: str | None = None
    registered_on: date | None = None
    unemployed_since: date | None = None
    difficulty_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class TierDecision:
    """The tier (service_tier code) and the reasons shown to the clerk, in Chinese."""

    tier: str
    reasons: tuple[str, ...]
    difficulty_categories: tuple[str, ...]

    @property
    def label(self) -> str:
        entry = code_table("service_tier").get(self.tier)
        return entry.label if entry is not None else self.tier


def recognise_difficulty(facts: TierFacts) -> tuple[str, ...]:
    """就业困难人员 categories (domain.md §1.4): those recorded at registration that the table
    knows, plus the ones the record itself proves: 大龄 (女40/男50), 残疾 (health 6 or a
    disability category), 连续失业1年以上 counted from the registration date."""
    table = code_table("difficulty_category")
    found = {code for code in facts.difficulty_categories if code in table}
    sex = facts.sex or ""
    if facts.birth_date is not None and age_on(facts.birth_date, facts.today) >= _OLDER_AGE.get(
        sex, 999
    ):
        found.add(DIFFICULTY_OLDER)
    if facts.health == _DISABLED_HEALTH or (facts.disability_category or "").strip():
        found.add(DIFFICULTY_DISABLED)
    if facts.registered_on is not None and (
        _months_between(facts.registered_on, facts.today) >= _LONG_UNEMPLOYED_MONTHS
    ):
        found.add(DIFFICULTY_LONG_UNEMPLOYED)
    return tuple(sorted(found))


def service_tier(facts: TierFacts) -> TierDecision:
    """分级分类 (notice §4): 援助 for 就业困难人员 (§4(五): 个性化就业援助计划); 重点 for
    unemployment of 6 months or more, health not good, or age within five years of 大龄;
    一般 otherwise. The 重点 thresholds are this project's, the notice names only the factors."""
    categories = recognise_difficulty(facts)
    if categories:
        reasons = tuple(f"就业困难人员：{_category_label(code)}" for code in categories)
        return TierDecision(TIER_AID, reasons, categories)
    reasons_list: list[str] = []
    since = facts.unemployed_since or facts.registered_on
    if since is not None:
        months = _months_between(since, facts.today)
        if months >= _KEY_UNEMPLOYED_MONTHS:
            reasons_list.append(f"已失业{months}个月（满{_KEY_UNEMPLOYED_MONTHS}个月）")
    if facts.health not in (None, "", _HEALTHY):
        entry = code_table("health").get(facts.health or "")
        reasons_list.append(f"健康状况：{entry.label if entry else facts.health}")
    if facts.birth_date is not None and facts.sex in _NEAR_OLDER_AGE:
        age = age_on(facts.birth_date, facts.today)
        if age >= _NEAR_OLDER_AGE[facts.sex]:
            reasons_list.append(f"年龄{age}周岁，接近大龄失业人员年龄")
    if reasons_list:
        return TierDecision(TIER_KEY, tuple(reasons_list), ())
    return TierDecision(TIER_GENERAL, ("无就业困难或重点帮助因素",), ())


# --------------------------------------------------------------------------- monthly contact


class ContactStatus(enum.Enum):
    """Where a registered person stands on the monthly contact (notice §5: 每月至少1次)."""

    DONE = "done"  # reached (or registered) in this month
    DUE = "due"  # not yet this month, last month was covered
    OVERDUE = "overdue"  # a whole calendar month already passed without contact

    @property
    def label(self) -> str:
        return {"done": "本月已联系", "due": "本月待联系", "overdue": "逾期未联系"}[self.value]


def _month_start(day: date) -> date:
    return day.replace(day=1)


def contact_status(registered_on: date, last_contact_on: date | None, month: date) -> ContactStatus:
    """The status for the calendar month containing `month`, from the latest reached contact.

    The registration day itself counts as contact (the person was at the counter). A contact
    later than that month cannot tell whether the month was covered: DomainError.
    """
    start = _month_start(month)
    end = add_months(start, 1) - timedelta(days=1)
    if registered_on > end:
        raise DomainError(f"{start:%Y年%m月}时尚未登记（登记日期 {registered_on.isoformat()}）")
    latest = max(registered_on, last_contact_on or registered_on)
    if latest > end:
        raise DomainError(f"最近一次联系晚于{start:%Y年%m月}，无法判断该月联系情况")
    if latest >= start:
        return ContactStatus.DONE
    if latest >= add_months(start, -1):
        return ContactStatus.DUE
    return ContactStatus.OVERDUE


# --------------------------------------------------------------------------- deregistration


def is_notified(reason: str) -> bool:
    """Whether the person receives the 注销告知书 (notice §5: not for 移居境外、被判刑收监执行、
    死亡、无法取得联系), from the table's notify column."""
    entry = code_table("deregistration_reason").get(reason)
    if entry is None:
        raise DomainError(f"注销原因代码「{reason}」无效")
    return entry.extra.get("notify", "1").strip() == "1"


@dataclass(frozen=True)
class ServiceOffer:
    """A public employment service offered: accepted, or refused with or without valid reason."""

    on: date
    accepted: bool
    valid_reason: bool = False


def unjustified_refusal_streak(offers: Iterable[ServiceOffer]) -> tuple[date, ...]:
    """Dates of the latest run of refusals without valid reason (notice §5(三): 连续); an
    accepted service or a refusal with a valid reason ends the run."""
    streak: list[date] = []
    for offer in sorted(offers, key=lambda item: item.on):
        if offer.accepted or offer.valid_reason:
            streak = []
        else:
            streak.append(offer.on)
    return tuple(streak)


@dataclass(frozen=True)
class SweepRecord:
    """One active registration as the sweep sees it (plain values, from any store)."""

    registration_id: str
    registered_on: date
    last_contact_on: date | None = None
    sex: str | None = None
    birth_date: date | None = None
    retirement_category: RetirementCategory | None = None
    offers: tuple[ServiceOffer, ...] = ()
    pension_evidence: str = ""  # e.g. a data-comparison hit in the pension records


@dataclass(frozen=True)
class DeregistrationProposal:
    """A deregistration the sweep proposes for a 审核 to confirm; `confirmable` False is a
    warning to check (e.g. past pension age with no pension record)."""

    registration_id: str
    reason: str
    evidence: str
    confirmable: bool = True

    @property
    def reason_label(self) -> str:
        entry = code_table("deregistration_reason").get(self.reason)
        return entry.label if entry is not None else self.reason


def _retirement_date(record: SweepRecord) -> date | None:
    if record.birth_date is None:
        return None
    category = record.retirement_category
    if category is None:
        try:
            category = default_category(record.sex or "", None)
        except RetirementCategoryError:
            return None
    return statutory_retirement_date(record.birth_date, category)


def _lost_contact_since(record: SweepRecord, today: date) -> date | None:
    latest = max(record.registered_on, record.last_contact_on or record.registered_on)
    return latest if add_months(latest, _LOST_CONTACT_MONTHS) <= today else None


def propose_deregistrations(
    records: Iterable[SweepRecord], today: date
) -> list[DeregistrationProposal]:
    """The daily sweep (issue 6): proposals only, nothing is deregistered here."""
    proposals: list[DeregistrationProposal] = []
    for record in records:
        latest = _lost_contact_since(record, today)
        if latest is not None:
            months = _months_between(latest, today)
            proposals.append(
                DeregistrationProposal(
                    record.registration_id,
                    REASON_LOST_CONTACT,
                    f"最近一次取得联系（或登记）为 {latest.isoformat()}，"
                    f"至 {today.isoformat()} 已连续{months}个月无法取得联系",
                )
            )
        streak = unjustified_refusal_streak(record.offers)
        if len(streak) >= _REFUSALS_TO_DEREGISTER:
            dates = "、".join(day.isoformat() for day in streak)
            proposals.append(
                DeregistrationProposal(
                    record.registration_id,
                    REASON_REFUSALS,
                    f"无正当理由连续{len(streak)}次拒绝接受公共就业服务：{dates}",
                )
            )
        retirement = _retirement_date(record)
        if retirement is not None and retirement <= today:
            if record.pension_evidence.strip():
                evidence = (
                    f"已达法定退休年龄（{retirement.isoformat()}），{record.pension_evidence}"
                )
                proposals.append(
                    DeregistrationProposal(record.registration_id, REASON_PENSION, evidence)
                )
            else:
                # notice §1: the ceiling is receiving a pension, not an age: only a warning.
                proposals.append(
                    DeregistrationProposal(
                        record.registration_id,
                        REASON_PENSION,
                        f"已达法定退休年龄（{retirement.isoformat()}），"
                        "请核实是否已领取基本养老保险待遇",
                        confirmable=False,
                    )
                )
    return proposals


# --------------------------------------------------------------------------- 最低生活保障标准


@dataclass(frozen=True)
class MinimumStandard:
    """The 最低生活保障标准 of a region from a day on (民政 reference data), per person and
    month, for urban and rural residents (yuan)."""

    region_code: str
    effective_from: date
    urban_monthly: Decimal
    rural_monthly: Decimal
    source: str = ""

    def monthly(self, urban: bool) -> Decimal:
        return self.urban_monthly if urban else self.rural_monthly

    def describe(self, urban: bool) -> str:
        kind = "城市" if urban else "农村"
        return (
            f"{kind}最低生活保障标准{self.monthly(urban)}元/月"
            f"（{self.region_code}，{self.effective_from.isoformat()}起执行）"
        )


class MinimumStandardError(DomainError):
    """The 最低生活保障标准 table is malformed."""


def _amount(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation as error:
        raise MinimumStandardError(f"{where}的金额「{text}」不是数字") from error
    if not value.is_finite() or value <= 0:
        raise MinimumStandardError(f"{where}的金额「{text}」应为正数")
    return value


def parse_minimum_standards(text: str) -> tuple[MinimumStandard, ...]:
    """Rows of a CSV with the header region_code,region_name,effective_from,urban_monthly,
    rural_monthly,source; every problem names the line in Chinese."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    needed = {"region_code", "effective_from", "urban_monthly", "rural_monthly"}
    if not needed <= set(reader.fieldnames or ()):
        raise MinimumStandardError("最低生活保障标准表缺少列：" + "、".join(sorted(needed)))
    rows: list[MinimumStandard] = []
    seen: set[tuple[str, date]] = set()
    for line, row in enumerate(reader, start=2):
        where = f"最低生活保障标准表第{line}行"
        try:
            effective_from = date.fromisoformat((row["effective_from"] or "").strip())
        except ValueError as error:
            raise MinimumStandardError(f"{where}的执行日期格式不正确") from error
        region = (row["region_code"] or "").strip()
        if not region.isdigit() or len(region) != 6:
            raise MinimumStandardError(f"{where}的地区代码「{region}」不是6位数字")
        if (region, effective_from) in seen:
            raise MinimumStandardError(f"{where}与前面的行地区和执行日期相同")
        seen.add((region, effective_from))
        rows.append(
            MinimumStandard(
                region,
                effective_from,
                _amount(row["urban_monthly"] or "", where),
                _amount(row["rural_monthly"] or "", where),
                (row.get("source") or "").strip(),
            )
        )
    return tuple(rows)


@functools.cache
def shipped_minimum_standards() -> tuple[MinimumStandard, ...]:
    """The table shipped in desktop/domain/data (placeholder figures: to be replaced by the
    real 民政 table, see its source column)."""
    resource = resources.files("desktop.domain") / "data" / "minimum_living_standard.csv"
    return parse_minimum_standards(resource.read_text(encoding="utf-8"))


def _region_and_parents(region: str) -> tuple[str, ...]:
    """County, prefecture, province (GB/T 2260: the code's first 4 and 2 digits)."""
    county = region[:6]
    return tuple(dict.fromkeys((county, county[:4] + "00", county[:2] + "0000")))


def minimum_standard_on(
    standards: Iterable[MinimumStandard], region: str, on: date
) -> MinimumStandard | None:
    """The standard valid on `on` for `region`: the county's own if it has one in force, else
    its prefecture's, else the province's; None when none was in force yet."""
    in_force: dict[str, MinimumStandard] = {}
    for standard in standards:
        if standard.effective_from > on:
            continue
        current = in_force.get(standard.region_code)
        if current is None or standard.effective_from > current.effective_from:
            in_force[standard.region_code] = standard
    for code in _region_and_parents(region):
        if code in in_force:
            return in_force[code]
    return None


def _income_problems(
    monthly_income: Decimal | None, standard: MinimumStandard | None, urban: bool, on: date
) -> list[str]:
    """notice §5(二): 月收入不低于当地最低生活保障标准 — on the day of deregistration."""
    if monthly_income is None:
        return ["以「从事有稳定收入的劳动且月收入不低于当地最低生活保障标准」注销须填写月收入"]
    if standard is None:
        return [f"未找到该地区 {on.isoformat()} 有效的最低生活保障标准，无法核对月收入"]
    minimum = standard.monthly(urban)
    if monthly_income < minimum:
        return [f"月收入{monthly_income}元低于当地{standard.describe(urban)}，不能以此注销"]
    return []


def deregistration_contradictions(
    reason: str,
    record: SweepRecord,
    today: date,
    *,
    evidence: str = "",
    monthly_income: Decimal | None = None,
    minimum_standard: MinimumStandard | None = None,
    urban: bool = True,
) -> list[str]:
    """What in the record contradicts deregistering for `reason` ([] when nothing does).

    For reason 23 the monthly income is compared with `minimum_standard` (the one valid on
    `today` for the registration's region; urban or rural by the person's residence)."""
    if reason not in code_table("deregistration_reason"):
        return [f"注销原因代码「{reason}」无效"]
    problems: list[str] = []
    if reason == REASON_STABLE_INCOME:
        problems.extend(_income_problems(monthly_income, minimum_standard, urban, today))
    evidence = evidence or record.pension_evidence if reason == REASON_PENSION else evidence
    if reason == REASON_PENSION and not evidence.strip():
        retirement = _retirement_date(record)
        if retirement is None or retirement > today:
            age = f"{age_on(record.birth_date, today)}周岁，" if record.birth_date else ""
            limit = f"（{retirement.isoformat()}）" if retirement else ""
            problems.append(
                f"该人员{age}未达法定退休年龄{limit}，以「已依法享受基本养老保险待遇」注销"
                "须提供领取养老保险待遇的证明"
            )
    elif reason == REASON_LOST_CONTACT and _lost_contact_since(record, today) is None:
        latest = max(record.registered_on, record.last_contact_on or record.registered_on)
        problems.append(
            f"最近一次取得联系（或登记）为 {latest.isoformat()}，未满连续6个月，"
            "不能以「连续6个月无法取得联系」注销"
        )
    elif reason == REASON_REFUSALS:
        streak = unjustified_refusal_streak(record.offers)
        if len(streak) < _REFUSALS_TO_DEREGISTER:
            problems.append(
                f"记录中无正当理由连续拒绝公共就业服务仅{len(streak)}次，不足3次，不能以此注销"
            )
    elif reason in _REASONS_NEEDING_EVIDENCE and not evidence.strip():
        label = code_table("deregistration_reason").get(reason)
        problems.append(
            f"以「{label.label if label else reason}」注销须填写依据（证明材料或核实情况）"
        )
    return problems


def check_deregistration_reason(
    reason: str,
    record: SweepRecord,
    today: date,
    *,
    evidence: str = "",
    monthly_income: Decimal | None = None,
    minimum_standard: MinimumStandard | None = None,
    urban: bool = True,
) -> None:
    """Raise ContradictionError (Chinese message) if the record contradicts `reason`."""
    problems = deregistration_contradictions(
        reason,
        record,
        today,
        evidence=evidence,
        monthly_income=monthly_income,
        minimum_standard=minimum_standard,
        urban=urban,
    )
    if problems:
        raise ContradictionError(problems)
