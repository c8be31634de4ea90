"""Shared GB/T 9704 page layout: A4 margins, styles, page numbers, tables and signature lines."""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from printing.fonts import BODY_FONT, FontSet, register_fonts, register_list_font
from printing.reportlab_setup import CHINESE_CANNOT_START, measure

# GB/T 9704-2012 §5.2.1: 天头（上白边）37 mm, 订口（左白边）28 mm; the type area is 156 × 225 mm,
# which leaves 26 mm on the right and 35 mm at the bottom of an A4 sheet.
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * mm
MARGIN_BOTTOM = 35 * mm
MARGIN_LEFT = 28 * mm
MARGIN_RIGHT = 26 * mm
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
CONTENT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

# Where the running header and footer sit inside the white margins.
HEADER_BASELINE = PAGE_HEIGHT - 24 * mm
FOOTER_BASELINE = 20 * mm

BLANK_DATE = "\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
AUTHOR = "dengji 失业登记窗口客户端"


def page_number_text(page: int, total: int) -> str:
    """The footer of every page, e.g. "第 1 页 共 2 页"."""
    return f"第 {page} 页 共 {total} 页"


def delegation_text(delegation: str) -> str:
    """Header line printed by a disability employment service agency working under delegation."""
    return f"受委托：{delegation}"


def format_date(day: date | None) -> str:
    """Chinese date as printed on forms ("2025年3月4日"); a blank to fill in by hand if None."""
    if day is None:
        return BLANK_DATE
    return f"{day.year}年{day.month}月{day.day}日"


def format_month(day: date) -> str:
    """Year and month, e.g. "2025年3月"."""
    return f"{day.year}年{day.month}月"


@dataclass(frozen=True)
class PageSetup:
    """What each page carries besides the story: metadata, template id, delegation line."""

    document_title: str
    template_id: str
    delegation: str | None = None


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of every document, built on the registered CJK faces."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    body: ParagraphStyle
    letter: ParagraphStyle
    letter_indented: ParagraphStyle
    cell: ParagraphStyle
    list_cell: ParagraphStyle
    list_subtitle: ParagraphStyle
    list_note: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_header: ParagraphStyle
    label: ParagraphStyle
    attachment: ParagraphStyle
    small: ParagraphStyle
    right: ParagraphStyle
    fonts: FontSet


@functools.cache
def styles() -> Styles:
    """Styles built once the fonts are registered (cached: styles are immutable in use)."""
    fonts = register_fonts()

    def style(name: str, **kw: Any) -> ParagraphStyle:
        base: dict[str, Any] = {
            "fontName": fonts.body,
            "fontSize": 10.5,
            "leading": 15,
            "wordWrap": "CJK",  # break between any two Han characters, keep Latin words whole
        }
        base.update(kw)
        return ParagraphStyle(name, **base)

    letter_size = 14.0  # 四号: a one-page letter with room for signature and barcode
    return Styles(
        title=style(
            "title",
            fontName=fonts.title,
            fontSize=18,
            leading=26,
            alignment=TA_CENTER,
            spaceAfter=4 * mm,
        ),
        subtitle=style("subtitle", fontSize=11, leading=16, alignment=TA_CENTER, spaceAfter=3 * mm),
        body=style("body", fontSize=11, leading=18, alignment=TA_JUSTIFY),
        letter=style(
            "letter", fontName=fonts.letter, fontSize=letter_size, leading=26, alignment=TA_JUSTIFY
        ),
        letter_indented=style(
            "letter_indented",
            fontName=fonts.letter,
            fontSize=letter_size,
            leading=26,
            alignment=TA_JUSTIFY,
            firstLineIndent=2 * letter_size,  # 首行缩进两字
        ),
        cell=style("cell", fontSize=9.5, leading=13, alignment=TA_LEFT),
        # the long lists' cells: a light sans face (see printing.fonts.LIST_CELL_CANDIDATES)
        list_cell=style(
            "list_cell", fontName=fonts.list_cells, fontSize=9.5, leading=13, alignment=TA_LEFT
        ),
        list_subtitle=style(
            "list_subtitle",
            fontName=fonts.list_cells,
            fontSize=11,
            leading=16,
            alignment=TA_CENTER,
            spaceAfter=3 * mm,
        ),
        list_note=style("list_note", fontName=fonts.list_cells, fontSize=9, leading=13),
        cell_center=style("cell_center", fontSize=9.5, leading=13, alignment=TA_CENTER),
        cell_right=style("cell_right", fontSize=9.5, leading=13, alignment=TA_RIGHT),
        cell_header=style(
            "cell_header", fontName=fonts.title, fontSize=10, leading=13, alignment=TA_CENTER
        ),
        label=style("label", fontName=fonts.title, fontSize=9.5, leading=13, alignment=TA_CENTER),
        # GB/T 9704 §7.4: 附件 label top left in 黑体
        attachment=style("attachment", fontName=fonts.title, fontSize=14, leading=20),
        small=style("small", fontSize=9, leading=13),
        right=style(
            "right", fontName=fonts.letter, fontSize=letter_size, leading=26, alignment=TA_RIGHT
        ),
        fonts=fonts,
    )


CHINESE_CANNOT_END = "（《「『【〔〈“‘"
_LATIN_RUN = re.compile(r"[A-Za-z0-9.,%/:_+\-]+")


def _tokens(text: str) -> list[str]:
    """Break opportunities: every CJK character alone, Latin words and numbers whole."""
    tokens: list[str] = []
    position = 0
    for match in _LATIN_RUN.finditer(text):
        tokens += list(text[position : match.start()])
        tokens.append(match.group())
        position = match.end()
    return tokens + list(text[position:])


def break_lines(text: str, width: float, font_name: str, font_size: float) -> list[str]:
    """Lines of at most `width` points, breaking CJK text the way Chinese typesetting does.

    Closing marks never start a line and opening marks never end one: the character before
    (after) them moves along instead of hanging outside the box, so table cells keep
    straight edges (GB/T 15834). Numbers and Latin words stay whole unless wider than a line.
    """

    def width_of(part: str) -> float:
        return measure(part, font_name, font_size)

    lines: list[list[str]] = []
    line: list[str] = []
    used = 0.0
    for token in _tokens(text):
        token_width = width_of(token)
        if token_width > width:  # a number wider than the cell: break it anywhere
            for char in token:
                if line and used + width_of(char) > width:
                    lines.append(line)
                    line, used = [], 0.0
                line.append(char)
                used += width_of(char)
            continue
        if not line or used + token_width <= width:
            line.append(token)
            used += token_width
            continue
        carried: list[str] = [token]
        # a closing mark takes the token before it along; an opening mark moves down
        while (
            line
            and len(line) > 1
            and (carried[0][0] in CHINESE_CANNOT_START or line[-1][-1] in CHINESE_CANNOT_END)
        ):
            carried.insert(0, line.pop())
        lines.append(line)
        line = carried
        used = sum(width_of(part) for part in line)
    if line or not lines:
        lines.append(line)
    return ["".join(parts) for parts in lines]


class CellText(Flowable):
    """Plain text in a table cell, broken like a CJK paragraph, drawn as one text object.

    A list of 200 policies has a thousand cells. As Paragraphs each would be parsed as
    markup, wrapped three times (row heights, page split, drawing) and drawn line by line
    with its own colour and position operators; this wraps once per width with break_lines
    and draws all lines in one text object.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._lines: list[tuple[float, str]] = []
        self._wrapped_width: float | None = None
        self._height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availWidth != self._wrapped_width:
            style = self.style
            lines: list[tuple[float, str]] = []
            for part in self.text.split("\n"):
                for line in break_lines(part, availWidth, style.fontName, style.fontSize):
                    used = stringWidth(line, style.fontName, style.fontSize)
                    lines.append((availWidth - used, line))
            self._lines = lines
            self._wrapped_width = availWidth
            self._height = len(lines) * style.leading
        return availWidth, self._height

    def draw(self) -> None:
        style = self.style
        text = self.canv.beginText()
        text.setFont(style.fontName, style.fontSize, style.leading)
        # first baseline one font size below the top, as a Paragraph places it
        baseline = self._height - style.fontSize
        if style.alignment == TA_LEFT:
            text.setTextOrigin(0, baseline)
            for _extra, line in self._lines:
                text.textLine(line)  # "T*": next line, no new origin
        else:
            for index, (extra, line) in enumerate(self._lines):
                shift = extra / 2 if style.alignment == TA_CENTER else extra
                text.setTextOrigin(shift, baseline - index * style.leading)
                text.textOut(line)
        self.canv.drawText(text)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped, so "<" or "&" typed by a clerk cannot break the PDF.

    Line breaks in the text are kept. White space collapses as in HTML, so blanks to be
    filled in by hand ("　　年　　月　　日") are drawn with PlainLine or table strings instead.
    """
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def cell_para(text: str, style: ParagraphStyle) -> CellText:
    """A table cell of plain text (no markup, so nothing to escape); see CellText."""
    return CellText(text, style)


class PlainLine(Flowable):
    """One line of text drawn exactly as given: spaces kept, no wrapping (for blanks)."""

    def __init__(
        self, text: str, font_name: str, font_size: float, alignment: int = TA_LEFT
    ) -> None:
        super().__init__()
        self.text = text
        self.font_name = font_name
        self.font_size = font_size
        self.alignment = alignment
        self._width = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._width = availWidth
        return availWidth, self.font_size * 1.4

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(self.font_name, self.font_size)
        baseline = self.font_size * 0.35
        if self.alignment == TA_RIGHT:
            canvas.drawRightString(self._width, baseline, self.text)
        elif self.alignment == TA_CENTER:
            canvas.drawCentredString(self._width / 2, baseline, self.text)
        else:
            canvas.drawString(0, baseline, self.text)


def _page_furniture(canvas: Canvas, setup: PageSetup, page: int, total: int) -> None:
    fonts = styles().fonts
    canvas.saveState()
    if setup.delegation:
        canvas.setFont(fonts.body, 9)
        canvas.drawString(MARGIN_LEFT, HEADER_BASELINE, delegation_text(setup.delegation))
        canvas.setLineWidth(0.4)
        canvas.line(
            MARGIN_LEFT,
            HEADER_BASELINE - 2 * mm,
            PAGE_WIDTH - MARGIN_RIGHT,
            HEADER_BASELINE - 2 * mm,
        )
    canvas.setFont(fonts.body, 10.5)
    canvas.drawCentredString(PAGE_WIDTH / 2, FOOTER_BASELINE, page_number_text(page, total))
    canvas.setFont(fonts.body, 6)
    canvas.setFillColor(colors.grey)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, FOOTER_BASELINE, setup.template_id)
    canvas.restoreState()


def preassign_subsets(canvas: Canvas, font_name: str, text: str) -> None:
    """Give the most frequent characters of text the first codes of font's 256-glyph subsets.

    reportlab embeds a TrueType font as subsets of 256 glyphs, numbered in order of first use,
    and switches font ("/F1+1 9.5 Tf") whenever the next character lives in another subset.
    Chinese text uses hundreds of characters, so in first-use order nearly every third
    character switches; frequent characters together in one subset make the page streams of
    a long list about a third smaller and faster to write.
    """
    if not text:
        return
    font = pdfmetrics.getFont(font_name)
    if isinstance(font, TTFont):
        by_frequency = "".join(char for char, _count in Counter(text).most_common())
        font.splitString(by_frequency, cast(Any, canvas)._doc)


class NumberedCanvas(Canvas):
    """A canvas that holds pages back until the end so each can say "共 y 页"."""

    def __init__(
        self,
        *args: Any,
        setup: PageSetup,
        frequent_text: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._setup = setup
        self._page_states: list[dict[str, Any]] = []
        for font_name, text in (frequent_text or {}).items():
            preassign_subsets(self, font_name, text)

    def showPage(self) -> None:
        self._page_states.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab internal, not in stubs

    def save(self) -> None:
        total = len(self._page_states)
        for number, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            _page_furniture(self, self._setup, number, total)
            super().showPage()
        super().save()


def render_pdf(
    story: Sequence[Flowable], setup: PageSetup, frequent_text: Mapping[str, str] | None = None
) -> bytes:
    """Lay the story out on GB/T 9704 A4 pages and return the PDF bytes (fonts embedded).

    frequent_text maps a font name to the bulk of the text set in it (e.g. a list's cells):
    see preassign_subsets. It changes the size of the file, never what the pages show.
    """
    fonts = styles().fonts
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        title=setup.document_title,
        author=AUTHOR,
        subject=setup.template_id,
        creator=AUTHOR,
        invariant=1,  # same data → same bytes: reprints can be compared and tested
        initialFontName=fonts.body,  # otherwise an unembedded Helvetica is referenced
        lang="zh-CN",
    )
    canvasmaker = functools.partial(NumberedCanvas, setup=setup, frequent_text=frequent_text)
    doc.build(list(story), canvasmaker=canvasmaker)
    return buffer.getvalue()


GRID_STYLE: list[tuple[Any, ...]] = [
    # Table draws plain-string cells in Helvetica unless told otherwise: an unembedded font.
    ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
]


def data_table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], width_ratios: Sequence[float]
) -> LongTable:
    """A bordered list whose header row repeats on every page; cells wrap CJK text."""
    register_list_font()
    if len(width_ratios) != len(columns):
        raise ValueError("one width ratio per column")
    st = styles()
    total = sum(width_ratios)
    widths = [CONTENT_WIDTH * ratio / total for ratio in width_ratios]
    header = [cell_para(column, st.cell_header) for column in columns]
    body = [[cell_para(value, st.list_cell) for value in row] for row in rows]
    table = LongTable([header, *body], colWidths=widths, repeatRows=1, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                *GRID_STYLE,
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
            ]
        )
    )
    return table


@dataclass(frozen=True)
class SignatureLine:
    """One "label：______" pair on a signature row; a date shows the blank 年 月 日 if not given."""

    label: str
    value: str = ""
    is_date: bool = False


def signature_block(lines: Sequence[Sequence[SignatureLine]], font_size: float = 12) -> Table:
    """Rows of hand-signature blanks, each blank underlined for a pen.

    Cells are plain strings (Table draws them as given), so the spaces of a blank date stay.
    """
    font = styles().fonts.body
    per_row = max(len(row) for row in lines)
    # Each label column is as wide as its longest label, so "经办机构（盖章）：" never wraps.
    label_widths = [
        max(
            (
                stringWidth(f"{row[col].label}：", font, font_size)
                for row in lines
                if col < len(row)
            ),
            default=0.0,
        )
        + 14  # the cell's left and right padding
        for col in range(per_row)
    ]
    # A column holding a blank date gets exactly the room "　　　年　　月　　日" needs; the
    # other blanks share what is left, so the handwritten parts get the most space.
    date_width = stringWidth(BLANK_DATE, font, font_size) + 14
    has_blank_date = [
        any(col < len(row) and row[col].is_date and not row[col].value for row in lines)
        for col in range(per_row)
    ]
    free = CONTENT_WIDTH - sum(label_widths) - date_width * sum(has_blank_date)
    free_columns = per_row - sum(has_blank_date)
    share = free / free_columns if free_columns else 0.0
    value_widths = [date_width if blank else share for blank in has_blank_date]
    data: list[list[str]] = []
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 12),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for row_index, row in enumerate(lines):
        cells: list[str] = []
        for col, line in enumerate(row):
            shown = line.value or (BLANK_DATE if line.is_date else "")
            cells += [f"{line.label}：", shown]
            commands += [
                ("ALIGN", (2 * col, row_index), (2 * col, row_index), "RIGHT"),
                ("ALIGN", (2 * col + 1, row_index), (2 * col + 1, row_index), "CENTER"),
            ]
            if not line.is_date or line.value:
                cell = (2 * col + 1, row_index)
                commands.append(("LINEBELOW", cell, cell, 0.6, colors.black))
        cells += [""] * (2 * per_row - len(cells))
        data.append(cells)
    widths = [w for pair in zip(label_widths, value_widths, strict=True) for w in pair]
    table = Table(data, colWidths=widths, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    return table


@dataclass(frozen=True)
class ListHeading:
    """Title, issuing office and date printed above a reference list."""

    title: str
    issuer: str
    issued_on: date


def list_heading_lines(heading: ListHeading) -> tuple[str, str]:
    """The title and the "发布机构 … 日期" line under it."""
    return heading.title, f"发布机构：{heading.issuer}\u3000\u3000{format_date(heading.issued_on)}"


def cells_text(rows: Sequence[Sequence[str]]) -> dict[str, str]:
    """frequent_text for render_pdf: the cells of a list are set in the list-cell face."""
    return {register_list_font(): "".join(value for row in rows for value in row)}


def list_story(
    heading: ListHeading,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    width_ratios: Sequence[float],
    note: str,
) -> list[Flowable]:
    """A reference list: title, issuer line, the bordered table, and a closing note."""
    register_list_font()
    st = styles()
    title, issuer_line = list_heading_lines(heading)
    return [
        para(title, st.title),
        para(issuer_line, st.list_subtitle),
        data_table(columns, rows, width_ratios),
        Spacer(1, 3 * mm),
        para(note, st.list_note),
    ]
