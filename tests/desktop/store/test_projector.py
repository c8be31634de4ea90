"""Tests of the pure folds: person and registration state from events."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop.store.projector import fold_person, fold_registration
from tests.desktop.store.factories import FakeEvent, hlc_at

PERSON_ID = "7f1c1f5e-8d2b-4a59-9f3e-2b8f3f1d2c10"


def applied(millis: int = 1_000, **overrides: object) -> FakeEvent:
    payload = {
        "person_id": PERSON_ID,
        "number": "620102-00000001",
        "region": "620102",
        "counter_id": "620102-01",
        "channel": "counter",
        "registration_place": "household",
        "applied_on": "2025-09-30",
        "due_on": "2025-10-16",
        "due_provisional": False,
        "unemployed_since": "2025-06-01",
        "unemployment_cause": "2",
        "difficulty_categories": ["大龄"],
        "claims_insurance": True,
    }
    payload.update(overrides)
    return FakeEvent("registration.applied", payload, hlc_at(millis))


def test_person_recorded_then_updated() -> None:
    events = [
        FakeEvent(
            "person.recorded",
            {
                "doc_type": "01",
                "id_number": " 62010219800101001x ",
                "name": "张三",
                "birth_date": "1980-01-01",
                "residence_urban": True,
                "job_intention": "焊工",
            },
            hlc_at(1_000),
        ),
        FakeEvent("person.updated", {"phone": "13900000001", "name": "张叁"}, hlc_at(2_000)),
    ]
    state = fold_person(events)
    assert state["id_number"] == "62010219800101001X"  # GB 11643: upper-case X
    assert state["name"] == "张叁"
    assert state["phone"] == "13900000001"
    assert state["birth_date"] == dt.date(1980, 1, 1)
    assert state["residence_urban"] is True
    assert state["extra"] == {"job_intention": "焊工"}
    assert state["created_hlc"] == hlc_at(1_000)
    assert state["last_hlc"] == hlc_at(2_000)


def test_person_update_before_record_does_not_create_a_person() -> None:
    state = fold_person([FakeEvent("person.updated", {"phone": "139"}, hlc_at(5))])
    assert state["created_hlc"] is None


def test_person_unreadable_value_is_kept_in_extra() -> None:
    state = fold_person(
        [
            FakeEvent(
                "person.recorded",
                {"doc_type": "01", "id_number": "1", "name": "李四", "birth_date": "1980-02-30"},
                hlc_at(1),
            )
        ]
    )
    assert state["birth_date"] is None
    assert state["extra"]["unreadable_fields"] == {"birth_date": "1980-02-30"}


def test_registration_lifecycle() -> None:
    events = [
        applied(1_000),
        FakeEvent("commitment.printed", {}, hlc_at(1_100)),
        FakeEvent("commitment.signed", {}, hlc_at(1_200)),
        FakeEvent(
            "registration.verified",
            {"verified_on": "2025-10-09", "method": "数据比对", "evidence": {"db": "社保"}},
            hlc_at(2_000),
        ),
        FakeEvent("registration.registered", {"registered_on": "2025-10-09"}, hlc_at(3_000)),
        FakeEvent("contact.recorded", {"contacted_on": "2025-11-01"}, hlc_at(4_000)),
        FakeEvent(
            "contact.recorded", {"contacted_on": "2025-12-01", "reached": False}, hlc_at(4_500)
        ),
        FakeEvent("aidplan.set", {"tier": "重点"}, hlc_at(4_600)),
        FakeEvent("followup.visited", {"note": "入户"}, hlc_at(4_700)),
        FakeEvent(
            "deregistration.done",
            {"deregistered_on": "2026-01-05", "reason": "已就业"},
            hlc_at(5_000),
        ),
    ]
    state = fold_registration(events)
    assert state["status"] == "deregistered"
    assert state["number"] == "620102-00000001"
    assert state["applied_on"] == dt.date(2025, 9, 30)
    assert state["due_on"] == dt.date(2025, 10, 16)
    assert state["verified_on"] == dt.date(2025, 10, 9)
    assert state["verification_method"] == "数据比对"
    assert state["registered_on"] == dt.date(2025, 10, 9)
    assert state["deregistered_on"] == dt.date(2026, 1, 5)
    assert state["deregistration_reason"] == "已就业"
    assert state["commitment_printed"] and state["commitment_signed"]
    # notice §5(三): a failed attempt is not contact.
    assert state["last_contact_on"] == dt.date(2025, 11, 1)
    assert state["tier"] == "重点"
    assert state["difficulty_categories"] == ["大龄"]
    assert state["extra"]["claims_insurance"] is True
    assert state["extra"]["verification_evidence"] == {"db": "社保"}
    assert state["anomalies"] == []
    assert state["last_hlc"] == hlc_at(5_000)


def test_service_after_deregistration_is_kept_and_flagged() -> None:
    events = [
        applied(1_000),
        FakeEvent("registration.registered", {"registered_on": "2025-10-09"}, hlc_at(2_000)),
        FakeEvent(
            "deregistration.done",
            {"deregistered_on": "2026-01-05", "reason": "已就业"},
            hlc_at(3_000, node="counterA"),
            counter_id="620102-01",
        ),
        FakeEvent(
            "service.recorded",
            {"served_on": "2026-01-06", "service": "职业介绍"},
            hlc_at(3_500, node="counterB"),
            clerk_id="clerk07",
            counter_id="620102-02",
        ),
    ]
    state = fold_registration(events)
    assert state["status"] == "deregistered"
    assert state["last_contact_on"] == dt.date(2026, 1, 6)
    assert len(state["anomalies"]) == 1
    assert "注销" in state["anomalies"][0] and "服务" in state["anomalies"][0]
    assert "clerk07" in state["anomalies"][0] and "620102-02" in state["anomalies"][0]


def test_service_before_deregistration_is_not_an_anomaly() -> None:
    events = [
        applied(1_000),
        FakeEvent("registration.registered", {"registered_on": "2025-10-09"}, hlc_at(2_000)),
        FakeEvent("service.recorded", {"served_on": "2026-01-04"}, hlc_at(2_500, node="b")),
        FakeEvent("deregistration.done", {"deregistered_on": "2026-01-05"}, hlc_at(3_000)),
    ]
    assert fold_registration(events)["anomalies"] == []


def test_second_deregistration_is_flagged_and_keeps_the_first() -> None:
    events = [
        applied(1_000),
        FakeEvent("registration.registered", {"registered_on": "2025-10-09"}, hlc_at(2_000)),
        FakeEvent(
            "deregistration.done",
            {"deregistered_on": "2026-01-05", "reason": "已就业"},
            hlc_at(3_000),
        ),
        FakeEvent(
            "deregistration.done",
            {"deregistered_on": "2026-02-01", "reason": "入学"},
            hlc_at(4_000, node="b"),
        ),
    ]
    state = fold_registration(events)
    assert state["deregistered_on"] == dt.date(2026, 1, 5)
    assert state["deregistration_reason"] == "已就业"
    assert len(state["anomalies"]) == 1 and "重复注销" in state["anomalies"][0]


def test_registering_a_rejected_application_is_flagged() -> None:
    events = [
        applied(1_000),
        FakeEvent(
            "registration.rejected",
            {"rejected_on": "2025-10-02", "reason": "已就业"},
            hlc_at(2_000),
        ),
        FakeEvent(
            "registration.registered", {"registered_on": "2025-10-03"}, hlc_at(3_000, node="b")
        ),
    ]
    state = fold_registration(events)
    assert state["status"] == "rejected"
    assert state["registered_on"] is None
    assert state["rejection_reason"] == "已就业"
    assert len(state["anomalies"]) == 1 and "不予登记" in state["anomalies"][0]


def test_events_without_application_leave_no_registration() -> None:
    state = fold_registration([FakeEvent("registration.verified", {}, hlc_at(1))])
    assert state["status"] is None
    assert state["anomalies"] and "尚无申请受理记录" in state["anomalies"][0]


def test_unknown_kind_is_ignored_by_the_fold() -> None:
    with_unknown = [applied(1_000), FakeEvent("training.enrolled", {"x": 1}, hlc_at(2_000))]
    state = fold_registration(with_unknown)
    assert state["status"] == "applied"
    assert state["anomalies"] == []


def test_unreadable_date_in_an_event_from_sync_becomes_an_anomaly() -> None:
    state = fold_registration([applied(1_000, applied_on="2025-02-30")])
    assert state["applied_on"] is None
    assert state["status"] == "applied"
    assert "applied_on" in state["anomalies"][0]


_REGISTRATION_STEPS = st.sampled_from(
    [
        ("registration.verified", {"verified_on": "2025-10-01", "method": "比对"}),
        ("registration.registered", {"registered_on": "2025-10-02"}),
        ("registration.rejected", {"rejected_on": "2025-10-02", "reason": "不符合"}),
        ("deregistration.done", {"deregistered_on": "2025-12-01", "reason": "就业"}),
        ("contact.recorded", {"contacted_on": "2025-11-01"}),
        ("service.recorded", {"served_on": "2025-11-02"}),
        ("commitment.signed", {}),
        ("aidplan.set", {"tier": "一般"}),
        ("something.new", {"a": 1}),
    ]
)


@given(
    st.lists(st.tuples(_REGISTRATION_STEPS, st.sampled_from(["a", "b", "c"])), max_size=12),
    st.randoms(use_true_random=False),
)
def test_fold_is_independent_of_arrival_order(
    steps: list[tuple[tuple[str, dict[str, str]], str]], shuffler: object
) -> None:
    events = [applied(1_000)]
    for position, ((kind, payload), node) in enumerate(steps):
        events.append(FakeEvent(kind, payload, hlc_at(2_000 + position // 2, position, node)))
    shuffled = list(events)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    assert fold_registration(shuffled) == fold_registration(events)
