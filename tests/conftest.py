"""Fixtures that start real services for the tests: a throw-away PostgreSQL server.

Card-reader services (pcscd with vpcd, the ID-card reader emulator on a pty) start in
tests/devices/ and the CUPS queue in tests/printing/, next to the tests that use them.
"""

from __future__ import annotations

import functools
import getpass
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _missing(reason: str) -> None:
    """A service the tests need is missing: a failure under CI (make test installs it all),
    a skip on a developer's machine that lacks it."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a Unix socket; skips when the server is missing.

    initdb refuses to run as root, so under root the cluster runs as the `postgres` user.
    """
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if initdb is None or pg_ctl is None or sys.platform == "win32":
        _missing("PostgreSQL server binaries not installed (make test installs them)")
    prefix: list[str] = []
    user = getpass.getuser()
    if os.geteuid() == 0:
        import pwd  # POSIX only, like running as root

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            _missing("running as root and no postgres user to run the server")
        # pytest's own temporary directories are private to root; the server needs its own.
        base = Path(tempfile.mkdtemp(prefix="dengji-pg-"))
        os.chown(base, pw.pw_uid, pw.pw_gid)
        prefix, user = ["runuser", "-u", "postgres", "--"], "postgres"
    else:
        base = tmp_path_factory.mktemp("pg")
    data, socket_dir = base / "data", base / "sock"
    run = functools.partial(subprocess.run, check=True, capture_output=True, timeout=120)
    run([*prefix, "mkdir", str(socket_dir)])
    run([*prefix, initdb, "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8"])
    options = f"-k {socket_dir} -c listen_addresses='' -c fsync=off"
    run([*prefix, pg_ctl, "-D", str(data), "-o", options, "-w", "start", "-l", str(base / "log")])
    try:
        yield f"postgresql+psycopg://{user}@/postgres?host={socket_dir}"
    finally:
        run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"])
        if os.geteuid() == 0:
            shutil.rmtree(base, ignore_errors=True)
