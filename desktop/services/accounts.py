"""Staff accounts: sign-in (argon2, lockout), passwords, roles, and agency delegations.

Every change here is also a journal event on the account (entity type "account") and every
sign-in, failed or not, an audit event, so the 审计 page shows who got in when. The password
hash never leaves the account table: no event carries it.

Passwords are hashed with Argon2id at RFC 9106's second recommended setting (t=3, 64 MiB,
4 lanes): about 0.2 s on a 2-core counter PC, so a sign-in stays well under 0.5 s while a
stolen database costs an attacker the same per guess (docs/security.md has the figures).

Accounts of origin "central" were provisioned on the central database for the county and are
kept by the sync (desktop/sync/reference.py): their name, roles, password and active flag
are changed centrally only, so the changes here refuse them; the lockout is local to each
counter and an administrator may still lift it here.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.errors import DomainError
from desktop.domain.roles import (
    Delegation,
    DelegationError,
    LockoutState,
    LoginAttempt,
    Permission,
    Role,
    after_attempt,
    check_password,
    delegation_problems,
    has_permission,
    minutes_remaining,
    parse_roles,
    require_delegated,
    role_names,
)
from desktop.store.db import Store
from desktop.store.hlc import HybridLogicalClock
from desktop.store.journal import Actor, record
from desktop.store.models import Account, AgencyDelegation


@dataclass(frozen=True)
class HashingParameters:
    """Argon2id cost settings; the hash string records those it was made with."""

    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 4


# RFC 9106 §4 "second recommended option" (argon2-cffi's RFC_9106_LOW_MEMORY profile), pinned
# here so a library upgrade cannot change it silently. bench/bench_login.py measures it.
PASSWORD_HASHING = HashingParameters()

ACCOUNT_ENTITY_TYPE = "account"
SYSTEM_CLERK = "system"  # the clerk_id of changes made by the program itself (first start)
USERNAME_MAX_LENGTH = 32
DISPLAY_NAME_MAX_LENGTH = 50
FIRST_ADMINISTRATOR = "admin"
ORIGIN_LOCAL = "local"
ORIGIN_CENTRAL = "central"  # desktop.sync.reference.ACCOUNT_ORIGIN_CENTRAL
_USERNAME = re.compile(r"[^\s\x00-\x1f\x7f]{2,32}")


def _hasher() -> PasswordHasher:
    parameters = PASSWORD_HASHING
    return PasswordHasher(
        time_cost=parameters.time_cost,
        memory_cost=parameters.memory_cost_kib,
        parallelism=parameters.parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


# --------------------------------------------------------------------------- errors


class AccountError(DomainError):
    """A request about accounts that cannot be done; `message` says why in Chinese."""


class SignInError(AccountError):
    """Signing in failed; the base of the reasons below."""


class WrongCredentialsError(SignInError):
    """Unknown user name or wrong password (the message does not say which)."""

    def __init__(self, attempts_left: int | None) -> None:
        message = "用户名或密码不正确"
        if attempts_left is not None and attempts_left > 0:
            message += f"，再输错 {attempts_left} 次账户将被锁定15分钟"
        super().__init__(message)
        self.attempts_left = attempts_left


class AccountLockedError(SignInError):
    """Five wrong passwords in a row: the account is locked for a while."""

    def __init__(self, locked_until: dt.datetime, now: dt.datetime) -> None:
        self.minutes = minutes_remaining(locked_until, now)
        super().__init__(f"密码连续输错5次，账户已锁定，请 {self.minutes} 分钟后再试")
        self.locked_until = locked_until


class CentrallyManagedError(AccountError):
    """The account is managed on the central database; this counter may not change it."""

    def __init__(self, username: str, what: str) -> None:
        super().__init__(
            f"账户「{username}」由省级中心数据库统一管理，{what}请联系中心管理员办理"
            "（修改将在下次同步时到达本窗口）"
        )


def _refuse_central(account: Account, what: str) -> None:
    if account.origin == ORIGIN_CENTRAL:
        raise CentrallyManagedError(account.username, what)


class AccountDisabledError(SignInError):
    """The account has been switched off by an administrator."""

    def __init__(self) -> None:
        super().__init__("该账户已停用，请联系管理员")


# --------------------------------------------------------------------------- who is signed in


@dataclass(frozen=True)
class SignedInClerk:
    """The staff member at the counter after a successful sign-in."""

    account_id: str
    username: str
    display_name: str
    roles: frozenset[Role]
    agency_id: str | None = None
    delegation: Delegation | None = None
    must_change_password: bool = False
    demo: bool = False

    def actor(self, counter_id: str) -> Actor:
        """The Actor the use cases take for this clerk at this counter."""
        return Actor(
            clerk_id=self.username,
            counter_id=counter_id,
            roles=self.roles,
            agency_id=self.agency_id,
            delegation=self.delegation,
            display_name=self.display_name,
        )

    @property
    def role_text(self) -> str:
        """The roles' Chinese names (the status bar's tooltip, the account list)."""
        return role_names(self.roles)


# --------------------------------------------------------------------------- small helpers


def normalize_username(text: str) -> str:
    """What the clerk typed as a user name, as stored: NFKC (full-width letters from a Chinese
    input method become ASCII), trimmed, ASCII letters in lower case."""
    normalized = unicodedata.normalize("NFKC", text or "").strip()
    return "".join(char.lower() if char.isascii() else char for char in normalized)


def check_username(username: str) -> str:
    """The normalized user name, or AccountError when it cannot be one."""
    normalized = normalize_username(username)
    if not _USERNAME.fullmatch(normalized):
        raise AccountError(f"用户名须为2至{USERNAME_MAX_LENGTH}个字符，不能含空格或控制字符")
    return normalized


def _check_display_name(display_name: str) -> str:
    name = unicodedata.normalize("NFKC", display_name or "").strip()
    if not name or len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise AccountError(f"姓名不能为空，且不超过{DISPLAY_NAME_MAX_LENGTH}个字")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise AccountError("姓名不能包含控制字符")
    return name


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def hash_password(password: str) -> str:
    """The Argon2id hash of a password (NFKC first, as the policy checks it)."""
    return _hasher().hash(unicodedata.normalize("NFKC", password))


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, unicodedata.normalize("NFKC", password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def unusable_password_hash() -> str:
    """A hash no password matches (a random 32-byte secret nobody knows)."""
    return hash_password(secrets.token_urlsafe(32))


def generate_initial_password() -> str:
    """A one-time password an administrator hands over; the policy accepts it."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


def _journal(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    account: Account,
    kind: str,
    payload: dict[str, Any],
) -> None:
    record(
        session,
        actor,
        entity_type=ACCOUNT_ENTITY_TYPE,
        entity_id=account.id,
        kind=kind,
        payload={"username": account.username, "display_name": account.display_name, **payload},
        clock=clock,
    )


def _system_actor(counter_id: str) -> Actor:
    return Actor(clerk_id=SYSTEM_CLERK, counter_id=counter_id)


def _self_actor(account: Account, counter_id: str) -> Actor:
    """The account acting on itself (sign-in, own password change)."""
    return Actor(
        clerk_id=account.username,
        counter_id=counter_id,
        roles=parse_roles(account.roles),
        agency_id=account.agency_id,
        display_name=account.display_name,
    )


def find_account(session: Session, username: str) -> Account | None:
    """The account with this user name (normalized first), or None."""
    return session.scalars(
        select(Account).where(Account.username == normalize_username(username))
    ).first()


def account_count(session: Session) -> int:
    """How many accounts exist, active or not."""
    return int(session.scalar(select(func.count()).select_from(Account)) or 0)


def list_accounts(session: Session) -> list[Account]:
    """Every account, by user name."""
    return list(session.scalars(select(Account).order_by(Account.username)))


# --------------------------------------------------------------------------- delegations


def _delegation(row: AgencyDelegation) -> Delegation:
    scope = frozenset(Permission(value) for value in row.scope if value in _PERMISSION_VALUES)
    return Delegation(
        entrusting_department=row.entrusting_department,
        agency=row.agency_id,
        scope=scope,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        agency_name=row.agency_name,
        region_code=row.region_code,
        reference=row.reference,
    )


_PERMISSION_VALUES = frozenset(permission.value for permission in Permission)


def current_delegation(session: Session, agency_id: str, on: dt.date) -> Delegation | None:
    """The agency's delegation in force on `on`; failing that its latest one (so a refusal can
    say when it ran out); None when it never had one."""
    rows = list(
        session.scalars(
            select(AgencyDelegation)
            .where(AgencyDelegation.agency_id == agency_id, AgencyDelegation.revoked.is_(False))
            .order_by(AgencyDelegation.valid_until.desc(), AgencyDelegation.created_at.desc())
        )
    )
    for row in rows:
        if row.valid_from <= on <= row.valid_until:
            return _delegation(row)
    return _delegation(rows[0]) if rows else None


def record_delegation(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    *,
    agency_id: str,
    agency_name: str,
    entrusting_department: str,
    region_code: str,
    scope: Iterable[Permission],
    valid_from: dt.date,
    valid_until: dt.date,
    reference: str = "",
) -> Delegation:
    """Record a delegation (管理员 only), journalled as "delegation.recorded"."""
    actor.require(Permission.MANAGE_ACCOUNTS)
    scope = frozenset(scope)
    problems = delegation_problems(entrusting_department, agency_id, scope, valid_from, valid_until)
    if problems:
        raise AccountError("；".join(problems))
    row = AgencyDelegation(
        id=str(uuid.uuid4()),
        agency_id=agency_id.strip(),
        agency_name=agency_name.strip() or agency_id.strip(),
        entrusting_department=entrusting_department.strip(),
        region_code=region_code.strip(),
        scope=sorted(permission.value for permission in scope),
        valid_from=valid_from,
        valid_until=valid_until,
        reference=reference.strip(),
        revoked=False,
        created_at=_now(),
        created_by=actor.clerk_id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        entity_type="delegation",
        entity_id=row.id,
        kind="delegation.recorded",
        payload={
            "agency_id": row.agency_id,
            "agency_name": row.agency_name,
            "entrusting_department": row.entrusting_department,
            "region_code": row.region_code,
            "scope": row.scope,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "reference": row.reference,
            "note": f"委托{row.agency_name}（{valid_from.isoformat()}至{valid_until.isoformat()}）",
        },
        clock=clock,
    )
    return _delegation(row)


# --------------------------------------------------------------------------- authorization


def acting_as_agency(actor: Actor, permission: Permission) -> bool:
    """Whether `actor` may do this only as a disability agency's staff (under its delegation),
    not through a role of the HR department itself."""
    own_roles = actor.roles - {Role.DISABILITY_AGENCY}
    return Role.DISABILITY_AGENCY in actor.roles and not has_permission(own_roles, permission)


def authorize(
    actor: Actor,
    permission: Permission,
    *,
    on: dt.date,
    disabled_worker: bool = True,
    delegated_agency: str | None = None,
    for_existing_record: bool = False,
) -> None:
    """The check a use case makes before it records anything (issue 8: enforced in the use
    cases, not only by hiding buttons).

    Refused with PermissionDeniedError when no role grants `permission`. A disability agency's
    staff are further refused (DelegationError) without a delegation valid `on` that covers
    the action, for a person who is not a disabled worker, and — `for_existing_record` — for a
    registration not delegated to their own agency (`delegated_agency`).
    """
    require_delegated(
        actor.roles, permission, actor.delegation, on=on, disabled_worker=disabled_worker
    )
    foreign = not delegated_agency or delegated_agency != actor.agency_id
    if for_existing_record and foreign and acting_as_agency(actor, permission):
        raise DelegationError(actor.roles, permission, "该登记不是委托本机构办理的")


# --------------------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignInOutcome:
    """What one sign-in attempt came to: the clerk, or the error to show (after the
    attempt's bookkeeping has been committed)."""

    clerk: SignedInClerk | None
    error: SignInError | None


def _signed_in(session: Session, account: Account, today: dt.date) -> SignedInClerk:
    roles = parse_roles(account.roles)
    delegation = None
    if account.agency_id:
        delegation = current_delegation(session, account.agency_id, today)
    return SignedInClerk(
        account_id=account.id,
        username=account.username,
        display_name=account.display_name,
        roles=roles,
        agency_id=account.agency_id,
        delegation=delegation,
        must_change_password=account.must_change_password,
        demo=account.demo,
    )


def attempt_sign_in(
    session: Session,
    username: str,
    password: str,
    *,
    counter_id: str,
    clock: HybridLogicalClock,
    now: dt.datetime | None = None,
) -> SignInOutcome:
    """Check a user name and password and keep the lockout count (five wrong in a row lock
    the account for 15 minutes, desktop.domain.roles.after_attempt); the caller commits the
    session, then shows `error` if any. An unknown name costs the same hashing time as a
    known one, so timing does not tell which names exist."""
    now = now or _now()
    account = find_account(session, username) if len(username or "") <= 256 else None
    if account is None:
        _password_matches(_DUMMY_HASH.get(), password)
        return SignInOutcome(None, WrongCredentialsError(None))
    actor = _self_actor(account, counter_id)
    state = LockoutState(account.failed_attempts, _as_utc(account.locked_until))
    if state.is_locked(now):
        assert state.locked_until is not None
        _journal(session, actor, clock, account, "audit.sign_in_refused", {"reason": "locked"})
        return SignInOutcome(None, AccountLockedError(state.locked_until, now))
    if not account.active:
        _password_matches(_DUMMY_HASH.get(), password)
        _journal(session, actor, clock, account, "audit.sign_in_refused", {"reason": "disabled"})
        return SignInOutcome(None, AccountDisabledError())
    matched = _password_matches(account.password_hash, password)
    new_state = after_attempt(state, LoginAttempt(now, matched))
    account.failed_attempts = new_state.failed_attempts
    account.locked_until = new_state.locked_until
    if not matched:
        if new_state.locked_until is not None:
            _journal(session, actor, clock, account, "audit.locked_out", {"minutes": 15})
            session.flush()
            return SignInOutcome(None, AccountLockedError(new_state.locked_until, now))
        _journal(
            session,
            actor,
            clock,
            account,
            "audit.sign_in_failed",
            {"failed_attempts": new_state.failed_attempts},
        )
        session.flush()
        return SignInOutcome(None, WrongCredentialsError(new_state.attempts_left()))
    if account.origin != ORIGIN_CENTRAL and _hasher().check_needs_rehash(account.password_hash):
        # A central account's hash is the central's: re-hashed there at its next reset.
        account.password_hash = hash_password(password)
    account.last_login_at = now
    _journal(session, actor, clock, account, "audit.signed_in", {})
    session.flush()
    return SignInOutcome(_signed_in(session, account, now.date()), None)


class _LazyDummyHash:
    """A hash to verify against for unknown names (made once, on first use)."""

    def __init__(self) -> None:
        self._hash: str | None = None
        self._parameters: HashingParameters | None = None

    def get(self) -> str:
        if self._hash is None or self._parameters != PASSWORD_HASHING:
            self._hash = unusable_password_hash()
            self._parameters = PASSWORD_HASHING
        return self._hash


_DUMMY_HASH = _LazyDummyHash()


def sign_in(
    store: Store,
    username: str,
    password: str,
    *,
    counter_id: str,
    now: dt.datetime | None = None,
) -> SignedInClerk:
    """attempt_sign_in in its own transaction, committed even when the attempt fails (the
    lockout count must stick); raises the SignInError after the commit."""
    with store.session() as session:
        outcome = attempt_sign_in(
            session, username, password, counter_id=counter_id, clock=store.clock, now=now
        )
    if outcome.error is not None:
        raise outcome.error
    assert outcome.clerk is not None
    return outcome.clerk


def record_sign_out(
    session: Session,
    clerk: SignedInClerk,
    clock: HybridLogicalClock,
    *,
    counter_id: str,
    reason: str = "signed_out",
) -> None:
    """Journal that a clerk left the counter (signed out, or the screen locked when idle)."""
    account = session.get(Account, clerk.account_id)
    if account is None:
        return
    _journal(
        session,
        clerk.actor(counter_id),
        clock,
        account,
        "audit.signed_out",
        {"reason": reason},
    )


# --------------------------------------------------------------------------- passwords


def change_own_password(
    session: Session,
    clerk: SignedInClerk,
    clock: HybridLogicalClock,
    *,
    counter_id: str,
    old_password: str,
    new_password: str,
    now: dt.datetime | None = None,
) -> SignedInClerk:
    """The signed-in clerk sets a new password (required after a reset or on first use).

    Refused when the old password is wrong (AccountError), the new one breaks the policy
    (WeakPasswordError) or equals the old one."""
    account = session.get(Account, clerk.account_id)
    if account is None or not account.active:
        raise AccountError("账户不存在或已停用")
    _refuse_central(account, "修改密码")
    if not _password_matches(account.password_hash, old_password):
        raise AccountError("原密码不正确")
    check_password(new_password, username=account.username, display_name=account.display_name)
    if _password_matches(account.password_hash, new_password):
        raise AccountError("新密码不能与原密码相同")
    account.password_hash = hash_password(new_password)
    account.must_change_password = False
    account.password_changed_at = now or _now()
    _journal(
        session, _self_actor(account, counter_id), clock, account, "account.password_changed", {}
    )
    session.flush()
    return SignedInClerk(
        account_id=clerk.account_id,
        username=clerk.username,
        display_name=clerk.display_name,
        roles=clerk.roles,
        agency_id=clerk.agency_id,
        delegation=clerk.delegation,
        must_change_password=False,
        demo=clerk.demo,
    )


# --------------------------------------------------------------------------- administration


def _check_roles(
    roles: Iterable[Role], agency_id: str | None
) -> tuple[frozenset[Role], str | None]:
    checked = frozenset(roles)
    if not checked:
        raise AccountError("请至少选择一个角色")
    agency = (agency_id or "").strip() or None
    if Role.DISABILITY_AGENCY in checked and agency is None:
        raise AccountError("残疾人就业服务机构的账户须填写机构编号")
    if agency is not None and Role.DISABILITY_AGENCY not in checked:
        raise AccountError("只有残疾人就业服务机构的账户才填写机构编号")
    if agency is not None and not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", agency):
        raise AccountError("机构编号只能包含字母、数字、点、下划线和连字符（不超过64个）")
    return checked, agency


def _role_values(roles: Iterable[Role]) -> list[str]:
    return [role.value for role in Role if role in set(roles)]


def create_account(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    *,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    agency_id: str | None = None,
    must_change_password: bool = True,
    demo: bool = False,
) -> Account:
    """A new account (管理员 only). The initial password must meet the policy; the clerk
    changes it at first sign-in unless `must_change_password` is False."""
    actor.require(Permission.MANAGE_ACCOUNTS)
    return _create(
        session,
        actor,
        clock,
        username=username,
        display_name=display_name,
        password=password,
        roles=roles,
        agency_id=agency_id,
        must_change_password=must_change_password,
        demo=demo,
    )


def _create(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    *,
    username: str,
    display_name: str,
    password: str | None,
    roles: Iterable[Role],
    agency_id: str | None,
    must_change_password: bool,
    demo: bool,
) -> Account:
    name = check_username(username)
    shown = _check_display_name(display_name)
    checked_roles, agency = _check_roles(roles, agency_id)
    if find_account(session, name) is not None:
        raise AccountError(f"用户名「{name}」已被使用")
    if password is not None and not demo:
        check_password(password, username=name, display_name=shown)
    now = _now()
    account = Account(
        id=str(uuid.uuid4()),
        username=name,
        display_name=shown,
        password_hash=hash_password(password) if password is not None else unusable_password_hash(),
        roles=_role_values(checked_roles),
        agency_id=agency,
        must_change_password=must_change_password,
        failed_attempts=0,
        locked_until=None,
        active=True,
        demo=demo,
        created_at=now,
        password_changed_at=now if password is not None else None,
        last_login_at=None,
    )
    session.add(account)
    session.flush()
    _journal(
        session,
        actor,
        clock,
        account,
        "account.created",
        {"roles": account.roles, "agency_id": agency, "must_change_password": must_change_password},
    )
    return account


def _account(session: Session, account_id: str) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise AccountError("找不到该账户（可能已被他人修改），请刷新")
    return account


def reset_password(
    session: Session, actor: Actor, clock: HybridLogicalClock, account_id: str
) -> str:
    """A new one-time password for a clerk who forgot theirs (管理员 only): returned to hand
    over, to be changed at the next sign-in; a lock is lifted too."""
    actor.require(Permission.MANAGE_ACCOUNTS)
    account = _account(session, account_id)
    _refuse_central(account, "重置密码")
    initial = generate_initial_password()
    account.password_hash = hash_password(initial)
    account.must_change_password = True
    account.failed_attempts = 0
    account.locked_until = None
    account.password_changed_at = _now()
    _journal(session, actor, clock, account, "account.password_reset", {})
    session.flush()
    return initial


def update_account(
    session: Session,
    actor: Actor,
    clock: HybridLogicalClock,
    account_id: str,
    *,
    display_name: str | None = None,
    roles: Iterable[Role] | None = None,
    agency_id: str | None = None,
    active: bool | None = None,
) -> Account:
    """Change an account's name, roles (with agency) or active flag (管理员 only). An
    administrator cannot take away their own 管理员 role or switch themselves off."""
    actor.require(Permission.MANAGE_ACCOUNTS)
    account = _account(session, account_id)
    _refuse_central(account, "修改姓名、角色或停用")
    changes: dict[str, Any] = {}
    if display_name is not None:
        shown = _check_display_name(display_name)
        if shown != account.display_name:
            account.display_name = changes["display_name_new"] = shown
    if roles is not None:
        checked_roles, agency = _check_roles(roles, agency_id)
        if account.username == actor.clerk_id and Role.ADMIN not in checked_roles:
            raise AccountError("不能取消自己的管理员角色")
        values = _role_values(checked_roles)
        if values != account.roles or agency != account.agency_id:
            account.roles, account.agency_id = values, agency
            changes.update(roles=values, agency_id=agency)
    if active is not None and active != account.active:
        if account.username == actor.clerk_id and not active:
            raise AccountError("不能停用自己的账户")
        account.active = changes["active"] = active
    if changes:
        session.flush()
        _journal(session, actor, clock, account, "account.changed", changes)
    return account


def unlock_account(
    session: Session, actor: Actor, clock: HybridLogicalClock, account_id: str
) -> Account:
    """Lift a lockout before its 15 minutes are over (管理员 only)."""
    actor.require(Permission.MANAGE_ACCOUNTS)
    account = _account(session, account_id)
    account.failed_attempts = 0
    account.locked_until = None
    session.flush()
    _journal(session, actor, clock, account, "account.unlocked", {})
    return account


# --------------------------------------------------------------------------- first start


def needs_first_administrator(session: Session) -> bool:
    """A real deployment with no active administrator yet: the first start must make one."""
    for account in session.scalars(select(Account).where(Account.active.is_(True))):
        if Role.ADMIN.value in account.roles:
            return False
    return True


def create_first_administrator(
    session: Session,
    clock: HybridLogicalClock,
    *,
    counter_id: str,
    username: str = FIRST_ADMINISTRATOR,
    display_name: str = "系统管理员",
) -> str:
    """The first start of a real deployment: an administrator with a one-time password,
    returned to be written down; it must be changed at the first sign-in. Refused once an
    active administrator exists."""
    if not needs_first_administrator(session):
        raise AccountError("已有管理员账户，不能再次初始化")
    initial = generate_initial_password()
    _create(
        session,
        _system_actor(counter_id),
        clock,
        username=username,
        display_name=display_name,
        password=initial,
        roles=(Role.ADMIN,),
        agency_id=None,
        must_change_password=True,
        demo=False,
    )
    return initial


def reset_password_from_console(
    session: Session, clock: HybridLogicalClock, username: str, *, counter_id: str
) -> str:
    """`dengji accounts reset-password`: whoever can run the program as the owner of the data
    folder (the trust boundary, docs/security.md) gives an account a new one-time password."""
    account = find_account(session, username)
    if account is None:
        raise AccountError(f"找不到用户名为「{normalize_username(username)}」的账户")
    _refuse_central(account, "重置密码")
    initial = generate_initial_password()
    account.password_hash = hash_password(initial)
    account.must_change_password = True
    account.failed_attempts = 0
    account.locked_until = None
    account.active = True
    account.password_changed_at = _now()
    _journal(
        session,
        _system_actor(counter_id),
        clock,
        account,
        "account.password_reset",
        {"source": "console"},
    )
    session.flush()
    return initial


@dataclass(frozen=True)
class DemoAccount:
    """A demo account shown on the login page in demo mode, with its password."""

    username: str
    display_name: str
    password: str
    roles: tuple[Role, ...]
    agency_id: str | None = None


def ensure_accounts(
    session: Session,
    clock: HybridLogicalClock,
    accounts: Sequence[DemoAccount],
    *,
    counter_id: str,
) -> int:
    """Create the demo accounts that do not exist yet (demo mode only: their passwords are
    printed on the login page); how many were made."""
    made = 0
    for spec in accounts:
        if find_account(session, spec.username) is not None:
            continue
        _create(
            session,
            _system_actor(counter_id),
            clock,
            username=spec.username,
            display_name=spec.display_name,
            password=spec.password,
            roles=spec.roles,
            agency_id=spec.agency_id,
            must_change_password=False,
            demo=True,
        )
        made += 1
    return made


def demo_accounts_listed(session: Session) -> list[Account]:
    """The demo accounts, for the demo login page."""
    return list(
        session.scalars(
            select(Account)
            .where(Account.demo.is_(True), Account.active.is_(True))
            .order_by(Account.created_at, Account.username)
        )
    )


# --------------------------------------------------------------------------- central accounts


@dataclass(frozen=True)
class CentralAccountFields:
    """A staff account checked and hashed for the central database (`central add-account`)."""

    username: str
    display_name: str
    password_hash: str
    roles: tuple[str, ...]
    agency_id: str | None


def prepare_central_account(
    *,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    agency_id: str | None = None,
) -> CentralAccountFields:
    """The same checks as an account made at a counter (user name, name, roles with agency,
    the password policy), and the password's Argon2id hash at PASSWORD_HASHING: what the
    counters verify at sign-in. Raises AccountError / WeakPasswordError (Chinese)."""
    name = check_username(username)
    shown = _check_display_name(display_name)
    checked_roles, agency = _check_roles(roles, agency_id)
    check_password(password, username=name, display_name=shown)
    return CentralAccountFields(
        username=name,
        display_name=shown,
        password_hash=hash_password(password),
        roles=tuple(_role_values(checked_roles)),
        agency_id=agency,
    )


def prepare_central_password(username: str, password: str, display_name: str = "") -> str:
    """The Argon2id hash of a new password for a central account, after the policy check."""
    check_password(password, username=normalize_username(username), display_name=display_name)
    return hash_password(password)
