"""The monthly report on the central PostgreSQL equals the counter's for the same projections,
and covers a city or the province."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select

from desktop.reports.central import central_monthly_report
from desktop.reports.monthly import monthly_report
from desktop.reports.period import PeriodScheme, ReportError
from desktop.store.db import open_store
from desktop.store.models import Person, Registration
from desktop.sync.central import init_central
from tests.desktop.reports.conftest import MONTH, REGION, TODAY


def _rows(path: Path, model: type[Any]) -> list[dict[str, Any]]:
    table = model.__table__
    assert isinstance(table, Table)
    with open_store(path) as store, store.session(write=False) as session:
        return [dict(row._mapping) for row in session.execute(select(table))]


@pytest.fixture(scope="module")
def central(postgres_url: str, demo_db: Path) -> Any:
    """A central database holding the demo county's projections (as the push re-folds them)."""
    import psycopg

    admin = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"reports_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin.replace("/postgres?", f"/{name}?")
    init_central(url)
    connection = psycopg.connect(url)
    with connection.cursor() as cursor:
        for model, table in ((Person, "person"), (Registration, "registration")):
            rows = _rows(demo_db, model)
            columns = [*rows[0], "scope_region"]
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [
                    [
                        json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                        for v in row.values()
                    ]
                    + [row.get("region") or row.get("residence_region") or REGION]
                    for row in rows
                ],
            )
    connection.commit()
    yield connection
    connection.close()


@pytest.mark.parametrize("scheme", list(PeriodScheme))
@pytest.mark.parametrize("month", [MONTH, "2025-06", "2025-12"])
def test_central_and_counter_give_the_same_report(
    central: Any, demo_db: Path, month: str, scheme: PeriodScheme
) -> None:
    with open_store(demo_db) as store, store.session(write=False) as session:
        local = monthly_report(session, month, REGION, scheme=scheme, today=TODAY)
    for region in (REGION, "620100", "620000"):
        report = central_monthly_report(central, month, region, scheme=scheme, today=TODAY)
        assert report.figures() == local.figures(), region
        assert report.trend == local.trend
        assert report.source == "central"


def test_bad_input_on_the_central_database(central: Any) -> None:
    with pytest.raises(ReportError, match="没有登记失业数据"):
        central_monthly_report(central, "2018-05", "620000", today=TODAY)
    with pytest.raises(ReportError, match="没有登记失业数据"):
        central_monthly_report(central, MONTH, "622900", today=TODAY)  # 临夏州: no rows
    with pytest.raises(ReportError, match="不存在"):
        central_monthly_report(central, MONTH, "620199", today=TODAY)
