"""The 设置 page: which card readers the counter uses, found by probing, tested, saved to TOML."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.config import (
    POLL_INTERVAL_RANGE_MS,
    READER_DRIVERS,
    Config,
    ConfigError,
    ReaderSetting,
    config_path,
    reader_setting_problems,
    save_reader_settings,
)

if TYPE_CHECKING:
    from devices.card import CardData
    from devices.mps.probe import ProbeResult

# Long enough to walk to the reader with a card in hand.
TEST_READ_TIMEOUT_S = 10.0
COLUMN_DRIVER, COLUMN_PORT, COLUMN_LIBRARY, COLUMN_NAME = range(4)
_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
_HINT_STYLE = "color: palette(mid);"

DeviceRunner = Callable[[Callable[[], Any]], Any]
"""Runs device work off the GUI thread and returns a job with on_success/on_error (the
CardReaders' run_device_job: on the reader thread while a monitor runs)."""


def _background_runner(fn: Callable[[], Any]) -> Any:
    from desktop.ui.background import run_in_background

    return run_in_background(fn)


def _error_text(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


def _probe_serial_ports(extra_ports: list[str]) -> list[ProbeResult]:
    from devices.mps.probe import detect_mps_readers

    return detect_mps_readers(extra_ports)


def _list_pcsc_reader_names() -> list[str]:
    from devices.registry import import_pcsc

    names: list[str] = list(import_pcsc().list_pcsc_readers())
    return names


def _read_once(setting: ReaderSetting) -> CardData:
    from desktop.ui.app import reader_configs_from_settings
    from devices.registry import read_card_once

    return read_card_once(reader_configs_from_settings([setting])[0], TEST_READ_TIMEOUT_S)


class SettingsPage(QWidget):
    """Readers (driver, port or library, name), auto-detection, 读卡测试, poll interval, 保存.

    Device work (probing, listing PC/SC readers, the test read) goes to the device runner, never
    the GUI thread; 保存 writes the TOML file and emits `sig_settings_saved` so the readers
    restart with the new settings.
    """

    sig_settings_saved = Signal(object)
    """The settings were written; the argument is the desktop.config.Config read back."""

    sig_detection_finished = Signal(int)
    """Auto-detection or the PC/SC listing is shown; the argument is how many readers it found."""

    sig_test_read_finished = Signal(bool)
    """读卡测试 ended; the argument is True when a card (or a 3.0 社保卡's number) was read."""

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self._run_device_work: DeviceRunner = _background_runner
        self._busy_buttons: list[QPushButton] = []

        title = QLabel(self.tr("读卡器设置"), self)
        font = title.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 2)
        title.setFont(font)
        self._path_label = QLabel(self)
        self._path_label.setObjectName("configPath")
        self._path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._path_label.setWordWrap(True)
        self._demo_label = QLabel(self)
        self._demo_label.setObjectName("demoReadersNote")
        self._demo_label.setWordWrap(True)
        self._demo_label.setStyleSheet(_HINT_STYLE)

        columns = QHBoxLayout()
        columns.addLayout(self._build_reader_column(), 3)
        columns.addWidget(self._build_test_group(), 2)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self._path_label)
        layout.addWidget(self._demo_label)
        layout.addLayout(columns, 1)
        layout.addLayout(self._build_save_row())
        self._show_config(config)

    # -- construction ---------------------------------------------------------------------

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        # Not connected directly: clicked(bool) would arrive as the slot's first argument.
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build_reader_column(self) -> QVBoxLayout:
        readers_group = QGroupBox(self.tr("读卡器"), self)
        self._table = QTableWidget(0, 4, readers_group)
        self._table.setObjectName("readersTable")
        self._table.setHorizontalHeaderLabels(
            [self.tr("驱动"), self.tr("端口 / 读卡器"), self.tr("厂商库"), self.tr("名称")]
        )
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.verticalHeader().hide()
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(COLUMN_DRIVER, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_PORT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COLUMN_LIBRARY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_NAME, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)  # the port (a device path) gets the room
        self._table.setColumnWidth(COLUMN_NAME, 140)
        self._table.setToolTip(
            self.tr(
                "端口：串口身份证阅读器填串口（如 /dev/ttyUSB0、COM3）；厂商库填端口号"
                "（USB 1001–1016，留空自动查找）；社保卡读卡器填 PC/SC 读卡器名称（留空用第一台）。"
            )
        )

        self._add_button = self._button(self.tr("添加"), "addReader", self.add_reader)
        self._remove_button = self._button(
            self.tr("删除"), "removeReader", self.remove_selected_reader
        )
        self._detect_button = self._button(
            self.tr("自动检测身份证阅读器"), "detectSerialReaders", self.detect_serial_readers
        )
        self._detect_button.setToolTip(
            self.tr("向各串口发送 SAM 状态查询，找出身份证阅读器（不读卡）")
        )
        self._pcsc_button = self._button(
            self.tr("列出社保卡读卡器"), "listPcscReaders", self.list_pcsc_readers
        )
        buttons = QHBoxLayout()
        for button in (self._add_button, self._remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self._detect_button)
        buttons.addWidget(self._pcsc_button)

        self._found_list = QListWidget(readers_group)
        self._found_list.setObjectName("detectedReaders")
        self._found_list.setMaximumHeight(110)
        self._found_list.itemDoubleClicked.connect(self._on_found_item_double_clicked)
        self._add_found_button = self._button(
            self.tr("添加所选"), "addDetectedReader", self.add_selected_found_reader
        )
        found_row = QHBoxLayout()
        found_label = QLabel(self.tr("检测结果："), readers_group)
        found_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        found_row.addWidget(found_label)
        found_row.addWidget(self._found_list, 1)
        found_row.addWidget(self._add_found_button, 0, Qt.AlignmentFlag.AlignTop)

        group_layout = QVBoxLayout(readers_group)
        group_layout.addWidget(self._table, 1)
        group_layout.addLayout(buttons)
        group_layout.addLayout(found_row)

        self._poll_spin = QSpinBox(self)
        self._poll_spin.setObjectName("pollInterval")
        self._poll_spin.setRange(*POLL_INTERVAL_RANGE_MS)
        self._poll_spin.setSingleStep(50)
        self._poll_spin.setSuffix(self.tr(" 毫秒"))
        self._poll_spin.setToolTip(self.tr("多久查看一次阅读器上是否有卡；越短读卡越快"))
        poll_row = QHBoxLayout()
        poll_label = QLabel(self.tr("读卡间隔："), self)
        poll_label.setBuddy(self._poll_spin)
        poll_row.addWidget(poll_label)
        poll_row.addWidget(self._poll_spin)
        poll_row.addStretch(1)

        column = QVBoxLayout()
        column.addWidget(readers_group, 1)
        column.addLayout(poll_row)
        return column

    def _build_test_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("读卡测试"), self)
        hint = QLabel(
            self.tr("选中一台阅读器，点“读卡测试”后{seconds}秒内放上卡片。").format(
                seconds=f"{TEST_READ_TIMEOUT_S:g}"
            ),
            group,
        )
        hint.setWordWrap(True)
        self._test_button = self._button(self.tr("读卡测试"), "testRead", self.test_read_selected)
        self._test_output = QPlainTextEdit(group)
        self._test_output.setObjectName("testReadOutput")
        self._test_output.setReadOnly(True)
        self._test_output.setPlaceholderText(self.tr("读到的内容显示在这里"))
        layout = QVBoxLayout(group)
        layout.addWidget(hint)
        layout.addWidget(self._test_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self._test_output, 1)
        return group

    def _build_save_row(self) -> QHBoxLayout:
        self._message_label = QLabel(self)
        self._message_label.setObjectName("settingsMessage")
        self._message_label.setWordWrap(True)
        self._save_button = self._button(self.tr("保存"), "saveSettings", self.save)
        self._save_button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(self._message_label, 1)
        row.addWidget(self._save_button, 0, Qt.AlignmentFlag.AlignBottom)
        return row

    # -- public API -----------------------------------------------------------------------

    def set_device_runner(self, runner: DeviceRunner) -> None:
        """Where device work runs (default: the background pool)."""
        self._run_device_work = runner

    def config_file_path(self) -> Path:
        """The TOML file 保存 writes: the file read at start, else $DENGJI_CONFIG or the
        platform's config folder."""
        return self._config.source or config_path()

    def reader_settings(self) -> list[ReaderSetting]:
        """The readers as the table shows them now (saved or not)."""
        return [self._row_setting(row) for row in range(self._table.rowCount())]

    def poll_interval_ms(self) -> int:
        return int(self._poll_spin.value())

    def set_poll_interval_ms(self, value: int) -> None:
        self._poll_spin.setValue(value)

    def message(self) -> str:
        """What the page says under the table (validation problems, saved, …)."""
        return str(self._message_label.text())

    def test_output(self) -> str:
        """The text of the 读卡测试 box."""
        return str(self._test_output.toPlainText())

    def found_readers(self) -> list[ReaderSetting]:
        """The readers auto-detection or the PC/SC listing offers for adding."""
        found = []
        for index in range(self._found_list.count()):
            setting = self._found_list.item(index).data(Qt.ItemDataRole.UserRole)
            if isinstance(setting, ReaderSetting):
                found.append(setting)
        return found

    def add_reader(self, setting: ReaderSetting | None = None) -> int:
        """Append a reader row (a serial ID-card reader when none given); returns its row."""
        setting = setting or ReaderSetting("mps")
        row = self._table.rowCount()
        self._table.insertRow(row)
        driver_box = QComboBox(self._table)
        for driver in READER_DRIVERS:
            driver_box.addItem(self._driver_title(driver), driver)
        index = driver_box.findData(setting.driver)
        if index < 0:  # an unknown driver from a hand-edited file stays visible, to be fixed
            driver_box.addItem(setting.driver, setting.driver)
            index = driver_box.count() - 1
        driver_box.setCurrentIndex(index)
        self._table.setCellWidget(row, COLUMN_DRIVER, driver_box)
        for column, value in (
            (COLUMN_PORT, setting.port),
            (COLUMN_LIBRARY, setting.library),
            (COLUMN_NAME, setting.name),
        ):
            self._table.setItem(row, column, QTableWidgetItem(value))
        # timeout_s has no column: kept as the file had it.
        port_item = self._table.item(row, COLUMN_PORT)
        assert port_item is not None
        port_item.setData(Qt.ItemDataRole.UserRole, setting.timeout_s)
        self._table.selectRow(row)
        return row

    @Slot()
    def remove_selected_reader(self) -> None:
        row = self._selected_row()
        if row is None:
            self._say(self.tr("请先选中要删除的阅读器"), error=True)
            return
        self._table.removeRow(row)
        self._say("")

    def select_reader(self, row: int) -> None:
        self._table.selectRow(row)

    @Slot()
    def detect_serial_readers(self) -> None:
        """Probe the serial ports (and those in the table) for an MPS SAM, off the GUI thread."""
        extra_ports = [s.port.strip() for s in self.reader_settings() if s.driver == "mps"]
        self._start_device_work(
            self._detect_button,
            self.tr("正在检测串口……"),
            partial(_probe_serial_ports, [port for port in extra_ports if port]),
            self._on_probe_done,
            self._on_detection_failed,
        )

    @Slot()
    def list_pcsc_readers(self) -> None:
        """List the PC/SC readers (社保卡) off the GUI thread."""
        self._start_device_work(
            self._pcsc_button,
            self.tr("正在查找社保卡读卡器……"),
            _list_pcsc_reader_names,
            self._on_pcsc_listed,
            self._on_detection_failed,
        )

    @Slot()
    def add_selected_found_reader(self) -> None:
        item = self._found_list.currentItem()
        setting = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(setting, ReaderSetting):
            self._say(self.tr("请先在检测结果中选中一台阅读器"), error=True)
            return
        self._add_unless_present(setting)

    @Slot()
    def test_read_selected(self) -> None:
        """Read once with the selected reader (saved or not) and show what it read."""
        row = self._selected_row()
        if row is None:
            self._say(self.tr("请先选中要测试的阅读器"), error=True)
            return
        setting = self._row_setting(row)
        problems = reader_setting_problems([setting])
        if problems:
            self._say("\n".join(problems), error=True)
            return
        label = setting.name or setting.port or self._driver_title(setting.driver)
        self._test_output.setPlainText(
            self.tr("正在读卡：请在{seconds}秒内把卡片放在「{reader}」上……").format(
                seconds=f"{TEST_READ_TIMEOUT_S:g}", reader=label
            )
        )
        self._start_device_work(
            self._test_button,
            "",
            partial(_read_once, setting),
            self._on_test_read_done,
            self._on_test_read_failed,
        )

    @Slot()
    def save(self) -> bool:
        """Validate and write the settings; True when written (then `sig_settings_saved`).

        Only a 管理员 may change them (issue 8); the counter is covered by the sign-in screen
        until someone signs in, so a page with nobody signed in exists only in tests."""
        from desktop.domain.roles import Permission, has_permission
        from desktop.ui.clerk_session import clerk_session

        clerk = clerk_session().clerk
        if clerk is not None and not has_permission(clerk.roles, Permission.MANAGE_SETTINGS):
            self._say(self.tr("未保存：只有管理员可以修改读卡器设置"), error=True)
            return False
        readers = self.reader_settings()
        problems = reader_setting_problems(readers, self.poll_interval_ms())
        if problems:
            self._say(self.tr("未保存：") + "\n".join(problems), error=True)
            return False
        try:
            saved = save_reader_settings(
                self._config, readers, self.poll_interval_ms(), self.config_file_path()
            )
        except ConfigError as error:
            self._say(self.tr("未保存：{reason}").format(reason=error.message), error=True)
            return False
        self._show_config(saved)
        self._say(self.tr("已保存，读卡器按新设置重新连接"), error=False)
        self.sig_settings_saved.emit(saved)
        return True

    # -- helpers --------------------------------------------------------------------------

    def _driver_title(self, driver: str) -> str:
        titles = {
            "mps": self.tr("身份证阅读器（串口）"),
            "sdtapi": self.tr("身份证阅读器（sdtapi 厂商库）"),
            "termb": self.tr("身份证阅读器（termb 厂商库）"),
            "pcsc": self.tr("社保卡读卡器（PC/SC）"),
        }
        return titles.get(driver, driver)

    def _show_config(self, config: Config) -> None:
        self._config = config
        path = self.config_file_path()
        state = self.tr("已存在") if path.exists() else self.tr("尚未创建，保存时新建")
        self._path_label.setText(
            self.tr("配置文件：{path}（{state}）").format(path=path, state=state)
        )
        self._demo_label.setText(
            self.tr("演示模式：未配置阅读器时使用模拟读卡器，可在“演示”菜单中放置演示卡片。")
            if config.demo
            else ""
        )
        self._demo_label.setVisible(config.demo)
        self._table.setRowCount(0)
        for setting in config.readers:
            self.add_reader(setting)
        self._poll_spin.setValue(config.reader_poll_interval_ms)

    def _selected_row(self) -> int | None:
        rows = self._table.selectionModel().selectedRows()
        if rows:
            return int(rows[0].row())
        current = self._table.currentRow()
        return current if current >= 0 else None

    def _row_setting(self, row: int) -> ReaderSetting:
        driver_box = self._table.cellWidget(row, COLUMN_DRIVER)
        driver = str(driver_box.currentData()) if isinstance(driver_box, QComboBox) else ""

        def text(column: int) -> str:
            item = self._table.item(row, column)
            return item.text().strip() if item is not None else ""

        port_item = self._table.item(row, COLUMN_PORT)
        timeout = port_item.data(Qt.ItemDataRole.UserRole) if port_item is not None else None
        setting = ReaderSetting(driver, text(COLUMN_PORT), text(COLUMN_LIBRARY), text(COLUMN_NAME))
        if isinstance(timeout, int | float) and not isinstance(timeout, bool):
            setting = ReaderSetting(
                setting.driver, setting.port, setting.library, setting.name, float(timeout)
            )
        return setting

    def _add_unless_present(self, setting: ReaderSetting) -> None:
        for row, existing in enumerate(self.reader_settings()):
            if (existing.driver, existing.port) == (setting.driver, setting.port):
                self._table.selectRow(row)
                self._say(self.tr("该阅读器已在列表中（第{row}行）").format(row=row + 1))
                return
        self.add_reader(setting)
        self._say(self.tr("已添加，保存后生效"), error=False)

    def _say(self, text: str, *, error: bool = False) -> None:
        self._message_label.setText(text)
        self._message_label.setStyleSheet(_ERROR_STYLE if error else _OK_STYLE)

    def _start_device_work(
        self,
        button: QPushButton,
        progress: str,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        button.setEnabled(False)
        self._busy_buttons.append(button)
        if progress:
            self._found_list.clear()
            self._found_list.addItem(progress)
        self._run_device_work(fn).on_success(partial(self._finish, button, on_success)).on_error(
            partial(self._finish, button, on_error)
        )

    def _finish(self, button: QPushButton, then: Callable[[Any], None], outcome: Any) -> None:
        button.setEnabled(True)
        if button in self._busy_buttons:
            self._busy_buttons.remove(button)
        then(outcome)

    def _on_probe_done(self, results: list[ProbeResult]) -> None:
        self._found_list.clear()
        found = 0
        for result in results:
            mark = "✔" if result.is_mps_reader else "✘"
            item = QListWidgetItem(f"{mark} {result.port}：{result.description}")
            if result.is_mps_reader:
                found += 1
                item.setData(Qt.ItemDataRole.UserRole, ReaderSetting("mps", result.port))
            else:
                item.setForeground(self.palette().placeholderText())
            self._found_list.addItem(item)
        if not results:
            self._found_list.addItem(self.tr("没有可检测的串口"))
        self._say(
            self.tr("找到 {count} 台身份证阅读器").format(count=found)
            if found
            else self.tr("未找到串口身份证阅读器：请检查连接，或使用厂商库驱动"),
            error=not found,
        )
        self._select_first_found()
        self.sig_detection_finished.emit(found)

    def _on_pcsc_listed(self, names: list[str]) -> None:
        self._found_list.clear()
        for name in names:
            item = QListWidgetItem(self.tr("社保卡读卡器：{name}").format(name=name))
            item.setData(Qt.ItemDataRole.UserRole, ReaderSetting("pcsc", name))
            self._found_list.addItem(item)
        if not names:
            self._found_list.addItem(self.tr("智能卡服务中没有读卡器"))
        self._say(self.tr("找到 {count} 台社保卡读卡器").format(count=len(names)), error=False)
        self._select_first_found()
        self.sig_detection_finished.emit(len(names))

    def _on_detection_failed(self, error: BaseException) -> None:
        self._found_list.clear()
        self._found_list.addItem(_error_text(error))
        self._say(self.tr("检测失败：{reason}").format(reason=_error_text(error)), error=True)
        self.sig_detection_finished.emit(0)

    def _select_first_found(self) -> None:
        for index in range(self._found_list.count()):
            if isinstance(
                self._found_list.item(index).data(Qt.ItemDataRole.UserRole), ReaderSetting
            ):
                self._found_list.setCurrentRow(index)
                return

    @Slot(QListWidgetItem)
    def _on_found_item_double_clicked(self, item: QListWidgetItem) -> None:
        setting = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(setting, ReaderSetting):
            self._add_unless_present(setting)

    def _on_test_read_done(self, card: CardData) -> None:
        from devices.cli import card_lines

        lines = [self.tr("读卡成功：")] + [f"{label}：{value}" for label, value in card_lines(card)]
        self._test_output.setPlainText("\n".join(lines))
        self.sig_test_read_finished.emit(True)

    def _on_test_read_failed(self, error: BaseException) -> None:
        from devices.cli import partial_card_lines
        from devices.pcsc.errors import PartialCardError

        if isinstance(error, PartialCardError):
            lines = [self.tr("读卡不完整：{reason}").format(reason=error.message)]
            lines += [f"{label}：{value}" for label, value in partial_card_lines(error)]
            self._test_output.setPlainText("\n".join(lines))
            self.sig_test_read_finished.emit(True)
            return
        self._test_output.setPlainText(
            self.tr("读卡失败：{reason}").format(reason=_error_text(error))
        )
        self.sig_test_read_finished.emit(False)
