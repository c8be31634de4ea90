"""Convergence: 20 counters of one county work offline, sync in random order, end identical."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from desktop.services.registration import InvalidTransitionError, deregister
from desktop.store.models import Registration
from tests.desktop.sync.conftest import CentralDatabase
from tests.desktop.sync.counters import (
    SimCounter,
    assert_central_projections_are_folds,
    central_event_ids,
    central_projections,
)

pytestmark = [pytest.mark.needs_postgres, pytest.mark.slow]
COUNTY = "620321"  # 永昌县
COUNTERS = 20


def _offline_work(counter: SimCounter, rng: random.Random, day: dt.date) -> None:
    """What a counter does offline on registrations it knows (its own and others'): contacts,
    services, deregistrations; two counters may deregister the same person unaware."""
    with counter.store.session(write=False) as session:
        known = [
            (registration.id, registration.status)
            for registration in session.query(Registration).order_by(Registration.number)
        ]
    for registration_id, status in rng.sample(known, k=min(6, len(known))):
        action = rng.choice(("contact", "service", "deregister"))
        if action == "deregister" and status == "registered":
            try:
                with counter.store.session() as session:
                    deregister(
                        session,
                        counter.context(),
                        registration_id,
                        on=day,
                        reason=rng.choice(("21", "22")),
                    )
            except InvalidTransitionError:
                pass  # registered_on later than `day`: the use case refuses, as it should
        elif action == "contact":
            counter.record(
                "registration",
                registration_id,
                "contact.recorded",
                {"contacted_on": day.isoformat(), "method": "phone", "reached": rng.random() < 0.8},
            )
        else:
            counter.record(
                "registration",
                registration_id,
                "service.recorded",
                {"served_on": day.isoformat(), "service": "职业指导"},
            )


def _sync_in_random_order(counters: list[SimCounter], rng: random.Random) -> None:
    order = counters[:]
    rng.shuffle(order)
    for counter in order:
        counter.sync()


def test_twenty_counters_offline_then_syncing_in_random_order_converge(
    central: CentralDatabase, tmp_path: Path
) -> None:
    rng = random.Random(20200111)
    counters = [
        SimCounter(central, tmp_path, COUNTY, push_batch_size=60, pull_page_size=80)
        for _ in range(COUNTERS)
    ]
    try:
        # Morning, offline: every counter registers its own applicants.
        for number, counter in enumerate(counters):
            counter.record_demo(6, seed=number)
        # Some counters come online, in random order; others stay offline.
        _sync_in_random_order(rng.sample(counters, k=12), rng)
        # Afternoon, offline again: work on whatever each counter knows, new applicants too.
        for number, counter in enumerate(counters):
            _offline_work(counter, rng, dt.date(2025, 7, 1 + number % 20))
            counter.record_demo(2, seed=100 + number)
        # Everyone syncs, in random order, twice: the first round brings every event to the
        # central, the second brings every event to every counter.
        _sync_in_random_order(counters, rng)
        _sync_in_random_order(counters, rng)

        own_events = sum(counter.own_event_count() for counter in counters)
        with central.admin() as admin:
            central_ids = central_event_ids(admin)
            central_rows = central_projections(admin)
            folded = assert_central_projections_are_folds(admin)
        assert len(central_ids) == own_events  # the sum of events is exact
        assert len(set(central_ids)) == len(central_ids)
        for counter in counters:
            assert sorted(counter.event_ids()) == sorted(central_ids), counter.account.counter_id
            assert counter.projections() == central_rows, counter.account.counter_id
        assert folded == len(central_rows)
        # Conflicting work was kept and flagged for a supervisor, not dropped.
        flagged = [
            row
            for key, row in central_rows.items()
            if key[0] == "registration" and row["anomalies"]
        ]
        assert flagged
    finally:
        for counter in counters:
            counter.close()
