"""The main window's status bar: clerk, counter, card readers and sync, always visible."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFrame, QLabel, QStatusBar, QWidget

_DEMO_STYLE = (
    "QLabel { background: #f9a825; color: #000; border-radius: 3px; padding: 0 6px;"
    " font-weight: bold; }"
)
_WARNING_STYLE = "QLabel { color: #c62828; }"


class DengjiStatusBar(QStatusBar):
    """Permanent sections 经办人, 窗口, 读卡器 and 同步; transient messages use showMessage()."""

    def __init__(self, counter_name: str, *, demo: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self._clerk_label = self._add_section("clerkStatus")
        self._demo_label = QLabel(self.tr("演示模式"), self)
        self._demo_label.setObjectName("demoModeMarker")
        self._demo_label.setStyleSheet(_DEMO_STYLE)
        self._demo_label.setToolTip(self.tr("演示模式：数据为演示数据，读卡器为模拟设备"))
        self._demo_label.setVisible(demo)
        self.addPermanentWidget(self._demo_label)
        self._counter_label = self._add_section("counterStatus")
        self._reader_label = self._add_section("readerStatus")
        self._sync_label = self._add_section("syncStatus")

        self._readers: list[Any] = []
        self._sync_state = self.tr("离线（未配置中心数据库）")
        self._events_waiting: int | None = None

        self.set_clerk(None)
        self._counter_label.setText(self.tr("窗口：{name}").format(name=counter_name or "—"))
        self._counter_label.setToolTip(counter_name)
        self.show_reader_not_configured()
        self._render_sync()

    def _add_section(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setFrameShape(QFrame.Shape.StyledPanel)
        label.setFrameShadow(QFrame.Shadow.Sunken)
        label.setContentsMargins(4, 0, 4, 0)
        self.addPermanentWidget(label)
        return label

    # -- sections -------------------------------------------------------------------------

    def section_texts(self) -> dict[str, str]:
        """What each permanent section says now (for tests and screen readers)."""
        return {
            "clerk": self._clerk_label.text(),
            "demo": self._demo_label.text() if self._demo_label.isVisibleTo(self) else "",
            "counter": self._counter_label.text(),
            "reader": self._reader_label.text(),
            "sync": self._sync_label.text(),
        }

    def set_clerk(self, clerk_name: str | None) -> None:
        """Show who works at the counter; None until a clerk has signed in."""
        name = clerk_name or self.tr("未登录")
        self._clerk_label.setText(self.tr("经办人：{name}").format(name=name))

    def show_reader_not_configured(self) -> None:
        """No card reader is configured (or no reader monitor is available)."""
        self._set_reader_text(self.tr("读卡器：未配置"), warning=False)

    def show_reader_problems(self, problems: list[str]) -> None:
        """Readers are configured but none can work here; the reasons go in the tooltip."""
        self._set_reader_text(self.tr("读卡器：不可用"), warning=True, tooltip="\n".join(problems))

    def attach_reader_monitor(self, monitor: QObject) -> None:
        """Follow a `devices.monitor.ReaderMonitor`: readers found, errors, cards read."""
        monitor.sig_readers_changed.connect(self._on_readers_changed)  # type: ignore[attr-defined]
        monitor.sig_reader_error.connect(self._on_reader_error)  # type: ignore[attr-defined]
        monitor.sig_card_read.connect(self._on_card_read)  # type: ignore[attr-defined]
        monitor.sig_card_removed.connect(self._on_card_removed)  # type: ignore[attr-defined]
        self._set_reader_text(self.tr("读卡器：正在查找……"), warning=False)

    def set_sync_state(self, state: str) -> None:
        """The connection to the central database, e.g. "离线（未配置中心数据库）"."""
        self._sync_state = state
        self._render_sync()

    def set_events_waiting(self, count: int | None) -> None:
        """How many journal events wait to be pushed; None while unknown."""
        self._events_waiting = count
        self._render_sync()

    # -- reader monitor slots -------------------------------------------------------------

    @Slot(list)
    def _on_readers_changed(self, readers: list[Any]) -> None:
        """`readers` is a list of devices.monitor.ReaderStatus (name, connected, message)."""
        self._readers = list(readers)
        connected = [reader for reader in readers if getattr(reader, "connected", False)]
        tooltip = "\n".join(
            f"{getattr(reader, 'name', reader)}："
            + (
                self.tr("就绪")
                if getattr(reader, "connected", False)
                else getattr(reader, "message", "")
            )
            for reader in readers
        )
        if not readers:
            self._set_reader_text(self.tr("读卡器：未配置"), warning=False)
        elif not connected:
            self._set_reader_text(self.tr("读卡器：未连接"), warning=True, tooltip=tooltip)
        elif len(connected) < len(readers):
            self._set_reader_text(
                self.tr("读卡器：{ready}/{total} 台就绪").format(
                    ready=len(connected), total=len(readers)
                ),
                warning=True,
                tooltip=tooltip,
            )
        else:
            self._set_reader_text(
                self.tr("读卡器：{count} 台就绪").format(count=len(connected)),
                warning=False,
                tooltip=tooltip,
            )

    @Slot(str)
    def _on_reader_error(self, message: str) -> None:
        # The monitor also reports read failures here (请重新放置卡片): show the message itself.
        self._set_reader_text(
            self.tr("读卡器：{message}").format(message=message), warning=True, tooltip=message
        )

    @Slot(object)
    def _on_card_read(self, card: Any) -> None:
        self._set_reader_text(self.tr("读卡器：已读卡"), warning=False)

    @Slot()
    def _on_card_removed(self) -> None:
        self._on_readers_changed(self._readers)

    def _set_reader_text(self, text: str, *, warning: bool, tooltip: str = "") -> None:
        self._reader_label.setText(text)
        self._reader_label.setStyleSheet(_WARNING_STYLE if warning else "")
        self._reader_label.setToolTip(tooltip)

    def _render_sync(self) -> None:
        if self._events_waiting is None:
            text = self.tr("同步：{state}").format(state=self._sync_state)
        else:
            text = self.tr("同步：{state}，待上传 {count} 条").format(
                state=self._sync_state, count=self._events_waiting
            )
        self._sync_label.setText(text)
