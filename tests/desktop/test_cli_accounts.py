"""`dengji accounts` and the demo accounts of `dengji demo`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.services import accounts
from desktop.store.db import open_store
from tests.desktop.services.staff import fast_password_hashing as fast_password_hashing


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DENGJI_CONFIG", str(tmp_path / "none.toml"))  # the demo counter
    return tmp_path / "counter.sqlite3"


def one_time_password(output: str) -> str:
    return output.split("一次性初始密码：" if "初始" in output else "一次性密码：", 1)[1].split()[0]


def test_create_admin_prints_a_one_time_password_once(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["accounts", "create-admin", "--username", "Admin01", "--db", str(database)]) == 0
    initial = one_time_password(capsys.readouterr().out)
    with open_store(database) as store:
        clerk = accounts.sign_in(store, "admin01", initial, counter_id="c")
    assert clerk.must_change_password
    assert main(["accounts", "create-admin", "--db", str(database)]) == 2
    assert "已有管理员账户" in capsys.readouterr().err


def test_reset_password_unlocks_and_forces_a_change(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["accounts", "create-admin", "--db", str(database)])
    capsys.readouterr()
    assert main(["accounts", "reset-password", "ADMIN", "--db", str(database)]) == 0
    initial = one_time_password(capsys.readouterr().out)
    with open_store(database) as store:
        assert accounts.sign_in(store, "admin", initial, counter_id="c").must_change_password
    assert main(["accounts", "reset-password", "' OR 1=1 --", "--db", str(database)]) == 2
    assert "找不到用户名" in capsys.readouterr().err


def test_list_shows_roles_without_hashes(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["accounts", "create-admin", "--db", str(database)])
    capsys.readouterr()
    assert main(["accounts", "list", "--db", str(database)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["username"] == "admin" and row["roles"] == "管理员"
    assert "argon2" not in json.dumps(row)


def test_demo_makes_the_demo_accounts_once(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--persons", "20", "--quiet", "--db", str(database)]) == 0
    out = capsys.readouterr().out
    assert "已建立演示账户（密码均为 demo-2025）：张丽 zhangli" in out
    assert main(["demo", "--persons", "5", "--quiet", "--if-empty", "--db", str(database)]) == 0
    assert "已建立演示账户" not in capsys.readouterr().out
    with open_store(database) as store:
        assert accounts.sign_in(store, "lina", "demo-2025", counter_id="c").delegation is not None
