"""Fixtures of the devices tests: a running emulated ID-card reader (pty or socket), fake SDKs."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.emulators.idcard_reader import DemoCard, IdCardReaderEmulator, demo_cards
from devices.emulators.lines import PTY
from devices.mps.serial_reader import MpsSerialReader

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEST_TIMEOUT_S = 0.5  # per reply: short, so that timeout and corrupted-frame tests stay quick


@pytest.fixture
def cards() -> dict[str, DemoCard]:
    return demo_cards()


StartEmulator = Callable[[str], IdCardReaderEmulator]


@pytest.fixture
def start_emulator(tmp_path: Path) -> Iterator[StartEmulator]:
    """start_emulator(transport): a running emulator on "pty" (behind the stable symlink
    tmp_path/ttyIDCARD) or "tcp" (its socket:// URL is as stable: the port is kept across
    stop/start). Stopped at the end of the test."""
    started: list[IdCardReaderEmulator] = []

    def start(transport: str) -> IdCardReaderEmulator:
        link_path = tmp_path / "ttyIDCARD" if transport == PTY else None
        emulator = IdCardReaderEmulator(transport=transport, link_path=link_path)
        started.append(emulator)
        return emulator.start()

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(start_emulator: StartEmulator) -> IdCardReaderEmulator:
    """A running emulator on a pty, reachable at a stable symlink (survives stop/start)."""
    return start_emulator(PTY)


@pytest.fixture
def reader(emulator: IdCardReaderEmulator) -> Iterator[MpsSerialReader]:
    """An opened MPS serial reader talking to `emulator`."""
    reader = MpsSerialReader(emulator.port, timeout_s=TEST_TIMEOUT_S)
    reader.open()
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def compile_shared_library(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """Build a small C shared library (a fake vendor SDK) with gcc; skip where gcc is absent."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("需要 gcc 来编译模拟的厂商库")
    folder = tmp_path_factory.mktemp("fake_libs")

    def build(file_name: str, source: str) -> Path:
        source_path = folder / (file_name + ".c")
        source_path.write_text(source, encoding="utf-8")
        library = folder / file_name
        subprocess.run(
            [compiler, "-shared", "-fPIC", "-o", str(library), str(source_path)],
            check=True,
            capture_output=True,
        )
        return library

    return build
