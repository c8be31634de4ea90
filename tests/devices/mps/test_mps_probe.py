"""Tests of devices.mps.probe: telling an MPS reader from a silent or absent port."""

from __future__ import annotations

import os
import tty
from pathlib import Path

from devices.emulators.idcard_reader import Fault, IdCardReaderEmulator
from devices.mps import commands
from devices.mps.probe import detect_mps_readers, probe_port


def test_emulated_reader_is_found_with_its_sam_id(emulator: IdCardReaderEmulator) -> None:
    result = probe_port(emulator.port)
    assert result.is_mps_reader
    assert result.description == "身份证阅读器（SAM 正常）"
    assert result.sam_id_hex.startswith("05 01")


def test_silent_port_is_not_a_reader() -> None:
    master, slave = os.openpty()
    tty.setraw(master)
    try:
        result = probe_port(os.ttyname(slave), timeout_s=0.2)
    finally:
        os.close(slave)
        os.close(master)
    assert not result.is_mps_reader
    assert "无应答" in result.description


def test_missing_port_is_not_a_reader(tmp_path: Path) -> None:
    result = probe_port(str(tmp_path / "nothing"))
    assert not result.is_mps_reader
    assert result.description == "身份证阅读器未连接"


def test_sam_in_trouble_is_reported(emulator: IdCardReaderEmulator) -> None:
    emulator.inject_fault(Fault.SAM_ERROR, at=commands.SAM_STATUS)
    result = probe_port(emulator.port)
    assert result.is_mps_reader
    assert "SAM 状态异常" in result.description


def test_detect_lists_readers_first(emulator: IdCardReaderEmulator, tmp_path: Path) -> None:
    results = detect_mps_readers([str(tmp_path / "nothing"), emulator.port])
    assert results[0].port == emulator.port and results[0].is_mps_reader
    assert any(r.port.endswith("nothing") and not r.is_mps_reader for r in results)
