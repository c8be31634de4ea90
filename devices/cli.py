"""The `dengji card read` and `dengji card list` commands (wired in by desktop/cli.py)."""

from __future__ import annotations

import argparse
import base64
import dataclasses
import enum
import json
import sys
from datetime import date
from typing import Any, TextIO

from devices.base import CardReader, wait_for_card
from devices.card import CardData
from devices.errors import CardReadError, DriverUnavailableError
from devices.mps.probe import detect_mps_readers
from devices.mps.serial_reader import MpsSerialReader
from devices.pcsc.errors import PartialCardError
from devices.registry import driver_usable, import_pcsc
from devices.sdk import sdk_reader_for
from devices.wlt import default_decoder

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PARTIAL = 2  # a 3.0 社保卡 without a PSAM: the card number was read, the holder data not

_LABELS = {
    "kind": "证件类型", "name": "姓名", "name_en": "英文姓名", "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期", "id_number": "证件号码", "address": "住址", "issuer": "签发机关",
    "valid_from": "有效期起", "valid_until": "有效期止", "nationality": "国籍",
    "permit_number": "通行证号码", "issue_count": "签发次数", "ss_card_number": "社会保障卡号",
    "ss_card_issuer": "发卡地区", "ss_card_version": "卡规范版本", "reader_name": "阅读器",
}  # fmt: skip
_SEX_NAMES = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}  # GB/T 2261.1


def add_card_subparser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `card read` and `card list`; each sets `func` (call `args.func(args)`)."""
    card = subparsers.add_parser("card", help="读身份证、居住证、永久居留证或社保卡")
    card_commands = card.add_subparsers(dest="card_command", metavar="{read,list}", required=True)
    read = card_commands.add_parser("read", help="读一张卡并显示内容")
    source = read.add_mutually_exclusive_group()
    source.add_argument("--port", metavar="DEVICE", help="串口身份证阅读器，如 /dev/ttyUSB0、COM3")
    source.add_argument("--pcsc", metavar="READER", help="PC/SC 社保卡读卡器名称")
    source.add_argument("--sdk", metavar="LIB", help="厂商读卡库（sdtapi 或 termb）名称或路径")
    read.add_argument("--timeout", type=float, default=10.0, metavar="S", help="等待放卡的秒数")
    read.add_argument("--json", action="store_true", help="以 JSON 输出")
    read.set_defaults(func=card_read)
    listing = card_commands.add_parser("list", help="列出可用的阅读器")
    listing.add_argument(
        "--port",
        dest="extra_ports",
        action="append",
        default=[],
        metavar="DEVICE",
        help="另外探测的串口，可重复（系统不列出的设备，如伪终端）",
    )
    listing.set_defaults(func=card_list)


def _reader_from_args(args: argparse.Namespace, err: TextIO) -> CardReader | None:
    if args.port:
        return MpsSerialReader(args.port)
    if args.sdk:
        return sdk_reader_for(args.sdk)
    for result in detect_mps_readers():
        if result.is_mps_reader:
            return MpsSerialReader(result.port)
    print("未找到身份证阅读器：请用 --port 指定串口，或用 --sdk 指定厂商读卡库", file=err)
    return None


def card_to_json(card: CardData) -> dict[str, Any]:
    """CardData as JSON-ready values (dates ISO, enums by Chinese name, bytes as base64)."""
    result: dict[str, Any] = {}
    for field in dataclasses.fields(card):
        value = getattr(card, field.name)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        result[field.name] = value
    return result


def _ethnicity_name(code: str) -> str:
    """The name and code, e.g. 回族（03）; the bare code when the GB/T 3304 table lacks it."""
    from desktop.domain.codes import UnknownCodeError, code_table

    try:
        return f"{code_table('ethnicity').label(code)}（{code}）"
    except UnknownCodeError:
        return code


def card_lines(card: CardData) -> list[tuple[str, str]]:
    """(Chinese label, value) for every field the card holds, as the clerk reads them."""
    lines: list[tuple[str, str]] = []
    for key, label in _LABELS.items():
        value = getattr(card, key)
        if key == "valid_until" and value is None and card.valid_from is not None:
            value = "长期"
        if value is None or value == "":
            continue
        if isinstance(value, enum.Enum):
            value = value.value
        elif key == "sex":
            value = _SEX_NAMES.get(value, value)
        elif key == "ethnicity":
            value = _ethnicity_name(value)
        lines.append((label, str(value)))
    if card.photo is not None:
        lines.append(("照片", f"{len(card.photo)} 字节"))
    return lines


def partial_card_lines(partial: PartialCardError) -> list[tuple[str, str]]:
    """(label, value) for what a 3.0 社保卡 gave without its holder data (EF05)."""
    issuer = partial.issuer
    lines = [
        ("证件类型", "社会保障卡（第三代，持卡人信息未读取）"),
        ("社会保障卡号", issuer.card_number),
        ("发卡地区", issuer.region_code),
        ("卡规范版本", issuer.spec_version),
    ]
    if issuer.expiry_date is not None:
        lines.append(("卡有效期至", issuer.expiry_date.isoformat()))
    lines.append(("阅读器", partial.reader_name))
    return lines


def _print_lines(lines: list[tuple[str, str]], out: TextIO) -> None:
    for label, value in lines:
        print(f"{label}：{value}", file=out)


def partial_card_to_json(partial: PartialCardError) -> dict[str, Any]:
    """The EF05 data of a partly read 3.0 社保卡 for `--json`, marked `"partial": true`."""
    issuer = partial.issuer
    return {
        "partial": True,
        "kind": "社会保障卡",
        "ss_card_number": issuer.card_number,
        "ss_card_issuer": issuer.region_code,
        "ss_card_version": issuer.spec_version,
        "ss_card_expiry": issuer.expiry_date.isoformat() if issuer.expiry_date else None,
        "reader_name": partial.reader_name,
        "message": partial.message,
    }


def card_read(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """`dengji card read`: wait for a card, print it; 0 when read, 1 with a Chinese reason,
    2 for a 3.0 社保卡 read without its holder data (the card number is printed)."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        if args.pcsc:
            # devices.pcsc.read_once waits for a 社保卡 and reads it (its own module's API).
            card = import_pcsc().read_once(args.pcsc, args.timeout)
        else:
            reader = _reader_from_args(args, err)
            if reader is None:
                return EXIT_FAILED
            reader.open()
            try:
                card = wait_for_card(reader, args.timeout)
            finally:
                reader.close()
    except PartialCardError as partial:
        if args.json:
            print(json.dumps(partial_card_to_json(partial), ensure_ascii=False, indent=2), file=out)
        else:
            _print_lines(partial_card_lines(partial), out)
        print(f"读卡不完整：{partial.message}", file=err)
        return EXIT_PARTIAL
    except CardReadError as error:
        print(f"读卡失败：{error.message}", file=err)
        return EXIT_FAILED
    if card.photo is None and card.photo_wlt is not None:
        available, reason = default_decoder().status()
        if not available:
            print(reason, file=err)
    if args.json:
        print(json.dumps(card_to_json(card), ensure_ascii=False, indent=2), file=out)
    else:
        _print_lines(card_lines(card), out)
    return EXIT_OK


def card_list(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """`dengji card list`: serial ports probed for an MPS SAM, SDKs, PC/SC readers."""
    out = out or sys.stdout
    print("串口身份证阅读器（MPS 协议）：", file=out)
    results = detect_mps_readers(args.extra_ports)
    for result in results:
        mark = "✔" if result.is_mps_reader else "✘"
        sam = f"  SAM：{result.sam_id_hex}" if result.sam_id_hex else ""
        print(f"  {mark} {result.port}：{result.description}{sam}", file=out)
    if not results:
        print("  （没有串口）", file=out)
    print("厂商读卡库：", file=out)
    for driver in ("sdtapi", "termb"):
        usable, reason = driver_usable(driver)
        print(f"  {'✔' if usable else '✘'} {driver}：{'可用' if usable else reason}", file=out)
    available, reason = default_decoder().status()
    print(f"照片解码库：{'已安装' if available else reason}", file=out)
    print("社保卡读卡器（PC/SC）：", file=out)
    for line in _pcsc_reader_lines():
        print(f"  {line}", file=out)
    return EXIT_OK


def _pcsc_reader_lines() -> list[str]:
    try:
        names: list[str] = list(import_pcsc().list_pcsc_readers())
    except DriverUnavailableError as error:
        return [error.reason]
    except CardReadError as error:
        return [error.message]
    return names or ["（没有读卡器）"]
