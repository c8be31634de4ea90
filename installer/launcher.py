"""Entry point of the PyInstaller bundle: the `dengji` command, as desktop.cli.main."""

from __future__ import annotations

import multiprocessing
import sys

from desktop.cli import main

# desktop/reports/consistency.py spawns worker processes only where this is set.
MULTIPROCESSING_READY = False

if __name__ == "__main__":
    # A bundled executable re-runs itself for the worker processes of the statistics check's
    # first run (desktop/reports/consistency.py); freeze_support lets those run their task.
    multiprocessing.freeze_support()
    MULTIPROCESSING_READY = True
    sys.exit(main())
