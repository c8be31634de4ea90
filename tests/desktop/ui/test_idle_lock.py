"""The sign-in at start-up and the idle lock: the window is covered until someone signs in, locks
after the idle time, and the next clerk takes over with everything still open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QWidget

from desktop.config import Config
from desktop.domain.roles import Role
from desktop.services import accounts
from desktop.store.db import Store
from desktop.ui.clerk_session import ClerkSession, clerk_label, clerk_session
from desktop.ui.idle_lock import CounterLock
from desktop.ui.main_window import MainWindow
from tests.desktop.services.staff import ADMIN
from tests.desktop.services.staff import fast_password_hashing as fast_password_hashing

WAIT_MS = 10_000
PASSWORD = "Lanzhou#2025"
CONFIG = Config(counter_id="620102-01", counter_name="城关区 1号窗口", demo=False)


@pytest.fixture
def staffed_store(empty_store: Store) -> Store:
    with empty_store.session() as session:
        for username, name, role in (
            ("zhangli", "张丽", Role.CLERK),
            ("wanghaiyan", "王海燕", Role.REVIEWER),
            ("liujianhua", "刘建华", Role.ADMIN),
        ):
            accounts.create_account(
                session,
                ADMIN,
                empty_store.clock,
                username=username,
                display_name=name,
                password=PASSWORD,
                roles=[role],
                must_change_password=False,
            )
    return empty_store


@pytest.fixture
def session() -> Iterator[ClerkSession]:
    yield clerk_session()
    clerk_session().set_clerk(None)


def make_window(qtbot, store: Store, session: ClerkSession, idle_ms: int) -> CounterLock:
    window = MainWindow(CONFIG, store)
    qtbot.addWidget(window)
    lock = CounterLock(window, CONFIG, session=session, idle_ms=idle_ms)
    window.show()
    qtbot.waitExposed(window)
    lock.start(store)
    qtbot.waitUntil(lambda: lock.login_dialog() is not None, timeout=WAIT_MS)
    return lock


def sign_in(qtbot, lock: CounterLock, username: str) -> None:
    dialog = lock.login_dialog()
    assert dialog is not None
    dialog.set_credentials(username, PASSWORD)
    with qtbot.waitSignal(lock.sig_unlocked, timeout=WAIT_MS):
        dialog.sign_in()


def clerk_section(lock: CounterLock) -> str:
    window = lock.parent()
    assert isinstance(window, MainWindow)
    return window.status_bar().section_texts()["clerk"]


def test_the_window_is_covered_until_someone_signs_in(
    qtbot, staffed_store: Store, session: ClerkSession
) -> None:
    lock = make_window(qtbot, staffed_store, session, idle_ms=600_000)
    assert lock.is_locked() and lock.cover().isVisible()
    assert clerk_section(lock) == "经办人：未登录"
    sign_in(qtbot, lock, "zhangli")
    assert not lock.is_locked() and not lock.cover().isVisible()
    assert clerk_section(lock) == "经办人：张丽（窗口经办）"
    assert session.actor(CONFIG.counter_id).roles == {Role.CLERK}  # type: ignore[union-attr]


def test_idle_time_locks_and_the_next_clerk_takes_over_with_work_kept(
    qtbot, staffed_store: Store, session: ClerkSession
) -> None:
    lock = make_window(qtbot, staffed_store, session, idle_ms=300)
    sign_in(qtbot, lock, "zhangli")
    window = lock.parent()
    assert isinstance(window, MainWindow)
    field = window.search_page().search_field()
    field.setText("马建")  # work in progress on the page …
    in_progress = QDialog(window)  # … and in a window of its own
    in_progress.setWindowTitle("打印预览")
    in_progress.show()
    with qtbot.waitSignal(lock.sig_locked, timeout=WAIT_MS):
        pass  # no input for 300 ms
    assert lock.is_locked() and lock.cover().isVisible()
    assert not in_progress.isVisible()  # hidden from whoever walks by, not closed
    assert clerk_section(lock) == "经办人：未登录"
    assert session.clerk is None
    title = lock.login_dialog().findChild(QLabel, "loginTitle")  # type: ignore[union-attr]
    assert "张丽离开了窗口" in title.text()
    sign_in(qtbot, lock, "wanghaiyan")
    assert in_progress.isVisible()
    assert field.text() == "马建"
    assert clerk_section(lock) == "经办人：王海燕（审核）"
    kinds = []
    with staffed_store.session(write=False) as db:
        from sqlalchemy import select

        from desktop.store.models import Event

        audit = select(Event.kind).where(Event.kind.like("audit.%")).order_by(Event.seq)
        kinds = list(db.scalars(audit))
    assert kinds == ["audit.signed_in", "audit.signed_out", "audit.signed_in"]


def test_input_keeps_the_screen_unlocked(
    qtbot, staffed_store: Store, session: ClerkSession
) -> None:
    lock = make_window(qtbot, staffed_store, session, idle_ms=400)
    sign_in(qtbot, lock, "zhangli")
    window = lock.parent()
    assert isinstance(window, MainWindow)
    field: QWidget = window.search_page().search_field()
    for _ in range(6):  # keep typing for 600 ms, longer than the idle time
        qtbot.keyClick(field, Qt.Key.Key_1)
        qtbot.wait(100)
    assert not lock.is_locked()
    with qtbot.waitSignal(lock.sig_locked, timeout=WAIT_MS):
        pass


def test_ctrl_l_locks_at_once(qtbot, staffed_store: Store, session: ClerkSession) -> None:
    lock = make_window(qtbot, staffed_store, session, idle_ms=600_000)
    sign_in(qtbot, lock, "liujianhua")
    window = lock.parent()
    assert isinstance(window, MainWindow)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)
    focused = QApplication.focusWidget()
    with qtbot.waitSignal(lock.sig_locked, timeout=WAIT_MS):
        qtbot.keyClick(focused, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = lock.login_dialog()
    assert dialog is not None
    password = dialog.findChild(QLineEdit, "passwordField")
    assert password is not None and password.text() == ""


def test_the_audit_page_shows_only_to_an_administrator(
    qtbot, staffed_store: Store, session: ClerkSession
) -> None:
    lock = make_window(qtbot, staffed_store, session, idle_ms=600_000)
    window = lock.parent()
    assert isinstance(window, MainWindow)
    from PySide6.QtWidgets import QListWidget

    navigation = window.findChild(QListWidget, "navigation")
    assert navigation is not None
    audit_row = window.page_keys().index("audit")
    assert navigation.item(audit_row).isHidden()
    sign_in(qtbot, lock, "zhangli")
    assert navigation.item(audit_row).isHidden()
    lock.lock()
    sign_in(qtbot, lock, "liujianhua")
    assert not navigation.item(audit_row).isHidden()


def test_the_conflict_review_shows_only_to_a_reviewer(
    qtbot, staffed_store: Store, session: ClerkSession
) -> None:
    from desktop.domain.roles import Permission, has_permission

    lock = make_window(qtbot, staffed_store, session, idle_ms=600_000)
    window = lock.parent()
    assert isinstance(window, MainWindow)
    from PySide6.QtWidgets import QListWidget

    navigation = window.findChild(QListWidget, "navigation")
    assert navigation is not None
    row = window.page_keys().index("conflicts")
    assert navigation.item(row).isHidden()
    sign_in(qtbot, lock, "zhangli")  # 窗口经办
    assert navigation.item(row).isHidden()
    lock.lock()
    sign_in(qtbot, lock, "wanghaiyan")  # 审核
    assert has_permission({Role.REVIEWER}, Permission.RESOLVE_CONFLICT)
    assert not navigation.item(row).isHidden()


def test_closing_the_start_up_sign_in_ends_the_program(
    qtbot, staffed_store: Store, session: ClerkSession
) -> None:
    lock = make_window(qtbot, staffed_store, session, idle_ms=600_000)
    with qtbot.waitSignal(lock.sig_sign_in_cancelled, timeout=1000):
        lock.login_dialog().reject()  # type: ignore[union-attr]


def test_the_clerk_label() -> None:
    clerk = accounts.SignedInClerk("id", "lina", "李娜", frozenset({Role.DISABILITY_AGENCY}))
    assert clerk_label(clerk) == "李娜（残疾人就业服务机构）"
    assert clerk_label(None) is None
