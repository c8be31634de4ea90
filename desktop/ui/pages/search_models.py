"""Table models of the search page: people found, and one person's registration history."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QCoreApplication, Qt

from widgets.row_table_model import Column, RowTableModel

if TYPE_CHECKING:
    from desktop.store.queries import HistoryEntry, PersonHit

PERSON_ID_ROLE = Qt.ItemDataRole.UserRole + 1
# Digits kept visible at each end of a phone number: 138****1234 (a mobile keeps 3 + 4).
_PHONE_HEAD = 3
_PHONE_TAIL = 4
# An 18-character (or legacy 15-digit) ID number inside free text, e.g. an event summary.
_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def registration_status_label(status: str | None) -> str:
    """The Chinese name of a registration's status code (see the workflow in domain.md §8)."""
    labels = {
        "applied": QCoreApplication.translate("SearchModels", "已受理待核实"),
        "verified": QCoreApplication.translate("SearchModels", "已核实"),
        "registered": QCoreApplication.translate("SearchModels", "已登记"),
        "rejected": QCoreApplication.translate("SearchModels", "不予登记"),
        "deregistered": QCoreApplication.translate("SearchModels", "已注销"),
    }
    if status is None:
        return QCoreApplication.translate("SearchModels", "无登记记录")
    return labels.get(status, status)


def mask_phone_number(phone: str | None) -> str:
    """A phone number with its middle hidden: 13812341234 → 138****1234; short numbers keep
    only their last two digits."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= _PHONE_HEAD + _PHONE_TAIL + 1:
        hidden = len(digits) - _PHONE_HEAD - _PHONE_TAIL
        return digits[:_PHONE_HEAD] + "*" * hidden + digits[-_PHONE_TAIL:]
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def sex_label(code: str | None) -> str:
    """GB/T 2261.1 sex code as its Chinese name ("" when unknown)."""
    from desktop.domain.codes import code_table  # on first use, like mask_id_number below

    if not code:
        return ""
    entry = code_table("sex").get(code)
    return entry.label if entry is not None else code


def region_label(code: str | None) -> str:
    """A region code as its name without "甘肃省" (every counter is in Gansu; other provinces
    keep their name); an unknown code is shown as is, so nothing is hidden."""
    from desktop.domain.regions import GANSU, region_name  # on first use: a CSV is read

    if not code:
        return ""
    name = region_name(code)
    if name is None:
        return code
    province = region_name(GANSU) or ""
    shortened = name.removeprefix(province) if province else name
    return shortened or name


def mask_id_number(number: str) -> str:
    """desktop.domain.idnumbers.mask_id_number, imported on first use: that module builds
    lookup tables (~25 ms) the first paint of the window does not need. (The domain modules
    this page uses are all imported where first used, for the same reason.)"""
    from desktop.domain.idnumbers import mask_id_number as mask

    return mask(number)


def mask_id_numbers_in_text(text: str) -> str:
    """Free text with every ID number in it masked (the history summary of a new person record
    names the number; the screen shows it masked like everywhere else)."""
    return _ID_NUMBER_IN_TEXT.sub(lambda match: mask_id_number(match.group(0)), text)


def format_wall_time(moment: dt.datetime | str | None) -> str:
    """An event's wall-clock time in the counter's local time, to the minute."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


class _ShownRow(NamedTuple):
    """A row's display strings, and the identifier behind it (person id or event HLC)."""

    texts: tuple[str, ...]
    key: str


class _RowsModel(RowTableModel[_ShownRow]):
    """A read-only table whose rows are precomputed tuples of display strings."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        columns = [
            Column(header, partial(self._shown_text, column))
            for column, header in enumerate(headers)
        ]
        super().__init__(columns, parent)

    @staticmethod
    def _shown_text(column: int, row: _ShownRow) -> str:
        return row.texts[column]

    def tooltip(self, row: _ShownRow, column: int) -> str | None:
        return self.text(row, column)

    def role_data(self, row: _ShownRow, column: int, role: int) -> Any:
        return row.key if role == PERSON_ID_ROLE else None

    def key_at(self, row: int) -> str | None:
        """The identifier behind a row (person id or event HLC)."""
        shown = self.row_at(row)
        return shown.key if shown is not None else None

    def _replace_rows(self, rows: Sequence[tuple[str, ...]], keys: list[str]) -> None:
        self.set_rows(_ShownRow(texts, key) for texts, key in zip(rows, keys, strict=True))


class PersonHitsModel(_RowsModel):
    """People found by a search; ID and phone numbers are shown masked."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                QCoreApplication.translate("SearchModels", "姓名"),
                QCoreApplication.translate("SearchModels", "证件号码"),
                QCoreApplication.translate("SearchModels", "性别"),
                QCoreApplication.translate("SearchModels", "出生日期"),
                QCoreApplication.translate("SearchModels", "联系电话"),
                QCoreApplication.translate("SearchModels", "常住地"),
                QCoreApplication.translate("SearchModels", "登记编号"),
                QCoreApplication.translate("SearchModels", "登记状态"),
            ],
            parent,
        )
        self._hits: list[PersonHit] = []

    def set_hits(self, hits: Sequence[PersonHit]) -> None:
        """Show these people, in the order given."""
        self._hits = list(hits)
        rows = [
            (
                hit.name,
                mask_id_number(hit.id_number),
                sex_label(hit.sex),
                hit.birth_date.isoformat() if hit.birth_date else "",
                mask_phone_number(hit.phone),
                region_label(hit.residence_region),
                hit.registration_number or "",
                registration_status_label(hit.registration_status),
            )
            for hit in self._hits
        ]
        self._replace_rows(rows, [hit.person_id for hit in self._hits])

    def hit_at(self, row: int) -> PersonHit | None:
        """The search hit shown in `row`."""
        return self._hits[row] if 0 <= row < len(self._hits) else None


class HistoryModel(_RowsModel):
    """One person's events (newest first, as person_history gives them): when, what, which
    registration, who, and a summary with ID numbers masked."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                QCoreApplication.translate("SearchModels", "时间"),
                QCoreApplication.translate("SearchModels", "事项"),
                QCoreApplication.translate("SearchModels", "登记编号"),
                QCoreApplication.translate("SearchModels", "经办人"),
                QCoreApplication.translate("SearchModels", "摘要"),
            ],
            parent,
        )

    def set_entries(self, entries: Sequence[HistoryEntry]) -> None:
        """Show these history entries, in the order given."""
        rows = [
            (
                format_wall_time(entry.wall_time),
                entry.kind_label,
                entry.registration_number or "",
                entry.clerk_id,
                mask_id_numbers_in_text(entry.summary),
            )
            for entry in entries
        ]
        self._replace_rows(rows, [entry.hlc for entry in entries])
