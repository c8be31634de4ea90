"""A private pcscd with only the vpcd virtual reader, for tests, benchmarks and demo mode.

pcscd 1.9 always serves /run/pcscd/pcscd.comm (only the client library honours
PCSCLITE_CSOCK_NAME), so the daemon runs in its own mount namespace (`unshare`) where a
private directory is bound over /run/pcscd. Clients in this process reach it through
`PCSCLITE_CSOCK_NAME`, which libpcsclite reads once, before its first call: call
`use_in_this_process()` before anything touches pyscard. A system pcscd, if any, is left alone.

The daemon reads a private reader.conf.d holding one vpcd entry on a free port (its slot 1,
the "second reader slot", listens on port + 1), and the USB driver bundles are hidden from it so
it never competes with the system pcscd for real readers. It runs without --auto-exit
(devices.md Part B §6.4 pitfall 2).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

VPCD_DRIVER_CANDIDATES = (
    Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so"),
    Path("/usr/lib64/pcsc/drivers/serial/libifdvpcd.so"),
    Path("/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so"),
)
USB_DRIVER_DIRS = (Path("/usr/lib/pcsc/drivers"), Path("/usr/local/lib/pcsc/drivers"))
SYSTEM_VPCD_CONFIG = Path("/etc/reader.conf.d/vpcd")
FRIENDLY_NAME = "Virtual PCD"

# Bind the private run directory over /run/pcscd, hide the USB bundles, then become pcscd.
_NAMESPACE_SCRIPT = r"""
set -e
mkdir -p /run/pcscd
mount --bind "$1" /run/pcscd
for bundle in $3; do
    [ -d "$bundle" ] && mount --bind "$2" "$bundle"
done
shift 3
exec "$@"
"""


class PcscdUnavailableError(RuntimeError):
    """pcscd, the vpcd driver or `unshare` is missing, or the daemon did not come up."""


def find_vpcd_driver() -> Path | None:
    """The vpcd IFD handler library (Debian package vsmartcard-vpcd), from its config or paths."""
    if SYSTEM_VPCD_CONFIG.exists():
        for line in SYSTEM_VPCD_CONFIG.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "LIBPATH" and Path(parts[1]).exists():
                return Path(parts[1])
    return next((path for path in VPCD_DRIVER_CANDIDATES if path.exists()), None)


def free_port_pair() -> int:
    """A TCP port p such that p and p + 1 are both free (vpcd slots 0 and 1)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port < 65535 and all(_port_is_free(p) for p in (port, port + 1)):
            return port
    raise PcscdUnavailableError("no free TCP port pair for vpcd")


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # As vpcd does: SO_REUSEADDR, so closed connections in TIME_WAIT do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))  # vpcd binds INADDR_ANY
        except OSError:
            return False
    return True


class PrivatePcscd:
    """One pcscd process with the vpcd reader; `start()`, `stop()`, restartable."""

    def __init__(self, base_dir: Path | None = None, *, vpcd_port: int | None = None) -> None:
        # Nothing is created before start(): a fixture may build this object and never use it.
        self.base_dir = Path(
            base_dir or Path(tempfile.gettempdir()) / f"dengji-pcscd-{secrets.token_hex(6)}"
        )
        self.run_dir = self.base_dir / "run"
        self.config_dir = self.base_dir / "reader.conf.d"
        self.empty_dir = self.base_dir / "empty"
        self.vpcd_port = vpcd_port or free_port_pair()
        self.log: deque[str] = deque(maxlen=400)
        self._process: subprocess.Popen[str] | None = None
        self._ready = threading.Event()

    @property
    def socket_path(self) -> Path:
        """The daemon's client socket, for PCSCLITE_CSOCK_NAME."""
        return self.run_dir / "pcscd.comm"

    @property
    def reader_names(self) -> tuple[str, str]:
        """PC/SC names of vpcd slot 0 (port) and slot 1 (port + 1), as pcsc-lite builds them."""
        return f"{FRIENDLY_NAME} 00 00", f"{FRIENDLY_NAME} 00 01"

    @property
    def running(self) -> bool:
        """True while the daemon process is alive."""
        return self._process is not None and self._process.poll() is None

    def use_in_this_process(self) -> None:
        """Point this process's libpcsclite at the private daemon (before any PC/SC call)."""
        os.environ["PCSCLITE_CSOCK_NAME"] = str(self.socket_path)

    def start(self, timeout: float = 10.0) -> None:
        """Start pcscd and wait until it serves clients with vpcd listening on its port."""
        if self.running:
            return
        pcscd = shutil.which("pcscd") or next(
            (p for p in ("/usr/sbin/pcscd", "/sbin/pcscd") if os.path.exists(p)), None
        )
        unshare = shutil.which("unshare")
        driver = find_vpcd_driver()
        if pcscd is None or unshare is None or driver is None:
            raise PcscdUnavailableError(
                "pcscd, unshare (util-linux) and the vpcd driver (vsmartcard-vpcd) are needed"
            )
        for directory in (self.run_dir, self.config_dir, self.empty_dir):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.config_dir / "vpcd").write_text(
            f'FRIENDLYNAME "{FRIENDLY_NAME}"\n'
            f"DEVICENAME   /dev/null:{self.vpcd_port}\n"
            f"LIBPATH      {driver}\n"
            f"CHANNELID    {self.vpcd_port}\n"
        )
        bundles = " ".join(
            str(bundle)
            for directory in USB_DRIVER_DIRS
            if directory.is_dir()
            for bundle in sorted(directory.glob("*.bundle"))
        )
        namespace = [unshare, "--mount", "--propagation", "private"]
        if os.geteuid() != 0:
            namespace.append("--map-root-user")
        command = [
            *namespace,
            "sh",
            "-c",
            _NAMESPACE_SCRIPT,
            "pcscd-namespace",
            str(self.run_dir),
            str(self.empty_dir),
            bundles,
            pcscd,
            "--foreground",
            "--info",
            "--config",
            str(self.config_dir),
        ]
        self._ready.clear()
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
        )
        threading.Thread(target=self._collect_log, args=(self._process,), daemon=True).start()
        deadline = time.monotonic() + timeout
        ready = self._ready.wait(timeout)
        # "daemon ready" can be logged just before the socket file appears.
        while ready and not self.socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not ready or not self.socket_path.exists():
            self.stop()
            raise PcscdUnavailableError(
                "pcscd did not start with the vpcd driver:\n" + "\n".join(list(self.log)[-20:])
            )

    def _collect_log(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.log.append(line.rstrip())
            # Logged after the readers of reader.conf.d are up (vpcd: "Waiting for virtual ICC
            # on port …") and the client socket exists.
            if "daemon ready" in line:
                self._ready.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the daemon (SIGTERM, then SIGKILL) and wait for it to exit."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()

    def wait_until_port_closed(self, timeout: float = 5.0) -> bool:
        """After `stop()`: wait until vpcd's port is free again, so a restart can bind it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _port_is_free(self.vpcd_port):
                return True
            time.sleep(0.05)
        return False

    def cleanup(self) -> None:
        """Stop and delete the private directory."""
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)
