"""`dengji xref import SOURCE FILE.csv`: a department's table into the local database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.cli import main
from desktop.store.db import open_store
from desktop.store.models import XrefBatch, XrefRecord

HOLDERS = "身份证号码,姓名,性别\n620102198806150027,马晓燕,女\n620102199001011234,张三,男\n"


@pytest.fixture(autouse=True)
def no_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DENGJI_CONFIG", str(tmp_path / "none.toml"))


def test_import_loads_the_rows_and_says_how_many(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, csv_file = tmp_path / "counter.sqlite3", tmp_path / "持卡库.csv"
    csv_file.write_text(HOLDERS, encoding="utf-8")
    args = [
        "xref",
        "import",
        "ssc_holders",
        str(csv_file),
        "--as-of",
        "2025-08-31",
        "--db",
        str(db),
    ]
    assert main(args) == 0
    assert "已导入《社会保障卡持卡人员基础信息库》2 条（替换原有 0 条）" in capsys.readouterr().out
    assert main(args) == 0
    assert "2 条（替换原有 2 条）" in capsys.readouterr().out
    with open_store(db) as store, store.session(write=False) as session:
        assert len(session.scalars(select(XrefRecord)).all()) == 2
        batch = session.scalars(select(XrefBatch).order_by(XrefBatch.imported_at)).all()[-1]
        assert (batch.file_name, batch.as_of.isoformat()) == ("持卡库.csv", "2025-08-31")


def test_a_bad_file_is_refused_with_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("身份证号码,姓名\n,马晓燕\n", encoding="utf-8")
    db = tmp_path / "counter.sqlite3"
    assert main(["xref", "import", "ssc_holders", str(csv_file), "--db", str(db)]) == 2
    assert "第2行缺少证件号码" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("source", "file_name", "message"),
    [
        ("moon", "x.csv", "没有名为“moon”的比对数据来源"),
        ("market", "missing.csv", "无法读取"),
    ],
)
def test_unknown_sources_and_missing_files_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, file_name: str, message: str
) -> None:
    db = tmp_path / "counter.sqlite3"
    assert main(["xref", "import", source, str(tmp_path / file_name), "--db", str(db)]) == 2
    assert message in capsys.readouterr().err
