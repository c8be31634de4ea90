"""Tests of devices.monitor.ReaderMonitor over a real pty, with pytest-qt."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Signal, Slot
from pytestqt.qtbot import QtBot

from devices.base import CardReader
from devices.card import CardData
from devices.emulators.idcard_reader import DemoCard, Fault, IdCardReaderEmulator
from devices.errors import ReaderNotConnectedError
from devices.monitor import READER_THREAD_NAME, ReaderMonitor, ReaderStatus
from devices.mps.serial_reader import MpsSerialReader
from devices.mps.text import parse_text_block
from devices.wlt import PHOTO_DECODER_MISSING

WAIT_MS = 5000


class Recorder(QObject):
    """Collects what the monitor emits, on the GUI thread (queued connections), and re-emits it
    there: pytest-qt's blockers must not be driven from the reader thread."""

    card_read = Signal(object)
    readers_changed = Signal(list)
    card_removed = Signal()

    def __init__(self, monitor: ReaderMonitor) -> None:
        super().__init__()
        self.cards: list[CardData] = []
        self.errors: list[str] = []
        self.removed = 0
        self.readers: list[list[ReaderStatus]] = []
        monitor.sig_card_read.connect(self._on_card_read)
        monitor.sig_card_removed.connect(self._on_card_removed)
        monitor.sig_reader_error.connect(self._on_reader_error)
        monitor.sig_readers_changed.connect(self._on_readers_changed)

    @Slot(object)
    def _on_card_read(self, card: CardData) -> None:
        assert threading.current_thread() is threading.main_thread()
        self.cards.append(card)
        self.card_read.emit(card)

    @Slot()
    def _on_card_removed(self) -> None:
        self.removed += 1
        self.card_removed.emit()

    @Slot(str)
    def _on_reader_error(self, message: str) -> None:
        self.errors.append(message)

    @Slot(list)
    def _on_readers_changed(self, readers: list[ReaderStatus]) -> None:
        assert threading.current_thread() is threading.main_thread()
        self.readers.append(readers)
        self.readers_changed.emit(readers)

    def card_errors(self) -> list[str]:
        return [e for e in self.errors if e != PHOTO_DECODER_MISSING]


def _expected(card: DemoCard, reader: CardReader) -> CardData:
    return parse_text_block(card.text, photo_wlt=card.photo_wlt, reader_name=reader.name)


@pytest.fixture
def serial_reader(emulator: IdCardReaderEmulator) -> MpsSerialReader:
    return MpsSerialReader(emulator.port, timeout_s=0.5, name="测试阅读器")


@pytest.fixture
def monitor(serial_reader: MpsSerialReader) -> Iterator[ReaderMonitor]:
    monitor = ReaderMonitor([serial_reader], poll_interval_s=0.05, reconnect_interval_s=0.2)
    yield monitor
    assert monitor.stop()


@pytest.fixture
def recorder(monitor: ReaderMonitor, qtbot: QtBot) -> Recorder:
    recorder = Recorder(monitor)
    with qtbot.wait_signal(recorder.readers_changed, timeout=WAIT_MS):
        monitor.start()
    return recorder


def test_card_read_then_removed(
    qtbot: QtBot,
    emulator: IdCardReaderEmulator,
    monitor: ReaderMonitor,
    recorder: Recorder,
    serial_reader: MpsSerialReader,
    cards: dict[str, DemoCard],
) -> None:
    assert recorder.readers[0] == [ReaderStatus("测试阅读器", True, family="身份证阅读器")]
    with qtbot.wait_signal(recorder.card_read, timeout=WAIT_MS) as blocker:
        emulator.place_card(cards["resident"])
    assert blocker.args == [_expected(cards["resident"], serial_reader)]
    # §1.6: the reader's protection makes find fail after the read: reported as removed.
    qtbot.waitUntil(lambda: recorder.removed == 1, timeout=WAIT_MS)
    with qtbot.wait_signal(recorder.card_read, timeout=WAIT_MS) as blocker:
        emulator.place_card(cards["foreign_y"])
    assert blocker.args[0].name == "安娜"
    assert len(recorder.cards) == 2


FAULT_MESSAGES = [
    (Fault.CARD_PULLED_MID_READ, "请重新放置卡片"),
    (Fault.CORRUPTED_FRAME, "读卡数据校验错误"),
    (Fault.TRUNCATED_FRAME, "读卡数据校验错误"),
    (Fault.WRONG_CHECKSUM, "读卡数据校验错误"),
    (Fault.WRONG_LENGTH, "读卡数据校验错误"),
    (Fault.SAM_ERROR, "0x60"),
    (Fault.UNKNOWN_STATUS, "未知状态码 0x55"),
    (Fault.INVALID_UTF16, "姓名文字编码无效"),
    (Fault.IMPOSSIBLE_DATE, "20250230"),
    (Fault.WRONG_CHECK_DIGIT, "校验位错误"),
]


@pytest.mark.parametrize(("fault", "text"), FAULT_MESSAGES)
def test_monitor_survives_each_fault_and_never_emits_a_partial_card(
    qtbot: QtBot,
    emulator: IdCardReaderEmulator,
    recorder: Recorder,
    serial_reader: MpsSerialReader,
    cards: dict[str, DemoCard],
    fault: Fault,
    text: str,
) -> None:
    emulator.inject_fault(fault)
    emulator.place_card(cards["resident"])
    qtbot.waitUntil(lambda: bool(recorder.card_errors()), timeout=WAIT_MS)
    assert text in recorder.card_errors()[0]
    emulator.remove_card()
    qtbot.waitUntil(lambda: recorder.removed >= 1, timeout=WAIT_MS)
    assert recorder.cards == []
    emulator.place_card(cards["resident"])
    qtbot.waitUntil(lambda: bool(recorder.cards), timeout=WAIT_MS)
    assert recorder.cards == [_expected(cards["resident"], serial_reader)]
    assert len(recorder.card_errors()) == 1


def test_no_answer_is_reported_and_the_card_is_then_read_whole(
    qtbot: QtBot,
    emulator: IdCardReaderEmulator,
    recorder: Recorder,
    serial_reader: MpsSerialReader,
    cards: dict[str, DemoCard],
) -> None:
    emulator.inject_fault(Fault.NO_ANSWER)
    emulator.place_card(cards["permit_j"])
    qtbot.waitUntil(lambda: bool(recorder.cards), timeout=WAIT_MS)
    assert any("无应答" in e for e in recorder.card_errors())
    assert recorder.cards == [_expected(cards["permit_j"], serial_reader)]


def test_closed_pty_is_reported_and_the_reader_reconnects(
    qtbot: QtBot,
    emulator: IdCardReaderEmulator,
    monitor: ReaderMonitor,
    recorder: Recorder,
    cards: dict[str, DemoCard],
) -> None:
    with qtbot.wait_signal(recorder.readers_changed, timeout=WAIT_MS) as blocker:
        emulator.stop()
    assert blocker.args[0][0].connected is False
    assert blocker.args[0][0].message == ReaderNotConnectedError().message
    assert recorder.errors == ["测试阅读器：身份证阅读器未连接"]
    with qtbot.wait_signal(recorder.readers_changed, timeout=WAIT_MS) as blocker:
        emulator.start()
    assert blocker.args[0][0].connected is True
    assert recorder.errors == ["测试阅读器：身份证阅读器未连接"]  # said once, not per retry
    with qtbot.wait_signal(recorder.card_read, timeout=WAIT_MS):
        emulator.place_card(cards["resident"])


def test_missing_photo_decoder_is_said_once(
    qtbot: QtBot, emulator: IdCardReaderEmulator, recorder: Recorder, cards: dict[str, DemoCard]
) -> None:
    for count, label in enumerate(("resident", "permit_j"), start=1):
        # B023 below: each lambda is used up by waitUntil before `count` changes.
        emulator.place_card(cards[label])
        qtbot.waitUntil(lambda: len(recorder.cards) == count, timeout=WAIT_MS)  # noqa: B023
        emulator.remove_card()
        qtbot.waitUntil(lambda: recorder.removed == count, timeout=WAIT_MS)  # noqa: B023
    assert recorder.errors.count(PHOTO_DECODER_MISSING) == 1


class ThreadRecordingReader(CardReader):
    """A fake that subclasses the real base and records which thread touched it."""

    def __init__(self) -> None:
        super().__init__("记录线程的阅读器")
        self.threads: set[str] = set()

    @classmethod
    def is_usable(cls) -> tuple[bool, str]:
        return True, ""

    def _touch(self) -> None:
        self.threads.add(threading.current_thread().name)

    def open(self) -> None:
        self._touch()

    def close(self) -> None:
        self._touch()

    def read_card(self) -> CardData | None:
        self._touch()
        return None

    def card_present(self) -> bool:
        self._touch()
        return False


def test_every_reader_call_happens_on_the_reader_thread(qtbot: QtBot) -> None:
    fake = ThreadRecordingReader()
    monitor = ReaderMonitor([fake], poll_interval_s=0.02)
    recorder = Recorder(monitor)
    with qtbot.wait_signal(recorder.readers_changed, timeout=WAIT_MS):
        monitor.start()
    qtbot.wait(100)
    assert monitor.stop()
    assert fake.threads == {READER_THREAD_NAME}
    assert not monitor.is_running()


def test_unopenable_reader_is_listed_as_disconnected(qtbot: QtBot) -> None:
    reader = MpsSerialReader("/dev/dengji-no-such-reader", name="缺席的阅读器")
    monitor = ReaderMonitor([reader], poll_interval_s=0.02, reconnect_interval_s=0.05)
    recorder = Recorder(monitor)
    with qtbot.wait_signal(recorder.readers_changed, timeout=WAIT_MS) as blocker:
        monitor.start()
    qtbot.wait(300)  # several reconnect attempts
    assert monitor.stop()
    assert blocker.args[0] == [
        ReaderStatus("缺席的阅读器", False, "身份证阅读器未连接", family="身份证阅读器")
    ]
    assert recorder.errors == ["缺席的阅读器：身份证阅读器未连接"]


def test_poll_now_reads_without_waiting_for_the_interval(
    qtbot: QtBot, emulator: IdCardReaderEmulator, cards: dict[str, DemoCard]
) -> None:
    reader = MpsSerialReader(emulator.port, timeout_s=0.5, name="慢速轮询")
    monitor = ReaderMonitor([reader], poll_interval_s=30)  # the timer alone would not poll
    recorder = Recorder(monitor)
    with qtbot.wait_signal(recorder.readers_changed, timeout=WAIT_MS):
        monitor.start()
    try:
        emulator.place_card(cards["resident"])
        with qtbot.wait_signal(recorder.card_read, timeout=WAIT_MS):
            monitor.poll_now()
    finally:
        assert monitor.stop()


def test_an_exclusive_job_runs_on_the_reader_thread_with_the_readers_closed(
    qtbot: QtBot,
    emulator: IdCardReaderEmulator,
    monitor: ReaderMonitor,
    recorder: Recorder,
    serial_reader: MpsSerialReader,
    cards: dict[str, DemoCard],
) -> None:
    from devices.registry import ReaderConfig, read_card_once

    seen: dict[str, object] = {}

    def job() -> CardData:
        seen["thread"] = threading.current_thread().name
        seen["monitor_reader_open"] = serial_reader.is_open
        emulator.place_card(cards["foreign_i"])
        return read_card_once(ReaderConfig("mps", port=emulator.port), 2.0)

    results: list[object] = []
    running = monitor.run_exclusive(job).on_success(results.append)
    with qtbot.wait_signal(running.sig_job_succeeded, timeout=WAIT_MS):
        pass
    assert seen == {"thread": READER_THREAD_NAME, "monitor_reader_open": False}
    assert isinstance(results[0], CardData) and results[0].name == "史密斯"
    qtbot.wait(200)  # the monitor polls its reopened reader: the card is not read twice
    assert recorder.cards == []
    assert recorder.readers == recorder.readers[:1]  # no flicker of "not connected"
    emulator.remove_card()
    qtbot.waitUntil(lambda: serial_reader.is_open, timeout=WAIT_MS)
    emulator.place_card(cards["resident"])
    qtbot.waitUntil(lambda: len(recorder.cards) == 1, timeout=WAIT_MS)


def test_a_failing_job_reports_its_error_and_the_monitor_goes_on(
    qtbot: QtBot,
    monitor: ReaderMonitor,
    recorder: Recorder,
    cards: dict[str, DemoCard],
    emulator: IdCardReaderEmulator,
) -> None:
    def job() -> None:
        raise ReaderNotConnectedError("测试：端口被占用")

    errors: list[BaseException] = []
    running = monitor.run_exclusive(job).on_error(errors.append)
    with qtbot.wait_signal(running.sig_job_failed, timeout=WAIT_MS):
        pass
    assert [error.message for error in errors] == ["测试：端口被占用"]  # type: ignore[attr-defined]
    emulator.place_card(cards["resident"])
    qtbot.waitUntil(lambda: len(recorder.cards) == 1, timeout=WAIT_MS)


def test_jobs_of_a_stopped_monitor_fail_at_once(qtbot: QtBot, monitor: ReaderMonitor) -> None:
    errors: list[BaseException] = []
    job = monitor.run_exclusive(lambda: None).on_error(errors.append)
    with qtbot.wait_signal(job.sig_job_failed, timeout=WAIT_MS):
        pass
    assert isinstance(errors[0], ReaderNotConnectedError)
    assert errors[0].message == "读卡器监视未运行"


def test_request_stop_closes_the_readers_then_says_so(
    qtbot: QtBot, serial_reader: MpsSerialReader, monitor: ReaderMonitor, recorder: Recorder
) -> None:
    class StopWatcher(QObject):
        stopped = Signal()

        @Slot()
        def on_stopped(self) -> None:
            assert threading.current_thread() is threading.main_thread()
            self.reader_open_when_told = serial_reader.is_open
            self.stopped.emit()

    watcher = StopWatcher()
    monitor.sig_monitor_stopped.connect(watcher.on_stopped)
    with qtbot.wait_signal(watcher.stopped, timeout=WAIT_MS):
        monitor.request_stop()
        monitor.request_stop()  # idempotent
    assert watcher.reader_open_when_told is False
    assert not monitor.accepts_jobs()
    assert monitor.stop(1000)
