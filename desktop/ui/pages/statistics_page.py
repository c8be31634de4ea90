"""The 统计 page: the monthly report of 城镇登记失业人员, its charts, the supervision figures and
the 三统一 check with its differences; export as PDF or XLSX; 定稿 once every difference is
explained (issue 9, notice §6 and §7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.reports.consistency import ConsistencyCheck
    from desktop.reports.monthly import MonthlyReport, ReportTable
    from desktop.reports.supervision import SupervisionReport
    from desktop.store.db import Store

_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
_STOCK_COLOUR = "#1565c0"
_INFLOW_COLOUR = "#2e7d32"
_OUTFLOW_COLOUR = "#c62828"
_OVERDUE_COLOUR = "#ef6c00"
GANSU = "620000"


@dataclass(frozen=True)
class Statistics:
    """What one query brings back to the page."""

    report: MonthlyReport
    supervision: SupervisionReport
    overdue: list[int]


# -- database-thread functions ------------------------------------------------------------


def load_statistics(store: Store, month: dt.date, region: str, scheme: Any) -> Statistics:
    """Run on the database thread: the report, the supervision figures, the overdue trend."""
    from desktop.reports.monthly import monthly_report
    from desktop.reports.period import trend_periods
    from desktop.reports.supervision import overdue_trend, supervision_report
    from desktop.services.calendar import load_calendar

    with store.session(write=False) as session:
        report = monthly_report(session, month, region, scheme=scheme)
        calendar = load_calendar(session)
        supervision = supervision_report(session, month, region, scheme=scheme, calendar=calendar)
        periods = trend_periods(report.period, len(report.trend))
        overdue = overdue_trend(session, periods, region, calendar=calendar)
    return Statistics(report, supervision, overdue)


# The check's own refresh folds this many new events quickly (bench: ~1,000 in 60 ms); more
# are folded first off the database thread, so clerks' saves are not held up meanwhile.
CHECK_PREPARES_FROM_EVENTS = 5_000


def prepare_for_check(store: Store) -> Any:
    """Run off the database thread, before run_check: bring the kept folds up to date on a read
    snapshot when they are far behind (desktop/reports/consistency.py prepare_folds)."""
    from desktop.reports.consistency import prepare_folds

    return prepare_folds(store.engine, minimum_behind=CHECK_PREPARES_FROM_EVENTS)


def run_check(
    store: Store, month: dt.date, region: str, scheme: Any, folds: Any
) -> ConsistencyCheck:
    """Run on the database thread: the 三统一 check (the folds are kept between checks)."""
    from desktop.reports.consistency import check_consistency

    with store.session(write=False) as session:
        return check_consistency(session, month, region, scheme=scheme, folds=folds)


def finalise(
    store: Store, config: Config, check: ConsistencyCheck, explanations: dict[str, str]
) -> str:
    """Run on the database thread: record `report.finalised` (refused while a difference has
    no explanation); the message to show."""
    from desktop.reports.consistency import finalise_report
    from desktop.ui.document_dialog import counter_actor

    with store.session() as session:
        finalise_report(session, counter_actor(config), store.clock, check, explanations)
    return check.period.label


def export_file(
    statistics: Statistics, check: ConsistencyCheck | None, issuer: str, path: Path
) -> Path:
    """Run on the general pool: write the PDF or XLSX (by the file's suffix)."""
    from desktop.reports.export import report_pdf, report_xlsx

    if path.suffix.lower() == ".pdf":
        data = report_pdf(statistics.report, issuer=issuer, overdue_by_month=statistics.overdue)
    else:
        data = report_xlsx(statistics.report, supervision=statistics.supervision, check=check)
    path.write_bytes(data)
    return path


# -- the page -----------------------------------------------------------------------------


def _item(value: Any, *, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(str(value))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _fill(table: QTableWidget, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    table.clear()
    table.setColumnCount(len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setRowCount(len(rows))
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            table.setItem(row_index, column, _item(value, number=isinstance(value, int)))
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    if table.objectName() == "statisticsReportTable" and columns:
        # The label column takes the room; the numbers stay next to it, not at the far edge.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)


def _read_only_table(parent: QWidget, name: str) -> QTableWidget:
    table = QTableWidget(parent)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.setAlternatingRowColors(True)
    return table


class StatisticsPage(QWidget):
    """统计: month, region and period pickers; the report's tables; trend, flow and overdue
    charts; the supervision figures per counter, county and city with their cases; the 三统一
    check with an explanation per difference and 定稿."""

    sig_statistics_shown = Signal(object)
    """A report is on screen; the argument is the desktop.reports.monthly.MonthlyReport."""

    sig_check_finished = Signal(object)
    """The 三统一 check finished; the argument is the ConsistencyCheck."""

    sig_exported = Signal(str)
    """A PDF or XLSX file was written; the argument is its path."""

    sig_finalised = Signal(str)
    """The report was finalised; the argument is the period's label."""

    sig_failed = Signal(str)
    """A query, check, export or 定稿 failed; the argument is the message shown."""

    def __init__(self, config: Config, store: Store | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        from desktop.reports.consistency import JournalFolds

        self._config = config
        self._store = store
        self._statistics: Statistics | None = None
        self._check: ConsistencyCheck | None = None
        self._folds = JournalFolds()

        today = dt.date.today()
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        self._month_field = QDateEdit(QDate(last_month.year, last_month.month, 1), self)
        self._month_field.setObjectName("statisticsMonthField")
        self._month_field.setDisplayFormat("yyyy-MM")
        self._month_field.setCalendarPopup(True)
        self._region_box = QComboBox(self)
        self._region_box.setObjectName("statisticsRegionBox")
        self._region_box.setEditable(True)
        self._fill_regions()
        self._scheme_box = QComboBox(self)
        self._scheme_box.setObjectName("statisticsSchemeBox")
        self._scheme_box.addItem(self.tr("自然月"), "calendar")
        self._scheme_box.addItem(self.tr("上月21日至本月20日"), "21-20")
        self._query_button = QPushButton(self.tr("统计"), self)
        self._query_button.setObjectName("statisticsQueryButton")
        self._query_button.clicked.connect(self.refresh)
        self._check_button = QPushButton(self.tr("三统一校验"), self)
        self._check_button.setObjectName("statisticsCheckButton")
        self._check_button.clicked.connect(self.run_consistency_check)
        self._pdf_button = QPushButton(self.tr("导出PDF"), self)
        self._pdf_button.setObjectName("statisticsPdfButton")
        self._pdf_button.clicked.connect(lambda: self._on_export_clicked(".pdf"))
        self._xlsx_button = QPushButton(self.tr("导出XLSX"), self)
        self._xlsx_button.setObjectName("statisticsXlsxButton")
        self._xlsx_button.clicked.connect(lambda: self._on_export_clicked(".xlsx"))
        for button in (self._pdf_button, self._xlsx_button):
            button.setEnabled(False)

        self._message = QLabel(self)
        self._message.setObjectName("statisticsMessage")
        self._message.setWordWrap(True)

        self._tabs = QTabWidget(self)
        self._tabs.setObjectName("statisticsTabs")
        self._tabs.addTab(self._build_report_tab(), self.tr("月报"))
        self._tabs.addTab(self._build_charts_tab(), self.tr("图表"))
        self._tabs.addTab(self._build_supervision_tab(), self.tr("督查指标"))
        self._tabs.addTab(self._build_check_tab(), self.tr("三统一校验"))

        pickers = QHBoxLayout()
        pickers.addWidget(QLabel(self.tr("统计月份"), self))
        pickers.addWidget(self._month_field)
        pickers.addWidget(QLabel(self.tr("地区"), self))
        pickers.addWidget(self._region_box, 1)
        pickers.addWidget(QLabel(self.tr("统计期"), self))
        pickers.addWidget(self._scheme_box)
        pickers.addWidget(self._query_button)
        pickers.addWidget(self._check_button)
        pickers.addWidget(self._pdf_button)
        pickers.addWidget(self._xlsx_button)
        layout = QVBoxLayout(self)
        layout.addLayout(pickers)
        layout.addWidget(self._message)
        layout.addWidget(self._tabs, 1)

    # -- building ---------------------------------------------------------------------------

    def _fill_regions(self) -> None:
        from desktop.domain.regions import region_name

        county = self._config.region_code
        codes = [county]
        if len(county) == 6 and county[4:] != "00":
            codes.append(county[:4] + "00")
        codes.append(GANSU)
        for code in dict.fromkeys(codes):
            self._region_box.addItem(f"{code} {region_name(code) or ''}".strip(), code)

    def _build_report_tab(self) -> QWidget:
        tab = QWidget(self)
        self._table_list = QListWidget(tab)
        self._table_list.setObjectName("statisticsTableList")
        self._table_list.currentRowChanged.connect(self._on_table_chosen)
        self._report_table = _read_only_table(tab, "statisticsReportTable")
        self._report_note = QLabel(tab)
        self._report_note.setWordWrap(True)
        right = QWidget(tab)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self._report_table, 1)
        right_layout.addWidget(self._report_note)
        splitter = QSplitter(tab)
        splitter.addWidget(self._table_list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([260, 640])
        layout = QVBoxLayout(tab)
        layout.addWidget(splitter)
        return tab

    def _build_charts_tab(self) -> QWidget:
        tab = QWidget(self)
        self._trend_view = QChartView(tab)
        self._trend_view.setObjectName("statisticsTrendChart")
        self._flow_view = QChartView(tab)
        self._flow_view.setObjectName("statisticsFlowChart")
        for view in (self._trend_view, self._flow_view):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(220)
        layout = QVBoxLayout(tab)
        layout.addWidget(self._trend_view, 1)
        layout.addWidget(self._flow_view, 1)
        return tab

    def _build_supervision_tab(self) -> QWidget:
        tab = QWidget(self)
        self._level_box = QComboBox(tab)
        self._level_box.setObjectName("statisticsLevelBox")
        self._level_box.addItem(self.tr("按窗口"), "counter")
        self._level_box.addItem(self.tr("按县（区）"), "county")
        self._level_box.addItem(self.tr("按市（州）"), "city")
        self._level_box.currentIndexChanged.connect(self._show_supervision)
        self._supervision_table = _read_only_table(tab, "statisticsSupervisionTable")
        self._supervision_table.cellClicked.connect(self._on_supervision_cell)
        self._cases_label = QLabel(self.tr("点击一个数字，查看其背后的明细"), tab)
        self._cases_label.setWordWrap(True)
        self._cases_table = _read_only_table(tab, "statisticsCasesTable")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("汇总层级"), tab))
        top.addWidget(self._level_box)
        top.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self._supervision_table, 1)
        layout.addWidget(self._cases_label)
        layout.addWidget(self._cases_table, 2)
        return tab

    def _build_check_tab(self) -> QWidget:
        tab = QWidget(self)
        self._check_summary = QLabel(
            self.tr("尚未校验。校验按事件日志重算每个数字，与系统数据和报表逐一核对。"), tab
        )
        self._check_summary.setObjectName("statisticsCheckSummary")
        self._check_summary.setWordWrap(True)
        self._differences = QTableWidget(tab)
        self._differences.setObjectName("statisticsDifferences")
        self._differences.verticalHeader().hide()
        self._differences.horizontalHeader().setStretchLastSection(True)
        self._finalise_button = QPushButton(self.tr("定稿"), tab)
        self._finalise_button.setObjectName("statisticsFinaliseButton")
        self._finalise_button.setEnabled(False)
        self._finalise_button.clicked.connect(self.finalise_report)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("每处差异须在「说明」列写明原因后方可定稿。"), tab), 1)
        bottom.addWidget(self._finalise_button)
        layout = QVBoxLayout(tab)
        layout.addWidget(self._check_summary)
        layout.addWidget(self._differences, 1)
        layout.addLayout(bottom)
        return tab

    # -- public API -------------------------------------------------------------------------

    def set_store(self, store: Store) -> None:
        """The database is open."""
        self._store = store

    def set_query(self, month: dt.date, region: str, scheme: str = "calendar") -> None:
        """Fill in the pickers (then `refresh()`)."""
        self._month_field.setDate(QDate(month.year, month.month, 1))
        index = self._region_box.findData(region)
        if index < 0:
            self._region_box.addItem(region, region)
            index = self._region_box.count() - 1
        self._region_box.setCurrentIndex(index)
        self._scheme_box.setCurrentIndex(max(0, self._scheme_box.findData(scheme)))

    def message(self) -> str:
        return self._message.text()

    def statistics(self) -> Statistics | None:
        return self._statistics

    def report_table_widget(self) -> QTableWidget:
        return self._report_table

    def differences_widget(self) -> QTableWidget:
        return self._differences

    def tabs(self) -> QTabWidget:
        return self._tabs

    def charts(self) -> tuple[QChartView, QChartView]:
        return self._trend_view, self._flow_view

    def supervision_table(self) -> QTableWidget:
        return self._supervision_table

    def cases_table(self) -> QTableWidget:
        return self._cases_table

    def _query(self) -> tuple[dt.date, str, Any]:
        from desktop.reports.period import PeriodScheme

        month = self._month_field.date()
        region = self._region_box.currentData()
        text = self._region_box.currentText().strip()
        if region is None or not text.startswith(str(region)):
            region = text.split(" ")[0]
        return (
            dt.date(month.year(), month.month(), 1),
            str(region),
            PeriodScheme(self._scheme_box.currentData()),
        )

    @Slot()
    def refresh(self) -> None:
        """Compute the report for the chosen month and region (off the GUI thread)."""
        if self._store is None:
            return
        self._show(self.tr("正在统计……"))
        self._query_button.setEnabled(False)
        run_db(load_statistics, self._store, *self._query()).on_success(
            self._on_statistics
        ).on_error(self._on_failed)

    @Slot()
    def run_consistency_check(self) -> None:
        """三统一校验 of the chosen month and region (off the GUI thread)."""
        if self._store is None:
            return
        from desktop.ui.background import run_in_background

        self._show(self.tr("正在按事件日志重算并核对……"))
        self._check_button.setEnabled(False)
        query = self._query()

        def check(_prepared: object = None) -> None:
            # A failed preparation only means the check folds for itself.
            if self._store is not None:
                run_db(run_check, self._store, *query, self._folds).on_success(
                    self._on_check
                ).on_error(self._on_failed)

        run_in_background(prepare_for_check, self._store).on_success(check).on_error(check)

    def export_to(self, path: Path) -> None:
        """Write the report shown as PDF or XLSX (by the suffix), off the GUI thread."""
        if self._statistics is None:
            return
        from desktop.ui.background import run_in_background

        self._show(self.tr("正在导出……"))
        run_in_background(
            export_file, self._statistics, self._check, self._config.counter_name, path
        ).on_success(self._on_exported).on_error(self._on_failed)

    def explanations(self) -> dict[str, str]:
        """The 说明 column, by difference key."""
        found: dict[str, str] = {}
        if self._check is None:
            return found
        for row, difference in enumerate(self._check.differences):
            item = self._differences.item(row, 3)
            found[difference.key] = item.text() if item is not None else ""
        return found

    def set_explanation(self, row: int, text: str) -> None:
        """Write the 说明 of one difference (as the statistician would type it)."""
        item = self._differences.item(row, 3)
        if item is not None:
            item.setText(text)

    @Slot()
    def finalise_report(self) -> None:
        """定稿 (refused with the reason while a difference is unexplained)."""
        if self._store is None or self._check is None:
            return
        run_db(finalise, self._store, self._config, self._check, self.explanations()).on_success(
            self._on_finalised
        ).on_error(self._on_failed)

    # -- slots ------------------------------------------------------------------------------

    def _on_statistics(self, statistics: Statistics) -> None:
        self._query_button.setEnabled(True)
        self._statistics = statistics
        report = statistics.report
        self._table_list.clear()
        for table in report.tables():
            self._table_list.addItem(table.title)
        self._table_list.setCurrentRow(0)
        self._draw_charts(report, statistics.overdue)
        self._show_supervision()
        for button in (self._pdf_button, self._xlsx_button):
            button.setEnabled(True)
        text = self.tr(
            "{region}{period}：期末城镇登记失业 {stock} 人，新增 {inflow} 人，注销 {outflow} 人"
        ).format(
            region=report.region_name,
            period=report.period.label,
            stock=report.stock_end,
            inflow=report.inflow,
            outflow=report.outflow,
        )
        notes = " ".join([*report.notes, *statistics.supervision.warnings])
        self._show(
            f"{text}。{notes}" if notes else text,
            _ERROR_STYLE if statistics.supervision.warnings else "",
        )
        self.sig_statistics_shown.emit(report)

    @Slot(int)
    def _on_table_chosen(self, row: int) -> None:
        if self._statistics is None or row < 0:
            return
        tables: list[ReportTable] = self._statistics.report.tables()
        if row >= len(tables):
            return
        table = tables[row]
        _fill(self._report_table, table.columns, list(table.rows))
        self._report_note.setText(table.note)

    def _draw_charts(self, report: MonthlyReport, overdue: list[int]) -> None:
        months = [f"{point.key[2:4]}.{int(point.key[5:7])}" for point in report.trend]
        trend = QChart()
        trend.setTitle(self.tr("城镇登记失业人数趋势"))
        trend.legend().hide()
        trend.setMargins(QMargins(4, 4, 4, 4))
        line = QLineSeries()
        line.setName(self.tr("期末人数"))
        line.setColor(QColor(_STOCK_COLOUR))
        for index, point in enumerate(report.trend):
            line.append(index, point.stock_end)
        trend.addSeries(line)
        axis_x = QBarCategoryAxis()
        axis_x.append(months)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        axis_y.setRange(0, max([p.stock_end for p in report.trend] + [1]) * 1.15)
        axis_y.applyNiceNumbers()
        trend.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        trend.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        line.attachAxis(axis_x)
        line.attachAxis(axis_y)
        self._trend_view.setChart(trend)

        flows = QChart()
        flows.setTitle(self.tr("新增、注销登记及逾期办结"))
        flows.setMargins(QMargins(4, 4, 4, 4))
        bars = QBarSeries()
        values = []
        for label, colour, numbers in (
            (self.tr("新增登记"), _INFLOW_COLOUR, [p.inflow for p in report.trend]),
            (self.tr("注销登记"), _OUTFLOW_COLOUR, [p.outflow for p in report.trend]),
            (self.tr("逾期办结"), _OVERDUE_COLOUR, list(overdue)),
        ):
            bar_set = QBarSet(label)
            bar_set.setColor(QColor(colour))
            bar_set.append([float(n) for n in numbers])
            bars.append(bar_set)
            values += numbers
        flows.addSeries(bars)
        axis_months = QBarCategoryAxis()
        axis_months.append(months)
        axis_counts = QValueAxis()
        axis_counts.setLabelFormat("%d")
        axis_counts.setRange(0, max([*values, 1]) * 1.15)
        axis_counts.applyNiceNumbers()
        flows.addAxis(axis_months, Qt.AlignmentFlag.AlignBottom)
        flows.addAxis(axis_counts, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(axis_months)
        bars.attachAxis(axis_counts)
        flows.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self._flow_view.setChart(flows)

    @Slot()
    def _show_supervision(self) -> None:
        from desktop.reports.supervision import INDICATORS, LEVELS

        if self._statistics is None:
            return
        level = str(self._level_box.currentData())
        counts = self._statistics.supervision.counts_by(level)
        rows = [(unit, *values.values()) for unit, values in counts.items()]
        _fill(self._supervision_table, (LEVELS[level], *INDICATORS.values()), rows)
        self._cases_table.clear()
        self._cases_table.setRowCount(0)

    @Slot(int, int)
    def _on_supervision_cell(self, row: int, column: int) -> None:
        from desktop.reports.supervision import INDICATORS

        if self._statistics is None or column == 0:
            return
        unit_item = self._supervision_table.item(row, 0)
        indicator = list(INDICATORS)[column - 1]
        level = str(self._level_box.currentData())
        cases = self._statistics.supervision.cases_of(
            indicator, unit_item.text() if unit_item else "", level
        )
        self._cases_label.setText(
            self.tr("{unit}「{indicator}」共 {count} 件：").format(
                unit=unit_item.text() if unit_item else "",
                indicator=INDICATORS[indicator],
                count=len(cases),
            )
        )
        _fill(
            self._cases_table,
            (
                self.tr("登记编号"),
                self.tr("姓名"),
                self.tr("证件号码"),
                self.tr("窗口"),
                self.tr("情况"),
            ),
            [
                (c.registration_number, c.person_name, c.id_number_masked, c.counter_id, c.detail)
                for c in cases
            ],
        )

    def _on_check(self, check: ConsistencyCheck) -> None:
        self._check_button.setEnabled(True)
        self._check = check
        self._check_summary.setText(check.summary())
        self._check_summary.setStyleSheet(_OK_STYLE if check.consistent else _ERROR_STYLE)
        headers = [self.tr("登记编号"), self.tr("姓名"), self.tr("差异及原因"), self.tr("说明")]
        self._differences.clear()
        self._differences.setColumnCount(len(headers))
        self._differences.setHorizontalHeaderLabels(headers)
        self._differences.setRowCount(len(check.differences))
        for row, difference in enumerate(check.differences):
            self._differences.setItem(row, 0, _item(difference.registration_number))
            self._differences.setItem(row, 1, _item(difference.person_name))
            self._differences.setItem(row, 2, _item(difference.reason))
            self._differences.setItem(row, 3, QTableWidgetItem(""))  # editable: the 说明
        self._differences.resizeColumnsToContents()
        self._differences.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Interactive
        )
        self._finalise_button.setEnabled(check.period.is_complete(check.as_of))
        self._tabs.setCurrentIndex(3)
        self._show(check.summary(), _OK_STYLE if check.consistent else _ERROR_STYLE)
        self.sig_check_finished.emit(check)

    def _on_exported(self, path: Path) -> None:
        self._show(self.tr("已导出：{path}").format(path=path), _OK_STYLE)
        self.sig_exported.emit(str(path))

    def _on_finalised(self, label: str) -> None:
        self._show(self.tr("{period}月报已定稿").format(period=label), _OK_STYLE)
        self.sig_finalised.emit(label)

    def _on_failed(self, error: BaseException) -> None:
        self._query_button.setEnabled(True)
        self._check_button.setEnabled(True)
        message = getattr(error, "message", None) or str(error)
        self._show(message, _ERROR_STYLE)
        self.sig_failed.emit(message)

    def _on_export_clicked(self, suffix: str) -> None:
        if self._statistics is None:
            return
        report = self._statistics.report
        start = Path.home() / f"城镇登记失业人员月报-{report.region}-{report.period.key}{suffix}"
        kind = self.tr("PDF 文件 (*.pdf)") if suffix == ".pdf" else self.tr("Excel 文件 (*.xlsx)")
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("导出月报"), str(start), kind)
        if chosen:
            path = Path(chosen)
            self.export_to(path if path.suffix.lower() == suffix else path.with_suffix(suffix))

    def _show(self, text: str, style: str = "") -> None:
        self._message.setStyleSheet(style)
        self._message.setText(text)
