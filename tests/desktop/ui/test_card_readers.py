"""desktop.ui.app.CardReaders: the monitor replaced when settings are saved, never two owners
of one port, and a configuration whose readers cannot work here explained."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.config import Config, ReaderSetting
from desktop.ui.app import CardReaders, uses_demo_devices
from desktop.ui.status_bar import DengjiStatusBar
from devices.emulators.idcard_reader import IdCardReaderEmulator, demo_cards

WAIT_MS = 5000


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[IdCardReaderEmulator]:
    with IdCardReaderEmulator(link_path=tmp_path / "ttyIDCARD") as running:
        yield running


@pytest.fixture
def status_bar(qtbot) -> DengjiStatusBar:
    bar = DengjiStatusBar("1号窗口", demo=False)
    qtbot.addWidget(bar)
    return bar


def config_with(port: str, name: str) -> Config:
    return Config(
        readers=(ReaderSetting("mps", port, name=name),), reader_poll_interval_ms=50, demo=False
    )


def test_quick_successive_saves_end_with_the_last_readers(
    qtbot, status_bar: DengjiStatusBar, emulator: IdCardReaderEmulator
) -> None:
    card_readers = CardReaders(status_bar)
    names: list[str] = []
    card_readers.sig_card_read.connect(lambda card: names.append(card.reader_name))
    card_readers.start(config_with(emulator.port, "第一台"))
    try:
        qtbot.waitUntil(lambda: status_bar.section_texts()["reader"] == "身份证阅读器：已连接")
        card_readers.apply_config(config_with(emulator.port, "第二台"))
        card_readers.apply_config(config_with(emulator.port, "第三台"))
        qtbot.waitUntil(
            lambda: (
                card_readers.monitor is not None
                and card_readers.monitor.readers[0].name == "第三台"
            ),
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(lambda: status_bar.section_texts()["reader"] == "身份证阅读器：已连接")
        emulator.place_card(demo_cards()["resident"])
        qtbot.waitUntil(lambda: names == ["第三台"], timeout=WAIT_MS)
    finally:
        card_readers.stop()
    assert card_readers.monitor is None


def test_readers_that_cannot_work_here_are_explained(qtbot, status_bar: DengjiStatusBar) -> None:
    card_readers = CardReaders(status_bar)
    config = Config(readers=(ReaderSetting("mps", ""),), demo=False)
    card_readers.start(config)
    assert card_readers.monitor is None
    assert status_bar.section_texts()["reader"] == "读卡器：不可用"
    card_readers.read_now()
    assert status_bar.currentMessage() == "读卡器不可用，请在设置页检查阅读器设置"
    CardReaders(status_bar).read_now()
    assert status_bar.currentMessage() == "未配置读卡器，请在设置页添加阅读器"


def test_demo_devices_stand_in_only_without_configured_readers() -> None:
    demo = Config()
    assert uses_demo_devices(demo)
    assert not uses_demo_devices(replace(demo, readers=(ReaderSetting("pcsc"),)))
    assert not uses_demo_devices(replace(demo, demo=False))
