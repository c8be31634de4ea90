"""Tests of devices.registry: configuration entries → driver instances, with reasons."""

from __future__ import annotations

import sys
import tomllib

import pytest

from devices.errors import DriverUnavailableError
from devices.mps.serial_reader import MpsSerialReader
from devices.registry import (
    ReaderConfig,
    build_reader,
    build_readers,
    driver_usable,
    reader_configs_from_toml,
)
from devices.sdk import SdtapiReader, TermbReader

CONFIG = """
[[readers]]
driver = "mps"
port = "/dev/ttyUSB0"
name = "窗口1身份证阅读器"
timeout_s = 1.5

[[readers]]
driver = "sdtapi"
port = "1001"
library = "/opt/reader/libsdtapi.so"

[[readers]]
driver = "termb"
"""


def test_toml_entries_become_configs_and_readers() -> None:
    configs = reader_configs_from_toml(tomllib.loads(CONFIG)["readers"])
    assert configs[0] == ReaderConfig("mps", "/dev/ttyUSB0", "", "窗口1身份证阅读器", 1.5)
    readers, problems = build_readers(configs)
    assert problems == []
    assert [type(r) for r in readers] == [MpsSerialReader, SdtapiReader, TermbReader]
    assert readers[0].name == "窗口1身份证阅读器"
    assert isinstance(readers[1], SdtapiReader) and readers[1].port == 1001


@pytest.mark.parametrize(
    ("entries", "text"),
    [
        ([{"port": "/dev/ttyUSB0"}], "没有写驱动"),
        ([{"driver": "mps", "timeout_s": "fast"}], "超时"),
        ([{"driver": "mps", "timeout_s": 0}], "超时"),
    ],
)
def test_bad_entries_are_refused_in_chinese(entries: list[dict[str, object]], text: str) -> None:
    with pytest.raises(DriverUnavailableError, match=text):
        reader_configs_from_toml(entries)


def test_unusable_configs_are_left_out_with_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "devices.pcsc", None)  # as if pyscard could not be built
    readers, problems = build_readers(
        [
            ReaderConfig("usb-magic"),
            ReaderConfig("mps"),
            ReaderConfig("sdtapi", port="COM1"),
            ReaderConfig("pcsc", port="Virtual PCD 00 00"),
            ReaderConfig("mps", port="/dev/ttyS0"),
        ]
    )
    assert len(readers) == 1 and isinstance(readers[0], MpsSerialReader)
    assert "未知的阅读器驱动“usb-magic”" in problems[0]
    assert "没有配置端口" in problems[1]
    assert "不是数字" in problems[2]
    assert "社保卡读卡模块（PC/SC）不可用" in problems[3]


def test_driver_usable_reports_each_driver() -> None:
    assert driver_usable("mps") == (True, "")
    usable, reason = driver_usable("nonsense")
    assert not usable and "未知的阅读器驱动" in reason


def test_build_reader_does_not_open_anything() -> None:
    reader = build_reader(ReaderConfig("mps", port="/dev/dengji-not-there"))
    assert not reader.is_open


def test_pcsc_entry_builds_the_social_security_reader() -> None:
    pcsc = pytest.importorskip("devices.pcsc")
    usable, reason = driver_usable("pcsc")
    readers, problems = build_readers([ReaderConfig("pcsc", port="Virtual PCD 00 00")])
    if usable:
        assert [type(r) for r in readers] == [pcsc.SocialSecurityCardReader]
    else:
        assert problems == [f"pcsc Virtual PCD 00 00：{reason}"]


def test_read_card_once_reads_the_card_on_the_reader(emulator, cards) -> None:  # type: ignore[no-untyped-def]
    from devices.registry import read_card_once

    emulator.place_card(cards["foreign_y"])
    card = read_card_once(ReaderConfig("mps", port=emulator.port, name="测试"), 2.0)
    assert (card.name, card.reader_name) == ("安娜", "测试")


def test_read_card_once_without_a_card_says_how_long_it_waited(emulator) -> None:  # type: ignore[no-untyped-def]
    from devices.errors import NoCardError
    from devices.registry import read_card_once

    with pytest.raises(NoCardError) as caught:
        read_card_once(ReaderConfig("mps", port=emulator.port), 0.3)
    assert caught.value.message == "0.3 秒内未读到卡片，请放置卡片后重试"


def test_read_card_once_of_an_unconfigured_port() -> None:
    from devices.registry import read_card_once

    with pytest.raises(DriverUnavailableError, match="没有配置端口"):
        read_card_once(ReaderConfig("mps"), 0.3)
