"""An MPS ID-card reader on a serial port (RS-232, USB-CDC) or a pyserial URL, through pyserial."""

from __future__ import annotations

from typing import Any, Final

from devices.base import CardReader
from devices.card import CardData
from devices.errors import DriverUnavailableError, ReaderNotConnectedError
from devices.mps import commands, status
from devices.mps.frame import Response, decode_response, read_frame
from devices.mps.text import parse_text_block
from devices.wlt import WltDecoder, default_decoder

try:
    import serial
except ImportError:  # pragma: no cover - pyserial is a declared dependency
    serial = None

try:
    import termios

    _TERMIOS_ERRORS: tuple[type[BaseException], ...] = (termios.error,)
except ImportError:  # Windows
    _TERMIOS_ERRORS = ()

DEFAULT_BAUDRATE: Final = 115200  # §1.2
DEFAULT_TIMEOUT_S: Final = 2.0  # per reply; §1.6 budgets: read ≤ 1.1 s, command ≤ 5 s


def is_port_url(port: str) -> bool:
    """True for a pyserial URL (`socket://127.0.0.1:5000`, the demo reader where there is no
    pty), False for a device (`COM3`, `/dev/ttyUSB0`)."""
    return "://" in port


def _port_errors() -> tuple[type[BaseException], ...]:
    base: tuple[type[BaseException], ...] = (OSError, ValueError, *_TERMIOS_ERRORS)
    return (serial.SerialException, *base) if serial is not None else base


class MpsSerialReader(CardReader):
    """find → select → read over one serial port, reading exact frame lengths (no sleeps).

    `port` is a device, or a URL opened by pyserial's URL handlers (`serial_for_url`). Over
    `socket://` the reads behave as on a device: a read returns short only at its timeout, and
    a peer that goes away raises SerialException (→ ReaderNotConnectedError); pyserial ignores
    the baud rate there.
    """

    family = "身份证阅读器"

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = DEFAULT_BAUDRATE,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        name: str | None = None,
        photo_decoder: WltDecoder | None = None,
    ) -> None:
        super().__init__(name or f"身份证阅读器 {port}")
        self.port = port
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self._photo_decoder = photo_decoder
        self._serial: Any = None  # serial.Serial; pyserial ships no type information
        self.bytes_sent = 0
        self.bytes_received = 0

    @classmethod
    def is_usable(cls) -> tuple[bool, str]:
        if serial is None:
            return False, "未安装 pyserial，无法使用串口身份证阅读器"
        return True, ""

    def open(self) -> None:
        if serial is None:
            raise DriverUnavailableError(self.is_usable()[1])
        self.close()
        self._claim_thread()
        try:
            self._serial = self._open_port()
        except _port_errors() as error:
            self._release_thread()
            raise ReaderNotConnectedError(detail=f"{self.port}: {error}") from error
        self._decoder().status()  # look the photo library up now, not in the middle of a read

    def _open_port(self) -> Any:
        assert serial is not None  # open() checked it
        if is_port_url(self.port):
            return serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=self.timeout_s)
        return serial.Serial(self.port, self.baudrate, timeout=self.timeout_s)

    def _decoder(self) -> WltDecoder:
        return self._photo_decoder or default_decoder()

    def close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            self._assert_owner_thread()
            try:
                port.close()
            except _port_errors():
                pass  # the device is already gone; nothing is left to release
        self._release_thread()

    def _read(self, size: int) -> bytes:
        data: bytes = self._serial.read(size)
        self.bytes_received += len(data)
        return data

    def transact(self, command: bytes) -> Response:
        """Send one command frame and return the checked reply."""
        self._assert_owner_thread()
        if self._serial is None:
            raise ReaderNotConnectedError(detail=f"{self.port} is not open")
        try:
            # Drop late bytes of an earlier, failed exchange so they cannot pose as this reply.
            self._serial.reset_input_buffer()
            self._serial.write(command)
            self.bytes_sent += len(command)
            frame = read_frame(self._read)
        except _port_errors() as error:
            raise ReaderNotConnectedError(detail=f"{self.port}: {error}") from error
        return decode_response(frame)

    def sam_status(self) -> Response:
        """The SAM status check `11 FF` (§1.4); SW3 0x90 means the SAM is ready."""
        return self.transact(commands.SAM_STATUS)

    def read_sam_id(self) -> bytes:
        """The raw management information of `12 FF` (its string format is unconfirmed, §8)."""
        reply = self.transact(commands.READ_SAM_ID)
        if reply.sw3 != status.OK:
            raise status.status_error(reply.sw3, step="读SAM编号", sw1=reply.sw1, sw2=reply.sw2)
        return reply.data

    def card_present(self) -> bool:
        reply = self.transact(commands.FIND_CARD)
        if reply.sw3 == status.CARD_FOUND:
            return True
        if reply.sw3 == status.NO_CARD:
            return False
        raise status.status_error(reply.sw3, step="寻卡", sw1=reply.sw1, sw2=reply.sw2)

    def _expect(self, command: bytes, expected: int, step: str) -> Response:
        reply = self.transact(command)
        if reply.sw3 != expected:
            raise status.status_error(reply.sw3, step=step, sw1=reply.sw1, sw2=reply.sw2)
        return reply

    def read_card(self) -> CardData | None:
        # §1.6: find (9F) → select (90) → read (90); skipping a step fails.
        if not self.card_present():
            return None
        self._expect(commands.SELECT_CARD, status.OK, "选卡")
        reply = self._expect(commands.READ_BASE, status.OK, "读卡")
        blocks = commands.split_read_reply(reply.data)
        wlt = blocks.photo_wlt or None
        photo = self._decoder().decode(wlt) if wlt else None
        return parse_text_block(blocks.text, photo_wlt=wlt, photo=photo, reader_name=self.name)


def wire_seconds(byte_count: int, baudrate: int = DEFAULT_BAUDRATE) -> float:
    """Time `byte_count` bytes take on a UART at 8N1 (10 bits per byte)."""
    return byte_count * 10 / baudrate
