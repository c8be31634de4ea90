"""Who is signed in at this counter now: one per program, read by every page that acts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from desktop.services.accounts import SignedInClerk
    from desktop.store.journal import Actor
    from desktop.store.queries import RecordScope


class ClerkSession(QObject):
    """The clerk signed in at the counter (None before the first sign-in and while the screen
    is locked). The use cases get the clerk's Actor from here; the status bar, the login
    screen and the pages follow `sig_clerk_changed`."""

    sig_clerk_changed = Signal(object)
    """A clerk signed in (argument: desktop.services.accounts.SignedInClerk) or the counter
    was left (argument: None)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clerk: SignedInClerk | None = None

    @property
    def clerk(self) -> SignedInClerk | None:
        """The clerk signed in now, or None. Safe to read from the database thread."""
        return self._clerk

    def set_clerk(self, clerk: SignedInClerk | None) -> None:
        """Make `clerk` the one acting at the counter (None: nobody)."""
        if clerk == self._clerk:
            return
        self._clerk = clerk
        self.sig_clerk_changed.emit(clerk)

    def actor(self, counter_id: str) -> Actor | None:
        """The signed-in clerk's Actor at this counter, or None."""
        clerk = self._clerk
        return None if clerk is None else clerk.actor(counter_id)

    def record_scope(self) -> RecordScope:
        """The records the signed-in clerk may see (an agency: its delegated ones only)."""
        from desktop.store.queries import RecordScope

        clerk = self._clerk
        if clerk is None or clerk.agency_id is None:
            return RecordScope()
        from desktop.domain.roles import Role

        # Staff of the department itself who also serve an agency see the whole counter.
        if clerk.roles - {Role.DISABILITY_AGENCY}:
            return RecordScope()
        return RecordScope(agency_id=clerk.agency_id)


def clerk_label(clerk: SignedInClerk | None) -> str | None:
    """What the status bar's 经办人 section shows of a clerk: "张丽（窗口经办）", or None."""
    if clerk is None:
        return None
    return f"{clerk.display_name}（{clerk.role_text}）"


_session: ClerkSession | None = None


def clerk_session() -> ClerkSession:
    """The program's one ClerkSession (made on first use, on the GUI thread)."""
    global _session
    if _session is None:
        _session = ClerkSession()
    return _session


def current_record_scope() -> RecordScope:
    """What the signed-in clerk may search (desktop.store.queries.search_persons's scope).
    Called on the database thread too, so it never creates the session object there."""
    from desktop.store.queries import RecordScope

    session = _session
    return RecordScope() if session is None else session.record_scope()
