"""The Debian package of `make dist`: installed into a throw-away root, used, upgraded, removed."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from devices.emulators.idcard_reader import demo_cards, running_emulator
from tests.installer.conftest import ROOT, DistBuild, InstallRoot

pytestmark = [pytest.mark.dist, pytest.mark.slow, pytest.mark.timeout(1800)]

CLERK_HOME = "/home/clerk"
CLERK_ENV = {
    "HOME": CLERK_HOME,
    "QT_QPA_PLATFORM": "offscreen",
    "DENGJI_LANG": "zh",
}
DATABASE = f"{CLERK_HOME}/.local/share/dengji/dengji.sqlite3"
USER_CONFIG = f"{CLERK_HOME}/.config/dengji/dengji.toml"


def _dpkg_install(root: InstallRoot, deb: Path) -> None:
    inside = root.put(deb, f"/var/cache/dengji-test/{deb.name}")
    root.run(["dpkg", "-i", inside])


def _read_db(root: InstallRoot, query: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"file:{root.path(DATABASE)}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def _head_revision() -> str:
    from desktop.store.db import HEAD_REVISION

    return HEAD_REVISION


def _register_people(root: InstallRoot, persons: int) -> None:
    result = root.run(["dengji", "demo", "--persons", str(persons), "--quiet"], env=CLERK_ENV)
    assert f"{persons} 人" in result.stdout


def _print_commitment(root: InstallRoot, registration_number: str, out: str) -> bytes:
    root.run(
        ["dengji", "print", "commitment", "--registration", registration_number, "--out", out],
        env=CLERK_ENV,
    )
    return root.path(out).read_bytes()


def test_package_installs_menu_entry_command_and_bundle(
    dist_build: DistBuild, install_root: InstallRoot
) -> None:
    _dpkg_install(install_root, dist_build.deb)

    status = install_root.run(["dpkg-query", "-W", "-f", "${Status} ${Version}", "dengji"])
    assert status.stdout.startswith("install ok installed")
    assert install_root.path("/opt/dengji/dengji").is_file()
    assert install_root.path("/usr/bin/dengji").is_file()
    desktop_entry = install_root.path("/usr/share/applications/dengji.desktop").read_text("utf-8")
    assert "Name[zh_CN]=失业登记" in desktop_entry and "Exec=dengji" in desktop_entry
    for icon in ("48x48/apps/dengji.png", "256x256/apps/dengji.png", "scalable/apps/dengji.svg"):
        assert install_root.path(f"/usr/share/icons/hicolor/{icon}").is_file(), icon
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(dist_build.deb), "Depends"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pcscd" in fields and "fonts-arphic-uming | fonts-wqy-zenhei" in fields


def test_installed_client_starts_reads_a_card_prints_and_is_removed(
    dist_build: DistBuild, install_root: InstallRoot
) -> None:
    _dpkg_install(install_root, dist_build.deb)

    # The counter client itself, offscreen, on a fresh data folder: window painted, database
    # created (with its migrations) and searchable.
    shown = install_root.run(["dengji"], env={**CLERK_ENV, "DENGJI_EXIT_AFTER_SHOWN": "1"})
    assert re.search(r"^shown \d", shown.stdout, re.M), shown.stdout
    assert re.search(r"^ready \d", shown.stdout, re.M), shown.stdout
    assert _read_db(install_root, "SELECT version_num FROM alembic_version") == [
        (_head_revision(),)
    ]

    # A resident ID card through the MPS emulator on a pseudo-terminal.
    card = demo_cards()["resident"]
    with running_emulator() as emulator:
        emulator.place_card(card)
        read = install_root.run(
            ["dengji", "card", "read", "--port", emulator.port, "--json", "--timeout", "10"],
            env=CLERK_ENV,
        )
    data = json.loads(read.stdout)
    assert data["name"] == "马晓燕"
    assert data["id_number"].startswith("62290119880516152")

    # A commitment letter as PDF, with the CJK fonts the package depends on.
    _register_people(install_root, 20)

    # The 三统一 check's first run folds the journal in worker processes the bundled executable
    # spawns of itself (launcher.py: freeze_support); forced here for a small journal.
    month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    check = ["dengji", "report", "check", "--month", month, "--json"]
    spawning = {**CLERK_ENV, "DENGJI_FOLD_PROCESSES_FROM_ROWS": "1"}
    first = install_root.run(check, env=spawning, check=False, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "could not fold" not in first.stderr and "Traceback" not in first.stderr
    first_check = json.loads(first.stdout)
    assert first_check["worker_processes"] == 2 and first_check["consistent"]
    again = json.loads(install_root.run(check, env=CLERK_ENV).stdout)  # kept folds, no workers
    assert again["worker_processes"] == 0 and again["consistent"]
    assert again["ledger_count"] == first_check["ledger_count"]
    assert again["registrations_checked"] == first_check["registrations_checked"] > 0
    (number,) = _read_db(install_root, "SELECT number FROM registration ORDER BY number LIMIT 1")[0]
    pdf = _print_commitment(install_root, str(number), "/home/clerk/letter.pdf")
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(install_root.path("/home/clerk/letter.pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "失业登记书面承诺书" in text and str(number) in text

    # A site configuration for every clerk's account (/usr/bin/dengji passes it on).
    site_config = install_root.path("/etc/dengji/dengji.toml")
    site_config.parent.mkdir(parents=True)
    site_config.write_text("demo = true\n[registration]\nworking_days = 3\n", encoding="utf-8")
    deadline = install_root.run(["dengji", "rules", "deadline", "2025-09-30"], env=CLERK_ENV)
    assert json.loads(deadline.stdout)["working_days"] == 3

    # Remove: the program goes, the clerk's data and the site configuration stay.
    install_root.run(["dpkg", "-r", "dengji"])
    assert not install_root.path("/opt/dengji/dengji").exists()
    assert install_root.run(["sh", "-c", "command -v dengji"], check=False).returncode != 0
    assert install_root.run(["test", "-e", "/usr/share/applications/dengji.desktop"],
                            check=False).returncode != 0  # fmt: skip
    assert install_root.run(["test", "-d", "/opt/dengji"], check=False).returncode != 0
    assert install_root.path(DATABASE).exists()
    assert install_root.path("/etc/dengji/dengji.toml").exists()
    status = install_root.run(["dpkg-query", "-W", "-f", "${Status}", "dengji"])
    assert status.stdout == "deinstall ok config-files"

    # Purge: the site configuration goes too; a clerk's own data is never the package's.
    install_root.run(["dpkg", "-P", "dengji"])
    assert install_root.run(["test", "-e", "/etc/dengji"], check=False).returncode != 0
    assert install_root.path(DATABASE).exists()
    gone = install_root.run(["dpkg-query", "-W", "dengji"], check=False)
    assert gone.returncode != 0


def test_upgrade_keeps_the_database_and_migrates_it(
    dist_build: DistBuild, previous_release_deb: Path, install_root: InstallRoot
) -> None:
    # Version N: the client of an earlier commit, with an older schema; clerks register people.
    _dpkg_install(install_root, previous_release_deb)
    _register_people(install_root, 50)
    (revision_n,) = _read_db(install_root, "SELECT version_num FROM alembic_version")[0]
    assert revision_n != _head_revision(), "version N must have an older schema"
    persons_before = _read_db(install_root, "SELECT count(*) FROM person")[0][0]
    events_before = _read_db(install_root, "SELECT count(*) FROM journal")[0][0]
    assert persons_before == 50

    # Version N+1: this tree's package, installed over it.
    _dpkg_install(install_root, dist_build.deb)
    version = install_root.run(["dpkg-query", "-W", "-f", "${Version}", "dengji"]).stdout
    assert not version.endswith("~previous")
    # The first start of N+1 migrates the database it finds, and loses nothing.
    listing = install_root.run(["dengji", "accounts", "list"], env=CLERK_ENV)
    assert json.loads(listing.stdout), "demo accounts survive the upgrade"
    assert _read_db(install_root, "SELECT version_num FROM alembic_version") == [
        (_head_revision(),)
    ]
    assert _read_db(install_root, "SELECT count(*) FROM person")[0][0] == persons_before
    assert _read_db(install_root, "SELECT count(*) FROM journal")[0][0] >= events_before
    (number,) = _read_db(install_root, "SELECT number FROM registration ORDER BY number LIMIT 1")[0]
    assert _print_commitment(install_root, str(number), "/home/clerk/after.pdf").startswith(b"%PDF")
    # Every installed file is as version N+1 packaged it.
    leftovers = install_root.run(["dpkg", "--verify", "dengji"], check=False)
    assert leftovers.returncode == 0, leftovers.stdout


def test_bundle_needs_only_declared_libraries(dist_build: DistBuild) -> None:
    """Every shared library the bundle loads from the system belongs to a package in the
    closure of its Depends (or Recommends, for the optional Wayland plugins): what a clean
    Debian-based system gets by installing the package."""
    control = subprocess.run(
        ["dpkg-deb", "--field", str(dist_build.deb), "Depends", "Recommends"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    declared = set()
    for line in control.splitlines():
        _, _, names = line.partition(":")
        for alternative in names.split(","):
            declared.update(a.strip().split(" ")[0] for a in alternative.split("|"))
    closure = _dependency_closure(declared)

    bundle_files = {p.name for p in dist_build.bundle.rglob("*.so*")}
    needed: set[str] = set()
    for elf in [dist_build.bundle / "dengji", *dist_build.bundle.rglob("*.so*")]:
        if any(part in str(elf).lower() for part in ("wayland", "wlshell")):
            continue  # the Wayland plugins are optional (Recommends); X11 (xcb) is the default
        dynamic = subprocess.run(["readelf", "-d", str(elf)], capture_output=True, text=True)
        needed.update(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic.stdout))
    undeclared = {}
    for library in sorted(needed - bundle_files):
        owner = _owning_package(library)
        if owner is None or owner not in closure:
            undeclared[library] = owner
    assert not undeclared, f"系统库未在 Depends 中声明：{undeclared}"


def _owning_package(library: str) -> str | None:
    found = subprocess.run(["dpkg", "-S", f"*/{library}"], capture_output=True, text=True)
    for line in found.stdout.splitlines():
        package = line.split(":")[0]
        if not line.startswith("diversion"):
            return package
    return None


def _dependency_closure(packages: set[str]) -> set[str]:
    """The installed packages that `packages` pull in (Depends and Pre-Depends, recursively)."""
    closure: set[str] = set()
    pending = [p for p in packages if _installed(p)]
    while pending:
        package = pending.pop()
        if package in closure:
            continue
        closure.add(package)
        fields = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Depends}, ${Pre-Depends}", package],
            capture_output=True,
            text=True,
        ).stdout
        for item in fields.split(","):
            for alternative in item.split("|"):
                name = alternative.strip().split(" ")[0].split(":")[0]
                if name and name not in closure and _installed(name):
                    pending.append(name)
    return closure


def _installed(package: str) -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Status}", package], capture_output=True, text=True
    )
    return status.stdout.endswith("install ok installed")


def test_bundle_carries_the_data_files_of_the_source_tree(dist_build: DistBuild) -> None:
    """Code tables, migrations, translations and any other non-Python file of the client's
    packages are in the bundle, where importlib.resources and __file__ paths look."""
    internal = dist_build.bundle / "_internal"
    expected = []
    for package in ("desktop", "widgets", "printing", "devices"):
        for path in (ROOT / package).rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix != ".py" or "migrations" in path.parts:
                expected.append(path.relative_to(ROOT))
    assert expected
    missing = [str(p) for p in expected if not (internal / p).is_file()]
    assert not missing, f"安装包缺少数据文件：{missing}"
