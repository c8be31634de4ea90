"""核实 and the reviewer's decision (notice §3): data comparison against the data-exchange tables,
home-visit tasks, 登记 / 不予登记 with the notice the person is given, and the 待办 list.

notice §3: 必要时可通过与公安、民政、工商等部门数据及社会保障卡持卡人员基础信息库、社会保险
参保登记、劳动用工备案等相关数据信息比对核实劳动者个人身份信息、失业状态等。无法通过上述途径
核查的，可采取工作人员上门调查方式予以核实。
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from desktop.config import Config
from desktop.domain.errors import DomainError
from desktop.domain.idnumbers import mask_id_number, normalize_id_text
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import registration as reg
from desktop.services.documents import agency_name
from desktop.services.intake import normalize_name, parse_form_date
from desktop.store.db import FastStatement
from desktop.store.journal import record
from desktop.store.models import (
    Event,
    HomeVisitTask,
    Person,
    Registration,
    Setting,
    XrefBatch,
    XrefRecord,
)
from desktop.store.projector import STATUS_LABELS, entity_events
from desktop.store.queries import DELEGATED_AGENCY_FIELD

# --------------------------------------------------------------------------- the sources


@dataclass(frozen=True)
class XrefSource:
    """One data-exchange table: its code (the CLI's SOURCE), Chinese name, required columns."""

    code: str
    label: str
    required: tuple[str, ...]
    identity: bool  # it confirms who the person is (name, sex); else it speaks of their state


SOURCES: Final[dict[str, XrefSource]] = {
    source.code: source
    for source in (
        XrefSource("ssc_holders", "社会保障卡持卡人员基础信息库", ("id_number", "name"), True),
        XrefSource("public_security", "公安、民政人口信息", ("id_number", "status"), True),
        XrefSource("market", "市场主体登记（工商）", ("id_number", "status"), False),
        XrefSource("social_insurance", "社会保险参保登记", ("id_number", "insurance"), False),
        XrefSource("employment_filing", "劳动用工备案", ("id_number", "started_on"), False),
        XrefSource("pension", "基本养老保险待遇领取", ("id_number", "started_on"), False),
    )
}

# Column names a department's file may use for each field (first row of the CSV).
_COLUMN_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "id_number": ("id_number", "身份证号码", "公民身份号码", "证件号码", "社会保障号码"),
    "name": ("name", "姓名"),
    "sex": ("sex", "性别"),
    "status": (
        "status",
        "状态",
        "人口状态",
        "登记状态",
        "经营状态",
        "参保状态",
        "缴费状态",
        "发放状态",
        "卡状态",
    ),
    "insurance": ("insurance", "险种", "险种类型", "待遇类型"),
    "started_on": (
        "started_on",
        "开始日期",
        "状态日期",
        "成立日期",
        "参保日期",
        "用工日期",
        "入职日期",
        "开始领取日期",
        "发卡日期",
    ),
    "ended_on": ("ended_on", "结束日期", "注销日期", "停保日期", "解除日期", "终止日期"),
    "organisation": (
        "organisation",
        "单位名称",
        "企业名称",
        "市场主体名称",
        "用人单位",
        "参保单位",
        "发卡机构",
    ),
    "role": ("role", "身份", "职务", "人员类型"),
}
_ALIAS_TO_FIELD: Final = {
    alias: name for name, aliases in _COLUMN_ALIASES.items() for alias in aliases
}
_TOO_MANY_ERRORS: Final = 20


class XrefImportError(DomainError):
    """A data-exchange file cannot be imported; `problems` lists what is wrong, by line."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        shown = list(problems[:_TOO_MANY_ERRORS])
        more = len(problems) - len(shown)
        detail = "；".join(shown) + (f"；另有{more}处错误" if more > 0 else "")
        super().__init__(f"{message}：{detail}" if detail else message)
        self.problems = list(problems)


@dataclass(frozen=True)
class XrefImportResult:
    """What an import did."""

    batch_id: str
    source: str
    rows: int
    replaced: int  # rows of the previous import of this source, now gone


def _decode(data: bytes) -> str:
    # Departments send UTF-8 (with or without BOM) or, from older systems, GB 18030.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise XrefImportError("文件编码无法识别（应为 UTF-8 或 GB18030）")


def _header_fields(header: Sequence[str], source: XrefSource) -> list[str | None]:
    fields: list[str | None] = []
    for column in header:
        fields.append(_ALIAS_TO_FIELD.get(column.strip().lstrip("\ufeff")))
    missing = [name for name in source.required if name not in fields]
    if missing:
        wanted = "、".join(f"{name}（{'/'.join(_COLUMN_ALIASES[name][1:3])}）" for name in missing)
        raise XrefImportError(f"《{source.label}》文件缺少必需的列：{wanted}")
    return fields


def parse_xref_csv(source_code: str, data: bytes) -> list[dict[str, Any]]:
    """The rows of a department's CSV file, checked; XrefImportError lists every bad line
    (nothing is imported from a file with errors: the previous data stays)."""
    source = SOURCES.get(source_code)
    if source is None:
        raise XrefImportError(f"没有名为“{source_code}”的比对数据来源，可选：{'、'.join(SOURCES)}")
    reader = csv.reader(io.StringIO(_decode(data)))
    header = next(reader, None)
    if header is None:
        raise XrefImportError(f"《{source.label}》文件是空的")
    fields = _header_fields(header, source)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"第{line_number}行有{len(cells)}列，表头有{len(header)}列")
            continue
        row: dict[str, Any] = {"detail": {}}
        for column, name, cell in zip(header, fields, cells, strict=True):
            value = cell.strip()
            if name is None:
                if value:
                    row["detail"][column.strip()] = value
            elif name in ("insurance", "role", "sex"):
                row["detail"][name] = value
            else:
                row[name] = value
        problem = _row_problem(row, source)
        if problem:
            problems.append(f"第{line_number}行{problem}")
            continue
        rows.append(row)
    if problems:
        raise XrefImportError(f"《{source.label}》文件有错误，未导入", problems)
    return rows


def _row_problem(row: dict[str, Any], source: XrefSource) -> str:
    number = normalize_id_text(row.get("id_number", ""))
    if not number:
        return "缺少证件号码"
    if len(number) > 64:
        return f"证件号码过长：{number[:20]}…"
    row["id_number"] = number
    for name in source.required:
        if name in ("insurance", "role"):
            if not row["detail"].get(name):
                return f"缺少{_COLUMN_ALIASES[name][1]}"
        elif not row.get(name):
            return f"缺少{_COLUMN_ALIASES[name][1]}"
    for name in ("started_on", "ended_on"):
        text = row.get(name) or ""
        if not text:
            row[name] = None
            continue
        parsed = parse_form_date(text)
        if parsed is None:
            return f"日期「{text}」无法识别（应为 YYYY-MM-DD）"
        row[name] = parsed
    if row.get("started_on") and row.get("ended_on") and row["ended_on"] < row["started_on"]:
        return "结束日期早于开始日期"
    for name, limit in (("name", 100), ("status", 200), ("organisation", 200)):
        value = row.get(name) or None
        if value is not None and len(value) > limit:
            return f"{name}过长（最多{limit}个字）"
        row[name] = value
    if row["name"]:
        row["name"] = normalize_name(row["name"])
    return ""


_XREF_TABLE = cast(Table, XrefRecord.__table__)


def import_xref(
    session: Session,
    source_code: str,
    data: bytes,
    *,
    file_name: str,
    imported_by: str,
    as_of: date | None = None,
) -> XrefImportResult:
    """Replace the rows of one data-exchange table with a department's file, in the caller's
    transaction (`dengji xref import SOURCE FILE.csv`; the sync fills the same table later)."""
    rows = parse_xref_csv(source_code, data)
    batch_id = str(uuid.uuid4())
    connection = session.connection()
    replaced = connection.execute(delete(_XREF_TABLE).where(_XREF_TABLE.c.source == source_code))
    if rows:
        connection.execute(
            insert(_XREF_TABLE),
            [
                {
                    "source": source_code,
                    "id_number": row["id_number"],
                    "name": row["name"],
                    "status": row["status"],
                    "started_on": row["started_on"],
                    "ended_on": row["ended_on"],
                    "organisation": row["organisation"],
                    "detail": row["detail"],
                    "batch_id": batch_id,
                }
                for row in rows
            ],
        )
    session.add(
        XrefBatch(
            id=batch_id,
            source=source_code,
            file_name=file_name[:200],
            as_of=as_of,
            row_count=len(rows),
            imported_at=dt.datetime.now(dt.UTC),
            imported_by=imported_by[:64],
        )
    )
    session.flush()
    return XrefImportResult(batch_id, source_code, len(rows), replaced.rowcount or 0)


# --------------------------------------------------------------------------- comparison


class ComparisonOutcome(enum.Enum):
    """What one source says about the applicant; the value is what the reviewer reads."""

    CONSISTENT = "一致"
    INCONSISTENT = "不一致"
    NO_RECORD = "无记录"


@dataclass(frozen=True)
class SourceResult:
    """One source's answer, with the evidence the reviewer (and the journal) keeps."""

    source: str
    label: str
    outcome: ComparisonOutcome
    evidence: tuple[str, ...]
    loaded: bool  # False: this counter has not imported the table yet
    as_of: date | None


class Recommendation(enum.Enum):
    """What the comparison leaves the reviewer to do."""

    VERIFY = "核实通过"  # identity confirmed, nothing contradicts the application
    HOME_VISIT = "上门核实"  # notice §3: cannot be settled by comparison
    REVIEW = "存在不一致，请审核"  # a source contradicts the application


@dataclass(frozen=True)
class VerificationReport:
    """The data comparison of one application on one day."""

    registration_id: str
    compared_on: date
    results: tuple[SourceResult, ...]
    recommendation: Recommendation

    @property
    def conflicts(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if r.outcome is ComparisonOutcome.INCONSISTENT)

    @property
    def summary(self) -> str:
        if self.recommendation is Recommendation.REVIEW:
            parts = [f"{r.label}：{'；'.join(r.evidence)}" for r in self.conflicts]
            return "数据比对不一致——" + "；".join(parts)
        if self.recommendation is Recommendation.HOME_VISIT:
            return "身份信息无法通过数据比对确认，须上门核实（通知第三条）"
        return "数据比对一致，可以核实通过"

    def as_evidence(self) -> dict[str, Any]:
        """The report as the journal keeps it (registration.verified's evidence)."""
        return {
            "compared_on": self.compared_on.isoformat(),
            "recommendation": self.recommendation.name.lower(),
            "results": [
                {
                    "source": r.source,
                    "outcome": r.outcome.value,
                    "evidence": list(r.evidence),
                    "loaded": r.loaded,
                    "as_of": r.as_of.isoformat() if r.as_of else None,
                }
                for r in self.results
            ],
        }


@dataclass(frozen=True)
class _Applicant:
    id_number: str
    name: str
    sex: str | None
    birth_date: date | None


_ROWS_OF_NUMBER: Final = FastStatement(
    select(
        XrefRecord.source,
        XrefRecord.name,
        XrefRecord.status,
        XrefRecord.started_on,
        XrefRecord.ended_on,
        XrefRecord.organisation,
        XrefRecord.detail,
    ).where(XrefRecord.id_number == bindparam("id_number"))
)
_SEX_WORDS: Final = {"1": "男", "2": "女", "男": "男", "女": "女", "M": "男", "F": "女"}
_DEATH_OR_PRISON: Final = (
    ("死亡", "死亡（通知第五条（三））"),
    ("服刑", "被判刑收监执行（通知第五条（三））"),
    ("收监", "被判刑收监执行（通知第五条（三））"),
    ("在押", "被判刑收监执行（通知第五条（三））"),
    ("移居境外", "移居境外（通知第五条（三））"),
    ("定居国外", "移居境外（通知第五条（三））"),
    ("出国定居", "移居境外（通知第五条（三））"),
)
_ENDED_WORDS: Final = ("注销", "吊销", "撤销", "歇业", "终止", "停保", "中断", "暂停缴费", "退保")
# Resident insurance (城乡居民) says nothing about employment; every other kind is an employer's.
_RESIDENT_INSURANCE: Final = "城乡居民"
_INDIVIDUAL_PAYER: Final = ("个人", "灵活就业")


def _d(day: date | None) -> str:
    return day.isoformat() if day else "不详"


def _is_active(status: str | None, ended_on: date | None, on: date) -> bool:
    if ended_on is not None and ended_on <= on:
        return False
    return not any(word in (status or "") for word in _ENDED_WORDS)


def _identity_result(
    applicant: _Applicant, rows: Sequence[Sequence[Any]], label: str
) -> tuple[ComparisonOutcome, list[str]]:
    differences: list[str] = []
    evidence: list[str] = []
    for _source, name, status, started, _ended, organisation, detail in rows:
        if name and normalize_name(name) != applicant.name:
            differences.append(f"姓名：申请人为「{applicant.name}」，{label}为「{name}」")
        sex = _SEX_WORDS.get(str((detail or {}).get("sex", "")).strip())
        mine = _SEX_WORDS.get(applicant.sex or "")
        if sex and mine and sex != mine:
            differences.append(f"性别：申请人为{mine}，{label}为{sex}")
        for word, meaning in _DEATH_OR_PRISON:
            if word in (status or ""):
                differences.append(f"人口状态：{status}（{_d(started)}），即{meaning}")
                break
        else:
            shown = [f"姓名{name}" if name else "", f"状态{status}" if status else ""]
            if organisation:
                shown.append(str(organisation))
            evidence.append("，".join(part for part in shown if part) or "有记录")
    if differences:
        return ComparisonOutcome.INCONSISTENT, list(dict.fromkeys(differences))
    return ComparisonOutcome.CONSISTENT, evidence[:3]


def _state_result(
    source: XrefSource, rows: Sequence[Sequence[Any]], on: date
) -> tuple[ComparisonOutcome, list[str]]:
    """Does a source show the applicant employed, running a business or on a pension on `on`?"""
    contradictions: list[str] = []
    history: list[str] = []
    for _source, _name, status, started, ended, organisation, detail in rows:
        detail = detail or {}
        where = organisation or ""
        started_text, ended_text = _d(started), _d(ended)
        if started is not None and started > on:
            history.append(f"{where}{started_text}起（晚于比对日）")
            continue
        active = _is_active(status, ended, on)
        if source.code == "market":
            role = detail.get("role", "")
            text = f"{where}（{role or '经营者'}），成立于{started_text}，状态{status}"
            if active:
                contradictions.append(f"{text}：从事个体经营或创办企业（通知第五条（二））")
            else:
                history.append(f"{text}，已于{ended_text}终止")
        elif source.code == "social_insurance":
            insurance = detail.get("insurance", "")
            text = f"{insurance}（{where or '个人缴费'}），{started_text}起，状态{status or '不详'}"
            employer = (
                _RESIDENT_INSURANCE not in insurance
                and where
                and not any(word in where for word in _INDIVIDUAL_PAYER)
            )
            if active and employer:
                contradictions.append(f"{text}：由单位参保缴费，处于就业状态")
            else:
                history.append(text + (f"，{ended_text}停保" if ended else ""))
        elif source.code == "employment_filing":
            text = f"{where}，{started_text}用工备案"
            if active:
                contradictions.append(f"{text}，未办理解除或终止备案：处于就业状态")
            else:
                history.append(f"{text}，{ended_text}解除或终止")
        elif source.code == "pension":
            insurance = detail.get("insurance", "") or "基本养老金"
            text = f"{insurance}，{started_text}起领取"
            if active:
                contradictions.append(f"{text}：已依法享受基本养老保险待遇（通知第一条）")
            else:
                history.append(f"{text}，{ended_text}终止")
    if contradictions:
        return ComparisonOutcome.INCONSISTENT, contradictions
    return ComparisonOutcome.CONSISTENT, history[:3]


def _loaded_sources(session: Session) -> dict[str, date | None]:
    """Sources imported on this counter, with their 数据截至日期 (or import day)."""
    loaded: dict[str, date | None] = {}
    for source, as_of, imported_at in session.execute(
        select(XrefBatch.source, XrefBatch.as_of, XrefBatch.imported_at).order_by(
            XrefBatch.imported_at
        )
    ):
        loaded[source] = as_of or (imported_at.date() if imported_at else None)
    return loaded


# --------------------------------------------------------------------------- pension evidence
# notice §5(一) 已依法享受基本养老保险待遇: who writes the sweep's pension evidence. A hit in the
# pension table, or a social-insurance row showing pension benefits being drawn, makes the
# sweep's reason-11 proposal confirmable; the evidence text goes into the 注销 note.

_PENSION_SOURCES: Final = ("pension", "social_insurance")
_PENSION_WORDS: Final = ("待遇领取", "领取待遇", "领取养老金", "退休", "离休")
_PENSION_TEXT_LIMIT: Final = 3


def has_pension_data(session: Session) -> bool:
    """Whether this counter holds any pension or social-insurance comparison rows."""
    query = select(XrefRecord.id).where(XrefRecord.source.in_(_PENSION_SOURCES)).limit(1)
    return session.scalar(query) is not None


def _pension_text(source: str, row: Sequence[Any], on: date) -> str | None:
    status, started, ended, organisation, detail = row
    if started is not None and started > on:
        return None
    if not _is_active(status, ended, on):
        return None
    insurance = str((detail or {}).get("insurance", ""))
    if source == "pension":
        label = SOURCES["pension"].label
        return f"{label}：{insurance or '基本养老金'}，{_d(started)}起领取"
    said = f"{insurance}{status or ''}"
    if "养老" in said and any(word in said for word in _PENSION_WORDS):
        where = f"（{organisation}）" if organisation else ""
        label = SOURCES["social_insurance"].label
        return f"{label}：{insurance}{where}，状态{status}，{_d(started)}起"
    return None


def pension_evidence(session: Session, id_numbers: Mapping[str, str], on: date) -> dict[str, str]:
    """For each key (a registration id) whose ID number the pension or social-insurance table
    shows drawing a pension on `on`: the evidence text (数据比对), as the sweep cites it."""
    by_number: dict[str, list[str]] = {}
    for key, number in id_numbers.items():
        by_number.setdefault(number, []).append(key)
    numbers = list(by_number)
    found: dict[str, list[str]] = {}
    for start in range(0, len(numbers), 900):
        chunk = numbers[start : start + 900]
        rows = session.execute(
            select(
                XrefRecord.id_number,
                XrefRecord.source,
                XrefRecord.status,
                XrefRecord.started_on,
                XrefRecord.ended_on,
                XrefRecord.organisation,
                XrefRecord.detail,
            ).where(XrefRecord.source.in_(_PENSION_SOURCES), XrefRecord.id_number.in_(chunk))
        )
        for number, source, *rest in rows:
            text = _pension_text(source, rest, on)
            if text is not None:
                found.setdefault(number, []).append(text)
    evidence: dict[str, str] = {}
    for number, texts in found.items():
        text = "经数据比对，" + "；".join(dict.fromkeys(texts[:_PENSION_TEXT_LIMIT]))
        for key in by_number[number]:
            evidence[key] = text
    return evidence


def compare_applicant(
    session: Session, applicant: _Applicant, registration_id: str, on: date
) -> VerificationReport:
    """Compare one applicant with every source (an indexed lookup by number)."""
    rows = _ROWS_OF_NUMBER.rows(session.connection(), {"id_number": applicant.id_number})
    by_source: dict[str, list[Sequence[Any]]] = {}
    for row in rows:
        by_source.setdefault(row[0], []).append(row)
    loaded = _loaded_sources(session)
    results: list[SourceResult] = []
    for source in SOURCES.values():
        found = by_source.get(source.code, [])
        is_loaded = source.code in loaded
        if not found:
            evidence = ("该证件号码在此表中没有记录",) if is_loaded else ("本机尚未导入此表",)
            outcome, details = ComparisonOutcome.NO_RECORD, list(evidence)
        elif source.identity:
            outcome, details = _identity_result(applicant, found, source.label)
        else:
            outcome, details = _state_result(source, found, on)
        results.append(
            SourceResult(
                source=source.code,
                label=source.label,
                outcome=outcome,
                evidence=tuple(details),
                loaded=is_loaded,
                as_of=loaded.get(source.code),
            )
        )
    identity_confirmed = any(
        r.outcome is ComparisonOutcome.CONSISTENT and SOURCES[r.source].identity for r in results
    )
    if any(r.outcome is ComparisonOutcome.INCONSISTENT for r in results):
        recommendation = Recommendation.REVIEW
    elif identity_confirmed:
        recommendation = Recommendation.VERIFY
    else:
        recommendation = Recommendation.HOME_VISIT
    return VerificationReport(registration_id, on, tuple(results), recommendation)


class VerificationError(DomainError):
    """A verification step is not possible (unknown registration, wrong state, bad input)."""


def _registration_and_person(session: Session, registration_id: str) -> tuple[Registration, Person]:
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise VerificationError(f"找不到登记记录 {registration_id}")
    person = session.get(Person, registration.person_id)
    if person is None:
        raise VerificationError(f"登记 {registration.number} 的人员档案尚未同步到本机")
    return registration, person


def compare_registration(session: Session, registration_id: str, on: date) -> VerificationReport:
    """数据比对 of an application (read only)."""
    _registration, person = _registration_and_person(session, registration_id)
    applicant = _Applicant(
        person.id_number, normalize_name(person.name), person.sex, person.birth_date
    )
    return compare_applicant(session, applicant, registration_id, on)


def run_comparison(
    session: Session, ctx: reg.CounterContext, registration_id: str, on: date
) -> VerificationReport:
    """数据比对, recorded in the journal ("verification.compared") whatever it found."""
    _authorize_verification(session, ctx, registration_id, on)
    report = compare_registration(session, registration_id, on)
    record(
        session,
        ctx.actor,
        entity_type="registration",
        entity_id=registration_id,
        kind="verification.compared",
        payload={**report.as_evidence(), "note": report.summary},
        clock=ctx.clock,
    )
    return report


def verify_by_comparison(
    session: Session, ctx: reg.CounterContext, registration_id: str, on: date
) -> VerificationReport:
    """核实 by data comparison: compared again now, and verified only when the comparison
    confirms the identity and nothing contradicts the application."""
    report = compare_registration(session, registration_id, on)
    if report.recommendation is not Recommendation.VERIFY:
        raise VerificationError(f"不能以数据比对核实通过：{report.summary}")
    reg.verify(
        session,
        ctx,
        registration_id,
        on=on,
        method="data_comparison",
        evidence=report.as_evidence(),
    )
    return report


# --------------------------------------------------------------------------- home visits

VISIT_OUTCOMES: Final[dict[str, str]] = {
    "unemployed": "属实：处于无业状态，有就业要求",
    "employed": "已就业或从事经营活动",
    "not_found": "未见到本人或查无此人",
    "other": "其他情况",
}
HOME_VISIT_SEQ_SETTING: Final = "home_visit/last_seq"
_HOME_VISIT = "home_visit"
_TASK_TABLE = cast(Table, HomeVisitTask.__table__)


@dataclass(frozen=True)
class HomeVisitInfo:
    """A home-visit task as the 待办 list and the dialog show it."""

    task_id: str
    registration_id: str
    status: str
    assignee: str
    assigned_on: date
    due_on: date | None
    reason: str
    address: str
    visited_on: date | None
    outcome: str | None
    findings: str | None


def _task_info(task: HomeVisitTask) -> HomeVisitInfo:
    return HomeVisitInfo(
        task_id=task.id,
        registration_id=task.registration_id,
        status=task.status,
        assignee=task.assignee,
        assigned_on=task.assigned_on,
        due_on=task.due_on,
        reason=task.reason,
        address=task.address,
        visited_on=task.visited_on,
        outcome=task.outcome,
        findings=task.findings,
    )


def fold_home_visit(events: Iterable[Any]) -> dict[str, Any] | None:
    """The state of a task from its events in HLC order; None before it is assigned."""
    state: dict[str, Any] | None = None
    for event in sorted(events, key=lambda e: (e.hlc, str(getattr(e, "id", "")))):
        payload = event.payload if isinstance(event.payload, Mapping) else {}
        if event.kind == "home_visit.assigned" and state is None:
            state = {
                "registration_id": str(payload.get("registration_id", "")),
                "person_id": str(payload.get("person_id", "")),
                "status": "open",
                "assignee": str(payload.get("assignee", "")),
                "assigned_by": event.clerk_id,
                "assigned_on": _date(payload.get("assigned_on")) or date.min,
                "due_on": _date(payload.get("due_on")),
                "reason": str(payload.get("reason", "")),
                "address": str(payload.get("address", "")),
                "visited_on": None,
                "visitor": None,
                "outcome": None,
                "findings": None,
            }
        elif state is None:
            continue
        elif event.kind == "home_visit.reassigned":
            state["assignee"] = str(payload.get("assignee", state["assignee"]))
            state["due_on"] = _date(payload.get("due_on")) or state["due_on"]
        elif event.kind == "home_visit.completed":
            state.update(
                status="done",
                visited_on=_date(payload.get("visited_on")),
                visitor=str(payload.get("visitor", event.clerk_id)),
                outcome=str(payload.get("outcome", "other")),
                findings=str(payload.get("findings", "")),
            )
        elif event.kind == "home_visit.cancelled" and state["status"] == "open":
            state.update(status="cancelled", findings=str(payload.get("reason", "")))
        state["last_hlc"] = event.hlc
    return state


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


_HOME_VISIT_EVENTS_SINCE: Final = FastStatement(
    select(Event.entity_id, Event.seq).where(
        Event.entity_type == _HOME_VISIT, Event.seq > bindparam("after_seq")
    )
)


def _refold_task(session: Session, task_id: str, last_seq: int) -> None:
    state = fold_home_visit(entity_events(session, _HOME_VISIT, task_id))
    if state is None:
        return
    connection = session.connection()
    values = {**state, "last_seq": last_seq}
    if session.get(HomeVisitTask, task_id) is None:
        connection.execute(insert(_TASK_TABLE).values(id=task_id, **values))
    else:
        connection.execute(_TASK_TABLE.update().where(_TASK_TABLE.c.id == task_id).values(**values))
    session.expire_all()


def refresh_home_visits(session: Session) -> int:
    """Fold the home-visit events not folded yet (made here or pulled from the central) into
    home_visit_task; how many tasks changed. Run before reading the tasks."""
    setting = session.get(Setting, HOME_VISIT_SEQ_SETTING)
    after = int(setting.value) if setting is not None else 0
    rows = _HOME_VISIT_EVENTS_SINCE.rows(session.connection(), {"after_seq": after})
    if not rows:
        return 0
    newest: dict[str, int] = {}
    for task_id, seq in rows:
        newest[task_id] = max(seq, newest.get(task_id, 0))
    for task_id, seq in newest.items():
        _refold_task(session, task_id, seq)
    top = max(newest.values())
    setting = session.get(Setting, HOME_VISIT_SEQ_SETTING)
    if setting is None:
        session.add(Setting(key=HOME_VISIT_SEQ_SETTING, value=top))
    else:
        setting.value = top
    session.flush()
    return len(newest)


def _record_visit_event(
    session: Session, ctx: reg.CounterContext, task_id: str, kind: str, payload: dict[str, Any]
) -> None:
    record(
        session,
        ctx.actor,
        entity_type=_HOME_VISIT,
        entity_id=task_id,
        kind=kind,
        payload=payload,
        clock=ctx.clock,
    )
    refresh_home_visits(session)


def open_visit(session: Session, registration_id: str) -> HomeVisitInfo | None:
    """The registration's open home-visit task, if any."""
    refresh_home_visits(session)
    task = session.scalars(
        select(HomeVisitTask).where(
            HomeVisitTask.registration_id == registration_id, HomeVisitTask.status == "open"
        )
    ).first()
    return _task_info(task) if task is not None else None


def _authorize_verification(
    session: Session, ctx: reg.CounterContext, registration_id: str, on: date
) -> None:
    """Comparing data and sending someone on a home visit are steps of 核实 (issue 8: the
    reviewer's permission, checked in the use case)."""
    from desktop.domain.roles import Permission
    from desktop.services.accounts import authorize

    authorize(ctx.actor, Permission.VERIFY, on=on, for_existing_record=True)


def assign_home_visit(
    session: Session,
    ctx: reg.CounterContext,
    registration_id: str,
    *,
    assignee: str,
    due_on: date,
    reason: str,
    on: date,
) -> HomeVisitInfo:
    """上门核实: a task for `assignee` to visit the applicant by `due_on`."""
    _authorize_verification(session, ctx, registration_id, on)
    registration, person = _registration_and_person(session, registration_id)
    if registration.status != "applied":
        label = STATUS_LABELS.get(registration.status, registration.status)
        raise VerificationError(f"登记 {registration.number} 当前为「{label}」，无需上门核实")
    assignee = assignee.strip()
    if not assignee or len(assignee) > 64:
        raise VerificationError("请填写上门核实的经办人（最多64个字符）")
    if due_on < on:
        raise VerificationError(f"完成日期 {due_on.isoformat()} 早于今天")
    if open_visit(session, registration_id) is not None:
        raise VerificationError(f"登记 {registration.number} 已有未完成的上门核实任务")
    address = person.residence_address or person.household_address or ""
    task_id = str(uuid.uuid4())
    _record_visit_event(
        session,
        ctx,
        task_id,
        "home_visit.assigned",
        {
            "registration_id": registration_id,
            "person_id": person.id,
            "assignee": assignee,
            "assigned_on": on.isoformat(),
            "due_on": due_on.isoformat(),
            "reason": reason.strip() or "身份信息无法通过数据比对确认",
            "address": address,
            "note": f"上门核实交 {assignee}，{due_on.isoformat()} 前完成",
        },
    )
    task = session.get(HomeVisitTask, task_id)
    assert task is not None
    return _task_info(task)


def complete_home_visit(
    session: Session,
    ctx: reg.CounterContext,
    task_id: str,
    *,
    visited_on: date,
    outcome: str,
    findings: str,
    on: date,
) -> HomeVisitInfo:
    """The visit's result form. A visit confirming the applicant is out of work verifies the
    application (method home_visit) in the same transaction; any other outcome is left to
    the reviewer, who may refuse with the visit as the reason."""
    refresh_home_visits(session)
    task = session.get(HomeVisitTask, task_id)
    if task is None:
        raise VerificationError("找不到该上门核实任务")
    if task.status != "open":
        raise VerificationError("该上门核实任务已结束")
    if outcome not in VISIT_OUTCOMES:
        raise VerificationError(
            f"核实结论「{outcome}」无效，可选：{'、'.join(VISIT_OUTCOMES.values())}"
        )
    if visited_on > on or visited_on < task.assigned_on:
        raise VerificationError(
            f"走访日期应在 {task.assigned_on.isoformat()} 至 {on.isoformat()} 之间"
        )
    if not findings.strip():
        raise VerificationError("请填写走访情况")
    registration_id = task.registration_id
    _record_visit_event(
        session,
        ctx,
        task_id,
        "home_visit.completed",
        {
            "registration_id": registration_id,
            "visited_on": visited_on.isoformat(),
            "visitor": ctx.actor.clerk_id,
            "outcome": outcome,
            "findings": findings.strip(),
            "note": f"上门核实：{VISIT_OUTCOMES[outcome]}",
        },
    )
    if outcome == "unemployed":
        reg.verify(
            session,
            ctx,
            registration_id,
            on=on,
            method="home_visit",
            evidence={
                "task_id": task_id,
                "visited_on": visited_on.isoformat(),
                "findings": findings.strip(),
            },
        )
    done = session.get(HomeVisitTask, task_id)
    assert done is not None
    return _task_info(done)


def cancel_open_visits(
    session: Session, ctx: reg.CounterContext, registration_id: str, reason: str
) -> None:
    """A decision made without the visit ends its task."""
    visit = open_visit(session, registration_id)
    if visit is not None:
        _record_visit_event(
            session, ctx, visit.task_id, "home_visit.cancelled", {"reason": reason, "note": reason}
        )


# --------------------------------------------------------------------------- decisions


def decide_register(
    session: Session, ctx: reg.CounterContext, registration_id: str, *, on: date
) -> None:
    """登记 by the reviewer: the application must be verified, and (at the counter) its
    commitment letter printed (notice §3: 书面承诺)."""
    registration, _person = _registration_and_person(session, registration_id)
    if registration.channel in (None, "counter") and not registration.commitment_printed:
        raise VerificationError(f"登记 {registration.number} 的书面承诺书尚未打印，不能登记")
    reg.register(session, ctx, registration_id, on=on)


def decide_reject(
    session: Session, ctx: reg.CounterContext, registration_id: str, *, on: date, reason: str
) -> None:
    """不予登记 with the reason the person is told; an open home visit is cancelled."""
    reg.reject(session, ctx, registration_id, on=on, reason=reason)
    cancel_open_visits(session, ctx, registration_id, f"不予登记：{reason.strip()}")


# --------------------------------------------------------------------------- notices


@dataclass(frozen=True)
class NoticeData:
    """A 告知书 handed to the applicant: who, what was decided, every reason."""

    title: str
    person_name: str
    id_number: str
    opening: str
    reasons: tuple[str, ...]
    closing: str
    agency_name: str
    issued_on: date
    registration_number: str = ""


def rejection_notice(
    session: Session, config: Config, registration_id: str, today: date
) -> NoticeData:
    """不予登记告知书 of a rejected application (notice §3, domain.md §8: 记录原因并告知本人)."""
    registration, person = _registration_and_person(session, registration_id)
    if registration.status != "rejected":
        raise VerificationError(f"登记 {registration.number} 未作不予登记决定")
    return NoticeData(
        title="不予失业登记告知书",
        person_name=person.name,
        id_number=person.id_number,
        opening=(
            f"你于{_cn(registration.applied_on)}申请办理失业登记（登记编号 "
            f"{registration.number}），经审核，决定不予登记，理由如下："
        ),
        reasons=(registration.rejection_reason or "",),
        closing=(
            "如对本决定有异议，或情况发生变化，可持本人有效身份证件到公共就业服务机构再次申请。"
        ),
        agency_name=agency_name(session, config),
        issued_on=registration.rejected_on or today,
        registration_number=registration.number,
    )


def ineligibility_notice(
    person_name: str, id_number: str, reasons: Sequence[str], agency: str, today: date
) -> NoticeData:
    """不符合失业登记条件告知书: every unmet condition at once (一次性告知)."""
    return NoticeData(
        title="不符合失业登记条件告知书",
        person_name=person_name,
        id_number=id_number,
        opening=f"你于{_cn(today)}申请办理失业登记，经审核，暂不符合失业登记条件，原因如下：",
        reasons=tuple(reasons),
        closing="符合条件后，可持本人有效身份证件到公共就业服务机构申请办理失业登记。",
        agency_name=agency,
        issued_on=today,
    )


def _cn(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "  年  月  日"


def notice_lines(data: NoticeData) -> list[str]:
    """The notice's text, paragraph by paragraph (what the PDF shows, testable as text)."""
    lines = [f"{data.person_name}（证件号码 {mask_id_number(data.id_number)}）：", data.opening]
    lines += [f"{index}. {reason}" for index, reason in enumerate(data.reasons, start=1)]
    lines.append(data.closing)
    return lines


def notice_pdf(data: NoticeData) -> bytes:
    """The notice as a one-page A4 PDF (GB/T 9704 page, embedded CJK fonts)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from printing.layout import PageSetup, format_date, para, render_pdf, styles

    st = styles()
    lines = notice_lines(data)
    story = [para(data.title, st.title), Spacer(1, 4 * mm), para(lines[0], st.letter)]
    story += [para(line, st.letter_indented) for line in lines[1:]]
    story += [
        Spacer(1, 12 * mm),
        para(f"{data.agency_name}（盖章）", st.right),
        para(format_date(data.issued_on), st.right),
    ]
    setup = PageSetup(
        document_title=f"{data.title}（{data.registration_number or data.person_name}）",
        template_id="notice v1",
    )
    return render_pdf(story, setup)


# --------------------------------------------------------------------------- 待办


@dataclass(frozen=True)
class TodoItem:
    """One pending application on the 待办 list."""

    registration_id: str
    person_id: str
    name: str
    id_number: str
    number: str
    status: str
    next_step: str
    channel: str
    channel_label: str
    delegated_agency: str | None
    applied_on: date | None
    due_on: date | None
    due_provisional: bool
    workdays_left: int | None  # working days after today up to the deadline; < 0 overdue
    overdue: bool
    visit: HomeVisitInfo | None
    commitment_printed: bool


CHANNEL_LABELS: Final = {"counter": "窗口", "online": "网上申请", "delegated": "委托受理"}
_PENDING: Final = ("applied", "verified")


def _workdays_left(calendar: WorkdayCalendar, today: date, due: date, region: str) -> int:
    """Working days after today up to `due` (0: due today); calendar days overdue, negative."""
    if due < today:
        return -(today - due).days
    count = 0
    day = today
    while day < due:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day, region):
            count += 1
    return count


def todo_items(
    session: Session, today: date, calendar: WorkdayCalendar, region_code: str
) -> list[TodoItem]:
    """Everything pending, most urgent first: applications not yet settled (notice §3: 7
    working days) — those taken at this counter, online (channel online) and delegated to a
    disability employment service agency alike — with their open home visits."""
    refresh_home_visits(session)
    rows = session.execute(
        select(Registration, Person.name, Person.id_number)
        .join(Person, Person.id == Registration.person_id, isouter=True)
        .where(Registration.status.in_(_PENDING))
    ).all()
    visits = {
        task.registration_id: _task_info(task)
        for task in session.scalars(select(HomeVisitTask).where(HomeVisitTask.status == "open"))
    }
    items: list[TodoItem] = []
    for registration, name, id_number in rows:
        extra = registration.extra or {}
        delegated = extra.get(DELEGATED_AGENCY_FIELD) or None
        channel = registration.channel or "counter"
        if delegated and channel == "counter":
            channel = "delegated"
        visit = visits.get(registration.id)
        due = registration.due_on
        left = _workdays_left(calendar, today, due, region_code) if due else None
        items.append(
            TodoItem(
                registration_id=registration.id,
                person_id=registration.person_id,
                name=name or "（档案未同步）",
                id_number=id_number or "",
                number=registration.number,
                status=registration.status,
                next_step=_next_step(registration, visit),
                channel=channel,
                channel_label=CHANNEL_LABELS.get(channel, channel),
                delegated_agency=str(delegated) if delegated else None,
                applied_on=registration.applied_on,
                due_on=due,
                due_provisional=bool(registration.due_provisional),
                workdays_left=left,
                overdue=due is not None and due < today,
                visit=visit,
                commitment_printed=bool(registration.commitment_printed),
            )
        )
    items.sort(key=lambda item: (item.due_on or date.max, item.applied_on or date.max, item.number))
    return items


def _next_step(registration: Registration, visit: HomeVisitInfo | None) -> str:
    if registration.status == "verified":
        if registration.channel in (None, "counter") and not registration.commitment_printed:
            return "待打印承诺书后登记"
        return "待登记"
    if visit is not None:
        return f"上门核实中（{visit.assignee}）"
    return "待核实"


def pending_count(session: Session) -> int:
    """How many applications wait to be settled (for the navigation's badge)."""
    return int(
        session.scalar(
            select(func.count()).select_from(Registration).where(Registration.status.in_(_PENDING))
        )
        or 0
    )
