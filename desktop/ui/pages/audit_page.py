"""The 审计 page (管理员): who did what to whom and when, filtered, exported as CSV; and the
journal's integrity (hash chain) checked at start-up, with an alarm when it is broken."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db
from desktop.ui.clerk_session import clerk_session
from widgets.row_table_model import Column, RowTableModel

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.services.audit import AuditEntry, AuditFilter, FullRecord
    from desktop.store.db import Store
    from desktop.store.integrity import ChainCursor, ChainProblem, ChainSlice

_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
_ALARM_STYLE = (
    "QLabel { background: #ffebee; color: #b71c1c; border: 1px solid #c62828;"
    " border-radius: 3px; padding: 6px; font-weight: bold; }"
)
FIELD_MAX_LENGTH = 64
BEIJING = dt.timezone(dt.timedelta(hours=8))

# -- database-thread functions ------------------------------------------------------------


def load_audit_entries(
    store: Store, config: Config, wanted: AuditFilter, limit: int
) -> list[AuditEntry]:
    """Run on the database thread: the audit lines for the signed-in administrator."""
    from desktop.services.audit import audit_entries
    from desktop.ui.document_dialog import counter_actor

    with store.session(write=False) as session:
        return audit_entries(session, counter_actor(config), wanted, limit=limit)


def export_audit(
    store: Store, config: Config, wanted: AuditFilter, reason: str, path: Path
) -> tuple[Path, int]:
    """Run on the database thread: journal the export, then write the CSV (UTF-8 with BOM,
    so Excel reads the Chinese); nothing is written without the permission."""
    from desktop.services.audit import export_audit_csv
    from desktop.ui.document_dialog import counter_actor

    with store.session() as session:
        text, rows = export_audit_csv(
            session, counter_actor(config), store.clock, wanted, reason=reason, file_name=path.name
        )
    path.write_text(text, encoding="utf-8-sig")
    return path, rows


def verify_chain_slice(store: Store, cursor: ChainCursor | None) -> ChainSlice:
    """Run on the database thread: check the next slice of the journal's hash chain."""
    from desktop.store.integrity import verify_journal_slice

    with store.session(write=False) as session:
        return verify_journal_slice(session, cursor)


def view_full_record_on_database_thread(
    store: Store, config: Config, person_id: str, reason: str
) -> FullRecord:
    """Run on the database thread: record the view ("audit.viewed"), return the whole record."""
    from desktop.services.audit import view_full_record
    from desktop.ui.document_dialog import counter_actor

    with store.session() as session:
        return view_full_record(
            session, counter_actor(config), store.clock, person_id, reason=reason
        )


class FullRecordViewer(QObject):
    """What the record page calls to show a whole ID number and phone (PIPL): ask the clerk for
    the reason, record the view, then hand over the numbers. Refused without the permission."""

    sig_full_record_shown = Signal(object)
    """The view was recorded; the argument is the desktop.services.audit.FullRecord."""

    sig_full_record_refused = Signal(str)
    """The view was refused (no permission, no reason, …); the argument is the message."""

    def __init__(self, store: Store, config: Config, parent: QWidget) -> None:
        super().__init__(parent)
        self._store = store
        self._config = config
        self._parent = parent

    def request(self, person_id: str, reason: str | None = None) -> None:
        """Ask for the reason (a non-blocking dialog) unless given, then record and show."""
        if reason is not None:
            self._view(person_id, reason)
            return
        from desktop.services.audit import VIEW_REASONS

        dialog = QInputDialog(self._parent)
        dialog.setObjectName("fullRecordReasonDialog")
        dialog.setWindowTitle(QCoreApplication.translate("AuditPage", "查看完整信息"))
        dialog.setLabelText(QCoreApplication.translate("AuditPage", "查看事由（将记入审计记录）："))
        dialog.setComboBoxItems(list(VIEW_REASONS))
        dialog.setComboBoxEditable(True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda text: self._view(person_id, text))
        dialog.open()

    def _view(self, person_id: str, reason: str) -> None:
        run_db(
            view_full_record_on_database_thread, self._store, self._config, person_id, reason
        ).on_success(self._on_shown).on_error(self._on_refused)

    def _on_shown(self, record: object) -> None:
        # A bound method, not the signal's emit: a viewer closed while the query ran is then
        # recognised as gone and the outcome dropped (emitting on a deleted QObject crashes).
        self.sig_full_record_shown.emit(record)

    def _on_refused(self, error: BaseException) -> None:
        self.sig_full_record_refused.emit(getattr(error, "message", None) or str(error))


# -- the integrity check ------------------------------------------------------------------


class JournalIntegrityCheck(QObject):
    """Checks the whole journal's hash chain on the database thread, one slice at a time, so
    the clerk's searches run in between."""

    sig_check_finished = Signal(list)
    """The check reached the end; the argument is the list of ChainProblem ([] = intact)."""

    sig_check_failed = Signal(str)
    """The check could not run; the argument is the reason."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._problems: list[ChainProblem] = []
        self._running = False
        self.rows_checked = 0

    def start(self) -> None:
        """Begin (a check already running goes on)."""
        if self._running:
            return
        self._running = True
        self._problems = []
        self.rows_checked = 0
        self._next(None)

    def is_running(self) -> bool:
        return self._running

    def _next(self, cursor: ChainCursor | None) -> None:
        run_db(verify_chain_slice, self._store, cursor).on_success(self._on_slice).on_error(
            self._on_error
        )

    def _on_slice(self, checked: ChainSlice) -> None:
        self._problems.extend(checked.problems)
        self.rows_checked += checked.rows_checked
        if checked.done:
            self._running = False
            self.sig_check_finished.emit(list(self._problems))
        else:
            self._next(checked.cursor)

    def _on_error(self, error: BaseException) -> None:
        self._running = False
        self.sig_check_failed.emit(getattr(error, "message", None) or str(error))


def describe_problems(problems: list[ChainProblem], *, at_most: int = 8) -> str:
    """The alarm's text: how many problems, then the first few, one a line."""
    translate = QCoreApplication.translate
    lines = [
        translate(
            "AuditPage",
            "事件日志完整性校验未通过：发现 {count} 处问题，记录可能在本程序之外被改动或删除。"
            "请立即报告管理员并保留本机数据，切勿自行修复。",
        ).format(count=len(problems))
    ]
    for problem in problems[:at_most]:
        if problem.kind:
            line = translate("AuditPage", "· 第 {seq} 条（{kind}，经办人 {clerk}，{time}）：{what}")
        else:
            line = translate("AuditPage", "· 第 {seq} 条：{what}")
        lines.append(
            line.format(
                seq=problem.seq,
                kind=problem.kind,
                clerk=problem.clerk_id,
                time=problem.wall_time,
                what=problem.message,
            )
        )
    if len(problems) > at_most:
        lines.append(
            translate("AuditPage", "……另有 {count} 处").format(count=len(problems) - at_most)
        )
    return "\n".join(lines)


def show_integrity_alarm(parent: QWidget, problems: list[ChainProblem]) -> QMessageBox:
    """The start-up alarm: a warning box (not blocking: open()), returned for tests."""
    box = QMessageBox(parent)
    box.setObjectName("integrityAlarm")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("AuditPage", "数据完整性警报"))
    box.setText(describe_problems(problems))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def check_journal_at_start(window: Any, store: Store) -> JournalIntegrityCheck:
    """After the database opened: check the chain in the background; when it is broken, show
    the alarm dialog and a lasting message in the status bar, and tell the 审计 page."""
    check = JournalIntegrityCheck(store, window)

    def on_finished(problems: list[ChainProblem]) -> None:
        audit_page = getattr(window, "audit_page", None)
        if callable(audit_page):
            audit_page().show_integrity_result(problems)
        if problems:
            window.status_bar().showMessage(
                QCoreApplication.translate(
                    "AuditPage", "数据完整性警报：事件日志有 {count} 处被改动，请报告管理员"
                ).format(count=len(problems))
            )
            show_integrity_alarm(window, problems)

    check.sig_check_finished.connect(on_finished)
    check.start()
    return check


# -- the table ----------------------------------------------------------------------------


class AuditModel(RowTableModel["AuditEntry"]):
    """Audit lines: 时间, 经办人, 窗口, 操作, 对象 (masked ID), 详情."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self.set_columns(
            [
                Column(
                    self.tr("时间"),
                    lambda entry: entry.wall_time.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
                ),
                Column(self.tr("经办人"), lambda entry: entry.clerk_id),
                Column(self.tr("窗口"), lambda entry: entry.counter_id),
                Column(self.tr("操作"), lambda entry: entry.kind_label),
                Column(
                    self.tr("对象"),
                    lambda entry: f"{entry.person_name} {entry.person_id_masked}".strip(),
                ),
                Column(self.tr("详情"), lambda entry: entry.detail),
            ]
        )

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.set_rows(entries)

    def entries(self) -> list[AuditEntry]:
        return self.rows()


# -- the page -----------------------------------------------------------------------------


class AuditPage(QWidget):
    """审计: filters (经办人, 类别, 日期, 人员), the lines found, 导出CSV, and the integrity of
    the journal. Only a 管理员 sees anything: the service refuses everyone else."""

    sig_entries_shown = Signal(int)
    """A query finished and its lines are on screen; the argument is how many."""

    sig_exported = Signal(str, int)
    """The CSV was written; the arguments are its path and the number of lines."""

    sig_failed = Signal(str)
    """A query or export was refused or failed; the argument is the message shown."""

    def __init__(self, config: Config, store: Store | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._config = config
        self._store = store
        self._integrity_check: JournalIntegrityCheck | None = None

        self._integrity_label = QLabel(self)
        self._integrity_label.setObjectName("integrityStatus")
        self._integrity_label.setWordWrap(True)
        self._integrity_label.setText(self.tr("事件日志完整性：尚未检查"))
        self._check_button = QPushButton(self.tr("检查完整性"), self)
        self._check_button.setObjectName("checkIntegrityButton")
        self._check_button.clicked.connect(self.check_integrity)

        self._clerk_field = QLineEdit(self)
        self._clerk_field.setObjectName("auditClerkField")
        self._clerk_field.setMaxLength(FIELD_MAX_LENGTH)
        self._clerk_field.setPlaceholderText(self.tr("用户名，留空为全部"))
        self._category_box = QComboBox(self)
        self._category_box.setObjectName("auditCategoryBox")
        self._category_box.addItem(self.tr("全部审计事项"), "")
        for key, label in self._category_labels().items():
            self._category_box.addItem(label, key)
        # Gansu's calendar day, whatever time zone the PC is set to (the service's days too).
        now = dt.datetime.now(BEIJING).date()
        today = QDate(now.year, now.month, now.day)
        self._since_field = QDateEdit(today.addDays(-30), self)
        self._since_field.setObjectName("auditSinceField")
        self._since_field.setCalendarPopup(True)
        self._since_field.setDisplayFormat("yyyy-MM-dd")
        self._until_field = QDateEdit(today, self)
        self._until_field.setObjectName("auditUntilField")
        self._until_field.setCalendarPopup(True)
        self._until_field.setDisplayFormat("yyyy-MM-dd")
        self._person_field = QLineEdit(self)
        self._person_field.setObjectName("auditPersonField")
        self._person_field.setMaxLength(FIELD_MAX_LENGTH)
        self._person_field.setPlaceholderText(self.tr("姓名、证件号码或手机号码"))
        self._query_button = QPushButton(self.tr("查询"), self)
        self._query_button.setObjectName("auditQueryButton")
        self._query_button.clicked.connect(self.refresh)
        self._export_button = QPushButton(self.tr("导出CSV"), self)
        self._export_button.setObjectName("auditExportButton")
        self._export_button.clicked.connect(self._on_export_clicked)
        for field in (self._clerk_field, self._person_field):
            field.returnPressed.connect(self.refresh)

        self._model = AuditModel(self)
        self._view = QTableView(self)
        self._view.setObjectName("auditTable")
        self._view.setModel(self._model)
        self._view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._view.verticalHeader().hide()
        self._view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._view.horizontalHeader().setStretchLastSection(True)
        self._message = QLabel(self)
        self._message.setObjectName("auditMessage")
        self._message.setWordWrap(True)

        filters = QFormLayout()
        filters.addRow(self.tr("经办人"), self._clerk_field)
        filters.addRow(self.tr("类别"), self._category_box)
        dates = QHBoxLayout()
        dates.addWidget(self._since_field)
        dates.addWidget(QLabel(self.tr("至"), self))
        dates.addWidget(self._until_field)
        dates.addStretch(1)
        filters.addRow(self.tr("日期"), dates)
        filters.addRow(self.tr("人员"), self._person_field)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self._query_button)
        buttons.addWidget(self._export_button)
        integrity = QHBoxLayout()
        integrity.addWidget(self._integrity_label, 1)
        integrity.addWidget(self._check_button)
        layout = QVBoxLayout(self)
        layout.addLayout(integrity)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self._message)
        layout.addWidget(self._view, 1)
        clerk_session().sig_clerk_changed.connect(self._on_clerk_changed)
        self._on_clerk_changed(clerk_session().clerk)

    def _category_labels(self) -> dict[str, str]:
        # The keys of desktop.services.audit.AUDIT_CATEGORIES, plus "business".
        return {
            "viewed": self.tr("查看完整信息"),
            "printed": self.tr("打印"),
            "exported": self.tr("导出"),
            "sign_in": self.tr("登录"),
            "accounts": self.tr("账户与委托"),
            "business": self.tr("业务办理"),
        }

    # -- public API -----------------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        """The database is open."""
        self._store = store

    def model(self) -> AuditModel:
        """The table's model (for tests)."""
        return self._model

    def message(self) -> str:
        """The line above the table (an error, or how many lines were found)."""
        return self._message.text()

    def integrity_text(self) -> str:
        """What the integrity line says."""
        return self._integrity_label.text()

    def set_filter(
        self,
        *,
        clerk: str = "",
        category: str = "",
        since: dt.date | None = None,
        until: dt.date | None = None,
        person: str = "",
    ) -> None:
        """Fill in the filters (then `refresh()`)."""
        self._clerk_field.setText(clerk)
        index = self._category_box.findData(category)
        self._category_box.setCurrentIndex(max(0, index))
        if since is not None:
            self._since_field.setDate(QDate(since.year, since.month, since.day))
        if until is not None:
            self._until_field.setDate(QDate(until.year, until.month, until.day))
        self._person_field.setText(person)

    def current_filter(self) -> AuditFilter:
        """The filters as the service takes them."""
        from desktop.services.audit import AuditFilter

        return AuditFilter(
            clerk=self._clerk_field.text(),
            category=str(self._category_box.currentData() or ""),
            since=self._since_field.date().toPython(),  # type: ignore[arg-type]
            until=self._until_field.date().toPython(),  # type: ignore[arg-type]
            person=self._person_field.text(),
        )

    @Slot()
    def refresh(self) -> None:
        """Run the query with the current filters (off the GUI thread)."""
        if self._store is None:
            return
        self._show(self.tr("正在查询……"))
        run_db(
            load_audit_entries, self._store, self._config, self.current_filter(), 500
        ).on_success(self._on_entries).on_error(self._on_failed)

    def export_to(self, path: Path, reason: str) -> None:
        """Export the lines matching the filters to `path` as CSV (管理员 only; audited)."""
        if self._store is None:
            return
        self._show(self.tr("正在导出……"))
        run_db(
            export_audit, self._store, self._config, self.current_filter(), reason, path
        ).on_success(self._on_exported).on_error(self._on_failed)

    @Slot()
    def check_integrity(self) -> None:
        """Check the journal's hash chain now (in slices, off the GUI thread)."""
        if self._store is None:
            return
        if self._integrity_check is None:
            self._integrity_check = JournalIntegrityCheck(self._store, self)
            self._integrity_check.sig_check_finished.connect(self.show_integrity_result)
            self._integrity_check.sig_check_failed.connect(self._on_integrity_failed)
        self._integrity_label.setStyleSheet("")
        self._integrity_label.setText(self.tr("事件日志完整性：正在检查……"))
        self._integrity_check.start()

    @Slot(list)
    def show_integrity_result(self, problems: list[ChainProblem]) -> None:
        """Show the outcome of a check (also the start-up check's)."""
        now = dt.datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M")
        if problems:
            self._integrity_label.setStyleSheet(_ALARM_STYLE)
            self._integrity_label.setText(describe_problems(problems))
        else:
            self._integrity_label.setStyleSheet(_OK_STYLE)
            self._integrity_label.setText(
                self.tr("事件日志完整性：正常（{time} 检查，校验链完整）").format(time=now)
            )

    # -- slots ----------------------------------------------------------------------------

    def _on_entries(self, entries: list[AuditEntry]) -> None:
        self._model.set_entries(entries)
        self._show(self.tr("共 {count} 条（最多显示500条，最新的在前）").format(count=len(entries)))
        self.sig_entries_shown.emit(len(entries))

    def _on_exported(self, outcome: tuple[Path, int]) -> None:
        path, rows = outcome
        self._show(self.tr("已导出 {rows} 条到 {path}").format(rows=rows, path=path), _OK_STYLE)
        self.sig_exported.emit(str(path), rows)

    def _on_failed(self, error: BaseException) -> None:
        message = getattr(error, "message", None) or str(error)
        self._show(message, _ERROR_STYLE)
        self.sig_failed.emit(message)

    def _on_integrity_failed(self, reason: str) -> None:
        self._integrity_label.setStyleSheet(_ERROR_STYLE)
        self._integrity_label.setText(
            self.tr("事件日志完整性检查未能完成：{reason}").format(reason=reason)
        )

    @Slot()
    def _on_export_clicked(self) -> None:
        reason, ok = QInputDialog.getText(
            self, self.tr("导出审计记录"), self.tr("导出事由（将记入审计记录）：")
        )
        if not ok:
            return
        start = Path.home() / f"审计记录-{dt.date.today():%Y%m%d}.csv"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("导出CSV"), str(start), self.tr("CSV 文件 (*.csv)")
        )
        if chosen:
            path = Path(chosen)
            self.export_to(
                path if path.suffix.lower() == ".csv" else path.with_suffix(".csv"), reason
            )

    @Slot(object)
    def _on_clerk_changed(self, clerk: Any) -> None:
        from desktop.domain.roles import Permission

        may_export = clerk is not None and Permission.EXPORT_AUDIT in _permissions(clerk)
        self._export_button.setEnabled(may_export)
        if clerk is None:
            self._model.set_entries([])

    def _show(self, text: str, style: str = "") -> None:
        self._message.setStyleSheet(style)
        self._message.setText(text)


def _permissions(clerk: Any) -> frozenset[Any]:
    from desktop.domain.roles import permissions_of

    return permissions_of(clerk.roles)
