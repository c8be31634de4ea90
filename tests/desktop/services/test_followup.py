"""Tests of the follow-up use cases: contacts, services, refusals, tiers, sweep, 注销."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from desktop.domain.followup import ContactStatus, ContradictionError
from desktop.domain.idnumbers import check_digit
from desktop.domain.roles import PermissionDeniedError, Role
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import followup as fu
from desktop.services import registration as reg
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.store.models import Event, Registration
from tests.desktop.services.staff import CLERK, REVIEWER

COUNTY = "620102"
TODAY = dt.date(2026, 11, 26)
REGISTERED_ON = dt.date(2026, 3, 2)


def _ctx(store: Store, actor: Actor) -> reg.CounterContext:
    return reg.CounterContext(
        actor=actor, clock=store.clock, region_code=COUNTY, counter_number=7,
        calendar=WorkdayCalendar(),
    )  # fmt: skip


@pytest.fixture
def ctx(store: Store) -> reg.CounterContext:
    both = Actor(
        clerk_id="clerk01", counter_id="620102-07", roles=frozenset({Role.CLERK, Role.REVIEWER})
    )
    return _ctx(store, both)


def registered(
    store: Store,
    ctx: reg.CounterContext,
    birth: dt.date = dt.date(1996, 5, 17),
    serial: int = 11,
    on: dt.date = REGISTERED_ON,
    **changes: object,
) -> str:
    body = f"{COUNTY}{birth:%Y%m%d}{serial:03d}"
    person = reg.PersonDetails(
        id_number=body + check_digit(body), name="马建军", phone="13912345678",
        household_region=COUNTY, residence_region=COUNTY, residence_urban=True,
        ethnicity="03", education="31", health="1",
    )  # fmt: skip
    application = replace(
        reg.Application(
            person=person, applied_on=on, registration_place="household",
            unemployment_cause="02", unemployed_since=on - dt.timedelta(days=20),
        ),
        **changes,
    )  # fmt: skip
    with store.session() as session:
        applied = reg.apply_for_registration(session, ctx, application)
        reg.verify(session, ctx, applied.registration_id, on=on, method="data_comparison",
                   evidence={"公安人口库": "一致"})  # fmt: skip
        reg.register(session, ctx, applied.registration_id, on=on)
    return applied.registration_id


def events(store: Store, kind: str) -> int:
    with store.session(write=False) as session:
        query = select(func.count()).select_from(Event).where(Event.kind == kind)
        return int(session.scalar(query) or 0)


def test_contact_updates_last_contact_and_future_dates_are_refused(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    with store.session() as session:
        fu.record_contact(session, ctx, rid, on=dt.date(2026, 11, 3), method="phone",
                          reached=True, today=TODAY)  # fmt: skip
        fu.record_contact(session, ctx, rid, on=dt.date(2026, 11, 20), method="sms",
                          reached=False, today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(fu.FollowupError, match="晚于今天"):
        fu.record_contact(session, ctx, rid, on=dt.date(2026, 11, 27), method="phone",
                          reached=True, today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(fu.FollowupError, match="联系方式"):
        fu.record_contact(session, ctx, rid, on=TODAY, method="pigeon", reached=True, today=TODAY)
    with store.session(write=False) as session:
        registration = session.get(Registration, rid)
        assert registration is not None
        assert registration.last_contact_on == dt.date(2026, 11, 3)  # the SMS did not reach
    assert events(store, "contact.recorded") == 2


def test_service_kinds_and_service_after_deregistration_is_refused(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    with store.session() as session:
        fu.record_service(session, ctx, rid, on=dt.date(2026, 4, 1), kind="job_referral",
                          content="推荐兰州某物流公司仓管岗位", result="待面试",
                          details={"employer": "兰州某物流公司"}, today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(fu.FollowupError, match="服务类别"):
        fu.record_service(session, ctx, rid, on=TODAY, kind="massage", content="x", today=TODAY)
    with store.session() as session, pytest.raises(fu.FollowupError, match="服务内容"):
        fu.record_service(session, ctx, rid, on=TODAY, kind="job_referral", content=" ",
                          today=TODAY)  # fmt: skip
    with store.session() as session:
        assert fu.confirm_deregistration(session, ctx, rid, on=dt.date(2026, 5, 1), reason="21")
    with store.session() as session, pytest.raises(fu.FollowupError, match="已于 2026-05-01 注销"):
        fu.record_service(session, ctx, rid, on=TODAY, kind="job_referral", content="岗位",
                          today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(fu.FollowupError, match="注销"):
        fu.record_contact(session, ctx, rid, on=TODAY, method="phone", reached=True, today=TODAY)
    assert events(store, "service.recorded") == 1


def test_roles_clerk_records_reviewer_confirms(store: Store, ctx: reg.CounterContext) -> None:
    rid = registered(store, ctx)
    clerk, reviewer = _ctx(store, CLERK), _ctx(store, REVIEWER)
    with store.session() as session, pytest.raises(PermissionDeniedError):
        fu.record_service(session, reviewer, rid, on=TODAY, kind="job_referral", content="岗位",
                          today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(PermissionDeniedError):
        fu.confirm_deregistration(session, clerk, rid, on=TODAY, reason="21")
    with store.session() as session:
        fu.record_service(session, clerk, rid, on=TODAY, kind="policy_consultation",
                          content="介绍社保补贴政策", today=TODAY)  # fmt: skip
        assert fu.confirm_deregistration(session, reviewer, rid, on=TODAY, reason="21")


def test_three_refusals_are_proposed_and_confirmable(store: Store, ctx: reg.CounterContext) -> None:
    rid = registered(store, ctx)
    with store.session() as session:
        for day in (dt.date(2026, 9, 1), dt.date(2026, 10, 1)):
            fu.record_refusal(session, ctx, rid, on=day, service_kind="job_referral",
                              valid_reason=False, today=TODAY)  # fmt: skip
    with store.session() as session, pytest.raises(ContradictionError, match="仅2次"):
        fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="37")
    with store.session() as session, pytest.raises(fu.FollowupError, match="须填写理由"):
        fu.record_refusal(session, ctx, rid, on=TODAY, service_kind="job_referral",
                          valid_reason=True, today=TODAY)  # fmt: skip
    with store.session() as session:
        fu.record_refusal(session, ctx, rid, on=dt.date(2026, 11, 2),
                          service_kind="training_recommendation", valid_reason=False,
                          today=TODAY)  # fmt: skip
        proposals = fu.deregistration_sweep(session, COUNTY, TODAY)
        assert [(p.registration_id, p.reason) for p in proposals] == [(rid, "37")]
        assert "2026-09-01、2026-10-01、2026-11-02" in proposals[0].evidence
        registration = session.get(Registration, rid)
        assert registration is not None and registration.last_contact_on == dt.date(2026, 11, 2)
    with store.session() as session:
        assert fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="37") is True
    with store.session(write=False) as session:
        registration = session.get(Registration, rid)
        assert registration is not None and registration.status == "deregistered"
        assert registration.deregistration_reason == "37"


def test_pension_for_a_30_year_old_is_refused_and_nothing_is_written(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    before = events(store, "deregistration.done")
    with store.session() as session, pytest.raises(ContradictionError, match="30周岁"):
        fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="11")
    assert events(store, "deregistration.done") == before
    with store.session() as session:
        # lost contact: no notice is sent (notice §5)
        assert fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="38") is False


def test_monthly_due_list_and_sweep_over_several_people(
    store: Store, ctx: reg.CounterContext
) -> None:
    contacted = registered(store, ctx, serial=11)
    due = registered(store, ctx, serial=21)
    overdue = registered(store, ctx, serial=31)
    new = registered(store, ctx, serial=41, on=dt.date(2026, 11, 2))
    with store.session() as session:
        fu.record_contact(session, ctx, contacted, on=dt.date(2026, 11, 5), method="phone",
                          reached=True, today=TODAY)  # fmt: skip
        fu.record_contact(session, ctx, due, on=dt.date(2026, 10, 5), method="phone",
                          reached=True, today=TODAY)  # fmt: skip
        fu.record_contact(session, ctx, overdue, on=dt.date(2026, 9, 5), method="phone",
                          reached=True, today=TODAY)  # fmt: skip
    with store.session(write=False) as session:
        rows = fu.monthly_due_list(session, COUNTY, TODAY)
        assert [(row.registration_id, row.status) for row in rows] == [
            (overdue, ContactStatus.OVERDUE),
            (due, ContactStatus.DUE),
        ]
        assert new not in {row.registration_id for row in rows}
        assert rows[1].last_contact_on == dt.date(2026, 10, 5)
        assert rows[0].registered_on == REGISTERED_ON
        assert set(fu.person_names(session, [row.person_id for row in rows]).values()) == {"马建军"}
        assert fu.monthly_due_list(session, "620103", TODAY) == []
        # 2026-09-05 + 6 months is 2027-03-05: lost contact proposed from then on
        assert fu.deregistration_sweep(session, COUNTY, TODAY) == []
        proposals = fu.deregistration_sweep(session, COUNTY, dt.date(2027, 3, 5))
        assert {(p.registration_id, p.reason) for p in proposals} == {(overdue, "38")}


def test_tier_from_rules_and_override_needs_a_reason(store: Store, ctx: reg.CounterContext) -> None:
    rid = registered(store, ctx, birth=dt.date(1980, 2, 3), difficulty_categories=("05",))
    with store.session() as session:
        decision = fu.set_tier(session, ctx, rid, on=TODAY)
        assert decision.tier == "aid"
        assert "就业困难人员：享受城乡最低生活保障人员" in decision.reasons
    with store.session() as session, pytest.raises(fu.FollowupError, match="须填写理由"):
        fu.set_tier(session, ctx, rid, on=TODAY, tier="general")
    with store.session() as session, pytest.raises(fu.FollowupError, match="服务等级"):
        fu.set_tier(session, ctx, rid, on=TODAY, tier="vip", override_reason="x")
    with store.session() as session:
        fu.set_tier(session, ctx, rid, on=TODAY, tier="key", override_reason="本人已有就业意向单位")
    with store.session(write=False) as session:
        registration = session.get(Registration, rid)
        assert registration is not None and registration.tier == "key"
        payload = session.scalars(
            select(Event.payload).where(Event.kind == "aidplan.set").order_by(Event.seq.desc())
        ).first()
        assert payload is not None
        assert payload["override_reason"] == "本人已有就业意向单位"
        assert payload["suggested_tier"] == "aid"
