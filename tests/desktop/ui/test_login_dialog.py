"""The sign-in dialog: name and password off the GUI thread, Chinese messages, the lockout,
the forced password change, the first administrator, and the demo accounts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableWidget, QWidget

from desktop.config import Config
from desktop.domain.roles import Role
from desktop.services import accounts
from desktop.services.demo import DEMO_ACCOUNTS
from desktop.store.db import Store
from desktop.ui.login_dialog import LoginDialog, SignInSetup, prepare_sign_in
from tests.desktop.services.staff import ADMIN
from tests.desktop.services.staff import fast_password_hashing as fast_password_hashing

WAIT_MS = 10_000
PASSWORD = "Lanzhou#2025"
CONFIG = Config(counter_id="620102-01", demo=False)


def add_account(store: Store, username: str, *, must_change: bool = False) -> None:
    with store.session() as session:
        accounts.create_account(
            session,
            ADMIN,
            store.clock,
            username=username,
            display_name="张丽",
            password=PASSWORD,
            roles=[Role.CLERK],
            must_change_password=must_change,
        )


def child(dialog: LoginDialog, kind: type[QWidget], name: str) -> QWidget:
    found = dialog.findChild(kind, name)
    assert found is not None, name
    return found


def open_dialog(qtbot, store: Store, **options: object) -> LoginDialog:
    dialog = LoginDialog(store, CONFIG, **options)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def attempt(qtbot, dialog: LoginDialog, username: str, password: str) -> None:
    """Type and press 登录; wait until the answer is on screen."""
    dialog.set_credentials(username, password)
    with qtbot.waitSignal(
        dialog.sig_busy_changed, timeout=WAIT_MS, check_params_cb=lambda b: not b
    ):
        dialog.sign_in()


def test_a_clerk_signs_in(qtbot, empty_store: Store) -> None:
    add_account(empty_store, "zhangli")
    dialog = open_dialog(qtbot, empty_store)
    assert dialog.current_page() == "sign_in"
    dialog.set_credentials("zhangli", PASSWORD)
    with qtbot.waitSignal(dialog.sig_signed_in, timeout=WAIT_MS) as signed:
        qtbot.mouseClick(child(dialog, QPushButton, "signInButton"), Qt.MouseButton.LeftButton)
    assert signed.args[0].username == "zhangli"
    assert dialog.result() == LoginDialog.DialogCode.Accepted


def test_a_wrong_password_is_said_in_chinese_and_the_field_cleared(
    qtbot, empty_store: Store
) -> None:
    add_account(empty_store, "zhangli")
    dialog = open_dialog(qtbot, empty_store)
    attempt(qtbot, dialog, "zhangli", "wrong")
    assert dialog.message() == "用户名或密码不正确，再输错 4 次账户将被锁定15分钟"
    assert child(dialog, QLineEdit, "passwordField").text() == ""
    assert dialog.isVisible()


def test_the_lockout_names_the_minutes_left(qtbot, empty_store: Store) -> None:
    add_account(empty_store, "zhangli")
    dialog = open_dialog(qtbot, empty_store)
    for _ in range(5):
        attempt(qtbot, dialog, "zhangli", "wrong")
    assert dialog.message() == "密码连续输错5次，账户已锁定，请 15 分钟后再试"
    attempt(qtbot, dialog, "zhangli", PASSWORD)
    assert "账户已锁定，请 15 分钟后再试" in dialog.message()


def test_empty_fields_are_asked_for(qtbot, empty_store: Store) -> None:
    dialog = open_dialog(qtbot, empty_store)
    dialog.set_credentials("  ", "")
    dialog.sign_in()
    assert dialog.message() == "请输入用户名和密码" and not dialog.is_busy()


@pytest.mark.parametrize(
    "username", ["' OR '1'='1' --", "admin'; DROP TABLE account;--", "张丽\u202e🙂", "\x00"]
)
def test_wild_input_is_just_a_wrong_name(qtbot, empty_store: Store, username: str) -> None:
    add_account(empty_store, "zhangli")
    dialog = open_dialog(qtbot, empty_store)
    attempt(qtbot, dialog, username, "' OR 1=1 --")
    assert dialog.message() == "用户名或密码不正确"


def test_long_input_is_cut_at_the_field_limit(qtbot, empty_store: Store) -> None:
    dialog = open_dialog(qtbot, empty_store)
    dialog.set_credentials("u" * 500, "p" * 500)
    assert (
        len(child(dialog, QLineEdit, "usernameField").text()) == 64
        and len(child(dialog, QLineEdit, "passwordField").text()) == 128
    )


def test_a_reset_password_must_be_changed_before_getting_in(qtbot, empty_store: Store) -> None:
    add_account(empty_store, "zhangli", must_change=True)
    dialog = open_dialog(qtbot, empty_store)
    attempt(qtbot, dialog, "zhangli", PASSWORD)
    assert dialog.current_page() == "change_password"
    dialog.set_new_password("Gannan-88x", "Gannan-88y")
    dialog.change_password()
    assert dialog.message() == "两次输入的新密码不一致"
    dialog.set_new_password("zhangli-2025")
    with qtbot.waitSignal(
        dialog.sig_busy_changed, timeout=WAIT_MS, check_params_cb=lambda b: not b
    ):
        dialog.change_password()
    assert "不能包含用户名或姓名" in dialog.message()
    dialog.set_new_password("Gannan-88x")
    with qtbot.waitSignal(dialog.sig_signed_in, timeout=WAIT_MS) as signed:
        dialog.change_password()
    assert not signed.args[0].must_change_password
    assert accounts.sign_in(empty_store, "zhangli", "Gannan-88x", counter_id="c").username


def test_the_first_start_creates_an_administrator_with_a_one_time_password(
    qtbot, empty_store: Store
) -> None:
    setup = prepare_sign_in(empty_store, CONFIG)
    assert setup == SignInSetup(first_start=True)
    dialog = open_dialog(qtbot, empty_store, setup=setup)
    assert dialog.current_page() == "first_start"
    with qtbot.waitSignal(
        dialog.sig_busy_changed, timeout=WAIT_MS, check_params_cb=lambda b: not b
    ):
        dialog.create_first_administrator()
    assert dialog.current_page() == "sign_in"
    notice = dialog.notice()
    assert notice.startswith("已创建管理员账户 admin，一次性初始密码：")
    initial = notice.split("：", 1)[1].split("\n", 1)[0]
    attempt(qtbot, dialog, "admin", initial)
    assert dialog.current_page() == "change_password"  # forced change
    assert not prepare_sign_in(empty_store, CONFIG).first_start


def test_demo_mode_lists_the_demo_accounts_and_a_double_click_signs_in(
    qtbot, empty_store: Store
) -> None:
    setup = prepare_sign_in(empty_store, Config(demo=True))
    assert [account.username for account in setup.demo_accounts] == [
        account.username for account in DEMO_ACCOUNTS
    ]
    dialog = open_dialog(qtbot, empty_store, setup=setup)
    table = dialog.findChild(QTableWidget, "demoAccountsTable")
    assert table is not None and table.rowCount() == len(DEMO_ACCOUNTS)
    assert [table.item(0, column).text() for column in range(4)] == [
        "张丽",
        "窗口经办",
        "zhangli",
        "demo-2025",
    ]
    table.selectRow(2)
    assert child(dialog, QLineEdit, "usernameField").text() == "wanghaiyan"
    with qtbot.waitSignal(dialog.sig_signed_in, timeout=WAIT_MS) as signed:
        table.cellDoubleClicked.emit(5, 0)
    assert signed.args[0].roles == {Role.ADMIN}


def test_a_locked_screen_cannot_be_dismissed(qtbot, empty_store: Store) -> None:
    dialog = open_dialog(qtbot, empty_store, locked_by="张丽")
    assert dialog.windowTitle() == "屏幕已锁定 — 请登录"
    assert "张丽离开了窗口" in child(dialog, QLabel, "loginTitle").text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.reject()
    dialog.close()
    assert dialog.isVisible()


def test_the_start_up_sign_in_can_be_closed(qtbot, empty_store: Store) -> None:
    dialog = open_dialog(qtbot, empty_store)
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        dialog.reject()
    assert not dialog.isVisible()
