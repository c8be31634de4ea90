"""Tests of devices.pcsc.apdu: APDU encoding, 61xx/6Cxx handling and the status-word table."""

from __future__ import annotations

import re

import pytest

from devices.emulators.ssc_card import SocialSecurityCardSimulator, demo_card
from devices.errors import FrameError
from devices.pcsc.apdu import (
    CommandApdu,
    ResponseApdu,
    describe_status_word,
    exchange,
    read_record_by_identifier,
    require_ok,
    select_by_name,
    select_ef,
)
from devices.pcsc.errors import CardStatusError, UnknownStatusWordError
from devices.pcsc.ssse import SSSE_DF_NAME

CJK = re.compile(r"[\u4e00-\u9fff]")

# Every status word of devices.md Part B §2.2, copied from the table (ranges by example).
DOCUMENTED_STATUS_WORDS = [
    0x9000, 0x6100, 0x611B, 0x6C12, 0x63C2, 0x63C0, 0x6581, 0x6700, 0x6901, 0x6981, 0x6982,
    0x6983, 0x6984, 0x6985, 0x6986, 0x6988, 0x6A80, 0x6A81, 0x6A82, 0x6A83, 0x6A86, 0x6A88,
    0x6B00, 0x6D00, 0x6E00, 0x6F00, 0x9302, 0x9303, 0x9401, 0x9402, 0x9403, 0x9404, 0x9405,
    0x9406,
]  # fmt: skip


class ScriptedCard:
    """A transport answering from a script, recording what was sent (for T=0 edge cases)."""

    def __init__(self, *responses: str) -> None:
        self.responses = [bytes.fromhex(r) for r in responses]
        self.sent: list[str] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu.hex().upper())
        return self.responses.pop(0)


class SimulatorTransport:
    """The card simulator's APDU processor as a transport (no pcscd involved)."""

    def __init__(self, simulator: SocialSecurityCardSimulator) -> None:
        self.simulator = simulator

    def transmit(self, apdu: bytes) -> bytes:
        return self.simulator.process(apdu).rapdu


@pytest.mark.parametrize("sw", DOCUMENTED_STATUS_WORDS, ids=lambda sw: f"{sw:04X}")
def test_every_documented_status_word_has_a_chinese_meaning(sw: int) -> None:
    meaning = describe_status_word(sw)
    assert meaning is not None and CJK.search(meaning)


def test_range_status_words_carry_their_count() -> None:
    assert "27" in (describe_status_word(0x611B) or "")
    assert "18" in (describe_status_word(0x6C12) or "")
    assert "2 次" in (describe_status_word(0x63C2) or "")


@pytest.mark.parametrize("sw", [0x6400, 0x6A84, 0x1234, 0x63B1, 0x9F10])
def test_undocumented_status_words_have_no_meaning(sw: int) -> None:
    assert describe_status_word(sw) is None


def test_command_encoding_covers_the_four_cases() -> None:
    assert CommandApdu(0x00, 0xA4, 0x00, 0x00).to_bytes().hex() == "00a40000"
    assert read_record_by_identifier(0x07, 0x0B).to_bytes().hex() == "00b207000b"
    assert select_ef(0xEF05).to_bytes().hex() == "00a4020002ef05"
    assert CommandApdu(0, 0xA4, 4, 0, b"\x01", le=256).to_bytes().hex() == "00a404000101" + "00"
    assert select_by_name(SSSE_DF_NAME).to_bytes() == bytes.fromhex(
        "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"  # devices.md Part B §1.2
    )


@pytest.mark.parametrize(
    "kwargs", [{"cla": 256}, {"p1": -1}, {"data": bytes(256)}, {"le": 0}, {"le": 257}]
)
def test_command_rejects_values_out_of_range(kwargs: dict[str, object]) -> None:
    fields: dict[str, object] = {"cla": 0, "ins": 0xB2, "p1": 1, "p2": 0} | kwargs
    with pytest.raises(ValueError):
        CommandApdu(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["", "90"])
def test_response_shorter_than_status_word_is_a_frame_error(raw: str) -> None:
    with pytest.raises(FrameError) as caught:
        ResponseApdu.from_bytes(bytes.fromhex(raw))
    assert "不完整" in caught.value.message


def test_61xx_is_followed_by_get_response_until_done() -> None:
    card = ScriptedCard("6104", "AABBCCDD6102", "EEFF9000")
    response = exchange(card, select_by_name(SSSE_DF_NAME))
    assert response.data.hex() == "aabbccddeeff" and response.sw == 0x9000
    assert card.sent[1:] == ["00C0000004", "00C0000002"]


def test_6cxx_resends_the_same_command_with_the_given_le() -> None:
    card = ScriptedCard("6C0B", "070941303030303030313190 00".replace(" ", ""))
    response = exchange(card, read_record_by_identifier(0x07, 0x20))
    assert card.sent == ["00B2070020", "00B207000B"]
    assert response.data[2:] == b"A00000011"


def test_6cxx_on_get_response_is_resent() -> None:
    card = ScriptedCard("6110", "6C05", "01020304059000")
    assert exchange(card, select_by_name(SSSE_DF_NAME)).data == bytes.fromhex("0102030405")
    assert card.sent[1:] == ["00C0000010", "00C0000005"]


def test_repeated_6cxx_is_a_card_status_error() -> None:
    with pytest.raises(CardStatusError) as caught:
        exchange(ScriptedCard("6C0B", "6C0C"), read_record_by_identifier(0x07, 0x20))
    assert caught.value.sw == 0x6C0C and CJK.search(caught.value.message)


def test_endless_61xx_chain_is_a_frame_error() -> None:
    with pytest.raises(FrameError):
        exchange(ScriptedCard(*["6101"] + ["AA6101"] * 40), select_by_name(SSSE_DF_NAME))


def test_simulated_t0_card_answers_select_with_61xx_and_exchange_fetches_the_fci() -> None:
    simulator = SocialSecurityCardSimulator(demo_card("gen2"))
    response = exchange(SimulatorTransport(simulator), select_by_name(SSSE_DF_NAME))
    assert simulator.apdus[1][:2] == b"\x00\xc0"  # the GET RESPONSE went out
    assert response.sw == 0x9000 and response.data.startswith(b"\x6f")
    assert SSSE_DF_NAME in response.data


def test_require_ok_names_the_action_and_the_status_word() -> None:
    with pytest.raises(CardStatusError) as caught:
        require_ok(ResponseApdu(b"", 0x6A, 0x83), "读取「卡号」")
    assert caught.value.message == "社保卡读取「卡号」失败：记录未找到（状态码 6A83），请重新插卡"


def test_require_ok_raises_unknown_status_word_error_for_undefined_words() -> None:
    with pytest.raises(UnknownStatusWordError) as caught:
        require_ok(ResponseApdu(b"", 0x64, 0x00), "读取「卡号」")
    assert "未知状态码 6400" in caught.value.message


def test_require_ok_returns_data_on_9000() -> None:
    assert require_ok(ResponseApdu(b"\x01", 0x90, 0x00), "x") == b"\x01"
