"""Refresh the English translation: `python -m desktop.ui.i18n.update` (lupdate, then lrelease).

lupdate merges new source strings into dengji_en.ts and keeps existing translations; translate
the new entries (Qt Linguist, or by hand), then run this again to build dengji_en.qm.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

I18N_DIR = Path(__file__).resolve().parent
REPO = I18N_DIR.parents[2]
TS_FILE = I18N_DIR / "dengji_en.ts"
QM_FILE = I18N_DIR / "dengji_en.qm"
# Every folder whose widgets show text to the clerk.
SOURCE_FOLDERS = ("desktop/ui", "widgets")


def source_files() -> list[Path]:
    """The Python files lupdate reads, in a stable order."""
    return sorted(
        path
        for folder in SOURCE_FOLDERS
        for path in (REPO / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def qt_tool(name: str) -> str:
    """Path of a PySide6 command-line tool (pyside6-lupdate, pyside6-lrelease)."""
    beside_python = Path(sys.executable).with_name(name)
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"找不到 {name}，请先安装 PySide6")
    return found


def run_lupdate(ts_file: Path = TS_FILE) -> None:
    """Merge the current source strings into `ts_file` (kept translations, dropped obsolete)."""
    subprocess.run(
        [
            qt_tool("pyside6-lupdate"),
            "-silent",
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            "en_US",
            "-source-language",
            "zh_CN",
            *[str(path) for path in source_files()],
            "-ts",
            str(ts_file),
        ],
        check=True,
    )


def run_lrelease(ts_file: Path = TS_FILE, qm_file: Path = QM_FILE) -> None:
    """Compile `ts_file` into the binary `qm_file` the application loads."""
    subprocess.run(
        [qt_tool("pyside6-lrelease"), "-silent", str(ts_file), "-qm", str(qm_file)], check=True
    )


def main() -> None:
    run_lupdate()
    run_lrelease()
    print(f"已更新 {TS_FILE.relative_to(REPO)} 和 {QM_FILE.relative_to(REPO)}")


if __name__ == "__main__":
    main()
