"""Tests of devices.mps.frame: encoding, checks, resync, and fuzzing of the frame parser."""

from __future__ import annotations

import contextlib
import functools
import io
import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import CardReadError, FrameError, ReaderTimeoutError
from devices.mps.frame import (
    PREAMBLE,
    decode_command,
    decode_response,
    encode_command,
    encode_response,
    read_frame,
    xor_checksum,
)


@pytest.mark.parametrize(
    ("cmd", "para", "frame_hex"),
    [  # devices.md §1.4, recomputed
        (0x10, 0xFF, "AAAAAA9669 0003 10FF EC"),
        (0x11, 0xFF, "AAAAAA9669 0003 11FF ED"),
        (0x12, 0xFF, "AAAAAA9669 0003 12FF EE"),
        (0x20, 0x01, "AAAAAA9669 0003 2001 22"),
        (0x20, 0x02, "AAAAAA9669 0003 2002 21"),
        (0x30, 0x01, "AAAAAA9669 0003 3001 32"),
        (0x30, 0x03, "AAAAAA9669 0003 3003 30"),
        (0x30, 0x10, "AAAAAA9669 0003 3010 23"),
        (0x60, 0x00, "AAAAAA9669 0003 6000 63"),
    ],
)
def test_command_frames_match_the_documented_bytes(cmd: int, para: int, frame_hex: str) -> None:
    assert encode_command(cmd, para) == bytes.fromhex(frame_hex)


def test_command_with_data_matches_the_documented_bytes() -> None:
    assert encode_command(0x61, 0xFF, b"\x50") == bytes.fromhex("AAAAAA9669 0004 61FF 50 CA")


def test_captured_error_frames_decode() -> None:
    # devices.md §1.5 [S28]: real frames of "read failed" and "SAM failed to authenticate".
    assert decode_response(bytes.fromhex("AAAAAA9669 0004 0000 41 45")).sw3 == 0x41
    assert decode_response(bytes.fromhex("AAAAAA9669 0004 0000 32 36")).sw3 == 0x32


@given(st.binary(max_size=3000))
def test_fast_checksum_equals_a_plain_xor(data: bytes) -> None:
    assert xor_checksum(data) == functools.reduce(operator.xor, data, 0)


@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.binary(max_size=2000))
def test_response_round_trips(sw1: int, sw2: int, sw3: int, data: bytes) -> None:
    reply = decode_response(encode_response(sw3, data, sw1=sw1, sw2=sw2))
    assert (reply.sw1, reply.sw2, reply.sw3, reply.data) == (sw1, sw2, sw3, data)


def test_decode_rejects_a_wrong_checksum() -> None:
    frame = bytearray(encode_response(0x90, b"abc"))
    frame[-1] ^= 1
    with pytest.raises(FrameError, match="校验错误"):
        decode_response(bytes(frame))


def test_decode_rejects_a_length_that_does_not_match() -> None:
    frame = encode_response(0x90, b"abcd")
    with pytest.raises(FrameError):
        decode_response(frame[:-2] + frame[-1:])


def test_decode_rejects_a_bad_preamble_and_a_short_frame() -> None:
    with pytest.raises(FrameError):
        decode_response(b"\xaa\xaa\xab\x96\x69" + encode_response(0x90)[5:])
    with pytest.raises(FrameError):
        decode_response(PREAMBLE + b"\x00")
    with pytest.raises(FrameError):
        decode_command(encode_response(0x90)[:9])


def _source(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def test_read_frame_skips_garbage_before_the_preamble() -> None:
    frame = encode_response(0x9F, b"\x00" * 4)
    assert read_frame(_source(b"\x00\xaa\x13\xaa\xaa" + frame).read) == frame


def test_read_frame_without_any_byte_is_a_timeout() -> None:
    with pytest.raises(ReaderTimeoutError):
        read_frame(_source(b"").read)


def test_read_frame_of_a_truncated_reply_is_a_frame_error() -> None:
    frame = encode_response(0x90, bytes(1284))
    with pytest.raises(FrameError, match="校验错误"):
        read_frame(_source(frame[:700]).read)


def test_read_frame_gives_up_on_endless_garbage() -> None:
    with pytest.raises(FrameError):
        read_frame(_source(bytes(range(256)) * 40).read, max_garbage=1000)


@settings(max_examples=500)
@given(st.binary(max_size=1400))
def test_fuzz_decode_response_raises_only_card_read_errors(data: bytes) -> None:
    for candidate in (data, PREAMBLE + data):
        try:
            decode_response(candidate)
            decode_command(candidate)
        except CardReadError:
            pass


@settings(max_examples=500)
@given(st.binary(max_size=1400), st.integers(0, 1300), st.integers(0, 255))
def test_fuzz_read_frame_on_mutated_streams_raises_only_card_read_errors(
    noise: bytes, position: int, flip: int
) -> None:
    stream = bytearray(noise + encode_response(0x90, noise[:300]))
    if stream:
        stream[position % len(stream)] ^= flip
    with contextlib.suppress(CardReadError):
        decode_response(read_frame(_source(bytes(stream)).read))
