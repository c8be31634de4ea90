"""Printing through a real CUPS server (private cupsd, see conftest.py)."""

from __future__ import annotations

import struct

import pytest

from printing import cups
from printing.documents import commitment, policy_list
from printing.errors import PrintError
from tests.printing.conftest import BROKEN_QUEUE, NO_FOLDER_QUEUE, CupsTestServer
from tests.printing.pdf_tools import mean_difference, page_count, pdf_fonts, pdf_text, rasterize

pytestmark = pytest.mark.needs_cups


def test_the_pdf_native_queue_prints_the_text(cups_server: CupsTestServer, file_queue: str) -> None:
    data = commitment.example()
    pdf = commitment.build(data)
    job_id = cups.print_pdf_via_cups(pdf, file_queue, title="dengji-commitment")
    assert job_id > 0
    printed = cups_server.file_output
    text = pdf_text(printed)
    for expected in ("失业登记书面承诺书", data.person_name, data.id_number, "第 1 页 共 1 页"):
        assert expected in text
    assert all(font.embedded for font in pdf_fonts(printed))
    assert cups.job_state(job_id)[0] == cups.JOB_COMPLETED


def test_a_multi_page_list_prints_every_page(cups_server: CupsTestServer, file_queue: str) -> None:
    pdf = policy_list.build(policy_list.example())
    cups.print_pdf_via_cups(pdf, file_queue)
    pages = page_count(pdf)
    assert page_count(cups_server.file_output) == pages
    assert f"第 {pages} 页 共 {pages} 页" in pdf_text(cups_server.file_output, pages)


def test_the_cups_pdf_queue_prints_what_we_sent(
    cups_server: CupsTestServer, cups_pdf_queue: str
) -> None:
    """cups-pdf goes through PostScript: the pages must look the same as ours."""
    pdf = commitment.build(commitment.example())
    job_id = cups.print_pdf_via_cups(pdf, cups_pdf_queue, title="dengji-cups-pdf-test")
    printed = cups_server.cups_pdf_output(job_id)
    try:
        assert page_count(printed) == 1
        assert all(font.embedded for font in pdf_fonts(printed))
        ours, theirs = rasterize(pdf, dpi=40), rasterize(printed, dpi=40)
        assert theirs.dark_fraction() > 0.01  # not a blank page
        assert mean_difference(ours, theirs) < 3.0  # same page, up to anti-aliasing
        # PostScript drops ToUnicode: only the shape of the text survives, not its code points
        assert "失业登记书面承诺书" not in pdf_text(printed)
    finally:
        printed.unlink()


def test_a_disabled_printer_is_not_ready(cups_server: CupsTestServer, file_queue: str) -> None:
    cups_server.admin("cupsdisable", file_queue)
    with pytest.raises(PrintError) as caught:
        cups.print_pdf_via_cups(commitment.build(commitment.example()), file_queue)
    assert caught.value.message.startswith(f"打印机未就绪或已关闭：{file_queue}")
    assert not cups_server.file_output.exists()  # nothing was sent


def test_a_queue_rejecting_jobs_is_not_ready(cups_server: CupsTestServer, file_queue: str) -> None:
    cups_server.admin("cupsreject", file_queue)
    with pytest.raises(PrintError, match="打印机未就绪或已关闭"):
        cups.print_pdf_via_cups(commitment.build(commitment.example()), file_queue)
    # lp itself refuses too, should the queue stop accepting between check and submit
    with pytest.raises(PrintError, match="打印机未就绪或已关闭"):
        cups.submit_with_lp(b"%PDF-1.4", file_queue, title="x", copies=1, server=None)


def test_an_unknown_printer_is_not_found(cups_server: CupsTestServer) -> None:
    with pytest.raises(PrintError) as caught:
        cups.print_pdf_via_cups(commitment.build(commitment.example()), "NoSuchPrinter")
    assert caught.value.message == "未找到打印机：NoSuchPrinter"
    with pytest.raises(PrintError, match=r"^未找到打印机$"):
        cups.print_pdf_via_cups(commitment.build(commitment.example()), "")


def test_a_job_that_fails_is_not_reported_printed(cups_server: CupsTestServer) -> None:
    with pytest.raises(PrintError) as caught:
        cups.print_pdf_via_cups(commitment.build(commitment.example()), BROKEN_QUEUE, timeout_s=30)
    assert caught.value.message.startswith("打印失败：打印任务")
    assert "已中止" in caught.value.message
    assert "serial port" in caught.value.message  # the backend's own complaint, for support


def test_a_job_cups_stops_is_not_reported_printed(cups_server: CupsTestServer) -> None:
    with pytest.raises(PrintError, match=r"^打印失败：打印任务 \d+ 已停止"):
        cups.print_pdf_via_cups(
            commitment.build(commitment.example()), NO_FOLDER_QUEUE, timeout_s=30
        )


def test_a_printer_that_stops_mid_job_is_reported(cups_server: CupsTestServer) -> None:
    cups_server.admin("lpadmin", "-p", BROKEN_QUEUE, "-o", "printer-error-policy=stop-printer")
    try:
        with pytest.raises(PrintError, match="打印机未就绪或已关闭"):
            cups.print_pdf_via_cups(
                commitment.build(commitment.example()), BROKEN_QUEUE, timeout_s=30
            )
    finally:
        cups_server.admin("cancel", "-a", BROKEN_QUEUE)
        cups_server.admin("lpadmin", "-p", BROKEN_QUEUE, "-o", "printer-error-policy=abort-job")
        cups_server.admin("cupsenable", BROKEN_QUEUE)


def test_queues_are_listed(cups_server: CupsTestServer) -> None:
    assert {"DengjiFile", BROKEN_QUEUE} <= set(cups.list_cups_printers())
    status = cups.printer_status("DengjiFile")
    assert status.is_ready and status.state == cups.PRINTER_IDLE


def test_not_a_pdf_is_refused_before_printing() -> None:
    with pytest.raises(PrintError, match="不是 PDF"):
        cups.print_pdf_via_cups(b"hello", "DengjiFile")


def test_no_cups_server_is_a_clear_error(tmp_path: object) -> None:
    with pytest.raises(PrintError, match="无法连接打印服务"):
        cups.printer_status("DengjiFile", server="/nonexistent/cups.sock")


def test_ipp_replies_are_decoded() -> None:
    """A Get-Printer-Attributes reply as CUPS sends it (RFC 8010 encoding)."""

    def attribute(tag: int, name: str, value: bytes) -> bytes:
        return (
            struct.pack(">BH", tag, len(name))
            + name.encode()
            + struct.pack(">H", len(value))
            + value
        )

    reply = (
        struct.pack(">BBHI", 2, 0, 0, 1)
        + b"\x01"
        + attribute(0x47, "attributes-charset", b"utf-8")
        + b"\x04"
        + attribute(0x23, "printer-state", struct.pack(">i", 5))
        + attribute(0x22, "printer-is-accepting-jobs", b"\x00")
        + attribute(0x41, "printer-state-message", "已暂停".encode())
        + attribute(0x44, "printer-state-reasons", b"paused")
        + attribute(0x44, "", b"offline-report")
        + b"\x03"
    )
    response = cups.decode_response(reply)
    assert response.status == 0
    assert response.first("printer-state") == 5
    assert response.first("printer-is-accepting-jobs") is False
    assert response.first("printer-state-message") == "已暂停"
    assert response.groups[1]["printer-state-reasons"] == ["paused", "offline-report"]
    with pytest.raises(PrintError, match="无法识别"):
        cups.decode_response(b"\x02")
