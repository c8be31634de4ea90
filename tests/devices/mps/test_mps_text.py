"""Tests of devices.mps.text: resident, J, I and Y text blocks, their checks, and fuzzing."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.card import CardKind, CardSource
from devices.emulators.idcard_reader import (
    DemoCard,
    foreign_i_block,
    foreign_y_block,
    permit_j_block,
    resident_block,
    with_gb11643_check,
)
from devices.errors import CardDataError, CardReadError, FrameError
from devices.mps.text import (
    card_type_flag,
    check_document_number,
    gb11643_check_character,
    parse_text_block,
)


def _resident(**changes: object) -> bytes:
    fields: dict[str, object] = {
        "name": "马晓燕", "sex": "2", "ethnicity": "03", "birth": date(1988, 5, 16),
        "address": "甘肃省临夏回族自治州临夏市八坊街道新华路12号",
        "id_number": "622901198805161522", "issuer": "临夏市公安局",
        "valid_from": date(2018, 6, 12), "valid_until": date(2038, 6, 12),
    }  # fmt: skip
    fields.update(changes)
    return resident_block(**fields)  # type: ignore[arg-type]


def _put(block: bytes, byte_offset: int, value: str) -> bytes:
    encoded = value.encode("utf-16-le")
    return block[:byte_offset] + encoded + block[byte_offset + len(encoded) :]


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "440308199901101512", "810000199408230021", "830000199201300022",
     "932682198501010017", "911124198108030024"],
)  # fmt: skip
def test_documented_numbers_have_valid_check_characters(number: str) -> None:
    assert gb11643_check_character(number[:17]) == number[17]


def test_resident_card_of_a_gansu_person(cards: dict[str, DemoCard]) -> None:
    card = parse_text_block(
        cards["resident"].text, photo_wlt=cards["resident"].photo_wlt, reader_name="柜台1"
    )
    assert card.kind is CardKind.RESIDENT_ID
    assert card.source is CardSource.ID_CARD_READER
    assert (card.name, card.sex, card.ethnicity) == ("马晓燕", "2", "03")
    assert card.birth_date == date(1988, 5, 16)
    assert card.address == "甘肃省临夏回族自治州临夏市八坊街道新华路12号"
    assert card.id_number == "622901198805161522"
    assert card.issuer == "临夏市公安局"
    assert (card.valid_from, card.valid_until) == (date(2018, 6, 12), date(2038, 6, 12))
    assert card.photo_wlt == cards["resident"].photo_wlt
    assert card.reader_name == "柜台1"


def test_long_term_card_has_no_end_of_validity(cards: dict[str, DemoCard]) -> None:
    card = parse_text_block(cards["resident_long_term"].text)
    assert card.valid_until is None
    assert not card.is_expired(date(2099, 1, 1))


def test_check_character_x_is_accepted() -> None:
    card = parse_text_block(_resident(id_number="11010519491231002X", birth=date(1949, 12, 31)))
    assert card.id_number == "11010519491231002X"


def test_hmt_permit_j(cards: dict[str, DemoCard]) -> None:
    card = parse_text_block(cards["permit_j"].text)
    assert card_type_flag(cards["permit_j"].text) == "J"
    assert card.kind is CardKind.HMT_RESIDENCE_PERMIT
    assert (card.name, card.id_number) == ("陈嘉欣", "810000199408230021")
    assert (card.permit_number, card.issue_count) == ("H60123456", 1)
    assert card.ethnicity is None
    assert card.issuer == "兰州市公安局七里河分局"


def test_foreign_permanent_resident_i(cards: dict[str, DemoCard]) -> None:
    card = parse_text_block(cards["foreign_i"].text)
    assert card_type_flag(cards["foreign_i"].text) == "I"
    assert card.kind is CardKind.FOREIGN_PERMANENT_RESIDENT
    assert (card.name, card.name_en, card.nationality) == ("史密斯", "SMITH JOHN", "CAN")
    assert card.id_number == "CAN620080010112"
    assert card.birth_date == date(1980, 1, 1)
    assert (card.valid_from, card.valid_until) == (date(2017, 6, 15), date(2027, 6, 14))


def test_documented_i_number_sample_passes_the_icao_check() -> None:
    # devices.md §3.3 [S34]: PAK310080010103, born 19800101.
    assert check_document_number("I", "PAK310080010103") == "PAK310080010103"


def test_foreign_permanent_resident_y_joins_the_english_name(cards: dict[str, DemoCard]) -> None:
    card = parse_text_block(cards["foreign_y"].text)
    assert card_type_flag(cards["foreign_y"].text) == "Y"
    assert card.kind is CardKind.FOREIGN_PERMANENT_RESIDENT
    assert card.name == "安娜"
    assert card.name_en == "SCHMIDT ANNA MARIA KATHARINA ELISABETH"  # 38 chars: 35 + 3
    assert (card.id_number, card.nationality) == ("962276198501010021", "DEU")
    assert card.issuer == "国家移民管理局"


def test_foreigner_without_chinese_name_is_named_in_english() -> None:
    block = foreign_i_block(
        name_en="DOE JANE", name="", sex="2", number="PAK310080010103", nationality="PAK",
        issued=date(2023, 8, 8), expires=date(2033, 8, 7), birth=date(1980, 1, 1),
    )  # fmt: skip
    assert parse_text_block(block).name == "DOE JANE"


def test_binary_bytes_in_a_reserved_slot_do_not_matter(cards: dict[str, DemoCard]) -> None:
    # §3.4: bytes 250–255 of a Y card hold the link to the old number; not text we read.
    block = cards["foreign_y"].text[:250] + b"\x00\xd8\x01\x02\x03\x04"
    assert parse_text_block(block).name == "安娜"


@pytest.mark.parametrize(
    ("block", "field", "problem"),
    [
        (_resident()[:2] + b"\x00\xd8" + _resident()[4:], "姓名", "UTF-16"),
        (_put(_resident(), 36, "20250230"), "出生日期", "20250230"),
        (_put(_resident(), 188, "2018O612"), "有效期起始日期", "不是日期"),
        (_put(_resident(), 204, "20381332"), "有效期截止日期", "不是有效日期"),
        (_resident(id_number="622901198805161523"), "公民身份号码", "校验位错误（应为 2）"),
        (_resident(id_number="62290119880516152"), "公民身份号码", "格式不正确"),
        (_resident(id_number="6229011988O516152X"), "公民身份号码", "格式不正确"),
        (_resident(sex="3"), "性别", "代码"),
        (_resident(ethnicity="汉"), "民族", "代码"),
        (_resident(name=""), "姓名", "为空"),
        (_resident(address="甘肃省\x01兰州市"), "住址", "无效字符"),
    ],
)
def test_bad_card_data_names_the_field(block: bytes, field: str, problem: str) -> None:
    with pytest.raises(CardDataError) as caught:
        parse_text_block(block)
    assert caught.value.field == field
    assert problem in caught.value.message
    assert caught.value.message.startswith("卡内数据有误：")


def test_y_number_must_start_with_9_and_i_number_must_pass_icao() -> None:
    block = foreign_y_block(
        name="安娜", name_en="ANNA", sex="2", number=with_gb11643_check("86227619850101002"),
        nationality="DEU", birth=date(1985, 1, 1), valid_from=date(2024, 1, 15),
        valid_until=date(2034, 1, 14),
    )  # fmt: skip
    with pytest.raises(CardDataError, match="永久居留证号码"):
        parse_text_block(block)
    with pytest.raises(CardDataError, match="校验位错误"):
        check_document_number("I", "PAK310080010104")


def test_j_issue_count_must_be_digits() -> None:
    block = permit_j_block(
        name="陈嘉欣", sex="2", birth=date(1994, 8, 23), address="兰州", issuer="兰州市公安局",
        id_number="810000199408230021", valid_from=date(2022, 3, 1),
        valid_until=date(2027, 3, 1), permit_number="H60123456", issue_count=1,
    )  # fmt: skip
    with pytest.raises(CardDataError, match="签发次数"):
        parse_text_block(_put(block, 238, "一次"))


@pytest.mark.parametrize("size", [0, 255, 257, 1024])
def test_block_of_wrong_size_is_a_frame_error(size: int) -> None:
    with pytest.raises(FrameError):
        parse_text_block(bytes(size))


@settings(max_examples=400)
@given(st.binary(min_size=256, max_size=256))
def test_fuzz_random_blocks_raise_only_card_read_errors(block: bytes) -> None:
    with contextlib.suppress(CardReadError):
        parse_text_block(block)


@settings(max_examples=400)
@given(
    st.sampled_from(["resident", "resident_long_term", "permit_j", "foreign_i", "foreign_y"]),
    st.lists(st.tuples(st.integers(0, 255), st.integers(0, 255)), max_size=6),
)
def test_fuzz_mutated_demo_blocks_raise_only_card_read_errors(
    label: str, mutations: list[tuple[int, int]]
) -> None:
    from devices.emulators.idcard_reader import demo_cards

    block = bytearray(demo_cards()[label].text)
    for position, value in mutations:
        block[position] = value
    with contextlib.suppress(CardReadError):
        parse_text_block(bytes(block))
