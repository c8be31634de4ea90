"""Printing a PDF through CUPS with `lp`, and following the job over IPP until it is done.

CUPS prints PDF natively (its own pdftopdf/pdftops filters and the printer's driver), so the
job stays vector, small and sharp; this is the path used on Linux and macOS whenever `lp` is
installed. The job is only reported printed once CUPS says job-state = completed; a queue
that is stopped, rejects jobs, or aborts the job raises PrintError instead.
"""

from __future__ import annotations

import getpass
import http.client
import os
import re
import shutil
import socket
import struct
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from printing.errors import PrintError

NO_PRINTER = "未找到打印机"
DEFAULT_SOCKET = Path("/run/cups/cups.sock")
DEFAULT_TIMEOUT_S = 120.0

# IPP (RFC 8010/8011) codes used here.
_OP_GET_JOB_ATTRIBUTES = 0x0009  # Get-Job-Attributes
_OP_GET_PRINTER_ATTRIBUTES = 0x000B
_OP_CUPS_GET_PRINTERS = 0x4002
_TAG_OPERATION, _TAG_END = 0x01, 0x03
_TAG_INTEGER, _TAG_BOOLEAN, _TAG_ENUM = 0x21, 0x22, 0x23
_TAG_TEXT_LANG, _TAG_NAME_LANG = 0x35, 0x36
_TAG_KEYWORD, _TAG_URI, _TAG_CHARSET, _TAG_LANGUAGE, _TAG_NAME = 0x44, 0x45, 0x47, 0x48, 0x42
_STATUS_NOT_FOUND = 0x0406

PRINTER_IDLE, PRINTER_PROCESSING, PRINTER_STOPPED = 3, 4, 5
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9

IppValue = int | bool | str | bytes


@dataclass
class IppResponse:
    """Status code and attributes (every group flattened; values as lists) of an IPP reply."""

    status: int
    groups: list[dict[str, list[IppValue]]] = field(default_factory=list)

    def first(self, name: str) -> IppValue | None:
        """The first value of an attribute in any group, or None."""
        for group in self.groups:
            if name in group:
                return group[name][0]
        return None


@dataclass(frozen=True)
class CupsPrinterStatus:
    """What CUPS says about a queue right now."""

    name: str
    state: int  # PRINTER_IDLE / PRINTER_PROCESSING / PRINTER_STOPPED
    accepting_jobs: bool
    message: str

    @property
    def is_ready(self) -> bool:
        """A job sent now would print: queue enabled and accepting."""
        return self.state != PRINTER_STOPPED and self.accepting_jobs


def cups_available() -> bool:
    """True when the `lp` command of CUPS is installed."""
    return shutil.which("lp") is not None


def resolve_server(server: str | None = None) -> str:
    """The CUPS server as libcups finds it: argument, CUPS_SERVER, client.conf, local socket."""
    if server:
        return server
    if os.environ.get("CUPS_SERVER"):
        return os.environ["CUPS_SERVER"]
    for conf in (Path.home() / ".cups" / "client.conf", Path("/etc/cups/client.conf")):
        try:
            for line in conf.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0].lower() == "servername":
                    return parts[1]
        except OSError:
            continue
    return str(DEFAULT_SOCKET) if DEFAULT_SOCKET.exists() else "localhost:631"


class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over CUPS's local domain socket (what libcups uses on Linux)."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._socket_path)
        self.sock = sock


def _attribute(tag: int, name: str, values: list[bytes]) -> bytes:
    out = b""
    for index, value in enumerate(values):
        key = name.encode() if index == 0 else b""  # additional values carry no name
        out += struct.pack(">BH", tag, len(key)) + key + struct.pack(">H", len(value)) + value
    return out


def _encode_request(operation: int, attributes: list[tuple[int, str, list[bytes]]]) -> bytes:
    body = struct.pack(">BBHI", 2, 0, operation, 1) + bytes([_TAG_OPERATION])
    body += _attribute(_TAG_CHARSET, "attributes-charset", [b"utf-8"])
    body += _attribute(_TAG_LANGUAGE, "attributes-natural-language", [b"zh-cn"])
    for tag, name, values in attributes:
        body += _attribute(tag, name, values)
    return body + bytes([_TAG_END])


def _decode_value(tag: int, raw: bytes) -> IppValue:
    if tag in (_TAG_INTEGER, _TAG_ENUM) and len(raw) == 4:
        value: int = struct.unpack(">i", raw)[0]
        return value
    if tag == _TAG_BOOLEAN and len(raw) == 1:
        return raw != b"\x00"
    if tag in (_TAG_TEXT_LANG, _TAG_NAME_LANG) and len(raw) >= 4:
        (lang_length,) = struct.unpack(">H", raw[:2])
        return raw[4 + lang_length :].decode("utf-8", "replace")
    if 0x40 <= tag <= 0x4F:
        return raw.decode("utf-8", "replace")
    return raw


def decode_response(data: bytes) -> IppResponse:
    """Parse an IPP response body (RFC 8010 §3)."""
    if len(data) < 8:
        raise PrintError("打印失败：打印服务（CUPS）返回了无法识别的应答")
    _major, _minor, status, _request_id = struct.unpack(">BBHI", data[:8])
    response = IppResponse(status)
    position, last_name = 8, ""
    group: dict[str, list[IppValue]] | None = None
    while position < len(data):
        tag = data[position]
        position += 1
        if tag == _TAG_END:
            break
        if tag < 0x10:  # a new attribute group
            group = {}
            response.groups.append(group)
            continue
        (name_length,) = struct.unpack(">H", data[position : position + 2])
        name = data[position + 2 : position + 2 + name_length].decode("utf-8", "replace")
        position += 2 + name_length
        (value_length,) = struct.unpack(">H", data[position : position + 2])
        raw = data[position + 2 : position + 2 + value_length]
        position += 2 + value_length
        if group is None:
            group = {}
            response.groups.append(group)
        if name:
            last_name = name
            group[name] = [_decode_value(tag, raw)]
        elif last_name:
            group.setdefault(last_name, []).append(_decode_value(tag, raw))
    return response


def ipp_request(
    server: str,
    path: str,
    operation: int,
    attributes: list[tuple[int, str, list[bytes]]],
    timeout_s: float = 5.0,
) -> IppResponse:
    """Send one IPP request to the CUPS server and decode the reply."""
    body = _encode_request(operation, attributes)
    connection: http.client.HTTPConnection
    if server.startswith("/"):
        connection = _UnixHTTPConnection(server, timeout_s)
    else:
        host, _, port = server.partition(":")
        connection = http.client.HTTPConnection(host, int(port or 631), timeout=timeout_s)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/ipp"})
        reply = connection.getresponse()
        data = reply.read()
    except OSError as error:
        raise PrintError(f"打印失败：无法连接打印服务（CUPS {server}）：{error}") from error
    finally:
        connection.close()
    if reply.status != 200:
        raise PrintError(f"打印失败：打印服务（CUPS）拒绝了请求（HTTP {reply.status}）")
    return decode_response(data)


def _printer_uri(printer: str) -> bytes:
    return f"ipp://localhost/printers/{quote(printer, safe='')}".encode()


def _user() -> bytes:
    return getpass.getuser().encode()


def printer_status(printer: str, server: str | None = None) -> CupsPrinterStatus:
    """State of one queue; PrintError("未找到打印机：…") when CUPS does not know it."""
    if not printer.strip():
        raise PrintError(NO_PRINTER)
    response = ipp_request(
        resolve_server(server),
        f"/printers/{quote(printer, safe='')}",
        _OP_GET_PRINTER_ATTRIBUTES,
        [
            (_TAG_URI, "printer-uri", [_printer_uri(printer)]),
            (_TAG_NAME, "requesting-user-name", [_user()]),
            (
                _TAG_KEYWORD,
                "requested-attributes",
                [b"printer-state", b"printer-is-accepting-jobs", b"printer-state-message"],
            ),
        ],
    )
    if response.status == _STATUS_NOT_FOUND:
        raise PrintError(f"{NO_PRINTER}：{printer}")
    if response.status >= 0x0400:
        raise PrintError(f"打印失败：查询打印机 {printer} 出错（IPP 状态 0x{response.status:04x}）")
    state = response.first("printer-state")
    accepting = response.first("printer-is-accepting-jobs")
    message = response.first("printer-state-message")
    return CupsPrinterStatus(
        name=printer,
        state=state if isinstance(state, int) else PRINTER_STOPPED,
        accepting_jobs=accepting is True,
        message=message if isinstance(message, str) else "",
    )


def list_cups_printers(server: str | None = None) -> list[str]:
    """Names of the CUPS queues (CUPS-Get-Printers)."""
    response = ipp_request(
        resolve_server(server),
        "/",
        _OP_CUPS_GET_PRINTERS,
        [(_TAG_KEYWORD, "requested-attributes", [b"printer-name"])],
    )
    names: list[str] = []
    for group in response.groups:
        names += [value for value in group.get("printer-name", []) if isinstance(value, str)]
    return names


def not_ready_message(status: CupsPrinterStatus) -> str:
    """The clerk's message for a stopped or rejecting queue."""
    detail = status.message or ("已停用" if status.state == PRINTER_STOPPED else "不接受打印任务")
    return f"打印机未就绪或已关闭：{status.name}（{detail}）"


def check_printer_ready(printer: str, server: str | None = None) -> CupsPrinterStatus:
    """Raise PrintError unless the queue exists, is enabled and accepts jobs."""
    status = printer_status(printer, server)
    if not status.is_ready:
        raise PrintError(not_ready_message(status))
    return status


_REQUEST_ID = re.compile(r"request id is (?P<queue>.+)-(?P<job>\d+) \(")


def submit_with_lp(
    pdf_bytes: bytes, printer: str, *, title: str, copies: int, server: str | None
) -> int:
    """Hand the PDF to `lp` on stdin; returns the CUPS job id."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError("打印失败：未安装 CUPS 打印命令 lp")
    command = [lp, "-d", printer, "-t", title, "-n", str(max(1, copies))]
    if server:
        command += ["-h", server]
    command.append("-")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}  # parse lp's English output
    try:
        result = subprocess.run(
            command, input=pdf_bytes, capture_output=True, env=env, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PrintError(f"打印失败：{error}") from error
    output = result.stdout.decode("utf-8", "replace")
    match = _REQUEST_ID.search(output)
    if result.returncode != 0 or match is None:
        reason = result.stderr.decode("utf-8", "replace").strip() or output.strip()
        if "not accepting jobs" in reason:
            raise PrintError(f"打印机未就绪或已关闭：{printer}（不接受打印任务）")
        if "does not exist" in reason or "not found" in reason.lower():
            raise PrintError(f"{NO_PRINTER}：{printer}")
        raise PrintError(f"打印失败：{reason}")
    return int(match.group("job"))


def job_state(job_id: int, server: str | None = None) -> tuple[int, str]:
    """(job-state, job-state-message or reasons) of a CUPS job."""
    response = ipp_request(
        resolve_server(server),
        "/jobs/",
        _OP_GET_JOB_ATTRIBUTES,
        [
            (_TAG_URI, "job-uri", [f"ipp://localhost/jobs/{job_id}".encode()]),
            (_TAG_NAME, "requesting-user-name", [_user()]),
            (
                _TAG_KEYWORD,
                "requested-attributes",
                [b"job-state", b"job-state-message", b"job-state-reasons"],
            ),
        ],
    )
    if response.status >= 0x0400:
        raise PrintError(f"打印失败：找不到打印任务 {job_id}（IPP 状态 0x{response.status:04x}）")
    state = response.first("job-state")
    message = response.first("job-state-message")
    reasons = [
        r for g in response.groups for r in g.get("job-state-reasons", []) if isinstance(r, str)
    ]
    text = message if isinstance(message, str) and message else "、".join(reasons)
    return (state if isinstance(state, int) else JOB_PENDING), text


def wait_for_job(
    job_id: int,
    printer: str,
    *,
    server: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    poll_s: float = 0.2,
) -> None:
    """Block until CUPS reports the job completed; PrintError if it fails, stalls or times out."""
    deadline = time.monotonic() + timeout_s
    while True:
        state, message = job_state(job_id, server)
        if state == JOB_COMPLETED:
            return
        if state in (JOB_CANCELED, JOB_ABORTED, JOB_STOPPED):
            # CUPS keeps the device's complaint ("Unable to open serial port…") on the printer
            detail = printer_status(printer, server).message or message
            verb = {JOB_CANCELED: "已取消", JOB_ABORTED: "已中止", JOB_STOPPED: "已停止"}[state]
            raise PrintError(f"打印失败：打印任务 {job_id} {verb}（{detail}）")
        if state == JOB_HELD:
            raise PrintError(
                f"打印机未就绪或已关闭：{printer}（打印任务 {job_id} 被挂起：{message}）"
            )
        status = printer_status(printer, server)
        if status.state == PRINTER_STOPPED:
            # the queue stopped under the job (e.g. the printer went offline mid-job)
            raise PrintError(not_ready_message(status))
        if time.monotonic() > deadline:
            raise PrintError(
                f"打印失败：打印任务 {job_id} 在 {timeout_s:.0f} 秒内未完成，请检查打印机 {printer}"
            )
        time.sleep(poll_s)


def print_pdf_via_cups(
    pdf_bytes: bytes,
    printer: str,
    *,
    title: str = "dengji",
    copies: int = 1,
    server: str | None = None,
    wait: bool = True,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> int:
    """Print a PDF on a CUPS queue and return the job id (blocking: call off the UI thread).

    Checks the queue first (missing → "未找到打印机", stopped or rejecting → "打印机未就绪或已
    关闭"), submits with `lp`, and with wait=True returns only once the job has completed.
    """
    if not pdf_bytes.startswith(b"%PDF"):
        raise PrintError("打印失败：要打印的内容不是 PDF 文件")
    check_printer_ready(printer, server)
    job_id = submit_with_lp(pdf_bytes, printer, title=title, copies=copies, server=server)
    if wait:
        wait_for_job(job_id, printer, server=server, timeout_s=timeout_s)
    return job_id
