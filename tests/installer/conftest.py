"""Fixtures of the installer tests: the package `make dist` built, and a throw-away root.

The root is this machine's own file system seen through an overlay (writes land in a
temporary upper folder, the machine is untouched) in a private mount namespace, with the
source tree and the build's Python hidden. dpkg runs inside it for real: dependencies are
checked against the installed system, maintainer scripts run, files land under /opt.
A debootstrap root would be cleaner still but needs the Debian mirror at every run; instead
test_bundle_needs_only_declared_libraries checks that every system library the bundle loads
comes from a package its Depends line names (installer/README.md, "Tests").
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
# What the package is built from: newer than the .deb means `make dist` must run again.
SOURCES = ("desktop", "widgets", "printing", "devices", "installer", "pyproject.toml", "Makefile")
MAKE_DIST_TIMEOUT_S = 1500
# Hidden inside the root, so the installed client cannot lean on the source tree or the
# Python that built it.
HIDDEN_IN_ROOT = (ROOT, Path(sys.prefix), Path(sys.base_prefix))


def _missing(reason: str) -> None:
    """As tests/conftest.py: a failure under CI (make test installs it all), else a skip."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*")
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


def _deb_path() -> Path:
    sys.path.insert(0, str(ROOT))
    from installer.build_deb import debian_architecture, project_version

    return DIST / f"dengji_{project_version()}_{debian_architecture()}.deb"


@dataclass(frozen=True)
class DistBuild:
    """The outputs of `make dist` and whether this test session built them."""

    deb: Path
    bundle: Path
    built_now: bool
    build_seconds: float | None


@pytest.fixture(scope="session")
def dist_build() -> DistBuild:
    """dist/dengji_<version>_<arch>.deb and dist/dengji, rebuilt with `make dist` unless both
    are newer than every source file (a build made earlier by the same session of work)."""
    if sys.platform != "linux" or shutil.which("dpkg-deb") is None:
        _missing("需要 Debian 系统的 dpkg-deb 才能生成安装包")
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        _missing("安装测试需以 root 运行（挂载 overlay、chroot）")
    deb = _deb_path()
    bundle = DIST / "dengji"
    fresh = (
        deb.exists()
        and (bundle / "dengji").exists()
        and min(deb.stat().st_mtime, (bundle / "dengji").stat().st_mtime) > _newest_source_mtime()
    )
    if fresh:
        return DistBuild(deb, bundle, built_now=False, build_seconds=None)
    started = time.monotonic()
    result = subprocess.run(
        ["make", "-s", "dist"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=MAKE_DIST_TIMEOUT_S,
    )
    seconds = time.monotonic() - started
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"make dist 失败：\n{output}"
    assert deb.exists(), f"make dist 未生成 {deb}"
    print(f"make dist: {seconds:.0f} s")
    return DistBuild(deb, bundle, built_now=True, build_seconds=seconds)


def _outermost(paths: Sequence[Path]) -> list[Path]:
    """The existing folders of `paths` that lie inside none of the others."""
    folders = [path.resolve() for path in paths if path.is_dir()]
    return sorted(
        {path for path in folders if not any(o != path and path.is_relative_to(o) for o in folders)}
    )


MIGRATIONS = "desktop/store/migrations/versions"


def _migration_files(commit: str | None) -> set[str]:
    """The migration scripts of a commit (None: of the work tree)."""
    if commit is None:
        return {p.name for p in (ROOT / MIGRATIONS).glob("0*.py")}
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{commit}:{MIGRATIONS}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name for name in listing.split() if name.startswith("0") and name.endswith(".py")}


def previous_schema_commit() -> str | None:
    """The newest commit whose database schema is older than the work tree's: the "version N"
    an upgrade starts from. None without git history."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    log = subprocess.run(
        ["git", "log", "--format=%H", "--", MIGRATIONS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    current = _migration_files(None)
    for commit in log.stdout.split():
        files = _migration_files(commit)
        if files < current:
            return commit
    return None


@pytest.fixture(scope="session")
def previous_release_deb(dist_build: DistBuild, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Version N: the client as of the newest commit with an older schema, bundled with the
    current spec and packaged as <version>~previous (dpkg orders it before <version>)."""
    commit = previous_schema_commit()
    if commit is None and (ROOT / ".git" / "shallow").exists():
        # A shallow CI clone: fetch the history the upgrade starts from, if the remote allows.
        subprocess.run(
            ["git", "fetch", "--quiet", "--unshallow"], cwd=ROOT, capture_output=True, timeout=120
        )
        commit = previous_schema_commit()
    if commit is None:
        # Not a missing system package but missing history: no earlier release to upgrade from.
        pytest.skip("升级测试需要 git 历史中较早的数据库结构版本（浅克隆且无法取得历史）")
    tree = tmp_path_factory.mktemp("previous-release")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    for name in ("dengji.spec", "launcher.py"):  # the commit may predate the installer
        shutil.copyfile(ROOT / "installer" / name, tree / "installer" / name)
    result = subprocess.run(
        [
            str(Path(sys.prefix) / "bin" / "pyinstaller"),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(tree / "dist"),
            "--workpath",
            str(tree / "build"),
            "installer/dengji.spec",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=MAKE_DIST_TIMEOUT_S,
    )
    assert result.returncode == 0, f"旧版本打包失败：{result.stderr[-3000:]}"
    from installer.build_deb import build_deb, project_version

    version = f"{project_version()}~previous"
    return build_deb(tree / "dist" / "dengji", tree / "debs", version, "zstd")


class InstallRoot:
    """A root file system for dpkg and the installed client: the machine's own, overlaid."""

    def __init__(self, base: Path) -> None:
        self.upper = base / "upper"
        self.work = base / "work"
        self.merged = base / "merged"
        for folder in (self.upper, self.work, self.merged):
            folder.mkdir(parents=True)

    def path(self, inside: str) -> Path:
        """Where a file the root wrote is seen from outside (the overlay's upper folder)."""
        return self.upper / inside.lstrip("/")

    def put(self, source: Path, inside: str) -> str:
        """Copy a file into the root; returns its path inside."""
        target = self.path(inside)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return inside

    def run(
        self,
        command: Sequence[str],
        env: Mapping[str, str] | None = None,
        timeout: float = 180,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Run `command` chrooted into the root, with only `env` (plus PATH) set."""
        merged = shlex.quote(str(self.merged))
        mounts = [
            f"mount -t overlay overlay -o lowerdir=/,upperdir={shlex.quote(str(self.upper))},"
            f"workdir={shlex.quote(str(self.work))} {merged}",
            f"mount --rbind /dev {merged}/dev",
            f"mount -t proc proc {merged}/proc",
            f"mount -t tmpfs tmpfs {merged}/run",
        ]
        for hidden in _outermost(HIDDEN_IN_ROOT):
            mounts.append(f"mount -t tmpfs tmpfs {merged}{shlex.quote(str(hidden))}")
        environment = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C.UTF-8",
            **(env or {}),
        }
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items())
        script = " && ".join(
            [*mounts, f"exec chroot {merged} /usr/bin/env -i {exports} {shlex.join(command)}"]
        )
        result = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check:
            assert result.returncode == 0, (
                f"{shlex.join(command)} 退出码 {result.returncode}\n"
                f"stdout: {result.stdout[-3000:]}\nstderr: {result.stderr[-3000:]}"
            )
        return result


@pytest.fixture
def install_root(tmp_path: Path) -> Iterator[InstallRoot]:
    """A fresh overlay root; its upper folder is removed afterwards."""
    root = InstallRoot(tmp_path / "root")
    yield root
    shutil.rmtree(tmp_path / "root", ignore_errors=True)
