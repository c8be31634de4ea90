"""Settings shared by the widget tests."""

from __future__ import annotations

from pathlib import Path

import pytest

# The offscreen platform plugin (QT_QPA_PLATFORM=offscreen) reports this whenever a top-level
# widget's size constraints change; it is a limit of the test platform, not a fault of ours.
# Better set once as `qt_log_ignore` in pyproject.toml; until then, applied to this folder.
OFFSCREEN_PLUGIN_NOTICE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_PLUGIN_NOTICE))
