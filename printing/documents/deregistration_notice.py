"""注销告知书: tells a worker their unemployment registration was cancelled, and why (notice §5)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

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
TITLE = "失业登记注销告知书"
NOTICE_NAME = (
    "《甘肃省人力资源和社会保障厅关于进一步做好失业登记工作 强化失业人员就业服务的通知》"
    "（甘人社通〔2020〕111号）"
)


class DeregistrationReason(enum.Enum):
    """The cases of notice §5, each with its wording and whether the person is told.

    Value: (item of §5, its heading, the notice's own words, is the person notified). It says
    注销…并以适当方式予以告知（移居境外、被判刑收监执行、死亡及无法取得联系的除外）.
    """

    PENSION = ("（一）", "超出登记年龄", "已依法享受基本养老保险待遇的", True)
    HIRED = ("（二）", "处于就业状态", "被各类用人单位录用或招聘的", True)
    SELF_EMPLOYED = ("（二）", "处于就业状态", "从事个体经营、创办企业或民办非企业的", True)
    STABLE_INCOME = (
        "（二）",
        "处于就业状态",
        "已从事有稳定收入的劳动，并且月收入不低于当地最低生活保障标准的",
        True,
    )
    ENROLLED = ("（三）", "终止就业要求", "入学的", True)
    MILITARY_SERVICE = ("（三）", "终止就业要求", "应征服兵役的", True)
    EMIGRATED = ("（三）", "终止就业要求", "移居境外的", False)
    INCAPACITATED = ("（三）", "终止就业要求", "完全丧失劳动能力的", True)
    IMPRISONED = ("（三）", "终止就业要求", "被判刑收监执行的", False)
    DECEASED = ("（三）", "终止就业要求", "死亡的", False)
    REFUSED_SERVICES = ("（三）", "终止就业要求", "无正当理由连续3次拒绝接受公共就业服务的", True)
    UNREACHABLE = ("（三）", "终止就业要求", "连续6个月无法取得联系的", False)
    OTHER = ("（四）", "", "省级人力资源和社会保障部门确定的其他情形", True)

    def __init__(self, clause: str, heading: str, wording: str, notified: bool) -> None:
        self.clause = clause  # the item of notice §5, e.g. "（二）"
        self.heading = heading  # its heading, e.g. "处于就业状态" ("" for （四）)
        self.wording = wording  # the notice's words for the case
        self.person_is_notified = notified  # False for the cases exempt from telling


@dataclass(frozen=True)
class DeregistrationNoticeData:
    """Who is told, about which registration, why, and by which office."""

    person_name: str
    id_number: str
    registration_number: str
    registered_on: date
    reason: DeregistrationReason
    deregistered_on: date
    agency_name: str
    issued_on: date
    other_reason_detail: str = ""  # required for DeregistrationReason.OTHER
    delegation: str | None = None


@dataclass(frozen=True)
class DeregistrationNoticeContent:
    """Everything the notice says, computed apart from drawing it."""

    title: str
    salutation: str
    paragraphs: tuple[str, ...]
    agency_name: str
    issued_on: str
    receipt_rows: tuple[tuple[SignatureLine, ...], ...]


def mask_id_number(id_number: str) -> str:
    """Hide the birth date and sequence of an ID number on paper that may be mailed."""
    if len(id_number) < 10:
        return id_number
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def reason_text(reason: DeregistrationReason, detail: str = "") -> str:
    """Where the case sits in notice §5 and its words, e.g.
    第五条（一）“超出登记年龄”所列“已依法享受基本养老保险待遇的”情形."""
    if reason is DeregistrationReason.OTHER:
        return f"第五条{reason.clause}“{reason.wording}”（{detail}）"
    return f"第五条{reason.clause}“{reason.heading}”所列“{reason.wording}”情形"


def notice_content(data: DeregistrationNoticeData) -> DeregistrationNoticeContent:
    """The wording of the notice (raises DocumentDataError when no notice is to be given)."""
    reason = data.reason
    if not reason.person_is_notified:
        raise DocumentDataError(f"“{reason.wording}”情形按通知第五条无需告知本人，不打印注销告知书")
    if reason is DeregistrationReason.OTHER and not data.other_reason_detail.strip():
        raise DocumentDataError("注销原因为“其他情形”时，请写明具体情形")
    missing = [
        label
        for label, value in (
            ("姓名", data.person_name),
            ("登记编号", data.registration_number),
            ("经办机构", data.agency_name),
        )
        if not value.strip()
    ]
    if missing:
        raise DocumentDataError(f"注销告知书缺少：{'、'.join(missing)}，请补全后再打印")
    body = (
        f"你于{format_date(data.registered_on)}在{data.agency_name}办理了失业登记"
        f"（登记编号：{data.registration_number}）。经核实，你符合{NOTICE_NAME}"
        f"{reason_text(reason, data.other_reason_detail.strip())}，"
        f"自{format_date(data.deregistered_on)}起注销你的失业登记。"
    )
    follow_up = (
        "注销后，如你处于无业状态且有就业要求，可持本人有效身份证件到公共就业服务机构"
        "重新办理失业登记。如对本告知有疑问，请与我单位联系。"
    )
    return DeregistrationNoticeContent(
        title=TITLE,
        salutation=f"{data.person_name}（证件号码：{mask_id_number(data.id_number)}）：",
        paragraphs=(body, follow_up, "特此告知。"),
        agency_name=data.agency_name,
        issued_on=format_date(data.issued_on),
        receipt_rows=((SignatureLine("签收人"), SignatureLine("签收日期", is_date=True)),),
    )


def story(content: DeregistrationNoticeContent) -> list[Flowable]:
    """The reportlab flowables of the notice."""
    st = styles()
    flowables: list[Flowable] = [
        para(content.title, st.title),
        Spacer(1, 4 * mm),
        para(content.salutation, st.letter),
    ]
    flowables += [para(text, st.letter_indented) for text in content.paragraphs]
    flowables += [
        Spacer(1, 12 * mm),
        para(f"{content.agency_name}（盖章）", st.right),
        para(content.issued_on, st.right),
        Spacer(1, 18 * mm),
        para("回执：本人已收到本告知书。", st.body),
        signature_block(content.receipt_rows, font_size=12),
    ]
    return flowables


def build(data: DeregistrationNoticeData) -> bytes:
    """The notice as a PDF, one A4 page with a receipt line for the person's signature."""
    setup = PageSetup(
        document_title=f"{TITLE}（{data.registration_number}）",
        template_id=f"deregistration-notice v{TEMPLATE_VERSION}",
        delegation=data.delegation,
    )
    return render_pdf(story(notice_content(data)), setup)


def example() -> DeregistrationNoticeData:
    """A fictional notice (demo and samples)."""
    return DeregistrationNoticeData(
        person_name="马晓燕",
        id_number="620102198806150027",
        registration_number="6201022025000123",
        registered_on=date(2025, 3, 4),
        reason=DeregistrationReason.PENSION,
        deregistered_on=date(2025, 9, 1),
        agency_name="兰州市城关区公共就业服务机构",
        issued_on=date(2025, 9, 2),
    )
