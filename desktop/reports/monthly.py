"""The monthly report of 城镇登记失业人员 (notice §6): stock, inflow, outflow and breakdowns."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.codes import code_table
from desktop.reports.facts import RegistrationFacts
from desktop.reports.period import (
    PeriodScheme,
    ReportError,
    ReportingPeriod,
    beijing_today,
    check_region,
    region_label,
    reporting_period,
    trend_periods,
)

__all__ = [
    "AGE_BANDS",
    "DURATION_BANDS",
    "Breakdown",
    "MonthlyReport",
    "ReportTable",
    "TrendPoint",
    "age_band",
    "compute_monthly_report",
    "duration_band",
    "education_group",
    "monthly_report",
]

# Age at the period's last day; the bands of the labour statistics (16 is the notice §1 floor).
AGE_BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("16-24", "16—24岁", 16, 24),
    ("25-34", "25—34岁", 25, 34),
    ("35-44", "35—44岁", 35, 44),
    ("45-54", "45—54岁", 45, 54),
    ("55+", "55岁及以上", 55, 200),
)
# Months unemployed at the period's last day, from 失业时间 (else the registration date).
DURATION_BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("0-2", "3个月以下", 0, 2),
    ("3-5", "3—6个月", 3, 5),
    ("6-11", "6—12个月", 6, 11),
    ("12-23", "1—2年", 12, 23),
    ("24+", "2年及以上", 24, 100_000),
)
# Months in the trend charts and table (the report month and the 11 before it).
TREND_MONTHS = 12
UNKNOWN = "unknown"
UNKNOWN_LABEL = "未填写"
_EDUCATION_GROUPS = ("10", "20", "30", "40", "60", "70", "80", "90")
_SEX_CODES = (("1", "男"), ("2", "女"))


@dataclass(frozen=True)
class Breakdown:
    """Counts by code, in the code table's order, with the codes' Chinese labels."""

    key: str
    title: str
    rows: tuple[tuple[str, str, int], ...]  # (code, label, count)
    note: str = ""

    def count(self, code: str) -> int:
        for row_code, _label, count in self.rows:
            if row_code == code:
                return count
        return 0

    @property
    def total(self) -> int:
        return sum(count for _code, _label, count in self.rows)


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend charts (城镇 only)."""

    key: str
    label: str
    stock_end: int
    inflow: int
    outflow: int


@dataclass(frozen=True)
class ReportTable:
    """One table as the screen, the XLSX sheet and the PDF show it (the same cells)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class MonthlyReport:
    """城镇登记失业人员 of one region and reporting month.

    notice §6: 常住地为城镇的登记失业人员（包括农村进城务工人员和其他非本地户籍人员）; the urban
    flag is the person's 常住地 城乡 field, whatever the 户口性质.
    """

    region: str
    region_name: str
    period: ReportingPeriod
    as_of: dt.date
    source: str  # "local" or "central"
    stock_start: int
    inflow: int
    outflow: int
    stock_end: int
    stock_end_all: int  # 城乡合计
    stock_end_urban_unknown: int  # 常住地城乡 not recorded: counted in neither
    outflow_by_reason: Breakdown
    inflow_by_cause: Breakdown
    breakdowns: tuple[Breakdown, ...]
    trend: tuple[TrendPoint, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        """False while the period has not ended: the figures are as of `as_of`."""
        return self.period.is_complete(self.as_of)

    def breakdown(self, key: str) -> Breakdown:
        for item in (self.outflow_by_reason, self.inflow_by_cause, *self.breakdowns):
            if item.key == key:
                return item
        raise KeyError(key)

    def figures(self) -> dict[str, int]:
        """Every figure under a stable key ("summary.stock_end", "sex.1", …): what the
        consistency check compares and a finalised report keeps."""
        figures = {
            "summary.stock_start": self.stock_start,
            "summary.inflow": self.inflow,
            "summary.outflow": self.outflow,
            "summary.stock_end": self.stock_end,
            "summary.stock_end_all": self.stock_end_all,
            "summary.stock_end_urban_unknown": self.stock_end_urban_unknown,
        }
        for item in (self.outflow_by_reason, self.inflow_by_cause, *self.breakdowns):
            for code, _label, count in item.rows:
                figures[f"{item.key}.{code}"] = count
        return figures

    def tables(self) -> list[ReportTable]:
        """The report's tables in print order: the one source of the screen, XLSX and PDF."""
        summary = ReportTable(
            "summary",
            "表1 城镇登记失业人员增减情况",
            ("项目", "人数"),
            (
                ("上期末城镇登记失业人数", self.stock_start),
                ("本期新增登记", self.inflow),
                ("本期注销登记", self.outflow),
                ("本期末城镇登记失业人数", self.stock_end),
                ("本期末登记失业人数（城乡合计）", self.stock_end_all),
                ("其中：常住地城乡属性未填写", self.stock_end_urban_unknown),
            ),
            "期末人数 = 上期末人数 + 本期新增 - 本期注销。",
        )
        tables = [summary, _breakdown_table("表2", self.outflow_by_reason, self.outflow)]
        tables.append(_breakdown_table("表3", self.inflow_by_cause, self.inflow))
        for number, item in enumerate(self.breakdowns, start=4):
            tables.append(_breakdown_table(f"表{number}", item, self.stock_end))
        tables.append(
            ReportTable(
                "trend",
                f"表{4 + len(self.breakdowns)} 近{len(self.trend)}个月城镇登记失业人员变动",
                ("月份", "期末人数", "新增登记", "注销登记"),
                tuple(
                    (point.label, point.stock_end, point.inflow, point.outflow)
                    for point in self.trend
                ),
            )
        )
        return tables

    def to_json(self) -> dict[str, Any]:
        """The report as JSON types (the CLI's --format json)."""
        return {
            "region": self.region,
            "region_name": self.region_name,
            "month": self.period.key,
            "period": {
                "scheme": self.period.scheme.value,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "label": self.period.label,
            },
            "as_of": self.as_of.isoformat(),
            "complete": self.complete,
            "source": self.source,
            "figures": self.figures(),
            "tables": [
                {
                    "key": table.key,
                    "title": table.title,
                    "columns": list(table.columns),
                    "rows": [list(row) for row in table.rows],
                    "note": table.note,
                }
                for table in self.tables()
            ],
            "trend": [
                {
                    "month": point.key,
                    "stock_end": point.stock_end,
                    "inflow": point.inflow,
                    "outflow": point.outflow,
                }
                for point in self.trend
            ],
            "notes": list(self.notes),
        }


def _share(count: int, total: int) -> str:
    return f"{count * 100 / total:.1f}" if total else "—"


def _breakdown_table(number: str, item: Breakdown, base: int) -> ReportTable:
    rows: list[tuple[str | int, ...]] = [
        (label, count, _share(count, base)) for _code, label, count in item.rows
    ]
    rows.append(("合计", base, "100.0" if base else "—"))
    if item.key == "difficulty":
        rows[-1] = ("期末人数", base, "100.0" if base else "—")
    return ReportTable(
        item.key, f"{number} {item.title}", ("项目", "人数", "占比（%）"), tuple(rows), item.note
    )


# --------------------------------------------------------------------------- classification


def age_band(birth_date: str | None, on: str) -> str:
    """AGE_BANDS code of the age on `on` (ISO dates as text); UNKNOWN without a birth date."""
    if not birth_date or len(birth_date) < 10:
        return UNKNOWN
    age = int(on[:4]) - int(birth_date[:4]) - (birth_date[5:10] > on[5:10])
    for code, _label, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    return "16-24" if age < 16 else UNKNOWN


def duration_band(since: str | None, on: str) -> str:
    """DURATION_BANDS code of whole months from `since` to `on`; UNKNOWN without a date."""
    if not since or len(since) < 10:
        return UNKNOWN
    months = (int(on[:4]) - int(since[:4])) * 12 + int(on[5:7]) - int(since[5:7])
    if since[8:10] > on[8:10]:
        months -= 1
    months = max(0, months)
    for code, _label, low, high in DURATION_BANDS:
        if low <= months <= high:
            return code
    return UNKNOWN


def education_group(code: str | None) -> str:
    """GB/T 4658 group ("31" 大学专科毕业 → "30"); UNKNOWN when not recorded."""
    if not code:
        return UNKNOWN
    group = code[0] + "0"
    return group if group in _EDUCATION_GROUPS else "90"


def _rows(
    counts: Mapping[str, int], codes: Sequence[tuple[str, str]], *, keep_unknown: bool = True
) -> tuple[tuple[str, str, int], ...]:
    rows = [(code, label, counts.get(code, 0)) for code, label in codes]
    known = {code for code, _label in codes}
    other = sum(count for code, count in counts.items() if code not in known and code != UNKNOWN)
    if other:
        rows.append(("other", "其他代码", other))
    if keep_unknown and counts.get(UNKNOWN, 0):
        rows.append((UNKNOWN, UNKNOWN_LABEL, counts[UNKNOWN]))
    return tuple(rows)


def _table_codes(name: str, *, top_level_only: bool = False) -> list[tuple[str, str]]:
    table = code_table(name)
    return [(item.code, item.label) for item in table if not top_level_only or item.parent is None]


# --------------------------------------------------------------------------- the computation


def _period_key_function(scheme: PeriodScheme) -> Any:
    """ISO date text → the key ("YYYY-MM") of the reporting month it falls in."""
    if scheme is PeriodScheme.CALENDAR:
        return lambda day: day[:7]
    cache: dict[str, str] = {}

    def key(day: str) -> str:
        found = cache.get(day)
        if found is None:
            if day[8:10] <= "20":
                found = day[:7]
            else:
                year, month = int(day[:4]), int(day[5:7])
                found = f"{year + month // 12:04d}-{month % 12 + 1:02d}"
            cache[day] = found
        return found

    return key


@dataclass
class _Tallies:
    """The counts a report is made of, filled from facts (Python) or from SQL aggregates."""

    stock_start: int = 0
    inflow: int = 0
    outflow: int = 0
    stock_end: int = 0
    stock_all: int = 0
    urban_unknown: int = 0
    any_data: bool = False
    sex: Counter[str] = field(default_factory=Counter)
    age: Counter[str] = field(default_factory=Counter)
    education: Counter[str] = field(default_factory=Counter)
    cause: Counter[str] = field(default_factory=Counter)
    difficulty: Counter[str] = field(default_factory=Counter)
    duration: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    inflow_causes: Counter[str] = field(default_factory=Counter)
    in_by_key: Counter[str] = field(default_factory=Counter)
    out_by_key: Counter[str] = field(default_factory=Counter)

    def adjusted(self, *, remove: _Tallies, add: _Tallies) -> _Tallies:
        """These counts less `remove` plus `add` (each count is a sum over registrations)."""
        result = _Tallies(any_data=self.any_data or add.any_data)
        for name in (
            "stock_start",
            "inflow",
            "outflow",
            "stock_end",
            "stock_all",
            "urban_unknown",
        ):
            setattr(result, name, getattr(self, name) - getattr(remove, name) + getattr(add, name))
        for name in (
            "sex",
            "age",
            "education",
            "cause",
            "difficulty",
            "duration",
            "reasons",
            "inflow_causes",
            "in_by_key",
            "out_by_key",
        ):
            counts: Counter[str] = Counter(getattr(self, name))
            counts.subtract(getattr(remove, name))
            counts.update(getattr(add, name))
            setattr(result, name, Counter({k: n for k, n in counts.items() if n}))
        return result

    def add_categories(self, categories: Sequence[str], count: int) -> None:
        for category in categories:
            self.difficulty[category] += count
        if categories:
            self.difficulty["any"] += count


def _tally_facts(facts: Iterable[RegistrationFacts], period: ReportingPeriod, end: str) -> _Tallies:
    """One pass over the facts; `end` is the period's last day (or today, if earlier)."""
    start = period.start.isoformat()
    before = (period.start - dt.timedelta(days=1)).isoformat()
    key_of = _period_key_function(period.scheme)
    tallies = _Tallies()
    for fact in facts:
        registered = fact.registered_on
        if (fact.applied_on is not None and fact.applied_on <= end) or (
            registered is not None and registered <= end
        ):
            tallies.any_data = True
        if registered is None or fact.status not in ("registered", "deregistered"):
            continue
        gone = fact.deregistered_on if fact.status == "deregistered" else None
        in_stock_end = registered <= end and (gone is None or gone > end)
        urban = fact.residence_urban
        if in_stock_end:
            tallies.stock_all += 1
            if urban is None:
                tallies.urban_unknown += 1
        if urban is not True:
            continue
        tallies.in_by_key[key_of(registered)] += 1
        if gone is not None:
            tallies.out_by_key[key_of(gone)] += 1
        if registered <= before and (gone is None or gone > before):
            tallies.stock_start += 1
        if start <= registered <= end:
            tallies.inflow += 1
            tallies.inflow_causes[fact.unemployment_cause or UNKNOWN] += 1
        if gone is not None and start <= gone <= end:
            tallies.outflow += 1
            tallies.reasons[fact.deregistration_reason or UNKNOWN] += 1
        if in_stock_end:
            tallies.stock_end += 1
            tallies.sex[fact.sex if fact.sex in ("1", "2") else UNKNOWN] += 1
            tallies.age[age_band(fact.birth_date, end)] += 1
            tallies.education[education_group(fact.education)] += 1
            tallies.cause[fact.unemployment_cause or UNKNOWN] += 1
            tallies.add_categories(fact.difficulty_categories, 1)
            tallies.duration[duration_band(fact.unemployed_since or registered, end)] += 1
    return tallies


def compute_monthly_report(
    facts: Iterable[RegistrationFacts],
    region: str,
    period: ReportingPeriod,
    *,
    as_of: dt.date,
    source: str = "local",
    trend_months: int = TREND_MONTHS,
    allow_empty: bool = False,
) -> MonthlyReport:
    """The report from registration facts (projections or journal folds: the same function)."""
    end = min(period.end, as_of).isoformat()
    tallies = _tally_facts(facts, period, end)
    return _report_from_tallies(
        tallies, region, period, as_of, source, trend_months, allow_empty=allow_empty
    )


def _report_from_tallies(
    tallies: _Tallies,
    region: str,
    period: ReportingPeriod,
    as_of: dt.date,
    source: str,
    trend_months: int = TREND_MONTHS,
    *,
    allow_empty: bool = False,
) -> MonthlyReport:
    if not tallies.any_data and not allow_empty:
        raise ReportError(
            f"{region_label(region)}（{region}）{period.label}没有登记失业数据："
            "截至该月末无人申请或登记失业。请核对月份和地区，或先同步中心数据库的数据"
        )
    notes = []
    if not period.is_complete(as_of):
        notes.append(f"本月尚未结束，数据截至 {as_of.isoformat()}。")
    if tallies.urban_unknown:
        notes.append(
            f"期末有 {tallies.urban_unknown} 人未填写常住地城乡属性，"
            "未计入城镇登记失业人员，请补录。"
        )
    return MonthlyReport(
        region=region,
        region_name=region_label(region),
        period=period,
        as_of=as_of,
        source=source,
        stock_start=tallies.stock_start,
        inflow=tallies.inflow,
        outflow=tallies.outflow,
        stock_end=tallies.stock_end,
        stock_end_all=tallies.stock_all,
        stock_end_urban_unknown=tallies.urban_unknown,
        outflow_by_reason=Breakdown(
            "outflow",
            "本期注销人员按注销原因",
            _rows(tallies.reasons, _table_codes("deregistration_reason")),
        ),
        inflow_by_cause=Breakdown(
            "inflow",
            "本期新增登记人员按失业原因",
            _rows(tallies.inflow_causes, _table_codes("unemployment_cause")),
        ),
        breakdowns=_stock_breakdowns(tallies),
        trend=_trend(period, trend_months, tallies.in_by_key, tallies.out_by_key),
        notes=tuple(notes),
    )


def _stock_breakdowns(tallies: _Tallies) -> tuple[Breakdown, ...]:
    categories = Counter({code: n for code, n in tallies.difficulty.items() if code != "any"})
    difficulty_rows = (
        ("any", "就业困难人员（任一类别）", tallies.difficulty.get("any", 0)),
        *_rows(categories, _table_codes("difficulty_category"), keep_unknown=False),
    )
    return (
        Breakdown("sex", "期末城镇登记失业人员按性别", _rows(tallies.sex, _SEX_CODES)),
        Breakdown(
            "age",
            "期末城镇登记失业人员按年龄段",
            _rows(tallies.age, [(code, label) for code, label, _low, _high in AGE_BANDS]),
            "年龄按统计期末日计算。",
        ),
        Breakdown(
            "education",
            "期末城镇登记失业人员按文化程度",
            _rows(tallies.education, _table_codes("education", top_level_only=True)),
        ),
        Breakdown(
            "cause",
            "期末城镇登记失业人员按失业原因",
            _rows(tallies.cause, _table_codes("unemployment_cause")),
        ),
        Breakdown(
            "difficulty",
            "期末城镇登记失业人员中的就业困难人员",
            difficulty_rows,
            "按登记时认定的类别；一人可属多个类别，各类别之和可大于就业困难人员人数。",
        ),
        Breakdown(
            "duration",
            "期末城镇登记失业人员按失业持续时间",
            _rows(tallies.duration, [(code, label) for code, label, _low, _high in DURATION_BANDS]),
            "自失业时间（未填写时自登记日期）起算至统计期末。",
        ),
    )


def _trend(
    period: ReportingPeriod, months: int, in_by_key: Counter[str], out_by_key: Counter[str]
) -> tuple[TrendPoint, ...]:
    periods = trend_periods(period, months)
    first = periods[0].key
    # Stock at the end of each month = registrations up to it − deregistrations up to it.
    stock = sum(n for key, n in in_by_key.items() if key < first) - sum(
        n for key, n in out_by_key.items() if key < first
    )
    points = []
    for each in periods:
        inflow, outflow = in_by_key.get(each.key, 0), out_by_key.get(each.key, 0)
        stock += inflow - outflow
        label = f"{each.month.year}年{each.month.month}月"
        points.append(TrendPoint(each.key, label, stock, inflow, outflow))
    return tuple(points)


# --------------------------------------------------------------------------- SQL (SQLite)
# The same counts as _tally_facts, aggregated inside SQLite: a county's 100,000 rows cost more
# to bring into Python than to count (bench/bench_statistics.py). tests/desktop/reports check
# that both give the same report.
#
# One statement, one pass over registration alone (the person's sex, birth date, education and
# 城乡 are copied onto it, migration 0011: the join with person was most of the cost),
# materialised narrow and grouped twice:
# - flows: (registration month, deregistration month, 城乡 and two "after the end" flags in
#   one integer, cause and reason of the period's rows). Which rows were in stock at the
#   period's start, came in or went out follows from the months alone (a date is on or before
#   the day before the period ⇔ its reporting month is earlier); only "after `end`" needs the
#   day, for a running month whose `end` is today.
# - stock: the urban stock at `end` by cause, difficulty categories, education group and one
#   integer for sex, age band and duration band (one integer sorts far faster than three).
# Age and duration bands are comparisons with boundary dates computed here (age ≥ 25 on `end`
# ⇔ born on or before `end` less 25 years), not date arithmetic per row.
# The table is read in full (NOT INDEXED): the statuses the report reads are 90 % of the rows,
# and SQLite's preferred ix_registration_due made it fetch each row at random.


def _key_sql(column: str, scheme: PeriodScheme) -> str:
    if scheme is PeriodScheme.CALENDAR:
        return f"substr({column}, 1, 7)"
    return (
        f"CASE WHEN substr({column}, 9, 2) <= '20' THEN substr({column}, 1, 7)"
        f" ELSE strftime('%Y-%m', {column}, 'start of month', '+1 month') END"
    )


_GONE = "CASE r.status WHEN 'deregistered' THEN r.deregistered_on END"
# Python's `unemployed_since or registered_on`: an empty text counts as missing.
_SINCE = "coalesce(nullif(r.unemployed_since, ''), r.registered_on)"
_AGE_INDEX_SQL = (
    "CASE WHEN length(r.person_birth_date) >= 10 THEN CASE"
    " WHEN r.person_birth_date > :born_25 THEN 0 WHEN r.person_birth_date > :born_35 THEN 1"
    " WHEN r.person_birth_date > :born_45 THEN 2 WHEN r.person_birth_date > :born_55 THEN 3"
    " WHEN r.person_birth_date > :born_201 THEN 4 END END"
)
_DURATION_INDEX_SQL = (
    f"CASE WHEN length({_SINCE}) >= 10 THEN CASE"
    f" WHEN {_SINCE} > :since_3 THEN 0 WHEN {_SINCE} > :since_6 THEN 1"
    f" WHEN {_SINCE} > :since_12 THEN 2 WHEN {_SINCE} > :since_24 THEN 3 ELSE 4 END END"
)
# 城乡 (0, 1, 2 = not recorded), registered after `end`, gone after `end` (0, 1, 2 = not gone)
# as one integer: the flows group by 5 columns instead of 7 (bench: 40 ms less on a county).
_FLAGS_SQL = (
    "coalesce(r.person_residence_urban, 2) + 3 * (r.registered_on > :end)"
    " + 6 * coalesce({gone} > :end, 2)"
)
_SEX_INDEX_SQL = "coalesce((r.person_sex = '1') + 2 * (r.person_sex = '2'), 0)"
_IN_STOCK_SQL = (
    "(r.person_residence_urban = 1 AND r.registered_on <= :end"
    f" AND ({_GONE} IS NULL OR {_GONE} > :end))"
)
_REPORT_SQL = (
    "WITH j AS MATERIALIZED (SELECT {registered_key} AS registered_key,"
    " {gone_key} AS gone_key, {flags} AS flags,"
    " CASE WHEN r.registered_on >= :start THEN r.unemployment_cause END AS inflow_cause,"
    " CASE WHEN {gone} >= :start THEN r.deregistration_reason END AS outflow_reason,"
    " r.unemployment_cause AS cause, r.difficulty_categories AS categories,"
    " substr(r.person_education, 1, 1) AS education,"
    f" CASE WHEN {_IN_STOCK_SQL} THEN {_SEX_INDEX_SQL}"
    f" + 3 * coalesce({_AGE_INDEX_SQL}, 5) + 18 * coalesce({_DURATION_INDEX_SQL}, 5) END AS cell"
    " FROM registration r NOT INDEXED"
    " WHERE {region} AND r.status IN ('registered', 'deregistered')"
    " AND r.registered_on IS NOT NULL"
    # Registered and deregistered before the trend's first month: counted in neither stock
    # and, in and out before the trend, in no trend month either (both sides of its base).
    " AND NOT coalesce(r.status = 'deregistered' AND r.deregistered_on < :trend_start"
    " AND r.registered_on <= r.deregistered_on, 0))"
    " SELECT 0, registered_key, gone_key, flags, inflow_cause, outflow_reason, NULL, NULL,"
    " count(*) FROM j GROUP BY 2, 3, 4, 5, 6"
    " UNION ALL SELECT 1, cause, categories, education, cell, NULL, NULL, NULL, count(*)"
    " FROM j WHERE cell IS NOT NULL GROUP BY 2, 3, 4, 5"
)
_ANY_DATA_SQL = (
    "SELECT 1 FROM registration r WHERE {region}"
    " AND (r.applied_on <= :end OR r.registered_on <= :end) LIMIT 1"
)
_SEX_BY_INDEX = (UNKNOWN, "1", "2")


def _region_sql(region: str) -> tuple[str, dict[str, str]]:
    from desktop.domain.workdays import region_prefix

    prefix = region_prefix(region)
    return "r.region >= :region_low AND r.region < :region_high", {
        "region_low": prefix,
        "region_high": prefix + "\uffff",
    }


def _age_code(band_index: int | None) -> str:
    """AGE_BANDS code of an index 0..4; UNKNOWN for None or 5 (no birth date, over 200)."""
    return AGE_BANDS[band_index][0] if band_index is not None and band_index < 5 else UNKNOWN


def _duration_code(months: int | None) -> str:
    if months is None:
        return UNKNOWN
    for code, _label, low, high in DURATION_BANDS:
        if low <= months <= high:
            return code
    return UNKNOWN


def _shift_date(day: str, *, years: int = 0, months: int = 0) -> str:
    """ISO text of `day` moved back by whole years and months, keeping its day number even
    where that day does not exist ("2025-02-29"): such text still compares right."""
    index = int(day[:4]) * 12 + int(day[5:7]) - 1 - years * 12 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}{day[7:10]}"


def band_boundaries(end: str) -> dict[str, str]:
    """The boundary dates of the age and duration bands on `end` (ISO text).

    Age on `end` ≥ N ⇔ birth date ≤ `end` less N years (age_band: the year difference, less
    one before the birthday); whole months from a date to `end` ≥ N ⇔ that date ≤ `end`
    less N months (duration_band). Text comparison of ISO dates decides both.
    """
    bounds = {f"born_{years}": _shift_date(end, years=years) for years in (25, 35, 45, 55, 201)}
    bounds.update({f"since_{n}": _shift_date(end, months=n) for n in (3, 6, 12, 24)})
    return bounds


def _add_flow_row(tallies: _Tallies, row: Sequence[Any], period_key: str) -> None:
    _tag, registered_key, gone_key, urban, registered_after, gone_after, cause, reason, n = row
    in_stock_end = not registered_after and (gone_key is None or gone_after == 1)
    if in_stock_end:
        tallies.stock_all += n
        if urban is None:
            tallies.urban_unknown += n
    if urban != 1:
        return
    tallies.in_by_key[registered_key] += n
    if gone_key is not None:
        tallies.out_by_key[gone_key] += n
    # On or before the day before the period ⇔ in an earlier reporting month.
    if registered_key < period_key and (gone_key is None or gone_key >= period_key):
        tallies.stock_start += n
    if registered_key == period_key and not registered_after:
        tallies.inflow += n
        tallies.inflow_causes[cause or UNKNOWN] += n
    if gone_key == period_key and not gone_after:
        tallies.outflow += n
        tallies.reasons[reason or UNKNOWN] += n
    if in_stock_end:
        tallies.stock_end += n


def _add_stock_row(tallies: _Tallies, row: Sequence[Any]) -> None:
    from desktop.reports.facts import _categories

    _tag, cause, categories, education, cell, _a, _b, _c, n = row
    sex, rest = cell % 3, cell // 3
    tallies.sex[_SEX_BY_INDEX[sex]] += n
    tallies.age[_age_code(rest % 6)] += n
    tallies.duration[_duration_code_by_index(rest // 6)] += n
    tallies.education[education_group(education)] += n
    tallies.cause[cause or UNKNOWN] += n
    tallies.add_categories(_categories(categories), n)


def _duration_code_by_index(index: int) -> str:
    return DURATION_BANDS[index][0] if index < 5 else UNKNOWN


def _tally_sql(session: Session, region: str, period: ReportingPeriod, end: str) -> _Tallies:
    connection = session.connection().connection.driver_connection
    assert connection is not None
    where, parameters = _region_sql(region)
    dates = {
        "start": period.start.isoformat(),
        "end": end,
        "trend_start": trend_periods(period, TREND_MONTHS)[0].start.isoformat(),
    }
    tallies = _Tallies()
    if not connection.execute(
        _ANY_DATA_SQL.format(region=where), {**parameters, **dates}
    ).fetchone():
        return tallies
    tallies.any_data = True
    sql = _REPORT_SQL.format(
        region=where,
        gone=_GONE,
        flags=_FLAGS_SQL.format(gone=_GONE),
        registered_key=_key_sql("r.registered_on", period.scheme),
        gone_key=_key_sql(_GONE, period.scheme),
    )
    rows = connection.execute(sql, {**parameters, **dates, **band_boundaries(end)}).fetchall()
    for row in rows:
        if row[0] == 0:
            _tag, registered_key, gone_key, flags, cause, reason, _a, _b, n = row
            urban, gone_after = flags % 3, flags // 6
            flow = (
                0,
                registered_key,
                gone_key,
                None if urban == 2 else urban,
                flags // 3 % 2,
                None if gone_after == 2 else gone_after,
                cause,
                reason,
                n,
            )
            _add_flow_row(tallies, flow, period.key)
        else:
            _add_stock_row(tallies, row)
    return tallies


def monthly_report(
    session: Session,
    month: dt.date | str,
    region: str,
    *,
    scheme: PeriodScheme = PeriodScheme.CALENDAR,
    today: dt.date | None = None,
) -> MonthlyReport:
    """The monthly report from this counter's projections.

    Refused with a Chinese message (ReportError): a malformed month, a month not yet begun,
    a region code that does not exist, a month and region without any data.
    """
    today = today or beijing_today()
    region = check_region(region)
    period = reporting_period(month, scheme, today=today)
    end = min(period.end, today).isoformat()
    return _report_from_tallies(
        _tally_sql(session, region, period, end), region, period, today, "local"
    )
