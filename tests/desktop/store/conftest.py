"""Fixtures for the store tests: an open store on a temporary file, a clerk, and a
throw-away PostgreSQL server for the migration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store.db import Store, open_store
from desktop.store.journal import Actor


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "dengji.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = open_store(db_path, node_id="counterA")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def actor() -> Actor:
    return Actor(clerk_id="clerk01", counter_id="620102-01")
