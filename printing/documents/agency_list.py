"""公共就业服务机构清单: where a registered worker can be served, with address and phone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from printing.errors import DocumentDataError
from printing.layout import ListHeading, PageSetup, cells_text, list_story, render_pdf
from printing.reference_lists import AGENCY_COLUMNS, AgencyRow, agencies_for_region, load_agencies

TEMPLATE_VERSION = "1"
TITLE = "公共就业服务机构清单"
# notice §4(二): 公共就业服务机构清单应包括机构名称、办公地址、联系电话、经办项目
COLUMNS = AGENCY_COLUMNS
WIDTH_RATIOS = (26, 22, 20, 32)
NOTE = (
    "注：街道（乡镇）、社区（村）基层公共就业服务平台也可受理失业登记；"
    "残疾劳动者可到受委托的残疾人就业服务机构办理。地址和电话如有变动，以当地公布为准。"
)


@dataclass(frozen=True)
class AgencyListData:
    """The agencies to print, who issues the list and when."""

    agencies: Sequence[AgencyRow]
    issuer: str
    issued_on: date
    delegation: str | None = None


def rows(data: AgencyListData) -> list[tuple[str, str, str, str]]:
    """Table rows in COLUMNS order (raises DocumentDataError for an empty list)."""
    if not data.agencies:
        raise DocumentDataError("公共就业服务机构清单为空，请先在清单页面维护机构后再打印")
    return [(a.name, a.address, a.phone, a.services) for a in data.agencies]


def build(data: AgencyListData) -> bytes:
    """The list as a PDF; the column header repeats on every page."""
    heading = ListHeading(TITLE, data.issuer, data.issued_on)
    table_rows = rows(data)
    story = list_story(heading, COLUMNS, table_rows, WIDTH_RATIOS, NOTE)
    setup = PageSetup(TITLE, f"agency-list v{TEMPLATE_VERSION}", data.delegation)
    return render_pdf(story, setup, cells_text(table_rows))


def example() -> AgencyListData:
    """The seed agencies of 兰州市城关区 and its city (demo and samples)."""
    agencies = agencies_for_region(load_agencies(), "620102")
    return AgencyListData(agencies, "兰州市城关区公共就业服务机构", date(2025, 3, 4))
