"""城镇登记失业人员月报 (notice §6): the report's tables and its charts, in the official layout."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from printing.layout import (
    CONTENT_WIDTH,
    GRID_STYLE,
    PageSetup,
    cell_para,
    format_date,
    para,
    render_pdf,
    styles,
)

TEMPLATE_VERSION = "1"
TITLE = "城镇登记失业人员月报"
STOCK_COLOUR = colors.HexColor("#1565c0")
INFLOW_COLOUR = colors.HexColor("#2e7d32")
OUTFLOW_COLOUR = colors.HexColor("#c62828")
OVERDUE_COLOUR = colors.HexColor("#ef6c00")


@dataclass(frozen=True)
class ReportTableData:
    """One table: title, column heads, rows of cells (numbers printed as given), a note."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class TrendMonth:
    """One month of the charts."""

    label: str
    stock_end: int
    inflow: int
    outflow: int
    overdue: int | None = None  # 逾期办结, when the supervision figures were computed


@dataclass(frozen=True)
class MonthlyReportData:
    """What the PDF shows; desktop.reports.export.pdf_data makes it from a MonthlyReport."""

    region_name: str
    region_code: str
    period_label: str
    scheme_label: str
    as_of: date
    issuer: str
    tables: tuple[ReportTableData, ...]
    trend: tuple[TrendMonth, ...]
    notes: tuple[str, ...] = field(default=())
    delegation: str | None = None


def _short_month(label: str) -> str:
    """ "2025年6月" → "25.6" (the charts' axis has room for twelve of them)."""
    if "年" in label and label.endswith("月"):
        year, month = label[:-1].split("年", 1)
        return f"{year[-2:]}.{month}"
    return label


def _legend(items: list[tuple[colors.Color, str]], x: float, y: float, font: str) -> Legend:
    legend = Legend()
    legend.x, legend.y = round(x), round(y)
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"  # the swatch left of its name
    legend.columnMaximum = 1  # one row: the items side by side
    legend.deltax = 62
    legend.dxTextSpace = 4
    legend.colorNamePairs = items
    return legend


def _monthly_chart(
    chart: HorizontalLineChart | VerticalBarChart,
    data: MonthlyReportData,
    series: list[list[int]],
    title: str,
    *,
    width: float,
    height: float,
    plot_top: float,
) -> tuple[Drawing, str]:
    """A titled drawing with `chart` placed in it: the trend's months along the bottom, the
    value axis from 0 to 15 % above the highest of `series`, labels in the report's font."""
    font = styles().fonts.body
    # initialFontName: else renderPDF starts the drawing in an unembedded Helvetica
    drawing = Drawing(width, height, initialFontName=font)
    drawing.add(String(0, height - 10, title, fontName=font, fontSize=10))
    chart.x, chart.y = 30, 22
    chart.width, chart.height = round(width - 45), round(height - plot_top)
    chart.data = series
    chart.categoryAxis.categoryNames = [_short_month(point.label) for point in data.trend] or [""]
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels):
        labels.fontName = font
        labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = math.ceil(max(max(values) for values in series) * 1.15) or 1
    return drawing, font


def trend_chart(data: MonthlyReportData, width: float = CONTENT_WIDTH) -> Drawing:
    """Line chart: 期末城镇登记失业人数, month by month."""
    chart = HorizontalLineChart()
    series = [[point.stock_end for point in data.trend] or [0]]
    drawing, _font = _monthly_chart(
        chart,
        data,
        series,
        "图1 城镇登记失业人数趋势",
        width=width,
        height=62 * mm,
        plot_top=50,
    )
    chart.lines[0].strokeColor = STOCK_COLOUR
    chart.lines[0].strokeWidth = 1.5
    drawing.add(chart)
    return drawing


def flow_chart(data: MonthlyReportData, width: float = CONTENT_WIDTH) -> Drawing:
    """Bar chart: 新增登记 and 注销登记 (and 逾期办结 when known), month by month."""
    height = 66 * mm
    series = [
        [point.inflow for point in data.trend] or [0],
        [point.outflow for point in data.trend] or [0],
    ]
    names = [(INFLOW_COLOUR, "新增登记"), (OUTFLOW_COLOUR, "注销登记")]
    if data.trend and all(point.overdue is not None for point in data.trend):
        series.append([point.overdue or 0 for point in data.trend])
        names.append((OVERDUE_COLOUR, "逾期办结"))
    chart = VerticalBarChart()
    drawing, font = _monthly_chart(
        chart,
        data,
        series,
        "图2 新增、注销登记及逾期办结",
        width=width,
        height=height,
        plot_top=58,
    )
    for index, (colour, _name) in enumerate(names):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 4
    drawing.add(chart)
    drawing.add(_legend(names, width - 62 * len(names), height - 6, font))
    return drawing


def _table(table: ReportTableData) -> list[Flowable]:
    st = styles()
    if len(table.columns) == 2:
        ratios: tuple[float, ...] = (70, 30)
    elif len(table.columns) == 3:
        ratios = (60, 20, 20)
    else:
        ratios = (40,) + (60 / (len(table.columns) - 1),) * (len(table.columns) - 1)
    total = sum(ratios)
    widths = [CONTENT_WIDTH * ratio / total for ratio in ratios]
    header = [cell_para(column, st.cell_header) for column in table.columns]
    body = [
        [cell_para(str(row[0]), st.cell)]
        + [cell_para(str(value), st.cell_right) for value in row[1:]]
        for row in table.rows
    ]
    grid = Table([header, *body], colWidths=widths, repeatRows=1, hAlign="CENTER")
    grid.setStyle(
        TableStyle([*GRID_STYLE, ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9))])
    )
    parts: list[Flowable] = [para(table.title, st.cell_header), Spacer(1, 1.5 * mm), grid]
    if table.note:
        parts += [Spacer(1, 1 * mm), para(table.note, st.small)]
    # A short table stays on one page with its title; a long one flows, its head repeated.
    return [KeepTogether(parts)] if len(table.rows) < 25 else parts


def story(data: MonthlyReportData) -> list[Flowable]:
    """Title, heading lines, the charts, the tables, the notes."""
    st = styles()
    flowables: list[Flowable] = [
        para(TITLE, st.title),
        para(f"{data.region_name}（{data.region_code}）\u3000{data.period_label}", st.subtitle),
        para(
            f"填报单位：{data.issuer}\u3000\u3000统计口径：{data.scheme_label}"
            f"\u3000\u3000数据截至：{format_date(data.as_of)}",
            st.small,
        ),
        Spacer(1, 3 * mm),
        trend_chart(data),
        Spacer(1, 2 * mm),
        flow_chart(data),
    ]
    for table in data.tables:
        flowables += [Spacer(1, 4 * mm), CondPageBreak(40 * mm)]
        flowables += _table(table)
    if data.notes:
        flowables += [Spacer(1, 4 * mm), para("说明：", st.cell_header)]
        flowables += [
            para(f"{index}. {note}", st.small) for index, note in enumerate(data.notes, 1)
        ]
    flowables += [
        Spacer(1, 8 * mm),
        para(
            "单位负责人：\u3000\u3000\u3000\u3000统计负责人：\u3000\u3000\u3000\u3000填表人：",
            st.body,
        ),
    ]
    return flowables


def build(data: MonthlyReportData) -> bytes:
    """The monthly report as a PDF."""
    setup = PageSetup(
        document_title=f"{TITLE} {data.region_name} {data.period_label}",
        template_id=f"monthly-report v{TEMPLATE_VERSION}",
        delegation=data.delegation,
    )
    return render_pdf(story(data), setup)


def example() -> MonthlyReportData:
    """Fictional figures of one county (demo and samples)."""
    labels = [f"2025年{month}月" for month in range(1, 13)]
    stock = [1180, 1212, 1250, 1236, 1221, 1240, 1265, 1290, 1302, 1288, 1270, 1262]
    inflow = [96, 88, 120, 70, 66, 95, 102, 99, 84, 60, 58, 71]
    outflow = [55, 56, 82, 84, 81, 76, 77, 74, 72, 74, 76, 79]
    trend = tuple(
        TrendMonth(label, s, i, o, overdue)
        for label, s, i, o, overdue in zip(
            labels, stock, inflow, outflow, [3, 1, 4, 0, 2, 1, 0, 5, 2, 1, 0, 1], strict=True
        )
    )
    summary = ReportTableData(
        "表1 城镇登记失业人员增减情况",
        ("项目", "人数"),
        (
            ("上期末城镇登记失业人数", 1270),
            ("本期新增登记", 71),
            ("本期注销登记", 79),
            ("本期末城镇登记失业人数", 1262),
        ),
        "期末人数 = 上期末人数 + 本期新增 - 本期注销。",
    )
    sex = ReportTableData(
        "表4 期末城镇登记失业人员按性别",
        ("项目", "人数", "占比（%）"),
        (("男", 640, "50.7"), ("女", 622, "49.3"), ("合计", 1262, "100.0")),
    )
    return MonthlyReportData(
        region_name="甘肃省兰州市城关区",
        region_code="620102",
        period_label="2025年12月",
        scheme_label="自然月",
        as_of=date(2026, 1, 5),
        issuer="兰州市城关区公共就业服务中心",
        tables=(summary, sex),
        trend=trend,
        notes=("本表为示例数据。",),
    )
