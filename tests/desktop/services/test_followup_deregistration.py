"""注销 checks (notice §5): deregistration_problems lists what confirm_deregistration refuses,
dates ahead of today or before the registration are refused, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.followup import ContradictionError
from desktop.domain.roles import Role
from desktop.services import followup as fu
from desktop.services import registration as reg
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.store.models import Registration
from tests.desktop.services.test_followup import REGISTERED_ON, TODAY, _ctx, events, registered

TOMORROW = TODAY + dt.timedelta(days=1)
FUTURE = f"注销日期 {TOMORROW} 晚于今天 {TODAY}，不能预先注销，请在注销情形发生后办理"
EARLY_DAY = REGISTERED_ON - dt.timedelta(days=1)
EARLY = f"注销日期不能早于登记日期 {REGISTERED_ON}（填写的是 {EARLY_DAY}）"


@pytest.fixture
def ctx(store: Store) -> reg.CounterContext:
    """A county clerk who also reviews (the one who confirms 注销)."""
    roles = frozenset({Role.CLERK, Role.REVIEWER})
    return _ctx(store, Actor(clerk_id="clerk01", counter_id="620102-07", roles=roles))


def problems(store: Store, rid: str, reason: str, on: dt.date, **options: object) -> list[str]:
    evidence = str(options.pop("evidence", ""))
    with store.session(write=False) as session:
        return fu.deregistration_problems(session, rid, reason, on, evidence, **options)  # type: ignore[arg-type]


def test_nothing_stands_in_the_way_of_a_sound_deregistration(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    assert problems(store, rid, "21", TODAY, today=TODAY) == []
    assert problems(store, rid, "11", TODAY, evidence="养老保险待遇核定通知书", today=TODAY) == []
    assert events(store, "deregistration.done") == 0


def test_the_record_contradicting_the_reason_is_listed(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    found = problems(store, rid, "11", TODAY, today=TODAY)
    assert len(found) == 1 and "30周岁" in found[0] and "未达法定退休年龄" in found[0]
    assert "未满连续6个月" in problems(store, rid, "38", dt.date(2026, 6, 1), today=TODAY)[0]
    assert problems(store, rid, "00", TODAY, today=TODAY) == ["注销原因代码「00」无效"]
    assert problems(store, rid, "31", TODAY, today=TODAY) == [
        "以「入学」注销须填写依据（证明材料或核实情况）"
    ]


def test_dates_ahead_of_today_or_before_the_registration_are_listed_with_the_rest(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    assert problems(store, rid, "21", TOMORROW, today=TODAY) == [FUTURE]
    assert problems(store, rid, "21", EARLY_DAY, today=TODAY) == [EARLY]
    both = problems(store, rid, "11", TOMORROW, today=TODAY)
    assert both[0] == FUTURE and "未达法定退休年龄" in both[1]


def test_income_that_is_no_amount_is_said_once(store: Store, ctx: reg.CounterContext) -> None:
    rid = registered(store, ctx)
    found = problems(
        store, rid, "23", TODAY, evidence="劳动合同", monthly_income="三千", today=TODAY
    )
    assert found == ["月收入「三千」不是有效的金额"]
    missing = problems(store, rid, "23", TODAY, evidence="劳动合同", today=TODAY)
    assert any("须填写月收入" in problem for problem in missing)


def test_missing_or_inactive_registrations_are_said_so(
    store: Store, ctx: reg.CounterContext
) -> None:
    assert problems(store, "no-such-registration", "21", TODAY) == [
        "找不到登记记录 no-such-registration"
    ]
    rid = registered(store, ctx)
    with store.session() as session:
        fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="21", today=TODAY)
    found = problems(store, rid, "21", TODAY, today=TODAY)
    assert len(found) == 1 and f"已于 {TODAY} 注销" in found[0]


def test_confirm_refuses_the_same_dates_and_writes_nothing(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    for day, message in ((TOMORROW, FUTURE), (EARLY_DAY, EARLY)):
        with store.session() as session, pytest.raises(fu.FollowupError) as refused:
            fu.confirm_deregistration(session, ctx, rid, on=day, reason="21", today=TODAY)
        assert refused.value.message == message
    with store.session() as session, pytest.raises(ContradictionError) as contradicted:
        fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="11", today=TODAY)
    assert contradicted.value.problems == problems(store, rid, "11", TODAY, today=TODAY)
    assert events(store, "deregistration.done") == 0
    with store.session() as session:
        assert fu.confirm_deregistration(session, ctx, rid, on=TODAY, reason="21", today=TODAY)
        registration = session.get(Registration, rid)
        assert registration is not None and registration.deregistered_on == TODAY


def test_deregister_itself_refuses_a_future_date_and_one_before_the_registration(
    store: Store, ctx: reg.CounterContext
) -> None:
    rid = registered(store, ctx)
    for day, message in ((TOMORROW, FUTURE), (EARLY_DAY, EARLY)):
        with store.session() as session, pytest.raises(reg.InvalidApplicationError) as refused:
            reg.deregister(session, ctx, rid, on=day, reason="21", today=TODAY)
        assert refused.value.message == message
    assert events(store, "deregistration.done") == 0
    # The default today is the real one: a day after it is always refused.
    later = dt.date.today() + dt.timedelta(days=1)
    with store.session() as session, pytest.raises(reg.InvalidApplicationError, match="晚于今天"):
        reg.deregister(session, ctx, rid, on=later, reason="21")
    with store.session() as session:
        reg.deregister(session, ctx, rid, on=TODAY, reason="21", today=TODAY)
    assert events(store, "deregistration.done") == 1
