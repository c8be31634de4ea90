"""The status bar follows a real ReaderMonitor (fake readers subclass the real base class)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLabel

from desktop.config import Config, ReaderSetting
from desktop.ui.app import reader_configs_from_settings, start_reader_monitor
from desktop.ui.status_bar import DengjiStatusBar
from devices.base import CardReader
from devices.card import CardData, CardKind, CardSource
from devices.errors import CardReadError, ReaderNotConnectedError
from devices.monitor import ReaderMonitor

WAIT_MS = 5000


class OneCardReader(CardReader):
    """Connected at once; shows one card when `place_card` is called, until `remove_card`."""

    family = "身份证阅读器"

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._card_placed = threading.Event()
        self._read = False

    @classmethod
    def is_usable(cls) -> tuple[bool, str]:
        return True, ""

    def open(self) -> None:
        self._claim_thread()

    def close(self) -> None:
        self._release_thread()

    def read_card(self) -> CardData | None:
        self._assert_owner_thread()
        if not self._card_placed.is_set() or self._read:
            return None
        self._read = True
        return CardData(
            kind=CardKind.RESIDENT_ID,
            source=CardSource.ID_CARD_READER,
            name="马建国",
            id_number="620102197205141316",
            birth_date=dt.date(1972, 5, 14),
        )

    def card_present(self) -> bool:
        return self._card_placed.is_set()

    def place_card(self) -> None:
        self._read = False
        self._card_placed.set()

    def remove_card(self) -> None:
        self._card_placed.clear()


class AbsentReader(OneCardReader):
    """A configured reader that is not plugged in."""

    def open(self) -> None:
        raise ReaderNotConnectedError()


class UnreadableCardReader(OneCardReader):
    """Connected, but the card on it cannot be read (a scratched chip)."""

    def read_card(self) -> CardData | None:
        if self.card_present():
            raise CardReadError()
        return None


@pytest.fixture
def status_bar(qtbot) -> DengjiStatusBar:
    bar = DengjiStatusBar("1号窗口", demo=False)
    qtbot.addWidget(bar)
    return bar


@pytest.fixture
def readers() -> list[OneCardReader]:
    return [OneCardReader("前台阅读器"), AbsentReader("备用阅读器")]


@pytest.fixture
def monitor(readers: list[OneCardReader]) -> Iterator[ReaderMonitor]:
    reader_monitor = ReaderMonitor(readers, poll_interval_s=0.02, reconnect_interval_s=10)
    yield reader_monitor
    assert reader_monitor.stop()


def reader_text(bar: DengjiStatusBar) -> str:
    return bar.section_texts()["reader"]


def test_without_readers_it_says_not_configured(status_bar: DengjiStatusBar) -> None:
    assert reader_text(status_bar) == "读卡器：未配置"
    assert start_reader_monitor(Config(), status_bar) is None
    assert reader_text(status_bar) == "读卡器：未配置"


def test_readers_found_card_read_and_removed(
    qtbot, status_bar: DengjiStatusBar, monitor: ReaderMonitor, readers: list[OneCardReader]
) -> None:
    # The monitor's signals come from its own thread: wait on what the status bar (on the GUI
    # thread) shows, not on the signals themselves (qtbot would handle them on that thread).
    status_bar.attach_reader_monitor(monitor)
    assert reader_text(status_bar) == "读卡器：正在连接……"
    monitor.start()
    qtbot.waitUntil(
        lambda: reader_text(status_bar) == "身份证阅读器：1/2 台已连接", timeout=WAIT_MS
    )
    tooltip = status_bar.findChild(QLabel, "readerStatus").toolTip()
    assert "备用阅读器：身份证阅读器未连接" in tooltip
    assert "前台阅读器：已连接" in tooltip
    readers[0].place_card()
    qtbot.waitUntil(
        lambda: reader_text(status_bar) == "已读卡：马建国（居民身份证）", timeout=WAIT_MS
    )
    readers[0].remove_card()
    qtbot.waitUntil(
        lambda: reader_text(status_bar) == "身份证阅读器：1/2 台已连接", timeout=WAIT_MS
    )


def test_an_absent_reader_is_shown_as_not_connected(status_bar: DengjiStatusBar, qtbot) -> None:
    monitor = ReaderMonitor([AbsentReader("唯一阅读器")], poll_interval_s=0.02)
    status_bar.attach_reader_monitor(monitor)
    try:
        monitor.start()
        qtbot.waitUntil(lambda: reader_text(status_bar) == "身份证阅读器未连接", timeout=WAIT_MS)
    finally:
        assert monitor.stop()
    tooltip = status_bar.findChild(QLabel, "readerStatus").toolTip()
    assert tooltip == "唯一阅读器：身份证阅读器未连接"


def test_a_failed_read_is_shown_in_chinese(status_bar: DengjiStatusBar, qtbot) -> None:
    reader = UnreadableCardReader("前台阅读器")
    monitor = ReaderMonitor([reader], poll_interval_s=0.02)
    status_bar.attach_reader_monitor(monitor)
    try:
        monitor.start()
        qtbot.waitUntil(lambda: reader_text(status_bar) == "身份证阅读器：已连接", timeout=WAIT_MS)
        reader.place_card()
        qtbot.waitUntil(
            lambda: reader_text(status_bar) == "读卡失败，请重新放置卡片", timeout=WAIT_MS
        )
    finally:
        assert monitor.stop()


def test_configured_readers_that_cannot_work_here_are_explained(
    status_bar: DengjiStatusBar,
) -> None:
    config = Config(readers=(ReaderSetting(driver="no-such-driver"),))
    assert start_reader_monitor(config, status_bar) is None
    assert reader_text(status_bar) == "读卡器：不可用"


def test_reader_settings_map_to_registry_drivers() -> None:
    configs = reader_configs_from_settings(
        [
            ReaderSetting("mps", "/dev/ttyUSB0", name=" 前台 "),
            ReaderSetting("sdtapi", "1001", library="libsdtapi.so"),
            ReaderSetting("pcsc", ""),
        ]
    )
    assert [(c.driver, c.port, c.library, c.name) for c in configs] == [
        ("mps", "/dev/ttyUSB0", "", "前台"),
        ("sdtapi", "1001", "libsdtapi.so", ""),
        ("pcsc", "", "", ""),
    ]


def test_sync_section_counts_waiting_events(status_bar: DengjiStatusBar) -> None:
    assert status_bar.section_texts()["sync"] == "同步：离线（未配置中心数据库）"
    status_bar.set_events_waiting(12)
    assert status_bar.section_texts()["sync"] == "同步：离线（未配置中心数据库），待上传 12 条"


def test_clerk_section(status_bar: DengjiStatusBar) -> None:
    assert status_bar.section_texts()["clerk"] == "经办人：未登录"
    status_bar.set_clerk("王丽娟")
    assert status_bar.section_texts()["clerk"] == "经办人：王丽娟"
    assert status_bar.section_texts()["demo"] == ""


class ThirdGenerationCardReader(OneCardReader):
    """A 社保卡 reader holding a 3.0 card without a PSAM: only EF05 can be read."""

    family = "社保卡读卡器"

    def read_card(self) -> CardData | None:
        from devices.pcsc.errors import PartialCardError
        from devices.pcsc.ssse import IssuerData

        if not self.card_present() or self._read:
            return None
        self._read = True
        issuer = IssuerData(
            card_identifier=bytes.fromhex("620100D15600000500000013A1B2C3D4"),
            card_type="3",
            spec_version="3.00",
            init_org_number="915600000262010062010001",
            issue_date=None,
            expiry_date=None,
            card_number="E62000032",
        )
        raise PartialCardError(issuer, self.name, "第三代社保卡需读身份证以获取其余信息")


def test_a_third_generation_card_asks_for_the_id_card(status_bar: DengjiStatusBar, qtbot) -> None:
    ssc, id_reader = ThirdGenerationCardReader("社保卡"), OneCardReader("身份证")
    monitor = ReaderMonitor([ssc, id_reader], poll_interval_s=0.02)
    status_bar.attach_reader_monitor(monitor)
    try:
        monitor.start()
        qtbot.waitUntil(
            lambda: reader_text(status_bar) == "社保卡读卡器：已连接　身份证阅读器：已连接",
            timeout=WAIT_MS,
        )
        ssc.place_card()
        qtbot.waitUntil(
            lambda: reader_text(status_bar) == "已读社保卡 E62000032，请放置身份证读取其余信息",
            timeout=WAIT_MS,
        )
        ssc.remove_card()
        id_reader.place_card()
        qtbot.waitUntil(
            lambda: reader_text(status_bar) == "已读卡：马建国（居民身份证）", timeout=WAIT_MS
        )
    finally:
        assert monitor.stop()


def test_notices_are_shown_once(status_bar: DengjiStatusBar) -> None:
    assert status_bar.show_notice_once("photo-decoder", "未安装授权的照片解码库，照片不显示")
    assert status_bar.currentMessage() == "未安装授权的照片解码库，照片不显示"
    status_bar.clearMessage()
    assert not status_bar.show_notice_once("photo-decoder", "未安装授权的照片解码库，照片不显示")
    assert status_bar.currentMessage() == ""


def test_a_replaced_monitor_no_longer_drives_the_section(
    status_bar: DengjiStatusBar, qtbot
) -> None:
    first = ReaderMonitor([OneCardReader("旧阅读器")], poll_interval_s=0.02)
    status_bar.attach_reader_monitor(first)
    status_bar.detach_reader_monitor()
    status_bar.show_reader_not_configured()
    try:
        first.start()
        qtbot.wait(200)
        assert reader_text(status_bar) == "读卡器：未配置"
    finally:
        assert first.stop()
