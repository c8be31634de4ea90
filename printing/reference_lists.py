"""Seed policy / service / agency lists (notice §4(二)) loaded from the CSVs shipped with dengji.

The store keeps editable copies that administrators maintain; these CSVs are only the seed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TypeVar

from printing.errors import ReferenceListError

# Column headers exactly as notice §4(二) names them (the agency list adds a region code so a
# counter can print the agencies of its own county).
POLICY_COLUMNS = ("政策名称", "享受对象", "政策内容", "申请条件", "受理机构")
SERVICE_COLUMNS = ("服务项目", "服务对象", "服务内容")
AGENCY_COLUMNS = ("机构名称", "办公地址", "联系电话", "经办项目")
AGENCY_REGION_COLUMN = "行政区划代码"


@dataclass(frozen=True)
class PolicyRow:
    """One row of the 政策清单."""

    name: str
    beneficiaries: str
    content: str
    conditions: str
    accepting_agency: str


@dataclass(frozen=True)
class ServiceRow:
    """One row of the 服务清单."""

    item: str
    audience: str
    content: str


@dataclass(frozen=True)
class AgencyRow:
    """One row of the 公共就业服务机构清单, with the GB/T 2260 code of the area it serves."""

    region_code: str
    name: str
    address: str
    phone: str
    services: str


def _seed_text(file_name: str) -> tuple[str, str]:
    resource = resources.files("desktop.domain").joinpath("data", file_name)
    try:
        return resource.read_bytes().decode("utf-8-sig"), file_name
    except FileNotFoundError as error:
        raise ReferenceListError(f"缺少清单文件 {file_name}，请重新安装程序") from error
    except UnicodeDecodeError as error:
        raise ReferenceListError(f"{file_name} 不是 UTF-8 编码，请另存为“CSV UTF-8”格式") from error


def _file_text(path: Path) -> tuple[str, str]:
    try:
        return path.read_bytes().decode("utf-8-sig"), path.name
    except FileNotFoundError as error:
        raise ReferenceListError(f"找不到清单文件：{path}") from error
    except UnicodeDecodeError as error:
        raise ReferenceListError(f"{path.name} 不是 UTF-8 编码，请另存为“CSV UTF-8”格式") from error


RowT = TypeVar("RowT")


def _parse(
    text: str,
    source: str,
    list_name: str,
    required: Sequence[str],
    make_row: Callable[[dict[str, str]], RowT],
) -> list[RowT]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing_columns = [column for column in required if column not in header]
    if missing_columns:
        raise ReferenceListError(f"{list_name}（{source}）缺少列：{'、'.join(missing_columns)}")
    rows: list[RowT] = []
    for line_number, record in enumerate(reader, start=2):  # line 1 is the header
        values = {column: (record.get(column) or "").strip() for column in required}
        if not any(values.values()):
            continue  # blank lines left by spreadsheet programs
        empty = [column for column in required if not values[column]]
        if empty:
            raise ReferenceListError(
                f"{list_name}（{source}）第 {line_number} 行的“{'、'.join(empty)}”为空"
            )
        rows.append(make_row(values))
    return rows


def load_policies(path: Path | None = None) -> list[PolicyRow]:
    """Policy rows from path, or from the seed policy_list.csv."""
    text, source = _file_text(path) if path else _seed_text("policy_list.csv")
    return _parse(
        text,
        source,
        "政策清单",
        POLICY_COLUMNS,
        lambda v: PolicyRow(
            v["政策名称"], v["享受对象"], v["政策内容"], v["申请条件"], v["受理机构"]
        ),
    )


def load_services(path: Path | None = None) -> list[ServiceRow]:
    """Service rows from path, or from the seed service_list.csv."""
    text, source = _file_text(path) if path else _seed_text("service_list.csv")
    return _parse(
        text,
        source,
        "服务清单",
        SERVICE_COLUMNS,
        lambda v: ServiceRow(v["服务项目"], v["服务对象"], v["服务内容"]),
    )


def load_agencies(path: Path | None = None) -> list[AgencyRow]:
    """Agency rows from path, or from the seed agency_list.csv."""
    text, source = _file_text(path) if path else _seed_text("agency_list.csv")
    return _parse(
        text,
        source,
        "公共就业服务机构清单",
        (AGENCY_REGION_COLUMN, *AGENCY_COLUMNS),
        lambda v: AgencyRow(
            v[AGENCY_REGION_COLUMN], v["机构名称"], v["办公地址"], v["联系电话"], v["经办项目"]
        ),
    )


def agencies_for_region(agencies: Sequence[AgencyRow], region_code: str) -> list[AgencyRow]:
    """Agencies serving a county (its own code) or its prefecture (code ending in 00)."""
    prefecture = region_code[:4] + "00"
    return [row for row in agencies if row.region_code in (region_code, prefecture)]
