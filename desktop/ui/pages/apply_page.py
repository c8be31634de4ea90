"""The 受理登记 page: the 《就业失业登记表》 filled from a card, checked as it is typed, the
eligibility and duplicate checks beside it, the commitment letter (Ctrl+P) and 受理 (Ctrl+Enter).

The page only renders desktop.services.intake.IntakeFlow's view and sends it intents; the
database work runs on the database thread, PDFs on the pool, printing on the print pool.
Keyboard: F2 reads the card (the window's action), Tab follows the paper form, Enter jumps to
the next field still to fill, Ctrl+P prints the commitment, Ctrl+Enter accepts, Ctrl+N starts
the next applicant.
"""

from __future__ import annotations

import html
import itertools
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QFocusEvent, QInputMethodEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.services.intake import (
    FORM_FIELDS,
    FieldKind,
    FieldSource,
    FieldSpec,
    IntakeError,
    IntakeFlow,
    IntakeStep,
    IntakeView,
    region_choices,
)
from desktop.ui.background import run_db, run_in_background
from widgets.id_number_edit import IdNumberEdit
from widgets.page_title import page_title

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.services import registration as reg
    from desktop.services.documents import RenderedDocument
    from desktop.services.intake import DuplicateCheck, ReservedCommitment
    from desktop.store.db import Store
    from desktop.store.journal import Actor
    from devices.card import CardData
    from printing.spool import PrinterDescription, PrintOutcome

_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
_WARNING_STYLE = "color: #8d5a00;"
_INVALID_FIELD = "border: 2px solid #c62828; border-radius: 3px;"
_BADGE_STYLES = {
    FieldSource.ID_CARD: "background: #e3f2fd; color: #0d47a1; border: 1px solid #90caf9;",
    FieldSource.SOCIAL_SECURITY_CARD: (
        "background: #e8f5e9; color: #1b5e20; border: 1px solid #a5d6a7;"
    ),
    FieldSource.RECORD: "background: #f3e5f5; color: #4a148c; border: 1px solid #ce93d8;",
    FieldSource.DERIVED: "background: #eceff1; color: #37474f; border: 1px solid #b0bec5;",
    FieldSource.DEFAULT: "background: #fafafa; color: #616161; border: 1px solid #e0e0e0;",
}
# Fields that take a whole row of the form.
_WIDE_FIELDS = frozenset(
    {
        "household_address",
        "residence_address",
        "difficulty_categories",
        "skills",
        "last_employer",
        "other_notes",
    }
)
TYPE_AHEAD_RESET_S = 1.0  # as long as QAbstractItemView's keyboard search keeps its text
SIDE_PANEL_WIDTH = 360


# --------------------------------------------------------------------------- input widgets


class CodeComboBox(QComboBox):
    """A code picker with type-ahead on the code or the label: "03" or "回" picks 03 回族.

    Not editable, so its value is always a code of the table (or none); Delete clears it.
    """

    sig_code_changed = Signal(str)
    """The chosen code changed; the argument is the code ("" when cleared)."""

    def __init__(self, choices: tuple[tuple[str, str], ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.addItem("", "")
        for code, label in choices:
            shown = label if code.isalpha() else f"{code} {label}"
            self.addItem(shown, code)
        self.setMaxVisibleItems(15)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self._typed = ""
        self._typed_at = 0.0
        self.currentIndexChanged.connect(self._on_index_changed)

    def code(self) -> str:
        return str(self.currentData() or "")

    def set_code(self, code: str) -> None:
        """Show `code` without telling anyone (a render)."""
        index = max(0, self.findData(code))
        if index != self.currentIndex():
            self.blockSignals(True)
            self.setCurrentIndex(index)
            self.blockSignals(False)

    def type_ahead(self, text: str) -> bool:
        """Pick the first item matching what was typed in the last second; False if none."""
        now = time.monotonic()
        if now - self._typed_at > TYPE_AHEAD_RESET_S:
            self._typed = ""
        self._typed_at = now
        self._typed += text
        index = self._match(self._typed)
        if index < 0 and len(self._typed) > len(text):
            self._typed = text  # a new word: start over with this keystroke
            index = self._match(text)
        if index < 0:
            return False
        self.setCurrentIndex(index)
        return True

    def _match(self, typed: str) -> int:
        codes = [str(self.itemData(i) or "") for i in range(self.count())]
        labels = [self.itemText(i) for i in range(self.count())]
        for i, code in enumerate(codes):
            if code and code == typed:
                return i
        for i, code in enumerate(codes):
            if code and code.startswith(typed):
                return i
        for i, label in enumerate(labels):
            if i and typed in label:
                return i
        return -1

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._typed = ""
            self.setCurrentIndex(0)
            return
        text = event.text()
        if (
            text
            and text.isprintable()
            and not text.isspace()
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self.type_ahead(text)
            return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        # A Chinese input method commits whole words ("回族"): match them like typed text.
        committed = event.commitString()
        if committed:
            self._typed_at = 0.0
            self.type_ahead(committed)
        event.accept()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._typed = ""
        super().focusOutEvent(event)

    @Slot(int)
    def _on_index_changed(self, _index: int) -> None:
        self.sig_code_changed.emit(self.code())


class CodesList(QListWidget):
    """Several codes of a table as check boxes: arrows move, Space ticks, digits jump."""

    sig_codes_changed = Signal(list)
    """The ticked codes changed; the argument is the list of codes."""

    def __init__(self, choices: tuple[tuple[str, str], ...], parent: QWidget | None = None):
        super().__init__(parent)
        for code, label in choices:
            item = QListWidgetItem(f"{code} {label}", self)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(4 * self.fontMetrics().height() + 24)
        self.itemChanged.connect(self._on_item_changed)

    def codes(self) -> list[str]:
        return [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_codes(self, codes: tuple[str, ...]) -> None:
        self.blockSignals(True)
        for i in range(self.count()):
            item = self.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.blockSignals(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and self.currentItem() is not None:
            item = self.currentItem()
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)

    @Slot(QListWidgetItem)
    def _on_item_changed(self, _item: QListWidgetItem) -> None:
        self.sig_codes_changed.emit(self.codes())


# --------------------------------------------------------------------------- printing


def choose_printer(printers: list[PrinterDescription]) -> str | None:
    """The printer a one-key print goes to: the default if ready, else the first ready one."""
    ready = [printer for printer in printers if printer.is_ready]
    default = [printer for printer in ready if printer.is_default]
    chosen = default or ready
    return chosen[0].name if chosen else None


class PrinterChooser(QComboBox):
    """The printers of this computer, the default one chosen; filled off the GUI thread."""

    sig_printers_listed = Signal(int)
    """The list is filled; the argument is how many printers there are."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printerChooser")
        self.addItem(self.tr("正在查找打印机……"))
        self.setEnabled(False)

    def refresh(self) -> None:
        from desktop.ui.document_dialog import available_printers

        run_in_background(available_printers).on_success(self._on_listed).on_error(self._on_failed)

    def printer(self) -> str | None:
        data = self.currentData()
        return str(data) if data else None

    def _on_listed(self, printers: list[PrinterDescription]) -> None:
        self.clear()
        chosen = choose_printer(printers)
        for printer in printers:
            text = printer.name
            if not printer.is_ready:
                text = self.tr("{name}（{state}）").format(
                    name=printer.name, state=printer.state_text
                )
            self.addItem(text, printer.name)
        if not printers:
            self.addItem(self.tr("未找到打印机"))
        if chosen is not None:
            self.setCurrentIndex(self.findData(chosen))
        self.setEnabled(bool(printers))
        self.sig_printers_listed.emit(len(printers))

    def _on_failed(self, error: BaseException) -> None:
        self.clear()
        reason = getattr(error, "message", None) or str(error)
        self.addItem(self.tr("无法读取打印机列表：{reason}").format(reason=reason))
        self.setEnabled(False)
        self.sig_printers_listed.emit(0)


def print_pdf(
    pdf: bytes,
    printer: str | None,
    title: str,
    on_done: Callable[[PrintOutcome], None],
    on_failed: Callable[[str], None],
) -> None:
    """Send a PDF to `printer` off the GUI thread (no printer: on_failed at once)."""
    if printer is None:
        on_failed("未找到可用的打印机")
        return
    from printing.spool import start_print

    start_print(pdf, printer, on_done, on_failed, title=title)


# --------------------------------------------------------------------------- database steps

ActorProvider = Callable[[], "Actor"]


def default_actor_provider(config: Config) -> ActorProvider:
    """The actor until a clerk signs in: desktop.ui.document_dialog.counter_actor."""
    from desktop.ui.document_dialog import counter_actor

    return lambda: counter_actor(config)


def counter_context(store: Store, config: Config, actor: Actor, session: Any) -> reg.CounterContext:
    """The use cases' context at this counter (run on the database thread)."""
    from desktop.domain.eligibility import RegistrationPolicy
    from desktop.services import registration as reg
    from desktop.services.calendar import load_calendar

    return reg.CounterContext(
        actor=actor,
        clock=store.clock,
        region_code=config.region_code,
        counter_number=config.counter_number,
        calendar=load_calendar(session),
        policy=RegistrationPolicy(working_days=config.registration_working_days),
    )


def check_duplicates_on_db(
    store: Store, id_number: str, doc_type: str | None, region: str
) -> DuplicateCheck:
    from desktop.services.intake import check_duplicates

    with store.session(write=False) as session:
        return check_duplicates(session, id_number, doc_type, region)


def reserve_on_db(
    store: Store, config: Config, actor: Actor, view: IntakeView, number: str | None
) -> ReservedCommitment:
    from desktop.services.intake import reserve_commitment

    with store.session() as session:
        ctx = counter_context(store, config, actor, session)
        return reserve_commitment(session, ctx, config, view, number=number)


def accept_on_db(
    store: Store,
    config: Config,
    actor: Actor,
    application: reg.Application,
    number: str | None,
    commitment: Any,
) -> reg.AppliedRegistration:
    from desktop.services.intake import accept_application

    with store.session() as session:
        ctx = counter_context(store, config, actor, session)
        return accept_application(session, ctx, application, number=number, commitment=commitment)


def ineligibility_notice_on_db(store: Store, config: Config, view: IntakeView) -> Any:
    """The 不符合失业登记条件告知书's data (the office's name is in the database)."""
    from desktop.services.documents import agency_name
    from desktop.services.verification import ineligibility_notice

    with store.session(write=False) as session:
        agency = agency_name(session, config)
    number = view.document.number if view.document else view.value("id_number")
    return ineligibility_notice(view.value("name"), number, view.unmet, agency, view.today)


def _message_of(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


# --------------------------------------------------------------------------- the page


class _FieldRow:
    """The widgets of one field: label, input, source badge, error line."""

    def __init__(
        self, spec: FieldSpec, label: QLabel, editor: QWidget, badge: QLabel, error: QLabel
    ):
        self.spec = spec
        self.label = label
        self.editor = editor
        self.badge = badge
        self.error = error
        self.container: QWidget | None = None


class ApplyPage(QWidget):
    """受理登记: the form, the checks beside it, and the two keys that finish a registration."""

    sig_view_changed = Signal(object)
    """The form was rendered again; the argument is the IntakeView shown."""

    sig_existing_registration = Signal(str, str)
    """The applicant has an active registration in this office's area: open it instead. The
    arguments are the ID number and the registration number."""

    sig_commitment_printed = Signal(str)
    """The commitment letter printed; the argument is the printer's name."""

    sig_print_failed = Signal(str)
    """A print did not happen; the argument is the clerk's message."""

    sig_registration_accepted = Signal(str)
    """受理 recorded the application; the argument is the registration id."""

    sig_accept_failed = Signal(str)
    """受理 was refused or failed (nothing recorded); the argument is the clerk's message."""

    sig_notice_printed = Signal(str)
    """The 不符合失业登记条件告知书 printed; the argument is the printer's name."""

    def __init__(
        self,
        config: Config,
        store: Store | None = None,
        parent: QWidget | None = None,
        *,
        actor_provider: ActorProvider | None = None,
    ) -> None:
        super().__init__(parent)
        from desktop.domain.eligibility import RegistrationPolicy

        self._config = config
        self._store = store
        self._actor_provider = actor_provider or default_actor_provider(config)
        self.flow = IntakeFlow(
            config.region_code,
            policy=RegistrationPolicy(working_days=config.registration_working_days),
        )
        self._rows: dict[str, _FieldRow] = {}
        self._checking_number: str | None = None
        self._rendering = False
        self._printers_requested = False

        self._build()
        self._install_shortcuts()
        self.show_view()

    # -- construction ---------------------------------------------------------------------

    def _build(self) -> None:
        title = page_title(self.tr("受理登记 — 就业失业登记表"), self)
        hint = QLabel(
            self.tr(
                "F2 读卡　Tab 下一项　Enter 下一待填项　Ctrl+P 打印承诺书　"
                "Ctrl+Enter 受理　Ctrl+N 新受理"
            ),
            self,
        )
        hint.setObjectName("applyHint")
        hint.setStyleSheet("color: #616161;")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(hint)

        form = QWidget()
        form.setObjectName("applyForm")
        column = QVBoxLayout(form)
        column.setContentsMargins(0, 0, 8, 0)
        sections: dict[str, QGridLayout] = {}
        positions: dict[str, int] = {}
        for spec in FORM_FIELDS:
            grid = sections.get(spec.section)
            if grid is None:
                box = QGroupBox(spec.section, form)
                grid = QGridLayout(box)
                grid.setHorizontalSpacing(8)
                grid.setVerticalSpacing(2)
                grid.setColumnStretch(1, 1)
                grid.setColumnStretch(3, 1)
                sections[spec.section] = grid
                positions[spec.section] = 0
                column.addWidget(box)
            self._add_field(spec, grid, positions)
        column.addStretch(1)
        self._scroll = QScrollArea(self)
        self._scroll.setObjectName("applyFormScroll")
        self._scroll.setWidget(form)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        body = QHBoxLayout()
        body.addWidget(self._scroll, 1)
        body.addWidget(self._side_panel())
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(body, 1)

        editors = [self._rows[spec.name].editor for spec in FORM_FIELDS]
        for first, second in itertools.pairwise(editors):
            QWidget.setTabOrder(first, second)
        QWidget.setTabOrder(editors[-1], self._print_button)
        QWidget.setTabOrder(self._print_button, self._accept_button)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def _add_field(self, spec: FieldSpec, grid: QGridLayout, positions: dict[str, int]) -> None:
        label = QLabel(spec.label, self)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor = self._editor(spec)
        editor.setObjectName(f"field_{spec.name}")
        label.setBuddy(editor)
        badge = QLabel(self)
        badge.setObjectName(f"source_{spec.name}")
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Always there, empty when typed by hand: the inputs of a column line up.
        badge.setFixedWidth(badge.fontMetrics().horizontalAdvance("证件号码") + 12)
        badge.setFixedHeight(QLineEdit().sizeHint().height())
        error = QLabel(self)
        error.setObjectName(f"error_{spec.name}")
        error.setStyleSheet(_ERROR_STYLE + " font-size: 9pt;")
        error.setWordWrap(True)
        error.hide()
        cell = QWidget(self)
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(0)
        line = QHBoxLayout()
        line.setSpacing(4)
        line.addWidget(editor, 1)
        line.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        cell_layout.addLayout(line)
        cell_layout.addWidget(error)
        cell_layout.addStretch(1)
        position = positions[spec.section]
        wide = spec.name in _WIDE_FIELDS
        if wide and position % 2:
            position += 1  # a wide field starts a row
        row, col = divmod(position, 2)
        # Labels stay level with their input when an error line makes the row taller.
        line_height = QLineEdit().sizeHint().height()
        label.setFixedHeight(line_height)
        grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignTop)
        if wide:
            grid.addWidget(cell, row, 1, 1, 3)
            position += 2
        else:
            grid.addWidget(cell, row, col * 2 + 1)
            position += 1
        positions[spec.section] = position
        field_row = _FieldRow(spec, label, editor, badge, error)
        field_row.container = cell
        self._rows[spec.name] = field_row

    def _editor(self, spec: FieldSpec) -> QWidget:
        name = spec.name
        if spec.kind is FieldKind.CODES:
            codes = CodesList(spec.choices, self)
            codes.sig_codes_changed.connect(partial(self._on_codes_changed, name))
            return codes
        if spec.kind in (FieldKind.CODE, FieldKind.REGION):
            choices = region_choices() if spec.kind is FieldKind.REGION else spec.choices
            combo = CodeComboBox(choices, self)
            combo.sig_code_changed.connect(partial(self._on_value_edited, name))
            combo.installEventFilter(self)
            return combo
        edit: QLineEdit = (
            IdNumberEdit(self) if spec.kind is FieldKind.ID_NUMBER else QLineEdit(self)
        )
        edit.setMaxLength(spec.max_length)
        placeholders = {
            FieldKind.DATE: self.tr("如 20250630"),
            FieldKind.PHONE: self.tr("手机11位或区号-号码"),
            FieldKind.ID_NUMBER: self.tr("读卡（F2）或输入证件号码"),
        }
        if spec.kind in placeholders:
            edit.setPlaceholderText(placeholders[spec.kind])
        edit.textEdited.connect(partial(self._on_value_edited, name))
        edit.returnPressed.connect(self.focus_next_to_fill)
        return edit

    def _side_panel(self) -> QWidget:
        panel = QWidget(self)
        panel.setFixedWidth(SIDE_PANEL_WIDTH)
        self._step_label = QLabel(panel)
        self._step_label.setObjectName("applyStep")
        self._step_label.setWordWrap(True)
        font = self._step_label.font()
        font.setBold(True)
        self._step_label.setFont(font)
        self._check_label = QLabel(panel)
        self._check_label.setObjectName("eligibilityPanel")
        self._check_label.setWordWrap(True)
        self._check_label.setTextFormat(Qt.TextFormat.RichText)
        self._check_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._check_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        check_scroll = QScrollArea(panel)
        check_scroll.setWidget(self._check_label)
        check_scroll.setWidgetResizable(True)
        check_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._message_label = QLabel(panel)
        self._message_label.setObjectName("applyMessage")
        self._message_label.setWordWrap(True)
        self._message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._printer_chooser = PrinterChooser(panel)
        self._print_button = QPushButton(self.tr("打印承诺书（Ctrl+P）"), panel)
        self._print_button.setObjectName("printCommitmentButton")
        self._print_button.clicked.connect(self.print_commitment)
        self._accept_button = QPushButton(self.tr("受理（Ctrl+Enter）"), panel)
        self._accept_button.setObjectName("acceptButton")
        self._accept_button.clicked.connect(self.accept_application)
        self._notice_button = QPushButton(self.tr("打印不符合条件告知书"), panel)
        self._notice_button.setObjectName("printNoticeButton")
        self._notice_button.clicked.connect(self.print_ineligibility_notice)
        self._new_button = QPushButton(self.tr("新受理（Ctrl+N）"), panel)
        self._new_button.setObjectName("newApplicantButton")
        self._new_button.clicked.connect(self.new_applicant)
        column = QVBoxLayout(panel)
        column.setContentsMargins(8, 0, 0, 0)
        column.addWidget(self._step_label)
        column.addWidget(check_scroll, 1)
        column.addWidget(self._message_label)
        column.addWidget(QLabel(self.tr("打印机："), panel))
        column.addWidget(self._printer_chooser)
        column.addWidget(self._print_button)
        column.addWidget(self._accept_button)
        column.addWidget(self._notice_button)
        column.addWidget(self._new_button)
        return panel

    def _install_shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for sequence, slot in (
            ("Ctrl+P", self.print_commitment),
            ("Ctrl+Return", self.accept_application),
            ("Ctrl+Enter", self.accept_application),
            ("Ctrl+N", self.new_applicant),
        ):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # -- public API -----------------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        """The local database is open."""
        self._store = store
        self.show_view()

    def set_actor_provider(self, provider: ActorProvider) -> None:
        """Who acts from now on (the clerk signed in); asked at each step."""
        self._actor_provider = provider

    @property
    def _actor(self) -> Actor:
        return self._actor_provider()

    def editor(self, name: str) -> QWidget:
        """The input widget of a field (tests, screenshots)."""
        return self._rows[name].editor

    def source_badge(self, name: str) -> QLabel:
        return self._rows[name].badge

    def error_label(self, name: str) -> QLabel:
        return self._rows[name].error

    def eligibility_text(self) -> str:
        """The checks panel as plain text."""
        return self._check_label.text()

    def message(self) -> str:
        return self._message_label.text()

    def printer_chooser(self) -> PrinterChooser:
        return self._printer_chooser

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._printers_requested:
            self._printers_requested = True
            self._printer_chooser.refresh()

    @Slot(object)
    def show_card(self, card: CardData) -> None:
        """A card was read: fill the form from it (or cross-check the applicant's other card)."""
        try:
            self.flow.read_card(card)
        except IntakeError as error:
            self._show_message(error.message, _WARNING_STYLE)
            return
        self.show_view()
        self.focus_next_to_fill()

    @Slot()
    def new_applicant(self) -> None:
        """Ctrl+N: an empty form for the next person."""
        if self.flow.step in (IntakeStep.PRINTING, IntakeStep.ACCEPTING):
            return
        self.flow.reset()
        self._checking_number = None
        self.show_view()
        self._rows["id_number"].editor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def focus_next_to_fill(self) -> None:
        """Enter: the next field (after the one with focus) still required and empty; else
        the next field, in the paper form's order."""
        view = self.flow.view()
        names = [spec.name for spec in FORM_FIELDS if self._rows[spec.name].editor.isVisible()]
        if not names:
            return
        focused = QApplication.focusWidget()
        current = next(
            (i for i, name in enumerate(names) if self._rows[name].editor is focused), -1
        )
        order = names[current + 1 :] + names[: current + 1]
        for name in order:
            state = view.fields[name]
            if state.required and state.applicable and not state.value:
                self._rows[name].editor.setFocus(Qt.FocusReason.TabFocusReason)
                return
        if view.can_print and view.step is not IntakeStep.PRINTED:
            self._print_button.setFocus(Qt.FocusReason.TabFocusReason)
        elif view.can_accept:
            self._accept_button.setFocus(Qt.FocusReason.TabFocusReason)

    @Slot()
    def print_commitment(self) -> None:
        """Ctrl+P: reserve the number, build the letter, print it on the chosen printer."""
        if self._store is None:
            return
        try:
            self.flow.print_started()
        except IntakeError as error:
            self._show_message(error.message, _ERROR_STYLE)
            self.sig_print_failed.emit(error.message)
            return
        self.show_view()
        self._show_message(self.tr("正在打印书面承诺书……"))
        run_db(
            reserve_on_db,
            self._store,
            self._config,
            self._actor,
            self.flow.view(),
            self.flow.reserved_number,
        ).on_success(self._on_number_reserved).on_error(self._on_print_error)

    @Slot()
    def accept_application(self) -> None:
        """Ctrl+Enter: record the application (person, application, printed letter) at once."""
        if self._store is None:
            return
        try:
            application = self.flow.accept_started()
        except IntakeError as error:
            self._show_message(error.message, _ERROR_STYLE)
            self.sig_accept_failed.emit(error.message)
            return
        self.show_view()
        self._show_message(self.tr("正在受理……"))
        run_db(
            accept_on_db,
            self._store,
            self._config,
            self._actor,
            application,
            self.flow.reserved_number,
            self.flow.printed_commitment,
        ).on_success(self._on_accepted).on_error(self._on_accept_error)

    @Slot()
    def print_ineligibility_notice(self) -> None:
        """The reasons an ineligible applicant is told, printed (一次性告知)."""
        view = self.flow.view()
        if self._store is None or not view.unmet:
            return
        run_db(ineligibility_notice_on_db, self._store, self._config, view).on_success(
            self._on_notice_gathered
        ).on_error(self._on_notice_failed)

    def _on_notice_gathered(self, notice: Any) -> None:
        from desktop.services.verification import notice_pdf

        run_in_background(notice_pdf, notice).on_success(self._on_notice_built).on_error(
            self._on_notice_failed
        )

    # -- rendering ------------------------------------------------------------------------

    def show_view(self) -> None:
        """Show the flow's current view."""
        view = self.flow.view()
        self._rendering = True
        try:
            for name, state in view.fields.items():
                self._render_field(self._rows[name], state, view)
        finally:
            self._rendering = False
        self._render_panel(view)
        self._start_duplicate_check()
        self.sig_view_changed.emit(view)

    def _render_field(self, row: _FieldRow, state: Any, view: IntakeView) -> None:
        editor = row.editor
        value = state.value
        if isinstance(editor, CodesList):
            editor.set_codes(tuple(value))
        elif isinstance(editor, CodeComboBox):
            editor.set_code(str(value))
        elif isinstance(editor, QLineEdit) and editor.text() != value:
            position = editor.cursorPosition()
            editor.setText(str(value))
            if editor.hasFocus():
                editor.setCursorPosition(min(position, len(str(value))))
        if isinstance(editor, IdNumberEdit):
            from desktop.services.intake import DOCUMENT_CHOICES

            doc_type = dict(DOCUMENT_CHOICES).get(view.value("doc_type"))
            if doc_type != getattr(editor, "_doc_type", None):
                editor.set_document_type(doc_type)
        visible = state.applicable
        row.label.setVisible(visible)
        if row.container is not None:
            row.container.setVisible(visible)
        marker = "<span style='color:#c62828'>*</span>" if state.required else ""
        row.label.setText(f"{html.escape(state.spec.label)}{marker}")
        source = state.source
        if source is not None and source is not FieldSource.TYPED:
            row.badge.setText(source.value)
            row.badge.setStyleSheet(
                _BADGE_STYLES[source] + " border-radius: 3px; padding: 0 4px; font-size: 9pt;"
            )
            row.badge.setToolTip(self.tr("来源：{source}").format(source=source.value))
        else:
            row.badge.clear()
            row.badge.setStyleSheet("")
            row.badge.setToolTip("")
        row.error.setText(state.error)
        row.error.setVisible(bool(state.error))
        if not isinstance(editor, IdNumberEdit):
            style = _INVALID_FIELD if state.error else ""
            if editor.styleSheet() != style:
                editor.setStyleSheet(style)
        editor.setToolTip(state.error)

    def _render_panel(self, view: IntakeView) -> None:
        steps = {
            IntakeStep.EMPTY: self.tr(
                "请将身份证或社会保障卡放在阅读器上（F2 读卡），或输入证件号码"
            ),
            IntakeStep.EDITING: self.tr("填写登记表"),
            IntakeStep.PRINTING: self.tr("正在打印书面承诺书……"),
            IntakeStep.PRINTED: self.tr("书面承诺书已打印，申请人签字后按 Ctrl+Enter 受理"),
            IntakeStep.ACCEPTING: self.tr("正在受理……"),
            IntakeStep.ACCEPTED: self.tr("已受理"),
        }
        self._step_label.setText(steps[view.step])
        self._check_label.setText(self._checks_html(view))
        busy = view.step in (IntakeStep.PRINTING, IntakeStep.ACCEPTING)
        self._print_button.setEnabled(view.can_print and not busy)
        self._accept_button.setEnabled(view.can_accept and not busy)
        self._notice_button.setVisible(bool(view.unmet))
        self._notice_button.setEnabled(bool(view.unmet) and not busy)
        if view.message:
            accepted = view.step is IntakeStep.ACCEPTED
            failed = view.message.startswith(("未受理", "书面承诺书未能打印"))
            style = _OK_STYLE if accepted else _ERROR_STYLE if failed else ""
            self._show_message(view.message, style)
        elif view.step in (IntakeStep.EMPTY, IntakeStep.EDITING):
            self._message_label.clear()

    def _checks_html(self, view: IntakeView) -> str:
        def items(texts: tuple[str, ...] | list[str], colour: str) -> str:
            return "".join(f"<li style='color:{colour}'>{html.escape(text)}</li>" for text in texts)

        parts: list[str] = []
        title = self.tr("资格检查（通知第一条）")
        if view.step is IntakeStep.ACCEPTED and view.accepted is not None:
            deadline = view.accepted.deadline
            parts.append(
                "<p style='color:#2e7d32'><b>"
                + html.escape(
                    self.tr("已受理　登记编号 {number}").format(number=view.accepted.number)
                )
                + "</b><br>"
                + html.escape(
                    self.tr("办结期限：{due}（{days}个工作日）").format(
                        due=deadline.due.isoformat(), days=deadline.working_days
                    )
                )
                + "</p>"
            )
        if not view.eligibility_known:
            parts.append(
                f"<p><b>{html.escape(title)}</b>："
                + html.escape(self.tr("读卡或填写证件号码、出生日期、户籍地和常住地后自动检查"))
                + "</p>"
            )
        elif view.unmet:
            parts.append(
                f"<p><b>{html.escape(title)}</b>：<span style='color:#c62828'>"
                + html.escape(self.tr("不符合，共 {count} 项").format(count=len(view.unmet)))
                + f"</span></p><ul>{items(view.unmet, '#c62828')}</ul>"
            )
        else:
            parts.append(
                f"<p><b>{html.escape(title)}</b>：<span style='color:#2e7d32'>"
                + html.escape(self.tr("符合"))
                + "</span></p>"
            )
        if view.missing and view.step is not IntakeStep.EMPTY:
            parts.append(
                "<p><b>"
                + html.escape(self.tr("尚未填写（{count} 项）").format(count=len(view.missing)))
                + f"</b></p><ul>{items(view.missing, '#8d5a00')}</ul>"
            )
        if view.problems:
            parts.append(
                "<p><b>"
                + html.escape(self.tr("须更正"))
                + f"</b></p><ul>{items(view.problems, '#c62828')}</ul>"
            )
        if view.warnings:
            parts.append(
                "<p><b>"
                + html.escape(self.tr("请注意"))
                + f"</b></p><ul>{items(view.warnings, '#8d5a00')}</ul>"
            )
        duplicate = view.duplicate
        if view.duplicate_pending:
            parts.append("<p>" + html.escape(self.tr("正在查询是否已有登记……")) + "</p>")
        elif duplicate is not None and duplicate.local is not None:
            parts.append(
                "<p style='color:#c62828'><b>"
                + html.escape(
                    self.tr("已有有效登记 {number}，已打开原记录").format(
                        number=duplicate.local.number
                    )
                )
                + "</b></p>"
            )
        elif duplicate is not None and view.step is not IntakeStep.ACCEPTED:
            parts.append(
                "<p style='color:#2e7d32'>" + html.escape(self.tr("本地无有效登记")) + "</p>"
            )
        if view.reserved_number and view.step is not IntakeStep.ACCEPTED:
            parts.append(
                "<p>"
                + html.escape(
                    self.tr("登记编号（已预留）：{number}").format(number=view.reserved_number)
                )
                + "</p>"
            )
        return "".join(parts)

    def _show_message(self, text: str, style: str = "") -> None:
        self._message_label.setText(text)
        self._message_label.setStyleSheet(style)

    # -- events from the form ---------------------------------------------------------------

    def _on_value_edited(self, name: str, value: str) -> None:
        if self._rendering:
            return
        try:
            self.flow.set_field(name, value)
        except IntakeError as error:
            self._show_message(error.message, _WARNING_STYLE)
            self.show_view()  # put the field back as the flow has it
            return
        self.show_view()

    def _on_codes_changed(self, name: str, codes: list[str]) -> None:
        if self._rendering:
            return
        try:
            self.flow.set_field(name, codes)
        except IntakeError as error:
            self._show_message(error.message, _WARNING_STYLE)
        self.show_view()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter on a combo box moves on like Enter in a line edit.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(watched, CodeComboBox)
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and not watched.view().isVisible()
        ):
            self.focus_next_to_fill()
            return True
        return super().eventFilter(watched, event)

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        form = self._scroll.widget()
        if new is not None and form is not None and form.isAncestorOf(new):
            self._scroll.ensureWidgetVisible(new, 20, 40)

    # -- duplicate check --------------------------------------------------------------------

    def _start_duplicate_check(self) -> None:
        needed = self.flow.duplicate_check_needed()
        if needed is None or self._store is None:
            return
        number, doc_type = needed
        if number == self._checking_number:
            return
        self._checking_number = number
        run_db(
            check_duplicates_on_db, self._store, number, doc_type, self._config.region_code
        ).on_success(self._on_duplicates_checked).on_error(self._on_duplicate_check_failed)

    def _on_duplicates_checked(self, check: DuplicateCheck) -> None:
        if self._checking_number == check.id_number:
            self._checking_number = None
        self.flow.duplicates_checked(check)
        self.show_view()
        if check.local is not None and self.flow.view().duplicate is check:
            self.sig_existing_registration.emit(check.id_number, check.local.number)

    def _on_duplicate_check_failed(self, error: BaseException) -> None:
        self._checking_number = None
        self._show_message(
            self.tr("无法查询是否已有登记：{reason}").format(reason=_message_of(error)),
            _ERROR_STYLE,
        )

    # -- printing ---------------------------------------------------------------------------

    def _on_number_reserved(self, reserved: ReservedCommitment) -> None:
        from desktop.services.intake import render_commitment

        self.flow.number_reserved(reserved.number)
        run_in_background(render_commitment, reserved).on_success(self._on_letter_built).on_error(
            self._on_print_error
        )

    def _on_letter_built(self, rendered: RenderedDocument) -> None:
        print_pdf(
            rendered.pdf,
            self._printer_chooser.printer(),
            rendered.suggested_file_name,
            partial(self._on_letter_printed, rendered),
            self._on_print_failed,
        )

    def _on_letter_printed(self, rendered: RenderedDocument, outcome: PrintOutcome) -> None:
        from desktop.services.intake import PrintedCommitment

        self.flow.commitment_printed(PrintedCommitment(rendered, outcome.printer))
        self.show_view()
        self._accept_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sig_commitment_printed.emit(outcome.printer)

    def _on_print_error(self, error: BaseException) -> None:
        self._on_print_failed(_message_of(error))

    def _on_print_failed(self, message: str) -> None:
        self.flow.print_failed(message)
        self.show_view()
        self.sig_print_failed.emit(message)

    def _on_notice_built(self, pdf: bytes) -> None:
        print_pdf(
            pdf,
            self._printer_chooser.printer(),
            "不符合失业登记条件告知书.pdf",
            self._on_notice_printed,
            self._on_notice_failed_message,
        )

    def _on_notice_printed(self, outcome: PrintOutcome) -> None:
        self._show_message(
            self.tr("不符合失业登记条件告知书已在 {printer} 打印").format(printer=outcome.printer),
            _OK_STYLE,
        )
        self.sig_notice_printed.emit(outcome.printer)

    def _on_notice_failed(self, error: BaseException) -> None:
        self._on_notice_failed_message(_message_of(error))

    def _on_notice_failed_message(self, message: str) -> None:
        text = self.tr("告知书未能打印：{reason}").format(reason=message)
        self._show_message(text, _ERROR_STYLE)
        self.sig_print_failed.emit(text)

    # -- acceptance -------------------------------------------------------------------------

    def _on_accepted(self, applied: reg.AppliedRegistration) -> None:
        self.flow.accepted(applied)
        self.show_view()
        self._new_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sig_registration_accepted.emit(applied.registration_id)

    def _on_accept_error(self, error: BaseException) -> None:
        from desktop.services.registration import DuplicateRegistrationError

        message = _message_of(error)
        self.flow.accept_failed(message)
        self.show_view()
        view = self.flow.view()
        if isinstance(error, DuplicateRegistrationError) and view.document and self._store:
            # Made meanwhile (another counter's sync, a second window): look again.
            run_db(
                check_duplicates_on_db,
                self._store,
                view.document.number,
                view.document.doc_type.name,
                self._config.region_code,
            ).on_success(self._on_duplicates_checked)
        self.sig_accept_failed.emit(message)
