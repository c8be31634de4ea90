"""The 注销 dialog (notice §5): reason from the code table, date, evidence; what in the record
contradicts the reason is shown as it is chosen; after 注销 the 注销告知书 is offered, except
for the reasons the notice exempts from telling (移居境外、被判刑收监执行、死亡、无法取得联系).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db
from desktop.ui.pages.followup_page import may

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.store.db import Store
    from desktop.store.journal import Actor
    from desktop.ui.document_dialog import DocumentDialog
    from desktop.ui.pages.apply_page import ActorProvider

_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
_NOTE_STYLE = "color: #616161;"
_PROBLEMS_STYLE = (
    "QLabel { background: #ffebee; color: #b71c1c; border: 1px solid #ef9a9a;"
    " border-radius: 3px; padding: 6px; }"
)
_CLEAR_STYLE = (
    "QLabel { background: #e8f5e9; color: #1b5e20; border: 1px solid #a5d6a7;"
    " border-radius: 3px; padding: 6px; }"
)
CHECK_DELAY_MS = 250  # the check runs once typing in the evidence pauses
_REASON_STABLE_INCOME = "23"  # desktop.domain.followup.REASON_STABLE_INCOME


@dataclass(frozen=True)
class DeregistrationSubject:
    """What the dialog shows of the registration to end."""

    registration_id: str
    person_id: str
    name: str
    number: str
    status: str
    registered_on: dt.date | None
    last_contact_on: dt.date | None


def load_subject(store: Store, registration_id: str) -> DeregistrationSubject:
    """Run on the database thread: the registration and its person's name."""
    from desktop.services.followup import FollowupError
    from desktop.store.models import Person, Registration

    with store.session(write=False) as session:
        registration = session.get(Registration, registration_id)
        if registration is None:
            raise FollowupError(f"找不到登记记录 {registration_id}")
        person = session.get(Person, registration.person_id)
        return DeregistrationSubject(
            registration_id,
            registration.person_id,
            person.name if person else "",
            registration.number,
            registration.status,
            registration.registered_on,
            registration.last_contact_on,
        )


def contradictions_on_db(
    store: Store,
    registration_id: str,
    reason: str,
    on: dt.date,
    evidence: str,
    monthly_income: str,
) -> list[str]:
    """Run on the database thread: what stands in the way of this 注销 ([] if nothing), from
    desktop.services.followup.deregistration_problems (the check confirm_deregistration
    makes); nothing is written."""
    from desktop.services.followup import deregistration_problems

    with store.session(write=False) as session:
        return deregistration_problems(
            session,
            registration_id,
            reason,
            on,
            evidence,
            monthly_income.strip() or None,
        )


def confirm_on_db(
    store: Store,
    config: Config,
    actor: Actor,
    registration_id: str,
    on: dt.date,
    reason: str,
    note: str,
    evidence: str,
    monthly_income: str,
) -> bool:
    """Run on the database thread: 注销; whether the 注销告知书 is to be given."""
    from desktop.services.followup import confirm_deregistration
    from desktop.ui.pages.apply_page import counter_context

    with store.session() as session:
        ctx = counter_context(store, config, actor, session)
        return confirm_deregistration(
            session,
            ctx,
            registration_id,
            on=on,
            reason=reason,
            note=note,
            evidence=evidence,
            monthly_income=monthly_income.strip() or None,
        )


def _message_of(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


def reason_choices() -> tuple[tuple[str, str], ...]:
    """Every reason of notice §5 (the deregistration_reason table), with its clause."""
    from desktop.domain.codes import code_table

    return tuple(
        (entry.code, f"{entry.extra.get('group', '')}{entry.label}")
        for entry in code_table("deregistration_reason")
    )


class DeregistrationDialog(QDialog):
    """注销 of one registration: reason, date, evidence, the record's contradictions."""

    sig_loaded = Signal(object)
    """The registration is shown; the argument is the DeregistrationSubject."""

    sig_checked = Signal(list)
    """The contradiction check ran; the argument is the list of problems ([]: none)."""

    sig_deregistered = Signal(str, bool)
    """注销 recorded: (registration id, whether the 注销告知书 is to be given)."""

    sig_failed = Signal(str)
    """注销 was refused; the argument is the clerk's message (the form keeps its text)."""

    sig_document_dialog_opened = Signal(object)
    """The 注销告知书's print preview opened (the argument)."""

    def __init__(
        self,
        store: Store,
        config: Config,
        registration_id: str,
        parent: QWidget | None = None,
        *,
        reason: str | None = None,
        evidence: str = "",
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        from desktop.ui.pages.apply_page import CodeComboBox, default_actor_provider

        self._store = store
        self._config = config
        self._registration_id = registration_id
        self._actor_provider = actor_provider or default_actor_provider(config)
        self._subject: DeregistrationSubject | None = None
        self._busy = False
        self._done = False
        self._check_generation = 0
        self.setObjectName("deregistrationDialog")
        self.setWindowTitle(self.tr("注销失业登记"))
        self.resize(660, 420)

        self._header = QLabel(self)
        self._header.setObjectName("deregistrationHeader")
        self._header.setTextFormat(Qt.TextFormat.RichText)
        self._header.setWordWrap(True)
        self._reason = CodeComboBox(reason_choices(), self)
        self._reason.setObjectName("deregistrationReason")
        self._reason.setMinimumContentsLength(30)
        self._date = QLineEdit(dt.date.today().isoformat(), self)
        self._date.setObjectName("deregistrationDate")
        self._date.setMaximumWidth(140)
        self._evidence = QLineEdit(evidence, self)
        self._evidence.setObjectName("deregistrationEvidence")
        self._evidence.setPlaceholderText(
            self.tr("证明材料或核实情况，如：养老保险待遇核定通知书、录用通知、死亡证明")
        )
        self._income = QLineEdit(self)
        self._income.setObjectName("deregistrationIncome")
        self._income.setMaximumWidth(140)
        self._income.setPlaceholderText(self.tr("元/月"))
        self._note = QLineEdit(self)
        self._note.setObjectName("deregistrationNote")
        self._note.setPlaceholderText(self.tr("其他说明（可不填）"))
        self._notify_hint = QLabel(self)
        self._notify_hint.setObjectName("notifyHint")
        self._notify_hint.setWordWrap(True)
        self._notify_hint.setStyleSheet(_NOTE_STYLE)
        self._problems = QLabel(self)
        self._problems.setObjectName("contradictions")
        self._problems.setWordWrap(True)
        self._problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._message = QLabel(self)
        self._message.setObjectName("deregistrationMessage")
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._confirm = QPushButton(self.tr("确认注销（Ctrl+Enter）"), self)
        self._confirm.setObjectName("confirmDeregistration")
        self._confirm.clicked.connect(self.confirm)
        self._print = QPushButton(self.tr("打印注销告知书"), self)
        self._print.setObjectName("printDeregistrationNotice")
        self._print.clicked.connect(self.print_notice)
        self._print.hide()
        close = QPushButton(self.tr("关闭"), self)
        close.setObjectName("closeDeregistration")
        close.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("注销原因"), self._reason)
        form.addRow("", self._notify_hint)
        form.addRow(self.tr("注销日期"), self._date)
        form.addRow(self.tr("依据"), self._evidence)
        # notice §5(二): 月收入不低于当地最低生活保障标准 — only that reason asks for it.
        form.addRow(self.tr("月收入"), self._income)
        form.addRow(self.tr("说明"), self._note)
        self._form = form
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self._print)
        buttons.addWidget(self._confirm)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self._header)
        layout.addLayout(form)
        layout.addWidget(self._problems)
        layout.addStretch(1)
        layout.addWidget(self._message)
        layout.addLayout(buttons)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check)
        self._reason.sig_code_changed.connect(self._on_input_changed)
        self._date.textChanged.connect(self._on_input_changed)
        self._evidence.textChanged.connect(self._on_input_changed)
        self._income.textChanged.connect(self._on_input_changed)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self).activated.connect(self.confirm)
        if reason:
            self._reason.set_code(reason)
        self._show_notify_hint()
        self._update_buttons()
        run_db(load_subject, store, registration_id).on_success(self._on_loaded).on_error(
            self._on_load_failed
        )

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.activateWindow()
        (self._evidence if self._reason.code() else self._reason).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    # -- public API -----------------------------------------------------------------------

    def message(self) -> str:
        return self._message.text()

    def problems_text(self) -> str:
        return self._problems.text()

    def field(self, name: str) -> QWidget:
        found = self.findChild(QWidget, name)
        assert found is not None, name
        return found

    def set_reason(self, code: str) -> None:
        self._reason.set_code(code)
        self._on_input_changed()

    def reason(self) -> str:
        return self._reason.code()

    def print_button(self) -> QPushButton:
        return self._print

    @Slot()
    def check(self) -> None:
        """Check the record against the chosen reason (on the database thread)."""
        self._check_timer.stop()
        reason, on = self._reason.code(), self._parsed_date()
        if not reason or on is None or self._done or not may("CONFIRM_DEREGISTRATION"):
            self._problems.clear()
            self._problems.setStyleSheet("")
            return
        self._check_generation += 1
        run_db(
            contradictions_on_db,
            self._store,
            self._registration_id,
            reason,
            on,
            self._evidence.text(),
            self._income_text(),
        ).on_success(self._with_generation(self._check_generation)).on_error(self._on_check_failed)

    @Slot()
    def confirm(self) -> None:
        if self._busy or self._done or not self._confirm.isEnabled():
            return
        reason = self._reason.code()
        if not reason:
            self._fail(self.tr("请选择注销原因"))
            self._reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        on = self._parsed_date()
        if on is None:
            self._fail(
                self.tr("注销日期「{text}」不是有效日期，请按 2026-11-26 的格式填写").format(
                    text=self._date.text()
                )
            )
            self._date.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._busy = True
        self._update_buttons()
        self._show(self.tr("正在注销……"), _NOTE_STYLE)
        run_db(
            confirm_on_db,
            self._store,
            self._config,
            self._actor_provider(),
            self._registration_id,
            on,
            reason,
            self._note.text(),
            self._evidence.text(),
            self._income_text(),
        ).on_success(self._on_deregistered).on_error(self._on_failed)

    @Slot()
    def print_notice(self) -> DocumentDialog | None:
        """The 注销告知书 in the document dialog (preview, print, recorded when printed)."""
        from desktop.ui.document_dialog import DocumentDialog

        dialog = DocumentDialog(
            self._store,
            self._config,
            self._actor_provider(),
            "deregistration-notice",
            registration_id=self._registration_id,
            person_id=self._subject.person_id if self._subject else None,
            parent=self.parentWidget() or self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.sig_document_dialog_opened.emit(dialog)
        return dialog

    # -- internals ------------------------------------------------------------------------

    def _income_text(self) -> str:
        return self._income.text() if self._reason.code() == _REASON_STABLE_INCOME else ""

    def _parsed_date(self) -> dt.date | None:
        from desktop.services.intake import parse_form_date

        return parse_form_date(self._date.text())

    def _with_generation(self, generation: int) -> Any:
        from functools import partial

        return partial(self._on_checked, generation)

    @Slot()
    def _on_input_changed(self, *_args: object) -> None:
        self._show_notify_hint()
        self._check_timer.start()

    def _show_notify_hint(self) -> None:
        from desktop.domain.followup import is_notified

        code = self._reason.code()
        self._form.setRowVisible(self._income, code == _REASON_STABLE_INCOME)
        if not code:
            self._notify_hint.setText("")
        elif is_notified(code):
            self._notify_hint.setText(self.tr("注销后以适当方式告知本人：可打印注销告知书"))
        else:
            self._notify_hint.setText(
                self.tr("按通知第五条，移居境外、被判刑收监执行、死亡及无法取得联系的不予告知")
            )

    def _on_checked(self, generation: int, problems: list[str]) -> None:
        if generation != self._check_generation or self._done:
            return
        if problems:
            lines = "<br>".join(f"• {html.escape(problem)}" for problem in problems)
            self._problems.setText(self.tr("记录与所选原因不符：") + f"<br>{lines}")
            self._problems.setStyleSheet(_PROBLEMS_STYLE)
        else:
            self._problems.setText(self.tr("记录与所选原因无矛盾"))
            self._problems.setStyleSheet(_CLEAR_STYLE)
        self.sig_checked.emit(list(problems))

    def _on_check_failed(self, error: BaseException) -> None:
        self._problems.setText(self.tr("无法核对记录：{reason}").format(reason=_message_of(error)))
        self._problems.setStyleSheet(_PROBLEMS_STYLE)

    def _on_loaded(self, subject: DeregistrationSubject) -> None:
        self._subject = subject
        registered = subject.registered_on.isoformat() if subject.registered_on else ""
        last = subject.last_contact_on.isoformat() if subject.last_contact_on else self.tr("无")
        details = self.tr("登记编号 {number}　登记日期 {registered}　最近联系 {last}").format(
            number=subject.number, registered=registered, last=last
        )
        self._header.setText(
            f"<b style='font-size:13pt'>{html.escape(subject.name)}</b>　{html.escape(details)}"
        )
        if subject.status != "registered":
            self._fail(self.tr("该登记当前不是“已登记”状态，不能注销"))
        self._update_buttons()
        self.check()
        self.sig_loaded.emit(subject)

    def _on_load_failed(self, error: BaseException) -> None:
        self._fail(_message_of(error))

    def _on_deregistered(self, notified: bool) -> None:
        self._busy = False
        self._done = True
        for widget in (self._reason, self._date, self._evidence, self._income, self._note):
            widget.setEnabled(False)
        if notified:
            self._show(self.tr("已注销。请打印注销告知书交本人（或邮寄）。"), _OK_STYLE)
            self._print.show()
            self._print.setDefault(True)
            self._print.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._show(
                self.tr("已注销。按通知第五条，此情形不予告知，无需打印注销告知书。"), _OK_STYLE
            )
        self._update_buttons()
        self.sig_deregistered.emit(self._registration_id, notified)

    def _on_failed(self, error: BaseException) -> None:
        from desktop.domain.followup import ContradictionError

        self._busy = False
        if isinstance(error, ContradictionError):
            self._on_checked(self._check_generation, error.problems)
            self._fail(self.tr("未注销：记录与所选原因不符，请补充依据或改选原因"))
        else:
            self._fail(self.tr("未注销：{reason}").format(reason=_message_of(error)))
        self._update_buttons()

    def _fail(self, message: str) -> None:
        self._show(message, _ERROR_STYLE)
        self.sig_failed.emit(message)

    def _show(self, text: str, style: str) -> None:
        self._message.setText(text)
        self._message.setStyleSheet(style)

    def _update_buttons(self) -> None:
        allowed = may("CONFIRM_DEREGISTRATION")
        active = self._subject is not None and self._subject.status == "registered"
        self._confirm.setEnabled(allowed and active and not self._busy and not self._done)
        self._confirm.setToolTip("" if allowed else self.tr("确认注销须由审核人员办理"))
        self._print.setEnabled(may("PRINT"))
