"""The policy / service / agency lists of notice §4(二) in the store: seed, read and maintain.

Each change an administrator makes is also a journal event (kind "reference.changed", entity
type "reference", the row's id as entity id) carrying the whole new row, so the change is
audited like any other and can later be pushed to the central database. The seed from the
CSVs is not a change and records nothing.

Only a 管理员 may change them (desktop/domain/roles.py, checked here, not only on the page).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.errors import DomainError
from desktop.domain.regions import region
from desktop.domain.roles import Permission
from desktop.store.hlc import HybridLogicalClock
from desktop.store.journal import Actor, record
from desktop.store.models import LIST_TEXT_LENGTH, AgencyItem, PolicyItem, ServiceItem
from printing.reference_lists import (
    AgencyRow,
    PolicyRow,
    ServiceRow,
    load_agencies,
    load_policies,
    load_services,
)

EVENT_KIND = "reference.changed"
EVENT_ENTITY_TYPE = "reference"
SEED_AUTHOR = "seed"  # updated_by of rows that come from the shipped CSVs

ReferenceModel = type[PolicyItem] | type[ServiceItem] | type[AgencyItem]
ReferenceRow = PolicyItem | ServiceItem | AgencyItem

_REGION_CODE = re.compile(r"\d{6}")


class ReferenceListError(DomainError):
    """An edit of a reference list was refused; `.message` says why, in Chinese."""


@dataclass(frozen=True)
class ListField:
    """One column of a list: the model attribute, its Chinese header, its longest length."""

    name: str
    label: str
    max_length: int | None = None  # None: Text, unlimited


@dataclass(frozen=True)
class ReferenceListSpec:
    """One of the three lists: its key, Chinese title, table and columns in print order."""

    key: str  # "policy" | "service" | "agency"
    title: str
    model: ReferenceModel
    fields: tuple[ListField, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """The Chinese column headers, in order."""
        return tuple(field.label for field in self.fields)


# Column headers exactly as notice §4(二) names them; the agency list adds its region code.
LIST_SPECS: dict[str, ReferenceListSpec] = {
    "policy": ReferenceListSpec(
        "policy",
        "政策清单",
        PolicyItem,
        (
            ListField("name", "政策名称", LIST_TEXT_LENGTH),
            ListField("beneficiaries", "享受对象"),
            ListField("content", "政策内容"),
            ListField("conditions", "申请条件"),
            ListField("accepting_agency", "受理机构"),
        ),
    ),
    "service": ReferenceListSpec(
        "service",
        "服务清单",
        ServiceItem,
        (
            ListField("item", "服务项目", LIST_TEXT_LENGTH),
            ListField("audience", "服务对象"),
            ListField("content", "服务内容"),
        ),
    ),
    "agency": ReferenceListSpec(
        "agency",
        "公共就业服务机构清单",
        AgencyItem,
        (
            ListField("name", "机构名称", LIST_TEXT_LENGTH),
            ListField("address", "办公地址"),
            ListField("phone", "联系电话", LIST_TEXT_LENGTH),
            ListField("services", "经办项目"),
            ListField("region_code", "行政区划代码", 6),
        ),
    ),
}
LIST_KEYS = tuple(LIST_SPECS)


@dataclass(frozen=True)
class ReferenceEntry:
    """A list row as the screens show it (a plain copy, safe to hand to the GUI thread)."""

    list_key: str
    id: str
    values: Mapping[str, str]  # field name → text
    sort_order: int
    active: bool
    updated_at: dt.datetime
    updated_by: str

    def cells(self) -> tuple[str, ...]:
        """The values in the list's column order."""
        return tuple(self.values[field.name] for field in LIST_SPECS[self.list_key].fields)


def list_spec(list_key: str) -> ReferenceListSpec:
    """The spec of "policy", "service" or "agency" (ReferenceListError for any other)."""
    spec = LIST_SPECS.get(list_key)
    if spec is None:
        raise ReferenceListError(f"没有名为“{list_key}”的清单")
    return spec


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _entry(spec: ReferenceListSpec, row: Any) -> ReferenceEntry:
    return ReferenceEntry(
        list_key=spec.key,
        id=row.id,
        values={field.name: getattr(row, field.name) for field in spec.fields},
        sort_order=row.sort_order,
        active=row.active,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


# --------------------------------------------------------------------------- seed


def _seed_rows(list_key: str) -> list[dict[str, str]]:
    if list_key == "policy":
        return [
            {
                "name": p.name,
                "beneficiaries": p.beneficiaries,
                "content": p.content,
                "conditions": p.conditions,
                "accepting_agency": p.accepting_agency,
            }
            for p in load_policies()
        ]
    if list_key == "service":
        return [
            {"item": s.item, "audience": s.audience, "content": s.content} for s in load_services()
        ]
    return [
        {
            "region_code": a.region_code,
            "name": a.name,
            "address": a.address,
            "phone": a.phone,
            "services": a.services,
        }
        for a in load_agencies()
    ]


def seed_reference_lists(session: Session) -> dict[str, int]:
    """Fill each list that has no row at all from the shipped CSVs; how many rows were added
    per list (0 for a list that already has rows, even if all are deactivated)."""
    added: dict[str, int] = {}
    now = _now()
    for key, spec in LIST_SPECS.items():
        if session.scalar(select(func.count()).select_from(spec.model)):
            added[key] = 0
            continue
        rows = _seed_rows(key)
        for order, values in enumerate(rows, start=1):
            session.add(
                spec.model(
                    id=str(uuid.uuid4()),
                    sort_order=order * 10,  # gaps, so a row can be put between two others
                    active=True,
                    updated_at=now,
                    updated_by=SEED_AUTHOR,
                    **values,
                )
            )
        added[key] = len(rows)
    session.flush()
    return added


# --------------------------------------------------------------------------- reading


def list_entries(
    session: Session, list_key: str, *, include_inactive: bool = False
) -> list[ReferenceEntry]:
    """The rows of a list in print order (active ones only unless asked)."""
    spec = list_spec(list_key)
    model: Any = spec.model
    query = select(model).order_by(model.sort_order, model.id)
    if not include_inactive:
        query = query.where(model.active.is_(True))
    return [_entry(spec, row) for row in session.scalars(query)]


def policy_rows(session: Session) -> list[PolicyRow]:
    """The active policies as the printed 政策清单 takes them."""
    return [PolicyRow(*entry.cells()) for entry in list_entries(session, "policy")]


def service_rows(session: Session) -> list[ServiceRow]:
    """The active services as the printed 服务清单 takes them."""
    return [ServiceRow(*entry.cells()) for entry in list_entries(session, "service")]


def agency_rows(session: Session) -> list[AgencyRow]:
    """Every active agency as the printed 公共就业服务机构清单 takes them."""
    return [
        AgencyRow(
            region_code=entry.values["region_code"],
            name=entry.values["name"],
            address=entry.values["address"],
            phone=entry.values["phone"],
            services=entry.values["services"],
        )
        for entry in list_entries(session, "agency")
    ]


def agencies_near(agencies: Sequence[AgencyRow], region_code: str) -> list[AgencyRow]:
    """The agencies a counter hands out: its county's own first, then its prefecture's (code
    ending in 00); the whole list if none of them is in it, so the worker still gets one."""
    prefecture = region_code[:4] + "00"
    own = [row for row in agencies if row.region_code == region_code]
    city = [row for row in agencies if row.region_code == prefecture and region_code != prefecture]
    return own + city or list(agencies)


# --------------------------------------------------------------------------- editing


def _clean_values(
    spec: ReferenceListSpec, values: Mapping[str, str], *, partial: bool
) -> dict[str, str]:
    unknown = set(values) - {field.name for field in spec.fields}
    if unknown:
        raise ReferenceListError(f"{spec.title}没有这些列：{'、'.join(sorted(unknown))}")
    cleaned: dict[str, str] = {}
    empty: list[str] = []
    for field in spec.fields:
        if field.name not in values:
            if not partial:
                empty.append(field.label)
            continue
        raw = values[field.name]
        text = "" if raw is None else str(raw).strip()
        if not text:
            empty.append(field.label)
            continue
        if field.max_length is not None and len(text) > field.max_length:
            raise ReferenceListError(
                f"{spec.title}的“{field.label}”过长（最多 {field.max_length} 个字）"
            )
        cleaned[field.name] = text
    if empty:
        # The printed list has no blank cells: notice §4(二) asks for every column.
        raise ReferenceListError(f"{spec.title}的“{'、'.join(empty)}”不能为空")
    code = cleaned.get("region_code")
    if code is not None and (not _REGION_CODE.fullmatch(code) or region(code) is None):
        raise ReferenceListError(f"行政区划代码“{code}”不存在，请填写6位县级或市级代码")
    return cleaned


def _row(session: Session, spec: ReferenceListSpec, item_id: str) -> Any:
    row = session.get(spec.model, item_id)
    if row is None:
        raise ReferenceListError(f"{spec.title}中找不到这一行（可能已被他人修改），请刷新")
    return row


def _record_change(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    spec: ReferenceListSpec,
    row: Any,
    action: str,
) -> None:
    entry = _entry(spec, row)
    record(
        session,
        actor,
        entity_type=EVENT_ENTITY_TYPE,
        entity_id=row.id,
        kind=EVENT_KIND,
        payload={
            "list": spec.key,
            "action": action,  # added | updated | deactivated | reactivated
            "values": dict(entry.values),
            "sort_order": entry.sort_order,
            "active": entry.active,
            "note": f"{spec.title}：{entry.values[spec.fields[0].name]}",
        },
        clock=clock,
    )


def add_entry(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    list_key: str,
    values: Mapping[str, str],
) -> ReferenceEntry:
    """Add a row at the end of the list; every column must be filled (管理员 only)."""
    actor.require(Permission.MANAGE_REFERENCE_DATA)
    spec = list_spec(list_key)
    cleaned = _clean_values(spec, values, partial=False)
    model: Any = spec.model
    last = session.scalar(select(func.max(model.sort_order))) or 0
    row = model(
        id=str(uuid.uuid4()),
        sort_order=last + 10,
        active=True,
        updated_at=_now(),
        updated_by=actor.clerk_id,
        **cleaned,
    )
    session.add(row)
    session.flush()
    _record_change(session, actor, clock, spec, row, "added")
    return _entry(spec, row)


def update_entry(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    list_key: str,
    item_id: str,
    values: Mapping[str, str],
    *,
    sort_order: int | None = None,
) -> ReferenceEntry:
    """Change some columns (and/or the position) of a row; nothing changed records nothing
    (管理员 only)."""
    actor.require(Permission.MANAGE_REFERENCE_DATA)
    spec = list_spec(list_key)
    cleaned = _clean_values(spec, values, partial=True)
    row = _row(session, spec, item_id)
    changed = {name: text for name, text in cleaned.items() if getattr(row, name) != text}
    if sort_order is not None and sort_order != row.sort_order:
        row.sort_order = sort_order
        changed["sort_order"] = str(sort_order)
    if not changed:
        return _entry(spec, row)
    for name, text in cleaned.items():
        setattr(row, name, text)
    row.updated_at = _now()
    row.updated_by = actor.clerk_id
    session.flush()
    _record_change(session, actor, clock, spec, row, "updated")
    return _entry(spec, row)


def set_entry_active(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    list_key: str,
    item_id: str,
    active: bool,
) -> ReferenceEntry:
    """Deactivate a row (it is no longer printed) or bring it back; rows are never deleted
    (管理员 only)."""
    actor.require(Permission.MANAGE_REFERENCE_DATA)
    spec = list_spec(list_key)
    row = _row(session, spec, item_id)
    if row.active == active:
        return _entry(spec, row)
    row.active = active
    row.updated_at = _now()
    row.updated_by = actor.clerk_id
    session.flush()
    _record_change(session, actor, clock, spec, row, "reactivated" if active else "deactivated")
    return _entry(spec, row)


def deactivate_entry(
    session: Session, actor: Actor, clock: HybridLogicalClock, list_key: str, item_id: str
) -> ReferenceEntry:
    """Take a row off the printed list (kept in the store, and in the journal)."""
    return set_entry_active(session, actor, clock, list_key, item_id, False)
