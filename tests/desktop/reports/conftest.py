"""Fixtures for the statistics tests: a county counter's store filled through the use cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config import Config
from desktop.services.demo import fill_demo_data
from desktop.store.db import Store, open_store

# Fixed, so the months and figures do not move with the calendar.
TODAY = dt.date(2025, 12, 10)
MONTH = "2025-11"
REGION = "620102"
PERSONS = 300


def fill(store: Store) -> None:
    fill_demo_data(store, Config(), persons=PERSONS, today=TODAY)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo county database, built once; tests that change data copy it (`county`)."""
    path = tmp_path_factory.mktemp("reports") / "county.sqlite3"
    with open_store(path, node_id="reportcounty") as store:
        fill(store)
    return path


@pytest.fixture
def county_store(demo_db: Path) -> Iterator[Store]:
    """The demo county, read only."""
    store = open_store(demo_db, node_id="reportcounty")
    yield store
    store.close()


@pytest.fixture
def county(tmp_path: Path) -> Iterator[Store]:
    """A fresh demo county this test may change."""
    store = open_store(tmp_path / "county.sqlite3", node_id="reportcounty")
    fill(store)
    yield store
    store.close()
