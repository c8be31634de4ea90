"""The counter's central-database password: in the OS keyring, else a file only its user reads.

design.md "Sync": credentials live in the OS keyring (Windows Credential Manager, macOS
Keychain, the Secret Service of a Linux desktop). A counter PC without a keyring service (a
Linux kiosk session with no gnome-keyring or KWallet running, a headless sync service) gets
the documented fallback of docs/sync.md "Credentials": a JSON file in the user's private
configuration folder, mode 0600 in a 0700 folder, refused when others may read it.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.sync.connection import CentralAddress
from desktop.sync.errors import CredentialsError

KEYRING_SERVICE = "dengji-central"
FALLBACK_FILE_NAME = "central-credentials.json"
FALLBACK_ENV = "DENGJI_CREDENTIALS_FILE"  # another place for the fallback file (tests, services)


def credential_account(address: CentralAddress) -> str:
    """The keyring entry's user name: role@host:port/database, one per central database."""
    return f"{address.user or ''}@{address.where()}"


def default_fallback_path() -> Path:
    """$DENGJI_CREDENTIALS_FILE, else central-credentials.json in the user's config folder."""
    env = os.environ.get(FALLBACK_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("dengji", appauthor=False)) / FALLBACK_FILE_NAME


@dataclass(frozen=True)
class StoredWhere:
    """Where a password went: "keyring" (with the backend's name) or "file" (with its path)."""

    kind: str
    detail: str

    def describe(self) -> str:
        """In Chinese, for the administrator's command output."""
        if self.kind == "keyring":
            return f"系统密钥环（{self.detail}）"
        return f"仅当前用户可读的文件 {self.detail}（本机没有可用的系统密钥环）"


def _usable_keyring(backend: Any) -> Any:
    """The keyring backend, or None when it cannot store anything (keyring's fail/null
    backends, or a chainer with no backend under it)."""
    if backend is None:
        import keyring

        backend = keyring.get_keyring()
    try:
        priority = float(getattr(backend, "priority", 1))
    except Exception:  # a backend whose priority check fails is unusable
        return None
    if priority <= 0:
        return None
    module = type(backend).__module__
    if module.endswith((".fail", ".null")):
        return None
    if hasattr(backend, "backends") and not list(backend.backends):
        return None
    return backend


class CredentialStore:
    """Saves and reads the password of a counter's central account."""

    def __init__(self, *, keyring_backend: Any = None, fallback_path: Path | None = None):
        self._keyring_backend = keyring_backend
        self._fallback_path = fallback_path

    @property
    def fallback_path(self) -> Path:
        """The fallback file this store uses when no keyring works."""
        return self._fallback_path or default_fallback_path()

    def _keyring(self) -> Any:
        return _usable_keyring(self._keyring_backend)

    def save(self, account: str, password: str) -> StoredWhere:
        """Store `password` under `account`; the keyring when it works, else the file."""
        backend = self._keyring()
        if backend is not None:
            try:
                backend.set_password(KEYRING_SERVICE, account, password)
            except Exception:  # any keyring failure falls back to the file
                pass
            else:
                self._forget_in_file(account)
                return StoredWhere("keyring", type(backend).__name__)
        entries = self._read_file()
        entries[account] = password
        self._write_file(entries)
        return StoredWhere("file", str(self.fallback_path))

    def load(self, account: str) -> str | None:
        """The password of `account`, or None when none is stored anywhere."""
        backend = self._keyring()
        if backend is not None:
            try:
                found = backend.get_password(KEYRING_SERVICE, account)
            except Exception:  # an unreadable keyring: try the file
                found = None
            if found is not None:
                return str(found)
        return self._read_file().get(account)

    def delete(self, account: str) -> None:
        """Forget the password of `account` wherever it is."""
        backend = self._keyring()
        if backend is not None:
            with contextlib.suppress(Exception):
                backend.delete_password(KEYRING_SERVICE, account)
        self._forget_in_file(account)

    # -- the fallback file ------------------------------------------------------------------

    def _forget_in_file(self, account: str) -> None:
        if not self.fallback_path.exists():
            return
        entries = self._read_file()
        if entries.pop(account, None) is not None:
            self._write_file(entries)

    def _read_file(self) -> dict[str, str]:
        path = self.fallback_path
        try:
            info = path.stat()
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise CredentialsError(f"无法读取密码文件 {path}：{error.strerror}") from error
        if sys.platform != "win32":
            # Like ssh with a private key: a password file others can read is not used.
            if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise CredentialsError(
                    f"密码文件 {path} 的权限过宽（其他用户可读），已拒绝使用；"
                    f"请执行 chmod 600 {path}，或重新开通窗口账号"
                )
            if info.st_uid != os.getuid():
                raise CredentialsError(f"密码文件 {path} 不属于当前用户，已拒绝使用")
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CredentialsError(f"密码文件 {path} 无法读取或已损坏") from error
        if not isinstance(entries, dict):
            raise CredentialsError(f"密码文件 {path} 已损坏")
        return {str(key): str(value) for key, value in entries.items()}

    def _write_file(self, entries: dict[str, str]) -> None:
        path = self.fallback_path
        temporary: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(prefix=".dengji-", dir=path.parent)
            # mkstemp creates the file 0600 already; chmod in case a umask or ACL differs.
            os.chmod(temporary, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(entries, file, ensure_ascii=False, indent=1)
            os.replace(temporary, path)
            temporary = None
        except OSError as error:
            raise CredentialsError(f"无法写入密码文件 {path}：{error.strerror or error}") from error
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
