"""Supervision figures the province reports on (notice §7(一)): 服务响应逾期、信息系统数据不完整
不准确、更新不及时 — per counter, county and city, with the list of cases behind each number."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.codes import code_table
from desktop.domain.idnumbers import mask_id_number
from desktop.domain.workdays import NOTICE_WORKING_DAYS, WorkdayCalendar
from desktop.reports.facts import RegistrationFacts, load_facts, raw_rows
from desktop.reports.period import (
    PeriodScheme,
    ReportingPeriod,
    beijing_today,
    check_region,
    region_label,
    reporting_period,
)

__all__ = [
    "INDICATORS",
    "LATE_UPDATE_WORKING_DAYS",
    "SupervisionCase",
    "SupervisionReport",
    "overdue_trend",
    "supervision_report",
]

# The four indicators of notice §7(一), in the order the province lists them.
INDICATORS: dict[str, str] = {
    "late_settlement": "逾期办结（超过7个工作日）",
    "missed_contact": "当月未联系",
    "incomplete": "必填项缺失或不一致",
    "late_update": "更新不及时",
}
# A change entered more than this many working days after it happened is a late update. The
# notice sets no number; 5 working days is 人社厅发〔2020〕79号's time for the first contact.
LATE_UPDATE_WORKING_DAYS = 5
LEVELS = {"counter": "窗口", "county": "县（区）", "city": "市（州）"}
_REQUIRED_PERSON = {
    "sex": "性别",
    "birth_date": "出生日期",
    "phone": "联系电话",
    "residence_region": "常住地",
    "residence_urban": "常住地城乡属性",
    "education": "学历",
    "hukou_type": "户口性质",
}
_EVENT_DATES = {
    "registration.verified": ("verified_on", "核实"),
    "registration.registered": ("registered_on", "登记"),
    "registration.rejected": ("rejected_on", "不予登记"),
    "deregistration.done": ("deregistered_on", "注销"),
    "contact.recorded": ("contacted_on", "联系"),
    "service.recorded": ("served_on", "服务"),
}
_BEIJING = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class SupervisionCase:
    """One case behind a number: which registration, where, and what is wrong."""

    indicator: str
    registration_number: str
    person_name: str
    id_number_masked: str
    counter_id: str
    county: str
    detail: str

    @property
    def city(self) -> str:
        return self.county[:4] + "00" if len(self.county) == 6 else self.county


@dataclass(frozen=True)
class SupervisionReport:
    """The four indicators of one region and month, with their cases."""

    region: str
    region_name: str
    period: ReportingPeriod
    as_of: dt.date
    cases: tuple[SupervisionCase, ...]
    warnings: tuple[str, ...] = field(default=())

    def count(self, indicator: str) -> int:
        return sum(1 for case in self.cases if case.indicator == indicator)

    def counts_by(self, level: str) -> dict[str, dict[str, int]]:
        """{unit: {indicator: count}} with unit a counter id, county code or city code."""
        table: dict[str, Counter[str]] = {}
        for case in self.cases:
            unit = {"counter": case.counter_id, "county": case.county, "city": case.city}[level]
            table.setdefault(unit or "未知", Counter())[case.indicator] += 1
        return {
            unit: {key: counts.get(key, 0) for key in INDICATORS}
            for unit, counts in sorted(table.items())
        }

    def cases_of(
        self, indicator: str, unit: str = "", level: str = "counter"
    ) -> list[SupervisionCase]:
        """The cases behind one number (all units when `unit` is empty)."""
        return [
            case
            for case in self.cases
            if case.indicator == indicator
            and (
                not unit
                or {"counter": case.counter_id, "county": case.county, "city": case.city}[level]
                == unit
            )
        ]

    def summary(self) -> str:
        parts = [f"{label} {self.count(key)}" for key, label in INDICATORS.items()]
        return f"{self.region_name}{self.period.label}督查：" + "，".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "month": self.period.key,
            "counts": {key: self.count(key) for key in INDICATORS},
            "by_counter": self.counts_by("counter"),
            "by_county": self.counts_by("county"),
            "by_city": self.counts_by("city"),
            "warnings": list(self.warnings),
            "cases": [case.__dict__ for case in self.cases],
        }


def _settlement_cases(
    facts: Iterable[RegistrationFacts],
    period: ReportingPeriod,
    end: dt.date,
    calendar: WorkdayCalendar,
    working_days: int,
) -> list[tuple[RegistrationFacts, str]]:
    """notice §3: 在7个工作日内办结. Settled in the period after the deadline, or still open at
    the period's end with the deadline passed."""
    due_by_day: dict[str, dt.date] = {}
    found = []
    for fact in facts:
        if fact.applied_on is None:
            continue
        settled = fact.registered_on or fact.rejected_on
        if settled is None and fact.status not in ("applied", "verified"):
            continue
        due = due_by_day.get(fact.applied_on)
        if due is None:
            applied = dt.date.fromisoformat(fact.applied_on)
            due = due_by_day[fact.applied_on] = calendar.add_workdays(applied, working_days).due
        if settled is not None:
            day = dt.date.fromisoformat(settled)
            if period.start <= day <= end and day > due:
                found.append(
                    (
                        fact,
                        f"{fact.applied_on} 受理，应于 {due.isoformat()} 前办结，{settled} 才办结",
                    )
                )
        elif due < end and dt.date.fromisoformat(fact.applied_on) <= end:
            found.append(
                (fact, f"{fact.applied_on} 受理，应于 {due.isoformat()} 前办结，至期末仍未办结")
            )
    return found


def _contacted(session: Session, start: str, end: str) -> set[str]:
    """Registrations reached in [start, end] (notice §5: 每月至少进行1次跟踪调查)."""
    rows = raw_rows(
        session,
        "SELECT DISTINCT entity_id FROM journal WHERE entity_type = 'registration' AND ("
        "(kind = 'contact.recorded' AND coalesce(json_extract(payload, '$.reached'), 1) != 0"
        " AND json_extract(payload, '$.contacted_on') BETWEEN ? AND ?)"
        " OR (kind = 'service.recorded' AND json_extract(payload, '$.served_on') BETWEEN ? AND ?)"
        " OR (kind = 'service.refused' AND json_extract(payload, '$.refused_on') BETWEEN ? AND ?))",
        [start, end, start, end, start, end],
    )
    return {row[0] for row in rows}


def _field_problems(fact: RegistrationFacts, person: dict[str, Any]) -> list[str]:
    problems = [label for name, label in _REQUIRED_PERSON.items() if person.get(name) in (None, "")]
    missing = "、".join(problems)
    found = [f"缺少{missing}"] if missing else []
    if not fact.unemployment_cause:
        found.append("缺少失业原因")
    elif fact.unemployment_cause not in code_table("unemployment_cause"):
        found.append(f"失业原因代码「{fact.unemployment_cause}」不在代码表中")
    if not fact.unemployed_since:
        found.append("缺少失业时间")
    elif fact.registered_on and fact.unemployed_since > fact.registered_on:
        found.append(f"失业时间 {fact.unemployed_since} 晚于登记日期 {fact.registered_on}")
    education = person.get("education")
    if education and education not in code_table("education"):
        found.append(f"学历代码「{education}」不在代码表中")
    number = str(person.get("id_number") or "")
    if person.get("doc_type") == "RESIDENT_ID" and len(number) == 18:
        # GB 11643: 第17位奇数为男、偶数为女; 第7–14位为出生日期.
        sex = person.get("sex")
        if (
            number[16].isdigit()
            and sex in ("1", "2")
            and ("1" if int(number[16]) % 2 else "2") != sex
        ):
            found.append("性别与公民身份号码不一致")
        birth = person.get("birth_date")
        if birth and birth.replace("-", "") != number[6:14]:
            found.append("出生日期与公民身份号码不一致")
    if person.get("health") == "6" and not person.get("disability_grade"):
        found.append("健康状况为残疾但未填写残疾等级")
    return found


def _persons(session: Session, person_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    columns = (
        "id",
        "name",
        "id_number",
        "doc_type",
        "health",
        "disability_grade",
        *_REQUIRED_PERSON,
    )
    ids = list(dict.fromkeys(person_ids))
    found: dict[str, dict[str, Any]] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT {', '.join(columns)} FROM person WHERE id IN ({marks})"
        for row in raw_rows(session, sql, chunk):
            found[row[0]] = dict(zip(columns, row, strict=True))
    return found


def _late_updates(
    session: Session,
    period: ReportingPeriod,
    end: dt.date,
    calendar: WorkdayCalendar,
    numbers: dict[str, RegistrationFacts],
) -> list[tuple[RegistrationFacts, str, str]]:
    """Events entered in the period more than LATE_UPDATE_WORKING_DAYS working days after the
    day they record (notice §7(一): 更新不及时)."""
    kinds = list(_EVENT_DATES)
    marks = ",".join("?" * len(kinds))
    # wall_time is UTC text; a day of margin either side, the Beijing day is checked below.
    low = (period.start - dt.timedelta(days=1)).isoformat()
    high = (end + dt.timedelta(days=2)).isoformat()
    rows = raw_rows(
        session,
        f"SELECT entity_id, kind, payload, wall_time, clerk_id, counter_id FROM journal"
        f" WHERE entity_type = 'registration' AND kind IN ({marks})"
        " AND wall_time >= ? AND wall_time < ?",
        [*kinds, low, high],
    )
    deadline: dict[dt.date, dt.date] = {}
    found = []
    for entity_id, kind, payload, wall_time, clerk, counter in rows:
        fact = numbers.get(entity_id)
        if fact is None:
            continue
        stamp = dt.datetime.fromisoformat(str(wall_time))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.UTC)
        entered = stamp.astimezone(_BEIJING).date()
        if not period.start <= entered <= period.end:
            continue
        field_name, label = _EVENT_DATES[kind]
        value = (json.loads(payload) if isinstance(payload, str) else payload).get(field_name)
        try:
            happened = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            continue
        limit = deadline.get(happened)
        if limit is None:
            limit = deadline[happened] = calendar.add_workdays(
                happened, LATE_UPDATE_WORKING_DAYS
            ).due
        if entered > limit:
            found.append(
                (
                    fact,
                    f"{label}发生于 {happened.isoformat()}，{entered.isoformat()} 才录入"
                    f"（经办人 {clerk}）",
                    counter,
                )
            )
    return found


def supervision_report(
    session: Session,
    month: dt.date | str,
    region: str,
    *,
    scheme: PeriodScheme = PeriodScheme.CALENDAR,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    working_days: int = NOTICE_WORKING_DAYS,
) -> SupervisionReport:
    """The four indicators of notice §7(一) for `region` in `month`, each with its cases."""
    from desktop.services.calendar import load_calendar

    today = today or beijing_today()
    region = check_region(region)
    period = reporting_period(month, scheme, today=today)
    end = min(period.end, today)
    calendar = calendar or load_calendar(session)
    facts = load_facts(session, region)
    by_id = {fact.registration_id: fact for fact in facts}
    raw: list[tuple[str, RegistrationFacts, str, str]] = []
    for fact, detail in _settlement_cases(facts, period, end, calendar, working_days):
        raw.append(("late_settlement", fact, detail, fact.counter_id or ""))
    start_text, end_text = period.start.isoformat(), end.isoformat()
    contacted = _contacted(session, start_text, end_text)
    stock = []
    for fact in facts:
        gone = fact.deregistered_on if fact.status == "deregistered" else None
        if fact.registered_on is None or fact.status not in ("registered", "deregistered"):
            continue
        if fact.registered_on <= end_text and (gone is None or gone > end_text):
            stock.append(fact)
            # The registration day counts as contact (desktop.domain.followup.contact_status).
            if fact.registered_on < start_text and fact.registration_id not in contacted:
                raw.append(
                    (
                        "missed_contact",
                        fact,
                        f"{period.label}内无联系或服务记录（登记于 {fact.registered_on}）",
                        fact.counter_id or "",
                    )
                )
    persons = _persons(session, [fact.person_id for fact in stock])
    for fact in stock:
        problems = _field_problems(fact, persons.get(fact.person_id, {}))
        if problems:
            raw.append(("incomplete", fact, "；".join(problems), fact.counter_id or ""))
    for fact, detail, counter in _late_updates(session, period, end, calendar, by_id):
        raw.append(("late_update", fact, detail, counter))
    names = _persons(
        session, [fact.person_id for _i, fact, _d, _c in raw if fact.person_id not in persons]
    )
    names.update(persons)
    cases = tuple(
        SupervisionCase(
            indicator,
            fact.number,
            str(names.get(fact.person_id, {}).get("name") or ""),
            mask_id_number(str(names.get(fact.person_id, {}).get("id_number") or "")),
            counter,
            fact.region or "",
            detail,
        )
        for indicator, fact, detail, counter in raw
    )
    return SupervisionReport(
        region,
        region_label(region),
        period,
        today,
        cases,
        _calendar_warnings(calendar, period, end),
    )


def _calendar_warnings(
    calendar: WorkdayCalendar, period: ReportingPeriod, end: dt.date
) -> tuple[str, ...]:
    """The holiday arrangement of a year in the period is not known (chinese_calendar does not
    cover it and the administrator has entered no row): the working days are provisional."""
    years = sorted({period.start.year, end.year, (end + dt.timedelta(days=20)).year})
    missing = [year for year in years if not calendar.is_covered(dt.date(year, 1, 1))]
    if not missing:
        return ()
    listed = "、".join(f"{year}年" for year in missing)
    return (
        f"节假日表缺少{listed}的放假安排，逾期办结和更新不及时按周一至周五及固定日期节日计算，"
        "仅供参考；请管理员在设置中补录该年节假日和调休后重新统计",
    )


def overdue_trend(
    session: Session,
    periods: list[ReportingPeriod],
    region: str,
    *,
    today: dt.date | None = None,
    calendar: WorkdayCalendar | None = None,
    working_days: int = NOTICE_WORKING_DAYS,
) -> list[int]:
    """逾期办结 counts of each period (for the charts), oldest first."""
    from desktop.services.calendar import load_calendar

    today = today or beijing_today()
    calendar = calendar or load_calendar(session)
    facts = load_facts(session, check_region(region))
    return [
        len(_settlement_cases(facts, period, min(period.end, today), calendar, working_days))
        for period in periods
    ]
