"""The main window: navigation between the counter's work areas, the pages, the status bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QWidget,
)

from desktop.ui.background import run_db
from desktop.ui.pages.planned_page import PlannedPage
from desktop.ui.pages.search_page import SearchPage
from desktop.ui.status_bar import DengjiStatusBar

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.store.db import Store


@dataclass(frozen=True)
class WorkArea:
    """One entry of the navigation: its key, Chinese title, icon and (if not built) purpose."""

    key: str
    title: str
    icon: QStyle.StandardPixmap
    purpose: str | None  # None: the page is built; else what the page will be for


def work_areas() -> list[WorkArea]:
    """The counter's work areas in navigation order; Ctrl+1 … Ctrl+8 follow this order."""
    pixmap = QStyle.StandardPixmap
    return [
        WorkArea(
            "search",
            QCoreApplication.translate("MainWindow", "查询"),
            pixmap.SP_FileDialogContentsView,
            None,
        ),
        WorkArea(
            "apply",
            QCoreApplication.translate("MainWindow", "受理登记"),
            pixmap.SP_FileDialogNewFolder,
            QCoreApplication.translate(
                "MainWindow",
                "本页将用于受理失业登记：读取身份证或社会保障卡，填写《失业人员登记表》，"
                "打印书面承诺，核实后在规定的工作日内办结登记（通知第三条），尚未开放。",
            ),
        ),
        WorkArea(
            "todo",
            QCoreApplication.translate("MainWindow", "待办"),
            pixmap.SP_FileDialogDetailedView,
            QCoreApplication.translate(
                "MainWindow",
                "本页将用于列出待办事项：待核实的申请及其办结期限、登记后待联系的人员、"
                "本月应联系的人员，尚未开放。",
            ),
        ),
        WorkArea(
            "service",
            QCoreApplication.translate("MainWindow", "服务跟踪"),
            pixmap.SP_DialogHelpButton,
            QCoreApplication.translate(
                "MainWindow",
                "本页将用于记录职业指导、职业介绍、培训项目推荐等服务和每月联系情况，"
                "并跟踪就业困难人员的援助，尚未开放。",
            ),
        ),
        WorkArea(
            "deregister",
            QCoreApplication.translate("MainWindow", "注销"),
            pixmap.SP_DialogCancelButton,
            QCoreApplication.translate(
                "MainWindow",
                "本页将用于办理失业登记注销：选择注销情形，打印注销告知，"
                "并列出连续6个月无法取得联系等应注销的人员，尚未开放。",
            ),
        ),
        WorkArea(
            "statistics",
            QCoreApplication.translate("MainWindow", "统计"),
            pixmap.SP_FileDialogInfoView,
            QCoreApplication.translate(
                "MainWindow",
                "本页将用于统计登记失业人数、新增登记、注销和就业困难人员等数据，"
                "并生成月度报表，尚未开放。",
            ),
        ),
        WorkArea(
            "lists",
            QCoreApplication.translate("MainWindow", "清单"),
            pixmap.SP_FileIcon,
            QCoreApplication.translate(
                "MainWindow",
                "本页将用于查看和打印政策清单、服务清单和公共就业服务机构清单"
                "（通知第四条），尚未开放。",
            ),
        ),
        WorkArea(
            "settings",
            QCoreApplication.translate("MainWindow", "设置"),
            pixmap.SP_ComputerIcon,
            QCoreApplication.translate(
                "MainWindow", "本页将用于设置读卡器、打印机和中心数据库连接，尚未开放。"
            ),
        ),
    ]


def count_events_waiting(store: Store) -> int:
    """Run on the database thread: journal events not yet pushed to the central database.

    (No store query offers this yet; it is one indexed count, ix_journal_pending_push.)
    """
    from sqlalchemy import func, select

    from desktop.store.models import Event

    with store.session(write=False) as session:
        waiting = session.scalar(
            select(func.count()).select_from(Event).where(Event.pushed.is_(False))
        )
    return int(waiting or 0)


class MainWindow(QMainWindow):
    """Navigation on the left, the current work area on the right, status at the bottom."""

    sig_page_changed = Signal(str)
    """The visible work area changed; the argument is its key ("search", "apply", …)."""

    sig_background_loading_finished = Signal()
    """The non-essential start-up loading (status counts) is done, whatever its outcome."""

    def __init__(
        self, config: Config, store: Store | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._store = store
        self._areas = work_areas()
        self.setWindowTitle(
            self.tr("失业登记 — {counter}").format(counter=config.counter_name or config.counter_id)
        )

        self._navigation = QListWidget(self)
        self._navigation.setObjectName("navigation")
        self._navigation.setIconSize(QSize(24, 24))
        self._navigation.setSpacing(2)
        self._navigation.setUniformItemSizes(True)
        self._navigation.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pages = QStackedWidget(self)
        self._pages.setObjectName("pages")
        self._search_page = SearchPage(store, self)
        self._page_by_key: dict[str, QWidget] = {}
        for number, area in enumerate(self._areas, start=1):
            item = QListWidgetItem(self.style().standardIcon(area.icon), area.title)
            item.setToolTip(f"{area.title}（Ctrl+{number}）")
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setSizeHint(QSize(0, 40))
            self._navigation.addItem(item)
            page: QWidget = (
                self._search_page if area.purpose is None else PlannedPage(area.title, area.purpose)
            )
            page.setObjectName(f"page_{area.key}")
            self._page_by_key[area.key] = page
            self._pages.addWidget(page)
        self._navigation.setFixedWidth(self._navigation_width())
        self._navigation.currentRowChanged.connect(self._on_navigation_row_changed)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._navigation)
        layout.addWidget(self._pages, 1)
        self.setCentralWidget(central)

        self._status_bar = DengjiStatusBar(config.counter_name, demo=config.demo, parent=self)
        self.setStatusBar(self._status_bar)
        if config.central_url:
            self._status_bar.set_sync_state(self.tr("离线（尚未连接中心数据库）"))

        self._install_shortcuts()
        self._navigation.setCurrentRow(0)

    def _navigation_width(self) -> int:
        metrics = self._navigation.fontMetrics()
        widest = max(metrics.horizontalAdvance(area.title) for area in self._areas)
        return widest + self._navigation.iconSize().width() + 48

    def _install_shortcuts(self) -> None:
        for number, area in enumerate(self._areas, start=1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(self._page_switcher(area.key))
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.focus_search)

    def _page_switcher(self, key: str) -> Callable[[], None]:
        def switch() -> None:
            self.show_page(key)

        return switch

    # -- public API -----------------------------------------------------------------------

    def status_bar(self) -> DengjiStatusBar:
        """The status bar with its permanent sections."""
        return self._status_bar

    def search_page(self) -> SearchPage:
        """The 查询 page."""
        return self._search_page

    def page_keys(self) -> list[str]:
        """The work areas' keys in navigation order."""
        return [area.key for area in self._areas]

    def current_page_key(self) -> str:
        """The key of the visible work area."""
        return self._areas[self._pages.currentIndex()].key

    def page(self, key: str) -> QWidget:
        """The page widget of a work area."""
        return self._page_by_key[key]

    def show_page(self, key: str) -> None:
        """Make a work area visible (as if picked in the navigation)."""
        self._navigation.setCurrentRow(self.page_keys().index(key))

    @Slot()
    def focus_search(self) -> None:
        """Ctrl+F: go to 查询 and put the cursor in the search field."""
        self.show_page("search")
        self._search_page.focus_search_field()

    def set_store(self, store: Store) -> None:
        """The local database has been opened (after the window was shown): pages may use it."""
        self._store = store
        self._search_page.set_store(store)

    def start_background_loading(self) -> None:
        """After the window is shown: load what the status bar counts, off the GUI thread."""
        if self._store is None:
            return
        run_db(count_events_waiting, self._store).on_success(self._on_events_counted).on_error(
            self._on_events_count_failed
        )

    # -- slots ----------------------------------------------------------------------------

    @Slot(int)
    def _on_navigation_row_changed(self, row: int) -> None:
        if row < 0:
            return
        self._pages.setCurrentIndex(row)
        self.sig_page_changed.emit(self._areas[row].key)

    def _on_events_counted(self, count: int) -> None:
        self._status_bar.set_events_waiting(count)
        self.sig_background_loading_finished.emit()

    def _on_events_count_failed(self, error: BaseException) -> None:
        self._status_bar.set_events_waiting(None)
        self._status_bar.showMessage(
            self.tr("无法统计待上传事件：{reason}").format(
                reason=getattr(error, "message", None) or str(error)
            )
        )
        self.sig_background_loading_finished.emit()
