"""Fixtures for the use-case tests: an open store, a clerk, and a store with demo people."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config import Config
from desktop.domain.roles import Role
from desktop.services.demo import fill_demo_data
from desktop.services.reference_lists import seed_reference_lists
from desktop.store.db import Store, open_store
from desktop.store.journal import Actor


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "dengji.sqlite3", node_id="counterA")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def seeded_store(store: Store) -> Store:
    with store.session() as session:
        seed_reference_lists(session)
    return store


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with 50 demo people in every state, made once per module (copy it to use)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    with open_store(path, node_id="democounter") as demo:
        fill_demo_data(demo, Config(), persons=50)
        with demo.session() as session:
            seed_reference_lists(session)
    return path


@pytest.fixture
def demo_store(demo_db: Path, tmp_path: Path) -> Iterator[Store]:
    import shutil

    copy = tmp_path / "demo-copy.sqlite3"
    shutil.copy(demo_db, copy)
    opened = open_store(copy, node_id="democounter")
    try:
        yield opened
    finally:
        opened.close()


# The staff of a small county office: one person who receives, reviews and keeps the lists.
COUNTY_STAFF_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.ADMIN})


@pytest.fixture
def actor() -> Actor:
    return Actor(clerk_id="clerk01", counter_id="620102-01", roles=COUNTY_STAFF_ROLES)


def counter_context(store: Store, actor: Actor):  # type: ignore[no-untyped-def]
    """The registration use cases' context for this clerk at the demo county."""
    from desktop.domain.workdays import WorkdayCalendar
    from desktop.services.registration import CounterContext

    return CounterContext(
        actor=actor,
        clock=store.clock,
        region_code="620102",
        counter_number=1,
        calendar=WorkdayCalendar(),
    )


def resident_id(birth: str, sequence: int) -> str:
    """A valid 城关区 resident ID number for a birth date "YYYYMMDD"."""
    from desktop.domain.idnumbers import check_digit

    body = f"620102{birth}{sequence:03d}"
    return body + check_digit(body)
