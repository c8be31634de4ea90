"""The sign-in screen: user name and password, lockout messages, a forced password change,
the first administrator of a new deployment, and the demo accounts in demo mode."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.background import run_db

if TYPE_CHECKING:
    from desktop.config import Config
    from desktop.services.accounts import DemoAccount, SignedInClerk
    from desktop.store.db import Store

_ERROR_STYLE = "color: #c62828;"
_NOTICE_STYLE = (
    "QLabel { background: #fff8e1; border: 1px solid #f9a825; border-radius: 3px; padding: 6px; }"
)
_PAGE_KEYS = {
    "firstStartPage": "first_start",
    "signInPage": "sign_in",
    "changePasswordPage": "change_password",
}
USERNAME_MAX_LENGTH = 64  # longer input is cut off in the field; the service refuses it anyway
PASSWORD_MAX_LENGTH = 128


@dataclass(frozen=True)
class SignInSetup:
    """What the sign-in screen needs to know about the accounts, read on the database thread."""

    first_start: bool = False  # a real deployment without an administrator yet
    demo_accounts: tuple[DemoAccount, ...] = field(default=())


def prepare_sign_in(store: Store, config: Config) -> SignInSetup:
    """Run on the database thread at start-up: in demo mode make the demo accounts (their
    passwords are shown on the screen); otherwise say whether an administrator must be made."""
    from desktop.services.accounts import needs_first_administrator

    if config.demo:
        from desktop.services.demo import DEMO_ACCOUNTS, ensure_demo_accounts

        ensure_demo_accounts(store, config)
        return SignInSetup(demo_accounts=tuple(DEMO_ACCOUNTS))
    with store.session(write=False) as session:
        return SignInSetup(first_start=needs_first_administrator(session))


def _sign_in(store: Store, username: str, password: str, counter_id: str) -> SignedInClerk:
    from desktop.services.accounts import sign_in

    return sign_in(store, username, password, counter_id=counter_id)


def _change_password(
    store: Store, clerk: SignedInClerk, counter_id: str, old_password: str, new_password: str
) -> SignedInClerk:
    from desktop.services.accounts import change_own_password

    with store.session() as session:
        return change_own_password(
            session,
            clerk,
            store.clock,
            counter_id=counter_id,
            old_password=old_password,
            new_password=new_password,
        )


def _create_first_administrator(
    store: Store, counter_id: str, username: str, display_name: str
) -> tuple[str, str]:
    from desktop.services.accounts import check_username, create_first_administrator

    name = check_username(username)
    with store.session() as session:
        initial = create_first_administrator(
            session, store.clock, counter_id=counter_id, username=name, display_name=display_name
        )
    return name, initial


def _message_of(error: BaseException) -> str:
    message = getattr(error, "message", None)
    return str(message) if message else str(error) or type(error).__name__


class LoginDialog(QDialog):
    """Sign-in at the counter. Pages: first start (make the administrator), sign in, change
    password. In lock mode (the idle lock) it cannot be dismissed: someone must sign in."""

    sig_signed_in = Signal(object)
    """A clerk is in, any forced password change done; the argument is the SignedInClerk."""

    sig_busy_changed = Signal(bool)
    """A request went to the database thread (True) or came back (False)."""

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        setup: SignInSetup | None = None,
        locked_by: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._config = config
        self._setup = setup or SignInSetup()
        self._locked = locked_by is not None
        self._clerk: SignedInClerk | None = None
        self._typed_password = ""
        self._busy = False
        self.setObjectName("loginDialog")
        self.setWindowTitle(
            self.tr("屏幕已锁定 — 请登录") if self._locked else self.tr("失业登记 — 登录")
        )
        self.setModal(True)

        self._title = QLabel(self)
        self._title.setObjectName("loginTitle")
        self._title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self._title.setText(
            self.tr("屏幕已锁定（{name}离开了窗口），请登录").format(name=locked_by)
            if self._locked
            else self.tr("请登录：{counter}").format(
                counter=config.counter_name or config.counter_id
            )
        )
        self._title.setWordWrap(True)
        self._message = QLabel(self)
        self._message.setObjectName("loginMessage")
        self._message.setWordWrap(True)
        self._message.setStyleSheet(_ERROR_STYLE)
        self._notice = QLabel(self)
        self._notice.setObjectName("loginNotice")
        self._notice.setWordWrap(True)
        self._notice.setStyleSheet(_NOTICE_STYLE)
        self._notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._notice.hide()

        self._pages = QStackedWidget(self)
        self._first_start_page = self._build_first_start_page()
        self._sign_in_page = self._build_sign_in_page()
        self._change_page = self._build_change_page()
        for page in (self._first_start_page, self._sign_in_page, self._change_page):
            self._pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._notice)
        layout.addWidget(self._pages, 1)
        layout.addWidget(self._message)
        if self._setup.first_start:
            self._show_page(self._first_start_page)
        else:
            self._show_page(self._sign_in_page)
        self.resize(560 if self._setup.demo_accounts else 420, 0)

    # -- pages ----------------------------------------------------------------------------

    def _build_first_start_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("firstStartPage")
        explanation = QLabel(
            self.tr(
                "本机尚无管理员账户。请创建管理员账户：系统将生成一次性初始密码，"
                "管理员首次登录时须改为自己的密码。"
            ),
            page,
        )
        explanation.setWordWrap(True)
        self._admin_username = QLineEdit("admin", page)
        self._admin_username.setObjectName("adminUsernameField")
        self._admin_username.setMaxLength(USERNAME_MAX_LENGTH)
        self._admin_name = QLineEdit(self.tr("系统管理员"), page)
        self._admin_name.setObjectName("adminNameField")
        self._admin_name.setMaxLength(50)
        self._create_button = QPushButton(self.tr("创建管理员"), page)
        self._create_button.setObjectName("createAdminButton")
        self._create_button.clicked.connect(self.create_first_administrator)
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self._admin_username)
        form.addRow(self.tr("姓名"), self._admin_name)
        layout = QVBoxLayout(page)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self._create_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _build_sign_in_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("signInPage")
        self._username = QLineEdit(page)
        self._username.setObjectName("usernameField")
        self._username.setMaxLength(USERNAME_MAX_LENGTH)
        self._username.setPlaceholderText(self.tr("用户名"))
        self._password = QLineEdit(page)
        self._password.setObjectName("passwordField")
        self._password.setEchoMode(QLineEdit.EchoMode.Password)
        self._password.setMaxLength(PASSWORD_MAX_LENGTH)
        self._password.setPlaceholderText(self.tr("密码"))
        self._sign_in_button = QPushButton(self.tr("登录"), page)
        self._sign_in_button.setObjectName("signInButton")
        self._sign_in_button.setDefault(True)
        self._sign_in_button.clicked.connect(self.sign_in)
        self._username.returnPressed.connect(self._password.setFocus)
        self._password.returnPressed.connect(self.sign_in)
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self._username)
        form.addRow(self.tr("密码"), self._password)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self._sign_in_button)
        layout.addLayout(buttons)
        self._demo_table: QTableWidget | None = None
        if self._setup.demo_accounts:
            layout.addWidget(self._build_demo_table(page, self._setup.demo_accounts))
        return page

    def _build_demo_table(self, parent: QWidget, accounts: Sequence[DemoAccount]) -> QWidget:
        from desktop.domain.roles import role_names

        box = QWidget(parent)
        hint = QLabel(self.tr("演示模式：点选一个演示账户即填入用户名和密码，双击直接登录。"), box)
        hint.setWordWrap(True)
        table = QTableWidget(len(accounts), 4, box)
        table.setObjectName("demoAccountsTable")
        table.setHorizontalHeaderLabels(
            [self.tr("姓名"), self.tr("角色"), self.tr("用户名"), self.tr("密码")]
        )
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        for row, account in enumerate(accounts):
            cells = (account.display_name, role_names(account.roles), account.username)
            for column, text in enumerate((*cells, account.password)):
                table.setItem(row, column, QTableWidgetItem(text))
        # Every demo account in view at once: a newcomer should not have to scroll to find one.
        table.resizeRowsToContents()
        rows_height = sum(table.rowHeight(row) for row in range(table.rowCount()))
        header_height = table.horizontalHeader().sizeHint().height()
        table.setMinimumHeight(rows_height + header_height + 2 * table.frameWidth() + 2)
        table.itemSelectionChanged.connect(self._on_demo_account_selected)
        table.cellDoubleClicked.connect(self._on_demo_account_double_clicked)
        self._demo_table = table
        self._demo_accounts = tuple(accounts)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(hint)
        layout.addWidget(table)
        return box

    def _build_change_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("changePasswordPage")
        explanation = QLabel(
            self.tr(
                "首次登录或密码被重置后，须设置自己的新密码：至少8个字符，"
                "含字母、数字、符号中的至少两类，不能包含用户名或姓名。"
            ),
            page,
        )
        explanation.setWordWrap(True)
        self._new_password = QLineEdit(page)
        self._new_password.setObjectName("newPasswordField")
        self._new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self._new_password.setMaxLength(PASSWORD_MAX_LENGTH)
        self._confirm_password = QLineEdit(page)
        self._confirm_password.setObjectName("confirmPasswordField")
        self._confirm_password.setEchoMode(QLineEdit.EchoMode.Password)
        self._confirm_password.setMaxLength(PASSWORD_MAX_LENGTH)
        self._change_button = QPushButton(self.tr("设置新密码"), page)
        self._change_button.setObjectName("changePasswordButton")
        self._change_button.clicked.connect(self.change_password)
        self._confirm_password.returnPressed.connect(self.change_password)
        form = QFormLayout()
        form.addRow(self.tr("新密码"), self._new_password)
        form.addRow(self.tr("再次输入"), self._confirm_password)
        layout = QVBoxLayout(page)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self._change_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _show_page(self, page: QWidget) -> None:
        self._pages.setCurrentWidget(page)
        focus = {
            self._first_start_page: self._admin_username,
            self._sign_in_page: self._username if not self._username.text() else self._password,
            self._change_page: self._new_password,
        }[page]
        focus.setFocus()

    # -- public API -----------------------------------------------------------------------

    def current_page(self) -> str:
        """ "first_start", "sign_in" or "change_password"."""
        page = self._pages.currentWidget()
        return _PAGE_KEYS[page.objectName()] if page is not None else ""

    def message(self) -> str:
        """The error (or hint) shown under the form."""
        return self._message.text()

    def notice(self) -> str:
        """The notice above the form (the administrator's one-time password)."""
        return self._notice.text() if not self._notice.isHidden() else ""

    def is_busy(self) -> bool:
        """True while a request runs on the database thread."""
        return self._busy

    def set_credentials(self, username: str, password: str) -> None:
        """Fill in the form (the demo table does this; tests too)."""
        self._username.setText(username)
        self._password.setText(password)

    def set_new_password(self, password: str, confirmation: str | None = None) -> None:
        """Fill in the change-password form."""
        self._new_password.setText(password)
        self._confirm_password.setText(password if confirmation is None else confirmation)

    @Slot()
    def sign_in(self) -> None:
        """登录: check the name and password off the GUI thread."""
        if self._busy:
            return
        username, password = self._username.text(), self._password.text()
        if not username.strip() or not password:
            self.show_error(self.tr("请输入用户名和密码"))
            return
        self._typed_password = password
        self._set_busy(True)
        self._message.setText(self.tr("正在登录……"))
        self._message.setStyleSheet("")
        run_db(_sign_in, self._store, username, password, self._config.counter_id).on_success(
            self._on_signed_in
        ).on_error(self._on_failed)

    @Slot()
    def change_password(self) -> None:
        """设置新密码 after a forced change."""
        if self._busy or self._clerk is None:
            return
        new, again = self._new_password.text(), self._confirm_password.text()
        if new != again:
            self.show_error(self.tr("两次输入的新密码不一致"))
            return
        self._set_busy(True)
        run_db(
            _change_password,
            self._store,
            self._clerk,
            self._config.counter_id,
            self._typed_password,
            new,
        ).on_success(self._on_password_changed).on_error(self._on_failed)

    @Slot()
    def create_first_administrator(self) -> None:
        """创建管理员: make the first administrator with a one-time password."""
        if self._busy:
            return
        self._set_busy(True)
        run_db(
            _create_first_administrator,
            self._store,
            self._config.counter_id,
            self._admin_username.text(),
            self._admin_name.text(),
        ).on_success(self._on_administrator_created).on_error(self._on_failed)

    # -- outcomes -------------------------------------------------------------------------

    def _on_signed_in(self, clerk: SignedInClerk) -> None:
        self._set_busy(False)
        self._clerk = clerk
        self._password.clear()
        if clerk.must_change_password:
            self._message.clear()
            self._show_page(self._change_page)
            return
        self._finish(clerk)

    def _on_password_changed(self, clerk: SignedInClerk) -> None:
        self._set_busy(False)
        self._typed_password = ""
        self._new_password.clear()
        self._confirm_password.clear()
        self._finish(clerk)

    def _on_administrator_created(self, created: tuple[str, str]) -> None:
        self._set_busy(False)
        username, initial = created
        self._notice.setText(
            self.tr(
                "已创建管理员账户 {username}，一次性初始密码：{password}\n"
                "请记下并交给管理员本人；首次登录时须修改密码。"
            ).format(username=username, password=initial)
        )
        self._notice.show()
        self._message.clear()
        self._username.setText(username)
        self._show_page(self._sign_in_page)

    def _on_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._password.clear()
        self.show_error(_message_of(error))

    def _finish(self, clerk: SignedInClerk) -> None:
        self._message.clear()
        self._notice.hide()
        self._typed_password = ""
        self.sig_signed_in.emit(clerk)
        self.accept()

    # -- helpers --------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        """Show `text` in red under the form."""
        self._message.setStyleSheet(_ERROR_STYLE)
        self._message.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self._sign_in_button, self._change_button, self._create_button):
            widget.setEnabled(not busy)
        self.sig_busy_changed.emit(busy)

    @Slot()
    def _on_demo_account_selected(self) -> None:
        table = self._demo_table
        if table is None:
            return
        rows = {index.row() for index in table.selectedIndexes()}
        if len(rows) == 1:
            account = self._demo_accounts[rows.pop()]
            self.set_credentials(account.username, account.password)

    @Slot(int, int)
    def _on_demo_account_double_clicked(self, row: int, _column: int) -> None:
        account = self._demo_accounts[row]
        self.set_credentials(account.username, account.password)
        self.sign_in()

    def reject(self) -> None:
        # A locked screen stays until someone signs in; at start-up closing means quitting.
        if not self._locked:
            super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._locked and event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._locked:
            event.ignore()
            return
        super().closeEvent(event)
