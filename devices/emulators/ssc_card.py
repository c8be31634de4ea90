"""A social security card (社保卡) simulator behind vsmartcard's vpcd driver (demo mode, tests).

The simulator connects as a TCP client to vpcd (loaded by pcscd from /etc/reader.conf.d/vpcd or a
private config, default port 35963) and speaks its wire protocol (devices.md Part B §6.2): every
message is a big-endian uint16 length and that many bytes; a 1-byte message from vpcd is a
control code (00 power off, 01 power on, 02 reset: no reply; 04 get ATR: reply the ATR), a longer
one is a command APDU, answered with data + SW1 SW2. Connected = card inserted; closing the
socket = card removed.

The card side follows devices.md Part B §6.5: SSSE selected by name (answering 61xx like a T=0
card), EF05/EF06 as simple-TLV records read by identifier, number or SFI, 6Cxx on a wrong Le,
6A83 for a missing record, 6986 without a current EF, and on a 3.0 card 6982 for EF06 until
EXTERNAL AUTHENTICATE with RKSSSE (key 0A) succeeds. The demo cards hold synthetic people only.

Run one by hand: `python -m devices.emulators.ssc_card --card gen2 --port 35963`.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import hmac
import os
import socket
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from devices.pcsc.psam import (
    DEMO_MASTER_KEY,
    RKSSSE_KEY_ID,
    demo_card_key,
    demo_cryptogram,
)

VPCD_DEFAULT_PORT = 0x8C7B  # 35963, slot 0; slot n listens on 35963 + n (vpcd.h VPCDPORT)
VPCD_CTRL_OFF = 0x00
VPCD_CTRL_ON = 0x01
VPCD_CTRL_RESET = 0x02
VPCD_CTRL_ATR = 0x04

SSSE_DF_NAME = b"sx1.sh." + "社会保障".encode("gbk")  # 第6部分 表1, 15 bytes
MF_FID = b"\x3f\x00"
EF05_FID = b"\xef\x05"
EF06_FID = b"\xef\x06"

# A status word the 社保卡 specification does not define (ISO 7816-4 "64 00": execution error,
# non-volatile memory unchanged), used by the UNKNOWN_STATUS fault.
UNDEFINED_STATUS_WORD = 0x6400


class CardFault(enum.Enum):
    """Faults the simulator produces on request, one at a time."""

    NONE = "none"
    SSSE_NOT_FOUND = "6a82"  # SELECT sx1.sh.社会保障 → 6A82 (not a 社保卡)
    EF06_SECURITY = "6982"  # every READ RECORD of EF06 → 6982, even on a 2.0 card
    REMOVED_AFTER_SELECT = "removed"  # pulled out right after SELECT EF05 answered 9000
    NO_ANSWER = "mute"  # first READ RECORD gets no answer; the link drops, the card stays
    UNKNOWN_STATUS = "unknown-sw"  # READ RECORD of EF05 → 64 00
    MALFORMED_TLV = "bad-tlv"  # 卡号 record says length 0F but holds 9 bytes
    WRONG_LENGTH = "bad-length"  # 卡识别码 record holds 8 bytes instead of 16


@dataclass(frozen=True)
class SimulatedCard:
    """The contents of one simulated card: ATR and the EF05/EF06 records as raw simple TLVs.

    `rkssse_key` None means EF06 is free to read (1.0/2.0); otherwise EF06 needs EXTERNAL
    AUTHENTICATE with a cryptogram under this (already diversified) key.
    """

    label: str
    atr: bytes
    ef05: tuple[bytes, ...]
    ef06: tuple[bytes, ...]
    rkssse_key: bytes | None = None
    algorithm: int = 0x01  # FCI 9F0C/86: 01 DES, 02 SSF33, 03 SM4

    def fci(self) -> bytes:
        """The SSSE FCI: 6F{84 DF name, A5{9F0C{86 01 algorithm}}} (第5部分 表36)."""
        proprietary = _tlv(0x9F0C, _tlv(0x86, bytes((self.algorithm,))))
        return _tlv(0x6F, _tlv(0x84, SSSE_DF_NAME) + _tlv(0xA5, proprietary))


def _tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    return tag_bytes + bytes((len(value),)) + value


def _bcd(digits: str, length: int) -> bytes:
    """cn encoding: BCD, left-aligned, right-padded with F (V2.0 notice §7)."""
    return bytes.fromhex(digits.ljust(length * 2, "F"))


def _an(text: bytes, length: int) -> bytes:
    """an encoding: left-aligned, right-padded with 00 (V2.0 notice §7)."""
    return text.ljust(length, b"\x00")


def card_number_check_character(body: str) -> str:
    """The 9th character of a 社保卡卡号 (附录A): weights 3 7 9 10 5 8 4 2, mod 11, 10 → X."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(
        (int(char) if char.isdigit() else ord(char) - ord("A") + 10) * weight
        for char, weight in zip(body, weights, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def diversification_factor(card_identifier: bytes) -> bytes:
    """Sichuan 读写机具规范 §10.3, written out here independently of the reader's code."""
    region = card_identifier[:3].hex().upper()
    return region[:4].encode() + b"00sx" if region.startswith("33") else region.encode() + b"sx"


@dataclass(frozen=True)
class CardHolder:
    """The synthetic person and card facts a demo card is built from."""

    name: str
    social_security_number: str
    sex: str
    ethnicity: str
    birthplace: str
    birth_date: date
    region: str  # 6-digit 行政区划代码 of the issuing region
    card_number_body: str  # 8 characters; the check character is computed
    serial: int  # 卡的流水号, also the last 4 historical bytes of the ATR (§1.6)
    version: str  # "1.00", "2.00", "3.00"
    issue_date: date = date(2021, 12, 22)
    expiry_date: date = date(2031, 12, 22)


def build_card(holder: CardHolder, *, label: str, master_key: bytes | None = None) -> SimulatedCard:
    """A SimulatedCard with EF05/EF06 laid out per V2.0 notice 表9 (records in tag order).

    A 3.0 card gets an RKSSSE key diversified from `master_key` (default: the demo key).
    """
    serial = holder.serial.to_bytes(4, "big")
    identifier = bytes.fromhex(holder.region) + bytes.fromhex("D156000005") + serial
    identifier += hmac.digest(b"demo-auth-code", identifier, "sha256")[:4]  # 卡的认证码
    # §1.6: 3B 6D 00 00 + chip 0081, COS 543100, maker 8660, region prefix, serial (T=0 only).
    atr = bytes.fromhex("3B6D0000" + "0081" + "543100" + "8660" + holder.region[:4]) + serial
    card_number = holder.card_number_body + card_number_check_character(holder.card_number_body)
    ef05 = (
        _tlv(0x01, identifier),
        _tlv(0x02, b"3"),  # 成年人卡
        _tlv(0x03, holder.version.encode("ascii")),
        _tlv(0x04, bytes.fromhex("9156000002" + holder.region + holder.region + "01")),
        _tlv(0x05, _bcd(holder.issue_date.strftime("%Y%m%d"), 4)),
        _tlv(0x06, _bcd(holder.expiry_date.strftime("%Y%m%d"), 4)),
        _tlv(0x07, card_number.encode("ascii")),
    )
    name = holder.name.encode("gbk")
    ef06_records = [
        _tlv(0x08, _an(holder.social_security_number.encode("ascii"), 18)),
        _tlv(0x09, _an(name[:30], 30)),
    ]
    if not holder.version.startswith("1"):  # 姓名扩展 is new in V2.0
        ef06_records.append(_tlv(0x4E, _an(name[30:50], 20)))
    ef06_records += [
        _tlv(0x0A, holder.sex.encode("ascii")),
        _tlv(0x0B, _bcd(holder.ethnicity, 1)),
        _tlv(0x0C, _bcd(holder.birthplace, 3)),
        _tlv(0x0D, _bcd(holder.birth_date.strftime("%Y%m%d"), 4)),
    ]
    key = None
    if holder.version.startswith("3"):
        key = demo_card_key(master_key or DEMO_MASTER_KEY, diversification_factor(identifier))
    return SimulatedCard(label, atr, ef05, tuple(ef06_records), key, algorithm=0x03)


# Synthetic demo people (their ID numbers carry valid GB 11643 check digits, nothing else).
DEMO_HOLDERS: dict[str, CardHolder] = {
    "gen1": CardHolder(
        name="李四",
        social_security_number="620102198511200021",
        sex="1",
        ethnicity="01",
        birthplace="620102",
        birth_date=date(1985, 11, 20),
        region="620100",
        card_number_body="B6200001",
        serial=0x11,
        version="1.00",
    ),
    "gen2": CardHolder(
        name="张三",
        social_security_number="620102199003070018",
        sex="1",
        ethnicity="01",
        birthplace="620102",
        birth_date=date(1990, 3, 7),
        region="620100",
        card_number_body="C6200002",
        serial=0x12,
        version="2.00",
    ),
    "gen3": CardHolder(
        name="阿依古丽·买买提艾力·吐尔逊托合提",
        social_security_number="650102197806150034",
        sex="2",
        ethnicity="05",
        birthplace="650102",
        birth_date=date(1978, 6, 15),
        region="620100",
        card_number_body="E6200003",
        serial=0x13,
        version="3.00",
    ),
    "gen3-foreign-key": CardHolder(
        name="王五",
        social_security_number="620102196201010047",
        sex="1",
        ethnicity="01",
        birthplace="620102",
        birth_date=date(1962, 1, 1),
        region="620100",
        card_number_body="F6200004",
        serial=0x14,
        version="3.00",
    ),
}

# Foreign-key card: issued under a master key the demo PSAM does not hold (Sichuan −2203 case).
_FOREIGN_MASTER_KEY = b"another-region-RKSSSE-master-key"


def demo_card(kind: str) -> SimulatedCard:
    """A demo card: "gen1", "gen2", "gen3" (unlockable by DemoPsam) or "gen3-foreign-key"."""
    holder = DEMO_HOLDERS[kind]
    master = _FOREIGN_MASTER_KEY if kind == "gen3-foreign-key" else DEMO_MASTER_KEY
    return build_card(holder, label=kind, master_key=master)


class LinkAction(enum.Enum):
    """What the vpcd link does after an APDU was processed."""

    REPLY = "reply"
    REPLY_THEN_REMOVE = "reply-then-remove"  # card pulled out right after answering
    MUTE = "mute"  # no answer at all


@dataclass
class CardReply:
    """The simulator's answer to one APDU."""

    rapdu: bytes
    action: LinkAction = LinkAction.REPLY


def _sw(sw: int, data: bytes = b"") -> CardReply:
    return CardReply(data + sw.to_bytes(2, "big"))


@dataclass
class _CardState:
    ssse_selected: bool = False
    current_ef: bytes | None = None
    authenticated: bool = False
    challenge: bytes | None = None
    pending_response: bytes = b""


@dataclass
class SocialSecurityCardSimulator:
    """The card's APDU processor: the whole card behaviour, independent of the vpcd link.

    `apdus` records every command received, so tests can assert that no VERIFY (PIN) was sent.
    """

    card: SimulatedCard
    fault: CardFault = CardFault.NONE
    t0_get_response: bool = True  # SELECT by name answers 61xx like a T=0 card
    external_auth_tries: int = 3
    apdus: list[bytes] = field(default_factory=list)
    pin_attempts: int = 0
    _state: _CardState = field(default_factory=_CardState)

    def reset(self) -> None:
        """Power-on or reset: the security state and file selection are lost."""
        self._state = _CardState()

    def insert(self, card: SimulatedCard) -> None:
        """Put another card in its place (tests swap cards without restarting the link)."""
        self.card = card
        self.reset()

    def process(self, apdu: bytes) -> CardReply:
        """Answer one command APDU."""
        self.apdus.append(apdu)
        if len(apdu) < 4:
            return _sw(0x6700)
        cla, ins, p1, p2 = apdu[:4]
        body = apdu[4:]
        data, le = b"", None
        if len(body) == 1:
            le = body[0] or 256
        elif len(body) > 1:
            lc = body[0]
            data, rest = body[1 : 1 + lc], body[1 + lc :]
            if lc == 0 or len(data) != lc or len(rest) > 1:
                return _sw(0x6700)
            le = (rest[0] or 256) if rest else None
        if cla != 0x00:
            return _sw(0x6E00)
        if ins != 0xC0:
            self._state.pending_response = b""
        handlers: dict[int, Callable[[int, int, bytes, int | None], CardReply]] = {
            0xA4: self._select,
            0xB2: self._read_record,
            0xC0: self._get_response,
            0x84: self._get_challenge,
            0x82: self._external_authenticate,
            0x20: self._verify,
        }
        handler = handlers.get(ins)
        return handler(p1, p2, data, le) if handler else _sw(0x6D00)

    # --- commands ---

    def _select(self, p1: int, p2: int, data: bytes, le: int | None) -> CardReply:
        state = self._state
        if p1 == 0x04:  # by DF name
            if data != SSSE_DF_NAME or self.fault is CardFault.SSSE_NOT_FOUND:
                return _sw(0x6A82)
            state.ssse_selected, state.current_ef, state.authenticated = True, None, False
            fci = self.card.fci()
            if le is None and self.t0_get_response:
                state.pending_response = fci
                return _sw(0x6100 | len(fci))
            return _sw(0x9000, fci)
        if p1 == 0x00 and data in (b"", MF_FID):
            state.ssse_selected, state.current_ef = False, None
            return _sw(0x9000)
        if p1 in (0x00, 0x02) and len(data) == 2:
            if not state.ssse_selected or data not in (EF05_FID, EF06_FID):
                return _sw(0x6A82)
            state.current_ef = data
            if data == EF05_FID and self.fault is CardFault.REMOVED_AFTER_SELECT:
                self.fault = CardFault.NONE
                return CardReply(b"\x90\x00", LinkAction.REPLY_THEN_REMOVE)
            return _sw(0x9000)
        return _sw(0x6A86)

    def _read_record(self, p1: int, p2: int, data: bytes, le: int | None) -> CardReply:
        state = self._state
        if data or le is None:
            return _sw(0x6700)
        sfi, mode = p2 >> 3, p2 & 0x07
        if sfi in (5, 6):  # short file identifier: selects the EF implicitly
            if not state.ssse_selected:
                return _sw(0x6A82)
            state.current_ef = EF05_FID if sfi == 5 else EF06_FID
        elif sfi != 0 or mode not in (0x00, 0x04):
            return _sw(0x6A86)
        if state.current_ef is None:
            return _sw(0x6986)
        if self.fault is CardFault.NO_ANSWER:
            self.fault = CardFault.NONE
            return CardReply(b"", LinkAction.MUTE)
        is_ef06 = state.current_ef == EF06_FID
        if is_ef06 and self.fault is CardFault.EF06_SECURITY:
            return _sw(0x6982)
        if is_ef06 and self.card.rkssse_key is not None and not state.authenticated:
            return _sw(0x6982)
        if not is_ef06 and self.fault is CardFault.UNKNOWN_STATUS:
            return _sw(UNDEFINED_STATUS_WORD)
        records = self.card.ef06 if is_ef06 else self.card.ef05
        record = self._find_record(records, p1, by_number=mode == 0x04)
        if record is None:
            return _sw(0x6A83)
        if le != len(record):  # 第5部分 §6.10.4 and 第2部分 §9.3.2.1
            return _sw(0x6C00 | len(record))
        return _sw(0x9000, record)

    def _find_record(self, records: Sequence[bytes], p1: int, *, by_number: bool) -> bytes | None:
        if by_number:
            record = records[p1 - 1] if 1 <= p1 <= len(records) else None
        else:
            record = next((r for r in records if r[0] == p1), None)
        if record is None:
            return None
        if record[0] == 0x07 and self.fault is CardFault.MALFORMED_TLV:
            return b"\x07\x0f" + record[2:]
        if record[0] == 0x01 and self.fault is CardFault.WRONG_LENGTH:
            return b"\x01\x08" + record[2:10]
        return record

    def _get_response(self, p1: int, p2: int, data: bytes, le: int | None) -> CardReply:
        pending = self._state.pending_response
        if not pending:
            return _sw(0x6F00)
        if p1 or p2 or data or le is None:
            return _sw(0x6A86)
        if le > len(pending):
            return _sw(0x6C00 | len(pending))
        self._state.pending_response = pending[le:]
        rest = len(pending) - le
        return _sw(0x6100 | rest if rest else 0x9000, pending[:le])

    def _get_challenge(self, p1: int, p2: int, data: bytes, le: int | None) -> CardReply:
        if le not in (4, 8) or p1 or p2:
            return _sw(0x6700)
        challenge = os.urandom(le)
        self._state.challenge = challenge if le == 8 else None
        return _sw(0x9000, challenge)

    def _external_authenticate(self, p1: int, p2: int, data: bytes, le: int | None) -> CardReply:
        state = self._state
        challenge, state.challenge = state.challenge, None  # a challenge is good for one try
        if not state.ssse_selected or self.card.rkssse_key is None or p2 != RKSSSE_KEY_ID:
            return _sw(0x6A88)
        if len(data) != 16:
            return _sw(0x6700)
        if self.external_auth_tries == 0:
            return _sw(0x6983)
        if challenge is None or data[8:] != challenge:
            return _sw(0x6984)
        if not hmac.compare_digest(data[:8], demo_cryptogram(self.card.rkssse_key, challenge)):
            self.external_auth_tries -= 1
            return _sw(0x63C0 | self.external_auth_tries)
        state.authenticated = True
        return _sw(0x9000)

    def _verify(self, p1: int, p2: int, data: bytes, le: int | None) -> CardReply:
        # Present so that an accidental PIN attempt shows up in tests (devices.md §3.3).
        self.pin_attempts += 1
        return _sw(0x63C2)


class VpcdCardClient:
    """Keeps the simulated card connected to vpcd's port while it is 'inserted'.

    Runs one daemon thread. pcscd being stopped closes the link; the client then retries every
    `retry_interval` seconds, so the card comes back when pcscd starts again.
    """

    def __init__(
        self,
        simulator: SocialSecurityCardSimulator,
        host: str = "127.0.0.1",
        port: int = VPCD_DEFAULT_PORT,
        *,
        inserted: bool = True,
        mute_seconds: float = 1.0,
        retry_interval: float = 0.05,
    ) -> None:
        self.simulator = simulator
        self.host = host
        self.port = port
        self.mute_seconds = mute_seconds
        self.retry_interval = retry_interval
        self._inserted = inserted
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._seen = threading.Event()  # vpcd asked for the ATR since the last connect
        self._thread: threading.Thread | None = None
        self.connections = 0

    def start(self) -> None:
        """Start the link thread."""
        self._thread = threading.Thread(target=self._run, name="ssc-card-vpcd", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Remove the card and end the thread."""
        self._stopping.set()
        self.remove()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def insert(self, card: SimulatedCard | None = None) -> None:
        """Insert the card (optionally another one): connect to vpcd."""
        with self._lock:
            if card is not None:
                self.simulator.insert(card)
            self._inserted = True
        self._wake.set()

    def remove(self) -> None:
        """Pull the card out: close the link; vpcd reports the card absent at its next poll."""
        with self._lock:
            self._inserted = False
            self._seen.clear()
            if self._socket is not None:
                _shutdown(self._socket)

    def wait_until_seen(self, timeout: float) -> bool:
        """Wait until vpcd has polled the inserted card (asked for its ATR)."""
        return self._seen.wait(timeout)

    # --- link thread ---

    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                inserted = self._inserted
            if not inserted:
                self._wake.wait(0.1)
                self._wake.clear()
                continue
            sock = self._connect()
            if sock is None:
                self._stopping.wait(self.retry_interval)
                continue
            self._serve(sock)

    def _connect(self) -> socket.socket | None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=1.0)
        except OSError:
            return None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(None)
        with self._lock:
            if not self._inserted or self._stopping.is_set():
                sock.close()
                return None
            self._socket = sock
            self._seen.clear()
            self.connections += 1
        return sock

    def _serve(self, sock: socket.socket | None) -> None:
        while sock is not None:
            sock = self._serve_connection(sock)

    def _serve_connection(self, sock: socket.socket) -> socket.socket | None:
        """Answer vpcd on `sock` until it closes; a replacement socket after a mute spell."""
        try:
            while True:
                message = _receive(sock)
                if message is None:
                    return None  # vpcd closed the link (pcscd stopped) or the card was removed
                if len(message) == 1:
                    self._control(sock, message[0])
                    continue
                reply = self.simulator.process(message)
                if reply.action is LinkAction.MUTE:
                    return self._go_mute()
                _send(sock, reply.rapdu)
                if reply.action is LinkAction.REPLY_THEN_REMOVE:
                    self.remove()
                    return None
        except OSError:
            return None
        finally:
            with self._lock:
                if self._socket is sock:
                    self._socket = None
            sock.close()

    def _control(self, sock: socket.socket, code: int) -> None:
        if code == VPCD_CTRL_ATR:
            _send(sock, self.simulator.card.atr)
            self._seen.set()
        elif code in (VPCD_CTRL_OFF, VPCD_CTRL_ON, VPCD_CTRL_RESET):
            self.simulator.reset()  # no reply to these (vpcd.c vicc_poweron/off/reset)

    def _go_mute(self) -> socket.socket | None:
        """Say nothing; after `mute_seconds` drop the link as a reader's timeout would.

        The card stays in the slot: the new connection is queued in vpcd's listen backlog
        before the caller closes the old one, so vpcd's next presence poll finds the card
        again at once and pcscd never reports it removed.
        """
        if self._stopping.wait(self.mute_seconds):
            return None
        with self._lock:
            if not self._inserted:
                return None
        fresh = self._connect()
        if fresh is not None:
            self.simulator.reset()  # the reader will power the card up again
        return fresh


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _quick_ack(sock: socket.socket) -> None:
    """ACK at once. vpcd 3.3 (Debian) writes the length and the APDU in two send() calls on a
    Nagle socket: the APDU waits for the ACK of the length, which a delayed ACK holds ~40 ms.
    Linux clears TCP_QUICKACK by itself, so it is set again before every receive."""
    if hasattr(socket, "TCP_QUICKACK"):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def _receive_exactly(sock: socket.socket, count: int) -> bytes | None:
    chunks = b""
    while len(chunks) < count:
        _quick_ack(sock)
        chunk = sock.recv(count - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return chunks


def _receive(sock: socket.socket) -> bytes | None:
    header = _receive_exactly(sock, 2)
    if header is None:
        return None
    (length,) = struct.unpack("!H", header)
    return _receive_exactly(sock, length) if length else b""


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack("!H", len(payload)) + payload)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run one demo card against vpcd until interrupted."""
    parser = argparse.ArgumentParser(description="社保卡模拟器（经 vpcd 虚拟读卡器接入 pcscd）")
    parser.add_argument("--card", choices=sorted(DEMO_HOLDERS), default="gen2", help="演示卡")
    parser.add_argument("--host", default="127.0.0.1", help="vpcd 所在主机")
    parser.add_argument("--port", type=int, default=VPCD_DEFAULT_PORT, help="vpcd 端口")
    parser.add_argument(
        "--fault", choices=[f.value for f in CardFault], default="none", help="模拟故障"
    )
    args = parser.parse_args(argv)
    simulator = SocialSecurityCardSimulator(demo_card(args.card), fault=CardFault(args.fault))
    client = VpcdCardClient(simulator, args.host, args.port)
    client.start()
    print(f"社保卡模拟器：{args.card} 卡，连接 {args.host}:{args.port}（Ctrl-C 退出）", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        client.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "DEMO_HOLDERS",
    "CardFault",
    "CardHolder",
    "SimulatedCard",
    "SocialSecurityCardSimulator",
    "VpcdCardClient",
    "build_card",
    "card_number_check_character",
    "demo_card",
]
