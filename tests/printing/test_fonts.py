"""CJK font discovery and registration."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.domain.errors import DomainError
from printing import fonts
from printing.errors import FontNotFoundError

UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
needs_debian_fonts = pytest.mark.skipif(
    not (UMING.exists() and ZENHEI.exists()), reason="fonts-arphic-uming / fonts-wqy-zenhei"
)


def test_no_font_anywhere_gives_the_chinese_message(tmp_path: Path) -> None:
    with pytest.raises(FontNotFoundError) as caught:
        fonts.choose_fonts([tmp_path])
    assert isinstance(caught.value, DomainError)
    assert caught.value.message.startswith("未找到中文字体（宋体/黑体），请安装")
    assert "DENGJI_FONT_DIR" in caught.value.message


@needs_debian_fonts
def test_debian_faces_song_for_body_hei_for_titles() -> None:
    choice = fonts.choose_fonts([UMING.parent, ZENHEI.parent])
    assert choice.body.path == UMING
    assert choice.body.family == "AR PL UMing CN"  # the simplified-Chinese face of the .ttc
    assert choice.title.path == ZENHEI
    assert choice.letter == choice.body  # no FangSong on Debian: letters use the Song face


@needs_debian_fonts
@pytest.mark.skipif(not MICROHEI.exists(), reason="fonts-wqy-microhei (the Makefile installs it)")
def test_list_cells_take_the_light_sans_face(tmp_path: Path) -> None:
    for font in (UMING, ZENHEI, MICROHEI):
        (tmp_path / font.name).symlink_to(font)
    choice = fonts.choose_fonts([tmp_path])
    assert choice.list_cells.path == tmp_path / MICROHEI.name
    assert choice.list_cells.family == "WenQuanYi Micro Hei"
    assert choice.body.path == tmp_path / UMING.name  # letters and forms keep the Song face


@needs_debian_fonts
def test_without_a_light_sans_face_lists_use_the_title_face(tmp_path: Path) -> None:
    for font in (UMING, ZENHEI):
        (tmp_path / font.name).symlink_to(font)
    choice = fonts.choose_fonts([tmp_path])
    assert choice.list_cells == choice.title


@needs_debian_fonts
def test_family_names_are_read_from_the_collection() -> None:
    faces = fonts.read_family_names(UMING)
    assert len(faces) == 4
    assert "AR PL UMing CN" in faces[0]
    assert "AR PL UMing TW" in faces[2]


@needs_debian_fonts
def test_font_dir_env_comes_first(tmp_path: Path) -> None:
    (tmp_path / "uming.ttc").symlink_to(UMING)
    dirs = fonts.system_font_dirs(
        {"DENGJI_FONT_DIR": str(tmp_path), "HOME": "/nonexistent"}, "linux"
    )
    assert dirs[0] == tmp_path
    choice = fonts.choose_fonts(dirs[:1])
    assert choice.body.path == tmp_path / "uming.ttc"
    assert choice.title == choice.body  # only a Song face there: titles fall back to it


@needs_debian_fonts
def test_a_broken_font_file_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "simsun.ttc").write_bytes(b"ttcf\x00\x01")  # truncated, preferred by name
    (tmp_path / "uming.ttc").symlink_to(UMING)
    assert fonts.choose_fonts([tmp_path]).body.path == tmp_path / "uming.ttc"


def test_platform_folders() -> None:
    windows = fonts.system_font_dirs({"WINDIR": r"C:\Windows"}, "win32")
    assert Path(r"C:\Windows") / "Fonts" in windows
    mac = fonts.system_font_dirs({"HOME": "/Users/x"}, "darwin")
    assert Path("/System/Library/Fonts") in mac and Path("/Users/x/Library/Fonts") in mac


@needs_debian_fonts
def test_registration_is_cached_and_names_are_stable() -> None:
    first = fonts.register_fonts()
    assert fonts.register_fonts() is first
    assert (first.body, first.title) == (fonts.BODY_FONT, fonts.TITLE_FONT)


def test_minimal_name_table_is_well_formed() -> None:
    table = fonts.minimal_name_table("UMingCN")
    count = int.from_bytes(table[2:4], "big")
    storage = int.from_bytes(table[4:6], "big")
    assert count == 4 and storage == 6 + 12 * count
    assert table[storage:].decode("utf-16-be").startswith("UMingCN")
