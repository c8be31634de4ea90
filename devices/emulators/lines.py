"""The byte lines an emulated reader serves on: a POSIX pseudo-terminal, or a loopback TCP socket.

A driver opens the far end as it opens a real reader: the pty's slave path through
`serial.Serial`, the socket through pyserial's `socket://127.0.0.1:PORT` URL handler. Both carry
the same bytes; the emulator above them (devices.emulators.idcard_reader) does the framing.
"""

from __future__ import annotations

import abc
import contextlib
import errno
import os
import select
import socket
import struct
import sys
from pathlib import Path
from typing import Final

from devices.errors import DriverUnavailableError

PTY: Final = "pty"
TCP: Final = "tcp"
TRANSPORTS: Final = (PTY, TCP)
LOOPBACK_HOST: Final = "127.0.0.1"  # never another interface: the demo reader is for this PC
SOCKET_URL_SCHEME: Final = "socket://"  # pyserial's raw-socket URL handler


class LineClosed(Exception):
    """The driver's end went away (port closed, connection dropped): a frame in progress is void.
    Not an error of the emulator, which keeps serving the next driver that opens the line."""


def pty_available() -> bool:
    """True where POSIX pseudo-terminals exist (not on Windows: os.openpty is missing there)."""
    return sys.platform != "win32" and hasattr(os, "openpty")


def default_transport() -> str:
    """The pty where there is one, like a USB-serial reader; else the loopback socket."""
    return PTY if pty_available() else TCP


class EmulatorLine(abc.ABC):
    """The emulator's end of a serial line. Used by one serving thread between open and close."""

    @property
    @abc.abstractmethod
    def port(self) -> str:
        """What a driver opens (a device path or a pyserial URL); "" before the first open."""

    @abc.abstractmethod
    def open(self) -> None:
        """Make the line available to drivers. Raises DriverUnavailableError with the reason."""

    @abc.abstractmethod
    def close(self) -> None:
        """Take the line away: to a driver this is an unplugged reader."""

    @abc.abstractmethod
    def wait_readable(self, timeout_s: float) -> bool:
        """True when bytes from the driver are waiting (within `timeout_s`)."""

    @abc.abstractmethod
    def read(self, size: int) -> bytes:
        """Up to `size` waiting bytes, b"" when none; LineClosed when the driver went away."""

    @abc.abstractmethod
    def write(self, chunk: bytes) -> int:
        """Send what the line accepts now and return its length; bytes nobody reads are lost, as
        on a real UART. LineClosed when the line is gone (the rest of the frame is moot)."""


class PtyLine(EmulatorLine):
    """A pseudo-terminal in raw mode; the driver opens its slave, or `link_path`, a symlink that
    survives close/open like a udev name (so the reader can be unplugged and plugged back)."""

    def __init__(self, link_path: Path | None = None) -> None:
        self.link_path = link_path
        self._master = self._slave = -1
        self._slave_name = ""

    @property
    def port(self) -> str:
        return str(self.link_path) if self.link_path is not None else self._slave_name

    def open(self) -> None:
        if not pty_available():
            raise DriverUnavailableError(
                "此系统没有伪终端，演示身份证阅读器请改用本机 TCP 连接（tcp）"
            )
        import fcntl
        import tty

        self._master, self._slave = os.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        # Non-blocking writes: a real UART drops bytes nobody reads rather than stall.
        flags = fcntl.fcntl(self._master, fcntl.F_GETFL)
        fcntl.fcntl(self._master, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        self._slave_name = os.ttyname(self._slave)
        if self.link_path is not None:
            temporary = self.link_path.with_name(self.link_path.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            temporary.symlink_to(self._slave_name)
            temporary.replace(self.link_path)

    def close(self) -> None:
        if self.link_path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link_path.unlink()
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._master = self._slave = -1

    def wait_readable(self, timeout_s: float) -> bool:
        ready, _, _ = select.select([self._master], [], [], timeout_s)
        return bool(ready)

    def read(self, size: int) -> bytes:
        try:
            return os.read(self._master, size)
        except BlockingIOError:
            return b""

    def write(self, chunk: bytes) -> int:
        try:
            return os.write(self._master, chunk)
        except BlockingIOError:
            return 0  # nobody is reading: the bytes are lost, as on a real line
        except OSError as error:
            if error.errno in (errno.EIO, errno.EBADF):
                raise LineClosed from error
            raise


# struct linger: two ints on POSIX, two u_shorts in Winsock.
_ABORTIVE_LINGER: Final = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)


class TcpLine(EmulatorLine):
    """A TCP listener on 127.0.0.1 serving one driver connection at a time (the newest wins, as
    a re-opened serial port does). Port 0 takes a free port at the first open; later opens bind
    the same port again, so the driver's configured URL survives unplug/plug."""

    def __init__(self, tcp_port: int = 0) -> None:
        self.tcp_port = tcp_port
        self._listener: socket.socket | None = None
        self._connection: socket.socket | None = None

    @property
    def port(self) -> str:
        return f"{SOCKET_URL_SCHEME}{LOOPBACK_HOST}:{self.tcp_port}" if self.tcp_port else ""

    def open(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if sys.platform != "win32":
                # Rebind at once after an unplug. Not on Windows: there SO_REUSEADDR would let
                # another program bind the same port too, and a plain bind already succeeds.
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((LOOPBACK_HOST, self.tcp_port))
            listener.listen(4)
            listener.setblocking(False)
        except OSError as error:
            listener.close()
            where = f"本机端口 {self.tcp_port} " if self.tcp_port else "本机的空闲端口"
            raise DriverUnavailableError(
                f"演示身份证阅读器无法在{where}上监听", detail=str(error)
            ) from error
        self.tcp_port = listener.getsockname()[1]
        self._listener = listener

    def close(self) -> None:
        self._drop_connection(abortive=True)
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()

    def _drop_connection(self, *, abortive: bool) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if abortive:
            # RST rather than FIN, as a pulled cable gives no goodbye; and no TIME_WAIT is left
            # on the listening port, which the next open binds again.
            with contextlib.suppress(OSError):
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _ABORTIVE_LINGER)
        connection.close()

    def _accept(self, listener: socket.socket) -> None:
        # A client that gave up between select and accept (EAGAIN; on Windows a reset) is not
        # the emulator's failure: it keeps listening.
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        try:
            connection.setblocking(False)
            # Each paced chunk leaves when written, like bytes on a UART (no Nagle coalescing).
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            connection.close()
            return
        replaced = self._connection is not None
        self._drop_connection(abortive=True)
        self._connection = connection
        if replaced:
            raise LineClosed

    def wait_readable(self, timeout_s: float) -> bool:
        listener = self._listener
        if listener is None:
            raise OSError(errno.EBADF, "line closed")
        watched = [listener] if self._connection is None else [listener, self._connection]
        ready, _, _ = select.select(watched, [], [], timeout_s)
        if listener in ready:
            self._accept(listener)
            return False
        return bool(ready)

    def read(self, size: int) -> bytes:
        connection = self._connection
        if connection is None:
            raise LineClosed
        try:
            data = connection.recv(size)
        except BlockingIOError:
            return b""
        except OSError as error:  # reset by the driver's side
            self._drop_connection(abortive=False)
            raise LineClosed from error
        if not data:  # the driver closed its port
            self._drop_connection(abortive=False)
            raise LineClosed
        return data

    def write(self, chunk: bytes) -> int:
        connection = self._connection
        if connection is None:
            return 0  # no driver has the port open: the bytes are lost
        try:
            return connection.send(chunk)
        except BlockingIOError:
            return 0
        except OSError as error:
            self._drop_connection(abortive=False)
            raise LineClosed from error


def make_line(transport: str, *, link_path: Path | None = None, tcp_port: int = 0) -> EmulatorLine:
    """The line of `transport` ("pty" or "tcp"); DriverUnavailableError for another name."""
    if transport == PTY:
        return PtyLine(link_path)
    if transport == TCP:
        if link_path is not None:
            raise ValueError("link_path names a pty; a tcp line is reached by its URL")
        return TcpLine(tcp_port)
    known = "、".join(TRANSPORTS)
    raise DriverUnavailableError(f"未知的演示阅读器连接方式“{transport}”（可用：{known}）")
