"""Administrative division codes (GB/T 2260): China's provinces, Gansu in full, with history."""

from __future__ import annotations

import csv
import functools
import io
import logging
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Final, Literal, get_args

from desktop.domain.errors import DomainError

__all__ = [
    "GANSU",
    "ISSUE_GRACE_YEARS",
    "REGIONS_FILE",
    "Region",
    "RegionLevel",
    "RegionTableError",
    "address_code_problem",
    "bundled_regions_text",
    "counties",
    "full_region_name",
    "functional_areas",
    "is_address_code_valid",
    "override_folder",
    "parse_region_rows",
    "prefectures",
    "provinces",
    "region",
    "region_history",
    "region_name",
    "reload_regions",
    "use_override_folder",
]

_log = logging.getLogger(__name__)
REGIONS_FILE: Final = "regions.csv"
# The table downloaded from the central database (docs/sync.md "Regions and code tables") is
# written as regions.csv into this folder and then preferred to the shipped file.
_override: dict[str, Path | None] = {"folder": None}
_COLUMNS: Final = ("code", "name", "level", "parent", "valid_from_year", "valid_to_year", "note")


class RegionTableError(DomainError, ValueError):
    """The division table (a downloaded one, or the shipped file) is malformed."""


RegionLevel = Literal["province", "prefecture", "county", "functional_area"]

GANSU: Final = "620000"

# The table's valid_to_year is the last year-end list (民政部 县级以上行政区划代码, published every
# December) that still carries the code. A code dropped from the list of year Y+1 was abolished
# during Y+1 (定西地区 → 定西市 in April 2003; 华亭县 → 华亭市 in mid-2018), so children born and
# registered early in Y+1 still got it. ID numbers therefore accept it for one more birth year.
ISSUE_GRACE_YEARS: Final = 1

# Provinces whose county-level codes this table holds; elsewhere only the province is checked.
_PROVINCES_WITH_COUNTIES: Final = frozenset({GANSU})
# Province-level codes used only as the address code of 港澳台居民居住证 numbers (GB 11643 permit
# numbers): 830000 is not in GB/T 2260 (Taiwan's own code there is 710000).
_PERMIT_ONLY_CODES: Final = frozenset({"830000"})


@dataclass(frozen=True)
class Region:
    """One row of the division table: a code with the name it had from one year to another.

    `valid_from_year` is None when the code is older than the first list (1980);
    `valid_to_year` is None while the code is current. A code whose name changed (620502 秦城区 →
    秦州区 in 2004) has one row per name.
    """

    code: str
    name: str
    level: RegionLevel
    parent: str | None
    valid_from_year: int | None
    valid_to_year: int | None
    is_functional_area: bool
    note: str = ""

    @property
    def is_current(self) -> bool:
        """True when the code (under this name) is in today's list."""
        return self.valid_to_year is None

    def in_use(self, year: int) -> bool:
        """True when the code was in the year-end list of `year` under this name."""
        started = self.valid_from_year is None or self.valid_from_year <= year
        return started and (self.valid_to_year is None or year <= self.valid_to_year)


@dataclass(frozen=True)
class _RegionTable:
    rows_by_code: dict[str, tuple[Region, ...]]
    children_by_parent: dict[str, tuple[str, ...]]


def _optional_year(text: str, line_number: int) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise RegionTableError(f"行政区划表第{line_number}行的年份应为4位数字，现为“{text}”")
    return int(text)


_LEVELS: Final[dict[str, RegionLevel]] = {level: level for level in get_args(RegionLevel)}


def _is_code(text: str) -> bool:
    return len(text) == 6 and text.isascii() and text.isdigit()


def parse_region_rows(text: str) -> list[Region]:
    """The rows of a division table in the CSV layout of data/regions.csv; every problem
    (bad code, level, year, missing name or parent, a code listed twice for one start year)
    raises RegionTableError naming the line."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if reader.fieldnames is None or any(c not in reader.fieldnames for c in _COLUMNS):
        raise RegionTableError(f"行政区划表的表头应包含 {','.join(_COLUMNS)}")
    rows: list[Region] = []
    seen: set[tuple[str, int | None]] = set()
    for line_number, record in enumerate(reader, start=2):
        code = (record["code"] or "").strip()
        level = _LEVELS.get((record["level"] or "").strip())
        name = (record["name"] or "").strip()
        parent = (record["parent"] or "").strip() or None
        if not _is_code(code):
            raise RegionTableError(f"行政区划表第{line_number}行的代码应为6位数字，现为“{code}”")
        if level is None:
            raise RegionTableError(
                f"行政区划表第{line_number}行（{code}）的级别“{record['level']}”无效"
            )
        if not name:
            raise RegionTableError(f"行政区划表第{line_number}行（{code}）缺少名称")
        if parent is not None and not _is_code(parent):
            raise RegionTableError(f"行政区划表第{line_number}行（{code}）的上级代码“{parent}”无效")
        valid_from = _optional_year(record["valid_from_year"], line_number)
        if (code, valid_from) in seen:
            raise RegionTableError(f"行政区划表第{line_number}行：代码{code}同一起始年份出现两次")
        seen.add((code, valid_from))
        rows.append(
            Region(
                code=code,
                name=name,
                level=level,
                parent=parent,
                valid_from_year=valid_from,
                valid_to_year=_optional_year(record["valid_to_year"], line_number),
                is_functional_area=level == "functional_area",
                note=(record["note"] or "").strip(),
            )
        )
    codes = {row.code for row in rows}
    for row in rows:
        if row.parent is not None and row.parent not in codes:
            raise RegionTableError(f"行政区划表中代码{row.code}的上级{row.parent}不存在")
    if not rows:
        raise RegionTableError("行政区划表是空的")
    return rows


def bundled_regions_text() -> str:
    """The shipped data/regions.csv (what the central is seeded with)."""
    return resources.files("desktop.domain").joinpath(f"data/{REGIONS_FILE}").read_text("utf-8")


def use_override_folder(folder: Path | None) -> None:
    """Prefer `folder`/regions.csv (the central's table, written by the sync) to the shipped
    file from now on; None: the shipped file only. The loaded table is dropped."""
    _override["folder"] = folder
    _table.cache_clear()


def override_folder() -> Path | None:
    """The folder given to use_override_folder, if any."""
    return _override["folder"]


def reload_regions() -> None:
    """Read the table again on next use (after a sync wrote a new override file)."""
    _table.cache_clear()


def _rows() -> list[Region]:
    folder = _override["folder"]
    if folder is not None:
        path = folder / REGIONS_FILE
        try:
            return parse_region_rows(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError, RegionTableError) as error:
            # The sync checks the table before writing it, so only a damaged file gets here:
            # the shipped table keeps the counter working.
            _log.warning("region override %s unusable, shipped table used: %s", path, error)
    return parse_region_rows(bundled_regions_text())


@functools.cache
def _table() -> _RegionTable:
    """Load the division table once, on first use (the downloaded one if any)."""
    rows_by_code: dict[str, list[Region]] = {}
    children: dict[str, list[str]] = {}
    for row in _rows():
        history = rows_by_code.setdefault(row.code, [])
        if not history and row.parent is not None:
            children.setdefault(row.parent, []).append(row.code)
        history.append(row)
    return _RegionTable(
        rows_by_code={
            code: tuple(sorted(history, key=lambda r: r.valid_from_year or 0))
            for code, history in rows_by_code.items()
        },
        children_by_parent={parent: tuple(sorted(codes)) for parent, codes in children.items()},
    )


def region_history(code: str) -> tuple[Region, ...]:
    """Every row of `code`, oldest name first; empty when the table does not know the code."""
    return _table().rows_by_code.get(code, ())


def region(code: str) -> Region | None:
    """The latest row of `code` (its current name, or its last one if retired)."""
    history = region_history(code)
    return history[-1] if history else None


def _row_in_year(code: str, year: int | None) -> Region | None:
    """The row of `code` in use in `year`; failing that, the next one after it, else the last."""
    history = region_history(code)
    if not history:
        return None
    if year is not None:
        for row in history:
            if row.in_use(year) or (row.valid_from_year or 0) > year:
                return row
    return history[-1]


def full_region_name(code: str, *, year: int | None = None) -> str | None:
    """Province + prefecture + county name, e.g. "甘肃省兰州市城关区"; None for unknown codes.

    With `year`, each level takes the name it had then ("甘肃省定西地区定西县" for 622421 in 1990,
    "甘肃省天水市秦城区" for 620502 in 1990).
    """
    names: list[str] = []
    current: str | None = code
    while current is not None:
        row = _row_in_year(current, year)
        if row is None:
            return None
        names.append(row.name)
        current = row.parent
    return "".join(reversed(names))


def region_name(code: str) -> str | None:
    """Full current name of `code` (see `full_region_name`); None for unknown codes."""
    return full_region_name(code)


def _children(parent: str, level: RegionLevel, include_retired: bool) -> list[Region]:
    found: list[Region] = []
    for code in _table().children_by_parent.get(parent, ()):
        row = region(code)
        if row is not None and row.level == level and (include_retired or row.is_current):
            found.append(row)
    return found


def provinces(*, include_permit_codes: bool = False) -> list[Region]:
    """The 34 province-level divisions of GB/T 2260 (plus 830000 with `include_permit_codes`)."""
    rows = [
        history[-1]
        for code, history in sorted(_table().rows_by_code.items())
        if history[-1].level == "province"
    ]
    return [r for r in rows if include_permit_codes or r.code not in _PERMIT_ONLY_CODES]


def prefectures(province: str = GANSU, *, include_retired: bool = False) -> list[Region]:
    """Prefecture-level divisions of `province` (current ones unless `include_retired`)."""
    return _children(province, "prefecture", include_retired)


def counties(prefecture_code: str, *, include_retired: bool = False) -> list[Region]:
    """County-level divisions of a prefecture, by code (functional areas are not counties)."""
    return _children(prefecture_code, "county", include_retired)


def functional_areas(prefecture_code: str) -> list[Region]:
    """Functional areas (功能区, e.g. 兰州新区) under a prefecture; not administrative divisions."""
    return _children(prefecture_code, "functional_area", include_retired=True)


def _usable_for_birth_year(history: tuple[Region, ...], birth_year: int) -> bool:
    """True when the code was still in use in or after the birth year (see ISSUE_GRACE_YEARS).

    The start year is deliberately not checked: a number is assigned when the person is first
    registered or first gets a card, which is often years after birth. People born in 天水 in 1970
    got their first card after 1985 and carry 620502 (天水市秦城区), a code younger than they are.
    """
    return any(
        row.valid_to_year is None or birth_year <= row.valid_to_year + ISSUE_GRACE_YEARS
        for row in history
    )


def address_code_problem(code: str, birth_year: int) -> str | None:
    """Why `code` cannot be the address code of someone born in `birth_year`; None if it can.

    The rule (GB 11643-1999 §5: the code of the county where the number was first assigned):
    * every code: its province-level prefix must exist;
    * outside Gansu nothing more is checked — this table does not hold their counties, so an
      unknown county there is accepted rather than turning away a real person;
    * in Gansu the prefecture and the county must be in the table and must not have been
      abolished before the person was born. Legacy codes 6221xx–6228xx stay valid for people
      born while they were in use (a 1990-born 定西 person has 622421…; a 2010-born cannot).
      A prefecture's own code (xxxx00) and, for cities, its 市辖区 code (xxxx01) are GB/T 2260
      codes too and appear on some cards (嘉峪关 has no counties: 620200/620201).
    """
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return f"地址码应为6位数字，实为「{code}」"
    province_code = code[:2] + "0000"
    province_history = region_history(province_code)
    if not province_history:
        return f"地址码{code}的省级代码{code[:2]}不存在"
    if province_code not in _PROVINCES_WITH_COUNTIES:
        return None
    province_name = province_history[-1].name
    if code == province_code:
        return f"地址码{code}只有省级代码，缺少地级和县级代码"
    prefecture_code = code[:4] + "00"
    prefecture_history = region_history(prefecture_code)
    if not prefecture_history or prefecture_history[-1].level != "prefecture":
        return f"地址码{code}不是{province_name}的行政区划代码"
    if not _usable_for_birth_year(prefecture_history, birth_year):
        return _abolished_message(code, prefecture_code, prefecture_history, birth_year)
    if code == prefecture_code:
        return None
    if code[4:] == "01" and prefecture_history[-1].name.endswith("市"):
        return None  # 市辖区 of a prefecture-level city
    county_history = region_history(code)
    if not county_history:
        prefecture_name = full_region_name(prefecture_code, year=birth_year)
        return f"地址码{code}不存在：{prefecture_name}下没有县级代码{code[4:]}"
    if county_history[-1].is_functional_area:
        return (
            f"地址码{code}（{county_history[-1].name}）是功能区代码，"
            "不是县级行政区划代码，不会出现在身份号码中"
        )
    if not _usable_for_birth_year(county_history, birth_year):
        return _abolished_message(code, code, county_history, birth_year)
    return None


def _abolished_message(
    code: str, abolished_code: str, history: tuple[Region, ...], birth_year: int
) -> str:
    last_year = max(row.valid_to_year or 0 for row in history)
    name = full_region_name(abolished_code, year=last_year)
    return (
        f"地址码{code}在出生年份{birth_year}年已无效：{name}（{abolished_code}）"
        f"已于{last_year + ISSUE_GRACE_YEARS}年撤销或改码"
    )


def is_address_code_valid(code: str, on: date) -> bool:
    """True when `code` can be the first 6 digits of the ID number of someone born on `on`.

    See `address_code_problem` for the rule; outside Gansu only the province prefix is checked
    (unknown counties there are not rejected because this table does not list them).
    """
    return address_code_problem(code, on.year) is None
