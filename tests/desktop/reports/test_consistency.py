"""三统一: the journal refolded, compared with the projections and the report; differences listed
per person with the reason; finalising refused until each is explained."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from desktop.domain.roles import PermissionDeniedError, Role
from desktop.reports.consistency import (
    FOLDED_KINDS,
    JournalFolds,
    check_consistency,
    finalise_report,
    finalised_reports,
)
from desktop.reports.facts import PERSON_FACT_FIELDS, REGISTRATION_FACT_FIELDS
from desktop.reports.period import ReportError, reporting_period
from desktop.store.db import Store
from desktop.store.journal import Actor, record
from desktop.store.projector import entity_events, fold
from tests.desktop.reports.conftest import MONTH, REGION, TODAY

STATISTICIAN = Actor("zhaomin", "demo-counter-01", roles=frozenset({Role.STATISTICIAN}))


def test_the_demo_county_is_consistent(county_store: Store) -> None:
    with county_store.session(write=False) as session:
        check = check_consistency(session, MONTH, REGION, today=TODAY)
    assert check.consistent, check.differences
    assert len(check.ledger) == check.report.stock_end
    assert check.report.figures() == check.journal_report.figures()
    assert check.journal_seq > 0  # recomputed from the journal (folded now or kept)
    assert "三统一校验通过" in check.summary()


def test_folding_only_the_report_kinds_gives_the_same_compared_fields(
    county_store: Store,
) -> None:
    """Why the check may skip contacts, services and commitments: they change no field the
    figures read."""
    with county_store.session(write=False) as session:
        ids = session.connection().exec_driver_sql(
            "SELECT DISTINCT entity_type, entity_id FROM journal"
            " WHERE entity_type IN ('person', 'registration')"
        )
        compared = {"person": PERSON_FACT_FIELDS, "registration": REGISTRATION_FACT_FIELDS}
        for entity_type, entity_id in ids:
            events = entity_events(session, entity_type, entity_id)
            whole = fold(entity_type, events)
            part = fold(entity_type, [e for e in events if e.kind in FOLDED_KINDS[entity_type]])
            assert whole is not None and part is not None
            for name in compared[entity_type]:
                assert whole[name] == part[name], (entity_type, name)


def _tamper(store: Store, sql: str) -> str:
    """Change a projection behind the journal's back; the registration number changed."""
    with store.session() as session:
        connection = session.connection()
        number = connection.exec_driver_sql(
            "SELECT number FROM registration WHERE status = 'registered'"
            " AND registered_on < '2025-06-01' ORDER BY number LIMIT 1"
        ).scalar_one()
        connection.exec_driver_sql(sql.replace("{number}", number))
    return number


def test_a_projection_changed_behind_the_journal_is_listed_with_the_person(
    county: Store,
) -> None:
    number = _tamper(
        county,
        "UPDATE registration SET status = 'deregistered', deregistered_on = '2025-11-05',"
        " deregistration_reason = '21' WHERE number = '{number}'",
    )
    with county.session(write=False) as session:
        check = check_consistency(session, MONTH, REGION, today=TODAY)
    assert not check.consistent
    mine = [d for d in check.differences if d.registration_number == number]
    assert {d.key.split("@")[0] for d in mine} >= {"field:status", "field:deregistered_on"}
    status = next(d for d in mine if d.key.startswith("field:status"))
    assert "系统数据为「已注销」" in status.reason and "按事件日志重算为「已登记」" in status.reason
    assert status.person_name and "*" in status.id_number_masked
    figures = [d for d in check.differences if d.kind == "figure"]
    assert any("本期注销登记" in d.reason for d in figures)
    assert "差异" in check.summary()


def test_a_missing_projection_and_a_person_field_are_found(county: Store) -> None:
    number = _tamper(county, "DELETE FROM registration WHERE number = '{number}'")
    with county.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE person SET residence_urban = 0 WHERE id = (SELECT person_id FROM registration"
            " WHERE status = 'registered' ORDER BY number DESC LIMIT 1)"
        )
    with county.session(write=False) as session:
        check = check_consistency(session, MONTH, REGION, today=TODAY)
    kinds = {d.kind for d in check.differences}
    assert {"missing_projection", "field"} <= kinds
    missing = next(d for d in check.differences if d.kind == "missing_projection")
    assert missing.registration_number == number and "系统数据中缺失" in missing.reason
    assert any("人员城乡" in d.reason for d in check.differences)


def test_finalising_waits_for_every_explanation_then_records_the_figures(county: Store) -> None:
    _tamper(county, "UPDATE registration SET unemployment_cause = '99' WHERE number = '{number}'")
    with county.session(write=False) as session:
        check = check_consistency(session, MONTH, REGION, today=TODAY)
    assert check.differences
    with county.session() as session, pytest.raises(ReportError) as refused:
        finalise_report(session, STATISTICIAN, county.clock, check, {})
    assert "未说明原因" in refused.value.message
    explanations = {d.key: "系统升级时误改，已报省厅更正" for d in check.differences}
    with county.session() as session:
        event = finalise_report(session, STATISTICIAN, county.clock, check, explanations)
    assert event.kind == "report.finalised"
    with county.session(write=False) as session:
        stored = finalised_reports(session, REGION, reporting_period(MONTH))
    assert stored[-1]["figures"] == check.report.figures()
    assert stored[-1]["differences"][0]["explanation"] == "系统升级时误改，已报省厅更正"


def test_only_statistics_staff_may_finalise_and_not_a_running_month(county_store: Store) -> None:
    with county_store.session(write=False) as session:
        check = check_consistency(session, MONTH, REGION, today=TODAY)
        running = check_consistency(session, "2025-12", REGION, today=TODAY)
    clerk = Actor("zhangli", "demo-counter-01", roles=frozenset({Role.CLERK}))
    with county_store.session() as session:
        with pytest.raises(PermissionDeniedError):
            finalise_report(session, clerk, county_store.clock, check, {})
        with pytest.raises(ReportError, match="尚未结束"):
            finalise_report(session, STATISTICIAN, county_store.clock, running, {})
        session.rollback()


def test_a_change_after_finalising_shows_against_the_finalised_figures(county: Store) -> None:
    with county.session(write=False) as session:
        check = check_consistency(session, MONTH, REGION, today=TODAY)
    with county.session() as session:
        finalise_report(session, STATISTICIAN, county.clock, check, {})
    # A deregistration in November entered late, after the report was finalised.
    with county.session() as session:
        registration_id = (
            session.connection()
            .exec_driver_sql(
                "SELECT id FROM registration WHERE status = 'registered'"
                " AND registered_on < '2025-10-01' ORDER BY number LIMIT 1"
            )
            .scalar_one()
        )
        record(
            session,
            Actor("wanghaiyan", "demo-counter-01", roles=frozenset({Role.REVIEWER})),
            entity_type="registration",
            entity_id=registration_id,
            kind="deregistration.done",
            payload={"deregistered_on": dt.date(2025, 11, 20), "reason": "21"},
            clock=county.clock,
        )
    with county.session(write=False) as session:
        again = check_consistency(session, MONTH, REGION, today=TODAY)
    late = [d for d in again.differences if d.kind == "finalised"]
    assert late and any("本期注销登记" in d.reason for d in late)
    assert all("定稿后数据有补录或更正" in d.reason for d in late)


def test_kept_folds_pick_up_new_events(county: Store) -> None:
    folds = JournalFolds()
    with county.session(write=False) as session:
        first = check_consistency(session, MONTH, REGION, today=TODAY, folds=folds)
    folded = folds.events_folded
    with county.session() as session:
        registration_id = (
            session.connection()
            .exec_driver_sql(
                "SELECT id FROM registration WHERE status = 'registered' ORDER BY number LIMIT 1"
            )
            .scalar_one()
        )
        record(
            session,
            Actor("wanghaiyan", "demo-counter-01", roles=frozenset({Role.REVIEWER})),
            entity_type="registration",
            entity_id=registration_id,
            kind="deregistration.done",
            payload={"deregistered_on": dt.date(2025, 12, 1), "reason": "22"},
            clock=county.clock,
        )
    with county.session(write=False) as session:
        second = check_consistency(session, "2025-12", REGION, today=TODAY, folds=folds)
    assert first.consistent and second.consistent
    assert folds.events_folded - folded < 10  # only the changed registration was refolded
    assert second.report.outflow == second.journal_report.outflow


def test_report_entity_ids_are_stable_uuids() -> None:
    from desktop.reports.consistency import report_entity_id

    first = report_entity_id(REGION, reporting_period(MONTH))
    assert first == report_entity_id(REGION, reporting_period(MONTH))
    assert str(uuid.UUID(first)) == first
    assert first != report_entity_id("620100", reporting_period(MONTH))


def _deregister_one(store: Store, day: dt.date) -> str:
    with store.session() as session:
        registration_id = (
            session.connection()
            .exec_driver_sql(
                "SELECT id FROM registration WHERE status = 'registered' ORDER BY number LIMIT 1"
            )
            .scalar_one()
        )
        record(
            session,
            Actor("wanghaiyan", "demo-counter-01", roles=frozenset({Role.REVIEWER})),
            entity_type="registration",
            entity_id=registration_id,
            kind="deregistration.done",
            payload={"deregistered_on": day, "reason": "22"},
            clock=store.clock,
        )
    return str(registration_id)


def test_a_projection_changed_after_the_folds_were_kept_still_shows(county: Store) -> None:
    """The kept folds spare the refolding, never the comparison of every projection row."""
    with county.session(write=False) as session:
        assert check_consistency(session, MONTH, REGION, today=TODAY).consistent
    number = _tamper(
        county, "UPDATE registration SET unemployment_cause = '99' WHERE number = '{number}'"
    )
    with county.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE person SET sex = CASE sex WHEN '1' THEN '2' ELSE '1' END WHERE id ="
            " (SELECT person_id FROM registration WHERE number = ?)",
            (number,),
        )
    folds = JournalFolds()
    with county.session(write=False) as session:
        check = check_consistency(session, MONTH, REGION, today=TODAY, folds=folds)
    assert folds.events_folded == 0  # nothing new in the journal: nothing folded in bulk
    mine = {d.key.split("@")[0] for d in check.differences if d.registration_number == number}
    assert {"field:unemployment_cause", "field:sex"} <= mine
    assert any(d.kind == "figure" for d in check.differences)


def test_a_full_check_and_a_kept_check_find_the_same(county: Store) -> None:
    _tamper(
        county, "UPDATE registration SET registered_on = '2025-11-02' WHERE number = '{number}'"
    )
    with county.session(write=False) as session:
        kept = check_consistency(session, MONTH, REGION, today=TODAY)
        full = check_consistency(session, MONTH, REGION, today=TODAY, full=True)
    assert kept.differences == full.differences
    assert kept.journal_report.figures() == full.journal_report.figures()
    assert kept.registrations_checked == full.registrations_checked


def test_kept_folds_of_another_journal_are_dropped(county: Store) -> None:
    """The kept folds name the last row folded by its chain hash: a journal that is not the
    one folded (rewritten and chained again, restored from another copy) refolds all."""
    with county.session(write=False) as session:
        check_consistency(session, MONTH, REGION, today=TODAY)
    with county.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE setting SET value = json_set(value, '$.chain_hash', ?)"
            " WHERE key = 'statistics_fold'",
            ("00" * 32,),
        )
    folds = JournalFolds()
    with county.session(write=False) as session:
        assert check_consistency(session, MONTH, REGION, today=TODAY, folds=folds).consistent
    with county.session(write=False) as session:
        kinds = ",".join(f"'{kind}'" for each in FOLDED_KINDS.values() for kind in each)
        everything = session.connection().exec_driver_sql(
            f"SELECT count(*) FROM journal WHERE kind IN ({kinds})"
        )
        assert folds.events_folded == everything.scalar_one()


def test_a_broken_chain_after_the_kept_folds_must_be_explained(county: Store) -> None:
    with county.session(write=False) as session:
        check_consistency(session, MONTH, REGION, today=TODAY)
    _deregister_one(county, dt.date(2025, 12, 2))
    with county.session() as session:
        connection = session.connection()
        connection.exec_driver_sql("DROP TRIGGER journal_no_update")  # as a tool could
        connection.exec_driver_sql(
            "UPDATE journal SET payload = json_set(payload, '$.reason', '21')"
            " WHERE seq = (SELECT max(seq) FROM journal)"
        )
    with county.session(write=False) as session:
        check = check_consistency(session, "2025-12", REGION, today=TODAY)
    chain = [d for d in check.differences if d.kind == "chain"]
    assert chain and "校验值不符" in chain[0].reason
    assert check.unexplained({})  # cannot be finalised without an explanation
    # The folds were not marked verified past the broken row: the next check checks it again.
    with county.session(write=False) as session:
        again = check_consistency(session, "2025-12", REGION, today=TODAY)
    assert [d.key for d in again.differences if d.kind == "chain"] == [d.key for d in chain]


def test_the_first_run_in_processes_folds_the_same(
    county: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long journal is folded the first time in two processes, with the chain check in
    parallel: the same folds and differences as one process."""
    import desktop.reports.consistency as consistency

    _tamper(county, "UPDATE registration SET unemployment_cause = '99' WHERE number = '{number}'")
    with county.session(write=False) as session:
        alone = check_consistency(session, MONTH, REGION, today=TODAY, full=True)
        kept = session.connection().exec_driver_sql(
            "SELECT * FROM statistics_fold ORDER BY entity_type, entity_id"
        )
        folds_alone = kept.all()
    monkeypatch.setattr(consistency, "PARALLEL_FROM_SEQ", 1)
    spawned = JournalFolds()
    with county.session(write=False) as session:
        together = check_consistency(session, MONTH, REGION, today=TODAY, full=True, folds=spawned)
        kept = session.connection().exec_driver_sql(
            "SELECT * FROM statistics_fold ORDER BY entity_type, entity_id"
        )
        assert kept.all() == folds_alone
    assert together.differences == alone.differences
    assert spawned.events_folded > 0 and spawned.entities_folded == len(folds_alone)


def test_a_person_changed_in_the_journal_after_the_folds_were_kept(county: Store) -> None:
    """New events of a person move their fields onto their registrations' kept folds: the
    check stays consistent, and the figures follow the change."""
    with county.session(write=False) as session:
        before = check_consistency(session, MONTH, REGION, today=TODAY)
    assert before.consistent
    with county.session() as session:
        person_id = (
            session.connection()
            .exec_driver_sql(
                "SELECT r.person_id FROM registration r JOIN person p ON p.id = r.person_id"
                " WHERE r.status = 'registered' AND r.registered_on < '2025-10-01'"
                " AND p.residence_urban = 1 ORDER BY r.number LIMIT 1"
            )
            .scalar_one()
        )
        record(
            session,
            Actor("wanghaiyan", "demo-counter-01", roles=frozenset({Role.REVIEWER})),
            entity_type="person",
            entity_id=person_id,
            kind="person.updated",
            payload={"residence_urban": False},
            clock=county.clock,
        )
    folds = JournalFolds()
    with county.session(write=False) as session:
        after = check_consistency(session, MONTH, REGION, today=TODAY, folds=folds)
    assert after.consistent, after.differences
    assert 0 < folds.events_folded < 10
    assert after.report.stock_end == before.report.stock_end - 1
    assert after.journal_report.figures() == after.report.figures()
    # The projection put back behind the journal's back: the person's kept fold says otherwise.
    with county.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE person SET residence_urban = 1 WHERE id = ?", (person_id,)
        )
    with county.session(write=False) as session:
        tampered = check_consistency(session, MONTH, REGION, today=TODAY)
    urban = [d for d in tampered.differences if d.key.startswith("field:residence_urban@")]
    assert urban and urban[0].affects_report


def test_a_copied_person_field_changed_behind_the_journal_is_listed_with_the_reason(
    county: Store,
) -> None:
    """registration.person_residence_urban (migration 0011) is what the report reads: a copy
    that no longer equals the person record is a difference of its own, and moves a figure."""
    number = _tamper(
        county,
        "UPDATE registration SET person_residence_urban = 0, person_sex = 'x'"
        " WHERE number = '{number}'",
    )
    with county.session(write=False) as session:
        check = check_consistency(session, MONTH, REGION, today=TODAY)
    assert not check.consistent
    mine = {d.key.split("@")[0]: d for d in check.differences if d.registration_number == number}
    # The person record itself still equals the journal: only the copies are named.
    assert set(mine) == {"copy:residence_urban", "copy:sex"}
    urban = mine["copy:residence_urban"]
    assert "登记中抄录的人员城乡" in urban.reason and "与人员档案的" in urban.reason
    assert urban.affects_report and urban.person_name
    stock = [d for d in check.differences if d.kind == "figure"]
    assert any("本期末城镇登记失业人数" in d.reason for d in stock)


def test_a_person_changed_behind_the_journal_moves_its_copies_and_is_listed(
    county: Store,
) -> None:
    """The person row changed directly: the triggers carry it to the copies (the report
    follows the system data) and the check names the person field, not the copy."""
    number = _tamper(county, "SELECT '{number}'")
    with county.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE person SET education = '99' WHERE id ="
            " (SELECT person_id FROM registration WHERE number = ?)",
            (number,),
        )
        copied = session.connection().exec_driver_sql(
            "SELECT person_education FROM registration WHERE number = ?", (number,)
        )
        assert copied.scalar_one() == "99"
    with county.session(write=False) as session:
        check = check_consistency(session, MONTH, REGION, today=TODAY)
    mine = {d.key.split("@")[0] for d in check.differences if d.registration_number == number}
    assert mine == {"field:education"}


def _kept_folds(store: Store) -> list[tuple[object, ...]]:
    with store.session(write=False) as session:
        rows = session.connection().exec_driver_sql(
            "SELECT * FROM statistics_fold ORDER BY entity_type, entity_id"
        )
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("in_processes", [False, True])
def test_folds_prepared_ahead_make_the_check_fold_nothing(
    county: Store, monkeypatch: pytest.MonkeyPatch, in_processes: bool
) -> None:
    """prepare_folds (after a big pull) writes the same folds a check would, in children for
    a long journal and in many short transactions; the next check then folds no event and
    finds the same."""
    import desktop.reports.consistency as consistency
    from desktop.reports.consistency import prepare_folds

    if in_processes:
        monkeypatch.setattr(consistency, "PARALLEL_FROM_SEQ", 1)
    monkeypatch.setattr(consistency, "WRITE_ROWS_PER_TRANSACTION", 97)  # many short writes
    assert prepare_folds(county.engine, minimum_behind=10**9) is None  # not far enough behind
    assert _kept_folds(county) == []
    prepared = prepare_folds(county.engine, minimum_behind=1)
    assert prepared is not None and prepared.written
    assert prepared.events_folded > 0 and prepared.entities_written > 0
    ahead = _kept_folds(county)
    folds = JournalFolds()
    with county.session(write=False) as session:
        checked = check_consistency(session, MONTH, REGION, today=TODAY, folds=folds)
    assert folds.events_folded == 0 and checked.consistent
    assert _kept_folds(county) == ahead
    with county.session(write=False) as session:
        check_consistency(session, MONTH, REGION, today=TODAY, full=True)
    assert _kept_folds(county) == ahead  # the same as folding the whole journal in the check
    assert prepare_folds(county.engine, minimum_behind=1) is None  # nothing new since


def test_clerks_keep_saving_while_folds_are_prepared(
    county: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folding holds no write lock: a save made meanwhile goes through at once, and the
    next check folds just that event on top of the prepared folds."""
    import desktop.reports.consistency as consistency
    from desktop.reports.consistency import prepare_folds

    compute = consistency._compute_update
    saved: list[str] = []

    def compute_while_a_clerk_saves(*args: object, **kwargs: object) -> object:
        update = compute(*args, **kwargs)  # type: ignore[arg-type]
        saved.append(_deregister_one(county, dt.date(2025, 12, 1)))
        return update

    monkeypatch.setattr(consistency, "_compute_update", compute_while_a_clerk_saves)
    prepared = prepare_folds(county.engine, minimum_behind=1)
    monkeypatch.undo()
    assert saved and prepared is not None and prepared.written
    folds = JournalFolds()
    with county.session(write=False) as session:
        checked = check_consistency(session, "2025-12", REGION, today=TODAY, folds=folds)
    assert checked.consistent
    assert 0 < folds.events_folded < 10  # only the registration saved meanwhile
    assert folds.covered_seq > prepared.journal_seq


def test_prepared_folds_are_not_written_over_a_check_made_meanwhile(
    county: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check that folded while the preparation ran wins: the preparation's result, made
    from an older header, is dropped instead of written over the newer folds."""
    import desktop.reports.consistency as consistency
    from desktop.reports.consistency import prepare_folds

    compute = consistency._compute_update

    def compute_while_a_check_runs(*args: object, **kwargs: object) -> object:
        update = compute(*args, **kwargs)  # type: ignore[arg-type]
        monkeypatch.undo()  # the check below folds for itself
        _deregister_one(county, dt.date(2025, 12, 2))
        with county.session(write=False) as session:
            JournalFolds()._refresh(session.connection(), full=False)  # the clerk's check
        return update

    monkeypatch.setattr(consistency, "_compute_update", compute_while_a_check_runs)
    prepared = prepare_folds(county.engine, minimum_behind=1)
    monkeypatch.undo()
    assert prepared is not None and not prepared.written and prepared.entities_written == 0
    folds = JournalFolds()
    with county.session(write=False) as session:
        checked = check_consistency(session, "2025-12", REGION, today=TODAY, folds=folds)
    assert checked.consistent and folds.events_folded == 0


def test_a_check_between_two_written_parts_stops_the_preparation_harmlessly(
    county: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's check folding between two of the preparation's short writes: the
    preparation stops, and what it wrote before leaves the kept folds right."""
    import desktop.reports.consistency as consistency
    from desktop.reports.consistency import prepare_folds

    with county.session() as session:  # folds kept from before: the preparation extends them
        JournalFolds()._refresh(session.connection(), full=False)
    for day in (1, 2, 3):
        _deregister_one(county, dt.date(2025, 12, day))
    monkeypatch.setattr(consistency, "WRITE_ROWS_PER_TRANSACTION", 1)
    original_parts = consistency._write_parts
    parts_given: list[object] = []

    def parts_with_a_check_between(*args: object) -> object:
        for part in original_parts(*args):  # type: ignore[arg-type]
            if len(parts_given) == 2:  # two parts written: a check elsewhere folds now
                _deregister_one(county, dt.date(2025, 12, 4))
                with county.session(write=False) as session:
                    JournalFolds()._refresh(session.connection(), full=False)
            parts_given.append(part)
            yield part

    monkeypatch.setattr(consistency, "_write_parts", parts_with_a_check_between)
    prepared = prepare_folds(county.engine, minimum_behind=1)
    monkeypatch.undo()
    assert prepared is not None and not prepared.written and len(parts_given) == 3
    assert prepared.entities_written == 2  # two parts of one row, then it stopped
    folds = JournalFolds()
    with county.session(write=False) as session:
        checked = check_consistency(session, "2025-12", REGION, today=TODAY, folds=folds)
    assert checked.consistent and folds.events_folded == 0

    def values(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        return [row[:2] + row[3:] for row in rows]  # without last_seq, the row each covers

    kept = _kept_folds(county)
    with county.session(write=False) as session:
        check_consistency(session, "2025-12", REGION, today=TODAY, full=True)
    assert values(_kept_folds(county)) == values(kept)


def test_the_worker_processes_threshold_can_be_set_for_the_machine(
    county: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DENGJI_FOLD_PROCESSES_FROM_ROWS lowers the journal length from which a first run folds
    in child processes; the check reports how many it used (the installer test reads it)."""
    from desktop.reports.consistency import PARALLEL_FROM_ENV

    with county.session(write=False) as session:
        alone = check_consistency(session, MONTH, REGION, today=TODAY, full=True)
    assert alone.worker_processes == 0  # a demo county is far below 200,000 rows
    monkeypatch.setenv(PARALLEL_FROM_ENV, "1")
    with county.session(write=False) as session:
        spawned = check_consistency(session, MONTH, REGION, today=TODAY, full=True)
    assert spawned.worker_processes == 2 and spawned.to_json()["worker_processes"] == 2
    assert spawned.differences == alone.differences
    monkeypatch.setenv(PARALLEL_FROM_ENV, "not a number")  # ignored: the default stands
    with county.session(write=False) as session:
        again = check_consistency(session, MONTH, REGION, today=TODAY, full=True)
    assert again.worker_processes == 0


def test_a_frozen_client_spawns_only_when_its_entry_point_is_ready(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bundled executable without freeze_support would start the whole client again in each
    child: workers only where the entry point (installer/launcher.py) says it called it."""
    import sys
    import types

    from desktop.reports.consistency import _may_spawn

    assert _may_spawn()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    main = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert not _may_spawn()
    main.MULTIPROCESSING_READY = True  # type: ignore[attr-defined]
    assert _may_spawn()


@pytest.mark.parametrize("split_at", ["first", "middle", "last"])
def test_the_chain_checked_in_two_parts_finds_what_one_pass_finds(
    county: Store, monkeypatch: pytest.MonkeyPatch, split_at: str
) -> None:
    """Rows edited in both halves, one deleted next to the split and the last ones removed:
    the chain check in two child processes lists the same problems as one pass, and keeps
    the same last good row."""
    import desktop.reports.consistency as consistency

    with county.session(write=False) as session:
        last = session.connection().exec_driver_sql("SELECT max(seq) FROM journal").scalar_one()
    middle = {"first": 1, "middle": last // 2, "last": last - 3}[split_at]
    with county.session() as session:
        connection = session.connection()
        for trigger in ("journal_no_update", "journal_no_delete"):
            connection.exec_driver_sql(f"DROP TRIGGER {trigger}")  # as a tool could
        for seq in (2, last // 3, (2 * last) // 3):
            connection.exec_driver_sql(
                f"UPDATE journal SET clerk_id = clerk_id || 'x' WHERE seq = {seq}"
            )
        connection.exec_driver_sql(f"DELETE FROM journal WHERE seq = {middle + 1}")
        connection.exec_driver_sql(f"DELETE FROM journal WHERE seq >= {last - 1}")
    monkeypatch.setattr(consistency, "_chain_split", lambda cursor, last: _stored(county, middle))

    def chain_of(check: object) -> list[str]:
        return [d.reason for d in check.differences if d.kind == "chain"]  # type: ignore[attr-defined]

    with county.session(write=False) as session:
        alone = check_consistency(session, MONTH, REGION, today=TODAY, full=True)
    header_alone = _fold_header(county)
    monkeypatch.setattr(consistency, "PARALLEL_FROM_SEQ", 1)
    with county.session(write=False) as session:
        spawned = check_consistency(session, MONTH, REGION, today=TODAY, full=True)
    assert spawned.worker_processes == 2
    assert chain_of(spawned) == chain_of(alone) and len(chain_of(alone)) >= 4
    assert any("末尾" in reason for reason in chain_of(alone))
    assert _fold_header(county) == header_alone


def _stored(store: Store, seq: int) -> tuple[int, bytes | None]:
    with store.session(write=False) as session:
        stored = (
            session.connection()
            .exec_driver_sql(f"SELECT chain_hash FROM journal WHERE seq = {seq}")
            .scalar_one()
        )
    return seq, bytes(stored)


def _fold_header(store: Store) -> str:
    with store.session(write=False) as session:
        return (
            session.connection()
            .exec_driver_sql("SELECT value FROM setting WHERE key = 'statistics_fold'")
            .scalar_one()
        )
