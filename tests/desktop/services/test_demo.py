"""Tests of the demo data: made through the use cases, realistic, every state, re-runnable."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select

from desktop.config import Config
from desktop.domain.idnumbers import is_valid_id_number
from desktop.services.demo import fill_demo_data
from desktop.store.db import Store
from desktop.store.models import Event, Person, Registration
from desktop.store.projector import REGISTRATION_STATUSES

TODAY = dt.date(2025, 10, 15)


def test_300_demo_people_cover_every_state_with_valid_numbers(store: Store) -> None:
    progress: list[tuple[int, int]] = []
    summary = fill_demo_data(
        store, Config(), persons=300, today=TODAY, batch=100, progress=lambda *p: progress.append(p)
    )
    assert progress == [(100, 300), (200, 300), (300, 300)]
    with store.session(write=False) as session:
        persons = list(session.scalars(select(Person)))
        registrations = list(session.scalars(select(Registration)))
        kinds = Counter(session.scalars(select(Event.kind)))
    assert summary.persons == len(persons) == 300
    assert summary.registrations == len(registrations)
    assert summary.events == sum(kinds.values())
    statuses = Counter(registration.status for registration in registrations)
    assert set(statuses) == set(REGISTRATION_STATUSES), statuses
    assert all(is_valid_id_number(person.id_number, today=TODAY) for person in persons)
    assert len({person.id_number for person in persons}) == 300
    assert all(registration.anomalies == [] for registration in registrations)
    # Made by the use cases: one person.recorded and one application per person, the others
    # in the order a clerk goes (a registered one was verified first, and so on).
    assert kinds["person.recorded"] == 300
    assert kinds["registration.applied"] == len(registrations)
    assert kinds["registration.registered"] == statuses["registered"] + statuses["deregistered"]
    assert kinds["deregistration.done"] == statuses["deregistered"]
    assert kinds["registration.verified"] == len(registrations) - statuses["applied"]
    numbers = [registration.number for registration in registrations]
    assert len(set(numbers)) == len(numbers)
    assert all(number.startswith("620102001") for number in numbers)


def test_a_second_demo_run_adds_new_people(store: Store) -> None:
    fill_demo_data(store, Config(), persons=150, seed=7, today=TODAY)
    # The random generator is seeded with seed + people already stored: this run draws the
    # very same people again, and must give them other ID numbers, not apply twice.
    second = fill_demo_data(store, Config(), persons=150, seed=7 - 150, today=TODAY)
    assert second.persons == 150
    with store.session(write=False) as session:
        numbers = list(session.scalars(select(Person.id_number)))
        registrations = list(session.scalars(select(Registration.number)))
    assert len(numbers) == len(set(numbers)) == 300
    assert len(registrations) == len(set(registrations))
