"""Typed errors of card reading, each carrying the Chinese message the counter shows."""

from __future__ import annotations

from typing import ClassVar

from desktop.domain.errors import DomainError

# Shown in the status bar when photos cannot be decoded (devices/wlt.py); kept here so the
# status bar can recognise it without loading ctypes at start-up.
PHOTO_DECODER_MISSING = "未安装授权的照片解码库，照片不显示"


class CardReadError(DomainError):
    """Reading a card failed; `message` is for the clerk, `detail` is technical (for logs)."""

    default_message: ClassVar[str] = "读卡失败，请重新放置卡片"

    def __init__(self, message: str | None = None, *, detail: str = "") -> None:
        super().__init__(message if message is not None else self.default_message)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message}（{self.detail}）" if self.detail else self.message


class ReaderNotConnectedError(CardReadError):
    """The reader's port cannot be opened or has gone away (unplugged, closed)."""

    default_message = "身份证阅读器未连接"


class NoCardError(CardReadError):
    """No card was found on the reader within the time allowed."""

    default_message = "未找到卡片，请放置卡片"


class CardRemovedError(CardReadError):
    """The card left the reader's field between find and the end of the read."""

    default_message = "卡片已移开或读卡中断，请重新放置卡片"


class FrameError(CardReadError):
    """A reply frame was corrupted, truncated, had a bad checksum or a wrong length."""

    default_message = "读卡数据校验错误，请重新放置卡片"


class ReaderTimeoutError(CardReadError):
    """The reader did not answer a command in time."""

    default_message = "身份证阅读器无应答（超时），请检查连接"


class SamError(CardReadError):
    """The reader's SAM module answered with a status other than success (devices.md §1.5)."""

    def __init__(self, status: int, meaning: str, *, detail: str = "") -> None:
        super().__init__(f"身份证阅读器报错（状态码 0x{status:02X}）：{meaning}", detail=detail)
        self.status = status
        self.meaning = meaning


class CardDataError(CardReadError):
    """The card's own data is invalid: bad UTF-16 text, impossible date, wrong check digit."""

    def __init__(self, field: str, problem: str, *, detail: str = "") -> None:
        super().__init__(f"卡内数据有误：{field}{problem}，请核对证件", detail=detail)
        self.field = field
        self.problem = problem


class DriverUnavailableError(CardReadError):
    """A driver cannot be used here (library absent, wrong architecture, package missing)."""

    def __init__(self, reason: str, *, detail: str = "") -> None:
        super().__init__(f"读卡驱动不可用：{reason}", detail=detail)
        self.reason = reason
