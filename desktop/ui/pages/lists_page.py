"""The 清单 page: the policy, service and agency lists of notice §4(二) — view, maintain, print.

Admin roles come with the staff-accounts issue; until then any clerk may add, edit and
deactivate rows (each change is journalled with the clerk's id, so it stays accountable).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db
from widgets.row_table_model import Column, RowTableModel

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.services.reference_lists import ReferenceEntry, ReferenceListSpec
    from desktop.store.db import Store
    from desktop.ui.document_dialog import DocumentDialog

_ERROR_STYLE = "color: #c62828;"
_HINT_STYLE = "color: #616161;"
_INACTIVE_COLOUR = QColor("#9e9e9e")
# What each tab prints (the `dengji print` names).
LIST_DOCUMENT = {"policy": "policy-list", "service": "service-list", "agency": "agency-list"}
# Relative column widths on screen, as on the printed lists (printing/documents/*_list.py).
_WIDTH_RATIOS = {
    "policy": (14, 19, 33, 20, 14),
    "service": (18, 27, 55),
    "agency": (24, 18, 18, 32, 8),
}


LoadedLists = dict[str, tuple["ReferenceListSpec", list["ReferenceEntry"]]]


def seed_and_load_lists(store: Store) -> LoadedLists:
    """Run on the database thread: seed empty lists from the CSVs (the first time the counter
    opens its database), then each list's columns and every row, deactivated ones included.

    (The columns come with the rows so that building the page at start-up, before the
    database is open, imports nothing of the store.)
    """
    from desktop.services.reference_lists import LIST_SPECS, list_entries, seed_reference_lists

    with store.session() as session:
        seed_reference_lists(session)
        loaded = {
            key: (spec, list_entries(session, key, include_inactive=True))
            for key, spec in LIST_SPECS.items()
        }
    # Warm the document builders (reportlab) here, off the GUI thread, before a clerk prints.
    import desktop.services.documents  # noqa: F401

    return loaded


def save_entry(
    store: Store,
    config: Config,
    list_key: str,
    item_id: str | None,
    values: Mapping[str, str],
    active: bool | None = None,
) -> ReferenceEntry:
    """Run on the database thread: add a row (item_id None), change one, or (de)activate it."""
    from desktop.services import reference_lists as lists
    from desktop.ui.document_dialog import counter_actor

    actor = counter_actor(config)
    with store.session() as session:
        if item_id is None:
            return lists.add_entry(session, actor, store.clock, list_key, values)
        if active is not None:
            return lists.set_entry_active(session, actor, store.clock, list_key, item_id, active)
        return lists.update_entry(session, actor, store.clock, list_key, item_id, values)


def _message_of(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


class ReferenceListModel(RowTableModel["ReferenceEntry"]):
    """One list's rows: its columns, then 状态; deactivated rows in grey (or hidden)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent=parent)
        self._all: list[ReferenceEntry] = []
        self._show_inactive = False

    def tooltip(self, row: ReferenceEntry, column: int) -> str | None:
        return self.text(row, column)

    def foreground(self, row: ReferenceEntry) -> QColor | None:
        return None if row.active else _INACTIVE_COLOUR

    def set_entries(self, spec: ReferenceListSpec, entries: Sequence[ReferenceEntry]) -> None:
        """Show these rows of the list `spec` describes (in the order given)."""
        columns: list[Column[ReferenceEntry]] = [
            Column(field.label, partial(self._field_text, field.name)) for field in spec.fields
        ]
        columns.append(Column(self.tr("状态"), self._status_text))
        self._all = list(entries)
        self._refilter(columns)

    def set_show_inactive(self, show: bool) -> None:
        """Whether deactivated rows are listed."""
        self._show_inactive = show
        self._refilter()

    def entry_at(self, row: int) -> ReferenceEntry | None:
        """The row's entry."""
        return self.row_at(row)

    def row_of(self, item_id: str) -> int:
        """The row showing this entry, or -1."""
        return next((row for row, e in enumerate(self.rows()) if e.id == item_id), -1)

    def _refilter(self, columns: list[Column[ReferenceEntry]] | None = None) -> None:
        self.set_rows([e for e in self._all if e.active or self._show_inactive], columns)

    def _status_text(self, entry: ReferenceEntry) -> str:
        return self.tr("启用") if entry.active else self.tr("已停用")

    @staticmethod
    def _field_text(name: str, entry: ReferenceEntry) -> str:
        return entry.values[name]


class ReferenceEntryDialog(QDialog):
    """Add or edit one row: a field per column; long texts get a multi-line box."""

    sig_values_submitted = Signal(dict)
    """保存 was pressed; the argument maps field names to the texts typed (not yet saved)."""

    def __init__(
        self,
        spec: ReferenceListSpec,
        entry: ReferenceEntry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("referenceEntryDialog")
        title = self.tr("新增{list}条目") if entry is None else self.tr("编辑{list}条目")
        self.setWindowTitle(title.format(list=spec.title))
        self._editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout()
        for field in spec.fields:
            editor: QLineEdit | QPlainTextEdit
            if field.max_length is not None:
                editor = QLineEdit(self)
                editor.setMaxLength(field.max_length)
            else:
                editor = QPlainTextEdit(self)
                editor.setMinimumHeight(64)
                editor.setTabChangesFocus(True)
            editor.setObjectName(f"field_{field.name}")
            value = entry.values[field.name] if entry is not None else ""
            if isinstance(editor, QLineEdit):
                editor.setText(value)
            else:
                editor.setPlainText(value)
            self._editors[field.name] = editor
            form.addRow(field.label + self.tr("："), editor)
        self._error_label = QLabel(self)
        self._error_label.setObjectName("entryError")
        self._error_label.setStyleSheet(_ERROR_STYLE)
        self._error_label.setWordWrap(True)
        self._error_label.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._error_label)
        layout.addWidget(buttons)
        self.resize(640, 0)

    def editor(self, field_name: str) -> QLineEdit | QPlainTextEdit:
        """The input box of a column."""
        return self._editors[field_name]

    def values(self) -> dict[str, str]:
        """What is typed now, by field name."""
        return {
            name: editor.text() if isinstance(editor, QLineEdit) else editor.toPlainText()
            for name, editor in self._editors.items()
        }

    @Slot()
    def submit(self) -> None:
        """Hand the typed values over for saving; the dialog stays open until it is saved."""
        self._error_label.hide()
        self.sig_values_submitted.emit(self.values())

    def show_error(self, message: str) -> None:
        """Saving was refused: say why, keep everything typed."""
        self._error_label.setText(message)
        self._error_label.show()

    def error_text(self) -> str:
        """The refusal shown, or ""."""
        return self._error_label.text() if self._error_label.isVisibleTo(self) else ""


class ReferenceListTab(QWidget):
    """One list: its table, 新增 / 编辑 / 停用 / 预览打印, and 显示已停用."""

    sig_edit_requested = Signal(str, object)
    """新增 (None) or 编辑 (the ReferenceEntry) was asked for; the first argument is the list."""

    sig_active_change_requested = Signal(str, object, bool)
    """停用/启用 was asked for: list key, the ReferenceEntry, the new active flag."""

    sig_print_requested = Signal(str)
    """预览打印 was asked for; the argument is the list key."""

    def __init__(self, list_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._list_key = list_key
        self._spec: ReferenceListSpec | None = None  # known once the store has been read
        self.setObjectName(f"listTab_{list_key}")
        self._model = ReferenceListModel(self)
        self._view = QTableView(self)
        self._view.setObjectName(f"listTable_{list_key}")
        self._view.setModel(self._model)
        self._view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._view.setAlternatingRowColors(True)
        self._view.setWordWrap(False)
        self._view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._view.verticalHeader().hide()
        header = self._view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        header.setHighlightSections(False)
        self._view.doubleClicked.connect(self._on_edit_clicked)
        self._view.selectionModel().selectionChanged.connect(self._update_buttons)

        self._add_button = self._button(self.tr("新增"), "addButton", self._on_add_clicked)
        self._edit_button = self._button(self.tr("编辑"), "editButton", self._on_edit_clicked)
        self._active_button = self._button(self.tr("停用"), "activeButton", self._on_active_clicked)
        self._print_button = self._button(
            self.tr("预览打印"), "printButton", self._on_print_clicked
        )
        self._show_inactive_box = QCheckBox(self.tr("显示已停用"), self)
        self._show_inactive_box.setObjectName("showInactive")
        self._show_inactive_box.toggled.connect(self._on_show_inactive_toggled)
        self._count_label = QLabel(self)
        self._count_label.setObjectName("listCount")
        self._count_label.setStyleSheet(_HINT_STYLE)

        toolbar = QHBoxLayout()
        for button in (self._add_button, self._edit_button, self._active_button):
            toolbar.addWidget(button)
        toolbar.addWidget(self._show_inactive_box)
        toolbar.addStretch(1)
        toolbar.addWidget(self._count_label)
        toolbar.addSpacing(12)
        toolbar.addWidget(self._print_button)
        self._details = QTextBrowser(self)
        self._details.setObjectName(f"listDetails_{list_key}")
        self._details.setPlaceholderText(self.tr("选择一行，这里显示它的全文"))
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self._view)
        splitter.addWidget(self._details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(splitter, 1)
        # The columns share the table's width by the printed list's ratios, on every resize.
        self._view.viewport().installEventFilter(self)
        self._update_buttons()

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # -- public API -----------------------------------------------------------------------

    def view(self) -> QTableView:
        """The table of rows."""
        return self._view

    def model(self) -> ReferenceListModel:
        """The rows shown."""
        return self._model

    def spec(self) -> ReferenceListSpec | None:
        """The list's columns (None until the store has been read)."""
        return self._spec

    def set_entries(
        self,
        spec: ReferenceListSpec,
        entries: Sequence[ReferenceEntry],
        select_id: str | None = None,
    ) -> None:
        """Show these rows; keep (or move) the selection to `select_id`."""
        current = self.selected_entry()
        selected = select_id or (current.id if current is not None else None)
        self._spec = spec
        self._model.set_entries(spec, entries)
        active = sum(1 for entry in entries if entry.active)
        self._count_label.setText(
            self.tr("共 {active} 条（另有 {inactive} 条已停用）").format(
                active=active, inactive=len(entries) - active
            )
            if active != len(entries)
            else self.tr("共 {active} 条").format(active=active)
        )
        self._fit_columns()
        if selected is not None and (row := self._model.row_of(selected)) >= 0:
            self._view.selectRow(row)
        self._update_buttons()

    def selected_entry(self) -> ReferenceEntry | None:
        """The entry of the selected row."""
        rows = self._view.selectionModel().selectedRows()
        return self._model.entry_at(rows[0].row()) if rows else None

    def set_show_inactive(self, show: bool) -> None:
        """Tick or untick 显示已停用."""
        self._show_inactive_box.setChecked(show)

    # -- slots ----------------------------------------------------------------------------

    @Slot()
    def _on_add_clicked(self) -> None:
        if self._spec is not None:
            self.sig_edit_requested.emit(self._list_key, None)

    @Slot()
    def _on_edit_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.sig_edit_requested.emit(self._list_key, entry)

    @Slot()
    def _on_active_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.sig_active_change_requested.emit(self._list_key, entry, not entry.active)

    @Slot()
    def _on_print_clicked(self) -> None:
        self.sig_print_requested.emit(self._list_key)

    @Slot(bool)
    def _on_show_inactive_toggled(self, show: bool) -> None:
        self._model.set_show_inactive(show)
        self._update_buttons()

    def details_text(self) -> str:
        """The full text of the selected row as shown under the table."""
        return self._details.toPlainText()

    @Slot()
    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        self._show_details(entry)
        self._add_button.setEnabled(self._spec is not None)
        self._edit_button.setEnabled(entry is not None)
        self._active_button.setEnabled(entry is not None)
        self._active_button.setText(
            self.tr("启用") if entry is not None and not entry.active else self.tr("停用")
        )

    def _show_details(self, entry: ReferenceEntry | None) -> None:
        if entry is None or self._spec is None:
            self._details.clear()
            return
        lines = [
            f"<p><b>{html.escape(field.label)}</b>：{html.escape(entry.values[field.name])}</p>"
            for field in self._spec.fields
        ]
        if not entry.active:
            lines.append(f"<p><i>{html.escape(self.tr('已停用，不再打印'))}</i></p>")
        self._details.setHtml("".join(lines))

    def _fit_columns(self) -> None:
        if self._spec is None:
            return
        ratios = _WIDTH_RATIOS[self._list_key]
        status_width = self._view.fontMetrics().horizontalAdvance(self.tr("已停用")) + 24
        available = self._view.viewport().width() - status_width
        total = sum(ratios)
        for column, ratio in enumerate(ratios):
            self._view.setColumnWidth(column, max(40, available * ratio // total))
        used = sum(self._view.columnWidth(column) for column in range(len(ratios)))
        self._view.setColumnWidth(len(ratios), max(status_width, available + status_width - used))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return False


class ListsPage(QWidget):
    """Three tabs — 政策清单, 服务清单, 公共就业服务机构清单 — over the store's reference tables."""

    sig_lists_loaded = Signal()
    """Every list has been (re)loaded from the store and is on screen."""

    sig_entry_saved = Signal(str, str)
    """A row was added, edited or (de)activated: the list key and the row id."""

    sig_save_failed = Signal(str)
    """A change was refused; the argument is the clerk's message."""

    sig_document_dialog_opened = Signal(object)
    """预览打印 opened a DocumentDialog (the argument), already showing."""

    def __init__(
        self, config: Config, store: Store | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._store = store
        self._tabs = QTabWidget(self)
        self._tabs.setObjectName("listTabs")
        self._tab_by_key: dict[str, ReferenceListTab] = {}
        titles = {
            "policy": self.tr("政策清单"),
            "service": self.tr("服务清单"),
            "agency": self.tr("公共就业服务机构清单"),
        }
        for key in LIST_DOCUMENT:
            tab = ReferenceListTab(key, self)
            tab.sig_edit_requested.connect(self._on_edit_requested)
            tab.sig_active_change_requested.connect(self._on_active_change_requested)
            tab.sig_print_requested.connect(self._on_print_requested)
            self._tab_by_key[key] = tab
            self._tabs.addTab(tab, titles[key])
        self._message_label = QLabel(self)
        self._message_label.setObjectName("listsMessage")
        self._message_label.setWordWrap(True)
        self._message_label.hide()
        intro = QLabel(
            self.tr(
                "按通知第四条，向登记失业人员提供政策清单、服务清单和公共就业服务机构清单。"
                "停用的条目不再打印，但保留在记录中。"
            ),
            self,
        )
        intro.setObjectName("listsIntro")
        intro.setStyleSheet(_HINT_STYLE)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self._message_label)
        layout.addWidget(self._tabs, 1)
        self._dialogs: list[QDialog] = []
        if store is not None:
            self.set_store(store)
        else:
            self._show_message(self.tr("正在打开本地数据库……"))

    # -- public API -----------------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        """The database is open: seed the lists if they are empty, then show them."""
        self._store = store
        self.reload()

    def reload(self) -> None:
        """Read every list again from the store."""
        if self._store is None:
            return
        run_db(seed_and_load_lists, self._store).on_success(self._on_loaded).on_error(
            self._on_load_failed
        )

    def tab(self, list_key: str) -> ReferenceListTab:
        """The tab of "policy", "service" or "agency"."""
        return self._tab_by_key[list_key]

    def tabs(self) -> QTabWidget:
        """The tab widget."""
        return self._tabs

    def open_dialogs(self) -> list[QDialog]:
        """Edit and preview dialogs this page opened that are still open."""
        self._dialogs = [d for d in self._dialogs if d.isVisible()]
        return list(self._dialogs)

    # -- loading --------------------------------------------------------------------------

    def _on_loaded(self, loaded: LoadedLists, select: tuple[str, str] | None = None) -> None:
        for key, (spec, entries) in loaded.items():
            selected = select[1] if select is not None and select[0] == key else None
            self._tab_by_key[key].set_entries(spec, entries, selected)
        self._message_label.hide()
        self.sig_lists_loaded.emit()

    def _on_load_failed(self, error: BaseException) -> None:
        self._show_message(
            self.tr("清单读取失败：{reason}").format(reason=_message_of(error)), _ERROR_STYLE
        )

    # -- editing --------------------------------------------------------------------------

    def _on_edit_requested(self, list_key: str, entry: ReferenceEntry | None) -> None:
        spec = self._tab_by_key[list_key].spec()
        if self._store is None or spec is None:
            return
        dialog = ReferenceEntryDialog(spec, entry, self)
        dialog.sig_values_submitted.connect(
            partial(self._save, list_key, entry.id if entry else None, dialog)
        )
        self._dialogs.append(dialog)
        dialog.open()

    def _save(
        self,
        list_key: str,
        item_id: str | None,
        dialog: ReferenceEntryDialog,
        values: dict[str, str],
    ) -> None:
        assert self._store is not None
        run_db(save_entry, self._store, self._config, list_key, item_id, values).on_success(
            partial(self._on_saved, list_key, dialog)
        ).on_error(partial(self._on_save_failed, dialog))

    def _on_active_change_requested(
        self, list_key: str, entry: ReferenceEntry, active: bool
    ) -> None:
        if self._store is None:
            return
        run_db(save_entry, self._store, self._config, list_key, entry.id, {}, active).on_success(
            partial(self._on_saved, list_key, None)
        ).on_error(partial(self._on_save_failed, None))

    def _on_saved(
        self, list_key: str, dialog: ReferenceEntryDialog | None, saved: ReferenceEntry
    ) -> None:
        if dialog is not None:
            dialog.accept()
        assert self._store is not None
        run_db(seed_and_load_lists, self._store).on_success(
            partial(self._on_reloaded_after_save, list_key, saved.id)
        ).on_error(self._on_load_failed)

    def _on_reloaded_after_save(self, list_key: str, item_id: str, loaded: LoadedLists) -> None:
        self._on_loaded(loaded, (list_key, item_id))
        self.sig_entry_saved.emit(list_key, item_id)

    def _on_save_failed(self, dialog: ReferenceEntryDialog | None, error: BaseException) -> None:
        message = self.tr("未保存：{reason}").format(reason=_message_of(error))
        if dialog is not None and dialog.isVisible():
            dialog.show_error(message)
        else:
            self._show_message(message, _ERROR_STYLE)
        self.sig_save_failed.emit(message)

    # -- printing -------------------------------------------------------------------------

    def _on_print_requested(self, list_key: str) -> None:
        if self._store is None:
            return
        dialog = self._open_document_dialog(LIST_DOCUMENT[list_key])
        self.sig_document_dialog_opened.emit(dialog)

    def _open_document_dialog(self, document_name: str) -> DocumentDialog:
        from desktop.ui.document_dialog import DocumentDialog, counter_actor

        assert self._store is not None
        dialog = DocumentDialog(
            self._store, self._config, counter_actor(self._config), document_name, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs.append(dialog)
        dialog.show()
        return dialog

    def _show_message(self, text: str, style: str = "") -> None:
        self._message_label.setText(text)
        self._message_label.setStyleSheet(style)
        self._message_label.show()
