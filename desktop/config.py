"""Deployment settings of one counter: read from the TOML file that DENGJI_CONFIG points to."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.domain.errors import DomainError

APP_NAME = "dengji"
# The demo county of `make run`: 城关区, 兰州市.
DEMO_REGION = "620102"


class ConfigError(DomainError):
    """The configuration file is missing a value or holds a wrong one."""


def _user_dir(kind: str) -> Path:
    """The platform's per-user config or data folder for dengji (no import of platformdirs
    at start-up unless needed: it is cheap, but keep start-up lean)."""
    import platformdirs

    if kind == "config":
        return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


# The reader drivers of devices.registry, named as there (one vocabulary in file and code).
READER_DRIVERS = ("mps", "sdtapi", "termb", "pcsc")
DEFAULT_READER_TIMEOUT_S = 2.0  # devices.mps.serial_reader.DEFAULT_TIMEOUT_S
# Under 50 ms the reader thread spends its time polling; over 5 s a card seems ignored.
POLL_INTERVAL_RANGE_MS = (50, 5000)
DEFAULT_POLL_INTERVAL_MS = 300


@dataclass(frozen=True)
class ReaderSetting:
    """One `[[readers]]` entry, with the fields of devices.registry.ReaderConfig.

    driver: "mps" (serial MPS protocol), "sdtapi" or "termb" (vendor SDK libraries), "pcsc"
    (社保卡). port: the serial device for mps (/dev/ttyUSB0, COM3); the SDK port number ("1001",
    "" = probe); the PC/SC reader name for pcsc ("" = first reader). library: the vendor
    library name or path for sdtapi/termb ("" = the default name). name: what the clerk sees.
    """

    driver: str
    port: str = ""
    library: str = ""
    name: str = ""
    timeout_s: float = DEFAULT_READER_TIMEOUT_S


def reader_setting_problems(
    readers: Sequence[ReaderSetting], poll_interval_ms: int = DEFAULT_POLL_INTERVAL_MS
) -> list[str]:
    """What is wrong with a list of readers and a poll interval, in Chinese ([] when fine)."""
    problems: list[str] = []
    low, high = POLL_INTERVAL_RANGE_MS
    if not low <= poll_interval_ms <= high:
        problems.append(f"读卡间隔应在{low}到{high}毫秒之间，现为{poll_interval_ms}")
    serial_ports: dict[str, int] = {}
    for row, reader in enumerate(readers, start=1):
        where = f"第{row}个阅读器"
        if reader.driver not in READER_DRIVERS:
            known = "、".join(READER_DRIVERS)
            problems.append(f"{where}：驱动「{reader.driver}」未知（可用：{known}）")
            continue
        port = reader.port.strip()
        if reader.driver == "mps":
            if not port:
                problems.append(f"{where}：串口身份证阅读器须填写串口，如 /dev/ttyUSB0 或 COM3")
            elif port in serial_ports:
                problems.append(f"{where}：串口 {port} 已用于第{serial_ports[port]}个阅读器")
            else:
                serial_ports[port] = row
        elif reader.driver in ("sdtapi", "termb") and port and not port.isdigit():
            problems.append(
                f"{where}：厂商读卡库的端口应为数字（USB 1001–1016，串口 1–16），"
                f"留空则自动查找，现为「{port}」"
            )
        if reader.timeout_s <= 0:
            problems.append(f"{where}：超时应大于0秒")
    return problems


@dataclass(frozen=True)
class Config:
    """What a counter needs to run. With no file, a standalone demo counter."""

    counter_id: str = "demo-counter-01"
    counter_name: str = "城关区公共就业服务中心 1号窗口"
    counter_number: int = 1  # 1..999, part of registration numbers (county + counter + seq)
    region_code: str = DEMO_REGION  # the county (or district) this counter serves
    agency_id: str | None = None  # a delegated disability employment service agency
    database_path: Path = field(default_factory=lambda: _user_dir("data") / "dengji.sqlite3")
    central_url: str | None = None
    readers: tuple[ReaderSetting, ...] = ()
    reader_poll_interval_ms: int = DEFAULT_POLL_INTERVAL_MS
    registration_working_days: int = 7  # notice §3; 人社厅发〔2020〕79号 asks for 3
    demo: bool = True
    source: Path | None = None  # the TOML file read, if any


def config_path() -> Path:
    """Where the configuration file is: $DENGJI_CONFIG, else the platform config folder."""
    env = os.environ.get("DENGJI_CONFIG")
    return Path(env) if env else _user_dir("config") / "dengji.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the counter's TOML configuration; no file means the standalone demo counter."""
    path = path or config_path()
    if not path.exists():
        return Config()
    import tomllib  # only when there is a file: the demo counter starts without one

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"配置文件无法读取：{path}（{exc}）") from exc
    counter = raw.get("counter", {})
    database = raw.get("database", {})
    central = raw.get("central", {})
    readers = _readers_from_toml(raw.get("readers", []))
    try:
        number = int(counter.get("number", 1))
        days = int(raw.get("registration", {}).get("working_days", 7))
        poll_ms = int(raw.get("reader_poll_interval_ms", DEFAULT_POLL_INTERVAL_MS))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"配置文件中的数字无效：{exc}") from exc
    low, high = POLL_INTERVAL_RANGE_MS
    if not low <= poll_ms <= high:
        raise ConfigError(f"读卡间隔 reader_poll_interval_ms 应在{low}到{high}之间，现为{poll_ms}")
    if not 1 <= number <= 999:
        raise ConfigError(f"窗口编号应在1到999之间，现为{number}")
    region = str(counter.get("region", DEMO_REGION))
    if not (len(region) == 6 and region.isdigit()):
        raise ConfigError(f"窗口所属行政区划代码应为6位数字，现为「{region}」")
    db_path = database.get("path")
    return Config(
        counter_id=str(counter.get("id", "counter-01")),
        counter_name=str(counter.get("name", "")),
        counter_number=number,
        region_code=region,
        agency_id=counter.get("agency"),
        database_path=Path(db_path) if db_path else _user_dir("data") / "dengji.sqlite3",
        central_url=central.get("url"),
        readers=readers,
        reader_poll_interval_ms=poll_ms,
        registration_working_days=days,
        demo=bool(raw.get("demo", False)),
        source=path,
    )


def _readers_from_toml(entries: object) -> tuple[ReaderSetting, ...]:
    """The `[[readers]]` array; an unknown driver is kept (the status bar explains it), a
    malformed entry is a ConfigError."""
    if not isinstance(entries, list):
        raise ConfigError("配置文件中的 readers 应为阅读器列表（[[readers]]）")
    readers = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise ConfigError(f"配置文件中第{index}个阅读器的写法有误")
        if "driver" not in entry and ("kind" in entry or "target" in entry):
            raise ConfigError(
                f"配置文件中第{index}个阅读器使用了旧写法 kind/target，"
                "请改为 driver（mps、sdtapi、termb、pcsc）和 port/library"
            )
        timeout = entry.get("timeout_s", DEFAULT_READER_TIMEOUT_S)
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise ConfigError(f"配置文件中第{index}个阅读器的超时 timeout_s 无效")
        readers.append(
            ReaderSetting(
                driver=str(entry.get("driver", "")),
                port=str(entry.get("port", "")),
                library=str(entry.get("library", "")),
                name=str(entry.get("name", "")),
                timeout_s=float(timeout),
            )
        )
    return tuple(readers)


def _reader_table(reader: ReaderSetting) -> dict[str, Any]:
    table: dict[str, Any] = {"driver": reader.driver}
    for key in ("port", "library", "name"):
        value = getattr(reader, key).strip()
        if value:
            table[key] = value
    if reader.timeout_s != DEFAULT_READER_TIMEOUT_S:
        table["timeout_s"] = reader.timeout_s
    return table


def _new_file_keys(config: Config) -> dict[str, Any]:
    """What a fresh file needs so that it loads back as `config` (load_config's defaults for a
    file differ from the no-file demo counter: demo off, empty counter name)."""
    counter: dict[str, Any] = {
        "id": config.counter_id,
        "name": config.counter_name,
        "number": config.counter_number,
        "region": config.region_code,
    }
    if config.agency_id:
        counter["agency"] = config.agency_id
    keys: dict[str, Any] = {"demo": config.demo, "counter": counter}
    if config.central_url:
        keys["central"] = {"url": config.central_url}
    if config.registration_working_days != 7:
        keys["registration"] = {"working_days": config.registration_working_days}
    return keys


def save_reader_settings(
    config: Config,
    readers: Sequence[ReaderSetting],
    poll_interval_ms: int,
    path: Path | None = None,
) -> Config:
    """Write the readers and the poll interval into the TOML file (`path`, else config_path()),
    keeping every other key and the comments of an existing file; returns the configuration
    read back from it. ConfigError (Chinese) for invalid values or a file that cannot be written.

    A new file also gets the counter keys of `config`, so the counter stays what it was.
    """
    import tomlkit

    problems = reader_setting_problems(readers, poll_interval_ms)
    if problems:
        raise ConfigError("；".join(problems))
    path = path or config.source or config_path()
    try:
        document = (
            tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
        )
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise ConfigError(f"配置文件无法读取：{path}（{exc}）") from exc
    if not path.exists():
        document.add(tomlkit.comment("dengji 窗口配置（由设置页写入，可手工编辑）"))
        for key, value in _new_file_keys(config).items():
            document[key] = value
    document["reader_poll_interval_ms"] = poll_interval_ms
    tables = tomlkit.aot()
    for reader in readers:
        tables.append(tomlkit.item(_reader_table(reader)))
    if "readers" in document:
        del document["readers"]
    if readers:
        document.append("readers", tables)
    _write_atomically(path, tomlkit.dumps(document))
    return load_config(path)


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` in one step: a crash mid-write leaves the old file, never half a file."""
    import tempfile

    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".dengji-", suffix=".toml", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise ConfigError(f"配置文件无法写入：{path}（{exc.strerror or exc}）") from exc
