"""Checking and hashing a centrally provisioned account (`dengji central add-account`)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from desktop.domain.roles import Role, WeakPasswordError
from desktop.services.accounts import (
    AccountError,
    prepare_central_account,
    prepare_central_password,
)


def test_a_central_account_is_checked_like_a_local_one_and_hashed_with_argon2id() -> None:
    fields = prepare_central_account(
        username="ＬｉＳｉ",
        display_name=" 李四 ",
        password="Lanzhou-2025",
        roles=(Role.REVIEWER, Role.CLERK),
    )
    assert (fields.username, fields.display_name, fields.roles) == (
        "lisi",
        "李四",
        ("clerk", "reviewer"),
    )
    assert fields.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PasswordHasher().verify(fields.password_hash, "Lanzhou-2025")


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"password": "123456"}, WeakPasswordError, None),
        ({"roles": ()}, AccountError, "请至少选择一个角色"),
        (
            {"roles": (Role.DISABILITY_AGENCY,)},
            AccountError,
            "残疾人就业服务机构的账户须填写机构编号",
        ),
        ({"username": "a b"}, AccountError, "用户名须为2至32个字符，不能含空格或控制字符"),
        ({"display_name": ""}, AccountError, "姓名不能为空，且不超过50个字"),
    ],
)
def test_bad_central_account_input_is_refused_in_chinese(
    changes: dict[str, object], error: type[Exception], message: str | None
) -> None:
    arguments: dict[str, object] = {
        "username": "lisi",
        "display_name": "李四",
        "password": "Lanzhou-2025",
        "roles": (Role.CLERK,),
    }
    arguments.update(changes)
    with pytest.raises(error) as refused:
        prepare_central_account(**arguments)  # type: ignore[arg-type]
    assert any("\u4e00" <= char <= "\u9fff" for char in refused.value.message)  # type: ignore[attr-defined]
    if message is not None:
        assert refused.value.message == message  # type: ignore[attr-defined]


def test_a_central_password_reset_checks_the_policy() -> None:
    with pytest.raises(WeakPasswordError):
        prepare_central_password("lisi", "lisi1234")
    assert prepare_central_password("lisi", "Tianshui#2026").startswith("$argon2id$")
