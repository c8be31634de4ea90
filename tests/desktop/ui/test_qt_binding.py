"""The installed PySide6 keeps Python's reference counts right (6.12.0 on Python 3.11 did not)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel

CALLS = 1000


def test_calls_returning_none_do_not_drop_references_to_none(qtbot) -> None:
    """PySide6 6.12.0 under Python 3.11 returned None from every void call without a new
    reference: None's count fell by one per call until the interpreter aborted (none_dealloc).
    Python 3.12+ hides this (None is immortal), so the check matters only below 3.12."""
    label = QLabel()
    qtbot.addWidget(label)
    app = QApplication.instance()
    assert app is not None
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("登记")
        app.processEvents()
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 10, (
        f"每次调用丢失一个 None 引用（{lost}/{CALLS}）：请换用其他 PySide6 版本"
    )
