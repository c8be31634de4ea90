"""RowTableModel: columns from functions, whole-row colours and hooks, row removal, Qt's rules."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from widgets.row_table_model import Column, RowTableModel

QtTest = pytest.importorskip("PySide6.QtTest")
REPO = Path(__file__).resolve().parents[2]
RED = QColor("#c62828")
PINK = QColor("#ffebee")


@dataclass(frozen=True)
class Caller:
    name: str
    number: str
    overdue: bool = False


class CallerModel(RowTableModel[Caller]):
    """A model as the pages write one: overdue rows red on pink, the name bold, a tooltip."""

    def __init__(self) -> None:
        super().__init__(
            [
                Column("姓名", lambda caller: caller.name),
                Column("登记编号", lambda caller: caller.number, Qt.AlignmentFlag.AlignRight),
            ]
        )

    def foreground(self, row: Caller) -> QColor | None:
        return RED if row.overdue else None

    def background(self, row: Caller) -> QColor | None:
        return PINK if row.overdue else None

    def bold(self, row: Caller, column: int) -> bool:
        return row.overdue and column == 0

    def tooltip(self, row: Caller, column: int) -> str | None:
        return "逾期未联系" if row.overdue else None

    def role_data(self, row: Caller, column: int, role: int) -> Any:
        return row if role == Qt.ItemDataRole.UserRole else None


PEOPLE = [
    Caller("马建国", "6201001", overdue=True),
    Caller("王芳", "6201002"),
    Caller("李强", "6201003", overdue=True),
    Caller("赵敏", "6201004", overdue=True),
    Caller("孙丽", "6201005"),
]


@pytest.fixture
def model(qtbot) -> Iterator[CallerModel]:
    """A model watched by Qt's own model tester: any broken rule is a Qt warning, and a Qt
    warning fails the test (qt_log_level_fail)."""
    model = CallerModel()
    model.set_rows(PEOPLE)
    tester = QtTest.QAbstractItemModelTester(
        model, QtTest.QAbstractItemModelTester.FailureReportingMode.Warning
    )
    yield model
    del tester


def cell(model: CallerModel, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, column), role)


def test_columns_give_headers_and_texts(model: CallerModel) -> None:
    assert (model.rowCount(), model.columnCount()) == (5, 2)
    horizontal = Qt.Orientation.Horizontal
    assert [model.headerData(c, horizontal) for c in range(2)] == ["姓名", "登记编号"]
    assert model.headerData(2, horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert cell(model, 1, 0) == "王芳"
    assert cell(model, 1, 1) == "6201002"
    assert cell(model, 0, 1, Qt.ItemDataRole.TextAlignmentRole) == Qt.AlignmentFlag.AlignRight
    assert cell(model, 0, 0, Qt.ItemDataRole.TextAlignmentRole) is None


def test_child_rows_and_invalid_indexes_give_nothing(model: CallerModel) -> None:
    parent = model.index(0, 0)
    assert model.rowCount(parent) == 0
    assert model.columnCount(parent) == 0
    assert model.data(QModelIndex()) is None
    assert model.index(9, 0).isValid() is False


def test_row_hooks_colour_and_mark_rows(model: CallerModel) -> None:
    assert cell(model, 0, 1, Qt.ItemDataRole.ForegroundRole).color() == RED
    assert cell(model, 0, 1, Qt.ItemDataRole.BackgroundRole).color() == PINK
    assert cell(model, 0, 0, Qt.ItemDataRole.FontRole).bold()
    assert cell(model, 0, 1, Qt.ItemDataRole.FontRole) is None
    assert cell(model, 0, 1, Qt.ItemDataRole.ToolTipRole) == "逾期未联系"
    assert cell(model, 0, 1, Qt.ItemDataRole.UserRole) == PEOPLE[0]
    for role in (
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
    ):
        assert cell(model, 1, 0, role) is None


def test_a_plain_model_answers_only_text() -> None:
    plain: RowTableModel[Caller] = RowTableModel([Column("姓名", lambda caller: caller.name)])
    plain.set_rows(PEOPLE[:1])
    index = plain.index(0, 0)
    assert index.data() == "马建国"
    for role in (
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.UserRole,
    ):
        assert index.data(role) is None


def test_row_at_and_rows(model: CallerModel) -> None:
    assert model.row_at(4) == PEOPLE[4]
    assert model.row_at(5) is None
    assert model.row_at(-1) is None
    shown = model.rows()
    shown.clear()
    assert model.rows() == PEOPLE


def test_remove_where_takes_out_each_run_of_rows(qtbot, model: CallerModel) -> None:
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    assert model.remove_where(lambda caller: caller.overdue) == 3

    assert removed == [(2, 3), (0, 0)]  # from the bottom, so the rows above keep their place
    assert resets == []
    assert [caller.name for caller in model.rows()] == ["王芳", "孙丽"]
    assert model.remove_where(lambda caller: caller.overdue) == 0
    assert removed == [(2, 3), (0, 0)]


def test_set_rows_with_columns_resets_once(qtbot, model: CallerModel) -> None:
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_rows(PEOPLE[:2], [Column("姓名", lambda caller: caller.name)])
    assert (model.rowCount(), model.columnCount()) == (2, 1)
    model.set_rows([])
    assert (model.rowCount(), model.columnCount()) == (0, 1)
    model.set_columns([])
    assert model.columnCount() == 0


def test_the_module_imports_no_widgets() -> None:
    """The search page's models build on it before the first paint: QtCore and QtGui only."""
    check = (
        "import sys, widgets.row_table_model; "
        "heavy = [m for m in sys.modules if m.startswith(('PySide6.QtWidgets', 'desktop'))]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", check], cwd=REPO, check=True, timeout=60)
