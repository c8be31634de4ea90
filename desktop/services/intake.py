"""受理登记 as a plain-Python state machine (notice §1–§3): a card read or a typed ID number →
the 《就业失业登记表》 → live eligibility → duplicate check → commitment printed → accepted with
its deadline. Widgets render `IntakeView` and send intents; nothing here knows Qt, and the
database work (duplicate check, number reservation, acceptance) is plain functions the UI runs
on the database thread.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from desktop.config import Config
from desktop.domain.codes import code_table
from desktop.domain.eligibility import (
    PLACE_LABELS,
    Applicant,
    EligibilityResult,
    RegistrationPolicy,
    check_eligibility,
)
from desktop.domain.errors import DomainError
from desktop.domain.idnumbers import (
    DocumentType,
    IdDocument,
    InvalidIdNumberError,
    detect_document_type,
    normalize_id_text,
    parse_id_number,
)
from desktop.domain.regions import GANSU, counties, full_region_name, prefectures, provinces, region
from desktop.domain.retirement import RetirementCategoryError, default_category
from desktop.domain.workdays import RegionCodeError, region_contains
from desktop.services import registration as reg
from desktop.services.documents import (
    EXTRA_CLAIMS_INSURANCE,
    EXTRA_DESIRED_AREA,
    EXTRA_DISABILITY_CERTIFICATE,
    EXTRA_EMPLOYMENT_FORM,
    EXTRA_EXPECTED_PAY,
    EXTRA_JOB_WISH,
    EXTRA_OTHER_NOTES,
    EXTRA_PROFESSIONAL_TITLE,
    EXTRA_SKILL_LEVEL,
    EXTRA_STARTUP_WISH,
    EXTRA_TRAINING_TRADE,
    EXTRA_TRAINING_WISH,
    RenderedDocument,
    agency_name,
    record_printed,
)
from desktop.store.db import FastStatement
from desktop.store.models import Person, Registration
from devices.card import CardData, CardKind, CardSource

__all__ = [
    "DOCUMENT_CHOICES",
    "FORM_FIELDS",
    "ActiveRegistrationInfo",
    "DuplicateCheck",
    "FieldKind",
    "FieldSource",
    "FieldSpec",
    "FieldState",
    "IntakeError",
    "IntakeFlow",
    "IntakeStep",
    "IntakeView",
    "PrintedCommitment",
    "ReservedCommitment",
    "accept_application",
    "check_duplicates",
    "check_name",
    "field_spec",
    "form_fields",
    "normalize_name",
    "parse_form_date",
    "region_choices",
    "region_from_address",
    "render_commitment",
    "reserve_commitment",
    "with_values",
]


class IntakeError(DomainError):
    """An intent the flow cannot take now (e.g. 受理 before the commitment is printed)."""


class IntakeStep(enum.Enum):
    """Where the registration at the counter stands."""

    EMPTY = "empty"  # nothing read or typed yet
    EDITING = "editing"  # the form is being completed
    PRINTING = "printing"  # the commitment letter is on its way to the printer
    PRINTED = "printed"  # printed for the identity on the form; 受理 may follow
    ACCEPTING = "accepting"  # the application is being recorded
    ACCEPTED = "accepted"  # recorded, with its number and deadline


class FieldSource(enum.Enum):
    """Where a field's value came from; the form marks pre-filled fields with it."""

    ID_CARD = "身份证"
    SOCIAL_SECURITY_CARD = "社保卡"
    RECORD = "档案"  # the person's earlier record in this database
    DERIVED = "证件号码"  # read from the number itself (sex, birth date, document type)
    DEFAULT = "默认"
    TYPED = "手工"


class FieldKind(enum.Enum):
    """How a field is entered and checked."""

    TEXT = "text"
    NAME = "name"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    DATE = "date"
    CODE = "code"  # one code of a table (also 是/否 and the document type)
    REGION = "region"  # a GB/T 2260 code
    CODES = "codes"  # several codes of a table


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form: its key, label, section, input kind and code table."""

    name: str
    label: str
    section: str
    kind: FieldKind
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) for CODE and CODES
    max_length: int = 200


YES, NO = "1", "0"
YES_NO: Final = ((YES, "是"), (NO, "否"))
URBAN_RURAL: Final = ((YES, "城镇"), (NO, "农村"))
# notice §3: 内地（大陆）居民的有效身份证件指居民身份证或社会保障卡；港澳台居民的有效身份证件
# 指港澳台居民居住证或社会保障卡、港澳居民来往内地通行证. The code is what the clerk types ahead.
DOCUMENT_CHOICES: Final[tuple[tuple[str, DocumentType], ...]] = (
    ("1", DocumentType.RESIDENT_ID),
    ("2", DocumentType.SOCIAL_SECURITY_CARD),
    ("3", DocumentType.HMT_RESIDENCE_PERMIT),
    ("4", DocumentType.HK_MACAU_TRAVEL_PERMIT),
)
_DOCUMENT_BY_CODE: Final = dict(DOCUMENT_CHOICES)
_CODE_BY_DOCUMENT: Final = {doc: code for code, doc in DOCUMENT_CHOICES}
RETIREMENT_POSTS: Final = (("worker", "工人岗位"), ("cadre", "管理和专业技术岗位"))

SECTION_BASIC = "一、基本信息"
SECTION_UNEMPLOYMENT = "二、失业情况"
SECTION_WISHES = "三、求职、培训和创业意向"


def _table(name: str) -> tuple[tuple[str, str], ...]:
    return tuple((item.code, item.label) for item in code_table(name))


@functools.cache
def form_fields() -> tuple[FieldSpec, ...]:
    """The fields in the order of the paper form (printing.documents.registration_form), the
    Tab order of the page. Eligibility declarations close section 二 (notice §1)."""
    basic, lost, wishes = SECTION_BASIC, SECTION_UNEMPLOYMENT, SECTION_WISHES
    code, text = FieldKind.CODE, FieldKind.TEXT
    documents = tuple((c, doc.value) for c, doc in DOCUMENT_CHOICES)
    return (
        FieldSpec("name", "姓名", basic, FieldKind.NAME, True, max_length=100),
        FieldSpec("sex", "性别", basic, code, True, _table("sex")),
        FieldSpec("ethnicity", "民族", basic, code, False, _table("ethnicity")),
        FieldSpec("birth_date", "出生日期", basic, FieldKind.DATE, True),
        FieldSpec("doc_type", "证件类型", basic, code, True, documents),
        FieldSpec("id_number", "证件号码", basic, FieldKind.ID_NUMBER, True, max_length=64),
        FieldSpec("hukou_type", "户口性质", basic, code, True, _table("hukou_type")),
        FieldSpec("political_status", "政治面貌", basic, code, False, _table("political_status")),
        FieldSpec("education", "文化程度", basic, code, True, _table("education")),
        FieldSpec("marital_status", "婚姻状况", basic, code, False, _table("marital_status")),
        FieldSpec("health", "健康状况", basic, code, True, _table("health")),
        FieldSpec("disability_grade", "伤残等级", basic, code, False, _table("disability_grade")),
        FieldSpec(
            "disability_category", "残疾类别", basic, code, False, _table("disability_category")
        ),
        FieldSpec("disability_certificate", "残疾人证号", basic, text, max_length=40),
        FieldSpec("skill_level", "职业资格/技能等级", basic, code, False, _table("skill_level")),
        FieldSpec("professional_title", "专业技术职务", basic, text, max_length=60),
        FieldSpec("skills", "技能特长和证书", basic, text),
        FieldSpec("phone", "联系电话", basic, FieldKind.PHONE, True, max_length=32),
        FieldSpec("household_region", "户籍地", basic, FieldKind.REGION, True),
        FieldSpec("household_address", "户籍地址", basic, text),
        FieldSpec("residence_region", "常住地", basic, FieldKind.REGION, True),
        FieldSpec("residence_address", "常住地址", basic, text),
        FieldSpec("residence_urban", "常住地城乡", basic, code, True, URBAN_RURAL),
        FieldSpec("unemployed_since", "失业时间", lost, FieldKind.DATE, True),
        FieldSpec("last_employer", "原工作单位", lost, text),
        FieldSpec("last_occupation", "原从事职业（工种）", lost, text, max_length=60),
        FieldSpec("unemployment_cause", "失业原因", lost, code, True, _table("unemployment_cause")),
        FieldSpec("claims_insurance", "是否申领失业保险金", lost, code, False, YES_NO),
        FieldSpec(
            "difficulty_categories",
            "就业困难人员类别",
            lost,
            FieldKind.CODES,
            False,
            _table("difficulty_category"),
        ),
        FieldSpec(
            "registration_place", "登记失业地", lost, code, True, _table("registration_place")
        ),
        FieldSpec("able_to_work", "有劳动能力", lost, code, True, YES_NO),
        FieldSpec("willing_to_work", "有就业要求", lost, code, True, YES_NO),
        FieldSpec("not_employed", "目前处于无业状态", lost, code, True, YES_NO),
        FieldSpec("receives_pension", "已领取基本养老金", lost, code, True, YES_NO),
        FieldSpec("employed_on_mainland", "曾在内地（大陆）就业", lost, code, False, YES_NO),
        FieldSpec("retirement_post", "女职工岗位类别", lost, code, False, RETIREMENT_POSTS),
        FieldSpec("job_wish", "求职意向（职业工种）", wishes, text, max_length=60),
        FieldSpec("expected_pay", "期望月薪（元）", wishes, text, max_length=20),
        FieldSpec("desired_work_area", "期望工作地区", wishes, text, max_length=60),
        FieldSpec("employment_form", "就业形式", wishes, text, max_length=30),
        FieldSpec("training_wish", "培训意愿", wishes, code, False, YES_NO),
        FieldSpec("training_trade", "培训意向（工种）", wishes, text, max_length=60),
        FieldSpec("startup_wish", "创业意愿", wishes, code, False, YES_NO),
        FieldSpec("other_notes", "其他需要说明的事项", wishes, text),
    )


FORM_FIELDS: Final = form_fields()
_SPECS: Final = {spec.name: spec for spec in FORM_FIELDS}
# Declared facts a worker normally gives (notice §1): asked on every form, answered by default.
_DECLARATION_DEFAULTS: Final = {
    "able_to_work": YES,
    "willing_to_work": YES,
    "not_employed": YES,
    "receives_pension": NO,
}
# Changing one of these after printing means the letter no longer names the applicant.
_COMMITMENT_FIELDS: Final = frozenset({"name", "doc_type", "id_number"})


def field_spec(name: str) -> FieldSpec:
    """The spec of a field of the form (KeyError for an unknown name)."""
    return _SPECS[name]


# --------------------------------------------------------------------------- names

# Every way a middle dot (间隔号, GB/T 15834) reaches the counter: typed with a Chinese or a
# Japanese input method, read from a card, pasted from a web page.
_MIDDLE_DOTS: Final = "\u00b7\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\u16eb\u2e31\uff0e"
_MIDDLE_DOT: Final = "\u00b7"
_HAN_RANGES: Final = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2A6DF),  # Extension B (𠮷 U+20BB7 …)
    (0x2A700, 0x2EE5F),  # Extensions C–F, I
    (0x2F800, 0x2FA1F),  # compatibility supplement
    (0x30000, 0x323AF),  # Extensions G, H
)
_PRIVATE_USE: Final = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))


def _in(char: str, ranges: Iterable[tuple[int, int]]) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in ranges)


def normalize_name(text: str) -> str:
    """A name as it is recorded: NFC, one kind of middle dot (U+00B7) without spaces around it,
    single spaces, no outer spaces."""
    name = unicodedata.normalize("NFC", text)
    for dot in _MIDDLE_DOTS:
        name = name.replace(dot, _MIDDLE_DOT)
    name = re.sub(r"\s*\u00b7\s*", _MIDDLE_DOT, name)
    return " ".join(name.split())


def check_name(name: str) -> tuple[str, tuple[str, ...]]:
    """(error or "", warnings) for a normalised name: Han characters of every extension (a
    rare character such as 𠮷 is a valid name character), middle dots between parts
    (阿依古丽·买买提), Latin letters for names written so on a permit."""
    if not name:
        return "请填写姓名", ()
    if len(name) > 100:
        return f"姓名过长（{len(name)}个字，最多100个字）", ()
    warnings: list[str] = []
    for position, char in enumerate(name, start=1):
        if _in(char, _HAN_RANGES) or char == _MIDDLE_DOT or char == " ":
            continue
        if char.isascii() and char.isalpha():
            continue
        if _in(char, _PRIVATE_USE):
            warnings.append(
                f"姓名第{position}个字是造字区字符，可能是读卡器未能识别的生僻字，请对照证件核对"
            )
            continue
        return f"姓名含有不能用于姓名的字符「{char}」（第{position}个字）", ()
    if name.startswith(_MIDDLE_DOT) or name.endswith(_MIDDLE_DOT) or "··" in name:
        return "姓名中的间隔号「·」只能用在两部分之间", ()
    rare = [char for char in name if ord(char) > 0xFFFF and _in(char, _HAN_RANGES)]
    if rare:
        warnings.append(f"姓名含扩展区生僻字「{''.join(rare)}」，打印后请核对字形")
    return "", tuple(warnings)


# --------------------------------------------------------------------------- regions


@functools.cache
def region_choices() -> tuple[tuple[str, str], ...]:
    """(code, full name) for the 户籍地/常住地 pickers: every current county of Gansu first,
    then the other provinces (and 香港, 澳门, 台湾) as a whole."""
    choices: list[tuple[str, str]] = []
    for prefecture in prefectures(GANSU):
        for county in counties(prefecture.code):
            choices.append((county.code, full_region_name(county.code) or county.name))
    for province in provinces():
        if province.code != GANSU:
            choices.append((province.code, province.name))
    return tuple(choices)


@functools.cache
def _names_for_address() -> tuple[tuple[str, str], ...]:
    """(name as an address starts, code), longest names first: Gansu's counties with and
    without the province, Gansu's prefectures, then the provinces."""
    names: list[tuple[str, str]] = []
    province_name = full_region_name(GANSU) or "甘肃省"
    for prefecture in prefectures(GANSU):
        for county in counties(prefecture.code):
            full = full_region_name(county.code) or ""
            names += [(full, county.code), (full.removeprefix(province_name), county.code)]
    for province in provinces():
        names.append((province.name, province.code))
    return tuple(sorted(((n, c) for n, c in names if n), key=lambda item: -len(item[0])))


def region_from_address(address: str) -> tuple[str | None, str]:
    """(region code, the rest of the address) for a card's 住址 such as
    "甘肃省临夏回族自治州临夏市八坊街道新华路12号"; (None, address) when no region name starts
    it."""
    text = address.strip()
    for name, code in _names_for_address():
        if text.startswith(name):
            return code, text[len(name) :]
    return None, text


def _region_problem(code: str) -> str:
    found = region(code)
    if found is None:
        return f"行政区划代码「{code}」不存在"
    if not found.is_current:
        return f"行政区划代码「{code}」（{found.name}）已撤销，请选择现在的区划"
    return ""


# --------------------------------------------------------------------------- dates

_DATE_TEXT: Final = re.compile(r"(\d{4})[-./年]?(\d{1,2})[-./月]?(\d{1,2})日?")


def parse_form_date(text: str) -> date | None:
    """A date as a clerk types it: 20250630, 2025-06-30, 2025.6.30, 2025年6月30日; None if it is
    not a real date (ValueError is never raised)."""
    match = _DATE_TEXT.fullmatch(normalize_id_text(text).replace("X", ""))
    if match is None or (len(text.strip()) == 8 and not text.strip().isdigit()):
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


# --------------------------------------------------------------------------- duplicate check


@dataclass(frozen=True)
class ActiveRegistrationInfo:
    """An active registration found for the applicant."""

    registration_id: str
    person_id: str
    number: str
    status: str
    region: str | None
    region_name: str
    applied_on: date | None
    due_on: date | None


@dataclass(frozen=True)
class DuplicateCheck:
    """What the database knows of the person with this number (run on the database thread)."""

    id_number: str
    person_id: str | None
    doc_type: str | None  # the document type the person is recorded with
    person_values: Mapping[str, str]  # form values from the earlier record, to pre-fill
    local: ActiveRegistrationInfo | None  # active in this office's area: open it instead
    elsewhere: tuple[ActiveRegistrationInfo, ...]  # active elsewhere in the province


_PERSONS_BY_NUMBER: Final = FastStatement(
    select(Person.id, Person.doc_type).where(Person.id_number == bindparam("id_number"))
)
_REGISTRATIONS_OF_PERSON: Final = FastStatement(
    select(
        Registration.id,
        Registration.person_id,
        Registration.number,
        Registration.status,
        Registration.region,
        Registration.applied_on,
        Registration.due_on,
    ).where(Registration.person_id == bindparam("person_id"))
)
# A number of these documents is the 公民身份号码 (or the permit number that stands for it):
# the same person may come with any of them.
_SAME_NUMBER_DOCUMENTS: Final = frozenset(
    {
        DocumentType.RESIDENT_ID.name,
        DocumentType.RESIDENT_ID_15.name,
        DocumentType.SOCIAL_SECURITY_CARD.name,
        DocumentType.HMT_RESIDENCE_PERMIT.name,
    }
)
_RECORD_FIELDS: Final = (
    "name",
    "sex",
    "ethnicity",
    "hukou_type",
    "political_status",
    "education",
    "marital_status",
    "health",
    "disability_grade",
    "disability_category",
    "phone",
    "household_region",
    "household_address",
    "residence_region",
    "residence_address",
)


def _in_area(office_region: str, registration_region: str | None) -> bool:
    if not registration_region:
        return True
    try:
        return region_contains(office_region, registration_region)
    except RegionCodeError:
        return registration_region == office_region


def check_duplicates(
    session: Session, id_number: str, doc_type: str | None, office_region: str
) -> DuplicateCheck:
    """重复检查: the person recorded under this number (whatever identity document they came
    with before) and their active registrations, split into this office's area and elsewhere.
    Two indexed lookups per person record (ix_person_id_number, ix_registration_person_id)."""
    connection = session.connection()
    persons = _PERSONS_BY_NUMBER.rows(connection, {"id_number": id_number})
    same_person = [
        (person_id, kind)
        for person_id, kind in persons
        if kind == doc_type
        or (kind in _SAME_NUMBER_DOCUMENTS and doc_type in _SAME_NUMBER_DOCUMENTS)
    ]
    local: ActiveRegistrationInfo | None = None
    elsewhere: list[ActiveRegistrationInfo] = []
    for person_id, _kind in same_person:
        for row in _REGISTRATIONS_OF_PERSON.rows(connection, {"person_id": person_id}):
            registration_id, owner, number, status, where, applied_on, due_on = row
            if status not in reg.ACTIVE_STATUSES:
                continue
            info = ActiveRegistrationInfo(
                registration_id=registration_id,
                person_id=owner,
                number=number,
                status=status,
                region=where,
                region_name=(full_region_name(where) or where) if where else "",
                applied_on=applied_on,
                due_on=due_on,
            )
            if local is None and _in_area(office_region, where):
                local = info
            else:
                elsewhere.append(info)
    person_id = same_person[0][0] if same_person else None
    values: dict[str, str] = {}
    recorded_type: str | None = None
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is not None:
            recorded_type = person.doc_type
            for name in _RECORD_FIELDS:
                value = getattr(person, name)
                if value not in (None, ""):
                    values[name] = str(value)
            if person.residence_urban is not None:
                values["residence_urban"] = YES if person.residence_urban else NO
            extra = person.extra or {}
            for key, name in (
                (EXTRA_SKILL_LEVEL, "skill_level"),
                (EXTRA_PROFESSIONAL_TITLE, "professional_title"),
                (EXTRA_DISABILITY_CERTIFICATE, "disability_certificate"),
                ("skills", "skills"),
            ):
                if extra.get(key) not in (None, ""):
                    values[name] = str(extra[key])
    return DuplicateCheck(
        id_number=id_number,
        person_id=person_id,
        doc_type=recorded_type,
        person_values=values,
        local=local,
        elsewhere=tuple(elsewhere),
    )


# --------------------------------------------------------------------------- commitment


@dataclass(frozen=True)
class ReservedCommitment:
    """A registration number reserved for this application and the letter's data with it."""

    number: str
    data: Any  # printing.documents.commitment.CommitmentData


@dataclass(frozen=True)
class PrintedCommitment:
    """The commitment letter as printed before acceptance; recorded when the application is."""

    rendered: RenderedDocument
    printer: str


def reserve_commitment(
    session: Session,
    ctx: reg.CounterContext,
    config: Config,
    view: IntakeView,
    *,
    number: str | None = None,
) -> ReservedCommitment:
    """Run on the database thread: reserve the registration number (unless the flow holds one
    already) and gather the letter's data (notice §3: 由本人对填写信息真实性作出书面承诺)."""
    from printing.documents.commitment import CommitmentData

    if view.step is not IntakeStep.PRINTING:
        raise IntakeError("承诺书只能在打印时（Ctrl+P）预留登记编号")
    applied_on = view.today
    if number is None:
        number = reg.reserve_registration_number(session, ctx, applied_on)
    doc_type = _DOCUMENT_BY_CODE.get(view.value("doc_type"))
    data = CommitmentData(
        person_name=view.value("name"),
        id_document_type=doc_type.value if doc_type else "有效身份证件",
        id_number=view.document.number if view.document else view.value("id_number"),
        registration_number=number,
        agency_name=agency_name(session, config),
        application_date=applied_on,
    )
    return ReservedCommitment(number, data)


def render_commitment(reserved: ReservedCommitment) -> RenderedDocument:
    """Build the letter's PDF (CPU only: run it off the GUI thread)."""
    from printing.documents import commitment

    return RenderedDocument(
        name="commitment",
        title=commitment.TITLE,
        template_version=commitment.TEMPLATE_VERSION,
        pdf=commitment.build(reserved.data),
        subject=reserved.number,
    )


def accept_application(
    session: Session,
    ctx: reg.CounterContext,
    application: reg.Application,
    *,
    number: str | None,
    commitment: PrintedCommitment | None,
) -> reg.AppliedRegistration:
    """受理, in the caller's transaction: the person, the application with its deadline, and
    the commitment letter printed for it. All of these events commit together or none does
    (the caller's `store.session()`), so a failure half way leaves nothing half-saved."""
    applied = reg.apply_for_registration(session, ctx, application, number=number)
    if commitment is not None:
        record_printed(
            session,
            ctx.actor,
            ctx.clock,
            commitment.rendered,
            commitment.printer,
            registration_id=applied.registration_id,
            person_id=applied.person_id,
        )
    return applied


# --------------------------------------------------------------------------- the flow's view


@dataclass(frozen=True)
class FieldState:
    """One field as the form shows it."""

    spec: FieldSpec
    value: str | tuple[str, ...]
    source: FieldSource | None
    error: str
    required: bool  # required now (e.g. 伤残等级 once 健康状况 is 残疾)
    applicable: bool  # False: not asked for this person (e.g. 曾在内地就业 for mainlanders)


@dataclass(frozen=True)
class IntakeView:
    """Everything the page shows, computed from the flow's state at one moment."""

    step: IntakeStep
    today: date
    fields: Mapping[str, FieldState]
    document: IdDocument | None
    missing: tuple[str, ...]  # labels of required fields still empty (一次性告知)
    problems: tuple[str, ...]  # field errors and cross-checks, each "标签：原因"
    unmet: tuple[str, ...]  # notice §1 conditions not met (empty when eligible)
    eligibility_known: bool
    warnings: tuple[str, ...]
    duplicate: DuplicateCheck | None
    duplicate_pending: bool
    reserved_number: str | None
    printed_on: str | None  # the printer the commitment came out of
    accepted: reg.AppliedRegistration | None
    message: str  # outcome of the last action (accepted, refused, print failed …)
    print_blocker: str  # why 打印承诺书 is not possible now ("" when it is)
    accept_blocker: str  # why 受理 is not possible now ("" when it is)

    def value(self, name: str) -> str:
        """A single-valued field's value ("" when empty)."""
        value = self.fields[name].value
        return value if isinstance(value, str) else ",".join(value)

    @property
    def can_print(self) -> bool:
        return not self.print_blocker

    @property
    def can_accept(self) -> bool:
        return not self.accept_blocker

    @property
    def eligible(self) -> bool:
        return self.eligibility_known and not self.unmet


@dataclass
class _CardRead:
    kind: CardKind
    source: CardSource
    name: str
    id_number: str
    sex: str | None
    birth_date: date | None


# --------------------------------------------------------------------------- the flow


class IntakeFlow:
    """The registration at the counter, one applicant at a time.

    Intents: `read_card`, `set_field`, `duplicates_checked`, `print_started`,
    `commitment_printed`, `print_failed`, `accept_started`, `accepted`, `accept_failed`,
    `reset`. `view()` says what to show and what is possible. `application()` builds the
    use case's input once the form is complete.
    """

    def __init__(
        self,
        office_region: str,
        *,
        policy: RegistrationPolicy | None = None,
        today: Callable[[], date] = date.today,
        channel: str = "counter",
    ) -> None:
        self.office_region = office_region
        self.policy = policy or RegistrationPolicy()
        self._today = today
        self.channel = channel
        self.reset()

    # -- intents ------------------------------------------------------------------------

    def reset(self) -> None:
        """Start a new applicant: an empty form (the declarations at their usual answers)."""
        self._values: dict[str, str | tuple[str, ...]] = {
            spec.name: (() if spec.kind is FieldKind.CODES else "") for spec in FORM_FIELDS
        }
        self._sources: dict[str, FieldSource | None] = dict.fromkeys(_SPECS)
        for name, value in _DECLARATION_DEFAULTS.items():
            self._values[name] = value
            self._sources[name] = FieldSource.DEFAULT
        self._step = IntakeStep.EMPTY
        self._cards: list[_CardRead] = []
        self._ss_card_number: str | None = None
        self._card_warnings: list[str] = []
        self._duplicate: DuplicateCheck | None = None
        self._reserved_number: str | None = None
        self._printed: PrintedCommitment | None = None
        self._accepted: reg.AppliedRegistration | None = None
        self._message = ""
        self._view: IntakeView | None = None

    def read_card(self, card: CardData) -> None:
        """A card was read: a new applicant unless it is the same person's other card (their
        社保卡 after the 身份证, or the other way round), whose data is cross-checked."""
        self._require_open()
        number = normalize_id_text(card.id_number)
        if self._cards:
            # The applicant's other card (社保卡 after 身份证, or the reverse) is cross-checked,
            # even when it does not match; another card of the same kind is the next person.
            same_number = any(earlier.id_number == number for earlier in self._cards)
            other_kind = all(earlier.source is not card.source for earlier in self._cards)
            if not (same_number or other_kind):
                self.reset()
        else:
            typed = str(self._values["id_number"])
            if typed and typed != number:
                self.reset()
        # The same card read again (F2 shows the last card once more) only fills gaps: what
        # the clerk corrected by hand stays.
        repeat = any(
            earlier.source is card.source and earlier.id_number == number for earlier in self._cards
        )
        if not repeat:
            self._cards.append(
                _CardRead(card.kind, card.source, card.name, number, card.sex, card.birth_date)
            )
        source = (
            FieldSource.SOCIAL_SECURITY_CARD
            if card.source is CardSource.SOCIAL_SECURITY_READER
            else FieldSource.ID_CARD
        )
        first_card = len(self._cards) == 1
        # The 身份证 wins over the 社保卡 for what both hold; the second card only fills gaps.
        overwrite = not repeat and (first_card or source is FieldSource.ID_CARD)
        doc_type = _card_document(card)
        fills: dict[str, str] = {
            "name": normalize_name(card.name),
            "doc_type": _CODE_BY_DOCUMENT.get(doc_type, ""),
            "id_number": number,
        }
        if card.sex in ("1", "2"):
            fills["sex"] = card.sex
        if card.ethnicity and card.ethnicity in code_table("ethnicity"):
            fills["ethnicity"] = card.ethnicity
        if card.birth_date is not None:
            fills["birth_date"] = card.birth_date.isoformat()
        fills.update(self._address_fills(card))
        for name, value in fills.items():
            if overwrite or not self._values[name]:
                self._put(name, value, source)
        if self._values["household_region"] and not self._values["residence_region"]:
            # Most applicants live where their 户口 is; the clerk changes it when not.
            self._put(
                "residence_region", str(self._values["household_region"]), FieldSource.DEFAULT
            )
        if card.ss_card_number:
            self._ss_card_number = card.ss_card_number
        if not repeat and card.valid_until is not None and card.valid_until < self._today():
            # The card is shown, but it is no longer a valid document: warn with the date.
            self._card_warnings.append(
                f"{card.kind.value}已于{card.valid_until.isoformat()}到期，"
                "请核验申请人的其他有效身份证件"
            )
        if self._duplicate is not None and self._duplicate.id_number != number:
            self._duplicate = None
        self._touch()

    def set_field(self, name: str, value: str | Iterable[str]) -> None:
        """The clerk typed or picked a value; it becomes 手工 unless it did not change."""
        self._require_open()
        spec = _SPECS[name]
        cleaned: str | tuple[str, ...]
        if spec.kind is FieldKind.CODES:
            assert not isinstance(value, str)
            order = [code for code, _label in spec.choices]
            cleaned = tuple(sorted(set(value), key=lambda c: order.index(c) if c in order else 99))
        else:
            assert isinstance(value, str)
            cleaned = value.strip() if spec.kind is not FieldKind.TEXT else value
            if spec.kind is FieldKind.ID_NUMBER:
                cleaned = normalize_id_text(cleaned)
            elif spec.kind is FieldKind.NAME:
                cleaned = normalize_name(cleaned)
        if cleaned == self._values[name]:
            return
        self._put(name, cleaned, FieldSource.TYPED)
        if name == "id_number":
            self._derive_from_number()
        if name == "household_region" and not self._values["residence_region"]:
            self._put("residence_region", str(cleaned), FieldSource.DEFAULT)
        self._touch()

    def duplicates_checked(self, check: DuplicateCheck) -> None:
        """The duplicate check for the number on the form came back (a late answer for a
        number since changed is dropped)."""
        if self._step is IntakeStep.ACCEPTED:
            return
        if check.id_number != self._current_number():
            return
        self._duplicate = check
        for name, value in check.person_values.items():
            if name in _SPECS and not self._values[name]:
                self._put(name, value, FieldSource.RECORD)
        self._touch()

    def print_started(self) -> None:
        """打印承诺书 (Ctrl+P) was asked for."""
        view = self.view()
        if not view.can_print:
            raise IntakeError(view.print_blocker)
        self._step = IntakeStep.PRINTING
        self._message = ""
        self._touch(keep_step=True)

    def number_reserved(self, number: str) -> None:
        """The registration number the letter carries (kept for reprints and acceptance)."""
        self._reserved_number = number
        self._touch(keep_step=True)

    def commitment_printed(self, printed: PrintedCommitment) -> None:
        """The printer reported the letter done."""
        if self._step is not IntakeStep.PRINTING:
            return
        self._printed = printed
        self._step = IntakeStep.PRINTED
        self._message = f"书面承诺书已在 {printed.printer} 打印，请申请人签字后按 Ctrl+Enter 受理"
        self._touch(keep_step=True)

    def print_failed(self, message: str) -> None:
        """The letter did not print (no printer, printer off, …): nothing counts as printed."""
        if self._step is not IntakeStep.PRINTING:
            return
        self._step = IntakeStep.PRINTED if self._printed else IntakeStep.EDITING
        self._message = f"书面承诺书未能打印：{message}"
        self._touch(keep_step=True)

    def accept_started(self) -> reg.Application:
        """受理 (Ctrl+Enter) was asked for: the application to record."""
        view = self.view()
        if not view.can_accept:
            raise IntakeError(view.accept_blocker)
        application = self.application()
        self._step = IntakeStep.ACCEPTING
        self._message = ""
        self._touch(keep_step=True)
        return application

    def accepted(self, applied: reg.AppliedRegistration) -> None:
        """The application is recorded, with its number and deadline."""
        self._accepted = applied
        self._step = IntakeStep.ACCEPTED
        deadline = applied.deadline
        note = "（节假日安排未公布，期限为暂定）" if deadline.provisional else ""
        self._message = (
            f"已受理，登记编号 {applied.number}，请于 {deadline.due.isoformat()} 前办结"
            f"（{deadline.working_days}个工作日）{note}"
        )
        if applied.warnings:
            self._message += "。注意：" + "；".join(applied.warnings)
        self._touch(keep_step=True)

    def accept_failed(self, message: str, *, duplicate: DuplicateCheck | None = None) -> None:
        """受理 was refused or failed; nothing was recorded, the form stays as it is."""
        if self._step is not IntakeStep.ACCEPTING:
            return
        self._step = IntakeStep.PRINTED if self._printed else IntakeStep.EDITING
        self._message = f"未受理：{message}"
        if duplicate is not None:
            self._duplicate = duplicate
        self._touch(keep_step=True)

    # -- queries ------------------------------------------------------------------------

    @property
    def step(self) -> IntakeStep:
        return self._step

    @property
    def printed_commitment(self) -> PrintedCommitment | None:
        return self._printed

    @property
    def reserved_number(self) -> str | None:
        return self._reserved_number

    def duplicate_check_needed(self) -> tuple[str, str | None] | None:
        """(number, document type) to check when the form holds a valid number not checked
        yet; None otherwise."""
        view = self.view()
        if not view.duplicate_pending or view.document is None:
            return None
        return view.document.number, view.document.doc_type.name

    def view(self) -> IntakeView:
        """The form, checked (cached until the next intent)."""
        if self._view is None:
            self._view = self._compute_view()
        return self._view

    def application(self) -> reg.Application:
        """The use case's input from the form (IntakeError while something is missing)."""
        view = self.view()
        if view.missing or view.problems or view.document is None:
            raise IntakeError(view.print_blocker or "表单尚未填写完整")
        value = view.value
        document = view.document
        doc_type = document.doc_type
        if (
            self._duplicate is not None
            and self._duplicate.doc_type in _SAME_NUMBER_DOCUMENTS
            and doc_type.name in _SAME_NUMBER_DOCUMENTS
        ):
            # The same person came before with another document bearing this number: keep
            # one person record (registration.find_person looks up by type + number).
            doc_type = DocumentType[self._duplicate.doc_type]
        person_extra: dict[str, Any] = {}
        for key, name in (
            (EXTRA_SKILL_LEVEL, "skill_level"),
            (EXTRA_PROFESSIONAL_TITLE, "professional_title"),
            (EXTRA_DISABILITY_CERTIFICATE, "disability_certificate"),
            ("skills", "skills"),
        ):
            if value(name):
                person_extra[key] = value(name)
        if self._ss_card_number:
            person_extra["ss_card_number"] = self._ss_card_number
        details = reg.PersonDetails(
            id_number=document.number,
            name=value("name"),
            phone=value("phone"),
            household_region=value("household_region"),
            residence_region=value("residence_region"),
            residence_urban=value("residence_urban") == YES,
            doc_type=doc_type.name,
            sex=value("sex") or None,
            birth_date=parse_form_date(value("birth_date")),
            ethnicity=value("ethnicity") or None,
            household_address=value("household_address").strip(),
            residence_address=value("residence_address").strip(),
            hukou_type=value("hukou_type") or None,
            education=value("education") or None,
            health=value("health") or None,
            disability_category=value("disability_category") or None,
            disability_grade=value("disability_grade") or None,
            political_status=value("political_status") or None,
            marital_status=value("marital_status") or None,
            extra=person_extra,
        )
        extra: dict[str, Any] = {
            "field_sources": {
                name: source.value
                for name, source in self._sources.items()
                if source is not None and source is not FieldSource.TYPED
            },
        }
        for key, name in (
            (EXTRA_JOB_WISH, "job_wish"),
            (EXTRA_EXPECTED_PAY, "expected_pay"),
            (EXTRA_DESIRED_AREA, "desired_work_area"),
            (EXTRA_EMPLOYMENT_FORM, "employment_form"),
            (EXTRA_TRAINING_TRADE, "training_trade"),
            (EXTRA_OTHER_NOTES, "other_notes"),
            ("last_employer", "last_employer"),
            ("last_occupation", "last_occupation"),
        ):
            if value(name).strip():
                extra[key] = value(name).strip()
        for key, name in (
            (EXTRA_CLAIMS_INSURANCE, "claims_insurance"),
            (EXTRA_TRAINING_WISH, "training_wish"),
            (EXTRA_STARTUP_WISH, "startup_wish"),
        ):
            if value(name):
                extra[key] = value(name) == YES
        if self._card_warnings:
            extra["card_warnings"] = list(self._card_warnings)
        mainland = value("employed_on_mainland")
        unemployed_since = parse_form_date(value("unemployed_since"))
        return reg.Application(
            person=details,
            applied_on=view.today,
            registration_place=value("registration_place"),
            unemployment_cause=value("unemployment_cause"),
            unemployed_since=unemployed_since,
            difficulty_categories=tuple(self._values["difficulty_categories"]),
            channel=self.channel,
            able_to_work=value("able_to_work") == YES,
            willing_to_work=value("willing_to_work") == YES,
            employed=value("not_employed") == NO,
            receives_basic_pension=value("receives_pension") == YES,
            employed_on_mainland_before=None if not mainland else mainland == YES,
            retirement_post=value("retirement_post") or None,
            extra=extra,
        )

    # -- internals ----------------------------------------------------------------------

    def _require_open(self) -> None:
        if self._step in (IntakeStep.PRINTING, IntakeStep.ACCEPTING):
            raise IntakeError("正在处理，请稍候")
        if self._step is IntakeStep.ACCEPTED:
            # A new card or a keystroke after 受理 starts the next applicant.
            self.reset()

    def _current_number(self) -> str | None:
        document = self.view().document
        return document.number if document is not None else None

    def _put(self, name: str, value: str | tuple[str, ...], source: FieldSource) -> None:
        changed = self._values[name] != value
        self._values[name] = value
        self._sources[name] = source if value else None
        if changed and name in _COMMITMENT_FIELDS and self._printed is not None:
            # The letter printed names someone else now: it must be printed again.
            self._printed = None
            if self._step is IntakeStep.PRINTED:
                self._step = IntakeStep.EDITING
        if changed and name == "id_number" and self._reserved_number is not None:
            self._reserved_number = None

    def _touch(self, *, keep_step: bool = False) -> None:
        if not keep_step and self._step is IntakeStep.EMPTY:
            self._step = IntakeStep.EDITING
        if self._sources["registration_place"] in (None, FieldSource.DEFAULT):
            self._default_place()
        self._view = None

    def _default_place(self) -> None:
        """登记失业地: the first allowed place (户籍地, then 常住地) inside this office's area."""
        for place, field_name in (
            ("household", "household_region"),
            ("residence", "residence_region"),
        ):
            code = str(self._values[field_name])
            if place in self.policy.allowed_places and code and _in_area(self.office_region, code):
                if self._values["registration_place"] != place:
                    self._values["registration_place"] = place
                    self._sources["registration_place"] = FieldSource.DEFAULT
                return
        if self._sources["registration_place"] is FieldSource.DEFAULT:
            self._values["registration_place"] = ""
            self._sources["registration_place"] = None

    def _derive_from_number(self) -> None:
        """A valid typed number gives the document type, sex and birth date it encodes."""
        number = str(self._values["id_number"])
        doc_code = str(self._values["doc_type"])
        given_type = _DOCUMENT_BY_CODE.get(doc_code)
        try:
            document = parse_id_number(number, doc_type=given_type, today=self._today())
        except InvalidIdNumberError:
            if not doc_code and number:
                detected = detect_document_type(number)
                if detected in _CODE_BY_DOCUMENT:
                    self._put("doc_type", _CODE_BY_DOCUMENT[detected], FieldSource.DERIVED)
            return
        if not doc_code and document.doc_type in _CODE_BY_DOCUMENT:
            self._put("doc_type", _CODE_BY_DOCUMENT[document.doc_type], FieldSource.DERIVED)
        if document.sex and self._sources["sex"] in (None, FieldSource.DERIVED):
            self._put("sex", document.sex, FieldSource.DERIVED)
        if document.birth_date and self._sources["birth_date"] in (None, FieldSource.DERIVED):
            self._put("birth_date", document.birth_date.isoformat(), FieldSource.DERIVED)
        if document.is_hmt and not self._values["hukou_type"]:
            self._put("hukou_type", "30", FieldSource.DERIVED)

    def _address_fills(self, card: CardData) -> dict[str, str]:
        fills: dict[str, str] = {}
        if card.kind is CardKind.HMT_RESIDENCE_PERMIT:
            # The 居住证's address is where the holder lives on the mainland (常住地); the
            # 户籍 is in Hong Kong, Macau or Taiwan (830000 is the permit code of Taiwan).
            prefix = card.id_number[:2]
            fills["household_region"] = {"81": "810000", "82": "820000"}.get(prefix, "710000")
            fills["hukou_type"] = "30"
            if card.address:
                code, rest = region_from_address(card.address)
                if code is not None:
                    fills["residence_region"] = code
                fills["residence_address"] = rest
            return fills
        if card.address:
            code, rest = region_from_address(card.address)
            if code is not None:
                fills["household_region"] = code
            fills["household_address"] = rest
        return fills

    def _compute_view(self) -> IntakeView:
        today = self._today()
        values = self._values
        errors: dict[str, str] = {}
        warnings: list[str] = list(self._card_warnings)
        document = self._check_document(errors, warnings, today)
        is_hmt = document is not None and (
            document.is_hmt or document.doc_type is DocumentType.HK_MACAU_TRAVEL_PERMIT
        )
        self._check_fields(errors, warnings, today, document)
        required = {spec.name: spec.required for spec in FORM_FIELDS}
        applicable = dict.fromkeys(_SPECS, True)
        disabled = values["health"] == "6"
        required["disability_grade"] = required["disability_category"] = disabled
        applicable["employed_on_mainland"] = is_hmt
        required["employed_on_mainland"] = is_hmt
        applicable["retirement_post"] = values["sex"] == "2"
        missing = tuple(
            spec.label
            for spec in FORM_FIELDS
            if required[spec.name] and applicable[spec.name] and not values[spec.name]
        )
        problems = [f"{_SPECS[name].label}：{message}" for name, message in errors.items()]
        problems += self._cross_check()
        eligibility = self._eligibility(document, errors, today)
        unmet: tuple[str, ...] = ()
        if eligibility is not None:
            unmet = tuple(condition.message for condition in eligibility.unmet)
            warnings += eligibility.warnings
        duplicate = self._duplicate
        duplicate_pending = document is not None and (
            duplicate is None or duplicate.id_number != document.number
        )
        if duplicate is not None and not duplicate_pending:
            for other in duplicate.elsewhere:
                warnings.append(
                    f"该人员在{other.region_name or '其他地区'}已有有效失业登记（登记编号 "
                    f"{other.number}，受理日期 {_iso(other.applied_on)}），"
                    "一人只能有一条有效登记，请与原登记地核实"
                )
        fields = {
            spec.name: FieldState(
                spec=spec,
                value=values[spec.name],
                source=self._sources[spec.name],
                error=errors.get(spec.name, ""),
                required=required[spec.name],
                applicable=applicable[spec.name],
            )
            for spec in FORM_FIELDS
        }
        print_blocker = self._print_blocker(
            document, missing, problems, eligibility, duplicate, duplicate_pending
        )
        return IntakeView(
            step=self._step,
            today=today,
            fields=fields,
            document=document,
            missing=missing,
            problems=tuple(problems),
            unmet=unmet,
            eligibility_known=eligibility is not None,
            warnings=tuple(dict.fromkeys(warnings)),
            duplicate=duplicate if not duplicate_pending else None,
            duplicate_pending=duplicate_pending,
            reserved_number=self._reserved_number,
            printed_on=self._printed.printer if self._printed else None,
            accepted=self._accepted,
            message=self._message,
            print_blocker=print_blocker,
            accept_blocker=self._accept_blocker(print_blocker),
        )

    def _print_blocker(
        self,
        document: IdDocument | None,
        missing: tuple[str, ...],
        problems: list[str],
        eligibility: EligibilityResult | None,
        duplicate: DuplicateCheck | None,
        duplicate_pending: bool,
    ) -> str:
        if self._step is IntakeStep.ACCEPTED:
            return "已受理"
        if self._step in (IntakeStep.PRINTING, IntakeStep.ACCEPTING):
            return "正在处理，请稍候"
        if duplicate is not None and duplicate.local is not None and not duplicate_pending:
            # Before anything missing: this applicant's record is to be opened, not re-made.
            return f"该人员已有有效的失业登记（登记编号 {duplicate.local.number}），请打开原记录"
        if document is None and not missing:
            return "证件号码有误"
        if missing:
            # 一次性告知: everything that is missing, in one go.
            return "尚未填写：" + "、".join(missing)
        if problems:
            return "请更正：" + "；".join(problems)
        if eligibility is not None and eligibility.unmet:
            return "不符合失业登记条件：" + "；".join(c.message for c in eligibility.unmet)
        if duplicate_pending:
            return "正在查询是否已有登记……"
        return ""

    def _accept_blocker(self, print_blocker: str) -> str:
        if print_blocker:
            return print_blocker
        if self.channel == "counter" and self._printed is None:
            # notice §3: 由本人对填写信息真实性作出书面承诺 — before the application is accepted.
            return "请先打印书面承诺书（Ctrl+P），由申请人签字后再受理"
        return ""

    def _check_document(
        self, errors: dict[str, str], warnings: list[str], today: date
    ) -> IdDocument | None:
        number = str(self._values["id_number"])
        if not number:
            return None
        given_type = _DOCUMENT_BY_CODE.get(str(self._values["doc_type"]))
        detected = detect_document_type(number)
        if given_type is None and detected is DocumentType.TAIWAN_TRAVEL_PERMIT:
            errors["id_number"] = (
                "台湾居民来往大陆通行证不是通知第三条所列的有效身份证件，"
                "请出示港澳台居民居住证或社会保障卡"
            )
            return None
        if given_type is None and detected is DocumentType.FOREIGN_PERMANENT_RESIDENT:
            errors["id_number"] = "外国人永久居留身份证持有人不在通知第一条所列的失业登记对象之内"
            return None
        try:
            document = parse_id_number(number, doc_type=given_type, today=today)
        except InvalidIdNumberError as error:
            errors["id_number"] = error.message
            return None
        if document.doc_type is DocumentType.RESIDENT_ID_15:
            warnings.append(
                f"15位旧号码已升级为18位：{document.number}；第一代身份证已停止使用，"
                "请核验第二代居民身份证或社会保障卡"
            )
        return document

    def _check_fields(
        self, errors: dict[str, str], warnings: list[str], today: date, document: IdDocument | None
    ) -> None:
        values = self._values
        name_error, name_warnings = check_name(str(values["name"]))
        if values["name"] and name_error:
            errors["name"] = name_error
        warnings += name_warnings
        for spec in FORM_FIELDS:
            value = values[spec.name]
            if not value or spec.name in errors:
                continue
            problem = self._field_problem(spec, value, today)
            if problem:
                errors[spec.name] = problem
        birth = parse_form_date(str(values["birth_date"]))
        if document is not None:
            if document.sex and values["sex"] and values["sex"] != document.sex:
                errors["sex"] = "与证件号码不一致（号码第17位表示{}）".format(
                    "男" if document.sex == "1" else "女"
                )
            if document.birth_date and birth and birth != document.birth_date:
                errors["birth_date"] = (
                    f"与证件号码不一致（号码中为{document.birth_date.isoformat()}）"
                )
        since = parse_form_date(str(values["unemployed_since"]))
        if since is not None and birth is not None and since < birth:
            errors["unemployed_since"] = "失业时间早于出生日期"
        place = str(values["registration_place"])
        if place and place not in self.policy.allowed_places:
            allowed = "、".join(
                PLACE_LABELS[p] for p in PLACE_LABELS if p in self.policy.allowed_places
            )
            errors["registration_place"] = f"本地规定的登记地为{allowed}"

    def _field_problem(self, spec: FieldSpec, value: str | tuple[str, ...], today: date) -> str:
        if spec.kind is FieldKind.CODES:
            known = {code for code, _label in spec.choices}
            unknown = [code for code in value if code not in known]
            return f"代码「{'、'.join(unknown)}」不在代码表中" if unknown else ""
        assert isinstance(value, str)
        if len(value) > spec.max_length:
            return f"过长（最多{spec.max_length}个字）"
        if spec.kind is FieldKind.CODE:
            if value not in {code for code, _label in spec.choices}:
                return f"代码「{value}」不在代码表中"
        elif spec.kind is FieldKind.REGION:
            return _region_problem(value)
        elif spec.kind is FieldKind.PHONE:
            if not reg.PHONE_PATTERN.match(value):
                return "手机号码为11位，固定电话为区号-号码（如0931-8440218）"
        elif spec.kind is FieldKind.DATE:
            day = parse_form_date(value)
            if day is None:
                return f"「{value}」不是有效日期（如20250630）"
            if day > today:
                return f"{day.isoformat()}晚于今天"
            if day.year < 1900:
                return f"{day.isoformat()}早于1900年"
        return ""

    def _cross_check(self) -> list[str]:
        """身份证 against 社保卡 when both were read: the same person, or a clerk's alert."""
        id_cards = [c for c in self._cards if c.source is CardSource.ID_CARD_READER]
        ss_cards = [c for c in self._cards if c.source is CardSource.SOCIAL_SECURITY_READER]
        if not id_cards or not ss_cards:
            return []
        id_card, ss_card = id_cards[-1], ss_cards[-1]
        problems = []
        if id_card.id_number != ss_card.id_number:
            problems.append(
                f"身份证号码 {id_card.id_number} 与社会保障号码 {ss_card.id_number} 不一致"
            )
        if normalize_name(id_card.name) != normalize_name(ss_card.name):
            problems.append(f"身份证姓名「{id_card.name}」与社保卡姓名「{ss_card.name}」不一致")
        if id_card.sex and ss_card.sex and id_card.sex != ss_card.sex:
            labels = {"1": "男", "2": "女"}
            problems.append(
                f"身份证性别（{labels.get(id_card.sex, id_card.sex)}）与社保卡性别"
                f"（{labels.get(ss_card.sex, ss_card.sex)}）不一致"
            )
        return [f"证件核对：{problem}" for problem in problems]

    def _eligibility(
        self, document: IdDocument | None, errors: Mapping[str, str], today: date
    ) -> EligibilityResult | None:
        """notice §1, live: None until the facts it needs are on the form and valid."""
        values = self._values
        if document is None:
            return None
        birth = document.birth_date or parse_form_date(str(values["birth_date"]))
        sex = document.sex or str(values["sex"])
        if birth is None or sex not in ("1", "2") or "birth_date" in errors:
            return None
        mainland = str(values["employed_on_mainland"])
        post = str(values["retirement_post"]) or None
        try:
            category = default_category(sex, post)
        except RetirementCategoryError:
            category = None
        applicant = Applicant(
            birth_date=birth,
            sex=sex,
            receives_basic_pension=values["receives_pension"] == YES,
            able_to_work=values["able_to_work"] != NO,
            willing_to_work=values["willing_to_work"] != NO,
            employed=values["not_employed"] == NO,
            household_region=str(values["household_region"]) or None,
            residence_region=str(values["residence_region"]) or None,
            is_hmt_resident=document.is_hmt
            or document.doc_type is DocumentType.HK_MACAU_TRAVEL_PERMIT,
            employed_on_mainland_before=None if not mainland else mainland == YES,
            retirement_category=category,
        )
        return check_eligibility(
            applicant, on=today, office_region=self.office_region, policy=self.policy
        )


def _card_document(card: CardData) -> DocumentType:
    if card.kind is CardKind.SOCIAL_SECURITY:
        return DocumentType.SOCIAL_SECURITY_CARD
    if card.kind is CardKind.HMT_RESIDENCE_PERMIT:
        return DocumentType.HMT_RESIDENCE_PERMIT
    if card.kind is CardKind.FOREIGN_PERMANENT_RESIDENT:
        return DocumentType.FOREIGN_PERMANENT_RESIDENT
    return DocumentType.RESIDENT_ID


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "不详"


def with_values(flow: IntakeFlow, values: Mapping[str, str | Iterable[str]]) -> IntakeFlow:
    """Type `values` into the flow in form order (tests, benchmarks, the demo)."""
    for spec in FORM_FIELDS:
        if spec.name in values:
            flow.set_field(spec.name, values[spec.name])
    return flow
