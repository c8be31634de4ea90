"""The check of an event in transit: every fault named in Chinese, the usual case fast."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from desktop.store.errors import MalformedEventError
from desktop.sync.wire import WireEvent, checked_fold_event

GOOD = WireEvent(
    str(uuid.uuid4()),
    "registration",
    str(uuid.uuid4()),
    "contact.recorded",
    '{"contacted_on": "2025-06-20", "note": "电话联系"}',
    "clerk01",
    "620102-001",
    "2025-06-20 02:00:00.000000+00:00",
    "1750000000000.00001.nodeA",
)


def test_a_well_formed_event_gives_the_folds_view() -> None:
    view = checked_fold_event(GOOD)
    assert view.payload == {"contacted_on": "2025-06-20", "note": "电话联系"}
    assert view.wall_time == dt.datetime(2025, 6, 20, 2, tzinfo=dt.UTC)
    assert (view.id, view.kind, view.hlc, view.counter_id) == (
        GOOD.id,
        GOOD.kind,
        GOOD.hlc,
        GOOD.counter_id,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "not-a-uuid"}, "事件编号不是有效的 UUID"),
        ({"id": GOOD.id.upper()}, "事件编号不是规范的 UUID 写法"),
        ({"entity_id": 42}, "对象编号不是有效的 UUID"),
        ({"entity_type": "Registration"}, "事件的对象类型不正确"),
        ({"kind": "contact"}, "事件类型不正确"),
        ({"kind": "person.recorded"}, "不能用于对象类型 registration"),
        ({"hlc": "yesterday"}, "逻辑时钟值格式不正确"),
        ({"clerk_id": ""}, "clerk_id 格式不正确"),
        ({"counter_id": "620102 001"}, "counter_id 格式不正确"),
        ({"payload": '{"a": "\\u0000"}'}, "无法保存的字符"),
        ({"payload": "{not json"}, "不是有效的 JSON"),
        ({"payload": "[1, 2]"}, "不是字段表"),
        ({"wall_time": "20 June"}, "时间格式不正确"),
        ({"wall_time": "2025-06-20 02:00:00"}, "时间缺少时区"),
    ],
)
def test_each_fault_is_named_in_chinese(change: dict[str, object], message: str) -> None:
    with pytest.raises(MalformedEventError, match=message):
        checked_fold_event(GOOD._replace(**change))


def test_a_bad_label_stays_refused_however_often_it_comes() -> None:
    # Kind, entity type, clerk and counter are checked once per combination and remembered:
    # the refusal must be remembered too, and must not spill over to good combinations.
    bad = GOOD._replace(clerk_id="bad\x00clerk")
    for _attempt in range(3):
        with pytest.raises(MalformedEventError, match="clerk_id 格式不正确"):
            checked_fold_event(bad)
        assert checked_fold_event(GOOD).kind == GOOD.kind
    with pytest.raises(MalformedEventError, match="不能用于对象类型 registration"):
        checked_fold_event(GOOD._replace(kind="person.recorded"))
    with pytest.raises(MalformedEventError, match="不能用于对象类型 registration"):
        checked_fold_event(GOOD._replace(kind="person.recorded"))
