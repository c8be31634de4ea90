"""An emulated MPS ID-card reader on a pty or a loopback socket, holding demo cards and faults."""

from __future__ import annotations

import collections
import contextlib
import enum
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from devices.emulators.lines import PTY, EmulatorLine, LineClosed, make_line
from devices.errors import CardReadError, FrameError
from devices.mps import commands, status
from devices.mps.frame import Command, decode_command, encode_response, read_frame
from devices.mps.text import TEXT_BLOCK_LEN, gb11643_check_character

CHUNK_BYTES: Final = 32  # bytes written per pacing step (2.8 ms at 115200 baud)
BAUD_RATES: Final = {0: 115200, 1: 57600, 2: 38400, 3: 19200, 4: 9600}  # §1.4 `60 xx`
SAM_ID: Final = bytes.fromhex("0501 0000 2024 0315 0000 1234 5678 9ABC")


# ---------------------------------------------------------------- text blocks (§2, §3)


def _put(block: bytearray, byte_offset: int, byte_len: int, value: str) -> None:
    encoded = value.encode("utf-16-le")
    if len(encoded) > byte_len:
        raise ValueError(f"{value!r} does not fit {byte_len} bytes")
    block[byte_offset : byte_offset + byte_len] = encoded + " ".encode("utf-16-le") * (
        (byte_len - len(encoded)) // 2
    )


def _blank_block(flag: str = " ") -> bytearray:
    block = bytearray(" ".encode("utf-16-le") * (TEXT_BLOCK_LEN // 2))
    _put(block, 248, 2, flag)
    return block


def _ymd(day: date | None) -> str:
    return "长期" if day is None else day.strftime("%Y%m%d")


def resident_block(
    *,
    name: str,
    sex: str,
    ethnicity: str,
    birth: date,
    address: str,
    id_number: str,
    issuer: str,
    valid_from: date,
    valid_until: date | None,
) -> bytes:
    """The 256-byte text block of a resident ID card (§2); valid_until None = 长期."""
    block = _blank_block()
    for offset, size, value in (
        (0, 30, name), (30, 2, sex), (32, 4, ethnicity), (36, 16, _ymd(birth)),
        (52, 70, address), (122, 36, id_number), (158, 30, issuer),
        (188, 16, _ymd(valid_from)), (204, 16, _ymd(valid_until)),
    ):  # fmt: skip
        _put(block, offset, size, value)
    return bytes(block)


def permit_j_block(
    *,
    name: str,
    sex: str,
    birth: date,
    address: str,
    id_number: str,
    issuer: str,
    valid_from: date,
    valid_until: date,
    permit_number: str,
    issue_count: int,
) -> bytes:
    """The text block of a 港澳台居民居住证 (§3.2, type flag 'J')."""
    block = _blank_block("J")
    for offset, size, value in (
        (0, 30, name), (30, 2, sex), (36, 16, _ymd(birth)), (52, 70, address),
        (122, 36, id_number), (158, 30, issuer), (188, 16, _ymd(valid_from)),
        (204, 16, _ymd(valid_until)), (220, 18, permit_number), (238, 4, f"{issue_count:02d}"),
    ):  # fmt: skip
        _put(block, offset, size, value)
    return bytes(block)


def foreign_i_block(
    *,
    name_en: str,
    name: str,
    sex: str,
    number: str,
    nationality: str,
    issued: date,
    expires: date,
    birth: date,
    version: str = "01",
    authority_code: str = "6200",
) -> bytes:
    """The text block of a 2017 外国人永久居留身份证 (§3.3, type flag 'I')."""
    block = _blank_block("I")
    for offset, size, value in (
        (0, 120, name_en), (120, 2, sex), (122, 30, number), (152, 6, nationality),
        (158, 30, name), (188, 16, _ymd(issued)), (204, 16, _ymd(expires)),
        (220, 16, _ymd(birth)), (236, 4, version), (240, 8, authority_code),
    ):  # fmt: skip
        _put(block, offset, size, value)
    return bytes(block)


def foreign_y_block(
    *,
    name: str,
    name_en: str,
    sex: str,
    number: str,
    nationality: str,
    birth: date,
    valid_from: date,
    valid_until: date,
    renewal_count: int = 0,
) -> bytes:
    """The text block of a 2023 外国人永久居留身份证 (§3.4, type flag 'Y')."""
    block = _blank_block("Y")
    for offset, size, value in (
        (0, 30, name), (30, 2, sex), (32, 4, f"{renewal_count:02d}"), (36, 16, _ymd(birth)),
        (52, 70, name_en[:35]), (122, 36, number), (188, 16, _ymd(valid_from)),
        (204, 16, _ymd(valid_until)), (220, 22, name_en[35:46]), (242, 6, nationality),
    ):  # fmt: skip
        _put(block, offset, size, value)
    return bytes(block)


def with_gb11643_check(first17: str) -> str:
    """An 18-character number with its MOD 11-2 check character appended."""
    return first17 + gb11643_check_character(first17)


def _icao_check(body: str) -> str:
    weights = (7, 3, 1)
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * weights[i % 3] for i, c in enumerate(body)
    )
    return body + str(total % 10)


@dataclass(frozen=True, slots=True)
class DemoCard:
    """A card the emulator can hold: its text block and its 1024-byte WLT photo block."""

    label: str
    text: bytes
    photo_wlt: bytes


def _fake_wlt(seed: str) -> bytes:
    # Not a real WLT image (that format is licensed); deterministic bytes of the right size.
    digest = hashlib.sha256(seed.encode()).digest()
    return (digest * (commands.PHOTO_BLOCK_LEN // len(digest) + 1))[: commands.PHOTO_BLOCK_LEN]


def demo_cards() -> dict[str, DemoCard]:
    """The demo cards: a Gansu resident (and a long-term one), a J permit, an I and a Y card."""
    texts = {
        "resident": resident_block(
            name="马晓燕", sex="2", ethnicity="03", birth=date(1988, 5, 16),
            address="甘肃省临夏回族自治州临夏市八坊街道新华路12号",
            id_number=with_gb11643_check("62290119880516152"), issuer="临夏市公安局",
            valid_from=date(2018, 6, 12), valid_until=date(2038, 6, 12),
        ),
        "resident_long_term": resident_block(
            name="张建国", sex="1", ethnicity="01", birth=date(1965, 3, 8),
            address="甘肃省兰州市城关区庆阳路188号",
            id_number=with_gb11643_check("62010219650308101"), issuer="兰州市公安局城关分局",
            valid_from=date(2015, 1, 20), valid_until=None,
        ),
        "permit_j": permit_j_block(
            name="陈嘉欣", sex="2", birth=date(1994, 8, 23),
            address="甘肃省兰州市七里河区西津西路16号", id_number="810000199408230021",
            issuer="兰州市公安局七里河分局", valid_from=date(2022, 3, 1),
            valid_until=date(2027, 3, 1), permit_number="H60123456", issue_count=1,
        ),
        "foreign_i": foreign_i_block(
            name_en="SMITH JOHN", name="史密斯", sex="1",
            number=_icao_check("CAN62008001011"), nationality="CAN",
            issued=date(2017, 6, 15), expires=date(2027, 6, 14), birth=date(1980, 1, 1),
        ),
        "foreign_y": foreign_y_block(
            name="安娜", name_en="SCHMIDT ANNA MARIA KATHARINA ELISABETH", sex="2",
            number=with_gb11643_check("96227619850101002"), nationality="DEU",
            birth=date(1985, 1, 1), valid_from=date(2024, 1, 15), valid_until=date(2034, 1, 14),
        ),
    }  # fmt: skip
    return {label: DemoCard(label, text, _fake_wlt(label)) for label, text in texts.items()}


# ---------------------------------------------------------------- faults


class Fault(enum.Enum):
    """A failure the emulator can be told to produce once, at a given command."""

    CARD_PULLED_MID_READ = "card pulled mid-read"  # read answers 41 and the card is gone
    CORRUPTED_FRAME = "corrupted frame"  # the preamble is garbled: no frame can be found
    TRUNCATED_FRAME = "truncated frame"  # half the reply, then silence
    WRONG_CHECKSUM = "wrong checksum"
    WRONG_LENGTH = "wrong length"  # consistent frame whose text/photo lengths do not add up
    SAM_ERROR = "SAM error status"  # SW3 = the emulator's sam_error_status (default 0x60)
    UNKNOWN_STATUS = "unknown status"  # SW3 = 0x55, in no table
    NO_ANSWER = "no answer"
    INVALID_UTF16 = "invalid UTF-16 text"  # a lone surrogate in the name
    IMPOSSIBLE_DATE = "date 20250230"  # birth date 20250230
    WRONG_CHECK_DIGIT = "wrong check digit"  # last character of the number altered


_CARD_FAULTS: Final = frozenset(
    {Fault.INVALID_UTF16, Fault.IMPOSSIBLE_DATE, Fault.WRONG_CHECK_DIGIT}
)
UNKNOWN_STATUS_CODE: Final = 0x55


def _with_card_fault(text: bytes, fault: Fault) -> bytes:
    block = bytearray(text)
    flag = chr(block[248]) if block[249] == 0 else " "
    if fault is Fault.INVALID_UTF16:
        block[2:4] = b"\x00\xd8"  # U+D800 alone is not valid UTF-16
    elif fault is Fault.IMPOSSIBLE_DATE:
        _put(block, 220 if flag == "I" else 36, 16, "20250230")
    elif fault is Fault.WRONG_CHECK_DIGIT:
        last = 122 + (28 if flag == "I" else 34)  # byte offset of the number's last character
        old = chr(block[last])
        _put(block, last, 2, "0" if old != "0" else "1")
    return bytes(block)


# ---------------------------------------------------------------- the emulator


class IdCardReaderEmulator:
    """An MPS reader behind an emulated serial line, served by a thread, paced to its baud rate.

    `transport` "pty" (default; POSIX): a pseudo-terminal; `port` is the path a driver opens
    (the pty's slave, or `link_path`, a symlink that survives `stop()`/`start()` like a udev
    name, so tests can unplug and re-plug the reader). "tcp" (for Windows, which has no pty): a
    listener on 127.0.0.1 (`tcp_port`, 0 = any free port, kept across `stop()`/`start()`);
    `port` is the URL `socket://127.0.0.1:PORT` the driver opens through pyserial. Both carry
    the same bytes, framed by this class.
    """

    def __init__(
        self,
        *,
        baudrate: int = 115200,
        link_path: str | Path | None = None,
        protect_after_read: bool = True,
        sam_error_status: int = 0x60,
        transport: str = PTY,
        tcp_port: int = 0,
    ) -> None:
        self.baudrate = baudrate
        self.link_path = Path(link_path) if link_path is not None else None
        if transport != PTY and self.link_path is not None:
            raise ValueError("link_path names a pty; other transports are reached by their port")
        self.transport = transport
        self._tcp_port = tcp_port
        # §1.6: after a successful read, find fails until the card is removed and re-placed.
        self.protect_after_read = protect_after_read
        self.sam_error_status = sam_error_status
        # The latest commands received (bounded: demo mode runs for days).
        self.commands: collections.deque[Command] = collections.deque(maxlen=1024)
        self.bytes_received = 0
        self.bytes_sent = 0
        self._lock = threading.Lock()
        self._card: DemoCard | None = None
        self._found = self._selected = self._protected = False
        self._faults: dict[tuple[int, int], Fault] = {}
        # Made at the first start(): an unknown transport fails there, with a Chinese reason.
        self._line: EmulatorLine | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- life cycle

    @property
    def port(self) -> str:
        """What to give a driver: a device path, or a socket:// URL ("" until known)."""
        if self._line is not None:
            return self._line.port
        return str(self.link_path) if self.link_path is not None else ""

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> IdCardReaderEmulator:
        """Open the line (a raw pty, or the loopback listener) and start serving."""
        if self._thread is not None:
            return self
        if self._line is None:
            self._line = make_line(
                self.transport, link_path=self.link_path, tcp_port=self._tcp_port
            )
        self._line.open()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="idcard-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the line: to a driver this is an unplugged reader."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        thread.join(timeout=5)
        if self._line is not None:
            self._line.close()

    def __enter__(self) -> IdCardReaderEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what the clerk does

    def place_card(self, card: DemoCard) -> None:
        """Put a card on the reader (replacing any card there)."""
        with self._lock:
            self._card = card
            self._found = self._selected = self._protected = False

    def remove_card(self) -> None:
        """Take the card off the reader."""
        with self._lock:
            self._card = None
            self._found = self._selected = self._protected = False

    def inject_fault(self, fault: Fault, *, at: bytes = commands.READ_BASE) -> None:
        """Fail once, at the next command equal to the command frame `at` (default: read)."""
        with self._lock:
            self._faults[(at[7], at[8])] = fault

    # -- serving

    def _serve(self) -> None:
        line = self._line
        assert line is not None  # start() opened it
        while not self._stopping.is_set():
            try:
                if not line.wait_readable(0.05):
                    continue
                frame = read_frame(self._read_line)
            except CardReadError:
                self._send(encode_response(0x10))  # §1.5: checksum error in the host frame
                continue
            except LineClosed:
                continue  # the driver left mid-command: nobody to answer; wait for the next
            except (OSError, ValueError):
                return
            self.bytes_received += len(frame)
            time.sleep(len(frame) * 10 / self.baudrate)  # the command's own time on the wire
            self._answer(frame)

    def _read_line(self, size: int) -> bytes:
        line = self._line
        assert line is not None
        data = bytearray()
        deadline = time.monotonic() + 0.5
        while len(data) < size and not self._stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if line.wait_readable(min(left, 0.05)):
                data += line.read(size - len(data))
        return bytes(data)

    def _send(self, frame: bytes) -> None:
        """Write `frame` paced to the baud rate: each chunk leaves when its last bit would."""
        line = self._line
        assert line is not None
        start = time.monotonic()
        sent = 0
        for offset in range(0, len(frame), CHUNK_BYTES):
            chunk = frame[offset : offset + CHUNK_BYTES]
            sent += len(chunk)
            delay = start + sent * 10 / self.baudrate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if self._stopping.is_set():
                return
            try:
                self.bytes_sent += line.write(chunk)
            except LineClosed:
                return

    def _answer(self, frame: bytes) -> None:
        try:
            command = decode_command(frame)
        except FrameError:
            self._send(encode_response(0x10))
            return
        with self._lock:
            self.commands.append(command)
            fault = self._faults.pop((command.cmd, command.para), None)
            reply = self._reply(command, fault)
        if reply is None:
            return
        if fault is Fault.WRONG_CHECKSUM:
            reply = reply[:-1] + bytes((reply[-1] ^ 0xFF,))
        elif fault is Fault.CORRUPTED_FRAME:
            reply = b"\xaa\x55\xaa\x69\x96" + bytes(b ^ 0x5A for b in reply[5:])
        elif fault is Fault.TRUNCATED_FRAME:
            reply = reply[: len(reply) // 2]
        self._send(reply)

    def _reply(self, command: Command, fault: Fault | None) -> bytes | None:
        """The reply frame to `command` (lock held); None = stay silent."""
        if fault is Fault.NO_ANSWER:
            return None
        if fault is Fault.SAM_ERROR:
            return encode_response(self.sam_error_status)
        if fault is Fault.UNKNOWN_STATUS:
            return encode_response(UNKNOWN_STATUS_CODE)
        key = (command.cmd, command.para)
        if key in ((0x10, 0xFF), (0x11, 0xFF), (0x61, 0xFF)):
            return encode_response(status.OK)
        if key == (0x12, 0xFF):
            return encode_response(status.OK, SAM_ID)
        if command.cmd == 0x60 and command.para in BAUD_RATES:
            reply = encode_response(status.OK)
            self.baudrate = BAUD_RATES[command.para]
            return reply
        if key == (0x20, 0x01):
            if self._card is None or self._protected:
                return encode_response(status.NO_CARD)
            self._found, self._selected = True, False
            return encode_response(status.CARD_FOUND, b"\x00\x00\x00\x00")
        if key == (0x20, 0x02):
            if not self._found or self._card is None:
                return encode_response(status.SELECT_FAILED)
            self._selected = True
            return encode_response(status.OK, b"\x00" * 8)
        if key == (0x30, 0x01):
            return self._read_reply(fault)
        if key == (0x30, 0x03):
            return encode_response(status.NO_CONTENT)
        return encode_response(0x21)  # §1.5: bad command or parameter

    def _read_reply(self, fault: Fault | None) -> bytes:
        card = self._card
        if card is None or not self._selected or fault is Fault.CARD_PULLED_MID_READ:
            if fault is Fault.CARD_PULLED_MID_READ:
                self._card = None
            self._found = self._selected = False
            return encode_response(status.READ_FAILED)
        text = _with_card_fault(card.text, fault) if fault in _CARD_FAULTS else card.text
        self._found = self._selected = False
        self._protected = self.protect_after_read
        if fault is Fault.WRONG_LENGTH:
            data = commands.join_read_reply(text, card.photo_wlt)[:-24]
            return encode_response(status.OK, data)
        return encode_response(status.OK, commands.join_read_reply(text, card.photo_wlt))


@contextlib.contextmanager
def running_emulator(**options: object) -> Iterator[IdCardReaderEmulator]:
    """`with running_emulator() as emulator:` — started, and stopped on exit."""
    emulator = IdCardReaderEmulator(**options)  # type: ignore[arg-type]
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
