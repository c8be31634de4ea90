"""Code 128 of the registration number: computed bars, vector drawing, and what prints."""

from __future__ import annotations

import itertools

import pytest
from barcode.charsets import code128 as charset
from barcode.codex import Code128
from reportlab.graphics.shapes import Rect, String
from reportlab.lib.units import mm

from printing.barcode import MODULE_WIDTH_MM, code128_bars, draw_code128
from printing.documents import commitment
from printing.errors import DocumentDataError
from printing.layout import MARGIN_TOP, PAGE_WIDTH, styles
from tests.printing.pdf_tools import rasterize

VALUES = ["6201022025000123", "620102-2025-A17", "X", "620171202500000", "99129990"]


def decode_code128(modules: str) -> str:
    """An independent reader: 11-module symbols, checksum, charset switches (ISO/IEC 15417)."""
    assert modules.endswith("1100011101011"), "stop pattern (13 modules incl. final bar)"
    body = modules[: -len("1100011101011")]
    assert len(body) % 11 == 0
    patterns = {pattern: value for value, pattern in enumerate(charset.CODES)}
    values = [patterns[body[i : i + 11]] for i in range(0, len(body), 11)]
    *symbols, check = values
    assert check == (symbols[0] + sum(i * v for i, v in enumerate(symbols[1:], 1))) % 103
    current = {103: "A", 104: "B", 105: "C"}[symbols[0]]
    text = ""
    switches = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}
    for value in symbols[1:]:
        if value in switches[current]:
            current = switches[current][value]
        elif current == "C":
            text += f"{value:02d}"
        elif current == "B":
            text += chr(value + 32)
        else:
            text += chr(value + 32) if value < 64 else chr(value - 64)
    return text


def test_the_reference_table_is_the_standard_one() -> None:
    assert charset.CODES[0] == "11011001100"  # value 0: bar/space widths 2 1 2 2 2 2
    assert charset.CODES[104] == "11010010000"  # Start B
    assert charset.CODES[105] == "11010011100"  # Start C


@pytest.mark.parametrize("value", VALUES)
def test_bars_read_back_to_the_registration_number(value: str) -> None:
    bars = code128_bars(value)
    if not value.startswith("99"):
        assert bars.modules == Code128(value).build()[0]  # python-barcode's own encoding
    assert decode_code128(bars.modules) == value


def test_python_barcode_drops_a_leading_99_and_we_do_not() -> None:
    """python-barcode issue #251: its START C + "99" is taken for a charset switch."""
    upstream = Code128("99129990").build()[0]
    if decode_code128(upstream) == "99129990":
        pytest.skip("python-barcode fixed issue #251; printing.barcode._Code128 can go")
    assert decode_code128(upstream) == "129990"
    assert decode_code128(code128_bars("99129990").modules) == "99129990"


@pytest.mark.parametrize("value", VALUES)
def test_the_drawing_paints_exactly_the_dark_modules(value: str) -> None:
    bars = code128_bars(value)
    drawing = draw_code128(bars, styles().fonts.body)
    rects = sorted(
        (shape for shape in drawing.contents if isinstance(shape, Rect)), key=lambda r: r.x
    )
    module = MODULE_WIDTH_MM * mm
    first = rects[0].x
    painted = [(round((r.x - first) / module), round(r.width / module)) for r in rects]
    offset = bars.bar_runs()[0][0]
    assert painted == [(start - offset, width) for start, width in bars.bar_runs()]
    (label,) = (shape for shape in drawing.contents if isinstance(shape, String))
    assert label.text == value  # the human-readable line under the bars
    assert drawing.initialFontName == styles().fonts.body  # no unembedded Helvetica


def test_the_printed_page_scans_back() -> None:
    """Rasterise the commitment letter at 600 dpi and read the bars from one pixel row."""
    data = commitment.example()
    pdf = commitment.build(data)
    dpi = 600
    top = round(MARGIN_TOP / 72 * dpi)
    image = rasterize(
        pdf, dpi=dpi, crop=(0, top, round(PAGE_WIDTH / 72 * dpi), round(12 * mm / 72 * dpi))
    )
    row = max(
        (image.row(y) for y in range(image.height)),
        key=lambda r: sum(1 for a, b in itertools.pairwise(r) if (a < 128) != (b < 128)),
    )
    runs = [(dark, len(list(group))) for dark, group in itertools.groupby(v < 128 for v in row)]
    while runs and not runs[0][0]:
        runs.pop(0)
    while runs and not runs[-1][0]:
        runs.pop()
    module_px = MODULE_WIDTH_MM / 25.4 * dpi
    scanned = "".join(("1" if dark else "0") * round(length / module_px) for dark, length in runs)
    assert decode_code128(scanned) == data.registration_number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "登记编号为空"),
        ("６２０１０２", "只能包含数字、英文字母和常用符号"),  # full-width digits from an IME
        ("编号620102", "只能包含数字、英文字母和常用符号"),
        ("6" * 33, "登记编号过长"),
    ],
)
def test_unscannable_values_are_refused_in_chinese(value: str, message: str) -> None:
    with pytest.raises(DocumentDataError) as caught:
        code128_bars(value)
    assert message in caught.value.message
