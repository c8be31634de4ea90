"""Code 128 of a registration number: bars from python-barcode, drawn as vector rectangles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from barcode.charsets import code128 as code128_charset
from barcode.codex import Code128
from barcode.writer import BaseWriter
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from printing.errors import DocumentDataError

# Longest value we print: a 6-digit region code, a year and a serial fit well inside this, and a
# longer Code 128 would no longer fit a counter scanner's window at a readable module width.
MAX_BARCODE_LENGTH = 32
MODULE_WIDTH_MM = 0.3  # X-dimension; ≥ 0.25 mm reads reliably with the usual counter scanners
BAR_HEIGHT_MM = 11.0
QUIET_ZONE_MM = 3.5  # ≥ 10 X on each side, as Code 128 requires


@dataclass(frozen=True)
class Code128Bars:
    """The computed symbol: one character per module, "1" dark and "0" light, no quiet zones."""

    value: str
    modules: str

    def bar_runs(self) -> list[tuple[int, int]]:
        """(first module, width in modules) of every dark bar, left to right."""
        runs: list[tuple[int, int]] = []
        start = None
        for index, module in enumerate(self.modules + "0"):
            if module == "1" and start is None:
                start = index
            elif module != "1" and start is not None:
                runs.append((start, index - start))
                start = None
        return runs


class _Code128(Code128):  # type: ignore[misc]  # python-barcode is untyped
    """python-barcode's Code128 without its leading-"99" bug (python-barcode issue #251).

    Up to 0.16.1 it folds START C followed by code 99 into one start code, but after START C
    the value 99 is the digit pair "99", not a switch: "99129990" scanned back as "129990".
    Only a switch to A or B (100/101) right after START C may be folded (fixed upstream in
    PR #263, not yet released).
    """

    def _try_to_optimize(self, encoded: list[int]) -> list[int]:
        start_c = code128_charset.START_CODES["C"]
        if len(encoded) > 1 and encoded[0] == start_c and encoded[1] in (100, 101):
            encoded[:2] = [code128_charset.TO[encoded[1]]]
        return encoded


def code128_bars(value: str) -> Code128Bars:
    """Compute the Code 128 modules of value (check character and stop pattern included).

    Raises DocumentDataError with a clerk-readable message for a value a scanner could not
    read back: empty, too long, or with characters outside printable ASCII.
    """
    if not value:
        raise DocumentDataError("登记编号为空，无法生成条形码")
    if len(value) > MAX_BARCODE_LENGTH:
        raise DocumentDataError(
            f"登记编号过长（{len(value)} 位），条形码最多 {MAX_BARCODE_LENGTH} 位"
        )
    bad = sorted({ch for ch in value if not 32 <= ord(ch) <= 126})
    if bad:
        raise DocumentDataError(
            f"登记编号只能包含数字、英文字母和常用符号，不能包含：{''.join(bad)}"
        )
    # A fresh instance each time: build() leaves charset state behind on the instance.
    (modules,) = _Code128(value).build()
    return Code128Bars(value=value, modules=modules)


class ReportlabDrawingWriter(BaseWriter):  # type: ignore[misc]  # python-barcode is untyped
    """python-barcode writer whose output is a reportlab Drawing of filled rectangles.

    python-barcode measures in millimetres from the top-left; a Drawing measures in points
    from the bottom-left, hence the flips below.
    """

    def __init__(self, font_name: str, font_size: float = 9.0) -> None:
        super().__init__(self._initialize, self._paint_module, self._paint_text, self._finish)
        self.font_name = font_name
        self.font_size = font_size
        self._drawing = Drawing(0, 0)
        self._height_mm = 0.0

    def _initialize(self, code: list[str]) -> None:
        width_mm, self._height_mm = self.calculate_size(len(code[0]), 1)
        self._drawing = Drawing(width_mm * mm, self._height_mm * mm)
        # Drawings start in Helvetica; that would put an unembedded font into the PDF.
        cast(Any, self._drawing).initialFontName = self.font_name  # not in reportlab's stubs

    def _paint_module(self, xpos: float, ypos: float, width: float, color: Any) -> None:
        if color != self.foreground:
            return  # light modules are the paper itself
        bottom = self._height_mm - ypos - self.module_height
        bar = Rect(xpos * mm, bottom * mm, width * mm, self.module_height * mm)
        # set as attributes: reportlab's stubs mistype Rect's keyword arguments
        bar.fillColor = colors.black
        bar.strokeColor = None
        bar.strokeWidth = 0
        self._drawing.add(bar)

    def _paint_text(self, xpos: float, ypos: float) -> None:
        baseline = self._height_mm - ypos - self.font_size * 0.3528 * 0.8
        self._drawing.add(
            String(
                xpos * mm,
                baseline * mm,
                self.text,
                fontName=self.font_name,
                fontSize=self.font_size,
                textAnchor="middle",
            )
        )

    def _finish(self) -> Drawing:
        return self._drawing


def draw_code128(
    bars: Code128Bars,
    font_name: str,
    *,
    module_width_mm: float = MODULE_WIDTH_MM,
    bar_height_mm: float = BAR_HEIGHT_MM,
    show_text: bool = True,
) -> Drawing:
    """A platypus-ready vector Drawing of the bars with the human-readable value under them."""
    writer = ReportlabDrawingWriter(font_name)
    writer.set_options(
        {
            "module_width": module_width_mm,
            "module_height": bar_height_mm,
            "quiet_zone": QUIET_ZONE_MM,
            "text": bars.value if show_text else "",
            "text_distance": 1.0,
            "margin_top": 0.5,
            "margin_bottom": 0.5,
            "font_size": 9 if show_text else 0,
        }
    )
    drawing: Drawing = writer.render([bars.modules])
    return drawing
