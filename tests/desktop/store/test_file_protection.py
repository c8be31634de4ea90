"""The local database is readable by the counter's OS account only (docs/security.md)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from desktop.store import file_protection
from desktop.store.db import open_store
from desktop.store.file_protection import DatabaseNotProtectedError, protect_database_files

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new-folder" / "dengji.sqlite3"
    with open_store(path) as store, store.session() as session:
        session.connection().exec_driver_sql("SELECT 1")
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and mode(wal) == 0o600  # SQLite copies the database's mode
    assert mode(path) == 0o600
    assert mode(path.with_name(path.name + ".lock")) == 0o600
    assert mode(path.parent) == 0o700


def test_an_existing_folder_is_left_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    open_store(tmp_path / "dengji.sqlite3").close()
    assert mode(tmp_path) == 0o755  # a shared folder (think /tmp) is not ours to change


def test_a_readable_copy_is_made_private_at_start(tmp_path: Path) -> None:
    path = tmp_path / "dengji.sqlite3"
    open_store(path).close()
    path.chmod(0o644)
    with open_store(path):
        assert mode(path) == 0o600


def test_a_database_of_another_account_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "dengji.sqlite3"
    open_store(path).close()
    owner = path.stat().st_uid
    monkeypatch.setattr(file_protection.os, "geteuid", lambda: owner + 1)
    with pytest.raises(DatabaseNotProtectedError, match="属于其他系统账户"):
        protect_database_files(path)
    with pytest.raises(DatabaseNotProtectedError):
        open_store(path)
    monkeypatch.undo()
    open_store(path).close()  # the refusal released the lock and changed nothing


def test_files_that_are_not_there_or_not_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "dengji.sqlite3-wal").mkdir()
    assert protect_database_files(tmp_path / "dengji.sqlite3") == []
    assert os.path.isdir(tmp_path / "dengji.sqlite3-wal")
