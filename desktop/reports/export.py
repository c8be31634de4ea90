"""The monthly report as XLSX (openpyxl), one sheet per table: the same cells as the screen."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from desktop.reports.consistency import ConsistencyCheck
from desktop.reports.monthly import MonthlyReport, ReportTable
from desktop.reports.supervision import INDICATORS, LEVELS, SupervisionReport

if TYPE_CHECKING:
    from printing.documents.monthly_report import MonthlyReportData

__all__ = ["pdf_data", "report_pdf", "report_xlsx", "sheet_title"]

_INVALID_SHEET_CHARACTERS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_title(table: ReportTable) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return table.title.translate(_INVALID_SHEET_CHARACTERS)[:31]


def supervision_tables(supervision: SupervisionReport) -> list[ReportTable]:
    """The supervision figures per counter, county and city, and the cases behind them."""
    tables = []
    for level, label in LEVELS.items():
        rows = tuple(
            (unit, *counts.values()) for unit, counts in supervision.counts_by(level).items()
        )
        tables.append(
            ReportTable(
                f"supervision_{level}",
                f"督查指标（按{label}）",
                (label, *INDICATORS.values()),
                rows,
            )
        )
    tables.append(
        ReportTable(
            "supervision_cases",
            "督查明细",
            ("指标", "登记编号", "姓名", "证件号码", "窗口", "县（区）", "情况"),
            tuple(
                (
                    INDICATORS[case.indicator],
                    case.registration_number,
                    case.person_name,
                    case.id_number_masked,
                    case.counter_id,
                    case.county,
                    case.detail,
                )
                for case in supervision.cases
            ),
            "；".join(supervision.warnings),
        )
    )
    return tables


def check_tables(check: ConsistencyCheck) -> list[ReportTable]:
    """The 三统一 ledger and the differences."""
    return [
        ReportTable(
            "ledger",
            "台账（期末城镇登记失业人员）",
            ("登记编号", "姓名", "证件号码", "性别", "登记日期", "失业原因"),
            tuple(
                (r.number, r.name, r.id_number_masked, r.sex, r.registered_on, r.unemployment_cause)
                for r in check.ledger
            ),
        ),
        ReportTable(
            "differences",
            "三统一差异",
            ("登记编号", "姓名", "证件号码", "差异", "影响本期报表"),
            tuple(
                (
                    d.registration_number,
                    d.person_name,
                    d.id_number_masked,
                    d.reason,
                    "是" if d.affects_report else "否",
                )
                for d in check.differences
            ),
            check.summary(),
        ),
    ]


def report_xlsx(
    report: MonthlyReport,
    *,
    supervision: SupervisionReport | None = None,
    check: ConsistencyCheck | None = None,
) -> bytes:
    """The workbook: a cover sheet, then one sheet per table of `report.tables()` (and of the
    supervision figures and the consistency check when given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    cover = workbook.active
    assert cover is not None
    cover.title = "封面"
    lines: Sequence[tuple[str, str]] = (
        ("报表", "城镇登记失业人员月报"),
        ("地区", f"{report.region_name}（{report.region}）"),
        ("统计期", report.period.label),
        ("统计口径", report.period.scheme.label),
        ("数据截至", report.as_of.isoformat()),
        ("数据来源", "本窗口数据库" if report.source == "local" else "中心数据库"),
        *(("说明", note) for note in report.notes),
    )
    for line in lines:
        cover.append(list(line))
    cover.column_dimensions["A"].width = 12
    cover.column_dimensions["B"].width = 60
    tables = report.tables()
    if supervision is not None:
        tables += supervision_tables(supervision)
    if check is not None:
        tables += check_tables(check)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E6E6E6")
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(table))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(list(table.columns))
        for cell in sheet[2]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center")
        for row in table.rows:
            sheet.append([_number(value) for value in row])
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        sheet.column_dimensions["A"].width = max(
            14, min(60, max((len(str(row[0])) for row in table.rows), default=8) * 2 + 2)
        )
        for column in "BCDEFG":
            sheet.column_dimensions[column].width = 16
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number(value: str | int) -> str | int | float:
    """Shares are text on screen ("12.5"); in Excel they are numbers."""
    if isinstance(value, str) and value.replace(".", "", 1).isdigit() and "." in value:
        return float(value)
    return value


def pdf_data(
    report: MonthlyReport,
    *,
    issuer: str,
    overdue_by_month: Sequence[int] | None = None,
) -> MonthlyReportData:
    """What printing.documents.monthly_report draws: the same tables and trend as the screen."""
    from printing.documents.monthly_report import MonthlyReportData, ReportTableData, TrendMonth

    overdue = list(overdue_by_month) if overdue_by_month is not None else None
    trend = tuple(
        TrendMonth(
            point.label,
            point.stock_end,
            point.inflow,
            point.outflow,
            overdue[index] if overdue is not None and index < len(overdue) else None,
        )
        for index, point in enumerate(report.trend)
    )
    return MonthlyReportData(
        region_name=report.region_name,
        region_code=report.region,
        period_label=report.period.label,
        scheme_label=report.period.scheme.label,
        as_of=report.as_of,
        issuer=issuer,
        tables=tuple(
            ReportTableData(table.title, table.columns, table.rows, table.note)
            for table in report.tables()
        ),
        trend=trend,
        notes=report.notes,
    )


def report_pdf(
    report: MonthlyReport, *, issuer: str, overdue_by_month: Sequence[int] | None = None
) -> bytes:
    """The monthly report as a PDF (printing.documents.monthly_report)."""
    from printing.documents.monthly_report import build

    return build(pdf_data(report, issuer=issuer, overdue_by_month=overdue_by_month))
