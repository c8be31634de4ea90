"""XLSX and PDF exports carry exactly the screen's tables."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from desktop.reports.consistency import check_consistency
from desktop.reports.export import pdf_data, report_pdf, report_xlsx, sheet_title
from desktop.reports.monthly import monthly_report
from desktop.reports.supervision import supervision_report
from desktop.store.db import Store
from tests.desktop.reports.conftest import MONTH, REGION, TODAY


def _same(value: object) -> object:
    """A share is text on screen ("0.0") and a number in Excel (0)."""
    try:
        return float(str(value))
    except ValueError:
        return value


def test_one_sheet_per_table_with_the_same_cells(county_store: Store) -> None:
    with county_store.session(write=False) as session:
        report = monthly_report(session, MONTH, REGION, today=TODAY)
        supervision = supervision_report(session, MONTH, REGION, today=TODAY)
        check = check_consistency(session, MONTH, REGION, today=TODAY)
    workbook = load_workbook(io.BytesIO(report_xlsx(report, supervision=supervision, check=check)))
    names = workbook.sheetnames
    assert names[0] == "封面"
    for table in report.tables():
        sheet = workbook[sheet_title(table)]
        assert sheet["A1"].value == table.title
        assert tuple(cell.value for cell in sheet[2]) == table.columns
        for index, row in enumerate(table.rows, start=3):
            cells = [cell.value for cell in sheet[index]][: len(row)]
            assert [_same(v) for v in cells] == [_same(v) for v in row]
    assert "督查明细" in names and "三统一差异" in names
    ledger = workbook["台账（期末城镇登记失业人员）"]
    assert ledger.max_row - 2 == report.stock_end


def test_the_pdf_data_has_the_screen_tables_and_the_trend(county_store: Store) -> None:
    with county_store.session(write=False) as session:
        report = monthly_report(session, MONTH, REGION, today=TODAY)
    data = pdf_data(report, issuer="城关区公共就业服务中心", overdue_by_month=[1] * 12)
    assert [t.rows for t in data.tables] == [t.rows for t in report.tables()]
    assert [m.stock_end for m in data.trend] == [p.stock_end for p in report.trend]
    assert all(m.overdue == 1 for m in data.trend)
    assert report_pdf(report, issuer="城关区公共就业服务中心").startswith(b"%PDF")
