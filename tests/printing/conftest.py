"""A private CUPS server (cupsd in the foreground, its own config under /tmp) with test queues.

Queues:
* DengjiPDF   — cups-pdf:/ with the cups-pdf PPD: the classic virtual PDF printer. Its filter
  chain goes PDF → PostScript → PDF (ghostscript), like a PostScript office printer; the
  output is an image-identical PDF, but PostScript keeps no ToUnicode, so its text is not
  extractable. Needs root: the cups-pdf backend is root-only (mode 0700).
* DengjiFile  — file: device with a PPD that takes PDF natively (cupsFilter2 → application/pdf),
  like a driverless/IPP-Everywhere printer: what comes out is pdftopdf's PDF, text intact.
* DengjiBroken — a serial port that does not exist: the backend fails, every job is aborted.
* DengjiNoFolder — file: device into a missing folder: CUPS stops every job.
"""

from __future__ import annotations

import ctypes
import getpass
import grp
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from printing import cups
from printing.errors import PrintError

CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
PDF_QUEUE = "DengjiPDF"
FILE_QUEUE = "DengjiFile"
BROKEN_QUEUE = "DengjiBroken"
NO_FOLDER_QUEUE = "DengjiNoFolder"


@dataclass
class CupsTestServer:
    """Where the private cupsd listens and what its queues write."""

    socket: str
    directory: Path
    file_output: Path
    has_cups_pdf: bool

    def admin(self, *command: str) -> None:
        """Run lpadmin / cupsdisable / cupsenable … against this server."""
        env = {**os.environ, "CUPS_SERVER": self.socket, "LC_ALL": "C"}
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=30)

    def cups_pdf_output(self, job_id: int) -> Path:
        """The file cups-pdf wrote for a job (it names files "…job_<id>.pdf")."""
        folder = cups_pdf_output_dir()
        matches = sorted(folder.glob(f"*job_{job_id}.pdf"))
        if not matches:
            raise AssertionError(f"cups-pdf wrote no file for job {job_id} in {folder}")
        return matches[-1]


def cups_pdf_output_dir() -> Path:
    """cups-pdf's "Out" folder for the current user (from /etc/cups/cups-pdf.conf)."""
    out = "/var/spool/cups-pdf/${USER}"
    if CUPS_PDF_CONF.exists():
        for line in CUPS_PDF_CONF.read_text(encoding="utf-8", errors="replace").splitlines():
            match = re.match(r"^Out\s+(\S+)", line)
            if match:
                out = match.group(1)
    user = getpass.getuser()
    return Path(out.replace("${HOME}", pwd.getpwnam(user).pw_dir).replace("${USER}", user))


def _native_pdf_ppd(directory: Path) -> Path:
    """cups-pdf's PPD with one line added so CUPS sends the printer PDF, not PostScript."""
    text = CUPS_PDF_PPD.read_text(encoding="latin-1")
    text = re.sub(
        r"^(\*PCFileName:.*)$",
        r'\1\n*cupsFilter2: "application/vnd.cups-pdf application/pdf 0 -"',
        text,
        count=1,
        flags=re.MULTILINE,
    )
    path = directory / "dengji-pdf-native.ppd"
    path.write_text(text, encoding="latin-1")
    return path


def _write_config(directory: Path, is_root: bool) -> tuple[Path, Path]:
    for name in ("root", "spool", "cache", "state", "log", "tmp", "out"):
        (directory / name).mkdir()
    socket = directory / "cups.sock"
    cupsd_conf = directory / "cupsd.conf"
    cupsd_conf.write_text(
        f"""Listen {socket}
LogLevel info
ErrorPolicy abort-job
Browsing No
WebInterface No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
""",
        encoding="utf-8",
    )
    group = grp.getgrgid(os.getgid()).gr_name
    files = [
        f"ServerRoot {directory / 'root'}",
        f"RequestRoot {directory / 'spool'}",
        f"CacheDir {directory / 'cache'}",
        f"StateDir {directory / 'state'}",
        f"TempDir {directory / 'tmp'}",
        f"ErrorLog {directory / 'log' / 'error_log'}",
        f"AccessLog {directory / 'log' / 'access_log'}",
        f"PageLog {directory / 'log' / 'page_log'}",
        "FileDevice Yes",
        f"SystemGroup {group}",
    ]
    if is_root:
        files += ["User lp", "Group lp"]
        # filters run as lp and must reach the spool and temp folders
        os.chown(directory / "tmp", 0, grp.getgrnam("lp").gr_gid)
        os.chmod(directory / "tmp", 0o1770)
        os.chmod(directory / "root", 0o755)
    files_conf = directory / "cups-files.conf"
    files_conf.write_text("\n".join(files) + "\n", encoding="utf-8")
    return cupsd_conf, files_conf


def _die_with_this_process() -> None:
    """In the child before exec: get SIGTERM when pytest dies, even if it never tears down."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _wait_until_listening(socket: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cupsd exited with {process.returncode}")
        try:
            cups.list_cups_printers(socket)
            return
        except PrintError:
            time.sleep(0.1)
    raise RuntimeError("cupsd did not start listening within 15 s")


@pytest.fixture(scope="session")
def cups_server() -> Iterator[CupsTestServer]:
    """Start a private cupsd for the test session; CUPS_SERVER points at it meanwhile."""
    cupsd, lpadmin = shutil.which("cupsd") or "/usr/sbin/cupsd", shutil.which("lpadmin")
    if not Path(cupsd).exists() or lpadmin is None or not cups.cups_available():
        pytest.skip("CUPS (cupsd, lpadmin, lp) is not installed")
    is_root = os.geteuid() == 0
    # Not under pytest's 0700 tmp folder: CUPS filters run as "lp" and must traverse it.
    directory = Path(tempfile.mkdtemp(prefix="dengji-cups-"))
    os.chmod(directory, 0o755)
    cupsd_conf, files_conf = _write_config(directory, is_root)
    process = subprocess.Popen(
        [cupsd, "-f", "-c", str(cupsd_conf), "-s", str(files_conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # the only child pytest starts here; preexec_fn runs before exec, in the child
        preexec_fn=_die_with_this_process,
    )
    socket = str(directory / "cups.sock")
    previous = os.environ.get("CUPS_SERVER")
    try:
        _wait_until_listening(socket, process)
        os.environ["CUPS_SERVER"] = socket
        server = CupsTestServer(
            socket=socket,
            directory=directory,
            file_output=directory / "out" / "job.pdf",
            has_cups_pdf=is_root and CUPS_PDF_BACKEND.exists() and CUPS_PDF_PPD.exists(),
        )
        ppd = _native_pdf_ppd(directory)
        server.admin(
            lpadmin, "-p", FILE_QUEUE, "-v", f"file:{server.file_output}", "-E", "-P", str(ppd)
        )
        missing = directory / "no-such-folder" / "job.pdf"
        server.admin(lpadmin, "-p", NO_FOLDER_QUEUE, "-v", f"file:{missing}", "-E", "-P", str(ppd))
        port = "serial:/dev/dengji-no-such-port?baud=9600"
        server.admin(lpadmin, "-p", BROKEN_QUEUE, "-v", port, "-E", "-P", str(ppd))
        if server.has_cups_pdf:
            server.admin(
                lpadmin, "-p", PDF_QUEUE, "-v", "cups-pdf:/", "-E", "-P", str(CUPS_PDF_PPD)
            )
        yield server
    finally:
        if previous is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = previous
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def file_queue(cups_server: CupsTestServer) -> Iterator[str]:
    """The PDF-native queue, enabled and accepting, its output file removed."""
    cups_server.file_output.unlink(missing_ok=True)
    yield FILE_QUEUE
    cups_server.admin("cupsenable", FILE_QUEUE)
    cups_server.admin("cupsaccept", FILE_QUEUE)


@pytest.fixture
def cups_pdf_queue(cups_server: CupsTestServer) -> str:
    """The cups-pdf queue (skips where the root-only cups-pdf backend cannot run)."""
    if not cups_server.has_cups_pdf:
        pytest.skip("cups-pdf needs root (its backend is mode 0700) and printer-driver-cups-pdf")
    return PDF_QUEUE
