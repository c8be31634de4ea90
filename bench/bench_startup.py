"""Start-up time: a bare PySide6 window against the dengji client, each from process start.

    .venv/bin/python -m bench.bench_startup [--db PATH] [--runs N] [--persons N]

Each run is a fresh process. The parent times from just before it starts the process until the
child prints "shown" — which the child does once its window has been exposed and the first
paint processed (FirstPaintWatcher in desktop/ui/app.py, DENGJI_EXIT_AFTER_SHOWN=1). Without
--db (or DENGJI_BENCH_DB) a temporary demo database is built first with the demo-data use case.
Target: dengji ≤ 2 × the bare window (median).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.0

# The same first-paint rule as the client: the window's first Paint event, then one more
# event-loop pass so the whole first repaint has been processed.
BARE_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Watcher(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "fired"):
            self.fired = True
            QTimer.singleShot(0, report)
        return False

def report():
    print("shown", flush=True)
    app.quit()

app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1366, 768)
watcher = Watcher(window)
window.installEventFilter(watcher)
window.show()
sys.exit(app.exec())
"""

# The path a clerk's start takes: the `dengji` command with its argument parsing and the
# configuration file lookup (DENGJI_CONFIG below names no file: the standalone demo counter).
DENGJI_CLIENT = """
import sys
from desktop.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""


def time_until_shown(code: str, *args: str) -> tuple[float, float | None]:
    """Seconds from process start (as seen by the parent) to the child's "shown" line, and to
    its "ready" line (the client's database open and searchable; None for the bare window)."""
    environ = os.environ | {
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "DENGJI_EXIT_AFTER_SHOWN": "1",
        "DENGJI_LANG": "zh",
        "DENGJI_CONFIG": str(REPO / "bench" / "no-such-config.toml"),
    }
    # A counter PC runs from compiled bytecode (the installed bundle ships it; a source tree
    # writes __pycache__ on the first start). This sandbox sets PYTHONDONTWRITEBYTECODE, which
    # would make every measured start re-compile each module of the client from source.
    environ.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    shown = time.perf_counter() - started
    ready_line = child.stdout.readline()
    ready = time.perf_counter() - started if ready_line.startswith("ready") else None
    _, stderr = child.communicate(timeout=60)
    if not line.startswith("shown") or child.returncode != 0:
        raise RuntimeError(f"窗口未能显示（退出码 {child.returncode}）：{line!r} {stderr[-2000:]}")
    return shown, ready


def build_demo_database(directory: Path, persons: int) -> Path:
    """A demo database with `persons` people, built through the demo-data use case."""
    from desktop.config import Config
    from desktop.services.demo import fill_demo_data
    from desktop.store.db import open_store

    path = directory / "bench-startup.sqlite3"
    store = open_store(path)
    try:
        summary = fill_demo_data(store, Config(), persons=persons, seed=7)
    finally:
        store.close()
    print(
        f"演示数据库：{summary.persons} 人，{summary.events} 条事件，用时 {summary.seconds:.1f} 秒"
    )
    return path


def main(argv: list[str] | None = None) -> None:
    """Print the figures; `argv` are this script's options (none when run by `python -m bench`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=os.environ.get("DENGJI_BENCH_DB"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--persons", type=int, default=2000)
    options = parser.parse_args(argv or [])

    with tempfile.TemporaryDirectory() as scratch:
        database = options.db or build_demo_database(Path(scratch), options.persons)
        size_mb = Path(database).stat().st_size / 1e6
        # One unmeasured start of each warms the file cache, as a counter PC's would be.
        time_until_shown(BARE_WINDOW)
        time_until_shown(DENGJI_CLIENT, str(database))
        bare: list[float] = []
        client: list[float] = []
        client_ready: list[float] = []
        for _ in range(options.runs):  # interleaved, so drift affects both alike
            bare.append(time_until_shown(BARE_WINDOW)[0])
            shown, ready = time_until_shown(DENGJI_CLIENT, str(database))
            client.append(shown)
            if ready is not None:
                client_ready.append(ready)

    bare_median = statistics.median(bare)
    client_median = statistics.median(client)
    ratio = client_median / bare_median
    print(f"数据库：{database}（{size_mb:.1f} MB），每项 {options.runs} 次")
    print(
        f"bare PySide6 window shown:  median {bare_median * 1000:6.0f} ms  "
        f"(min {min(bare) * 1000:.0f}, max {max(bare) * 1000:.0f})"
    )
    print(
        f"dengji client shown:        median {client_median * 1000:6.0f} ms  "
        f"(min {min(client) * 1000:.0f}, max {max(client) * 1000:.0f})"
    )
    if client_ready:
        print(
            f"dengji database open, search usable: median "
            f"{statistics.median(client_ready) * 1000:6.0f} ms"
        )
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"ratio dengji / bare: {ratio:.2f}  (target ≤ {TARGET_RATIO:.0f}×: {verdict})")


if __name__ == "__main__":
    main(sys.argv[1:])
