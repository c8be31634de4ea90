"""Process-wide reportlab settings that Chinese documents need; applied once, on import.

reportlab is used only by printing/, so adjusting it globally is safe; each change says why.
"""

from __future__ import annotations

import functools
from typing import Any

from reportlab import rl_config
from reportlab.lib import textsplit as _textsplit
from reportlab.platypus import paragraph as _paragraph

# Internals of reportlab adjusted below; its type stubs do not list them.
_textsplit_module: Any = _textsplit
_paragraph_module: Any = _paragraph

# Binary (Flate only) streams: ASCII85 on top makes every PDF a quarter larger and slower, and
# nothing downstream (CUPS, QtPdf, poppler) needs 7-bit-clean PDF.
rl_config.useA85 = 0

# GB/T 15834 标点符号用法: 句号、逗号、顿号、分号、冒号、问号、叹号 and closing brackets or quotes
# never start a line. reportlab's list knows the Japanese set and misses most full-width Chinese
# marks, so "（登记编号\n：…" happened; adding them makes the mark hang at the line end instead.
CHINESE_CANNOT_START = "，。、；：？！）》」』】〕〉”’％"
for _module in (_textsplit_module, _paragraph_module):  # single- and multi-fragment paragraphs
    _module.ALL_CANNOT_START = "".join(
        dict.fromkeys(_module.ALL_CANNOT_START + CHINESE_CANNOT_START)
    )

_original_word_split = getattr(
    _textsplit_module.wordSplit, "__wrapped__", _textsplit_module.wordSplit
)


@functools.wraps(_original_word_split)
def _word_split_hanging_punctuation(
    word: str,
    maxWidths: Any,
    fontName: str,
    fontSize: float,
    encoding: str = "utf8",
) -> list[list[Any]]:
    """reportlab's CJK splitter, then no line may start with a mark that cannot start one.

    reportlab hangs at most one such mark at a line end; "），" or "。”" then leaves the second
    mark at the start of the next line. Here every leading mark moves up to hang.
    """
    lines: list[list[Any]] = _original_word_split(word, maxWidths, fontName, fontSize, encoding)
    for index in range(1, len(lines)):
        while lines[index][1] and lines[index][1][0] in CHINESE_CANNOT_START:
            mark = lines[index][1][0]
            width = _textsplit_module.stringWidth(mark, fontName, fontSize)
            lines[index - 1][1] += mark
            lines[index - 1][0] -= width
            lines[index][1] = lines[index][1][1:]
            lines[index][0] += width
    return [line for line in lines if line[1]]


_textsplit_module.wordSplit = _word_split_hanging_punctuation
_paragraph_module.wordSplit = _word_split_hanging_punctuation  # imported by name there

# The CJK line breaker asks for the width of every character, one call each: a 200-row list
# makes ~100 000 calls for a few hundred distinct characters. Widths of registered fonts never
# change, so the answers are memoised (same function, same results).
if not hasattr(_textsplit_module.stringWidth, "cache_info"):
    _textsplit_module.stringWidth = functools.lru_cache(maxsize=16384)(
        _textsplit_module.stringWidth
    )


def measure(text: str, font_name: str, font_size: float) -> float:
    """Width of text in points (memoised for single characters, see above)."""
    width: float = _textsplit_module.stringWidth(text, font_name, font_size)
    return width
