"""The 查询 page: find a person by ID number, name or phone as you type, and see their history."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db
from desktop.ui.pages.search_models import HistoryModel, PersonHitsModel
from widgets.id_number_edit import IdNumberEdit
from widgets.masked_label import MaskedIdLabel

if TYPE_CHECKING:
    from desktop.store.db import Store
    from desktop.store.queries import HistoryEntry, PersonHit
    from devices.card import CardData

SEARCH_LIMIT = 50
# Long enough to skip the keystrokes of a fast typist, short enough to feel immediate.
SEARCH_DEBOUNCE_MS = 150
_ERROR_STYLE = "color: #c62828;"
_COLUMN_PADDING = 12  # pixels of air between columns sized to their contents
_HINT_STYLE = "color: palette(mid); font-size: 11pt;"


def search_people(
    store: Store, text: str, generation: int, latest_generation: Callable[[], int] | None = None
) -> tuple[int, list[PersonHit]]:
    """Run on the database thread: the people matching `text`, tagged with the request number.

    When `latest_generation()` says a newer search was asked for meanwhile, the query is skipped:
    its answer would be dropped anyway, and the database thread is free sooner.
    """
    from desktop.store.queries import search_persons
    from desktop.ui.clerk_session import current_record_scope

    if latest_generation is not None and latest_generation() != generation:
        return generation, []
    # issue 8: a disability agency's staff find only the people delegated to their agency.
    scope = current_record_scope()
    with store.session(write=False) as session:
        if scope.agency_id is None:
            return generation, search_persons(session, text, limit=SEARCH_LIMIT)
        return generation, search_persons(session, text, limit=SEARCH_LIMIT, scope=scope)


def load_history(store: Store, person_id: str, generation: int) -> tuple[int, list[HistoryEntry]]:
    """Run on the database thread: one person's history, tagged with the request number."""
    from desktop.store.queries import person_history

    with store.session(write=False) as session:
        return generation, person_history(session, person_id)


def _fit_columns(view: QTableView) -> None:
    """Size every column to its contents but the last, which fills the rest of the width
    (resizeColumnsToContents would also shrink the stretched last column)."""
    for column in range(view.model().columnCount() - 1):
        view.resizeColumnToContents(column)
        view.setColumnWidth(column, view.columnWidth(column) + _COLUMN_PADDING)


def _error_text(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


class SearchPage(QWidget):
    """Search field, results table and the selected person's registration history."""

    sig_search_finished = Signal(int)
    """A search's results are on screen; the argument is how many people were found."""

    sig_history_shown = Signal(str)
    """A person's history is on screen; the argument is the person id."""

    sig_document_requested = Signal(str, str)
    """打印/预览 of a document for the selected person: the document's `dengji print` name and
    the person id (their latest registration is the one printed)."""

    sig_person_open_requested = Signal(str)
    """Open the person's record (Enter or a double click on a result); the argument is the
    person id."""

    def __init__(self, store: Store | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        # Each request gets a number; an answer that is not the latest is stale and dropped.
        self._search_generation = 0
        self._history_generation = 0
        self._searched_text: str | None = None  # text whose results are shown
        self._select_first_when_shown = False

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)

        self._build_search_area()
        self._build_results_area()
        self._build_history_area()

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self._results_stack)
        splitter.addWidget(self._history_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(self._search_row)
        layout.addWidget(self._feedback_label)
        layout.addWidget(splitter, 1)
        if store is None:
            self._search_field.setEnabled(False)
            self._show_results_message(self.tr("正在打开本地数据库……"))

    # -- construction ---------------------------------------------------------------------

    def _build_search_area(self) -> None:
        self._search_field = IdNumberEdit(self, search_mode=True)
        self._search_field.setObjectName("searchField")
        self._search_field.setPlaceholderText(
            self.tr("输入身份证号码、姓名或手机号码查询（Ctrl+F）")
        )
        self._search_field.setClearButtonEnabled(True)
        self._search_field.setMinimumHeight(30)
        self._search_field.textChanged.connect(self._on_search_text_changed)
        self._search_field.returnPressed.connect(self._on_search_return_pressed)
        self._search_field.sig_id_number_invalid.connect(self._on_id_number_invalid)
        self._search_field.sig_id_number_valid.connect(self._on_id_number_judged)
        self._search_field.sig_id_number_cleared.connect(self._on_id_number_judged)

        self._count_label = QLabel(self)
        self._count_label.setObjectName("resultCount")
        self._count_label.setMinimumWidth(160)
        self._count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self._search_row = QHBoxLayout()
        self._search_row.addWidget(self._search_field, 1)
        self._search_row.addWidget(self._count_label)

        self._feedback_label = QLabel(self)
        self._feedback_label.setObjectName("idNumberFeedback")
        self._feedback_label.setStyleSheet(_ERROR_STYLE)
        self._feedback_label.setWordWrap(True)
        self._feedback_label.hide()

    def _build_results_area(self) -> None:
        self._hits_model = PersonHitsModel(self)
        self._hits_view = QTableView(self)
        self._hits_view.setObjectName("resultsTable")
        self._configure_table(self._hits_view, self._hits_model)
        self._hits_view.selectionModel().selectionChanged.connect(self._on_hit_selection_changed)
        # Enter (the search field's Enter selected the first result) or a double click.
        self._hits_view.activated.connect(self._on_hit_activated)
        self._hits_view.setToolTip(self.tr("Enter 或双击打开人员档案"))

        self._results_message = QLabel(self)
        self._results_message.setObjectName("resultsMessage")
        self._results_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._results_message.setStyleSheet(_HINT_STYLE)
        self._results_message.setWordWrap(True)

        self._results_stack = QStackedWidget(self)
        self._results_stack.addWidget(self._results_message)
        self._results_stack.addWidget(self._hits_view)
        self._show_results_message(self.tr("输入身份证号码、姓名或手机号码开始查询"))

    def _build_history_area(self) -> None:
        self._history_panel = QWidget(self)
        self._person_name_label = QLabel(self._history_panel)
        self._person_name_label.setObjectName("historyPersonName")
        font = self._person_name_label.font()
        font.setBold(True)
        self._person_name_label.setFont(font)
        self._person_id_label = MaskedIdLabel(self._history_panel)
        self._person_id_label.setObjectName("historyPersonIdNumber")

        header = QHBoxLayout()
        title = QLabel(self.tr("登记记录"), self._history_panel)
        title.setFont(font)
        header.addWidget(title)
        header.addSpacing(16)
        header.addWidget(self._person_name_label)
        header.addSpacing(8)
        header.addWidget(self._person_id_label)
        header.addStretch(1)
        self._selected_hit: PersonHit | None = None
        self._print_menu = QMenu(self._history_panel)
        self._print_menu.setObjectName("printMenu")
        self._print_menu.aboutToShow.connect(self._fill_print_menu)
        self._print_button = QPushButton(self._history_panel)
        self._print_button.setObjectName("printButton")
        self._print_button.setText(self.tr("打印/预览"))
        self._print_button.setToolTip(self.tr("预览并打印所选人员的文书和清单"))
        self._print_button.setMenu(self._print_menu)
        self._print_button.setEnabled(False)
        header.addWidget(self._print_button)

        self._history_model = HistoryModel(self)
        self._history_view = QTableView(self._history_panel)
        self._history_view.setObjectName("historyTable")
        self._configure_table(self._history_view, self._history_model)

        self._history_message = QLabel(self._history_panel)
        self._history_message.setObjectName("historyMessage")
        self._history_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._history_message.setStyleSheet(_HINT_STYLE)
        self._history_stack = QStackedWidget(self._history_panel)
        self._history_stack.addWidget(self._history_message)
        self._history_stack.addWidget(self._history_view)
        self._show_history_message(self.tr("选择一名人员后，这里显示其登记记录"))

        layout = QVBoxLayout(self._history_panel)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self._history_stack, 1)

    @staticmethod
    def _configure_table(view: QTableView, model: PersonHitsModel | HistoryModel) -> None:
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setHighlightSections(False)
        view.setWordWrap(False)
        view.horizontalHeader().setStretchLastSection(True)

    # -- public API -----------------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        """The local database is open: searching can start (text typed meanwhile is searched)."""
        self._store = store
        self._search_field.setEnabled(True)
        self._start_search(self._search_field.text().strip())

    def search_field(self) -> IdNumberEdit:
        """The search field (the main window focuses it on Ctrl+F)."""
        return self._search_field

    def focus_search_field(self) -> None:
        """Put the cursor in the search field with its text selected, ready to type over."""
        self._search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search_field.selectAll()

    def results_view(self) -> QTableView:
        """The table of people found."""
        return self._hits_view

    def history_view(self) -> QTableView:
        """The table of the selected person's history."""
        return self._history_view

    def open_person(self, id_number: str) -> None:
        """Search this ID number at once and open the person's history (a scanned letter)."""
        self._search_field.setText(id_number)
        self._debounce.stop()
        self._select_first_when_shown = True
        self._start_search(self._search_field.text().strip())

    def open_selected_person(self) -> None:
        """Ask for the selected person's record (as Enter on the result does)."""
        if self._selected_hit is not None:
            self.sig_person_open_requested.emit(self._selected_hit.person_id)

    @Slot(QModelIndex)
    def _on_hit_activated(self, index: QModelIndex) -> None:
        hit = self._hits_model.hit_at(index.row())
        if hit is not None:
            self.sig_person_open_requested.emit(hit.person_id)

    def print_button(self) -> QPushButton:
        """打印/预览, enabled while a person is selected."""
        return self._print_button

    def printable_documents(self) -> list[str]:
        """What 打印/预览 offers for the selected person: the documents that fit their latest
        registration, then the three lists (`dengji print` names; [] with nobody selected)."""
        from desktop.services.documents import printable_documents

        hit = self._selected_hit
        return [] if hit is None else list(printable_documents(hit.registration_status))

    def request_document(self, document_name: str) -> None:
        """As if picked in 打印/预览: ask for this document for the selected person."""
        if self._selected_hit is not None:
            self.sig_document_requested.emit(document_name, self._selected_hit.person_id)

    @Slot()
    def _fill_print_menu(self) -> None:
        from desktop.ui.document_dialog import fill_print_menu

        fill_print_menu(self._print_menu, self.printable_documents(), self.request_document)

    def show_card(self, card: CardData) -> None:
        """A card was read: search its holder by the card's number, with a banner
        "读卡：<name>（<document kind>）" above; when no one is registered under the number,
        say so and point to 受理登记. The banner goes once the clerk searches something else."""
        banner = self.findChild(QLabel, "cardBanner")
        if banner is None:
            banner = QLabel(self)
            banner.setObjectName("cardBanner")
            banner.setStyleSheet(
                "QLabel { background: #e3f2fd; color: #0d47a1; border: 1px solid #90caf9;"
                " border-radius: 3px; padding: 4px 8px; font-weight: bold; }"
            )
            banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(0, banner)
        # The number goes in first: the banner of an earlier card hides on this change.
        self._search_field.setText(card.id_number)
        number = self._search_field.text().strip()
        banner.setText(
            self.tr("读卡：{name}（{kind}）").format(name=card.name, kind=card.kind.value)
        )
        banner.show()

        def on_search_finished(count: int) -> None:
            self.sig_search_finished.disconnect(on_search_finished)
            if count == 0 and self._searched_text == number:
                self._show_results_message(self.tr("未找到该人员的登记记录，可在受理登记页受理"))

        def on_text_changed(text: str) -> None:
            if text.strip() != number:
                self._search_field.textChanged.disconnect(on_text_changed)
                banner.hide()

        self.sig_search_finished.connect(on_search_finished)
        self._search_field.textChanged.connect(on_text_changed)
        # Search at once (no typing to wait for) and open the history of a single hit.
        self._debounce.stop()
        self._select_first_when_shown = True
        self._start_search(number)

    # -- searching ------------------------------------------------------------------------

    @Slot(str)
    def _on_search_text_changed(self, _text: str) -> None:
        self._debounce.start()

    @Slot()
    def _on_debounce_timeout(self) -> None:
        self._start_search(self._search_field.text().strip())

    @Slot()
    def _on_search_return_pressed(self) -> None:
        text = self._search_field.text().strip()
        if self._debounce.isActive() or text != self._searched_text:
            # The answer for this text is not on screen yet: select once it is.
            self._debounce.stop()
            self._select_first_when_shown = True
            self._start_search(text)
        else:
            self._select_first_row()

    def _start_search(self, text: str) -> None:
        self._search_generation += 1
        if self._store is None:
            return  # set_store() searches once the database is open
        if not text:
            self._searched_text = ""
            self._hits_model.set_hits([])
            self._count_label.clear()
            self._show_results_message(self.tr("输入身份证号码、姓名或手机号码开始查询"))
            self._clear_history()
            self._select_first_when_shown = False
            return
        run_db(
            search_people, self._store, text, self._search_generation, self._latest_search
        ).on_success(self._on_search_done).on_error(self._on_search_failed)

    def _latest_search(self) -> int:
        # Read from the database thread: an int attribute read is atomic under the GIL.
        return self._search_generation

    def _on_search_done(self, outcome: tuple[int, list[PersonHit]]) -> None:
        generation, hits = outcome
        if generation != self._search_generation:
            return  # a newer search is on its way
        self._searched_text = self._search_field.text().strip()
        self._count_label.setStyleSheet("")
        self._hits_model.set_hits(hits)
        self._clear_history()
        if not hits:
            self._count_label.setText(self.tr("未找到"))
            self._show_results_message(self.tr("未找到匹配的人员"))
        else:
            if len(hits) >= SEARCH_LIMIT:
                self._count_label.setText(
                    self.tr("仅显示前 {count} 人，请输入更完整的条件").format(count=len(hits))
                )
            else:
                self._count_label.setText(self.tr("共找到 %n 人", "", len(hits)))
            self._results_stack.setCurrentWidget(self._hits_view)
            _fit_columns(self._hits_view)
        if self._select_first_when_shown:
            self._select_first_when_shown = False
            self._select_first_row()
        self.sig_search_finished.emit(len(hits))

    def _on_search_failed(self, error: BaseException) -> None:
        self._select_first_when_shown = False
        self._count_label.setStyleSheet(_ERROR_STYLE)
        self._count_label.setText(self.tr("查询失败"))
        self._show_results_message(self.tr("查询失败：{reason}").format(reason=_error_text(error)))

    def _select_first_row(self) -> None:
        if self._hits_model.rowCount() == 0:
            return
        self._hits_view.selectRow(0)
        self._hits_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_results_message(self, message: str) -> None:
        self._results_message.setText(message)
        self._results_stack.setCurrentWidget(self._results_message)

    @Slot(str)
    def _on_id_number_invalid(self, message: str) -> None:
        self._feedback_label.setText(self.tr("身份证号码有误：{reason}").format(reason=message))
        self._feedback_label.show()

    @Slot()
    def _on_id_number_judged(self) -> None:
        self._feedback_label.clear()
        self._feedback_label.hide()

    # -- history --------------------------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _on_hit_selection_changed(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        rows = self._hits_view.selectionModel().selectedRows()
        hit = self._hits_model.hit_at(rows[0].row()) if rows else None
        if hit is None:
            self._clear_history()
            return
        self._person_name_label.setText(hit.name)
        self._person_id_label.set_id_number(hit.id_number)
        self._selected_hit = hit
        self._print_button.setEnabled(True)
        self._history_generation += 1
        self._show_history_message(self.tr("正在读取登记记录……"))
        if self._store is None:
            return
        run_db(load_history, self._store, hit.person_id, self._history_generation).on_success(
            partial(self._on_history_loaded, hit.person_id)
        ).on_error(self._on_history_failed)

    def _on_history_loaded(self, person_id: str, outcome: tuple[int, list[HistoryEntry]]) -> None:
        generation, entries = outcome
        if generation != self._history_generation:
            return
        self._history_model.set_entries(entries)
        if entries:
            self._history_stack.setCurrentWidget(self._history_view)
            _fit_columns(self._history_view)
        else:
            self._show_history_message(self.tr("暂无登记记录"))
        self.sig_history_shown.emit(person_id)

    def _on_history_failed(self, error: BaseException) -> None:
        self._show_history_message(
            self.tr("登记记录读取失败：{reason}").format(reason=_error_text(error))
        )

    def _clear_history(self) -> None:
        self._history_generation += 1
        self._history_model.set_entries([])
        self._person_name_label.clear()
        self._person_id_label.set_id_number("")
        self._selected_hit = None
        self._print_button.setEnabled(False)
        self._show_history_message(self.tr("选择一名人员后，这里显示其登记记录"))

    def _show_history_message(self, message: str) -> None:
        self._history_message.setText(message)
        self._history_message.setStyleSheet(_HINT_STYLE)
        self._history_stack.setCurrentWidget(self._history_message)
