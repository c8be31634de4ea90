"""Vendor ID-card reader SDKs (sdtapi, termb) through ctypes, with library architecture checks."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform
import re
import struct
import sys
import sysconfig
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from devices.base import CardReader
from devices.card import CardData, CardKind, CardSource
from devices.errors import (
    CardDataError,
    CardReadError,
    CardRemovedError,
    DriverUnavailableError,
    FrameError,
    ReaderNotConnectedError,
    ReaderTimeoutError,
)
from devices.mps import status
from devices.mps.text import (
    LONG_TERM,
    check_document_number,
    parse_card_date,
    parse_text_block,
    parse_valid_until,
)
from devices.wlt import WltDecoder, default_decoder

# devices.md §4.1: 1001–1016 are USB readers, 1–16 serial COM1–COM16; USB is probed first.
USB_PORTS: Final = tuple(range(1001, 1017))
SERIAL_PORTS: Final = tuple(range(1, 17))
ALL_PORTS: Final = USB_PORTS + SERIAL_PORTS

_ELF_MACHINES: Final = {3: "x86", 62: "x86_64", 40: "arm", 183: "aarch64", 8: "mips",
                        243: "riscv", 258: "loongarch"}  # fmt: skip
_PE_MACHINES: Final = {0x14C: "x86", 0x8664: "x86_64", 0x1C0: "arm", 0x1C4: "arm",
                       0xAA64: "aarch64"}  # fmt: skip
_PYTHON_MACHINES: Final = {"amd64": "x86_64", "x86_64": "x86_64", "i386": "x86", "i486": "x86",
                           "i586": "x86", "i686": "x86", "x86": "x86", "aarch64": "aarch64",
                           "arm64": "aarch64", "armv7l": "arm", "armv6l": "arm",
                           "loongarch64": "loongarch", "riscv64": "riscv",
                           "mips64": "mips"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LibraryArchitecture:
    """What a shared library was built for, read from its ELF or PE header."""

    file_format: str  # "ELF" or "PE"
    bits: int  # 32 or 64
    machine: str  # "x86", "x86_64", "arm", "aarch64", … or "未知(0x…)"


def library_architecture(path: Path) -> LibraryArchitecture | None:
    """Read the ELF or PE header of `path`; None when it is neither (or unreadable)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    if head[:4] == b"\x7fELF" and len(head) >= 20:
        bits = {1: 32, 2: 64}.get(head[4])
        if bits is None:
            return None
        order = "<" if head[5] == 1 else ">"
        (machine,) = struct.unpack_from(order + "H", head, 18)
        return LibraryArchitecture("ELF", bits, _ELF_MACHINES.get(machine, f"未知(0x{machine:X})"))
    if head[:2] == b"MZ" and len(head) >= 0x40:
        (pe_offset,) = struct.unpack_from("<I", head, 0x3C)
        if pe_offset + 26 > len(head) or head[pe_offset : pe_offset + 4] != b"PE\0\0":
            return None
        (machine,) = struct.unpack_from("<H", head, pe_offset + 4)
        (magic,) = struct.unpack_from("<H", head, pe_offset + 24)  # optional header magic
        bits = {0x10B: 32, 0x20B: 64}.get(magic)
        if bits is None:
            return None
        return LibraryArchitecture("PE", bits, _PE_MACHINES.get(machine, f"未知(0x{machine:X})"))
    return None


def python_architecture() -> tuple[int, str]:
    """(pointer bits, normalised machine) of the running Python process."""
    bits = struct.calcsize("P") * 8
    machine = platform.machine().lower()
    return bits, _PYTHON_MACHINES.get(machine, machine)


def architecture_problem(path: Path) -> str | None:
    """A Chinese reason why this process cannot load `path`, or None when it can try."""
    arch = library_architecture(path)
    if arch is None:
        return None  # not a header we know (e.g. a linker script): let the loader decide
    bits, machine = python_architecture()
    if arch.bits != bits:
        # devices.md §0: many vendor DLLs are 32-bit only; ctypes cannot load them into 64-bit.
        return (
            f"厂商库“{path.name}”是{arch.bits}位的，而本程序是{bits}位的 Python，无法加载；"
            f"请安装{bits}位版本的厂商库，或改用串口（MPS 协议）连接阅读器"
        )
    if machine in _PYTHON_MACHINES.values() and arch.machine != machine:
        return f"厂商库“{path.name}”是为 {arch.machine} 处理器编译的，本机是 {machine}，无法加载"
    return None


def _file_names(stem: str) -> list[str]:
    if sys.platform == "win32":
        return [f"{stem}.dll"]
    if sys.platform == "darwin":
        return [f"lib{stem}.dylib", f"{stem}.dylib"]
    return [f"lib{stem}.so", f"{stem}.so"]


def locate_library(name: str, search_dirs: Iterable[Path] = ()) -> Path | None:
    """Find a library given as a path, a file name, or a stem like "sdtapi"/"termb"."""
    direct = Path(name)
    if direct.is_file():
        return direct
    stem = re.sub(r"^lib|\.(so|dll|dylib).*$", "", direct.name)
    names = [direct.name, *_file_names(stem)]
    dirs = [*search_dirs, Path.cwd(), Path(sys.executable).parent]
    env_path = os.environ.get("LD_LIBRARY_PATH" if sys.platform != "win32" else "PATH", "")
    dirs += [Path(part) for part in env_path.split(os.pathsep) if part]
    for folder in dirs:
        for file_name in names:
            candidate = folder / file_name
            if candidate.is_file():
                return candidate
    found = ctypes.util.find_library(stem)
    if found is None:
        return None
    if Path(found).is_file():
        return Path(found)
    # find_library gives a bare soname on Linux: look in the loader's usual folders.
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    for system_dir in ("/lib", "/usr/lib", "/usr/local/lib", "/lib64", "/usr/lib64"):
        for soname_path in (Path(system_dir) / found, Path(system_dir) / multiarch / found):
            if soname_path.is_file():
                return soname_path
    return None


def check_library(name: str, *, what: str) -> tuple[bool, str]:
    """(True, "") when `name` can be found and matches this process, else (False, reason)."""
    path = locate_library(name)
    if path is None:
        return False, f"未找到{what}“{name}”，请安装阅读器厂商提供的 SDK，或在配置中写明库文件路径"
    problem = architecture_problem(path)
    if problem is not None:
        return False, problem
    return True, ""


def load_library(name: str, *, what: str) -> ctypes.CDLL:
    """Load a vendor library (stdcall on Windows). Raises DriverUnavailableError with a reason."""
    path = locate_library(name)
    if path is None:
        raise DriverUnavailableError(check_library(name, what=what)[1])
    problem = architecture_problem(path)
    if problem is not None:
        raise DriverUnavailableError(problem)
    try:
        if sys.platform == "win32":
            return ctypes.WinDLL(str(path))
        return ctypes.CDLL(str(path))
    except OSError as error:
        raise DriverUnavailableError(
            f"无法加载{what}“{path.name}”（文件损坏或缺少它依赖的库）", detail=str(error)
        ) from error


def _function(
    library: ctypes.CDLL, symbol: str, argtypes: list[type], *, what: str
) -> Callable[..., int]:
    try:
        function = getattr(library, symbol)
    except AttributeError:
        raise DriverUnavailableError(f"{what}中没有函数 {symbol}，库的版本不对") from None
    function.argtypes = argtypes
    function.restype = ctypes.c_int
    return function  # type: ignore[no-any-return]  # ctypes function pointers are untyped


class SdtapiReader(CardReader):
    """A reader behind the generic sdtapi library (SDT_ functions, devices.md §4.2)."""

    family = "身份证阅读器"

    WHAT: Final = "厂商读卡库 sdtapi"
    DEFAULT_LIBRARY: Final = "sdtapi"

    def __init__(
        self,
        library: str = DEFAULT_LIBRARY,
        port: int | None = None,
        *,
        name: str | None = None,
        photo_decoder: WltDecoder | None = None,
    ) -> None:
        super().__init__(name or f"sdtapi {port if port is not None else '自动'}")
        self.library_name = library
        self.port = port
        self._photo_decoder = photo_decoder
        self._library: ctypes.CDLL | None = None
        self._open_port: int | None = None

    @classmethod
    def is_usable(cls) -> tuple[bool, str]:
        return check_library(cls.DEFAULT_LIBRARY, what=cls.WHAT)

    def open(self) -> None:
        self._claim_thread()
        library = load_library(self.library_name, what=self.WHAT)
        uchar_p = ctypes.POINTER(ctypes.c_ubyte)
        uint_p = ctypes.POINTER(ctypes.c_uint)
        int_ = ctypes.c_int
        self._sdt_open = _function(library, "SDT_OpenPort", [int_], what=self.WHAT)
        self._sdt_close = _function(library, "SDT_ClosePort", [int_], what=self.WHAT)
        self._sdt_find = _function(
            library, "SDT_StartFindIDCard", [int_, uchar_p, int_], what=self.WHAT
        )
        self._sdt_select = _function(
            library, "SDT_SelectIDCard", [int_, uchar_p, int_], what=self.WHAT
        )
        self._sdt_read = _function(
            library,
            "SDT_ReadBaseMsg",
            [int_, uchar_p, uint_p, uchar_p, uint_p, int_],
            what=self.WHAT,
        )
        self._library = library
        ports = (self.port,) if self.port is not None else ALL_PORTS
        for port in ports:
            if self._sdt_open(port) == status.OK:
                self._open_port = port
                return
        self._release_thread()
        raise ReaderNotConnectedError(detail=f"SDT_OpenPort failed on {ports}")

    def close(self) -> None:
        if self._library is not None and self._open_port is not None:
            self._assert_owner_thread()
            self._sdt_close(self._open_port)
        self._open_port = None
        self._release_thread()

    def _port(self) -> int:
        self._assert_owner_thread()
        if self._open_port is None:
            raise ReaderNotConnectedError(detail="sdtapi port not open")
        return self._open_port

    def _find(self) -> bool:
        iin = (ctypes.c_ubyte * 64)()
        code = self._sdt_find(self._port(), iin, 0)
        if code == status.CARD_FOUND:
            return True
        if code == status.NO_CARD:
            return False
        raise _sdk_error(code, "寻卡")

    def card_present(self) -> bool:
        return self._find()

    def read_card(self) -> CardData | None:
        if not self._find():
            return None
        serial_number = (ctypes.c_ubyte * 64)()
        code = self._sdt_select(self._port(), serial_number, 0)
        if code != status.OK:
            raise _sdk_error(code, "选卡")
        text = (ctypes.c_ubyte * 4096)()
        photo = (ctypes.c_ubyte * 4096)()
        text_len = ctypes.c_uint(0)
        photo_len = ctypes.c_uint(0)
        code = self._sdt_read(
            self._port(), text, ctypes.byref(text_len), photo, ctypes.byref(photo_len), 0
        )
        if code != status.OK:
            raise _sdk_error(code, "读卡")
        if text_len.value != 256 or photo_len.value > 1024:
            raise FrameError(detail=f"sdtapi lengths {text_len.value}/{photo_len.value}")
        wlt = bytes(photo[: photo_len.value]) or None
        decoder = self._photo_decoder or default_decoder()
        return parse_text_block(
            bytes(text[:256]),
            photo_wlt=wlt,
            photo=decoder.decode(wlt) if wlt else None,
            reader_name=self.name,
        )


def _sdk_error(code: int, step: str) -> CardReadError:
    """The exception for an sdtapi return code (SAM status or SDK code, devices.md §1.5)."""
    detail = f"sdtapi {step}: {code:#x}"
    if code in (0x01, 0x05):
        return ReaderNotConnectedError(detail=detail)
    if code == 0x02:
        return ReaderTimeoutError(detail=detail)
    if code == 0x03:
        return FrameError(detail=detail)
    return status.status_error(code & 0xFF, step=step)


# termb return codes (devices.md §4.3, [S37]).
_TERMB_OK: Final = 1
_TERMB_AUTH_NO_CARD: Final = 2
_TERMB_AUTH_SELECT_FAILED: Final = 3
_TERMB_AUTH_NO_READER: Final = 4
_TERMB_SEX: Final = {"男": "1", "女": "2", "未知": "0", "未说明": "9"}


class TermbReader(CardReader):
    """A Huashi (华视) CVR reader behind termb.dll / libtermb.so (devices.md §4.3)."""

    family = "身份证阅读器"

    WHAT: Final = "厂商读卡库 termb"
    DEFAULT_LIBRARY: Final = "termb"

    def __init__(
        self, library: str = DEFAULT_LIBRARY, port: int | None = None, *, name: str | None = None
    ) -> None:
        super().__init__(name or f"termb {port if port is not None else '自动'}")
        self.library_name = library
        self.port = port
        self._library: ctypes.CDLL | None = None
        self._connected = False

    @classmethod
    def is_usable(cls) -> tuple[bool, str]:
        return check_library(cls.DEFAULT_LIBRARY, what=cls.WHAT)

    def open(self) -> None:
        self._claim_thread()
        library = load_library(self.library_name, what=self.WHAT)
        int_ = ctypes.c_int
        self._init_comm = _function(library, "CVR_InitComm", [int_], what=self.WHAT)
        self._authenticate = _function(library, "CVR_Authenticate", [], what=self.WHAT)
        self._read_content = _function(library, "CVR_Read_Content", [int_], what=self.WHAT)
        self._close_comm = _function(library, "CVR_CloseComm", [], what=self.WHAT)
        self._library = library
        ports = (self.port,) if self.port is not None else ALL_PORTS
        for port in ports:
            if self._init_comm(port) == _TERMB_OK:
                self._connected = True
                return
        self._release_thread()
        raise ReaderNotConnectedError(detail=f"CVR_InitComm failed on {ports}")

    def close(self) -> None:
        if self._connected:
            self._assert_owner_thread()
            self._close_comm()
        self._connected = False
        self._release_thread()

    def _auth(self) -> bool:
        self._assert_owner_thread()
        if not self._connected:
            raise ReaderNotConnectedError(detail="termb not initialised")
        code = self._authenticate()
        if code == _TERMB_OK:
            return True
        if code == _TERMB_AUTH_NO_CARD:
            return False
        if code == _TERMB_AUTH_SELECT_FAILED:
            raise CardRemovedError(detail="CVR_Authenticate: select failed")
        if code == _TERMB_AUTH_NO_READER:
            raise ReaderNotConnectedError(detail="CVR_Authenticate: 4")
        raise DriverUnavailableError(
            "厂商读卡库 termb 无法工作", detail=f"CVR_Authenticate: {code}"
        )

    def card_present(self) -> bool:
        return self._auth()

    def _get(self, symbol: str) -> str:
        assert self._library is not None
        function = getattr(self._library, symbol, None)
        if function is None:
            return ""
        buffer = ctypes.create_string_buffer(512)
        length = ctypes.c_int(len(buffer))
        function.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        function.restype = ctypes.c_int
        if function(buffer, ctypes.byref(length)) != _TERMB_OK:
            return ""
        raw = buffer.raw[: max(0, min(length.value, len(buffer)))].split(b"\0", 1)[0]
        try:
            # §4.3: termb getters return GB2312/GBK text.
            return raw.decode("gbk").strip()
        except UnicodeDecodeError:
            raise CardDataError(symbol, "文字编码无效（不是 GBK 文本）") from None

    def _get_photo(self) -> bytes | None:
        assert self._library is not None
        function = getattr(self._library, "GetBMPData", None)
        if function is None:
            return None
        buffer = (ctypes.c_ubyte * 65536)()
        length = ctypes.c_int(len(buffer))
        function.argtypes = [ctypes.POINTER(ctypes.c_ubyte), ctypes.POINTER(ctypes.c_int)]
        function.restype = ctypes.c_int
        if function(buffer, ctypes.byref(length)) != _TERMB_OK:
            return None
        data = bytes(buffer[: max(0, min(length.value, len(buffer)))])
        return data if data.startswith(b"BM") else None

    def read_card(self) -> CardData | None:
        if not self._auth():
            return None
        if self._read_content(1) != _TERMB_OK:  # 1 = text + photo [S38]
            raise CardRemovedError(detail="CVR_Read_Content failed")
        flag = self._get("GetCertType").upper()[:1]
        flag = flag if flag in ("I", "J", "Y") else ""
        if flag in ("I", "Y"):
            kind = CardKind.FOREIGN_PERMANENT_RESIDENT
            name_en = self._get("GetPeopleName") or None
            name = self._get("GetPeopleChineseName") or name_en or ""
        else:
            kind = CardKind.HMT_RESIDENCE_PERMIT if flag == "J" else CardKind.RESIDENT_ID
            name_en = None
            name = self._get("GetPeopleName")
        if not name:
            raise CardDataError("姓名", "为空")
        sex_text = self._get("GetPeopleSex")
        sex = _TERMB_SEX.get(sex_text, sex_text if sex_text in ("0", "1", "2", "9") else None)
        ethnicity = self._get("GetNationCode") if kind is CardKind.RESIDENT_ID else ""
        end_text = self._get("GetEndDate")
        return CardData(
            kind=kind,
            source=CardSource.ID_CARD_READER,
            name=name,
            id_number=check_document_number(flag, self._get("GetPeopleIDCode")),
            sex=sex,
            ethnicity=ethnicity or None,
            birth_date=parse_card_date(_digits(self._get("GetPeopleBirthday")), "出生日期"),
            address=self._get("GetPeopleAddress") or None,
            issuer=self._get("GetDepartment") or None,
            valid_from=parse_card_date(_digits(self._get("GetStartDate")), "有效期起始日期"),
            valid_until=parse_valid_until(
                LONG_TERM if LONG_TERM in end_text else _digits(end_text), "有效期截止日期"
            ),
            name_en=name_en,
            photo=self._get_photo(),
            reader_name=self.name,
        )


def _digits(value: str) -> str:
    # termb versions differ in date format ("19900101", "1990-01-01", "1990年01月01日").
    return re.sub(r"\D", "", value) or value


def sdk_reader_for(library: str, port: int | None = None) -> CardReader:
    """A reader for a vendor library named on the command line or in the configuration."""
    if "termb" in Path(library).name.lower():
        return TermbReader(library, port)
    return SdtapiReader(library, port)
