"""Demo mode's card readers and the 演示 menu that lays demo cards on them.

The readers are devices.emulators.demo_rig's emulators: an MPS ID-card reader on a pty (on a
loopback socket where there is none, i.e. Windows: demo_rig chooses) and, when a pcscd serves
vsmartcard's virtual reader, a 社保卡 behind vpcd. The ReaderMonitor reads them
with the production drivers, so a newcomer sees the whole path: place a card → the monitor reads
it over the real protocol → the 查询 page shows the person.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop.domain.errors import DomainError
from desktop.ui.background import run_in_background
from devices.emulators.demo_rig import (
    DEMO_ID_CARD_LABELS,
    DEMO_SS_CARD_LABELS,
    DemoRig,
    demo_id_card_data,
    demo_ss_card_title,
)
from devices.registry import ReaderConfig


def demo_id_card_title(label: str) -> str:
    """The menu title of a demo ID card: document kind (with its variant) and holder."""
    card = demo_id_card_data(label)
    variants = {
        "resident_long_term": QCoreApplication.translate("DemoDevices", "（长期有效）"),
        "foreign_i": QCoreApplication.translate("DemoDevices", "（2017年版）"),
        "foreign_y": QCoreApplication.translate("DemoDevices", "（2023年版）"),
    }
    return f"{card.kind.value}{variants.get(label, '')} {card.name}"


class DemoDevices(QObject):
    """Starts the demo rig off the GUI thread and offers the clerk's hands as menu actions."""

    sig_demo_ready = Signal(object)
    """The emulated readers run; the argument is this DemoDevices."""

    sig_demo_failed = Signal(str)
    """The emulated readers could not start; the argument says why, in Chinese."""

    def __init__(self, parent: QObject | None = None, *, rig: DemoRig | None = None) -> None:
        super().__init__(parent)
        self._rig = rig or DemoRig()
        self.ready = False
        self._menu: QMenu | None = None
        self._id_card_actions: list[QAction] = []
        self._ss_card_actions: list[QAction] = []
        self._remove_ss_action: QAction | None = None
        self._plugged_action: QAction | None = None

    @property
    def rig(self) -> DemoRig:
        return self._rig

    @property
    def ss_unavailable_reason(self) -> str:
        """Why the demo 社保卡 cannot be used ("" when it can)."""
        return "" if self._rig.ss_available else self._rig.ss_unavailable_reason

    def reader_configs(self) -> list[ReaderConfig]:
        """Where the demo readers are, for the ReaderMonitor."""
        return self._rig.reader_configs()

    def start(self) -> None:
        """Open the emulated reader's line and look for pcscd's virtual reader, on the
        background pool."""
        run_in_background(self._rig.start).on_success(self._on_rig_started).on_error(
            self._on_rig_failed
        )

    def stop(self) -> None:
        """Stop the emulators (joins their threads: at exit)."""
        self.ready = False
        self._remove_menu()
        self._rig.stop()

    def stop_in_background(self) -> None:
        """Stop the emulators without blocking the GUI thread (real readers replace them)."""
        self.ready = False
        self._remove_menu()
        run_in_background(self._rig.stop)

    def _on_rig_started(self, _rig: DemoRig) -> None:
        self.ready = True
        self.sig_demo_ready.emit(self)

    def _on_rig_failed(self, error: BaseException) -> None:
        self.sig_demo_failed.emit(getattr(error, "message", None) or str(error))

    # -- the clerk's hands ----------------------------------------------------------------

    def place_id_card(self, label: str) -> None:
        """Lay demo ID card `label` on the demo reader (replacing the card there)."""
        self._rig.place_id_card(label)
        for action in self._id_card_actions:
            action.setChecked(action.data() == label)

    def remove_id_card(self) -> None:
        self._rig.remove_id_card()
        for action in self._id_card_actions:
            action.setChecked(False)

    def insert_ss_card(self, label: str) -> None:
        """Insert demo 社保卡 `label` ("gen2", "gen3"); take it out first to change cards."""
        self._rig.insert_ss_card(label)
        self._update_ss_actions(inserted=True)

    def remove_ss_card(self) -> None:
        self._rig.remove_ss_card()
        self._update_ss_actions(inserted=False)

    def set_id_reader_plugged(self, plugged: bool) -> None:
        """Unplug (close its pty or socket) or plug back the demo ID-card reader."""
        if plugged and not self._rig.id_reader_plugged:
            try:
                self._rig.plug_id_reader()
            except DomainError as error:  # e.g. another program took the demo socket's port
                self.sig_demo_failed.emit(error.message)
                plugged = False
        elif not plugged and self._rig.id_reader_plugged:
            # Joins the emulator's serving thread (a reply may be on the wire): off the GUI.
            run_in_background(self._rig.unplug_id_reader)
        if self._plugged_action is not None:
            self._plugged_action.setChecked(plugged)

    # -- the 演示 menu --------------------------------------------------------------------

    def menu(self) -> QMenu | None:
        """The 演示 menu once installed."""
        return self._menu

    def install_menu(self, window: QMainWindow, read_action: QAction | None = None) -> QMenu:
        """Add the 演示 menu to `window`'s menu bar (once)."""
        if self._menu is not None:
            return self._menu
        menu = window.menuBar().addMenu(self.tr("演示(&D)"))
        menu.setObjectName("demoMenu")
        menu.setToolTipsVisible(True)
        place = menu.addMenu(self.tr("放置演示卡片"))
        place.setObjectName("demoPlaceCardMenu")
        group = QActionGroup(menu)  # the card on the reader is checked; none after 取走卡片
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for label in DEMO_ID_CARD_LABELS:
            action = place.addAction(demo_id_card_title(label))
            action.setObjectName(f"demoCard_{label}")
            action.setData(label)
            action.setCheckable(True)
            action.setActionGroup(group)
            action.triggered.connect(self._on_place_card_triggered)
            self._id_card_actions.append(action)
        remove = menu.addAction(self.tr("取走卡片"))
        remove.setObjectName("demoRemoveCard")
        remove.triggered.connect(self._on_remove_card_triggered)
        menu.addSeparator()
        insert = menu.addMenu(self.tr("插入演示社保卡"))
        insert.setObjectName("demoInsertSsCardMenu")
        for label in DEMO_SS_CARD_LABELS:
            action = insert.addAction(demo_ss_card_title(label))
            action.setObjectName(f"demoSsCard_{label}")
            action.setData(label)
            action.triggered.connect(self._on_insert_ss_card_triggered)
            self._ss_card_actions.append(action)
        self._remove_ss_action = menu.addAction(self.tr("取出社保卡"))
        self._remove_ss_action.setObjectName("demoRemoveSsCard")
        self._remove_ss_action.triggered.connect(self.remove_ss_card)
        if self.ss_unavailable_reason:
            reason = self.tr("社保卡演示不可用：{reason}").format(reason=self.ss_unavailable_reason)
            insert.setEnabled(False)
            insert.setToolTip(reason)
            insert.menuAction().setToolTip(reason)
        menu.addSeparator()
        self._plugged_action = menu.addAction(self.tr("演示身份证阅读器已接入"))
        self._plugged_action.setObjectName("demoReaderPlugged")
        self._plugged_action.setCheckable(True)
        self._plugged_action.setChecked(self._rig.id_reader_plugged)
        self._plugged_action.toggled.connect(self.set_id_reader_plugged)
        if read_action is not None:
            menu.addSeparator()
            menu.addAction(read_action)
        self._menu = menu
        self._update_ss_actions(inserted=False)
        return menu

    def _remove_menu(self) -> None:
        menu, self._menu = self._menu, None
        if menu is not None:
            menu.menuAction().setVisible(False)
            menu.deleteLater()
        self._id_card_actions.clear()
        self._ss_card_actions.clear()
        self._remove_ss_action = self._plugged_action = None

    def _update_ss_actions(self, *, inserted: bool) -> None:
        # vpcd notices a removal only at its next presence poll: changing cards in one step
        # could go unseen, so a card is taken out before another goes in.
        available = self._rig.ss_available
        for action in self._ss_card_actions:
            action.setEnabled(available and not inserted)
        if self._remove_ss_action is not None:
            self._remove_ss_action.setEnabled(available and inserted)

    @Slot()
    def _on_place_card_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.place_id_card(str(action.data()))

    @Slot()
    def _on_remove_card_triggered(self) -> None:
        self.remove_id_card()

    @Slot()
    def _on_insert_ss_card_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.insert_ss_card(str(action.data()))
