"""A clerk signed in at the counter for UI tests (desktop/ui/clerk_session.py), signed out after."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from desktop.domain.roles import Role
from desktop.services.accounts import SignedInClerk
from desktop.ui.clerk_session import clerk_session

# A small county office: the same person receives, reviews and keeps the lists.
COUNTY_STAFF = SignedInClerk(
    account_id="00000000-0000-4000-8000-000000000001",
    username="clerk01",
    display_name="王丽娟",
    roles=frozenset({Role.CLERK, Role.REVIEWER, Role.ADMIN}),
)


@contextlib.contextmanager
def signed_in(clerk: SignedInClerk = COUNTY_STAFF) -> Iterator[SignedInClerk]:
    """`clerk` signed in for the block (a QApplication must exist)."""
    session = clerk_session()
    session.set_clerk(clerk)
    try:
        yield clerk
    finally:
        session.set_clerk(None)
