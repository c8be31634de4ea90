"""Decode the WLT photo of an ID card through a licensed vendor library, when one is installed."""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Final

from devices.errors import PHOTO_DECODER_MISSING, DriverUnavailableError

# devices.md §2.1: 102×126 px, 24-bit, rows padded to 308 bytes, plus the 54-byte header.
BMP_SIZE: Final = (102 * 3 + 2) * 126 + 54
WLT_SIZE: Final = 1024
LIBRARY_ENV: Final = "DENGJI_WLT_LIBRARY"
# WltRS.dll GetBmp return codes [S6].
_GETBMP_ERRORS: Final = {
    0: "调用 sdtapi 出错",
    -1: "照片解码错误",
    -2: "照片文件后缀错误",
    -3: "照片文件打开错误",
    -4: "照片文件格式错误",
    -5: "照片解码库与阅读器不匹配或未授权",
    -6: "阅读器连接错误",
}

_log = logging.getLogger(__name__)


def _candidates() -> tuple[str, ...]:
    if sys.platform == "win32":
        return ("WltRS", "libwlt2bmp")
    return ("wlt2bmp", "libwlt2bmp")


class WltDecoder:
    """A licensed WLT decoder found through ctypes, or the absence of one (said once)."""

    def __init__(self, library: str | None = None) -> None:
        self._requested = library or os.environ.get(LIBRARY_ENV) or None
        self._lock = threading.Lock()
        self._loaded = False
        self._library: ctypes.CDLL | None = None
        self._uses_getbmp = False
        self._reason = PHOTO_DECODER_MISSING
        self._missing_said = False

    def _load(self) -> None:
        # Imported here: devices.sdk imports this module for its readers.
        from devices.sdk import load_library

        self._loaded = True
        names = (self._requested,) if self._requested else _candidates()
        reasons: list[str] = []
        for name in names:
            try:
                library = load_library(name, what="照片解码库")
            except DriverUnavailableError as error:
                reasons.append(error.reason)
                continue
            if hasattr(library, "wlt2bmpBuffer"):
                self._library = library
                return
            if hasattr(library, "GetBmp"):
                self._library, self._uses_getbmp = library, True
                return
            reasons.append(f"“{name}”中没有照片解码函数")
        if self._requested:
            self._reason = f"{PHOTO_DECODER_MISSING}（{reasons[0]}）"

    def status(self) -> tuple[bool, str]:
        """(True, "") when a decoder library is loaded, else (False, Chinese reason)."""
        with self._lock:
            if not self._loaded:
                self._load()
            return (self._library is not None, "" if self._library is not None else self._reason)

    def decode(self, wlt: bytes) -> bytes | None:
        """The photo as BMP bytes; None when no licensed decoder is installed or decoding fails.

        The missing decoder is logged once per decoder, not on every card.
        """
        available, reason = self.status()
        if not available:
            with self._lock:
                if not self._missing_said:
                    self._missing_said = True
                    _log.warning(reason)
            return None
        with self._lock:
            try:
                return self._decode_getbmp(wlt) if self._uses_getbmp else self._decode_buffer(wlt)
            except OSError as error:
                _log.warning("照片解码失败：%s", error)
                return None

    def _decode_buffer(self, wlt: bytes) -> bytes | None:
        assert self._library is not None
        function = self._library.wlt2bmpBuffer
        function.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_ubyte), ctypes.c_int]
        function.restype = ctypes.c_int
        output = (ctypes.c_ubyte * BMP_SIZE)()
        code = function(bytes(wlt), output, BMP_SIZE)
        bmp = bytes(output)
        if code < 0 or not bmp.startswith(b"BM"):
            _log.warning("照片解码失败（wlt2bmpBuffer 返回 %s）", code)
            return None
        size = int.from_bytes(bmp[2:6], "little")
        return bmp[:size] if 54 < size <= BMP_SIZE else bmp

    def _decode_getbmp(self, wlt: bytes) -> bytes | None:
        assert self._library is not None
        function = self._library.GetBmp
        function.argtypes = [ctypes.c_char_p, ctypes.c_int]
        function.restype = ctypes.c_int
        with tempfile.TemporaryDirectory(prefix="dengji-wlt-") as folder:
            wlt_path = Path(folder) / "photo.wlt"
            wlt_path.write_bytes(wlt)
            # GetBmp writes photo.bmp beside the .wlt; 2 = USB reader interface [S6].
            code = function(str(wlt_path).encode(sys.getfilesystemencoding()), 2)
            if code != 1:
                _log.warning("照片解码失败：%s", _GETBMP_ERRORS.get(code, f"返回值 {code}"))
                return None
            bmp_path = wlt_path.with_suffix(".bmp")
            return bmp_path.read_bytes() if bmp_path.is_file() else None


_default: WltDecoder | None = None
_default_lock = threading.Lock()


def default_decoder() -> WltDecoder:
    """The process-wide decoder (library from $DENGJI_WLT_LIBRARY or the usual names)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = WltDecoder()
        return _default
