"""Deployment settings of one counter: read from the TOML file that DENGJI_CONFIG points to."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass(frozen=True)
class ReaderSetting:
    """One configured card reader: `kind` is "mps-serial", "sdk" or "pcsc"; `target` the
    serial port, SDK library path or PC/SC reader name ("" = first found / auto-detect)."""

    kind: str
    target: str = ""


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
    reader_poll_interval_ms: int = 300
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
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"配置文件无法读取：{path}（{exc}）") from exc
    counter = raw.get("counter", {})
    database = raw.get("database", {})
    central = raw.get("central", {})
    readers = tuple(
        ReaderSetting(kind=str(r.get("kind", "")), target=str(r.get("target", "")))
        for r in raw.get("readers", [])
    )
    try:
        number = int(counter.get("number", 1))
        days = int(raw.get("registration", {}).get("working_days", 7))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"配置文件中的数字无效：{exc}") from exc
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
        reader_poll_interval_ms=int(raw.get("reader_poll_interval_ms", 300)),
        registration_working_days=days,
        demo=bool(raw.get("demo", False)),
        source=path,
    )
