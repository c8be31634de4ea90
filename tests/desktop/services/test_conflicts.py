"""The conflict review: which registrations clashed, what each counter said, and resolving one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.domain.errors import DomainError
from desktop.services.conflicts import (
    RESOLVED_KIND,
    ConflictError,
    list_conflicts,
    resolve_conflict,
    summarize_payload,
)
from desktop.store.projector import entity_events
from tests.desktop.services.conflict_cases import (
    CLERK,
    COUNTER_A,
    COUNTER_B,
    REVIEWER,
    Conflicted,
    make_conflicts,
)


@pytest.fixture
def conflicted(tmp_path: Path) -> Iterator[Conflicted]:
    made = make_conflicts(tmp_path)
    yield made
    made.store.close()


def test_a_registration_whose_counters_clashed_is_listed_with_what_each_said(
    conflicted: Conflicted,
) -> None:
    with conflicted.store.session(write=False) as session:
        cases = list_conflicts(session, REVIEWER)
    assert [case.registration_id for case in cases] == [conflicted.registration_id]
    case = cases[0]
    assert case.person_name == "王1" and case.status_label == "已登记"
    assert len(case.anomalies) == 2
    assert any("不能不予登记" in text and COUNTER_B in text for text in case.anomalies)
    assert case.counters == (COUNTER_B,)
    kinds = [(event.kind_label, event.counter_id, event.clashed) for event in case.events]
    assert kinds == [
        ("申请受理", COUNTER_A, False),
        ("核实", COUNTER_A, False),
        ("登记", COUNTER_A, False),
        ("不予登记", COUNTER_B, True),
        ("登记", COUNTER_B, True),
    ]
    assert "核实方式：数据比对" in case.events[1].summary  # the code's name, not the code
    rejected = case.events[3]
    assert rejected.summary == "不予登记日期：2025-06-05；原因：已在其他窗口办理就业登记"
    assert rejected.recorded_at.utcoffset() == dt.timedelta(hours=8)  # Beijing time
    assert case.latest_at == case.events[-1].recorded_at


def test_resolving_records_an_event_and_the_case_leaves_the_list(conflicted: Conflicted) -> None:
    store = conflicted.store
    with store.session() as session:
        event = resolve_conflict(
            session, REVIEWER, conflicted.registration_id, " 以1号窗口登记为准 ", store.clock
        )
    assert event.kind == RESOLVED_KIND
    assert event.payload["note"] == "以1号窗口登记为准"
    assert event.payload["counters"] == [COUNTER_B]
    assert event.payload["resolved_by"] == "审核员甲"
    assert len(event.payload["anomalies"]) == 2
    with store.session(write=False) as session:
        assert list_conflicts(session, REVIEWER) == []
        kinds = [row.kind for row in entity_events(session, "registration", event.entity_id)]
        assert kinds[-1] == RESOLVED_KIND  # the clashing events themselves stay


def test_a_new_clash_after_the_resolution_brings_the_case_back(conflicted: Conflicted) -> None:
    from tests.desktop.services.conflict_cases import _from_counter_b

    store = conflicted.store
    with store.session() as session:
        resolve_conflict(session, REVIEWER, conflicted.registration_id, "已核对", store.clock)
    # The same refusal again: the same anomaly text a second time, still a new clash.
    _from_counter_b(
        store, conflicted.registration_id, "registration.rejected", {"rejected_on": "2025-06-05"}
    )
    with store.session(write=False) as session:
        cases = list_conflicts(session, REVIEWER)
    assert [len(case.anomalies) for case in cases] == [1]  # only the new one is open


@pytest.mark.parametrize(
    ("note", "message"),
    [("", "请填写处理意见"), ("   ", "请填写处理意见"), ("长" * 501, "处理意见过长")],
)
def test_a_resolution_needs_a_note_of_sensible_length(
    conflicted: Conflicted, note: str, message: str
) -> None:
    with (
        conflicted.store.session() as session,
        pytest.raises(ConflictError, match=message),
    ):
        resolve_conflict(
            session, REVIEWER, conflicted.registration_id, note, conflicted.store.clock
        )


def test_a_registration_without_open_conflicts_cannot_be_resolved(conflicted: Conflicted) -> None:
    with (
        conflicted.store.session() as session,
        pytest.raises(ConflictError, match="没有待处理的冲突"),
    ):
        resolve_conflict(
            session, REVIEWER, conflicted.quiet_registration_id, "无", conflicted.store.clock
        )
    with (
        conflicted.store.session() as session,
        pytest.raises(ConflictError, match="找不到登记记录"),
    ):
        resolve_conflict(session, REVIEWER, "no-such-id", "无", conflicted.store.clock)


def test_only_a_role_allowed_to_resolve_conflicts_sees_or_resolves_them(
    conflicted: Conflicted,
) -> None:
    with conflicted.store.session() as session:
        with pytest.raises(DomainError, match="处理冲突记录"):
            list_conflicts(session, CLERK)
        with pytest.raises(DomainError, match="处理冲突记录"):
            resolve_conflict(
                session, CLERK, conflicted.registration_id, "越权", conflicted.store.clock
            )


def test_payload_summaries_leave_out_ids_and_shorten_long_values() -> None:
    summary = summarize_payload(
        {"person_id": "x", "reason": "很" * 60, "reached": False, "empty": "", "tier": "A"}
    )
    assert summary == "原因：" + "很" * 39 + "…；联系上：否；分级：A"
