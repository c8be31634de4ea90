"""Staff accounts: sign-in with argon2 and lockout, passwords, administration, first start."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop.domain.roles import PermissionDeniedError, Role, WeakPasswordError
from desktop.services import accounts
from desktop.services.accounts import (
    AccountDisabledError,
    AccountError,
    AccountLockedError,
    WrongCredentialsError,
    account_count,
    attempt_sign_in,
    change_own_password,
    create_account,
    create_first_administrator,
    find_account,
    needs_first_administrator,
    reset_password,
    reset_password_from_console,
    sign_in,
    unlock_account,
    update_account,
)
from desktop.store.db import Store
from desktop.store.models import Account, Event
from tests.desktop.services.staff import ADMIN, CLERK, COUNTER
from tests.desktop.services.staff import fast_password_hashing as fast_password_hashing

PASSWORD = "Lanzhou#2025"
NOW = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def zhangli(store: Store) -> str:
    """An account 张丽 (窗口经办) with PASSWORD, no change required; its id."""
    with store.session() as session:
        account = create_account(
            session,
            ADMIN,
            store.clock,
            username="ZhangLi",
            display_name="张丽",
            password=PASSWORD,
            roles=[Role.CLERK],
            must_change_password=False,
        )
        return account.id


def events(store: Store, kind_prefix: str = "") -> list[Event]:
    with store.session(write=False) as session:
        found = session.scalars(select(Event).order_by(Event.seq)).all()
    return [event for event in found if event.kind.startswith(kind_prefix)]


def try_sign_in(store: Store, username: str, password: str, now: dt.datetime = NOW) -> object:
    try:
        return sign_in(store, username, password, counter_id=COUNTER, now=now)
    except accounts.SignInError as error:
        return error


# --------------------------------------------------------------------------- signing in


def test_a_clerk_signs_in_with_name_and_password(store: Store, zhangli: str) -> None:
    clerk = sign_in(store, "zhangli", PASSWORD, counter_id=COUNTER, now=NOW)
    assert (clerk.username, clerk.display_name, clerk.roles) == ("zhangli", "张丽", {Role.CLERK})
    actor = clerk.actor(COUNTER)
    assert actor.clerk_id == "zhangli" and actor.roles == {Role.CLERK}
    (signed_in,) = events(store, "audit.signed_in")
    assert signed_in.clerk_id == "zhangli" and signed_in.entity_id == zhangli


def test_the_user_name_is_typed_loosely(store: Store, zhangli: str) -> None:
    """Case, spaces around it and full-width letters from a Chinese input method."""
    for typed in (" ZHANGLI ", "ｚｈａｎｇｌｉ"):
        assert sign_in(store, typed, PASSWORD, counter_id=COUNTER, now=NOW).username == "zhangli"


def test_a_wrong_password_says_how_many_tries_are_left(store: Store, zhangli: str) -> None:
    error = try_sign_in(store, "zhangli", "wrong-password")
    assert isinstance(error, WrongCredentialsError)
    assert error.message == "用户名或密码不正确，再输错 4 次账户将被锁定15分钟"
    (failed,) = events(store, "audit.sign_in_failed")
    assert failed.payload["failed_attempts"] == 1
    assert "password" not in str(failed.payload).lower()


def test_five_wrong_passwords_lock_the_account_for_15_minutes(store: Store, zhangli: str) -> None:
    for minute in range(4):
        assert isinstance(
            try_sign_in(store, "zhangli", "nope", NOW + dt.timedelta(minutes=minute)),
            WrongCredentialsError,
        )
    fifth = try_sign_in(store, "zhangli", "nope", NOW + dt.timedelta(minutes=4))
    assert isinstance(fifth, AccountLockedError)
    assert fifth.message == "密码连续输错5次，账户已锁定，请 15 分钟后再试"
    # Even the right password is refused while locked, with the minutes left.
    later = try_sign_in(store, "zhangli", PASSWORD, NOW + dt.timedelta(minutes=10, seconds=30))
    assert isinstance(later, AccountLockedError) and later.minutes == 9
    assert [event.kind for event in events(store, "audit.")][-2:] == [
        "audit.locked_out",
        "audit.sign_in_refused",
    ]
    # After the 15 minutes the right password works again.
    clerk = sign_in(
        store, "zhangli", PASSWORD, counter_id=COUNTER, now=NOW + dt.timedelta(minutes=19)
    )
    assert clerk.username == "zhangli"
    with store.session(write=False) as session:
        account = session.get(Account, zhangli)
        assert account is not None
        assert (account.failed_attempts, account.locked_until) == (0, None)


def test_an_unknown_name_gets_the_same_message(store: Store, zhangli: str) -> None:
    error = try_sign_in(store, "nobody", PASSWORD)
    assert isinstance(error, WrongCredentialsError)
    assert error.message == "用户名或密码不正确"
    assert events(store, "audit.") == []  # nothing to attach it to; nothing stored


@pytest.mark.parametrize(
    "username",
    [
        "' OR '1'='1",
        "zhangli'; DROP TABLE account; --",
        'zhangli" OR 1=1 --',
        "张丽\u202e",
        "🙂🙂🙂",
        "zhang\x00li",
        "a" * 10_000,
        "",
        "%",
        "_",
    ],
)
def test_wild_user_names_are_just_wrong(store: Store, zhangli: str, username: str) -> None:
    assert isinstance(try_sign_in(store, username, PASSWORD), WrongCredentialsError)
    with store.session(write=False) as session:
        assert account_count(session) == 1  # the table is still there, untouched


@pytest.mark.parametrize("password", ["' OR '1'='1", "x" * 100_000, "\x00", "🙂" * 50, ""])
def test_wild_passwords_are_just_wrong(store: Store, zhangli: str, password: str) -> None:
    assert isinstance(try_sign_in(store, "zhangli", password), WrongCredentialsError)


def test_a_disabled_account_cannot_sign_in(store: Store, zhangli: str) -> None:
    with store.session() as session:
        update_account(session, ADMIN, store.clock, zhangli, active=False)
    error = try_sign_in(store, "zhangli", PASSWORD)
    assert isinstance(error, AccountDisabledError)
    assert error.message == "该账户已停用，请联系管理员"


def test_the_failed_count_sticks_although_the_sign_in_failed(store: Store, zhangli: str) -> None:
    """attempt_sign_in returns the error so that the caller commits the count first."""
    with store.session() as session:
        outcome = attempt_sign_in(
            session, "zhangli", "nope", counter_id=COUNTER, clock=store.clock, now=NOW
        )
    assert outcome.clerk is None and isinstance(outcome.error, WrongCredentialsError)
    with store.session(write=False) as session:
        account = find_account(session, "zhangli")
        assert account is not None and account.failed_attempts == 1


# --------------------------------------------------------------------------- passwords


def test_passwords_are_argon2id_at_the_rfc_9106_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "PASSWORD_HASHING", accounts.HashingParameters())
    hashed = accounts.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts._password_matches(hashed, PASSWORD)
    assert not accounts._password_matches(hashed, PASSWORD + "x")
    assert not accounts._password_matches("not a hash", PASSWORD)


def test_a_hash_from_an_older_setting_is_upgraded_at_sign_in(
    store: Store, zhangli: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "PASSWORD_HASHING", accounts.HashingParameters(2, 16, 1))
    sign_in(store, "zhangli", PASSWORD, counter_id=COUNTER, now=NOW)
    with store.session(write=False) as session:
        account = find_account(session, "zhangli")
        assert account is not None and "$m=16,t=2,p=1$" in account.password_hash


def test_a_clerk_changes_their_own_password(store: Store, zhangli: str) -> None:
    clerk = sign_in(store, "zhangli", PASSWORD, counter_id=COUNTER, now=NOW)
    with store.session() as session:
        with pytest.raises(AccountError, match="原密码不正确"):
            change_own_password(
                session,
                clerk,
                store.clock,
                counter_id=COUNTER,
                old_password="wrong",
                new_password="Gannan-88x",
            )
        with pytest.raises(WeakPasswordError, match="不能包含用户名或姓名"):
            change_own_password(
                session,
                clerk,
                store.clock,
                counter_id=COUNTER,
                old_password=PASSWORD,
                new_password="zhangli-1234",
            )
        with pytest.raises(AccountError, match="新密码不能与原密码相同"):
            change_own_password(
                session,
                clerk,
                store.clock,
                counter_id=COUNTER,
                old_password=PASSWORD,
                new_password=PASSWORD,
            )
        change_own_password(
            session,
            clerk,
            store.clock,
            counter_id=COUNTER,
            old_password=PASSWORD,
            new_password="Gannan-88x",
        )
    assert isinstance(try_sign_in(store, "zhangli", PASSWORD), WrongCredentialsError)
    assert sign_in(store, "zhangli", "Gannan-88x", counter_id=COUNTER).username == "zhangli"
    assert [event.kind for event in events(store, "account.")][-1] == "account.password_changed"


def test_a_reset_password_must_be_changed_at_the_next_sign_in(store: Store, zhangli: str) -> None:
    for _ in range(5):
        try_sign_in(store, "zhangli", "nope")
    with store.session() as session:
        initial = reset_password(session, ADMIN, store.clock, zhangli)
    clerk = sign_in(store, "zhangli", initial, counter_id=COUNTER, now=NOW)  # lock lifted too
    assert clerk.must_change_password


# --------------------------------------------------------------------------- administration


def test_only_an_administrator_manages_accounts(store: Store, zhangli: str) -> None:
    with store.session() as session:
        with pytest.raises(PermissionDeniedError, match="（窗口经办）无权管理账户和委托"):
            create_account(
                session,
                CLERK,
                store.clock,
                username="mallory",
                display_name="某人",
                password=PASSWORD,
                roles=[Role.ADMIN],
            )
        for call in (
            lambda: reset_password(session, CLERK, store.clock, zhangli),
            lambda: unlock_account(session, CLERK, store.clock, zhangli),
            lambda: update_account(session, CLERK, store.clock, zhangli, roles=[Role.ADMIN]),
        ):
            with pytest.raises(PermissionDeniedError):
                call()
        assert find_account(session, "mallory") is None


@pytest.mark.parametrize(
    ("username", "display_name", "roles", "agency", "message"),
    [
        ("a", "张三", [Role.CLERK], None, "用户名须为2至32个字符"),
        ("has space", "张三", [Role.CLERK], None, "用户名须为2至32个字符"),
        ("x" * 33, "张三", [Role.CLERK], None, "用户名须为2至32个字符"),
        ("zhangli", "张三", [Role.CLERK], None, "已被使用"),
        ("zhangsan", " ", [Role.CLERK], None, "姓名不能为空"),
        ("zhangsan", "张\x07三", [Role.CLERK], None, "姓名不能包含控制字符"),
        ("zhangsan", "张三", [], None, "请至少选择一个角色"),
        ("zhangsan", "张三", [Role.DISABILITY_AGENCY], None, "须填写机构编号"),
        ("zhangsan", "张三", [Role.CLERK], "canlian", "只有残疾人就业服务机构的账户"),
        ("zhangsan", "张三", [Role.DISABILITY_AGENCY], "a'; --", "机构编号只能包含"),
    ],
)
def test_a_bad_account_is_refused_with_the_reason(
    store: Store,
    zhangli: str,
    username: str,
    display_name: str,
    roles: list[Role],
    agency: str | None,
    message: str,
) -> None:
    with store.session() as session, pytest.raises(AccountError, match=message):
        create_account(
            session,
            ADMIN,
            store.clock,
            username=username,
            display_name=display_name,
            password=PASSWORD,
            roles=roles,
            agency_id=agency,
        )


def test_an_administrator_keeps_their_own_role_and_account(store: Store) -> None:
    with store.session() as session:
        admin = create_account(
            session,
            ADMIN,
            store.clock,
            username="admin01",
            display_name="刘建华",
            password=PASSWORD,
            roles=[Role.ADMIN],
        )
        with pytest.raises(AccountError, match="不能取消自己的管理员角色"):
            update_account(session, ADMIN, store.clock, admin.id, roles=[Role.CLERK])
        with pytest.raises(AccountError, match="不能停用自己的账户"):
            update_account(session, ADMIN, store.clock, admin.id, active=False)


def test_a_new_account_must_change_its_initial_password(store: Store) -> None:
    with store.session() as session:
        create_account(
            session,
            ADMIN,
            store.clock,
            username="majianjun",
            display_name="马建军",
            password=PASSWORD,
            roles=[Role.CLERK],
        )
    assert sign_in(store, "majianjun", PASSWORD, counter_id=COUNTER).must_change_password
    with store.session() as session, pytest.raises(WeakPasswordError):
        create_account(
            session,
            ADMIN,
            store.clock,
            username="weak",
            display_name="某",
            password="123",
            roles=[Role.CLERK],
        )


# --------------------------------------------------------------------------- first start


def test_the_first_start_makes_an_administrator_who_must_change_the_password(
    store: Store,
) -> None:
    with store.session() as session:
        assert needs_first_administrator(session)
        initial = create_first_administrator(session, store.clock, counter_id=COUNTER)
        assert not needs_first_administrator(session)
        with pytest.raises(AccountError, match="已有管理员账户"):
            create_first_administrator(session, store.clock, counter_id=COUNTER)
    clerk = sign_in(store, "admin", initial, counter_id=COUNTER)
    assert clerk.roles == {Role.ADMIN} and clerk.must_change_password
    (created,) = events(store, "account.created")
    assert created.clerk_id == "system" and created.payload["roles"] == ["admin"]


def test_the_console_resets_a_forgotten_password(store: Store, zhangli: str) -> None:
    with store.session() as session:
        update_account(session, ADMIN, store.clock, zhangli, active=False)
        initial = reset_password_from_console(session, store.clock, "ZHANGLI", counter_id=COUNTER)
        with pytest.raises(AccountError, match="找不到用户名"):
            reset_password_from_console(session, store.clock, "nobody", counter_id=COUNTER)
    assert sign_in(store, "zhangli", initial, counter_id=COUNTER).must_change_password
