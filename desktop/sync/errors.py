"""Typed sync errors with the plain-Chinese message the status bar and the CLI show."""

from __future__ import annotations

from desktop.domain.errors import DomainError


class SyncError(DomainError):
    """A sync did not complete; `message` says why, in Chinese. Nothing is lost: the events
    stay waiting and the next sync starts again where this one stopped."""


class CentralConfigError(SyncError):
    """The central database address or the counter's account is missing or not acceptable."""


class CentralUnreachableError(SyncError):
    """The central database could not be reached, or the connection broke during a sync."""


class CentralRefusedError(SyncError):
    """The central database answered but refused what was asked (rights, a bad row)."""


class CredentialsError(SyncError):
    """The counter's central password could not be stored or read."""


# libpq's English messages, first line, to a plain Chinese reason. Checked in order.
_CONNECTION_REASONS: tuple[tuple[str, str], ...] = (
    ("password authentication failed", "用户名或密码错误，请联系管理员重新开通窗口账号"),
    ("no password supplied", "缺少中心数据库密码，请联系管理员重新开通窗口账号"),
    ("pg_hba.conf", "中心数据库不允许本窗口连接（请管理员检查访问控制设置）"),
    ("permission denied for database", "本窗口账号无权连接该中心数据库"),
    ("does not exist", "中心数据库或窗口账号不存在，请检查配置"),
    ("could not translate host name", "无法解析中心数据库的主机名，请检查网络和地址"),
    ("name or service not known", "无法解析中心数据库的主机名，请检查网络和地址"),
    ("connection refused", "连接被拒绝（中心数据库未启动，或地址、端口有误）"),
    ("timeout expired", "连接超时（网络不通或中心数据库无响应）"),
    ("timed out", "连接超时（网络不通或中心数据库无响应）"),
    ("network is unreachable", "网络不可达，请检查网络连接"),
    ("no route to host", "网络不可达，请检查网络连接"),
    ("server does not support ssl", "中心数据库不支持加密连接（TLS），已拒绝不加密连接"),
    ("ssl", "加密连接（TLS）建立失败，请检查证书设置"),
    ("the database system is starting up", "中心数据库正在启动，请稍后重试"),
    ("the database system is shutting down", "中心数据库正在关闭，请稍后重试"),
    ("the database system is in recovery mode", "中心数据库正在恢复，请稍后重试"),
    ("too many connections", "中心数据库连接数已满，请稍后重试"),
    ("terminating connection", "中心数据库中断了连接（可能正在重启）"),
    ("server closed the connection", "连接意外中断"),
    ("connection reset", "连接意外中断"),
    ("consuming input failed", "连接意外中断"),
    ("connection is lost", "连接意外中断"),
    ("connection is closed", "连接意外中断"),
    ("broken pipe", "连接意外中断"),
    ("eof detected", "连接意外中断"),
)


def connection_reason(detail: str) -> str:
    """A plain Chinese reason for a libpq connection error message (English, untranslated)."""
    lowered = detail.lower()
    for pattern, reason in _CONNECTION_REASONS:
        if pattern in lowered:
            return reason
    first_line = detail.strip().splitlines()[0] if detail.strip() else ""
    return f"网络或服务器错误（{first_line[:120]}）" if first_line else "网络或服务器错误"


def unreachable(where: str, detail: str) -> CentralUnreachableError:
    """ "无法连接中心数据库（where）：reason" for a connection that failed or broke."""
    return CentralUnreachableError(f"无法连接中心数据库（{where}）：{connection_reason(detail)}")
