"""Tests of devices.emulators.lines: the pty and loopback-socket lines an emulated reader uses."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.emulators.lines import (
    PTY,
    TCP,
    LineClosed,
    PtyLine,
    TcpLine,
    default_transport,
    make_line,
    pty_available,
)
from devices.errors import DriverUnavailableError


@pytest.fixture
def tcp_line() -> Iterator[TcpLine]:
    line = TcpLine()
    line.open()
    yield line
    line.close()


def _connect(line: TcpLine) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", line.tcp_port), timeout=2)
    # The emulator's serving loop accepts while it waits for bytes.
    assert line.wait_readable(1.0) is False
    return client


def _read_some(line: TcpLine, timeout_s: float = 2.0) -> bytes:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if line.wait_readable(0.05):
            return line.read(64)
    raise AssertionError("nothing arrived")


def test_the_pty_is_chosen_where_there_is_one() -> None:
    assert pty_available() and default_transport() == PTY


def test_the_socket_is_chosen_without_openpty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "openpty")
    assert not pty_available() and default_transport() == TCP


def test_the_socket_is_chosen_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert default_transport() == TCP


def test_an_unknown_transport_is_refused_in_chinese() -> None:
    with pytest.raises(DriverUnavailableError) as caught:
        make_line("usb")
    assert caught.value.message == "读卡驱动不可用：未知的演示阅读器连接方式“usb”（可用：pty、tcp）"


def test_a_socket_line_has_no_link_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        make_line(TCP, link_path=tmp_path / "ttyX")
    assert isinstance(make_line(PTY, link_path=tmp_path / "ttyX"), PtyLine)


def test_the_socket_listens_on_loopback_at_a_free_port(tcp_line: TcpLine) -> None:
    assert tcp_line.tcp_port > 0
    assert tcp_line.port == f"socket://127.0.0.1:{tcp_line.tcp_port}"
    assert tcp_line._listener is not None
    assert tcp_line._listener.getsockname() == ("127.0.0.1", tcp_line.tcp_port)


def test_bytes_cross_the_socket_both_ways(tcp_line: TcpLine) -> None:
    client = _connect(tcp_line)
    with client:
        client.sendall(b"\xaa\xaa\xaa\x96\x69")
        assert _read_some(tcp_line) == b"\xaa\xaa\xaa\x96\x69"
        assert tcp_line.write(b"\x00\x03") == 2
        assert client.recv(16) == b"\x00\x03"
        assert tcp_line._connection is not None
        assert tcp_line._connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_bytes_written_with_no_driver_connected_are_lost(tcp_line: TcpLine) -> None:
    assert tcp_line.write(b"\x90") == 0
    assert tcp_line.wait_readable(0.05) is False


def test_the_driver_closing_its_port_ends_the_frame(tcp_line: TcpLine) -> None:
    client = _connect(tcp_line)
    client.close()
    assert tcp_line.wait_readable(1.0)
    with pytest.raises(LineClosed):
        tcp_line.read(7)
    assert tcp_line.write(b"\x90") == 0  # nobody there any more
    # The next driver to open the port is served.
    with _connect(tcp_line) as again:
        again.sendall(b"\x20")
        assert _read_some(tcp_line) == b"\x20"


def test_the_newest_connection_replaces_the_old_one(tcp_line: TcpLine) -> None:
    old = _connect(tcp_line)
    new = socket.create_connection(("127.0.0.1", tcp_line.tcp_port), timeout=2)
    with old, new:
        with pytest.raises(LineClosed):  # a frame of the old connection would be void
            tcp_line.wait_readable(1.0)
        with pytest.raises(ConnectionResetError):  # the old end is cut, as an unplugged cable
            old.recv(1)
        new.sendall(b"\x01")
        assert _read_some(tcp_line) == b"\x01"


def test_close_resets_the_driver_and_reopen_takes_the_same_port(tcp_line: TcpLine) -> None:
    client = _connect(tcp_line)
    port = tcp_line.tcp_port
    tcp_line.close()
    with client, pytest.raises(ConnectionResetError):
        client.recv(1)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
    tcp_line.open()
    assert tcp_line.tcp_port == port
    with _connect(tcp_line) as again:
        again.sendall(b"\x02")
        assert _read_some(tcp_line) == b"\x02"


def test_a_port_taken_by_another_program_is_said_in_chinese() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        line = TcpLine(other.getsockname()[1])
        with pytest.raises(DriverUnavailableError, match=r"无法在本机端口 \d+ 上监听"):
            line.open()
        assert line._listener is None  # nothing half-open is left behind


def test_the_pty_line_writes_and_reads(tmp_path: Path) -> None:
    line = PtyLine(tmp_path / "ttyLINE")
    line.open()
    try:
        assert Path(line.port).resolve().exists()
        fd = os.open(line.port, os.O_RDWR | os.O_NOCTTY)
        try:
            os.write(fd, b"\xaa\x96")
            assert line.wait_readable(1.0) and line.read(8) == b"\xaa\x96"
            assert line.write(b"\x69") == 1
            assert os.read(fd, 8) == b"\x69"
        finally:
            os.close(fd)
    finally:
        line.close()
    assert not (tmp_path / "ttyLINE").exists()
