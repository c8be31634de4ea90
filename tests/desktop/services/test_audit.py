"""The audit trail: whole records viewed with a reason, exports, and the 审计 page's query."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from desktop.domain.roles import DelegationError, PermissionDeniedError, Role
from desktop.services import accounts
from desktop.services.audit import (
    BEIJING,
    AuditError,
    AuditFilter,
    audit_entries,
    clean_reason,
    export_audit_csv,
    view_full_record,
)
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.store.models import Event
from tests.desktop.services.records import Recorded, apply
from tests.desktop.services.staff import (
    ADMIN,
    CLERK,
    COUNTER,
    STATISTICIAN,
    agency_actor,
    delegation,
)
from tests.desktop.services.staff import fast_password_hashing as fast_password_hashing

INJECTIONS = (
    "' OR '1'='1",
    "'; DROP TABLE journal; --",
    "%",
    "_",
    "\\",
    "马建军\u202e",
    "🙂",
    "\x00",
    "a" * 5000,
)


@pytest.fixture
def recorded(store: Store, actor: Actor) -> Recorded:
    return apply(store, actor)


def audit_kinds(store: Store) -> list[str]:
    with store.session(write=False) as session:
        return list(
            session.scalars(
                select(Event.kind).where(Event.entity_type == "audit").order_by(Event.seq)
            )
        )


# --------------------------------------------------------------------------- whole records


def test_viewing_a_whole_record_is_audited_with_the_reason(
    store: Store, recorded: Recorded
) -> None:
    with store.session() as session:
        full = view_full_record(
            session, CLERK, store.clock, recorded.person_id, reason=" 办理失业登记 "
        )
    assert full.id_number == recorded.id_number and full.phone == "13800000000"
    with store.session(write=False) as session:
        (event,) = session.scalars(select(Event).where(Event.kind == "audit.viewed"))
    assert (event.clerk_id, event.entity_type, event.entity_id) == (
        "clerk01",
        "audit",
        recorded.person_id,
    )
    assert event.payload["reason"] == "办理失业登记"
    assert recorded.id_number not in event.payload["note"]  # the trail itself is masked


@pytest.mark.parametrize("reason", ["", "   ", "\x00\x07"])
def test_no_reason_no_view(store: Store, recorded: Recorded, reason: str) -> None:
    with store.session() as session, pytest.raises(AuditError, match="请填写查看或导出的事由"):
        view_full_record(session, CLERK, store.clock, recorded.person_id, reason=reason)
    assert audit_kinds(store) == []


@pytest.mark.parametrize("reason", INJECTIONS[:-2])
def test_wild_reasons_are_stored_as_text(store: Store, recorded: Recorded, reason: str) -> None:
    with store.session() as session:
        view_full_record(session, CLERK, store.clock, recorded.person_id, reason=reason)
    with store.session(write=False) as session:
        (event,) = session.scalars(select(Event).where(Event.kind == "audit.viewed"))
    assert event.payload["reason"] == clean_reason(reason)
    assert audit_kinds(store) == ["audit.viewed"]  # the journal is still there


def test_a_too_long_reason_is_refused(store: Store, recorded: Recorded) -> None:
    with store.session() as session, pytest.raises(AuditError, match="不能超过200个字"):
        view_full_record(session, CLERK, store.clock, recorded.person_id, reason="a" * 201)


def test_a_statistician_may_not_see_whole_records(store: Store, recorded: Recorded) -> None:
    with store.session() as session, pytest.raises(PermissionDeniedError, match="完整证件号码"):
        view_full_record(session, STATISTICIAN, store.clock, recorded.person_id, reason="统计")
    assert audit_kinds(store) == []


def test_an_agency_sees_whole_records_of_its_own_people_only(
    store: Store, recorded: Recorded
) -> None:
    with store.session() as session, pytest.raises(DelegationError):
        view_full_record(
            session, agency_actor(delegation()), store.clock, recorded.person_id, reason="服务"
        )


def test_an_unknown_person_is_reported(store: Store) -> None:
    with store.session() as session, pytest.raises(AuditError, match="找不到该人员档案"):
        view_full_record(
            session, CLERK, store.clock, "00000000-0000-4000-8000-000000000000", reason="核实"
        )


# --------------------------------------------------------------------------- the audit page


@pytest.fixture
def trail(store: Store, recorded: Recorded) -> Store:
    """Views, a print, sign-ins and a failed one, by two clerks."""
    with store.session() as session:
        view_full_record(session, CLERK, store.clock, recorded.person_id, reason="办理失业登记")
        view_full_record(
            session,
            Actor("clerk02", COUNTER, roles=frozenset({Role.CLERK})),
            store.clock,
            recorded.person_id,
            reason="回访联系",
        )
        accounts.create_account(
            session,
            ADMIN,
            store.clock,
            username="zhangli",
            display_name="张丽",
            password="Lanzhou#2025",
            roles=[Role.CLERK],
        )
    accounts.sign_in(store, "zhangli", "Lanzhou#2025", counter_id=COUNTER)
    with pytest.raises(accounts.WrongCredentialsError):
        accounts.sign_in(store, "zhangli", "wrong", counter_id=COUNTER)
    return store


def kinds_of(entries: list) -> list[str]:  # type: ignore[type-arg]
    return [entry.kind for entry in entries]


def test_only_an_administrator_reads_the_trail(trail: Store) -> None:
    with trail.session(write=False) as session:
        for who in (CLERK, STATISTICIAN):
            with pytest.raises(PermissionDeniedError, match="无权查看审计记录"):
                audit_entries(session, who)
        entries = audit_entries(session, ADMIN)
    assert kinds_of(entries) == [
        "audit.sign_in_failed",
        "audit.signed_in",
        "account.created",
        "audit.viewed",
        "audit.viewed",
    ]
    viewed = entries[-1]
    assert viewed.clerk_id == "clerk01" and viewed.kind_label == "查看完整信息"
    assert viewed.person_name == "马晓燕"
    assert viewed.person_id_masked.startswith("6201") and "*" in viewed.person_id_masked
    assert "连续第 1 次输错密码" in entries[0].detail


def test_filters_by_clerk_category_person_and_dates(trail: Store, recorded: Recorded) -> None:
    today = dt.datetime.now(BEIJING).date()  # the 审计 page's days are Gansu's
    with trail.session(write=False) as session:

        def query(**wanted: object) -> list[str]:
            return kinds_of(audit_entries(session, ADMIN, AuditFilter(**wanted)))  # type: ignore[arg-type]

        assert query(clerk="CLERK02") == ["audit.viewed"]
        assert query(category="sign_in") == ["audit.sign_in_failed", "audit.signed_in"]
        assert query(category="viewed", person="马晓燕") == ["audit.viewed", "audit.viewed"]
        assert query(category="business", person=recorded.id_number) == [
            "registration.registered",
            "registration.verified",
            "registration.applied",
            "person.recorded",
        ]
        assert query(person="无此人") == []
        assert len(query(since=today, until=today)) == 5
        assert query(until=today - dt.timedelta(days=1)) == []
        assert query(since=today + dt.timedelta(days=1)) == []
        with pytest.raises(AuditError, match="未知的审计类别"):
            query(category="nonsense")


@pytest.mark.parametrize("text", INJECTIONS)
def test_wild_input_in_the_filters_finds_nothing_and_breaks_nothing(
    trail: Store, text: str
) -> None:
    with trail.session(write=False) as session:
        assert audit_entries(session, ADMIN, AuditFilter(clerk=text, person=text)) == []
        assert len(audit_entries(session, ADMIN)) == 5


def test_an_administrator_exports_the_trail_and_the_export_is_audited(trail: Store) -> None:
    with trail.session() as session:
        text, rows = export_audit_csv(
            session,
            ADMIN,
            trail.clock,
            AuditFilter(category="viewed"),
            reason="季度审计",
            file_name="审计.csv",
        )
    assert rows == 2
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["序号", "时间", "经办人", "窗口", "操作", "对象", "证件号码", "详情"]
    assert [row[2] for row in table[1:]] == ["clerk02", "clerk01"]
    assert all("*" in row[6] for row in table[1:])  # masked in the export too
    with trail.session(write=False) as session:
        exported = session.scalars(select(Event).where(Event.kind == "audit.exported")).one()
    assert exported.payload["rows"] == 2 and exported.payload["reason"] == "季度审计"


def test_a_statistician_may_not_export_the_audit_trail(trail: Store) -> None:
    with trail.session() as session, pytest.raises(PermissionDeniedError, match="导出审计记录"):
        export_audit_csv(session, STATISTICIAN, trail.clock, None, reason="查看")
    assert "audit.exported" not in audit_kinds(trail)


def test_spreadsheet_formulas_in_the_trail_are_defused(store: Store, recorded: Recorded) -> None:
    with store.session() as session:
        view_full_record(
            session, CLERK, store.clock, recorded.person_id, reason='=HYPERLINK("http://x")'
        )
        text, _rows = export_audit_csv(session, ADMIN, store.clock, None, reason="审计")
    detail = list(csv.reader(io.StringIO(text)))[1][7]
    assert not detail.startswith("=")
