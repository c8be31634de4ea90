"""Start the GUI: the QApplication, language and font, the local store, the main window."""

from __future__ import annotations

import enum
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTimer,
    QTranslator,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QFont, QFontDatabase, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

if TYPE_CHECKING:
    from desktop.config import Config, ReaderSetting
    from desktop.store.db import Store
    from desktop.ui.demo_devices import DemoDevices
    from desktop.ui.main_window import MainWindow
    from desktop.ui.status_bar import DengjiStatusBar
    from devices.card import CardData
    from devices.emulators.demo_rig import DemoRig
    from devices.monitor import ReaderMonitor
    from devices.registry import ReaderConfig

_log = logging.getLogger(__name__)
_MODULE_LOADED_AT = time.perf_counter()
I18N_DIR = Path(__file__).with_name("i18n")
# UI font preference: a sans (黑体) face reads best at screen sizes; the Ming/Song faces are the
# fallback that the Debian packages in the Makefile guarantee (fonts-arphic-uming).
CJK_FONT_FAMILIES = (
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "WenQuanYi Zen Hei",
    "AR PL UMing CN",
    "SimSun",
)
EXIT_OK = 0
EXIT_DATABASE_IN_USE = 2
EXIT_DATABASE_NOT_OPENED = 3
FIRST_PAINT_FALLBACK_MS = 1000


class UiLanguage(enum.Enum):
    """The language of the user interface: Chinese (the source strings) or English."""

    CHINESE = "zh"
    ENGLISH = "en"


def choose_ui_language(
    environ: Mapping[str, str], system_ui_languages: Iterable[str]
) -> UiLanguage:
    """Chinese unless asked for English: DENGJI_LANG=en, or an English system UI language.

    The C/POSIX locale of servers and test machines counts as no preference, so Chinese.
    """
    explicit = environ.get("DENGJI_LANG", "").strip().lower()
    if explicit:
        return UiLanguage.ENGLISH if explicit.startswith("en") else UiLanguage.CHINESE
    for language in system_ui_languages:
        if language in ("C", "POSIX"):
            continue
        return UiLanguage.ENGLISH if language.lower().startswith("en") else UiLanguage.CHINESE
    return UiLanguage.CHINESE


def pick_cjk_font_family(available: Iterable[str]) -> str | None:
    """The first family of CJK_FONT_FAMILIES that is installed, or None."""
    installed = set(available)
    return next((family for family in CJK_FONT_FAMILIES if family in installed), None)


def seconds_since_process_start() -> float:
    """Wall time since this process started (Linux: /proc; Windows: GetProcessTimes; elsewhere
    since this module was imported)."""
    if sys.platform == "win32":
        return _seconds_since_windows_process_start()
    try:
        with open("/proc/self/stat", encoding="ascii") as stat_file:
            fields = stat_file.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as uptime_file:
            uptime = float(uptime_file.read().split()[0])
        # Field 22 of /proc/<pid>/stat is the start time in clock ticks after boot; after the
        # ")" that closes the command name the fields start at number 3.
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return max(0.0, uptime - started)
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _MODULE_LOADED_AT


def _seconds_since_windows_process_start() -> float:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
    times = [wintypes.FILETIME() for _ in range(4)]  # creation, exit, kernel, user
    if not kernel32.GetProcessTimes(kernel32.GetCurrentProcess(), *map(ctypes.byref, times)):
        return time.perf_counter() - _MODULE_LOADED_AT
    created = times[0].dwHighDateTime << 32 | times[0].dwLowDateTime  # 100 ns since 1601
    unix_epoch_in_filetime = 116444736000000000
    return max(0.0, time.time() - (created - unix_epoch_in_filetime) / 1e7)


def create_application(argv: list[str] | None = None) -> tuple[QApplication, UiLanguage]:
    """The QApplication (reused if one exists), set up with names, style, CJK font, language."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    app.setApplicationName("dengji")
    app.setApplicationDisplayName(QCoreApplication.translate("App", "失业登记"))
    app.setOrganizationName("gansu-pes")
    app.setOrganizationDomain("dengji.gansu-pes")
    app.setStyle("Fusion")
    family = pick_cjk_font_family(QFontDatabase.families())
    if family is not None:
        font = QFont(family)
        font.setPointSize(max(10, app.font().pointSize()))
        app.setFont(font)
    language = choose_ui_language(os.environ, QLocale.system().uiLanguages())
    install_translators(app, language)
    return app, language


def install_translators(app: QApplication, language: UiLanguage) -> list[QTranslator]:
    """Set the default locale and load translations: ours for English, Qt's own for Chinese
    (so standard buttons read 确定/取消). Returns the translators installed."""
    translators: list[QTranslator] = []
    if language is UiLanguage.ENGLISH:
        QLocale.setDefault(QLocale("en_US"))
        ours = QTranslator(app)
        if ours.load(str(I18N_DIR / "dengji_en.qm")):
            translators.append(ours)
    else:
        QLocale.setDefault(QLocale("zh_CN"))
        qt_own = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load("qtbase_zh_CN", qt_dir):
            translators.append(qt_own)
    for translator in translators:
        app.installTranslator(translator)
    return translators


# -- opening the store ----------------------------------------------------------------------


class StoreProblemKind(enum.Enum):
    """Why the store could not be opened, which decides what the clerk may do next."""

    IN_USE = "in_use"
    CORRUPT = "corrupt"
    OTHER = "other"


class StoreChoice(enum.Enum):
    """The clerk's answer to a store problem."""

    QUIT = "quit"
    START_EMPTY = "start_empty"


@dataclass(frozen=True)
class StoreProblem:
    """A failure to open the store, in the words and with the choices shown to the clerk."""

    kind: StoreProblemKind
    message: str
    choices: tuple[StoreChoice, ...]
    exit_code: int
    kept_aside: Path | None = None


def describe_store_problem(error: BaseException) -> StoreProblem:
    """What to tell the clerk about a failure of open_store, and what they may choose."""
    from desktop.store.errors import CorruptDatabaseError, DatabaseInUseError

    if isinstance(error, DatabaseInUseError):
        message = QCoreApplication.translate(
            "App", "{reason}\n\n请先关闭另一个窗口，再重新启动本程序。"
        ).format(reason=error.message)
        return StoreProblem(
            StoreProblemKind.IN_USE, message, (StoreChoice.QUIT,), EXIT_DATABASE_IN_USE
        )
    if isinstance(error, CorruptDatabaseError):
        message = QCoreApplication.translate(
            "App",
            "{reason}\n\n损坏的文件已保留在：\n{kept_aside}\n请交技术人员处理，切勿删除。\n\n"
            "可以新建一个空数据库继续办理业务（尚未上传到中心的记录留在损坏的文件中），"
            "或退出程序。",
        ).format(reason=error.message, kept_aside=error.kept_aside)
        return StoreProblem(
            StoreProblemKind.CORRUPT,
            message,
            (StoreChoice.START_EMPTY, StoreChoice.QUIT),
            EXIT_DATABASE_NOT_OPENED,
            kept_aside=error.kept_aside,
        )
    reason = getattr(error, "message", None) or str(error)
    message = QCoreApplication.translate("App", "无法打开本地数据库：{reason}").format(
        reason=reason
    )
    return StoreProblem(
        StoreProblemKind.OTHER, message, (StoreChoice.QUIT,), EXIT_DATABASE_NOT_OPENED
    )


class StoreOpener(QObject):
    """Opens the local database on the database thread, after the window is shown.

    On failure it asks the clerk (`ask`, a modal dialog in the GUI, a function in tests) and
    acts on the answer: a corrupt file was renamed aside by open_store, so "start an empty
    database" simply opens the same path again — once.
    """

    sig_store_opened = Signal(object)
    """The database is open; the argument is the desktop.store.db.Store."""

    sig_store_not_opened = Signal(int)
    """The database could not be opened and the clerk was told; the argument is the exit code."""

    def __init__(
        self,
        path: Path,
        ask: Callable[[StoreProblem], StoreChoice],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = path
        self._ask = ask
        self._retried = False
        self._started = False
        # Set on the database thread the moment the store is open, so shutdown can close it even
        # if the event loop ended before the result was delivered.
        self.opened_store: Store | None = None
        self.problems: list[StoreProblem] = []

    def start(self) -> None:
        """Begin opening (idempotent); the outcome arrives by signal."""
        if self._started:
            return
        self._started = True
        self._submit()

    def _submit(self) -> None:
        from desktop.ui.background import run_db

        run_db(self._open_on_database_thread).on_success(self._on_opened).on_error(self._on_failed)

    def _open_on_database_thread(self) -> Store:
        from desktop.store.db import open_store

        store = open_store(self._path)
        self.opened_store = store
        # Warm what the first search shows while the clerk is still looking at the window.
        import desktop.domain.codes
        import desktop.domain.idnumbers
        import desktop.domain.regions  # noqa: F401

        return store

    def _on_opened(self, store: Store) -> None:
        self.sig_store_opened.emit(store)

    def _on_failed(self, error: BaseException) -> None:
        _log.warning("本地数据库未能打开：%s", self._path, exc_info=error)
        problem = describe_store_problem(error)
        if self._retried:
            # The fresh database failed too: nothing left to offer but quitting.
            problem = StoreProblem(
                problem.kind, problem.message, (StoreChoice.QUIT,), problem.exit_code
            )
        self.problems.append(problem)
        choice = self._ask(problem)
        if choice is StoreChoice.START_EMPTY and StoreChoice.START_EMPTY in problem.choices:
            self._retried = True
            self._submit()
        else:
            self.sig_store_not_opened.emit(problem.exit_code)


def build_store_problem_dialog(problem: StoreProblem, parent: QWidget | None = None) -> QMessageBox:
    """The message box for a store problem; each choice is a button carrying it as a property."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("App", "无法打开数据库"))
    box.setText(problem.message)
    labels = {
        StoreChoice.START_EMPTY: (
            QCoreApplication.translate("App", "新建空数据库"),
            QMessageBox.ButtonRole.AcceptRole,
        ),
        StoreChoice.QUIT: (
            QCoreApplication.translate("App", "退出"),
            QMessageBox.ButtonRole.RejectRole,
        ),
    }
    for choice in problem.choices:
        label, role = labels[choice]
        button = box.addButton(label, role)
        button.setProperty("storeChoice", choice.value)
        if choice is problem.choices[0]:
            box.setDefaultButton(button)
    return box


def ask_with_dialog(problem: StoreProblem, parent: QWidget | None = None) -> StoreChoice:
    """Show the store problem modally and return the clerk's choice (closing = quit)."""
    box = build_store_problem_dialog(problem, parent)
    box.exec()
    clicked = box.clickedButton()
    value = clicked.property("storeChoice") if clicked is not None else None
    return StoreChoice(value) if value else StoreChoice.QUIT


# -- card readers ---------------------------------------------------------------------------


def reader_configs_from_settings(settings: Iterable[ReaderSetting]) -> list[ReaderConfig]:
    """The registry's ReaderConfig for each reader of the deployment configuration (the two
    share one vocabulary: drivers mps, sdtapi, termb, pcsc with port, library, name)."""
    from devices.registry import ReaderConfig

    return [
        ReaderConfig(
            driver=setting.driver,
            port=setting.port.strip(),
            library=setting.library.strip(),
            name=setting.name.strip(),
            timeout_s=setting.timeout_s,
        )
        for setting in settings
    ]


def uses_demo_devices(config: Config) -> bool:
    """Demo mode with no reader configured: the emulated readers stand in (what `make run`
    shows a newcomer)."""
    return config.demo and not config.readers


def start_reader_monitor(
    config: Config,
    status_bar: DengjiStatusBar,
    reader_configs: Sequence[ReaderConfig] | None = None,
) -> ReaderMonitor | None:
    """Start polling the readers (`reader_configs`, else the configured ones) on their own
    thread, reported in the status bar.

    None (and 读卡器：未配置) when no reader is configured; the reasons in the status bar when
    none of them can work on this machine.
    """
    configs = (
        list(reader_configs)
        if reader_configs is not None
        else reader_configs_from_settings(config.readers)
    )
    if not configs:
        status_bar.show_reader_not_configured()
        return None
    from devices.monitor import ReaderMonitor
    from devices.registry import build_readers

    readers, problems = build_readers(configs)
    if not readers:
        status_bar.show_reader_problems(problems)
        return None
    monitor = ReaderMonitor(readers, poll_interval_s=config.reader_poll_interval_ms / 1000)
    status_bar.attach_reader_monitor(monitor)
    if problems:
        status_bar.showMessage("；".join(problems))
    monitor.start()
    return monitor


class CardReaders(QObject):
    """The client's card readers: one ReaderMonitor on its own thread, the demo devices in demo
    mode, and their report in the status bar. The GUI thread never waits on a device: cards
    arrive by queued signal, device work of the settings page runs on the reader thread.

    `apply_config` replaces the monitor when the settings are saved: the old one closes its
    readers on its thread first (`sig_monitor_stopped`), then the new one opens them.
    """

    sig_card_read = Signal(object)
    """A card was read (on the GUI thread); the argument is the devices.card.CardData. A 3.0
    社保卡 read just before has its number added (devices.monitor.sig_card_partial)."""

    sig_card_removed = Signal()
    """The card read last left the reader (or, on MPS readers, is done being read)."""

    sig_monitor_changed = Signal(object)
    """A new ReaderMonitor runs (argument), or None: no reader is polled now."""

    sig_demo_devices_ready = Signal(object)
    """Demo mode: the emulated readers run; the argument is desktop.ui.demo_devices.DemoDevices."""

    def __init__(
        self,
        status_bar: DengjiStatusBar,
        parent: QObject | None = None,
        *,
        demo_rig_factory: Callable[[], DemoRig] | None = None,
    ) -> None:
        super().__init__(parent)
        self._status_bar = status_bar
        self._demo_rig_factory = demo_rig_factory
        self._config: Config | None = None
        self._monitor: ReaderMonitor | None = None
        self._stopping_monitors: list[ReaderMonitor] = []
        self._waiting_config: Config | None = None  # applied once the old monitor has stopped
        self._demo: DemoDevices | None = None
        self.last_card: CardData | None = None

    @property
    def monitor(self) -> ReaderMonitor | None:
        """The running monitor, if any."""
        return self._monitor

    @property
    def demo_devices(self) -> DemoDevices | None:
        """The demo devices while demo mode uses them."""
        return self._demo

    def start(self, config: Config) -> None:
        """Start reading with `config`'s readers (or the demo devices): returns at once."""
        self._config = config
        if uses_demo_devices(config):
            self._start_demo_devices()
            return
        self._stop_demo_devices()
        self._set_monitor(start_reader_monitor(config, self._status_bar))

    def apply_config(self, config: Config) -> None:
        """Use `config`'s readers from now on (after 保存 on the settings page)."""
        if self._monitor is None and not self._stopping_monitors:
            self.start(config)
            return
        # Started once the old readers are closed: a serial port opens for one owner at a time.
        self._waiting_config = config
        self._request_monitor_stop()

    def stop(self, timeout_ms: int = 5000) -> None:
        """At exit: close every reader and stop the demo devices (waits for the reader thread)."""
        self._waiting_config = None
        for monitor in [*self._stopping_monitors, self._monitor]:
            if monitor is not None:
                self._status_bar.detach_reader_monitor()
                monitor.stop(timeout_ms)
        self._stopping_monitors.clear()
        self._monitor = None
        if self._demo is not None:
            self._demo.stop()
            self._demo = None

    @Slot()
    def read_now(self) -> None:
        """F2 读卡: show the card read last again, and poll the readers at once."""
        if self.last_card is not None:
            self.sig_card_read.emit(self.last_card)
        if self._monitor is not None:
            self._monitor.poll_now()
            if self.last_card is None:
                self._status_bar.showMessage(self.tr("请将证件放在阅读器上"), 5000)
        elif self._config is not None and self._config.readers:
            self._status_bar.showMessage(self.tr("读卡器不可用，请在设置页检查阅读器设置"), 5000)
        else:
            self._status_bar.showMessage(self.tr("未配置读卡器，请在设置页添加阅读器"), 5000)

    def run_device_job(self, fn: Callable[[], Any]) -> Any:
        """Run device work (读卡测试, probing ports) off the GUI thread: on the reader thread with
        the monitor's readers closed meanwhile, or on the background pool when no monitor runs.
        Returns the job; chain `.on_success(cb).on_error(cb)` (callbacks on the GUI thread)."""
        if self._monitor is not None and self._monitor.accepts_jobs():
            return self._monitor.run_exclusive(fn)
        from desktop.ui.background import run_in_background

        return run_in_background(fn)

    # -- monitor life cycle

    def _set_monitor(self, monitor: ReaderMonitor | None) -> None:
        self._monitor = monitor
        if monitor is not None:
            monitor.sig_card_read.connect(self._on_card_read)
            monitor.sig_card_removed.connect(self._on_card_removed)
            monitor.sig_monitor_stopped.connect(self._on_monitor_stopped)
        self.sig_monitor_changed.emit(monitor)

    def _request_monitor_stop(self) -> None:
        monitor, self._monitor = self._monitor, None
        if monitor is None:
            return
        self._status_bar.detach_reader_monitor()
        self._stopping_monitors.append(monitor)
        monitor.request_stop()

    @Slot()
    def _on_monitor_stopped(self) -> None:
        # The readers are closed; the thread is ending now (no device I/O is left to wait for).
        for monitor in list(self._stopping_monitors):
            if monitor.stop(1000):
                self._stopping_monitors.remove(monitor)
        config, self._waiting_config = self._waiting_config, None
        if config is not None and not self._stopping_monitors:
            self.sig_monitor_changed.emit(None)
            self.start(config)

    @Slot(object)
    def _on_card_read(self, card: CardData) -> None:
        self.last_card = card
        self.sig_card_read.emit(card)

    @Slot()
    def _on_card_removed(self) -> None:
        self.sig_card_removed.emit()

    # -- demo devices

    def _start_demo_devices(self) -> None:
        if self._demo is not None:
            if self._demo.ready:
                self._on_demo_ready(self._demo)
            return
        from desktop.ui.demo_devices import DemoDevices

        rig = self._demo_rig_factory() if self._demo_rig_factory is not None else None
        self._demo = DemoDevices(self, rig=rig)
        self._demo.sig_demo_ready.connect(self._on_demo_ready)
        self._demo.sig_demo_failed.connect(self._on_demo_failed)
        self._status_bar.show_reader_message(self.tr("读卡器：正在启动演示设备……"))
        self._demo.start()

    def _stop_demo_devices(self) -> None:
        demo, self._demo = self._demo, None
        if demo is not None:
            demo.stop_in_background()

    @Slot(object)
    def _on_demo_ready(self, demo: DemoDevices) -> None:
        if demo is not self._demo or self._config is None or self._monitor is not None:
            return
        if demo.ss_unavailable_reason:
            self._status_bar.show_notice_once(
                "ssc-demo",
                self.tr("社保卡演示不可用：{reason}").format(reason=demo.ss_unavailable_reason),
            )
        self._set_monitor(
            start_reader_monitor(self._config, self._status_bar, demo.reader_configs())
        )
        self.sig_demo_devices_ready.emit(demo)

    @Slot(str)
    def _on_demo_failed(self, reason: str) -> None:
        self._status_bar.show_reader_problems([reason])
        self._status_bar.showMessage(
            self.tr("演示读卡器未能启动：{reason}").format(reason=reason), 30_000
        )


def show_card_on_search_page(window: MainWindow, card: CardData) -> None:
    """A card was read: on the 受理登记 page it fills the registration form; elsewhere the 查询
    page looks the person up (switching to it unless the clerk is in the settings, e.g.
    testing a reader)."""
    if window.current_page_key() == "apply":
        window.apply_page().show_card(card)
        return
    if window.current_page_key() != "settings":
        window.show_page("search")
    window.search_page().show_card(card)


def install_card_readers(
    window: MainWindow,
    config: Config,
    *,
    demo_rig_factory: Callable[[], DemoRig] | None = None,
) -> CardReaders:
    """Create the client's CardReaders, wire them to the window (status bar, 查询 page, 设置
    page, F2, the 演示 menu) and start them; returns at once. `demo_rig_factory` makes the
    emulated readers of demo mode (default: devices.emulators.demo_rig.DemoRig())."""
    card_readers = CardReaders(window.status_bar(), window, demo_rig_factory=demo_rig_factory)
    card_readers.sig_card_read.connect(partial(show_card_on_search_page, window))
    read_action = QAction(QCoreApplication.translate("App", "读卡"), window)
    read_action.setObjectName("readCardAction")
    read_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
    read_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    read_action.triggered.connect(card_readers.read_now)
    window.addAction(read_action)
    settings_page = window.settings_page()
    settings_page.set_device_runner(card_readers.run_device_job)
    settings_page.sig_settings_saved.connect(card_readers.apply_config)
    card_readers.sig_demo_devices_ready.connect(lambda demo: demo.install_menu(window, read_action))
    card_readers.start(config)
    return card_readers


# -- start-up -------------------------------------------------------------------------------


class FirstPaintWatcher(QObject):
    """Calls back once the watched window has been exposed and painted for the first time."""

    def __init__(self, window: QWidget, on_painted: Callable[[], None]) -> None:
        super().__init__(window)
        self._on_painted = on_painted
        self._fired = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._fired and event.type() == QEvent.Type.Paint:
            self._fired = True
            watched.removeEventFilter(self)
            # Queued, so the whole first repaint (children included) has been processed.
            QTimer.singleShot(0, self._on_painted)
        return False


def run_gui(
    config: Config, *, store_path: Path | None = None, argv: list[str] | None = None
) -> int:
    """Run the counter client until its window closes; returns the process exit code
    (0, or EXIT_DATABASE_IN_USE / EXIT_DATABASE_NOT_OPENED when the database cannot be used).

    The window is shown first; the database is opened on the database thread once the window
    has been painted, then the pages get it. With DENGJI_EXIT_AFTER_SHOWN=1 it prints
    "shown <seconds since process start>" after the first paint and "ready <seconds>" once the
    database is open and searchable, then quits (bench/bench_startup.py).
    """
    app, _language = create_application(argv)
    from desktop.ui.background import wait_for_background_work
    from desktop.ui.main_window import MainWindow

    window = MainWindow(config)
    from desktop.ui.idle_lock import CounterLock

    # Covered until a clerk signs in; locks again after 10 idle minutes (issue 8).
    counter_lock = CounterLock(window, config)
    counter_lock.sig_sign_in_cancelled.connect(app.quit)
    available = window.screen().availableGeometry()
    window.resize(min(1366, available.width()), min(768, available.height()))
    opener = StoreOpener(
        store_path or config.database_path, partial(ask_with_dialog, parent=window)
    )
    card_readers: list[CardReaders] = []
    exit_after_shown = os.environ.get("DENGJI_EXIT_AFTER_SHOWN") == "1"

    def on_first_paint() -> None:
        if exit_after_shown:
            print(f"shown {seconds_since_process_start():.3f}", flush=True)
        opener.start()

    def on_store_opened(store: Store) -> None:
        window.set_store(store)
        if exit_after_shown:
            print(f"ready {seconds_since_process_start():.3f}", flush=True)
            app.quit()
            return
        window.start_background_loading()
        card_readers.append(install_card_readers(window, config))
        counter_lock.start(store)
        from desktop.ui.pages.audit_page import check_journal_at_start

        check_journal_at_start(window, store)

    opener.sig_store_opened.connect(on_store_opened)
    opener.sig_store_not_opened.connect(app.exit)
    FirstPaintWatcher(window, on_first_paint)
    # Should no paint ever come (a window started minimised), open the database anyway.
    QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, opener.start)
    window.show()
    try:
        return app.exec()
    finally:
        for readers in card_readers:
            readers.stop()
        wait_for_background_work()
        if opener.opened_store is not None:
            opener.opened_store.close()
