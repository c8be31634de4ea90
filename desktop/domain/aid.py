"""Aid for 就业困难人员 (notice §4(五)): plans, public-welfare posts, follow-up visits, policies."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from desktop.domain.codes import code_table
from desktop.domain.errors import DomainError

__all__ = [
    "EMPLOYER_VISIT_FIELDS",
    "PERSON_VISIT_FIELDS",
    "PERSON_VISIT_OUTCOMES",
    "REENTRY_OUTCOMES",
    "VISIT_EMPLOYER",
    "VISIT_PERSON",
    "AidError",
    "AidItem",
    "AidStep",
    "EmployerVisit",
    "PersonVisit",
    "PolicyAdvice",
    "PolicyFacts",
    "PostPlacement",
    "check_not_future",
    "check_plan",
    "policy_advice",
    "require_difficulty",
]

VISIT_PERSON = "person"  # 回访本人
VISIT_EMPLOYER = "employer"  # 回访用人单位

# notice §4(五)3(1) 回访本人: 就业创业状况、政策落实情况、援助服务措施落实情况.
PERSON_VISIT_FIELDS: dict[str, str] = {
    "employment_situation": "就业创业状况",
    "policies_enjoyed": "政策享受情况",
    "measures_carried_out": "援助服务措施落实情况",
}
# notice §4(五)3(2) 回访用人单位: 就业现状、工作时间、劳动强度、签订合同、参加社会保险、工资发放.
EMPLOYER_VISIT_FIELDS: dict[str, str] = {
    "employment_status": "就业现状",
    "working_hours": "工作时间",
    "workload": "劳动强度",
    "contract_signed": "签订合同",
    "social_insurance": "参加社会保险",
    "wages_paid": "工资发放",
}
# What a 回访本人 finds; the notice names the cases that need new aid.
PERSON_VISIT_OUTCOMES: dict[str, str] = {
    "employed_stable": "经援助已就业，工作稳定",
    "self_employed": "已自主创业或灵活就业",
    "employed_unstable": "经援助就业但工作不稳定",
    "re_unemployed": "再次失业",
    "not_employed": "尚未实现就业",
}
# notice §4(五)3(1): 再次失业的…继续纳入日常计划，确定新的就业援助措施; 经援助工作不稳定的…
# 提供新一轮有针对性就业援助.
REENTRY_OUTCOMES = frozenset({"re_unemployed", "employed_unstable"})
_EMPLOYED_OUTCOMES = frozenset({"employed_stable", "self_employed", "employed_unstable"})

_TEXT_LIMIT = 500


class AidError(DomainError):
    """An aid plan, post placement or follow-up visit that cannot be recorded as given."""


def check_not_future(day: date, today: date, what: str) -> None:
    """Dates of things that happened cannot lie ahead of today."""
    if day > today:
        raise AidError(f"{what}日期 {day.isoformat()} 晚于今天 {today.isoformat()}，请核对")


def require_difficulty(categories: Collection[str], what: str) -> None:
    """notice §4(五): aid plans and posts are for 就业困难人员 only."""
    if not categories:
        raise AidError(f"该人员未被认定为就业困难人员，不能{what}（通知第四条（五））")


def _text(value: str, label: str, *, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise AidError(f"请填写{label}")
    if len(cleaned) > _TEXT_LIMIT:
        raise AidError(f"{label}过长（最多{_TEXT_LIMIT}个字）")
    return cleaned


# --------------------------------------------------------------------------- aid plan


@dataclass(frozen=True)
class AidStep:
    """One step of an aid item (明确服务项目和步骤), with the day it should be done by."""

    step_id: str
    title: str
    due_on: date | None = None


@dataclass(frozen=True)
class AidItem:
    """One service item of a personal aid plan (个性化就业援助计划) and its steps."""

    item_id: str
    title: str
    steps: tuple[AidStep, ...] = ()


def check_plan(items: Sequence[AidItem], made_on: date) -> None:
    """A plan has at least one item, each with a title and at least one step; ids unique; no
    step due before the plan is made."""
    if not items:
        raise AidError("援助计划至少要有一个服务项目")
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        _text(item.title, f"第{number}个服务项目的名称")
        if not item.steps:
            raise AidError(f"服务项目「{item.title.strip()}」至少要有一个步骤")
        for step_number, step in enumerate(item.steps, start=1):
            _text(step.title, f"服务项目「{item.title.strip()}」第{step_number}步的内容")
            if step.due_on is not None and step.due_on < made_on:
                raise AidError(
                    f"步骤「{step.title.strip()}」的完成期限 {step.due_on.isoformat()} "
                    f"早于计划制定日期 {made_on.isoformat()}"
                )
        for identifier in (item.item_id, *(step.step_id for step in item.steps)):
            if not identifier or identifier in seen:
                raise AidError("援助计划中的项目或步骤编号重复或为空")
            seen.add(identifier)


# --------------------------------------------------------------------------- public-welfare post


@dataclass(frozen=True)
class PostPlacement:
    """Placement in a 公益性岗位 (notice §4(五)1: 通过公益性岗位予以优先安置)."""

    post: str
    employer: str
    start_on: date
    end_on: date | None = None

    def check(self, today: date) -> None:
        """Post and employer named, the start not in the future, the end after the start."""
        _text(self.post, "岗位名称")
        _text(self.employer, "用人单位（岗位开发单位）")
        check_not_future(self.start_on, today, "上岗")
        if self.end_on is not None and self.end_on < self.start_on:
            raise AidError(
                f"岗位结束日期 {self.end_on.isoformat()} 早于上岗日期 {self.start_on.isoformat()}"
            )


# --------------------------------------------------------------------------- follow-up visits


@dataclass(frozen=True)
class PersonVisit:
    """回访本人 (notice §4(五)3(1)), exactly the notice's content plus the outcome."""

    visited_on: date
    outcome: str
    employment_situation: str
    policies_enjoyed: tuple[str, ...]
    measures_carried_out: str
    method: str = "field_visit"
    problems: str = ""
    follow_up_measures: str = ""

    def check(self, today: date, aid_started_on: date | None) -> None:
        check_not_future(self.visited_on, today, "回访")
        if aid_started_on is not None and self.visited_on < aid_started_on:
            raise AidError(
                f"回访日期 {self.visited_on.isoformat()} 早于援助开始日期 "
                f"{aid_started_on.isoformat()}"
            )
        if self.outcome not in PERSON_VISIT_OUTCOMES:
            choices = "、".join(PERSON_VISIT_OUTCOMES.values())
            raise AidError(f"回访结论「{self.outcome}」无效，可选：{choices}")
        if self.method not in code_table("contact_method"):
            raise AidError(f"回访方式「{self.method}」无效")
        _text(self.employment_situation, PERSON_VISIT_FIELDS["employment_situation"])
        _text(self.measures_carried_out, PERSON_VISIT_FIELDS["measures_carried_out"])
        _text(self.problems, "反映的困难和问题", required=False)
        if self.needs_new_round:
            # notice §4(五)3(1): 要做好记录，改进援助方式…确定新的就业援助措施.
            _text(self.follow_up_measures, "新的就业援助措施")

    @property
    def needs_new_round(self) -> bool:
        """Re-unemployed or unstable: back into the aid plan with new measures."""
        return self.outcome in REENTRY_OUTCOMES

    @property
    def employed(self) -> bool:
        return self.outcome in _EMPLOYED_OUTCOMES


@dataclass(frozen=True)
class EmployerVisit:
    """回访用人单位 (notice §4(五)3(2)), exactly the notice's content."""

    visited_on: date
    employer: str
    employment_status: str
    working_hours: str
    workload: str
    contract_signed: bool
    social_insurance: bool
    wages_paid: bool
    problems: str = ""
    coordination: str = ""

    def check(self, today: date, aid_started_on: date | None) -> None:
        check_not_future(self.visited_on, today, "回访")
        if aid_started_on is not None and self.visited_on < aid_started_on:
            raise AidError(
                f"回访日期 {self.visited_on.isoformat()} 早于援助开始日期 "
                f"{aid_started_on.isoformat()}"
            )
        _text(self.employer, "用人单位名称")
        _text(self.employment_status, EMPLOYER_VISIT_FIELDS["employment_status"])
        _text(self.working_hours, EMPLOYER_VISIT_FIELDS["working_hours"])
        _text(self.workload, EMPLOYER_VISIT_FIELDS["workload"])
        _text(self.problems, "反映的情况", required=False)
        _text(self.coordination, "协调情况", required=False)

    @property
    def concerns(self) -> tuple[str, ...]:
        """What the 回访 found missing, for the coordination the notice asks for."""
        found = []
        if not self.contract_signed:
            found.append("未签订劳动合同")
        if not self.social_insurance:
            found.append("未参加社会保险")
        if not self.wages_paid:
            found.append("工资未按时足额发放")
        return tuple(found)


# --------------------------------------------------------------------------- policies to act on


@dataclass(frozen=True)
class PolicyFacts:
    """What the policy rules read from the person's record and services."""

    age: int | None = None
    difficulty_categories: tuple[str, ...] = ()
    unemployment_cause: str | None = None
    rural_hukou: bool = False
    in_post: bool = False
    employed: bool = False
    self_employed: bool = False
    startup_wish: bool = False
    trained: bool = False
    extra: frozenset[str] = field(default_factory=frozenset)

    def conditions(self) -> dict[str, bool]:
        """Each condition code of the aid_policy_rule table and whether it holds."""
        age = self.age if self.age is not None else -1
        held = {
            "difficulty": bool(self.difficulty_categories),
            "in_post": self.in_post,
            "employed": self.employed or self.in_post or self.self_employed,
            "self_employed": self.self_employed,
            "startup_wish": self.startup_wish or self.self_employed,
            "trained": self.trained,
            "age_16_24": 16 <= age <= 24,
            # 非因本人意愿中断就业: 解除或终止劳动关系, 机关事业单位辞退解聘 (unemployment_cause).
            "involuntary": self.unemployment_cause in ("02", "03"),
            "rural_hukou": self.rural_hukou,
        }
        for code in self.difficulty_categories:
            held[f"category_{code}"] = True
        for code in self.extra:
            held[code] = True
        return held


@dataclass(frozen=True)
class PolicyAdvice:
    """A policy of the 政策清单 the person's record shows them to qualify for."""

    policy: str
    enjoyed: bool
    reasons: tuple[str, ...]


_CONDITION_LABELS: dict[str, str] = {
    "difficulty": "已认定为就业困难人员",
    "in_post": "通过公益性岗位安置",
    "employed": "已实现就业",
    "self_employed": "已自主创业",
    "startup_wish": "有创业意愿或已创业",
    "trained": "已推介或参加职业培训",
    "age_16_24": "16—24岁登记失业青年",
    "involuntary": "非因本人意愿中断就业",
    "rural_hukou": "农业户口",
}


def _condition_label(code: str) -> str:
    if code.startswith("category_"):
        entry = code_table("difficulty_category").get(code.removeprefix("category_"))
        return entry.label if entry is not None else code
    return _CONDITION_LABELS.get(code, code)


def _requirement_met(requirement: str, held: dict[str, bool]) -> str | None:
    """A requirement is "a|b" (any of them); the label of the one that holds, else None."""
    for alternative in requirement.split("|"):
        code = alternative.strip()
        if code and held.get(code, False):
            return _condition_label(code)
    return None


def policy_advice(
    policy_names: Iterable[str], facts: PolicyFacts, enjoyed: Collection[str]
) -> list[PolicyAdvice]:
    """The listed policies (政策清单 names) whose rule in the aid_policy_rule table the record
    meets, each marked enjoyed or not. notice §4(五)3(1): 对尚未享受扶持政策的，要积极协助落实.
    A policy without a rule is not judged here (its conditions are checked by a clerk)."""
    rules = {entry.label: entry for entry in code_table("aid_policy_rule")}
    held = facts.conditions()
    advice: list[PolicyAdvice] = []
    for name in dict.fromkeys(policy_names):
        rule = rules.get(name.strip())
        if rule is None:
            continue
        reasons: list[str] = []
        for requirement in rule.extra.get("requires", "").split(";"):
            if not requirement.strip():
                continue
            met = _requirement_met(requirement, held)
            if met is None:
                break
            reasons.append(met)
        else:
            advice.append(PolicyAdvice(name.strip(), name.strip() in enjoyed, tuple(reasons)))
    return advice
