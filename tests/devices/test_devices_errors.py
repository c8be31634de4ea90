"""Tests of devices.errors: every error is a DomainError with a Chinese message."""

from __future__ import annotations

import pytest

from desktop.domain.errors import DomainError
from devices.errors import (
    CardDataError,
    CardReadError,
    CardRemovedError,
    DriverUnavailableError,
    FrameError,
    NoCardError,
    ReaderNotConnectedError,
    ReaderTimeoutError,
    SamError,
)


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (ReaderNotConnectedError(), "身份证阅读器未连接"),
        (NoCardError(), "请放置卡片"),
        (CardRemovedError(), "请重新放置卡片"),
        (FrameError(), "读卡数据校验错误，请重新放置卡片"),
        (ReaderTimeoutError(), "超时"),
        (SamError(0x60, "SAM 自检失败"), "0x60"),
        (CardDataError("出生日期", "“20250230”不是有效日期"), "出生日期“20250230”"),
        (DriverUnavailableError("未找到厂商读卡库"), "未找到厂商读卡库"),
    ],
)
def test_each_error_is_a_card_read_error_with_its_chinese_message(
    error: CardReadError, text: str
) -> None:
    assert isinstance(error, DomainError)
    assert isinstance(error, CardReadError)
    assert text in error.message


def test_detail_is_kept_apart_from_the_clerks_message() -> None:
    error = FrameError(detail="checksum 00, computed 22")
    assert error.message == "读卡数据校验错误，请重新放置卡片"
    assert "checksum" in str(error)
    assert "checksum" not in error.message


def test_sam_error_and_card_data_error_keep_their_parts() -> None:
    sam = SamError(0x41, "读证件操作失败")
    assert (sam.status, sam.meaning) == (0x41, "读证件操作失败")
    data = CardDataError("公民身份号码", "校验位错误")
    assert (data.field, data.problem) == ("公民身份号码", "校验位错误")
    assert DriverUnavailableError("缺库").reason == "缺库"
