"""服务跟踪, the person's record and the 注销 dialog with demo data; DENGJI_UPDATE_SCREENSHOTS=1
saves them to docs/screenshots/ (followup.png, person.png, deregistration.png)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.config import Config
from desktop.domain.retirement import add_months
from desktop.services import followup as fu
from desktop.services.demo import fill_demo_data
from desktop.store.db import Store, open_store
from desktop.store.models import Registration
from desktop.ui.pages.deregistration_dialog import DeregistrationDialog
from tests.desktop.ui.pages.followup_people import (
    TODAY,
    FollowupPeople,
    context,
    record_followup_people,
)
from tests.desktop.ui.test_screenshots import (
    SIZE,
    counter_look,  # noqa: F401 -- a fixture used by the tests below
    distinct_colours,
    open_window,
    save,
)

WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def no_print_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))


@pytest.fixture
def counter_store(tmp_path: Path) -> Iterator[tuple[Store, FollowupPeople]]:
    """A counter with a few hundred demo people and the follow-up cast of the page tests."""
    from desktop.ui.background import wait_for_background_work

    store = open_store(tmp_path / "counter.sqlite3", node_id="testcounter")
    fill_demo_data(store, Config(), persons=240)
    people = record_followup_people(store)
    rid = people.overdue.registration_id
    with store.session() as session:
        ctx = context(store)
        fu.record_service(session, ctx, rid, on=TODAY, kind="job_referral",
                          content="推荐仓储管理岗位", result="约定下周面试",
                          details={"employer": "兰州某物流有限公司", "post": "仓管员"})  # fmt: skip
        fu.record_service(session, ctx, rid, on=TODAY, kind="vocational_guidance",
                          content="职业兴趣测评与求职方向指导")  # fmt: skip
        fu.record_refusal(session, ctx, rid, on=TODAY, service_kind="training_recommendation",
                          valid_reason=True, reason_text="近期需照顾住院的父亲")  # fmt: skip
        fu.set_tier(session, ctx, rid, on=TODAY)
        # A counter at work: a third contacted this month, a third last month.
        registered = session.scalars(
            select(Registration.id).where(Registration.status == "registered")
        ).all()
        last_month = add_months(TODAY.replace(day=1), -1)
        for index, registration_id in enumerate(registered):
            day = {0: TODAY.replace(day=1), 1: last_month}.get(index % 3)
            if day is not None and registration_id != rid:
                with contextlib.suppress(fu.FollowupError):  # registered after that day
                    fu.record_contact(session, ctx, registration_id, on=day, method="phone",
                                      reached=True)  # fmt: skip
    yield store, people
    assert wait_for_background_work(10_000)
    store.close()


def test_followup_screenshot(
    qtbot,
    counter_look: None,  # noqa: F811
    signed_in_clerk,
    counter_store,
    tmp_path: Path,
) -> None:
    store, _people = counter_store
    window = open_window(qtbot, store)  # signed in before the window: the bar shows it
    assert signed_in_clerk.display_name in window.status_bar().section_texts()["clerk"]
    page = window.followup_page()
    with qtbot.waitSignal(page.contacts().sig_list_loaded, timeout=WAIT_MS):
        window.show_page("service")
    page.contacts().set_whose("all")
    page.contacts().select_row(0)
    qtbot.wait(150)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == SIZE
    assert distinct_colours(image) > 20
    save(image, "followup.png", tmp_path)


def _aided_person(store: Store) -> str:
    """A 大龄 woman (就业困难人员) with a designated staff member, a plan with steps, a
    公益性岗位 and a 回访本人: what the record's 就业援助 tab shows."""
    from desktop.domain.aid import PersonVisit, PostPlacement
    from desktop.services import aid
    from tests.desktop.ui.pages.followup_people import register

    registered_on = TODAY - dt.timedelta(days=75)
    older = register(store, "马桂兰", 42, registered_on, birth=dt.date(1979, 6, 8))
    rid = older.registration_id
    made_on = registered_on + dt.timedelta(days=3)
    with store.session() as session:
        ctx = context(store)
        aid.assign_aid_staff(session, ctx, rid, staff_id="clerk01", staff_name="王丽娟",
                             on=made_on)  # fmt: skip
        aid.make_aid_plan(session, ctx, rid, on=made_on, needs="缺乏求职技巧，需兼顾照料老人",
                          items=[aid.new_item("职业指导", [("求职技巧指导", made_on),
                                                        ("推荐家政服务岗位", None)])])  # fmt: skip
        aid.place_in_welfare_post(session, ctx, rid, PostPlacement(
            "社区保洁员", "城关区环卫所", made_on + dt.timedelta(days=10)))  # fmt: skip
        aid.record_person_visit(session, ctx, rid, PersonVisit(
            visited_on=made_on + dt.timedelta(days=40), outcome="employed_stable",
            employment_situation="在公益性岗位工作稳定", policies_enjoyed=("公益性岗位补贴",),
            measures_carried_out="已落实岗位安置"))  # fmt: skip
    return older.person_id


def test_person_screenshot(
    qtbot,
    counter_look: None,  # noqa: F811
    signed_in_clerk,
    counter_store,
    tmp_path: Path,
) -> None:
    store, _people = counter_store
    person_id = _aided_person(store)
    window = open_window(qtbot, store)
    dialog = window.open_person_record(person_id)
    assert dialog is not None
    with qtbot.waitSignal(dialog.sig_record_loaded, timeout=WAIT_MS):
        pass
    tab = dialog.aid_tab()
    assert tab is not None  # a 就业困难人员: the 就业援助 tab is there
    dialog.tabs().setCurrentWidget(tab)
    tab.forms().setCurrentIndex(4)  # 公益性岗位
    dialog.resize(1200, 700)
    qtbot.waitUntil(lambda: tab.policies_text() != "", timeout=WAIT_MS)
    qtbot.wait(150)
    image = dialog.grab().toImage()
    assert distinct_colours(image) > 20
    save(image, "person.png", tmp_path)
    dialog.close()


def test_deregistration_screenshot(
    qtbot,
    counter_look: None,  # noqa: F811
    signed_in_clerk,
    counter_store,
    tmp_path: Path,
) -> None:
    store, people = counter_store
    window = open_window(qtbot, store)
    dialog = DeregistrationDialog(
        store, Config(), people.overdue.registration_id, window, reason="11"
    )
    with qtbot.waitSignal(dialog.sig_checked, timeout=WAIT_MS):
        dialog.show()
    dialog.field("deregistrationNote").setText("本人电话称已办理退休")
    qtbot.wait(150)
    image = dialog.grab().toImage()
    assert distinct_colours(image) > 10
    save(image, "deregistration.png", tmp_path)
    dialog.close()
