"""Typed errors of the printing package, each carrying the Chinese message the clerk sees."""

from desktop.domain.errors import DomainError


class FontNotFoundError(DomainError):
    """No usable CJK TrueType face was found, so no PDF can be built."""


class DocumentDataError(DomainError):
    """The data handed to a document cannot be printed as it is (e.g. a barcode value)."""


class ReferenceListError(DomainError):
    """A seed reference list (policy / service / agency CSV) is missing or malformed."""


class PrintError(DomainError):
    """A print job could not be sent or did not finish; it is NOT reported as printed."""
