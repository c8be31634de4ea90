"""The 核实 dialog of one pending application: data comparison with each source's evidence,
the home visit (assign it, then its result form), and the reviewer's 登记 / 不予登记 with the
notice printed for the person (notice §3). Every step runs on the database thread.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db, run_in_background
from desktop.ui.pages.apply_page import (
    ActorProvider,
    CodeComboBox,
    PrinterChooser,
    counter_context,
    default_actor_provider,
    print_pdf,
)

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.services.verification import HomeVisitInfo, VerificationReport
    from desktop.store.db import Store
    from desktop.store.journal import Actor
    from printing.spool import PrintOutcome

_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
_OUTCOME_COLOURS = {"一致": "#2e7d32", "不一致": "#c62828", "无记录": "#757575"}


@dataclass(frozen=True)
class RegistrationDetails:
    """What the dialog shows of one application."""

    registration_id: str
    number: str
    status: str
    status_label: str
    name: str
    id_number: str
    applied_on: dt.date | None
    due_on: dt.date | None
    channel: str
    commitment_printed: bool
    rejection_reason: str | None
    visit: HomeVisitInfo | None
    report: VerificationReport


def load_details(store: Store, registration_id: str, today: dt.date) -> RegistrationDetails:
    """Run on the database thread: the application, its open visit, today's comparison (not
    recorded: recording happens with a decision)."""
    from desktop.services.verification import (
        CHANNEL_LABELS,
        VerificationError,
        compare_registration,
        open_visit,
    )
    from desktop.store.models import Person, Registration
    from desktop.store.projector import STATUS_LABELS

    with store.session() as session:
        registration = session.get(Registration, registration_id)
        if registration is None:
            raise VerificationError(f"找不到登记记录 {registration_id}")
        person = session.get(Person, registration.person_id)
        report = compare_registration(session, registration_id, today)
        return RegistrationDetails(
            registration_id=registration_id,
            number=registration.number,
            status=registration.status,
            status_label=STATUS_LABELS.get(registration.status, registration.status),
            name=person.name if person else "",
            id_number=person.id_number if person else "",
            applied_on=registration.applied_on,
            due_on=registration.due_on,
            channel=CHANNEL_LABELS.get(
                registration.channel or "counter", registration.channel or ""
            ),
            commitment_printed=bool(registration.commitment_printed),
            rejection_reason=registration.rejection_reason,
            visit=open_visit(session, registration_id),
            report=report,
        )


def _with_context(store: Store, config: Config, actor: Actor, step: Any) -> Any:
    with store.session() as session:
        return step(session, counter_context(store, config, actor, session))


def verify_on_db(store: Store, config: Config, actor: Actor, registration_id: str) -> str:
    from desktop.services.verification import verify_by_comparison

    today = dt.date.today()
    _with_context(
        store,
        config,
        actor,
        lambda session, ctx: verify_by_comparison(session, ctx, registration_id, today),
    )
    return "已核实（数据比对）"


def assign_on_db(
    store: Store,
    config: Config,
    actor: Actor,
    registration_id: str,
    assignee: str,
    due_on: dt.date,
    reason: str,
) -> str:
    from desktop.services.verification import assign_home_visit, run_comparison

    today = dt.date.today()

    def step(session: Any, ctx: Any) -> None:
        run_comparison(session, ctx, registration_id, today)  # the reason for the visit, kept
        assign_home_visit(
            session, ctx, registration_id, assignee=assignee, due_on=due_on, reason=reason, on=today
        )

    _with_context(store, config, actor, step)
    return f"已交 {assignee} 上门核实"


def complete_on_db(
    store: Store,
    config: Config,
    actor: Actor,
    task_id: str,
    visited_on: dt.date,
    outcome: str,
    findings: str,
) -> str:
    from desktop.services.verification import VISIT_OUTCOMES, complete_home_visit

    today = dt.date.today()
    _with_context(
        store,
        config,
        actor,
        lambda session, ctx: complete_home_visit(
            session,
            ctx,
            task_id,
            visited_on=visited_on,
            outcome=outcome,
            findings=findings,
            on=today,
        ),
    )
    return f"已记录上门核实结果：{VISIT_OUTCOMES[outcome]}"


def register_on_db(store: Store, config: Config, actor: Actor, registration_id: str) -> str:
    from desktop.services.verification import decide_register

    today = dt.date.today()
    _with_context(
        store,
        config,
        actor,
        lambda session, ctx: decide_register(session, ctx, registration_id, on=today),
    )
    return "已登记"


def reject_on_db(
    store: Store, config: Config, actor: Actor, registration_id: str, reason: str, notice: bool
) -> Any:
    """不予登记; the notice's data when asked for (read after the decision committed)."""
    from desktop.services.verification import decide_reject, rejection_notice

    today = dt.date.today()
    _with_context(
        store,
        config,
        actor,
        lambda session, ctx: decide_reject(session, ctx, registration_id, on=today, reason=reason),
    )
    if not notice:
        return None
    with store.session(write=False) as session:
        return rejection_notice(session, config, registration_id, today)


def _message_of(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


class VerifyDialog(QDialog):
    """核实、登记、不予登记 of one application."""

    sig_loaded = Signal(object)
    """The application's details are shown; the argument is the RegistrationDetails."""

    sig_decision_recorded = Signal(str)
    """A step was recorded (verified, visit assigned or done, registered, rejected); the
    argument says which, in Chinese."""

    sig_step_failed = Signal(str)
    """A step was refused or failed; the argument is the clerk's message."""

    sig_notice_printed = Signal(str)
    """The 不予登记告知书 printed; the argument is the printer."""

    def __init__(
        self,
        store: Store,
        config: Config,
        registration_id: str,
        parent: QWidget | None = None,
        *,
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._config = config
        self._actor_provider = actor_provider or default_actor_provider(config)
        self._registration_id = registration_id
        self._details: RegistrationDetails | None = None
        self._busy = False
        self.setObjectName("verifyDialog")
        self.setWindowTitle(self.tr("核实与登记"))
        self.resize(940, 680)
        self._build()
        self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.activateWindow()  # opened from the keyboard: the keyboard follows it

    # -- construction ---------------------------------------------------------------------

    def _build(self) -> None:
        self._header = QLabel(self)
        self._header.setObjectName("verifyHeader")
        self._header.setTextFormat(Qt.TextFormat.RichText)
        self._header.setWordWrap(True)

        self._table = QTableWidget(0, 3, self)
        self._table.setObjectName("comparisonTable")
        self._table.setHorizontalHeaderLabels(
            [self.tr("数据来源"), self.tr("结果"), self.tr("依据")]
        )
        self._table.verticalHeader().hide()
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setWordWrap(True)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._recommendation = QLabel(self)
        self._recommendation.setObjectName("recommendation")
        self._recommendation.setWordWrap(True)
        self._verify_button = QPushButton(self.tr("数据比对核实通过"), self)
        self._verify_button.setObjectName("verifyButton")
        self._verify_button.clicked.connect(self.verify_by_comparison)
        comparison = QGroupBox(self.tr("数据比对（通知第三条）"), self)
        comparison_layout = QVBoxLayout(comparison)
        comparison_layout.addWidget(self._table, 1)
        row = QHBoxLayout()
        row.addWidget(self._recommendation, 1)
        row.addWidget(self._verify_button)
        comparison_layout.addLayout(row)

        self._visit_box = QGroupBox(self.tr("上门核实"), self)
        self._visit_info = QLabel(self._visit_box)
        self._visit_info.setObjectName("visitInfo")
        self._visit_info.setWordWrap(True)
        self._assignee = QLineEdit(self._visit_box)
        self._assignee.setObjectName("visitAssignee")
        self._assignee.setText(self._actor.clerk_id)
        self._visit_due = QLineEdit(self._visit_box)
        self._visit_due.setObjectName("visitDue")
        self._visit_reason = QLineEdit(self._visit_box)
        self._visit_reason.setObjectName("visitReason")
        self._assign_button = QPushButton(self.tr("转上门核实"), self._visit_box)
        self._assign_button.setObjectName("assignVisitButton")
        self._assign_button.clicked.connect(self.assign_visit)
        self._visited_on = QLineEdit(self._visit_box)
        self._visited_on.setObjectName("visitedOn")
        self._visited_on.setText(dt.date.today().isoformat())
        from desktop.services.verification import VISIT_OUTCOMES

        self._outcome = CodeComboBox(
            tuple((str(i), label) for i, label in enumerate(VISIT_OUTCOMES.values(), start=1)),
            self._visit_box,
        )
        self._outcome.setObjectName("visitOutcome")
        self._outcome_codes = {str(i): code for i, code in enumerate(VISIT_OUTCOMES, start=1)}
        self._findings = QLineEdit(self._visit_box)
        self._findings.setObjectName("visitFindings")
        self._complete_button = QPushButton(self.tr("保存核实结果"), self._visit_box)
        self._complete_button.setObjectName("completeVisitButton")
        self._complete_button.clicked.connect(self.complete_visit)
        self._findings.returnPressed.connect(self.complete_visit)
        for field in (self._assignee, self._visit_due, self._visit_reason):
            field.returnPressed.connect(self.assign_visit)
        self._assign_form = QWidget(self._visit_box)
        assign_layout = QFormLayout(self._assign_form)
        assign_layout.addRow(self.tr("经办人"), self._assignee)
        assign_layout.addRow(self.tr("完成日期"), self._visit_due)
        assign_layout.addRow(self.tr("核实事项"), self._visit_reason)
        assign_layout.addRow("", self._assign_button)
        self._result_form = QWidget(self._visit_box)
        result_layout = QFormLayout(self._result_form)
        result_layout.addRow(self.tr("走访日期"), self._visited_on)
        result_layout.addRow(self.tr("核实结论"), self._outcome)
        result_layout.addRow(self.tr("走访情况"), self._findings)
        result_layout.addRow("", self._complete_button)
        visit_layout = QVBoxLayout(self._visit_box)
        visit_layout.addWidget(self._visit_info)
        visit_layout.addWidget(self._assign_form)
        visit_layout.addWidget(self._result_form)

        decision = QGroupBox(self.tr("审核决定"), self)
        self._register_button = QPushButton(self.tr("登记"), decision)
        self._register_button.setObjectName("registerButton")
        self._register_button.clicked.connect(self.register_application)
        self._reject_reason = QLineEdit(decision)
        self._reject_reason.setObjectName("rejectReason")
        self._reject_reason.setPlaceholderText(self.tr("不予登记的理由（告知申请人）"))
        self._print_notice = QCheckBox(self.tr("打印不予登记告知书"), decision)
        self._print_notice.setObjectName("printRejectionNotice")
        self._print_notice.setChecked(True)
        self._reject_button = QPushButton(self.tr("不予登记"), decision)
        self._reject_button.setObjectName("rejectButton")
        self._reject_button.clicked.connect(self.reject_application)
        self._printer = PrinterChooser(decision)
        decision_layout = QFormLayout(decision)
        decision_layout.addRow(self._register_button)
        decision_layout.addRow(self.tr("理由"), self._reject_reason)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self._print_notice)
        notice_row.addWidget(self._printer, 1)
        notice_row.addWidget(self._reject_button)
        decision_layout.addRow(notice_row)

        self._message = QLabel(self)
        self._message.setObjectName("verifyMessage")
        self._message.setWordWrap(True)
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.reject)

        lower = QHBoxLayout()
        lower.addWidget(self._visit_box, 1)
        lower.addWidget(decision, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self._message, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self._header)
        layout.addWidget(comparison, 1)
        layout.addLayout(lower)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.reload)
        self._printer.refresh()

    @property
    def _actor(self) -> Actor:
        return self._actor_provider()

    # -- public API -----------------------------------------------------------------------

    def details(self) -> RegistrationDetails | None:
        return self._details

    def message(self) -> str:
        return self._message.text()

    @Slot()
    def reload(self) -> None:
        run_db(load_details, self._store, self._registration_id, dt.date.today()).on_success(
            self._on_loaded
        ).on_error(self._on_failed)

    @Slot()
    def verify_by_comparison(self) -> None:
        self._run(verify_on_db, self._registration_id)

    @Slot()
    def assign_visit(self) -> None:
        from desktop.services.intake import parse_form_date

        due = parse_form_date(self._visit_due.text())
        if due is None:
            self._fail(
                self.tr("完成日期「{text}」不是有效日期").format(text=self._visit_due.text())
            )
            return
        self._run(
            assign_on_db,
            self._registration_id,
            self._assignee.text(),
            due,
            self._visit_reason.text(),
        )

    @Slot()
    def complete_visit(self) -> None:
        from desktop.services.intake import parse_form_date

        details = self._details
        if details is None or details.visit is None:
            return
        visited = parse_form_date(self._visited_on.text())
        if visited is None:
            self._fail(
                self.tr("走访日期「{text}」不是有效日期").format(text=self._visited_on.text())
            )
            return
        outcome = self._outcome_codes.get(self._outcome.code())
        if outcome is None:
            self._fail(self.tr("请选择核实结论"))
            return
        self._run(complete_on_db, details.visit.task_id, visited, outcome, self._findings.text())

    @Slot()
    def register_application(self) -> None:
        self._run(register_on_db, self._registration_id)

    @Slot()
    def reject_application(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._update_buttons()
        run_db(
            reject_on_db,
            self._store,
            self._config,
            self._actor,
            self._registration_id,
            self._reject_reason.text(),
            self._print_notice.isChecked(),
        ).on_success(self._on_rejected).on_error(self._on_step_failed)

    # -- outcomes -------------------------------------------------------------------------

    def _run(self, step: Any, *args: Any) -> None:
        if self._busy:
            return
        self._busy = True
        self._update_buttons()
        run_db(step, self._store, self._config, self._actor, *args).on_success(
            self._on_step_done
        ).on_error(self._on_step_failed)

    def _on_step_done(self, what: str) -> None:
        self._busy = False
        self._show(what, _OK_STYLE)
        self.sig_decision_recorded.emit(what)
        self.reload()

    def _on_step_failed(self, error: BaseException) -> None:
        self._busy = False
        self._fail(_message_of(error))
        self._update_buttons()

    def _fail(self, message: str) -> None:
        self._show(message, _ERROR_STYLE)
        self.sig_step_failed.emit(message)

    def _on_rejected(self, notice: Any) -> None:
        from desktop.services.verification import notice_pdf

        self._busy = False
        what = self.tr("已作不予登记决定")
        self._show(what, _OK_STYLE)
        self.sig_decision_recorded.emit(what)
        self.reload()
        if notice is not None:
            run_in_background(notice_pdf, notice).on_success(self._on_notice_built).on_error(
                lambda error: self._on_notice_failed(_message_of(error))
            )

    def _on_notice_built(self, pdf: bytes) -> None:
        print_pdf(
            pdf,
            self._printer.printer(),
            "不予失业登记告知书.pdf",
            self._on_notice_printed,
            self._on_notice_failed,
        )

    def _on_notice_printed(self, outcome: PrintOutcome) -> None:
        self._show(
            self.tr("已作不予登记决定，告知书已在 {printer} 打印").format(printer=outcome.printer),
            _OK_STYLE,
        )
        self.sig_notice_printed.emit(outcome.printer)

    def _on_notice_failed(self, message: str) -> None:
        self._fail(self.tr("已作不予登记决定，但告知书未能打印：{reason}").format(reason=message))

    def _on_failed(self, error: BaseException) -> None:
        self._fail(_message_of(error))

    def _on_loaded(self, details: RegistrationDetails) -> None:
        from desktop.domain.idnumbers import mask_id_number
        from desktop.services.verification import Recommendation

        self._details = details
        today = dt.date.today()
        due = details.due_on
        overdue = due is not None and due < today and details.status in ("applied", "verified")
        due_text = due.isoformat() if due else self.tr("不详")
        if overdue:
            due_text = self.tr("已逾期 {due}").format(due=due_text)
        applied = details.applied_on.isoformat() if details.applied_on else ""
        line_one = self.tr("{id_number}　登记编号 {number}").format(
            id_number=mask_id_number(details.id_number), number=details.number
        )
        line_two = self.tr("状态：{status}　渠道：{channel}　受理日期：{applied}　").format(
            status=details.status_label, channel=details.channel, applied=applied
        )
        due_line = self.tr("办结期限：{due}").format(due=due_text)
        due_style = "color:#c62828; font-weight:bold" if overdue else ""
        self._header.setText(
            f"<b style='font-size:13pt'>{html.escape(details.name)}</b>　"
            f"{html.escape(line_one)}<br>{html.escape(line_two)}"
            f"<span style='{due_style}'>{html.escape(due_line)}</span>"
        )
        report = details.report
        self._table.setRowCount(len(report.results))
        for row, result in enumerate(report.results):
            outcome = QTableWidgetItem(result.outcome.value)
            outcome.setForeground(QBrush(QColor(_OUTCOME_COLOURS[result.outcome.value])))
            font = outcome.font()
            font.setBold(True)
            outcome.setFont(font)
            self._table.setItem(row, 0, QTableWidgetItem(result.label))
            self._table.setItem(row, 1, outcome)
            self._table.setItem(row, 2, QTableWidgetItem("；".join(result.evidence)))
        self._table.resizeRowsToContents()
        colour = {
            Recommendation.VERIFY: "#2e7d32",
            Recommendation.HOME_VISIT: "#8d5a00",
            Recommendation.REVIEW: "#c62828",
        }[report.recommendation]
        self._recommendation.setText(report.summary)
        self._recommendation.setStyleSheet(f"color: {colour};")
        visit = details.visit
        if visit is not None:
            self._visit_info.setText(
                self.tr(
                    "已交 {assignee} 上门核实，{due} 前完成；核实事项：{reason}；地址：{address}"
                ).format(
                    assignee=visit.assignee,
                    due=visit.due_on.isoformat() if visit.due_on else "",
                    reason=visit.reason,
                    address=visit.address or self.tr("（未填写）"),
                )
            )
        elif details.status == "applied":
            self._visit_info.setText(self.tr("数据比对无法确认时，交工作人员上门核实。"))
            if not self._visit_due.text() and due is not None:
                self._visit_due.setText(due.isoformat())
            if not self._visit_reason.text():
                self._visit_reason.setText(report.summary)
        else:
            self._visit_info.setText(self.tr("无需上门核实。"))
        if report.conflicts and not self._reject_reason.text():
            self._reject_reason.setText(report.summary)
        self._update_buttons()
        self._focus_next_step()
        self.sig_loaded.emit(details)

    def _focus_next_step(self) -> None:
        """Put the keyboard on what the reviewer most likely does next (Enter does it)."""
        for widget in (
            self._verify_button,
            self._register_button,
            self._findings if self._result_form.isVisibleTo(self) else None,
            self._assignee if self._assign_button.isEnabled() else None,
        ):
            if widget is not None and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _update_buttons(self) -> None:
        from desktop.services.verification import Recommendation

        details = self._details
        idle = not self._busy and details is not None
        status = details.status if details else ""
        visit = details.visit if details else None
        self._verify_button.setEnabled(
            idle
            and status == "applied"
            and details is not None
            and details.report.recommendation is Recommendation.VERIFY
        )
        self._assign_form.setVisible(status == "applied" and visit is None)
        self._assign_button.setEnabled(idle and status == "applied" and visit is None)
        self._result_form.setVisible(visit is not None)
        self._complete_button.setEnabled(idle and visit is not None)
        self._register_button.setEnabled(idle and status == "verified")
        self._reject_button.setEnabled(idle and status in ("applied", "verified"))

    def _show(self, text: str, style: str = "") -> None:
        self._message.setText(text)
        self._message.setStyleSheet(style)
