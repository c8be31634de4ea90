"""The PSAM seam that unlocks EF06 of a 3.0 社保卡 (RKSSSE external authentication); a demo PSAM.

A 3.0 card locks EF06 (持卡人基本信息) with the read key RKSSSE; the reader must send
EXTERNAL AUTHENTICATE `00 82 00 0A 10 <8-byte 鉴别数据><8-byte 原始信息>` first
(devices.md Part B §3.1). Only a PSAM in the reader's SAM slot, or the region's 加密机 (HSM),
holds the issuer keys, and their command sets are regional and not public. So the reader depends
on the small `Psam` protocol below; a deployment plugs in an adapter for its PSAM or HSM.

`DemoPsam` is NOT a real PSAM: it computes a stand-in cryptogram (HMAC-SHA256, since the real
DES/SSF33/SM4 keys are secret) that the card emulator `devices.emulators.ssc_card` accepts, so
demo mode and tests run the full 3.0 code path.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from devices.pcsc.errors import PsamError

# Sample code (SSCARDCtrl.cpp, evolis_z390_printer.cpp) unlocks EF06 with key id 0A;
# devices.md Part B §3.1 marks this [INFERRED]: configurable on `SocialSecurityCardReader`.
RKSSSE_KEY_ID = 0x0A
AUTHENTICATION_DATA_LENGTH = 16  # 8-byte 鉴别数据 + 8-byte 原始信息
CHALLENGE_LENGTH = 8


class AuthAlgorithm(enum.Enum):
    """The SSSE algorithm (FCI tag 9F0C, template 86; Sichuan 读写机具规范 §10.1)."""

    DES = 0x01
    SSF33 = 0x02
    SM4 = 0x03


@dataclass(frozen=True, slots=True)
class ExternalAuthRequest:
    """What a PSAM needs to compute the RKSSSE external authentication for one card.

    `diversification_factor` is the 8-byte second-level factor of Sichuan §10.3, built from the
    卡识别码; `challenge` the 8 random bytes the card just returned to GET CHALLENGE.
    """

    card_identifier: bytes  # EF05 tag 01, 16 bytes
    region_code: str  # first 6 digits of 卡识别码
    diversification_factor: bytes
    algorithm: AuthAlgorithm
    challenge: bytes
    atr: bytes
    key_id: int = RKSSSE_KEY_ID


class Psam(Protocol):
    """A PSAM (or HSM front) that can unlock EF06 of a 3.0 card.

    `authentication_data` returns the 16 data bytes of EXTERNAL AUTHENTICATE
    (8-byte 鉴别数据 + 8-byte 原始信息) or raises `PsamError` with a Chinese message
    (no RKSSSE key → Sichuan error −2203, PSAM absent → −2201, and so on).
    It is called on the reader thread, so it may do blocking I/O on its own slot.
    """

    @property
    def name(self) -> str:
        """A label for logs and messages, e.g. the PC/SC name of the SAM slot."""
        ...

    def authentication_data(self, request: ExternalAuthRequest) -> bytes: ...


# Demo issuer master key: synthetic, known to the emulator and to `DemoPsam` only.
DEMO_MASTER_KEY = b"dengji-demo-RKSSSE-master-key-v1"


def demo_card_key(master_key: bytes, diversification_factor: bytes) -> bytes:
    """The card-level demo RKSSSE key: the master key diversified by the card's factor."""
    return hmac.new(master_key, diversification_factor, hashlib.sha256).digest()


def demo_cryptogram(card_key: bytes, challenge: bytes) -> bytes:
    """The 8-byte stand-in 鉴别数据 for `challenge` under `card_key` (HMAC, not DES/SM4)."""
    return hmac.new(card_key, challenge, hashlib.sha256).digest()[:8]


class DemoPsam:
    """A software PSAM holding the demo master key: unlocks the emulator's demo 3.0 cards."""

    def __init__(self, master_key: bytes = DEMO_MASTER_KEY, name: str = "演示 PSAM") -> None:
        self._master_key = master_key
        self._name = name
        self.requests: list[ExternalAuthRequest] = []

    @property
    def name(self) -> str:
        """The label shown in messages."""
        return self._name

    def authentication_data(self, request: ExternalAuthRequest) -> bytes:
        """8-byte demo cryptogram of the challenge followed by the challenge itself."""
        if len(request.challenge) != CHALLENGE_LENGTH:
            raise PsamError(f"PSAM 收到的随机数长度错误（{len(request.challenge)} 字节）")
        self.requests.append(request)
        card_key = demo_card_key(self._master_key, request.diversification_factor)
        return demo_cryptogram(card_key, request.challenge) + request.challenge
