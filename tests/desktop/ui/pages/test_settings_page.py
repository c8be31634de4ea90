"""The 设置 page: readers in a table, probing the SAM over a real pty, 读卡测试, validation in
Chinese, 保存 to TOML (round trip), and the monitor restarting with the saved readers."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QPushButton

from desktop.config import Config, ReaderSetting, load_config
from desktop.ui.app import CardReaders
from desktop.ui.pages import settings_page as settings_module
from desktop.ui.pages.settings_page import COLUMN_DRIVER, SettingsPage
from desktop.ui.status_bar import DengjiStatusBar
from devices.emulators.idcard_reader import IdCardReaderEmulator, demo_cards
from tests.desktop.ui.test_screenshots import SIZE, counter_look, save

__all__ = ["counter_look"]  # a fixture, used by name

WAIT_MS = 5000

EXISTING_FILE = """\
# 七里河区就业服务中心 2号窗口（信息科 2025-09 部署）
demo = false
reader_poll_interval_ms = 300

[counter]
id = "qlh-02"  # 不要改
name = "七里河区公共就业服务中心 2号窗口"
number = 2
region = "620103"

[[readers]]
driver = "mps"
port = "/dev/ttyUSB0"
name = "前台阅读器"
timeout_s = 3.0

[central]
url = "postgresql://central.example/dengji"
"""


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[IdCardReaderEmulator]:
    with IdCardReaderEmulator(link_path=tmp_path / "ttyIDCARD") as running:
        yield running


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "etc" / "dengji.toml"
    path.parent.mkdir()
    path.write_text(EXISTING_FILE, encoding="utf-8")
    return path


def make_page(qtbot, config: Config) -> SettingsPage:
    page = SettingsPage(config)
    qtbot.addWidget(page)
    page.resize(1150, 680)
    page.show()
    return page


def button(page: SettingsPage, name: str) -> QPushButton:
    found = page.findChild(QPushButton, name)
    assert found is not None, name
    return found


def test_the_page_shows_the_file_and_its_readers(qtbot, config_file: Path) -> None:
    page = make_page(qtbot, load_config(config_file))
    assert page.config_file_path() == config_file
    assert f"配置文件：{config_file}（已存在）" in page.findChild(object, "configPath").text()
    assert page.reader_settings() == [
        ReaderSetting("mps", "/dev/ttyUSB0", name="前台阅读器", timeout_s=3.0)
    ]
    assert page.poll_interval_ms() == 300


def test_save_round_trip_keeps_other_keys_and_comments(qtbot, config_file: Path) -> None:
    page = make_page(qtbot, load_config(config_file))
    page.add_reader(ReaderSetting("pcsc", "Virtual PCD 00 00", name="社保卡"))
    row = page.add_reader(ReaderSetting("termb", "1001", library="/opt/termb/libtermb.so"))
    page._table.cellWidget(row, COLUMN_DRIVER).setCurrentIndex(1)  # the clerk picks sdtapi
    page.set_poll_interval_ms(450)
    with qtbot.waitSignal(page.sig_settings_saved, timeout=WAIT_MS) as blocker:
        assert page.save()
    text = config_file.read_text(encoding="utf-8")
    assert text.startswith("# 七里河区就业服务中心 2号窗口（信息科 2025-09 部署）")
    assert 'id = "qlh-02"  # 不要改' in text
    raw = tomllib.loads(text)
    assert raw["central"] == {"url": "postgresql://central.example/dengji"}
    assert raw["reader_poll_interval_ms"] == 450
    assert raw["readers"] == [
        {"driver": "mps", "port": "/dev/ttyUSB0", "name": "前台阅读器", "timeout_s": 3.0},
        {"driver": "pcsc", "port": "Virtual PCD 00 00", "name": "社保卡"},
        {"driver": "sdtapi", "port": "1001", "library": "/opt/termb/libtermb.so"},
    ]
    saved = blocker.args[0]
    assert saved == load_config(config_file)
    assert saved.counter_id == "qlh-02" and saved.demo is False
    assert saved.readers == tuple(page.reader_settings())
    # The page reloads what it wrote: the same table, the file now "已存在".
    reopened = make_page(qtbot, saved)
    assert reopened.reader_settings() == page.reader_settings()
    assert reopened.poll_interval_ms() == 450


def test_removing_every_reader_removes_the_array(qtbot, config_file: Path) -> None:
    page = make_page(qtbot, load_config(config_file))
    page.select_reader(0)
    button(page, "removeReader").click()
    assert page.reader_settings() == []
    assert page.save()
    raw = tomllib.loads(config_file.read_text(encoding="utf-8"))
    assert "readers" not in raw and raw["counter"]["id"] == "qlh-02"


def test_a_new_file_keeps_the_demo_counter(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "new" / "dengji.toml"
    monkeypatch.setenv("DENGJI_CONFIG", str(target))
    demo = Config(database_path=tmp_path / "demo.sqlite3")  # no file: the demo counter
    page = make_page(qtbot, demo)
    assert "尚未创建，保存时新建" in page.findChild(object, "configPath").text()
    page.add_reader(ReaderSetting("mps", "/dev/ttyACM0"))
    assert page.save()
    saved = load_config(target)
    assert (saved.demo, saved.counter_id, saved.counter_name, saved.region_code) == (
        True,
        demo.counter_id,
        demo.counter_name,
        demo.region_code,
    )
    assert saved.readers == (ReaderSetting("mps", "/dev/ttyACM0"),)


@pytest.mark.parametrize(
    ("readers", "message"),
    [
        (
            [ReaderSetting("mps", "")],
            "第1个阅读器：串口身份证阅读器须填写串口，如 /dev/ttyUSB0 或 COM3",
        ),
        (
            [ReaderSetting("mps", "/dev/ttyUSB0"), ReaderSetting("mps", "/dev/ttyUSB0")],
            "第2个阅读器：串口 /dev/ttyUSB0 已用于第1个阅读器",
        ),
        (
            [ReaderSetting("sdtapi", "USB1")],
            "第1个阅读器：厂商读卡库的端口应为数字（USB 1001–1016，串口 1–16），留空则自动查找，"
            "现为「USB1」",
        ),
    ],
)
def test_invalid_readers_are_explained_and_nothing_is_written(
    qtbot, config_file: Path, readers: list[ReaderSetting], message: str
) -> None:
    before = config_file.read_text(encoding="utf-8")
    page = make_page(qtbot, load_config(config_file))
    page._table.setRowCount(0)
    for reader in readers:
        page.add_reader(reader)
    with qtbot.assertNotEmitted(page.sig_settings_saved):
        assert not page.save()
    assert page.message() == f"未保存：{message}"
    assert config_file.read_text(encoding="utf-8") == before
    assert page.reader_settings() == readers  # the clerk's input is kept, to be corrected


def test_an_unwritable_file_is_explained(qtbot, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    config = Config(database_path=tmp_path / "x.sqlite3", source=blocker / "dengji.toml")
    page = make_page(qtbot, config)
    page.add_reader(ReaderSetting("mps", "/dev/ttyUSB0"))
    assert not page.save()
    assert page.message().startswith(f"未保存：配置文件无法写入：{blocker / 'dengji.toml'}")
    assert page.reader_settings() == [ReaderSetting("mps", "/dev/ttyUSB0")]


def test_an_unknown_driver_from_the_file_is_shown_and_refused(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "dengji.toml"
    path.write_text('[[readers]]\ndriver = "usb-magic"\n', encoding="utf-8")
    page = make_page(qtbot, load_config(path))
    driver_box = page._table.cellWidget(0, COLUMN_DRIVER)
    assert isinstance(driver_box, QComboBox) and driver_box.currentText() == "usb-magic"
    assert not page.save()
    assert "第1个阅读器：驱动「usb-magic」未知（可用：mps、sdtapi、termb、pcsc）" in page.message()


def test_probe_finds_the_emulators_port(
    qtbot, tmp_path: Path, emulator: IdCardReaderEmulator
) -> None:
    page = make_page(qtbot, Config(database_path=tmp_path / "x.sqlite3"))
    page.add_reader(ReaderSetting("mps", emulator.port))  # a pty: the OS does not list it
    page.add_reader(ReaderSetting("mps", str(tmp_path / "ttyNOTHING")))
    with qtbot.waitSignal(page.sig_detection_finished, timeout=WAIT_MS) as blocker:
        button(page, "detectSerialReaders").click()
    assert blocker.args == [1]
    assert page.found_readers() == [ReaderSetting("mps", emulator.port)]
    assert page.message() == "找到 1 台身份证阅读器"
    assert button(page, "detectSerialReaders").isEnabled()
    assert emulator.commands[0].cmd == 0x11  # the SAM status query, not a card read


def test_a_detected_reader_is_added_once(
    qtbot, tmp_path: Path, emulator: IdCardReaderEmulator
) -> None:
    page = make_page(qtbot, Config(database_path=tmp_path / "x.sqlite3"))
    with qtbot.waitSignal(page.sig_detection_finished, timeout=WAIT_MS):
        # Not in the table and not listed by the OS: probed because the table names it.
        page.add_reader(ReaderSetting("mps", emulator.port, name="前台"))
        page.detect_serial_readers()
    button(page, "addDetectedReader").click()
    assert page.message() == "该阅读器已在列表中（第1行）"
    page._table.setRowCount(0)
    button(page, "addDetectedReader").click()
    assert page.reader_settings() == [ReaderSetting("mps", emulator.port)]


def test_test_read_shows_what_the_card_holds(
    qtbot, tmp_path: Path, emulator: IdCardReaderEmulator
) -> None:
    page = make_page(qtbot, Config(database_path=tmp_path / "x.sqlite3"))
    page.add_reader(ReaderSetting("mps", emulator.port, name="前台"))
    emulator.place_card(demo_cards()["permit_j"])
    with qtbot.waitSignal(page.sig_test_read_finished, timeout=WAIT_MS) as blocker:
        button(page, "testRead").click()
        assert page.test_output().startswith("正在读卡：请在10秒内把卡片放在「前台」上")
        assert not button(page, "testRead").isEnabled()
    assert blocker.args == [True]
    lines = page.test_output().splitlines()
    assert lines[0] == "读卡成功："
    assert "证件类型：港澳台居民居住证" in lines and "姓名：陈嘉欣" in lines
    assert "通行证号码：H60123456" in lines
    assert button(page, "testRead").isEnabled()


def test_test_read_without_a_card_says_so(
    qtbot, tmp_path: Path, emulator: IdCardReaderEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_module, "TEST_READ_TIMEOUT_S", 0.3)
    page = make_page(qtbot, Config(database_path=tmp_path / "x.sqlite3"))
    page.add_reader(ReaderSetting("mps", emulator.port))
    with qtbot.waitSignal(page.sig_test_read_finished, timeout=WAIT_MS) as blocker:
        page.test_read_selected()
    assert blocker.args == [False]
    assert page.test_output() == "读卡失败：0.3 秒内未读到卡片，请放置卡片后重试"


def test_test_read_of_an_absent_reader_and_of_no_selection(qtbot, tmp_path: Path) -> None:
    page = make_page(qtbot, Config(database_path=tmp_path / "x.sqlite3"))
    page.test_read_selected()
    assert page.message() == "请先选中要测试的阅读器"
    page.add_reader(ReaderSetting("mps", str(tmp_path / "ttyGONE")))
    with qtbot.waitSignal(page.sig_test_read_finished, timeout=WAIT_MS):
        page.test_read_selected()
    assert page.test_output() == "读卡失败：身份证阅读器未连接"


def test_device_work_goes_through_the_running_monitor(
    qtbot, tmp_path: Path, emulator: IdCardReaderEmulator
) -> None:
    """With the monitor polling the same port, the test read runs on the reader thread while
    the monitor's own reader is closed, and the card read by the test is not also 'read'."""
    bar = DengjiStatusBar("1号窗口", demo=False)
    qtbot.addWidget(bar)
    config = Config(
        database_path=tmp_path / "x.sqlite3",
        readers=(ReaderSetting("mps", emulator.port, name="前台"),),
        reader_poll_interval_ms=50,
        demo=False,
    )
    card_readers = CardReaders(bar)
    cards: list[object] = []
    card_readers.sig_card_read.connect(cards.append)
    page = make_page(qtbot, config)
    page.set_device_runner(card_readers.run_device_job)
    card_readers.start(config)
    try:
        qtbot.waitUntil(
            lambda: bar.section_texts()["reader"] == "身份证阅读器：已连接", timeout=WAIT_MS
        )
        page.select_reader(0)
        with qtbot.waitSignal(page.sig_detection_finished, timeout=WAIT_MS) as blocker:
            page.detect_serial_readers()
        assert blocker.args == [1]
        emulator.protect_after_read = False  # the card stays readable after the test read
        with qtbot.waitSignal(page.sig_test_read_finished, timeout=WAIT_MS) as blocker:
            page.test_read_selected()
            qtbot.wait(100)  # the test read waits for the card the clerk now lays down
            emulator.place_card(demo_cards()["resident"])
        assert blocker.args == [True] and "姓名：马晓燕" in page.test_output()
        qtbot.wait(300)  # several polls of the reopened reader
        assert cards == []
        assert bar.section_texts()["reader"] == "身份证阅读器：已连接"
        with qtbot.waitSignal(card_readers.sig_card_removed, timeout=WAIT_MS):
            emulator.remove_card()
        emulator.place_card(demo_cards()["foreign_y"])
        qtbot.waitUntil(lambda: len(cards) == 1, timeout=WAIT_MS)
    finally:
        card_readers.stop()


def test_settings_screenshot(qtbot, counter_look: None, demo_store, tmp_path: Path) -> None:
    import shutil
    import tempfile

    from desktop.ui.app import install_card_readers
    from desktop.ui.main_window import MainWindow

    # Short paths, as on a counter PC, rather than pytest's long temporary folders.
    folder = Path(tempfile.mkdtemp(prefix="dengji-"))
    emulator = IdCardReaderEmulator(link_path=folder / "ttyUSB-IDCARD").start()
    try:
        path = folder / "dengji.toml"
        path.write_text(EXISTING_FILE.replace("/dev/ttyUSB0", emulator.port), encoding="utf-8")
        config = load_config(path)
        window = MainWindow(config, demo_store)
        qtbot.addWidget(window)
        window.resize(*SIZE)
        window.show()
        qtbot.waitExposed(window, timeout=WAIT_MS)
        card_readers = install_card_readers(window, config)
        window.show_page("settings")
        page = window.settings_page()
        qtbot.waitUntil(
            lambda: window.status_bar().section_texts()["reader"] == "身份证阅读器：已连接",
            timeout=WAIT_MS,
        )
        page.add_reader(ReaderSetting("pcsc", "Virtual PCD 00 00", name="社保卡读卡器"))
        with qtbot.waitSignal(page.sig_detection_finished, timeout=WAIT_MS):
            page.detect_serial_readers()
        page.select_reader(0)
        with qtbot.waitSignal(page.sig_test_read_finished, timeout=WAIT_MS):
            page.test_read_selected()
            qtbot.wait(100)
            emulator.place_card(demo_cards()["resident"])
        qtbot.wait(100)
        image = window.grab().toImage()
        card_readers.stop()
    finally:
        emulator.stop()
        shutil.rmtree(folder, ignore_errors=True)
    assert (image.width(), image.height()) == SIZE
    save(image, "settings.png", tmp_path)


def test_only_an_administrator_may_save(qtbot, config_file: Path) -> None:
    from desktop.domain.roles import Role
    from desktop.services.accounts import SignedInClerk
    from tests.desktop.ui.clerks import signed_in

    before = config_file.read_text(encoding="utf-8")
    page = make_page(qtbot, load_config(config_file))
    page.set_poll_interval_ms(450)
    counter_clerk = SignedInClerk(
        account_id="00000000-0000-4000-8000-000000000002",
        username="clerk02",
        display_name="李明",
        roles=frozenset({Role.CLERK}),
    )
    with signed_in(counter_clerk):
        assert not page.save()
    assert config_file.read_text(encoding="utf-8") == before
    with signed_in():  # 王丽娟 holds the 管理员 role
        assert page.save()
    assert "450" in config_file.read_text(encoding="utf-8")
