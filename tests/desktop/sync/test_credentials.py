"""The central password: in the keyring when one works, else a file only its user may read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from desktop.sync.connection import parse_central_url
from desktop.sync.credentials import (
    KEYRING_SERVICE,
    CredentialStore,
    credential_account,
    default_fallback_path,
)
from desktop.sync.errors import CredentialsError


class MemoryKeyring(KeyringBackend):
    """A real keyring backend (keyring's own base class) that keeps secrets in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise PasswordDeleteError(username)
        del self.secrets[(service, username)]


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but refuses (a locked Secret Service collection)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("collection is locked")


ACCOUNT = credential_account(parse_central_url("postgresql://dengji_c1@10.62.1.5:5432/dengji"))


def test_the_account_names_role_server_and_database() -> None:
    assert ACCOUNT == "dengji_c1@10.62.1.5:5432/dengji"


def test_a_working_keyring_keeps_the_password_and_no_file_is_written(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    store = CredentialStore(keyring_backend=keyring, fallback_path=tmp_path / "c.json")
    where = store.save(ACCOUNT, "s3cret")
    assert where.kind == "keyring"
    assert keyring.secrets == {(KEYRING_SERVICE, ACCOUNT): "s3cret"}
    assert not (tmp_path / "c.json").exists()
    assert store.load(ACCOUNT) == "s3cret"
    store.delete(ACCOUNT)
    assert store.load(ACCOUNT) is None


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
@pytest.mark.parametrize("locked", [False, True], ids=["no keyring", "locked keyring"])
def test_without_a_keyring_the_password_goes_to_a_private_file(
    tmp_path: Path, locked: bool
) -> None:
    backend = LockedKeyring() if locked else keyring_backends_fail()
    path = tmp_path / "cfg" / "central-credentials.json"
    store = CredentialStore(keyring_backend=backend, fallback_path=path)
    where = store.save(ACCOUNT, "s3cret")
    assert where.kind == "file"
    assert "仅当前用户可读" in where.describe()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert store.load(ACCOUNT) == "s3cret"
    store.save("other@host/db", "x")
    assert store.load(ACCOUNT) == "s3cret"
    store.delete(ACCOUNT)
    assert store.load(ACCOUNT) is None
    assert store.load("other@host/db") == "x"


def keyring_backends_fail() -> KeyringBackend:
    from keyring.backends.fail import Keyring

    return Keyring()


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_a_password_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "central-credentials.json"
    store = CredentialStore(keyring_backend=keyring_backends_fail(), fallback_path=path)
    store.save(ACCOUNT, "s3cret")
    path.chmod(0o644)
    with pytest.raises(CredentialsError, match="权限过宽"):
        store.load(ACCOUNT)


def test_a_damaged_password_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "central-credentials.json"
    path.write_text("{not json", encoding="utf-8")
    path.chmod(0o600)
    store = CredentialStore(keyring_backend=keyring_backends_fail(), fallback_path=path)
    with pytest.raises(CredentialsError, match="已损坏"):
        store.load(ACCOUNT)


def test_moving_to_a_keyring_forgets_the_file_copy(tmp_path: Path) -> None:
    path = tmp_path / "central-credentials.json"
    CredentialStore(keyring_backend=keyring_backends_fail(), fallback_path=path).save(
        ACCOUNT, "old"
    )
    keyring = MemoryKeyring()
    CredentialStore(keyring_backend=keyring, fallback_path=path).save(ACCOUNT, "new")
    assert "old" not in path.read_text(encoding="utf-8")


def test_the_fallback_path_can_be_moved_by_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DENGJI_CREDENTIALS_FILE", str(tmp_path / "x.json"))
    assert default_fallback_path() == tmp_path / "x.json"
    monkeypatch.delenv("DENGJI_CREDENTIALS_FILE")
    assert default_fallback_path().name == "central-credentials.json"
