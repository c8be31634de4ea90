"""Tests of devices.cli: `dengji card read` and `dengji card list` against the emulator."""

from __future__ import annotations

import argparse
import io
import json
import sys

import pytest

from devices.cli import add_card_subparser, card_list, card_read
from devices.emulators.idcard_reader import DemoCard, IdCardReaderEmulator


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dengji")
    add_card_subparser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["card", *argv])


def _run(args: argparse.Namespace) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = card_read(args, out, err) if args.func is card_read else card_list(args, out)
    return code, out.getvalue(), err.getvalue()


def test_read_prints_the_card_in_chinese(
    emulator: IdCardReaderEmulator, cards: dict[str, DemoCard]
) -> None:
    emulator.place_card(cards["resident_long_term"])
    code, out, _err = _run(_parse("read", "--port", emulator.port, "--timeout", "2"))
    assert code == 0
    assert "姓名：张建国" in out and "性别：男" in out and "有效期止：长期" in out
    assert "证件类型：居民身份证" in out


def test_read_json(emulator: IdCardReaderEmulator, cards: dict[str, DemoCard]) -> None:
    emulator.place_card(cards["foreign_i"])
    code, out, _ = _run(_parse("read", "--port", emulator.port, "--json"))
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "外国人永久居留身份证"
    assert data["id_number"] == "CAN620080010112"
    assert data["birth_date"] == "1980-01-01"
    assert len(data["photo_wlt"]) > 1000  # base64 of the 1024-byte block


def test_read_without_a_card_times_out_with_a_message(emulator: IdCardReaderEmulator) -> None:
    code, out, err = _run(_parse("read", "--port", emulator.port, "--timeout", "0.3"))
    assert (code, out) == (1, "")
    assert "读卡失败：未找到卡片，请放置卡片" in err


def test_read_from_an_absent_port() -> None:
    code, _, err = _run(_parse("read", "--port", "/dev/dengji-no-reader"))
    assert code == 1 and "身份证阅读器未连接" in err


def test_read_with_an_absent_sdk() -> None:
    code, _, err = _run(_parse("read", "--sdk", "dengji-no-such-sdtapi"))
    assert code == 1 and "读卡驱动不可用：未找到厂商读卡库" in err


def test_read_pcsc_without_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "devices.pcsc", None)
    code, _, err = _run(_parse("read", "--pcsc", "Virtual PCD 00 00"))
    assert code == 1 and "社保卡读卡模块（PC/SC）不可用" in err


def test_read_options_exclude_each_other() -> None:
    with pytest.raises(SystemExit):
        _parse("read", "--port", "/dev/ttyUSB0", "--sdk", "termb")


def test_list_shows_the_emulated_reader(
    emulator: IdCardReaderEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "devices.pcsc", None)
    code, out, _ = _run(_parse("list", "--port", emulator.port))
    assert code == 0
    assert f"✔ {emulator.port}：身份证阅读器（SAM 正常）" in out
    assert "厂商读卡库：" in out and "照片解码库" in out
    assert "社保卡读卡模块（PC/SC）不可用" in out


def test_read_pcsc_goes_through_the_pcsc_module() -> None:
    pytest.importorskip("devices.pcsc")
    code, out, err = _run(_parse("read", "--pcsc", "dengji-no-such-reader", "--timeout", "0.3"))
    assert (code, out) == (1, "")
    assert err.startswith("读卡失败：")


def test_card_lines_name_the_ethnicity(cards: dict[str, DemoCard]) -> None:
    from devices.cli import card_lines
    from devices.mps.text import parse_text_block

    lines = dict(card_lines(parse_text_block(cards["resident"].text)))
    assert lines["民族"] == "回族（03）"
    assert lines["姓名"] == "马晓燕" and lines["性别"] == "女"
