"""The main window's status bar: clerk, counter, card readers and sync, always visible."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFrame, QLabel, QStatusBar, QWidget

from desktop.ui.clerk_session import clerk_label, clerk_session
from devices.errors import PHOTO_DECODER_MISSING

if TYPE_CHECKING:
    from desktop.services.accounts import SignedInClerk
    from desktop.ui.clerk_session import ClerkSession

_DEMO_STYLE = (
    "QLabel { background: #f9a825; color: #000; border-radius: 3px; padding: 0 6px;"
    " font-weight: bold; }"
)
_WARNING_STYLE = "QLabel { color: #c62828; }"
NOTICE_TIMEOUT_MS = 30_000  # long enough to be read once, then the bar is free again


class DengjiStatusBar(QStatusBar):
    """Permanent sections 经办人, 窗口, 读卡器 and 同步; transient messages use showMessage().

    The reader section speaks per reader family ("身份证阅读器：已连接", "身份证阅读器未连接"),
    then what happens on a reader: a card read, a read that failed (…请重新放置卡片), a
    3.0 社保卡 waiting for its 身份证; when the card leaves it shows the connection state again.

    The 经办人 section follows the ClerkSession (the program's one unless `session` is given)
    from the start: a clerk who signed in before the bar was made is shown at once.
    """

    def __init__(
        self,
        counter_name: str,
        *,
        demo: bool,
        parent: QWidget | None = None,
        session: ClerkSession | None = None,
    ) -> None:
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
        self._monitor: QObject | None = None
        self._notices_shown: set[str] = set()
        self._sync_state = self.tr("离线（未配置中心数据库）")
        self._events_waiting: int | None = None

        # The bar used to learn the clerk only from IdleLock's sig_clerk_changed handler, so a
        # sign-in made before the window existed (or without an IdleLock) left "未登录".
        followed = session or clerk_session()
        followed.sig_clerk_changed.connect(self._on_clerk_changed)
        self._on_clerk_changed(followed.clerk)
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

    @Slot(object)
    def _on_clerk_changed(self, clerk: SignedInClerk | None) -> None:
        self.set_clerk(clerk_label(clerk))

    def show_reader_not_configured(self) -> None:
        """No card reader is configured (or no reader monitor is available)."""
        self._readers = []
        self._set_reader_text(self.tr("读卡器：未配置"), warning=False)

    def show_reader_problems(self, problems: list[str]) -> None:
        """Readers are configured but none can work here; the reasons go in the tooltip."""
        self._readers = []
        self._set_reader_text(self.tr("读卡器：不可用"), warning=True, tooltip="\n".join(problems))

    def show_reader_message(self, text: str, *, warning: bool = False) -> None:
        """Put `text` in the reader section until the readers report (e.g. starting up)."""
        self._set_reader_text(text, warning=warning)

    def attach_reader_monitor(self, monitor: QObject) -> None:
        """Follow a `devices.monitor.ReaderMonitor`: readers found, errors, cards read."""
        self.detach_reader_monitor()
        self._monitor = monitor
        for signal_name, slot in self._monitor_connections():
            getattr(monitor, signal_name).connect(slot)
        self._readers = []
        self._set_reader_text(self.tr("读卡器：正在连接……"), warning=False)

    def detach_reader_monitor(self) -> None:
        """Stop following the monitor attached last (it is being replaced or stopped)."""
        monitor, self._monitor = self._monitor, None
        if monitor is None or not shiboken6.isValid(monitor):
            return
        for signal_name, slot in self._monitor_connections():
            # Already disconnected when the monitor was deleted; nothing else can fail here.
            with contextlib.suppress(RuntimeError):
                getattr(monitor, signal_name).disconnect(slot)

    def _monitor_connections(self) -> list[tuple[str, Callable[..., None]]]:
        return [
            ("sig_readers_changed", self._on_readers_changed),
            ("sig_reader_error", self._on_reader_error),
            ("sig_card_read", self._on_card_read),
            ("sig_card_removed", self._on_card_removed),
            ("sig_card_partial", self._on_card_partial),
        ]

    def show_notice_once(self, key: str, message: str) -> bool:
        """Show `message` on the left of the status bar unless notice `key` was shown already
        (the missing photo decoder, an unavailable demo device). True when shown now."""
        if key in self._notices_shown:
            return False
        self._notices_shown.add(key)
        self.showMessage(message, NOTICE_TIMEOUT_MS)
        return True

    def reader_state_text(self) -> str:
        """The connection state of the readers alone, as shown when no card is being read."""
        return self._connection_text()[0]

    def set_sync_state(self, state: str) -> None:
        """The connection to the central database, e.g. "离线（未配置中心数据库）"."""
        self._sync_state = state
        self._render_sync()

    def set_events_waiting(self, count: int | None) -> None:
        """How many journal events wait to be pushed; None while unknown."""
        self._events_waiting = count
        self._render_sync()

    # -- reader monitor slots -------------------------------------------------------------

    def _connection_text(self) -> tuple[str, bool, str]:
        """(text, warning, tooltip) of the readers' connection state, one part per family:
        "身份证阅读器：已连接", "身份证阅读器未连接", "社保卡读卡器：1/2 台已连接"."""
        readers = self._readers
        if not readers:
            return self.tr("读卡器：未配置"), False, ""
        families: dict[str, list[Any]] = {}
        for reader in readers:
            families.setdefault(getattr(reader, "family", "") or self.tr("读卡器"), []).append(
                reader
            )
        parts = []
        warning = False
        for family, members in families.items():
            connected = sum(1 for reader in members if getattr(reader, "connected", False))
            if connected == len(members):
                parts.append(self.tr("{family}：已连接").format(family=family))
            elif connected == 0:
                parts.append(self.tr("{family}未连接").format(family=family))
                warning = True
            else:
                parts.append(
                    self.tr("{family}：{connected}/{total} 台已连接").format(
                        family=family, connected=connected, total=len(members)
                    )
                )
                warning = True
        tooltip = "\n".join(
            f"{getattr(reader, 'name', reader)}："
            + (
                self.tr("已连接")
                if getattr(reader, "connected", False)
                else getattr(reader, "message", "")
            )
            for reader in readers
        )
        return "　".join(parts), warning, tooltip

    def _render_connection_state(self) -> None:
        text, warning, tooltip = self._connection_text()
        self._set_reader_text(text, warning=warning, tooltip=tooltip)

    @Slot(list)
    def _on_readers_changed(self, readers: list[Any]) -> None:
        """`readers` is a list of devices.monitor.ReaderStatus (name, connected, message)."""
        self._readers = list(readers)
        self._render_connection_state()

    @Slot(str)
    def _on_reader_error(self, message: str) -> None:
        if message.startswith(PHOTO_DECODER_MISSING):
            # Said once per run; the read itself succeeded, so the reader section stays.
            self.show_notice_once("photo-decoder", message)
            return
        # Read failures (…请重新放置卡片) and lost readers: the message itself, in red.
        self._set_reader_text(message, warning=True, tooltip=message)

    @Slot(object)
    def _on_card_read(self, card: Any) -> None:
        kind = getattr(getattr(card, "kind", None), "value", "")
        self._set_reader_text(
            self.tr("已读卡：{name}（{kind}）").format(name=getattr(card, "name", ""), kind=kind),
            warning=False,
        )

    @Slot(object)
    def _on_card_partial(self, partial: Any) -> None:
        issuer = getattr(partial, "issuer", None)
        number = getattr(issuer, "card_number", "")
        self._set_reader_text(
            self.tr("已读社保卡 {number}，请放置身份证读取其余信息").format(number=number),
            warning=False,
            tooltip=getattr(partial, "message", ""),
        )

    @Slot()
    def _on_card_removed(self) -> None:
        self._render_connection_state()

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
