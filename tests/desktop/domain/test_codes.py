"""Tests for the shipped code tables and their loader."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from desktop.domain.codes import (
    TABLE_NAMES,
    Code,
    CodeTableError,
    UnknownCodeError,
    UnknownCodeTableError,
    code_table,
    parse_code_table,
)
from desktop.domain.errors import DomainError


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_table_parses_without_duplicates(name: str) -> None:
    table = code_table(name)
    assert len(table) > 0
    codes = [item.code for item in table.items()]
    assert len(codes) == len(set(codes))
    assert all(item.label for item in table.items())
    assert all(item.parent is None or item.parent in table for item in table.items())
    # The file has exactly the rows the table shows (no row silently skipped).
    text = (resources.files("desktop.domain") / "data" / f"{name}.csv").read_text("utf-8")
    rows = [row for row in csv.reader(text.splitlines()) if row]
    assert len(rows) - 1 == len(table)


def test_table_is_cached() -> None:
    assert code_table("sex") is code_table("sex")


def test_ethnicity_has_56_groups_plus_two() -> None:
    table = code_table("ethnicity")
    assert len(table) == 58
    assert [item.code for item in table.items()[:56]] == [f"{i:02d}" for i in range(1, 57)]
    assert table.label("01") == "汉族"
    assert table.label("03") == "回族"
    assert table.label("20") == "傈僳族"  # not the 傈傈 typo of the LEMIS table
    assert table.label("31") == "达斡尔族"  # not 达翰尔
    assert table.label("26") == "东乡族"
    assert table.label("47") == "保安族"
    assert table.label("48") == "裕固族"
    assert table.label("97") == "其他"
    assert table.label("98") == "外国血统中国籍人士"
    assert table.get("01") is not None
    assert table.get("01").extra["short"] == "汉"  # type: ignore[union-attr]


def test_education_hierarchy() -> None:
    table = code_table("education")
    top = [item.code for item in table.children(None)]
    assert top == ["10", "20", "30", "40", "60", "70", "80", "90"]
    assert [item.code for item in table.children("70")] == ["71", "73"]
    assert table.label("47") == "技工学校毕业"
    assert table.get("21") == Code("21", "大学本科毕业", "20", {})


def test_health_and_disability() -> None:
    health = code_table("health")
    assert [item.code for item in health.children(None)] == ["1", "2", "3", "6"]
    assert [item.code for item in health.children("3")] == [
        "31", "32", "33", "34", "35", "36", "37", "38", "41", "49",
    ]  # fmt: skip
    assert health.label("6") == "残疾"
    assert code_table("disability_category").label("7") == "多重残疾"
    assert [item.label for item in code_table("disability_grade")] == [
        "一级", "二级", "三级", "四级",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "code", "label"),
    [
        ("sex", "1", "男"),
        ("sex", "2", "女"),
        ("political_status", "13", "群众"),
        ("political_status", "03", "中国共产主义青年团团员"),
        ("marital_status", "22", "再婚"),
        ("hukou_type", "20", "农业户口"),
        ("hukou_type", "50", "居民户口"),
        ("skill_level", "1", "一级"),
        ("registration_place", "household", "户籍地"),
        ("registration_place", "insured", "参保地"),
        ("contact_method", "field_visit", "实地走访"),
        ("service_tier", "aid", "援助"),
        ("difficulty_category", "01", "大龄失业人员"),
        ("unemployment_cause", "01", "年满16周岁，从各类学校毕业、肄业（初次求职）"),
    ],
)
def test_known_labels(name: str, code: str, label: str) -> None:
    assert code_table(name).label(code) == label


def test_counts_of_small_tables() -> None:
    assert len(code_table("political_status")) == 13
    assert len(code_table("sex")) == 4
    assert len(code_table("skill_level")) == 5
    assert len(code_table("registration_place")) == 4
    assert len(code_table("contact_method")) == 4
    assert len(code_table("service_tier")) == 3
    assert len(code_table("hukou_type")) == 5


def test_unemployment_causes_map_to_lemis_codes() -> None:
    lemis = {"10", "20", "30", "40", "50", "60", "80", "90"}  # 70 劳教 is obsolete since 2013
    for item in code_table("unemployment_cause"):
        assert item.extra["lemis_code"] in lemis
        assert item.extra["regulation_item"] in {"1", "2", "3", "4", "5", "6", "7"}


def test_difficulty_categories_carry_their_rule() -> None:
    table = code_table("difficulty_category")
    assert "女满40周岁、男满50周岁" in table.get("01").extra["note"]  # type: ignore[union-attr]
    labels = [item.label for item in table]
    for needed in (
        "残疾人",
        "零就业家庭",
        "失地农民",
        "脱贫人口",
        "刑满释放",
        "退役士兵",
        "成年孤儿",
    ):
        assert any(needed in label for label in labels), needed
    assert any("最低生活保障" in label for label in labels)
    assert labels[-1] == "其他"


def test_deregistration_reasons_follow_notice_section_5() -> None:
    table = code_table("deregistration_reason")
    assert len(table) == 13
    silent = {item.label for item in table if item.extra["notify"] == "0"}
    assert silent == {"移居境外", "被判刑收监执行", "死亡", "连续6个月无法取得联系"}
    assert all(item.extra["notify"] in {"0", "1"} for item in table)
    groups = {item.label: item.extra["group"] for item in table}
    clauses = {item.label: item.extra["clause"] for item in table}
    assert groups["已依法享受基本养老保险待遇"] == "（一）"
    assert groups["被各类用人单位录用或招聘"] == "（二）"
    for label in ("入学", "应征服兵役", "移居境外"):
        assert groups[label] == "（三）"
        assert clauses[label] == "入学、应征服兵役、移居境外的"
    assert groups["省级人力资源和社会保障部门确定的其他情形"] == "（四）"
    income = next(item for item in table if "最低生活保障标准" in item.label)
    # notice §5(二): the threshold is 最低生活保障标准, not the older 最低工资标准.
    assert "最低工资" not in income.extra["clause"]


def test_unknown_code_raises_with_chinese_message() -> None:
    with pytest.raises(UnknownCodeError) as caught:
        code_table("ethnicity").label("99")
    assert isinstance(caught.value, DomainError)
    assert caught.value.message == "民族代码“99”不存在"
    assert code_table("ethnicity").get("99") is None
    assert "99" not in code_table("ethnicity")
    assert "01" in code_table("ethnicity")


def test_unknown_table_raises() -> None:
    with pytest.raises(UnknownCodeTableError, match="没有名为“region”的代码表"):
        code_table("region")


def test_codes_are_immutable_and_hashable() -> None:
    item = code_table("deregistration_reason").items()[0]
    with pytest.raises(TypeError):
        item.extra["notify"] = "0"  # type: ignore[index]
    assert hash(item) == hash(item)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "表头应以 code,label 开头"),
        ("label,code\n1,a\n", "表头应以 code,label 开头"),
        ("code,label,note,note\n1,a,b,c\n", "表头有重复的列"),
        ("code,label\n1,a\n1,b\n", "第3行的代码“1”重复"),
        ("code,label\n1,a,extra\n", "第2行有3列，表头有2列"),
        ("code,label\n1,\n", "第2行缺少代码或名称"),
        ("code,label,parent\n1,a,\n2,b,7\n", "代码“2”的上级“7”不存在"),
        ("code,label\n", "是空的"),
    ],
)
def test_malformed_csv_gets_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(CodeTableError, match=message) as caught:
        parse_code_table("test", text, title="测试")
    assert caught.value.message.startswith("代码表“测试”")


def test_parser_tolerates_bom_and_blank_lines() -> None:
    table = parse_code_table("test", "\ufeffcode,label\n1,甲\n\n2,乙\n", title="测试")
    assert [item.label for item in table] == ["甲", "乙"]
