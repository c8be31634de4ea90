"""The 待办 page: every application still to settle with its deadline (notice §3: 7 working days),
most urgent first and overdue in red — taken at this counter, online or by a delegated agency —
and each one opens the 核实 dialog.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db
from widgets.page_title import page_title
from widgets.row_table_model import Column, RowTableModel

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.services.verification import TodoItem
    from desktop.store.db import Store
    from desktop.ui.pages.apply_page import ActorProvider
    from desktop.ui.pages.verify_dialog import VerifyDialog

_OVERDUE = QColor("#c62828")
_OVERDUE_BACKGROUND = QColor("#ffebee")
_COLUMN_PADDING = 16
_DUE_SOON = QColor("#8d5a00")
_HINT_STYLE = "color: palette(mid); font-size: 11pt;"


def load_todo(store: Store, config: Config, today: dt.date) -> list[TodoItem]:
    """Run on the database thread: the pending applications, most urgent first."""
    from desktop.services.calendar import load_calendar
    from desktop.services.verification import todo_items

    with store.session() as session:  # folds home-visit events not folded yet
        return todo_items(session, today, load_calendar(session), config.region_code)


class TodoModel(RowTableModel["TodoItem"]):
    """The pending applications as table rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.set_columns(
            [
                Column(self.tr("办结期限"), self._due_text),
                Column(self.tr("剩余"), self._left_text),
                Column(self.tr("姓名"), lambda item: item.name),
                Column(self.tr("证件号码"), self._id_number_text),
                Column(self.tr("登记编号"), lambda item: item.number),
                Column(self.tr("渠道"), lambda item: item.channel_label),
                Column(
                    self.tr("受理日期"),
                    lambda item: item.applied_on.isoformat() if item.applied_on else "",
                ),
                Column(self.tr("下一步"), lambda item: item.next_step),
            ]
        )

    def set_items(self, items: list[TodoItem]) -> None:
        self.set_rows(items)

    def item_at(self, row: int) -> TodoItem | None:
        return self.row_at(row)

    def foreground(self, row: TodoItem) -> QColor | None:
        if row.overdue:
            return _OVERDUE
        if row.workdays_left is not None and row.workdays_left <= 1:
            return _DUE_SOON
        return None

    def background(self, row: TodoItem) -> QColor | None:
        return _OVERDUE_BACKGROUND if row.overdue else None

    def bold(self, row: TodoItem, column: int) -> bool:
        return row.overdue

    def tooltip(self, row: TodoItem, column: int) -> str | None:
        if not row.delegated_agency:
            return None
        return self.tr("受委托机构：{agency}").format(agency=row.delegated_agency)

    def _due_text(self, item: TodoItem) -> str:
        due = item.due_on.isoformat() if item.due_on else self.tr("不详")
        if item.due_provisional:
            return self.tr("{due}（暂定）").format(due=due)
        return due

    def _left_text(self, item: TodoItem) -> str:
        left = item.workdays_left
        if left is None:
            return ""
        if left < 0:
            return self.tr("逾期 {days} 天").format(days=-left)
        if left == 0:
            return self.tr("今天到期")
        return self.tr("{days} 个工作日").format(days=left)

    @staticmethod
    def _id_number_text(item: TodoItem) -> str:
        from desktop.domain.idnumbers import mask_id_number

        return mask_id_number(item.id_number) if item.id_number else ""


class TodoPage(QWidget):
    """Pending applications, most urgent first; Enter opens the 核实 dialog."""

    sig_todo_loaded = Signal(int)
    """The list is on screen; the argument is how many applications are pending."""

    sig_dialog_opened = Signal(object)
    """A 核实 dialog opened (the argument), already showing."""

    sig_person_open_requested = Signal(str)
    """Open the applicant's record (Ctrl+O); the argument is the person id."""

    def __init__(
        self,
        config: Config,
        store: Store | None = None,
        parent: QWidget | None = None,
        *,
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._store = store
        self._actor_provider = actor_provider
        self._generation = 0
        title = page_title(self.tr("待办 — 待核实、待登记的失业登记申请"), self)
        self._count = QLabel(self)
        self._count.setObjectName("todoCount")
        refresh = QPushButton(self.tr("刷新（F5）"), self)
        refresh.setObjectName("refreshTodo")
        refresh.clicked.connect(self.refresh)
        hint = QLabel(
            self.tr("按办结期限排序，逾期为红色；Enter 打开核实，Ctrl+O 打开人员档案"), self
        )
        hint.setStyleSheet("color: #616161;")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(16)
        header.addWidget(self._count)
        header.addStretch(1)
        header.addWidget(hint)
        header.addWidget(refresh)

        self._model = TodoModel(self)
        self._view = QTableView(self)
        self._view.setObjectName("todoTable")
        self._view.setModel(self._model)
        self._view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._view.setAlternatingRowColors(True)
        self._view.verticalHeader().hide()
        self._view.horizontalHeader().setStretchLastSection(True)
        self._view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._view.activated.connect(self._on_activated)
        self._message = QLabel(self)
        self._message.setObjectName("todoMessage")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setStyleSheet(_HINT_STYLE)
        self._message.setWordWrap(True)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._message)
        self._stack.addWidget(self._view)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._stack, 1)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.refresh)
        opener = QShortcut(QKeySequence("Ctrl+O"), self)
        opener.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        opener.activated.connect(self.open_current_person)
        self._show_message(self.tr("正在打开本地数据库……") if store is None else "")

    # -- public API -----------------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        self._store = store
        if self.isVisible():
            self.refresh()

    def set_actor_provider(self, provider: ActorProvider) -> None:
        """Who acts from now on (the clerk signed in), for the dialogs opened from here."""
        self._actor_provider = provider

    def view(self) -> QTableView:
        return self._view

    def items(self) -> list[TodoItem]:
        return [item for row in range(self._model.rowCount()) if (item := self._model.item_at(row))]

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        if self._store is None:
            return
        self._generation += 1
        generation = self._generation
        run_db(load_todo, self._store, self._config, dt.date.today()).on_success(
            lambda items: self._on_loaded(generation, items)
        ).on_error(self._on_failed)

    def open_row(self, row: int) -> VerifyDialog | None:
        """Open the 核实 dialog of a row (as Enter does)."""
        item = self._model.item_at(row)
        if item is None or self._store is None:
            return None
        from desktop.ui.pages.verify_dialog import VerifyDialog

        dialog = VerifyDialog(
            self._store,
            self._config,
            item.registration_id,
            self,
            actor_provider=self._actor_provider,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_decision_recorded.connect(self.refresh)
        dialog.show()
        self.sig_dialog_opened.emit(dialog)
        return dialog

    @Slot()
    def open_current_person(self) -> None:
        """Ask for the current row's person record (Ctrl+O)."""
        item = self._model.item_at(self._view.currentIndex().row())
        if item is not None:
            self.sig_person_open_requested.emit(item.person_id)

    # -- slots ----------------------------------------------------------------------------

    def _on_loaded(self, generation: int, items: list[TodoItem]) -> None:
        if generation != self._generation:
            return
        selected = self._view.currentIndex().row()
        self._model.set_items(items)
        overdue = sum(1 for item in items if item.overdue)
        self._count.setText(
            self.tr("共 {count} 件，其中逾期 {overdue} 件").format(
                count=len(items), overdue=overdue
            )
        )
        self._count.setStyleSheet("color: #c62828;" if overdue else "")
        if items:
            self._stack.setCurrentWidget(self._view)
            self._view.resizeColumnsToContents()
            for column in range(self._model.columnCount() - 1):
                self._view.setColumnWidth(column, self._view.columnWidth(column) + _COLUMN_PADDING)
            # The current row without a selection highlight: Enter opens it, and an overdue
            # row stays red.
            current = self._model.index(max(0, min(selected, len(items) - 1)), 0)
            self._view.selectionModel().setCurrentIndex(
                current, QItemSelectionModel.SelectionFlag.NoUpdate
            )
            if self.isVisible():
                # The most urgent application is one Enter away.
                self._view.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._show_message(self.tr("没有待办的登记申请"))
        self.sig_todo_loaded.emit(len(items))

    def _on_failed(self, error: BaseException) -> None:
        reason = getattr(error, "message", None) or str(error)
        self._show_message(self.tr("待办读取失败：{reason}").format(reason=reason))

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        self.open_row(index.row())

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._stack.setCurrentWidget(self._message)
