"""A handful of realistic people recorded through the journal, for UI tests and screenshots."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from desktop.domain.idnumbers import check_digit
from desktop.store.db import Store
from desktop.store.journal import Actor, record

DEMO_ACTOR = Actor(clerk_id="王丽娟", counter_id="demo-counter-01")


def id_number(region: str, birth: dt.date, sequence: int) -> str:
    """A valid 18-digit resident ID number (GB 11643-1999) for the region, birth date, sequence."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + check_digit(body)


@dataclass(frozen=True)
class DemoPerson:
    """One person and how far their registration got (None: a record with no registration)."""

    name: str
    sex: str  # GB/T 2261.1: "1" 男, "2" 女; the ID number's 17th digit agrees
    birth_date: dt.date
    phone: str
    residence_region: str
    outcome: str | None  # applied, verified, registered, rejected, deregistered
    sequence: int

    @property
    def id_number(self) -> str:
        return id_number(self.residence_region, self.birth_date, self.sequence)


DEMO_PEOPLE = (
    DemoPerson("马建国", "1", dt.date(1972, 5, 14), "13893112345", "620102", "registered", 131),
    DemoPerson("马建华", "1", dt.date(1979, 11, 2), "13919087766", "620102", "applied", 215),
    DemoPerson("李秀英", "2", dt.date(1985, 3, 8), "18993104521", "620103", "verified", 322),
    DemoPerson("王芳", "2", dt.date(1993, 7, 21), "13609318870", "620104", "rejected", 48),
    DemoPerson("张伟", "1", dt.date(1988, 1, 30), "15193165432", "620102", "deregistered", 97),
    DemoPerson("赵丽", "2", dt.date(1996, 9, 12), "17709312468", "620105", None, 66),
)

# The events each outcome needs, in order, after registration.applied.
_STEPS = {
    "applied": (),
    "verified": ("registration.verified",),
    "registered": ("registration.verified", "registration.registered", "contact.recorded"),
    "rejected": ("registration.verified", "registration.rejected"),
    "deregistered": (
        "registration.verified",
        "registration.registered",
        "deregistration.done",
    ),
}


def _step_payload(kind: str, applied_on: dt.date) -> dict[str, object]:
    later = applied_on + dt.timedelta(days=3)
    if kind == "registration.verified":
        return {"verified_on": later, "method": "数据比对"}
    if kind == "registration.registered":
        return {"registered_on": later}
    if kind == "registration.rejected":
        return {"rejected_on": later, "reason": "已在本市参加企业职工养老保险并有缴费记录"}
    if kind == "contact.recorded":
        return {"contacted_on": later + dt.timedelta(days=2), "method": "电话", "reached": True}
    if kind == "deregistration.done":
        return {"deregistered_on": later + dt.timedelta(days=40), "reason": "被用人单位录用"}
    raise ValueError(kind)


def record_person(
    store: Store, person: DemoPerson, registration_number: str, actor: Actor = DEMO_ACTOR
) -> str:
    """Record one person (and their registration events) in one transaction; the person id."""
    person_id = str(uuid.uuid4())
    applied_on = dt.date(2025, 9, 1) + dt.timedelta(days=person.sequence % 20)
    with store.session() as session:
        record(
            session,
            actor,
            entity_type="person",
            entity_id=person_id,
            kind="person.recorded",
            payload={
                "doc_type": "01",
                "id_number": person.id_number,
                "name": person.name,
                "sex": person.sex,
                "birth_date": person.birth_date,
                "ethnicity": "01",
                "phone": person.phone,
                "household_region": person.residence_region,
                "residence_region": person.residence_region,
                "residence_address": "甘肃省兰州市",
                "residence_urban": True,
            },
            clock=store.clock,
        )
        if person.outcome is None:
            return person_id
        registration_id = str(uuid.uuid4())
        record(
            session,
            actor,
            entity_type="registration",
            entity_id=registration_id,
            kind="registration.applied",
            payload={
                "person_id": person_id,
                "number": registration_number,
                "region": person.residence_region,
                "counter_id": actor.counter_id,
                "channel": "counter",
                "registration_place": "residence",
                "applied_on": applied_on,
                "due_on": applied_on + dt.timedelta(days=9),
                "unemployed_since": applied_on - dt.timedelta(days=60),
                "unemployment_cause": "2",
            },
            clock=store.clock,
        )
        for kind in _STEPS[person.outcome]:
            record(
                session,
                actor,
                entity_type="registration",
                entity_id=registration_id,
                kind=kind,
                payload=_step_payload(kind, applied_on),
                clock=store.clock,
            )
    return person_id


def record_demo_people(store: Store) -> dict[str, str]:
    """Record DEMO_PEOPLE; their person ids by name."""
    return {
        person.name: record_person(store, person, f"620102-001-{number:06d}")
        for number, person in enumerate(DEMO_PEOPLE, start=1)
    }
