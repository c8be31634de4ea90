"""The MPS SAM commands (devices.md §1.4) and the layout of the read-card reply (§1.7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from devices.errors import FrameError
from devices.mps.frame import encode_command

RESET_SAM: Final = encode_command(0x10, 0xFF)  # §1.4: 10 FF (the 01 FF variant is unconfirmed)
SAM_STATUS: Final = encode_command(0x11, 0xFF)
READ_SAM_ID: Final = encode_command(0x12, 0xFF)
FIND_CARD: Final = encode_command(0x20, 0x01)
SELECT_CARD: Final = encode_command(0x20, 0x02)
READ_BASE: Final = encode_command(0x30, 0x01)  # text + photo
READ_NEW_ADDRESS: Final = encode_command(0x30, 0x03)
READ_BASE_FINGERPRINT: Final = encode_command(0x30, 0x10)  # text + photo + fingerprints

TEXT_BLOCK_LEN: Final = 256
PHOTO_BLOCK_LEN: Final = 1024
# §1.7: SW(3) + text len(2) + photo len(2) + 256 + 1024 + CHK → Len 0x0508, frame 1295 bytes.
READ_BASE_REPLY_LEN: Final = 1295


@dataclass(frozen=True, slots=True)
class CardBlocks:
    """The raw blocks of a read-card reply: 256-byte text, WLT photo, fingerprints if asked."""

    text: bytes
    photo_wlt: bytes
    fingerprints: bytes = b""


def split_read_reply(data: bytes, *, with_fingerprints: bool = False) -> CardBlocks:
    """Slice the data of a `30 01` (or `30 10`) reply by its big-endian length fields.

    Raises FrameError when the lengths do not add up (§1.7: rely on the length fields).
    """
    header_len = 6 if with_fingerprints else 4
    if len(data) < header_len:
        raise FrameError(detail=f"read reply of {len(data)} bytes has no length fields")
    text_len = (data[0] << 8) | data[1]
    photo_len = (data[2] << 8) | data[3]
    fingerprint_len = ((data[4] << 8) | data[5]) if with_fingerprints else 0
    if text_len != TEXT_BLOCK_LEN or photo_len > PHOTO_BLOCK_LEN:
        raise FrameError(detail=f"text length {text_len}, photo length {photo_len}")
    if header_len + text_len + photo_len + fingerprint_len != len(data):
        raise FrameError(
            detail=f"lengths {text_len}+{photo_len}+{fingerprint_len} but {len(data)} data bytes"
        )
    text_end = header_len + text_len
    photo_end = text_end + photo_len
    return CardBlocks(
        text=bytes(data[header_len:text_end]),
        photo_wlt=bytes(data[text_end:photo_end]),
        fingerprints=bytes(data[photo_end:]),
    )


def join_read_reply(text: bytes, photo_wlt: bytes) -> bytes:
    """The data of a `30 01` reply (what a reader sends; used by the emulator and tests)."""
    return len(text).to_bytes(2, "big") + len(photo_wlt).to_bytes(2, "big") + text + photo_wlt
