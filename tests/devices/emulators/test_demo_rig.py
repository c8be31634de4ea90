"""Tests of devices.emulators.demo_rig: the demo readers, read by the production MPS driver."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.base import wait_for_card
from devices.emulators.demo_rig import (
    DEMO_ID_CARD_LABELS,
    DEMO_ID_READER_NAME,
    ID_TRANSPORT_ENV,
    DemoRig,
    choose_id_transport,
    demo_id_card_data,
    demo_ss_card_title,
    find_virtual_pcd,
    system_vpcd_port,
)
from devices.emulators.ssc_card import VPCD_DEFAULT_PORT
from devices.errors import DriverUnavailableError, ReaderNotConnectedError
from devices.mps.serial_reader import MpsSerialReader
from devices.registry import ReaderConfig, build_readers


@pytest.fixture
def rig() -> Iterator[DemoRig]:
    # No PC/SC reader on this "machine": the ID-card half of demo mode only.
    demo = DemoRig(pcsc_lister=list, id_transport="pty").start()
    yield demo
    demo.stop()


def test_the_id_card_reader_is_configured_and_reads_each_demo_card(rig: DemoRig) -> None:
    assert rig.reader_configs() == [
        ReaderConfig("mps", port=rig.id_emulator.port, name=DEMO_ID_READER_NAME)
    ]
    reader = MpsSerialReader(rig.id_emulator.port, timeout_s=0.5)
    reader.open()
    try:
        for label in DEMO_ID_CARD_LABELS:
            rig.place_id_card(label)
            card = wait_for_card(reader, 2.0, poll_s=0.02)
            assert (card.name, card.id_number) == (
                demo_id_card_data(label).name,
                demo_id_card_data(label).id_number,
            )
        rig.remove_id_card()
        assert reader.read_card() is None and rig.placed_id_card is None
    finally:
        reader.close()


def test_unplugging_keeps_the_port_name_for_plugging_back(rig: DemoRig) -> None:
    port = rig.id_emulator.port
    rig.unplug_id_reader()
    assert not rig.id_reader_plugged and not Path(port).exists()
    with pytest.raises(ReaderNotConnectedError):
        MpsSerialReader(port).open()
    rig.plug_id_reader()
    assert rig.id_emulator.port == port and Path(port).exists()


def test_without_a_virtual_pcd_the_social_security_card_is_refused(rig: DemoRig) -> None:
    assert not rig.ss_available
    assert "vsmartcard" in rig.ss_unavailable_reason
    with pytest.raises(DriverUnavailableError, match="社保卡演示不可用"):
        rig.insert_ss_card("gen2")
    rig.remove_ss_card()  # harmless


def test_stop_removes_the_link_folder() -> None:
    demo = DemoRig(pcsc_lister=list, id_transport="pty").start()
    folder = Path(demo.id_emulator.port).parent
    demo.stop()
    assert not folder.exists()


def test_find_virtual_pcd_picks_vsmartcards_reader() -> None:
    names = ["Gemalto PC Twin Reader 00 00", "Virtual PCD 00 00", "Virtual PCD 00 01"]
    assert find_virtual_pcd(lambda: names) == ("Virtual PCD 00 00", "")


def test_find_virtual_pcd_matches_a_prefixed_name_as_windows_lists_it() -> None:
    names = ["Microsoft Usbccid Smartcard Reader 0", "vsmartcard Virtual PCD 0"]
    assert find_virtual_pcd(lambda: names) == ("vsmartcard Virtual PCD 0", "")


def test_find_virtual_pcd_passes_on_why_pcscd_cannot_answer() -> None:
    def pcscd_down() -> list[str]:
        raise ReaderNotConnectedError("社保卡读卡器未连接（智能卡服务 pcscd 未运行）")

    assert find_virtual_pcd(pcscd_down) == (None, "社保卡读卡器未连接（智能卡服务 pcscd 未运行）")


@pytest.mark.parametrize(
    ("text", "port"),
    [
        ('FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x8C7B\n', 0x8C7B),
        ("DEVICENAME /dev/null:40000\n", 40000),
        ("DEVICENAME /dev/null:not-a-port\n", VPCD_DEFAULT_PORT),
        ("", VPCD_DEFAULT_PORT),
    ],
)
def test_system_vpcd_port_is_read_from_reader_conf(tmp_path: Path, text: str, port: int) -> None:
    conf = tmp_path / "vpcd"
    conf.write_text(text)
    assert system_vpcd_port(conf) == port
    assert system_vpcd_port(tmp_path / "absent") == VPCD_DEFAULT_PORT


def test_social_security_demo_titles() -> None:
    assert demo_ss_card_title("gen2") == "第二代社保卡 张三"
    assert demo_ss_card_title("gen3").startswith("第三代社保卡 阿依古丽")


# -- the ID-card reader on a loopback socket (Windows has no pty)


@pytest.fixture
def socket_rig() -> Iterator[DemoRig]:
    demo = DemoRig(pcsc_lister=list, id_transport="tcp").start()
    yield demo
    demo.stop()


def test_on_the_socket_the_configured_reader_reads_each_demo_card(socket_rig: DemoRig) -> None:
    [config] = socket_rig.reader_configs()
    assert (config.driver, config.name) == ("mps", DEMO_ID_READER_NAME)
    assert config.port.startswith("socket://127.0.0.1:")
    readers, problems = build_readers([config])  # as the ReaderMonitor gets it
    assert problems == []
    [reader] = readers
    reader.open()
    try:
        for label in DEMO_ID_CARD_LABELS:
            socket_rig.place_id_card(label)
            expected = dataclasses.replace(
                demo_id_card_data(label), reader_name=DEMO_ID_READER_NAME
            )
            assert wait_for_card(reader, 2.0, poll_s=0.02) == expected
        socket_rig.remove_id_card()
        assert reader.read_card() is None
    finally:
        reader.close()


def test_unplugging_the_socket_reader_keeps_its_url_for_plugging_back(socket_rig: DemoRig) -> None:
    url = socket_rig.reader_configs()[0].port
    socket_rig.unplug_id_reader()
    assert not socket_rig.id_reader_plugged
    with pytest.raises(ReaderNotConnectedError, match="身份证阅读器未连接"):
        MpsSerialReader(url, timeout_s=0.5).open()
    socket_rig.plug_id_reader()
    assert socket_rig.reader_configs()[0].port == url
    reader = MpsSerialReader(url, timeout_s=0.5)
    reader.open()
    try:
        socket_rig.place_id_card("permit_j")
        card = reader.read_card()
        assert card is not None and card.name == "陈嘉欣"
    finally:
        reader.close()


def test_without_openpty_the_rig_listens_on_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "openpty")  # as on Windows
    monkeypatch.delenv(ID_TRANSPORT_ENV, raising=False)
    demo = DemoRig(pcsc_lister=list).start()
    try:
        assert demo.id_transport == "tcp"
        reader = MpsSerialReader(demo.id_emulator.port, timeout_s=0.5)
        reader.open()
        try:
            demo.place_id_card("foreign_i")
            card = reader.read_card()
            assert card is not None and card.name == "史密斯"
        finally:
            reader.close()
    finally:
        demo.stop()


def test_the_transport_is_asked_for_then_the_environment_then_automatic() -> None:
    assert choose_id_transport("tcp", {ID_TRANSPORT_ENV: "pty"}) == "tcp"
    assert choose_id_transport(None, {ID_TRANSPORT_ENV: " TCP "}) == "tcp"
    assert choose_id_transport(None, {ID_TRANSPORT_ENV: ""}) == "pty"  # Linux has a pty
    assert choose_id_transport(None, {}) == "pty"


def test_the_environment_variable_chooses_the_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ID_TRANSPORT_ENV, "tcp")
    demo = DemoRig(pcsc_lister=list).start()
    try:
        assert demo.reader_configs()[0].port.startswith("socket://127.0.0.1:")
    finally:
        demo.stop()


def test_an_unknown_transport_fails_at_start_not_construction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ID_TRANSPORT_ENV, "serial")
    demo = DemoRig(pcsc_lister=list)  # on the GUI thread: must not raise
    with pytest.raises(DriverUnavailableError) as caught:
        demo.start()  # in the background: its message reaches the status bar
    assert "未知的演示阅读器连接方式“serial”（可用：pty、tcp）" in caught.value.message
    assert not demo.id_reader_plugged
    demo.stop()
