"""A third-generation 社保卡 read without its holder data, waiting for the 身份证 read after it."""

from __future__ import annotations

from typing import Final

from devices.card import CardData, CardSource
from devices.pcsc.errors import PartialCardError

# Long enough for the clerk to take the 社保卡 out and lay the 身份证 on the other reader, short
# enough that the number is not added to the next person in the queue.
PARTIAL_HOLD_S: Final = 120.0


class PendingSocialSecurityCard:
    """Holds the EF05 data of a locked 3.0 card (card number, issuing region, version) until the
    next ID card is read, then adds it to that card's data (devices.md Part B §3: without a PSAM
    the holder data stays locked, and the 身份证 gives name and number instead).

    Not thread-safe: the ReaderMonitor uses it from its own thread only.
    """

    def __init__(self, hold_s: float = PARTIAL_HOLD_S) -> None:
        self.hold_s = hold_s
        self._partial: PartialCardError | None = None
        self._held_at = 0.0

    @property
    def partial(self) -> PartialCardError | None:
        """The 社保卡 waiting for its 身份证, if any (expired ones count as none)."""
        return self._partial

    def hold(self, partial: PartialCardError, now: float) -> None:
        """Keep `partial` for the ID card read within `hold_s` seconds of `now`."""
        self._partial, self._held_at = partial, now

    def clear(self) -> None:
        self._partial = None

    def complete(self, card: CardData, now: float) -> CardData:
        """`card` with the held 社保卡 data added when it is the 身份证 read in time; any read
        ends the wait (a complete 社保卡, or an ID card that already carries a card number)."""
        partial, self._partial = self._partial, None
        if partial is None or now - self._held_at > self.hold_s:
            return card
        if card.source is not CardSource.ID_CARD_READER or card.ss_card_number is not None:
            return card
        return partial.complete_with(card)
