"""codes.py and regions.py prefer the tables a sync downloaded (override folder) when present."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.domain import codes, regions
from desktop.domain.codes import CodeTableError, code_table, parse_code_table
from desktop.domain.regions import RegionTableError, parse_region_rows, region_name


@pytest.fixture(autouse=True)
def _shipped_tables_afterwards() -> Iterator[None]:
    yield
    codes.use_override_folder(None)
    regions.use_override_folder(None)


def test_an_override_file_replaces_the_shipped_table_and_none_restores_it(tmp_path: Path) -> None:
    shipped = len(code_table("difficulty_category"))
    (tmp_path / "difficulty_category.csv").write_text(
        "code,label,parent,lemis_code,note,active\n01,大龄失业人员,,050,,1\n20,新类别,,,省定,1\n",
        encoding="utf-8",
    )
    codes.use_override_folder(tmp_path)
    table = code_table("difficulty_category")
    assert [item.code for item in table] == ["01", "20"]
    assert table.get("20") is not None and table.get("20").extra == {
        "lemis_code": "",
        "note": "省定",
    }
    assert len(code_table("sex")) == 4  # no override file: the shipped table
    codes.use_override_folder(None)
    assert len(code_table("difficulty_category")) == shipped


def test_a_damaged_override_falls_back_to_the_shipped_table(tmp_path: Path) -> None:
    (tmp_path / "sex.csv").write_text("code,label\n1,男\n1,男\n", encoding="utf-8")
    (tmp_path / "health.csv").write_bytes(b"\xff\xfe broken")
    codes.use_override_folder(tmp_path)
    assert code_table("sex").label("2") == "女"
    assert code_table("health").label("1") == "健康或良好"


def test_a_retired_code_is_readable_but_not_offered_or_accepted() -> None:
    table = parse_code_table("sex", "code,label,active\n1,男,1\n2,女,1\n9,未说明,0\n")
    assert [item.code for item in table] == ["1", "2"] and len(table) == 2
    assert "9" not in table
    assert table.label("9") == "未说明"


def test_a_bad_active_flag_is_refused_in_chinese() -> None:
    with pytest.raises(CodeTableError) as refused:
        parse_code_table("sex", "code,label,active\n1,男,yes\n")
    assert refused.value.message == "代码表“性别”第2行的启用标记应为1或0，现为“yes”"


def test_a_region_override_renames_a_county(tmp_path: Path) -> None:
    text = regions.bundled_regions_text().replace("620102,城关区,", "620102,城关新区,")
    (tmp_path / "regions.csv").write_text(text, encoding="utf-8")
    regions.use_override_folder(tmp_path)
    assert region_name("620102") == "甘肃省兰州市城关新区"
    regions.use_override_folder(None)
    assert region_name("620102") == "甘肃省兰州市城关区"


def test_a_damaged_region_override_falls_back_to_the_shipped_table(tmp_path: Path) -> None:
    (tmp_path / "regions.csv").write_text("code,name\n620102,城关区\n", encoding="utf-8")
    regions.use_override_folder(tmp_path)
    assert region_name("620102") == "甘肃省兰州市城关区"


HEADER = "code,name,level,parent,valid_from_year,valid_to_year,note\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("62010,城关区,county,,,,\n", "行政区划表第2行的代码应为6位数字，现为“62010”"),
        ("620000,甘肃省,state,,,,\n", "行政区划表第2行（620000）的级别“state”无效"),
        ("620000,,province,,,,\n", "行政区划表第2行（620000）缺少名称"),
        ("620100,兰州市,prefecture,620000,,,\n", "行政区划表中代码620100的上级620000不存在"),
        ("620000,甘肃省,province,,19x0,,\n", "行政区划表第2行的年份应为4位数字，现为“19x0”"),
        (
            "620000,甘肃省,province,,,,\n620000,甘,province,,,,\n",
            "行政区划表第3行：代码620000同一起始年份出现两次",
        ),
        ("", "行政区划表是空的"),
    ],
)
def test_a_malformed_region_table_is_refused_in_chinese(body: str, message: str) -> None:
    with pytest.raises(RegionTableError) as refused:
        parse_region_rows(HEADER + body)
    assert refused.value.message == message
    with pytest.raises(RegionTableError) as header:
        parse_region_rows("code,name\n")
    assert header.value.message.startswith("行政区划表的表头应包含")
