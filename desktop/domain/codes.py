"""Code tables of the registration form (national standards and the notice's lists), from CSV."""

from __future__ import annotations

import csv
import functools
import io
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Final

from desktop.domain.errors import DomainError

__all__ = [
    "TABLE_NAMES",
    "Code",
    "CodeTable",
    "CodeTableError",
    "UnknownCodeError",
    "UnknownCodeTableError",
    "bundled_code_table_text",
    "code_table",
    "override_folder",
    "parse_code_table",
    "reload_code_tables",
    "use_override_folder",
]

_log = logging.getLogger(__name__)

# Each name is a CSV file in desktop/domain/data/ with the header code,label[,parent][,…];
# columns other than code/label/parent land in Code.extra.
TABLE_NAMES: Final[tuple[str, ...]] = (
    "sex",  # GB/T 2261.1-2003
    "ethnicity",  # GB/T 3304-1991 (+97/98)
    "education",  # GB/T 4658-2006
    "health",  # GB/T 2261.3-2003
    "disability_category",  # GB/T 26341-2010 categories, as on the 第二代残疾人证
    "disability_grade",
    "political_status",  # GB/T 4762-1984
    "marital_status",  # GB/T 2261.2-2003
    "hukou_type",  # legacy 人社 system codes
    "unemployment_cause",  # 就业服务与就业管理规定 categories, mapped to LEMIS codes
    "difficulty_category",  # 就业困难人员 categories (Gansu's own list not found: configurable)
    "skill_level",  # 国家职业资格/技能等级 一级–五级
    "deregistration_reason",  # notice §5
    "registration_place",  # notice §1 (+ 79号)
    "contact_method",  # notice §5 定期联系
    "service_tier",  # notice §4 分级分类服务
    "aid_policy_rule",  # notice §4(五)3: which 政策清单 policies a record qualifies for
    "no_work_wish_reason",  # notice §4(六) 暂无就业愿望的原因 (this project's list)
)

_TABLE_TITLES: Final[dict[str, str]] = {
    "sex": "性别",
    "ethnicity": "民族",
    "education": "学历",
    "health": "健康状况",
    "disability_category": "残疾类别",
    "disability_grade": "残疾等级",
    "political_status": "政治面貌",
    "marital_status": "婚姻状况",
    "hukou_type": "户口性质",
    "unemployment_cause": "失业原因",
    "difficulty_category": "就业困难人员类别",
    "skill_level": "职业技能等级",
    "deregistration_reason": "注销原因",
    "registration_place": "登记地类别",
    "contact_method": "联系方式",
    "service_tier": "服务等级",
    "aid_policy_rule": "扶持政策条件",
    "no_work_wish_reason": "暂无就业愿望原因",
}

_RESERVED_COLUMNS: Final = ("code", "label", "parent", "active")
# A table downloaded from the central database (docs/sync.md "Regions and code tables") is
# written as <name>.csv into this folder and then preferred to the shipped file.
_override: dict[str, Path | None] = {"folder": None}


class CodeTableError(DomainError):
    """A code table file is missing or malformed."""


class UnknownCodeTableError(CodeTableError):
    """No code table has the requested name."""


class UnknownCodeError(DomainError):
    """A code is not in its table."""


@dataclass(frozen=True)
class Code:
    """One entry of a code table; `extra` holds the table's other columns (e.g. notify).

    `active` is False for a code the province has retired: old records still show its label,
    new input may not choose it (CodeTable keeps it out of `in` and iteration).
    """

    code: str
    label: str
    parent: str | None
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    active: bool = True


class CodeTable:
    """An ordered, read-only code table.

    Iteration, `len`, `in`, `items()` and `children()` see the codes in use; `get()` and
    `label()` also find retired ones, so a record made before a code was retired stays readable.
    """

    def __init__(self, name: str, title: str, items: tuple[Code, ...]) -> None:
        self.name = name
        self.title = title
        self._items = tuple(item for item in items if item.active)
        self._by_code = {item.code: item for item in items}

    def __repr__(self) -> str:
        return f"CodeTable({self.name!r}, {len(self._items)} codes)"

    def __contains__(self, code: object) -> bool:
        item = self._by_code.get(code) if isinstance(code, str) else None
        return item is not None and item.active

    def __iter__(self) -> Iterator[Code]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> tuple[Code, ...]:
        """The codes in use, in file order."""
        return self._items

    def get(self, code: str) -> Code | None:
        """The entry for `code`, or None."""
        return self._by_code.get(code)

    def label(self, code: str) -> str:
        """Chinese label of `code`; raises UnknownCodeError for a code not in the table."""
        item = self._by_code.get(code)
        if item is None:
            raise UnknownCodeError(f"{self.title}代码“{code}”不存在")
        return item.label

    def children(self, parent: str | None) -> tuple[Code, ...]:
        """Codes whose parent is `parent` (None: the top level)."""
        return tuple(item for item in self._items if item.parent == parent)


def parse_code_table(name: str, text: str, title: str | None = None) -> CodeTable:
    """Build a table from CSV text; every problem names the table and line in Chinese."""
    title = title or _TABLE_TITLES.get(name, name)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    if header is None or header[:2] != ["code", "label"]:
        raise CodeTableError(f"代码表“{title}”的表头应以 code,label 开头")
    if len(set(header)) != len(header):
        raise CodeTableError(f"代码表“{title}”的表头有重复的列")
    parent_column = header.index("parent") if "parent" in header else None
    active_column = header.index("active") if "active" in header else None
    extra_columns = [
        (i, column) for i, column in enumerate(header) if column not in _RESERVED_COLUMNS
    ]
    items: list[Code] = []
    seen: set[str] = set()
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CodeTableError(
                f"代码表“{title}”第{line_number}行有{len(row)}列，表头有{len(header)}列"
            )
        code, label = row[0].strip(), row[1].strip()
        if not code or not label:
            raise CodeTableError(f"代码表“{title}”第{line_number}行缺少代码或名称")
        if code in seen:
            raise CodeTableError(f"代码表“{title}”第{line_number}行的代码“{code}”重复")
        seen.add(code)
        parent = None
        if parent_column is not None:
            parent = row[parent_column].strip() or None
        extra = MappingProxyType({column: row[i].strip() for i, column in extra_columns})
        active = True
        if active_column is not None:
            flag = row[active_column].strip()
            if flag not in ("", "0", "1"):
                raise CodeTableError(
                    f"代码表“{title}”第{line_number}行的启用标记应为1或0，现为“{flag}”"
                )
            active = flag != "0"
        items.append(Code(code=code, label=label, parent=parent, extra=extra, active=active))
    for item in items:
        if item.parent is not None and item.parent not in seen:
            raise CodeTableError(f"代码表“{title}”中代码“{item.code}”的上级“{item.parent}”不存在")
    if not items:
        raise CodeTableError(f"代码表“{title}”是空的")
    return CodeTable(name, title, tuple(items))


def use_override_folder(folder: Path | None) -> None:
    """Prefer `folder`/<name>.csv (the central's tables, written by the sync) to the shipped
    files from now on; None: the shipped files only. Tables already loaded are dropped."""
    _override["folder"] = folder
    code_table.cache_clear()


def override_folder() -> Path | None:
    """The folder given to use_override_folder, if any."""
    return _override["folder"]


def reload_code_tables() -> None:
    """Read the tables again on next use (after a sync wrote new override files)."""
    code_table.cache_clear()


def _override_table(name: str) -> CodeTable | None:
    folder = _override["folder"]
    if folder is None:
        return None
    path = folder / f"{name}.csv"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        _log.warning("code table override %s unreadable, shipped table used: %s", path, error)
        return None
    try:
        return parse_code_table(name, text)
    except CodeTableError as error:
        # The sync checks a table before writing it, so only a damaged file gets here: the
        # shipped table keeps the counter working.
        _log.warning("code table override %s malformed, shipped table used: %s", path, error)
        return None


def bundled_code_table_text(name: str) -> str:
    """The shipped CSV text of code table `name` (what the central is seeded with)."""
    if name not in TABLE_NAMES:
        raise UnknownCodeTableError(f"没有名为“{name}”的代码表")
    resource = resources.files("desktop.domain") / "data" / f"{name}.csv"
    try:
        return resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CodeTableError(f"无法读取代码表“{_TABLE_TITLES[name]}”：{error}") from error


@functools.cache
def code_table(name: str) -> CodeTable:
    """Code table `name` (one of TABLE_NAMES), loaded once: the central's version when the
    sync has downloaded one (use_override_folder), else the shipped one."""
    if name not in TABLE_NAMES:
        raise UnknownCodeTableError(f"没有名为“{name}”的代码表")
    downloaded = _override_table(name)
    if downloaded is not None:
        return downloaded
    return parse_code_table(name, bundled_code_table_text(name))
