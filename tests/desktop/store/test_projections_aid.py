"""Tests of the serving folds (aid plans, posts, false-info marks) and their projection rows."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from types import SimpleNamespace

from desktop.store.db import Store
from desktop.store.journal import Actor, record
from desktop.store.models import AidPlan, FalseInfoMark, WelfarePost
from desktop.store.projector import PROJECTIONS, fold, refold_entity

PERSON = str(uuid.uuid4())


def _event(kind: str, hlc: str, **payload: object) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, payload=payload, hlc=hlc, clerk_id="c1", id=hlc,
                           wall_time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # fmt: skip


PLAN_EVENTS = [
    _event(
        "aid.staff_assigned",
        "001",
        person_id=PERSON,
        staff_id="zl",
        staff_name="张丽",
        assigned_on="2026-04-01",
    ),
    _event(
        "aid.plan_made",
        "002",
        person_id=PERSON,
        made_on="2026-04-01",
        items=[
            {"item_id": "i1", "title": "职业指导", "steps": [{"step_id": "s1", "title": "指导"}]},
        ],
    ),
    _event("aid.step_done", "003", step_id="s1", done_on="2026-04-10", result="完成"),
    _event("aid.reentered", "004", reentered_on="2026-10-01"),
    _event(
        "aid.plan_made",
        "005",
        items=[
            {"item_id": "i2", "title": "培训", "steps": [{"step_id": "s2", "title": "报名"}]},
        ],
    ),
    _event("aid.step_done", "006", step_id="missing", done_on="2026-10-02"),
]


def test_aid_plan_fold_is_order_independent() -> None:
    expected = fold("aid_plan", PLAN_EVENTS)
    assert expected is not None
    assert expected["round"] == 2 and expected["steps_total"] == 2 and expected["steps_done"] == 1
    assert [item["round"] for item in expected["items"]] == [1, 2]
    assert len(expected["anomalies"]) == 1 and "没有该步骤" in expected["anomalies"][0]
    shuffled = list(PLAN_EVENTS)
    random.Random(7).shuffle(shuffled)
    assert fold("aid_plan", shuffled) == expected


def test_odd_payloads_become_anomalies_not_errors() -> None:
    state = fold("aid_plan", [_event("aid.plan_made", "1", person_id=PERSON, items="garbage")])
    assert state is not None and state["anomalies"] and state["status"] is None
    post = fold("welfare_post", [_event("post.ended", "1", ended_on="2026-01-01")])
    assert post is not None and not PROJECTIONS["welfare_post"].exists(post)


def test_projection_rows_follow_recorded_events(store: Store, actor: Actor) -> None:
    registration_id, post_id = str(uuid.uuid4()), str(uuid.uuid4())
    with store.session() as session:
        for event in PLAN_EVENTS[:3]:
            record(session, actor, entity_type="aid_plan", entity_id=registration_id,
                   kind=event.kind, payload=event.payload, clock=store.clock)  # fmt: skip
        record(session, actor, entity_type="welfare_post", entity_id=post_id, kind="post.placed",
               payload={"registration_id": registration_id, "person_id": PERSON, "post": "保洁",
                        "employer": "环卫所", "start_on": "2026-05-01"},
               clock=store.clock)  # fmt: skip
        record(session, actor, entity_type="false_info", entity_id=registration_id,
               kind="credit.false_info_marked",
               payload={"person_id": PERSON, "marked_on": "2026-06-01", "finding": "隐瞒就业",
                        "evidence": "参保记录"}, clock=store.clock)  # fmt: skip
    with store.session() as session:
        plan = session.get(AidPlan, registration_id)
        assert plan is not None and plan.steps_done == 1 and plan.staff_name == "张丽"
        post = session.get(WelfarePost, post_id)
        assert post is not None and post.start_on == dt.date(2026, 5, 1)
        mark = session.get(FalseInfoMark, registration_id)
        assert mark is not None and mark.marked_by == actor.clerk_id and mark.status == "marked"
        state = refold_entity(session, "aid_plan", registration_id)
        assert state is not None and state["steps_done"] == plan.steps_done
