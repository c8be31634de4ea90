"""The monthly report on the central PostgreSQL database: a city or the whole province.

The same counts as desktop.reports.monthly, aggregated by PostgreSQL over the central
projections (design.md "Sync": the central database keeps the same projections, re-folded
on every push); the report is built by the same code as the counter's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop.reports.monthly import (
    MonthlyReport,
    _add_flow_row,
    _add_stock_row,
    _report_from_tallies,
    _Tallies,
    band_boundaries,
)
from desktop.reports.period import (
    PeriodScheme,
    ReportingPeriod,
    beijing_today,
    check_region,
    reporting_period,
)

__all__ = ["central_monthly_report"]


# The same counts as the counter's SQLite query (desktop.reports.monthly), in two statements
# over registration alone (2,000,000 rows for the province; the person's fields the report
# reads are copied onto it by migration 0011's triggers), both in one REPEATABLE READ
# snapshot: flows by reporting month, and the urban stock at `end` (filtered once, in WHERE)
# by cause, categories, education and one integer for sex, age band and duration band. Age and
# duration bands are comparisons with boundary dates and months are date arithmetic, which
# cost far less per row than age() and to_char(). EXPLAIN ANALYZE on the bench's province
# (bench/bench_statistics.py --central) chose the settings in _SETTINGS; one statement with
# GROUPING SETS was slower (it sorts or gathers all joined rows, it cannot aggregate in the
# parallel workers).
_GONE = "CASE r.status WHEN 'deregistered' THEN r.deregistered_on END"
_SINCE = "coalesce(r.unemployed_since, r.registered_on)"
_ROWS = (
    "FROM registration r WHERE r.region LIKE %(region)s"
    " AND r.status IN ('registered', 'deregistered') AND r.registered_on IS NOT NULL"
)
_IN_STOCK = (
    "r.person_residence_urban AND r.registered_on <= %(end)s"
    f" AND ({_GONE} IS NULL OR {_GONE} > %(end)s)"
)
_AGE_INDEX = (
    "CASE WHEN r.person_birth_date IS NULL THEN 5 WHEN r.person_birth_date > %(born_25)s THEN 0"
    " WHEN r.person_birth_date > %(born_35)s THEN 1 WHEN r.person_birth_date > %(born_45)s THEN 2"
    " WHEN r.person_birth_date > %(born_55)s THEN 3"
    " WHEN r.person_birth_date > %(born_201)s THEN 4 ELSE 5 END"
)
_DURATION_INDEX = (
    f"CASE WHEN {_SINCE} IS NULL THEN 5 WHEN {_SINCE} > %(since_3)s THEN 0"
    f" WHEN {_SINCE} > %(since_6)s THEN 1 WHEN {_SINCE} > %(since_12)s THEN 2"
    f" WHEN {_SINCE} > %(since_24)s THEN 3 ELSE 4 END"
)
_SEX_INDEX = "CASE r.person_sex WHEN '1' THEN 1 WHEN '2' THEN 2 ELSE 0 END"
_FLOWS = (
    "SELECT {registered_month}, {gone_month}, r.person_residence_urban, r.registered_on > %(end)s,"
    f" {_GONE} > %(end)s,"
    " CASE WHEN r.registered_on >= %(start)s THEN r.unemployment_cause END,"
    f" CASE WHEN {_GONE} >= %(start)s THEN r.deregistration_reason END, count(*)"
    f" {_ROWS} GROUP BY 1, 2, 3, 4, 5, 6, 7"
)
_STOCK = (
    "SELECT r.unemployment_cause, r.difficulty_categories::text, left(r.person_education, 1),"
    f" {_SEX_INDEX} + 3 * {_AGE_INDEX} + 18 * {_DURATION_INDEX}, count(*)"
    f" {_ROWS} AND {_IN_STOCK} GROUP BY 1, 2, 3, 4"
)
_ANY = (
    "SELECT 1 FROM registration r WHERE r.region LIKE %(region)s"
    " AND (r.applied_on <= %(end)s::date OR r.registered_on <= %(end)s::date) LIMIT 1"
)
# For these statements only (SET LOCAL): JIT compiling the expressions cost 2 s and saved
# less; with 4 MB the hash join and aggregation spilled to disk in 32 batches; with the
# default parallel costs the province's flows ran in one process (a city's are fine as they
# are: the last two apply to the whole province only).
_SETTINGS = (
    "SET LOCAL jit = off",
    "SET LOCAL work_mem = '256MB'",
    "SET LOCAL parallel_setup_cost = 0",
    "SET LOCAL parallel_tuple_cost = 0",
)


def _month_sql(column: str, scheme: PeriodScheme) -> str:
    """The first day of the reporting month `column` falls in, by date arithmetic (21–20
    months: of the day 20 days earlier, one month on; see _month_key)."""
    if scheme is PeriodScheme.DAY_21:
        column = f"({column} - 20)"
    return f"({column} - (date_part('day', {column})::int - 1))"


def _month_key(first_day: dt.date | None, scheme: PeriodScheme) -> str | None:
    if first_day is None:
        return None
    index = first_day.year * 12 + first_day.month - 1
    if scheme is PeriodScheme.DAY_21:
        index += 1  # the 21st to the month's end belong to the next month, the 1st–20th to it
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _date_boundaries(end: str) -> dict[str, dt.date]:
    """band_boundaries as dates: a day past its month's end ("2025-02-29") becomes the last
    day, which no date lies between."""
    bounds = {}
    for name, text in band_boundaries(end).items():
        year, month, day = int(text[:4]), int(text[5:7]), int(text[8:10])
        while True:
            try:
                bounds[name] = dt.date(year, month, day)
                break
            except ValueError:
                day -= 1
    return bounds


def _tally(connection: Any, region: str, period: ReportingPeriod, end: str) -> _Tallies:
    from psycopg.pq import TransactionStatus

    from desktop.domain.workdays import region_prefix

    parameters: dict[str, Any] = {
        "region": region_prefix(region) + "%",
        "start": period.start,
        "end": dt.date.fromisoformat(end),
        **_date_boundaries(end),
    }
    tallies = _Tallies()
    scheme = period.scheme
    own_transaction = connection.info.transaction_status == TransactionStatus.IDLE
    with connection.transaction(), connection.cursor() as cursor:
        if own_transaction:  # both statements see the same data
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for setting in _SETTINGS if len(parameters["region"]) <= 3 else _SETTINGS[:2]:
            cursor.execute(setting)
        cursor.execute(_ANY, parameters)
        if cursor.fetchone() is None:
            return tallies
        tallies.any_data = True
        cursor.execute(
            _FLOWS.format(
                registered_month=_month_sql("r.registered_on", scheme),
                gone_month=_month_sql(_GONE, scheme),
            ),
            parameters,
        )
        for registered, gone, urban, after, gone_after, cause, reason, count in cursor.fetchall():
            flow = (
                0,
                _month_key(registered, scheme),
                _month_key(gone, scheme),
                None if urban is None else int(urban),
                after,
                None if gone_after is None else int(gone_after),
                cause,
                reason,
                count,
            )
            _add_flow_row(tallies, flow, period.key)
        cursor.execute(_STOCK, parameters)
        for cause, categories, education, cell, count in cursor.fetchall():
            _add_stock_row(tallies, (1, cause, categories, education, cell, 0, 0, 0, count))
    return tallies


def central_monthly_report(
    connection: Any,
    month: dt.date | str,
    region: str,
    *,
    scheme: PeriodScheme = PeriodScheme.CALENDAR,
    today: dt.date | None = None,
) -> MonthlyReport:
    """The report for `region` (a city such as 620100, or 620000 for the province) from the
    central database; `connection` is a psycopg connection of an account that may read the
    region's rows (row-level security limits a counter's role to its own county)."""
    today = today or beijing_today()
    region = check_region(region)
    period = reporting_period(month, scheme, today=today)
    end = min(period.end, today).isoformat()
    return _report_from_tallies(
        _tally(connection, region, period, end), region, period, today, "central"
    )
