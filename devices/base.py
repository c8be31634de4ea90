"""The one small interface every card reader driver implements (one module per transport)."""

from __future__ import annotations

import abc
import threading
import time
from typing import ClassVar

from devices.card import CardData
from devices.errors import NoCardError


class CardReader(abc.ABC):
    """A card reader. Not thread-safe: all calls after `open()` must come from the thread that
    opened it (serial and vendor libraries are not thread-safe; the ReaderMonitor's thread owns
    every reader in the application). The check is an assertion, as in Electrum's device code.
    """

    name: str
    family: ClassVar[str] = "读卡器"
    """What the clerk calls this kind of reader (身份证阅读器, 社保卡读卡器): the status bar
    groups readers by it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._owner_thread: int | None = None

    @classmethod
    @abc.abstractmethod
    def is_usable(cls) -> tuple[bool, str]:
        """(True, "") when the driver can work on this machine, else (False, Chinese reason)."""

    @abc.abstractmethod
    def open(self) -> None:
        """Connect to the reader. Raises ReaderNotConnectedError or DriverUnavailableError."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the reader; safe to call twice and after a failed open."""

    @abc.abstractmethod
    def read_card(self) -> CardData | None:
        """Read the card on the reader completely; None when no card is present.

        Raises a CardReadError subclass on any failure; never returns a partly read card.
        """

    @abc.abstractmethod
    def card_present(self) -> bool:
        """True while a card answers on the reader (used to notice its removal)."""

    @property
    def is_open(self) -> bool:
        """True between a successful `open()` and `close()`."""
        return self._owner_thread is not None

    def _claim_thread(self) -> None:
        """Record the calling thread as the one owning this reader (call in `open`)."""
        self._owner_thread = threading.get_ident()

    def _release_thread(self) -> None:
        """Forget the owning thread (call in `close`)."""
        self._owner_thread = None

    def _assert_owner_thread(self) -> None:
        """Fail loudly when reader I/O is attempted from a thread that does not own it."""
        owner = self._owner_thread
        assert owner is None or owner == threading.get_ident(), (
            f"reader {self.name!r} used from thread {threading.get_ident()}, owned by {owner}"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


def wait_for_card(reader: CardReader, timeout_s: float, poll_s: float = 0.2) -> CardData:
    """Poll an open `reader` until a card is read; NoCardError after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        card = reader.read_card()
        if card is not None:
            return card
        if time.monotonic() >= deadline:
            raise NoCardError()
        time.sleep(poll_s)
