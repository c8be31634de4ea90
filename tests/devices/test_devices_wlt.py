"""Tests of devices.wlt: no licensed decoder → None and one notice; fake decoders via ctypes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.wlt import BMP_SIZE, PHOTO_DECODER_MISSING, WltDecoder

FAKE_WLT2BMP = r"""
#include <string.h>
int wlt2bmpBuffer(const unsigned char *wlt, unsigned char *out, int len) {
    if (len < 38862) return -1;
    memset(out, 0, len);
    out[0] = 'B'; out[1] = 'M';
    out[2] = 0xCE; out[3] = 0x97; out[4] = 0; out[5] = 0;  /* 38862 */
    out[54] = wlt[0];
    return 1;
}
"""

FAKE_GETBMP = r"""
#include <stdio.h>
#include <string.h>
int GetBmp(const char *wlt_path, int intf) {
    char bmp[4096];
    size_t n = strlen(wlt_path);
    if (n < 4 || n >= sizeof bmp || strcmp(wlt_path + n - 4, ".wlt") != 0) return -2;
    strcpy(bmp, wlt_path); strcpy(bmp + n - 4, ".bmp");
    FILE *f = fopen(bmp, "wb"); if (!f) return -3;
    fwrite("BM-fake", 1, 7, f); fclose(f);
    return intf == 2 ? 1 : -6;
}
"""


def test_absent_decoder_gives_no_photo_and_says_so_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("DENGJI_WLT_LIBRARY", raising=False)
    decoder = WltDecoder()
    if decoder.status()[0]:
        pytest.skip("a licensed WLT decoder is installed on this machine")
    with caplog.at_level(logging.WARNING, logger="devices.wlt"):
        assert decoder.decode(bytes(1024)) is None
        assert decoder.decode(bytes(1024)) is None
    assert [r.getMessage() for r in caplog.records] == [PHOTO_DECODER_MISSING]
    assert decoder.status() == (False, PHOTO_DECODER_MISSING)


def test_named_but_missing_library_says_which(tmp_path: Path) -> None:
    available, reason = WltDecoder(str(tmp_path / "libwlt2bmp.so")).status()
    assert not available
    assert reason.startswith(PHOTO_DECODER_MISSING) and "未找到" in reason


def test_buffer_decoder_returns_the_bmp(
    compile_shared_library: Callable[[str, str], Path],
) -> None:
    library = compile_shared_library("libwlt2bmp.so", FAKE_WLT2BMP)
    decoder = WltDecoder(str(library))
    assert decoder.status() == (True, "")
    bmp = decoder.decode(b"\x7f" + bytes(1023))
    assert bmp is not None and bmp.startswith(b"BM") and len(bmp) == BMP_SIZE
    assert bmp[54] == 0x7F


def test_file_decoder_getbmp_returns_the_bmp_it_wrote(
    compile_shared_library: Callable[[str, str], Path],
) -> None:
    library = compile_shared_library("WltRS.so", FAKE_GETBMP)
    assert WltDecoder(str(library)).decode(bytes(1024)) == b"BM-fake"
