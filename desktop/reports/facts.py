"""What the statistics read of each registration: from projections, or folded from the journal."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from desktop.domain.workdays import region_prefix

__all__ = [
    "PERSON_COPY_COLUMNS",
    "PERSON_FACT_FIELDS",
    "REGISTRATION_FACT_FIELDS",
    "RegistrationFacts",
    "facts_from_states",
    "load_facts",
    "raw_rows",
    "region_where",
]

# The projection columns the figures read (the 三统一 check compares exactly these).
REGISTRATION_FACT_FIELDS: tuple[str, ...] = (
    "person_id",
    "number",
    "region",
    "counter_id",
    "status",
    "applied_on",
    "registered_on",
    "rejected_on",
    "deregistered_on",
    "deregistration_reason",
    "unemployed_since",
    "unemployment_cause",
    "difficulty_categories",
)
PERSON_FACT_FIELDS: tuple[str, ...] = ("sex", "birth_date", "education", "residence_urban")
# registration's copies of them (migration 0011), which the reports read instead of person.
PERSON_COPY_COLUMNS: dict[str, str] = {name: f"person_{name}" for name in PERSON_FACT_FIELDS}


class RegistrationFacts(NamedTuple):
    """One registration with its person's fields; dates as ISO text (they compare as text)."""

    registration_id: str
    number: str
    person_id: str
    region: str | None
    counter_id: str | None
    status: str | None
    applied_on: str | None
    registered_on: str | None
    rejected_on: str | None
    deregistered_on: str | None
    deregistration_reason: str | None
    unemployed_since: str | None
    unemployment_cause: str | None
    difficulty_categories: tuple[str, ...]
    sex: str | None
    birth_date: str | None
    education: str | None
    residence_urban: bool | None
    person_found: bool


def region_where(column: str, region: str) -> tuple[str, list[str]]:
    """SQL condition "column lies in region" as an index range ("p <= x < p~"), parameters."""
    prefix = region_prefix(region)
    return f"({column} >= ? AND {column} < ?)", [prefix, prefix + "\uffff"]


def raw_rows(session: Session, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of `sql` straight from the sqlite3 cursor, in the session's transaction.

    The statistics read whole counties (100,000 rows); SQLAlchemy's result processing would
    cost more than SQLite itself. Dates stay ISO text, booleans 0/1, JSON text.
    """
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        return cursor.execute(sql, tuple(parameters)).fetchall()
    finally:
        cursor.close()


_CATEGORIES_CACHE: dict[str, tuple[str, ...]] = {"[]": ()}


def _categories(text: Any) -> tuple[str, ...]:
    if text is None:
        return ()
    if isinstance(text, list | tuple):
        return tuple(str(item) for item in text)
    cached = _CATEGORIES_CACHE.get(text)
    if cached is None:
        try:
            loaded = json.loads(text)
        except ValueError:
            loaded = []
        cached = tuple(str(item) for item in loaded) if isinstance(loaded, list) else ()
        if len(_CATEGORIES_CACHE) < 4096:
            _CATEGORIES_CACHE[text] = cached
    return cached


_FACTS_SQL = (
    "SELECT r.id, r.number, r.person_id, r.region, r.counter_id, r.status, r.applied_on,"
    " r.registered_on, r.rejected_on, r.deregistered_on, r.deregistration_reason,"
    " r.unemployed_since, r.unemployment_cause, r.difficulty_categories,"
    " r.person_sex, r.person_birth_date, r.person_education, r.person_residence_urban,"
    " p.id IS NOT NULL"
    " FROM registration r LEFT JOIN person p ON p.id = r.person_id"
)


def load_facts(
    session: Session, region: str | None, *, ids: Sequence[str] | None = None
) -> list[RegistrationFacts]:
    """Every registration of `region` (and regions within it) from the projections; with
    `ids` (and no region), those registrations wherever they are. The person's fields are
    registration's copies (what the reports read); `person_found` says the person row exists."""
    if region is not None:
        where, parameters = region_where("r.region", region)
    else:
        where, parameters = f"r.id IN ({','.join('?' * len(ids or ()))})", list(ids or ())
    rows = raw_rows(session, f"{_FACTS_SQL} WHERE {where}", parameters)
    make = RegistrationFacts._make
    facts = []
    for row in rows:
        urban = row[17]
        facts.append(
            make(
                (
                    *row[:13],
                    _categories(row[13]),
                    row[14],
                    row[15],
                    row[16],
                    None if urban is None else bool(urban),
                    bool(row[18]),
                )
            )
        )
    return facts


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def facts_from_states(
    registrations: Mapping[str, Mapping[str, Any]], persons: Mapping[str, Mapping[str, Any]]
) -> Iterator[RegistrationFacts]:
    """The same facts from fold states (desktop.store.projector.fold), keyed by entity id."""
    for registration_id, state in registrations.items():
        person = persons.get(state.get("person_id") or "")
        urban = person.get("residence_urban") if person else None
        yield RegistrationFacts(
            registration_id,
            state.get("number") or "",
            state.get("person_id") or "",
            state.get("region"),
            state.get("counter_id"),
            state.get("status"),
            _iso(state.get("applied_on")),
            _iso(state.get("registered_on")),
            _iso(state.get("rejected_on")),
            _iso(state.get("deregistered_on")),
            state.get("deregistration_reason"),
            _iso(state.get("unemployed_since")),
            state.get("unemployment_cause"),
            _categories(state.get("difficulty_categories")),
            person.get("sex") if person else None,
            _iso(person.get("birth_date")) if person else None,
            person.get("education") if person else None,
            None if urban is None else bool(urban),
            person is not None,
        )
