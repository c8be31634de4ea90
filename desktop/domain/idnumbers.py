"""Identity-document numbers seen at the counter: parsing, validation (GB 11643-1999), masking."""

from __future__ import annotations

import enum
import functools
import itertools
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from desktop.domain.errors import DomainError
from desktop.domain.regions import address_code_problem, full_region_name, region

__all__ = [
    "DocumentType",
    "IdDocument",
    "InvalidIdNumberError",
    "check_digit",
    "detect_document_type",
    "is_valid_id_number",
    "mask_id_number",
    "normalize_id_text",
    "parse_id_number",
    "upgrade_15_to_18",
]


class DocumentType(enum.Enum):
    """Identity documents accepted for registration; the value is the name shown to the clerk."""

    RESIDENT_ID = "居民身份证"
    RESIDENT_ID_15 = "居民身份证(15位旧号码)"
    HMT_RESIDENCE_PERMIT = "港澳台居民居住证"
    HK_MACAU_TRAVEL_PERMIT = "港澳居民来往内地通行证"
    TAIWAN_TRAVEL_PERMIT = "台湾居民来往大陆通行证"
    FOREIGN_PERMANENT_RESIDENT = "外国人永久居留身份证"
    # The 社会保障号码 on the card is the holder's 18-digit citizen identity number.
    SOCIAL_SECURITY_CARD = "社会保障卡"


class InvalidIdNumberError(DomainError):
    """A document number is malformed; `message` says exactly what is wrong, in Chinese."""

    def __init__(
        self, message: str, *, number: str = "", doc_type: DocumentType | None = None
    ) -> None:
        super().__init__(message)
        self.number = number
        self.doc_type = doc_type


@dataclass(frozen=True, slots=True)
class IdDocument:
    """A parsed, valid document number and what the number itself tells about the holder.

    `number` is normalised (ASCII, upper-case X, no spaces); a 15-digit number is upgraded to
    18 digits and the original kept in `converted_from`. `sex` is the GB/T 2261.1 code
    ("1" male, "2" female) when the number encodes it, else None.
    """

    number: str
    doc_type: DocumentType
    region_code: str | None
    region_name: str | None
    birth_date: date | None
    sex: str | None
    is_hmt: bool
    hmt_origin: str | None
    converted_from: str | None = None


# GB 11643-1999 §5.1: ISO 7064 MOD 11-2, weight of position i is 2^(18-i) mod 11.
_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS: Final = "10X98765432"
_DIGITS: Final = frozenset("0123456789")
_EARLIEST_BIRTH_YEAR: Final = 1900
_HMT_ORIGIN_BY_PREFIX: Final = {"81": "香港", "82": "澳门", "83": "台湾"}
_HMT_ORIGIN_BY_LETTER: Final = {"H": "香港", "M": "澳门"}
# Chunk boundaries of the 17-digit body; each chunk's weighted sum is looked up, not computed,
# which is what lets is_valid_id_number reach its speed target (bench/bench_idnumbers.py).
_CHUNKS: Final = ((0, 3), (3, 6), (6, 9), (9, 12), (12, 15), (15, 17))


def _chunk_table(start: int, end: int) -> dict[str, int]:
    return {
        "".join(digits): sum(int(d) * w for d, w in zip(digits, _WEIGHTS[start:end], strict=True))
        for digits in itertools.product("0123456789", repeat=end - start)
    }


_C0, _C1, _C2, _C3, _C4, _C5 = (_chunk_table(start, end) for start, end in _CHUNKS)


def _check_char_of(body: str) -> str:
    """Check character of 17 ASCII digits (no validation: callers have checked)."""
    weighted = (
        _C0[body[0:3]]
        + _C1[body[3:6]]
        + _C2[body[6:9]]
        + _C3[body[9:12]]
        + _C4[body[12:15]]
        + _C5[body[15:17]]
    )
    return _CHECK_CHARS[weighted % 11]


def check_digit(first17: str) -> str:
    """The 18th character ("0"–"9" or "X") for the first 17 digits of an ID number."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise InvalidIdNumberError(f"计算校验码需要17位数字，现为「{first17}」", number=first17)
    return _check_char_of(first17)


def normalize_id_text(text: str) -> str:
    """What the clerk typed or the reader gave, as ASCII: full-width → half-width, no
    whitespace anywhere, letters upper-case ("ｘ" and "x" become "X")."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).upper()


def upgrade_15_to_18(number15: str) -> str:
    """Convert a 15-digit legacy number to 18 digits (GB 11643-1999 §5.2: insert "19" before
    YYMMDD, append the MOD 11-2 check character). Only the format is checked here."""
    number = normalize_id_text(number15)
    if len(number) != 15 or not number.isdigit():
        raise InvalidIdNumberError(
            f"15位旧号码应为15位数字，现为「{number15}」",
            number=number,
            doc_type=DocumentType.RESIDENT_ID_15,
        )
    body = number[:6] + "19" + number[6:]
    return body + _check_char_of(body)


def mask_id_number(number: str) -> str:
    """Hide the middle of a number for display and logs: "6201**********1234".

    Keeps the first 4 and last 4 characters; shorter numbers keep less so something is hidden.
    """
    text = normalize_id_text(number)
    keep = min(4, (len(text) - 1) // 2)
    if keep <= 0:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


# --- dates -------------------------------------------------------------------------------------


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


@functools.lru_cache(maxsize=1 << 16)
def _birth_yyyymmdd(text: str) -> int:
    """YYYYMMDD as an int when `text` (8 ASCII digits) is a real date from 1900 on, else 0."""
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    if year < _EARLIEST_BIRTH_YEAR or not 1 <= month <= 12:
        return 0
    if not 1 <= day <= _days_in_month(year, month):
        return 0
    return year * 10000 + month * 100 + day


class _TodayClock:
    """Today's date as YYYYMMDD, recomputed only after local midnight (date.today() is slow)."""

    def __init__(self) -> None:
        self._expires_at = 0.0
        self._today = date.min
        self._today_number = 0

    def yyyymmdd(self) -> int:
        if time.time() >= self._expires_at:
            self._refresh()
        return self._today_number

    def today(self) -> date:
        if time.time() >= self._expires_at:
            self._refresh()
        return self._today

    def _refresh(self) -> None:
        today = date.today()
        tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time())
        self._today = today
        self._today_number = _as_yyyymmdd(today)
        self._expires_at = tomorrow.timestamp()


_clock = _TodayClock()


def _as_yyyymmdd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _birth_date(text: str, today: date, label: str, number: str, doc: DocumentType) -> date:
    """The date in `text` (YYYYMMDD), or an error saying why it is not a birth date."""
    year = int(text[:4])
    if year < _EARLIEST_BIRTH_YEAR:
        raise InvalidIdNumberError(
            f"{label}中的出生日期{text}早于{_EARLIEST_BIRTH_YEAR}年", number=number, doc_type=doc
        )
    if not _birth_yyyymmdd(text):
        raise InvalidIdNumberError(f"出生日期{text}不存在", number=number, doc_type=doc)
    born = date(year, int(text[4:6]), int(text[6:8]))
    if born > today:
        raise InvalidIdNumberError(f"出生日期{text}晚于今天", number=number, doc_type=doc)
    return born


# --- address codes -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def _address_ok(code: str, birth_year: int) -> bool:
    return address_code_problem(code, birth_year) is None


@functools.lru_cache(maxsize=1 << 14)
def _region_name_for(code: str, birth_year: int | None) -> str | None:
    """Full name of the address code as it was then; outside Gansu the province name."""
    name = full_region_name(code, year=birth_year)
    if name is not None:
        return name
    province = region(code[:2] + "0000")
    return province.name if province is not None else None


# --- the fast yes/no path ----------------------------------------------------------------------


def is_valid_id_number(text: str, *, today: date | None = None) -> bool:
    """True when `text` is a valid citizen identity number (公民身份号码): 18 digits (resident
    ID card or 港澳台居民居住证) or a 15-digit legacy number; same rules as `parse_id_number`.

    Other documents (permits, foreigners' cards) are not identity numbers: use parse_id_number.
    """
    today_number = _clock.yyyymmdd() if today is None else _as_yyyymmdd(today)
    if len(text) == 18 and text.isascii():
        body = text[:17]
        if body.isdigit():
            last = text[17]
            if last == "x":
                last = "X"
            prefix = text[:2]
            if prefix in _HMT_ORIGIN_BY_PREFIX and text[2:6] != "0000":
                return False
            birth = _birth_yyyymmdd(text[6:14])
            return (
                0 < birth <= today_number
                and _address_ok(text[:6], birth // 10000)
                and _check_char_of(body) == last
            )
    # Rare shapes (15 digits, full-width, spaces): take the thorough path.
    try:
        parsed = parse_id_number(text, today=_date_of(today_number))
    except InvalidIdNumberError:
        return False
    return parsed.doc_type in _IDENTITY_NUMBER_TYPES


def _date_of(yyyymmdd: int) -> date:
    return date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100)


# --- the thorough path with messages -----------------------------------------------------------

# re.ASCII: \d must not accept other scripts' digits (NFKC leaves "١٢٣" as they are).
_HK_MACAU_PERMIT: Final = re.compile(r"[HM](?:\d{8}|\d{10})", re.ASCII)
_TAIWAN_PERMIT: Final = re.compile(r"(\d{8})|(\d{10})(?:\(([A-Z])\)|([A-Z]))?", re.ASCII)
_FOREIGN_2017: Final = re.compile(r"[A-Z]{3}\d{12}", re.ASCII)
_FOREIGN_2017_PREFIX: Final = re.compile(r"[A-Z]{3}")
_IDENTITY_NUMBER_TYPES: Final = frozenset(
    {DocumentType.RESIDENT_ID, DocumentType.RESIDENT_ID_15, DocumentType.HMT_RESIDENCE_PERMIT}
)


def detect_document_type(number: str) -> DocumentType:
    """Guess the document from a normalised number's shape (devices.md §3.1, §6)."""
    if number[:1] in _HMT_ORIGIN_BY_LETTER and number[1:].isdigit():
        return DocumentType.HK_MACAU_TRAVEL_PERMIT
    if _FOREIGN_2017_PREFIX.match(number):
        return DocumentType.FOREIGN_PERMANENT_RESIDENT
    if _TAIWAN_PERMIT.fullmatch(number):
        return DocumentType.TAIWAN_TRAVEL_PERMIT
    if len(number) == 15 and number.isdigit():
        return DocumentType.RESIDENT_ID_15
    if len(number) == 18 and number[:1] == "9":
        return DocumentType.FOREIGN_PERMANENT_RESIDENT
    if len(number) == 18 and number[:2] in _HMT_ORIGIN_BY_PREFIX:
        return DocumentType.HMT_RESIDENCE_PERMIT
    return DocumentType.RESIDENT_ID


def parse_id_number(
    text: str, *, doc_type: DocumentType | None = None, today: date | None = None
) -> IdDocument:
    """Validate a document number and read what it encodes.

    Without `doc_type` the type is detected from the shape: 18 digits with 810000/820000/830000
    → 港澳台居民居住证; 18 digits starting 9 or 3 letters + 12 digits → 外国人永久居留身份证;
    15 digits → legacy ID number; H/M + 8 or 10 digits → 港澳通行证; 8 or 10 digits → 台胞证;
    anything else is checked as a resident ID number. Raises InvalidIdNumberError.
    """
    number = normalize_id_text(text)
    if not number:
        raise InvalidIdNumberError("证件号码为空", number=number, doc_type=doc_type)
    kind = doc_type if doc_type is not None else detect_document_type(number)
    return _PARSERS[kind](number, today if today is not None else _clock.today(), kind)


def _first_illegal_char(number: str, allowed: frozenset[str]) -> str | None:
    """Message for the first character that is neither a digit nor in `allowed`."""
    for position, char in enumerate(number, start=1):
        if char not in _DIGITS and char not in allowed:
            return f"含有非法字符「{char}」（第{position}位）"
    return None


def _check_18_digit_shape(number: str, label: str, doc: DocumentType) -> None:
    # An X anywhere passes here: its place is judged after the length, which matters more.
    problem = _first_illegal_char(number, allowed=frozenset("X"))
    if problem is not None:
        raise InvalidIdNumberError(problem, number=number, doc_type=doc)
    if len(number) != 18:
        raise InvalidIdNumberError(
            f"{label}应为18位，现为{len(number)}位", number=number, doc_type=doc
        )
    x_position = number.find("X")
    if 0 <= x_position < 17:
        raise InvalidIdNumberError(
            f"「X」只能作为第18位校验码，不能出现在第{x_position + 1}位",
            number=number,
            doc_type=doc,
        )


def _check_check_digit(number: str, doc: DocumentType) -> None:
    expected = _check_char_of(number[:17])
    if number[17] != expected:
        raise InvalidIdNumberError(
            f"第18位校验码应为{expected}，实为{number[17]}", number=number, doc_type=doc
        )


def _check_address(number: str, code: str, birth_year: int, doc: DocumentType) -> None:
    if _address_ok(code, birth_year):
        return
    problem = address_code_problem(code, birth_year)
    if problem is not None:
        raise InvalidIdNumberError(problem, number=number, doc_type=doc)


def _sex_from_digit(digit: str) -> str:
    return "1" if int(digit) % 2 == 1 else "2"  # GB 11643 §5.1: odd male, even female


def _parse_gb11643(number: str, today: date, doc: DocumentType, label: str) -> IdDocument:
    """Checks shared by every 18-digit GB 11643 number, in the order a clerk can act on."""
    _check_18_digit_shape(number, label, doc)
    born = _birth_date(number[6:14], today, label, number, doc)
    code = number[:6]
    _check_address(number, code, born.year, doc)
    _check_check_digit(number, doc)
    origin = _HMT_ORIGIN_BY_PREFIX.get(number[:2])
    return IdDocument(
        number=number,
        doc_type=doc,
        region_code=code,
        region_name=_region_name_for(code, born.year),
        birth_date=born,
        sex=_sex_from_digit(number[16]),
        is_hmt=origin is not None,
        hmt_origin=origin,
    )


def _parse_resident_id(number: str, today: date, doc: DocumentType) -> IdDocument:
    if len(number) == 15 and number.isdigit() and doc is DocumentType.RESIDENT_ID:
        return _parse_legacy(number, today, DocumentType.RESIDENT_ID_15)
    prefix = number[:2]
    if len(number) == 18 and prefix in _HMT_ORIGIN_BY_PREFIX:
        if doc is DocumentType.SOCIAL_SECURITY_CARD:
            # 港澳台 residents insured in the mainland use their residence-permit number.
            _check_hmt_prefix(number, doc)
            return _parse_gb11643(number, today, doc, "社会保障号码")
        raise InvalidIdNumberError(
            f"号码以{number[:6]}开头，是港澳台居民居住证号码，请将证件类型选为「港澳台居民居住证」",
            number=number,
            doc_type=doc,
        )
    if len(number) == 18 and number[:1] == "9" and number[:17].isdigit():
        raise InvalidIdNumberError(
            "以9开头的18位号码是外国人永久居留身份证号码，请将证件类型选为「外国人永久居留身份证」",
            number=number,
            doc_type=doc,
        )
    label = "社会保障号码" if doc is DocumentType.SOCIAL_SECURITY_CARD else "身份证号码"
    return _parse_gb11643(number, today, doc, label)


def _check_hmt_prefix(number: str, doc: DocumentType) -> None:
    if number[:6] not in ("810000", "820000", "830000"):
        raise InvalidIdNumberError(
            f"港澳台居民居住证号码前6位应为810000（香港）、820000（澳门）或830000（台湾），"
            f"实为{number[:6]}",
            number=number,
            doc_type=doc,
        )


def _parse_residence_permit(number: str, today: date, doc: DocumentType) -> IdDocument:
    _check_18_digit_shape(number, "港澳台居民居住证号码", doc)
    _check_hmt_prefix(number, doc)
    return _parse_gb11643(number, today, doc, "港澳台居民居住证号码")


def _parse_legacy(number: str, today: date, doc: DocumentType) -> IdDocument:
    """15 digits: address code, YYMMDD (all born 19xx), 3-digit sequence; no check digit."""
    problem = _first_illegal_char(number, allowed=frozenset())
    if problem is not None:
        raise InvalidIdNumberError(problem, number=number, doc_type=doc)
    if len(number) != 15:
        raise InvalidIdNumberError(
            f"15位旧身份证号码应为15位，现为{len(number)}位", number=number, doc_type=doc
        )
    born = _birth_date("19" + number[6:12], today, "15位旧身份证号码", number, doc)
    code = number[:6]
    _check_address(number, code, born.year, doc)
    return IdDocument(
        number=upgrade_15_to_18(number),
        doc_type=doc,
        region_code=code,
        region_name=_region_name_for(code, born.year),
        birth_date=born,
        sex=_sex_from_digit(number[14]),
        is_hmt=False,
        hmt_origin=None,
        converted_from=number,
    )


def _parse_hk_macau_permit(number: str, today: date, doc: DocumentType) -> IdDocument:
    """H (Hong Kong) or M (Macau) + 8 digits; the old long form adds a 2-digit issue count."""
    if not _HK_MACAU_PERMIT.fullmatch(number):
        raise InvalidIdNumberError(
            "港澳居民来往内地通行证号码应为H（香港）或M（澳门）加8位数字，"
            f"如H12345678（旧版为加10位数字），现为「{number}」",
            number=number,
            doc_type=doc,
        )
    return IdDocument(
        number=number,
        doc_type=doc,
        region_code=None,
        region_name=None,
        birth_date=None,
        sex=None,
        is_hmt=True,
        hmt_origin=_HMT_ORIGIN_BY_LETTER[number[0]],
    )


def _parse_taiwan_permit(number: str, today: date, doc: DocumentType) -> IdDocument:
    """8-digit lifetime number; the old form is 10 digits, sometimes with an issuer letter."""
    match = _TAIWAN_PERMIT.fullmatch(number)
    if match is None:
        raise InvalidIdNumberError(
            "台湾居民来往大陆通行证号码应为8位数字，如12345678"
            f"（旧版为10位数字，可带签发机关字母，如1234567801(B)），现为「{number}」",
            number=number,
            doc_type=doc,
        )
    eight, ten, issuer_in_brackets, bare_issuer = match.groups()
    issuer = issuer_in_brackets or bare_issuer
    canonical = eight or (f"{ten}({issuer})" if issuer else ten)
    return IdDocument(
        number=canonical,
        doc_type=doc,
        region_code=None,
        region_name=None,
        birth_date=None,
        sex=None,
        is_hmt=True,
        hmt_origin="台湾",
    )


def _parse_foreign_resident(number: str, today: date, doc: DocumentType) -> IdDocument:
    if len(number) == 18 and number[:1] == "9":
        return _parse_foreign_2023(number, today, doc)
    if _FOREIGN_2017.fullmatch(number):
        return _parse_foreign_2017(number, today, doc)
    raise InvalidIdNumberError(
        "外国人永久居留身份证号码应为以9开头的18位数字（2023版，如911124198108030024），"
        f"或3位国籍字母加12位数字（旧版，如CAN310080010103），现为「{number}」",
        number=number,
        doc_type=doc,
    )


def _province_region(number: str, province_digits: str, doc: DocumentType) -> tuple[str, str]:
    code = province_digits + "0000"
    province = region(code)
    if province is None or province.level != "province":
        raise InvalidIdNumberError(
            f"受理地省级代码{province_digits}不存在", number=number, doc_type=doc
        )
    return code, province.name


def _parse_foreign_2023(number: str, today: date, doc: DocumentType) -> IdDocument:
    """9 + province (2) + country (3, numeric) + YYYYMMDD + sequence (3) + MOD 11-2 check."""
    _check_18_digit_shape(number, "外国人永久居留身份证号码", doc)
    code, province_name = _province_region(number, number[1:3], doc)
    born = _birth_date(number[6:14], today, "外国人永久居留身份证号码", number, doc)
    _check_check_digit(number, doc)
    return IdDocument(
        number=number,
        doc_type=doc,
        region_code=code,
        region_name=province_name,
        birth_date=born,
        sex=_sex_from_digit(number[16]),
        is_hmt=False,
        hmt_origin=None,
    )


def _icao_check_digit(text: str) -> str:
    """ICAO 9303 check digit: weights 7-3-1, letters A=10 … Z=35, sum mod 10."""
    total = 0
    for index, char in enumerate(text):
        value = int(char) if char.isdigit() else ord(char) - ord("A") + 10
        total += value * (7, 3, 1)[index % 3]
    return str(total % 10)


def _parse_foreign_2017(number: str, today: date, doc: DocumentType) -> IdDocument:
    """Nationality (3 letters) + accepting region (4) + YYMMDD + sequence (1) + check (1)."""
    code, province_name = _province_region(number, number[3:5], doc)
    expected = _icao_check_digit(number[:14])
    yymmdd = number[7:13]
    # Two-digit year: the latest century that does not put the birth in the future.
    in_2000s = _birth_yyyymmdd("20" + yymmdd)
    century = "20" if in_2000s and in_2000s <= _as_yyyymmdd(today) else "19"
    born = _birth_date(century + yymmdd, today, "外国人永久居留身份证号码", number, doc)
    if number[14] != expected:
        raise InvalidIdNumberError(
            f"第15位校验码应为{expected}，实为{number[14]}", number=number, doc_type=doc
        )
    return IdDocument(
        number=number,
        doc_type=doc,
        region_code=code,
        region_name=province_name,
        birth_date=born,
        sex=None,  # the meaning of the 14th character is not confirmed (devices.md §3.4)
        is_hmt=False,
        hmt_origin=None,
    )


_PARSERS: Final[dict[DocumentType, Callable[[str, date, DocumentType], IdDocument]]] = {
    DocumentType.RESIDENT_ID: _parse_resident_id,
    DocumentType.SOCIAL_SECURITY_CARD: _parse_resident_id,
    DocumentType.RESIDENT_ID_15: _parse_legacy,
    DocumentType.HMT_RESIDENCE_PERMIT: _parse_residence_permit,
    DocumentType.HK_MACAU_TRAVEL_PERMIT: _parse_hk_macau_permit,
    DocumentType.TAIWAN_TRAVEL_PERMIT: _parse_taiwan_permit,
    DocumentType.FOREIGN_PERMANENT_RESIDENT: _parse_foreign_resident,
}
