"""The central database's address: parsing, the TLS rule, and opening a connection to it."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from desktop.sync.errors import CentralConfigError, unreachable

if TYPE_CHECKING:
    import psycopg

# libpq modes that do not insist on TLS; refused for a central server that is not on this
# machine (design.md "Sync": credentials and registrations cross the network).
INSECURE_SSLMODES = frozenset({"disable", "allow", "prefer"})
SECURE_SSLMODES = frozenset({"require", "verify-ca", "verify-full"})
DEFAULT_SECURE_SSLMODE = "require"
DEFAULT_CONNECT_TIMEOUT_S = 5
_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# A dead peer is noticed within about a minute (idle 30 s + 3 probes 10 s apart), so a push
# whose network vanished fails instead of hanging, and is simply repeated.
_KEEPALIVES = {
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}


@dataclass(frozen=True)
class CentralAddress:
    """Where the central database is and who connects, without the password."""

    hosts: tuple[str, ...]  # names, IP addresses or Unix socket directories ("" = default)
    port: int | None
    database: str
    user: str | None
    sslmode: str | None
    options: Mapping[str, str] = field(default_factory=dict)  # sslrootcert, …
    password: str | None = None  # only from an administrator's URL, never a counter's file

    def where(self) -> str:
        """ "host:port/database" for messages."""
        hosts = ",".join(host or "本机" for host in self.hosts)
        port = f":{self.port}" if self.port else ""
        return f"{hosts}{port}/{self.database}"

    def is_local(self) -> bool:
        """True when every host is this machine (loopback address or Unix socket)."""
        return all(is_loopback_host(host) for host in self.hosts)

    def with_user(self, user: str) -> CentralAddress:
        """The same server and database for another role, without any password."""
        return replace(self, user=user, password=None)


def is_loopback_host(host: str) -> bool:
    """A Unix socket directory, "localhost", or a loopback IP address."""
    if not host or host.startswith("/") or host.startswith("@"):
        return True
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere, so it is not trusted as local


def parse_central_url(url: str) -> CentralAddress:
    """Parse "postgresql://user@host:port/db?sslmode=…" (libpq URI; `host=` in the query for
    a socket directory). CentralConfigError with a Chinese message when it is not one."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = (url or "").strip()
    if not text:
        raise CentralConfigError("未配置中心数据库地址（配置文件 [central] url）")
    try:
        parsed = make_url(text)
        port = parsed.port
    except (ArgumentError, ValueError) as error:
        raise CentralConfigError(f"中心数据库地址格式不正确：{text}") from error
    if parsed.drivername not in _SCHEMES:
        raise CentralConfigError(
            f"中心数据库地址应以 postgresql:// 开头，现为「{parsed.drivername}://」"
        )
    if not parsed.database:
        raise CentralConfigError(f"中心数据库地址缺少数据库名：{text}")
    query = {
        key: (value if isinstance(value, str) else ",".join(value))
        for key, value in parsed.query.items()
    }
    host_text = query.pop("host", None) or parsed.host or ""
    sslmode = query.pop("sslmode", None)
    if sslmode is not None and sslmode not in INSECURE_SSLMODES | SECURE_SSLMODES:
        raise CentralConfigError(f"中心数据库地址中的 sslmode「{sslmode}」无效")
    return CentralAddress(
        hosts=tuple(host.strip() for host in host_text.split(",")),
        port=port,
        database=parsed.database,
        user=parsed.username,
        sslmode=sslmode,
        options=query,
        password=parsed.password if isinstance(parsed.password, str) else None,
    )


def require_tls(address: CentralAddress) -> CentralAddress:
    """The address a connection may use: TLS is required when a host is not this machine
    (sslmode=require is added when none is given; disable/allow/prefer are refused)."""
    if address.is_local():
        return address
    if address.sslmode is None:
        return replace(address, sslmode=DEFAULT_SECURE_SSLMODE)
    if address.sslmode in INSECURE_SSLMODES:
        raise CentralConfigError(
            f"中心数据库 {address.where()} 不在本机，必须使用加密连接："
            f"sslmode 应为 require、verify-ca 或 verify-full，现为 {address.sslmode}"
        )
    return address


def build_url(address: CentralAddress, *, driver: str = "postgresql") -> str:
    """The URL of `address` without the password (what a counter's configuration file holds);
    the TLS rule applied. `driver="postgresql+psycopg"` gives SQLAlchemy's form."""
    address = require_tls(address)
    user = f"{quote(address.user, safe='')}@" if address.user else ""
    query: dict[str, str] = dict(address.options)
    netloc_host = ""
    if len(address.hosts) == 1 and address.hosts[0] and not address.hosts[0].startswith("/"):
        host = address.hosts[0]
        netloc_host = f"[{host}]" if ":" in host else host
    elif any(address.hosts):
        query["host"] = ",".join(address.hosts)
    port = f":{address.port}" if address.port else ""
    if address.sslmode:
        query["sslmode"] = address.sslmode
    suffix = f"?{urlencode(query, safe='/,')}" if query else ""
    return f"{driver}://{user}{netloc_host}{port}/{quote(address.database, safe='')}{suffix}"


PUSH_TEMP_BUFFERS_OPTION = "-c temp_buffers=64MB"


def connect_parameters(
    address: CentralAddress,
    password: str | None,
    *,
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT_S,
    application_name: str = "dengji-sync",
) -> dict[str, Any]:
    """psycopg.connect() keyword arguments for `address` (TLS rule applied)."""
    address = require_tls(address)
    parameters: dict[str, Any] = {
        "dbname": address.database,
        "connect_timeout": str(connect_timeout),
        "application_name": application_name,
        **_KEEPALIVES,
        **address.options,
    }
    if any(address.hosts):
        parameters["host"] = ",".join(address.hosts)
    if address.port:
        parameters["port"] = str(address.port)
    if address.user:
        parameters["user"] = address.user
    if address.sslmode:
        parameters["sslmode"] = address.sslmode
    # A push stages a batch in temporary tables (desktop/sync/push.py): with the default 8 MB
    # of temporary buffers a 20,000-event batch would spill to disk. Settable only before the
    # session first touches a temporary table, so at connection start.
    parameters.setdefault("options", PUSH_TEMP_BUFFERS_OPTION)
    password = password if password is not None else address.password
    if password is not None:
        parameters["password"] = password
    return parameters


def connect(
    address: CentralAddress,
    password: str | None,
    *,
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT_S,
    application_name: str = "dengji-sync",
) -> psycopg.Connection[Any]:
    """Open a connection (autocommit off) or raise CentralUnreachableError /
    CentralConfigError with a plain Chinese message ("无法连接中心数据库（…）：…")."""
    import psycopg

    parameters = connect_parameters(
        address, password, connect_timeout=connect_timeout, application_name=application_name
    )
    try:
        return psycopg.connect(**parameters)
    except psycopg.OperationalError as error:
        raise unreachable(address.where(), str(error)) from error
