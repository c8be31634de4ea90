"""Start-up: language, font, opening the store (and what the clerk is told when it fails)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.store.db import Store, open_store
from desktop.ui.app import (
    EXIT_DATABASE_IN_USE,
    EXIT_DATABASE_NOT_OPENED,
    FirstPaintWatcher,
    StoreChoice,
    StoreOpener,
    StoreProblem,
    StoreProblemKind,
    UiLanguage,
    ask_with_dialog,
    build_store_problem_dialog,
    choose_ui_language,
    create_application,
    pick_cjk_font_family,
)
from desktop.ui.background import is_database_thread

REPO = Path(__file__).resolve().parents[3]


class ScriptedClerk:
    """Answers store problems with a fixed choice and remembers what it was shown."""

    def __init__(self, choice: StoreChoice) -> None:
        self.choice = choice
        self.problems: list[StoreProblem] = []

    def __call__(self, problem: StoreProblem) -> StoreChoice:
        self.problems.append(problem)
        return self.choice


@pytest.fixture
def corrupt_database(tmp_path: Path) -> Path:
    path = tmp_path / "dengji.sqlite3"
    path.write_bytes(b"\x00garbage, not a database" * 200)
    return path


@pytest.fixture
def restored_application(qapp: QApplication) -> Iterator[QApplication]:
    """The test QApplication, with style, font and translators put back after the test."""
    app = qapp
    font, style, locale = app.font(), app.style().name(), QLocale()
    yield app
    for translator in app.findChildren(QTranslator):
        app.removeTranslator(translator)
        translator.deleteLater()
    app.setFont(font)
    app.setStyle(style)
    QLocale.setDefault(locale)


# -- language and font -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "system", "expected"),
    [
        ({}, ["C"], UiLanguage.CHINESE),
        ({}, ["zh-CN", "en-US"], UiLanguage.CHINESE),
        ({}, ["en-US"], UiLanguage.ENGLISH),
        ({"DENGJI_LANG": "en"}, ["zh-CN"], UiLanguage.ENGLISH),
        ({"DENGJI_LANG": "zh"}, ["en-GB"], UiLanguage.CHINESE),
        ({}, [], UiLanguage.CHINESE),
    ],
)
def test_chinese_unless_english_is_asked_for(
    environ: dict[str, str], system: list[str], expected: UiLanguage
) -> None:
    assert choose_ui_language(environ, system) is expected


def test_cjk_font_preference() -> None:
    assert pick_cjk_font_family(["DejaVu Sans", "AR PL UMing CN", "WenQuanYi Zen Hei"]) == (
        "WenQuanYi Zen Hei"
    )
    assert pick_cjk_font_family(["AR PL UMing CN"]) == "AR PL UMing CN"
    assert pick_cjk_font_family(["DejaVu Sans"]) is None


def test_application_uses_fusion_and_a_font_with_chinese_glyphs(
    restored_application: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DENGJI_LANG", "zh")
    app, language = create_application([])
    assert app is restored_application
    assert language is UiLanguage.CHINESE
    assert app.style().name().lower() == "fusion"
    assert app.applicationName() == "dengji"
    family = app.font().family()
    assert family in QFontDatabase.families()
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
    # Qt's own strings are Chinese too (standard buttons).
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_english_translation_is_installed_when_asked_for(
    restored_application: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DENGJI_LANG", "en")
    create_application([])
    assert QCoreApplication.translate("MainWindow", "查询") == "Search"
    assert QCoreApplication.translate("SearchModels", "已注销") == "Deregistered"


# -- opening the store -----------------------------------------------------------------------


def open_and_wait(qtbot, path: Path, clerk: ScriptedClerk) -> tuple[Store | None, int | None]:
    """Run a StoreOpener to its outcome: (store, None) or (None, exit code)."""
    opener = StoreOpener(path, clerk)
    outcome: list[tuple[Store | None, int | None]] = []
    opener.sig_store_opened.connect(lambda store: outcome.append((store, None)))
    opener.sig_store_not_opened.connect(lambda code: outcome.append((None, code)))
    opener.start()
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    assert len(outcome) == 1
    store = outcome[0][0]
    assert opener.opened_store is store
    return outcome[0]


def test_a_healthy_store_opens_without_asking(qtbot, tmp_path: Path) -> None:
    clerk = ScriptedClerk(StoreChoice.QUIT)
    store, exit_code = open_and_wait(qtbot, tmp_path / "new.sqlite3", clerk)
    assert isinstance(store, Store)
    store.close()
    assert exit_code is None
    assert clerk.problems == []


def test_database_is_opened_on_the_database_thread(qtbot, tmp_path: Path) -> None:
    opened_on: list[bool] = []
    opener = StoreOpener(tmp_path / "thread.sqlite3", ScriptedClerk(StoreChoice.QUIT))
    opener.sig_store_opened.connect(lambda store: (opened_on.append(True), store.close()))
    original = opener._open_on_database_thread

    def checked() -> Store:
        assert is_database_thread()
        return original()

    opener._open_on_database_thread = checked  # type: ignore[method-assign]
    opener.start()
    qtbot.waitUntil(lambda: opened_on == [True], timeout=10_000)


def test_database_in_use_is_explained_and_exits_with_2(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    holder = open_store(path)  # another dengji window holds the lock
    try:
        clerk = ScriptedClerk(StoreChoice.START_EMPTY)  # not offered: must not be honoured
        store, exit_code = open_and_wait(qtbot, path, clerk)
    finally:
        holder.close()
    assert store is None
    assert exit_code == EXIT_DATABASE_IN_USE == 2
    [problem] = clerk.problems
    assert problem.kind is StoreProblemKind.IN_USE
    assert problem.choices == (StoreChoice.QUIT,)
    assert "另一个" in problem.message and str(path) in problem.message


def test_corrupt_database_is_kept_aside_and_a_new_one_started(
    qtbot, corrupt_database: Path
) -> None:
    original = corrupt_database.read_bytes()
    clerk = ScriptedClerk(StoreChoice.START_EMPTY)
    store, _ = open_and_wait(qtbot, corrupt_database, clerk)
    assert isinstance(store, Store)
    store.close()
    [problem] = clerk.problems
    assert problem.kind is StoreProblemKind.CORRUPT
    assert problem.kept_aside is not None
    assert str(problem.kept_aside) in problem.message
    assert problem.kept_aside.read_bytes() == original  # nothing lost
    assert problem.choices == (StoreChoice.START_EMPTY, StoreChoice.QUIT)


def test_corrupt_database_and_the_clerk_quits(qtbot, corrupt_database: Path) -> None:
    clerk = ScriptedClerk(StoreChoice.QUIT)
    store, exit_code = open_and_wait(qtbot, corrupt_database, clerk)
    assert store is None
    assert exit_code == EXIT_DATABASE_NOT_OPENED
    [problem] = clerk.problems
    assert problem.kept_aside is not None and problem.kept_aside.exists()


def test_an_unusable_folder_is_explained_and_offers_only_quitting(qtbot, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    clerk = ScriptedClerk(StoreChoice.START_EMPTY)
    store, exit_code = open_and_wait(qtbot, blocker / "dengji.sqlite3", clerk)
    assert store is None
    assert exit_code == EXIT_DATABASE_NOT_OPENED
    [problem] = clerk.problems
    assert problem.kind is StoreProblemKind.OTHER
    assert problem.choices == (StoreChoice.QUIT,)
    assert problem.message.startswith("无法打开本地数据库")


def test_store_problem_dialog_offers_exactly_the_choices(qtbot, corrupt_database: Path) -> None:
    clerk = ScriptedClerk(StoreChoice.QUIT)
    open_and_wait(qtbot, corrupt_database, clerk)
    [problem] = clerk.problems
    box = build_store_problem_dialog(problem)
    qtbot.addWidget(box)
    assert box.text() == problem.message
    labels = {button.text(): button.property("storeChoice") for button in box.buttons()}
    assert labels == {"新建空数据库": "start_empty", "退出": "quit"}
    assert box.defaultButton().text() == "新建空数据库"


@pytest.mark.parametrize(
    ("button_text", "expected"), [("新建空数据库", "start_empty"), ("退出", "quit")]
)
def test_the_button_clicked_is_the_choice(
    qtbot, monkeypatch: pytest.MonkeyPatch, button_text: str, expected: str
) -> None:
    problem = StoreProblem(
        StoreProblemKind.CORRUPT,
        "数据库文件已损坏",
        (StoreChoice.START_EMPTY, StoreChoice.QUIT),
        EXIT_DATABASE_NOT_OPENED,
    )

    def click_instead_of_blocking(box: QMessageBox) -> int:
        # Only the modal loop is replaced; the button and the box's handling of it are real.
        next(b for b in box.buttons() if b.text() == button_text).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_instead_of_blocking)
    assert ask_with_dialog(problem) is StoreChoice(expected)


# -- start-up as a process -------------------------------------------------------------------


def test_first_paint_watcher_fires_once_after_the_window_is_painted(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    calls: list[bool] = []
    FirstPaintWatcher(window, lambda: calls.append(window.isVisible()))
    window.show()
    qtbot.waitUntil(lambda: calls == [True], timeout=5000)
    window.update()
    qtbot.wait(50)
    assert calls == [True]


@pytest.mark.slow
def test_run_gui_shows_the_window_and_reports_it(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from desktop.config import Config;"
        "from desktop.ui.app import run_gui;"
        "sys.exit(run_gui(Config(), store_path=Path(sys.argv[1]), argv=['dengji']))"
    )
    environ = os.environ | {
        "QT_QPA_PLATFORM": "offscreen",
        "DENGJI_EXIT_AFTER_SHOWN": "1",
        "DENGJI_LANG": "zh",
    }
    completed = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "gui.sqlite3")],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.split()
    assert lines[0] == "shown" and lines[2] == "ready", completed.stdout
    shown, ready = float(lines[1]), float(lines[3])
    assert 0 < shown <= ready < 60  # painted first, database opened after
    assert (tmp_path / "gui.sqlite3").exists()
