"""Tests of devices.sdk: library architecture checks, absent libraries, fake SDKs built with gcc."""

from __future__ import annotations

import ctypes
import os
import struct
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.card import CardKind
from devices.emulators.idcard_reader import DemoCard
from devices.errors import CardRemovedError, DriverUnavailableError, ReaderNotConnectedError
from devices.sdk import (
    SdtapiReader,
    TermbReader,
    architecture_problem,
    check_library,
    library_architecture,
    load_library,
    python_architecture,
    sdk_reader_for,
)


def _elf_header(bits: int, machine: int) -> bytes:
    ident = b"\x7fELF" + bytes((1 if bits == 32 else 2, 1, 1)) + bytes(9)
    return ident + struct.pack("<HHI", 3, machine, 1) + bytes(64)


def _pe_header(machine: int, magic: int) -> bytes:
    header = bytearray(512)
    header[:2] = b"MZ"
    struct.pack_into("<I", header, 0x3C, 0x80)
    header[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<H", header, 0x84, machine)
    struct.pack_into("<H", header, 0x80 + 24, magic)
    return bytes(header)


@pytest.fixture
def crafted_32bit_elf(tmp_path: Path) -> Path:
    path = tmp_path / "libsdtapi.so"
    path.write_bytes(_elf_header(32, 3))  # ELFCLASS32, EM_386
    return path


def test_real_64bit_elf_is_read_as_such() -> None:
    if python_architecture()[0] != 64 or not sys.platform.startswith("linux"):
        pytest.skip("needs a 64-bit Linux Python")
    interpreter = Path(os.path.realpath(sys.executable))
    arch = library_architecture(interpreter)
    assert arch is not None
    assert (arch.file_format, arch.bits) == ("ELF", 64)
    assert arch.machine == python_architecture()[1]
    assert architecture_problem(interpreter) is None


def test_crafted_32bit_elf_is_refused_with_a_chinese_reason(crafted_32bit_elf: Path) -> None:
    arch = library_architecture(crafted_32bit_elf)
    assert arch is not None and (arch.bits, arch.machine) == (32, "x86")
    if python_architecture()[0] != 64:
        pytest.skip("the mismatch needs a 64-bit Python")
    problem = architecture_problem(crafted_32bit_elf)
    assert problem is not None and "32位" in problem and "64位" in problem
    with pytest.raises(DriverUnavailableError) as caught:
        load_library(str(crafted_32bit_elf), what="厂商读卡库 sdtapi")
    assert "32位" in caught.value.message
    with pytest.raises(DriverUnavailableError, match="32位"):
        SdtapiReader(str(crafted_32bit_elf)).open()


def test_pe_headers_are_read(tmp_path: Path) -> None:
    dll32 = tmp_path / "sdtapi.dll"
    dll32.write_bytes(_pe_header(0x14C, 0x10B))
    dll64 = tmp_path / "termb.dll"
    dll64.write_bytes(_pe_header(0x8664, 0x20B))
    arch32, arch64 = library_architecture(dll32), library_architecture(dll64)
    assert arch32 is not None and (arch32.file_format, arch32.bits, arch32.machine) == (
        "PE", 32, "x86")  # fmt: skip
    assert arch64 is not None and (arch64.bits, arch64.machine) == (64, "x86_64")


def test_other_machine_is_refused(tmp_path: Path) -> None:
    bits, machine = python_architecture()
    other = 183 if machine != "aarch64" else 62  # AArch64, or x86-64 on an ARM machine
    path = tmp_path / "libtermb.so"
    path.write_bytes(_elf_header(bits, other))
    problem = architecture_problem(path)
    assert problem is not None and "处理器" in problem


def test_unknown_file_is_left_to_the_loader(tmp_path: Path) -> None:
    path = tmp_path / "libx.so"
    path.write_bytes(b"/* GNU ld script */")
    assert library_architecture(path) is None
    assert architecture_problem(path) is None
    with pytest.raises(DriverUnavailableError, match="无法加载"):
        load_library(str(path), what="厂商读卡库")


def test_absent_library_gives_driver_unavailable_in_chinese() -> None:
    usable, reason = check_library("dengji-no-such-sdk", what="厂商读卡库 sdtapi")
    assert not usable and reason.startswith("未找到厂商读卡库 sdtapi")
    with pytest.raises(DriverUnavailableError) as caught:
        SdtapiReader("dengji-no-such-sdk").open()
    assert "未找到厂商读卡库" in caught.value.message
    with pytest.raises(DriverUnavailableError, match="未找到厂商读卡库 termb"):
        TermbReader("dengji-no-such-termb").open()


def test_is_usable_is_false_here_with_a_reason() -> None:
    for reader_class in (SdtapiReader, TermbReader):
        usable, reason = reader_class.is_usable()
        if not usable:
            assert "厂商读卡库" in reason


def test_sdk_reader_for_picks_by_library_name() -> None:
    assert isinstance(sdk_reader_for("/opt/huashi/libtermb.so"), TermbReader)
    assert isinstance(sdk_reader_for("sdtapi.dll"), SdtapiReader)


FAKE_SDTAPI = r"""
#include <string.h>
static int working_port = 1003, open_port = -1, present = 0;
static unsigned char text[256], photo[1024];
void fake_set_port(int port) { working_port = port; }
void fake_set_card(const unsigned char *t, const unsigned char *p) {
    if (t) { memcpy(text, t, 256); memcpy(photo, p, 1024); present = 1; } else present = 0;
}
int SDT_OpenPort(int port) {
    if (port == working_port) { open_port = port; return 0x90; }
    return 0x01;
}
int SDT_ClosePort(int port) { open_port = -1; return 0x90; }
int SDT_StartFindIDCard(int port, unsigned char *iin, int o) {
    if (port != open_port) return 0x01;
    if (!present) return 0x80;
    memset(iin, 0, 4); return 0x9F;
}
int SDT_SelectIDCard(int port, unsigned char *sn, int o) {
    if (!present) return 0x81; memset(sn, 0, 8); return 0x90;
}
int SDT_ReadBaseMsg(int port, unsigned char *t, unsigned int *tl, unsigned char *p,
                    unsigned int *pl, int o) {
    if (!present) return 0x41;
    memcpy(t, text, 256); *tl = 256; memcpy(p, photo, 1024); *pl = 1024; present = 0;
    return 0x90;
}
"""


def _c_string(text: str) -> str:
    return '"' + "".join(f"\\x{byte:02x}" for byte in text.encode("gbk")) + '"'


FAKE_TERMB = (
    r"""
#include <string.h>
static int present = 1;
void fake_set_present(int p) { present = p; }
static int put(const char *v, char *buf, int *len) {
    int n = (int)strlen(v); memcpy(buf, v, n + 1); *len = n; return 1;
}
int CVR_InitComm(int port) { return port == 1001 ? 1 : 2; }
int CVR_CloseComm(void) { return 1; }
int CVR_Authenticate(void) { return present == 1 ? 1 : (present == 2 ? 3 : 2); }
int CVR_Read_Content(int active) { return 1; }
int GetCertType(char *b, int *l) { return put(" ", b, l); }
int GetPeopleSex(char *b, int *l) { return put("""
    + _c_string("女")
    + r""", b, l); }
int GetNationCode(char *b, int *l) { return put("03", b, l); }
int GetPeopleBirthday(char *b, int *l) { return put("1988-05-16", b, l); }
int GetPeopleIDCode(char *b, int *l) { return put("622901198805161522", b, l); }
int GetStartDate(char *b, int *l) { return put("20180612", b, l); }
int GetEndDate(char *b, int *l) { return put("""
    + _c_string("长期")
    + r""", b, l); }
int GetPeopleName(char *b, int *l) { return put("""
    + _c_string("马晓燕")
    + r""", b, l); }
int GetPeopleAddress(char *b, int *l) { return put("""
    + _c_string("甘肃省临夏市")
    + r""", b, l); }
int GetDepartment(char *b, int *l) { return put("""
    + _c_string("临夏市公安局")
    + r""", b, l); }
"""
)


@pytest.fixture(scope="module")
def fake_sdtapi(compile_shared_library: Callable[[str, str], Path]) -> Path:
    return compile_shared_library("libsdtapi.so", FAKE_SDTAPI)


def test_sdtapi_reader_probes_ports_and_reads_a_card(
    fake_sdtapi: Path, cards: dict[str, DemoCard]
) -> None:
    control = ctypes.CDLL(str(fake_sdtapi))  # same handle as the driver's: shared state
    control.fake_set_port(1003)
    reader = SdtapiReader(str(fake_sdtapi))
    reader.open()
    try:
        control.fake_set_card(None, None)
        assert reader.read_card() is None
        card = cards["permit_j"]
        control.fake_set_card(card.text, card.photo_wlt)
        result = reader.read_card()
        assert result is not None
        assert result.kind is CardKind.HMT_RESIDENCE_PERMIT
        assert (result.name, result.photo_wlt) == ("陈嘉欣", card.photo_wlt)
    finally:
        reader.close()


def test_sdtapi_reader_without_a_reader_is_not_connected(fake_sdtapi: Path) -> None:
    control = ctypes.CDLL(str(fake_sdtapi))
    control.fake_set_port(0)
    with pytest.raises(ReaderNotConnectedError):
        SdtapiReader(str(fake_sdtapi)).open()
    with pytest.raises(ReaderNotConnectedError):
        SdtapiReader(str(fake_sdtapi), port=1001).open()


def test_library_without_the_functions_is_refused(
    compile_shared_library: Callable[[str, str], Path],
) -> None:
    library = compile_shared_library("libnotsdt.so", "int unrelated(void) { return 0; }\n")
    with pytest.raises(DriverUnavailableError, match="SDT_OpenPort"):
        SdtapiReader(str(library)).open()


def test_termb_reader_reads_gbk_fields(compile_shared_library: Callable[[str, str], Path]) -> None:
    library = compile_shared_library("libtermb.so", FAKE_TERMB)
    control = ctypes.CDLL(str(library))
    reader = TermbReader(str(library))
    reader.open()
    try:
        control.fake_set_present(1)
        card = reader.read_card()
        assert card is not None
        assert (card.name, card.sex, card.ethnicity) == ("马晓燕", "2", "03")
        assert card.id_number == "622901198805161522"
        assert card.valid_until is None
        assert card.issuer == "临夏市公安局"
        control.fake_set_present(0)
        assert reader.read_card() is None
        control.fake_set_present(2)
        with pytest.raises(CardRemovedError):
            reader.read_card()
    finally:
        reader.close()
