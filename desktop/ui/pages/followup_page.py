"""The 服务跟踪 page: who is due or overdue for this month's contact (notice §5: 每月至少1次),
for the clerk and for the whole counter, with a side panel that records a contact, a service or
a refusal from the keyboard; and the daily sweep's 注销 proposals for a 审核 to confirm.

Keyboard: arrows pick a person, Enter jumps into the form, Ctrl+Enter saves and comes back to
the next person, Alt+1/2/3 switch between 联系, 服务 and 拒绝服务, Ctrl+O opens the person's
record, F5 reloads. Every database call runs on the database thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db
from desktop.ui.clerk_session import clerk_session
from widgets.list_view import read_only_list_view
from widgets.page_title import page_title
from widgets.row_table_model import Column, RowTableModel

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.domain.followup import DeregistrationProposal
    from desktop.store.db import Store
    from desktop.store.journal import Actor
    from desktop.ui.pages.apply_page import ActorProvider
    from desktop.ui.pages.deregistration_dialog import DeregistrationDialog

AnyIndex = QModelIndex | QPersistentModelIndex
_OVERDUE = QColor("#c62828")
_OVERDUE_BACKGROUND = QColor("#ffebee")
_WARNING = QColor("#8d5a00")
_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
_HINT_STYLE = "color: palette(mid); font-size: 11pt;"
_COLUMN_PADDING = 16
SIDE_PANEL_WIDTH = 360

# The contact methods of notice §5 in the order a counter uses them most; the digit before each
# is what a clerk types to pick it.
CONTACT_METHODS = ("phone", "sms", "field_visit", "data_comparison")


def _message_of(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


def may(permission_name: str) -> bool:
    """Whether the signed-in clerk's roles allow this Permission (by name); the use cases
    check again, the screen only hides what would be refused."""
    from desktop.domain.roles import Permission, has_permission

    clerk = clerk_session().clerk
    return clerk is not None and has_permission(clerk.roles, Permission[permission_name])


# --------------------------------------------------------------------------- database thread


@dataclass(frozen=True)
class DueEntry:
    """One row of the monthly contact list."""

    registration_id: str
    person_id: str
    number: str
    name: str
    registered_on: dt.date
    last_contact_on: dt.date | None
    overdue: bool
    mine: bool  # this clerk accepted the application or is the aid plan's staff member


@dataclass(frozen=True)
class DueList:
    """The month's list, overdue first, and whose it is."""

    month: dt.date
    entries: list[DueEntry]


def load_due_list(store: Store, config: Config, clerk_id: str, today: dt.date) -> DueList:
    """Run on the database thread: the month's due and overdue contacts with names."""
    from desktop.domain.followup import ContactStatus
    from desktop.services.followup import monthly_due_list, person_names
    from desktop.store.queries import registrations_followed_by

    with store.session(write=False) as session:
        rows = monthly_due_list(session, config.region_code, today)
        names = person_names(session, [row.person_id for row in rows])
        # This clerk's: accepted the application, or the aid plan's designated staff member.
        mine = registrations_followed_by(session, clerk_id)
    entries = [
        DueEntry(
            row.registration_id,
            row.person_id,
            row.number,
            names.get(row.person_id, ""),
            row.registered_on,
            row.last_contact_on,
            row.status is ContactStatus.OVERDUE,
            row.registration_id in mine,
        )
        for row in rows
    ]
    return DueList(today.replace(day=1), entries)


def _with_context(store: Store, config: Config, actor: Actor, step: Any) -> Any:
    from desktop.ui.pages.apply_page import counter_context

    with store.session() as session:
        return step(session, counter_context(store, config, actor, session))


def record_contact_on_db(
    store: Store,
    config: Config,
    actor: Actor,
    registration_id: str,
    on: dt.date,
    method: str,
    reached: bool,
    note: str,
) -> str:
    """Run on the database thread: 定期联系; the message to show."""
    from desktop.domain.codes import code_table
    from desktop.services.followup import record_contact

    _with_context(
        store,
        config,
        actor,
        lambda session, ctx: record_contact(
            session, ctx, registration_id, on=on, method=method, reached=reached, note=note
        ),
    )
    label = code_table("contact_method").label(method)
    return f"已记录{label}联系（{'已联系上' if reached else '未联系上'}）"


def record_service_on_db(
    store: Store,
    config: Config,
    actor: Actor,
    registration_id: str,
    on: dt.date,
    kind: str,
    content: str,
    result: str,
    details: dict[str, str],
) -> str:
    """Run on the database thread: one service of notice §4."""
    from desktop.services.followup import SERVICE_KINDS, record_service

    _with_context(
        store,
        config,
        actor,
        lambda session, ctx: record_service(
            session,
            ctx,
            registration_id,
            on=on,
            kind=kind,
            content=content,
            result=result,
            details=details,
        ),
    )
    return f"已记录{SERVICE_KINDS[kind]}"


def record_refusal_on_db(
    store: Store,
    config: Config,
    actor: Actor,
    registration_id: str,
    on: dt.date,
    service_kind: str,
    valid_reason: bool,
    reason_text: str,
    method: str,
) -> str:
    """Run on the database thread: a refused service (notice §5(三))."""
    from desktop.services.followup import SERVICE_KINDS, record_refusal

    _with_context(
        store,
        config,
        actor,
        lambda session, ctx: record_refusal(
            session,
            ctx,
            registration_id,
            on=on,
            service_kind=service_kind,
            valid_reason=valid_reason,
            reason_text=reason_text,
            method=method,
        ),
    )
    why = "有正当理由" if valid_reason else "无正当理由"
    return f"已记录拒绝接受{SERVICE_KINDS[service_kind]}（{why}）"


@dataclass(frozen=True)
class ProposalEntry:
    """A sweep proposal with what the list shows of the person."""

    proposal: DeregistrationProposal
    person_id: str
    number: str
    name: str


def load_proposals(store: Store, config: Config, today: dt.date) -> list[ProposalEntry]:
    """Run on the database thread: the daily sweep's proposals (nothing is deregistered)."""
    from sqlalchemy import select

    from desktop.services.followup import deregistration_sweep, person_names
    from desktop.store.models import Registration

    with store.session(write=False) as session:
        proposals = deregistration_sweep(session, config.region_code, today)
        ids = list({proposal.registration_id for proposal in proposals})
        numbers: dict[str, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            query = select(Registration.id, Registration.number, Registration.person_id).where(
                Registration.id.in_(ids[start : start + 500])
            )
            numbers.update({rid: (number, pid) for rid, number, pid in session.execute(query)})
        names = person_names(session, [pid for _, pid in numbers.values()])
    entries = []
    for proposal in proposals:
        number, person_id = numbers.get(proposal.registration_id, ("", ""))
        entries.append(ProposalEntry(proposal, person_id, number, names.get(person_id, "")))
    # The ones a 审核 can confirm first, then the warnings to check.
    entries.sort(key=lambda entry: (not entry.proposal.confirmable, entry.number))
    return entries


# --------------------------------------------------------------------------- the forms


def _numbered_combo(items: list[tuple[str, str]], parent: QWidget) -> QComboBox:
    """A combo whose items read "1 电话", "2 短信"…: typing the digit picks the item."""
    combo = QComboBox(parent)
    for number, (code, label) in enumerate(items, start=1):
        combo.addItem(f"{number} {label}", code)
    return combo


def _this_month(day: dt.date) -> bool:
    """Whether a reached contact on `day` covers this month's (notice §5: 每月至少1次)."""
    return day >= dt.date.today().replace(day=1)


def _date_field(parent: QWidget, name: str) -> QLineEdit:
    field = QLineEdit(parent)
    field.setObjectName(name)
    field.setText(dt.date.today().isoformat())
    field.setPlaceholderText("2026-11-26")
    field.setMaximumWidth(140)
    return field


class RecordForms(QTabWidget):
    """联系 / 服务 / 拒绝服务 for one registration; a refused input keeps what was typed."""

    sig_recorded = Signal(str, str, bool)
    """Something was recorded: (registration id, the Chinese message, whether it covers this
    month's contact: a reached contact, a service or a refusal dated this month)."""

    sig_record_failed = Signal(str)
    """A record was refused; the argument is the clerk's message (the form keeps its text)."""

    CONTACT, SERVICE, REFUSAL = range(3)

    def __init__(
        self,
        store: Store | None,
        config: Config,
        parent: QWidget | None = None,
        *,
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        from desktop.domain.codes import code_table
        from desktop.services.followup import SERVICE_KINDS

        self.setObjectName("recordForms")
        self._store = store
        self._config = config
        self._actor_provider = actor_provider
        self._registration_id: str | None = None
        self._busy = False
        # What the running save was for: (registration id, counts as contact, fields to clear).
        self._pending: tuple[str, bool, tuple[QLineEdit, ...]] = ("", False, ())
        methods = code_table("contact_method")
        method_items = [(code, methods.label(code)) for code in CONTACT_METHODS if code in methods]
        service_items = list(SERVICE_KINDS.items())

        # 联系
        contact = QWidget(self)
        self._contact_date = _date_field(contact, "contactDate")
        self._contact_method = _numbered_combo(method_items, contact)
        self._contact_method.setObjectName("contactMethod")
        self._reached = QCheckBox(self.tr("已联系上本人"), contact)
        self._reached.setObjectName("contactReached")
        self._reached.setChecked(True)
        self._contact_note = QLineEdit(contact)
        self._contact_note.setObjectName("contactNote")
        self._contact_note.setPlaceholderText(self.tr("就业失业情况、求职进展等（可不填）"))
        self._contact_button = QPushButton(self.tr("保存联系（Ctrl+Enter）"), contact)
        self._contact_button.setObjectName("saveContact")
        self._contact_button.clicked.connect(self.save_contact)
        form = QFormLayout(contact)
        form.addRow(self.tr("联系日期"), self._contact_date)
        form.addRow(self.tr("联系方式"), self._contact_method)
        form.addRow("", self._reached)
        form.addRow(self.tr("情况"), self._contact_note)
        form.addRow("", self._contact_button)
        self.addTab(contact, self.tr("联系（Alt+1）"))

        # 服务
        service = QWidget(self)
        self._service_date = _date_field(service, "serviceDate")
        self._service_kind = _numbered_combo(service_items, service)
        self._service_kind.setObjectName("serviceKind")
        self._service_content = QLineEdit(service)
        self._service_content.setObjectName("serviceContent")
        self._service_content.setPlaceholderText(self.tr("服务内容（必填）"))
        self._service_result = QLineEdit(service)
        self._service_result.setObjectName("serviceResult")
        self._service_result.setPlaceholderText(self.tr("结果或后续跟进"))
        self._employer = QLineEdit(service)
        self._employer.setObjectName("serviceEmployer")
        self._post = QLineEdit(service)
        self._post.setObjectName("servicePost")
        self._project = QLineEdit(service)
        self._project.setObjectName("serviceProject")
        self._service_button = QPushButton(self.tr("保存服务（Ctrl+Enter）"), service)
        self._service_button.setObjectName("saveService")
        self._service_button.clicked.connect(self.save_service)
        self._service_form = QFormLayout(service)
        self._service_form.addRow(self.tr("服务日期"), self._service_date)
        self._service_form.addRow(self.tr("服务类别"), self._service_kind)
        self._service_form.addRow(self.tr("服务内容"), self._service_content)
        self._service_form.addRow(self.tr("用人单位"), self._employer)
        self._service_form.addRow(self.tr("推荐岗位"), self._post)
        self._service_form.addRow(self.tr("培训项目"), self._project)
        self._service_form.addRow(self.tr("服务结果"), self._service_result)
        self._service_form.addRow("", self._service_button)
        self._service_kind.currentIndexChanged.connect(self._show_service_details)
        self.addTab(service, self.tr("服务（Alt+2）"))

        # 拒绝服务
        refusal = QWidget(self)
        self._refusal_date = _date_field(refusal, "refusalDate")
        self._refused_kind = _numbered_combo(service_items, refusal)
        self._refused_kind.setObjectName("refusedKind")
        self._refusal_method = _numbered_combo(method_items, refusal)
        self._refusal_method.setObjectName("refusalMethod")
        self._valid_reason = QCheckBox(self.tr("有正当理由（不计入连续拒绝次数）"), refusal)
        self._valid_reason.setObjectName("refusalValidReason")
        self._refusal_reason = QLineEdit(refusal)
        self._refusal_reason.setObjectName("refusalReason")
        self._refusal_reason.setPlaceholderText(self.tr("本人所说的理由"))
        self._refusal_button = QPushButton(self.tr("保存拒绝记录（Ctrl+Enter）"), refusal)
        self._refusal_button.setObjectName("saveRefusal")
        self._refusal_button.clicked.connect(self.save_refusal)
        refusal_form = QFormLayout(refusal)
        refusal_form.addRow(self.tr("日期"), self._refusal_date)
        refusal_form.addRow(self.tr("拒绝的服务"), self._refused_kind)
        refusal_form.addRow(self.tr("联系方式"), self._refusal_method)
        refusal_form.addRow("", self._valid_reason)
        refusal_form.addRow(self.tr("理由"), self._refusal_reason)
        refusal_form.addRow("", self._refusal_button)
        self.addTab(refusal, self.tr("拒绝服务（Alt+3）"))

        for field in (self._contact_date, self._contact_note):
            field.returnPressed.connect(self.save_contact)
        for field in (self._service_result, self._project, self._post):
            field.returnPressed.connect(self.save_service)
        self._refusal_reason.returnPressed.connect(self.save_refusal)
        save = QShortcut(QKeySequence("Ctrl+Return"), self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save_current)
        save_enter = QShortcut(QKeySequence("Ctrl+Enter"), self)
        save_enter.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_enter.activated.connect(self.save_current)
        self._show_service_details()
        self.setMinimumWidth(SIDE_PANEL_WIDTH - 20)
        self.update_permissions()

    # -- public API -----------------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        self._store = store
        self.update_permissions()

    def set_actor_provider(self, provider: ActorProvider) -> None:
        self._actor_provider = provider

    def set_registration(self, registration_id: str | None) -> None:
        """The registration the forms record for (None: nothing to record); the text typed
        stays (the clerk may have picked the next person on purpose)."""
        self._registration_id = registration_id
        self.update_permissions()

    def registration_id(self) -> str | None:
        return self._registration_id

    def focus_first_field(self) -> None:
        """Put the keyboard on the current form's first choice."""
        first = {
            self.CONTACT: self._contact_method,
            self.SERVICE: self._service_kind,
            self.REFUSAL: self._refused_kind,
        }[self.currentIndex()]
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def update_permissions(self) -> None:
        """Enabled only with a registration, a store and the 记录服务和联系 permission."""
        allowed = may("RECORD_SERVICE")
        usable = allowed and self._store is not None and self._registration_id is not None
        for index in range(self.count()):
            page = self.widget(index)
            if page is not None:
                page.setEnabled(usable and not self._busy)
        tip = "" if allowed else self.tr("本人的角色不能记录服务和联系")
        self.setToolTip(tip)

    def field(self, name: str) -> QWidget:
        """A form field by object name (tests, and the screens that prefill a field)."""
        found = self.findChild(QWidget, name)
        assert found is not None, name
        return found

    @Slot()
    def save_current(self) -> None:
        {
            self.CONTACT: self.save_contact,
            self.SERVICE: self.save_service,
            self.REFUSAL: self.save_refusal,
        }[self.currentIndex()]()

    @Slot()
    def save_contact(self) -> None:
        on = self._date(self._contact_date, self.tr("联系日期"))
        if on is None:
            return
        self._run(
            record_contact_on_db,
            on,
            str(self._contact_method.currentData()),
            self._reached.isChecked(),
            self._contact_note.text(),
            counts_as_contact=self._reached.isChecked() and _this_month(on),
            clear=(self._contact_note,),
        )

    @Slot()
    def save_service(self) -> None:
        on = self._date(self._service_date, self.tr("服务日期"))
        if on is None:
            return
        kind = str(self._service_kind.currentData())
        details = {
            key: field.text().strip()
            for key, field in (
                ("employer", self._employer),
                ("post", self._post),
                ("project", self._project),
            )
            if field.isVisibleTo(self) and field.text().strip()
        }
        self._run(
            record_service_on_db,
            on,
            kind,
            self._service_content.text(),
            self._service_result.text(),
            details,
            counts_as_contact=_this_month(on),  # serving the person is contact with them
            clear=(
                self._service_content,
                self._service_result,
                self._employer,
                self._post,
                self._project,
            ),
        )

    @Slot()
    def save_refusal(self) -> None:
        on = self._date(self._refusal_date, self.tr("日期"))
        if on is None:
            return
        self._run(
            record_refusal_on_db,
            on,
            str(self._refused_kind.currentData()),
            self._valid_reason.isChecked(),
            self._refusal_reason.text(),
            str(self._refusal_method.currentData()),
            counts_as_contact=_this_month(on),
            clear=(self._refusal_reason,),
        )

    # -- internals ------------------------------------------------------------------------

    def _date(self, field: QLineEdit, what: str) -> dt.date | None:
        from desktop.services.intake import parse_form_date

        day = parse_form_date(field.text())
        if day is None:
            self.sig_record_failed.emit(
                self.tr("{what}「{text}」不是有效日期，请按 2026-11-26 的格式填写").format(
                    what=what, text=field.text()
                )
            )
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            field.selectAll()
        return day

    def _actor(self) -> Actor:
        if self._actor_provider is not None:
            return self._actor_provider()
        from desktop.ui.document_dialog import counter_actor

        return counter_actor(self._config)

    def _run(
        self, step: Any, *args: Any, counts_as_contact: bool, clear: tuple[QLineEdit, ...]
    ) -> None:
        registration_id = self._registration_id
        if self._busy or registration_id is None or self._store is None:
            return
        self._busy = True
        self._pending = (registration_id, counts_as_contact, clear)
        self.update_permissions()
        run_db(step, self._store, self._config, self._actor(), registration_id, *args).on_success(
            self._on_recorded
        ).on_error(self._on_failed)

    def _on_recorded(self, message: str) -> None:
        registration_id, counts_as_contact, clear = self._pending
        self._busy = False
        for field in clear:  # recorded: the next person starts from an empty form
            field.clear()
        self.update_permissions()
        self.sig_recorded.emit(registration_id, message, counts_as_contact)

    def _on_failed(self, error: BaseException) -> None:
        self._busy = False
        self.update_permissions()
        self.sig_record_failed.emit(_message_of(error))

    @Slot()
    def _show_service_details(self) -> None:
        kind = str(self._service_kind.currentData())
        referral = kind == "job_referral"
        training = kind == "training_recommendation"
        for field, shown in (
            (self._employer, referral),
            (self._post, referral),
            (self._project, training),
        ):
            self._service_form.setRowVisible(field, shown)


# --------------------------------------------------------------------------- the list


class DueModel(RowTableModel[DueEntry]):
    """The month's contact list; overdue rows red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self._month = dt.date.today().replace(day=1)
        self.set_columns(
            [
                Column(self.tr("状态"), self._status_text),
                Column(self.tr("姓名"), lambda entry: entry.name),
                Column(self.tr("登记编号"), lambda entry: entry.number),
                Column(self.tr("登记日期"), lambda entry: entry.registered_on.isoformat()),
                Column(self.tr("最近联系"), self._last_contact_text),
                Column(self.tr("经办"), lambda entry: self.tr("本人") if entry.mine else ""),
            ],
        )

    def set_list(self, due: DueList) -> None:
        self._month = due.month
        self.set_rows(due.entries)

    def entry_at(self, row: int) -> DueEntry | None:
        return self.row_at(row)

    def remove(self, registration_id: str) -> None:
        self.remove_where(lambda entry: entry.registration_id == registration_id)

    def entries(self) -> list[DueEntry]:
        return self.rows()

    def foreground(self, row: DueEntry) -> QColor | None:
        return _OVERDUE if row.overdue else None

    def background(self, row: DueEntry) -> QColor | None:
        return _OVERDUE_BACKGROUND if row.overdue else None

    def bold(self, row: DueEntry, column: int) -> bool:
        return row.overdue and column == 0

    def role_data(self, row: DueEntry, column: int, role: int) -> Any:
        return row if role == Qt.ItemDataRole.UserRole else None

    def _status_text(self, entry: DueEntry) -> str:
        return self.tr("逾期未联系") if entry.overdue else self.tr("本月待联系")

    def _last_contact_text(self, entry: DueEntry) -> str:
        return entry.last_contact_on.isoformat() if entry.last_contact_on else self.tr("无")


class DueFilter(QSortFilterProxyModel):
    """Whose (mine / everyone), which status, and a name or number typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.only_mine = False
        self.only_overdue = False
        self.text = ""

    def set_filter(self, *, only_mine: bool, only_overdue: bool, text: str) -> None:
        self.beginFilterChange()
        self.only_mine, self.only_overdue, self.text = only_mine, only_overdue, text.strip()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, DueModel)
        entry = model.entry_at(source_row)
        if entry is None:
            return False
        if self.only_mine and not entry.mine:
            return False
        if self.only_overdue and not entry.overdue:
            return False
        return not self.text or self.text in entry.name or entry.number.startswith(self.text)


def _fit(view: QTableView) -> None:
    view.resizeColumnsToContents()
    for column in range(view.model().columnCount() - 1):
        view.setColumnWidth(column, view.columnWidth(column) + _COLUMN_PADDING)


class MonthlyContactPanel(QWidget):
    """The due/overdue list with its filter, and the record forms beside it."""

    sig_list_loaded = Signal(int)
    """The list is on screen; the argument is how many people are due or overdue in all."""

    sig_person_open_requested = Signal(str)
    """Open this person's record (the argument is the person id)."""

    sig_message_shown = Signal(str)
    """A message was shown under the forms (recorded, or why not)."""

    def __init__(
        self,
        config: Config,
        store: Store | None,
        parent: QWidget | None = None,
        *,
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._store = store
        self._generation = 0
        self._loaded = False

        self._whose = QComboBox(self)
        self._whose.setObjectName("whoseFilter")
        self._whose.addItem(self.tr("本人经办"), "mine")
        self._whose.addItem(self.tr("全窗口"), "all")
        self._which = QComboBox(self)
        self._which.setObjectName("statusFilter")
        self._which.addItem(self.tr("待联系和逾期"), "all")
        self._which.addItem(self.tr("仅逾期"), "overdue")
        self._text = QLineEdit(self)
        self._text.setObjectName("dueTextFilter")
        self._text.setPlaceholderText(self.tr("按姓名或登记编号筛选"))
        self._text.setClearButtonEnabled(True)
        self._counts = QLabel(self)
        self._counts.setObjectName("dueCounts")
        filters = QHBoxLayout()
        filters.addWidget(self._whose)
        filters.addWidget(self._which)
        filters.addWidget(self._text, 1)
        filters.addWidget(self._counts)

        self._model = DueModel(self)
        self._filter = DueFilter(self)
        self._filter.setSourceModel(self._model)
        self._view = read_only_list_view(self, "dueTable")
        self._view.setModel(self._filter)
        self._view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self._view.activated.connect(self._on_activated)
        self._message = QLabel(self)
        self._message.setObjectName("dueMessage")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setStyleSheet(_HINT_STYLE)
        self._message.setWordWrap(True)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._message)
        self._stack.addWidget(self._view)

        self._forms = RecordForms(store, config, self, actor_provider=actor_provider)
        self._forms.sig_recorded.connect(self._on_recorded)
        self._forms.sig_record_failed.connect(self._on_record_failed)
        self._target = QLabel(self)
        self._target.setObjectName("recordTarget")
        self._target.setWordWrap(True)
        font = self._target.font()
        font.setBold(True)
        self._target.setFont(font)
        self._open_record = QPushButton(self.tr("人员档案（Ctrl+O）"), self)
        self._open_record.setObjectName("openPersonRecord")
        self._open_record.clicked.connect(self.open_current_record)
        self._form_message = QLabel(self)
        self._form_message.setObjectName("formMessage")
        self._form_message.setWordWrap(True)
        self._form_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side = QWidget(self)
        side.setFixedWidth(SIDE_PANEL_WIDTH)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        target_row = QHBoxLayout()
        target_row.addWidget(self._target, 1)
        target_row.addWidget(self._open_record)
        side_layout.addLayout(target_row)
        side_layout.addWidget(self._forms)
        side_layout.addWidget(self._form_message)
        side_layout.addStretch(1)

        left = QVBoxLayout()
        left.addLayout(filters)
        left.addWidget(self._stack, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(side)

        self._whose.currentIndexChanged.connect(self._apply_filter)
        self._which.currentIndexChanged.connect(self._apply_filter)
        self._text.textChanged.connect(self._apply_filter)
        for number, tab in ((1, RecordForms.CONTACT), (2, RecordForms.SERVICE), (3, 2)):
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._tab_switcher(tab))
        opener = QShortcut(QKeySequence("Ctrl+O"), self)
        opener.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        opener.activated.connect(self.open_current_record)
        self._show_message(self.tr("正在打开本地数据库……") if store is None else "")
        self._show_target(None)

    # -- public API -----------------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        self._store = store
        self._forms.set_store(store)
        if self.isVisible():
            self.refresh()

    def set_actor_provider(self, provider: ActorProvider) -> None:
        self._forms.set_actor_provider(provider)

    def view(self) -> QTableView:
        return self._view

    def forms(self) -> RecordForms:
        return self._forms

    def form_message(self) -> str:
        return self._form_message.text()

    def visible_entries(self) -> list[DueEntry]:
        """The rows the filter lets through, in order."""
        return [
            self._filter.index(row, 0).data(Qt.ItemDataRole.UserRole)
            for row in range(self._filter.rowCount())
        ]

    def set_whose(self, whose: str) -> None:
        """ "mine" or "all"."""
        self._whose.setCurrentIndex(self._whose.findData(whose))

    def set_status_filter(self, which: str) -> None:
        """ "all" or "overdue"."""
        self._which.setCurrentIndex(self._which.findData(which))

    def set_text_filter(self, text: str) -> None:
        self._text.setText(text)

    def current_entry(self) -> DueEntry | None:
        index = self._view.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def select_row(self, row: int) -> None:
        index = self._filter.index(row, 0)
        self._view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    @Slot()
    def refresh(self) -> None:
        if self._store is None:
            return
        self._generation += 1
        clerk = clerk_session().clerk
        run_db(
            load_due_list,
            self._store,
            self._config,
            clerk.username if clerk else "",
            dt.date.today(),
        ).on_success(self._on_loaded).on_error(self._on_failed)

    @Slot()
    def open_current_record(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.sig_person_open_requested.emit(entry.person_id)

    # -- slots ----------------------------------------------------------------------------

    def _tab_switcher(self, tab: int) -> Any:
        def switch() -> None:
            self._forms.setCurrentIndex(tab)
            self._forms.focus_first_field()

        return switch

    def _on_loaded(self, due: DueList) -> None:
        first_load = not self._loaded
        self._loaded = True
        current = self.current_entry()
        self._model.set_list(due)
        mine = [entry for entry in due.entries if entry.mine]
        if first_load and not mine:
            # Nobody of this clerk's is due: the counter's list is the useful one.
            self._whose.blockSignals(True)
            self._whose.setCurrentIndex(self._whose.findData("all"))
            self._whose.blockSignals(False)
        self._apply_filter()
        overdue_all = sum(entry.overdue for entry in due.entries)
        overdue_mine = sum(entry.overdue for entry in mine)
        self._counts.setText(
            self.tr("{month}　本人：{mine} 人（逾期 {mine_overdue}）　"
                    "全窗口：{all} 人（逾期 {all_overdue}）").format(
                month=f"{due.month:%Y-%m}",
                mine=len(mine),
                mine_overdue=overdue_mine,
                all=len(due.entries),
                all_overdue=overdue_all,
            )
        )  # fmt: skip
        self._counts.setStyleSheet(_ERROR_STYLE if overdue_all else "")
        if current is not None:
            self._select_registration(current.registration_id)
        self.sig_list_loaded.emit(len(due.entries))

    def _on_failed(self, error: BaseException) -> None:
        self._show_message(self.tr("联系名单读取失败：{reason}").format(reason=_message_of(error)))

    @Slot()
    def _apply_filter(self) -> None:
        self._filter.set_filter(
            only_mine=self._whose.currentData() == "mine",
            only_overdue=self._which.currentData() == "overdue",
            text=self._text.text(),
        )
        if self._filter.rowCount():
            self._stack.setCurrentWidget(self._view)
            _fit(self._view)
            if not self._view.currentIndex().isValid():
                self.select_row(0)
        elif self._model.rowCount():
            self._show_message(self.tr("没有符合筛选条件的人员"))
        else:
            self._show_message(self.tr("本月应联系的人员都已联系"))
        if self._filter.rowCount() == 0:
            self._show_target(None)

    def _select_registration(self, registration_id: str) -> None:
        for row in range(self._filter.rowCount()):
            entry = self._filter.index(row, 0).data(Qt.ItemDataRole.UserRole)
            if entry.registration_id == registration_id:
                self.select_row(row)
                return

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
        self._show_target(entry)

    @Slot(QModelIndex)
    def _on_activated(self, _index: QModelIndex) -> None:
        # Enter on a person: straight into the form (a double click too).
        self._forms.focus_first_field()

    def _show_target(self, entry: DueEntry | None) -> None:
        if entry is None:
            self._target.setText(self.tr("在左侧选择一名人员"))
            self._forms.set_registration(None)
            self._open_record.setEnabled(False)
            return
        last = entry.last_contact_on.isoformat() if entry.last_contact_on else self.tr("无")
        self._target.setText(
            self.tr("{name}　{number}\n最近联系：{last}").format(
                name=entry.name, number=entry.number, last=last
            )
        )
        self._target.setStyleSheet(_ERROR_STYLE if entry.overdue else "")
        self._forms.set_registration(entry.registration_id)
        self._open_record.setEnabled(True)

    def _on_recorded(self, registration_id: str, message: str, counts: bool) -> None:
        entry = self.current_entry()
        name = entry.name if entry and entry.registration_id == registration_id else ""
        row = self._view.currentIndex().row()
        self._form_message.setText(f"{name} {message}".strip())
        self._form_message.setStyleSheet(_OK_STYLE)
        if counts:
            # Contacted this month: off the list; the next person takes the row.
            self._model.remove(registration_id)
            self._apply_filter()
            if self._filter.rowCount():
                self.select_row(min(max(row, 0), self._filter.rowCount() - 1))
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sig_message_shown.emit(self._form_message.text())

    def _on_record_failed(self, message: str) -> None:
        self._form_message.setText(message)
        self._form_message.setStyleSheet(_ERROR_STYLE)
        self.sig_message_shown.emit(message)

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._stack.setCurrentWidget(self._message)


# --------------------------------------------------------------------------- sweep proposals


class ProposalModel(RowTableModel[ProposalEntry]):
    """The sweep's proposals: person, reason, evidence; warnings in brown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.set_columns(
            [
                Column(self.tr("姓名"), lambda entry: entry.name),
                Column(self.tr("登记编号"), lambda entry: entry.number),
                Column(self.tr("注销原因"), self._reason_text),
                Column(self.tr("依据"), lambda entry: entry.proposal.evidence),
            ]
        )

    def set_entries(self, entries: list[ProposalEntry]) -> None:
        self.set_rows(entries)

    def entry_at(self, row: int) -> ProposalEntry | None:
        return self.row_at(row)

    def remove_registration(self, registration_id: str) -> None:
        keep = [e for e in self.rows() if e.proposal.registration_id != registration_id]
        self.set_entries(keep)

    def tooltip(self, row: ProposalEntry, column: int) -> str | None:
        return self.text(row, column)

    def foreground(self, row: ProposalEntry) -> QColor | None:
        return None if row.proposal.confirmable else _WARNING

    def role_data(self, row: ProposalEntry, column: int, role: int) -> Any:
        return row if role == Qt.ItemDataRole.UserRole else None

    def _reason_text(self, entry: ProposalEntry) -> str:
        proposal = entry.proposal
        if proposal.confirmable:
            return proposal.reason_label
        return self.tr("（待核实）{reason}").format(reason=proposal.reason_label)


class SweepProposalsPanel(QWidget):
    """The daily sweep's proposals, for a 审核 to confirm one by one (nothing is deregistered
    without it): Enter opens the 注销 dialog with the proposal's reason and evidence."""

    sig_proposals_loaded = Signal(int)
    """The proposals are on screen; the argument is how many."""

    sig_dialog_opened = Signal(object)
    """A 注销 dialog opened (the argument), already showing."""

    sig_person_open_requested = Signal(str)
    """Open this person's record (the argument is the person id)."""

    def __init__(
        self,
        config: Config,
        store: Store | None,
        parent: QWidget | None = None,
        *,
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._store = store
        self._actor_provider = actor_provider
        self._loaded = False
        self._count = QLabel(self)
        self._count.setObjectName("proposalCount")
        hint = QLabel(
            self.tr("系统每日比对记录提出的注销建议，须逐一核实后确认；Enter 打开注销办理"),
            self,
        )
        hint.setStyleSheet("color: #616161;")
        hint.setWordWrap(True)
        self._confirm = QPushButton(self.tr("核实并注销…"), self)
        self._confirm.setObjectName("confirmProposal")
        self._confirm.clicked.connect(self.open_current)
        self._open_record = QPushButton(self.tr("人员档案（Ctrl+O）"), self)
        self._open_record.setObjectName("proposalPersonRecord")
        self._open_record.clicked.connect(self._open_current_record)
        header = QHBoxLayout()
        header.addWidget(self._count)
        header.addWidget(hint, 1)
        header.addWidget(self._open_record)
        header.addWidget(self._confirm)
        self._model = ProposalModel(self)
        self._view = read_only_list_view(self, "proposalTable")
        self._view.setModel(self._model)
        self._view.activated.connect(self._on_activated)
        self._message = QLabel(self)
        self._message.setObjectName("proposalMessage")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setStyleSheet(_HINT_STYLE)
        self._message.setWordWrap(True)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._message)
        self._stack.addWidget(self._view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self._stack, 1)
        opener = QShortcut(QKeySequence("Ctrl+O"), self)
        opener.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        opener.activated.connect(self._open_current_record)
        clerk_session().sig_clerk_changed.connect(self._on_clerk_changed)
        self._on_clerk_changed(clerk_session().clerk)
        self._show_message(self.tr("正在打开本地数据库……") if store is None else "")

    def set_store(self, store: Store) -> None:
        self._store = store
        if self.isVisible():
            self.refresh()

    def set_actor_provider(self, provider: ActorProvider) -> None:
        self._actor_provider = provider

    def view(self) -> QTableView:
        return self._view

    def entries(self) -> list[ProposalEntry]:
        return [e for row in range(self._model.rowCount()) if (e := self._model.entry_at(row))]

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    @Slot()
    def refresh(self) -> None:
        if self._store is None:
            return
        self._show_message(self.tr("正在比对记录……"))
        run_db(load_proposals, self._store, self._config, dt.date.today()).on_success(
            self._on_loaded
        ).on_error(self._on_failed)

    def open_row(self, row: int) -> DeregistrationDialog | None:
        """The 注销 dialog for a proposal, its reason and evidence filled in."""
        entry = self._model.entry_at(row)
        if entry is None or self._store is None:
            return None
        from desktop.ui.pages.deregistration_dialog import DeregistrationDialog

        dialog = DeregistrationDialog(
            self._store,
            self._config,
            entry.proposal.registration_id,
            self,
            reason=entry.proposal.reason,
            evidence=entry.proposal.evidence if entry.proposal.confirmable else "",
            actor_provider=self._actor_provider,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_deregistered.connect(self._on_deregistered)
        dialog.show()
        self.sig_dialog_opened.emit(dialog)
        return dialog

    @Slot()
    def open_current(self) -> None:
        if self._confirm.isEnabled():
            self.open_row(self._view.currentIndex().row())

    @Slot()
    def _open_current_record(self) -> None:
        entry = self._model.entry_at(self._view.currentIndex().row())
        if entry is not None and entry.person_id:
            self.sig_person_open_requested.emit(entry.person_id)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        if self._confirm.isEnabled():
            self.open_row(index.row())

    @Slot(str, bool)
    def _on_deregistered(self, registration_id: str, _notified: bool) -> None:
        row = self._view.currentIndex().row()
        self._model.remove_registration(registration_id)
        self._show_count()
        if self._model.rowCount():
            self._view.selectRow(min(max(row, 0), self._model.rowCount() - 1))
        else:
            self._show_message(self.tr("没有待确认的注销建议"))

    @Slot(object)
    def _on_clerk_changed(self, _clerk: object) -> None:
        allowed = may("CONFIRM_DEREGISTRATION")
        self._confirm.setEnabled(allowed)
        self._confirm.setToolTip("" if allowed else self.tr("确认注销须由审核人员办理"))

    def _on_loaded(self, entries: list[ProposalEntry]) -> None:
        self._loaded = True
        self._model.set_entries(entries)
        self._show_count()
        if entries:
            self._stack.setCurrentWidget(self._view)
            _fit(self._view)
            self._view.selectRow(0)
        else:
            self._show_message(self.tr("没有待确认的注销建议"))
        self.sig_proposals_loaded.emit(len(entries))

    def _show_count(self) -> None:
        entries = self.entries()
        warnings = sum(not entry.proposal.confirmable for entry in entries)
        self._count.setText(
            self.tr("注销建议 {count} 条（其中待核实 {warnings} 条）").format(
                count=len(entries), warnings=warnings
            )
        )

    def _on_failed(self, error: BaseException) -> None:
        self._show_message(self.tr("注销建议读取失败：{reason}").format(reason=_message_of(error)))

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._stack.setCurrentWidget(self._message)


# --------------------------------------------------------------------------- the pages


class FollowupPage(QWidget):
    """服务跟踪: 每月联系 (the list and the forms) and 注销建议 (the sweep) as two tabs."""

    sig_person_open_requested = Signal(str)
    """Open this person's record (the argument is the person id)."""

    def __init__(
        self,
        config: Config,
        store: Store | None = None,
        parent: QWidget | None = None,
        *,
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self._contacts = MonthlyContactPanel(config, store, self, actor_provider=actor_provider)
        self._proposals = SweepProposalsPanel(config, store, self, actor_provider=actor_provider)
        self._tabs = QTabWidget(self)
        self._tabs.setObjectName("followupTabs")
        self._tabs.addTab(self._contacts, self.tr("每月联系"))
        self._tabs.addTab(self._proposals, self.tr("注销建议"))
        refresh = QPushButton(self.tr("刷新（F5）"), self)
        refresh.setObjectName("refreshFollowup")
        refresh.clicked.connect(self.refresh)
        hint = QLabel(
            self.tr("通知第五条：每月至少联系1次；↑↓选人，Enter 填写，Ctrl+Enter 保存"), self
        )
        hint.setStyleSheet("color: #616161;")
        header = QHBoxLayout()
        header.addWidget(page_title(self.tr("服务跟踪"), self))
        header.addSpacing(16)
        header.addWidget(hint, 1)
        header.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._tabs, 1)
        self._contacts.sig_person_open_requested.connect(self.sig_person_open_requested)
        self._proposals.sig_person_open_requested.connect(self.sig_person_open_requested)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.refresh)

    def set_store(self, store: Store) -> None:
        self._contacts.set_store(store)
        self._proposals.set_store(store)

    def set_actor_provider(self, provider: ActorProvider) -> None:
        self._contacts.set_actor_provider(provider)
        self._proposals.set_actor_provider(provider)

    def contacts(self) -> MonthlyContactPanel:
        return self._contacts

    def proposals(self) -> SweepProposalsPanel:
        return self._proposals

    def show_proposals(self) -> None:
        self._tabs.setCurrentWidget(self._proposals)

    @Slot()
    def refresh(self) -> None:
        current = self._tabs.currentWidget()
        if isinstance(current, (MonthlyContactPanel, SweepProposalsPanel)):
            current.refresh()


class DeregistrationPage(QWidget):
    """注销 (notice §5): the sweep's proposals to confirm; any other 注销 starts from the
    person's record (查询 → Enter → 注销)."""

    sig_person_open_requested = Signal(str)
    """Open this person's record (the argument is the person id)."""

    def __init__(
        self,
        config: Config,
        store: Store | None = None,
        parent: QWidget | None = None,
        *,
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self._proposals = SweepProposalsPanel(config, store, self, actor_provider=actor_provider)
        refresh = QPushButton(self.tr("刷新（F5）"), self)
        refresh.setObjectName("refreshDeregistration")
        refresh.clicked.connect(self._proposals.refresh)
        hint = QLabel(self.tr("其他情形的注销：在“查询”中找到人员，打开人员档案后点“注销”"), self)
        hint.setStyleSheet("color: #616161;")
        header = QHBoxLayout()
        header.addWidget(page_title(self.tr("注销失业登记"), self))
        header.addSpacing(16)
        header.addWidget(hint, 1)
        header.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._proposals, 1)
        self._proposals.sig_person_open_requested.connect(self.sig_person_open_requested)
        QShortcut(QKeySequence("F5"), self).activated.connect(self._proposals.refresh)

    def set_store(self, store: Store) -> None:
        self._proposals.set_store(store)

    def set_actor_provider(self, provider: ActorProvider) -> None:
        self._proposals.set_actor_provider(provider)

    def proposals(self) -> SweepProposalsPanel:
        return self._proposals
