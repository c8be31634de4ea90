"""就业失业登记工作联络表 (notice 附件2): who answers for registration work in a prefecture."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from printing.layout import (
    CONTENT_WIDTH,
    GRID_STYLE,
    PageSetup,
    format_date,
    para,
    render_pdf,
    styles,
)

TEMPLATE_VERSION = "1"
TITLE = "就业失业登记工作联络表"
ATTACHMENT_LABEL = "附件2"
BLANK_CITY = "\uff3f" * 6  # a fill-in line, as printed in 附件2: ＿＿＿＿＿＿市（州）
# 附件2's grid: a role column, then 姓名 | 单位 | 职务 | 联系电话.
PERSON_COLUMNS = ("姓名", "单位", "职务", "联系电话")
DEPARTMENTS = ("业务部门", "技术部门")
ROLES = ("负责人", "联系人")
WIDTH_RATIOS = (14, 16, 32, 16, 22)


@dataclass(frozen=True)
class ContactPerson:
    """One person on the sheet; blanks print as empty cells to fill by hand."""

    name: str = ""
    unit: str = ""
    title: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ContactSheetData:
    """The sheet a city or prefecture bureau reports to the province.

    city: "兰州市", "临夏回族自治州" … (blank: the fill-in line of 附件2). authority overrides
    the whole heading line for bodies that are not a 市（州）人社局, e.g.
    兰州新区民政司法和社会保障局.
    """

    city: str = ""
    authority: str = ""
    filled_on: date | None = None
    business_head: ContactPerson = field(default_factory=ContactPerson)
    business_contact: ContactPerson = field(default_factory=ContactPerson)
    technical_head: ContactPerson = field(default_factory=ContactPerson)
    technical_contact: ContactPerson = field(default_factory=ContactPerson)
    delegation: str | None = None


@dataclass(frozen=True)
class ContactSheetContent:
    """The sheet's heading lines and its table, row by row."""

    authority_line: str
    filled_on_line: str
    rows: tuple[tuple[str, ...], ...]  # a 1-tuple is a department band across the table


def authority_line(data: ContactSheetData) -> str:
    """ "兰州市人力资源和社会保障局", or 附件2's blank "＿＿＿市（州）人力资源和社会保障局"."""
    if data.authority.strip():
        return data.authority.strip()
    if data.city.strip():
        return f"{data.city.strip()}人力资源和社会保障局"
    return f"{BLANK_CITY}市（州）人力资源和社会保障局"


def filled_on_line(data: ContactSheetData) -> str:
    """填报时间, blank 年 月 日 if not given."""
    if data.filled_on is None:
        blank = "\uff3f" * 3
        return f"填报时间：{blank}年{blank}月{blank}日"
    return f"填报时间：{format_date(data.filled_on)}"


def sheet_content(data: ContactSheetData) -> ContactSheetContent:
    """The sheet's content in 附件2's order: each department, a header row, head and contact."""
    people = {
        ("业务部门", "负责人"): data.business_head,
        ("业务部门", "联系人"): data.business_contact,
        ("技术部门", "负责人"): data.technical_head,
        ("技术部门", "联系人"): data.technical_contact,
    }
    rows: list[tuple[str, ...]] = []
    for department in DEPARTMENTS:
        rows.append((department,))
        rows.append(("", *PERSON_COLUMNS))
        for role in ROLES:
            person = people[(department, role)]
            rows.append((role, person.name, person.unit, person.title, person.phone))
    return ContactSheetContent(authority_line(data), filled_on_line(data), tuple(rows))


def _table(content: ContactSheetContent) -> Table:
    st = styles()
    total = sum(WIDTH_RATIOS)
    widths = [CONTENT_WIDTH * ratio / total for ratio in WIDTH_RATIOS]
    cells: list[list[Paragraph | str]] = []
    commands: list[tuple[Any, ...]] = [*GRID_STYLE]
    for index, row in enumerate(content.rows):
        if len(row) == 1:
            cells.append([para(row[0], st.cell_header)] + [""] * (len(WIDTH_RATIOS) - 1))
            commands += [
                ("SPAN", (0, index), (-1, index)),
                ("BACKGROUND", (0, index), (-1, index), colors.Color(0.9, 0.9, 0.9)),
            ]
        elif row[0] == "":
            header: list[Paragraph | str] = [""]
            cells.append(header + [para(value, st.cell_header) for value in row[1:]])
        else:
            person: list[Paragraph | str] = [para(row[0], st.label)]
            cells.append(person + [para(value, st.cell_center) for value in row[1:]])
    commands += [("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]
    table = Table(cells, colWidths=widths, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    return table


def story(content: ContactSheetContent) -> list[Flowable]:
    """The reportlab flowables of the sheet."""
    st = styles()
    return [
        para(ATTACHMENT_LABEL, st.attachment),
        Spacer(1, 4 * mm),
        para(TITLE, st.title),
        para(content.authority_line, st.body),
        para(content.filled_on_line, st.body),
        Spacer(1, 3 * mm),
        _table(content),
    ]


def build(data: ContactSheetData) -> bytes:
    """The contact sheet as a PDF."""
    setup = PageSetup(
        document_title=TITLE,
        template_id=f"contact-sheet v{TEMPLATE_VERSION}",
        delegation=data.delegation,
    )
    return render_pdf(story(sheet_content(data)), setup)


def example() -> ContactSheetData:
    """A blank sheet with only the city filled in (demo and samples)."""
    return ContactSheetData(city="兰州市", filled_on=date(2025, 4, 3))
