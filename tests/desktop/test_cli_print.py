"""`dengji print DOCUMENT [--person ID_NUMBER | --registration NO] --out FILE.pdf`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.cli import PRINT_DOCUMENTS, main
from desktop.config import Config
from desktop.services.demo import fill_demo_data
from desktop.store.db import open_store
from desktop.store.models import Person, Registration
from printing.documents import DOCUMENTS
from tests.printing.pdf_tools import page_count, pdf_text

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite3"
    with open_store(path) as store:
        fill_demo_data(store, Config(), persons=50)
    return path


@pytest.fixture(autouse=True)
def no_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The standalone demo counter (城关区), whatever the developer's own configuration."""
    monkeypatch.setenv("DENGJI_CONFIG", str(tmp_path / "no-such-config.toml"))


def first_registration(db: Path, status: str) -> tuple[str, str]:
    """(registration number, the person's ID number) of a registration in this status."""
    with open_store(db) as store, store.session(write=False) as session:
        registration = session.scalars(
            select(Registration).where(Registration.status == status).order_by(Registration.number)
        ).first()
        assert registration is not None
        person = session.get(Person, registration.person_id)
        assert person is not None
        return registration.number, person.id_number


def test_the_names_match_the_printing_package() -> None:
    # the monthly report is a region's, not a person's: `dengji report monthly` prints it
    assert tuple(name for name in DOCUMENTS if name != "monthly-report") == PRINT_DOCUMENTS


def test_registration_form_by_registration_number(demo_db: Path, tmp_path: Path) -> None:
    number, _ = first_registration(demo_db, "registered")
    out = tmp_path / "out" / "form.pdf"
    args = ["print", "registration-form", "--registration", number, "--out", str(out)]
    assert main([*args, "--db", str(demo_db)]) == 0
    text = pdf_text(out)
    assert "就业失业登记表" in text and number in text


def test_commitment_by_the_persons_id_number(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number, id_number = first_registration(demo_db, "applied")
    out = tmp_path / "commitment.pdf"
    args = ["print", "commitment", "--person", id_number, "--out", str(out), "--db", str(demo_db)]
    assert main(args) == 0
    assert number in pdf_text(out)
    assert "已生成《失业登记书面承诺书》" in capsys.readouterr().out


@pytest.mark.parametrize(
    "document", ["policy-list", "service-list", "agency-list", "contact-sheet"]
)
def test_documents_that_need_nobody(demo_db: Path, tmp_path: Path, document: str) -> None:
    out = tmp_path / f"{document}.pdf"
    assert main(["print", document, "--out", str(out), "--db", str(demo_db)]) == 0
    assert page_count(out) >= 1


def test_the_agency_list_is_the_counters_own(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "agencies.pdf"
    assert main(["print", "agency-list", "--out", str(out), "--db", str(demo_db)]) == 0
    text = pdf_text(out)
    assert "兰州市城关区公共就业服务机构" in text
    assert "临夏" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["print", "payslip"], "没有名为“payslip”的文书，可选：registration-form"),
        (["print", "commitment"], "《失业登记书面承诺书》需要指定人员或登记编号"),
        (["print", "commitment", "--person", "620102199001010011"], "未找到证件号码为"),
        (["print", "commitment", "--registration", "999"], "未找到登记编号 999"),
        (["print", "policy-list", "--person", "1", "--registration", "2"], "只能指定一个"),
    ],
)
def test_clear_chinese_errors_and_a_non_zero_exit(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "never.pdf"
    assert main([*args, "--out", str(out), "--db", str(demo_db)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_notice_for_a_registration_that_is_not_deregistered(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number, _ = first_registration(demo_db, "registered")
    out = tmp_path / "notice.pdf"
    args = ["print", "deregistration-notice", "--registration", number, "--out", str(out)]
    assert main([*args, "--db", str(demo_db)]) == 2
    assert "尚未注销，不能打印注销告知书" in capsys.readouterr().err


def test_out_is_required(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", "policy-list", "--db", str(demo_db)]) == 2
    assert "请用 --out 指定输出的 PDF 文件" in capsys.readouterr().err


def test_an_unwritable_output_is_reported(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder.pdf"
    folder.mkdir()
    assert main(["print", "policy-list", "--out", str(folder), "--db", str(demo_db)]) == 2
    assert f"错误：无法写入 {folder}" in capsys.readouterr().err


def test_the_command_runs_as_a_process(demo_db: Path, tmp_path: Path) -> None:
    number, _ = first_registration(demo_db, "registered")
    out = tmp_path / "commitment.pdf"
    env = {**os.environ, "DENGJI_CONFIG": str(tmp_path / "none.toml")}
    command = [sys.executable, "-m", "desktop.cli", "--db", str(demo_db), "print", "commitment"]
    completed = subprocess.run(
        [*command, "--registration", number, "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert number in pdf_text(out)
    failed = subprocess.run(
        [*command, "--registration", "0000", "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode == 2 and "未找到登记编号 0000" in failed.stderr
