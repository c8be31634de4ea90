"""Documents from the record: build each paper's data from the projections, render it, and
record what was printed (and a scanned, signed commitment letter).

The data is gathered on the database thread (`prepare_document`); the PDF is built from that
plain data anywhere (`PreparedDocument.render`), so the UI can build it off both the GUI and
the database thread. `render_document` does both in one call (CLI, tests).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.config import Config
from desktop.domain.codes import code_table
from desktop.domain.errors import DomainError
from desktop.domain.idnumbers import DocumentType, normalize_id_text
from desktop.domain.regions import full_region_name, region
from desktop.domain.roles import Delegation, Permission
from desktop.services.accounts import acting_as_agency, authorize
from desktop.services.reference_lists import agencies_near, agency_rows, policy_rows, service_rows
from desktop.store.hlc import HybridLogicalClock
from desktop.store.journal import Actor, record
from desktop.store.models import Event, Person, Registration, Setting
from desktop.store.projector import entity_events
from desktop.store.queries import DELEGATED_AGENCY_FIELD
from printing.documents import DOCUMENTS
from printing.documents.agency_list import AgencyListData
from printing.documents.commitment import CommitmentData
from printing.documents.contact_sheet import ContactPerson, ContactSheetData
from printing.documents.deregistration_notice import DeregistrationNoticeData, DeregistrationReason
from printing.documents.policy_list import PolicyListData
from printing.documents.registration_form import RegistrationFormData
from printing.documents.service_list import ServiceListData

PRINTED_KIND = "document.printed"
# Prints made from the 清单 page concern no person: they are journalled on one entity per
# counter and document, so the history of "the policy list printed at this counter" is one id.
LIST_PRINT_ENTITY_TYPE = "document"
_LIST_PRINT_NAMESPACE = uuid.UUID("8f4b5c1e-2d0a-4c8e-9b1f-6a7d3e2c1b00")
CONTACT_SHEET_SETTING = "contact_sheet"

REGISTRATION_DOCUMENTS = ("registration-form", "commitment", "deregistration-notice")
LIST_DOCUMENTS = ("policy-list", "service-list", "agency-list")
# Which person documents make sense in each registration status.
_DOCUMENTS_BY_STATUS: dict[str, tuple[str, ...]] = {
    "applied": ("registration-form", "commitment"),
    "verified": ("registration-form", "commitment"),
    "registered": ("registration-form", "commitment"),
    "rejected": ("registration-form",),
    "deregistered": ("registration-form", "deregistration-notice"),
}

# deregistration_reason codes (desktop/domain/data/deregistration_reason.csv) → notice §5 case.
REASON_BY_CODE: dict[str, DeregistrationReason] = {
    "11": DeregistrationReason.PENSION,
    "21": DeregistrationReason.HIRED,
    "22": DeregistrationReason.SELF_EMPLOYED,
    "23": DeregistrationReason.STABLE_INCOME,
    "31": DeregistrationReason.ENROLLED,
    "32": DeregistrationReason.MILITARY_SERVICE,
    "33": DeregistrationReason.EMIGRATED,
    "34": DeregistrationReason.INCAPACITATED,
    "35": DeregistrationReason.IMPRISONED,
    "36": DeregistrationReason.DECEASED,
    "37": DeregistrationReason.REFUSED_SERVICES,
    "38": DeregistrationReason.UNREACHABLE,
    "41": DeregistrationReason.OTHER,
}

# Keys of a registration's (or person's) `extra` that the registration form prints; the
# application screens store the job / training wishes there.
EXTRA_SKILL_LEVEL = "skill_level"  # code of the skill_level table
EXTRA_PROFESSIONAL_TITLE = "professional_title"
EXTRA_DISABILITY_CERTIFICATE = "disability_certificate_number"
EXTRA_JOB_WISH = "job_wish"
EXTRA_EXPECTED_PAY = "expected_pay"
EXTRA_DESIRED_AREA = "desired_work_area"
EXTRA_EMPLOYMENT_FORM = "employment_form"
EXTRA_TRAINING_WISH = "training_wish"
EXTRA_TRAINING_TRADE = "training_trade"
EXTRA_STARTUP_WISH = "startup_wish"
EXTRA_CLAIMS_INSURANCE = "claims_unemployment_insurance"
EXTRA_OTHER_NOTES = "other_notes"


class DocumentRequestError(DomainError):
    """The document asked for cannot be made for this person or registration."""


class UnknownRegistrationNumberError(DomainError):
    """A scanned or typed registration number is not in the local database."""

    def __init__(self, number: str) -> None:
        super().__init__(f"未找到登记编号 {number}，请确认扫描的是本窗口打印的承诺书")
        self.number = number


@dataclass(frozen=True)
class PreparedDocument:
    """A document's data gathered from the record, not yet drawn."""

    name: str  # the `dengji print` name, e.g. "commitment"
    title: str
    template_version: str
    data: Any  # the document module's data dataclass
    registration_id: str | None = None
    person_id: str | None = None
    subject: str = ""  # registration number or person name, for a file name

    def render(self) -> RenderedDocument:
        """Build the PDF (pure CPU work: run it off the GUI thread)."""
        pdf = DOCUMENTS[self.name].build(self.data)
        return RenderedDocument(
            name=self.name,
            title=self.title,
            template_version=self.template_version,
            pdf=pdf,
            registration_id=self.registration_id,
            person_id=self.person_id,
            subject=self.subject,
        )


@dataclass(frozen=True)
class RenderedDocument:
    """A built PDF and what it is."""

    name: str
    title: str
    template_version: str
    pdf: bytes
    registration_id: str | None = None
    person_id: str | None = None
    subject: str = ""

    @property
    def suggested_file_name(self) -> str:
        """e.g. "失业登记书面承诺书-6201020012025000123.pdf"."""
        return f"{self.title}-{self.subject}.pdf" if self.subject else f"{self.title}.pdf"


@dataclass(frozen=True)
class SignedCommitment:
    """What a scanned commitment letter turned out to be."""

    registration_id: str
    person_id: str
    registration_number: str
    person_id_number: str
    person_name: str
    already_signed: bool  # the signature had been recorded before: nothing new recorded


# --------------------------------------------------------------------------- small helpers


def document_title(name: str) -> str:
    """The Chinese title of a document (DocumentRequestError for an unknown name)."""
    return str(_module(name).TITLE)


def _module(name: str) -> Any:
    module = DOCUMENTS.get(name)
    if module is None:
        raise DocumentRequestError(f"没有名为“{name}”的文书，可选：{'、'.join(DOCUMENTS)}")
    return module


def documents_for_status(status: str | None) -> tuple[str, ...]:
    """The person documents that fit a registration in this status (none without one)."""
    return _DOCUMENTS_BY_STATUS.get(status or "", ())


def _label(table: str, code: str | None) -> str:
    """A code's Chinese label; a value that is no code of the table is printed as it is."""
    if not code:
        return ""
    entry = code_table(table).get(code)
    return entry.label if entry is not None else code


def _skill_label(code: Any) -> str:
    if not code:
        return ""
    entry = code_table("skill_level").get(str(code))
    if entry is None:
        return str(code)
    title = entry.extra.get("title", "")
    return f"{entry.label}/{title}" if title else entry.label


def _document_type_label(doc_type: str) -> str:
    """The document's Chinese name; a type this client does not know (a record synced from
    an older system) prints as 有效身份证件 rather than as a bare code."""
    try:
        return DocumentType[doc_type].value
    except KeyError:
        return "有效身份证件"


def _region_text(code: str | None) -> str:
    if not code:
        return ""
    return full_region_name(code) or code


def _address(region_code: str | None, address: str | None) -> str:
    """The street address without the region name the form prints before it (card readers
    give the whole address, region included)."""
    text = _text(address)
    region_text = _region_text(region_code)
    if region_text and text.startswith(region_text):
        return text[len(region_text) :]
    return text


def _short_region_name(code: str) -> str:
    """A region's name without "甘肃省" ("兰州市城关区"); the code itself if unknown."""
    name = full_region_name(code)
    if name is None:
        return code
    province = full_region_name(code[:2] + "0000") or ""
    return name.removeprefix(province) or name


def _yes_no(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _extra(registration: Registration | None, person: Person, key: str) -> Any:
    for holder in (registration.extra if registration else None, person.extra):
        if holder and holder.get(key) not in (None, ""):
            return holder[key]
    return None


def agency_name(session: Session, config: Config) -> str:
    """The office the counter belongs to: its county's agency on the agency list, else
    "<county>公共就业服务机构"."""
    for row in agency_rows(session):
        if row.region_code == config.region_code and "受委托" not in row.name:
            return row.name
    return f"{_short_region_name(config.region_code)}公共就业服务机构"


# --------------------------------------------------------------------------- finding subjects


def find_person_by_id_number(session: Session, id_number: str) -> Person:
    """The person recorded with this document number (DocumentRequestError if none or several)."""
    number = normalize_id_text(id_number)
    persons = list(
        session.scalars(
            select(Person).where(Person.id_number == number).order_by(Person.created_hlc)
        )
    )
    if not persons:
        raise DocumentRequestError(f"未找到证件号码为 {number} 的人员")
    if len(persons) > 1:
        raise DocumentRequestError(
            f"证件号码 {number} 对应 {len(persons)} 条人员档案，请改用登记编号指定"
        )
    return persons[0]


def find_registration_by_number(session: Session, number: str) -> Registration | None:
    """The registration with this number, or None."""
    return session.scalars(
        select(Registration).where(Registration.number == number.strip())
    ).first()


def latest_registration(session: Session, person_id: str) -> Registration | None:
    """The person's most recent registration (by application date, then last change)."""
    registrations = session.scalars(
        select(Registration).where(Registration.person_id == person_id)
    ).all()
    if not registrations:
        return None
    return max(registrations, key=lambda r: (r.applied_on or dt.date.min, r.last_hlc))


def _subject(
    session: Session, title: str, person_id: str | None, registration_id: str | None
) -> tuple[Person, Registration]:
    registration: Registration | None
    if registration_id is not None:
        registration = session.get(Registration, registration_id)
        if registration is None:
            raise DocumentRequestError(f"找不到登记记录，不能打印《{title}》")
        if person_id is not None and registration.person_id != person_id:
            raise DocumentRequestError(f"登记 {registration.number} 不属于所选人员")
    elif person_id is not None:
        if session.get(Person, person_id) is None:
            raise DocumentRequestError(f"找不到人员档案，不能打印《{title}》")
        registration = latest_registration(session, person_id)
        if registration is None:
            raise DocumentRequestError(f"该人员没有失业登记记录，不能打印《{title}》")
    else:
        raise DocumentRequestError(f"《{title}》需要指定人员或登记编号")
    person = session.get(Person, registration.person_id)
    if person is None:
        raise DocumentRequestError(
            f"登记 {registration.number} 的人员档案尚未同步到本机，不能打印《{title}》"
        )
    return person, registration


# --------------------------------------------------------------------------- document data


def registration_form_data(
    session: Session, config: Config, person: Person, registration: Registration
) -> RegistrationFormData:
    """The 就业失业登记表 filled from the record (codes as their Chinese labels)."""
    place = _label("registration_place", registration.registration_place)
    place_region = _short_region_name(registration.region) if registration.region else ""
    office = agency_name(session, config)
    return RegistrationFormData(
        registration_number=registration.number,
        name=person.name,
        sex=_label("sex", person.sex),
        ethnicity=_label("ethnicity", person.ethnicity),
        birth_date=person.birth_date,
        id_document_type=_document_type_label(person.doc_type),
        id_number=person.id_number,
        hukou_nature=_label("hukou_type", person.hukou_type),
        political_status=_label("political_status", person.political_status),
        education=_label("education", person.education),
        marital_status=_label("marital_status", person.marital_status),
        health_status=_label("health", person.health),
        disability_grade=_label("disability_grade", person.disability_grade),
        disability_category=_label("disability_category", person.disability_category),
        disability_certificate_number=_text(
            _extra(registration, person, EXTRA_DISABILITY_CERTIFICATE)
        ),
        vocational_qualification=_skill_label(_extra(registration, person, EXTRA_SKILL_LEVEL)),
        professional_title=_text(_extra(registration, person, EXTRA_PROFESSIONAL_TITLE)),
        phone=person.phone or "",
        hukou_region=_region_text(person.household_region),
        hukou_address=_address(person.household_region, person.household_address),
        residence_region=_region_text(person.residence_region),
        residence_address=_address(person.residence_region, person.residence_address),
        unemployed_since=registration.unemployed_since,
        unemployment_reason=_label("unemployment_cause", registration.unemployment_cause),
        claims_unemployment_insurance=_yes_no(_extra(registration, person, EXTRA_CLAIMS_INSURANCE)),
        difficulty_categories=tuple(
            _label("difficulty_category", code) for code in registration.difficulty_categories
        ),
        registration_place=f"{place_region}（{place}）" if place and place_region else place,
        sought_occupation=_text(_extra(registration, person, EXTRA_JOB_WISH)),
        expected_monthly_pay=_text(_extra(registration, person, EXTRA_EXPECTED_PAY)),
        desired_work_area=_text(_extra(registration, person, EXTRA_DESIRED_AREA)),
        employment_form=_text(_extra(registration, person, EXTRA_EMPLOYMENT_FORM)),
        wants_training=_yes_no(_extra(registration, person, EXTRA_TRAINING_WISH)),
        training_trade=_text(_extra(registration, person, EXTRA_TRAINING_TRADE)),
        wants_to_start_business=_yes_no(_extra(registration, person, EXTRA_STARTUP_WISH)),
        other_notes=_text(_extra(registration, person, EXTRA_OTHER_NOTES)),
        agency_name=office,
        registration_date=registration.registered_on,
    )


def commitment_data(
    session: Session, config: Config, person: Person, registration: Registration, today: dt.date
) -> CommitmentData:
    """The 书面承诺书 of this registration (notice §3), its number as a Code 128 barcode."""
    return CommitmentData(
        person_name=person.name,
        id_document_type=_document_type_label(person.doc_type),
        id_number=person.id_number,
        registration_number=registration.number,
        agency_name=agency_name(session, config),
        application_date=registration.applied_on or today,
    )


def _deregistration_note(session: Session, registration_id: str) -> str:
    """The note of the latest 注销 event (it names the case for reason （四）其他情形)."""
    note = ""
    for event in entity_events(session, "registration", registration_id):
        if event.kind == "deregistration.done" and isinstance(event.payload, Mapping):
            note = _text(event.payload.get("note"))
    return note


def deregistration_notice_data(
    session: Session, config: Config, person: Person, registration: Registration, today: dt.date
) -> DeregistrationNoticeData:
    """The 注销告知书 of a deregistered registration, its reason in notice §5's words."""
    if registration.status != "deregistered":
        raise DocumentRequestError(f"登记 {registration.number} 尚未注销，不能打印注销告知书")
    code = _text(registration.deregistration_reason)
    reason = REASON_BY_CODE.get(code)
    if reason is None:
        raise DocumentRequestError(
            f"登记 {registration.number} 的注销原因“{code}”不是通知第五条所列情形，"
            "不能打印注销告知书"
        )
    return DeregistrationNoticeData(
        person_name=person.name,
        id_number=person.id_number,
        registration_number=registration.number,
        registered_on=registration.registered_on or registration.applied_on or today,
        reason=reason,
        deregistered_on=registration.deregistered_on or today,
        agency_name=agency_name(session, config),
        issued_on=today,
        other_reason_detail=_deregistration_note(session, registration.id),
    )


def _contact_person(raw: Any) -> ContactPerson:
    if not isinstance(raw, Mapping):
        return ContactPerson()
    return ContactPerson(
        name=_text(raw.get("name")),
        unit=_text(raw.get("unit")),
        title=_text(raw.get("title")),
        phone=_text(raw.get("phone")),
    )


def contact_sheet_data(session: Session, config: Config, today: dt.date) -> ContactSheetData:
    """附件2's contact sheet: the city from the counter's region, the people from the
    "contact_sheet" setting (blank cells to fill by hand when not set)."""
    setting = session.get(Setting, CONTACT_SHEET_SETTING)
    stored: Mapping[str, Any] = setting.value if setting and isinstance(setting.value, dict) else {}
    prefecture = region(config.region_code[:4] + "00")
    city = _text(stored.get("city")) or (prefecture.name if prefecture else "")
    return ContactSheetData(
        city=city,
        authority=_text(stored.get("authority")),
        filled_on=today,
        business_head=_contact_person(stored.get("business_head")),
        business_contact=_contact_person(stored.get("business_contact")),
        technical_head=_contact_person(stored.get("technical_head")),
        technical_contact=_contact_person(stored.get("technical_contact")),
    )


def save_contact_sheet_settings(session: Session, values: Mapping[str, Any]) -> None:
    """Store the contact sheet's city / authority and its four people (the settings page)."""
    allowed = {
        "city",
        "authority",
        "business_head",
        "business_contact",
        "technical_head",
        "technical_contact",
    }
    unknown = set(values) - allowed
    if unknown:
        raise DocumentRequestError(f"联络表没有这些项：{'、'.join(sorted(unknown))}")
    setting = session.get(Setting, CONTACT_SHEET_SETTING)
    if setting is None:
        session.add(Setting(key=CONTACT_SHEET_SETTING, value=dict(values)))
    else:
        setting.value = {**(setting.value or {}), **values}
    session.flush()


def _list_data(session: Session, config: Config, name: str, today: dt.date) -> Any:
    issuer = agency_name(session, config)
    if name == "policy-list":
        return PolicyListData(policy_rows(session), issuer, today)
    if name == "service-list":
        return ServiceListData(service_rows(session), issuer, today)
    # notice §4(二): the agencies where this worker can be served, the counter's own first
    return AgencyListData(agencies_near(agency_rows(session), config.region_code), issuer, today)


# --------------------------------------------------------------------------- the entry points


def _check_may_print(actor: Actor, registration: Registration | None, today: dt.date) -> None:
    """issue 8: printing needs the 打印 permission; a disability agency prints only its own
    delegated registrations, within its delegation."""
    delegated = (registration.extra or {}).get(DELEGATED_AGENCY_FIELD) if registration else None
    authorize(
        actor,
        Permission.PRINT,
        on=today,
        delegated_agency=delegated,
        for_existing_record=registration is not None,
    )


def _issuer_with_delegation(
    data: Any, registration: Registration | None, actor: Actor | None
) -> Any:
    """issue 8: a document made under a delegation names it where the issuing office goes —
    the delegation recorded with the registration, else the printing agency's own."""
    recorded = (registration.extra or {}).get("delegation") if registration else None
    text = None
    if isinstance(recorded, Mapping) and recorded.get("entrusting_department"):
        text = (
            f"{_text(recorded.get('agency_name'))}（受{_text(recorded['entrusting_department'])}"
            f"委托办理，委托期限{_text(recorded.get('valid_from'))}至"
            f"{_text(recorded.get('valid_until'))}）"
        )
    elif (
        actor is not None
        and isinstance(actor.delegation, Delegation)
        and acting_as_agency(actor, Permission.PRINT)
    ):
        text = actor.delegation.describe()
    if text is None:
        return data
    names = {field.name for field in fields(data)}
    for field_name in ("agency_name", "issuer"):
        if field_name in names:
            return replace(data, **{field_name: text})
    return data


def prepare_document(
    session: Session,
    config: Config,
    name: str,
    *,
    person_id: str | None = None,
    registration_id: str | None = None,
    today: dt.date | None = None,
    actor: Actor | None = None,
) -> PreparedDocument:
    """Gather a document's data from the record (run on the database thread).

    With `actor` (the counter always passes the signed-in clerk), the clerk must be allowed to
    print it (PermissionDeniedError); a disability agency's documents name its delegation.
    Raises DocumentRequestError with the clerk's message: unknown document, unknown person or
    registration, a document that needs a registration the person does not have, a notice
    for a registration that is not deregistered.
    """
    module = _module(name)
    title = str(module.TITLE)
    today = today or dt.date.today()
    person: Person | None = None
    registration: Registration | None = None
    if name in REGISTRATION_DOCUMENTS:
        person, registration = _subject(session, title, person_id, registration_id)
    if actor is not None:
        _check_may_print(actor, registration, today)
    data: Any
    if name == "registration-form":
        assert person is not None and registration is not None
        data = registration_form_data(session, config, person, registration)
    elif name == "commitment":
        assert person is not None and registration is not None
        data = commitment_data(session, config, person, registration, today)
    elif name == "deregistration-notice":
        assert person is not None and registration is not None
        data = deregistration_notice_data(session, config, person, registration, today)
    elif name == "contact-sheet":
        data = contact_sheet_data(session, config, today)
    else:
        data = _list_data(session, config, name, today)
    data = _issuer_with_delegation(data, registration, actor)
    if registration is None and person_id is not None and name in LIST_DOCUMENTS:
        # A list handed to a person from the search page is recorded on their registration.
        registration = latest_registration(session, person_id)
    return PreparedDocument(
        name=name,
        title=title,
        template_version=str(module.TEMPLATE_VERSION),
        data=data,
        registration_id=registration.id if registration else None,
        person_id=person.id if person else person_id,
        subject=registration.number if registration else "",
    )


def render_document(
    session: Session,
    config: Config,
    name: str,
    *,
    person_id: str | None = None,
    registration_id: str | None = None,
    today: dt.date | None = None,
) -> RenderedDocument:
    """prepare_document then build the PDF (DocumentRequestError or the printing module's
    DocumentDataError, e.g. a notice for a case notice §5 exempts from telling)."""
    prepared = prepare_document(
        session,
        config,
        name,
        person_id=person_id,
        registration_id=registration_id,
        today=today,
    )
    return prepared.render()


def list_print_entity_id(counter_id: str, document_name: str) -> str:
    """The journal entity of prints of one list at one counter (stable across runs)."""
    return str(uuid.uuid5(_LIST_PRINT_NAMESPACE, f"{counter_id}/{document_name}"))


def record_printed(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    rendered: RenderedDocument,
    printer: str,
    *,
    registration_id: str | None = None,
    person_id: str | None = None,
) -> list[Event]:
    """Record that a document has printed: "document.printed" {document, template_version,
    printer} on the registration when there is one, else on the person, else (a list from the
    清单 page) on the counter's entity for that list; a commitment letter also records
    "commitment.printed". Call it only after the printer reported success."""
    registration_id = registration_id or rendered.registration_id
    person_id = person_id or rendered.person_id
    subject = session.get(Registration, registration_id) if registration_id else None
    _check_may_print(actor, subject, dt.date.today())
    payload = {
        "document": rendered.name,
        "template_version": rendered.template_version,
        "printer": printer,
        "note": f"打印《{rendered.title}》（{printer}）",
    }
    if registration_id is not None:
        entity_type, entity_id = "registration", registration_id
    elif person_id is not None:
        entity_type, entity_id = "person", person_id
    else:
        entity_type = LIST_PRINT_ENTITY_TYPE
        entity_id = list_print_entity_id(actor.counter_id, rendered.name)
    events = [
        record(
            session,
            actor,
            entity_type=entity_type,
            entity_id=entity_id,
            kind=PRINTED_KIND,
            payload=payload,
            clock=clock,
        )
    ]
    if rendered.name == "commitment" and registration_id is not None:
        events.append(
            record(
                session,
                actor,
                entity_type="registration",
                entity_id=registration_id,
                kind="commitment.printed",
                payload={
                    "template_version": rendered.template_version,
                    "printer": printer,
                    "note": f"打印承诺书（{printer}）",
                },
                clock=clock,
            )
        )
    return events


def record_commitment_signed(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    registration_number: str,
    *,
    today: dt.date | None = None,
) -> SignedCommitment:
    """A signed commitment letter's barcode was scanned: record "commitment.signed" once
    (UnknownRegistrationNumberError when the number is not here)."""
    number = registration_number.strip()
    registration = find_registration_by_number(session, number)
    if registration is None:
        raise UnknownRegistrationNumberError(number)
    # The signed letter completes the application: whoever may accept or verify it.
    authorize(
        actor,
        Permission.APPLY if actor.may(Permission.APPLY) else Permission.VERIFY,
        on=today or dt.date.today(),
        delegated_agency=(registration.extra or {}).get(DELEGATED_AGENCY_FIELD),
        for_existing_record=True,
    )
    person = session.get(Person, registration.person_id)
    already = bool(registration.commitment_signed)
    if not already:
        record(
            session,
            actor,
            entity_type="registration",
            entity_id=registration.id,
            kind="commitment.signed",
            payload={
                "signed_on": (today or dt.date.today()).isoformat(),
                "source": "barcode",
                "note": "扫描已签署的承诺书条码",
            },
            clock=clock,
        )
    return SignedCommitment(
        registration_id=registration.id,
        person_id=registration.person_id,
        registration_number=registration.number,
        person_id_number=person.id_number if person else "",
        person_name=person.name if person else "",
        already_signed=already,
    )


def printable_documents(status: str | None) -> Sequence[str]:
    """Everything the search page offers for a person whose latest registration has this
    status: the person documents that fit it, then the three lists to hand out."""
    return (*documents_for_status(status), *LIST_DOCUMENTS)
