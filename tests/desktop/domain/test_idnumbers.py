"""Tests for ID-document numbers: GB 11643-1999 rules, permits, foreigners' cards, messages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.errors import DomainError
from desktop.domain.idnumbers import (
    DocumentType,
    IdDocument,
    InvalidIdNumberError,
    check_digit,
    detect_document_type,
    is_valid_id_number,
    mask_id_number,
    normalize_id_text,
    parse_id_number,
    upgrade_15_to_18,
)
from desktop.domain.regions import counties, prefectures

TODAY = date(2025, 3, 14)


def with_check(body17: str) -> str:
    return body17 + check_digit(body17)


def error_of(text: str, doc_type: DocumentType | None = None) -> str:
    with pytest.raises(InvalidIdNumberError) as caught:
        parse_id_number(text, doc_type=doc_type, today=TODAY)
    if doc_type is None:
        assert not is_valid_id_number(text, today=TODAY)
    return caught.value.message


# --- check digit and 15 → 18 ----------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "440308199901101512", "810000199408230021", "830000199201300022"],
)
def test_check_digit_of_the_documented_examples(number: str) -> None:
    assert check_digit(number[:17]) == number[17]
    assert is_valid_id_number(number, today=TODAY)
    assert parse_id_number(number, today=TODAY).number == number


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310021", "1101051949123100A", ""])
def test_check_digit_needs_17_digits(bad: str) -> None:
    with pytest.raises(InvalidIdNumberError, match="计算校验码需要17位数字"):
        check_digit(bad)


def test_upgrade_15_to_18_documented_example() -> None:
    assert upgrade_15_to_18("610104620927690") == "610104196209276908"


@pytest.mark.parametrize("bad", ["61010462092769", "61010462092769X", "6101046209276901"])
def test_upgrade_15_to_18_rejects_other_shapes(bad: str) -> None:
    with pytest.raises(InvalidIdNumberError, match="15位旧号码应为15位数字"):
        upgrade_15_to_18(bad)


def test_parse_legacy_number_converts_it() -> None:
    document = parse_id_number("610104620927690", today=TODAY)
    assert document == IdDocument(
        number="610104196209276908",
        doc_type=DocumentType.RESIDENT_ID_15,
        region_code="610104",
        region_name="陕西省",
        birth_date=date(1962, 9, 27),
        sex="2",  # last digit 0: even
        is_hmt=False,
        hmt_origin=None,
        converted_from="610104620927690",
    )
    assert is_valid_id_number("610104620927690", today=TODAY)


def test_legacy_number_typed_as_resident_id_is_accepted() -> None:
    document = parse_id_number("622421700101123", doc_type=DocumentType.RESIDENT_ID, today=TODAY)
    assert document.doc_type is DocumentType.RESIDENT_ID_15
    assert document.region_name == "甘肃省定西地区定西县"
    assert document.sex == "1"


def test_legacy_number_messages() -> None:
    assert error_of("620102900231123") == "出生日期19900231不存在"
    assert error_of("623100900101123") == "地址码623100不是甘肃省的行政区划代码"
    assert error_of("62010290010112X", DocumentType.RESIDENT_ID_15) == "含有非法字符「X」（第15位）"
    assert (
        error_of("6201029001011", DocumentType.RESIDENT_ID_15)
        == "15位旧身份证号码应为15位，现为13位"
    )


# --- resident ID numbers --------------------------------------------------------------------


def test_parse_gansu_number() -> None:
    number = with_check("62010219900307123")
    document = parse_id_number(number, today=TODAY)
    assert document == IdDocument(
        number=number,
        doc_type=DocumentType.RESIDENT_ID,
        region_code="620102",
        region_name="甘肃省兰州市城关区",
        birth_date=date(1990, 3, 7),
        sex="1",
        is_hmt=False,
        hmt_origin=None,
        converted_from=None,
    )


def test_1990_born_with_legacy_dingxi_code_is_valid() -> None:
    number = with_check("62242119900101002")
    document = parse_id_number(number, today=TODAY)
    assert document.region_name == "甘肃省定西地区定西县"
    assert is_valid_id_number(number, today=TODAY)


def test_2010_born_with_legacy_dingxi_code_is_invalid() -> None:
    number = with_check("62242120100101002")
    assert error_of(number) == (
        "地址码622421在出生年份2010年已无效：甘肃省定西地区（622400）已于2003年撤销或改码"
    )


def test_sex_follows_the_17th_digit() -> None:
    assert parse_id_number(with_check("62010219900101002"), today=TODAY).sex == "2"
    assert parse_id_number(with_check("62010219900101009"), today=TODAY).sex == "1"


@pytest.mark.parametrize("year", [1904, 1996, 2000, 2004, 2024])
def test_feb_29_in_leap_years_is_valid(year: int) -> None:
    number = with_check(f"620102{year}0229002")
    assert parse_id_number(number, today=TODAY).birth_date == date(year, 2, 29)
    assert is_valid_id_number(number, today=TODAY)


@pytest.mark.parametrize("year", [1900, 1990, 2001, 2023])
def test_feb_29_in_other_years_does_not_exist(year: int) -> None:
    number = with_check(f"620102{year}0229002")
    assert error_of(number) == f"出生日期{year}0229不存在"


@pytest.mark.parametrize("date_digits", ["19901301", "19900001", "19900100", "19900431"])
def test_impossible_dates(date_digits: str) -> None:
    assert error_of(with_check(f"620102{date_digits}002")) == f"出生日期{date_digits}不存在"


def test_birth_today_is_valid_tomorrow_is_future() -> None:
    born_today = with_check(f"620102{TODAY:%Y%m%d}002")
    assert parse_id_number(born_today, today=TODAY).birth_date == TODAY
    tomorrow = TODAY + timedelta(days=1)
    assert error_of(with_check(f"620102{tomorrow:%Y%m%d}002")) == (
        f"出生日期{tomorrow:%Y%m%d}晚于今天"
    )


def test_birth_before_1900_is_rejected() -> None:
    assert error_of(with_check("62010218991231002")) == "身份证号码中的出生日期18991231早于1900年"


def test_default_today_is_the_real_today() -> None:
    future = date.today() + timedelta(days=400)
    number = with_check(f"620102{future:%Y%m%d}002")
    assert not is_valid_id_number(number)
    with pytest.raises(InvalidIdNumberError, match="晚于今天"):
        parse_id_number(number)
    assert is_valid_id_number(with_check("62010219900101002"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "证件号码为空"),
        ("   ", "证件号码为空"),
        ("62010219900101123", "身份证号码应为18位，现为17位"),
        ("6201021990010112345", "身份证号码应为18位，现为19位"),
        ("6201021O9001011234", "含有非法字符「O」（第8位）"),
        ("620102199001011-34", "含有非法字符「-」（第16位）"),
        ("6201021990X1011234", "「X」只能作为第18位校验码，不能出现在第11位"),
        ("110105194912310023", "第18位校验码应为X，实为3"),
        ("620102199002311234", "出生日期19900231不存在"),
        ("623100199001011234", "地址码623100不是甘肃省的行政区划代码"),
        ("190102199001011234", "地址码190102的省级代码19不存在"),
    ],
)
def test_resident_id_messages(text: str, message: str) -> None:
    assert error_of(text) == message


def test_error_carries_the_number_and_type() -> None:
    with pytest.raises(InvalidIdNumberError) as caught:
        parse_id_number(" 110105194912310023 ", today=TODAY)
    assert isinstance(caught.value, DomainError)
    assert caught.value.number == "110105194912310023"
    assert caught.value.doc_type is DocumentType.RESIDENT_ID
    assert str(caught.value) == caught.value.message


def test_full_width_input_with_spaces_is_normalized() -> None:
    number = "11010519491231002X"
    typed = "１１０１０５　１９４９１２３１　００２ｘ"
    assert normalize_id_text(typed) == number
    assert parse_id_number(typed, today=TODAY).number == number
    assert is_valid_id_number(typed, today=TODAY)


def test_digits_of_other_scripts_are_rejected() -> None:
    assert error_of("H١٢٣٤٥٦٧٨").startswith("港澳居民来往内地通行证号码应为")
    assert error_of("١٢٣٤٥٦٧٨", DocumentType.TAIWAN_TRAVEL_PERMIT).startswith("台湾居民")
    assert error_of("62010219900101123٤") == "含有非法字符「٤」（第18位）"


def test_lowercase_x_is_accepted_and_upper_cased() -> None:
    assert parse_id_number("11010519491231002x", today=TODAY).number == "11010519491231002X"
    assert is_valid_id_number("11010519491231002x", today=TODAY)


def test_surrounding_whitespace_is_ignored() -> None:
    assert is_valid_id_number(" 440308199901101512\n", today=TODAY)
    assert parse_id_number("\t440308199901101512 ", today=TODAY).number == "440308199901101512"


def test_social_security_card_number_is_the_id_number() -> None:
    number = "440308199901101512"
    document = parse_id_number(number, doc_type=DocumentType.SOCIAL_SECURITY_CARD, today=TODAY)
    assert document.doc_type is DocumentType.SOCIAL_SECURITY_CARD
    assert document.birth_date == date(1999, 1, 10)
    permit_based = parse_id_number(
        "810000199408230021", doc_type=DocumentType.SOCIAL_SECURITY_CARD, today=TODAY
    )
    assert permit_based.is_hmt and permit_based.hmt_origin == "香港"
    assert (
        error_of("44030819990110151", DocumentType.SOCIAL_SECURITY_CARD)
        == "社会保障号码应为18位，现为17位"
    )


# --- 港澳台居民居住证 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "origin"),
    [
        ("810000199408230021", "香港"),
        (with_check("82000019850606003"), "澳门"),
        ("830000199201300022", "台湾"),
    ],
)
def test_residence_permits(number: str, origin: str) -> None:
    document = parse_id_number(number, today=TODAY)
    assert document.doc_type is DocumentType.HMT_RESIDENCE_PERMIT
    assert document.is_hmt and document.hmt_origin == origin
    assert document.region_code == number[:6]
    assert is_valid_id_number(number, today=TODAY)
    explicit = parse_id_number(number, doc_type=DocumentType.HMT_RESIDENCE_PERMIT, today=TODAY)
    assert explicit == document


def test_residence_permit_messages() -> None:
    assert error_of(with_check("81010219940823002")) == (
        "港澳台居民居住证号码前6位应为810000（香港）、820000（澳门）或830000（台湾），实为810102"
    )
    assert error_of(with_check("62010219900101002"), DocumentType.HMT_RESIDENCE_PERMIT) == (
        "港澳台居民居住证号码前6位应为810000（香港）、820000（澳门）或830000（台湾），实为620102"
    )
    assert error_of("81000019940823002", DocumentType.HMT_RESIDENCE_PERMIT) == (
        "港澳台居民居住证号码应为18位，现为17位"
    )
    assert error_of("810000199408230022") == "第18位校验码应为1，实为2"


def test_residence_permit_number_typed_as_resident_id_says_which_type() -> None:
    assert error_of("810000199408230021", DocumentType.RESIDENT_ID) == (
        "号码以810000开头，是港澳台居民居住证号码，请将证件类型选为「港澳台居民居住证」"
    )


# --- travel permits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "origin"),
    [
        ("H12345678", "H12345678", "香港"),
        ("m87654321", "M87654321", "澳门"),
        ("H1234567801", "H1234567801", "香港"),
    ],
)
def test_hk_macau_travel_permits(text: str, number: str, origin: str) -> None:
    document = parse_id_number(text, today=TODAY)
    assert document.doc_type is DocumentType.HK_MACAU_TRAVEL_PERMIT
    assert (document.number, document.hmt_origin, document.is_hmt) == (number, origin, True)
    assert document.birth_date is None and document.sex is None
    assert not is_valid_id_number(text, today=TODAY)  # not a citizen identity number


@pytest.mark.parametrize("text", ["H1234567", "H123456789", "M123456789012"])
def test_hk_macau_travel_permit_format_message(text: str) -> None:
    message = error_of(text)
    assert message.startswith("港澳居民来往内地通行证号码应为H（香港）或M（澳门）加8位数字")
    assert message.endswith(f"现为「{text}」")


def test_hk_macau_permit_chosen_explicitly_rejects_an_id_number() -> None:
    message = error_of("440308199901101512", DocumentType.HK_MACAU_TRAVEL_PERMIT)
    assert message.startswith("港澳居民来往内地通行证号码应为")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12345678", "12345678"),
        ("1234567801", "1234567801"),
        ("1234567801(B)", "1234567801(B)"),
        ("1234567801（b）", "1234567801(B)"),
        ("1234567801B", "1234567801(B)"),
    ],
)
def test_taiwan_travel_permits(text: str, number: str) -> None:
    document = parse_id_number(text, today=TODAY)
    assert document.doc_type is DocumentType.TAIWAN_TRAVEL_PERMIT
    assert (document.number, document.hmt_origin) == (number, "台湾")


@pytest.mark.parametrize("text", ["1234567", "123456789", "1234567801(BB)", "T1234567"])
def test_taiwan_travel_permit_format_message(text: str) -> None:
    message = error_of(text, DocumentType.TAIWAN_TRAVEL_PERMIT)
    assert message.startswith("台湾居民来往大陆通行证号码应为8位数字，如12345678")


# --- foreigners' permanent residence cards ------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "region_name", "born", "sex"),
    [
        ("932682198501010017", "江苏省", date(1985, 1, 1), "1"),
        ("911124198108030024", "北京市", date(1981, 8, 3), "2"),
    ],
)
def test_foreign_permanent_resident_2023(
    number: str, region_name: str, born: date, sex: str
) -> None:
    document = parse_id_number(number, today=TODAY)
    assert document.doc_type is DocumentType.FOREIGN_PERMANENT_RESIDENT
    assert (document.region_name, document.birth_date, document.sex) == (region_name, born, sex)
    assert not is_valid_id_number(number, today=TODAY)


def test_foreign_permanent_resident_2023_messages() -> None:
    assert error_of("932682198501010018") == "第18位校验码应为7，实为8"
    assert error_of(with_check("97268219850101001")) == "受理地省级代码72不存在"
    assert error_of(with_check("93268219850231001")) == "出生日期19850231不存在"
    assert error_of("93268219850101001", DocumentType.FOREIGN_PERMANENT_RESIDENT) == (
        "外国人永久居留身份证号码应为以9开头的18位数字（2023版，如911124198108030024），"
        "或3位国籍字母加12位数字（旧版，如CAN310080010103），现为「93268219850101001」"
    )


def test_foreign_number_typed_as_resident_id_says_which_type() -> None:
    assert error_of("932682198501010017", DocumentType.RESIDENT_ID) == (
        "以9开头的18位号码是外国人永久居留身份证号码，请将证件类型选为「外国人永久居留身份证」"
    )


def test_foreign_permanent_resident_2017() -> None:
    # devices.md §3.3: the vendor sample …|PAK|19800101|PAK310080010103|…
    document = parse_id_number("pak310080010103", today=TODAY)
    assert document.number == "PAK310080010103"
    assert document.doc_type is DocumentType.FOREIGN_PERMANENT_RESIDENT
    assert document.birth_date == date(1980, 1, 1)
    assert document.region_code == "310000" and document.region_name == "上海市"
    assert document.sex is None


def test_foreign_2017_two_digit_year_takes_the_latest_possible_century() -> None:
    assert parse_id_number("CAN110005031510", today=TODAY).birth_date == date(2005, 3, 15)
    assert parse_id_number("CAN110030031514", today=TODAY).birth_date == date(1930, 3, 15)


def test_foreign_permanent_resident_2017_messages() -> None:
    assert error_of("PAK310080010104") == "第15位校验码应为3，实为4"
    assert error_of("PAK990080010103") == "受理地省级代码99不存在"
    assert error_of("PAK310080023103") == "出生日期19800231不存在"
    assert error_of("PAK31008001010").startswith("外国人永久居留身份证号码应为以9开头的18位数字")


# --- detection, masking -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "doc_type"),
    [
        ("440308199901101512", DocumentType.RESIDENT_ID),
        ("62010219900101123", DocumentType.RESIDENT_ID),
        ("810000199408230021", DocumentType.HMT_RESIDENCE_PERMIT),
        ("610104620927690", DocumentType.RESIDENT_ID_15),
        ("H12345678", DocumentType.HK_MACAU_TRAVEL_PERMIT),
        ("M1234567801", DocumentType.HK_MACAU_TRAVEL_PERMIT),
        ("12345678", DocumentType.TAIWAN_TRAVEL_PERMIT),
        ("1234567801(B)", DocumentType.TAIWAN_TRAVEL_PERMIT),
        ("932682198501010017", DocumentType.FOREIGN_PERMANENT_RESIDENT),
        ("PAK310080010103", DocumentType.FOREIGN_PERMANENT_RESIDENT),
    ],
)
def test_detect_document_type(number: str, doc_type: DocumentType) -> None:
    assert detect_document_type(number) is doc_type


def test_document_type_values_are_the_chinese_names() -> None:
    assert DocumentType.RESIDENT_ID.value == "居民身份证"
    assert DocumentType("港澳台居民居住证") is DocumentType.HMT_RESIDENCE_PERMIT
    assert len({t.value for t in DocumentType}) == len(DocumentType) == 7


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("620102199001011234", "6201**********1234"),
        ("62010219900101123x", "6201**********123X"),
        ("610104620927690", "6101*******7690"),
        ("H12345678", "H123*5678"),
        ("12345678", "123**678"),
        ("123", "1*3"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_id_number(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


# --- properties ---------------------------------------------------------------------------------

_GANSU_CURRENT = [(c.code, None) for p in prefectures() for c in counties(p.code)]
_GANSU_LEGACY = [
    (c.code, c.valid_to_year)
    for p in prefectures(include_retired=True)
    if not p.is_current
    for c in counties(p.code, include_retired=True)
]
_ELSEWHERE = [("110105", None), ("440308", None), ("500101", None), ("810000", None)]
_REGION_CHOICES = _GANSU_CURRENT + _GANSU_LEGACY + _ELSEWHERE


@st.composite
def valid_bodies(draw: st.DrawFn) -> str:
    code, last_year = draw(st.sampled_from(_REGION_CHOICES))
    latest = TODAY if last_year is None else min(TODAY, date(last_year + 1, 12, 31))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=latest))
    sequence = draw(st.integers(min_value=0, max_value=999))
    return f"{code}{born:%Y%m%d}{sequence:03d}"


@settings(max_examples=300, deadline=None)
@given(valid_bodies())
def test_appending_the_check_digit_makes_a_valid_number(body: str) -> None:
    number = body + check_digit(body)
    assert is_valid_id_number(number, today=TODAY)
    document = parse_id_number(number, today=TODAY)
    assert document.number == number and document.region_code == body[:6]


@settings(max_examples=150, deadline=None)
@given(valid_bodies())
def test_changing_any_single_character_makes_it_invalid(body: str) -> None:
    number = body + check_digit(body)
    for position in range(18):
        alphabet = "0123456789X" if position == 17 else "0123456789"
        for replacement in alphabet:
            if replacement == number[position]:
                continue
            changed = number[:position] + replacement + number[position + 1 :]
            assert not is_valid_id_number(changed, today=TODAY), changed
            with pytest.raises(InvalidIdNumberError):
                parse_id_number(changed, doc_type=DocumentType.RESIDENT_ID, today=TODAY)


_IDENTITY_TYPES = {
    DocumentType.RESIDENT_ID,
    DocumentType.RESIDENT_ID_15,
    DocumentType.HMT_RESIDENCE_PERMIT,
}


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        valid_bodies().map(lambda body: body + check_digit(body)),
        valid_bodies().map(lambda body: body[:6] + body[8:]),  # 15-digit legacy shape
        st.text(alphabet="0123456789Xx８ ", min_size=14, max_size=20),
    )
)
def test_fast_path_agrees_with_parse(text: str) -> None:
    try:
        parsed_ok = parse_id_number(text, today=TODAY).doc_type in _IDENTITY_TYPES
    except InvalidIdNumberError:
        parsed_ok = False
    assert is_valid_id_number(text, today=TODAY) is parsed_ok
