"""城镇登记失业人员月报 PDF: the tables and the two charts, fonts embedded."""

from __future__ import annotations

import dataclasses

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart

from printing.documents import DOCUMENTS, monthly_report
from tests.printing.pdf_tools import pdf_text


def test_registered_under_its_print_name() -> None:
    assert DOCUMENTS["monthly-report"] is monthly_report


def test_the_pdf_shows_title_region_tables_and_chart_titles() -> None:
    data = monthly_report.example()
    pdf = monthly_report.build(data)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        "城镇登记失业人员月报",
        "甘肃省兰州市城关区",
        "2025年12月",
        "图1 城镇登记失业人数趋势",
        "图2 新增、注销登记及逾期办结",
        "表1 城镇登记失业人员增减情况",
        "本期末城镇登记失业人数",
        "1262",
    ):
        assert expected in text, expected


def _chart(drawing: object, kind: type) -> object:
    return next(item for item in drawing.contents if isinstance(item, kind))  # type: ignore[attr-defined]


def test_the_charts_plot_the_trend_figures() -> None:
    data = monthly_report.example()
    line = _chart(monthly_report.trend_chart(data), HorizontalLineChart)
    assert line.data == [[month.stock_end for month in data.trend]]  # type: ignore[attr-defined]
    bars = _chart(monthly_report.flow_chart(data), VerticalBarChart)
    assert bars.data == [  # type: ignore[attr-defined]
        [m.inflow for m in data.trend],
        [m.outflow for m in data.trend],
        [m.overdue for m in data.trend],
    ]


def test_without_overdue_figures_the_bars_are_inflow_and_outflow_only() -> None:
    data = monthly_report.example()
    data = dataclasses.replace(
        data, trend=tuple(dataclasses.replace(m, overdue=None) for m in data.trend)
    )
    bars = _chart(monthly_report.flow_chart(data), VerticalBarChart)
    assert len(bars.data) == 2  # type: ignore[attr-defined]


def test_an_empty_trend_still_draws() -> None:
    data = dataclasses.replace(monthly_report.example(), trend=(), tables=())
    assert monthly_report.build(data).startswith(b"%PDF")


def test_same_data_same_bytes() -> None:
    data = monthly_report.example()
    assert monthly_report.build(data) == monthly_report.build(data)
