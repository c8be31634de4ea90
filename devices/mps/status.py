"""SW3 status codes of the MPS SAM protocol and of the sdtapi SDK, with their Chinese meaning."""

from __future__ import annotations

from typing import Final

from devices.errors import CardReadError, CardRemovedError, SamError

OK: Final = 0x90
CARD_FOUND: Final = 0x9F
NO_CARD: Final = 0x80
SELECT_FAILED: Final = 0x81
READ_FAILED: Final = 0x41
NO_CONTENT: Final = 0x91

# devices.md §1.5 (softs.im protocol page [S1], SDK descriptions [S23]).
SAM_STATUS_MEANINGS: Final[dict[int, str]] = {
    0x90: "操作成功",
    0x9F: "找卡成功",
    0x10: "阅读器收到的命令校验和错误",
    0x11: "阅读器收到的命令长度错误",
    0x21: "命令错误（命令或参数组合不正确）",
    0x23: "越权操作",
    0x24: "无法识别的错误",
    0x31: "证件认证 SAM 失败",
    0x32: "SAM 认证证件失败",
    0x33: "信息验证错误",
    0x37: "指纹信息验证错误",
    0x3F: "信息长度错误",
    0x40: "无法识别的卡类型",
    0x41: "读证件操作失败",
    0x47: "取随机数失败",
    0x60: "SAM 自检失败，不能接收命令，请重启阅读器",
    0x66: "SAM 未经授权",
    0x80: "找卡失败（未放卡片）",
    0x81: "选卡失败",
    0x91: "证件中此项无内容",
}

# devices.md §1.5: sdtapi return codes that are not SAM statuses [S23].
SDK_STATUS_MEANINGS: Final[dict[int, str]] = {
    0x01: "端口打开失败",
    0x02: "接收阅读器数据超时",
    0x03: "数据传输错误",
    0x05: "SAM 串口不可用",
    0x09: "打开文件失败",
}


def describe_status(sw3: int) -> str:
    """The Chinese meaning of an SW3 status byte; unknown codes say so with their value."""
    meaning = SAM_STATUS_MEANINGS.get(sw3)
    if meaning is None:
        return f"未知状态码 0x{sw3:02X}"
    return meaning


def status_error(sw3: int, *, step: str, sw1: int = 0, sw2: int = 0) -> CardReadError:
    """The exception for a failed `step` (寻卡/选卡/读卡) that answered `sw3`."""
    detail = f"{step}: SW1={sw1:02X} SW2={sw2:02X} SW3={sw3:02X}"
    if sw3 in (NO_CARD, SELECT_FAILED, READ_FAILED) and step != "寻卡":
        # §1.6: the card left the field after it was found; the clerk places it again.
        return CardRemovedError(detail=detail)
    return SamError(sw3, describe_status(sw3), detail=detail)
