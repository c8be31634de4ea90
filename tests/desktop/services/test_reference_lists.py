"""The reference lists in the store: seeded once, edited with a journal event per change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.services import reference_lists as lists
from desktop.services.reference_lists import ReferenceListError
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.store.models import Event, PolicyItem
from printing import reference_lists as seed

NEW_POLICY = {
    "name": "求职创业补贴",
    "beneficiaries": "毕业年度内符合条件的高校毕业生",
    "content": "给予一次性求职创业补贴，标准以当地公布为准。",
    "conditions": "在毕业学年内提出申请。",
    "accepting_agency": "就读高校",
}


def _events(store: Store) -> list[Event]:
    with store.session(write=False) as session:
        return list(
            session.scalars(
                select(Event).where(Event.kind == "reference.changed").order_by(Event.seq)
            )
        )


def test_seed_fills_each_empty_list_from_the_csvs_once(store: Store) -> None:
    with store.session() as session:
        added = lists.seed_reference_lists(session)
    assert added == {
        "policy": len(seed.load_policies()),
        "service": len(seed.load_services()),
        "agency": len(seed.load_agencies()),
    }
    with store.session() as session:
        assert lists.seed_reference_lists(session) == {"policy": 0, "service": 0, "agency": 0}
        policies = lists.list_entries(session, "policy")
    assert [p.values["name"] for p in policies] == [p.name for p in seed.load_policies()]
    assert all(p.updated_by == lists.SEED_AUTHOR and p.active for p in policies)
    assert _events(store) == []  # the seed is not an administrator's change


def test_seed_does_not_bring_back_a_list_whose_rows_were_all_deactivated(
    seeded_store: Store, actor: Actor
) -> None:
    with seeded_store.session() as session:
        for entry in lists.list_entries(session, "service"):
            lists.deactivate_entry(session, actor, seeded_store.clock, "service", entry.id)
    with seeded_store.session() as session:
        assert lists.seed_reference_lists(session)["service"] == 0
        assert lists.list_entries(session, "service") == []
        assert len(lists.list_entries(session, "service", include_inactive=True)) == len(
            seed.load_services()
        )


def test_rows_for_printing_keep_the_notice_column_order(seeded_store: Store) -> None:
    with seeded_store.session(write=False) as session:
        assert lists.policy_rows(session) == seed.load_policies()
        assert lists.service_rows(session) == seed.load_services()
        assert lists.agency_rows(session) == seed.load_agencies()
    assert lists.LIST_SPECS["policy"].labels == seed.POLICY_COLUMNS
    assert lists.LIST_SPECS["service"].labels == seed.SERVICE_COLUMNS
    assert lists.LIST_SPECS["agency"].labels[:4] == seed.AGENCY_COLUMNS


def test_add_puts_the_row_last_and_records_the_whole_row(seeded_store: Store, actor: Actor) -> None:
    with seeded_store.session() as session:
        added = lists.add_entry(session, actor, seeded_store.clock, "policy", NEW_POLICY)
    with seeded_store.session(write=False) as session:
        policies = lists.list_entries(session, "policy")
    assert policies[-1].id == added.id
    assert policies[-1].values == NEW_POLICY
    assert added.updated_by == "clerk01"
    (event,) = _events(seeded_store)
    assert event.entity_type == "reference" and event.entity_id == added.id
    assert event.payload["list"] == "policy" and event.payload["action"] == "added"
    assert event.payload["values"] == NEW_POLICY
    assert event.clerk_id == "clerk01"


def test_update_changes_only_what_differs_and_records_it(seeded_store: Store, actor: Actor) -> None:
    with seeded_store.session() as session:
        first = lists.list_entries(session, "agency")[0]
        same = lists.update_entry(
            session, actor, seeded_store.clock, "agency", first.id, {"name": first.values["name"]}
        )
        assert same == first  # nothing changed: nothing recorded
        changed = lists.update_entry(
            session,
            actor,
            seeded_store.clock,
            "agency",
            first.id,
            {"phone": " 0931-8888888 ", "address": "兰州市城关区示例路1号"},
        )
    assert changed.values["phone"] == "0931-8888888"
    assert changed.values["name"] == first.values["name"]
    (event,) = _events(seeded_store)
    assert event.payload["action"] == "updated"
    assert event.payload["values"]["address"] == "兰州市城关区示例路1号"


def test_deactivated_rows_are_kept_but_not_printed(seeded_store: Store, actor: Actor) -> None:
    with seeded_store.session() as session:
        first = lists.list_entries(session, "policy")[0]
        lists.deactivate_entry(session, actor, seeded_store.clock, "policy", first.id)
        # deactivating twice records once
        lists.deactivate_entry(session, actor, seeded_store.clock, "policy", first.id)
    with seeded_store.session(write=False) as session:
        assert first.id not in {p.id for p in lists.list_entries(session, "policy")}
        assert session.get(PolicyItem, first.id) is not None
        assert first.values["name"] not in {row.name for row in lists.policy_rows(session)}
    with seeded_store.session() as session:
        back = lists.set_entry_active(session, actor, seeded_store.clock, "policy", first.id, True)
    assert back.active
    assert [e.payload["action"] for e in _events(seeded_store)] == ["deactivated", "reactivated"]


@pytest.mark.parametrize(
    ("list_key", "values", "message"),
    [
        ("policy", {**NEW_POLICY, "content": "  "}, "政策清单的“政策内容”不能为空"),
        ("policy", {"name": "只有名称"}, "不能为空"),
        ("policy", {**NEW_POLICY, "name": "长" * 201}, "“政策名称”过长（最多 200 个字）"),
        ("policy", {**NEW_POLICY, "color": "红"}, "政策清单没有这些列：color"),
        (
            "agency",
            {
                "region_code": "629999",
                "name": "某机构",
                "address": "某地",
                "phone": "12333",
                "services": "失业登记",
            },
            "行政区划代码“629999”不存在",
        ),
        ("nothing", {}, "没有名为“nothing”的清单"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_stored(
    seeded_store: Store, actor: Actor, list_key: str, values: dict[str, str], message: str
) -> None:
    with seeded_store.session(write=False) as session:
        before = len(lists.list_entries(session, "policy", include_inactive=True))
    with pytest.raises(ReferenceListError) as caught, seeded_store.session() as session:
        lists.add_entry(session, actor, seeded_store.clock, list_key, values)
    assert message in caught.value.message
    with seeded_store.session(write=False) as session:
        assert len(lists.list_entries(session, "policy", include_inactive=True)) == before
    assert _events(seeded_store) == []


def test_editing_a_row_that_is_gone_says_so(seeded_store: Store, actor: Actor) -> None:
    with pytest.raises(ReferenceListError, match="找不到这一行"), seeded_store.session() as s:
        lists.update_entry(
            s, actor, seeded_store.clock, "service", "00000000-0000-0000-0000-000000000000", {}
        )


def test_agencies_near_a_county_come_first_and_fall_back_to_all() -> None:
    agencies = seed.load_agencies()
    near = lists.agencies_near(agencies, "620102")
    assert near[0].name == "兰州市城关区公共就业服务机构"
    assert {a.region_code for a in near} == {"620102", "620100"}
    assert any("残疾人" in a.name for a in near)  # the delegated agency of the city
    assert lists.agencies_near(agencies, "620600") == agencies  # 武威市: nothing seeded yet
