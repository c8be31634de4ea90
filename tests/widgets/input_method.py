"""Typing text the way a Chinese input method delivers it, for widget tests."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QWidget


def commit_from_input_method(widget: QWidget, text: str) -> None:
    """Deliver `text` as one input-method commit, as a pinyin IME does when a word is chosen.

    QTest key clicks carry only Latin-1 characters; Chinese and full-width text reaches a real
    widget this way.
    """
    event = QInputMethodEvent()
    event.setCommitString(text)
    QCoreApplication.sendEvent(widget, event)
