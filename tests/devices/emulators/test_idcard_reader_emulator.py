"""Tests of the emulated MPS reader: pty in raw mode, the loopback socket, pacing, protocol
answers, re-plugging."""

from __future__ import annotations

import os
import socket
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.emulators.idcard_reader import (
    DemoCard,
    IdCardReaderEmulator,
    demo_cards,
    running_emulator,
)
from devices.emulators.lines import PTY, TCP, TRANSPORTS
from devices.errors import DriverUnavailableError
from devices.mps import commands, status
from devices.mps.frame import encode_command, encode_response
from devices.mps.serial_reader import MpsSerialReader, wire_seconds


def test_demo_cards_cover_every_document_type() -> None:
    cards = demo_cards()
    assert {"resident", "permit_j", "foreign_i", "foreign_y"} <= set(cards)
    assert all(len(c.text) == 256 and len(c.photo_wlt) == 1024 for c in cards.values())
    assert "甘肃省".encode("utf-16-le") in cards["resident"].text


def test_both_pty_ends_are_raw(emulator: IdCardReaderEmulator) -> None:
    fd = os.open(emulator.port, os.O_RDWR | os.O_NOCTTY)
    try:
        lflag = termios.tcgetattr(fd)[3]
        assert not lflag & (termios.ICANON | termios.ECHO | termios.ISIG)
    finally:
        os.close(fd)


def test_read_reply_takes_at_least_its_wire_time(
    emulator: IdCardReaderEmulator, reader: MpsSerialReader, cards: dict[str, DemoCard]
) -> None:
    emulator.place_card(cards["resident"])
    reader.transact(commands.FIND_CARD)
    reader.transact(commands.SELECT_CARD)
    started = time.perf_counter()
    reply = reader.transact(commands.READ_BASE)
    elapsed = time.perf_counter() - started
    assert reply.sw3 == 0x90
    assert elapsed >= wire_seconds(10 + commands.READ_BASE_REPLY_LEN)


def test_unknown_command_and_bad_host_frame_get_sam_statuses(reader: MpsSerialReader) -> None:
    assert reader.transact(encode_command(0x77, 0x01)).sw3 == 0x21
    assert reader.transact(commands.READ_NEW_ADDRESS).sw3 == 0x91
    bad = bytearray(commands.FIND_CARD)
    bad[-1] ^= 0xFF
    assert reader.transact(bytes(bad)).sw3 == 0x10


def test_select_or_read_without_find_fail(
    emulator: IdCardReaderEmulator, reader: MpsSerialReader, cards: dict[str, DemoCard]
) -> None:
    emulator.place_card(cards["resident"])
    assert reader.transact(commands.SELECT_CARD).sw3 == 0x81
    assert reader.transact(commands.READ_BASE).sw3 == 0x41


def test_without_protection_the_card_stays_findable(tmp_path: Path) -> None:
    with running_emulator(protect_after_read=False) as emulator:
        reader = MpsSerialReader(emulator.port, timeout_s=0.5)
        reader.open()
        try:
            emulator.place_card(demo_cards()["permit_j"])
            assert reader.read_card() is not None
            assert reader.card_present() is True
        finally:
            reader.close()


def test_link_path_follows_restarts(tmp_path: Path) -> None:
    emulator = IdCardReaderEmulator(link_path=tmp_path / "ttyID")
    emulator.start()
    assert Path(emulator.port).resolve().exists()
    emulator.stop()
    assert not (tmp_path / "ttyID").exists()
    emulator.start()
    try:
        reader = MpsSerialReader(emulator.port, timeout_s=0.5)
        reader.open()
        assert reader.sam_status().sw3 == 0x90
        reader.close()
    finally:
        emulator.stop()


def test_baud_rate_command_slows_the_emulator(
    emulator: IdCardReaderEmulator, reader: MpsSerialReader
) -> None:
    assert reader.transact(encode_command(0x60, 0x04)).sw3 == 0x90
    assert emulator.baudrate == 9600


def test_on_windows_the_emulator_says_it_needs_a_pseudo_terminal(monkeypatch) -> None:
    import sys

    monkeypatch.setattr(sys, "platform", "win32")
    emulator = IdCardReaderEmulator()
    try:
        emulator.start()
    except DriverUnavailableError as error:
        assert "伪终端" in error.message and error.message.startswith("读卡驱动不可用")
    else:  # pragma: no cover - the assertion below reports it
        emulator.stop()
        raise AssertionError("the emulator started without a pseudo-terminal")
    assert not emulator.running


def _exchange_raw(transport: str, port: str, command: bytes, reply_len: int) -> bytes:
    """Send `command` as a driver's bytes and return the first `reply_len` bytes back."""
    reply = b""
    deadline = time.monotonic() + 2
    if transport == PTY:
        fd = os.open(port, os.O_RDWR | os.O_NOCTTY)
        try:
            os.write(fd, command)
            while len(reply) < reply_len and time.monotonic() < deadline:
                reply += os.read(fd, reply_len - len(reply))
        finally:
            os.close(fd)
        return reply
    host_port = port.removeprefix("socket://").rsplit(":", 1)
    with socket.create_connection((host_port[0], int(host_port[1])), timeout=2) as client:
        client.sendall(command)
        while len(reply) < reply_len and time.monotonic() < deadline:
            reply += client.recv(reply_len - len(reply))
    return reply


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_both_lines_carry_the_same_bytes(
    start_emulator: Callable[[str], IdCardReaderEmulator], transport: str
) -> None:
    emulator = start_emulator(transport)
    expected = encode_response(status.NO_CARD)
    assert expected == bytes.fromhex("AAAAAA9669 0004 000080 84")  # §1.5: no card
    assert _exchange_raw(transport, emulator.port, commands.FIND_CARD, len(expected)) == expected
    assert [(c.cmd, c.para) for c in emulator.commands] == [(0x20, 0x01)]


def test_the_socket_emulator_paces_the_read_reply_too(
    start_emulator: Callable[[str], IdCardReaderEmulator], cards: dict[str, DemoCard]
) -> None:
    emulator = start_emulator(TCP)
    reader = MpsSerialReader(emulator.port, timeout_s=0.5)
    reader.open()
    try:
        emulator.place_card(cards["resident"])
        reader.transact(commands.FIND_CARD)
        reader.transact(commands.SELECT_CARD)
        started = time.perf_counter()
        assert reader.transact(commands.READ_BASE).sw3 == 0x90
        assert time.perf_counter() - started >= wire_seconds(10 + commands.READ_BASE_REPLY_LEN)
    finally:
        reader.close()


def test_the_socket_emulator_keeps_its_url_when_plugged_back(
    start_emulator: Callable[[str], IdCardReaderEmulator],
) -> None:
    emulator = start_emulator(TCP)
    url = emulator.port
    assert url.startswith("socket://127.0.0.1:") and not url.endswith(":0")
    emulator.stop()
    assert emulator.port == url and not emulator.running
    emulator.start()
    assert emulator.port == url
    reader = MpsSerialReader(url, timeout_s=0.5)
    reader.open()
    try:
        assert reader.sam_status().sw3 == 0x90
    finally:
        reader.close()


def test_a_socket_emulator_has_no_port_before_it_listens() -> None:
    assert IdCardReaderEmulator(transport=TCP).port == ""
    with pytest.raises(ValueError):
        IdCardReaderEmulator(transport=TCP, link_path="/tmp/ttyX")


def test_an_unknown_transport_fails_at_start_in_chinese() -> None:
    emulator = IdCardReaderEmulator(transport="bluetooth")  # constructing never fails
    with pytest.raises(DriverUnavailableError, match="未知的演示阅读器连接方式“bluetooth”"):
        emulator.start()
    assert not emulator.running
