"""书面承诺书: the worker's written promise that the registration information is true."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from printing.barcode import code128_bars, draw_code128
from printing.errors import DocumentDataError
from printing.layout import (
    PageSetup,
    SignatureLine,
    format_date,
    para,
    render_pdf,
    signature_block,
    styles,
)

TEMPLATE_VERSION = "1"
TITLE = "失业登记书面承诺书"


@dataclass(frozen=True)
class CommitmentData:
    """Who promises what: the person, the document shown, the registration it belongs to."""

    person_name: str
    id_document_type: str  # e.g. 居民身份证, 社会保障卡, 港澳台居民居住证 (notice §3)
    id_number: str
    registration_number: str  # printed and encoded as Code 128, scanned back when signed
    agency_name: str  # the office that takes the application
    application_date: date
    clerk_name: str = ""
    delegation: str | None = None


@dataclass(frozen=True)
class CommitmentContent:
    """Everything the letter says, computed apart from drawing it."""

    title: str
    opening: str
    pledges: tuple[str, ...]
    closing: str
    barcode_value: str
    signature_rows: tuple[tuple[SignatureLine, ...], ...]


def commitment_content(data: CommitmentData) -> CommitmentContent:
    """The wording of the letter for this person (raises DocumentDataError on missing facts)."""
    missing = [
        label
        for label, value in (
            ("姓名", data.person_name),
            ("证件类型", data.id_document_type),
            ("证件号码", data.id_number),
            ("登记编号", data.registration_number),
            ("受理机构", data.agency_name),
        )
        if not value.strip()
    ]
    if missing:
        raise DocumentDataError(f"承诺书缺少：{'、'.join(missing)}，请补全后再打印")
    code128_bars(data.registration_number)  # a number no scanner could read back fails here
    opening = (
        f"本人{data.person_name}（{data.id_document_type}号码：{data.id_number}），"
        f"于{format_date(data.application_date)}向{data.agency_name}申请办理失业登记"
        f"（登记编号：{data.registration_number}），现郑重承诺如下："
    )
    pledges = (
        # notice §1: 劳动年龄内、有劳动能力、有就业要求、处于无业状态
        "一、本人年满16周岁且未依法享受基本养老保险待遇，有劳动能力，有就业要求，"
        "目前处于无业状态。",
        # notice §3: 由本人对填写信息真实性作出书面承诺
        "二、本人在《就业失业登记表》中填写的个人基本信息、失业原因等各项信息真实、准确、"
        "完整，所持有效身份证件真实有效。",
        # notice §3: 数据信息比对核实; 无法核查的可上门调查
        "三、本人同意经办机构通过与公安、民政、工商等部门数据及社会保障卡持卡人员基础信息库、"
        "社会保险参保登记、劳动用工备案等信息比对，核实本人身份信息和失业状态；"
        "必要时接受工作人员上门调查核实。",
        # notice §5: 每月至少1次跟踪调查; 鼓励主动报告求职经历和就业状态
        "四、登记失业期间，本人配合公共就业服务机构的定期联系，就业失业状态、"
        "联系方式等信息发生变化时及时主动报告。",
        # notice §5: 提供虚假信息骗取失业保险待遇、就业创业扶持政策的，纳入人社信用体系
        "五、如提供虚假信息骗取失业保险待遇、就业创业扶持政策，本人愿承担相应法律责任，"
        "并同意将相关情况纳入人社信用体系。",
    )
    closing = "以上承诺均为本人真实意思表示。"
    signature_rows = (
        (SignatureLine("承诺人（签字）"), SignatureLine("日期", is_date=True)),
        (
            SignatureLine("经办人", data.clerk_name),
            SignatureLine("受理日期", format_date(data.application_date)),
        ),
    )
    return CommitmentContent(
        title=TITLE,
        opening=opening,
        pledges=pledges,
        closing=closing,
        barcode_value=data.registration_number,
        signature_rows=signature_rows,
    )


def story(content: CommitmentContent) -> list[Flowable]:
    """The reportlab flowables of the letter."""
    st = styles()
    barcode = draw_code128(code128_bars(content.barcode_value), st.fonts.body)
    barcode.hAlign = "RIGHT"
    flowables: list[Flowable] = [
        barcode,
        Spacer(1, 2 * mm),
        para(content.title, st.title),
        Spacer(1, 2 * mm),
        para(content.opening, st.letter_indented),
    ]
    flowables += [para(pledge, st.letter_indented) for pledge in content.pledges]
    flowables += [
        para(content.closing, st.letter_indented),
        Spacer(1, 8 * mm),
        signature_block(content.signature_rows, font_size=12),
    ]
    return flowables


def build(data: CommitmentData) -> bytes:
    """The letter as a PDF: one A4 page, barcode of the registration number top right."""
    content = commitment_content(data)
    setup = PageSetup(
        document_title=f"{TITLE}（{data.registration_number}）",
        template_id=f"commitment v{TEMPLATE_VERSION}",
        delegation=data.delegation,
    )
    return render_pdf(story(content), setup)


def example() -> CommitmentData:
    """A fictional letter (demo and samples)."""
    return CommitmentData(
        person_name="马晓燕",
        id_document_type="居民身份证",
        id_number="620102198806150027",
        registration_number="6201022025000123",
        agency_name="兰州市城关区公共就业服务机构",
        application_date=date(2025, 3, 4),
        clerk_name="李明",
    )
