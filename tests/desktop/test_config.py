"""Tests of desktop.config: reading the deployment TOML (readers in the registry's vocabulary)
and writing the reader settings back without losing the rest of the file."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from desktop.config import (
    DEFAULT_POLL_INTERVAL_MS,
    Config,
    ConfigError,
    ReaderSetting,
    load_config,
    reader_setting_problems,
    save_reader_settings,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dengji.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_readers_are_read_with_driver_port_library_name(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'reader_poll_interval_ms = 200\n[[readers]]\ndriver = "mps"\nport = "COM3"\n'
            '[[readers]]\ndriver = "termb"\nport = "1001"\nlibrary = "termb.dll"\n'
            "timeout_s = 4\n",
        )
    )
    assert config.readers == (
        ReaderSetting("mps", "COM3"),
        ReaderSetting("termb", "1001", "termb.dll", timeout_s=4.0),
    )
    assert config.reader_poll_interval_ms == 200


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[readers]]\nkind = "mps-serial"\ntarget = "/dev/ttyUSB0"\n',
            "配置文件中第1个阅读器使用了旧写法 kind/target，"
            "请改为 driver（mps、sdtapi、termb、pcsc）和 port/library",
        ),
        ('readers = "mps"\n', "配置文件中的 readers 应为阅读器列表（[[readers]]）"),
        (
            '[[readers]]\ndriver = "mps"\ntimeout_s = 0\n',
            "配置文件中第1个阅读器的超时 timeout_s 无效",
        ),
        (
            "reader_poll_interval_ms = 10\n",
            "读卡间隔 reader_poll_interval_ms 应在50到5000之间，现为10",
        ),
        ('reader_poll_interval_ms = "fast"\n', "配置文件中的数字无效"),
    ],
)
def test_bad_reader_entries_are_explained(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.message.startswith(message)


def test_problems_of_a_reader_list() -> None:
    assert reader_setting_problems([ReaderSetting("pcsc"), ReaderSetting("sdtapi", "1001")]) == []
    assert reader_setting_problems([], 20) == ["读卡间隔应在50到5000毫秒之间，现为20"]
    assert reader_setting_problems([ReaderSetting("mps", "COM1", timeout_s=-1)]) == [
        "第1个阅读器：超时应大于0秒"
    ]


def test_save_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dengji.toml"
    readers = [
        ReaderSetting("mps", "/dev/ttyUSB0", name="前台身份证阅读器", timeout_s=1.5),
        ReaderSetting("pcsc", "Virtual PCD 00 00"),
    ]
    saved = save_reader_settings(Config(), readers, 250, path)
    assert saved.readers == tuple(readers)
    assert saved.reader_poll_interval_ms == 250
    assert saved == load_config(path)
    assert tomllib.loads(path.read_text(encoding="utf-8"))["readers"][0]["timeout_s"] == 1.5


def test_save_refuses_invalid_settings_and_keeps_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "demo = true\n")
    with pytest.raises(ConfigError, match="须填写串口"):
        save_reader_settings(Config(), [ReaderSetting("mps")], DEFAULT_POLL_INTERVAL_MS, path)
    assert path.read_text(encoding="utf-8") == "demo = true\n"


def test_save_keeps_the_file_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = write(tmp_path, "demo = false\n")
    os.chmod(path, 0o640)
    save_reader_settings(load_config(path), [], 300, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dengji.toml"]


def test_a_broken_file_is_not_overwritten(tmp_path: Path) -> None:
    path = write(tmp_path, "demo = [unclosed\n")
    with pytest.raises(ConfigError, match="配置文件无法读取"):
        save_reader_settings(Config(), [], 300, path)
    assert path.read_text(encoding="utf-8") == "demo = [unclosed\n"
