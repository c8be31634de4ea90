"""The emulated readers of demo mode: an ID-card reader on a pty, and a 社保卡 behind vpcd when a
pcscd serving vsmartcard's virtual reader is available. The drivers read them as real devices.

The ID-card reader's line: a POSIX pseudo-terminal (read through `serial.Serial`, as a USB-serial
reader) where os.openpty exists; elsewhere (Windows) a listener on 127.0.0.1 at a free port, read
through pyserial's `socket://127.0.0.1:PORT` URL. Same bytes, same emulator, same driver. To
choose: `DemoRig(id_transport="pty" | "tcp")`, else the environment variable
DENGJI_DEMO_ID_TRANSPORT (e.g. `DENGJI_DEMO_ID_TRANSPORT=tcp make run` tries the Windows path
on Linux), else automatic. An unknown name fails `start()` with a Chinese reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from devices.card import CardData
from devices.emulators.idcard_reader import IdCardReaderEmulator, demo_cards
from devices.emulators.lines import PTY, default_transport
from devices.emulators.ssc_card import (
    VPCD_DEFAULT_PORT,
    SocialSecurityCardSimulator,
    VpcdCardClient,
    demo_card,
)
from devices.errors import CardReadError, DriverUnavailableError
from devices.mps.text import parse_text_block
from devices.pcsc.private_pcscd import FRIENDLY_NAME, SYSTEM_VPCD_CONFIG
from devices.registry import ReaderConfig

DEMO_ID_READER_NAME: Final = "演示身份证阅读器"
ID_TRANSPORT_ENV: Final = "DENGJI_DEMO_ID_TRANSPORT"  # "pty" or "tcp"; unset = automatic
# The demo cards in menu order: a Gansu resident, a long-term card, J, I and Y (devices.md §3).
DEMO_ID_CARD_LABELS: Final = (
    "resident",
    "resident_long_term",
    "permit_j",
    "foreign_i",
    "foreign_y",
)
# A 2nd-generation card reads whole; a 3rd-generation one stops at EF05 without a PSAM.
DEMO_SS_CARD_LABELS: Final = ("gen2", "gen3")
_SS_CARD_NAMES: Final = {"gen2": "第二代社保卡", "gen3": "第三代社保卡"}

PcscLister = Callable[[], list[str]]


def system_vpcd_port(config_file: Path = SYSTEM_VPCD_CONFIG) -> int:
    """The TCP port of vpcd slot 0 in the system pcscd's reader.conf.d entry (Debian's
    vsmartcard-vpcd writes `DEVICENAME /dev/null:0x8C7B`), else vpcd's default port."""
    try:
        lines = config_file.read_text(errors="replace").splitlines()
    except OSError:
        return VPCD_DEFAULT_PORT
    for line in lines:
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "DEVICENAME" and ":" in parts[1]:
            with contextlib.suppress(ValueError):
                return int(parts[1].rsplit(":", 1)[1], 0)
    return VPCD_DEFAULT_PORT


def _list_pcsc_readers() -> list[str]:
    from devices.registry import import_pcsc

    names: list[str] = list(import_pcsc().list_pcsc_readers())
    return names


def find_virtual_pcd(lister: PcscLister = _list_pcsc_readers) -> tuple[str | None, str]:
    """(PC/SC name of vsmartcard's first virtual slot, "") or (None, Chinese reason)."""
    try:
        names = lister()
    except DriverUnavailableError as error:
        return None, error.reason
    except CardReadError as error:
        return None, error.message
    # Windows' smart-card service prefixes its own words to a driver's name: match anywhere.
    virtual = [name for name in names if FRIENDLY_NAME in name]
    if not virtual:
        if sys.platform == "win32":
            reason = "智能卡服务中没有 vsmartcard 虚拟读卡器（需安装 vsmartcard 的 Windows 驱动）"
            return None, reason
        return None, "智能卡服务中没有 vsmartcard 虚拟读卡器（需安装 vsmartcard-vpcd 并重启 pcscd）"
    return virtual[0], ""


def choose_id_transport(
    requested: str | None = None, environ: Mapping[str, str] = os.environ
) -> str:
    """The ID-card reader's line: `requested`, else $DENGJI_DEMO_ID_TRANSPORT, else the pty
    where there is one and the loopback socket elsewhere. Not checked here (start() does)."""
    return requested or environ.get(ID_TRANSPORT_ENV, "").strip().lower() or default_transport()


def demo_id_card_data(label: str) -> CardData:
    """What the demo ID card `label` holds, as a reader yields it (for menus and tests)."""
    card = demo_cards()[label]
    return parse_text_block(card.text, photo_wlt=card.photo_wlt)


def demo_ss_card_title(label: str) -> str:
    """The menu title of a demo 社保卡: its generation and holder."""
    from devices.emulators.ssc_card import DEMO_HOLDERS

    return f"{_SS_CARD_NAMES[label]} {DEMO_HOLDERS[label].name}"


class DemoRig:
    """Starts and drives the demo readers. `reader_configs()` tells the ReaderMonitor where
    they are; `place_id_card`, `insert_ss_card` … are what the clerk's hands do.

    `start()` opens the ID-card reader's line (module docstring: pty or loopback socket,
    `id_transport`) and may ask pcscd for its readers: call it off the GUI thread.
    """

    def __init__(
        self,
        *,
        vpcd_port: int | None = None,
        pcsc_lister: PcscLister = _list_pcsc_readers,
        id_transport: str | None = None,
    ) -> None:
        self.id_transport = choose_id_transport(id_transport)
        self._workdir: Path | None = None
        if self.id_transport == PTY:
            self._workdir = Path(tempfile.mkdtemp(prefix="dengji-demo-"))
            # A stable symlink, like a udev name: the reader can be unplugged and plugged back.
            self.id_emulator = IdCardReaderEmulator(link_path=self._workdir / "ttyDEMO-IDCARD")
        else:
            # The socket keeps its port across unplug/plug: the driver's URL stays valid.
            self.id_emulator = IdCardReaderEmulator(transport=self.id_transport)
        self._vpcd_port = vpcd_port
        self._pcsc_lister = pcsc_lister
        self._ss_client: VpcdCardClient | None = None
        self.ss_reader_name: str | None = None
        self.ss_unavailable_reason = "尚未检查"
        self._ss_card_label: str | None = None
        self.placed_id_card: str | None = None

    def start(self) -> DemoRig:
        self.id_emulator.start()
        self.ss_reader_name, self.ss_unavailable_reason = find_virtual_pcd(self._pcsc_lister)
        if self.ss_reader_name is not None:
            port = self._vpcd_port if self._vpcd_port is not None else system_vpcd_port()
            simulator = SocialSecurityCardSimulator(demo_card(DEMO_SS_CARD_LABELS[0]))
            self._ss_client = VpcdCardClient(simulator, port=port, inserted=False)
            self._ss_client.start()
        return self

    @property
    def ss_available(self) -> bool:
        return self._ss_client is not None

    def reader_configs(self) -> list[ReaderConfig]:
        """The demo readers as configuration entries for devices.registry.build_readers."""
        configs = [ReaderConfig("mps", port=self.id_emulator.port, name=DEMO_ID_READER_NAME)]
        if self.ss_reader_name is not None:
            configs.append(ReaderConfig("pcsc", port=self.ss_reader_name))
        return configs

    # -- the clerk's hands

    def place_id_card(self, label: str) -> None:
        self.id_emulator.place_card(demo_cards()[label])
        self.placed_id_card = label

    def remove_id_card(self) -> None:
        self.id_emulator.remove_card()
        self.placed_id_card = None

    def unplug_id_reader(self) -> None:
        self.id_emulator.stop()

    def plug_id_reader(self) -> None:
        self.id_emulator.start()

    @property
    def id_reader_plugged(self) -> bool:
        return self.id_emulator.running

    def insert_ss_card(self, label: str) -> None:
        if self._ss_client is None:
            raise DriverUnavailableError(f"社保卡演示不可用：{self.ss_unavailable_reason}")
        self._ss_client.remove()
        self._ss_client.insert(demo_card(label))
        self._ss_card_label = label

    def remove_ss_card(self) -> None:
        if self._ss_client is not None:
            self._ss_client.remove()
        self._ss_card_label = None

    def stop(self) -> None:
        """Stop the emulators and delete the pty link."""
        if self._ss_client is not None:
            self._ss_client.stop()
            self._ss_client = None
        self.id_emulator.stop()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
