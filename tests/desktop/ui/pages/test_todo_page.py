"""The 待办 page: every pending application with its deadline, most urgent first, overdue in
red, from the counter, online and delegated alike; Enter opens the 核实 dialog."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.config import Config
from desktop.domain.idnumbers import check_digit
from desktop.domain.roles import Role
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import registration as reg
from desktop.store.db import Store
from desktop.store.journal import Actor
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.todo_page import TodoPage
from desktop.ui.pages.verify_dialog import VerifyDialog
from tests.desktop.ui.test_screenshots import SIZE, counter_look, grab_when_laid_out, save

__all__ = ["counter_look"]  # a fixture, used by name

WAIT_MS = 10_000
PRINT_TIMEOUT_MS = 90_000
TODAY = dt.date.today()
STAFF = Actor("reviewer01", Config().counter_id, roles=frozenset({Role.CLERK, Role.REVIEWER}))
NAMES = ("马建军", "王芳", "李娜", "张伟", "赵丽")


def person_number(index: int) -> str:
    body = f"620102198{index}0517{index:02d}1"
    return body + check_digit(body)


def applied_on_days_ago(store: Store, index: int, days: int, **changes: object) -> str:
    """An application accepted `days` ago at this counter, through the use case."""
    ctx = reg.CounterContext(
        actor=STAFF,
        clock=store.clock,
        region_code="620102",
        counter_number=1,
        calendar=WorkdayCalendar(),
    )
    application = reg.Application(
        person=reg.PersonDetails(
            id_number=person_number(index),
            name=NAMES[index],
            phone=f"1391234567{index}",
            household_region="620102",
            residence_region="620102",
            residence_urban=True,
            residence_address=f"东岗街道{index}号",
            education="31",
            health="1",
        ),
        applied_on=TODAY - dt.timedelta(days=days),
        registration_place="household",
        unemployment_cause="02",
        unemployed_since=dt.date(2024, 8, 31),
    )
    with store.session() as session:
        return reg.apply_for_registration(
            session, ctx, replace(application, **changes)
        ).registration_id


@pytest.fixture
def pending(empty_store: Store) -> dict[str, str]:
    return {
        "overdue": applied_on_days_ago(empty_store, 0, 30),
        "online": applied_on_days_ago(empty_store, 1, 2, channel="online"),
        "delegated": applied_on_days_ago(
            empty_store, 2, 1, extra={"delegated_agency": "城关区残疾人就业服务中心"}
        ),
        "today": applied_on_days_ago(empty_store, 3, 0),
    }


@pytest.fixture
def todo(
    qtbot: QtBot,
    empty_store: Store,
    pending: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> TodoPage:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))
    page = TodoPage(Config(), empty_store, actor_provider=lambda: STAFF)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    with qtbot.waitSignal(page.sig_todo_loaded, timeout=WAIT_MS):
        page.show()
    return page


def open_dialog(qtbot: QtBot, todo: TodoPage, row: int) -> VerifyDialog:
    with qtbot.waitSignal(todo.sig_dialog_opened, timeout=WAIT_MS) as opened:
        todo.open_row(row)
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.details() is not None, timeout=WAIT_MS)
    return dialog


def test_every_pending_application_in_order_of_urgency(
    todo: TodoPage, pending: dict[str, str]
) -> None:
    items = todo.items()
    assert [item.registration_id for item in items] == [
        pending["overdue"],
        pending["online"],
        pending["delegated"],
        pending["today"],
    ]
    model = todo.view().model()
    overdue_colour = model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole).color().name()
    assert overdue_colour == "#c62828"
    assert model.data(model.index(0, 1)).startswith("逾期 ")
    assert model.data(model.index(3, 1)).endswith(" 个工作日")
    assert [model.data(model.index(row, 5)) for row in range(4)] == [
        "窗口",
        "网上申请",
        "委托受理",
        "窗口",
    ]
    assert model.data(model.index(2, 2), Qt.ItemDataRole.ToolTipRole) == (
        "受委托机构：城关区残疾人就业服务中心"
    )
    assert model.data(model.index(0, 3)).startswith("6201") and "*" in model.data(model.index(0, 3))


def test_todo_screenshot(
    qtbot: QtBot,
    counter_look: None,
    empty_store: Store,
    pending: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DENGJI_CONFIG", str(tmp_path / "dengji.toml"))
    from desktop.services.verification import assign_home_visit

    ctx = reg.CounterContext(STAFF, empty_store.clock, "620102", 1, WorkdayCalendar())
    with empty_store.session() as session:
        assign_home_visit(
            session,
            ctx,
            pending["delegated"],
            assignee="李明",
            due_on=TODAY + dt.timedelta(days=3),
            reason="持卡库无记录",
            on=TODAY,
        )
        reg.verify(session, ctx, pending["today"], on=TODAY, method="data_comparison", evidence={})
    window = MainWindow(Config(), empty_store)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window, timeout=WAIT_MS)
    with qtbot.waitSignal(window.todo_page().sig_todo_loaded, timeout=WAIT_MS):
        window.show_page("todo")
    save(grab_when_laid_out(qtbot, window), "todo.png", tmp_path)
