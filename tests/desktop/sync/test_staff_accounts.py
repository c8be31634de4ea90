"""Staff accounts provisioned centrally (migration 0010) reach the counters of their county."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from psycopg import errors
from sqlalchemy import select

from desktop.cli import main
from desktop.domain.roles import Role
from desktop.services.accounts import (
    AccountDisabledError,
    AccountLockedError,
    CentrallyManagedError,
    WrongCredentialsError,
    change_own_password,
    create_account,
    find_account,
    prepare_central_account,
    prepare_central_password,
    reset_password,
    sign_in,
    unlock_account,
    update_account,
)
from desktop.store.journal import Actor
from desktop.store.models import Account, SyncState
from desktop.sync.central import (
    add_staff_account,
    reset_staff_password,
    set_staff_account_active,
)
from desktop.sync.connection import connect, parse_central_url
from desktop.sync.errors import CentralConfigError, CentralRefusedError
from desktop.sync.pull import SYNC_TARGET
from tests.desktop.sync.conftest import CentralDatabase
from tests.desktop.sync.counters import SimCounter

pytestmark = pytest.mark.needs_postgres
PASSWORD = "Lanzhou-2025"
NEW_PASSWORD = "Tianshui#2026"
ADMIN = Actor("admin", "x", roles=frozenset({Role.ADMIN}))


def _provision(central: CentralDatabase, region: str, username: str, **more: Any) -> str:
    fields = prepare_central_account(
        username=username,
        display_name=more.pop("display_name", "张三"),
        password=more.pop("password", PASSWORD),
        roles=more.pop("roles", (Role.CLERK,)),
        agency_id=more.get("agency_id"),
    )
    return add_staff_account(
        central.admin_url,
        region_code=region,
        username=fields.username,
        display_name=fields.display_name,
        password_hash=fields.password_hash,
        roles=fields.roles,
        agency_id=fields.agency_id,
    ).id


def _account(counter: SimCounter, username: str) -> Account | None:
    with counter.store.session(write=False) as session:
        account = find_account(session, username)
        if account is not None:
            session.expunge(account)
        return account


def _sign_in(counter: SimCounter, username: str, password: str) -> Any:
    return sign_in(counter.store, username, password, counter_id=counter.account.counter_id)


def test_a_county_account_signs_in_at_every_counter_of_the_county_and_nowhere_else(
    central: CentralDatabase, tmp_path: Path
) -> None:
    first = SimCounter(central, tmp_path, "620501")
    second = SimCounter(central, tmp_path, "620501")
    elsewhere = SimCounter(central, tmp_path, "620502")
    agency = SimCounter(central, tmp_path, "620501", agency="cdpf-620501")
    counters = (first, second, elsewhere, agency)
    try:
        _provision(
            central, "620501", "lisi", display_name="李四", roles=(Role.CLERK, Role.REVIEWER)
        )
        _provision(
            central,
            "620501",
            "cdpf01",
            display_name="残联王五",
            roles=(Role.DISABILITY_AGENCY,),
            agency_id="cdpf-620501",
        )
        for counter in counters:
            counter.sync()
        for counter in (first, second):
            clerk = _sign_in(counter, "lisi", PASSWORD)
            assert clerk.roles == {Role.CLERK, Role.REVIEWER}
            assert not clerk.must_change_password
            account = _account(counter, "lisi")
            assert account is not None and account.origin == "central"
            assert _account(counter, "cdpf01") is None  # an agency's staff: its counters only
        assert _account(elsewhere, "lisi") is None  # another county gets no hash of them
        assert _account(agency, "lisi") is None
        assert _sign_in(agency, "cdpf01", PASSWORD).agency_id == "cdpf-620501"
        # A counter's role reads only its own county's accounts, even asking for all.
        with connect(parse_central_url(elsewhere.url), elsewhere.account.password) as c:
            assert c.execute("SELECT count(*) FROM dengji_central.staff_account").fetchone() == (0,)
    finally:
        for counter in counters:
            counter.close()


def test_lockout_stays_local_and_a_central_reset_or_disabling_arrives_at_the_next_sync(
    central: CentralDatabase, tmp_path: Path
) -> None:
    first = SimCounter(central, tmp_path, "620503")
    second = SimCounter(central, tmp_path, "620503")
    try:
        _provision(central, "620503", "zhaoliu", display_name="赵六")
        first.sync()
        second.sync()
        for _ in range(4):
            with pytest.raises(WrongCredentialsError):
                _sign_in(first, "zhaoliu", "wrong-password-1")
        with pytest.raises(AccountLockedError):
            _sign_in(first, "zhaoliu", "wrong-password-1")
        first.sync()
        with pytest.raises(AccountLockedError):  # the sync does not lift a local lock
            _sign_in(first, "zhaoliu", PASSWORD)
        assert _sign_in(second, "zhaoliu", PASSWORD).username == "zhaoliu"  # not locked there

        reset_staff_password(
            central.admin_url, "zhaoliu", prepare_central_password("zhaoliu", NEW_PASSWORD)
        )
        first.sync()
        assert _sign_in(first, "zhaoliu", NEW_PASSWORD).username == "zhaoliu"  # lock lifted
        with pytest.raises(WrongCredentialsError):
            _sign_in(first, "zhaoliu", PASSWORD)

        set_staff_account_active(central.admin_url, "zhaoliu", active=False)
        first.sync()
        with pytest.raises(AccountDisabledError) as disabled:
            _sign_in(first, "zhaoliu", NEW_PASSWORD)
        assert disabled.value.message == "该账户已停用，请联系管理员"
        # Nothing went up: the central row is as the administrator left it.
        with central.admin() as admin:
            row = admin.execute(
                "SELECT active, password_hash LIKE '$argon2id$%' FROM dengji_central.staff_account"
                " WHERE username = 'zhaoliu'"
            ).fetchone()
        assert row == (False, True)
    finally:
        first.close()
        second.close()


def test_local_accounts_stay_and_a_clash_of_names_is_reported_not_overwritten(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620504")
    try:
        with counter.store.session() as session:
            create_account(
                session,
                ADMIN,
                counter.store.clock,
                username="admin9",
                display_name="本窗口管理员",
                password=PASSWORD,
                roles=(Role.ADMIN,),
            )
            create_account(
                session,
                ADMIN,
                counter.store.clock,
                username="sunqi",
                display_name="孙七(本地)",
                password=PASSWORD,
                roles=(Role.CLERK,),
            )
        _provision(central, "620504", "sunqi", display_name="孙七", password=NEW_PASSWORD)
        gone_id = _provision(central, "620504", "zhouba", display_name="周八")
        counter.sync()
        local = _account(counter, "sunqi")
        assert local is not None and local.origin == "local" and local.display_name == "孙七(本地)"
        with counter.store.session(write=False) as session:
            state = session.get(SyncState, SYNC_TARGET)
            assert state is not None
            problems = state.extra["reference_problems"]
        assert (
            problems["staff_account"]
            == "中心账户「sunqi」与本窗口已有的账户同名，未下发，请管理员处理"
        )
        assert _sign_in(counter, "admin9", PASSWORD).roles == {Role.ADMIN}
        assert _sign_in(counter, "zhouba", PASSWORD).username == "zhouba"
        with central.admin() as admin:
            admin.execute("DELETE FROM dengji_central.staff_account WHERE id = %s", [gone_id])
        counter.sync()
        gone = _account(counter, "zhouba")
        assert gone is not None and gone.active is False  # deactivated, never deleted
        assert _account(counter, "admin9") is not None
    finally:
        counter.close()


def test_a_counter_cannot_change_a_central_account_but_may_lift_its_local_lock(
    central: CentralDatabase, tmp_path: Path
) -> None:
    counter = SimCounter(central, tmp_path, "620505")
    try:
        _provision(central, "620505", "wujiu", display_name="吴九")
        counter.sync()
        clerk = _sign_in(counter, "wujiu", PASSWORD)
        with counter.store.session() as session:
            account = find_account(session, "wujiu")
            assert account is not None
            account_id = account.id
            with pytest.raises(CentrallyManagedError) as refused:
                change_own_password(
                    session,
                    clerk,
                    counter.store.clock,
                    counter_id="x",
                    old_password=PASSWORD,
                    new_password=NEW_PASSWORD,
                )
            assert refused.value.message.startswith(
                "账户「wujiu」由省级中心数据库统一管理，修改密码"
            )
            with pytest.raises(CentrallyManagedError):
                reset_password(session, ADMIN, counter.store.clock, account_id)
            with pytest.raises(CentrallyManagedError):
                update_account(session, ADMIN, counter.store.clock, account_id, active=False)
            account.failed_attempts = 5
            account.locked_until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)
        with counter.store.session() as session:
            unlocked = unlock_account(session, ADMIN, counter.store.clock, account_id)
            assert unlocked.locked_until is None
        with counter.store.session(write=False) as session:
            assert (
                session.scalar(select(Account.origin).where(Account.id == account_id)) == "central"
            )
    finally:
        counter.close()


def test_the_central_refuses_a_weak_hash_an_unknown_role_and_a_taken_name(
    central: CentralDatabase,
) -> None:
    with pytest.raises(CentralConfigError) as weak:
        add_staff_account(
            central.admin_url,
            region_code="620506",
            username="plain",
            display_name="明文",
            password_hash="Lanzhou-2025",
            roles=("clerk",),
        )
    assert weak.value.message.startswith("密码须以 Argon2id 散列保存")
    good_hash = prepare_central_password("somebody", PASSWORD)
    with pytest.raises(CentralConfigError) as role:
        add_staff_account(
            central.admin_url,
            region_code="620506",
            username="somebody",
            display_name="某人",
            password_hash=good_hash,
            roles=("root",),
        )
    assert role.value.message == "角色无效：root"
    _provision(central, "620506", "taken")
    with pytest.raises(CentralRefusedError) as taken:
        _provision(central, "620507", "taken")
    assert taken.value.message == "用户名「taken」已被使用（全省唯一）"
    with pytest.raises(CentralConfigError) as missing:
        set_staff_account_active(central.admin_url, "nobody", active=False)
    assert missing.value.message == "中心数据库中没有用户名为「nobody」的人员账户"


def test_add_account_from_the_command_line_prompts_for_the_password(
    central: CentralDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    typed = iter([PASSWORD, PASSWORD, "Abcdefg-1", "Abcdefg-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    arguments = [
        "central",
        "add-account",
        "--url",
        central.admin_url,
        "--region",
        "620508",
        "--username",
        "ZhengShi",
        "--name",
        "郑十",
        "--role",
        "clerk,reviewer",
    ]
    assert main(arguments) == 0
    assert "已开通人员账户 zhengshi（郑十）" in capsys.readouterr().out
    arguments[arguments.index("ZhengShi")] = "other1"
    assert main(arguments) == 2  # the two entries differ
    assert "两次输入的密码不一致" in capsys.readouterr().err
    counter = SimCounter(central, tmp_path, "620508")
    try:
        counter.sync()
        assert _sign_in(counter, "zhengshi", PASSWORD).roles == {Role.CLERK, Role.REVIEWER}
        with (
            connect(parse_central_url(counter.url), counter.account.password) as connection,
            pytest.raises(errors.InsufficientPrivilege),
        ):
            connection.execute("DELETE FROM dengji_central.staff_account")
    finally:
        counter.close()


def test_disable_enable_and_reset_from_the_command_line(
    central: CentralDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    typed = iter([PASSWORD, PASSWORD, "Lanzhou-2026", "Lanzhou-2026"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    url = ["--url", central.admin_url]
    add = ["central", "add-account", *url, "--region", "620509", "--username", "sunjing"]
    assert main([*add, "--name", "孙静", "--role", "clerk"]) == 0
    counter = SimCounter(central, tmp_path, "620509")
    try:
        counter.sync()
        assert _sign_in(counter, "sunjing", PASSWORD).roles == {Role.CLERK}
        assert main(["central", "disable-account", *url, "sunjing"]) == 0
        assert "已停用人员账户 sunjing" in capsys.readouterr().out
        counter.sync()
        with pytest.raises(AccountDisabledError):
            _sign_in(counter, "sunjing", PASSWORD)
        assert main(["central", "enable-account", *url, "sunjing"]) == 0
        assert main(["central", "reset-password", *url, "sunjing"]) == 0
        assert "已重置 sunjing 的密码" in capsys.readouterr().out
        counter.sync()
        assert _sign_in(counter, "sunjing", "Lanzhou-2026").roles == {Role.CLERK}
    finally:
        counter.close()
