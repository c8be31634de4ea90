"""The monthly report on the central PostgreSQL database: a city or the whole province.

The same counts as desktop.reports.monthly, aggregated by PostgreSQL over the central
projections (design.md "Sync": the central database keeps the same projections, re-folded
on every push); the report is built by the same code as the counter's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop.reports.monthly import (
    UNKNOWN,
    MonthlyReport,
    _age_code,
    _duration_code,
    _report_from_tallies,
    _Tallies,
    education_group,
)
from desktop.reports.period import (
    PeriodScheme,
    ReportingPeriod,
    beijing_today,
    check_region,
    reporting_period,
)

__all__ = ["central_monthly_report"]


def _key(column: str, scheme: PeriodScheme) -> str:
    if scheme is PeriodScheme.CALENDAR:
        return f"to_char({column}, 'YYYY-MM')"
    return (
        f"CASE WHEN extract(day FROM {column}) <= 20 THEN to_char({column}, 'YYYY-MM')"
        f" ELSE to_char({column} + interval '1 month', 'YYYY-MM') END"
    )


_SINCE = "coalesce(r.unemployed_since, r.registered_on)"
_GONE = "CASE WHEN r.status = 'deregistered' THEN r.deregistered_on END"
_STOCK = (
    "SELECT p.sex, left(p.education, 1), r.unemployment_cause, r.difficulty_categories::text,"
    # greatest() and least() skip NULLs in PostgreSQL: a missing date must stay NULL.
    " CASE WHEN p.birth_date IS NOT NULL THEN least(greatest("
    "(date_part('year', age(%(end)s::date, p.birth_date))::int - 15) / 10, 0), 4) END,"
    f" CASE WHEN {_SINCE} IS NOT NULL THEN least(greatest("
    f"(date_part('year', age(%(end)s::date, {_SINCE})) * 12"
    f" + date_part('month', age(%(end)s::date, {_SINCE})))::int, 0), 24) END, count(*)"
    " FROM registration r JOIN person p ON p.id = r.person_id"
    " WHERE r.region LIKE %(region)s AND r.status IN ('registered', 'deregistered')"
    " AND r.registered_on <= %(end)s::date"
    f" AND ({_GONE} IS NULL OR {_GONE} > %(end)s::date) AND p.residence_urban"
    " GROUP BY 1, 2, 3, 4, 5, 6"
)
_FLOWS = (
    "SELECT {registered_key}, {gone_key}, p.residence_urban,"
    " CASE WHEN r.registered_on BETWEEN %(start)s::date AND %(end)s::date"
    " THEN r.unemployment_cause END,"
    f" CASE WHEN {_GONE} BETWEEN %(start)s::date AND %(end)s::date"
    " THEN r.deregistration_reason END,"
    f" count(*) FILTER (WHERE r.registered_on <= %(before)s::date"
    f" AND ({_GONE} IS NULL OR {_GONE} > %(before)s::date)),"
    f" count(*) FILTER (WHERE r.registered_on <= %(end)s::date"
    f" AND ({_GONE} IS NULL OR {_GONE} > %(end)s::date)),"
    " count(*) FILTER (WHERE r.registered_on BETWEEN %(start)s::date AND %(end)s::date),"
    f" count(*) FILTER (WHERE {_GONE} BETWEEN %(start)s::date AND %(end)s::date), count(*)"
    " FROM registration r LEFT JOIN person p ON p.id = r.person_id"
    " WHERE r.region LIKE %(region)s AND r.status IN ('registered', 'deregistered')"
    " AND r.registered_on IS NOT NULL"
    " GROUP BY 1, 2, 3, 4, 5"
)
_ANY = (
    "SELECT 1 FROM registration r WHERE r.region LIKE %(region)s"
    " AND (r.applied_on <= %(end)s::date OR r.registered_on <= %(end)s::date) LIMIT 1"
)


def _tally(connection: Any, region: str, period: ReportingPeriod, end: str) -> _Tallies:
    from desktop.domain.workdays import region_prefix
    from desktop.reports.facts import _categories

    parameters = {
        "region": region_prefix(region) + "%",
        "start": period.start.isoformat(),
        "end": end,
        "before": (period.start - dt.timedelta(days=1)).isoformat(),
    }
    tallies = _Tallies()
    with connection.cursor() as cursor:
        cursor.execute(_ANY, parameters)
        if cursor.fetchone() is None:
            return tallies
        tallies.any_data = True
        cursor.execute(_STOCK, parameters)
        for sex, education, cause, categories, age, months, count in cursor.fetchall():
            tallies.sex[sex if sex in ("1", "2") else UNKNOWN] += count
            tallies.age[_age_code(age)] += count
            tallies.education[education_group(education)] += count
            tallies.cause[cause or UNKNOWN] += count
            tallies.add_categories(_categories(categories), count)
            tallies.duration[_duration_code(months)] += count
        cursor.execute(
            _FLOWS.format(
                registered_key=_key("r.registered_on", period.scheme),
                gone_key=_key(_GONE, period.scheme),
            ),
            parameters,
        )
        for row in cursor.fetchall():
            registered_key, gone_key, urban, cause, reason, start_n, end_n, in_n, out_n, n = row
            if end_n:
                tallies.stock_all += end_n
                if urban is None:
                    tallies.urban_unknown += end_n
            if urban is not True:
                continue
            tallies.in_by_key[registered_key] += n
            if gone_key is not None:
                tallies.out_by_key[gone_key] += n
            tallies.stock_start += start_n
            tallies.stock_end += end_n
            if in_n:
                tallies.inflow += in_n
                tallies.inflow_causes[cause or UNKNOWN] += in_n
            if out_n:
                tallies.outflow += out_n
                tallies.reasons[reason or UNKNOWN] += out_n
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
