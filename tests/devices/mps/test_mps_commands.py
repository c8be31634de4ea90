"""Tests of devices.mps.commands: the read-card reply layout (devices.md §1.7)."""

from __future__ import annotations

import pytest

from devices.errors import FrameError
from devices.mps import commands
from devices.mps.frame import encode_response


def test_read_reply_is_1295_bytes_with_len_0508() -> None:
    frame = encode_response(0x90, commands.join_read_reply(bytes(256), bytes(1024)))
    assert len(frame) == commands.READ_BASE_REPLY_LEN
    assert frame[:14] == bytes.fromhex("AAAAAA9669 0508 000090 0100 0400")


def test_split_read_reply_slices_text_and_photo() -> None:
    text, photo = bytes(range(256)), bytes(1024)
    blocks = commands.split_read_reply(commands.join_read_reply(text, photo))
    assert (blocks.text, blocks.photo_wlt, blocks.fingerprints) == (text, photo, b"")


def test_split_read_reply_with_fingerprint_lengths() -> None:
    data = bytes.fromhex("0100 0400 0400") + bytes(256) + bytes(1024) + b"\x01" * 1024
    blocks = commands.split_read_reply(data, with_fingerprints=True)
    assert blocks.fingerprints == b"\x01" * 1024


@pytest.mark.parametrize(
    "data",
    [
        b"",
        bytes.fromhex("0100"),
        commands.join_read_reply(bytes(256), bytes(1024))[:-24],  # lengths say more than sent
        commands.join_read_reply(bytes(256), bytes(1024)) + b"\x00",
        commands.join_read_reply(bytes(200), bytes(1024)),  # text must be 256 bytes
        commands.join_read_reply(bytes(256), bytes(2000)),
    ],
)
def test_split_read_reply_rejects_lengths_that_do_not_add_up(data: bytes) -> None:
    with pytest.raises(FrameError):
        commands.split_read_reply(data)
