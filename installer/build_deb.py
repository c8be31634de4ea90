"""Builds the Debian package of dengji from a PyInstaller bundle (dist/dengji) with dpkg-deb.

    .venv/bin/python -m installer.build_deb --bundle dist/dengji --out dist
        [--version 0.1.0] [--compression xz|gzip|zstd|none]

The package installs the bundle under /opt/dengji, /usr/bin/dengji, the desktop entry and the
icons (hicolor theme), with the control files of installer/debian/. `make dist` runs this.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEBIAN_DIR = Path(__file__).resolve().parent / "debian"
ICONS_DIR = Path(__file__).resolve().parent / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
MAINTAINER_SCRIPTS = ("postinst", "prerm", "postrm")
INSTALL_DIR = "opt/dengji"


class DebBuildError(Exception):
    """The package could not be built; `.message` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The version in pyproject.toml, which is the package's version."""
    return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])


def debian_architecture() -> str:
    """The Debian name of this machine's architecture (amd64, arm64, loongarch64…)."""
    result = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def _directory_size_kib(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += (path.stat().st_size + 1023) // 1024
    return total


def stage_tree(bundle: Path, staging: Path, version: str, architecture: str) -> None:
    """Lay out the package's files and control files under `staging`."""
    if not (bundle / "dengji").is_file():
        raise DebBuildError(f"未找到打包好的客户端：{bundle / 'dengji'}（请先运行 make dist）")
    opt = staging / INSTALL_DIR
    opt.parent.mkdir(parents=True)
    shutil.copytree(bundle, opt, symlinks=True)
    for cache in list(opt.rglob("__pycache__")):
        shutil.rmtree(cache)
    launcher = staging / "usr/bin/dengji"
    launcher.parent.mkdir(parents=True)
    shutil.copyfile(DEBIAN_DIR / "dengji.sh", launcher)
    launcher.chmod(0o755)
    applications = staging / "usr/share/applications"
    applications.mkdir(parents=True)
    shutil.copyfile(DEBIAN_DIR / "dengji.desktop", applications / "dengji.desktop")
    hicolor = staging / "usr/share/icons/hicolor"
    for size in PNG_SIZES:
        folder = hicolor / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        shutil.copyfile(ICONS_DIR / f"dengji-{size}.png", folder / "dengji.png")
    scalable = hicolor / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copyfile(ICONS_DIR / "dengji.svg", scalable / "dengji.svg")
    pixmaps = staging / "usr/share/pixmaps"  # menus that do not follow the icon theme
    pixmaps.mkdir(parents=True)
    shutil.copyfile(ICONS_DIR / "dengji-48.png", pixmaps / "dengji.png")

    control_dir = staging / "DEBIAN"
    control_dir.mkdir()
    control = (DEBIAN_DIR / "control.in").read_text(encoding="utf-8")
    control = (
        control.replace("@VERSION@", version)
        .replace("@ARCH@", architecture)
        .replace("@INSTALLED_SIZE@", str(_directory_size_kib(staging)))
    )
    (control_dir / "control").write_text(control, encoding="utf-8")
    for script in MAINTAINER_SCRIPTS:
        target = control_dir / script
        shutil.copyfile(DEBIAN_DIR / script, target)
        target.chmod(0o755)
    for path in staging.rglob("*"):  # dpkg-deb refuses group/other-writable control files
        if not path.is_symlink():
            mode = path.stat().st_mode & 0o7777
            path.chmod(mode & ~0o022)


def build_deb(
    bundle: Path,
    out_dir: Path,
    version: str | None = None,
    compression: str = "xz",
) -> Path:
    """Build dengji_<version>_<arch>.deb in `out_dir` from the bundle; returns its path."""
    version = version or project_version()
    architecture = debian_architecture()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"dengji_{version}_{architecture}.deb"
    with tempfile.TemporaryDirectory(prefix="dengji-deb-") as scratch:
        staging = Path(scratch) / "root"
        stage_tree(bundle, staging, version, architecture)
        command = ["dpkg-deb", "--root-owner-group", f"-Z{compression}"]
        if compression == "xz":
            command.append("-z6")
        result = subprocess.run(
            [*command, "--build", str(staging), str(target)],
            capture_output=True,
            text=True,
            env=os.environ | {"LC_ALL": "C"},
        )
        if result.returncode != 0:
            raise DebBuildError(f"dpkg-deb 打包失败：{result.stderr.strip()}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "dengji")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--version", default=None, help="默认取 pyproject.toml 的版本")
    parser.add_argument("--compression", default="xz", choices=("xz", "gzip", "zstd", "none"))
    options = parser.parse_args(argv)
    try:
        target = build_deb(options.bundle, options.out, options.version, options.compression)
    except DebBuildError as error:
        print(f"错误：{error.message}", file=sys.stderr)
        return 2
    print(f"已生成 {target}（{target.stat().st_size / 1e6:.1f} MB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
