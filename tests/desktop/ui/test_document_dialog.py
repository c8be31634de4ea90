"""The document dialog: preview built off the GUI thread, printer chooser, 另存为PDF, and clear
messages when a document cannot be made. (Printing itself, through a real CUPS queue, is in
tests/printing/test_document_dialog_cups.py, next to the CUPS fixture.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox

from desktop.config import Config
from desktop.services.reference_lists import seed_reference_lists
from desktop.store.db import Store
from desktop.ui import document_dialog
from desktop.ui.document_dialog import DocumentDialog, counter_actor
from tests.desktop.services.records import Recorded, apply

WAIT_MS = 20_000
CONFIG = Config()


@pytest.fixture(autouse=True)
def no_print_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CUPS server address where nothing listens: the counter has no printer at all."""
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))


@pytest.fixture
def store(empty_store: Store, signed_in_clerk: object) -> Store:
    with empty_store.session() as session:
        seed_reference_lists(session)
    return empty_store


@pytest.fixture
def registered(store: Store) -> Recorded:
    return apply(store, counter_actor(CONFIG))


def open_dialog(qtbot, store: Store, name: str, **subject: str) -> DocumentDialog:
    dialog = DocumentDialog(store, CONFIG, counter_actor(CONFIG), name, **subject)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def commitment_dialog(qtbot, store: Store, registered: Recorded) -> Iterator[DocumentDialog]:
    dialog = DocumentDialog(
        store, CONFIG, counter_actor(CONFIG), "commitment", person_id=registered.person_id
    )
    qtbot.addWidget(dialog)
    with (
        qtbot.waitSignal(dialog.sig_document_shown, timeout=WAIT_MS),
        qtbot.waitSignal(dialog.sig_printers_listed, timeout=WAIT_MS),
    ):
        dialog.show()
    yield dialog


def test_the_commitment_letter_is_previewed(
    commitment_dialog: DocumentDialog, registered: Recorded
) -> None:
    rendered = commitment_dialog.rendered()
    assert rendered is not None and rendered.name == "commitment"
    assert rendered.registration_id == registered.registration_id
    assert commitment_dialog.preview().page_count() == 1
    assert commitment_dialog.preview().page_label_text() == "第 1 页 / 共 1 页"
    assert commitment_dialog.message() == ""
    assert commitment_dialog.windowTitle() == "打印预览 — 书面承诺书"


def test_without_a_printer_printing_is_off_and_saving_is_offered(
    commitment_dialog: DocumentDialog,
) -> None:
    chooser = commitment_dialog.findChild(QComboBox, "printerChooser")
    assert chooser is not None
    assert chooser.currentText() == "未找到打印机（可另存为PDF）"
    assert commitment_dialog.printer_names() == []
    assert commitment_dialog.selected_printer() is None
    assert not commitment_dialog.can_print()
    commitment_dialog.print_document()  # does nothing rather than fail
    assert commitment_dialog.message() == ""


def test_save_as_pdf_writes_the_document(
    qtbot, commitment_dialog: DocumentDialog, tmp_path: Path
) -> None:
    target = tmp_path / "承诺书.pdf"
    with qtbot.waitSignal(commitment_dialog.sig_pdf_saved, timeout=WAIT_MS) as blocker:
        commitment_dialog.save_pdf_to(target)
    assert blocker.args == [str(target)]
    rendered = commitment_dialog.rendered()
    assert rendered is not None and target.read_bytes() == rendered.pdf
    assert commitment_dialog.message() == f"已保存：{target}"


def test_a_failed_save_says_why(qtbot, commitment_dialog: DocumentDialog, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "承诺书.pdf"
    commitment_dialog.save_pdf_to(target)
    qtbot.waitUntil(
        lambda: commitment_dialog.message().startswith("无法保存 PDF："), timeout=WAIT_MS
    )
    assert not target.exists()


def test_the_pdf_is_built_off_the_gui_thread(
    qtbot, store: Store, registered: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    real_build = document_dialog.build_pdf

    def watched_build(prepared):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real_build(prepared)

    monkeypatch.setattr(document_dialog, "build_pdf", watched_build)
    dialog = open_dialog(qtbot, store, "registration-form", person_id=registered.person_id)
    with qtbot.waitSignal(dialog.sig_document_shown, timeout=WAIT_MS):
        pass
    assert threads and threads[0] != threading.main_thread().name


def test_a_notice_the_rules_exempt_is_refused_with_the_reason(
    qtbot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    deceased = apply(
        store, counter_actor(CONFIG), steps=("verify", "register", "deregister"), reason="36"
    )
    dialog = DocumentDialog(
        store,
        CONFIG,
        counter_actor(CONFIG),
        "deregistration-notice",
        registration_id=deceased.registration_id,
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_document_failed, timeout=WAIT_MS) as blocker:
        dialog.show()
    assert blocker.args[0] == (
        "无法生成文书：“死亡的”情形按通知第五条无需告知本人，不打印注销告知书"
    )
    assert dialog.message() == blocker.args[0]
    assert dialog.rendered() is None and not dialog.can_print()


def test_a_document_for_someone_without_registration_is_refused(
    qtbot, store: Store, registered: Recorded
) -> None:
    dialog = DocumentDialog(
        store,
        CONFIG,
        counter_actor(CONFIG),
        "deregistration-notice",
        person_id=registered.person_id,
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_document_failed, timeout=WAIT_MS) as blocker:
        dialog.show()
    assert "尚未注销，不能打印注销告知书" in blocker.args[0]


def test_the_clerk_is_the_system_account_until_sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "Li Ming")
    actor = counter_actor(Config(counter_id="620102-01"))
    assert (actor.clerk_id, actor.counter_id) == ("Li_Ming", "620102-01")

    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr("getpass.getuser", no_login)
    assert counter_actor(CONFIG).clerk_id == "clerk"
