"""The PDF preview widget: loading bytes, paging through, zooming."""

from __future__ import annotations

import pytest
from PySide6.QtPdfWidgets import QPdfView
from pytestqt.qtbot import QtBot

from printing.documents import commitment, policy_list
from widgets.pdf_preview import MAX_ZOOM, MIN_ZOOM, ZOOM_STEP, PdfPreview

SIGNAL_TIMEOUT_MS = 5000


@pytest.fixture(scope="module")
def list_pdf() -> bytes:
    return policy_list.build(policy_list.example())


@pytest.fixture
def preview(qtbot: QtBot) -> PdfPreview:
    widget = PdfPreview()
    qtbot.addWidget(widget)
    widget.resize(600, 800)
    widget.show()
    return widget


def test_empty_preview(preview: PdfPreview) -> None:
    assert preview.page_count() == 0
    assert preview.page_label_text() == "无文档"
    preview.next_page()  # nothing to do, no error
    assert preview.current_page() == 0


def test_loads_pdf_bytes(preview: PdfPreview, qtbot: QtBot, list_pdf: bytes) -> None:
    with qtbot.wait_signal(preview.sig_document_loaded, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        assert preview.load_pdf(list_pdf)
    pages = blocker.args[0]
    assert pages == preview.page_count() > 1
    assert preview.page_label_text() == f"第 1 页 / 共 {pages} 页"


def test_pages_through(preview: PdfPreview, list_pdf: bytes) -> None:
    preview.load_pdf(list_pdf)
    pages = preview.page_count()
    preview.next_page()
    assert preview.current_page() == 1
    assert preview.page_label_text() == f"第 2 页 / 共 {pages} 页"
    preview.previous_page()
    assert preview.current_page() == 0
    preview.go_to_page(99)  # clamped to the last page
    assert preview.current_page() == pages - 1
    preview.next_page()
    assert preview.current_page() == pages - 1
    preview.go_to_page(-5)
    assert preview.current_page() == 0


def test_zooms(preview: PdfPreview) -> None:
    preview.load_pdf(commitment.build(commitment.example()))
    assert preview.zoom_mode() == QPdfView.ZoomMode.FitToWidth
    start = preview.zoom_factor()
    preview.zoom_in()
    assert preview.zoom_mode() == QPdfView.ZoomMode.Custom
    assert preview.zoom_factor() == pytest.approx(start * ZOOM_STEP)
    preview.zoom_out()
    preview.zoom_out()
    assert preview.zoom_factor() == pytest.approx(start / ZOOM_STEP)
    for _ in range(30):
        preview.zoom_in()
    assert preview.zoom_factor() == pytest.approx(MAX_ZOOM)
    for _ in range(30):
        preview.zoom_out()
    assert preview.zoom_factor() == pytest.approx(MIN_ZOOM)
    preview.fit_page()
    assert preview.zoom_mode() == QPdfView.ZoomMode.FitInView
    preview.fit_width()
    assert preview.zoom_mode() == QPdfView.ZoomMode.FitToWidth


def test_damaged_bytes_give_a_message(preview: PdfPreview, qtbot: QtBot, list_pdf: bytes) -> None:
    preview.load_pdf(list_pdf)
    with qtbot.wait_signal(preview.sig_load_failed, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        assert not preview.load_pdf(b"%PDF-1.7 not really")
    assert blocker.args[0].startswith("无法显示 PDF")
    assert preview.page_count() == 0
    assert preview.page_label_text() == "无文档"
    assert preview.load_pdf(list_pdf)  # and it recovers with the next document


def test_renders_the_page(preview: PdfPreview, qtbot: QtBot) -> None:
    preview.load_pdf(commitment.build(commitment.example()))
    qtbot.wait(50)
    image = preview.grab().toImage()
    dark = sum(
        1
        for y in range(0, image.height(), 4)
        for x in range(0, image.width(), 4)
        if image.pixelColor(x, y).lightness() < 100
    )
    assert dark > 50  # text and barcode drawn, not a blank view
