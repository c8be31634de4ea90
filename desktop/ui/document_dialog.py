"""The document dialog: preview a document built from the record, print it, or save the PDF.

Everything slow runs off the GUI thread: the data is gathered on the database thread, the PDF
is built on the general pool, the printer list is read there too, and printing runs on the
print pool (printing.spool.start_print). Only a job the printer reported done is recorded as
printed ("document.printed", and "commitment.printed" for a commitment letter), on the database
thread; a failed job shows its message and records nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db, run_in_background
from widgets.pdf_preview import PdfPreview

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.services.documents import PreparedDocument, RenderedDocument
    from desktop.store.db import Store
    from desktop.store.journal import Actor
    from printing.spool import PrinterDescription, PrintOutcome

_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
PRINTER_LIST_TIMEOUT_S = 20.0
SIDE_PANEL_WIDTH = 300


def prepare_on_database_thread(
    store: Store,
    config: Config,
    name: str,
    person_id: str | None,
    registration_id: str | None,
    actor: Actor | None = None,
) -> PreparedDocument:
    """Run on the database thread: the document's data from the record (checked against the
    clerk's roles when `actor` is given)."""
    from desktop.services.documents import prepare_document

    with store.session(write=False) as session:
        return prepare_document(
            session,
            config,
            name,
            person_id=person_id,
            registration_id=registration_id,
            actor=actor,
        )


def build_pdf(prepared: PreparedDocument) -> RenderedDocument:
    """Run on the general pool: draw the PDF."""
    return prepared.render()


def record_print_on_database_thread(
    store: Store, actor: Actor, rendered: RenderedDocument, printer: str
) -> int:
    """Run on the database thread: journal a finished print; how many events were recorded."""
    from desktop.services.documents import record_printed

    with store.session() as session:
        return len(record_printed(session, actor, store.clock, rendered, printer))


def available_printers() -> list[PrinterDescription]:
    """Run on the general pool: the system's printers (a CUPS query may take a moment).

    Read in a short-lived thread of its own: libcups remembers, per thread, the server it
    first talked to, so a long-lived pool thread would keep listing the printers of a CUPS
    server that has since changed (CUPS_SERVER set later, a print server restarted elsewhere).
    """
    from printing.spool import list_printers

    found: list[PrinterDescription] = []
    failed: list[BaseException] = []

    def read() -> None:
        try:
            found.extend(list_printers())
        except BaseException as error:  # handed to the caller below
            failed.append(error)

    reader = threading.Thread(target=read, name="dengji-printer-list", daemon=True)
    reader.start()
    reader.join(PRINTER_LIST_TIMEOUT_S)
    if reader.is_alive():
        raise TimeoutError("打印机列表读取超时")
    if failed:
        raise failed[0]
    return found


def counter_actor(config: Config) -> Actor:
    """Who acts at this counter: the clerk signed in (desktop/ui/clerk_session.py). Before
    anyone signs in, the operating-system account with no role, so the journal still names a
    person and every use case refuses (issue 8)."""
    import getpass
    import re

    from desktop.store.journal import Actor
    from desktop.ui.clerk_session import clerk_session

    signed_in = clerk_session().actor(config.counter_id)
    if signed_in is not None:
        return signed_in
    try:
        account = getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment
        account = ""
    clerk_id = re.sub(r"\s+", "_", account.strip())[:64] or "clerk"
    return Actor(clerk_id=clerk_id, counter_id=config.counter_id)


def _message_of(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


def fill_print_menu(menu: Any, names: Iterable[str], request: Callable[[str], Any]) -> None:
    """(Re)fill a 打印/预览 menu with these documents, a separator before the three lists;
    picking one calls `request(name)` (the search page and the person record use it)."""
    from desktop.services.documents import LIST_DOCUMENTS

    menu.clear()
    titles = document_titles()
    for name in names:
        if name == LIST_DOCUMENTS[0] and not menu.isEmpty():
            menu.addSeparator()
        action = menu.addAction(titles.get(name, name))
        action.setObjectName(f"print_{name}")
        action.triggered.connect(lambda _checked=False, name=name: request(name))


def document_titles() -> dict[str, str]:
    """The documents' Chinese titles as menus show them, by `dengji print` name."""
    translate = QCoreApplication.translate
    return {
        "registration-form": translate("DocumentDialog", "就业失业登记表"),
        "commitment": translate("DocumentDialog", "书面承诺书"),
        "deregistration-notice": translate("DocumentDialog", "注销告知书"),
        "policy-list": translate("DocumentDialog", "政策清单"),
        "service-list": translate("DocumentDialog", "服务清单"),
        "agency-list": translate("DocumentDialog", "公共就业服务机构清单"),
        "contact-sheet": translate("DocumentDialog", "就业失业登记工作联络表"),
    }


class DocumentDialog(QDialog):
    """Preview, printer chooser, 打印 and 另存为PDF for one document."""

    sig_document_shown = Signal(int)
    """The PDF is built and shown; the argument is its page count."""

    sig_document_failed = Signal(str)
    """The document could not be made; the argument is the clerk's message."""

    sig_printers_listed = Signal(int)
    """The printer list is filled in; the argument is how many printers there are."""

    sig_print_recorded = Signal(str)
    """A print finished and was recorded in the journal; the argument is the printer name."""

    sig_print_failed = Signal(str)
    """A print failed (or could not be recorded); the argument is the clerk's message."""

    sig_pdf_saved = Signal(str)
    """The PDF was written to a file; the argument is its path."""

    def __init__(
        self,
        store: Store,
        config: Config,
        actor: Actor,
        document_name: str,
        *,
        person_id: str | None = None,
        registration_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._config = config
        self._actor = actor
        self._document_name = document_name
        self._person_id = person_id
        self._registration_id = registration_id
        self._rendered: RenderedDocument | None = None
        self._printing = False

        title = document_titles().get(document_name, document_name)
        self.setWindowTitle(self.tr("打印预览 — {title}").format(title=title))
        self.setObjectName("documentDialog")

        self._message_label = QLabel(self)
        self._message_label.setObjectName("documentMessage")
        self._message_label.setWordWrap(True)
        self._message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._preview = PdfPreview(self)
        self._preview.setObjectName("documentPreview")

        self._printer_box = QComboBox(self)
        self._printer_box.setObjectName("printerChooser")
        self._printer_box.setMinimumWidth(SIDE_PANEL_WIDTH - 24)
        self._printer_box.setEnabled(False)
        self._printer_box.addItem(self.tr("正在查找打印机……"))
        self._print_button = QPushButton(self.tr("打印"), self)
        self._print_button.setObjectName("printButton")
        self._print_button.setDefault(True)
        self._save_button = QPushButton(self.tr("另存为PDF"), self)
        self._save_button.setObjectName("savePdfButton")
        self._close_button = QPushButton(self.tr("关闭"), self)
        self._print_button.clicked.connect(self.print_document)
        self._save_button.clicked.connect(self._on_save_clicked)
        self._close_button.clicked.connect(self.reject)
        self._printer_box.currentIndexChanged.connect(self._update_buttons)

        layout = QHBoxLayout(self)
        layout.addWidget(self._preview, 1)
        layout.addWidget(self._side_panel(title))
        self.resize(1000, 720)

        self._show_message(self.tr("正在生成《{title}》……").format(title=title))
        self._update_buttons()
        run_db(
            prepare_on_database_thread,
            store,
            config,
            document_name,
            person_id,
            registration_id,
            actor,
        ).on_success(self._on_prepared).on_error(self._on_document_failed)
        run_in_background(available_printers).on_success(self._on_printers_listed).on_error(
            self._on_printers_failed
        )

    def _side_panel(self, title: str) -> QWidget:
        """Right of the preview: what is printed, the message line, printer and buttons."""
        panel = QWidget(self)
        panel.setFixedWidth(SIDE_PANEL_WIDTH)
        title_label = QLabel(title, panel)
        title_label.setObjectName("documentTitle")
        title_label.setWordWrap(True)
        font = title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        title_label.setFont(font)
        self._details_label = QLabel(panel)
        self._details_label.setObjectName("documentDetails")
        self._details_label.setWordWrap(True)
        self._details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._message_label.setParent(panel)

        print_row = QHBoxLayout()
        print_row.addWidget(self._print_button, 1)
        print_row.addWidget(self._save_button, 1)
        column = QVBoxLayout(panel)
        column.setContentsMargins(8, 4, 0, 0)
        column.addWidget(title_label)
        column.addWidget(self._details_label)
        column.addSpacing(8)
        column.addWidget(self._message_label)
        column.addStretch(1)
        column.addWidget(QLabel(self.tr("打印机："), panel))
        column.addWidget(self._printer_box)
        column.addLayout(print_row)
        column.addSpacing(16)
        column.addWidget(self._close_button)
        return panel

    # -- public API -----------------------------------------------------------------------

    def rendered(self) -> RenderedDocument | None:
        """The document shown, once built."""
        return self._rendered

    def preview(self) -> PdfPreview:
        """The PDF preview widget."""
        return self._preview

    def message(self) -> str:
        """The message line above the preview (progress, success or the error); "" if none."""
        return self._message_label.text() if self._message_label.isVisibleTo(self) else ""

    def printer_names(self) -> list[str]:
        """The printers offered, in the chooser's order."""
        return [
            str(self._printer_box.itemData(index))
            for index in range(self._printer_box.count())
            if self._printer_box.itemData(index)
        ]

    def select_printer(self, name: str) -> None:
        """Choose a printer by its name (ValueError if it is not offered)."""
        index = self._printer_box.findData(name)
        if index < 0:
            raise ValueError(name)
        self._printer_box.setCurrentIndex(index)

    def selected_printer(self) -> str | None:
        """The printer chosen, or None when there is none."""
        data = self._printer_box.currentData()
        return str(data) if data else None

    def can_print(self) -> bool:
        """Whether 打印 is enabled now."""
        return self._print_button.isEnabled()

    @Slot()
    def print_document(self) -> None:
        """Send the shown document to the chosen printer (off the GUI thread)."""
        from printing.spool import start_print

        printer = self.selected_printer()
        if self._rendered is None or printer is None or self._printing:
            return
        self._printing = True
        self._update_buttons()
        self._show_message(self.tr("正在打印到 {printer}……").format(printer=printer))
        # Not parented to the dialog: a job lives on until it reports (printing.spool).
        start_print(
            self._rendered.pdf,
            printer,
            self._on_printed,
            self._on_print_failed,
            title=self._rendered.suggested_file_name,
        )

    def save_pdf_to(self, path: Path) -> None:
        """Write the shown PDF to `path` (off the GUI thread); sig_pdf_saved when done."""
        if self._rendered is None:
            return
        pdf = self._rendered.pdf
        run_in_background(_write_file, path, pdf).on_success(self._on_pdf_saved).on_error(
            self._on_save_failed
        )

    # -- building -------------------------------------------------------------------------

    def _on_prepared(self, prepared: PreparedDocument) -> None:
        run_in_background(build_pdf, prepared).on_success(self._on_rendered).on_error(
            self._on_document_failed
        )

    def _on_rendered(self, rendered: RenderedDocument) -> None:
        if not self._preview.load_pdf(rendered.pdf):
            self._on_document_failed(RuntimeError(self.tr("无法显示 PDF")))
            return
        self._rendered = rendered
        self._preview.fit_page()  # the whole sheet, as it will come out of the printer
        details = [self.tr("共 {pages} 页").format(pages=self._preview.page_count())]
        if rendered.subject:
            details.insert(0, self.tr("登记编号：{number}").format(number=rendered.subject))
        details.append(self.tr("模板版本：{version}").format(version=rendered.template_version))
        self._details_label.setText("\n".join(details))
        self._message_label.hide()
        self._update_buttons()
        self.sig_document_shown.emit(self._preview.page_count())

    def _on_document_failed(self, error: BaseException) -> None:
        message = self.tr("无法生成文书：{reason}").format(reason=_message_of(error))
        self._show_message(message, _ERROR_STYLE)
        self._update_buttons()
        self.sig_document_failed.emit(message)

    # -- printers -------------------------------------------------------------------------

    def _on_printers_listed(self, printers: list[PrinterDescription]) -> None:
        self._printer_box.clear()
        if not printers:
            self._printer_box.addItem(self.tr("未找到打印机（可另存为PDF）"))
        default_index = 0
        for printer in printers:
            text = printer.name
            if not printer.is_ready:
                text = self.tr("{name}（{state}）").format(
                    name=printer.name, state=printer.state_text
                )
            self._printer_box.addItem(text, printer.name)
            if printer.is_default:
                default_index = self._printer_box.count() - 1
        self._printer_box.setCurrentIndex(default_index)
        self._printer_box.setEnabled(bool(printers))
        self._update_buttons()
        self.sig_printers_listed.emit(len(printers))

    def _on_printers_failed(self, error: BaseException) -> None:
        self._printer_box.clear()
        self._printer_box.addItem(
            self.tr("无法读取打印机列表：{reason}").format(reason=_message_of(error))
        )
        self._update_buttons()
        self.sig_printers_listed.emit(0)

    # -- printing -------------------------------------------------------------------------

    def _on_printed(self, outcome: PrintOutcome) -> None:
        assert self._rendered is not None
        self._show_message(self.tr("已打印，正在记录……"))
        run_db(
            record_print_on_database_thread,
            self._store,
            self._actor,
            self._rendered,
            outcome.printer,
        ).on_success(partial(self._on_print_recorded, outcome.printer)).on_error(
            self._on_record_failed
        )

    def _on_print_recorded(self, printer: str, _events_recorded: int) -> None:
        self._printing = False
        self._show_message(
            self.tr("已在 {printer} 打印，并已记录。").format(printer=printer), _OK_STYLE
        )
        self._update_buttons()
        self.sig_print_recorded.emit(printer)

    def _on_record_failed(self, error: BaseException) -> None:
        self._printing = False
        message = self.tr("已打印，但打印记录未能保存：{reason}").format(reason=_message_of(error))
        self._show_message(message, _ERROR_STYLE)
        self._update_buttons()
        self.sig_print_failed.emit(message)

    def _on_print_failed(self, reason: str) -> None:
        self._printing = False
        message = self.tr("未能打印，未计为已打印：{reason}").format(reason=reason)
        self._show_message(message, _ERROR_STYLE)
        self._update_buttons()
        self.sig_print_failed.emit(message)

    # -- saving ---------------------------------------------------------------------------

    @Slot()
    def _on_save_clicked(self) -> None:
        if self._rendered is None:
            return
        start = Path.home() / self._rendered.suggested_file_name
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("另存为PDF"), str(start), self.tr("PDF 文件 (*.pdf)")
        )
        if chosen:
            path = Path(chosen)
            self.save_pdf_to(path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    def _on_pdf_saved(self, path: Path) -> None:
        self._show_message(self.tr("已保存：{path}").format(path=str(path)), _OK_STYLE)
        self.sig_pdf_saved.emit(str(path))

    def _on_save_failed(self, error: BaseException) -> None:
        reason = getattr(error, "strerror", None) or _message_of(error)
        self._show_message(self.tr("无法保存 PDF：{reason}").format(reason=reason), _ERROR_STYLE)

    # -- helpers --------------------------------------------------------------------------

    def reject(self) -> None:
        """关闭 / Esc: not while a job is printing, whose outcome is still to be recorded."""
        if self._printing:
            self._show_message(self.tr("正在打印，完成并记录后才能关闭。"))
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._printing:
            event.ignore()
            self._show_message(self.tr("正在打印，完成并记录后才能关闭。"))
            return
        super().closeEvent(event)

    def _show_message(self, text: str, style: str = "") -> None:
        self._message_label.setText(text)
        self._message_label.setStyleSheet(style)
        self._message_label.show()

    @Slot()
    def _update_buttons(self) -> None:
        ready = self._rendered is not None
        self._print_button.setEnabled(
            ready and not self._printing and self.selected_printer() is not None
        )
        self._save_button.setEnabled(ready)


def _write_file(path: Path, pdf: bytes) -> Path:
    path.write_bytes(pdf)
    return path
