"""Seed policy / service / agency lists and their checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from printing import reference_lists as lists
from printing.errors import ReferenceListError


def test_seed_lists_load_with_the_notice_columns() -> None:
    policies = lists.load_policies()
    services = lists.load_services()
    agencies = lists.load_agencies()
    assert {p.name for p in policies} >= {
        "失业保险金",
        "社会保险补贴",
        "公益性岗位补贴",
        "创业担保贷款及贴息",
    }
    assert {s.item for s in services} >= {"职业指导", "职业介绍", "创业服务", "就业援助"}
    assert lists.POLICY_COLUMNS == ("政策名称", "享受对象", "政策内容", "申请条件", "受理机构")
    assert lists.SERVICE_COLUMNS == ("服务项目", "服务对象", "服务内容")
    assert lists.AGENCY_COLUMNS == ("机构名称", "办公地址", "联系电话", "经办项目")
    # one row per county-level PES of 兰州 (8 + 兰州新区) and 临夏州 (8), each city, and 残联
    assert len([a for a in agencies if a.region_code.startswith("6201")]) == 11
    assert len([a for a in agencies if a.region_code.startswith("6229")]) == 10
    assert any("残疾人就业服务机构" in a.name for a in agencies)


def test_no_invented_figures_in_the_seed() -> None:
    """Unknown amounts, addresses and phones say where to look instead (domain.md §4, §6.4)."""
    for agency in lists.load_agencies():
        assert agency.address == "以当地公布为准"
        assert "请在清单页面维护" in agency.phone
    for policy in lists.load_policies():
        assert "元" not in policy.content  # no subsidy amount is known for Gansu


def test_agencies_of_a_county_include_its_city() -> None:
    rows = lists.agencies_for_region(lists.load_agencies(), "620102")
    names = [row.name for row in rows]
    assert "兰州市城关区公共就业服务机构" in names
    assert "兰州市公共就业服务机构（市级）" in names
    assert not [name for name in names if "临夏" in name]


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "政策名称,享受对象,政策内容,申请条件\n甲,乙,丙,丁\n")
    with pytest.raises(ReferenceListError, match="缺少列：受理机构"):
        lists.load_policies(path)


def test_an_empty_cell_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "服务项目,服务对象,服务内容\n职业指导,登记失业人员,指导\n职业介绍,,介绍\n"
    )
    with pytest.raises(ReferenceListError) as caught:
        lists.load_services(path)
    assert caught.value.message == "服务清单（list.csv）第 3 行的“服务对象”为空"


def test_a_spreadsheet_saved_as_gbk_gets_a_clear_message(tmp_path: Path) -> None:
    path = write(tmp_path, "服务项目,服务对象,服务内容\n职业指导,登记失业人员,指导\n", "gbk")
    with pytest.raises(ReferenceListError, match="不是 UTF-8 编码"):
        lists.load_services(path)


def test_excel_bom_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff服务项目,服务对象,服务内容\n\n职业指导,登记失业人员,指导\n,,\n")
    assert lists.load_services(path) == [lists.ServiceRow("职业指导", "登记失业人员", "指导")]


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ReferenceListError, match="找不到清单文件"):
        lists.load_agencies(tmp_path / "nope.csv")
