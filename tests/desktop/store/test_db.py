"""Tests of opening the local database: lock, corruption, schema version, crash safety."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from desktop.store import db as db_module
from desktop.store.db import HEAD_REVISION, open_store
from desktop.store.errors import (
    CorruptDatabaseError,
    DatabaseInUseError,
    SchemaTooNewError,
    StoreError,
)
from desktop.store.hlc import format_hlc
from desktop.store.journal import Actor, ingest
from desktop.store.models import Event, Person, Registration, Setting
from tests.desktop.store.factories import (
    FakeEvent,
    event_row,
    mismatched_projections,
    new_id,
    record_person_with_registration,
)

REPO_ROOT = Path(__file__).resolve().parents[3]


def run_python(code: str, *args: str, **popen: object) -> subprocess.Popen[str]:
    """Start a separate Python process running `code` with the repository importable."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=REPO_ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,
    )


def fill(path: Path, persons: int = 40) -> None:
    with open_store(path, node_id="filler") as store, store.session() as session:
        for index in range(persons):
            record_person_with_registration(
                session, Actor("clerk01", "c1"), store.clock, index, registered=True
            )


def kept_aside_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".corrupt-*"))


# --------------------------------------------------------------------------- normal opening


def test_open_creates_directories_and_sets_pragmas(db_path: Path) -> None:
    assert not db_path.parent.exists()
    with open_store(db_path) as store:
        assert store.path == db_path
        with store.engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
            assert pragmas == {
                "journal_mode": "wal",
                "synchronous": 2,  # FULL
                "foreign_keys": 1,
                "busy_timeout": db_module.BUSY_TIMEOUT_MS,
            }
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert version.scalar() == HEAD_REVISION
    assert db_path.exists()
    assert db_path.with_name("dengji.db.lock").read_text() == "clean\n"


def test_node_id_is_generated_once_and_kept(db_path: Path) -> None:
    with open_store(db_path) as store:
        generated = store.clock.node_id
    with open_store(db_path) as store:
        assert store.clock.node_id == generated
    with open_store(db_path, node_id="counter-7") as store:
        assert store.clock.node_id == "counter-7"
        with store.session(write=False) as session:
            assert session.get(Setting, "node_id").value == "counter-7"  # type: ignore[union-attr]


def test_bad_node_id_is_refused(db_path: Path) -> None:
    with pytest.raises(StoreError, match="节点编号"):
        open_store(db_path, node_id="a.b")
    open_store(db_path).close()  # the lock was released


def test_clock_resumes_after_own_events_even_if_wall_clock_went_back(db_path: Path) -> None:
    two_days = 2 * 86_400_000
    own_future = format_hlc(int(time.time() * 1000) + two_days, 0, "me")
    broken_remote = format_hlc(int(time.time() * 1000) + 2 * two_days, 0, "broken")
    with open_store(db_path, node_id="me") as store, store.session() as session:
        # Our own unsent event, made before the wall clock was set back two days, and one
        # from a counter whose clock is four days ahead.
        for stamp, pushed in ((own_future, False), (broken_remote, True)):
            event = FakeEvent("person.updated", {"phone": "1"}, stamp, entity_type="person")
            event.entity_id = new_id()
            ingest(session, event_row(event), store.clock, pushed=pushed)
    with open_store(db_path, node_id="me") as store:
        stamp = store.clock.now()
        assert own_future < stamp < broken_remote


def test_session_commits_or_rolls_back_and_refuses_after_close(db_path: Path) -> None:
    store = open_store(db_path)
    with store.session() as session:
        session.add(Setting(key="sequence:c1", value=1))
    with pytest.raises(ZeroDivisionError), store.session() as session:
        session.add(Setting(key="lost", value=1))
        session.flush()
        _ = 1 / 0
    with store.session(write=False) as session:
        assert session.get(Setting, "sequence:c1") is not None
        assert session.get(Setting, "lost") is None
    store.close()
    store.close()  # idempotent
    with pytest.raises(StoreError, match="已关闭"), store.session():
        pass


def test_parent_that_is_a_file_gives_a_chinese_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="无法创建数据目录"):
        open_store(blocker / "dengji.db")
    assert blocker.read_text() == "not a directory"


# --------------------------------------------------------------------------- in use


def test_second_open_from_another_process_is_refused(db_path: Path) -> None:
    holder = run_python(
        """
        import sys
        from pathlib import Path
        from desktop.store.db import open_store
        store = open_store(Path(sys.argv[1]))
        print("ready", flush=True)
        sys.stdin.readline()
        store.close()
        """,
        str(db_path),
        stdin=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready", holder.stderr
        with pytest.raises(DatabaseInUseError) as caught:
            open_store(db_path)
        assert caught.value.message == f"数据库正被另一个 dengji 窗口使用：{db_path}"
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    open_store(db_path).close()


def test_second_open_in_the_same_process_is_refused(db_path: Path) -> None:
    with open_store(db_path), pytest.raises(DatabaseInUseError):
        open_store(db_path)


# --------------------------------------------------------------------------- corruption


def test_non_database_file_is_kept_aside_intact(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    original = "这不是数据库，是一份表格导出\n".encode() * 200
    db_path.write_bytes(original)
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(b"leftover wal")
    with pytest.raises(CorruptDatabaseError) as caught:
        open_store(db_path)
    kept = caught.value.kept_aside
    assert kept.name.startswith("dengji.db.corrupt-")
    assert kept.read_bytes() == original
    assert kept.with_name(kept.name + "-wal").read_bytes() == b"leftover wal"
    assert not db_path.exists() and not wal.exists()
    assert str(kept) in caught.value.message
    assert caught.value.message.startswith("数据库文件已损坏，原文件已另存为 ")
    # The caller decides to start afresh: the same call now creates an empty database.
    with open_store(db_path) as store, store.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 0
    assert kept.read_bytes() == original


@pytest.mark.parametrize("keep_fraction", [0.5, 0.03])
def test_truncated_database_is_detected(db_path: Path, keep_fraction: float) -> None:
    fill(db_path, persons=60)
    original = db_path.read_bytes()
    page_size = int.from_bytes(original[16:18], "big")
    cut = max(page_size, int(len(original) * keep_fraction) // page_size * page_size)
    db_path.write_bytes(original[:cut])
    with pytest.raises(CorruptDatabaseError) as caught:
        open_store(db_path)
    assert caught.value.kept_aside.read_bytes() == original[:cut]


def test_truncation_is_caught_without_the_full_check(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big database after a clean close skips quick_check; the header still tells."""
    fill(db_path, persons=60)
    monkeypatch.setattr(db_module, "ALWAYS_QUICK_CHECK_BYTES", 0)
    monkeypatch.setattr(db_module, "_probe", lambda engine, thorough: None)
    original = db_path.read_bytes()
    page_size = int.from_bytes(original[16:18], "big")
    db_path.write_bytes(original[: len(original) // page_size // 2 * page_size])
    with pytest.raises(CorruptDatabaseError, match="截断"):
        open_store(db_path)


def test_database_cut_mid_page_is_detected(db_path: Path) -> None:
    fill(db_path, persons=5)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) - 100])
    with pytest.raises(CorruptDatabaseError, match="不完整"):
        open_store(db_path)


def test_damaged_page_fails_quick_check(db_path: Path) -> None:
    fill(db_path, persons=60)
    data = bytearray(db_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Scribble over the middle of the file, leaving the header and the schema page intact.
    middle = len(data) // page_size // 2 * page_size
    data[middle : middle + page_size] = b"\xa5" * page_size
    db_path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError) as caught:
        open_store(db_path)
    assert caught.value.kept_aside.read_bytes() == bytes(data)


def test_foreign_sqlite_database_is_kept_aside(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as connection:
        connection.execute("CREATE TABLE household (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO household (name) VALUES ('王家')")
    connection.close()
    with pytest.raises(CorruptDatabaseError, match="不是 dengji 的数据库") as caught:
        open_store(db_path)
    with sqlite3.connect(caught.value.kept_aside) as connection:
        assert connection.execute("SELECT name FROM household").fetchall() == [("王家",)]
    connection.close()


def test_kept_aside_file_never_overwrites_an_earlier_one(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    now = dt.datetime.now()
    earlier = []
    for seconds in range(4):  # whatever second the rename happens in, its name is taken
        stamp = (now + dt.timedelta(seconds=seconds)).strftime("%Y%m%d-%H%M%S")
        taken = db_path.with_name(f"{db_path.name}.corrupt-{stamp}")
        taken.write_text(f"earlier {seconds}")
        earlier.append(taken)
    db_path.write_text("garbage")
    with pytest.raises(CorruptDatabaseError) as caught:
        open_store(db_path)
    assert caught.value.kept_aside not in earlier
    assert caught.value.kept_aside.read_text() == "garbage"
    for seconds, taken in enumerate(earlier):
        assert taken.read_text() == f"earlier {seconds}"


def test_orphan_wal_is_kept_aside_not_replayed(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    wal = db_path.with_name("dengji.db-wal")
    wal.write_bytes(b"frames of a database that is gone")
    with open_store(db_path) as store, store.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 0
    (kept,) = db_path.parent.glob("dengji.db.corrupt-*-wal")
    assert kept.read_bytes() == b"frames of a database that is gone"


def test_empty_file_is_a_new_database(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    open_store(db_path).close()
    assert kept_aside_files(db_path) == []


# --------------------------------------------------------------------------- schema version


def test_database_from_a_newer_dengji_is_refused_untouched(db_path: Path) -> None:
    fill(db_path, persons=2)
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNewError) as caught:
        open_store(db_path)
    assert "9999" in caught.value.message and "升级" in caught.value.message
    assert db_path.read_bytes() == before
    assert kept_aside_files(db_path) == []
    with pytest.raises(SchemaTooNewError):  # lock released, marker restored
        open_store(db_path)
    assert db_path.with_name("dengji.db.lock").read_text() == "clean\n"


def test_up_to_date_database_opens_without_importing_alembic(db_path: Path) -> None:
    probe = """
        import sys
        from pathlib import Path
        from desktop.store.db import open_store
        open_store(Path(sys.argv[1])).close()
        print("alembic" in sys.modules)
    """
    fresh = run_python(probe, str(db_path))
    assert fresh.communicate(timeout=60)[0].strip() == "True"  # a new file needs migrations
    again = run_python(probe, str(db_path))
    output, errors = again.communicate(timeout=60)
    assert output.strip() == "False", errors


# --------------------------------------------------------------------------- crash safety

WRITER = """
    import sys
    from pathlib import Path
    from desktop.store.db import open_store
    from desktop.store.journal import Actor, record
    from tests.desktop.store.factories import record_person_with_registration

    store = open_store(Path(sys.argv[1]), node_id="writer")
    actor = Actor("clerk01", "620102-01")
    index = int(sys.argv[2])
    while True:
        committed = []
        with store.session() as session:
            for _ in range(5):  # several events per transaction: the kill lands inside one
                committed.append(
                    record_person_with_registration(
                        session, actor, store.clock, index, registered=index % 2 == 0
                    )
                )
                index += 1
        for person_id, registration_id in committed:
            print(person_id, registration_id, flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_writer_killed_mid_loop_loses_no_committed_event(db_path: Path) -> None:
    committed: list[tuple[str, str]] = []
    for round_number in range(3):
        writer = run_python(WRITER, str(db_path), str(round_number * 100_000))
        assert writer.stdout is not None
        wanted = len(committed) + 40 + round_number * 17
        while len(committed) < wanted:
            line = writer.stdout.readline()
            assert line, writer.stderr.read() if writer.stderr else "writer died"
            person_id, registration_id = line.split()
            committed.append((person_id, registration_id))
        time.sleep(0.003 * round_number)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        # The lock dies with the process; the marker says the session did not close cleanly.
        assert db_path.with_name("dengji.db.lock").read_text() == "open\n"
        for line in writer.stdout:  # lines printed after the last read but before the kill
            committed.append(tuple(line.split()))  # type: ignore[arg-type]

    with open_store(db_path) as store:
        assert store.check_integrity() == []
        with store.session(write=False) as session:
            for person_id, registration_id in committed:
                assert session.get(Person, person_id) is not None
                assert session.get(Registration, registration_id) is not None
            for event in session.scalars(select(Event)):
                assert isinstance(event.payload, dict) and event.payload
                assert event.hlc and event.wall_time and event.id
            # Every transaction holds whole persons: 2 events, or 3 when registered.
            persons = session.scalar(select(func.count()).select_from(Person))
            registrations = session.scalar(select(func.count()).select_from(Registration))
            assert persons == registrations
            assert persons is not None and persons >= len(committed)
            assert mismatched_projections(session) == []


def test_crash_marker_forces_a_full_check(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(db_path, persons=2)
    calls: list[bool] = []
    real_probe = db_module._probe

    def spy(engine: object, thorough: bool) -> str | None:
        calls.append(thorough)
        return real_probe(engine, thorough)  # type: ignore[arg-type]

    monkeypatch.setattr(db_module, "_probe", spy)
    monkeypatch.setattr(db_module, "ALWAYS_QUICK_CHECK_BYTES", 0)  # pretend the file is big
    open_store(db_path).close()
    db_path.with_name("dengji.db.lock").write_text("open\n")  # as a killed process leaves it
    open_store(db_path).close()
    assert calls == [False, True]


def test_pushed_flag_update_leaves_the_event_intact(db_path: Path) -> None:
    fill(db_path, persons=1)
    with open_store(db_path) as store:
        with store.session() as session:
            before = [(e.id, e.payload, e.hlc) for e in session.scalars(select(Event))]
            session.execute(update(Event).values(pushed=True))
        with store.session(write=False) as session:
            after = [(e.id, e.payload, e.hlc) for e in session.scalars(select(Event))]
            assert session.scalar(text("SELECT count(*) FROM journal WHERE pushed")) == 3
    assert before == after


def test_concurrent_writers_and_readers_in_threads(db_path: Path) -> None:
    """Writers queue on BEGIN IMMEDIATE + busy_timeout instead of failing; readers see
    committed rows only (WAL)."""
    import threading

    errors: list[BaseException] = []
    with open_store(db_path) as store:

        def write(offset: int) -> None:
            try:
                for index in range(offset, offset + 30):
                    with store.session() as session:
                        record_person_with_registration(
                            session, Actor("clerk01", "c1"), store.clock, index
                        )
            except BaseException as error:  # reported by the assert below
                errors.append(error)

        def read() -> None:
            try:
                for _ in range(60):
                    with store.session(write=False) as session:
                        persons = session.scalar(select(func.count()).select_from(Person))
                        registrations = session.scalar(
                            select(func.count()).select_from(Registration)
                        )
                        assert persons == registrations  # never half a transaction
            except BaseException as error:  # reported by the assert below
                errors.append(error)

        threads = [threading.Thread(target=write, args=(n * 1000,)) for n in range(3)]
        threads.append(threading.Thread(target=read))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        with store.session(write=False) as session:
            assert session.scalar(select(func.count()).select_from(Event)) == 180
            assert mismatched_projections(session) == []
