"""Reading the 社保卡 SSSE: select by name, EF05/EF06 records by tag, TLV and GBK/BCD decoding.

Layout and encodings: devices.md Part B §1–§3 (LD/T 32.6—2015 and the V2.0 data-item notice).
Every record of EF05/EF06 is one simple TLV `tag(1) len(1) value`, and the tag is the record
identifier, so items are read with READ RECORD P2=00 (by identifier), never by record number
(the record numbers of 4E/0C in EF06 are not confirmed, §1.5).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from devices.card import CardData, CardKind, CardSource
from devices.errors import CardDataError
from devices.pcsc.apdu import (
    SW_FILE_NOT_FOUND,
    SW_RECORD_NOT_FOUND,
    SW_SECURITY_STATUS_NOT_SATISFIED,
    ApduTransport,
    exchange,
    external_authenticate,
    get_challenge,
    read_record_by_identifier,
    require_ok,
    select_by_name,
    select_ef,
)
from devices.pcsc.errors import (
    CardStatusError,
    NotSocialSecurityCardError,
    PartialCardError,
    PsamError,
)
from devices.pcsc.psam import (
    AUTHENTICATION_DATA_LENGTH,
    CHALLENGE_LENGTH,
    RKSSSE_KEY_ID,
    AuthAlgorithm,
    ExternalAuthRequest,
    Psam,
)

# 第6部分 表1: the DF name of SSSE is "sx1.sh.社会保障" with 社会保障 in GBK, 15 bytes.
SSSE_DF_NAME = b"sx1.sh." + "社会保障".encode("gbk")
EF05_ISSUER = 0xEF05  # 发卡机构数据文件, read control 无
EF06_HOLDER = 0xEF06  # 持卡人基本信息文件, read control 无 (1.0/2.0) or RKSSSE (3.0)
SOCIAL_SECURITY_AID = bytes.fromhex("D156000005")  # 社会保障卡应用标识符 in 卡识别码 (表10)

MESSAGE_GEN3_NEEDS_ID_CARD = "第三代社保卡需读身份证以获取其余信息"


@dataclass(frozen=True, slots=True)
class DataItem:
    """One data item of EF05/EF06: tag, Chinese name, length (V2.0 notice 表9).

    `min_length`/`max_length` widen what is accepted where the material says cards differ.
    """

    tag: int
    name: str
    length: int
    min_length: int = -1
    max_length: int = -1

    def __post_init__(self) -> None:
        if self.min_length < 0:
            object.__setattr__(self, "min_length", self.length)
        if self.max_length < 0:
            object.__setattr__(self, "max_length", self.length)

    @property
    def le(self) -> int:
        """Le of READ RECORD: the whole TLV comes back, so value length + 2 (§2.1)."""
        return self.length + 2


CARD_IDENTIFIER = DataItem(0x01, "卡的识别码", 16)
CARD_TYPE = DataItem(0x02, "卡的类别", 1)
SPEC_VERSION = DataItem(0x03, "规范版本", 4, min_length=0)  # empty means 1.0x (Sichuan §10.2)
INIT_ORG_NUMBER = DataItem(0x04, "初始化机构编号", 12)
ISSUE_DATE = DataItem(0x05, "发卡日期", 4)
EXPIRY_DATE = DataItem(0x06, "卡有效期", 4)
# 卡号 is 9 characters; Sichuan §10.4 tells readers to keep only the first 9, so longer
# stored values are accepted and cut (a longer record costs one 6Cxx round trip).
CARD_NUMBER = DataItem(0x07, "卡号", 9, max_length=20)
SOCIAL_SECURITY_NUMBER = DataItem(0x08, "社会保障号码", 18)
NAME = DataItem(0x09, "姓名", 30, min_length=1)
NAME_EXTENSION = DataItem(0x4E, "姓名扩展", 20, min_length=0)  # V2.0 on; may be missing (6A83)
SEX = DataItem(0x0A, "性别", 1)
ETHNICITY = DataItem(0x0B, "民族", 1)
BIRTHPLACE = DataItem(0x0C, "出生地", 3)
BIRTH_DATE = DataItem(0x0D, "出生日期", 4)

EF05_ITEMS = (
    CARD_IDENTIFIER,
    CARD_TYPE,
    SPEC_VERSION,
    INIT_ORG_NUMBER,
    ISSUE_DATE,
    EXPIRY_DATE,
    CARD_NUMBER,
)
EF06_ITEMS = (
    SOCIAL_SECURITY_NUMBER,
    NAME,
    NAME_EXTENSION,
    SEX,
    ETHNICITY,
    BIRTHPLACE,
    BIRTH_DATE,
)
ITEMS_BY_TAG = {item.tag: item for item in EF05_ITEMS + EF06_ITEMS}

SEX_CODES = frozenset({"0", "1", "2", "9"})  # GB/T 2261.1 (表13)


# --- decoding ------------------------------------------------------------------------------


def _data_error(item_name: str, problem: str, raw: bytes = b"") -> CardDataError:
    """CardDataError saying which 社保卡 item is wrong; the raw bytes go to the log detail."""
    return CardDataError(f"社保卡「{item_name}」", problem, detail=raw.hex().upper())


def parse_record(record: bytes, item: DataItem) -> bytes:
    """The value of the simple-TLV `record` of `item`; any structural fault is a CardDataError."""
    if len(record) < 2:
        raise _data_error(item.name, "记录不足2字节", record)
    if record[0] != item.tag:
        raise _data_error(item.name, f"记录标识应为 {item.tag:02X}，实为 {record[0]:02X}", record)
    value = record[2:]
    if record[1] != len(value):
        raise _data_error(
            item.name, f"的长度字节为 {record[1]}，实际数据 {len(value)} 字节", record
        )
    if not item.min_length <= len(value) <= item.max_length:
        expected = (
            str(item.max_length)
            if item.min_length == item.max_length
            else f"{item.min_length}～{item.max_length}"
        )
        raise _data_error(item.name, f"应为 {expected} 字节，实为 {len(value)} 字节", record)
    return value


def decode_ascii(value: bytes, item: DataItem) -> str:
    """An `an` item of ASCII characters, right-padded with 00 (V2.0 notice §7)."""
    stripped = value.rstrip(b"\x00 ")
    if not all(0x21 <= byte <= 0x7E for byte in stripped):
        raise _data_error(item.name, "含非 ASCII 可见字符", value)
    return stripped.decode("ascii")


def decode_text_bytes(value: bytes, item: DataItem) -> str:
    """Chinese text (姓名): GBK in practice (§1.5), decoded as GB18030, padding stripped."""
    # 00 is the `an` padding; FF is never a GBK/GB18030 byte, some writers pad with it.
    stripped = value.rstrip(b"\x00\xff ")
    try:
        text = stripped.decode("gb18030")
    except UnicodeDecodeError:
        raise _data_error(item.name, "不是有效的 GBK 汉字编码", value) from None
    text = text.strip(" \u3000")
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in text):
        raise _data_error(item.name, "含控制字符", value)
    return text


def decode_bcd(value: bytes, item: DataItem) -> str:
    """The decimal digits of a `cn` item; trailing F nibbles are padding (V2.0 notice §7)."""
    digits = value.hex().upper().rstrip("F")
    if not digits.isdigit() and digits:
        raise _data_error(item.name, "不是有效的 BCD 数字", value)
    return digits


def decode_bcd_date(value: bytes, item: DataItem) -> date | None:
    """A BCD YYYYMMDD date (GB/T 7408 basic format); all-FF or all-00 means not recorded."""
    if value in (b"\xff" * len(value), b"\x00" * len(value)):
        return None
    digits = decode_bcd(value, item)
    if len(digits) != 8:
        raise _data_error(item.name, "不是完整的日期", value)
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise _data_error(item.name, f"{digits} 不是有效日期", value) from None


@dataclass(frozen=True, slots=True)
class IssuerData:
    """EF05 发卡机构数据: readable on every card generation without authentication."""

    card_identifier: bytes  # 卡的识别码, 16 bytes: 城市代码 cn3 + D156000005 + 流水号 + 认证码
    card_type: str  # 卡的类别: "1" 学龄前儿童卡 … "3" 成年人卡 … (表11)
    spec_version: str  # 规范版本, e.g. "2.00"; "" on some 1.0 cards
    init_org_number: str  # 初始化机构编号, 24 hex digits
    issue_date: date | None
    expiry_date: date | None
    card_number: str  # 卡号, 9 characters

    @property
    def card_identifier_hex(self) -> str:
        """卡识别码 as applications exchange it (AAZ501): 32 hex characters."""
        return self.card_identifier.hex().upper()

    @property
    def region_code(self) -> str:
        """发卡地区行政区划代码 (统筹区码): the first 6 digits of 卡识别码."""
        return self.card_identifier_hex[:6]

    @property
    def generation(self) -> int:
        """1, 2 or 3: from the first 3 characters of 规范版本; empty means 1.0x (Sichuan §10.2)."""
        return int(self.spec_version[0]) if self.spec_version else 1


@dataclass(frozen=True, slots=True)
class HolderData:
    """EF06 持卡人基本信息."""

    social_security_number: str  # 社会保障号码: the 公民身份号码 for Chinese residents
    name: str  # 姓名 + 姓名扩展
    sex: str  # GB/T 2261.1 code
    ethnicity: str | None  # GB/T 3304 code, e.g. "01"
    birthplace: str | None  # 行政区划代码 (GB/T 2260), F padding removed
    birth_date: date | None


def decode_issuer_data(records: dict[int, bytes]) -> IssuerData:
    """IssuerData from the raw EF05 records keyed by tag (all seven must be present)."""
    values = {item.tag: parse_record(records[item.tag], item) for item in EF05_ITEMS}
    identifier = values[CARD_IDENTIFIER.tag]
    region = identifier[:3].hex()
    if not region.isdigit() or identifier[3:8] != SOCIAL_SECURITY_AID:
        raise _data_error(
            CARD_IDENTIFIER.name, "不符合规范（应为区划代码+D156000005+…）", identifier
        )
    card_type = decode_ascii(values[CARD_TYPE.tag], CARD_TYPE)
    if len(card_type) != 1 or not card_type.isdigit():
        raise _data_error(CARD_TYPE.name, f"「{card_type}」无效")
    version = decode_ascii(values[SPEC_VERSION.tag], SPEC_VERSION)
    if version and not (version[0].isdigit() and version[0] != "0"):
        raise _data_error(SPEC_VERSION.name, f"「{version}」无效")
    card_number = decode_ascii(values[CARD_NUMBER.tag], CARD_NUMBER)[:9]
    if len(card_number) != 9 or not card_number.isalnum():
        raise _data_error(CARD_NUMBER.name, f"「{card_number}」不是9位字母数字")
    return IssuerData(
        card_identifier=identifier,
        card_type=card_type,
        spec_version=version,
        init_org_number=values[INIT_ORG_NUMBER.tag].hex().upper(),
        issue_date=decode_bcd_date(values[ISSUE_DATE.tag], ISSUE_DATE),
        expiry_date=decode_bcd_date(values[EXPIRY_DATE.tag], EXPIRY_DATE),
        card_number=card_number,
    )


def decode_holder_data(records: dict[int, bytes]) -> HolderData:
    """HolderData from the raw EF06 records keyed by tag; 姓名扩展 (4E) may be missing."""
    number = decode_ascii(
        parse_record(records[SOCIAL_SECURITY_NUMBER.tag], SOCIAL_SECURITY_NUMBER),
        SOCIAL_SECURITY_NUMBER,
    )
    if not number or not number.isalnum():
        raise _data_error(SOCIAL_SECURITY_NUMBER.name, f"「{number}」无效")
    # 2.0/3.0 cards: 姓名 continues in 姓名扩展 when it overflows 30 bytes (Sichuan §10.2).
    # The bytes are joined before decoding so a character split across the two is kept.
    name_bytes = parse_record(records[NAME.tag], NAME).rstrip(b"\x00\xff")
    extension = records.get(NAME_EXTENSION.tag)
    if extension is not None:
        name_bytes += parse_record(extension, NAME_EXTENSION)
    name = decode_text_bytes(name_bytes, NAME)
    if not name:
        raise _data_error(NAME.name, "为空")
    sex = decode_ascii(parse_record(records[SEX.tag], SEX), SEX)
    if sex not in SEX_CODES:
        raise _data_error(SEX.name, f"代码「{sex}」无效")
    ethnicity_value = parse_record(records[ETHNICITY.tag], ETHNICITY)
    ethnicity = decode_bcd(ethnicity_value, ETHNICITY)
    if ethnicity and len(ethnicity) != 2:
        raise _data_error(ETHNICITY.name, "代码无效", ethnicity_value)
    birthplace = decode_bcd(parse_record(records[BIRTHPLACE.tag], BIRTHPLACE), BIRTHPLACE)
    return HolderData(
        social_security_number=number,
        name=name,
        sex=sex,
        ethnicity=ethnicity if ethnicity not in ("", "00") else None,
        birthplace=birthplace if birthplace.strip("0") else None,
        birth_date=decode_bcd_date(parse_record(records[BIRTH_DATE.tag], BIRTH_DATE), BIRTH_DATE),
    )


def to_card_data(issuer: IssuerData, holder: HolderData, reader_name: str) -> CardData:
    """The CardData of a fully read 社保卡."""
    return CardData(
        kind=CardKind.SOCIAL_SECURITY,
        source=CardSource.SOCIAL_SECURITY_READER,
        name=holder.name,
        id_number=holder.social_security_number,
        sex=holder.sex,
        ethnicity=holder.ethnicity,
        birth_date=holder.birth_date,
        valid_from=issuer.issue_date,
        valid_until=issuer.expiry_date,
        ss_card_number=issuer.card_number,
        ss_card_issuer=issuer.region_code,
        ss_card_version=issuer.spec_version or "1.00",
        reader_name=reader_name,
    )


# --- FCI and authentication inputs ----------------------------------------------------------


def _ber_tlv_items(data: bytes) -> list[tuple[int, bytes]]:
    """Top-level BER-TLV items of `data` (1- or 2-byte tags, short or 81/82 lengths)."""
    items: list[tuple[int, bytes]] = []
    position = 0
    while position < len(data):
        if data[position] in (0x00, 0xFF):  # padding between objects (ISO 7816-4 §5.2.2)
            position += 1
            continue
        tag = data[position]
        position += 1
        if tag & 0x1F == 0x1F:
            if position >= len(data):
                raise ValueError("truncated tag")
            tag = tag << 8 | data[position]
            position += 1
        if position >= len(data):
            raise ValueError("missing length")
        length = data[position]
        position += 1
        if length & 0x80:
            count = length & 0x7F
            if count not in (1, 2) or position + count > len(data):
                raise ValueError("bad length")
            length = int.from_bytes(data[position : position + count], "big")
            position += count
        if position + length > len(data):
            raise ValueError("truncated value")
        items.append((tag, data[position : position + length]))
        position += length
    return items


def fci_algorithm(fci: bytes) -> AuthAlgorithm | None:
    """The algorithm of FCI `6F{… A5{… 9F0C{86 01 xx}}}` (Sichuan §10.1); None if absent/unreadable.

    The FCI only matters for a PSAM, so a damaged FCI is no reason to refuse the card.
    """
    try:
        for tag, value in _ber_tlv_items(fci):
            if tag != 0x6F:
                continue
            for inner_tag, inner in _ber_tlv_items(value):
                if inner_tag != 0xA5:
                    continue
                for prop_tag, prop in _ber_tlv_items(inner):
                    if prop_tag != 0x9F0C:
                        continue
                    for alg_tag, alg in _ber_tlv_items(prop):
                        if alg_tag == 0x86 and len(alg) == 1:
                            return AuthAlgorithm(alg[0])
    except ValueError:  # malformed TLV or an algorithm number outside 01..03
        return None
    return None


def default_algorithm(region_code: str) -> AuthAlgorithm:
    """Sichuan §10.1: without 9F0C/86, region codes starting with 11 use SSF33, others DES."""
    return AuthAlgorithm.SSF33 if region_code.startswith("11") else AuthAlgorithm.DES


def rkssse_diversification_factor(card_identifier: bytes) -> bytes:
    """The 8-byte second-level diversification factor of Sichuan §10.3.

    Region codes starting with 33: the first 2 bytes of 卡识别码 as 4 ASCII digits + "00sx";
    otherwise the first 3 bytes as 6 ASCII digits + "sx".
    """
    region_hex = card_identifier[:3].hex().upper()
    if region_hex.startswith("33"):
        return region_hex[:4].encode("ascii") + b"00sx"
    return region_hex.encode("ascii") + b"sx"


# --- the APDU sequence (devices.md Part B §2.4) ---------------------------------------------


def select_ssse(transport: ApduTransport) -> bytes:
    """SELECT the SSSE by name and return its FCI; 6A82 means this is no 社保卡."""
    response = exchange(transport, select_by_name(SSSE_DF_NAME))
    if response.sw == SW_FILE_NOT_FOUND:
        raise NotSocialSecurityCardError(response.sw)
    return require_ok(response, "选择社会保障应用")


def read_records(
    transport: ApduTransport, fid: int, items: tuple[DataItem, ...]
) -> dict[int, bytes]:
    """SELECT EF `fid` and READ RECORD every item by tag; items with min length 0 may be absent."""
    require_ok(exchange(transport, select_ef(fid)), f"选择文件 {fid:04X}")
    records: dict[int, bytes] = {}
    for item in items:
        response = exchange(transport, read_record_by_identifier(item.tag, item.le))
        if response.sw == SW_RECORD_NOT_FOUND and item.min_length == 0:
            continue  # 姓名扩展 on cards without it: SSCARDCtrl.cpp ignores it, so do we
        records[item.tag] = require_ok(response, f"读取「{item.name}」")
    return records


def read_issuer_data(transport: ApduTransport) -> IssuerData:
    """EF05 (free read on every generation)."""
    records = read_records(transport, EF05_ISSUER, EF05_ITEMS)
    if SPEC_VERSION.tag not in records:
        records[SPEC_VERSION.tag] = bytes((SPEC_VERSION.tag, 0))  # no version record: 1.0x
    return decode_issuer_data(records)


def unlock_holder_data(
    transport: ApduTransport,
    issuer: IssuerData,
    fci: bytes,
    atr: bytes,
    psam: Psam,
    key_id: int = RKSSSE_KEY_ID,
) -> None:
    """GET CHALLENGE, ask the PSAM for the cryptogram, EXTERNAL AUTHENTICATE with RKSSSE."""
    challenge = require_ok(exchange(transport, get_challenge(CHALLENGE_LENGTH)), "取随机数")
    if len(challenge) != CHALLENGE_LENGTH:
        raise _data_error("随机数", f"长度为 {len(challenge)} 字节，应为8字节", challenge)
    request = ExternalAuthRequest(
        card_identifier=issuer.card_identifier,
        region_code=issuer.region_code,
        diversification_factor=rkssse_diversification_factor(issuer.card_identifier),
        algorithm=fci_algorithm(fci) or default_algorithm(issuer.region_code),
        challenge=challenge,
        atr=atr,
        key_id=key_id,
    )
    data = psam.authentication_data(request)
    if len(data) != AUTHENTICATION_DATA_LENGTH:
        raise PsamError(f"PSAM 返回的认证数据长度错误（{len(data)} 字节，应为16字节）")
    require_ok(exchange(transport, external_authenticate(key_id, data)), "外部认证")


def read_social_security_card(
    transport: ApduTransport,
    *,
    reader_name: str,
    atr: bytes = b"",
    psam: Psam | None = None,
    key_id: int = RKSSSE_KEY_ID,
    refused_cards: Container[bytes] = (),
) -> CardData:
    """Read a 社保卡 over `transport`: CardData, or PartialCardError when EF06 stays locked.

    Never sends VERIFY: EF05/EF06 need no PIN, and each wrong PIN burns a try (§3.3).
    On a 3.0 card with a PSAM the RKSSSE external authentication runs first, unless the card's
    卡识别码 is in `refused_cards` (it rejected a cryptogram before). Without a PSAM the reader
    still tries EF06 (a card might not enforce RKSSSE) and reports 6982 as partial data.
    """
    fci = select_ssse(transport)
    issuer = read_issuer_data(transport)
    if issuer.generation >= 3 and psam is not None:
        _authenticate_or_raise(
            transport, issuer, fci, atr, psam, key_id, reader_name, refused_cards
        )
    try:
        holder_records = read_records(transport, EF06_HOLDER, EF06_ITEMS)
    except CardStatusError as exc:
        if exc.sw != SW_SECURITY_STATUS_NOT_SATISFIED:
            raise
        if issuer.generation >= 3:
            reason = MESSAGE_GEN3_NEEDS_ID_CARD
        else:
            reason = "社保卡拒绝读取持卡人信息（安全状态不满足，6982），需读身份证以获取其余信息"
        raise PartialCardError(issuer, reader_name, reason) from exc
    return to_card_data(issuer, decode_holder_data(holder_records), reader_name)


def _authenticate_or_raise(
    transport: ApduTransport,
    issuer: IssuerData,
    fci: bytes,
    atr: bytes,
    psam: Psam,
    key_id: int,
    reader_name: str,
    refused_cards: Container[bytes],
) -> None:
    """Unlock EF06 with the PSAM, or raise PartialCardError saying why it could not."""
    if issuer.card_identifier in refused_cards:
        raise PartialCardError(
            issuer,
            reader_name,
            f"{MESSAGE_GEN3_NEEDS_ID_CARD}（此卡曾拒绝外部认证，为免锁卡不再尝试）",
            authentication_refused=True,
        )
    try:
        unlock_holder_data(transport, issuer, fci, atr, psam, key_id)
    except PsamError as exc:
        raise PartialCardError(
            issuer, reader_name, f"{MESSAGE_GEN3_NEEDS_ID_CARD}（{psam.name}：{exc.message}）"
        ) from exc
    except CardStatusError as exc:
        # 63Cx: wrong cryptogram, x tries left; 6983: the key is already blocked.
        refused = exc.sw & 0xFFF0 == 0x63C0 or exc.sw == 0x6983
        raise PartialCardError(
            issuer,
            reader_name,
            f"{MESSAGE_GEN3_NEEDS_ID_CARD}（{psam.name}外部认证失败：{exc.meaning}，"
            f"状态码 {exc.sw:04X}）",
            authentication_refused=refused,
        ) from exc
