"""`dengji central init`, `dengji central add-counter` and `dengji sync` from the command line."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from desktop.cli import main
from desktop.config import load_config
from desktop.store.db import open_store
from desktop.store.journal import Actor, record
from tests.desktop.sync.conftest import CentralDatabase

pytestmark = pytest.mark.needs_postgres


@pytest.fixture
def counter_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A counter PC with no keyring service: config and fallback file in a temp folder."""
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    monkeypatch.setenv("DENGJI_CONFIG", str(tmp_path / "dengji.toml"))
    monkeypatch.setenv("DENGJI_CREDENTIALS_FILE", str(tmp_path / "private" / "cred.json"))
    try:
        yield tmp_path
    finally:
        keyring.set_keyring(previous)


def test_init_add_counter_then_sync_from_the_command_line(
    central: CentralDatabase, counter_machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["central", "init", "--url", central.admin_url]) == 0
    assert "行级安全已启用" in capsys.readouterr().out

    database = counter_machine / "counter.sqlite3"
    code = main(
        [
            "central",
            "add-counter",
            "--url",
            central.admin_url,
            "--region",
            "620801",
            "--name",
            "金川区1号窗口",
            "--database",
            str(database),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "已开通窗口 620801-001" in out
    assert "仅当前用户可读的文件" in out
    config = load_config()
    assert (config.counter_id, config.region_code, config.database_path) == (
        "620801-001",
        "620801",
        database,
    )
    credentials = counter_machine / "private" / "cred.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert len(json.loads(credentials.read_text(encoding="utf-8"))) == 1
    assert "password" not in (counter_machine / "dengji.toml").read_text(encoding="utf-8")

    with open_store(database) as store, store.session() as session:
        record(
            session,
            Actor("clerk01", "620801-001"),
            entity_type="person",
            entity_id="5b1f8a5e-98c2-4f0b-9d42-54f3f0e2c001",
            kind="person.recorded",
            payload={"doc_type": "01", "id_number": "620802198001010011", "name": "李四"},
            clock=store.clock,
        )
    assert main(["sync"]) == 0
    assert "同步完成：上传 1 条" in capsys.readouterr().out
    with central.admin() as admin:
        row = admin.execute("SELECT name, scope_region FROM person").fetchone()
    assert row == ("李四", "620801")


def test_sync_of_an_unreachable_central_fails_in_plain_chinese(
    counter_machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (counter_machine / "dengji.toml").write_text(
        '[counter]\nid = "620801-009"\nregion = "620801"\n\n'
        f'[database]\npath = "{counter_machine / "c.sqlite3"}"\n\n'
        '[central]\nurl = "postgresql://dengji_c@127.0.0.1:1/dengji"\n',
        encoding="utf-8",
    )
    assert main(["sync"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("同步失败：无法连接中心数据库（127.0.0.1:1/dengji）：连接被拒绝")
    assert "Traceback" not in err


def test_a_remote_central_without_tls_is_refused_by_the_command(
    counter_machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://admin@10.62.1.5/dengji?sslmode=disable"
    assert main(["central", "init", "--url", url]) == 2
    assert "必须使用加密连接" in capsys.readouterr().err


def test_sync_without_a_configured_central_says_the_counter_works_offline(
    counter_machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (counter_machine / "dengji.toml").write_text(
        f'[database]\npath = "{counter_machine / "c.sqlite3"}"\n', encoding="utf-8"
    )
    assert main(["sync"]) == 2
    assert "未配置中心数据库" in capsys.readouterr().err
