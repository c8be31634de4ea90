"""A person's record: who they are (ID masked; the audited full view on request), their
registrations, service tier with its reasons, every event (home visits, contacts, services,
refusals, prints, 注销), and the buttons to act: contact, service, refusal, 注销, printing.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db
from desktop.ui.clerk_session import clerk_session
from desktop.ui.pages.followup_page import RecordForms, may
from desktop.ui.pages.search_models import (
    HistoryModel,
    mask_phone_number,
    region_label,
    registration_status_label,
    sex_label,
)
from widgets.list_view import read_only_list_view
from widgets.masked_label import MaskedIdLabel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.config import Config
    from desktop.services.audit import FullRecord
    from desktop.store.db import Store
    from desktop.store.journal import Actor
    from desktop.store.queries import HistoryEntry
    from desktop.ui.document_dialog import DocumentDialog
    from desktop.ui.pages.apply_page import ActorProvider
    from desktop.ui.pages.deregistration_dialog import DeregistrationDialog

_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
_COLUMN_PADDING = 12
_SIZE_FROM_ROWS = 40
_HEADER_MARGIN = 16  # the header section's own padding around its title


def aid_services_available() -> bool:
    """Whether desktop/services/aid.py (就业援助, issue 6) is installed: the 援助 tab needs it."""
    return importlib.util.find_spec("desktop.services.aid") is not None


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class RegistrationLine:
    """One registration of the person, as the 登记 tab lists it."""

    registration_id: str
    number: str
    status: str
    applied_on: dt.date | None
    registered_on: dt.date | None
    deregistered_on: dt.date | None
    deregistration_reason: str  # its Chinese label
    tier: str | None
    last_contact_on: dt.date | None


@dataclass(frozen=True)
class TierView:
    """The active registration's tier: the one set (with who, when, why) and the rules' one."""

    current: str | None  # service_tier code set, None if never set
    set_on: str
    set_by: str
    override_reason: str
    suggested: str
    suggested_reasons: tuple[str, ...]


@dataclass(frozen=True)
class AidPlanView:
    """个性化就业援助计划 as the 就业援助 tab shows it."""

    status: str  # active / closed
    round: int
    staff: str  # name (工号)
    staff_assigned_on: dt.date | None
    made_on: dt.date | None
    needs: str
    steps: list[tuple[str, str, str, str]]  # (item, step, due, done: date and result)
    steps_done: int
    steps_total: int


@dataclass(frozen=True)
class PostView:
    """A 公益性岗位 placement."""

    post: str
    employer: str
    start_on: dt.date
    end_on: dt.date | None
    ended_on: dt.date | None
    status: str  # placed / ended
    post_id: str = ""


def _aid_plan_view(plan: Any) -> AidPlanView:
    steps = []
    for item in plan.items or []:
        for step in item.get("steps") or []:
            done = step.get("done_on") or ""
            result = step.get("result") or ""
            steps.append(
                (
                    str(item.get("title", "")),
                    str(step.get("title", "")),
                    str(step.get("due_on") or ""),
                    "，".join(str(part) for part in (done, result) if part),
                )
            )
    staff = plan.staff_name or ""
    if plan.staff_id:
        staff = f"{staff}（{plan.staff_id}）" if staff else plan.staff_id
    return AidPlanView(
        status=plan.status,
        round=plan.round or 1,
        staff=staff,
        staff_assigned_on=plan.staff_assigned_on,
        made_on=plan.made_on,
        needs=plan.needs or "",
        steps=steps,
        steps_done=plan.steps_done or 0,
        steps_total=plan.steps_total or 0,
    )


def _post_view(post: Any) -> PostView:
    return PostView(
        post.post, post.employer, post.start_on, post.end_on, post.ended_on, post.status, post.id
    )


@dataclass(frozen=True)
class PersonRecordView:
    """Everything the record page shows of one person."""

    person_id: str
    name: str
    id_number: str
    sex: str | None
    birth_date: dt.date | None
    phone: str | None
    residence_region: str | None
    registrations: list[RegistrationLine]
    active_registration_id: str | None
    latest_status: str | None
    tier: TierView | None
    history: list[HistoryEntry]
    false_info_marked: bool = False
    aid_plan: AidPlanView | None = None
    posts: list[PostView] = field(default_factory=list)
    visits: list[HistoryEntry] = field(default_factory=list)


def _text(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    return "" if value is None else str(value)


def _code_label(table: str, code: str) -> str:
    from desktop.domain.codes import code_table

    entry = code_table(table).get(code)
    return entry.label if entry is not None else code


def _tier_view(session: Session, registration: Any, history: Any, today: dt.date) -> TierView:
    from desktop.services.followup import suggest_tier

    decision = suggest_tier(session, registration.id, today=today)
    latest = next(
        (
            entry
            for entry in history  # newest first
            if entry.kind == "aidplan.set"
            and entry.registration_number == registration.number
            and "tier" in entry.payload
        ),
        None,
    )
    return TierView(
        current=registration.tier,
        set_on=f"{latest.wall_time:%Y-%m-%d}" if latest and latest.wall_time else "",
        set_by=latest.clerk_id if latest else "",
        override_reason=_text(latest.payload, "override_reason") if latest else "",
        suggested=decision.tier,
        suggested_reasons=decision.reasons,
    )


def read_person_record(session: Session, person_id: str, today: dt.date) -> PersonRecordView:
    """The record page's data from an open session (the benchmark calls this directly):
    desktop.store.queries.person_record, plus the rules' tier."""
    from desktop.domain.codes import code_table
    from desktop.services.followup import FollowupError
    from desktop.store.queries import person_record

    found = person_record(session, person_id)
    person = found.person
    if person is None:
        raise FollowupError("找不到该人员档案")
    reasons = code_table("deregistration_reason")
    lines = [
        RegistrationLine(
            registration.id,
            registration.number,
            registration.status,
            registration.applied_on,
            registration.registered_on,
            registration.deregistered_on,
            reasons.label(reason)
            if (reason := registration.deregistration_reason or "") in reasons
            else reason,
            registration.tier,
            registration.last_contact_on,
        )
        for registration in found.registrations
    ]
    active = next((r for r in found.registrations if r.status == "registered"), None)
    # desktop.store.queries.summarize already words every code in Chinese.
    history = list(found.history)
    plan = found.aid_plan
    return PersonRecordView(
        person_id=person.id,
        name=person.name,
        id_number=person.id_number,
        sex=person.sex,
        birth_date=person.birth_date,
        phone=person.phone,
        residence_region=person.residence_region,
        registrations=lines,
        active_registration_id=active.id if active else None,
        latest_status=found.registrations[0].status if found.registrations else None,
        tier=_tier_view(session, active, history, today) if active else None,
        history=history,
        false_info_marked=found.false_info_marked,
        aid_plan=_aid_plan_view(plan) if plan is not None else None,
        posts=[_post_view(post) for post in found.posts],
        visits=[entry for entry in history if entry.kind == "followup.visited"],
    )


def load_person_record(store: Store, person_id: str, today: dt.date) -> PersonRecordView:
    """Run on the database thread: the person's record page."""
    with store.session(write=False) as session:
        return read_person_record(session, person_id, today)


def set_tier_on_db(
    store: Store,
    config: Config,
    actor: Actor,
    registration_id: str,
    tier: str,
    override_reason: str,
) -> str:
    """Run on the database thread: 分级分类, the rules' tier or an override with its reason."""
    from desktop.services.followup import set_tier
    from desktop.ui.pages.apply_page import counter_context

    with store.session() as session:
        decision = set_tier(
            session,
            counter_context(store, config, actor, session),
            registration_id,
            on=dt.date.today(),
            tier=tier,
            override_reason=override_reason,
        )
    return f"服务等级已设为「{decision.label}」"


def _message_of(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


# --------------------------------------------------------------------------- the dialog


class PersonRecordDialog(QDialog):
    """人员档案: data, registrations, tier, history and the actions on the person."""

    sig_record_loaded = Signal(object)
    """The record is on screen; the argument is the PersonRecordView."""

    sig_record_failed = Signal(str)
    """The record could not be read; the argument is the message."""

    sig_message_shown = Signal(str)
    """An action's outcome (or refusal) is shown; the argument is the message."""

    sig_dialog_opened = Signal(object)
    """A dialog opened from here (注销, print preview); the argument is the dialog."""

    sig_changed = Signal(str)
    """Something was recorded for this person (the lists showing them may refresh); the
    argument is the person id."""

    TAB_HISTORY, TAB_REGISTRATIONS, TAB_TIER, TAB_RECORD = range(4)

    def __init__(
        self,
        store: Store,
        config: Config,
        person_id: str,
        parent: QWidget | None = None,
        *,
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        from desktop.ui.pages.apply_page import default_actor_provider

        self._store = store
        self._config = config
        self._person_id = person_id
        self._actor_provider = actor_provider or default_actor_provider(config)
        self._record: PersonRecordView | None = None
        self._busy = False
        self.setObjectName("personRecordDialog")
        self.setWindowTitle(self.tr("人员档案"))
        self.resize(1100, 700)
        # The record is read on the database thread while the widgets are built here; its
        # outcome arrives through the event loop, so after _build (issue 6: open < 50 ms).
        self.reload()
        self._build()
        clerk_session().sig_clerk_changed.connect(self._on_clerk_changed)
        self._update_actions()

    # -- construction ---------------------------------------------------------------------

    def _build(self) -> None:
        self._name = QLabel(self)
        self._name.setObjectName("personName")
        font = self._name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self._name.setFont(font)
        self._id_label = MaskedIdLabel(self)
        self._id_label.setObjectName("personIdNumber")
        self._id_label.sig_reveal_requested.connect(self.request_full_record)
        self._facts = QLabel(self)
        self._facts.setObjectName("personFacts")
        self._full_button = QPushButton(self.tr("查看完整信息"), self)
        self._full_button.setObjectName("fullRecordButton")
        self._full_button.setToolTip(self.tr("显示完整证件号码和联系电话（记入审计记录）"))
        self._full_button.clicked.connect(self.request_full_record)
        header = QHBoxLayout()
        header.addWidget(self._name)
        header.addSpacing(12)
        header.addWidget(self._id_label)
        header.addSpacing(12)
        header.addWidget(self._facts, 1)
        header.addWidget(self._full_button)

        self._status = QLabel(self)
        self._status.setObjectName("personStatus")
        self._status.setWordWrap(True)
        # notice §5: 提供虚假信息…纳入人社信用体系 — the mark shows on the record.
        self._false_info = QLabel(self.tr("已标记：登记所依据的信息不实（纳入人社信用体系）"), self)
        self._false_info.setObjectName("falseInfoMark")
        self._false_info.setStyleSheet(
            "QLabel { background: #ffebee; color: #b71c1c; border: 1px solid #c62828;"
            " border-radius: 3px; padding: 4px; font-weight: bold; }"
        )
        self._false_info.hide()

        self._contact_button = QPushButton(self.tr("记录联系"), self)
        self._contact_button.setObjectName("actionContact")
        self._service_button = QPushButton(self.tr("记录服务"), self)
        self._service_button.setObjectName("actionService")
        self._refusal_button = QPushButton(self.tr("拒绝服务"), self)
        self._refusal_button.setObjectName("actionRefusal")
        self._contact_button.clicked.connect(lambda: self.show_form(RecordForms.CONTACT))
        self._service_button.clicked.connect(lambda: self.show_form(RecordForms.SERVICE))
        self._refusal_button.clicked.connect(lambda: self.show_form(RecordForms.REFUSAL))
        self._deregister_button = QPushButton(self.tr("注销…"), self)
        self._deregister_button.setObjectName("actionDeregister")
        self._deregister_button.clicked.connect(self.open_deregistration)
        self._print_menu = QMenu(self)
        self._print_menu.setObjectName("personPrintMenu")
        self._print_menu.aboutToShow.connect(self._fill_print_menu)
        self._print_button = QPushButton(self.tr("打印/预览"), self)
        self._print_button.setObjectName("actionPrint")
        self._print_button.setToolTip(self.tr("打印政策、服务、机构三张清单（记为一次服务）及文书"))
        self._print_button.setMenu(self._print_menu)
        refresh = QPushButton(self.tr("刷新（F5）"), self)
        refresh.clicked.connect(self.reload)
        actions = QHBoxLayout()
        for button in (
            self._contact_button,
            self._service_button,
            self._refusal_button,
            self._deregister_button,
            self._print_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(refresh)

        self._tabs = QTabWidget(self)
        self._tabs.setObjectName("personTabs")
        self._history_model = HistoryModel(self)
        self._history_view = read_only_list_view(self, "personHistory")
        self._history_view.setModel(self._history_model)
        # Columns sized from the newest rows only: measuring all 200+ rows through the Python
        # model costs more than the whole rest of opening the record (bench_person_page).
        self._history_view.horizontalHeader().setResizeContentsPrecision(_SIZE_FROM_ROWS)
        self._tabs.addTab(self._history_view, self.tr("服务与经历"))
        self._registrations = QTableWidget(0, 7, self)
        self._registrations.setObjectName("personRegistrations")
        self._registrations.setHorizontalHeaderLabels(
            [
                self.tr("登记编号"),
                self.tr("状态"),
                self.tr("受理日期"),
                self.tr("登记日期"),
                self.tr("最近联系"),
                self.tr("注销日期"),
                self.tr("注销原因"),
            ]
        )
        self._registrations.verticalHeader().hide()
        self._registrations.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._registrations.horizontalHeader().setStretchLastSection(True)
        self._tabs.addTab(self._registrations, self.tr("登记记录"))
        self._tabs.addTab(self._build_tier_tab(), self.tr("分级分类"))
        record_tab = QWidget(self)
        self._forms = RecordForms(
            self._store, self._config, record_tab, actor_provider=self._actor_provider
        )
        self._forms.sig_recorded.connect(self._on_recorded)
        self._forms.sig_record_failed.connect(self._on_action_failed)
        record_layout = QHBoxLayout(record_tab)
        record_layout.addWidget(self._forms)
        record_layout.addStretch(1)
        self._tabs.addTab(record_tab, self.tr("记录服务"))
        self._aid_tab: AidTab | None = None

        self._message = QLabel(self)
        self._message.setObjectName("personMessage")
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self._message, 1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._false_info)
        layout.addWidget(self._status)
        layout.addLayout(actions)
        layout.addWidget(self._tabs, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.reload)

    def _build_tier_tab(self) -> QWidget:
        from desktop.domain.codes import code_table

        tab = QWidget(self)
        self._tier_current = QLabel(tab)
        self._tier_current.setObjectName("tierCurrent")
        self._tier_current.setWordWrap(True)
        self._tier_suggested = QLabel(tab)
        self._tier_suggested.setObjectName("tierSuggested")
        self._tier_suggested.setWordWrap(True)
        self._tier_suggested.setTextFormat(Qt.TextFormat.RichText)
        self._tier_choice = QComboBox(tab)
        self._tier_choice.setObjectName("tierChoice")
        for entry in code_table("service_tier"):
            self._tier_choice.addItem(entry.label, entry.code)
        self._tier_reason = QLineEdit(tab)
        self._tier_reason.setObjectName("tierOverrideReason")
        self._tier_reason.setPlaceholderText(self.tr("与规则确定的等级不同时必须填写理由"))
        self._tier_button = QPushButton(self.tr("设定服务等级"), tab)
        self._tier_button.setObjectName("setTierButton")
        self._tier_button.clicked.connect(self.set_tier)
        self._tier_reason.returnPressed.connect(self.set_tier)
        form = QFormLayout(tab)
        form.addRow(self.tr("当前等级"), self._tier_current)
        form.addRow(self.tr("规则建议"), self._tier_suggested)
        form.addRow(self.tr("设定为"), self._tier_choice)
        form.addRow(self.tr("改定理由"), self._tier_reason)
        form.addRow("", self._tier_button)
        return tab

    # -- public API -----------------------------------------------------------------------

    def person_id(self) -> str:
        return self._person_id

    def record(self) -> PersonRecordView | None:
        return self._record

    def message(self) -> str:
        return self._message.text()

    def history_view(self) -> QTableView:
        return self._history_view

    def forms(self) -> RecordForms:
        return self._forms

    def tabs(self) -> QTabWidget:
        return self._tabs

    def id_label(self) -> MaskedIdLabel:
        return self._id_label

    def facts_text(self) -> str:
        return self._facts.text()

    def action_button(self, name: str) -> QPushButton:
        found = self.findChild(QPushButton, name)
        assert found is not None, name
        return found

    def has_aid_tab(self) -> bool:
        return self._aid_tab is not None

    @Slot()
    def reload(self) -> None:
        run_db(load_person_record, self._store, self._person_id, dt.date.today()).on_success(
            self.show_record
        ).on_error(self._on_load_failed)

    def show_form(self, tab: int) -> None:
        """The 记录服务 tab on one of its forms, keyboard in its first field."""
        self._tabs.setCurrentIndex(self.TAB_RECORD)
        self._forms.setCurrentIndex(tab)
        self._forms.focus_first_field()

    @Slot()
    def open_deregistration(self) -> DeregistrationDialog | None:
        record = self._record
        if record is None or record.active_registration_id is None:
            return None
        from desktop.ui.pages.deregistration_dialog import DeregistrationDialog

        dialog = DeregistrationDialog(
            self._store,
            self._config,
            record.active_registration_id,
            self,
            actor_provider=self._actor_provider,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_deregistered.connect(self._on_deregistered)
        dialog.show()
        self.sig_dialog_opened.emit(dialog)
        return dialog

    def printable_documents(self) -> list[str]:
        from desktop.services.documents import printable_documents

        return list(printable_documents(self._record.latest_status if self._record else None))

    def request_document(self, document_name: str) -> DocumentDialog:
        """Preview (and print) a document for this person's latest registration."""
        from desktop.ui.document_dialog import DocumentDialog

        dialog = DocumentDialog(
            self._store,
            self._config,
            self._actor_provider(),
            document_name,
            person_id=self._person_id,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_print_recorded.connect(self._on_printed)
        dialog.show()
        self.sig_dialog_opened.emit(dialog)
        return dialog

    @Slot()
    def request_full_record(self, reason: str | None = None) -> None:
        """The audited whole ID number and phone (desktop.ui.pages.audit_page.FullRecordViewer):
        asks the reason, records the view, then shows the numbers."""
        from desktop.ui.pages.audit_page import FullRecordViewer

        if not may("VIEW_FULL_RECORD"):
            self._show(self.tr("本人的角色不能查看完整证件号码和联系电话"), _ERROR_STYLE)
            return
        viewer = self.findChild(FullRecordViewer, "fullRecordViewer")
        if viewer is None:
            viewer = FullRecordViewer(self._store, self._config, self)
            viewer.setObjectName("fullRecordViewer")
            viewer.sig_full_record_shown.connect(self._on_full_record)
            viewer.sig_full_record_refused.connect(self._on_action_failed)
        viewer.request(self._person_id, reason if isinstance(reason, str) else None)

    @Slot()
    def set_tier(self) -> None:
        record = self._record
        if self._busy or record is None or record.active_registration_id is None:
            return
        self._busy = True
        run_db(
            set_tier_on_db,
            self._store,
            self._config,
            self._actor_provider(),
            record.active_registration_id,
            str(self._tier_choice.currentData()),
            self._tier_reason.text(),
        ).on_success(self._on_tier_set).on_error(self._on_tier_failed)

    # -- slots ----------------------------------------------------------------------------

    def show_record(self, record: PersonRecordView) -> None:
        """Render a record read by load_person_record (reload() does it off the GUI thread)."""
        from desktop.domain.followup import age_on

        self._record = record
        self.setWindowTitle(self.tr("人员档案 — {name}").format(name=record.name))
        self._name.setText(record.name)
        if not self._id_label.is_revealed():
            self._id_label.set_id_number(record.id_number)
        facts = [sex_label(record.sex)]
        if record.birth_date:
            facts.append(
                self.tr("{birth}（{age}岁）").format(
                    birth=record.birth_date.isoformat(),
                    age=age_on(record.birth_date, dt.date.today()),
                )
            )
        facts.append(self.tr("电话 {phone}").format(phone=mask_phone_number(record.phone)))
        facts.append(region_label(record.residence_region))
        self._facts.setText("　".join(fact for fact in facts if fact))
        self._show_status(record)
        self._history_model.set_entries(record.history)
        self._size_history_columns()
        self._fill_registrations(record)
        self._fill_tier(record)
        self._forms.set_registration(record.active_registration_id)
        self._show_aid(record)
        self._false_info.setVisible(record.false_info_marked)
        self._update_actions()
        self.sig_record_loaded.emit(record)

    def _size_history_columns(self) -> None:
        """Each column (but the last, which stretches) as wide as its header and its text in
        the newest rows, measured here: Qt's resizeColumnToContents asks the Python model
        about ten times as many cells and was a fifth of opening the record."""
        view, model = self._history_view, self._history_model
        cell_metrics = view.fontMetrics()
        header_metrics = view.horizontalHeader().fontMetrics()
        newest = min(model.rowCount(), _SIZE_FROM_ROWS)
        for column in range(model.columnCount() - 1):
            texts = (model.index(row, column).data() for row in range(newest))
            content = max(
                (cell_metrics.horizontalAdvance(str(text or "")) for text in texts), default=0
            )
            header = header_metrics.horizontalAdvance(
                str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            )
            view.setColumnWidth(column, max(content, header + _HEADER_MARGIN) + _COLUMN_PADDING)

    def _show_status(self, record: PersonRecordView) -> None:
        if record.active_registration_id is None:
            status = registration_status_label(record.latest_status)
            self._status.setText(
                self.tr("当前无有效失业登记（最近一次：{status}）").format(status=status)
            )
            return
        line = next(
            r for r in record.registrations if r.registration_id == record.active_registration_id
        )
        last = line.last_contact_on.isoformat() if line.last_contact_on else self.tr("无")
        tier = _code_label("service_tier", line.tier) if line.tier else self.tr("未设定")
        self._status.setText(
            self.tr("已登记 {number}（{registered}）　服务等级：{tier}　最近联系：{last}").format(
                number=line.number,
                registered=line.registered_on.isoformat() if line.registered_on else "",
                tier=tier,
                last=last,
            )
        )

    def _fill_registrations(self, record: PersonRecordView) -> None:
        table = self._registrations
        table.setRowCount(len(record.registrations))
        for row, line in enumerate(record.registrations):
            values = (
                line.number,
                registration_status_label(line.status),
                line.applied_on.isoformat() if line.applied_on else "",
                line.registered_on.isoformat() if line.registered_on else "",
                line.last_contact_on.isoformat() if line.last_contact_on else "",
                line.deregistered_on.isoformat() if line.deregistered_on else "",
                line.deregistration_reason,
            )
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        table.resizeColumnsToContents()

    def _fill_tier(self, record: PersonRecordView) -> None:
        tier = record.tier
        if tier is None:
            self._tier_current.setText(self.tr("无有效登记，不设服务等级"))
            self._tier_suggested.clear()
            return
        if tier.current:
            text = self.tr("{tier}（{day} 由 {clerk} 设定）").format(
                tier=_code_label("service_tier", tier.current), day=tier.set_on, clerk=tier.set_by
            )
            if tier.override_reason:
                text += self.tr("；改定理由：{reason}").format(reason=tier.override_reason)
            self._tier_current.setText(text)
        else:
            self._tier_current.setText(self.tr("尚未设定"))
        reasons = "".join(f"<br>• {html.escape(reason)}" for reason in tier.suggested_reasons)
        label = html.escape(_code_label("service_tier", tier.suggested))
        self._tier_suggested.setText(f"<b>{label}</b>{reasons}")
        self._tier_choice.setCurrentIndex(
            max(0, self._tier_choice.findData(tier.current or tier.suggested))
        )

    def _on_load_failed(self, error: BaseException) -> None:
        message = _message_of(error)
        self._show(self.tr("档案读取失败：{reason}").format(reason=message), _ERROR_STYLE)
        self.sig_record_failed.emit(message)

    def _on_full_record(self, full: FullRecord) -> None:
        self._id_label.set_id_number(full.id_number)
        self._id_label.reveal()
        record = self._record
        if record is not None:
            facts = self._facts.text().replace(mask_phone_number(record.phone), full.phone or "", 1)
            self._facts.setText(facts)
        self._show(self.tr("已显示完整信息（已记入审计记录）"), _OK_STYLE)

    def _on_recorded(self, _registration_id: str, message: str, _counts: bool) -> None:
        self._show(message, _OK_STYLE)
        self.sig_changed.emit(self._person_id)
        self.reload()

    def _on_action_failed(self, message: str) -> None:
        self._show(message, _ERROR_STYLE)

    def _on_tier_set(self, message: str) -> None:
        self._busy = False
        self._tier_reason.clear()
        self._show(message, _OK_STYLE)
        self.sig_changed.emit(self._person_id)
        self.reload()

    def _on_tier_failed(self, error: BaseException) -> None:
        self._busy = False
        self._show(_message_of(error), _ERROR_STYLE)

    @Slot(str, bool)
    def _on_deregistered(self, _registration_id: str, _notified: bool) -> None:
        self.sig_changed.emit(self._person_id)
        self.reload()

    @Slot(str)
    def _on_printed(self, _printer: str) -> None:
        self.reload()

    @Slot(object)
    def _on_clerk_changed(self, _clerk: object) -> None:
        self._update_actions()

    @Slot()
    def _fill_print_menu(self) -> None:
        from desktop.ui.document_dialog import fill_print_menu

        fill_print_menu(self._print_menu, self.printable_documents(), self.request_document)

    def _show_aid(self, record: PersonRecordView) -> None:
        if self._aid_tab is None:
            aid_case = record.aid_plan is not None or (
                record.tier is not None and record.tier.suggested == "aid"
            )
            if not aid_case or not aid_services_available():
                return  # the 就业援助 tab needs desktop/services/aid.py and a 就业困难人员
            self._aid_tab = AidTab(self._store, self._config, self._actor_provider, self)
            self._aid_tab.setObjectName("aidTab")
            self._aid_tab.sig_recorded.connect(self._on_aid_recorded)
            self._aid_tab.sig_failed.connect(self._on_action_failed)
            self._tabs.addTab(self._aid_tab, self.tr("就业援助"))
        self._aid_tab.show_record(record)

    def aid_tab(self) -> AidTab | None:
        return self._aid_tab

    @Slot(str)
    def _on_aid_recorded(self, message: str) -> None:
        self._show(message, _OK_STYLE)
        self.sig_changed.emit(self._person_id)
        self.reload()

    def _update_actions(self) -> None:
        record = self._record
        active = record is not None and record.active_registration_id is not None
        may_record = may("RECORD_SERVICE")
        for button in (self._contact_button, self._service_button, self._refusal_button):
            button.setEnabled(active and may_record)
            button.setToolTip("" if may_record else self.tr("本人的角色不能记录服务和联系"))
        self._deregister_button.setEnabled(active and may("CONFIRM_DEREGISTRATION"))
        self._deregister_button.setToolTip(
            "" if may("CONFIRM_DEREGISTRATION") else self.tr("确认注销须由审核人员办理")
        )
        self._print_button.setEnabled(record is not None and may("PRINT"))
        self._full_button.setEnabled(may("VIEW_FULL_RECORD"))
        self._tier_button.setEnabled(active and may_record)
        self._forms.update_permissions()

    def _show(self, text: str, style: str) -> None:
        self._message.setText(text)
        self._message.setStyleSheet(style)
        self.sig_message_shown.emit(text)


# --------------------------------------------------------------------------- 就业援助


def policies_to_act_on_on_db(store: Store, registration_id: str, today: dt.date) -> list[str]:
    """Run on the database thread: the qualifying policies not yet enjoyed (notice §4(五)3)."""
    from desktop.services.aid import policies_to_act_on

    with store.session(write=False) as session:
        return [
            f"{advice.policy}（{'；'.join(advice.reasons)}）" if advice.reasons else advice.policy
            for advice in policies_to_act_on(session, registration_id, today=today)
        ]


def aid_action_on_db(
    store: Store, config: Config, actor: Actor, registration_id: str, action: str, form: Any
) -> str:
    """Run on the database thread: one aid use case of desktop/services/aid.py; the message."""
    from desktop.services import aid
    from desktop.services.intake import parse_form_date
    from desktop.ui.pages.apply_page import counter_context

    today = dt.date.today()
    with store.session() as session:
        ctx = counter_context(store, config, actor, session)
        if action == "assign":
            aid.assign_aid_staff(
                session,
                ctx,
                registration_id,
                staff_id=actor.clerk_id,
                staff_name=actor.display_name or actor.clerk_id,
                on=today,
            )
            return f"已指定 {actor.display_name or actor.clerk_id} 为援助责任人"
        if action == "plan":
            steps = []
            for line in str(form["steps"]).splitlines():
                words = line.split()
                if not words:
                    continue
                due = parse_form_date(words[-1]) if len(words) > 1 else None
                title = " ".join(words[:-1]) if due is not None else " ".join(words)
                steps.append((title, due))
            item = aid.new_item(str(form["item"]).strip(), steps)
            aid.make_aid_plan(
                session, ctx, registration_id, on=today, items=[item], needs=str(form["needs"])
            )
            return "援助计划已保存"
        if action == "person_visit":
            from desktop.domain.aid import PersonVisit

            reentered = aid.record_person_visit(
                session,
                ctx,
                registration_id,
                PersonVisit(
                    visited_on=form["visited_on"],
                    outcome=form["outcome"],
                    employment_situation=form["situation"],
                    policies_enjoyed=tuple(
                        name.strip()
                        for name in str(form["policies"]).replace("，", "、").split("、")
                        if name.strip()
                    ),
                    measures_carried_out=form["measures"],
                    follow_up_measures=form["follow_up"],
                ),
            )
            return "已记录回访本人" + ("，已纳入新一轮援助" if reentered else "")
        if action == "employer_visit":
            from desktop.domain.aid import EmployerVisit

            concerns = aid.record_employer_visit(
                session,
                ctx,
                registration_id,
                EmployerVisit(
                    visited_on=form["visited_on"],
                    employer=form["employer"],
                    employment_status=form["status"],
                    working_hours=form["hours"],
                    workload=form["workload"],
                    contract_signed=form["contract"],
                    social_insurance=form["insurance"],
                    wages_paid=form["wages"],
                    problems=form["problems"],
                ),
            )
            return "已记录回访用人单位" + (f"；需协调：{'、'.join(concerns)}" if concerns else "")
        if action == "close":
            aid.close_aid_plan(
                session, ctx, registration_id, on=form["closed_on"], reason=form["reason"]
            )
            return "援助计划已结束"
        if action == "place":
            from desktop.domain.aid import PostPlacement

            aid.place_in_welfare_post(
                session,
                ctx,
                registration_id,
                PostPlacement(form["post"], form["employer"], form["start_on"], form["end_on"]),
            )
            return f"已安置到公益性岗位「{str(form['post']).strip()}」"
        if action == "end_post":
            aid.end_welfare_post(
                session, ctx, form["post_id"], ended_on=form["ended_on"], reason=form["reason"]
            )
            return "已办理退出公益性岗位"
        if action == "mark":
            aid.mark_false_information(
                session,
                ctx,
                registration_id,
                on=form["marked_on"],
                finding=form["finding"],
                evidence=form["evidence"],
            )
            return "已标记为提供虚假信息（纳入人社信用体系）"
        if action == "withdraw":
            aid.withdraw_false_information(
                session, ctx, registration_id, on=form["withdrawn_on"], reason=form["reason"]
            )
            return "已撤销虚假信息标记"
    raise ValueError(action)


class AidTab(QWidget):
    """就业援助 (notice §4(五)): the plan, its staff member, steps, 公益性岗位, both kinds of
    回访, and the policies not yet enjoyed; the forms call desktop/services/aid.py."""

    sig_recorded = Signal(str)
    """An aid step was recorded; the argument is the message."""

    sig_failed = Signal(str)
    """An aid step was refused; the argument is the message (the forms keep their text)."""

    def __init__(
        self, store: Store, config: Config, actor_provider: ActorProvider, parent: QWidget
    ) -> None:
        super().__init__(parent)
        from desktop.domain.aid import PERSON_VISIT_OUTCOMES

        self._store = store
        self._config = config
        self._actor_provider = actor_provider
        self._registration_id: str | None = None
        self._mark_registration_id: str | None = None
        self._current_post_id: str | None = None
        self._section_button: dict[QWidget, QPushButton] = {}
        self._clear_on_success: list[QLineEdit] = []
        self._busy = False
        self._overview = QLabel(self)
        self._overview.setObjectName("aidOverview")
        self._overview.setWordWrap(True)
        self._overview.setTextFormat(Qt.TextFormat.RichText)
        self._policies = QLabel(self)
        self._policies.setObjectName("aidPolicies")
        self._policies.setWordWrap(True)
        self._steps = QTableWidget(0, 4, self)
        self._steps.setObjectName("aidSteps")
        self._steps.setHorizontalHeaderLabels(
            [self.tr("服务项目"), self.tr("步骤"), self.tr("计划完成"), self.tr("完成情况")]
        )
        self._steps.verticalHeader().hide()
        self._steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._steps.horizontalHeader().setStretchLastSection(True)
        self._visits = HistoryModel(self)
        visits_view = read_only_list_view(self, "aidVisits")
        visits_view.setModel(self._visits)

        self._assign = QPushButton(self.tr("指定本人为援助责任人"), self)
        self._assign.setObjectName("aidAssignMe")
        self._assign.clicked.connect(lambda: self._run("assign", {}, []))
        plan_box = QWidget(self)
        self._item = QLineEdit(plan_box)
        self._item.setObjectName("aidItem")
        self._item.setPlaceholderText(self.tr("服务项目，如：职业技能培训"))
        self._needs = QLineEdit(plan_box)
        self._needs.setObjectName("aidNeeds")
        self._plan_steps = QLineEdit(plan_box)
        self._plan_steps.setObjectName("aidPlanSteps")
        self._plan_steps.setPlaceholderText(
            self.tr("步骤和计划完成日期，如：报名电工培训 2026-12-10")
        )
        save_plan = QPushButton(self.tr("保存计划项目"), plan_box)
        save_plan.setObjectName("aidSavePlan")
        save_plan.clicked.connect(self._save_plan)
        plan_form = QFormLayout(plan_box)
        plan_form.addRow(self.tr("援助需求"), self._needs)
        plan_form.addRow(self.tr("服务项目"), self._item)
        plan_form.addRow(self.tr("步骤"), self._plan_steps)
        plan_form.addRow("", save_plan)

        person_box = QWidget(self)
        self._person_date = QLineEdit(dt.date.today().isoformat(), person_box)
        self._person_date.setObjectName("aidPersonVisitDate")
        self._outcome = QComboBox(person_box)
        self._outcome.setObjectName("aidVisitOutcome")
        for code, label in PERSON_VISIT_OUTCOMES.items():
            self._outcome.addItem(label, code)
        self._situation = QLineEdit(person_box)
        self._situation.setObjectName("aidSituation")
        self._enjoyed = QLineEdit(person_box)
        self._enjoyed.setObjectName("aidPoliciesEnjoyed")
        self._enjoyed.setPlaceholderText(self.tr("用顿号分隔，如：社会保险补贴、公益性岗位补贴"))
        self._measures = QLineEdit(person_box)
        self._measures.setObjectName("aidMeasures")
        self._follow_up = QLineEdit(person_box)
        self._follow_up.setObjectName("aidFollowUp")
        save_person = QPushButton(self.tr("保存回访本人"), person_box)
        save_person.setObjectName("aidSavePersonVisit")
        save_person.clicked.connect(self._save_person_visit)
        person_form = QFormLayout(person_box)
        person_form.addRow(self.tr("回访日期"), self._person_date)
        person_form.addRow(self.tr("回访结论"), self._outcome)
        person_form.addRow(self.tr("就业创业状况"), self._situation)
        person_form.addRow(self.tr("政策落实情况"), self._enjoyed)
        person_form.addRow(self.tr("援助措施落实"), self._measures)
        person_form.addRow(self.tr("后续服务措施"), self._follow_up)
        person_form.addRow("", save_person)

        employer_box = QWidget(self)
        self._employer_date = QLineEdit(dt.date.today().isoformat(), employer_box)
        self._employer_date.setObjectName("aidEmployerVisitDate")
        self._employer = QLineEdit(employer_box)
        self._employer.setObjectName("aidEmployer")
        self._employment_status = QLineEdit(employer_box)
        self._employment_status.setObjectName("aidEmploymentStatus")
        self._hours = QLineEdit(employer_box)
        self._hours.setObjectName("aidWorkingHours")
        self._workload = QLineEdit(employer_box)
        self._workload.setObjectName("aidWorkload")
        self._contract = QCheckBox(self.tr("已签订劳动合同"), employer_box)
        self._insurance = QCheckBox(self.tr("已参加社会保险"), employer_box)
        self._wages = QCheckBox(self.tr("工资按时足额发放"), employer_box)
        self._employer_problems = QLineEdit(employer_box)
        self._employer_problems.setObjectName("aidEmployerProblems")
        save_employer = QPushButton(self.tr("保存回访用人单位"), employer_box)
        save_employer.setObjectName("aidSaveEmployerVisit")
        save_employer.clicked.connect(self._save_employer_visit)
        employer_form = QFormLayout(employer_box)
        employer_form.addRow(self.tr("回访日期"), self._employer_date)
        employer_form.addRow(self.tr("用人单位"), self._employer)
        employer_form.addRow(self.tr("就业现状"), self._employment_status)
        employer_form.addRow(self.tr("工作时间"), self._hours)
        employer_form.addRow(self.tr("劳动强度"), self._workload)
        checks = QHBoxLayout()
        for box in (self._contract, self._insurance, self._wages):
            checks.addWidget(box)
        employer_form.addRow("", checks)
        employer_form.addRow(self.tr("反映的问题"), self._employer_problems)
        employer_form.addRow("", save_employer)

        forms = QTabWidget(self)
        forms.setObjectName("aidForms")
        forms.addTab(plan_box, self.tr("援助计划"))
        forms.addTab(person_box, self.tr("回访本人"))
        forms.addTab(employer_box, self.tr("回访用人单位"))
        forms.addTab(self._build_close_form(), self.tr("结束援助"))
        forms.addTab(self._build_post_form(), self.tr("公益性岗位"))
        forms.addTab(self._build_false_info_form(), self.tr("虚假信息"))
        self._forms = forms
        # Keyboard: Enter in a section's last field or Ctrl+Enter anywhere in it saves it.
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            save = QShortcut(QKeySequence(sequence), self)
            save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            save.activated.connect(self.save_focused_section)

        left = QVBoxLayout()
        left.addWidget(self._overview)
        left.addWidget(self._steps, 1)
        left.addWidget(QLabel(self.tr("回访记录"), self))
        left.addWidget(visits_view, 1)
        right = QVBoxLayout()
        right.addWidget(self._assign)
        right.addWidget(forms)
        right.addWidget(self._policies)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        # Half the width for the forms: their six tabs fit without scroll arrows.
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)

    def _line(self, parent: QWidget, name: str, text: str = "", hint: str = "") -> QLineEdit:
        line = QLineEdit(text, parent)
        line.setObjectName(name)
        if hint:
            line.setPlaceholderText(hint)
        return line

    def _section(
        self, box: QWidget, form: QFormLayout, button: QPushButton, fields: list[QLineEdit]
    ) -> None:
        """Enter moves to the section's next field and saves it from the last one; Ctrl+Enter
        saves it from any of its fields."""
        for current, following in itertools.pairwise(fields):
            current.returnPressed.connect(
                lambda following=following: following.setFocus(Qt.FocusReason.TabFocusReason)
            )
        fields[-1].returnPressed.connect(button.click)
        for widget in fields:
            self._section_button[widget] = button
        form.addRow("", button)

    def _build_close_form(self) -> QWidget:
        box = QWidget(self)
        today = dt.date.today().isoformat()
        self._close_date = self._line(box, "aidCloseDate", today)
        self._close_reason = self._line(
            box, "aidCloseReason", hint=self.tr("如：经回访已实现稳定就业")
        )
        self._close_button = QPushButton(self.tr("结束援助计划"), box)
        self._close_button.setObjectName("aidClosePlan")
        self._close_button.clicked.connect(self._close_plan)
        form = QFormLayout(box)
        form.addRow(self.tr("结束日期"), self._close_date)
        form.addRow(self.tr("结束原因"), self._close_reason)
        self._section(box, form, self._close_button, [self._close_date, self._close_reason])
        return box

    def _build_post_form(self) -> QWidget:
        box = QWidget(self)
        today = dt.date.today().isoformat()
        self._post_name = self._line(box, "aidPostName", hint=self.tr("如：社区保洁员"))
        self._post_employer = self._line(
            box, "aidPostEmployer", hint=self.tr("岗位开发单位，如：城关区环卫所")
        )
        self._post_start = self._line(box, "aidPostStart", today)
        self._post_end = self._line(box, "aidPostEnd", hint=self.tr("协议期满日期，可不填"))
        self._place_button = QPushButton(self.tr("安置上岗"), box)
        self._place_button.setObjectName("aidPlacePost")
        self._place_button.clicked.connect(self._place_in_post)
        self._post_current = QLabel(box)
        self._post_current.setObjectName("aidPostCurrent")
        self._post_current.setWordWrap(True)
        self._post_ended_on = self._line(box, "aidPostEndedOn", today)
        self._post_end_reason = self._line(
            box, "aidPostEndReason", hint=self.tr("如：协议期满、已在市场就业")
        )
        self._end_post_button = QPushButton(self.tr("退出岗位"), box)
        self._end_post_button.setObjectName("aidEndPost")
        self._end_post_button.clicked.connect(self._end_post)
        form = QFormLayout(box)
        form.addRow(self.tr("岗位名称"), self._post_name)
        form.addRow(self.tr("用人单位"), self._post_employer)
        form.addRow(self.tr("上岗日期"), self._post_start)
        form.addRow(self.tr("岗位期满"), self._post_end)
        self._section(
            box,
            form,
            self._place_button,
            [self._post_name, self._post_employer, self._post_start, self._post_end],
        )
        form.addRow(self.tr("在岗情况"), self._post_current)
        form.addRow(self.tr("退出日期"), self._post_ended_on)
        form.addRow(self.tr("退出原因"), self._post_end_reason)
        self._section(
            box, form, self._end_post_button, [self._post_ended_on, self._post_end_reason]
        )
        return box

    def _build_false_info_form(self) -> QWidget:
        box = QWidget(self)
        today = dt.date.today().isoformat()
        self._mark_state = QLabel(box)
        self._mark_state.setObjectName("aidMarkState")
        self._mark_state.setWordWrap(True)
        self._mark_date = self._line(box, "aidMarkDate", today)
        self._mark_finding = self._line(
            box, "aidMarkFinding", hint=self.tr("哪些信息不实，如：登记时隐瞒已就业")
        )
        self._mark_evidence = self._line(
            box, "aidMarkEvidence", hint=self.tr("必填：比对结果、调查记录或文书编号")
        )
        self._mark_button = QPushButton(self.tr("标记虚假信息"), box)
        self._mark_button.setObjectName("aidMarkFalseInfo")
        self._mark_button.clicked.connect(self._mark_false_info)
        self._withdraw_date = self._line(box, "aidWithdrawDate", today)
        self._withdraw_reason = self._line(box, "aidWithdrawReason", hint=self.tr("如：系误认"))
        self._withdraw_button = QPushButton(self.tr("撤销标记"), box)
        self._withdraw_button.setObjectName("aidWithdrawMark")
        self._withdraw_button.clicked.connect(self._withdraw_mark)
        form = QFormLayout(box)
        form.addRow("", self._mark_state)
        form.addRow(self.tr("认定日期"), self._mark_date)
        form.addRow(self.tr("不实信息"), self._mark_finding)
        form.addRow(self.tr("证据"), self._mark_evidence)
        self._section(
            box,
            form,
            self._mark_button,
            [self._mark_date, self._mark_finding, self._mark_evidence],
        )
        form.addRow(self.tr("撤销日期"), self._withdraw_date)
        form.addRow(self.tr("撤销理由"), self._withdraw_reason)
        self._section(
            box, form, self._withdraw_button, [self._withdraw_date, self._withdraw_reason]
        )
        return box

    def forms(self) -> QTabWidget:
        return self._forms

    def field(self, name: str) -> QWidget:
        found = self.findChild(QWidget, name)
        assert found is not None, name
        return found

    @Slot()
    def save_focused_section(self) -> None:
        """Ctrl+Enter: save the section whose field has the keyboard."""
        focused = self.focusWidget()  # the last field of this tab given the keyboard
        button = self._section_button.get(focused) if isinstance(focused, QLineEdit) else None
        if button is not None and button.isEnabled():
            button.click()

    def overview_text(self) -> str:
        return self._overview.text()

    def policies_text(self) -> str:
        return self._policies.text()

    def show_record(self, record: PersonRecordView) -> None:
        """Render the record's aid part; the policies are read on the database thread."""
        self._registration_id = record.active_registration_id
        tier = record.tier
        is_aid_case = tier is not None and tier.suggested == "aid"
        lines: list[str] = []
        if tier is not None and is_aid_case:
            lines.append(html.escape("；".join(tier.suggested_reasons)))
        elif record.active_registration_id is not None:
            lines.append(html.escape(self.tr("记录未显示其属于就业困难人员，无需制定援助计划")))
        plan = record.aid_plan
        if plan is not None:
            status = self.tr("援助中") if plan.status == "active" else self.tr("已结束")
            lines.append(
                html.escape(
                    self.tr(
                        "援助计划：{status}（第{round}轮）　责任人：{staff}　步骤 {done}/{total}"
                    ).format(
                        status=status,
                        round=plan.round,
                        staff=plan.staff or self.tr("未指定"),
                        done=plan.steps_done,
                        total=plan.steps_total,
                    )
                )
            )
            if plan.needs:
                lines.append(html.escape(self.tr("援助需求：{needs}").format(needs=plan.needs)))
        elif is_aid_case:
            lines.append(html.escape(self.tr("尚未制定援助计划")))
        for post in record.posts:
            until = post.ended_on or post.end_on
            if until is None:  # in post, with no agreed end: no dangling "至"
                text = self.tr("公益性岗位：{post}（{employer}），{start} 起在岗").format(
                    post=post.post, employer=post.employer, start=post.start_on.isoformat()
                )
            else:
                text = self.tr("公益性岗位：{post}（{employer}），{start} 至 {end}").format(
                    post=post.post,
                    employer=post.employer,
                    start=post.start_on.isoformat(),
                    end=until.isoformat(),
                )
            lines.append(html.escape(text))
        self._overview.setText("<br>".join(lines))
        steps = plan.steps if plan is not None else []
        self._steps.setRowCount(len(steps))
        for row, values in enumerate(steps):
            for column, value in enumerate(values):
                self._steps.setItem(row, column, QTableWidgetItem(value))
        self._visits.set_entries(record.visits)
        self._show_actions(record, is_aid_case)
        self._policies.clear()
        if is_aid_case and record.active_registration_id is not None:
            run_db(
                policies_to_act_on_on_db,
                self._store,
                record.active_registration_id,
                dt.date.today(),
            ).on_success(self._on_policies).on_error(self._on_policies_failed)

    def _on_policies(self, policies: list[str]) -> None:
        if policies:
            self._policies.setText(
                self.tr("尚未享受、应协助落实的扶持政策：\n")
                + "\n".join(f"• {p}" for p in policies)
            )
            self._policies.setStyleSheet("color: #8d5a00;")
        else:
            self._policies.setText(self.tr("符合条件的扶持政策均已享受"))
            self._policies.setStyleSheet("")

    def _on_policies_failed(self, error: BaseException) -> None:
        self._policies.setText(
            self.tr("扶持政策读取失败：{reason}").format(reason=_message_of(error))
        )

    def _show_actions(self, record: PersonRecordView, is_aid_case: bool) -> None:
        """Which forms may act now: the role's permissions and the record's state."""
        from desktop.domain.roles import Role

        may_record = may("RECORD_SERVICE") and not self._busy
        plan = record.aid_plan
        active = record.active_registration_id is not None
        self._assign.setEnabled(may_record and is_aid_case and active)
        for index in range(3):  # plan, 回访本人, 回访用人单位
            box = self._forms.widget(index)
            if box is not None:
                box.setEnabled(may_record and is_aid_case)
        self._close_button.setEnabled(may_record and plan is not None and plan.status == "active")
        current = next((post for post in record.posts if post.status == "placed"), None)
        self._current_post_id = current.post_id if current is not None else None
        self._place_button.setEnabled(may_record and is_aid_case and active and current is None)
        self._end_post_button.setEnabled(may_record and current is not None)
        if current is not None:
            self._post_current.setText(
                self.tr("在岗：{post}（{employer}），{start} 上岗").format(
                    post=current.post, employer=current.employer, start=current.start_on.isoformat()
                )
            )
        else:
            self._post_current.setText(self.tr("当前未在公益性岗位"))
        # notice §5: 纳入人社信用体系 — a 审核's decision (desktop.services.aid).
        clerk = clerk_session().clerk
        reviewer = clerk is not None and Role.REVIEWER in clerk.roles and not self._busy
        registrations = record.registrations
        self._mark_registration_id = record.active_registration_id or (
            registrations[0].registration_id if registrations else None
        )
        marked = record.false_info_marked
        self._mark_button.setEnabled(reviewer and not marked and bool(self._mark_registration_id))
        self._withdraw_button.setEnabled(reviewer and marked)
        if not reviewer:
            self._mark_state.setText(self.tr("标记虚假信息及撤销须由审核人员办理"))
        elif marked:
            self._mark_state.setText(self.tr("该登记已标记为提供虚假信息"))
        else:
            self._mark_state.setText(self.tr("该登记未标记虚假信息"))

    def _date(self, field: QLineEdit, what: str, *, optional: bool = False) -> dt.date | None:
        """The date typed in `field`; None (after saying so, the field keeping its text and
        the keyboard) when it is not a date. An optional empty field is None without a word."""
        from desktop.services.intake import parse_form_date

        if optional and not field.text().strip():
            return None
        day = parse_form_date(field.text())
        if day is None:
            self.sig_failed.emit(
                self.tr("{what}「{text}」不是有效日期，请按 2026-11-26 的格式填写").format(
                    what=what, text=field.text()
                )
            )
            field.setFocus(Qt.FocusReason.OtherFocusReason)
        return day

    @Slot()
    def _close_plan(self) -> None:
        day = self._date(self._close_date, self.tr("结束日期"))
        if day is not None:
            self._run(
                "close",
                {"closed_on": day, "reason": self._close_reason.text()},
                [self._close_reason],
            )

    @Slot()
    def _place_in_post(self) -> None:
        start = self._date(self._post_start, self.tr("上岗日期"))
        if start is None:
            return
        end_text = self._post_end.text()
        end = self._date(self._post_end, self.tr("岗位期满日期"), optional=True)
        if end is None and end_text.strip():
            return
        self._run(
            "place",
            {
                "post": self._post_name.text(),
                "employer": self._post_employer.text(),
                "start_on": start,
                "end_on": end,
            },
            [self._post_name, self._post_employer, self._post_end],
        )

    @Slot()
    def _end_post(self) -> None:
        day = self._date(self._post_ended_on, self.tr("退出日期"))
        if day is not None and self._current_post_id is not None:
            self._run(
                "end_post",
                {
                    "post_id": self._current_post_id,
                    "ended_on": day,
                    "reason": self._post_end_reason.text(),
                },
                [self._post_end_reason],
            )

    @Slot()
    def _mark_false_info(self) -> None:
        day = self._date(self._mark_date, self.tr("认定日期"))
        if day is not None:
            self._run(
                "mark",
                {
                    "marked_on": day,
                    "finding": self._mark_finding.text(),
                    "evidence": self._mark_evidence.text(),
                },
                [self._mark_finding, self._mark_evidence],
                registration_id=self._mark_registration_id,
            )

    @Slot()
    def _withdraw_mark(self) -> None:
        day = self._date(self._withdraw_date, self.tr("撤销日期"))
        if day is not None:
            self._run(
                "withdraw",
                {"withdrawn_on": day, "reason": self._withdraw_reason.text()},
                [self._withdraw_reason],
                registration_id=self._mark_registration_id,
            )

    @Slot()
    def _save_plan(self) -> None:
        self._run(
            "plan",
            {
                "item": self._item.text(),
                "steps": self._plan_steps.text(),
                "needs": self._needs.text(),
            },
            [self._item, self._plan_steps, self._needs],
        )

    @Slot()
    def _save_person_visit(self) -> None:
        day = self._date(self._person_date, self.tr("回访日期"))
        if day is None:
            return
        self._run(
            "person_visit",
            {
                "visited_on": day,
                "outcome": str(self._outcome.currentData()),
                "situation": self._situation.text(),
                "policies": self._enjoyed.text(),
                "measures": self._measures.text(),
                "follow_up": self._follow_up.text(),
            },
            [self._situation, self._enjoyed, self._measures, self._follow_up],
        )

    @Slot()
    def _save_employer_visit(self) -> None:
        day = self._date(self._employer_date, self.tr("回访日期"))
        if day is None:
            return
        self._run(
            "employer_visit",
            {
                "visited_on": day,
                "employer": self._employer.text(),
                "status": self._employment_status.text(),
                "hours": self._hours.text(),
                "workload": self._workload.text(),
                "contract": self._contract.isChecked(),
                "insurance": self._insurance.isChecked(),
                "wages": self._wages.isChecked(),
                "problems": self._employer_problems.text(),
            },
            [
                self._employer,
                self._employment_status,
                self._hours,
                self._workload,
                self._employer_problems,
            ],
        )

    def _run(
        self,
        action: str,
        form: dict[str, Any],
        typed: list[QLineEdit],
        *,
        registration_id: str | None = None,
    ) -> None:
        """Run one aid use case; `typed` is cleared once it is recorded, and kept as it was
        typed when it is refused."""
        target = registration_id or self._registration_id
        if self._busy or target is None:
            return
        self._busy = True
        self._clear_on_success = typed
        run_db(
            aid_action_on_db,
            self._store,
            self._config,
            self._actor_provider(),
            target,
            action,
            form,
        ).on_success(self._on_done).on_error(self._on_failed)

    def _on_done(self, message: str) -> None:
        self._busy = False
        for typed in self._clear_on_success:
            typed.clear()
        self._clear_on_success = []
        self.sig_recorded.emit(message)

    def _on_failed(self, error: BaseException) -> None:
        self._busy = False
        self._clear_on_success = []
        self.sig_failed.emit(_message_of(error))
