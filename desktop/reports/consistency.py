"""The 三统一 check (notice §4(五)2, §6): ledger, system data and report must agree.

The journal is the full record (design.md "The journal"). The check folds every registration
and person of the region again from the journal with desktop.store.projector.fold, compares the
result with the projections (the system data) field by field, computes the report both ways and
compares every figure, and lists each person who makes a difference with the reason. A report
is finalised (event `report.finalised`) only when every difference has a written explanation.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from desktop.domain.idnumbers import mask_id_number
from desktop.domain.roles import Permission
from desktop.reports.facts import (
    PERSON_FACT_FIELDS,
    REGISTRATION_FACT_FIELDS,
    RegistrationFacts,
    facts_from_states,
    load_facts,
    raw_rows,
)
from desktop.reports.monthly import MonthlyReport, compute_monthly_report
from desktop.reports.period import (
    PeriodScheme,
    ReportError,
    ReportingPeriod,
    beijing_today,
    check_region,
    reporting_period,
)
from desktop.store.hlc import HybridLogicalClock
from desktop.store.journal import Actor, record
from desktop.store.models import Event
from desktop.store.projector import FIELD_LABELS, STATUS_LABELS, fold

__all__ = [
    "FINALISED_KIND",
    "FOLDED_KINDS",
    "ConsistencyCheck",
    "Difference",
    "JournalFolds",
    "LedgerRow",
    "check_consistency",
    "finalise_report",
    "finalised_reports",
    "report_entity_id",
]

FINALISED_KIND = "report.finalised"
REPORT_ENTITY_TYPE = "report"
# The kinds that change a field the figures read (REGISTRATION_FACT_FIELDS, PERSON_FACT_FIELDS).
# Contacts, services, commitments and aid plans change only last_contact_on, flags, the tier
# and anomaly notes (projector.apply_registration_event), so the check folds without them;
# tests/desktop/reports/test_consistency.py proves both folds agree on the compared fields.
FOLDED_KINDS: dict[str, tuple[str, ...]] = {
    "person": ("person.recorded", "person.updated"),
    "registration": (
        "registration.applied",
        "registration.verified",
        "registration.registered",
        "registration.rejected",
        "deregistration.done",
    ),
}
_REPORT_NAMESPACE = uuid.UUID(
    "5f6b3c2e-9d1a-4c57-8a0e-620111202003"
)  # 620111: 甘人社通〔2020〕111号
MIN_EXPLANATION_LENGTH = 4


class _JournalEvent(NamedTuple):
    """A journal row as the fold reads it (projector.EventLike)."""

    id: str
    kind: str
    payload: Any
    hlc: str
    wall_time: str
    clerk_id: str
    counter_id: str


class JournalFolds:
    """Fold states of every person and registration, recomputed from the journal.

    Keeps them between checks: the journal is append-only (design.md; triggers and the hash
    chain guard it), so a later check refolds only the entities with rows added since.
    """

    def __init__(self) -> None:
        self.states: dict[str, dict[str, dict[str, Any]]] = {"person": {}, "registration": {}}
        self.last_seq = 0
        self.events_folded = 0

    def refresh(self, session: Session) -> None:
        """Bring the states up to the journal's current end."""
        kinds = [kind for kinds in FOLDED_KINDS.values() for kind in kinds]
        marks = ",".join("?" * len(kinds))
        if self.last_seq == 0:
            rows = raw_rows(
                session,
                "SELECT seq, entity_type, entity_id, id, kind, payload, hlc, wall_time, clerk_id,"
                f" counter_id FROM journal WHERE kind IN ({marks})",
                kinds,
            )
        else:
            touched = raw_rows(
                session,
                "SELECT DISTINCT entity_type, entity_id FROM journal"
                f" WHERE seq > ? AND kind IN ({marks})",
                [self.last_seq, *kinds],
            )
            rows = []
            for entity_type, entity_id in touched:
                rows += raw_rows(
                    session,
                    "SELECT seq, entity_type, entity_id, id, kind, payload, hlc, wall_time,"
                    f" clerk_id, counter_id FROM journal WHERE entity_type = ? AND entity_id = ?"
                    f" AND kind IN ({marks})",
                    [entity_type, entity_id, *kinds],
                )
        grouped: dict[tuple[str, str], list[_JournalEvent]] = defaultdict(list)
        last_seq = self.last_seq
        loads = json.loads
        for seq, entity_type, entity_id, event_id, kind, payload, hlc, wall, clerk, counter in rows:
            if seq > last_seq:
                last_seq = seq
            decoded = loads(payload) if isinstance(payload, str | bytes) else payload
            grouped[(entity_type, entity_id)].append(
                _JournalEvent(event_id, kind, decoded, hlc, wall, clerk, counter)
            )
        for (entity_type, entity_id), events in grouped.items():
            states = self.states.get(entity_type)
            if states is None:
                continue
            state = fold(entity_type, events)
            if state is not None:
                states[entity_id] = state
        self.events_folded += len(rows)
        self.last_seq = last_seq


@dataclass(frozen=True)
class Difference:
    """One thing that makes the ledger, the system data or the report disagree.

    `key` is stable across checks, so an explanation written once stays attached to it.
    """

    key: str
    kind: str
    reason: str
    registration_number: str = ""
    person_name: str = ""
    id_number_masked: str = ""
    affects_report: bool = False


@dataclass(frozen=True)
class LedgerRow:
    """One person of the ledger (台账): urban registered unemployed at the period's end."""

    number: str
    name: str
    id_number_masked: str
    sex: str
    registered_on: str
    unemployment_cause: str


@dataclass(frozen=True)
class ConsistencyCheck:
    """The outcome: both reports, the ledger, the differences and what was checked."""

    region: str
    period: ReportingPeriod
    as_of: dt.date
    report: MonthlyReport  # from the projections: what the screen and exports show
    journal_report: MonthlyReport  # the same figures recomputed from the journal
    ledger: tuple[LedgerRow, ...]
    differences: tuple[Difference, ...]
    registrations_checked: int
    persons_checked: int
    events_folded: int
    finalised: tuple[Mapping[str, Any], ...] = field(default=())

    @property
    def consistent(self) -> bool:
        return not self.differences

    def unexplained(self, explanations: Mapping[str, str]) -> list[Difference]:
        """The differences without a written explanation."""
        return [
            difference
            for difference in self.differences
            if len((explanations.get(difference.key) or "").strip()) < MIN_EXPLANATION_LENGTH
        ]

    def summary(self) -> str:
        """One Chinese line for the screen and the CLI."""
        if self.consistent:
            return (
                f"三统一校验通过：台账 {len(self.ledger)} 人、系统数据、统计报表一致"
                f"（核对登记 {self.registrations_checked} 条，重算事件 {self.events_folded} 条）"
            )
        people = len({d.registration_number for d in self.differences if d.registration_number})
        return (
            f"三统一校验发现 {len(self.differences)} 处差异，涉及 {people} 条登记；"
            "逐条说明原因后方可定稿"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "month": self.period.key,
            "scheme": self.period.scheme.value,
            "as_of": self.as_of.isoformat(),
            "consistent": self.consistent,
            "summary": self.summary(),
            "ledger_count": len(self.ledger),
            "registrations_checked": self.registrations_checked,
            "persons_checked": self.persons_checked,
            "events_folded": self.events_folded,
            "differences": [difference.__dict__ for difference in self.differences],
            "finalised": [dict(item) for item in self.finalised],
        }


# --------------------------------------------------------------------------- comparing


def _shown(name: str, value: Any) -> str:
    if value is None or value == ():
        return "空"
    if name == "status":
        return STATUS_LABELS.get(str(value), str(value))
    if isinstance(value, tuple):
        return "、".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _person_names(session: Session, person_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """(name, ID number) of these people, for the rows a list shows."""
    ids = list(dict.fromkeys(person_ids))
    found: dict[str, tuple[str, str]] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        marks = ",".join("?" * len(chunk))
        for person_id, name, number in raw_rows(
            session, f"SELECT id, name, id_number FROM person WHERE id IN ({marks})", chunk
        ):
            found[person_id] = (name or "", number or "")
    return found


def _in_region(state: Mapping[str, Any], prefix: str) -> bool:
    return str(state.get("region") or "").startswith(prefix)


def _membership(fact: RegistrationFacts | None, period: ReportingPeriod, as_of: dt.date) -> str:
    """Where a registration counts in the period: "stock", "flow" or "" (not at all)."""
    if (
        fact is None
        or fact.registered_on is None
        or fact.status not in ("registered", "deregistered")
        or fact.residence_urban is not True
    ):
        return ""
    end = min(period.end, as_of).isoformat()
    start = period.start.isoformat()
    gone = fact.deregistered_on if fact.status == "deregistered" else None
    if fact.registered_on <= end and (gone is None or gone > end):
        return "stock"
    if start <= fact.registered_on <= end or (gone is not None and start <= gone <= end):
        return "flow"
    return ""


# Names of the compared fields the projector's FIELD_LABELS does not have.
_MORE_LABELS = {
    "status": "登记状态",
    "registered_on": "登记日期",
    "rejected_on": "不予登记日期",
    "deregistered_on": "注销日期",
    "deregistration_reason": "注销原因",
}
_FACT_INDEX = {name: index for index, name in enumerate(RegistrationFacts._fields)}
_COMPARED = tuple(
    (name, _FACT_INDEX[name], "" if name in REGISTRATION_FACT_FIELDS else "人员")
    for name in (*REGISTRATION_FACT_FIELDS, *PERSON_FACT_FIELDS)
)


def _compare_facts(
    projected: Mapping[str, RegistrationFacts],
    journal: Mapping[str, RegistrationFacts],
    journal_states: Mapping[str, Mapping[str, Any]],
) -> list[tuple[str, str, str]]:
    """(registration id, kind, reason) of each disagreement between the two sets of facts."""
    found: list[tuple[str, str, str]] = []
    for registration_id in sorted(set(journal) | set(projected)):
        mine = projected.get(registration_id)
        theirs = journal.get(registration_id)
        if theirs is None:
            found.append(
                (registration_id, "orphan_projection", "系统数据中有此登记，事件日志中无其记录")
            )
            continue
        if mine is None:
            found.append(
                (
                    registration_id,
                    "missing_projection",
                    f"事件日志中有此登记（状态「{_shown('status', theirs.status)}」），"
                    "系统数据中缺失",
                )
            )
            continue
        if mine != theirs:
            if not theirs.person_found:
                found.append(
                    (registration_id, "missing_person", "事件日志中没有该登记所属人员的档案")
                )
            elif not mine.person_found:
                found.append(
                    (registration_id, "missing_person", "系统数据中缺少该登记所属人员的档案")
                )
            for name, index, prefix in _COMPARED:
                if mine[index] != theirs[index] and mine.person_found and theirs.person_found:
                    found.append(
                        (
                            registration_id,
                            f"field:{name}",
                            f"{prefix}{_MORE_LABELS.get(name) or FIELD_LABELS.get(name, name)}"
                            "：系统数据为「"
                            f"{_shown(name, mine[index])}」，按事件日志重算为「"
                            f"{_shown(name, theirs[index])}」",
                        )
                    )
        for note in journal_states.get(registration_id, {}).get("anomalies") or ():
            # design.md: contradictory events are kept and flagged for a supervisor.
            found.append((registration_id, f"anomaly:{note}", f"事件冲突：{note}"))
    return found


def check_consistency(
    session: Session,
    month: dt.date | str,
    region: str,
    *,
    scheme: PeriodScheme = PeriodScheme.CALENDAR,
    today: dt.date | None = None,
    folds: JournalFolds | None = None,
) -> ConsistencyCheck:
    """三统一: recompute every figure of the month from the journal, compare it with the
    projections and the report, list each person who makes a difference with the reason.

    `folds` (kept by the caller between checks) makes a second check refold only what changed.
    """
    today = today or beijing_today()
    region = check_region(region)
    period = reporting_period(month, scheme, today=today)
    folds = folds if folds is not None else JournalFolds()
    folds.refresh(session)
    from desktop.domain.workdays import region_prefix

    prefix = region_prefix(region)
    projection_facts = load_facts(session, region)
    by_id_projection = {fact.registration_id: fact for fact in projection_facts}
    journal_registrations = {
        entity_id: state
        for entity_id, state in folds.states["registration"].items()
        if state.get("status") is not None
        and (_in_region(state, prefix) or entity_id in by_id_projection)
    }
    journal_facts = list(facts_from_states(journal_registrations, folds.states["person"]))
    by_id_journal = {fact.registration_id: fact for fact in journal_facts}
    found = _compare_facts(by_id_projection, by_id_journal, journal_registrations)
    report = compute_monthly_report(projection_facts, region, period, as_of=today)
    # allow_empty: the journal may hold nothing for the month although the projections do.
    journal_report = compute_monthly_report(
        journal_facts, region, period, as_of=today, allow_empty=True
    )
    ledger_facts = [f for f in projection_facts if _membership(f, period, today) == "stock"]
    names = _person_names(
        session,
        [f.person_id for f in ledger_facts]
        + [(by_id_projection.get(rid) or by_id_journal[rid]).person_id for rid, _k, _r in found],
    )
    differences: list[Difference] = []
    for registration_id, kind, reason in found:
        fact = by_id_projection.get(registration_id) or by_id_journal.get(registration_id)
        name, number = names.get(fact.person_id if fact else "", ("", ""))
        affects = _membership(by_id_projection.get(registration_id), period, today) != _membership(
            by_id_journal.get(registration_id), period, today
        )
        differences.append(
            Difference(
                key=f"{kind}@{registration_id}",
                kind=kind.split(":", 1)[0],
                reason=reason + ("（影响本期报表）" if affects else ""),
                registration_number=fact.number if fact else registration_id,
                person_name=name,
                id_number_masked=mask_id_number(number),
                affects_report=affects,
            )
        )
    differences += _figure_differences(report, journal_report, "按事件日志重算")
    finalised = finalised_reports(session, region, period)
    if finalised:
        latest = finalised[-1]
        stored = latest.get("figures") or {}
        differences += _figure_differences_stored(report, stored, latest)
    ledger = _ledger(ledger_facts, names)
    if len(ledger) != report.stock_end:
        differences.append(
            Difference(
                key="ledger@count",
                kind="ledger",
                reason=f"台账 {len(ledger)} 人，报表期末城镇登记失业人数 {report.stock_end} 人",
                affects_report=True,
            )
        )
    return ConsistencyCheck(
        region=region,
        period=period,
        as_of=today,
        report=report,
        journal_report=journal_report,
        ledger=tuple(ledger),
        differences=tuple(differences),
        registrations_checked=len(set(by_id_journal) | set(by_id_projection)),
        persons_checked=len({fact.person_id for fact in projection_facts}),
        events_folded=folds.events_folded,
        finalised=tuple(finalised),
    )


def _figure_differences(report: MonthlyReport, other: MonthlyReport, what: str) -> list[Difference]:
    mine, theirs = report.figures(), other.figures()
    differences = []
    for key in sorted(set(mine) | set(theirs)):
        if mine.get(key, 0) != theirs.get(key, 0):
            differences.append(
                Difference(
                    key=f"figure@{key}",
                    kind="figure",
                    reason=f"报表数字「{_figure_label(report, key)}」为 {mine.get(key, 0)}，"
                    f"{what}为 {theirs.get(key, 0)}",
                    affects_report=True,
                )
            )
    return differences


def _figure_differences_stored(
    report: MonthlyReport, stored: Mapping[str, Any], finalised: Mapping[str, Any]
) -> list[Difference]:
    mine = report.figures()
    when = str(finalised.get("finalised_at", ""))[:10]
    differences = []
    for key in sorted(set(mine) | set(stored)):
        if int(stored.get(key, 0) or 0) != mine.get(key, 0):
            differences.append(
                Difference(
                    key=f"finalised@{key}",
                    kind="finalised",
                    reason=f"已于 {when} 定稿的报表中「{_figure_label(report, key)}」为"
                    f" {stored.get(key, 0)}，现为 {mine.get(key, 0)}（定稿后数据有补录或更正）",
                    affects_report=True,
                )
            )
    return differences


def _figure_label(report: MonthlyReport, key: str) -> str:
    group, _dot, code = key.partition(".")
    labels = {
        "stock_start": "上期末城镇登记失业人数",
        "inflow": "本期新增登记",
        "outflow": "本期注销登记",
        "stock_end": "本期末城镇登记失业人数",
        "stock_end_all": "本期末登记失业人数（城乡合计）",
        "stock_end_urban_unknown": "常住地城乡属性未填写",
    }
    if group == "summary":
        return labels.get(code, key)
    try:
        breakdown = report.breakdown(group)
    except KeyError:
        return key
    for row_code, label, _count in breakdown.rows:
        if row_code == code:
            return f"{breakdown.title}：{label}"
    return f"{breakdown.title}：{code}"


def _ledger(
    facts: Iterable[RegistrationFacts], names: Mapping[str, tuple[str, str]]
) -> list[LedgerRow]:
    from desktop.domain.codes import code_table

    causes = code_table("unemployment_cause")
    rows = []
    for fact in facts:
        name, number = names.get(fact.person_id, ("", ""))
        cause = causes.get(fact.unemployment_cause or "")
        rows.append(
            LedgerRow(
                number=fact.number,
                name=name,
                id_number_masked=mask_id_number(number),
                sex={"1": "男", "2": "女"}.get(fact.sex or "", "未填写"),
                registered_on=fact.registered_on or "",
                unemployment_cause=cause.label if cause else (fact.unemployment_cause or ""),
            )
        )
    rows.sort(key=lambda row: row.number)
    return rows


# --------------------------------------------------------------------------- finalising


def report_entity_id(region: str, period: ReportingPeriod) -> str:
    """The journal entity of one region's report for one month and scheme (a stable UUID)."""
    name = f"monthly/{region}/{period.key}/{period.scheme.value}"
    return str(uuid.uuid5(_REPORT_NAMESPACE, name))


def finalised_reports(
    session: Session, region: str, period: ReportingPeriod
) -> list[dict[str, Any]]:
    """The `report.finalised` events of this report, oldest first, as their payloads."""
    rows = raw_rows(
        session,
        "SELECT payload, wall_time, clerk_id FROM journal WHERE entity_type = ?"
        " AND entity_id = ? AND kind = ? ORDER BY hlc",
        [REPORT_ENTITY_TYPE, report_entity_id(region, period), FINALISED_KIND],
    )
    found = []
    for payload, wall_time, clerk in rows:
        loaded = json.loads(payload) if isinstance(payload, str) else dict(payload)
        found.append({**loaded, "finalised_at": str(wall_time), "clerk_id": clerk})
    return found


def finalise_report(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    check: ConsistencyCheck,
    explanations: Mapping[str, str],
) -> Event:
    """定稿: record `report.finalised` with the figures and the explanation of each difference.

    Refused (ReportError): a month not yet ended, any difference left unexplained; without the
    统计 permission, PermissionDeniedError.
    """
    actor.require(Permission.VIEW_STATISTICS)
    if not check.period.is_complete(check.as_of):
        raise ReportError(
            f"{check.period.label}尚未结束（至 {check.period.end.isoformat()}），不能定稿"
        )
    missing = check.unexplained(explanations)
    if missing:
        first = missing[0]
        who = f"（{first.registration_number} {first.person_name}）".replace("（ ）", "")
        raise ReportError(
            f"还有 {len(missing)} 处差异未说明原因，不能定稿。"
            f"第一处：{first.reason}{who if first.registration_number else ''}"
        )
    payload = {
        "region": check.region,
        "month": check.period.key,
        "scheme": check.period.scheme.value,
        "start": check.period.start,
        "end": check.period.end,
        "as_of": check.as_of,
        "figures": check.report.figures(),
        "ledger_count": len(check.ledger),
        "differences": [
            {
                "key": difference.key,
                "reason": difference.reason,
                "registration_number": difference.registration_number,
                "explanation": explanations[difference.key].strip(),
            }
            for difference in check.differences
        ],
    }
    return record(
        session,
        actor,
        entity_type=REPORT_ENTITY_TYPE,
        entity_id=report_entity_id(check.region, check.period),
        kind=FINALISED_KIND,
        payload=payload,
        clock=clock,
    )
