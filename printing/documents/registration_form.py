"""就业失业登记表: the registration form, filled in from the record or printed blank for a pen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from printing.layout import (
    CONTENT_WIDTH,
    GRID_STYLE,
    PageSetup,
    PlainLine,
    format_date,
    para,
    render_pdf,
    styles,
)

TEMPLATE_VERSION = "1"
TITLE = "就业失业登记表"

# Room for a handwritten signature (ideographic spaces: ASCII spaces collapse in a paragraph).
SIGNATURE_GAP = "\u3000" * 12
# A blank yes/no answer, ticked by hand.
YES_NO_BLANK = "□是\u3000□否"
TICK_NOTE = "注：带“□”的项目请在相应方框内打“√”。"
# The grid: three (label, value) pairs per row, in millimetres; 156 mm is the GB/T 9704 width.
GRID_WIDTHS_MM = (23.0, 26.0, 23.0, 27.0, 23.0, 34.0)
GRID_COLUMNS = len(GRID_WIDTHS_MM)

COMMITMENT_TEXT = (
    "本人承诺：以上填写的个人基本信息、失业原因等各项信息真实、准确、完整。"
    "如提供虚假信息骗取失业保险待遇、就业创业扶持政策，本人愿承担相应法律责任，"
    "并同意将相关情况纳入人社信用体系。"
)


@dataclass(frozen=True)
class RegistrationFormData:
    """What the form shows; every field may be empty, which prints a blank to fill by hand.

    Values are the display texts (code tables already turned into words by the caller).
    """

    registration_number: str = ""
    name: str = ""
    sex: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    id_document_type: str = ""
    id_number: str = ""
    hukou_nature: str = ""  # 户口性质
    political_status: str = ""  # 政治面貌
    education: str = ""  # 文化程度
    marital_status: str = ""
    health_status: str = ""
    disability_grade: str = ""  # 伤残等级: required when 健康状况 is 残疾 (domain.md §1.1)
    disability_category: str = ""
    disability_certificate_number: str = ""
    vocational_qualification: str = ""  # 职业资格/技能等级
    professional_title: str = ""  # 专业技术职务
    phone: str = ""
    hukou_region: str = ""
    hukou_address: str = ""
    residence_region: str = ""
    residence_address: str = ""
    unemployed_since: date | None = None
    unemployment_reason: str = ""
    claims_unemployment_insurance: bool | None = None
    difficulty_categories: Sequence[str] = field(default_factory=tuple)
    registration_place: str = ""  # 登记失业地 (the office)
    sought_occupation: str = ""  # 求职意向: 职业（工种）
    expected_monthly_pay: str = ""
    desired_work_area: str = ""
    employment_form: str = ""  # 全职 / 非全日制 / 灵活就业 …
    wants_training: bool | None = None
    training_trade: str = ""
    wants_to_start_business: bool | None = None
    other_notes: str = ""
    agency_name: str = ""
    clerk_name: str = ""
    registration_date: date | None = None
    delegation: str | None = None


@dataclass(frozen=True)
class FormCell:
    """A label and its value; the value spans `span` grid columns."""

    label: str
    value: str
    span: int = 1


@dataclass(frozen=True)
class FormSection:
    """A band across the form naming the group of rows below it."""

    title: str


FormLine = FormSection | tuple[FormCell, ...]


def yes_no(answer: bool | None) -> str:
    """是 / 否, or the tick boxes when the answer is not known."""
    if answer is None:
        return YES_NO_BLANK
    return "是" if answer else "否"


def _place(region: str, address: str) -> str:
    return "".join(part for part in (region, address) if part)


def _date(day: date | None) -> str:
    return format_date(day) if day else ""


def form_lines(data: RegistrationFormData) -> list[FormLine]:
    """The form's content row by row: every field of domain.md §1.1's recommended set."""
    d = data
    return [
        FormSection("一、基本信息"),
        (FormCell("姓名", d.name), FormCell("性别", d.sex), FormCell("民族", d.ethnicity)),
        (
            FormCell("出生日期", _date(d.birth_date)),
            FormCell("证件类型", d.id_document_type),
            FormCell("证件号码", d.id_number),
        ),
        (
            FormCell("户口性质", d.hukou_nature),
            FormCell("政治面貌", d.political_status),
            FormCell("文化程度", d.education),
        ),
        (
            FormCell("婚姻状况", d.marital_status),
            FormCell("健康状况", d.health_status),
            FormCell("伤残等级", d.disability_grade),
        ),
        (
            FormCell("残疾类别", d.disability_category),
            FormCell("残疾人证号", d.disability_certificate_number, span=3),
        ),
        (
            FormCell("职业资格\n技能等级", d.vocational_qualification),
            FormCell("专业技术职务", d.professional_title),
            FormCell("联系电话", d.phone),
        ),
        (FormCell("户籍地址", _place(d.hukou_region, d.hukou_address), span=5),),
        (FormCell("常住地址", _place(d.residence_region, d.residence_address), span=5),),
        FormSection("二、失业情况"),
        (
            FormCell("失业时间", _date(d.unemployed_since)),
            FormCell("失业原因", d.unemployment_reason, span=3),
        ),
        (
            FormCell("是否申领失业保险金", yes_no(d.claims_unemployment_insurance)),
            FormCell("就业困难人员类别", "、".join(d.difficulty_categories), span=3),
        ),
        (FormCell("登记失业地", d.registration_place, span=5),),
        FormSection("三、求职、培训和创业意向"),
        (
            FormCell("求职意向\n（职业工种）", d.sought_occupation),
            FormCell("期望月薪", d.expected_monthly_pay),
            FormCell("期望工作地区", d.desired_work_area),
        ),
        (
            FormCell("就业形式", d.employment_form),
            FormCell("培训意愿", yes_no(d.wants_training)),
            FormCell("培训意向\n（工种）", d.training_trade),
        ),
        (
            FormCell("创业意愿", yes_no(d.wants_to_start_business)),
            FormCell("其他需要说明的事项", d.other_notes, span=3),
        ),
    ]


def number_line(data: RegistrationFormData) -> str:
    """The line under the title: the registration number, or a blank for the office."""
    return f"登记编号：{data.registration_number or SIGNATURE_GAP}"


def handling_line(data: RegistrationFormData) -> str:
    """The office's part: clerk and registration date (blanks if not registered yet)."""
    clerk = data.clerk_name or SIGNATURE_GAP
    return f"经办人：{clerk}\u3000\u3000登记日期：{format_date(data.registration_date)}"


def _grid_table(lines: Sequence[FormLine]) -> Table:
    st = styles()
    widths = [w * mm for w in GRID_WIDTHS_MM]
    rows: list[list[Paragraph | str]] = []
    commands: list[tuple[Any, ...]] = [*GRID_STYLE]
    for row_index, line in enumerate(lines):
        if isinstance(line, FormSection):
            rows.append([para(line.title, st.cell_header)] + [""] * (GRID_COLUMNS - 1))
            commands += [
                ("SPAN", (0, row_index), (-1, row_index)),
                ("BACKGROUND", (0, row_index), (-1, row_index), colors.Color(0.9, 0.9, 0.9)),
            ]
            continue
        cells: list[Paragraph | str] = []
        for cell in line:
            start = len(cells)
            cells.append(para(cell.label, st.label))
            cells.append(para(cell.value, st.cell))
            cells += [""] * (cell.span - 1)
            if cell.span > 1:
                commands.append(("SPAN", (start + 1, row_index), (start + cell.span, row_index)))
        if len(cells) != GRID_COLUMNS:
            raise ValueError(f"form row {row_index} fills {len(cells)} of {GRID_COLUMNS} columns")
        rows.append(cells)
    # A pen needs room: padding makes a one-line row about 9 mm high, as on the paper form.
    commands += [("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    table = Table(rows, colWidths=widths, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    return table


def _two_part_table(label: str, parts: list[Flowable]) -> Table:
    """A label cell on the left and, right of it, one cell holding several flowables."""
    st = styles()
    table = Table(
        [[para(label, st.label), parts]],
        colWidths=[GRID_WIDTHS_MM[0] * mm, CONTENT_WIDTH - GRID_WIDTHS_MM[0] * mm],
        hAlign="CENTER",
    )
    table.setStyle(TableStyle([*GRID_STYLE, ("TOPPADDING", (0, 0), (-1, -1), 5)]))
    return table


def _plain(text: str, alignment: int = TA_LEFT) -> PlainLine:
    st = styles()
    return PlainLine(text, st.cell.fontName, st.cell.fontSize, alignment)


def _commitment_table() -> Table:
    st = styles()
    signature = f"申请人签字：{SIGNATURE_GAP}日期：{format_date(None)}"
    return _two_part_table(
        "申请人承诺", [para(COMMITMENT_TEXT, st.cell), Spacer(1, 4 * mm), _plain(signature)]
    )


def _agency_table(data: RegistrationFormData) -> Table:
    st = styles()
    stamp = f"经办机构（盖章）：{data.agency_name}"
    return _two_part_table(
        "经办机构意见",
        [
            _plain(handling_line(data)),
            Spacer(1, 1 * mm),
            para(stamp, st.cell),
            Spacer(1, 5 * mm),
            _plain(format_date(None), TA_RIGHT),
        ],
    )


def _heading_row(data: RegistrationFormData) -> Table:
    st = styles()
    table = Table(
        [[para(TICK_NOTE, st.cell), _plain(number_line(data), TA_RIGHT)]],
        colWidths=[CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45],
        hAlign="CENTER",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), st.fonts.body),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def story(data: RegistrationFormData) -> list[Flowable]:
    """The reportlab flowables of the form."""
    st = styles()
    return [
        para(TITLE, st.title),
        _heading_row(data),
        _grid_table(form_lines(data)),
        _commitment_table(),
        _agency_table(data),
    ]


def build(data: RegistrationFormData) -> bytes:
    """The form as a PDF (blank fields stay blank for a pen)."""
    setup = PageSetup(
        document_title=f"{TITLE}（{data.name}）" if data.name else TITLE,
        template_id=f"registration-form v{TEMPLATE_VERSION}",
        delegation=data.delegation,
    )
    return render_pdf(story(data), setup)


def example() -> RegistrationFormData:
    """A fictional, filled-in registration (demo and samples)."""
    return RegistrationFormData(
        registration_number="6201022025000123",
        name="马晓燕",
        sex="女",
        ethnicity="回族",
        birth_date=date(1988, 6, 15),
        id_document_type="居民身份证",
        id_number="620102198806150027",
        hukou_nature="非农业户口",
        political_status="群众",
        education="大学专科",
        marital_status="已婚",
        health_status="健康或良好",
        vocational_qualification="四级/中级工",
        phone="13800000000",
        hukou_region="甘肃省兰州市城关区",
        hukou_address="示例街道示例社区1号",
        residence_region="甘肃省兰州市城关区",
        residence_address="示例街道示例社区1号",
        unemployed_since=date(2025, 1, 20),
        unemployment_reason="从企业、机关、事业单位等各类用人单位失业",
        claims_unemployment_insurance=True,
        difficulty_categories=(),
        registration_place="兰州市城关区公共就业服务机构",
        sought_occupation="会计",
        expected_monthly_pay="4000元",
        desired_work_area="兰州市",
        employment_form="全职",
        wants_training=True,
        training_trade="电子商务",
        wants_to_start_business=False,
        agency_name="兰州市城关区公共就业服务机构",
        clerk_name="李明",
        registration_date=date(2025, 3, 4),
    )
