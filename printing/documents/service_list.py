"""服务清单: the public employment services a registered worker can ask for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from printing.errors import DocumentDataError
from printing.layout import ListHeading, PageSetup, cells_text, list_story, render_pdf
from printing.reference_lists import SERVICE_COLUMNS, ServiceRow, load_services

TEMPLATE_VERSION = "1"
TITLE = "公共就业服务清单"
# notice §4(二): 服务清单应包括服务项目、服务对象、服务内容
COLUMNS = SERVICE_COLUMNS
WIDTH_RATIOS = (18, 27, 55)
NOTE = "注：以上服务均免费提供。服务时间和地点以当地公共就业服务机构公布为准，详情可拨打12333咨询。"


@dataclass(frozen=True)
class ServiceListData:
    """The services to print, who issues the list and when."""

    services: Sequence[ServiceRow]
    issuer: str
    issued_on: date
    delegation: str | None = None


def rows(data: ServiceListData) -> list[tuple[str, str, str]]:
    """Table rows in COLUMNS order (raises DocumentDataError for an empty list)."""
    if not data.services:
        raise DocumentDataError("服务清单为空，请先在清单页面维护服务项目后再打印")
    return [(s.item, s.audience, s.content) for s in data.services]


def build(data: ServiceListData) -> bytes:
    """The list as a PDF; the column header repeats on every page."""
    heading = ListHeading(TITLE, data.issuer, data.issued_on)
    table_rows = rows(data)
    story = list_story(heading, COLUMNS, table_rows, WIDTH_RATIOS, NOTE)
    setup = PageSetup(TITLE, f"service-list v{TEMPLATE_VERSION}", data.delegation)
    return render_pdf(story, setup, cells_text(table_rows))


def example() -> ServiceListData:
    """The seed services as a county office would print them (demo and samples)."""
    return ServiceListData(load_services(), "兰州市城关区公共就业服务机构", date(2025, 3, 4))
