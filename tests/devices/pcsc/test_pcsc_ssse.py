"""Tests of devices.pcsc.ssse: TLV records, GBK/BCD decoding and the SSSE read sequence."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.card import CardData, CardKind, CardSource
from devices.emulators.ssc_card import (
    DEMO_HOLDERS,
    SocialSecurityCardSimulator,
    demo_card,
)
from devices.errors import CardDataError, CardReadError
from devices.pcsc.errors import PartialCardError
from devices.pcsc.psam import AuthAlgorithm, DemoPsam
from devices.pcsc.ssse import (
    CARD_NUMBER,
    EF05_ITEMS,
    EF06_ITEMS,
    ITEMS_BY_TAG,
    MESSAGE_GEN3_NEEDS_ID_CARD,
    NAME,
    SEX_CODES,
    SSSE_DF_NAME,
    decode_bcd_date,
    decode_holder_data,
    decode_issuer_data,
    default_algorithm,
    fci_algorithm,
    parse_record,
    read_social_security_card,
    rkssse_diversification_factor,
)


class SimulatorTransport:
    """The card simulator's APDU processor as a transport (no pcscd involved)."""

    def __init__(self, simulator: SocialSecurityCardSimulator) -> None:
        self.simulator = simulator

    def transmit(self, apdu: bytes) -> bytes:
        return self.simulator.process(apdu).rapdu


def read(kind: str, psam: DemoPsam | None = None) -> tuple[CardData, SocialSecurityCardSimulator]:
    simulator = SocialSecurityCardSimulator(demo_card(kind))
    card = read_social_security_card(SimulatorTransport(simulator), reader_name="测试", psam=psam)
    return card, simulator


def test_ssse_name_is_the_15_byte_gbk_name() -> None:
    assert SSSE_DF_NAME.hex().upper() == "7378312E73682EC9E7BBE1B1A3D5CF"


def test_apdu_sequence_of_a_2_0_card_matches_devices_md() -> None:
    _, simulator = read("gen2")
    sent = [apdu.hex().upper() for apdu in simulator.apdus]
    # devices.md Part B §2.4, with the Le values of the §2.1 table.
    assert sent == [
        "00A404000F7378312E73682EC9E7BBE1B1A3D5CF",
        "00C000001B",
        "00A4020002EF05",
        "00B2010012", "00B2020003", "00B2030006", "00B204000E",
        "00B2050006", "00B2060006", "00B207000B",
        "00A4020002EF06",
        "00B2080014", "00B2090020", "00B24E0016", "00B20A0003",
        "00B20B0003", "00B20C0005", "00B20D0006",
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["gen1", "gen2"])
def test_generation_1_and_2_cards_are_read_completely_without_psam(kind: str) -> None:
    holder = DEMO_HOLDERS[kind]
    card, simulator = read(kind)
    assert card.kind is CardKind.SOCIAL_SECURITY
    assert card.source is CardSource.SOCIAL_SECURITY_READER
    assert (card.name, card.id_number, card.sex) == (
        holder.name,
        holder.social_security_number,
        holder.sex,
    )
    assert card.birth_date == holder.birth_date and card.ethnicity == holder.ethnicity
    assert card.valid_from == date(2021, 12, 22) and card.valid_until == date(2031, 12, 22)
    assert card.ss_card_version == holder.version and card.ss_card_issuer == "620100"
    assert card.ss_card_number is not None and card.ss_card_number[:8] == holder.card_number_body
    assert card.reader_name == "测试"
    assert simulator.pin_attempts == 0


def test_3_0_card_with_psam_is_unlocked_and_the_long_name_joined_from_4e() -> None:
    psam = DemoPsam()
    card, simulator = read("gen3", psam)
    assert card.name == "阿依古丽·买买提艾力·吐尔逊托合提"  # 34 GBK bytes: 30 in 09, 4 in 4E
    assert card.id_number == "650102197806150034"
    request = psam.requests[0]
    assert request.algorithm is AuthAlgorithm.SM4  # from the FCI's 9F0C/86
    assert request.diversification_factor == b"620100sx"
    assert [a[1] for a in simulator.apdus].count(0x82) == 1
    assert simulator.pin_attempts == 0


def test_3_0_card_without_psam_gives_partial_data_and_the_clerk_message() -> None:
    simulator = SocialSecurityCardSimulator(demo_card("gen3"))
    with pytest.raises(PartialCardError) as caught:
        read_social_security_card(SimulatorTransport(simulator), reader_name="测试")
    partial = caught.value
    assert partial.message == MESSAGE_GEN3_NEEDS_ID_CARD == "第三代社保卡需读身份证以获取其余信息"
    assert partial.issuer.card_number == "E62000032"
    assert partial.issuer.spec_version == "3.00" and partial.issuer.region_code == "620100"
    assert partial.issuer.generation == 3
    assert not partial.authentication_refused
    id_card = CardData(
        CardKind.RESIDENT_ID, CardSource.ID_CARD_READER, "阿依古丽", "65010219780615003X"
    )
    merged = partial.complete_with(id_card)
    assert merged.name == "阿依古丽" and merged.ss_card_number == "E62000032"
    assert (merged.ss_card_issuer, merged.ss_card_version) == ("620100", "3.00")


def test_psam_without_the_cards_key_gives_partial_data_and_is_not_retried() -> None:
    simulator = SocialSecurityCardSimulator(demo_card("gen3-foreign-key"))
    transport = SimulatorTransport(simulator)
    with pytest.raises(PartialCardError) as first:
        read_social_security_card(transport, reader_name="测试", psam=DemoPsam())
    assert first.value.authentication_refused
    assert first.value.message.startswith(MESSAGE_GEN3_NEEDS_ID_CARD)
    assert "63C2" in first.value.message
    refused = {first.value.issuer.card_identifier}
    simulator.apdus.clear()
    with pytest.raises(PartialCardError) as second:
        read_social_security_card(
            transport, reader_name="测试", psam=DemoPsam(), refused_cards=refused
        )
    assert "不再尝试" in second.value.message
    assert 0x82 not in [apdu[1] for apdu in simulator.apdus]  # no try burnt
    assert simulator.external_auth_tries == 2


def test_parse_record_accepts_a_well_formed_record() -> None:
    assert parse_record(b"\x07\x09A00000011", CARD_NUMBER) == b"A00000011"


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (b"\x07", "不足2字节"),
        (b"\x08\x09A00000011", "记录标识应为 07"),
        (b"\x07\x0fA00000011", "长度字节为 15"),
        (b"\x07\x05A0000", "应为 9～20 字节，实为 5 字节"),
    ],
)
def test_parse_record_faults_are_card_data_errors(record: bytes, problem: str) -> None:
    with pytest.raises(CardDataError) as caught:
        parse_record(record, CARD_NUMBER)
    assert problem in caught.value.message and "卡号" in caught.value.message


def test_bcd_dates() -> None:
    item = ITEMS_BY_TAG[0x0D]
    assert decode_bcd_date(bytes.fromhex("19900307"), item) == date(1990, 3, 7)
    assert decode_bcd_date(b"\xff" * 4, item) is None
    for bad, problem in [("19901307", "不是有效日期"), ("1990A307", "BCD"), ("199003FF", "完整")]:
        with pytest.raises(CardDataError) as caught:
            decode_bcd_date(bytes.fromhex(bad), item)
        assert problem in caught.value.message


def _holder_records(**overrides: bytes) -> dict[int, bytes]:
    records = {record[0]: record for record in demo_card("gen2").ef06}
    for tag_name, record in overrides.items():
        records[int(tag_name[1:], 16)] = record
    return records


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        ({"t09": b"\x09\x1e" + b"\x81\x30\x81" + bytes(27)}, "GBK"),
        ({"t09": b"\x09\x1e" + bytes(30)}, "姓名」为空"),
        ({"t0A": b"\x0a\x017"}, "性别"),
        ({"t08": b"\x08\x12" + b"6201021990030700\x01\x02"}, "ASCII"),
        ({"t0B": b"\x0b\x01\xaa"}, "民族"),
    ],
)
def test_invalid_holder_items_are_card_data_errors(
    override: dict[str, bytes], problem: str
) -> None:
    with pytest.raises(CardDataError) as caught:
        decode_holder_data(_holder_records(**override))
    assert problem in caught.value.message


def test_name_extension_may_be_missing() -> None:
    records = _holder_records()
    del records[0x4E]
    assert decode_holder_data(records).name == "张三"


def test_issuer_identifier_must_carry_the_social_security_aid() -> None:
    records = {record[0]: record for record in demo_card("gen2").ef05}
    records[0x01] = b"\x01\x10" + bytes.fromhex("620100A00000000500000012AABBCCDD")
    with pytest.raises(CardDataError) as caught:
        decode_issuer_data(records)
    assert "卡的识别码" in caught.value.message


def test_empty_version_means_generation_1() -> None:
    records = {record[0]: record for record in demo_card("gen2").ef05}
    records[0x03] = b"\x03\x00"
    issuer = decode_issuer_data(records)
    assert issuer.generation == 1 and issuer.spec_version == ""


def test_fci_algorithm_and_its_default() -> None:
    assert fci_algorithm(demo_card("gen2").fci()) is AuthAlgorithm.SM4
    assert fci_algorithm(b"\x6f\x05\x84\x03abc") is None
    assert fci_algorithm(b"\x6f\x09\xa5\x07\x9f\x0c") is None  # truncated: no exception
    assert default_algorithm("110100") is AuthAlgorithm.SSF33
    assert default_algorithm("620100") is AuthAlgorithm.DES


def test_diversification_factor_follows_sichuan_10_3() -> None:
    assert rkssse_diversification_factor(bytes.fromhex("620102D156")) == b"620102sx"
    assert rkssse_diversification_factor(bytes.fromhex("330281D156")) == b"330200sx"


# --- fuzzing: whatever the card sends, the parsers raise only CardReadError subclasses ------


@settings(max_examples=400, deadline=None)
@given(record=st.binary(max_size=40), tag=st.sampled_from(sorted(ITEMS_BY_TAG)))
def test_fuzz_parse_record(record: bytes, tag: int) -> None:
    try:
        value = parse_record(record, ITEMS_BY_TAG[tag])
    except CardDataError:
        return
    assert record[2:] == value


def _record_strategy(tag: int) -> st.SearchStrategy[bytes]:
    item = ITEMS_BY_TAG[tag]
    well_formed = st.binary(min_size=item.min_length, max_size=item.max_length).map(
        lambda value: bytes((tag, len(value))) + value
    )
    return st.one_of(well_formed, st.binary(max_size=40))


@settings(max_examples=400, deadline=None)
@given(
    records=st.fixed_dictionaries(
        {item.tag: _record_strategy(item.tag) for item in EF05_ITEMS if item.tag != 0x01},
        optional={0x01: _record_strategy(0x01)},
    )
)
def test_fuzz_decode_issuer_data(records: dict[int, bytes]) -> None:
    good = {record[0]: record for record in demo_card("gen2").ef05}
    try:
        issuer = decode_issuer_data(good | records)
    except CardDataError as error:
        assert error.message.startswith("卡内数据有误：社保卡")
        return
    assert len(issuer.card_number) == 9 and issuer.card_number.isalnum()
    assert issuer.region_code.isdigit() and issuer.generation in range(1, 10)


@settings(max_examples=400, deadline=None)
@given(
    records=st.fixed_dictionaries(
        {item.tag: _record_strategy(item.tag) for item in EF06_ITEMS if item.tag != 0x4E},
        optional={0x4E: _record_strategy(0x4E)},
    )
)
def test_fuzz_decode_holder_data(records: dict[int, bytes]) -> None:
    try:
        holder = decode_holder_data(records)
    except CardDataError as error:
        assert error.message.startswith("卡内数据有误：社保卡")
        return
    assert holder.name and holder.sex in SEX_CODES and holder.social_security_number.isalnum()


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=80))
def test_fuzz_fci_algorithm_never_raises(data: bytes) -> None:
    assert fci_algorithm(data) in (None, *AuthAlgorithm)


class FuzzedCard:
    """Answers like the demo card, except that chosen exchanges get arbitrary bytes."""

    def __init__(self, simulator: SocialSecurityCardSimulator, garbage: dict[int, bytes]) -> None:
        self.simulator = simulator
        self.garbage = garbage
        self.count = 0

    def transmit(self, apdu: bytes) -> bytes:
        self.count += 1
        real = self.simulator.process(apdu).rapdu
        return self.garbage.get(self.count, real)


@settings(max_examples=400, deadline=None)
@given(
    kind=st.sampled_from(sorted(DEMO_HOLDERS)),
    garbage=st.dictionaries(st.integers(1, 24), st.binary(max_size=40), max_size=4),
    with_psam=st.booleans(),
)
def test_fuzz_whole_read_raises_only_card_read_errors(
    kind: str, garbage: dict[int, bytes], with_psam: bool
) -> None:
    card = FuzzedCard(SocialSecurityCardSimulator(demo_card(kind)), garbage)
    try:
        result = read_social_security_card(
            card, reader_name="测试", psam=DemoPsam() if with_psam else None
        )
    except CardReadError as error:
        assert error.message
        return
    assert result.name and result.id_number


def test_name_item_is_30_bytes() -> None:
    assert (NAME.length, NAME.le) == (30, 0x20)
