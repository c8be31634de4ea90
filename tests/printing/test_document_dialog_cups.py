"""One print driven from the client, through a real CUPS queue: the document dialog prints a
commitment letter and the journal records it; a printer that is broken or switched off shows
the clerk a message and records nothing. (Here, next to the CUPS fixture it needs.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.config import Config
from desktop.services.reference_lists import seed_reference_lists
from desktop.store.db import Store, open_store
from desktop.store.models import Event, Registration
from desktop.ui.background import wait_for_background_work
from desktop.ui.document_dialog import DocumentDialog, counter_actor
from tests.desktop.services.records import Recorded, apply
from tests.desktop.ui.clerks import signed_in
from tests.printing.conftest import BROKEN_QUEUE, FILE_QUEUE, CupsTestServer
from tests.printing.pdf_tools import pdf_text
from tests.printing.test_spool import wait_for_file

pytestmark = pytest.mark.needs_cups
PRINT_TIMEOUT_MS = 90_000
CONFIG = Config()


@pytest.fixture
def store(tmp_path: Path, qapp) -> Iterator[Store]:
    opened = open_store(tmp_path / "counter.sqlite3", node_id="printcounter")
    with opened.session() as session:
        seed_reference_lists(session)
    with signed_in():  # a clerk who may print (issue 8)
        yield opened
    assert wait_for_background_work(30_000)
    opened.close()


@pytest.fixture
def registered(store: Store) -> Recorded:
    return apply(store, counter_actor(CONFIG), steps=())


def commitment_dialog(qtbot: QtBot, store: Store, registered: Recorded) -> DocumentDialog:
    dialog = DocumentDialog(
        store, CONFIG, counter_actor(CONFIG), "commitment", person_id=registered.person_id
    )
    qtbot.addWidget(dialog)
    with (
        qtbot.waitSignal(dialog.sig_document_shown, timeout=PRINT_TIMEOUT_MS),
        qtbot.waitSignal(dialog.sig_printers_listed, timeout=PRINT_TIMEOUT_MS),
    ):
        dialog.show()
    return dialog


def print_events(store: Store, registration_id: str) -> list[Event]:
    with store.session(write=False) as session:
        return list(
            session.scalars(
                select(Event)
                .where(
                    Event.entity_id == registration_id,
                    Event.kind.in_(("document.printed", "commitment.printed")),
                )
                .order_by(Event.seq)
            )
        )


def test_a_commitment_printed_from_the_dialog_is_recorded(
    qtbot: QtBot,
    cups_server: CupsTestServer,
    file_queue: str,
    store: Store,
    registered: Recorded,
) -> None:
    dialog = commitment_dialog(qtbot, store, registered)
    assert {FILE_QUEUE, BROKEN_QUEUE} <= set(dialog.printer_names())
    dialog.select_printer(file_queue)
    assert dialog.can_print()
    with qtbot.waitSignal(dialog.sig_print_recorded, timeout=PRINT_TIMEOUT_MS) as recorded:
        dialog.print_document()
        assert not dialog.close()  # not until the print is done and recorded
        assert dialog.isVisible() and dialog.message().startswith("正在打印")
    assert recorded.args == [file_queue]
    assert dialog.message() == f"已在 {file_queue} 打印，并已记录。"
    wait_for_file(cups_server.file_output)
    printed = pdf_text(cups_server.file_output)
    assert "失业登记书面承诺书" in printed and registered.number in printed
    document, commitment = print_events(store, registered.registration_id)
    assert (document.kind, commitment.kind) == ("document.printed", "commitment.printed")
    assert document.payload["document"] == "commitment"
    assert document.payload["printer"] == file_queue
    assert document.payload["template_version"] == "1"
    with store.session(write=False) as session:
        registration = session.get(Registration, registered.registration_id)
        assert registration is not None and registration.commitment_printed


def test_a_broken_printer_shows_why_and_nothing_is_recorded(
    qtbot: QtBot, cups_server: CupsTestServer, store: Store, registered: Recorded
) -> None:
    dialog = commitment_dialog(qtbot, store, registered)
    dialog.select_printer(BROKEN_QUEUE)
    with qtbot.waitSignal(dialog.sig_print_failed, timeout=PRINT_TIMEOUT_MS) as failed:
        dialog.print_document()
    assert failed.args[0].startswith("未能打印，未计为已打印：")
    assert dialog.message() == failed.args[0]
    assert dialog.can_print()  # the clerk may choose another printer and try again
    assert print_events(store, registered.registration_id) == []


def test_a_printer_switched_off_shows_why_and_nothing_is_recorded(
    qtbot: QtBot,
    cups_server: CupsTestServer,
    file_queue: str,
    store: Store,
    registered: Recorded,
) -> None:
    dialog = commitment_dialog(qtbot, store, registered)
    dialog.select_printer(file_queue)
    cups_server.admin("cupsdisable", file_queue)
    with qtbot.waitSignal(dialog.sig_print_failed, timeout=PRINT_TIMEOUT_MS) as failed:
        dialog.print_document()
    assert failed.args[0].startswith(f"未能打印，未计为已打印：打印机未就绪或已关闭：{file_queue}")
    assert not cups_server.file_output.exists()
    assert print_events(store, registered.registration_id) == []
