"""Tests for the GB/T 2260 table: Gansu's divisions, their history, the ID address-code rule."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from desktop.domain import regions
from desktop.domain.regions import (
    address_code_problem,
    counties,
    full_region_name,
    functional_areas,
    is_address_code_valid,
    prefectures,
    provinces,
    region,
    region_history,
    region_name,
)

# domain.md §7: the 14 prefecture-level divisions and their county-level counts (86 in all).
GANSU_COUNTY_COUNTS = {
    "620100": 8,
    "620200": 0,
    "620300": 2,
    "620400": 5,
    "620500": 7,
    "620600": 4,
    "620700": 6,
    "620800": 7,
    "620900": 7,
    "621000": 8,
    "621100": 7,
    "621200": 9,
    "622900": 8,
    "623000": 8,
}

LEGACY_PREFECTURES = {
    # devices.md §5.4: code → (name, last year in the year-end list)
    "622100": ("酒泉地区", 2001),
    "622200": ("张掖地区", 2001),
    "622300": ("武威地区", 2000),
    "622400": ("定西地区", 2002),
    "622500": ("天水地区", 1984),
    "622600": ("陇南地区", 2003),
    "622700": ("平凉地区", 2001),
    "622800": ("庆阳地区", 2001),
}


def test_gansu_has_14_current_prefectures() -> None:
    found = prefectures()
    assert [p.code for p in found] == sorted(GANSU_COUNTY_COUNTS)
    assert all(p.level == "prefecture" and p.parent == "620000" for p in found)
    assert [p.name for p in found][-2:] == ["临夏回族自治州", "甘南藏族自治州"]


def test_gansu_has_86_current_counties_with_the_documented_split() -> None:
    per_prefecture = {code: counties(code) for code in GANSU_COUNTY_COUNTS}
    assert {code: len(found) for code, found in per_prefecture.items()} == GANSU_COUNTY_COUNTS
    everything = [c for found in per_prefecture.values() for c in found]
    assert len(everything) == 86
    assert len({c.code for c in everything}) == 86
    # 17 市辖区 + 5 县级市 + 57 县 + 7 自治县 (domain.md §7)
    assert sum(c.name.endswith("区") for c in everything) == 17
    assert sum(c.name.endswith("市") for c in everything) == 5
    assert sum(c.name.endswith("自治县") for c in everything) == 7
    assert sum(c.name.endswith("县") and not c.name.endswith("自治县") for c in everything) == 57
    assert all(c.is_current and c.level == "county" for c in everything)


@pytest.mark.parametrize(
    ("code", "full_name"),
    [
        ("620000", "甘肃省"),
        ("620100", "甘肃省兰州市"),
        ("620102", "甘肃省兰州市城关区"),
        ("620881", "甘肃省平凉市华亭市"),
        ("620922", "甘肃省酒泉市瓜州县"),
        ("621126", "甘肃省定西市岷县"),
        ("622927", "甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县"),
        ("623001", "甘肃省甘南藏族自治州合作市"),
        ("620502", "甘肃省天水市秦州区"),
        ("622421", "甘肃省定西地区定西县"),
        ("110000", "北京市"),
        ("810000", "香港特别行政区"),
    ],
)
def test_region_name_is_the_full_current_name(code: str, full_name: str) -> None:
    assert region_name(code) == full_name


def test_region_name_of_unknown_codes_is_none() -> None:
    assert region_name("620199") is None
    assert region_name("110105") is None  # counties outside Gansu are not in the table
    assert region("999999") is None


def test_names_follow_the_year() -> None:
    assert full_region_name("620502", year=1990) == "甘肃省天水市秦城区"
    assert full_region_name("620502", year=2004) == "甘肃省天水市秦州区"
    assert full_region_name("620503", year=2000) == "甘肃省天水市北道区"
    assert full_region_name("622600", year=1984) == "甘肃省武都地区"
    assert full_region_name("622621", year=1990) == "甘肃省陇南地区武都县"
    # A year before the code existed gives the first name it had.
    assert full_region_name("620502", year=1970) == "甘肃省天水市秦城区"


def test_renamed_code_has_one_row_per_name() -> None:
    history = region_history("620502")
    assert [(r.name, r.valid_from_year, r.valid_to_year) for r in history] == [
        ("秦城区", 1985, 2003),
        ("秦州区", 2004, None),
    ]
    current = region("620502")
    assert current is not None and current.name == "秦州区" and current.is_current


def test_lanzhou_new_area_is_a_functional_area_not_a_county() -> None:
    new_area = region("620171")
    assert new_area is not None
    assert new_area.name == "兰州新区"
    assert new_area.is_functional_area and new_area.level == "functional_area"
    assert new_area.parent == "620100"
    assert "620171" not in {c.code for c in counties("620100")}
    assert [a.code for a in functional_areas("620100")] == ["620171"]
    assert region_name("620171") == "甘肃省兰州市兰州新区"


def test_huating_county_is_kept_for_history_only() -> None:
    old = region("620824")
    assert old is not None and old.name == "华亭县" and old.valid_to_year == 2017
    assert "620824" not in {c.code for c in counties("620800")}
    assert "620824" in {c.code for c in counties("620800", include_retired=True)}
    new = region("620881")
    assert new is not None and new.name == "华亭市" and new.valid_from_year == 2018


@pytest.mark.parametrize(("code", "expected"), sorted(LEGACY_PREFECTURES.items()))
def test_legacy_prefectures_with_their_years(code: str, expected: tuple[str, int]) -> None:
    legacy = region(code)
    assert legacy is not None
    assert (legacy.name, legacy.valid_to_year) == expected
    assert not legacy.is_current
    assert legacy.code in {p.code for p in prefectures(include_retired=True)}
    assert counties(code) == []  # none current
    assert counties(code, include_retired=True)  # but their counties are listed


def test_legacy_counties_named_in_the_brief() -> None:
    expected = {
        "622101": ("玉门市", 2001),
        "622102": ("酒泉市", 2001),
        "622103": ("敦煌市", 2001),
        "622421": ("定西县", 2002),
    }
    for code, (name, last_year) in expected.items():
        row = region(code)
        assert row is not None and (row.name, row.valid_to_year) == (name, last_year)


def test_provinces_are_the_34_of_gb_t_2260() -> None:
    found = provinces()
    assert len(found) == 34
    codes = {p.code[:2] for p in found}
    mainland = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37}
    mainland |= {41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65}
    assert codes == {str(code) for code in mainland | {71, 81, 82}}
    by_code = {p.code: p for p in found}
    assert by_code["460000"].valid_from_year == 1988
    assert by_code["500000"].valid_from_year == 1997
    # 830000 exists only as the address code of Taiwan residents' residence permits.
    assert "830000" in {p.code for p in provinces(include_permit_codes=True)}


def test_table_is_consistent() -> None:
    table = regions._table()
    assert table is regions._table()  # loaded once
    for code, history in table.rows_by_code.items():
        for row in history:
            if row.level == "province":
                assert row.parent is None and code.endswith("0000")
                continue
            assert row.parent is not None
            parent = region(row.parent)
            assert parent is not None, code
            expected_parent_level = "province" if row.level == "prefecture" else "prefecture"
            assert parent.level == expected_parent_level, code
            assert code[:2] == row.parent[:2]
            if row.level != "prefecture":
                assert code[:4] == row.parent[:4], code
            if row.valid_from_year and row.valid_to_year:
                assert row.valid_from_year <= row.valid_to_year, code
        for earlier, later in itertools.pairwise(history):
            assert earlier.valid_to_year is not None and later.valid_from_year is not None
            assert earlier.valid_to_year < later.valid_from_year, code


# --- the address-code rule of ID numbers ----------------------------------------------------


@pytest.mark.parametrize(
    ("code", "born", "valid"),
    [
        ("620102", date(1950, 1, 1), True),
        ("622421", date(1990, 5, 1), True),  # 定西县 while 定西地区 existed
        ("622421", date(2002, 12, 31), True),
        ("622421", date(2003, 6, 1), True),  # abolished in 2003: early-2003 births got it
        ("622421", date(2004, 1, 1), False),
        ("622421", date(2010, 5, 1), False),
        ("621102", date(1990, 5, 1), True),  # first card after 2003 carries the new code
        ("620502", date(1970, 1, 1), True),  # 天水市 (1985) is younger than the person
        ("622501", date(1960, 1, 1), True),
        ("622501", date(1986, 1, 1), False),
        ("620824", date(2018, 3, 1), True),
        ("620824", date(2019, 1, 1), False),
        ("620881", date(1960, 1, 1), True),
        ("620925", date(2006, 1, 1), True),
        ("620925", date(2007, 1, 1), False),
        ("620200", date(1990, 1, 1), True),  # 嘉峪关市 has no counties
        ("620201", date(1990, 1, 1), True),  # its 市辖区 code
        ("620101", date(1990, 1, 1), True),
        ("622401", date(1990, 1, 1), False),  # a 地区 has no 市辖区
        ("620299", date(1990, 1, 1), False),
        ("623100", date(1990, 1, 1), False),
        ("620000", date(1990, 1, 1), False),
        ("620171", date(2015, 1, 1), False),
        ("110105", date(1990, 1, 1), True),  # outside Gansu only the province is checked
        ("119999", date(1990, 1, 1), True),
        ("500101", date(1960, 1, 1), True),  # 重庆 numbers of people born before 1997
        ("990101", date(1990, 1, 1), False),
        ("62010", date(1990, 1, 1), False),
        ("62O102", date(1990, 1, 1), False),
    ],
)
def test_is_address_code_valid(code: str, born: date, valid: bool) -> None:
    assert is_address_code_valid(code, born) is valid
    assert (address_code_problem(code, born.year) is None) is valid


@pytest.mark.parametrize(
    ("code", "year", "message"),
    [
        ("623100", 1990, "地址码623100不是甘肃省的行政区划代码"),
        ("620199", 1990, "地址码620199不存在：甘肃省兰州市下没有县级代码99"),
        ("990101", 1990, "地址码990101的省级代码99不存在"),
        ("620000", 1990, "地址码620000只有省级代码，缺少地级和县级代码"),
        ("62010", 1990, "地址码应为6位数字，实为「62010」"),
        (
            "622421",
            2010,
            "地址码622421在出生年份2010年已无效：甘肃省定西地区（622400）已于2003年撤销或改码",
        ),
        (
            "620824",
            2020,
            "地址码620824在出生年份2020年已无效：甘肃省平凉市华亭县（620824）已于2018年撤销或改码",
        ),
        (
            "620171",
            2015,
            "地址码620171（兰州新区）是功能区代码，不是县级行政区划代码，不会出现在身份号码中",
        ),
    ],
)
def test_address_code_problem_messages(code: str, year: int, message: str) -> None:
    assert address_code_problem(code, year) == message
