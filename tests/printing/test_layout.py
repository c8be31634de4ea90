"""Shared page layout: GB/T 9704 page, page numbers, escaping, Chinese line breaking."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from printing import layout
from printing.layout import PageSetup, SignatureLine, para, render_pdf, signature_block, styles
from tests.printing.pdf_tools import pdf_fonts, pdf_text, pdf_words


def test_gbt_9704_type_area() -> None:
    assert round(layout.CONTENT_WIDTH / mm) == 156  # 版心 156 mm × 225 mm
    assert round(layout.CONTENT_HEIGHT / mm) == 225


def test_page_number_and_dates() -> None:
    assert layout.page_number_text(1, 2) == "第 1 页 共 2 页"
    assert layout.format_date(date(2025, 3, 4)) == "2025年3月4日"
    assert layout.format_date(None).endswith("年\u3000\u3000月\u3000\u3000日")
    assert layout.delegation_text("城关区人社局") == "受委托：城关区人社局"


def test_text_typed_by_a_clerk_cannot_break_the_pdf() -> None:
    text = "A&B <b>未闭合 <script> 1<2"
    pdf = render_pdf([para(text, styles().body)], PageSetup("测试", "test v1"))
    assert text in pdf_text(pdf)


def test_delegation_line_and_page_numbers_on_every_page() -> None:
    story = [para(f"第{i}段" + "内容" * 200, styles().body) for i in range(6)]
    pdf = render_pdf(
        story, PageSetup("测试", "test v1", delegation="兰州市城关区人力资源和社会保障局")
    )
    text = pdf_text(pdf)
    pages = text.count("受委托：兰州市城关区人力资源和社会保障局")
    assert pages >= 2
    for page in range(1, pages + 1):
        assert f"第 {page} 页 共 {pages} 页" in text


def test_every_font_is_embedded_and_searchable() -> None:
    pdf = render_pdf([para("中文 ABC 123", styles().body)], PageSetup("测试", "test v1"))
    rows = pdf_fonts(pdf)
    assert rows
    assert all(row.embedded and row.subset and row.has_to_unicode for row in rows)
    assert not [row for row in rows if "Helvetica" in row.name]


def test_a_full_width_colon_never_starts_a_line() -> None:
    # GB/T 15834: ，。、；：？！ and closing brackets stay at the end of the line
    text = "申请办理失业登记（登记编号：6201022025000123），现郑重承诺如下："
    style = styles().letter
    for width in range(150, 400, 7):
        paragraph = para(text, style)
        paragraph.wrap(width, 1000)
        lines = paragraph.blPara.lines
        starts = [
            "".join(str(word) for word in (line[1] if isinstance(line, tuple) else line.words))[:1]
            for line in lines
        ]
        assert not set(starts) & set(layout.CHINESE_CANNOT_START), (width, starts)


def test_a_blank_date_keeps_room_for_handwriting() -> None:
    block = signature_block(
        [[SignatureLine("承诺人（签字）"), SignatureLine("日期", is_date=True)]]
    )
    pdf = render_pdf([block], PageSetup("测试", "test v1"))
    words = {word.text: word for word in pdf_words(pdf)}
    year, month, day = words["年"], words["月"], words["日"]
    # two ideographic spaces (24 pt at 12 pt) between 年, 月 and 日, as on paper forms
    assert month.x_min - year.x_max > 20 and day.x_min - month.x_max > 20
    assert year.y_min == month.y_min == day.y_min  # one line, not wrapped


def test_the_same_data_gives_the_same_bytes() -> None:
    setup = PageSetup("测试", "test v1")
    assert render_pdf([para("同样", styles().body)], setup) == render_pdf(
        [para("同样", styles().body)], setup
    )


@pytest.mark.parametrize("width", [40.0, 61.0, 95.5, 130.0, 200.0])
def test_table_cells_break_like_chinese_typesetting(width: float) -> None:
    text = (
        "按月发放失业保险金（失业保险条例第17条）。累计缴费满1年不满5年的，最长12个月；"
        "见《就业促进法》，详询12333。"
    )
    font, size = styles().cell.fontName, styles().cell.fontSize
    lines = layout.break_lines(text, width, font, size)
    assert "".join(lines) == text  # nothing lost, nothing added
    for line in lines:
        assert stringWidth(line, font, size) <= width + 0.01  # nothing hangs out of the cell
        assert line[0] not in layout.CHINESE_CANNOT_START
        assert line[-1] not in layout.CHINESE_CANNOT_END
    for before, after in itertools.pairwise(lines):
        assert not (before[-1].isdigit() and after[0].isdigit()), (before, after)  # "12" whole


def test_a_number_wider_than_the_cell_is_still_broken() -> None:
    font = styles().cell.fontName
    lines = layout.break_lines("6201022025000123456789", 40, font, 9.5)
    assert "".join(lines) == "6201022025000123456789" and len(lines) > 1
