"""A 3.0 社保卡 through real pcscd + vpcd, as the client and the support tool see it: the card
number printed by `dengji card read`, passed by the ReaderMonitor as `sig_card_partial` and
joined to the 身份证 read next; the demo rig's 社保卡 half. (Here because the pcscd fixtures are.)
"""

from __future__ import annotations

import argparse
import io
import json
import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QObject, Signal, Slot
from pytestqt.qtbot import QtBot

from devices.card import CardData, CardKind
from devices.cli import EXIT_PARTIAL, add_card_subparser, card_read
from devices.emulators.demo_rig import DemoRig, find_virtual_pcd
from devices.emulators.idcard_reader import DemoCard, IdCardReaderEmulator
from devices.emulators.ssc_card import DEMO_HOLDERS, VpcdCardClient
from devices.monitor import ReaderMonitor
from devices.mps.serial_reader import MpsSerialReader
from devices.pcsc.errors import PartialCardError
from devices.pcsc.private_pcscd import PrivatePcscd
from devices.pcsc.reader import SocialSecurityCardReader

pytestmark = [pytest.mark.needs_pcscd, pytest.mark.timeout(60)]

WAIT_MS = 5000
InsertCard = Callable[..., VpcdCardClient]


def run_cli(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="dengji")
    add_card_subparser(parser.add_subparsers(dest="command"))
    out, err = io.StringIO(), io.StringIO()
    code = card_read(parser.parse_args(["card", *argv]), out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_the_number_of_a_3_0_card_and_exits_partial(
    running_pcscd: PrivatePcscd, insert_card: InsertCard
) -> None:
    insert_card("gen3")
    code, out, err = run_cli("read", "--pcsc", running_pcscd.reader_names[0], "--timeout", "3")
    assert code == EXIT_PARTIAL == 2
    lines = out.splitlines()
    assert "社会保障卡号：E62000032" in lines
    assert "发卡地区：620100" in lines and "卡规范版本：3.00" in lines
    assert err.strip() == "读卡不完整：第三代社保卡需读身份证以获取其余信息"


def test_cli_json_of_a_3_0_card(running_pcscd: PrivatePcscd, insert_card: InsertCard) -> None:
    insert_card("gen3")
    code, out, _err = run_cli("read", "--pcsc", running_pcscd.reader_names[0], "--json")
    assert code == EXIT_PARTIAL
    data = json.loads(out)
    assert data["partial"] is True
    assert (data["ss_card_number"], data["ss_card_issuer"], data["ss_card_version"]) == (
        "E62000032",
        "620100",
        "3.00",
    )


class Recorder(QObject):
    """Re-emits the monitor's signals on the GUI thread (blockers must not run on the reader
    thread)."""

    card_read = Signal(object)
    card_partial = Signal(object)

    def __init__(self, monitor: ReaderMonitor) -> None:
        super().__init__()
        self.cards: list[CardData] = []
        self.partials: list[PartialCardError] = []
        self.errors: list[str] = []
        self.removed = 0
        monitor.sig_card_read.connect(self._on_card_read)
        monitor.sig_card_partial.connect(self._on_card_partial)
        monitor.sig_reader_error.connect(self.errors.append)
        monitor.sig_card_removed.connect(self._on_card_removed)

    @Slot(object)
    def _on_card_read(self, card: CardData) -> None:
        self.cards.append(card)
        self.card_read.emit(card)

    @Slot(object)
    def _on_card_partial(self, partial: PartialCardError) -> None:
        assert threading.current_thread() is threading.main_thread()
        self.partials.append(partial)
        self.card_partial.emit(partial)

    @Slot()
    def _on_card_removed(self) -> None:
        self.removed += 1


@pytest.fixture
def both_readers(
    qtbot: QtBot, running_pcscd: PrivatePcscd, emulator: IdCardReaderEmulator
) -> Iterator[tuple[ReaderMonitor, Recorder]]:
    monitor = ReaderMonitor(
        [
            SocialSecurityCardReader(running_pcscd.reader_names[0]),
            MpsSerialReader(emulator.port, timeout_s=0.5, name="身份证"),
        ],
        poll_interval_s=0.05,
    )
    recorder = Recorder(monitor)
    monitor.start()
    yield monitor, recorder
    assert monitor.stop()


def test_a_3_0_card_waits_for_the_id_card_and_is_joined_to_it(
    qtbot: QtBot,
    both_readers: tuple[ReaderMonitor, Recorder],
    insert_card: InsertCard,
    emulator: IdCardReaderEmulator,
    cards: dict[str, DemoCard],
) -> None:
    _monitor, recorder = both_readers
    with qtbot.wait_signal(recorder.card_partial, timeout=WAIT_MS) as blocker:
        client = insert_card("gen3")
    partial = blocker.args[0]
    assert isinstance(partial, PartialCardError)
    assert partial.issuer.card_number == "E62000032"
    assert partial.message == "第三代社保卡需读身份证以获取其余信息"
    assert recorder.cards == [] and recorder.errors == []  # no half card, and not an error
    qtbot.wait(300)
    assert len(recorder.partials) == 1  # not read again while it stays in the slot
    client.remove()
    qtbot.waitUntil(lambda: recorder.removed == 1, timeout=WAIT_MS)
    with qtbot.wait_signal(recorder.card_read, timeout=WAIT_MS) as blocker:
        emulator.place_card(cards["resident"])
    card = blocker.args[0]
    assert (card.kind, card.name) == (CardKind.RESIDENT_ID, "马晓燕")
    assert (card.ss_card_number, card.ss_card_issuer, card.ss_card_version) == (
        "E62000032",
        "620100",
        "3.00",
    )
    # Used once: the next person's 身份证 does not get the number.
    qtbot.waitUntil(lambda: recorder.removed == 2, timeout=WAIT_MS)
    with qtbot.wait_signal(recorder.card_read, timeout=WAIT_MS) as blocker:
        emulator.place_card(cards["permit_j"])
    assert blocker.args[0].ss_card_number is None


def test_a_2_0_card_is_read_whole(
    qtbot: QtBot, both_readers: tuple[ReaderMonitor, Recorder], insert_card: InsertCard
) -> None:
    _monitor, recorder = both_readers
    with qtbot.wait_signal(recorder.card_read, timeout=WAIT_MS) as blocker:
        insert_card("gen2")
    card = blocker.args[0]
    assert (card.kind, card.name) == (CardKind.SOCIAL_SECURITY, DEMO_HOLDERS["gen2"].name)
    assert recorder.partials == []


def test_the_demo_rig_plays_its_social_security_cards_on_vpcd(
    running_pcscd: PrivatePcscd,
) -> None:
    rig = DemoRig(vpcd_port=running_pcscd.vpcd_port).start()
    try:
        assert rig.ss_available and rig.ss_unavailable_reason == ""
        assert rig.reader_configs()[1].driver == "pcsc"
        assert rig.ss_reader_name == running_pcscd.reader_names[0]
        reader = SocialSecurityCardReader(rig.ss_reader_name)
        reader.open()
        try:
            assert not reader.card_present()
            rig.insert_ss_card("gen2")
            assert reader.wait_for_card(5.0)
            card = reader.read_card()
            assert card is not None and card.name == "张三"
            rig.remove_ss_card()
            deadline_polls = 100
            while reader.card_present() and deadline_polls:
                deadline_polls -= 1
                threading.Event().wait(0.05)
            assert not reader.card_present()
        finally:
            reader.close()
    finally:
        rig.stop()


def test_without_pcscd_the_demo_says_why(running_pcscd: PrivatePcscd) -> None:
    running_pcscd.stop()
    try:
        name, reason = find_virtual_pcd()
        assert name is None
        assert reason == "社保卡读卡器未连接（智能卡服务 pcscd 未运行）"
    finally:
        assert running_pcscd.wait_until_port_closed()
        running_pcscd.start()
