"""Card-reader drivers chosen from configuration: ReaderConfig entries → driver instances."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Final, cast

from devices.base import CardReader, wait_for_card
from devices.card import CardData
from devices.errors import DriverUnavailableError, NoCardError
from devices.mps.serial_reader import DEFAULT_TIMEOUT_S, MpsSerialReader
from devices.sdk import SdtapiReader, TermbReader

# The PC/SC social-security driver lives in devices.pcsc (another module's work): reached
# lazily, so this registry works where pyscard cannot be built.
PCSC_MODULE: Final = "devices.pcsc"
PCSC_READER_CLASS: Final = "SocialSecurityCardReader"  # a CardReader taking the reader name


@dataclass(frozen=True, slots=True)
class ReaderConfig:
    """One `[[readers]]` entry of the deployment TOML.

    driver: "mps" (serial MPS protocol), "sdtapi", "termb" (vendor SDKs) or "pcsc".
    port: serial device for mps (e.g. /dev/ttyUSB0, COM3) or a pyserial URL (the demo reader on
    Windows: socket://127.0.0.1:PORT); SDK port number ("1001", "" = probe 1001–1016 then 1–16);
    PC/SC reader name for pcsc ("" = first reader).
    library: vendor library name or path for sdtapi/termb.
    """

    driver: str
    port: str = ""
    library: str = ""
    name: str = ""
    timeout_s: float = DEFAULT_TIMEOUT_S


def _sdk_port(config: ReaderConfig) -> int | None:
    if not config.port:
        return None
    try:
        return int(config.port)
    except ValueError:
        raise DriverUnavailableError(f"厂商 SDK 的端口号“{config.port}”不是数字") from None


def _build_mps(config: ReaderConfig) -> CardReader:
    if not config.port:
        raise DriverUnavailableError("串口身份证阅读器没有配置端口（port）")
    return MpsSerialReader(config.port, timeout_s=config.timeout_s, name=config.name or None)


def _build_sdtapi(config: ReaderConfig) -> CardReader:
    library = config.library or SdtapiReader.DEFAULT_LIBRARY
    return SdtapiReader(library, _sdk_port(config), name=config.name or None)


def _build_termb(config: ReaderConfig) -> CardReader:
    library = config.library or TermbReader.DEFAULT_LIBRARY
    return TermbReader(library, _sdk_port(config), name=config.name or None)


def import_pcsc() -> ModuleType:
    """The devices.pcsc module, imported on first use; DriverUnavailableError if it cannot be."""
    try:
        return importlib.import_module(PCSC_MODULE)
    except ImportError as error:
        raise DriverUnavailableError(
            "社保卡读卡模块（PC/SC）不可用，可能未安装 pyscard", detail=str(error)
        ) from error


def pcsc_reader_class() -> type[CardReader]:
    """The PC/SC driver class, imported on first use; DriverUnavailableError if unavailable."""
    module = import_pcsc()
    reader_class = getattr(module, PCSC_READER_CLASS, None)
    if not (isinstance(reader_class, type) and issubclass(reader_class, CardReader)):
        raise DriverUnavailableError(f"社保卡读卡模块中没有 {PCSC_READER_CLASS}")
    return reader_class


def _build_pcsc(config: ReaderConfig) -> CardReader:
    factory = cast(Callable[[str], CardReader], pcsc_reader_class())
    return factory(config.port)


@dataclass(frozen=True, slots=True)
class _Driver:
    build: Callable[[ReaderConfig], CardReader]
    reader_class: Callable[[], type[CardReader]]


DRIVERS: Final[Mapping[str, _Driver]] = {
    "mps": _Driver(_build_mps, lambda: MpsSerialReader),
    "sdtapi": _Driver(_build_sdtapi, lambda: SdtapiReader),
    "termb": _Driver(_build_termb, lambda: TermbReader),
    "pcsc": _Driver(_build_pcsc, pcsc_reader_class),
}


def _driver(name: str) -> _Driver:
    driver = DRIVERS.get(name)
    if driver is None:
        known = "、".join(DRIVERS)
        raise DriverUnavailableError(f"未知的阅读器驱动“{name}”（可用：{known}）")
    return driver


def driver_usable(name: str) -> tuple[bool, str]:
    """(True, "") when driver `name` can work here, else (False, Chinese reason)."""
    try:
        return _driver(name).reader_class().is_usable()
    except DriverUnavailableError as error:
        return False, error.reason


def build_reader(config: ReaderConfig) -> CardReader:
    """One driver instance (not opened). Raises DriverUnavailableError with the reason."""
    driver = _driver(config.driver)
    usable, reason = driver.reader_class().is_usable()
    if not usable and config.driver in ("mps", "pcsc"):
        # The SDK classes judge their default library; a configured path is checked at open().
        raise DriverUnavailableError(reason)
    return driver.build(config)


def build_readers(configs: Iterable[ReaderConfig]) -> tuple[list[CardReader], list[str]]:
    """Instances of every usable configured reader, and a Chinese reason for each one left out."""
    readers: list[CardReader] = []
    problems: list[str] = []
    for config in configs:
        try:
            readers.append(build_reader(config))
        except DriverUnavailableError as error:
            label = config.name or f"{config.driver} {config.port}".strip()
            problems.append(f"{label}：{error.reason}")
    return readers, problems


def read_card_once(config: ReaderConfig, timeout_s: float) -> CardData:
    """Build the reader of `config`, wait up to `timeout_s` for a card, read it, close (the
    settings page's 读卡测试). Blocks: call it on the reader thread (ReaderMonitor.run_exclusive)
    or another non-GUI thread. Raises the CardReadError subclasses with their Chinese message,
    PartialCardError for a 3.0 社保卡 without a PSAM."""
    reader = build_reader(config)
    reader.open()
    try:
        return wait_for_card(reader, timeout_s)
    except NoCardError:
        raise NoCardError(f"{timeout_s:g} 秒内未读到卡片，请放置卡片后重试") from None
    finally:
        reader.close()


def reader_configs_from_toml(entries: Sequence[Mapping[str, object]]) -> list[ReaderConfig]:
    """Read the `[[readers]]` array of the TOML configuration; DriverUnavailableError if bad."""
    configs: list[ReaderConfig] = []
    for index, entry in enumerate(entries, start=1):
        driver = entry.get("driver")
        if not isinstance(driver, str) or not driver:
            raise DriverUnavailableError(f"配置中第 {index} 个阅读器没有写驱动（driver）")
        timeout = entry.get("timeout_s", DEFAULT_TIMEOUT_S)
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise DriverUnavailableError(f"配置中第 {index} 个阅读器的超时（timeout_s）无效")
        configs.append(
            ReaderConfig(
                driver=driver,
                port=str(entry.get("port", "")),
                library=str(entry.get("library", "")),
                name=str(entry.get("name", "")),
                timeout_s=float(timeout),
            )
        )
    return configs
