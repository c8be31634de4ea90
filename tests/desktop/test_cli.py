"""The `dengji` command line: rules as JSON, demo data, and the refusal to touch a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def test_rules_id_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "id", "11010519491231002x"]) == 0
    out = _json(capsys)
    assert out["valid"] is True
    assert out["number"] == "11010519491231002X"
    assert out["document_type"] == "RESIDENT_ID"
    assert out["birth_date"] == "1949-12-31"
    assert out["sex"] == "F"
    assert out["region"] == "110105"


def test_rules_id_wrong_check_digit_says_what_is_wrong(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "id", "110105194912310021"]) == 1
    out = _json(capsys)
    assert out["valid"] is False
    assert "校验码" in out["error"] and "X" in out["error"]


def test_rules_id_legacy_gansu_prefecture_code(capsys: pytest.CaptureFixture[str]) -> None:
    # 622421: a county of the old 定西地区, retired in 2003, still on valid cards.
    body = "62242119800101001"
    from desktop.domain.idnumbers import check_digit

    assert main(["rules", "id", body + check_digit(body)]) == 0
    assert _json(capsys)["valid"] is True


def test_rules_deadline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DENGJI_CONFIG", str(tmp_path / "none.toml"))
    assert main(["rules", "deadline", "2025-09-30", "--db", str(tmp_path / "x.db")]) == 0
    out = _json(capsys)
    assert out["due"] == "2025-10-16"
    assert out["provisional"] is False
    assert main(["rules", "deadline", "2027-06-01", "--db", str(tmp_path / "x.db")]) == 0
    assert _json(capsys)["provisional"] is True


def test_rules_deadline_bad_date_is_a_chinese_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["rules", "deadline", "2025-02-30"])
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_rules_retirement(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "retirement", "1965-12-10", "M"]) == 0
    assert _json(capsys)["date"] == "2026-03-10"
    assert main(["rules", "retirement", "1971-04-15", "F", "--category", "cadre"]) == 0
    assert _json(capsys)["date"] == "2026-08-15"
    assert main(["rules", "retirement", "1995-12-01", "F"]) == 0
    assert _json(capsys)["date"] == "2050-12-01"


def test_demo_fills_then_if_empty_leaves_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DENGJI_CONFIG", str(tmp_path / "none.toml"))
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--persons", "40", "--db", str(db), "--quiet"]) == 0
    assert "40 人" in capsys.readouterr().out
    assert main(["demo", "--persons", "40", "--db", str(db), "--if-empty", "--quiet"]) == 0
    assert "已有数据" in capsys.readouterr().out


def test_demo_refuses_a_real_deployment_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "dengji.toml"
    config.write_text(
        f'[counter]\nid = "c1"\nregion = "620102"\n[database]\npath = "{tmp_path / "real.db"}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DENGJI_CONFIG", str(config))
    assert main(["demo", "--persons", "5"]) == 2
    assert "正式部署" in capsys.readouterr().err
    assert not (tmp_path / "real.db").exists()


def test_the_counter_client_starts_without_building_the_subcommand_parsers(monkeypatch) -> None:
    from pathlib import Path

    import desktop.cli as cli

    started: list[object] = []

    def no_full_parser() -> None:
        raise AssertionError("the full parser was built for a plain client start")

    monkeypatch.setattr(cli, "build_parser", no_full_parser)
    monkeypatch.setattr(cli, "_cmd_gui", lambda args: started.append(args.db) or 0)
    assert cli.main(["--db", "counter.sqlite3"]) == 0
    assert cli.main([]) == 0
    assert started == [Path("counter.sqlite3"), None]


def test_anything_else_goes_through_the_full_parser(capsys) -> None:
    import pytest

    from desktop.cli import main

    with pytest.raises(SystemExit):
        main(["--db"])  # a file is missing: the full parser's message
    assert "--db" in capsys.readouterr().err
