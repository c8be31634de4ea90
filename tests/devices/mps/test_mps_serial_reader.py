"""Tests of devices.mps.serial_reader over a real pty and over a loopback socket (pyserial's
socket:// URL, the demo reader on Windows): good reads and every emulator fault, on both."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.card import CardData
from devices.emulators import idcard_reader
from devices.emulators.idcard_reader import DemoCard, Fault, IdCardReaderEmulator
from devices.emulators.lines import TCP, TRANSPORTS
from devices.errors import (
    CardDataError,
    CardReadError,
    CardRemovedError,
    FrameError,
    ReaderNotConnectedError,
    ReaderTimeoutError,
    SamError,
)
from devices.mps import commands
from devices.mps.serial_reader import MpsSerialReader, is_port_url
from devices.mps.text import parse_text_block


@pytest.fixture(params=TRANSPORTS)
def emulator(
    request: pytest.FixtureRequest, start_emulator: Callable[[str], IdCardReaderEmulator]
) -> IdCardReaderEmulator:
    """Every test here runs on the pty and on the socket: the driver must behave the same."""
    return start_emulator(request.param)


def _expected(card: DemoCard, reader: MpsSerialReader) -> CardData:
    return parse_text_block(card.text, photo_wlt=card.photo_wlt, reader_name=reader.name)


def test_no_card_reads_as_none(reader: MpsSerialReader) -> None:
    assert reader.read_card() is None
    assert reader.card_present() is False


@pytest.mark.parametrize("label", ["resident", "resident_long_term", "permit_j", "foreign_i",
                                   "foreign_y"])  # fmt: skip
def test_each_demo_card_is_read_completely(
    emulator: IdCardReaderEmulator,
    reader: MpsSerialReader,
    cards: dict[str, DemoCard],
    label: str,
) -> None:
    emulator.place_card(cards[label])
    assert reader.read_card() == _expected(cards[label], reader)


def test_read_is_find_select_read_in_that_order(
    emulator: IdCardReaderEmulator, reader: MpsSerialReader, cards: dict[str, DemoCard]
) -> None:
    emulator.place_card(cards["resident"])
    reader.read_card()
    assert [(c.cmd, c.para) for c in emulator.commands] == [(0x20, 0x01), (0x20, 0x02),
                                                            (0x30, 0x01)]  # fmt: skip
    # 3 commands of 10 bytes; replies of 15 (find), 19 (select) and 1295 (read) bytes.
    assert reader.bytes_sent == 30
    assert reader.bytes_received == 15 + 19 + commands.READ_BASE_REPLY_LEN


def test_after_a_read_find_fails_until_the_card_is_placed_again(
    emulator: IdCardReaderEmulator, reader: MpsSerialReader, cards: dict[str, DemoCard]
) -> None:
    emulator.place_card(cards["resident"])
    assert reader.read_card() is not None
    assert reader.card_present() is False  # devices.md §1.6 protection design
    assert reader.read_card() is None
    emulator.place_card(cards["permit_j"])
    card = reader.read_card()
    assert card is not None and card.name == "陈嘉欣"


def test_sam_status_and_id(reader: MpsSerialReader) -> None:
    assert reader.sam_status().sw3 == 0x90
    assert len(reader.read_sam_id()) == 16


@pytest.mark.parametrize(
    ("fault", "error_type", "text"),
    [
        (Fault.CARD_PULLED_MID_READ, CardRemovedError, "请重新放置卡片"),
        (Fault.CORRUPTED_FRAME, FrameError, "读卡数据校验错误，请重新放置卡片"),
        (Fault.TRUNCATED_FRAME, FrameError, "读卡数据校验错误，请重新放置卡片"),
        (Fault.WRONG_CHECKSUM, FrameError, "读卡数据校验错误，请重新放置卡片"),
        (Fault.WRONG_LENGTH, FrameError, "读卡数据校验错误，请重新放置卡片"),
        (Fault.SAM_ERROR, SamError, "SAM 自检失败"),
        (Fault.UNKNOWN_STATUS, SamError, "未知状态码 0x55"),
        (Fault.NO_ANSWER, ReaderTimeoutError, "无应答"),
        (Fault.INVALID_UTF16, CardDataError, "姓名文字编码无效"),
        (Fault.IMPOSSIBLE_DATE, CardDataError, "出生日期“20250230”不是有效日期"),
        (Fault.WRONG_CHECK_DIGIT, CardDataError, "公民身份号码“622901198805161520”校验位错误"),
    ],
)
def test_each_fault_gives_its_error_and_the_next_card_reads(
    emulator: IdCardReaderEmulator,
    reader: MpsSerialReader,
    cards: dict[str, DemoCard],
    fault: Fault,
    error_type: type[CardReadError],
    text: str,
) -> None:
    emulator.inject_fault(fault)
    emulator.place_card(cards["resident"])
    with pytest.raises(error_type) as caught:
        reader.read_card()
    assert text in caught.value.message
    emulator.remove_card()
    emulator.place_card(cards["resident"])
    assert reader.read_card() == _expected(cards["resident"], reader)


@pytest.mark.parametrize("at", [commands.FIND_CARD, commands.SELECT_CARD])
def test_faults_at_find_and_select(
    emulator: IdCardReaderEmulator,
    reader: MpsSerialReader,
    cards: dict[str, DemoCard],
    at: bytes,
) -> None:
    emulator.place_card(cards["resident"])
    emulator.inject_fault(Fault.SAM_ERROR, at=at)
    with pytest.raises(SamError):
        reader.read_card()
    emulator.inject_fault(Fault.NO_ANSWER, at=at)
    with pytest.raises(ReaderTimeoutError):
        reader.read_card()
    assert reader.read_card() is not None


def test_data_faults_on_permits_name_their_own_fields(
    emulator: IdCardReaderEmulator, reader: MpsSerialReader, cards: dict[str, DemoCard]
) -> None:
    emulator.place_card(cards["foreign_i"])
    emulator.inject_fault(Fault.IMPOSSIBLE_DATE)
    with pytest.raises(CardDataError, match="出生日期"):
        reader.read_card()
    emulator.place_card(cards["foreign_i"])
    emulator.inject_fault(Fault.WRONG_CHECK_DIGIT)
    with pytest.raises(CardDataError, match="永久居留证号码"):
        reader.read_card()


def test_unplugged_reader_is_not_connected_and_reopening_works(
    emulator: IdCardReaderEmulator, reader: MpsSerialReader, cards: dict[str, DemoCard]
) -> None:
    emulator.stop()
    with pytest.raises(ReaderNotConnectedError, match="身份证阅读器未连接"):
        reader.read_card()
    reader.close()
    with pytest.raises(ReaderNotConnectedError):
        reader.open()
    emulator.start()
    emulator.place_card(cards["resident"])
    reader.open()
    assert reader.read_card() is not None


def test_missing_port_is_not_connected(tmp_path: Path) -> None:
    reader = MpsSerialReader(str(tmp_path / "ttyNONE"))
    with pytest.raises(ReaderNotConnectedError, match="身份证阅读器未连接"):
        reader.open()
    assert not reader.is_open


def test_reader_refuses_io_from_another_thread(reader: MpsSerialReader) -> None:
    outcome: list[BaseException] = []

    def use_from_other_thread() -> None:
        try:
            reader.card_present()
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=use_from_other_thread)
    thread.start()
    thread.join(5)
    assert len(outcome) == 1 and isinstance(outcome[0], AssertionError)


def test_is_usable_with_pyserial_installed() -> None:
    assert MpsSerialReader.is_usable() == (True, "")


def test_a_reader_unplugged_mid_reply_is_not_connected(
    emulator: IdCardReaderEmulator, cards: dict[str, DemoCard]
) -> None:
    emulator.baudrate = 9600  # the read reply takes 1.35 s: room to pull the plug inside it
    reader = MpsSerialReader(emulator.port, timeout_s=3.0)
    reader.open()
    try:
        emulator.place_card(cards["resident"])
        reader.transact(commands.FIND_CARD)
        reader.transact(commands.SELECT_CARD)
        sent_before = emulator.bytes_sent
        unplug = threading.Timer(0.3, emulator.stop)
        unplug.start()
        started = time.monotonic()
        with pytest.raises(ReaderNotConnectedError, match="身份证阅读器未连接"):
            reader.transact(commands.READ_BASE)
        unplug.join()
        assert time.monotonic() - started < 2.0  # noticed at once, not at the read timeout
        # The plug came out inside the frame: part of it was on the line.
        assert 7 < emulator.bytes_sent - sent_before < commands.READ_BASE_REPLY_LEN
    finally:
        reader.close()


@pytest.mark.parametrize("chunk_bytes", [1, 3])
def test_a_reply_arriving_in_small_pieces_is_put_together(
    emulator: IdCardReaderEmulator,
    reader: MpsSerialReader,
    cards: dict[str, DemoCard],
    monkeypatch: pytest.MonkeyPatch,
    chunk_bytes: int,
) -> None:
    # Pieces that split the preamble and the length field (a USB-serial chip or TCP may).
    monkeypatch.setattr(idcard_reader, "CHUNK_BYTES", chunk_bytes)
    emulator.place_card(cards["foreign_y"])
    assert reader.read_card() == _expected(cards["foreign_y"], reader)


def test_nothing_listening_on_the_socket_is_not_connected(
    start_emulator: Callable[[str], IdCardReaderEmulator],
) -> None:
    emulator = start_emulator(TCP)
    url = emulator.port
    emulator.stop()  # the port is free again: nothing listens there
    reader = MpsSerialReader(url, timeout_s=0.5)
    with pytest.raises(ReaderNotConnectedError) as caught:
        reader.open()
    assert caught.value.message == "身份证阅读器未连接"
    assert url in caught.value.detail
    assert not reader.is_open


@pytest.mark.parametrize("port", ["nosuch://127.0.0.1:1", "socket://127.0.0.1:99999"])
def test_a_bad_port_url_is_not_connected(port: str) -> None:
    reader = MpsSerialReader(port, timeout_s=0.5)
    with pytest.raises(ReaderNotConnectedError, match="身份证阅读器未连接"):
        reader.open()
    assert not reader.is_open


@pytest.mark.parametrize(
    ("port", "is_url"),
    [
        ("socket://127.0.0.1:5000", True),
        ("rfc2217://10.0.0.5:4000", True),
        ("COM3", False),
        ("/dev/ttyUSB0", False),
        (r"\\.\COM12", False),
    ],
)
def test_is_port_url(port: str, is_url: bool) -> None:
    assert is_port_url(port) is is_url
