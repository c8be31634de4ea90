"""Typed errors of the local store, each carrying the Chinese message the clerk sees."""

from __future__ import annotations

from pathlib import Path

from desktop.domain.errors import DomainError


class StoreError(DomainError):
    """Something went wrong in the local database; `message` is shown to the clerk."""


class DatabaseInUseError(StoreError):
    """Another dengji process holds the database's lock file."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"数据库正被另一个 dengji 窗口使用：{path}")
        self.path = path


class CorruptDatabaseError(StoreError):
    """The database file could not be read; it was renamed aside, never deleted."""

    def __init__(self, path: Path, kept_aside: Path, detail: str = "") -> None:
        message = f"数据库文件已损坏，原文件已另存为 {kept_aside}"
        if detail:
            message += f"（{detail}）"
        super().__init__(message)
        self.path = path
        self.kept_aside = kept_aside
        self.detail = detail


class SchemaTooNewError(StoreError):
    """The database was written by a newer dengji whose schema this program does not know."""

    def __init__(self, path: Path, revision: str) -> None:
        super().__init__(
            f"数据库 {path} 由更新版本的 dengji 创建（结构版本 {revision}），请先升级本程序"
        )
        self.path = path
        self.revision = revision


class MalformedEventError(StoreError):
    """An event (local or from sync) lacks a field or has one of the wrong shape."""


class DuplicatePersonError(StoreError):
    """A clerk tried to record a person whose document number already has a record."""

    def __init__(self, doc_type: str, id_number: str, existing_person_id: str) -> None:
        super().__init__(f"证件号码 {id_number} 已有人员档案，请直接查找并使用该档案")
        self.doc_type = doc_type
        self.id_number = id_number
        self.existing_person_id = existing_person_id
