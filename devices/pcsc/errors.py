"""Errors of social security card (社保卡) reading over PC/SC, each with its Chinese message."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from devices.card import CardData
from devices.errors import CardReadError

if TYPE_CHECKING:
    from devices.pcsc.ssse import IssuerData


class CardStatusError(CardReadError):
    """The card refused a command: `sw` is its status word, `action` what was being done.

    `meaning` is the Chinese meaning of `sw` from `devices.pcsc.apdu.STATUS_WORD_MEANINGS`.
    """

    def __init__(self, sw: int, action: str, meaning: str, message: str | None = None) -> None:
        self.sw = sw
        self.action = action
        self.meaning = meaning
        super().__init__(message or f"社保卡{action}失败：{meaning}（状态码 {sw:04X}），请重新插卡")


class UnknownStatusWordError(CardStatusError):
    """The card answered a status word the 社保卡 specification does not define."""

    def __init__(self, sw: int, action: str) -> None:
        super().__init__(
            sw,
            action,
            "未知状态",
            f"社保卡{action}时返回未知状态码 {sw:04X}，请重新插卡；反复出现请联系发卡机构",
        )


class NotSocialSecurityCardError(CardReadError):
    """The inserted card has no 社会保障系统环境 (SELECT of `sx1.sh.社会保障` failed)."""

    def __init__(self, sw: int | None = None) -> None:
        self.sw = sw
        detail = f"（未找到社会保障应用，状态码 {sw:04X}）" if sw is not None else ""
        super().__init__(f"插入的卡不是社会保障卡{detail}，请确认插入的是社保卡芯片面")


class CardNoAnswerError(CardReadError):
    """The card stopped answering while it stayed in the reader (mute card, bad contact)."""

    def __init__(self) -> None:
        super().__init__("社保卡无应答，请取出后擦拭芯片再重新插入")


class ReaderBusyError(CardReadError):
    """Another program holds the reader exclusively."""

    def __init__(self, reader_name: str) -> None:
        self.reader_name = reader_name
        super().__init__(f"社保卡读卡器「{reader_name}」正被其他程序占用，请关闭该程序后重试")


class PsamError(CardReadError):
    """A PSAM could not compute the external authentication (no key, wrong region, fault)."""


class PartialCardError(CardReadError):
    """Only the issuer data (EF05) could be read; the holder data (EF06) stayed locked.

    A 3.0 card locks EF06 behind external authentication with RKSSSE (devices.md Part B §3);
    without a PSAM, or when the PSAM cannot unlock the card, the reader still gets the card
    number, issuing region and specification version. `CardData` needs a name and an ID number,
    so no `CardData` is made from this: `issuer` carries what was read, and
    `complete_with(id_card)` adds it to the data of the 身份证 the clerk reads next.
    """

    def __init__(
        self,
        issuer: IssuerData,
        reader_name: str,
        reason: str,
        *,
        authentication_refused: bool = False,
    ) -> None:
        self.issuer = issuer
        self.reader_name = reader_name
        # True when the card rejected the PSAM's cryptogram (63Cx/6983): trying again would
        # burn another try of the card's RKSSSE key, so the reader does not.
        self.authentication_refused = authentication_refused
        super().__init__(reason)

    def complete_with(self, id_card: CardData) -> CardData:
        """The 身份证 data `id_card` with this card's number, issuer and version added."""
        return replace(
            id_card,
            ss_card_number=self.issuer.card_number,
            ss_card_issuer=self.issuer.region_code,
            ss_card_version=self.issuer.spec_version,
        )
