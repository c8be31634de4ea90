"""Sends a finished PDF to a printer, off the UI thread (the only Qt module of printing/).

Which path is used when:

* **CUPS** (Linux, macOS — whenever CUPS's `lp` is installed): `printing.cups.print_pdf_via_cups`.
  CUPS prints PDF natively through its own filters and the printer's driver, so the job stays
  vector (sharp text, small spool file), and the job is followed over IPP until CUPS reports it
  completed. This is the reliable path on Linux and the default there.
* **Qt raster** (Windows, or no `lp`): QPdfDocument renders each page to a QImage at the
  printer's resolution (capped at MAX_RENDER_DPI to bound memory) and QPainter paints it on a
  QPrinter. Windows has no CUPS, and its GDI drivers take painted pages; "printed" here means
  the page images were handed to the system spooler without error.

Both raise PrintError with the clerk's message ("未找到打印机", "打印机未就绪或已关闭：…",
"打印失败：…"); a failed job is never reported as printed. Everything blocking runs in a
QThreadPool worker (`start_print`), never on the UI thread.
"""

from __future__ import annotations

import contextlib
import enum
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QRectF,
    QRunnable,
    QSize,
    QSizeF,
    QThread,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from printing import cups
from printing.cups import print_pdf_via_cups
from printing.errors import PrintError

__all__ = [
    "MAX_RENDER_DPI",
    "PrintError",
    "PrintJob",
    "PrintOutcome",
    "PrintPath",
    "PrinterDescription",
    "list_printers",
    "preferred_print_path",
    "print_pdf",
    "print_pdf_via_cups",
    "render_pdf_to_printer",
    "start_print",
]

# 300 dpi is what office laser printers print text at; a 600 dpi A4 page image would be
# 139 MB of ARGB, rendered and held per page.
MAX_RENDER_DPI = 300


class PrintPath(enum.Enum):
    """How a PDF reaches the printer (see the module docstring)."""

    CUPS = "cups"
    QT = "qt"


@dataclass(frozen=True)
class PrinterDescription:
    """A printer as the print dialog lists it."""

    name: str
    is_default: bool
    is_ready: bool
    state_text: str


@dataclass(frozen=True)
class PrintOutcome:
    """A job that has printed (never built for a failed one)."""

    printer: str
    path: PrintPath
    pages: int
    job_id: int | None = None  # CUPS job id on the CUPS path


def preferred_print_path() -> PrintPath:
    """CUPS where `lp` exists (and not on Windows), else the Qt raster path."""
    if not sys.platform.startswith("win") and cups.cups_available():
        return PrintPath.CUPS
    return PrintPath.QT


_STATE_TEXT = {
    QPrinter.PrinterState.Idle: "就绪",
    QPrinter.PrinterState.Active: "正在打印",
    QPrinter.PrinterState.Aborted: "已中止",
    QPrinter.PrinterState.Error: "未就绪或已关闭",
}


def list_printers() -> list[PrinterDescription]:
    """Printers known to the system (CUPS queues on Linux, the Windows printer list)."""
    default = QPrinterInfo.defaultPrinterName()
    printers = []
    for info in QPrinterInfo.availablePrinters():
        state = info.state()
        printers.append(
            PrinterDescription(
                name=info.printerName(),
                is_default=info.printerName() == default,
                is_ready=state in (QPrinter.PrinterState.Idle, QPrinter.PrinterState.Active),
                state_text=_STATE_TEXT.get(state, "未知"),
            )
        )
    return printers


def _printer_info(printer_name: str) -> QPrinterInfo:
    if not QPrinterInfo.availablePrinterNames():
        raise PrintError(cups.NO_PRINTER)
    info = QPrinterInfo.printerInfo(printer_name)
    if not printer_name or info.isNull():
        raise PrintError(f"{cups.NO_PRINTER}：{printer_name}")
    if info.state() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
        raise PrintError(f"打印机未就绪或已关闭：{printer_name}")
    return info


@contextlib.contextmanager
def _loaded_document(pdf_bytes: bytes) -> Iterator[QPdfDocument]:
    """The PDF opened in a QPdfDocument for the length of the block, then closed and released
    here, on the thread that made it: an exception's traceback carried to the UI thread must
    not keep Qt objects of a pool thread alive and have them destroyed there."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf_bytes))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    try:
        document.load(buffer)  # synchronous for a QBuffer that holds the whole file
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            raise PrintError(f"打印失败：PDF 无法读取（{document.error().name}）")
        yield document
    finally:
        document.close()  # pdfium reads lazily from the buffer: close the document first
        buffer.close()
        del document, buffer


def render_pdf_to_printer(
    pdf_bytes: bytes, printer_name: str, *, copies: int = 1, title: str = "dengji"
) -> int:
    """Paint every page of the PDF on a QPrinter as an image; returns the number of pages.

    Blocking: call it from a worker thread (QPainter on a QPrinter is thread-safe in Qt 6).
    """
    info = _printer_info(printer_name)
    if cups.cups_available():
        # Qt sees a stopped CUPS queue but not one that rejects jobs; CUPS tells both
        cups.check_printer_ready(printer_name)
    with _loaded_document(pdf_bytes) as document:
        return _print_document(document, info, printer_name, copies=copies, title=title)


def _print_document(
    document: QPdfDocument, info: QPrinterInfo, printer_name: str, *, copies: int, title: str
) -> int:
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setCopyCount(max(1, copies))
    printer.setFullPage(True)  # our PDF already carries the GB/T 9704 margins
    first_page = document.pagePointSize(0)
    printer.setPageSize(
        QPageSize(first_page, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    )
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape
        if first_page.width() > first_page.height()
        else QPageLayout.Orientation.Portrait
    )
    dpi = min(printer.resolution(), MAX_RENDER_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(f"打印失败：无法打开打印机 {printer_name}")
    try:
        for index in range(document.pageCount()):
            if index and not printer.newPage():
                raise PrintError(f"打印失败：打印机 {printer_name} 无法开始第 {index + 1} 页")
            _paint_page(painter, printer, document, index, dpi)
    finally:
        ended = painter.end()
    if not ended or printer.printerState() in (
        QPrinter.PrinterState.Error,
        QPrinter.PrinterState.Aborted,
    ):
        raise PrintError(f"打印失败：打印机 {printer_name} 未接受打印任务")
    return document.pageCount()


def _paint_page(
    painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int, dpi: int
) -> None:
    size_pt: QSizeF = document.pagePointSize(index)
    pixels = QSize(round(size_pt.width() / 72 * dpi), round(size_pt.height() / 72 * dpi))
    image = document.render(index, pixels)
    if image.isNull():
        raise PrintError(f"打印失败：第 {index + 1} 页无法渲染")
    target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
    painter.drawImage(target, image)


def _assert_not_ui_thread() -> None:
    app = QCoreApplication.instance()
    if app is not None and QThread.currentThread() is app.thread():
        raise RuntimeError("printing blocks: run it with start_print(), not on the UI thread")


def print_pdf(
    pdf_bytes: bytes,
    printer_name: str,
    *,
    path: PrintPath | None = None,
    copies: int = 1,
    title: str = "dengji",
    timeout_s: float = cups.DEFAULT_TIMEOUT_S,
) -> PrintOutcome:
    """Print and wait until the job has printed (blocking; raises PrintError otherwise)."""
    _assert_not_ui_thread()
    chosen = path or preferred_print_path()
    if chosen is PrintPath.CUPS:
        job_id = print_pdf_via_cups(
            pdf_bytes, printer_name, title=title, copies=copies, timeout_s=timeout_s
        )
        return PrintOutcome(printer_name, chosen, _count_pages(pdf_bytes), job_id)
    pages = render_pdf_to_printer(pdf_bytes, printer_name, copies=copies, title=title)
    return PrintOutcome(printer_name, chosen, pages)


def _count_pages(pdf_bytes: bytes) -> int:
    with _loaded_document(pdf_bytes) as document:
        return int(document.pageCount())


class PrintJob(QObject):
    """One print job for the thread pool: connect its signals, then call start().

    Create it on the UI thread; the signals arrive there (queued from the worker).
    """

    sig_print_finished = Signal(object)
    """Emitted with the PrintOutcome once the job has printed."""

    sig_print_failed = Signal(str)
    """Emitted with the Chinese message when the job could not be printed."""

    def __init__(
        self,
        pdf_bytes: bytes,
        printer_name: str,
        *,
        path: PrintPath | None = None,
        copies: int = 1,
        title: str = "dengji",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.pdf_bytes = pdf_bytes
        self.printer_name = printer_name
        self.path = path
        self.copies = copies
        self.title = title

    def start(self, pool: QThreadPool | None = None) -> None:
        """Run the job on the pool (the global one by default); returns at once.

        The job keeps itself alive until its result has been delivered, so a caller may
        drop its reference.
        """
        _running_jobs.add(self)
        # connected last, so it runs after the caller's slots
        self.sig_print_finished.connect(self._on_done)
        self.sig_print_failed.connect(self._on_done)
        (pool or QThreadPool.globalInstance()).start(_PrintRunnable(self))

    @Slot(object)
    def _on_done(self, _result: object) -> None:
        _running_jobs.discard(self)

    def run_blocking(self) -> None:
        """Print here and now, emitting the result (what the worker thread calls)."""
        try:
            outcome = print_pdf(
                self.pdf_bytes,
                self.printer_name,
                path=self.path,
                copies=self.copies,
                title=self.title,
            )
        except PrintError as error:
            self.sig_print_failed.emit(error.message)
        except Exception as error:
            self.sig_print_failed.emit(f"打印失败：{error}")
        else:
            self.sig_print_finished.emit(outcome)


_running_jobs: set[PrintJob] = set()


class _PrintRunnable(QRunnable):
    def __init__(self, job: PrintJob) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job.run_blocking()


def start_print(
    pdf_bytes: bytes,
    printer_name: str,
    on_finished: Callable[[PrintOutcome], None],
    on_failed: Callable[[str], None],
    *,
    path: PrintPath | None = None,
    copies: int = 1,
    title: str = "dengji",
    pool: QThreadPool | None = None,
    parent: QObject | None = None,
) -> PrintJob:
    """Print on the thread pool; on_finished(outcome) or on_failed(message) runs on this thread.

    The callbacks are connected before the job starts, so a quick failure is never missed.
    """
    job = PrintJob(pdf_bytes, printer_name, path=path, copies=copies, title=title, parent=parent)
    job.sig_print_finished.connect(on_finished)
    job.sig_print_failed.connect(on_failed)
    job.start(pool)
    return job
