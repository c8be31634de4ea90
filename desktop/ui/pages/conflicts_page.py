"""The 冲突复核 page: registrations whose events from two counters clashed, for a supervisor to
settle with a note (desktop/services/conflicts.py); a settled one leaves the list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db
from widgets.list_view import read_only_list_view
from widgets.page_title import page_title
from widgets.row_table_model import Column, RowTableModel

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.services.conflicts import ConflictCase, ConflictEvent
    from desktop.store.db import Store
    from desktop.store.journal import Actor
    from desktop.ui.pages.apply_page import ActorProvider

_CLASH = QColor("#c62828")
_CLASH_BACKGROUND = QColor("#ffebee")
_HINT_STYLE = "color: palette(mid); font-size: 11pt;"
_TIME_FORMAT = "%Y-%m-%d %H:%M"


def load_conflicts(store: Store, actor: Actor) -> list[ConflictCase]:
    """Run on the database thread: the registrations waiting for review, newest clash first."""
    from desktop.services.conflicts import list_conflicts

    with store.session(write=False) as session:
        return list_conflicts(session, actor)


def record_resolution(store: Store, actor: Actor, registration_id: str, note: str) -> str:
    """Run on the database thread: record the resolution; the registration id."""
    from desktop.services.conflicts import resolve_conflict

    with store.session() as session:
        event = resolve_conflict(session, actor, registration_id, note, store.clock)
        return str(event.entity_id)


class ConflictCaseModel(RowTableModel["ConflictCase"]):
    """One row per registration under review."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.set_columns(
            [
                Column(self.tr("登记编号"), lambda case: case.number),
                Column(self.tr("姓名"), lambda case: case.person_name),
                Column(self.tr("状态"), lambda case: case.status_label),
                Column(self.tr("冲突窗口"), lambda case: "、".join(case.counters)),
                Column(
                    self.tr("最近冲突"),
                    lambda case: case.latest_at.strftime(_TIME_FORMAT) if case.latest_at else "",
                ),
                Column(
                    self.tr("待处理"),
                    lambda case: self.tr("{count} 处").format(count=len(case.anomalies)),
                ),
            ]
        )

    def set_cases(self, cases: list[ConflictCase]) -> None:
        self.set_rows(cases)

    def case_at(self, row: int) -> ConflictCase | None:
        return self.row_at(row)


class ConflictEventModel(RowTableModel["ConflictEvent"]):
    """The events of the registration chosen, the clashing ones in red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.set_columns(
            [
                Column(self.tr("时间"), lambda event: event.recorded_at.strftime(_TIME_FORMAT)),
                Column(self.tr("窗口"), lambda event: event.counter_id),
                Column(self.tr("经办人"), lambda event: event.clerk_id),
                Column(self.tr("操作"), lambda event: event.kind_label),
                Column(self.tr("内容"), lambda event: event.summary),
            ]
        )

    def set_events(self, events: list[ConflictEvent]) -> None:
        self.set_rows(events)

    def foreground(self, row: ConflictEvent) -> QColor | None:
        return _CLASH if row.clashed else None

    def background(self, row: ConflictEvent) -> QColor | None:
        return _CLASH_BACKGROUND if row.clashed else None

    def tooltip(self, row: ConflictEvent, column: int) -> str | None:
        return self.tr("与其他窗口的记录冲突") if row.clashed else None


class ConflictsPage(QWidget):
    """A supervisor's review of conflicting records: pick a registration, read what each
    counter recorded, write what was decided and mark it resolved."""

    sig_conflicts_loaded = Signal(int)
    """The list is on screen; the argument is how many registrations wait for review."""

    sig_conflict_resolved = Signal(str)
    """A resolution was recorded; the argument is the registration id."""

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
        title = page_title(self.tr("冲突复核 — 不同窗口的记录相互矛盾的登记"), self)
        self._count = QLabel(self)
        self._count.setObjectName("conflictCount")
        refresh = QPushButton(self.tr("刷新（F5）"), self)
        refresh.setObjectName("refreshConflicts")
        refresh.clicked.connect(self.refresh)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(16)
        header.addWidget(self._count)
        header.addStretch(1)
        header.addWidget(refresh)

        self._cases = ConflictCaseModel(self)
        self._case_view = self._table(self._cases, "conflictTable")
        self._case_view.selectionModel().currentRowChanged.connect(self._on_case_changed)

        self._anomalies = QLabel(self)
        self._anomalies.setObjectName("conflictAnomalies")
        self._anomalies.setWordWrap(True)
        self._anomalies.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._events = ConflictEventModel(self)
        self._event_view = self._table(self._events, "conflictEvents")
        self._event_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self._note = QPlainTextEdit(self)
        self._note.setObjectName("conflictNote")
        self._note.setPlaceholderText(
            self.tr("处理意见：以哪条记录为准、是否已与相关窗口核对、后续如何处理")
        )
        self._note.setMaximumHeight(90)
        self._resolve = QPushButton(self.tr("记录处理意见并标记为已处理"), self)
        self._resolve.setObjectName("resolveConflict")
        self._resolve.clicked.connect(self.resolve_current)
        self._feedback = QLabel(self)
        self._feedback.setObjectName("conflictFeedback")
        self._feedback.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self._feedback, 1)
        actions.addWidget(self._resolve)

        details = QWidget(self)
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(QLabel(self.tr("冲突说明"), details))
        details_layout.addWidget(self._anomalies)
        details_layout.addWidget(QLabel(self.tr("该登记的全部记录（红色为冲突的记录）"), details))
        details_layout.addWidget(self._event_view, 1)
        details_layout.addWidget(self._note)
        details_layout.addLayout(actions)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self._case_view)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        self._message = QLabel(self)
        self._message.setObjectName("conflictMessage")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setStyleSheet(_HINT_STYLE)
        self._message.setWordWrap(True)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._message)
        self._stack.addWidget(splitter)
        self._content = splitter

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._stack, 1)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.refresh)
        self._show_message(self.tr("正在打开本地数据库……") if store is None else "")

    def _table(self, model: QAbstractTableModel, name: str) -> QTableView:
        view = read_only_list_view(self, name, word_wrap=True)
        view.setModel(model)
        return view

    # -- public API -----------------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        self._store = store
        if self.isVisible():
            self.refresh()

    def set_actor_provider(self, provider: ActorProvider) -> None:
        """Who acts from now on (the supervisor signed in)."""
        self._actor_provider = provider

    def cases(self) -> list[ConflictCase]:
        return [case for row in range(self._cases.rowCount()) if (case := self._cases.case_at(row))]

    def current_case(self) -> ConflictCase | None:
        return self._cases.case_at(self._case_view.currentIndex().row())

    def select_row(self, row: int) -> None:
        self._case_view.selectRow(row)

    def note_editor(self) -> QPlainTextEdit:
        return self._note

    def feedback(self) -> str:
        return self._feedback.text()

    def message(self) -> str:
        return self._message.text()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        actor = self._actor()
        if self._store is None or actor is None:
            return
        self._generation += 1
        generation = self._generation
        run_db(load_conflicts, self._store, actor).on_success(
            lambda cases: self._on_loaded(generation, cases)
        ).on_error(self._on_failed)

    @Slot()
    def resolve_current(self) -> None:
        """Record the note for the registration chosen (the button)."""
        case = self.current_case()
        actor = self._actor()
        if case is None or self._store is None or actor is None:
            return
        self._resolve.setEnabled(False)
        number = case.number
        run_db(
            record_resolution, self._store, actor, case.registration_id, self._note.toPlainText()
        ).on_success(lambda registration_id: self._on_resolved(registration_id, number)).on_error(
            self._on_resolve_failed
        )

    # -- slots ----------------------------------------------------------------------------

    def _actor(self) -> Actor | None:
        return self._actor_provider() if self._actor_provider is not None else None

    def _on_loaded(self, generation: int, cases: list[ConflictCase]) -> None:
        if generation != self._generation:
            return
        self._cases.set_cases(cases)
        self._count.setText(self.tr("共 {count} 件待复核").format(count=len(cases)))
        self._count.setStyleSheet("color: #c62828;" if cases else "")
        if cases:
            self._stack.setCurrentWidget(self._content)
            self._case_view.resizeColumnsToContents()
            self._case_view.selectRow(0)
        else:
            self._show_message(self.tr("没有待复核的冲突记录"))
        self.sig_conflicts_loaded.emit(len(cases))

    def _on_failed(self, error: BaseException) -> None:
        reason = getattr(error, "message", None) or str(error)
        self._show_message(self.tr("冲突记录读取失败：{reason}").format(reason=reason))

    def _on_case_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case = self._cases.case_at(current.row())
        self._note.clear()
        self._resolve.setEnabled(case is not None)
        if case is None:
            self._anomalies.clear()
            self._events.set_events([])
            return
        self._anomalies.setText("\n".join(f"• {text}" for text in case.anomalies))
        self._events.set_events(list(case.events))
        self._event_view.resizeColumnsToContents()

    def _on_resolved(self, registration_id: str, number: str) -> None:
        self._resolve.setEnabled(True)
        self._note.clear()
        self._feedback.setStyleSheet("")
        self._feedback.setText(self.tr("登记 {number} 的冲突已处理").format(number=number))
        self.sig_conflict_resolved.emit(registration_id)
        self.refresh()

    def _on_resolve_failed(self, error: BaseException) -> None:
        self._resolve.setEnabled(True)
        reason = getattr(error, "message", None) or str(error)
        self._feedback.setStyleSheet("color: #c62828;")
        self._feedback.setText(reason)

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._stack.setCurrentWidget(self._message)
