"""Framing of the MPS SAM protocol: preamble AA AA AA 96 69, big-endian length, XOR checksum."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from devices.errors import FrameError, ReaderTimeoutError

PREAMBLE: Final = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN: Final = 7  # preamble + Len1 + Len2
# §1.7: the longest known reply is text + photo + fingerprints, Len 0x090A; allow headroom.
MAX_BODY_LEN: Final = 0x0C00
MIN_COMMAND_BODY: Final = 3  # CMD PARA CHK
MIN_RESPONSE_BODY: Final = 4  # SW1 SW2 SW3 CHK

ByteSource = Callable[[int], bytes]
"""Reads up to n bytes; returns fewer only when its timeout expired (pyserial semantics)."""


@dataclass(frozen=True, slots=True)
class Command:
    """A host → reader frame: command byte, parameter byte, data."""

    cmd: int
    para: int
    data: bytes = b""


@dataclass(frozen=True, slots=True)
class Response:
    """A reader → host frame: SW1 SW2 (card status passed through), SW3 (SAM status), data."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes


def xor_checksum(data: bytes) -> int:
    """XOR of all bytes (§1.3: over Len1..last data byte, preamble and checksum excluded)."""
    # Fold 8 bytes at a time: a 1288-byte read reply costs ~3 µs instead of ~50 µs.
    whole = len(data) - len(data) % 8
    acc = 0
    view = memoryview(data)
    if whole:
        for word in view[:whole].cast("Q"):
            acc ^= word
    folded = 0
    for shift in range(0, 64, 8):
        folded ^= (acc >> shift) & 0xFF
    for byte in view[whole:]:
        folded ^= byte
    return folded


def _encode(body: bytes) -> bytes:
    length = len(body) + 1
    head = bytes((length >> 8, length & 0xFF))
    return PREAMBLE + head + body + bytes((xor_checksum(head + body),))


def encode_command(cmd: int, para: int, data: bytes = b"") -> bytes:
    """The full frame of a command (e.g. find card: AA AA AA 96 69 00 03 20 01 22)."""
    return _encode(bytes((cmd, para)) + data)


def encode_response(sw3: int, data: bytes = b"", *, sw1: int = 0, sw2: int = 0) -> bytes:
    """The full frame of a reply (what a reader sends; used by the emulator and tests)."""
    return _encode(bytes((sw1, sw2, sw3)) + data)


def body_length(header: bytes) -> int:
    """Length field of a 7-byte header (bytes after the header, checksum included)."""
    if len(header) < HEADER_LEN or header[:5] != PREAMBLE:
        raise FrameError(detail="bad preamble")
    length = (header[5] << 8) | header[6]
    if length < MIN_COMMAND_BODY or length > MAX_BODY_LEN:
        raise FrameError(detail=f"length field {length} out of range")
    return length


def _check_frame(frame: bytes, minimum_body: int) -> None:
    if len(frame) < HEADER_LEN + minimum_body:
        raise FrameError(detail=f"frame of {len(frame)} bytes is too short")
    length = body_length(frame)
    if length != len(frame) - HEADER_LEN:
        raise FrameError(detail=f"length field {length} but {len(frame) - HEADER_LEN} bytes")
    if length < minimum_body:
        raise FrameError(detail=f"body of {length} bytes is too short")
    expected = xor_checksum(frame[5:-1])
    if frame[-1] != expected:
        raise FrameError(detail=f"checksum {frame[-1]:02X}, computed {expected:02X}")


def decode_response(frame: bytes) -> Response:
    """Check and split a complete reply frame. Raises FrameError and nothing else."""
    _check_frame(frame, MIN_RESPONSE_BODY)
    return Response(frame[7], frame[8], frame[9], bytes(frame[10:-1]))


def decode_command(frame: bytes) -> Command:
    """Check and split a complete command frame. Raises FrameError and nothing else."""
    _check_frame(frame, MIN_COMMAND_BODY)
    return Command(frame[7], frame[8], bytes(frame[9:-1]))


def read_frame(read: ByteSource, *, max_garbage: int = 4096) -> bytes:
    """Read one frame: 7 header bytes, then exactly the announced length (§1.3 receive strategy).

    Bytes before the preamble are skipped (resync) up to `max_garbage`. Raises
    ReaderTimeoutError when nothing at all arrived, FrameError for a partial or garbled frame.
    """
    buf = bytearray(read(HEADER_LEN))
    if not buf:
        raise ReaderTimeoutError(detail="no reply")
    skipped = 0
    while True:
        if len(buf) < HEADER_LEN:
            more = read(HEADER_LEN - len(buf))
            if not more:
                raise FrameError(detail=f"truncated header after {skipped} skipped bytes")
            buf += more
            continue
        if buf.startswith(PREAMBLE):
            break
        start = buf.find(PREAMBLE, 1)
        # Keep a possible partial preamble at the end of the buffer.
        drop = start if start > 0 else len(buf) - (len(PREAMBLE) - 1)
        skipped += drop
        if skipped > max_garbage:
            raise FrameError(detail=f"no preamble in {skipped} bytes")
        del buf[:drop]
    length = body_length(bytes(buf))
    body = read(length)
    if len(body) != length:
        raise FrameError(detail=f"truncated frame: {len(body)} of {length} bytes")
    return bytes(buf) + body
