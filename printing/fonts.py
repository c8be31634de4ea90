"""Finds CJK TrueType faces on this computer and registers them, once, with reportlab."""

from __future__ import annotations

import os
import struct
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace

from printing.errors import FontNotFoundError

# reportlab font names every document uses; the faces behind them depend on the computer.
BODY_FONT = "DengjiSong"
TITLE_FONT = "DengjiHei"
LETTER_FONT = "DengjiFang"
LIST_FONT = "DengjiListHei"

FONT_DIR_ENV = "DENGJI_FONT_DIR"

MISSING_FONT_MESSAGE = (
    "未找到中文字体（宋体/黑体），请安装 fonts-arphic-uming 和 fonts-wqy-zenhei"
    "（Linux：sudo apt-get install fonts-arphic-uming fonts-wqy-zenhei），"
    "或确认 Windows 字体目录中有 simsun.ttc、simhei.ttf；"
    "也可用环境变量 DENGJI_FONT_DIR 指定存放这些字体的目录"
)


@dataclass(frozen=True)
class FontCandidate:
    """A font file we know how to use, by file name, and the family to pick inside a .ttc."""

    file_name: str
    families: tuple[str, ...] = ()


# Preference order within each role. Only TrueType outlines: reportlab cannot embed CFF (.otf,
# Noto/Source Han CJK), so those are deliberately absent.
SONG_CANDIDATES: tuple[FontCandidate, ...] = (
    FontCandidate("simsun.ttc", ("SimSun", "宋体")),
    FontCandidate("simsun.ttf", ("SimSun", "宋体")),
    FontCandidate("uming.ttc", ("AR PL UMing CN",)),  # fonts-arphic-uming, a Ming (Song) face
    FontCandidate("gbsn00lp.ttf", ("AR PL SungtiL GB",)),
    FontCandidate("Songti.ttc", ("Songti SC", "宋体-简", "STSong")),  # macOS
    FontCandidate("STSong.ttf", ("STSong", "华文宋体")),
)
HEI_CANDIDATES: tuple[FontCandidate, ...] = (
    FontCandidate("simhei.ttf", ("SimHei", "黑体")),
    FontCandidate("wqy-zenhei.ttc", ("WenQuanYi Zen Hei",)),  # fonts-wqy-zenhei
    FontCandidate("wqy-microhei.ttc", ("WenQuanYi Micro Hei",)),
    FontCandidate("msyh.ttc", ("Microsoft YaHei", "微软雅黑")),
    FontCandidate("STHeiti Medium.ttc", ("Heiti SC", "黑体-简")),  # macOS
    FontCandidate("STHeiti Light.ttc", ("Heiti SC", "黑体-简")),
    FontCandidate("DroidSansFallbackFull.ttf"),
)
# The cells of the long lists (policy / service / agency lists: hundreds of rows of small text)
# take a light sans face. Every distinct character embeds one glyph outline: AR PL UMing's run
# to ~240 bytes each after compression, WenQuanYi Micro Hei's and Droid Sans Fallback's to
# ~100-120, which is what keeps a 200-row list under 150 KB (issue 4). Letters and forms keep
# the Song body face; without one of these the lists use the title (Hei) face.
LIST_CELL_CANDIDATES: tuple[FontCandidate, ...] = (
    FontCandidate("wqy-microhei.ttc", ("WenQuanYi Micro Hei",)),  # fonts-wqy-microhei
    FontCandidate("DroidSansFallbackFull.ttf"),  # fonts-droid-fallback
    FontCandidate("DroidSansFallback.ttf"),
)
FANGSONG_CANDIDATES: tuple[FontCandidate, ...] = (
    FontCandidate("simfang.ttf", ("FangSong", "仿宋")),
    FontCandidate("STFangsong.ttf", ("STFangsong", "华文仿宋")),
)


@dataclass(frozen=True)
class FontFace:
    """One face inside a font file: the file and, for a .ttc collection, its index."""

    path: Path
    subfont_index: int
    family: str


@dataclass(frozen=True)
class FontChoice:
    """The faces chosen for the four roles; the letter face falls back to the body face, the
    list-cell face to the title face."""

    body: FontFace
    title: FontFace
    letter: FontFace
    list_cells: FontFace


@dataclass(frozen=True)
class FontSet:
    """reportlab names to use in styles, and the faces behind them (for the about box)."""

    body: str
    title: str
    letter: str
    list_cells: str
    choice: FontChoice


def system_font_dirs(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> list[Path]:
    """Folders to search, DENGJI_FONT_DIR first, then the platform's usual font folders."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    dirs: list[Path] = [Path(p) for p in env.get(FONT_DIR_ENV, "").split(os.pathsep) if p]
    home = Path(env.get("HOME") or env.get("USERPROFILE") or "~").expanduser()
    if plat.startswith("win"):
        windir = env.get("WINDIR") or env.get("SystemRoot") or r"C:\Windows"
        dirs.append(Path(windir) / "Fonts")
        local = env.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif plat == "darwin":
        dirs += [
            Path("/System/Library/Fonts"),
            Path("/Library/Fonts"),
            home / "Library" / "Fonts",
        ]
    else:
        dirs += [
            home / ".local" / "share" / "fonts",
            home / ".fonts",
            Path("/usr/local/share/fonts"),
            Path("/usr/share/fonts"),
        ]
    return dirs


def index_font_files(dirs: Iterable[Path]) -> dict[str, Path]:
    """Map lower-case file name → first path found, walking each folder recursively."""
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _subdirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


def read_family_names(path: Path) -> list[frozenset[str]]:
    """Family names (name ID 1, every language) of each face in a .ttf or .ttc.

    Reads only the table directories and the name tables, so it costs a few kilobytes of I/O
    instead of the ~75 ms reportlab needs to parse a 20 MB CJK font.
    """
    with path.open("rb") as font_file:
        head = font_file.read(12)
        if head[:4] == b"ttcf":
            count = struct.unpack(">I", head[8:12])[0]
            offsets = list(struct.unpack(f">{count}I", font_file.read(4 * count)))
        else:
            offsets = [0]
        return [_family_names_at(font_file, offset) for offset in offsets]


def _family_names_at(font_file: BinaryIO, offset: int) -> frozenset[str]:
    font_file.seek(offset)
    directory = font_file.read(12)
    if len(directory) < 12:
        return frozenset()
    (num_tables,) = struct.unpack(">H", directory[4:6])
    records = font_file.read(16 * num_tables)
    tables = {
        records[i : i + 4]: struct.unpack(">II", records[i + 8 : i + 16])
        for i in range(0, len(records), 16)
    }
    if b"CFF " in tables or b"name" not in tables:
        return frozenset()  # CFF outlines cannot be embedded by reportlab
    name_offset, name_length = tables[b"name"]
    font_file.seek(name_offset)
    name_table = font_file.read(name_length)
    _format, count, string_offset = struct.unpack(">HHH", name_table[:6])
    families: set[str] = set()
    for i in range(count):
        platform_id, _enc, _lang, name_id, length, str_offset = struct.unpack(
            ">HHHHHH", name_table[6 + 12 * i : 18 + 12 * i]
        )
        if name_id != 1:
            continue
        raw = name_table[string_offset + str_offset : string_offset + str_offset + length]
        text = (
            raw.decode("utf-16-be", "replace") if platform_id in (0, 3) else raw.decode("latin-1")
        )
        families.add(text.strip())
    return frozenset(families)


def _pick_face(candidates: Sequence[FontCandidate], files: Mapping[str, Path]) -> FontFace | None:
    for candidate in candidates:
        path = files.get(candidate.file_name.lower())
        if path is None:
            continue
        try:
            faces = read_family_names(path)
        except (OSError, struct.error):
            continue  # unreadable or truncated file: try the next candidate
        for index, families in enumerate(faces):
            if families and (not candidate.families or families & set(candidate.families)):
                return FontFace(path, index, sorted(families)[0])
        if faces and faces[0]:
            return FontFace(path, 0, sorted(faces[0])[0])
    return None


def choose_fonts(dirs: Iterable[Path]) -> FontChoice:
    """Choose body (Song/Ming), title (Hei) and letter (FangSong) faces from these folders.

    A missing Hei face falls back to the Song face (and vice versa) so a PDF can still be
    made; a computer with neither raises FontNotFoundError.
    """
    files = index_font_files(dirs)
    song = _pick_face(SONG_CANDIDATES, files)
    hei = _pick_face(HEI_CANDIDATES, files)
    if song is None and hei is None:
        raise FontNotFoundError(MISSING_FONT_MESSAGE)
    body = song or hei
    title = hei or song
    assert body is not None and title is not None
    letter = _pick_face(FANGSONG_CANDIDATES, files) or body
    list_cells = _pick_face(LIST_CELL_CANDIDATES, files) or title
    return FontChoice(body=body, title=title, letter=letter, list_cells=list_cells)


_lock = threading.Lock()
_registered: FontSet | None = None


def register_fonts() -> FontSet:
    """Find and register the faces once per process; later calls return the cached set.

    Thread-safe: documents may be built on a background worker.
    """
    global _registered
    with _lock:
        if _registered is None:
            choice = choose_fonts(system_font_dirs())
            _registered = _register_choice(choice)
        return _registered


def _register_choice(choice: FontChoice) -> FontSet:
    loaded: dict[FontFace, str] = {}
    for name, face in ((BODY_FONT, choice.body), (TITLE_FONT, choice.title)):
        _register_face(name, face)
        loaded.setdefault(face, name)
    letter_name = loaded.get(choice.letter)
    if letter_name is None:
        _register_face(LETTER_FONT, choice.letter)
        letter_name = LETTER_FONT
        loaded[choice.letter] = letter_name
    # The list face is registered when a list is first built (register_list_font): letters and
    # forms, the first PDF a counter prints, do not wait for a third font file to load.
    list_name = loaded.get(choice.list_cells, LIST_FONT)
    # <b> inside a body paragraph switches to the Hei face, as on printed forms.
    for family in {BODY_FONT, letter_name}:
        addMapping(family, 0, 0, family)
        addMapping(family, 1, 0, TITLE_FONT)
        addMapping(family, 0, 1, family)
        addMapping(family, 1, 1, TITLE_FONT)
    return FontSet(
        body=BODY_FONT, title=TITLE_FONT, letter=letter_name, list_cells=list_name, choice=choice
    )


_list_font_registered = False


def register_list_font() -> str:
    """Register the long lists' cell face if it is a face of its own; its reportlab name."""
    global _list_font_registered
    fonts = register_fonts()
    with _lock:
        if fonts.list_cells == LIST_FONT and not _list_font_registered:
            _register_face(LIST_FONT, fonts.choice.list_cells)
            _list_font_registered = True
    return fonts.list_cells


def _register_face(name: str, face: FontFace) -> None:
    try:
        # asciiReadable=False: subset 0 holds 254 CJK characters instead of ~160 (see
        # layout.preassign_subsets); the PDF text stays searchable through ToUnicode.
        font = TTFont(name, str(face.path), subfontIndex=face.subfont_index, asciiReadable=False)
    except (TTFError, OSError) as error:
        raise FontNotFoundError(
            f"{MISSING_FONT_MESSAGE}（{face.path} 无法使用：{error}）"
        ) from error
    if isinstance(font.face, TTFontFace):
        font.face.__class__ = _SubsetFriendlyFace
    pdfmetrics.registerFont(font)


class _GlyfSlicer:
    """The glyf table as something sliceable that copies only the slice asked for.

    reportlab's subsetter takes the whole glyf table as bytes for every 256-glyph subset it
    embeds: 17 MB for AR PL UMing, i.e. most of a warm build's time. It only ever slices it.
    """

    def __init__(self, data: bytes, start: int, length: int) -> None:
        self._data = data
        self._start = start
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, key: slice) -> bytes:
        start, stop, _step = key.indices(self._length)
        return self._data[self._start + start : self._start + stop]


class _SubsetFriendlyFace(TTFontFace):
    """A TTFontFace whose glyf table is handed out as a _GlyfSlicer (same bytes, no big copy)."""

    def get_table(self, tag: str) -> bytes | _GlyfSlicer:
        if tag == "glyf":
            start, length = self.get_table_pos(tag)
            font_data: bytes = cast(Any, self)._ttf_data  # reportlab's in-memory font file
            return _GlyfSlicer(font_data, start, length)
        if tag == "name":
            # Only the subsetter copies the name table, into every subset it embeds; UMing's
            # is 22 KB of licence text. PDF needs no name table in an embedded font program
            # (ISO 32000-1 §9.9); a minimal one keeps strict TrueType loaders happy.
            return minimal_name_table(str(self.name))
        table: bytes = cast(Any, super()).get_table(tag)
        return table


def minimal_name_table(postscript_name: str) -> bytes:
    """A TrueType 'name' table with family, style, full and PostScript names only."""
    family = postscript_name.encode("utf-16-be")
    strings = [(1, family), (2, "Regular".encode("utf-16-be")), (4, family), (6, family)]
    header = struct.pack(">HHH", 0, len(strings), 6 + 12 * len(strings))
    records = b""
    storage = b""
    for name_id, text in strings:
        # platform 3 (Windows), encoding 1 (Unicode BMP), language 0x0409
        records += struct.pack(">HHHHHH", 3, 1, 0x0409, name_id, len(text), len(storage))
        storage += text
    return header + records + storage
