"""Folds of the serving entities (issue 6): aid plans, public-welfare posts, false-info marks.

Each entity type has an initial state, a pure step (state, event) -> new state, its state keys
and when its row exists; desktop/store/projector.py puts them in its PROJECTIONS table, so they
are projected in the same transaction as the journal insert, re-folded on out-of-order sync and
by the repair tool exactly like persons and registrations. Like those folds, a step never
raises on an odd payload (events arrive from other counters): it notes an anomaly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from desktop.store.models import AidPlan, FalseInfoMark, WelfarePost

State = dict[str, Any]

AID_PLAN = "aid_plan"
WELFARE_POST = "welfare_post"
FALSE_INFO = "false_info"

# Event kinds, by entity type.
AID_STAFF_ASSIGNED = "aid.staff_assigned"
AID_PLAN_MADE = "aid.plan_made"
AID_STEP_DONE = "aid.step_done"
AID_REENTERED = "aid.reentered"
AID_CLOSED = "aid.closed"
POST_PLACED = "post.placed"
POST_ENDED = "post.ended"
FALSE_INFO_MARKED = "credit.false_info_marked"
FALSE_INFO_WITHDRAWN = "credit.false_info_withdrawn"

KIND_LABELS: dict[str, str] = {
    AID_STAFF_ASSIGNED: "指定援助责任人",
    AID_PLAN_MADE: "制定就业援助计划",
    AID_STEP_DONE: "完成援助步骤",
    AID_REENTERED: "重新纳入援助计划",
    AID_CLOSED: "结束就业援助",
    POST_PLACED: "公益性岗位安置",
    POST_ENDED: "公益性岗位退出",
    FALSE_INFO_MARKED: "虚假信息标记",
    FALSE_INFO_WITHDRAWN: "撤销虚假信息标记",
}


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value).strip()


def _payload(event: Any) -> Mapping[str, Any]:
    return event.payload if isinstance(event.payload, Mapping) else {}


def _note(state: State, event: Any, text: str) -> None:
    label = KIND_LABELS.get(event.kind, event.kind)
    state["anomalies"] = [*state["anomalies"], f"{label}：{text}（经办人 {event.clerk_id}）"]


# --------------------------------------------------------------------------- aid plan


def aid_plan_initial_state() -> State:
    return {
        "person_id": None,
        "status": None,
        "round": 1,
        "staff_id": None,
        "staff_name": None,
        "staff_assigned_on": None,
        "made_on": None,
        "needs": None,
        "items": [],
        "steps_total": 0,
        "steps_done": 0,
        "reentered_on": None,
        "closed_on": None,
        "close_reason": None,
        "anomalies": [],
        "last_hlc": None,
    }


def _plan_items(raw: Any, round_number: int) -> list[dict[str, Any]] | None:
    if not isinstance(raw, list):
        return None
    items = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("steps", []), list):
            return None
        steps = [
            {
                "step_id": str(step.get("step_id", "")),
                "title": str(step.get("title", "")),
                "due_on": _text(step.get("due_on")),
                "done_on": None,
                "result": None,
            }
            for step in item.get("steps", [])
            if isinstance(step, Mapping)
        ]
        items.append(
            {
                "item_id": str(item.get("item_id", "")),
                "title": str(item.get("title", "")),
                "round": round_number,
                "steps": steps,
            }
        )
    return items


def _count_steps(state: State) -> None:
    steps = [step for item in state["items"] for step in item["steps"]]
    state["steps_total"] = len(steps)
    state["steps_done"] = sum(1 for step in steps if step["done_on"])


def _mark_step_done(state: State, event: Any, payload: Mapping[str, Any]) -> None:
    step_id = str(payload.get("step_id", ""))
    items = [dict(item, steps=[dict(step) for step in item["steps"]]) for item in state["items"]]
    for item in items:
        for step in item["steps"]:
            if step["step_id"] == step_id:
                step["done_on"] = _text(payload.get("done_on"))
                step["result"] = _text(payload.get("result"))
                state["items"] = items
                _count_steps(state)
                return
    _note(state, event, f"援助计划中没有该步骤（{step_id}）")


def apply_aid_plan_event(state: State, event: Any) -> State:
    """One step of the aid-plan fold; returns a new state."""
    new = dict(state)
    new["anomalies"] = list(state["anomalies"])
    payload = _payload(event)
    kind = event.kind
    if new["person_id"] is None and payload.get("person_id"):
        new["person_id"] = str(payload["person_id"])
    if kind == AID_STAFF_ASSIGNED:
        new["staff_id"] = _text(payload.get("staff_id"))
        new["staff_name"] = _text(payload.get("staff_name"))
        new["staff_assigned_on"] = _date(payload.get("assigned_on"))
        new["status"] = new["status"] or "active"
    elif kind == AID_PLAN_MADE:
        items = _plan_items(payload.get("items"), new["round"])
        if items is None:
            _note(new, event, "援助计划内容无法识别")
        else:
            new["items"] = [*new["items"], *items]
            new["made_on"] = new["made_on"] or _date(payload.get("made_on"))
            new["needs"] = _text(payload.get("needs")) or new["needs"]
            new["status"] = "active"
            _count_steps(new)
    elif kind == AID_STEP_DONE:
        _mark_step_done(new, event, payload)
    elif kind == AID_REENTERED:
        # notice §4(五)3(1): 再次失业或工作不稳定 — a new round of aid.
        new["round"] = int(new["round"]) + 1
        new["reentered_on"] = _date(payload.get("reentered_on"))
        new["status"] = "active"
        new["closed_on"] = None
        new["close_reason"] = None
    elif kind == AID_CLOSED:
        new["status"] = "closed"
        new["closed_on"] = _date(payload.get("closed_on"))
        new["close_reason"] = _text(payload.get("reason"))
    new["last_hlc"] = event.hlc
    return new


# --------------------------------------------------------------------------- public-welfare post


def welfare_post_initial_state() -> State:
    return {
        "registration_id": None,
        "person_id": None,
        "post": None,
        "employer": None,
        "start_on": None,
        "end_on": None,
        "ended_on": None,
        "end_reason": None,
        "status": None,
        "anomalies": [],
        "last_hlc": None,
    }


def apply_welfare_post_event(state: State, event: Any) -> State:
    """One step of the public-welfare post fold; returns a new state."""
    new = dict(state)
    new["anomalies"] = list(state["anomalies"])
    payload = _payload(event)
    if event.kind == POST_PLACED:
        if new["status"] is not None:
            _note(new, event, "重复的岗位安置记录")
        else:
            new.update(
                registration_id=_text(payload.get("registration_id")),
                person_id=_text(payload.get("person_id")),
                post=_text(payload.get("post")) or "",
                employer=_text(payload.get("employer")) or "",
                start_on=_date(payload.get("start_on")),
                end_on=_date(payload.get("end_on")),
                status="placed",
            )
            if new["start_on"] is None:
                _note(new, event, f"上岗日期无法识别：{payload.get('start_on')!r}")
    elif event.kind == POST_ENDED:
        if new["status"] == "placed":
            new["status"] = "ended"
            new["ended_on"] = _date(payload.get("ended_on"))
            new["end_reason"] = _text(payload.get("reason"))
        else:
            _note(new, event, "岗位未安置或已退出")
    new["last_hlc"] = event.hlc
    return new


# --------------------------------------------------------------------------- false information


def false_info_initial_state() -> State:
    return {
        "person_id": None,
        "status": None,
        "marked_on": None,
        "marked_by": None,
        "finding": None,
        "evidence": None,
        "withdrawn_on": None,
        "withdrawal_reason": None,
        "last_hlc": None,
    }


def apply_false_info_event(state: State, event: Any) -> State:
    """One step of the false-information mark fold; returns a new state."""
    new = dict(state)
    payload = _payload(event)
    if event.kind == FALSE_INFO_MARKED:
        new.update(
            person_id=_text(payload.get("person_id")) or new["person_id"],
            status="marked",
            marked_on=_date(payload.get("marked_on")),
            marked_by=event.clerk_id,
            finding=_text(payload.get("finding")) or "",
            evidence=_text(payload.get("evidence")) or "",
            withdrawn_on=None,
            withdrawal_reason=None,
        )
    elif event.kind == FALSE_INFO_WITHDRAWN and new["status"] == "marked":
        new["status"] = "withdrawn"
        new["withdrawn_on"] = _date(payload.get("withdrawn_on"))
        new["withdrawal_reason"] = _text(payload.get("reason"))
    new["last_hlc"] = event.hlc
    return new


# --------------------------------------------------------------------------- the table

Parts = tuple[
    type[Any],
    Callable[[], State],
    Callable[[State, Any], State],
    tuple[str, ...],
    Callable[[State], bool],
    frozenset[str],
]

# (model, initial, step, keys, exists, creating kinds): projector.ProjectionSpec's fields.
AID_PROJECTION_PARTS: dict[str, Parts] = {
    AID_PLAN: (
        AidPlan,
        aid_plan_initial_state,
        apply_aid_plan_event,
        tuple(aid_plan_initial_state()),
        lambda state: state["person_id"] is not None and state["status"] is not None,
        frozenset({AID_STAFF_ASSIGNED, AID_PLAN_MADE}),
    ),
    WELFARE_POST: (
        WelfarePost,
        welfare_post_initial_state,
        apply_welfare_post_event,
        tuple(welfare_post_initial_state()),
        lambda state: (
            state["status"] is not None
            and state["start_on"] is not None
            and state["registration_id"] is not None
            and state["person_id"] is not None
        ),
        frozenset({POST_PLACED}),
    ),
    FALSE_INFO: (
        FalseInfoMark,
        false_info_initial_state,
        apply_false_info_event,
        tuple(false_info_initial_state()),
        lambda state: state["marked_on"] is not None and state["person_id"] is not None,
        frozenset({FALSE_INFO_MARKED}),
    ),
}
