"""`SocialSecurityCardReader`: a 社保卡 reader over PC/SC (pyscard's `smartcard.scard` layer).

The low-level pyscard API is used (not `smartcard.System.readers()` objects) because the
reader must see every PC/SC return code: a stopped pcscd, a vanished reader, a card pulled out
mid-read and a mute card each get their own typed error, and the PC/SC context is rebuilt after
pcscd restarts. The APDU sequence itself lives in `devices.pcsc.ssse`.

A communication failure during a read (PC/SC error or an empty response) is classified by what
happens next: if the reader reports the slot empty within `removal_settle_s` the card was pulled
out (`CardRemovedError`); if the card stays, it stopped answering (`CardNoAnswerError`).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Any

from devices.base import CardReader
from devices.card import CardData
from devices.errors import (
    CardRemovedError,
    DriverUnavailableError,
    NoCardError,
    ReaderNotConnectedError,
)
from devices.pcsc.errors import (
    CardNoAnswerError,
    NotSocialSecurityCardError,
    PartialCardError,
    ReaderBusyError,
)
from devices.pcsc.psam import RKSSSE_KEY_ID, Psam
from devices.pcsc.ssse import read_social_security_card

READER_NOT_CONNECTED = "社保卡读卡器未连接"
DEFAULT_LABEL = "社保卡读卡器"

# PC/SC return codes (pcsclite.h), compared as unsigned 32-bit numbers.
SCARD_S_SUCCESS = 0x00000000
SCARD_E_TIMEOUT = 0x8010000A
SCARD_E_SHARING_VIOLATION = 0x8010000B
SCARD_E_NO_SMARTCARD = 0x8010000C
SCARD_E_UNKNOWN_READER = 0x80100009
SCARD_E_INVALID_HANDLE = 0x80100003
SCARD_E_NOT_TRANSACTED = 0x80100016
SCARD_E_READER_UNAVAILABLE = 0x80100017
SCARD_E_NO_SERVICE = 0x8010001D
SCARD_E_SERVICE_STOPPED = 0x8010001E
SCARD_E_NO_READERS_AVAILABLE = 0x8010002E
SCARD_E_PROTO_MISMATCH = 0x8010000F
SCARD_E_CARD_UNSUPPORTED = 0x8010001C
SCARD_F_COMM_ERROR = 0x80100013
SCARD_W_UNSUPPORTED_CARD = 0x80100065
SCARD_W_UNRESPONSIVE_CARD = 0x80100066
SCARD_W_UNPOWERED_CARD = 0x80100067
SCARD_W_RESET_CARD = 0x80100068
SCARD_W_REMOVED_CARD = 0x80100069

# The daemon or the reader is gone: drop the context, report "reader not connected".
_READER_GONE = frozenset(
    {
        SCARD_E_NO_SERVICE,
        SCARD_E_SERVICE_STOPPED,
        SCARD_E_UNKNOWN_READER,
        SCARD_E_READER_UNAVAILABLE,
        SCARD_E_INVALID_HANDLE,
        SCARD_E_NO_READERS_AVAILABLE,
        SCARD_F_COMM_ERROR,
    }
)
_STALE_CONTEXT = frozenset({SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED, SCARD_E_INVALID_HANDLE})
_CARD_GONE = frozenset({SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD, SCARD_W_RESET_CARD})
_CARD_MUTE = frozenset({SCARD_W_UNRESPONSIVE_CARD, SCARD_W_UNPOWERED_CARD})
_CARD_FOREIGN = frozenset(
    {SCARD_E_PROTO_MISMATCH, SCARD_W_UNSUPPORTED_CARD, SCARD_E_CARD_UNSUPPORTED}
)


def load_scard() -> Any:
    """pyscard's `smartcard.scard` module, or DriverUnavailableError when it cannot load."""
    try:
        return importlib.import_module("smartcard.scard")
    except ImportError as exc:
        raise DriverUnavailableError(
            "未安装 pyscard 或 PC/SC 库（libpcsclite）", detail=str(exc)
        ) from exc


def _code(hresult: Any) -> int:
    return int(hresult) & 0xFFFFFFFF


def _reader_gone(hresult: int, reader_name: str | None = None) -> ReaderNotConnectedError:
    if hresult in (SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED):
        message = f"{READER_NOT_CONNECTED}（智能卡服务 pcscd 未运行）"
    elif reader_name:
        message = f"{READER_NOT_CONNECTED}（未找到「{reader_name}」）"
    else:
        message = READER_NOT_CONNECTED
    return ReaderNotConnectedError(message, detail=f"PC/SC 0x{hresult:08X}")


class _LinkFailure(Exception):
    """SCardTransmit failed or returned less than SW1 SW2 (vpcd does this on a dropped link)."""

    def __init__(self, hresult: int | None) -> None:
        super().__init__(f"PC/SC 0x{hresult:08X}" if hresult is not None else "empty response")
        self.hresult = hresult


class PcscTransport:
    """ApduTransport over a connected PC/SC card handle."""

    def __init__(self, scard: Any, card_handle: Any, protocol: int) -> None:
        self._scard = scard
        self._card_handle = card_handle
        t0 = _code(scard.SCARD_PROTOCOL_T0)
        self._pci = scard.SCARD_PCI_T0 if protocol == t0 else scard.SCARD_PCI_T1
        self.exchanges = 0

    def transmit(self, apdu: bytes) -> bytes:
        """One raw APDU exchange; failures surface as _LinkFailure for the reader to classify."""
        self.exchanges += 1
        hresult, response = self._scard.SCardTransmit(self._card_handle, self._pci, list(apdu))
        code = _code(hresult)
        if code != SCARD_S_SUCCESS:
            raise _LinkFailure(code)
        if len(response) < 2:
            raise _LinkFailure(None)
        return bytes(response)


class SocialSecurityCardReader(CardReader):
    """Reads 社保卡 (generations 1–3) from one PC/SC reader; never sends a PIN.

    `reader_name` is the PC/SC name (e.g. "Virtual PCD 00 00"); a unique prefix is enough, and
    None takes the first reader. With a `psam`, 3.0 cards are unlocked and read completely;
    without one, a 3.0 card gives `PartialCardError` ("第三代社保卡需读身份证以获取其余信息")
    carrying the EF05 data (card number, issuing region, version).
    Cards that rejected the PSAM's cryptogram are remembered and not tried again, since each
    failed EXTERNAL AUTHENTICATE burns a try of the card's key.
    """

    family = "社保卡读卡器"

    def __init__(
        self,
        reader_name: str | None = None,
        *,
        psam: Psam | None = None,
        rkssse_key_id: int = RKSSSE_KEY_ID,
        removal_settle_s: float = 1.0,
    ) -> None:
        super().__init__(reader_name or DEFAULT_LABEL)
        self.requested_name = reader_name or None  # "" (registry default) = first reader
        self.psam = psam
        self.rkssse_key_id = rkssse_key_id
        self.removal_settle_s = removal_settle_s
        self.pcsc_name: str | None = None
        self.last_exchange_count = 0
        self._scard: Any = None
        self._context: Any = None
        self._refused_cards: set[bytes] = set()

    @classmethod
    def is_usable(cls) -> tuple[bool, str]:
        """Usable when pyscard and libpcsclite load; a stopped pcscd is a runtime condition."""
        try:
            load_scard()
        except DriverUnavailableError as exc:
            return False, exc.message
        return True, ""

    def open(self) -> None:
        """Establish the PC/SC context and find the reader; ReaderNotConnectedError if absent."""
        self._claim_thread()
        self._scard = load_scard()
        self._resolve_reader()

    def close(self) -> None:
        """Release the PC/SC context."""
        self._drop_context()
        self._release_thread()

    def card_present(self) -> bool:
        """True while a responsive card sits in the reader."""
        self._assert_owner_thread()
        return self._present(self._current_state())

    def wait_for_card(self, timeout_s: float) -> bool:
        """Block up to `timeout_s` until a card is present (PC/SC status-change wait)."""
        self._assert_owner_thread()
        deadline = time.monotonic() + timeout_s
        state = self._current_state()
        while not self._present(state):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            state = self._wait_for_change(state, remaining)
        return True

    def read_card(self) -> CardData | None:
        """Read the inserted card; None without a card; PartialCardError for locked EF06."""
        self._assert_owner_thread()
        if not self._present(self._current_state()):
            return None
        scard = self._scard
        reader = self._resolve_reader()
        hresult, card_handle, protocol = scard.SCardConnect(
            self._context,
            reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        code = _code(hresult)
        if code in _CARD_GONE:
            return None
        if code != SCARD_S_SUCCESS:
            raise self._connect_error(code, reader)
        transport = PcscTransport(scard, card_handle, _code(protocol))
        try:
            scard.SCardBeginTransaction(card_handle)
            return read_social_security_card(
                transport,
                reader_name=reader,
                atr=self._atr(card_handle),
                psam=self.psam,
                key_id=self.rkssse_key_id,
                refused_cards=self._refused_cards,
            )
        except _LinkFailure as failure:
            error = self._classify_link_failure(failure, reader)
            if isinstance(error, CardRemovedError) and transport.exchanges == 1:
                return None  # gone before it answered anything: there was no card to read
            raise error from None
        except PartialCardError as partial:
            if partial.authentication_refused:
                self._refused_cards.add(partial.issuer.card_identifier)
            raise
        finally:
            self.last_exchange_count = transport.exchanges
            scard.SCardEndTransaction(card_handle, scard.SCARD_LEAVE_CARD)
            # Reset after a PSAM unlock so the card does not stay open to other programs.
            disposition = scard.SCARD_RESET_CARD if self.psam else scard.SCARD_LEAVE_CARD
            scard.SCardDisconnect(card_handle, disposition)

    # --- PC/SC plumbing ---

    def _ensure_context(self) -> Any:
        if self._scard is None:
            self._scard = load_scard()
        if self._context is None:
            hresult, context = self._scard.SCardEstablishContext(self._scard.SCARD_SCOPE_USER)
            code = _code(hresult)
            if code != SCARD_S_SUCCESS:
                raise _reader_gone(code)
            self._context = context
        return self._context

    def _drop_context(self) -> None:
        context, self._context = self._context, None
        if context is not None and self._scard is not None:
            self._scard.SCardReleaseContext(context)

    def _fail(self, code: int) -> ReaderNotConnectedError:
        self._drop_context()  # a restarted pcscd needs a new context
        return _reader_gone(code, self.requested_name)

    def _on_context(self, operation: Callable[[Any], tuple[Any, Any]]) -> tuple[int, Any]:
        """Run a context-level PC/SC call; a context left over from a pcscd that has since
        restarted answers SCARD_E_NO_SERVICE for good, so retry once on a fresh context."""
        code, result = SCARD_E_NO_SERVICE, None
        for _attempt in range(2):
            hresult, result = operation(self._ensure_context())
            code = _code(hresult)
            if code not in _STALE_CONTEXT:
                break
            self._drop_context()
        return code, result

    def _resolve_reader(self) -> str:
        """The PC/SC name of our reader, looked up afresh (readers come and go)."""
        code, names = self._on_context(lambda context: self._scard.SCardListReaders(context, []))
        if code != SCARD_S_SUCCESS:
            raise self._fail(code)
        match = pick_reader(list(names), self.requested_name)
        if match is None:
            raise _reader_gone(SCARD_E_UNKNOWN_READER, self.requested_name)
        self.pcsc_name = match
        self.name = match
        return match

    def _current_state(self) -> int:
        reader = self.pcsc_name or self._resolve_reader()
        return self._status(reader, self._scard.SCARD_STATE_UNAWARE, 0)

    def _status(self, reader: str, known_state: int, timeout_ms: int) -> int:
        """SCardGetStatusChange for one reader: its event state (SCARD_E_TIMEOUT → known)."""
        code, states = self._on_context(
            lambda context: self._scard.SCardGetStatusChange(
                context, timeout_ms, [(reader, known_state)]
            )
        )
        if code == SCARD_E_TIMEOUT:
            return known_state
        if code != SCARD_S_SUCCESS:
            self.pcsc_name = None
            raise self._fail(code)
        return int(states[0][1])

    def _wait_for_change(self, state: int, timeout_s: float) -> int:
        reader = self.pcsc_name or self._resolve_reader()
        return self._status(reader, state & ~self._scard.SCARD_STATE_CHANGED, int(timeout_s * 1000))

    def _present(self, state: int) -> bool:
        scard = self._scard
        return bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE

    def _atr(self, card_handle: Any) -> bytes:
        hresult, _reader, _state, _protocol, atr = self._scard.SCardStatus(card_handle)
        return bytes(atr) if _code(hresult) == SCARD_S_SUCCESS else b""

    def _connect_error(self, code: int, reader: str) -> Exception:
        if code == SCARD_E_SHARING_VIOLATION:
            return ReaderBusyError(reader)
        if code in _CARD_MUTE:
            return CardNoAnswerError()
        if code in _CARD_FOREIGN:
            return NotSocialSecurityCardError()
        return self._fail(code)

    def _classify_link_failure(self, failure: _LinkFailure, reader: str) -> Exception:
        """Removed, mute, or reader gone: decided by how the slot looks right after."""
        code = failure.hresult
        if code in _CARD_GONE:
            return CardRemovedError("社保卡在读取过程中被拔出，请重新插卡", detail=str(failure))
        if code in _READER_GONE:
            return self._fail(code)
        # vpcd/pcscd notice a removal at their next presence poll (pcscd polls every 400 ms).
        deadline = time.monotonic() + self.removal_settle_s
        state = self._status(reader, self._scard.SCARD_STATE_UNAWARE, 0)
        while self._present(state):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return CardNoAnswerError()
            state = self._wait_for_change(state, remaining)
        return CardRemovedError("社保卡在读取过程中被拔出，请重新插卡", detail=str(failure))


def pick_reader(names: list[str], requested: str | None) -> str | None:
    """The reader called `requested` (exact, else the first with that prefix); None: first."""
    if requested is None:
        return names[0] if names else None
    if requested in names:
        return requested
    return next((name for name in names if name.startswith(requested)), None)


def list_readers() -> list[str]:
    """Names of the PC/SC readers; [] when none. ReaderNotConnectedError if pcscd is down."""
    scard = load_scard()
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    code = _code(hresult)
    if code != SCARD_S_SUCCESS:
        raise _reader_gone(code)
    try:
        hresult, names = scard.SCardListReaders(context, [])
        code = _code(hresult)
        if code == SCARD_E_NO_READERS_AVAILABLE:
            return []
        if code != SCARD_S_SUCCESS:
            raise _reader_gone(code)
        return [str(name) for name in names]
    finally:
        scard.SCardReleaseContext(context)


def read_once(reader_name: str | None, timeout_s: float, *, psam: Psam | None = None) -> CardData:
    """Open the reader, wait up to `timeout_s` for a card, read it, close.

    Raises NoCardError when no card arrives in time, PartialCardError for a locked 3.0 card,
    and the other CardReadError subclasses as `SocialSecurityCardReader.read_card`.
    """
    reader = SocialSecurityCardReader(reader_name, psam=psam)
    reader.open()
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if not reader.wait_for_card(max(0.0, deadline - time.monotonic())):
                raise NoCardError(f"{timeout_s:g} 秒内未检测到社保卡，请插入社保卡")
            card = reader.read_card()
            if card is not None:
                return card
            # The card left between the presence check and the read: wait again.
    finally:
        reader.close()
