"""Staff roles, what each may do, delegations to disability agencies, passwords and lockout."""

from __future__ import annotations

import datetime as dt
import enum
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop.domain.errors import DomainError


class Role(enum.Enum):
    """A staff role; the value is what the store keeps, `label` what the screen shows."""

    CLERK = "clerk"
    REVIEWER = "reviewer"
    DISABILITY_AGENCY = "disability_agency"
    STATISTICIAN = "statistician"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.CLERK: "窗口经办",
    Role.REVIEWER: "审核",
    Role.DISABILITY_AGENCY: "残疾人就业服务机构",
    Role.STATISTICIAN: "统计",
    Role.ADMIN: "管理员",
}


class Permission(enum.Enum):
    """An action a use case guards; `label` names it in the refusal message."""

    APPLY = "apply"
    RECORD_SERVICE = "record_service"
    PRINT = "print"
    VERIFY = "verify"
    REGISTER = "register"
    REJECT = "reject"
    CONFIRM_DEREGISTRATION = "confirm_deregistration"
    RESOLVE_CONFLICT = "resolve_conflict"
    SEARCH = "search"
    VIEW_FULL_RECORD = "view_full_record"
    VIEW_STATISTICS = "view_statistics"
    EXPORT = "export"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_REFERENCE_DATA = "manage_reference_data"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT = "view_audit"
    EXPORT_AUDIT = "export_audit"

    @property
    def label(self) -> str:
        return _PERMISSION_LABELS[self]


_PERMISSION_LABELS = {
    Permission.APPLY: "受理失业登记申请",
    Permission.RECORD_SERVICE: "记录服务和联系",
    Permission.PRINT: "打印文书",
    Permission.VERIFY: "核实登记申请",
    Permission.REGISTER: "办结失业登记",
    Permission.REJECT: "作出不予登记决定",
    Permission.CONFIRM_DEREGISTRATION: "确认注销失业登记",
    Permission.RESOLVE_CONFLICT: "处理冲突记录",
    Permission.SEARCH: "查询人员",
    Permission.VIEW_FULL_RECORD: "查看完整证件号码和联系电话",
    Permission.VIEW_STATISTICS: "查看统计数据",
    Permission.EXPORT: "导出数据",
    Permission.MANAGE_ACCOUNTS: "管理账户和委托",
    Permission.MANAGE_REFERENCE_DATA: "维护政策、服务和机构清单",
    Permission.MANAGE_SETTINGS: "修改系统设置",
    Permission.VIEW_AUDIT: "查看审计记录",
    Permission.EXPORT_AUDIT: "导出审计记录",
}

P = Permission
# The permission matrix (issue 8). A person may hold several roles; what they may do is the
# union. 统计 reads figures only; 管理员 keeps accounts, reference data and settings and is the
# only one who reads and exports the audit trail; exports need 管理员 or 统计 (PIPL).
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset(
        {P.APPLY, P.RECORD_SERVICE, P.PRINT, P.SEARCH, P.VIEW_FULL_RECORD},
    ),
    Role.REVIEWER: frozenset(
        {
            P.VERIFY,
            P.REGISTER,
            P.REJECT,
            P.CONFIRM_DEREGISTRATION,
            P.RESOLVE_CONFLICT,
            P.PRINT,
            P.SEARCH,
            P.VIEW_FULL_RECORD,
        },
    ),
    # Only for disabled workers and only under a valid delegation: see require_delegated().
    Role.DISABILITY_AGENCY: frozenset(
        {
            P.APPLY,
            P.VERIFY,
            P.REGISTER,
            P.REJECT,
            P.RECORD_SERVICE,
            P.PRINT,
            P.SEARCH,
            P.VIEW_FULL_RECORD,
        },
    ),
    Role.STATISTICIAN: frozenset({P.VIEW_STATISTICS, P.EXPORT}),
    Role.ADMIN: frozenset(
        {
            P.MANAGE_ACCOUNTS,
            P.MANAGE_REFERENCE_DATA,
            P.MANAGE_SETTINGS,
            P.VIEW_AUDIT,
            P.EXPORT_AUDIT,
            P.EXPORT,
            P.VIEW_STATISTICS,
            P.SEARCH,
        },
    ),
}
del P

# What a disability agency may do for a person: only these, and only for disabled workers.
DELEGABLE_PERMISSIONS: frozenset[Permission] = ROLE_PERMISSIONS[Role.DISABILITY_AGENCY] - {
    Permission.SEARCH
}


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Roles from their stored values; an unknown value raises InvalidRoleError."""
    roles = set()
    for value in values:
        try:
            roles.add(Role(str(value).strip()))
        except ValueError:
            raise InvalidRoleError(f"未知的角色「{value}」") from None
    return frozenset(roles)


def role_names(roles: Iterable[Role]) -> str:
    """The roles' Chinese names joined with 、 in a fixed order (无角色 for none)."""
    ordered = [role.label for role in Role if role in set(roles)]
    return "、".join(ordered) if ordered else "无角色"


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    """Everything the holder of these roles may do."""
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def has_permission(roles: Iterable[Role], permission: Permission) -> bool:
    """Whether any of the roles grants the permission."""
    return any(permission in ROLE_PERMISSIONS[role] for role in roles)


class InvalidRoleError(DomainError):
    """A role value that is not one of Role."""


class PermissionDeniedError(DomainError):
    """The clerk's roles do not allow this action (raised by the use cases, not only the UI)."""

    def __init__(self, roles: Iterable[Role], permission: Permission, detail: str = "") -> None:
        self.roles = frozenset(roles)
        self.permission = permission
        message = f"当前账户的角色（{role_names(self.roles)}）无权{permission.label}"
        super().__init__(message + (f"：{detail}" if detail else ""))


def require_permission(roles: Iterable[Role], permission: Permission) -> None:
    """Raise PermissionDeniedError unless one of the roles grants `permission`."""
    roles = frozenset(roles)
    if not has_permission(roles, permission):
        raise PermissionDeniedError(roles, permission)


# --------------------------------------------------------------------------- delegations


class DelegationError(PermissionDeniedError):
    """A disability agency acts without a valid delegation, outside it, or for someone who is
    not a disabled worker."""


@dataclass(frozen=True)
class Delegation:
    """A county HR department entrusts a disability employment service agency (notice §2:
    残疾人的失业登记可委托残疾人就业服务机构办理) with part of its work, for a period."""

    entrusting_department: str  # e.g. 兰州市城关区人力资源和社会保障局
    agency: str  # the agency's id, as in the counter configuration and accounts
    scope: frozenset[Permission]
    valid_from: dt.date
    valid_until: dt.date
    agency_name: str = ""
    region_code: str = ""  # the entrusting department's county
    reference: str = ""  # the delegation document's number, e.g. 城人社发〔2025〕12号

    def is_valid_on(self, day: dt.date) -> bool:
        """Within the period, both ends included."""
        return self.valid_from <= day <= self.valid_until

    def covers(self, permission: Permission) -> bool:
        """Whether the delegation's scope includes this action."""
        return permission in self.scope

    def describe(self) -> str:
        """The line printed on every document the agency makes (issue 8)."""
        name = self.agency_name or self.agency
        period = f"{self.valid_from.isoformat()}至{self.valid_until.isoformat()}"
        reference = f"，{self.reference}" if self.reference else ""
        return f"{name}（受{self.entrusting_department}委托办理，委托期限{period}{reference}）"


def delegation_problems(
    entrusting_department: str,
    agency: str,
    scope: Iterable[Permission],
    valid_from: dt.date,
    valid_until: dt.date,
) -> list[str]:
    """What is wrong with a delegation being recorded ([] when fine)."""
    problems = []
    if not entrusting_department.strip():
        problems.append("请填写委托部门")
    if not agency.strip():
        problems.append("请填写受委托机构")
    scope = frozenset(scope)
    if not scope:
        problems.append("请选择委托事项")
    outside = scope - DELEGABLE_PERMISSIONS
    if outside:
        names = "、".join(sorted(permission.label for permission in outside))
        problems.append(f"以下事项不能委托给残疾人就业服务机构：{names}")
    if valid_until < valid_from:
        problems.append("委托截止日期不能早于起始日期")
    return problems


def is_disabled_worker(health: str | None, disability_category: str | None) -> bool:
    """健康状况 6 (残疾, GB/T 2261.3) or a disability category recorded."""
    return (health or "").strip() == "6" or bool((disability_category or "").strip())


def require_delegated(
    roles: Iterable[Role],
    permission: Permission,
    delegation: Delegation | None,
    *,
    on: dt.date,
    disabled_worker: bool,
) -> None:
    """The check every use case makes for a disability agency's account.

    Staff of the HR department itself (any role other than the agency's granting the
    permission) pass; an agency's account passes only with a delegation valid `on` that covers
    the action, and only for a disabled worker. Raises PermissionDeniedError / DelegationError.
    """
    roles = frozenset(roles)
    own_roles = roles - {Role.DISABILITY_AGENCY}
    if has_permission(own_roles, permission):
        return
    require_permission(roles, permission)  # the agency role at least must grant it
    if delegation is None:
        raise DelegationError(roles, permission, "本机构没有登记在案的委托")
    if not delegation.is_valid_on(on):
        raise DelegationError(
            roles,
            permission,
            f"委托期限为{delegation.valid_from.isoformat()}至"
            f"{delegation.valid_until.isoformat()}，{on.isoformat()}不在期限内",
        )
    if not delegation.covers(permission):
        raise DelegationError(roles, permission, "该事项不在委托范围内")
    if not disabled_worker:
        raise DelegationError(roles, permission, "受委托机构只能为残疾人办理")


# --------------------------------------------------------------------------- passwords

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
# Passwords a clerk might pick first; refused whatever their length (a short, not a full list).
_COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "passw0rd",
        "12345678",
        "123456789",
        "1234567890",
        "11111111",
        "88888888",
        "00000000",
        "qwertyui",
        "qwerty123",
        "abc12345",
        "abcd1234",
        "a1234567",
        "admin123",
        "admin1234",
        "iloveyou",
        "dengji123",
        "gansu123",
    }
)


class WeakPasswordError(DomainError):
    """A new password that breaks the policy; `problems` lists every rule it breaks."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("密码不符合要求：" + "；".join(problems))
        self.problems = list(problems)


def normalize_password(password: str) -> str:
    """NFKC, so a full-width digit typed with a Chinese input method is the same digit."""
    return unicodedata.normalize("NFKC", password)


def password_problems(password: str, *, username: str = "", display_name: str = "") -> list[str]:
    """The password policy (MLPS 2.0 level 2 practice: length, mixed kinds, not guessable);
    [] when the password is acceptable."""
    text = normalize_password(password)
    problems = []
    if len(text) < PASSWORD_MIN_LENGTH:
        problems.append(f"至少{PASSWORD_MIN_LENGTH}个字符")
    if len(text) > PASSWORD_MAX_LENGTH:
        problems.append(f"不能超过{PASSWORD_MAX_LENGTH}个字符")
    if any(unicodedata.category(char).startswith("C") for char in text):
        problems.append("不能包含控制字符")
    kinds = sum(
        (
            any(char.isascii() and char.isdigit() for char in text),
            any(char.isascii() and char.isalpha() for char in text),
            any(not (char.isascii() and char.isalnum()) for char in text),
        )
    )
    if kinds < 2:
        problems.append("须同时包含字母、数字、符号中的至少两类")
    lowered = text.casefold()
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) <= 2:
        problems.append("过于简单，容易被猜到")
    for name in (username, display_name):
        name = normalize_password(name).strip().casefold()
        if len(name) >= 2 and name in lowered:
            problems.append("不能包含用户名或姓名")
            break
    return problems


def check_password(password: str, *, username: str = "", display_name: str = "") -> None:
    """Raise WeakPasswordError unless the password meets the policy."""
    problems = password_problems(password, username=username, display_name=display_name)
    if problems:
        raise WeakPasswordError(problems)


# --------------------------------------------------------------------------- lockout

LOCKOUT_THRESHOLD = 5  # wrong passwords in a row …
LOCKOUT_DURATION = dt.timedelta(minutes=15)  # … lock the account this long (issue 8)


@dataclass(frozen=True)
class LockoutState:
    """Wrong passwords since the last success or lock, and the end of a lock if any."""

    failed_attempts: int = 0
    locked_until: dt.datetime | None = None

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def attempts_left(self) -> int:
        return max(0, LOCKOUT_THRESHOLD - self.failed_attempts)


@dataclass(frozen=True)
class LoginAttempt:
    """One try to sign in: when, and whether the password was right."""

    at: dt.datetime
    succeeded: bool


def after_attempt(state: LockoutState, attempt: LoginAttempt) -> LockoutState:
    """The state after one more attempt.

    A try while locked is refused without looking at the password and changes nothing (so
    hammering the keyboard does not extend the lock). A success clears the count; the fifth
    failure in a row locks the account for LOCKOUT_DURATION from that failure, and the count
    starts again from zero once the lock is over.
    """
    if state.is_locked(attempt.at):
        return state
    if attempt.succeeded:
        return LockoutState()
    failed = state.failed_attempts + 1
    if failed >= LOCKOUT_THRESHOLD:
        return LockoutState(0, attempt.at + LOCKOUT_DURATION)
    return LockoutState(failed, None)


def lockout_from_history(attempts: Iterable[LoginAttempt]) -> LockoutState:
    """The state an account is in after these attempts (in time order)."""
    state = LockoutState()
    for attempt in attempts:
        state = after_attempt(state, attempt)
    return state


def minutes_remaining(locked_until: dt.datetime, now: dt.datetime) -> int:
    """Whole minutes until the lock ends, rounded up (at least 1 while locked)."""
    seconds = (locked_until - now).total_seconds()
    return max(1, math.ceil(seconds / 60)) if seconds > 0 else 0
