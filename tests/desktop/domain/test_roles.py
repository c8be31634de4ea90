"""Roles and permissions, delegations to disability agencies, password policy, lockout."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.roles import (
    DELEGABLE_PERMISSIONS,
    LOCKOUT_DURATION,
    LOCKOUT_THRESHOLD,
    Delegation,
    DelegationError,
    InvalidRoleError,
    LockoutState,
    LoginAttempt,
    Permission,
    PermissionDeniedError,
    Role,
    WeakPasswordError,
    after_attempt,
    check_password,
    delegation_problems,
    has_permission,
    is_disabled_worker,
    lockout_from_history,
    minutes_remaining,
    parse_roles,
    password_problems,
    permissions_of,
    require_delegated,
    require_permission,
    role_names,
)

T0 = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)


def delegation(**changes: object) -> Delegation:
    values: dict[str, object] = {
        "entrusting_department": "兰州市城关区人力资源和社会保障局",
        "agency": "canlian-620102",
        "scope": DELEGABLE_PERMISSIONS,
        "valid_from": dt.date(2025, 1, 1),
        "valid_until": dt.date(2025, 12, 31),
        "agency_name": "城关区残疾人就业服务中心",
    }
    values.update(changes)
    return Delegation(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the matrix


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (Role.CLERK, {Permission.APPLY, Permission.RECORD_SERVICE, Permission.PRINT}, {
            Permission.REGISTER, Permission.EXPORT, Permission.MANAGE_ACCOUNTS,
            Permission.VIEW_AUDIT, Permission.CONFIRM_DEREGISTRATION,
        }),
        (Role.REVIEWER, {
            Permission.VERIFY, Permission.REGISTER, Permission.REJECT,
            Permission.CONFIRM_DEREGISTRATION, Permission.RESOLVE_CONFLICT,
        }, {Permission.APPLY, Permission.EXPORT, Permission.MANAGE_REFERENCE_DATA}),
        (Role.STATISTICIAN, {Permission.VIEW_STATISTICS, Permission.EXPORT}, {
            Permission.APPLY, Permission.PRINT, Permission.VIEW_FULL_RECORD,
            Permission.VIEW_AUDIT, Permission.SEARCH,
        }),
        (Role.ADMIN, {
            Permission.MANAGE_ACCOUNTS, Permission.MANAGE_REFERENCE_DATA,
            Permission.MANAGE_SETTINGS, Permission.VIEW_AUDIT, Permission.EXPORT_AUDIT,
            Permission.EXPORT,
        }, {Permission.APPLY, Permission.REGISTER, Permission.VIEW_FULL_RECORD}),
        (Role.DISABILITY_AGENCY, {Permission.APPLY, Permission.REGISTER, Permission.PRINT}, {
            Permission.CONFIRM_DEREGISTRATION, Permission.EXPORT, Permission.VIEW_AUDIT,
        }),
    ],
)  # fmt: skip
def test_the_permission_matrix(
    role: Role, allowed: set[Permission], refused: set[Permission]
) -> None:
    granted = permissions_of({role})
    assert allowed <= granted
    assert not refused & granted


def test_only_the_administrator_reads_the_audit_trail() -> None:
    holders = {role for role in Role if has_permission({role}, Permission.VIEW_AUDIT)}
    assert holders == {Role.ADMIN}


def test_exports_need_the_administrator_or_the_statistician() -> None:
    holders = {role for role in Role if has_permission({role}, Permission.EXPORT)}
    assert holders == {Role.ADMIN, Role.STATISTICIAN}


def test_several_roles_add_up() -> None:
    assert has_permission({Role.CLERK, Role.REVIEWER}, Permission.REGISTER)
    assert has_permission({Role.CLERK, Role.REVIEWER}, Permission.APPLY)
    assert not has_permission(set(), Permission.SEARCH)


def test_refusal_names_the_role_and_the_action_in_chinese() -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        require_permission({Role.STATISTICIAN}, Permission.REGISTER)
    assert refused.value.message == "当前账户的角色（统计）无权办结失业登记"
    assert refused.value.permission is Permission.REGISTER
    with pytest.raises(PermissionDeniedError, match="（无角色）无权受理失业登记申请"):
        require_permission(set(), Permission.APPLY)


def test_role_names_are_in_a_fixed_order() -> None:
    assert role_names({Role.ADMIN, Role.CLERK}) == "窗口经办、管理员"
    assert Role.DISABILITY_AGENCY.label == "残疾人就业服务机构"


def test_roles_are_read_from_their_stored_values() -> None:
    assert parse_roles(["clerk", " admin "]) == {Role.CLERK, Role.ADMIN}
    for bad in (["root"], ["clerk", "' OR 1=1 --"], ["管理员"]):
        with pytest.raises(InvalidRoleError, match="未知的角色"):
            parse_roles(bad)


# --------------------------------------------------------------------------- delegations


def test_a_delegation_is_valid_within_its_period_both_ends_included() -> None:
    entrusted = delegation()
    assert entrusted.is_valid_on(dt.date(2025, 1, 1))
    assert entrusted.is_valid_on(dt.date(2025, 12, 31))
    assert not entrusted.is_valid_on(dt.date(2024, 12, 31))
    assert not entrusted.is_valid_on(dt.date(2026, 1, 1))


def test_a_delegation_describes_itself_for_the_documents() -> None:
    text = delegation(reference="城人社发〔2025〕3号").describe()
    assert text == (
        "城关区残疾人就业服务中心（受兰州市城关区人力资源和社会保障局委托办理，"
        "委托期限2025-01-01至2025-12-31，城人社发〔2025〕3号）"
    )


def test_an_agency_registers_a_disabled_worker_under_a_valid_delegation() -> None:
    require_delegated(
        {Role.DISABILITY_AGENCY},
        Permission.REGISTER,
        delegation(),
        on=dt.date(2025, 6, 1),
        disabled_worker=True,
    )


def test_an_expired_delegation_is_refused_with_its_period() -> None:
    with pytest.raises(DelegationError) as refused:
        require_delegated(
            {Role.DISABILITY_AGENCY},
            Permission.APPLY,
            delegation(valid_until=dt.date(2025, 3, 31)),
            on=dt.date(2025, 4, 1),
            disabled_worker=True,
        )
    assert "委托期限为2025-01-01至2025-03-31，2025-04-01不在期限内" in refused.value.message
    assert "残疾人就业服务机构" in refused.value.message


@pytest.mark.parametrize(
    ("entrusted", "disabled", "expected"),
    [
        (None, True, "本机构没有登记在案的委托"),
        (delegation(), False, "受委托机构只能为残疾人办理"),
        (delegation(scope=frozenset({Permission.APPLY})), True, "该事项不在委托范围内"),
    ],
)
def test_an_agency_outside_its_delegation_is_refused(
    entrusted: Delegation | None, disabled: bool, expected: str
) -> None:
    with pytest.raises(DelegationError, match=expected):
        require_delegated(
            {Role.DISABILITY_AGENCY},
            Permission.REGISTER,
            entrusted,
            on=dt.date(2025, 6, 1),
            disabled_worker=disabled,
        )


def test_department_staff_need_no_delegation() -> None:
    require_delegated(
        {Role.REVIEWER}, Permission.REGISTER, None, on=dt.date(2025, 6, 1), disabled_worker=False
    )
    with pytest.raises(PermissionDeniedError):
        require_delegated(
            {Role.STATISTICIAN}, Permission.REGISTER, None, on=dt.date(2025, 6, 1),
            disabled_worker=True,
        )  # fmt: skip


def test_what_may_be_delegated() -> None:
    assert delegation_problems("某局", "a1", {Permission.APPLY}, dt.date(2025, 1, 1),
                               dt.date(2025, 2, 1)) == []  # fmt: skip
    problems = delegation_problems(
        " ", "", {Permission.VIEW_AUDIT}, dt.date(2025, 2, 1), dt.date(2025, 1, 1)
    )
    assert problems == [
        "请填写委托部门",
        "请填写受委托机构",
        "以下事项不能委托给残疾人就业服务机构：查看审计记录",
        "委托截止日期不能早于起始日期",
    ]


def test_a_disabled_worker_is_health_6_or_has_a_disability_category() -> None:
    assert is_disabled_worker("6", None)
    assert is_disabled_worker("1", "4")
    assert not is_disabled_worker("1", None)
    assert not is_disabled_worker(None, "  ")


# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("abc12", "至少8个字符"),
        ("abcdefghij", "须同时包含字母、数字、符号中的至少两类"),
        ("12345678", "过于简单"),
        ("Password1", "过于简单"),
        ("Qiao-2025x", None),
        ("aaaaaaaa1", "过于简单"),
        ("zhangli2025", "不能包含用户名或姓名"),
        ("abc\x00defg1", "不能包含控制字符"),
        ("x" * 129 + "1", "不能超过128个字符"),
    ],
)
def test_the_password_policy(password: str, problem: str | None) -> None:
    problems = password_problems(password, username="zhangli", display_name="张丽")
    if problem is None:
        assert problems == []
    else:
        assert any(problem in text for text in problems), problems


def test_full_width_digits_typed_with_a_chinese_input_method_count_as_digits() -> None:
    assert password_problems("ｍｉｍａ２０２５ｘ") == []


def test_a_weak_password_raises_with_every_problem() -> None:
    with pytest.raises(WeakPasswordError) as weak:
        check_password("abc")
    assert weak.value.message.startswith("密码不符合要求：至少8个字符；")
    assert len(weak.value.problems) == 2


# --------------------------------------------------------------------------- lockout


def attempts(*outcomes: bool, start: dt.datetime = T0, gap_s: int = 10) -> list[LoginAttempt]:
    return [
        LoginAttempt(start + dt.timedelta(seconds=gap_s * index), ok)
        for index, ok in enumerate(outcomes)
    ]


def test_four_wrong_passwords_do_not_lock() -> None:
    state = lockout_from_history(attempts(False, False, False, False))
    assert state == LockoutState(4, None)
    assert state.attempts_left() == 1


def test_the_fifth_wrong_password_locks_for_15_minutes() -> None:
    history = attempts(*[False] * LOCKOUT_THRESHOLD)
    state = lockout_from_history(history)
    assert state.locked_until == history[-1].at + LOCKOUT_DURATION
    assert state.is_locked(history[-1].at + dt.timedelta(minutes=14, seconds=59))
    assert not state.is_locked(history[-1].at + dt.timedelta(minutes=15))


def test_a_success_clears_the_count() -> None:
    assert lockout_from_history(attempts(False, False, False, False, True, False)) == (
        LockoutState(1, None)
    )


def test_tries_while_locked_change_nothing_even_the_right_password() -> None:
    locked = lockout_from_history(attempts(*[False] * 5))
    later = attempts(True, False, False, start=T0 + dt.timedelta(minutes=5))
    assert lockout_from_history([*attempts(*[False] * 5), *later]) == locked
    assert after_attempt(locked, later[0]) == locked


def test_after_the_lock_the_count_starts_again() -> None:
    history = [*attempts(*[False] * 5), *attempts(False, start=T0 + dt.timedelta(minutes=20))]
    assert lockout_from_history(history) == LockoutState(1, None)


def test_minutes_remaining_round_up() -> None:
    until = T0 + dt.timedelta(minutes=15)
    assert minutes_remaining(until, T0) == 15
    assert minutes_remaining(until, T0 + dt.timedelta(minutes=14, seconds=1)) == 1
    assert minutes_remaining(until, T0 + dt.timedelta(minutes=10, seconds=30)) == 5
    assert minutes_remaining(until, until) == 0
