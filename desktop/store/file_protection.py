"""The local database at rest: only the counter's OS account may read it (docs/security.md).

dengji does not encrypt the SQLite file (SQLCipher was evaluated: docs/security.md says why
not); the protection is the operating system's. The database lives in the per-user data folder
(platformdirs: %LOCALAPPDATA% on Windows, whose ACL admits only that user and the
administrators; ~/.local/share on Linux), and on POSIX systems every file of it is made 0600
and a folder dengji creates 0700, checked at every start: a copy that another user could read
is tightened, and a database owned by another user is refused (it may have been planted).
Full-disk encryption (BitLocker, LUKS) is the deployment's part, for a stolen disk.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

from desktop.store.errors import StoreError

_log = logging.getLogger(__name__)

FILE_MODE = 0o600
FOLDER_MODE = 0o700
SIDECAR_SUFFIXES = ("", "-wal", "-shm", "-journal", ".lock")


class DatabaseNotProtectedError(StoreError):
    """The database file belongs to another OS account, or cannot be made private."""


def applies_here() -> bool:
    """POSIX permission bits mean something here (not on Windows, where ACLs do the job)."""
    return sys.platform != "win32"


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and missing parents) readable by this OS account only; an existing
    folder is left as it is (it may be shared, like /tmp, and its files are private)."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True)  # a file in the way raises, as it should
    if applies_here():
        os.chmod(folder, FOLDER_MODE)


def protect_database_files(path: Path) -> list[Path]:
    """Make the database and its sidecar files (-wal, -shm, .lock) private to this account;
    the files whose permissions were tightened. Raises DatabaseNotProtectedError when one
    belongs to another account."""
    if not applies_here():
        return []
    tightened = []
    uid = os.geteuid()
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(path.name + suffix)
        try:
            info = candidate.stat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if info.st_uid != uid and uid != 0:
            raise DatabaseNotProtectedError(
                f"数据库文件 {candidate} 属于其他系统账户（uid {info.st_uid}），"
                "为保护个人信息不予打开；请由技术人员核实后处理"
            )
        if stat.S_IMODE(info.st_mode) & 0o077:
            try:
                os.chmod(candidate, FILE_MODE)
            except OSError as error:
                raise DatabaseNotProtectedError(
                    f"无法将数据库文件 {candidate} 设为仅本账户可读：{error.strerror}"
                ) from error
            _log.warning("数据库文件 %s 的权限过宽（%o），已改为 600", candidate, info.st_mode)
            tightened.append(candidate)
    return tightened


def create_private_file(path: Path) -> None:
    """Create an empty file readable by this account only, unless it exists (SQLite then
    gives its -wal and -shm files the same permissions as the database)."""
    if path.exists() or not applies_here():
        return
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)
