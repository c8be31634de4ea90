"""Parse the 256-byte UTF-16LE text block of ID cards and permits (devices.md §2, §3)."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from devices.card import CardData, CardKind, CardSource
from devices.errors import CardDataError, FrameError

TEXT_BLOCK_LEN: Final = 256
LONG_TERM: Final = "长期"  # §2: validity end of a long-term card
TYPE_FLAG_OFFSET: Final = 248  # §3.1: byte 248 of the block; 'J', 'I', 'Y' or a space

# One field: (key, Chinese label, first char, end char). Offsets are UTF-16 code units,
# i.e. the byte offsets of devices.md §2/§3 divided by two.
_Layout = tuple[tuple[str, str, int, int], ...]

# §2 (GA/T 490): resident ID card.
_RESIDENT: Final[_Layout] = (
    ("name", "姓名", 0, 15),
    ("sex", "性别", 15, 16),
    ("ethnicity", "民族", 16, 18),
    ("birth", "出生日期", 18, 26),
    ("address", "住址", 26, 61),
    ("id_number", "公民身份号码", 61, 79),
    ("issuer", "签发机关", 79, 94),
    ("valid_from", "有效期起始日期", 94, 102),
    ("valid_until", "有效期截止日期", 102, 110),
)
# §3.2: 港澳台居民居住证 ('J'); the nation slot is reserved.
_PERMIT_J: Final[_Layout] = (
    ("name", "姓名", 0, 15),
    ("sex", "性别", 15, 16),
    ("birth", "出生日期", 18, 26),
    ("address", "住址", 26, 61),
    ("id_number", "公民身份号码", 61, 79),
    ("issuer", "签发机关", 79, 94),
    ("valid_from", "有效期起始日期", 94, 102),
    ("valid_until", "有效期截止日期", 102, 110),
    ("permit_number", "通行证号码", 110, 119),
    ("issue_count", "签发次数", 119, 121),
)
# §3.3: 2017 外国人永久居留身份证 ('I').
_FOREIGN_I: Final[_Layout] = (
    ("name_en", "英文姓名", 0, 60),
    ("sex", "性别", 60, 61),
    ("id_number", "永久居留证号码", 61, 76),
    ("nationality", "国籍", 76, 79),
    ("name", "中文姓名", 79, 94),
    ("valid_from", "证件签发日期", 94, 102),
    ("valid_until", "证件终止日期", 102, 110),
    ("birth", "出生日期", 110, 118),
)
# §3.4: 2023 外国人永久居留身份证 ('Y'); the English name continues at byte 220.
_FOREIGN_Y: Final[_Layout] = (
    ("name", "中文姓名", 0, 15),
    ("sex", "性别", 15, 16),
    ("birth", "出生日期", 18, 26),
    ("id_number", "永久居留证号码", 61, 79),
    ("valid_from", "有效期起始日期", 94, 102),
    ("valid_until", "有效期截止日期", 102, 110),
    ("nationality", "国籍", 121, 124),
)
_Y_NAME_EN_PARTS: Final = ((26, 61), (110, 121))

_SEX_CODES: Final = frozenset("0129")  # GB/T 2261.1
_CONTROL: Final = re.compile("[\x00-\x1f\x7f]")
_PADDING: Final = " \x00"
_GB11643_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK: Final = "10X98765432"
_ICAO_WEIGHTS: Final = (7, 3, 1)
_FOREIGN_I_NUMBER: Final = re.compile(r"[A-Z]{3}[0-9]{12}")
_ALPHA3: Final = re.compile(r"[A-Z]{3}")


def card_type_flag(block: bytes) -> str:
    """The §3.1 type flag: "J", "I", "Y", or "" for a resident ID card."""
    if len(block) >= TYPE_FLAG_OFFSET + 2 and block[TYPE_FLAG_OFFSET + 1] == 0:
        flag = chr(block[TYPE_FLAG_OFFSET])
        if flag in ("J", "I", "Y"):
            return flag
    return ""


def parse_text_block(
    block: bytes,
    *,
    photo_wlt: bytes | None = None,
    photo: bytes | None = None,
    reader_name: str = "",
) -> CardData:
    """Turn a text block into CardData, validating dates and the number's check character.

    Raises FrameError for a block that is not 256 bytes, CardDataError (naming the field) for
    invalid UTF-16, an impossible date, a bad code or a wrong check character. Nothing else.
    """
    if len(block) != TEXT_BLOCK_LEN:
        raise FrameError(detail=f"text block of {len(block)} bytes")
    try:
        text: str | None = block.decode("utf-16-le")
    except UnicodeDecodeError:
        text = None  # _fields finds the field at fault; reserved bytes may be binary
    flag = card_type_flag(block)
    if flag == "J":
        return _parse_permit_j(_fields(block, text, _PERMIT_J), photo_wlt, photo, reader_name)
    if flag == "I":
        return _parse_foreign_i(_fields(block, text, _FOREIGN_I), photo_wlt, photo, reader_name)
    if flag == "Y":
        values = _fields(block, text, _FOREIGN_Y)
        name_en = "".join(_raw_field(block, text, "英文姓名", s, e) for s, e in _Y_NAME_EN_PARTS)
        values["name_en"] = _clean("英文姓名", name_en)
        return _parse_foreign_y(values, photo_wlt, photo, reader_name)
    return _parse_resident(_fields(block, text, _RESIDENT), photo_wlt, photo, reader_name)


def _raw_field(block: bytes, text: str | None, label: str, start: int, end: int) -> str:
    if text is not None:
        return text[start:end]
    try:
        return block[start * 2 : end * 2].decode("utf-16-le")
    except UnicodeDecodeError:
        raise CardDataError(label, "文字编码无效（不是有效的 UTF-16 文本）") from None


def _clean(label: str, raw: str) -> str:
    value = raw.strip(_PADDING)
    if _CONTROL.search(value):
        raise CardDataError(label, "含有无效字符")
    return value


def _fields(block: bytes, text: str | None, layout: _Layout) -> dict[str, str]:
    return {
        key: _clean(label, _raw_field(block, text, label, start, end))
        for key, label, start, end in layout
    }


def gb11643_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of GB 11643 (devices.md §5.1)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, _GB11643_WEIGHTS, strict=True)
    )
    return _GB11643_CHECK[total % 11]


def _icao_check_digit(body: str) -> str:
    # §3.4: 2017 foreign card numbers use ICAO 9303 weights 7-3-1 (letters A=10 … Z=35).
    total = 0
    for index, char in enumerate(body):
        value = int(char) if char.isdigit() else ord(char) - ord("A") + 10
        total += value * _ICAO_WEIGHTS[index % 3]
    return str(total % 10)


def _check_gb11643_number(number: str, label: str, *, first: str | None = None) -> str:
    number = number.upper()
    if (
        len(number) != 18
        or not number.isascii()
        or not number[:17].isdigit()
        or number[17] not in "0123456789X"
        or (first is not None and number[0] != first)
    ):
        raise CardDataError(label, f"“{number}”格式不正确", detail="expected 17 digits + check")
    expected = gb11643_check_character(number[:17])
    if number[17] != expected:
        raise CardDataError(label, f"“{number}”校验位错误（应为 {expected}）")
    return number


def _check_foreign_i_number(number: str, label: str) -> str:
    if not _FOREIGN_I_NUMBER.fullmatch(number):
        raise CardDataError(label, f"“{number}”格式不正确", detail="expected AAA + 12 digits")
    expected = _icao_check_digit(number[:14])
    if number[14] != expected:
        raise CardDataError(label, f"“{number}”校验位错误（应为 {expected}）")
    return number


def check_document_number(flag: str, number: str) -> str:
    """Validate the number of a document with type flag "", "J", "I" or "Y" (§3.1, §5.1)."""
    if flag == "I":
        return _check_foreign_i_number(number, "永久居留证号码")
    if flag == "Y":
        return _check_gb11643_number(number, "永久居留证号码", first="9")
    return _check_gb11643_number(number, "公民身份号码")


def parse_card_date(value: str, label: str) -> date:
    """A YYYYMMDD date from a card; CardDataError naming `label` when it is not a real date."""
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise CardDataError(label, f"“{value}”不是日期")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise CardDataError(label, f"“{value}”不是有效日期") from None


def parse_valid_until(value: str, label: str) -> date | None:
    """End of validity: None for 长期 (long-term), else a date."""
    if value == LONG_TERM:
        return None
    return parse_card_date(value, label)


def _required(values: dict[str, str], key: str, label: str) -> str:
    value = values[key]
    if not value:
        raise CardDataError(label, "为空")
    return value


def _sex(values: dict[str, str]) -> str:
    sex = values["sex"]
    if sex not in _SEX_CODES:
        raise CardDataError("性别", f"代码“{sex}”无效")
    return sex


def _parse_resident(
    values: dict[str, str], photo_wlt: bytes | None, photo: bytes | None, reader_name: str
) -> CardData:
    ethnicity = values["ethnicity"]
    if len(ethnicity) != 2 or not ethnicity.isascii() or not ethnicity.isdigit():
        raise CardDataError("民族", f"代码“{ethnicity}”无效")
    return CardData(
        kind=CardKind.RESIDENT_ID,
        source=CardSource.ID_CARD_READER,
        name=_required(values, "name", "姓名"),
        id_number=_check_gb11643_number(values["id_number"], "公民身份号码"),
        sex=_sex(values),
        ethnicity=ethnicity,
        birth_date=parse_card_date(values["birth"], "出生日期"),
        address=values["address"] or None,
        issuer=values["issuer"] or None,
        valid_from=parse_card_date(values["valid_from"], "有效期起始日期"),
        valid_until=parse_valid_until(values["valid_until"], "有效期截止日期"),
        photo=photo,
        photo_wlt=photo_wlt,
        reader_name=reader_name,
    )


def _parse_permit_j(
    values: dict[str, str], photo_wlt: bytes | None, photo: bytes | None, reader_name: str
) -> CardData:
    issue_count_text = values["issue_count"]
    issue_count: int | None = None
    if issue_count_text:
        if not issue_count_text.isascii() or not issue_count_text.isdigit():
            raise CardDataError("签发次数", f"“{issue_count_text}”不是数字")
        issue_count = int(issue_count_text)
    return CardData(
        kind=CardKind.HMT_RESIDENCE_PERMIT,
        source=CardSource.ID_CARD_READER,
        name=_required(values, "name", "姓名"),
        id_number=_check_gb11643_number(values["id_number"], "公民身份号码"),
        sex=_sex(values),
        birth_date=parse_card_date(values["birth"], "出生日期"),
        address=values["address"] or None,
        issuer=values["issuer"] or None,
        valid_from=parse_card_date(values["valid_from"], "有效期起始日期"),
        valid_until=parse_valid_until(values["valid_until"], "有效期截止日期"),
        permit_number=values["permit_number"] or None,
        issue_count=issue_count,
        photo=photo,
        photo_wlt=photo_wlt,
        reader_name=reader_name,
    )


def _nationality(values: dict[str, str]) -> str | None:
    nationality = values["nationality"]
    if not nationality:
        return None
    # §8: whether the 'Y' chip holds alpha-3 or a numeric code is unconfirmed: accept both.
    if not (_ALPHA3.fullmatch(nationality) or (nationality.isascii() and nationality.isdigit())):
        raise CardDataError("国籍", f"代码“{nationality}”无效")
    return nationality


def _foreign_name(values: dict[str, str]) -> str:
    # CardData.name is the Chinese name; a foreigner without one is named by the English name.
    name = values["name"] or values["name_en"]
    if not name:
        raise CardDataError("姓名", "为空")
    return name


def _parse_foreign_i(
    values: dict[str, str], photo_wlt: bytes | None, photo: bytes | None, reader_name: str
) -> CardData:
    return CardData(
        kind=CardKind.FOREIGN_PERMANENT_RESIDENT,
        source=CardSource.ID_CARD_READER,
        name=_foreign_name(values),
        id_number=_check_foreign_i_number(values["id_number"], "永久居留证号码"),
        sex=_sex(values),
        birth_date=parse_card_date(values["birth"], "出生日期"),
        valid_from=parse_card_date(values["valid_from"], "证件签发日期"),
        valid_until=parse_valid_until(values["valid_until"], "证件终止日期"),
        name_en=values["name_en"] or None,
        nationality=_nationality(values),
        photo=photo,
        photo_wlt=photo_wlt,
        reader_name=reader_name,
    )


def _parse_foreign_y(
    values: dict[str, str], photo_wlt: bytes | None, photo: bytes | None, reader_name: str
) -> CardData:
    return CardData(
        kind=CardKind.FOREIGN_PERMANENT_RESIDENT,
        source=CardSource.ID_CARD_READER,
        name=_foreign_name(values),
        # §3.4: 18 characters designed after GB 11643, first digit 9, MOD 11-2 check.
        id_number=_check_gb11643_number(values["id_number"], "永久居留证号码", first="9"),
        sex=_sex(values),
        birth_date=parse_card_date(values["birth"], "出生日期"),
        valid_from=parse_card_date(values["valid_from"], "有效期起始日期"),
        valid_until=parse_valid_until(values["valid_until"], "有效期截止日期"),
        name_en=values["name_en"] or None,
        nationality=_nationality(values),
        issuer="国家移民管理局",  # §3.4: not in a chip field; the slot is reserved
        photo=photo,
        photo_wlt=photo_wlt,
        reader_name=reader_name,
    )
