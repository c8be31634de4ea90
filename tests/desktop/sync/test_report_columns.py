"""Registration's copies of its person's statistics fields (migration 0011) through sync: the
central's push re-fold and a counter's pull keep them equal to the person rows there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.desktop.sync.conftest import CentralDatabase
from tests.desktop.sync.counters import SimCounter

REGION = "620105"
_COPIES_SQL = (
    "SELECT r.id, r.person_sex, r.person_birth_date, r.person_education,"
    " r.person_residence_urban, p.sex, p.birth_date, p.education, p.residence_urban"
    " FROM registration r JOIN person p ON p.id = r.person_id{where} ORDER BY r.id"
)


def _local_copies(counter: SimCounter) -> dict[str, tuple[Any, ...]]:
    with counter.store.session(write=False) as session:
        rows = session.connection().exec_driver_sql(_COPIES_SQL.format(where="")).all()
    for row in rows:
        assert tuple(row[1:5]) == tuple(row[5:9])
    return {row[0]: tuple(str(value) for value in row[1:5]) for row in rows}


def _central_copies(central: CentralDatabase) -> dict[str, tuple[Any, ...]]:
    with central.admin() as admin:
        rows = admin.execute(
            _COPIES_SQL.format(where=" WHERE r.scope_region = %s"), (REGION,)
        ).fetchall()
    for row in rows:
        assert tuple(row[1:5]) == tuple(row[5:9])
    # SQLite keeps dates as text and booleans as 0/1: compare in one spelling.
    spelled = {True: "1", False: "0"}
    return {
        str(row[0]): tuple(
            spelled.get(value, str(value)) if isinstance(value, bool) else str(value)
            for value in row[1:5]
        )
        for row in rows
    }


def test_push_and_pull_carry_the_copies_and_a_later_person_update(
    central: CentralDatabase, tmp_path: Path
) -> None:
    source = SimCounter(central, tmp_path, REGION)
    target = SimCounter(central, tmp_path, REGION)
    try:
        source.record_demo(12, seed=7)
        source.sync()
        pushed = _central_copies(central)
        assert len(pushed) >= 12 and pushed == _local_copies(source)
        assert any(values != ("None",) * 4 for values in pushed.values())

        # A person's fields change after their registrations reached the central.
        with source.store.session(write=False) as session:
            person_id = (
                session.connection()
                .exec_driver_sql("SELECT person_id FROM registration ORDER BY number LIMIT 1")
                .scalar_one()
            )
        source.record(
            "person",
            person_id,
            "person.updated",
            {"sex": "2", "education": "90", "residence_urban": False},
        )
        source.sync()
        after = _central_copies(central)
        assert after == _local_copies(source) and after != pushed
        changed = [rid for rid in after if after[rid] != pushed[rid]]
        assert changed and all(after[rid][0] == "2" and after[rid][3] == "0" for rid in changed)

        target.sync()  # a fresh counter of the county pulls everything
        assert _local_copies(target) == after
    finally:
        source.close()
        target.close()
