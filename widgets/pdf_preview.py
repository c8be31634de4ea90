"""PDF preview: a QPdfView with zoom in/out/fit, page through, and a "第 x 页 / 共 y 页" label."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Signal, Slot
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

ZOOM_STEP = 1.25
MIN_ZOOM = 0.25
MAX_ZOOM = 4.0


class PdfPreview(QWidget):
    """Shows a PDF held in memory (the bytes a printing document built)."""

    sig_document_loaded = Signal(int)
    """Emitted with the page count once a PDF is shown."""

    sig_load_failed = Signal(str)
    """Emitted with the Chinese message when the bytes are not a readable PDF."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Children are destroyed in the order they were made: the view (whose renderer reads the
        # document) goes first, then the document, then the buffer pdfium reads from lazily.
        self._view = QPdfView(self)
        self._document = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self._view.setDocument(self._document)
        self._view.setPageMode(QPdfView.PageMode.MultiPage)
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._page_label = QLabel(self)
        self._message_label = QLabel(self)
        self._message_label.setWordWrap(True)
        self._message_label.hide()

        self._previous_button = self._tool_button(self.tr("上一页"), self.previous_page)
        self._next_button = self._tool_button(self.tr("下一页"), self.next_page)
        self._zoom_out_button = self._tool_button(self.tr("缩小"), self.zoom_out)
        self._zoom_in_button = self._tool_button(self.tr("放大"), self.zoom_in)
        self._fit_width_button = self._tool_button(self.tr("适合宽度"), self.fit_width)
        self._fit_page_button = self._tool_button(self.tr("整页"), self.fit_page)

        toolbar = QHBoxLayout()
        for button in (self._previous_button, self._next_button):
            toolbar.addWidget(button)
        toolbar.addWidget(self._page_label)
        toolbar.addStretch(1)
        for button in (
            self._zoom_out_button,
            self._zoom_in_button,
            self._fit_width_button,
            self._fit_page_button,
        ):
            toolbar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self._message_label)
        layout.addWidget(self._view, 1)

        self._view.pageNavigator().currentPageChanged.connect(self._on_current_page_changed)
        self._update_controls()

    def _tool_button(self, text: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.clicked.connect(slot)
        return button

    # -- loading -------------------------------------------------------------------------

    def load_pdf(self, pdf_bytes: bytes) -> bool:
        """Show these PDF bytes; False (and sig_load_failed) if they cannot be read."""
        self._document.close()
        self._buffer.close()
        self._buffer.setData(QByteArray(pdf_bytes))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._document.load(self._buffer)  # synchronous: the buffer holds the whole file
        if self._document.status() != QPdfDocument.Status.Ready:
            message = self.tr("无法显示 PDF：文件已损坏或不是 PDF")
            self._document.close()
            self._message_label.setText(message)
            self._message_label.show()
            self._update_controls()
            self.sig_load_failed.emit(message)
            return False
        self._message_label.hide()
        self._view.pageNavigator().jump(0, QPointF(), self._view.zoomFactor())
        self._update_controls()
        self.sig_document_loaded.emit(self._document.pageCount())
        return True

    def clear(self) -> None:
        """Show nothing."""
        self._document.close()
        self._buffer.close()
        self._update_controls()

    # -- state ---------------------------------------------------------------------------

    def page_count(self) -> int:
        """Pages of the shown PDF (0 when none)."""
        if self._document.status() != QPdfDocument.Status.Ready:
            return 0
        return int(self._document.pageCount())

    def current_page(self) -> int:
        """Zero-based page shown at the top of the view."""
        return int(self._view.pageNavigator().currentPage())

    def zoom_factor(self) -> float:
        """Current zoom (1.0 = 100 %)."""
        return float(self._view.zoomFactor())

    def zoom_mode(self) -> QPdfView.ZoomMode:
        """Custom, fit to width or fit in view."""
        return self._view.zoomMode()

    def page_label_text(self) -> str:
        """The text of the page label, e.g. "第 1 页 / 共 2 页"."""
        return self._page_label.text()

    # -- actions -------------------------------------------------------------------------

    @Slot()
    def zoom_in(self) -> None:
        """Zoom in one step."""
        self._set_zoom(self._view.zoomFactor() * ZOOM_STEP)

    @Slot()
    def zoom_out(self) -> None:
        """Zoom out one step."""
        self._set_zoom(self._view.zoomFactor() / ZOOM_STEP)

    @Slot()
    def fit_width(self) -> None:
        """Scale pages to the width of the view."""
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    @Slot()
    def fit_page(self) -> None:
        """Scale so a whole page is visible."""
        self._view.setZoomMode(QPdfView.ZoomMode.FitInView)

    @Slot()
    def next_page(self) -> None:
        """Go to the next page, if any."""
        self.go_to_page(self.current_page() + 1)

    @Slot()
    def previous_page(self) -> None:
        """Go to the previous page, if any."""
        self.go_to_page(self.current_page() - 1)

    def go_to_page(self, page: int) -> None:
        """Jump to a zero-based page (clamped to the document)."""
        count = self.page_count()
        if count == 0:
            return
        target = max(0, min(page, count - 1))
        self._view.pageNavigator().jump(target, QPointF(), self._view.zoomFactor())
        self._update_controls()

    def _set_zoom(self, factor: float) -> None:
        self._view.setZoomMode(QPdfView.ZoomMode.Custom)
        self._view.setZoomFactor(max(MIN_ZOOM, min(MAX_ZOOM, factor)))

    @Slot(int)
    def _on_current_page_changed(self, _page: int) -> None:
        self._update_controls()

    def _update_controls(self) -> None:
        count = self.page_count()
        page = self.current_page() if count else -1
        if count:
            self._page_label.setText(
                self.tr("第 %1 页 / 共 %2 页")
                .replace("%1", str(page + 1))
                .replace("%2", str(count))
            )
        else:
            self._page_label.setText(self.tr("无文档"))
        self._previous_button.setEnabled(count > 0 and page > 0)
        self._next_button.setEnabled(count > 0 and page < count - 1)
        for button in (
            self._zoom_in_button,
            self._zoom_out_button,
            self._fit_width_button,
            self._fit_page_button,
        ):
            button.setEnabled(count > 0)
