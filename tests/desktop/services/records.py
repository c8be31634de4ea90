"""Registrations made through the registration use cases, for the document and UI tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.services import registration as reg
from desktop.store.db import Store
from desktop.store.journal import Actor
from tests.desktop.services.conftest import counter_context, resident_id


@dataclass(frozen=True)
class Recorded:
    person_id: str
    registration_id: str
    number: str
    id_number: str


def apply(
    store: Store,
    actor: Actor,
    *,
    sequence: int = 28,
    extra: dict[str, object] | None = None,
    steps: tuple[str, ...] = ("verify", "register"),
    reason: str = "21",
    note: str = "",
) -> Recorded:
    """A 马晓燕 of 城关区 through the registration use cases, as far as `steps` go."""
    ctx = counter_context(store, actor)
    id_number = resident_id("19880615", sequence)
    details = reg.PersonDetails(
        id_number=id_number,
        name="马晓燕",
        phone="13800000000",
        household_region="620102",
        residence_region="620102",
        residence_urban=True,
        ethnicity="03",
        household_address="甘肃省兰州市城关区示例街道示例社区1号",
        residence_address="示例街道示例社区2号",
        hukou_type="10",
        education="31",
        health="1",
        political_status="13",
        marital_status="20",
    )
    application = reg.Application(
        person=details,
        applied_on=dt.date(2025, 9, 1),
        registration_place="household",
        unemployment_cause="02",
        unemployed_since=dt.date(2025, 6, 30),
        difficulty_categories=("05",),
        extra=extra or {"job_wish": "会计", "training_wish": True, "skill_level": "4"},
    )
    with store.session() as session:
        applied = reg.apply_for_registration(session, ctx, application)
        if "verify" in steps:
            reg.verify(
                session,
                ctx,
                applied.registration_id,
                on=dt.date(2025, 9, 2),
                method="data_comparison",
                evidence={},
            )
        if "register" in steps:
            reg.register(session, ctx, applied.registration_id, on=dt.date(2025, 9, 3))
        if "deregister" in steps:
            reg.deregister(
                session,
                ctx,
                applied.registration_id,
                on=dt.date(2025, 10, 8),
                reason=reason,
                note=note,
            )
    return Recorded(applied.person_id, applied.registration_id, applied.number, id_number)
