"""Registration use cases (notice §1–§3, §5): apply, verify, register, reject, deregister.

Each use case is one transaction: the events it records and their projections commit together
or not at all. The rules come from desktop.domain; the state lives in the store's projections.
"""

from __future__ import annotations

import re
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from desktop.domain.codes import code_table
from desktop.domain.eligibility import Applicant, RegistrationPolicy, check_eligibility
from desktop.domain.errors import DomainError
from desktop.domain.idnumbers import DocumentType, IdDocument, parse_id_number
from desktop.domain.retirement import default_category
from desktop.domain.roles import Permission, is_disabled_worker
from desktop.domain.workdays import (
    Deadline,
    RegionCodeError,
    WorkdayCalendar,
    region_contains,
    registration_deadline,
)
from desktop.services.accounts import acting_as_agency, authorize
from desktop.store.db import FastStatement
from desktop.store.hlc import HybridLogicalClock
from desktop.store.journal import Actor, record
from desktop.store.models import Person, Registration, Setting
from desktop.store.queries import DELEGATED_AGENCY_FIELD

ACTIVE_STATUSES = ("applied", "verified", "registered")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PHONE_PATTERN = _PHONE  # the form validates the phone as it is typed with the same rule


class IneligibleError(DomainError):
    """The applicant does not meet notice §1; `unmet` lists every unmet condition."""

    def __init__(self, unmet: list[str]) -> None:
        super().__init__("不符合失业登记条件：" + "；".join(unmet))
        self.unmet = unmet


class DuplicateRegistrationError(DomainError):
    """The person already has an active registration here: open it instead of a new one."""

    def __init__(self, registration_id: str, number: str) -> None:
        super().__init__(f"该人员已有有效的失业登记（登记编号 {number}），请打开原记录")
        self.registration_id = registration_id
        self.number = number


class InvalidTransitionError(DomainError):
    """The registration is not in a state that allows this step."""


class InvalidApplicationError(DomainError):
    """A field of the application is missing or malformed."""


@dataclass(frozen=True)
class PersonDetails:
    """The person part of the 《就业失业登记表》. Codes come from desktop.domain.codes."""

    id_number: str
    name: str
    phone: str
    household_region: str
    residence_region: str
    residence_urban: bool
    doc_type: str | None = None  # DocumentType name; None = detect from the number
    sex: str | None = None  # derived from the ID number when it holds it
    birth_date: date | None = None
    ethnicity: str | None = None
    household_address: str = ""
    residence_address: str = ""
    hukou_type: str | None = None
    education: str | None = None
    health: str | None = None
    disability_category: str | None = None
    disability_grade: str | None = None
    political_status: str | None = None
    marital_status: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Application:
    """One application for unemployment registration at this counter."""

    person: PersonDetails
    applied_on: date
    registration_place: str  # code of the registration_place table: household / residence / …
    unemployment_cause: str
    unemployed_since: date | None = None
    difficulty_categories: tuple[str, ...] = ()
    channel: str = "counter"
    able_to_work: bool = True
    willing_to_work: bool = True
    employed: bool = False
    receives_basic_pension: bool = False
    employed_on_mainland_before: bool | None = None  # notice §1: HK/Macau/Taiwan residents
    retirement_post: str | None = None  # "worker" / "cadre", for women's retirement age
    extra: Mapping[str, Any] = field(default_factory=dict)  # job wishes, training wish, …


@dataclass(frozen=True)
class CounterContext:
    """Who acts and where: the clerk, the counter, its county, its rules."""

    actor: Actor
    clock: HybridLogicalClock
    region_code: str
    counter_number: int
    calendar: WorkdayCalendar
    policy: RegistrationPolicy = field(default_factory=RegistrationPolicy)

    def record(
        self,
        session: Session,
        entity_type: str,
        entity_id: str,
        kind: str,
        payload: Mapping[str, Any],
    ) -> None:
        """Append one event as this clerk, stamped by this counter's clock (journal.record)."""
        record(
            session,
            self.actor,
            entity_type=entity_type,
            entity_id=entity_id,
            kind=kind,
            payload=payload,
            clock=self.clock,
        )


@dataclass(frozen=True)
class AppliedRegistration:
    registration_id: str
    person_id: str
    number: str
    deadline: Deadline
    warnings: tuple[str, ...]


def _checked_document(details: PersonDetails, today: date) -> IdDocument:
    doc_type = DocumentType[details.doc_type] if details.doc_type else None
    return parse_id_number(details.id_number, doc_type=doc_type, today=today)


def _validate_details(details: PersonDetails, document: IdDocument) -> list[str]:
    problems: list[str] = []
    if not details.name.strip():
        problems.append("姓名不能为空")
    if not _PHONE.match(details.phone.strip()):
        problems.append(f"联系电话「{details.phone}」格式不正确（手机11位或区号-号码）")
    if document.sex and details.sex and details.sex != document.sex:
        problems.append("性别与证件号码不一致")
    if document.birth_date and details.birth_date and details.birth_date != document.birth_date:
        problems.append("出生日期与证件号码不一致")
    if (document.sex or details.sex) is None:
        problems.append("请填写性别")
    if (document.birth_date or details.birth_date) is None:
        problems.append("请填写出生日期")
    for table, value in (
        ("ethnicity", details.ethnicity),
        ("education", details.education),
        ("health", details.health),
        ("hukou_type", details.hukou_type),
        ("political_status", details.political_status),
        ("marital_status", details.marital_status),
    ):
        if value is not None and value not in code_table(table):
            problems.append(f"代码「{value}」不在{table}代码表中")
    if details.health == "6" and not details.disability_grade:
        # MOHRSS online plan: 健康状况为残疾时须注明伤残等级
        problems.append("健康状况为残疾时须填写残疾等级")
    return problems


_PERSON_FIELDS = tuple(f for f in fields(PersonDetails) if f.name != "extra")


def _person_payload(details: PersonDetails, document: IdDocument) -> dict[str, Any]:
    # Field by field, not dataclasses.asdict: that deep-copies every value, and these are
    # strings, dates and booleans (`extra` is merged below).
    payload = {f.name: getattr(details, f.name) for f in _PERSON_FIELDS}
    payload.update(dict(details.extra))
    payload["doc_type"] = document.doc_type.name
    payload["id_number"] = document.number
    payload["name"] = details.name.strip()
    payload["phone"] = details.phone.strip()
    payload["sex"] = document.sex or details.sex
    birth = document.birth_date or details.birth_date
    payload["birth_date"] = birth.isoformat() if birth else None
    return payload


def next_registration_number(
    session: Session, region_code: str, counter_number: int, year: int
) -> str:
    """A registration number unique across the province even when made offline:
    county code (6) + counter number (3) + year (4) + this counter's sequence (5)."""
    key = f"registration_seq/{year}"
    # Core statements, not the ORM: a dirty Setting object would be flushed by the next
    # query's autoflush, costing a unit of work per application.
    connection = session.connection()
    stored = _SETTING_VALUE.first(connection, {"setting_key": key})
    sequence = (int(stored[0]) if stored is not None else 0) + 1
    if stored is None:
        _INSERT_SETTING.write(connection, {"key": key, "value": sequence})
    else:
        _UPDATE_SETTING.write(connection, {"setting_key": key, "new_value": sequence})
    loaded = session.identity_map.get((Setting, (key,), None))
    if loaded is not None:  # keep a copy loaded elsewhere in this session true
        set_committed_value(loaded, "value", sequence)
    return f"{region_code}{counter_number:03d}{year}{sequence:05d}"


_SETTING_TABLE = cast(Table, Setting.__table__)
_SETTING_VALUE = FastStatement(
    select(_SETTING_TABLE.c.value).where(_SETTING_TABLE.c.key == bindparam("setting_key"))
)
_INSERT_SETTING = FastStatement(insert(_SETTING_TABLE))
_UPDATE_SETTING = FastStatement(
    update(_SETTING_TABLE)
    .where(_SETTING_TABLE.c.key == bindparam("setting_key"))
    .values(value=bindparam("new_value"))
)
_PERSON_ID_BY_DOCUMENT = FastStatement(
    select(Person.id).where(
        Person.id_number == bindparam("id_number"), Person.doc_type == bindparam("doc_type")
    )
)


def find_person(session: Session, doc_type: str, id_number: str) -> Person | None:
    # The id by Core (uses ix_person_id_number), then the object: most applicants are new,
    # and an ORM query would autoflush and build its statement each time.
    parameters = {"doc_type": doc_type, "id_number": id_number}
    person_id = _PERSON_ID_BY_DOCUMENT.scalar(session.connection(), parameters)
    return None if person_id is None else session.get(Person, person_id)


def active_registration(session: Session, person_id: str) -> Registration | None:
    return session.scalars(
        select(Registration).where(
            Registration.person_id == person_id, Registration.status.in_(ACTIVE_STATUSES)
        )
    ).first()


def apply_for_registration(
    session: Session,
    ctx: CounterContext,
    application: Application,
    *,
    number: str | None = None,
) -> AppliedRegistration:
    """受理: check the person and notice §1, then record the application with its deadline.

    `number` is a registration number reserved earlier with `reserve_registration_number` (the
    commitment letter printed before acceptance carries it); None takes the next one now. An
    active registration of the person in this office's area raises DuplicateRegistrationError;
    one elsewhere in the province (known after sync) is only a warning, kept in the payload.
    """
    details = application.person
    # issue 8: a 窗口经办 (or a disability agency, for a disabled worker, under its delegation)
    authorize(
        ctx.actor,
        Permission.APPLY,
        on=application.applied_on,
        disabled_worker=is_disabled_worker(details.health, details.disability_category),
    )
    document = _checked_document(details, application.applied_on)
    problems = _validate_details(details, document)
    if application.unemployment_cause not in code_table("unemployment_cause"):
        problems.append(f"失业原因代码「{application.unemployment_cause}」无效")
    if application.registration_place not in code_table("registration_place"):
        problems.append(f"登记地类型「{application.registration_place}」无效")
    if problems:
        raise InvalidApplicationError("；".join(problems))

    sex = document.sex or details.sex
    birth = document.birth_date or details.birth_date
    assert sex is not None and birth is not None  # checked by _validate_details
    result = check_eligibility(
        Applicant(
            birth_date=birth,
            sex=sex,
            receives_basic_pension=application.receives_basic_pension,
            able_to_work=application.able_to_work,
            willing_to_work=application.willing_to_work,
            employed=application.employed,
            household_region=details.household_region,
            residence_region=details.residence_region,
            is_hmt_resident=document.is_hmt
            or document.doc_type is DocumentType.HK_MACAU_TRAVEL_PERMIT
            or document.doc_type is DocumentType.TAIWAN_TRAVEL_PERMIT,
            employed_on_mainland_before=application.employed_on_mainland_before,
            retirement_category=default_category(sex, application.retirement_post),
        ),
        on=application.applied_on,
        office_region=ctx.region_code,
        policy=ctx.policy,
    )
    if not result.eligible:
        raise IneligibleError([c.message for c in result.unmet])

    person = find_person(session, document.doc_type.name, document.number)
    payload = _person_payload(details, document)
    active_elsewhere: str | None = None
    if person is None:
        person_id = str(uuid.uuid4())
        record(
            session,
            ctx.actor,
            entity_type="person",
            entity_id=person_id,
            kind="person.recorded",
            payload=payload,
            clock=ctx.clock,
        )
    else:
        person_id = person.id
        existing = active_registration(session, person_id)
        if existing is not None and _in_office_area(ctx, existing.region):
            raise DuplicateRegistrationError(existing.id, existing.number)
        if existing is not None:
            active_elsewhere = existing.number
        changed = _changed_fields(person, payload)
        if changed:
            record(
                session,
                ctx.actor,
                entity_type="person",
                entity_id=person_id,
                kind="person.updated",
                payload=changed,
                clock=ctx.clock,
            )

    deadline = _deadline(ctx, application.applied_on)
    registration_id = str(uuid.uuid4())
    if number is None:
        number = next_registration_number(
            session, ctx.region_code, ctx.counter_number, application.applied_on.year
        )
    else:
        _check_reserved_number(ctx, number, application.applied_on.year)
    record(
        session,
        ctx.actor,
        entity_type="registration",
        entity_id=registration_id,
        kind="registration.applied",
        payload={
            "person_id": person_id,
            "number": number,
            "region": ctx.region_code,
            "counter_id": ctx.actor.counter_id,
            "channel": application.channel,
            "registration_place": application.registration_place,
            "applied_on": application.applied_on.isoformat(),
            "due_on": deadline.due.isoformat(),
            "due_provisional": deadline.provisional,
            "unemployed_since": application.unemployed_since.isoformat()
            if application.unemployed_since
            else None,
            "unemployment_cause": application.unemployment_cause,
            "difficulty_categories": list(application.difficulty_categories),
            "residence_urban": details.residence_urban,
            **({"active_elsewhere": active_elsewhere} if active_elsewhere else {}),
            **dict(application.extra),
            **_delegation_fields(ctx.actor),
        },
        clock=ctx.clock,
    )
    warnings = result.warnings
    if active_elsewhere is not None:
        warnings += (
            f"该人员在本机构辖区外另有有效失业登记（登记编号 {active_elsewhere}），请核实",
        )
    return AppliedRegistration(registration_id, person_id, number, deadline, warnings)


def reserve_registration_number(session: Session, ctx: CounterContext, on: date) -> str:
    """Take the next registration number now, for an application accepted later with it (the
    commitment letter printed before acceptance carries its barcode). A number reserved and
    never used leaves a gap in the sequence, never a duplicate."""
    return next_registration_number(session, ctx.region_code, ctx.counter_number, on.year)


def _check_reserved_number(ctx: CounterContext, number: str, year: int) -> None:
    prefix = f"{ctx.region_code}{ctx.counter_number:03d}{year}"
    sequence = number[len(prefix) :]
    if not number.startswith(prefix) or len(sequence) != 5 or not sequence.isdigit():
        raise InvalidApplicationError(f"登记编号 {number} 不是本窗口{year}年预留的编号")


def _in_office_area(ctx: CounterContext, region: str | None) -> bool:
    """Whether a registration made in `region` belongs to this office's area (county, or a
    prefecture office's counties); a registration without a region counts as local."""
    if not region:
        return True
    try:
        return region_contains(ctx.region_code, region)
    except RegionCodeError:
        return region == ctx.region_code


# Deadlines already computed, per calendar: registration_deadline is a pure function of its
# arguments and the calendar (built once, never changed), and a counter asks for the same few
# dates all day long (the demo tens of thousands of times).
_DEADLINES: weakref.WeakKeyDictionary[WorkdayCalendar, dict[tuple[date, int, str], Deadline]] = (
    weakref.WeakKeyDictionary()
)


def _deadline(ctx: CounterContext, applied_on: date) -> Deadline:
    """notice §3: the date by which an application accepted on `applied_on` is settled."""
    known = _DEADLINES.get(ctx.calendar)
    if known is None:
        known = _DEADLINES[ctx.calendar] = {}
    key = (applied_on, ctx.policy.working_days, ctx.region_code)
    deadline = known.get(key)
    if deadline is None:
        deadline = known[key] = registration_deadline(
            applied_on,
            working_days=ctx.policy.working_days,
            calendar=ctx.calendar,
            region_code=ctx.region_code,
        )
    return deadline


def _changed_fields(person: Person, payload: Mapping[str, Any]) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    extra = person.extra or {}
    for key, value in payload.items():
        current = getattr(person, key, extra.get(key))
        if isinstance(current, date):
            current = current.isoformat()
        if current != value:
            changed[key] = value
    return changed


def _delegation_fields(actor: Actor) -> dict[str, Any]:
    """What an application made by a disability agency records about its delegation: the
    agency (central row-level security and the agency's search scope read it) and the
    delegation itself, printed on the agency's documents."""
    if not acting_as_agency(actor, Permission.APPLY) or actor.delegation is None:
        return {}
    delegation = actor.delegation
    return {
        DELEGATED_AGENCY_FIELD: actor.agency_id,
        "delegation": {
            "agency_name": delegation.agency_name,
            "entrusting_department": delegation.entrusting_department,
            "valid_from": delegation.valid_from.isoformat(),
            "valid_until": delegation.valid_until.isoformat(),
            "reference": delegation.reference,
        },
    }


def _authorize_on(
    ctx: CounterContext, permission: Permission, registration: Registration, on: date
) -> None:
    """issue 8: the clerk's roles must allow this step; an agency only on its own delegated
    registrations and within its delegation."""
    authorize(
        ctx.actor,
        permission,
        on=on,
        delegated_agency=(registration.extra or {}).get(DELEGATED_AGENCY_FIELD),
        for_existing_record=True,
    )


def _registration(session: Session, registration_id: str) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise InvalidTransitionError(f"找不到登记记录 {registration_id}")
    return registration


def _require(registration: Registration, allowed: tuple[str, ...], action: str) -> None:
    if registration.status not in allowed:
        labels = {
            "applied": "已受理待核实",
            "verified": "已核实",
            "registered": "已登记",
            "rejected": "不予登记",
            "deregistered": "已注销",
        }
        label = labels.get(registration.status, registration.status)
        raise InvalidTransitionError(
            f"登记 {registration.number} 当前状态为「{label}」，不能{action}"
        )


def _not_before(day: date, earlier: date | None, what: str) -> None:
    if earlier is not None and day < earlier:
        raise InvalidApplicationError(f"{what}日期不能早于受理日期 {earlier.isoformat()}")


def verify(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: date,
    method: str,
    evidence: Mapping[str, Any],
) -> None:
    """核实 (notice §3): by data comparison, or failing that a home visit."""
    registration = _registration(session, registration_id)
    _authorize_on(ctx, Permission.VERIFY, registration, on)
    _require(registration, ("applied",), "核实")
    _not_before(on, registration.applied_on, "核实")
    if method not in ("data_comparison", "home_visit"):
        raise InvalidApplicationError("核实方式应为数据比对或上门核实")
    record(
        session,
        ctx.actor,
        entity_type="registration",
        entity_id=registration_id,
        kind="registration.verified",
        payload={"verified_on": on.isoformat(), "method": method, "evidence": dict(evidence)},
        clock=ctx.clock,
    )


def register(session: Session, ctx: CounterContext, registration_id: str, *, on: date) -> None:
    """登记: the verified application becomes a registration."""
    registration = _registration(session, registration_id)
    _authorize_on(ctx, Permission.REGISTER, registration, on)
    _require(registration, ("verified",), "登记")
    _not_before(on, registration.applied_on, "登记")
    record(
        session,
        ctx.actor,
        entity_type="registration",
        entity_id=registration_id,
        kind="registration.registered",
        payload={"registered_on": on.isoformat()},
        clock=ctx.clock,
    )


def reject(
    session: Session, ctx: CounterContext, registration_id: str, *, on: date, reason: str
) -> None:
    """不予登记, with the reason the person is told."""
    if not reason.strip():
        raise InvalidApplicationError("不予登记须填写原因")
    registration = _registration(session, registration_id)
    _authorize_on(ctx, Permission.REJECT, registration, on)
    _require(registration, ("applied", "verified"), "不予登记")
    _not_before(on, registration.applied_on, "不予登记")
    record(
        session,
        ctx.actor,
        entity_type="registration",
        entity_id=registration_id,
        kind="registration.rejected",
        payload={"rejected_on": on.isoformat(), "reason": reason.strip()},
        clock=ctx.clock,
    )


def deregistration_day_problems(
    registered_on: date | None, on: date, today: date | None = None
) -> list[str]:
    """What is wrong with `on` as the day of a 注销 ([] when nothing): it may not lie ahead of
    `today` (the reason has to have happened: notice §5 注销 situations that 出现), nor before
    the registration it ends."""
    today = today or date.today()
    problems = []
    if on > today:
        problems.append(
            f"注销日期 {on.isoformat()} 晚于今天 {today.isoformat()}，不能预先注销，"
            "请在注销情形发生后办理"
        )
    if registered_on is not None and on < registered_on:
        problems.append(
            f"注销日期不能早于登记日期 {registered_on.isoformat()}（填写的是 {on.isoformat()}）"
        )
    return problems


def deregister(
    session: Session,
    ctx: CounterContext,
    registration_id: str,
    *,
    on: date,
    reason: str,
    note: str = "",
    today: date | None = None,
) -> None:
    """注销 (notice §5) for one of the reasons the notice lists, dated between the registration
    and `today` (default: the real today)."""
    reasons = code_table("deregistration_reason")
    if reason not in reasons:
        raise InvalidApplicationError(f"注销原因代码「{reason}」无效")
    registration = _registration(session, registration_id)
    # notice §5: a 审核 confirms every deregistration
    _authorize_on(ctx, Permission.CONFIRM_DEREGISTRATION, registration, on)
    _require(registration, ("registered",), "注销")
    day_problems = deregistration_day_problems(registration.registered_on, on, today)
    if day_problems:
        raise InvalidApplicationError("；".join(day_problems))
    record(
        session,
        ctx.actor,
        entity_type="registration",
        entity_id=registration_id,
        kind="deregistration.done",
        payload={"deregistered_on": on.isoformat(), "reason": reason, "note": note},
        clock=ctx.clock,
    )
