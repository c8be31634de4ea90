"""Benchmark of opening a person's record (issue 6: < 50 ms with 200 events): the record read
on the database thread (desktop.ui.pages.person_page.read_person_record, over
desktop.store.queries.person_record) and the dialog built and filled on the GUI thread.

The database: a few thousand demo people (desktop.services.demo.fill_demo_data), then one
registered person given 200 events through the follow-up use cases (contacts, services,
refusals with a valid reason). Made in a temporary folder, about 20 s.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from desktop.config import Config
from desktop.domain.idnumbers import check_digit
from desktop.domain.roles import Role
from desktop.domain.workdays import WorkdayCalendar
from desktop.services import followup as fu
from desktop.services import registration as reg
from desktop.services.demo import fill_demo_data
from desktop.store.db import Store, open_store
from desktop.store.journal import Actor

DEMO_PERSONS = 3000
EVENTS = 200
ROUNDS = 20
TODAY = dt.date.today()
CONFIG = Config()


def _person_with_events(store: Store) -> str:
    """One registered person with EVENTS events in all (application to the last contact)."""
    actor = Actor("bench-clerk", CONFIG.counter_id, roles=frozenset({Role.CLERK, Role.REVIEWER}))
    ctx = reg.CounterContext(actor, store.clock, CONFIG.region_code, 1, WorkdayCalendar())
    registered_on = TODAY - dt.timedelta(days=400)
    body = f"{CONFIG.region_code}19800707123"
    person = reg.PersonDetails(
        id_number=body + check_digit(body), name="基准测试", phone="13900001111",
        household_region=CONFIG.region_code, residence_region=CONFIG.region_code,
        residence_urban=True, ethnicity="01", education="31", health="1",
    )  # fmt: skip
    application = reg.Application(
        person=person, applied_on=registered_on, registration_place="household",
        unemployment_cause="02", unemployed_since=registered_on - dt.timedelta(days=10),
    )  # fmt: skip
    with store.session() as session:
        applied = reg.apply_for_registration(session, ctx, application)
        rid = applied.registration_id
        reg.verify(session, ctx, rid, on=registered_on, method="data_comparison",
                   evidence={"公安人口库": "一致"})  # fmt: skip
        reg.register(session, ctx, rid, on=registered_on)
        events = 4  # person, applied, verified, registered
        day = registered_on
        while events < EVENTS:
            day = min(TODAY, day + dt.timedelta(days=2))
            step = events % 3
            if step == 0:
                fu.record_contact(session, ctx, rid, on=day, method="phone", reached=True,
                                  note="电话了解求职情况")  # fmt: skip
                events += 1
            elif step == 1:
                fu.record_service(session, ctx, rid, on=day, kind="job_referral",
                                  content="推荐仓储管理岗位", result="待面试",
                                  details={"employer": "兰州某物流有限公司"})  # fmt: skip
                events += 1
            elif events + 2 <= EVENTS:
                fu.record_refusal(session, ctx, rid, on=day, service_kind="training_recommendation",
                                  valid_reason=True, reason_text="照顾家人")  # fmt: skip
                events += 2  # the refusal and its contact
            else:
                events = EVENTS + 1  # stop exactly: nothing smaller is left to add
        return applied.person_id


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from desktop.ui.background import wait_for_background_work
    from desktop.ui.pages.person_page import PersonRecordDialog, read_person_record

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = open_store(Path(folder) / "bench.sqlite3", node_id="bench")
        fill_demo_data(store, CONFIG, persons=DEMO_PERSONS)
        person_id = _person_with_events(store)
        print(f"database: {DEMO_PERSONS} demo people + 1 with {EVENTS} events, "
              f"made in {time.perf_counter() - started:.1f} s")  # fmt: skip

        reads: list[float] = []
        opens: list[float] = []
        record = None
        for _ in range(ROUNDS):
            begin = time.perf_counter()
            with store.session(write=False) as session:
                record = read_person_record(session, person_id, TODAY)
            reads.append(time.perf_counter() - begin)
        for _ in range(ROUNDS):
            # The clerk's path: the dialog opens, reads the record on the database thread,
            # fills itself and paints.
            begin = time.perf_counter()
            dialog = PersonRecordDialog(store, CONFIG, person_id)
            waiting = QEventLoop()
            dialog.sig_record_loaded.connect(waiting.quit)
            dialog.show()
            waiting.exec()  # sleeps until the record is on screen (no busy loop to slow it)
            app.processEvents()  # the paint of the filled dialog
            opens.append(time.perf_counter() - begin)
            dialog.close()
            dialog.deleteLater()
            app.processEvents()
        assert record is not None
        wait_for_background_work()
        print(f"history rows: {len(record.history)}")
        read_ms, open_ms = _median_ms(reads), _median_ms(opens)
        print(f"read the record (database thread), median of {ROUNDS}: {read_ms:.1f} ms")
        print(
            f"open the record dialog with {EVENTS} events until painted (read included), "
            f"median of {ROUNDS}: {open_ms:.1f} ms (target < 50 ms)"
        )
        store.close()


if __name__ == "__main__":
    main()
