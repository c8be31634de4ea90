"""Staff for the account, authorization and audit tests: actors of each role, cheap hashing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from desktop.domain.roles import DELEGABLE_PERMISSIONS, Delegation, Role
from desktop.services import accounts
from desktop.store.journal import Actor

COUNTER = "620102-01"
AGENCY = "canlian-620102"


@pytest.fixture(autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Real Argon2id at its smallest cost, so a test signs in in milliseconds; the production
    setting is checked by test_accounts.py and measured by bench/bench_login.py."""
    saved = accounts.PASSWORD_HASHING
    accounts.PASSWORD_HASHING = accounts.HashingParameters(1, 8, 1)
    yield
    accounts.PASSWORD_HASHING = saved


def actor(role: Role | None, clerk: str = "", **changes: object) -> Actor:
    """An actor with one role (None: no role at all)."""
    roles = frozenset() if role is None else frozenset({role})
    values: dict[str, object] = {
        "clerk_id": clerk or (role.value if role else "nobody"),
        "counter_id": COUNTER,
        "roles": roles,
    }
    values.update(changes)
    return Actor(**values)  # type: ignore[arg-type]


ADMIN = actor(Role.ADMIN, "admin01")
CLERK = actor(Role.CLERK, "clerk01")
REVIEWER = actor(Role.REVIEWER, "reviewer01")
STATISTICIAN = actor(Role.STATISTICIAN, "stats01")


def delegation(
    valid_from: dt.date = dt.date(2024, 1, 1), valid_until: dt.date = dt.date(2026, 12, 31)
) -> Delegation:
    return Delegation(
        entrusting_department="兰州市城关区人力资源和社会保障局",
        agency=AGENCY,
        scope=DELEGABLE_PERMISSIONS,
        valid_from=valid_from,
        valid_until=valid_until,
        agency_name="城关区残疾人就业服务中心",
        region_code="620102",
    )


def agency_actor(entrusted: Delegation | None = None) -> Actor:
    return actor(
        Role.DISABILITY_AGENCY,
        "canlian01",
        agency_id=AGENCY,
        delegation=entrusted if entrusted is not None else delegation(),
    )
