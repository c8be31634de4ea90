"""政策清单: the employment and entrepreneurship policies handed to a registered worker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from printing.errors import DocumentDataError
from printing.layout import ListHeading, PageSetup, cells_text, list_story, render_pdf
from printing.reference_lists import POLICY_COLUMNS, PolicyRow, load_policies

TEMPLATE_VERSION = "1"
TITLE = "就业创业政策清单"
# notice §4(二): 政策清单应包括政策名称、享受对象、政策内容、申请条件、受理机构
COLUMNS = POLICY_COLUMNS
WIDTH_RATIOS = (14, 19, 33, 20, 14)
NOTE = (
    "注：补贴标准、办理时限和所需材料以当地人力资源和社会保障部门公布为准，"
    "详情请咨询受理机构或拨打12333。"
)


@dataclass(frozen=True)
class PolicyListData:
    """The policies to print, who issues the list and when."""

    policies: Sequence[PolicyRow]
    issuer: str
    issued_on: date
    delegation: str | None = None


def rows(data: PolicyListData) -> list[tuple[str, str, str, str, str]]:
    """Table rows in COLUMNS order (raises DocumentDataError for an empty list)."""
    if not data.policies:
        raise DocumentDataError("政策清单为空，请先在清单页面维护政策后再打印")
    return [
        (p.name, p.beneficiaries, p.content, p.conditions, p.accepting_agency)
        for p in data.policies
    ]


def build(data: PolicyListData) -> bytes:
    """The list as a PDF; the column header repeats on every page."""
    heading = ListHeading(TITLE, data.issuer, data.issued_on)
    table_rows = rows(data)
    story = list_story(heading, COLUMNS, table_rows, WIDTH_RATIOS, NOTE)
    setup = PageSetup(TITLE, f"policy-list v{TEMPLATE_VERSION}", data.delegation)
    return render_pdf(story, setup, cells_text(table_rows))


def example() -> PolicyListData:
    """The seed policies as a county office would print them (demo and samples)."""
    return PolicyListData(load_policies(), "兰州市城关区公共就业服务机构", date(2025, 3, 4))
