"""The main window: navigation between the counter's work areas, the pages, the status bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db
from desktop.ui.clerk_session import clerk_session
from desktop.ui.pages.search_page import SearchPage
from desktop.ui.scanner import CommitmentScanner
from desktop.ui.status_bar import DengjiStatusBar

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.store.db import Store
    from desktop.ui.document_dialog import DocumentDialog
    from desktop.ui.pages.apply_page import ApplyPage
    from desktop.ui.pages.audit_page import AuditPage
    from desktop.ui.pages.followup_page import DeregistrationPage, FollowupPage
    from desktop.ui.pages.lists_page import ListsPage
    from desktop.ui.pages.person_page import PersonRecordDialog
    from desktop.ui.pages.settings_page import SettingsPage
    from desktop.ui.pages.todo_page import TodoPage
    from desktop.ui.sync_controller import SyncController

# Pages built after the first paint: their modules import the use cases (SQLAlchemy,
# reportlab), which would otherwise double the time to a shown window (issue 2: at most 2×
# a bare window). Each is built at the latest when it is first shown or asked for.
DEFERRED_PAGES: tuple[str, ...] = (
    "apply",
    "todo",
    "service",
    "deregister",
    "statistics",
    "lists",
    "settings",
    "audit",
    "conflicts",
)


class _PageSlot(QWidget):
    """Holds a deferred page's place in the stack until the page is built."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)


@dataclass(frozen=True)
class WorkArea:
    """One entry of the navigation: its key, Chinese title and icon."""

    key: str
    title: str
    icon: QStyle.StandardPixmap


def work_areas() -> list[WorkArea]:
    """The counter's work areas in navigation order; Ctrl+1 … Ctrl+9, Ctrl+0 follow it."""
    pixmap = QStyle.StandardPixmap
    return [
        WorkArea(
            "search",
            QCoreApplication.translate("MainWindow", "查询"),
            pixmap.SP_FileDialogContentsView,
        ),
        WorkArea(
            "apply",
            QCoreApplication.translate("MainWindow", "受理登记"),
            pixmap.SP_FileDialogNewFolder,
        ),
        WorkArea(
            "todo",
            QCoreApplication.translate("MainWindow", "待办"),
            pixmap.SP_FileDialogDetailedView,
        ),
        WorkArea(
            "service",
            QCoreApplication.translate("MainWindow", "服务跟踪"),
            pixmap.SP_DialogHelpButton,
        ),
        WorkArea(
            "deregister",
            QCoreApplication.translate("MainWindow", "注销"),
            pixmap.SP_DialogCancelButton,
        ),
        WorkArea(
            "statistics",
            QCoreApplication.translate("MainWindow", "统计"),
            pixmap.SP_FileDialogInfoView,
        ),
        WorkArea(
            "lists",
            QCoreApplication.translate("MainWindow", "清单"),
            pixmap.SP_FileIcon,
        ),
        WorkArea(
            "settings",
            QCoreApplication.translate("MainWindow", "设置"),
            pixmap.SP_ComputerIcon,
        ),
        # Shown in the navigation only to a 管理员 (issue 8); the service refuses anyone else.
        WorkArea(
            "audit",
            QCoreApplication.translate("MainWindow", "审计"),
            pixmap.SP_FileDialogListView,
        ),
        # Registrations on which counters' events clashed (issue 7); shown to a 审核 clerk.
        WorkArea(
            "conflicts",
            QCoreApplication.translate("MainWindow", "冲突复核"),
            pixmap.SP_MessageBoxWarning,
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

    sig_document_dialog_opened = Signal(object)
    """打印/预览 opened a DocumentDialog (the argument), already showing."""

    sig_background_loading_finished = Signal()
    """The non-essential start-up loading (status counts) is done, whatever its outcome."""

    sig_person_record_opened = Signal(object)
    """A person's record opened (the argument: desktop.ui.pages.person_page.PersonRecordDialog),
    already showing."""

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
        self._sync: SyncController | None = None
        self._search_page = SearchPage(store, self)
        self._built_pages: dict[str, QWidget] = {"search": self._search_page}
        self._page_by_key: dict[str, QWidget] = {}
        for number, area in enumerate(self._areas, start=1):
            item = QListWidgetItem(self.style().standardIcon(area.icon), area.title)
            item.setToolTip(f"{area.title}（Ctrl+{number % 10}）")
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setSizeHint(QSize(0, 40))
            self._navigation.addItem(item)
            page = self._built_pages.get(area.key) or _PageSlot(self)
            page.setObjectName(f"page_{area.key}")
            self._page_by_key[area.key] = page
            self._pages.addWidget(page)
        self._navigation.setFixedWidth(self._navigation_width())
        self._navigation.currentRowChanged.connect(self._on_navigation_row_changed)
        clerk_session().sig_clerk_changed.connect(self._on_clerk_changed)
        self._on_clerk_changed(clerk_session().clerk)

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

        self._search_page.sig_document_requested.connect(self.open_document_dialog)
        self._search_page.sig_person_open_requested.connect(self.open_person_record)
        self._person_dialogs: dict[str, PersonRecordDialog] = {}
        self._commitment_scanner = CommitmentScanner(self, config)
        if store is not None:
            self._commitment_scanner.set_store(store)

        self._install_shortcuts()
        self._navigation.setCurrentRow(0)

    def _navigation_width(self) -> int:
        metrics = self._navigation.fontMetrics()
        widest = max(metrics.horizontalAdvance(area.title) for area in self._areas)
        return widest + self._navigation.iconSize().width() + 48

    def _install_shortcuts(self) -> None:
        for number, area in enumerate(self._areas, start=1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number % 10}"), self)  # the 10th: Ctrl+0
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

    def settings_page(self) -> SettingsPage:
        """The 设置 page."""
        return cast("SettingsPage", self._ensure_page("settings"))

    def search_page(self) -> SearchPage:
        """The 查询 page."""
        return self._search_page

    def apply_page(self) -> ApplyPage:
        """The 受理登记 page."""
        return cast("ApplyPage", self._ensure_page("apply"))

    def todo_page(self) -> TodoPage:
        """The 待办 page."""
        return cast("TodoPage", self._ensure_page("todo"))

    def lists_page(self) -> ListsPage:
        """The 清单 page."""
        return cast("ListsPage", self._ensure_page("lists"))

    def audit_page(self) -> AuditPage:
        """The 审计 page."""
        return cast("AuditPage", self._ensure_page("audit"))

    def followup_page(self) -> FollowupPage:
        """The 服务跟踪 page."""
        return cast("FollowupPage", self._ensure_page("service"))

    def deregistration_page(self) -> DeregistrationPage:
        """The 注销 page (the sweep's proposals to confirm)."""
        return cast("DeregistrationPage", self._ensure_page("deregister"))

    @Slot(str)
    def open_person_record(self, person_id: str) -> PersonRecordDialog | None:
        """Open (or bring forward) a person's record: from 查询, 待办 and 服务跟踪."""
        if self._store is None or not person_id:
            return None
        dialog = self._person_dialogs.get(person_id)
        if dialog is None:
            from desktop.ui.pages.person_page import PersonRecordDialog

            dialog = PersonRecordDialog(self._store, self._config, person_id, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.sig_changed.connect(self._on_person_changed)
            dialog.sig_dialog_opened.connect(self._on_person_dialog_opened)
            dialog.destroyed.connect(partial(self._forget_person_record, person_id))
            self._person_dialogs[person_id] = dialog
            dialog.show()
        else:  # open already (behind the window, or minimised): bring it forward
            dialog.showNormal()
            dialog.raise_()
            dialog.activateWindow()
        self.sig_person_record_opened.emit(dialog)
        return dialog

    def commitment_scanner(self) -> CommitmentScanner:
        """The barcode scanner catcher for signed commitment letters."""
        return self._commitment_scanner

    def open_document_dialog(
        self, document_name: str, person_id: str | None = None
    ) -> DocumentDialog | None:
        """Preview (and print) a document for a person's latest registration, or a list."""
        if self._store is None:
            return None
        from desktop.ui.document_dialog import DocumentDialog, counter_actor

        dialog = DocumentDialog(
            self._store,
            self._config,
            counter_actor(self._config),
            document_name,
            person_id=person_id,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.sig_document_dialog_opened.emit(dialog)
        return dialog

    def page_keys(self) -> list[str]:
        """The work areas' keys in navigation order."""
        return [area.key for area in self._areas]

    def current_page_key(self) -> str:
        """The key of the visible work area."""
        return self._areas[self._pages.currentIndex()].key

    def page(self, key: str) -> QWidget:
        """The page widget of a work area (a deferred page is built now if it was not yet)."""
        if key in DEFERRED_PAGES:
            return self._ensure_page(key)
        return self._page_by_key[key]

    def _ensure_page(self, key: str) -> QWidget:
        """The page of `key`, built into its slot on first use."""
        page = self._built_pages.get(key)
        if page is None:
            page = self._make_page(key)
            page.setObjectName(f"page_{key}")
            self._built_pages[key] = page
            slot = self._page_by_key[key]
            slot.setObjectName(f"slot_{key}")
            layout = slot.layout()
            assert layout is not None
            layout.addWidget(page)
        return page

    def _make_page(self, key: str) -> QWidget:
        config, store = self._config, self._store
        if key == "apply":
            from desktop.ui.pages.apply_page import ApplyPage

            apply_page = ApplyPage(config, store, self)
            apply_page.sig_existing_registration.connect(self._on_existing_registration)
            return apply_page
        if key == "todo":
            from desktop.ui.pages.todo_page import TodoPage

            todo_page = TodoPage(config, store, self)
            todo_page.sig_person_open_requested.connect(self.open_person_record)
            return todo_page
        if key == "service":
            from desktop.ui.pages.followup_page import FollowupPage

            followup_page = FollowupPage(config, store, self)
            followup_page.sig_person_open_requested.connect(self.open_person_record)
            return followup_page
        if key == "deregister":
            from desktop.ui.pages.followup_page import DeregistrationPage

            deregistration_page = DeregistrationPage(config, store, self)
            deregistration_page.sig_person_open_requested.connect(self.open_person_record)
            return deregistration_page
        if key == "statistics":
            from desktop.ui.pages.statistics_page import StatisticsPage

            return StatisticsPage(config, store, self)
        if key == "lists":
            from desktop.ui.pages.lists_page import ListsPage

            return ListsPage(config, store, self)
        if key == "settings":
            from desktop.ui.pages.settings_page import SettingsPage

            return SettingsPage(config, self)
        if key == "audit":
            from desktop.ui.pages.audit_page import AuditPage

            return AuditPage(config, store, self)
        if key == "conflicts":
            from desktop.ui.document_dialog import counter_actor
            from desktop.ui.pages.conflicts_page import ConflictsPage

            return ConflictsPage(
                config,
                store,
                self,
                actor_provider=lambda: counter_actor(config),
            )
        raise KeyError(key)

    def build_deferred_pages(self) -> None:
        """Build the pages left for after the first paint, one per turn of the event loop
        so the window stays responsive."""
        pending = [key for key in DEFERRED_PAGES if key not in self._built_pages]
        if pending:
            self._ensure_page(pending[0])
            QTimer.singleShot(0, self.build_deferred_pages)

    def show_page(self, key: str) -> None:
        """Make a work area visible (as if picked in the navigation)."""
        self._navigation.setCurrentRow(self.page_keys().index(key))

    @Slot(str, str)
    def _on_existing_registration(self, id_number: str, _registration_number: str) -> None:
        # The applicant is registered here already: open that record instead of a new one.
        self.show_page("search")
        self._search_page.open_person(id_number)

    @Slot()
    def focus_search(self) -> None:
        """Ctrl+F: go to 查询 and put the cursor in the search field."""
        self.show_page("search")
        self._search_page.focus_search_field()

    def set_store(self, store: Store) -> None:
        """The local database has been opened (after the window was shown): pages may use it."""
        self._store = store
        for page in self._built_pages.values():
            set_page_store = getattr(page, "set_store", None)
            if set_page_store is not None:
                set_page_store(store)
        self._commitment_scanner.set_store(store)
        self._start_sync(store)

    def _start_sync(self, store: Store) -> None:
        """Background sync with the central database, when this counter has one configured."""
        from desktop.domain.errors import DomainError
        from desktop.ui.sync_controller import SyncController

        if self._sync is not None:
            return
        try:
            self._sync = SyncController.from_config(store, self._config, parent=self)
        except DomainError as error:  # a wrong central address in the configuration file
            self._status_bar.set_sync_state(error.message)
            return
        if self._sync is not None:
            self._sync.sig_sync_state_changed.connect(self._status_bar.set_sync_state)
            self._sync.sig_events_waiting_changed.connect(self._status_bar.set_events_waiting)
            self._sync.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._sync is not None:
            self._sync.shutdown()
        super().closeEvent(event)

    def start_background_loading(self) -> None:
        """After the window is shown: build the deferred pages, and load what the status bar
        counts off the GUI thread."""
        QTimer.singleShot(0, self.build_deferred_pages)
        if self._store is None:
            return
        run_db(count_events_waiting, self._store).on_success(self._on_events_counted).on_error(
            self._on_events_count_failed
        )

    # -- slots ----------------------------------------------------------------------------

    @Slot(object)
    def _on_clerk_changed(self, clerk: object) -> None:
        may_audit = may_resolve = False
        if clerk is not None:  # nobody at start-up: the roles module is not needed yet
            from desktop.domain.roles import Permission, has_permission

            roles = getattr(clerk, "roles", ())
            may_audit = has_permission(roles, Permission.VIEW_AUDIT)
            may_resolve = has_permission(roles, Permission.RESOLVE_CONFLICT)
        for key, allowed in (("audit", may_audit), ("conflicts", may_resolve)):
            self._navigation.item(self.page_keys().index(key)).setHidden(not allowed)
            if not allowed and self.current_page_key() == key:
                self.show_page("search")

    @Slot(int)
    def _on_navigation_row_changed(self, row: int) -> None:
        if row < 0:
            return
        if self._areas[row].key in DEFERRED_PAGES:
            self._ensure_page(self._areas[row].key)
        self._pages.setCurrentIndex(row)
        self.sig_page_changed.emit(self._areas[row].key)

    def _forget_person_record(self, person_id: str, _destroyed: object = None) -> None:
        self._person_dialogs.pop(person_id, None)

    @Slot(str)
    def _on_person_changed(self, _person_id: str) -> None:
        # A contact or 注销 recorded from the record: the lists that show the person follow.
        from desktop.ui.pages.followup_page import DeregistrationPage, FollowupPage

        for key in ("service", "deregister"):
            page = self._built_pages.get(key)
            if isinstance(page, FollowupPage):
                page.contacts().refresh()
            elif isinstance(page, DeregistrationPage):
                page.proposals().refresh()

    @Slot(object)
    def _on_person_dialog_opened(self, dialog: object) -> None:
        from desktop.ui.document_dialog import DocumentDialog

        if isinstance(dialog, DocumentDialog):
            self.sig_document_dialog_opened.emit(dialog)

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
