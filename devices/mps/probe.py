"""Find MPS ID-card readers among serial ports by asking each for its SAM status (`11 FF`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from devices.errors import CardReadError
from devices.mps import status
from devices.mps.serial_reader import MpsSerialReader

try:
    from serial.tools import list_ports
except ImportError:  # pragma: no cover - pyserial is a declared dependency
    list_ports = None

PROBE_TIMEOUT_S = 0.5


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What one serial port answered: whether an MPS SAM is behind it, in Chinese."""

    port: str
    is_mps_reader: bool
    description: str
    sam_id_hex: str = ""


def system_serial_ports() -> list[str]:
    """Serial devices the OS lists (USB-CDC, USB-serial, RS-232); pseudo-terminals are not."""
    if list_ports is None:
        return []
    return sorted(str(info.device) for info in list_ports.comports())


def probe_port(port: str, *, timeout_s: float = PROBE_TIMEOUT_S) -> ProbeResult:
    """Open `port` at 115200 baud, send SAM status `11 FF`, and read the SAM id if it answers.

    Writes 10 bytes to the port: only probe ports that may hold a reader.
    """
    reader = MpsSerialReader(port, timeout_s=timeout_s)
    try:
        reader.open()
        reply = reader.sam_status()
        if reply.sw3 != status.OK:
            return ProbeResult(port, True, f"SAM 状态异常：{status.describe_status(reply.sw3)}")
        sam_id = reader.read_sam_id()
        return ProbeResult(port, True, "身份证阅读器（SAM 正常）", sam_id.hex(" ").upper())
    except CardReadError as error:
        return ProbeResult(port, False, error.message)
    finally:
        reader.close()


def detect_mps_readers(
    extra_ports: Iterable[str] = (), *, timeout_s: float = PROBE_TIMEOUT_S
) -> list[ProbeResult]:
    """Probe the system's serial ports and `extra_ports`; results for every port, readers first."""
    ports = list(dict.fromkeys([*extra_ports, *system_serial_ports()]))
    results = [probe_port(port, timeout_s=timeout_s) for port in ports]
    return sorted(results, key=lambda result: not result.is_mps_reader)
