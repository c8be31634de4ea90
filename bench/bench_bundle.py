"""Start-up of the PyInstaller bundle (make dist) against the client run from the source tree.

    .venv/bin/python -m bench.bench_bundle [--bundle dist/dengji] [--runs N] [--persons N]

The same measurement as bench/bench_startup.py: each run is a fresh process, timed by the
parent from just before it starts the process until the child prints "shown" (its window
exposed and first paint processed, DENGJI_EXIT_AFTER_SHOWN=1). Both start as `dengji --db
PATH` on the same demo database, with an empty configuration folder. Also prints the bundle's
size on disk and the .deb's. Targets: bundle < 250 MB, start-up ≤ 1.5 × the source tree's.
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

from bench.bench_startup import build_demo_database

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.5
TARGET_SIZE_MB = 250


def time_until_shown(command: list[str], environ: dict[str, str]) -> float:
    """Seconds from process start (as seen by the parent) to the child's "shown" line."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=REPO, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    shown = time.perf_counter() - started
    _, stderr = child.communicate(timeout=60)
    if not line.startswith("shown") or child.returncode != 0:
        raise RuntimeError(f"窗口未能显示（退出码 {child.returncode}）：{line!r} {stderr[-2000:]}")
    return shown


def folder_size_mb(folder: Path) -> float:
    """Bytes on disk (as du counts them) of every file under `folder`, in MB."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*")) / 1e6


def main(argv: list[str] | None = None) -> None:
    """Print the figures; `argv` are this script's options (none when run by `python -m bench`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=REPO / "dist" / "dengji")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--persons", type=int, default=2000)
    options = parser.parse_args(argv or [])
    executable = options.bundle / ("dengji.exe" if sys.platform == "win32" else "dengji")
    if not executable.exists():
        print(f"未找到 {executable}：请先运行 make dist")
        return

    with tempfile.TemporaryDirectory() as scratch:
        database = build_demo_database(Path(scratch), options.persons)
        environ = os.environ | {
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "DENGJI_EXIT_AFTER_SHOWN": "1",
            "DENGJI_LANG": "zh",
            "XDG_CONFIG_HOME": str(Path(scratch) / "config"),  # no configuration file
        }
        environ.pop("DENGJI_CONFIG", None)
        from_source = [sys.executable, "-m", "desktop.cli", "--db", str(database)]
        bundled = [str(executable), "--db", str(database)]
        # One unmeasured start of each warms the file cache, as a counter PC's would be.
        time_until_shown(from_source, environ)
        time_until_shown(bundled, environ)
        source_times: list[float] = []
        bundle_times: list[float] = []
        for _ in range(options.runs):  # interleaved, so drift affects both alike
            source_times.append(time_until_shown(from_source, environ))
            bundle_times.append(time_until_shown(bundled, environ))

    size = folder_size_mb(options.bundle)
    debs = sorted(options.bundle.parent.glob("dengji_*.deb"))
    source_median = statistics.median(source_times)
    bundle_median = statistics.median(bundle_times)
    ratio = bundle_median / source_median
    print(f"bundle {options.bundle}: {size:.0f} MB on disk (target < {TARGET_SIZE_MB} MB)")
    for deb in debs:
        print(f"package {deb.name}: {deb.stat().st_size / 1e6:.1f} MB")
    print(
        f"client from source shown:  median {source_median * 1000:6.0f} ms  "
        f"(min {min(source_times) * 1000:.0f}, max {max(source_times) * 1000:.0f})"
    )
    print(
        f"client from bundle shown:  median {bundle_median * 1000:6.0f} ms  "
        f"(min {min(bundle_times) * 1000:.0f}, max {max(bundle_times) * 1000:.0f})"
    )
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"ratio bundle / source: {ratio:.2f}  (target ≤ {TARGET_RATIO}×: {verdict})")


if __name__ == "__main__":
    main(sys.argv[1:])
