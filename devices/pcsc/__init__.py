"""Social security cards (社保卡, generations 1–3) over PC/SC: the API the CLI and UI use.

- `list_pcsc_readers()`: PC/SC reader names.
- `read_once(reader_name, timeout_s)`: wait for a card and read it (for `dengji card read --pcsc`).
- `SocialSecurityCardReader`: the `CardReader` the ReaderMonitor polls.
- `PartialCardError`: a 3.0 card read without a PSAM; `.issuer` holds the EF05 data and
  `.complete_with(id_card_data)` adds it to the 身份证 data read next.
"""

from __future__ import annotations

from devices.card import CardData
from devices.pcsc.errors import (
    CardNoAnswerError,
    CardStatusError,
    NotSocialSecurityCardError,
    PartialCardError,
    PsamError,
    ReaderBusyError,
    UnknownStatusWordError,
)
from devices.pcsc.psam import DemoPsam, ExternalAuthRequest, Psam
from devices.pcsc.reader import SocialSecurityCardReader, list_readers
from devices.pcsc.reader import read_once as _read_once
from devices.pcsc.ssse import HolderData, IssuerData


def list_pcsc_readers() -> list[str]:
    """Names of the PC/SC readers ([] when none); ReaderNotConnectedError when pcscd is down."""
    return list_readers()


def read_once(reader_name: str | None, timeout_s: float) -> CardData:
    """Wait up to `timeout_s` for a 社保卡 on `reader_name` (None: first reader) and read it.

    Raises NoCardError on timeout, PartialCardError for a 3.0 card (no PSAM here), and the
    other CardReadError subclasses, each with its Chinese `.message`.
    """
    return _read_once(reader_name, timeout_s)


__all__ = [
    "CardNoAnswerError",
    "CardStatusError",
    "DemoPsam",
    "ExternalAuthRequest",
    "HolderData",
    "IssuerData",
    "NotSocialSecurityCardError",
    "PartialCardError",
    "Psam",
    "PsamError",
    "ReaderBusyError",
    "SocialSecurityCardReader",
    "UnknownStatusWordError",
    "list_pcsc_readers",
    "read_once",
]
