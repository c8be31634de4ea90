"""Sending PDFs to printers from a worker thread: the CUPS path and the Qt raster path."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from printing import cups, spool
from printing.documents import commitment, policy_list
from printing.spool import PrintJob, PrintPath, start_print
from tests.printing.conftest import CupsTestServer
from tests.printing.pdf_tools import mean_difference, page_count, pdf_text, rasterize

pytestmark = pytest.mark.needs_cups
PRINT_TIMEOUT_MS = 60_000


def wait_for_file(path: Path, timeout_s: float = 30) -> None:
    """Qt hands the job to CUPS and returns; the file: device writes it a moment later."""
    deadline = time.monotonic() + timeout_s
    last_size = -1
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size == last_size and last_size > 0:
            return
        last_size = path.stat().st_size if path.exists() else -1
        time.sleep(0.3)
    raise AssertionError(f"{path} was not written")


@pytest.mark.skipif(sys.platform != "linux", reason="CUPS is the default path on Linux")
def test_linux_prints_through_cups() -> None:
    assert spool.preferred_print_path() is PrintPath.CUPS


def test_printers_are_listed(cups_server: CupsTestServer, file_queue: str, qapp: object) -> None:
    printers = {printer.name: printer for printer in spool.list_printers()}
    assert printers[file_queue].is_ready
    assert printers[file_queue].state_text == "就绪"


def test_qt_raster_path_prints_every_page(
    cups_server: CupsTestServer, file_queue: str, qtbot: QtBot
) -> None:
    pdf = policy_list.build(policy_list.example())
    job = PrintJob(pdf, file_queue, path=PrintPath.QT, title="dengji-qt-test")
    with qtbot.wait_signal(job.sig_print_finished, timeout=PRINT_TIMEOUT_MS) as blocker:
        job.start()
    outcome = blocker.args[0]
    assert outcome.path is PrintPath.QT and outcome.pages == page_count(pdf) > 1
    wait_for_file(cups_server.file_output)
    assert page_count(cups_server.file_output) == outcome.pages
    for page in (1, outcome.pages):
        printed, original = rasterize(cups_server.file_output, page), rasterize(pdf, page)
        assert printed.dark_fraction() > 0.001  # the last page holds only a few rows
        assert mean_difference(printed, original) < 12  # page images, not the vector page


def test_cups_path_from_the_worker(
    cups_server: CupsTestServer, file_queue: str, qtbot: QtBot
) -> None:
    pdf = commitment.build(commitment.example())
    job = PrintJob(pdf, file_queue, path=PrintPath.CUPS)
    with qtbot.wait_signal(job.sig_print_finished, timeout=PRINT_TIMEOUT_MS) as blocker:
        job.start()
    outcome = blocker.args[0]
    assert outcome.job_id and outcome.pages == 1
    assert cups.job_state(outcome.job_id)[0] == cups.JOB_COMPLETED
    assert "失业登记书面承诺书" in pdf_text(cups_server.file_output)


@pytest.mark.parametrize("path", [PrintPath.QT, PrintPath.CUPS])
def test_no_such_printer(cups_server: CupsTestServer, qtbot: QtBot, path: PrintPath) -> None:
    job = PrintJob(commitment.build(commitment.example()), "NoSuchPrinter", path=path)
    with qtbot.wait_signal(job.sig_print_failed, timeout=PRINT_TIMEOUT_MS) as blocker:
        job.start()
    assert blocker.args == ["未找到打印机：NoSuchPrinter"]


@pytest.mark.parametrize("command", ["cupsdisable", "cupsreject"])
@pytest.mark.parametrize("path", [PrintPath.QT, PrintPath.CUPS])
def test_printer_switched_off(
    cups_server: CupsTestServer, file_queue: str, qtbot: QtBot, path: PrintPath, command: str
) -> None:
    cups_server.admin(command, file_queue)
    finished: list[object] = []
    failed: list[str] = []
    start_print(
        commitment.build(commitment.example()),
        file_queue,
        finished.append,
        failed.append,
        path=path,
    )
    qtbot.wait_until(lambda: bool(failed or finished), timeout=PRINT_TIMEOUT_MS)
    assert failed[0].startswith(f"打印机未就绪或已关闭：{file_queue}")
    assert not finished  # never reported as printed
    assert not cups_server.file_output.exists()


def test_a_damaged_pdf_is_reported(
    cups_server: CupsTestServer, file_queue: str, qtbot: QtBot
) -> None:
    job = PrintJob(b"%PDF-1.4 truncated", file_queue, path=PrintPath.QT)
    with qtbot.wait_signal(job.sig_print_failed, timeout=PRINT_TIMEOUT_MS) as blocker:
        job.start()
    assert blocker.args[0].startswith("打印失败：PDF 无法读取")


def test_printing_refuses_the_ui_thread(qapp: object) -> None:
    with pytest.raises(RuntimeError, match="UI thread"):
        spool.print_pdf(b"%PDF", "DengjiFile")
