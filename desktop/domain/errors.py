"""Typed errors of the domain rules, each carrying the Chinese message the UI shows."""


class DomainError(Exception):
    """A rule was broken; `message` is the Chinese text shown to the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
