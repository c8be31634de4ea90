"""Tests of devices.mps.status: every SW3 of devices.md §1.5 has a Chinese meaning."""

from __future__ import annotations

import pytest

from devices.errors import CardRemovedError, SamError
from devices.mps.status import SAM_STATUS_MEANINGS, describe_status, status_error

DOCUMENTED_SW3 = [0x90, 0x9F, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x37, 0x3F,
                  0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81, 0x91]  # fmt: skip


@pytest.mark.parametrize("sw3", DOCUMENTED_SW3)
def test_every_documented_status_has_a_chinese_meaning(sw3: int) -> None:
    meaning = describe_status(sw3)
    assert meaning == SAM_STATUS_MEANINGS[sw3]
    assert any("\u4e00" <= char <= "\u9fff" for char in meaning)


def test_unknown_status_says_so_with_its_value() -> None:
    assert describe_status(0x55) == "未知状态码 0x55"
    error = status_error(0x55, step="读卡")
    assert isinstance(error, SamError)
    assert "0x55" in error.message


@pytest.mark.parametrize(("sw3", "step"), [(0x81, "选卡"), (0x41, "读卡"), (0x80, "选卡")])
def test_card_leaving_after_find_asks_to_place_it_again(sw3: int, step: str) -> None:
    assert isinstance(status_error(sw3, step=step), CardRemovedError)


def test_sam_failure_is_a_sam_error_with_meaning() -> None:
    error = status_error(0x60, step="寻卡")
    assert isinstance(error, SamError)
    assert error.status == 0x60
    assert "SAM 自检失败" in error.message
