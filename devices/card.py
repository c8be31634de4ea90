"""What a card reader yields: the immutable `CardData` of one card, whatever the reader."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class CardKind(enum.Enum):
    """The kind of physical card that was read; the value is its Chinese name."""

    RESIDENT_ID = "居民身份证"
    HMT_RESIDENCE_PERMIT = "港澳台居民居住证"  # type J
    FOREIGN_PERMANENT_RESIDENT = "外国人永久居留身份证"  # types I and Y
    SOCIAL_SECURITY = "社会保障卡"


class CardSource(enum.Enum):
    """Which reader family produced the data (the form marks pre-filled fields with it)."""

    ID_CARD_READER = "身份证"
    SOCIAL_SECURITY_READER = "社保卡"


@dataclass(frozen=True, slots=True)
class CardData:
    """Everything read from one card. Fields a card does not hold are None.

    `id_number` is the number printed on the document (18-digit 公民身份号码 for resident
    cards and J permits, the permanent-residence number for I/Y cards). `name` is the Chinese
    name; `name_en` the English name of a foreign permanent resident card.
    """

    kind: CardKind
    source: CardSource
    name: str
    id_number: str
    sex: str | None = None  # GB/T 2261.1 code: "1" 男, "2" 女
    ethnicity: str | None = None  # GB/T 3304 code, "01".."56", resident cards only
    birth_date: date | None = None
    address: str | None = None
    issuer: str | None = None  # 签发机关
    valid_from: date | None = None
    valid_until: date | None = None  # None means 长期
    name_en: str | None = None
    nationality: str | None = None  # ISO 3166-1 alpha-3 on I/Y cards
    permit_number: str | None = None  # 通行证号码 on J cards
    issue_count: int | None = None  # 签发次数 on J cards
    photo: bytes | None = None  # decoded BMP/PNG when a licensed WLT decoder is installed
    photo_wlt: bytes | None = None  # the raw 1024-byte WLT block as read
    ss_card_number: str | None = None  # 社会保障卡卡号
    ss_card_issuer: str | None = None  # 发卡地区/机构 (区划代码)
    ss_card_version: str | None = None  # 规范版本, e.g. "2.00", "3.00"
    reader_name: str = ""

    def is_expired(self, today: date) -> bool:
        """True when the card's validity ended before `today` (long-term cards never expire)."""
        return self.valid_until is not None and self.valid_until < today
