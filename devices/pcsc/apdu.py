"""ISO 7816-4 APDUs for 社保卡: building commands, T=0 61xx/6Cxx handling, status-word meanings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from devices.errors import FrameError
from devices.pcsc.errors import CardStatusError, UnknownStatusWordError

SW_OK = 0x9000
SW_SECURITY_STATUS_NOT_SATISFIED = 0x6982
SW_FILE_NOT_FOUND = 0x6A82
SW_RECORD_NOT_FOUND = 0x6A83

# Every status word of LD/T 32.5 第5部分 表5 as listed in devices.md Part B §2.2, in Chinese.
# The ranges 61xx, 6Cxx and 63Cx are described by `describe_status_word`.
STATUS_WORD_MEANINGS: Mapping[int, str] = {
    0x9000: "命令执行成功",
    0x6581: "卡片存储器错误",
    0x6700: "数据长度（Lc）错误",
    0x6901: "命令不被接受（无效状态）",
    0x6981: "命令与文件结构不相容",
    0x6982: "安全状态不满足",
    0x6983: "认证方法已锁定（密码已锁）",
    0x6984: "引用数据无效（随机数无效）",
    0x6985: "使用条件不满足",
    0x6986: "不满足命令执行条件（当前没有选择基本文件）",
    0x6988: "安全报文数据对象不正确",
    0x6A80: "数据域参数不正确",
    0x6A81: "功能不支持",
    0x6A82: "文件未找到",
    0x6A83: "记录未找到",
    0x6A86: "参数 P1、P2 不正确",
    0x6A88: "引用数据未找到（密钥不存在）",
    0x6B00: "参数错误（偏移地址超出基本文件）",
    0x6D00: "指令代码（INS）不支持",
    0x6E00: "指令类别（CLA）不支持",
    0x6F00: "数据无效（卡片内部错误）",
    0x9302: "MAC 无效",
    0x9303: "应用已被永久锁定",
    # 94 01..94 06: purse/transaction errors (devices.md §2.2 lists the range only); the
    # meanings of 9401/9402/9403/9406 are those of the PBOC purse commands the 社保卡 COS shares.
    0x9401: "钱包余额不足",
    0x9402: "交易计数器已达最大值",
    0x9403: "密钥索引不支持",
    0x9404: "钱包交易错误",
    0x9405: "钱包交易错误",
    0x9406: "所需 MAC 不可用",
}


def describe_status_word(sw: int) -> str | None:
    """The Chinese meaning of status word `sw`, or None when the 社保卡 specification has none."""
    sw1, sw2 = sw >> 8, sw & 0xFF
    if sw1 == 0x61:
        return f"命令成功，还有 {sw2 or 256} 字节数据待取"
    if sw1 == 0x6C:
        return f"长度 Le 错误，卡片实际数据长度为 {sw2 or 256} 字节"
    if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
        return f"认证失败，还可尝试 {sw2 & 0x0F} 次"
    return STATUS_WORD_MEANINGS.get(sw)


@dataclass(frozen=True, slots=True)
class CommandApdu:
    """A short command APDU (ISO 7816-4 cases 1–4); `le` None: no Le byte; 256 is sent as 00."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            if not 0 <= getattr(self, name) <= 0xFF:
                raise ValueError(f"{name} out of range")
        if len(self.data) > 255:
            raise ValueError("extended APDUs are not used by 社保卡 reading")
        if self.le is not None and not 1 <= self.le <= 256:
            raise ValueError("le must be 1..256")

    def to_bytes(self) -> bytes:
        """The APDU as sent to the card."""
        out = bytes((self.cla, self.ins, self.p1, self.p2))
        if self.data:
            out += bytes((len(self.data),)) + self.data
        if self.le is not None:
            out += bytes((self.le & 0xFF,))
        return out

    def with_le(self, le: int) -> CommandApdu:
        """The same command asking for `le` bytes (the 6Cxx re-issue)."""
        return replace(self, le=le)


@dataclass(frozen=True, slots=True)
class ResponseApdu:
    """A response APDU: data field and the two status bytes."""

    data: bytes
    sw1: int
    sw2: int

    @property
    def sw(self) -> int:
        """SW1 SW2 as one 16-bit number, e.g. 0x9000."""
        return self.sw1 << 8 | self.sw2

    @classmethod
    def from_bytes(cls, raw: bytes) -> ResponseApdu:
        """Split a raw response; fewer than 2 bytes is a broken link, not a card answer."""
        if len(raw) < 2:
            raise FrameError("社保卡应答不完整（少于2字节），请重新插卡")
        return cls(raw[:-2], raw[-2], raw[-1])


class ApduTransport(Protocol):
    """Sends one raw APDU and returns the raw response (data + SW1 SW2), nothing more.

    PC/SC under T=0 hands 61xx and 6Cxx back to the application (pyscard does not hide them,
    devices.md Part B §2.3), so `exchange` does the transport-layer work itself.
    """

    def transmit(self, apdu: bytes) -> bytes: ...


# GET RESPONSE chains longer than this mean a confused card, not a long answer.
_MAX_GET_RESPONSE_ROUNDS = 16


def exchange(transport: ApduTransport, command: CommandApdu) -> ResponseApdu:
    """Send `command`, following 6Cxx (re-send with Le=xx) and 61xx (GET RESPONSE) to the end.

    第2部分 §9.3.2: a case-2 command with a wrong Le gets 6C Licc; a case-4 command under T=0
    gets 61xx and the data must be fetched with GET RESPONSE (00 C0 00 00 xx).
    """
    response = ResponseApdu.from_bytes(transport.transmit(command.to_bytes()))
    if response.sw1 == 0x6C:
        command = command.with_le(response.sw2 or 256)
        response = ResponseApdu.from_bytes(transport.transmit(command.to_bytes()))
        if response.sw1 == 0x6C:
            raise CardStatusError(response.sw, "读取", "按卡片给出的长度重发后仍报告长度错误")
    collected = response.data
    rounds = 0
    while response.sw1 == 0x61:
        rounds += 1
        if rounds > _MAX_GET_RESPONSE_ROUNDS:
            raise FrameError("社保卡应答过长（GET RESPONSE 次数超限），请重新插卡")
        get_response = CommandApdu(0x00, 0xC0, 0x00, 0x00, le=response.sw2 or 256)
        response = ResponseApdu.from_bytes(transport.transmit(get_response.to_bytes()))
        if response.sw1 == 0x6C:
            get_response = get_response.with_le(response.sw2 or 256)
            response = ResponseApdu.from_bytes(transport.transmit(get_response.to_bytes()))
        collected += response.data
    return ResponseApdu(collected, response.sw1, response.sw2)


def require_ok(response: ResponseApdu, action: str) -> bytes:
    """The data of `response` if it is 9000, else a typed error saying what `action` failed."""
    if response.sw == SW_OK:
        return response.data
    meaning = describe_status_word(response.sw)
    if meaning is None:
        raise UnknownStatusWordError(response.sw, action)
    raise CardStatusError(response.sw, action, meaning)


# --- commands used to read the SSSE (第5部分; devices.md Part B §2.1) -------------------------


def select_by_name(df_name: bytes) -> CommandApdu:
    """SELECT a DF by name (P1=04, first occurrence); under T=0 the FCI comes back as 61xx."""
    return CommandApdu(0x00, 0xA4, 0x04, 0x00, df_name)


def select_ef(fid: int) -> CommandApdu:
    """SELECT an EF by file identifier under the current DF (P1=02)."""
    return CommandApdu(0x00, 0xA4, 0x02, 0x00, fid.to_bytes(2, "big"))


def read_record_by_identifier(tag: int, le: int) -> CommandApdu:
    """READ RECORD of the current EF whose record identifier (= TLV tag) is `tag` (P2=00)."""
    return CommandApdu(0x00, 0xB2, tag, 0x00, le=le)


def get_challenge(length: int = 8) -> CommandApdu:
    """GET CHALLENGE: the card returns `length` random bytes for an external authentication."""
    return CommandApdu(0x00, 0x84, 0x00, 0x00, le=length)


def external_authenticate(key_id: int, authentication_data: bytes) -> CommandApdu:
    """EXTERNAL AUTHENTICATE with key `key_id`: 8-byte 鉴别数据 + 8-byte 原始信息 (第5部分 §6.4)."""
    return CommandApdu(0x00, 0x82, 0x00, key_id, authentication_data)
