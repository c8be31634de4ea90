"""The English translation is complete, current, compiled, and keeps every placeholder."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop.ui.i18n.update import QM_FILE, TS_FILE, run_lrelease, run_lupdate

# {name} for str.format, %1 for QString.arg, %n for plural forms.
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z_0-9]*\}|%\d+|%n")


def messages(ts_file: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every message of a .ts file."""
    root = ET.parse(ts_file).getroot()
    found = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found.append((name, message.findtext("source") or "", translation))
    return found


def translated_texts(translation: ET.Element) -> list[str]:
    forms = translation.findall("numerusform")
    return [form.text or "" for form in forms] if forms else [translation.text or ""]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_ts_file_has_every_source_string_and_nothing_stale(tmp_path: Path) -> None:
    fresh = tmp_path / "dengji_en.ts"
    shutil.copy(TS_FILE, fresh)
    run_lupdate(fresh)
    committed = {(context, source) for context, source, _ in messages(TS_FILE)}
    current = {(context, source) for context, source, _ in messages(fresh)}
    assert current - committed == set(), (
        "新的界面文字尚未收入译文：python -m desktop.ui.i18n.update"
    )
    assert committed - current == set(), "译文中有已删除的界面文字"


def test_every_message_is_translated() -> None:
    unfinished = [
        (context, source)
        for context, source, translation in messages(TS_FILE)
        if translation.get("type") in ("unfinished", "vanished", "obsolete")
        or not all(text.strip() for text in translated_texts(translation))
    ]
    assert unfinished == []


@pytest.mark.parametrize(
    ("context", "source", "translation"),
    [pytest.param(*entry, id=f"{entry[0]}:{entry[1][:12]}") for entry in messages(TS_FILE)],
)
def test_placeholders_match_between_source_and_translation(
    context: str, source: str, translation: ET.Element
) -> None:
    for text in translated_texts(translation):
        assert placeholders(text) == placeholders(source), (context, source, text)


def test_placeholder_check_catches_a_mismatch() -> None:
    assert placeholders("共找到 %n 人，{count}") != placeholders("Found people, {cuont}")


def test_compiled_translation_is_current(tmp_path: Path) -> None:
    compiled = tmp_path / "dengji_en.qm"
    run_lrelease(TS_FILE, compiled)
    assert compiled.read_bytes() == QM_FILE.read_bytes(), (
        "请重新运行 python -m desktop.ui.i18n.update"
    )
