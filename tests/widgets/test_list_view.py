"""The read-only list view the pages share."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QWidget

from widgets.list_view import read_only_list_view


def test_rows_are_selected_whole_one_at_a_time_and_never_edited(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    view = read_only_list_view(parent, "someList")
    assert view.objectName() == "someList" and view.parent() is parent
    assert view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert view.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert view.verticalHeader().isHidden() and not view.wordWrap()
    from PySide6.QtGui import QStandardItemModel

    view.setModel(QStandardItemModel(3, 2, view))
    header = view.horizontalHeader()
    assert header.stretchLastSection()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive
    assert read_only_list_view(parent, "wrapped", word_wrap=True).wordWrap()
