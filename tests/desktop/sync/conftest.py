"""Fixtures for the sync tests: fresh central databases, simulated counters, a TCP server.

`central` makes a fresh database per test module on the shared throw-away PostgreSQL of
tests/conftest.py (Unix socket, trust). `tcp_server` starts a second cluster that also listens
on 127.0.0.1 with SCRAM passwords, for tests that need real logins over TCP (security) or must
stop and start the server (faults; those start their own with `start_postgres_server`).
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from desktop.sync.central import CounterAccount, add_counter, init_central
from tests.conftest import _missing, _postgres_bin


@dataclass
class PostgresServer:
    """A throw-away cluster: Unix socket (trust) for the administrator, TCP with passwords."""

    base: Path
    data: Path
    socket_dir: Path
    port: int
    user: str
    prefix: list[str]
    pg_ctl: str

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, database: str, user: str, port: int | None = None) -> str:
        return f"postgresql://{user}@127.0.0.1:{port or self.port}/{database}"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.prefix, self.pg_ctl, "-D", str(self.data), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = (
            f"-k {self.socket_dir} -p {self.port} -c listen_addresses='127.0.0.1'"
            " -c fsync=off -c max_connections=200"
        )
        self._ctl("-o", options, "-w", "-l", str(self.base / "log"), "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_postgres_server(tmp_path_factory: pytest.TempPathFactory) -> PostgresServer:
    """A new cluster on a free TCP port (skips when PostgreSQL is not installed)."""
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if initdb is None or pg_ctl is None or sys.platform == "win32":
        _missing("PostgreSQL server binaries not installed (make test installs them)")
    assert initdb is not None and pg_ctl is not None
    prefix: list[str] = []
    user = getpass.getuser()
    if os.geteuid() == 0:
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            _missing("running as root and no postgres user to run the server")
        base = Path(tempfile.mkdtemp(prefix="dengji-pgtcp-"))
        os.chown(base, pw.pw_uid, pw.pw_gid)
        prefix, user = ["runuser", "-u", "postgres", "--"], "postgres"
    else:
        base = tmp_path_factory.mktemp("pgtcp")
    data, socket_dir = base / "data", base / "sock"
    run = functools.partial(subprocess.run, check=True, capture_output=True, timeout=120)
    run([*prefix, "mkdir", str(socket_dir)])
    run([*prefix, initdb, "-D", str(data), "-U", user, "--auth-local=trust", "-E", "UTF8"])
    # The administrator on the socket; everyone over TCP with a SCRAM password.
    hba = (
        "local all all trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n"
        "host all all ::1/128 scram-sha-256\n"
    )
    run([*prefix, "sh", "-c", f"printf '%s' '{hba}' > {data / 'pg_hba.conf'}"])
    server = PostgresServer(base, data, socket_dir, _free_port(), user, prefix, pg_ctl)
    server.start()
    return server


def stop_postgres_server(server: PostgresServer) -> None:
    with contextlib.suppress(subprocess.CalledProcessError):  # stopped by the test already
        server.stop("immediate")
    if os.geteuid() == 0:
        shutil.rmtree(server.base, ignore_errors=True)


@pytest.fixture(scope="session")
def tcp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = start_postgres_server(tmp_path_factory)
    try:
        yield server
    finally:
        stop_postgres_server(server)


# --------------------------------------------------------------------------- central databases


@dataclass
class CentralDatabase:
    """A fresh central database set up by `init_central`."""

    name: str
    admin_url: str
    tcp: PostgresServer | None = None
    accounts: list[CounterAccount] = field(default_factory=list)

    def add_counter(
        self, region: str, *, name: str = "测试窗口", agency: str | None = None
    ) -> CounterAccount:
        account = add_counter(self.admin_url, region_code=region, name=name, agency_id=agency)
        self.accounts.append(account)
        return account

    def counter_url(self, account: CounterAccount, *, port: int | None = None) -> str:
        """Where the counter connects: over TCP when the server has it, else the socket."""
        if self.tcp is None:
            return account.url
        return self.tcp.tcp_url(self.name, account.role_name, port)

    def admin(self) -> Any:
        import psycopg

        url = make_url(self.admin_url)
        return psycopg.connect(
            dbname=self.name,
            user=url.username,
            host=str(url.query["host"]),
            port=str(url.query.get("port", "5432")),
            autocommit=True,
        )


def _admin_parts(server_url: str) -> tuple[str, str, str]:
    url = make_url(server_url)
    return str(url.username), str(url.query["host"]), str(url.query.get("port", "5432"))


def create_central(server_url: str, label: str) -> CentralDatabase:
    """CREATE DATABASE on the server of `server_url` (an administrator's URL), then init."""
    import psycopg

    user, host, port = _admin_parts(server_url)
    name = f"{re.sub(r'[^a-z0-9]', '_', label.lower())[:30]}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(dbname="postgres", user=user, host=host, port=port, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    admin_url = f"postgresql://{user}@/{name}?host={host}&port={port}"
    init_central(admin_url)
    return CentralDatabase(name, admin_url)


def drop_central(central: CentralDatabase) -> None:
    """Drop the database and the cluster-wide roles it made."""
    import psycopg

    user, host, port = _admin_parts(central.admin_url)
    with psycopg.connect(dbname=central.name, user=user, host=host, port=port) as c:
        roles = [
            row[0] for row in c.execute("SELECT role_name FROM dengji_central.counter_account")
        ]
        group = c.execute(
            "SELECT value FROM dengji_central.setting WHERE key = 'counter_group'"
        ).fetchone()
    with psycopg.connect(dbname="postgres", user=user, host=host, port=port, autocommit=True) as c:
        c.execute(f'DROP DATABASE "{central.name}" WITH (FORCE)')
        for role in [*roles, *(group or ())]:
            c.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture(scope="module")
def central(postgres_url: str, request: pytest.FixtureRequest) -> Iterator[CentralDatabase]:
    """A fresh central database for this test module (shared PostgreSQL, Unix socket)."""
    made = create_central(postgres_url, request.module.__name__.rsplit(".", 1)[-1])
    try:
        yield made
    finally:
        drop_central(made)


@pytest.fixture(scope="module")
def tcp_central(
    tcp_server: PostgresServer, request: pytest.FixtureRequest
) -> Iterator[CentralDatabase]:
    """A fresh central database on the TCP server: counters log in with their passwords."""
    made = create_central(tcp_server.admin_url(), request.module.__name__.rsplit(".", 1)[-1])
    made.tcp = tcp_server
    try:
        yield made
    finally:
        drop_central(made)


@pytest.fixture(autouse=True)
def _shipped_reference_tables_after_each_test() -> Iterator[None]:
    """A sync points the domain's code tables and regions at the counter's downloaded files
    (process-wide); the next test, in any folder, must see the shipped ones again."""
    yield
    from desktop.sync.reference import use_reference_overrides

    use_reference_overrides(None)
