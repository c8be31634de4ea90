"""The 冲突复核 page: clashing registrations, what each counter said, resolved with a note."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.config import Config
from desktop.ui.pages.conflicts_page import ConflictsPage
from tests.desktop.services.conflict_cases import (
    CLERK,
    COUNTER_B,
    REVIEWER,
    Conflicted,
    make_conflicts,
)
from tests.desktop.ui.test_screenshots import SIZE, counter_look, save

__all__ = ["counter_look"]  # a fixture, used by name

WAIT_MS = 10_000


@pytest.fixture
def conflicted(tmp_path: Path) -> Iterator[Conflicted]:
    made = make_conflicts(tmp_path)
    yield made
    made.store.close()


def _shown_page(qtbot: QtBot, conflicted: Conflicted, actor: object = REVIEWER) -> ConflictsPage:
    page = ConflictsPage(Config(), conflicted.store, actor_provider=lambda: actor)
    qtbot.addWidget(page)
    page.resize(*SIZE)
    with qtbot.waitSignal(page.sig_conflicts_loaded, timeout=WAIT_MS):
        page.show()
    return page


def test_the_clashing_registration_is_listed_with_every_counters_record(
    qtbot: QtBot, conflicted: Conflicted
) -> None:
    page = _shown_page(qtbot, conflicted)
    cases = page.cases()
    assert [case.registration_id for case in cases] == [conflicted.registration_id]
    case = page.current_case()
    assert case is not None and case.counters == (COUNTER_B,)
    events = page.findChild(object, "conflictEvents")
    assert events is not None and events.model().rowCount() == 5
    anomalies = page.findChild(object, "conflictAnomalies").text()
    assert "不能不予登记" in anomalies and COUNTER_B in anomalies


def test_resolving_with_a_note_removes_it_from_the_list(
    qtbot: QtBot, conflicted: Conflicted
) -> None:
    page = _shown_page(qtbot, conflicted)
    page.note_editor().setPlainText("与2号窗口核对，以1号窗口的登记为准")
    with (
        qtbot.waitSignal(page.sig_conflict_resolved, timeout=WAIT_MS) as resolved,
        qtbot.waitSignal(page.sig_conflicts_loaded, timeout=WAIT_MS) as reloaded,
    ):
        page.findChild(object, "resolveConflict").click()
    assert resolved.args == [conflicted.registration_id]
    assert reloaded.args == [0]
    assert page.cases() == []
    assert "已处理" in page.feedback()
    assert page.message() == "没有待复核的冲突记录"


def test_a_resolution_without_a_note_is_refused_in_chinese_and_stays_listed(
    qtbot: QtBot, conflicted: Conflicted
) -> None:
    page = _shown_page(qtbot, conflicted)
    page.findChild(object, "resolveConflict").click()
    qtbot.waitUntil(lambda: "请填写处理意见" in page.feedback(), timeout=WAIT_MS)
    assert len(page.cases()) == 1


def test_a_clerk_without_the_permission_is_told_so(qtbot: QtBot, conflicted: Conflicted) -> None:
    page = ConflictsPage(Config(), conflicted.store, actor_provider=lambda: CLERK)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: "处理冲突记录" in page.message(), timeout=WAIT_MS)
    assert page.cases() == []


def test_conflicts_screenshot(
    qtbot: QtBot, conflicted: Conflicted, counter_look: None, tmp_path: Path
) -> None:
    page = _shown_page(qtbot, conflicted)
    page.note_editor().setPlainText(
        "已电话联系2号窗口：申请人已在本窗口办结登记，2号窗口的不予登记系重复办理，以本窗口登记为准。"
    )
    qtbot.wait(100)
    image = page.grab().toImage()
    assert image.width() == SIZE[0]
    save(image, "conflicts.png", tmp_path)
