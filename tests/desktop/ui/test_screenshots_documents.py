"""The 清单 page and the document dialog (a commitment letter) at 1366×768;
DENGJI_UPDATE_SCREENSHOTS=1 saves them to docs/screenshots/ (lists.png, document-dialog.png)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.config import Config
from desktop.store.db import Store
from desktop.ui.document_dialog import DocumentDialog, counter_actor
from tests.desktop.ui.demo_people import record_demo_people
from tests.desktop.ui.test_screenshots import (
    SIZE,
    counter_look,  # noqa: F401 -- a fixture used by the tests below
    distinct_colours,
    open_window,
    save,
)

WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def no_print_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))


def test_lists_screenshot(qtbot, counter_look: None, empty_store: Store, tmp_path: Path) -> None:  # noqa: F811
    window = open_window(qtbot, empty_store)
    page = window.lists_page()
    with qtbot.waitSignal(page.sig_lists_loaded, timeout=WAIT_MS):
        page.reload()
    window.show_page("lists")
    page.tab("policy").view().selectRow(0)
    qtbot.wait(150)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == SIZE
    assert distinct_colours(image) > 20
    save(image, "lists.png", tmp_path)


def test_document_dialog_screenshot(
    qtbot,
    counter_look: None,  # noqa: F811
    empty_store: Store,
    tmp_path: Path,
    signed_in_clerk: object,
) -> None:
    person_ids = record_demo_people(empty_store)
    dialog = DocumentDialog(
        empty_store,
        Config(),
        counter_actor(Config()),
        "commitment",
        person_id=person_ids["马建国"],
    )
    qtbot.addWidget(dialog)
    dialog.resize(*SIZE)
    with (
        qtbot.waitSignal(dialog.sig_document_shown, timeout=WAIT_MS),
        qtbot.waitSignal(dialog.sig_printers_listed, timeout=WAIT_MS),
    ):
        dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(300)  # QPdfView renders its pages asynchronously
    image = dialog.grab().toImage()
    assert (image.width(), image.height()) == SIZE
    assert distinct_colours(image) > 20
    save(image, "document-dialog.png", tmp_path)
