"""The core packages load no Qt (and the domain no SQLAlchemy): each module imported afresh."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# design.md "Layers and folders": these must run without Qt (servers, CLI, sync workers).
CORE_PACKAGES = ("desktop/domain", "desktop/store", "desktop/sync", "printing", "devices")
# The two modules where the core meets Qt, by design.
QT_ALLOWED = {"printing.spool", "devices.monitor"}
QT_ROOTS = ("PySide6", "shiboken6")
# Alembic migration scripts run only inside Alembic's environment, never as imports.
NOT_IMPORTABLE_FOLDERS = {"migrations"}

_PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
roots = {name.split(".")[0] for name in sys.modules}
print(json.dumps(sorted(roots)))
"""


def core_modules() -> list[str]:
    """Every module of the core packages, dotted, except the allowed Qt bridges."""
    modules = []
    for package in CORE_PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO)
            if NOT_IMPORTABLE_FOLDERS & set(relative.parts) or "__pycache__" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join(parts)
            if name not in QT_ALLOWED:
                modules.append(name)
    return modules


def _probe(module: str) -> tuple[str, list[str] | str]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, module],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if completed.returncode != 0:
        return module, completed.stderr.strip().splitlines()[-1] if completed.stderr else "?"
    return module, json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def loaded_roots() -> dict[str, list[str] | str]:
    """Top-level packages loaded by importing each core module in its own fresh interpreter."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(_probe, core_modules()))


def test_the_walk_finds_the_core_modules() -> None:
    modules = core_modules()
    assert "desktop.domain.errors" in modules
    assert "devices.card" in modules
    assert not QT_ALLOWED & set(modules)


@pytest.mark.parametrize("module", core_modules())
def test_core_module_loads_no_qt(module: str, loaded_roots: dict[str, list[str] | str]) -> None:
    roots = loaded_roots[module]
    assert isinstance(roots, list), f"{module} 无法导入：{roots}"
    assert not set(QT_ROOTS) & set(roots), f"{module} 导入了 Qt"


@pytest.mark.parametrize("module", [m for m in core_modules() if m.startswith("desktop.domain")])
def test_domain_module_loads_no_sqlalchemy(
    module: str, loaded_roots: dict[str, list[str] | str]
) -> None:
    roots = loaded_roots[module]
    assert isinstance(roots, list), f"{module} 无法导入：{roots}"
    assert "sqlalchemy" not in roots, f"{module} 导入了 SQLAlchemy"


def test_the_probe_detects_qt() -> None:
    """The check itself works: a module that does import Qt is caught."""
    _module, roots = _probe("PySide6.QtCore")
    assert isinstance(roots, list)
    assert "PySide6" in roots
