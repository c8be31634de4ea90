"""`dengji report monthly …` and `dengji report check …`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import main
from desktop.config import Config
from desktop.services.demo import fill_demo_data
from desktop.store.db import open_store

MONTH = "2025-11"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import datetime as dt

    path = tmp_path_factory.mktemp("cli-report") / "demo.sqlite3"
    with open_store(path) as store:
        fill_demo_data(store, Config(), persons=120, today=dt.date(2025, 12, 10))
    return path


@pytest.fixture(autouse=True)
def no_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The standalone demo counter (城关区), whatever the developer's own configuration."""
    monkeypatch.setenv("DENGJI_CONFIG", str(tmp_path / "no-such-config.toml"))


def test_monthly_json_to_stdout(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(demo_db), "report", "monthly", "--month", MONTH]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["region"] == "620102" and report["month"] == MONTH
    figures = report["figures"]
    assert figures["summary.stock_end"] == (
        figures["summary.stock_start"] + figures["summary.inflow"] - figures["summary.outflow"]
    )
    assert report["tables"][0]["title"] == "表1 城镇登记失业人员增减情况"


def test_monthly_xlsx_and_pdf_files(demo_db: Path, tmp_path: Path) -> None:
    xlsx, pdf = tmp_path / "m.xlsx", tmp_path / "m.pdf"
    base = ["--db", str(demo_db), "report", "monthly", "--month", MONTH]
    assert main([*base, "--format", "xlsx", "--out", str(xlsx)]) == 0
    assert main([*base, "--format", "pdf", "--out", str(pdf), "--day-21"]) == 0
    workbook = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert workbook.sheetnames[1].startswith("表1")
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--month", "2099-01"], "不能统计未来的月份"),
        (["--month", "2025-13"], "月份应在1到12之间"),
        (["--month", MONTH, "--region", "629999"], "不存在"),
        (["--month", "2015-03"], "没有登记失业数据"),
        (["--month", MONTH, "--format", "pdf"], "须用 --out 指定输出文件"),
    ],
)
def test_bad_input_gets_a_chinese_message(
    demo_db: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["--db", str(demo_db), "report", "monthly", *arguments]) == 2
    assert message in capsys.readouterr().err


def test_check_passes_on_consistent_data(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(demo_db), "report", "check", "--month", MONTH]) == 0
    assert "三统一校验通过" in capsys.readouterr().out


def test_check_lists_each_difference_and_fails(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(demo_db.read_bytes())
    with open_store(copy) as store, store.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE registration SET status = 'rejected' WHERE id = (SELECT id FROM"
            " registration WHERE status = 'registered' ORDER BY number LIMIT 1)"
        )
    assert main(["--db", str(copy), "report", "check", "--month", MONTH]) == 1
    out = capsys.readouterr().out
    assert "三统一校验发现" in out
    assert "登记状态：系统数据为「不予登记」，按事件日志重算为「已登记」" in out
    assert main(["--db", str(copy), "report", "check", "--month", MONTH, "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["consistent"] is False


def test_central_without_an_address_is_a_clear_error(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["report", "monthly", "--month", MONTH, "--central", "--region", "620000"]
    assert main(arguments) == 2
    assert "未配置中心数据库地址" in capsys.readouterr().err
