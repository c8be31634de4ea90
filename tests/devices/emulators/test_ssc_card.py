"""The 社保卡 simulator on the wire: this test plays vpcd's side of the protocol (devices.md §6.2).

The end-to-end path through the real pcscd and vpcd is covered by tests/devices/pcsc; here the
exact bytes of the vpcd protocol and the card's answers are checked one by one.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import pytest

from devices.emulators.ssc_card import (
    CardFault,
    SocialSecurityCardSimulator,
    VpcdCardClient,
    card_number_check_character,
    demo_card,
)
from devices.pcsc.psam import AuthAlgorithm, DemoPsam, ExternalAuthRequest

pytestmark = pytest.mark.timeout(30)

SELECT_SSSE = "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"


class FakeVpcd:
    """vpcd's server side: listen, accept the card, exchange length-prefixed messages."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(5)
        self.port = int(self.server.getsockname()[1])
        self.link: socket.socket | None = None

    def accept(self) -> None:
        self.link, _ = self.server.accept()
        self.link.settimeout(5)

    def send(self, payload: bytes) -> None:
        assert self.link is not None
        self.link.sendall(struct.pack("!H", len(payload)) + payload)

    def receive(self) -> bytes | None:
        header = self._exactly(2)
        if header is None:
            return None
        return self._exactly(struct.unpack("!H", header)[0])

    def _exactly(self, count: int) -> bytes | None:
        assert self.link is not None
        data = b""
        while len(data) < count:
            chunk = self.link.recv(count - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def apdu(self, hex_apdu: str) -> str:
        self.send(bytes.fromhex(hex_apdu))
        answer = self.receive()
        assert answer is not None
        return answer.hex().upper()

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
        self.server.close()


@pytest.fixture
def vpcd() -> Iterator[FakeVpcd]:
    fake = FakeVpcd()
    yield fake
    fake.close()


def connect(vpcd: FakeVpcd, kind: str = "gen2", **options: object) -> VpcdCardClient:
    simulator = SocialSecurityCardSimulator(demo_card(kind))
    client = VpcdCardClient(simulator, port=vpcd.port, **options)  # type: ignore[arg-type]
    client.start()
    vpcd.accept()
    return client


def test_atr_on_request_and_silence_on_power_controls(vpcd: FakeVpcd) -> None:
    client = connect(vpcd)
    try:
        for control in (b"\x01", b"\x02", b"\x00"):  # power on, reset, power off: no reply
            vpcd.send(control)
        vpcd.send(b"\x04")
        atr = vpcd.receive()
        # devices.md §1.6: 3B 6D 00 00 + 13 historical bytes, T=0 only, no TCK.
        assert atr == bytes.fromhex("3B6D0000008154310086606201" + "00000012")
        assert client.wait_until_seen(1)
    finally:
        client.stop()


def test_select_by_name_answers_61xx_and_get_response_returns_the_fci(vpcd: FakeVpcd) -> None:
    client = connect(vpcd)
    try:
        assert vpcd.apdu(SELECT_SSSE) == "611B"
        assert vpcd.apdu("00C000001B") == (
            "6F19840F7378312E73682EC9E7BBE1B1A3D5CFA5069F0C038601039000"
        )
        assert vpcd.apdu("00C000001B") == "6F00"  # nothing pending any more
        assert vpcd.apdu("00A404000F" + "00" * 15) == "6A82"
    finally:
        client.stop()


def test_read_record_by_tag_number_and_sfi_with_6cxx_on_wrong_le(vpcd: FakeVpcd) -> None:
    client = connect(vpcd)
    try:
        assert vpcd.apdu("00B2070000") == "6986"  # before any select: no current EF
        vpcd.apdu(SELECT_SSSE)
        assert vpcd.apdu("00B207000B") == "6986"  # SSSE selected but no EF yet
        assert vpcd.apdu("00A4020002EF05") == "9000"
        assert vpcd.apdu("00B2070000") == "6C0B"
        record = "0709" + b"C6200002X".hex().upper() + "9000"
        assert vpcd.apdu("00B207000B") == record
        assert vpcd.apdu("00B207040B") == record  # record number 7 = tag 07 in EF05
        assert vpcd.apdu("00B2072C0B") == record  # SFI 5, record 7
        assert vpcd.apdu("00B2083014")[:4] == "0812"  # SFI 6, tag 08
        assert vpcd.apdu("00B2990003") == "6A83"
        assert vpcd.apdu("00A4020002EF07") == "6A82"
        assert vpcd.apdu("80B2070000") == "6E00"
        assert vpcd.apdu("00CA000000") == "6D00"
    finally:
        client.stop()


def test_generation_1_card_has_no_name_extension(vpcd: FakeVpcd) -> None:
    client = connect(vpcd, "gen1")
    try:
        vpcd.apdu(SELECT_SSSE)
        vpcd.apdu("00A4020002EF06")
        assert vpcd.apdu("00B24E0016") == "6A83"
    finally:
        client.stop()


def test_3_0_card_locks_ef06_until_external_authentication(vpcd: FakeVpcd) -> None:
    client = connect(vpcd, "gen3")
    try:
        vpcd.apdu(SELECT_SSSE)
        vpcd.apdu("00A4020002EF06")
        assert vpcd.apdu("00B2080014") == "6982"
        assert vpcd.apdu("0082000A10" + "00" * 16) == "6984"  # no challenge asked for
        challenge_hex = vpcd.apdu("0084000008")
        assert len(challenge_hex) == 20 and challenge_hex.endswith("9000")
        challenge = bytes.fromhex(challenge_hex[:16])
        identifier = demo_card("gen3").ef05[0][2:]
        data = DemoPsam().authentication_data(
            ExternalAuthRequest(
                identifier, "620100", b"620100sx", AuthAlgorithm.SM4, challenge, b""
            )
        )
        assert vpcd.apdu("0082000A10" + data.hex()) == "9000"
        assert vpcd.apdu("00B2080014").startswith("0812")
        vpcd.send(b"\x02")  # reset: the security state is lost
        vpcd.apdu(SELECT_SSSE)
        vpcd.apdu("00A4020002EF06")
        assert vpcd.apdu("00B2080014") == "6982"
    finally:
        client.stop()


def test_wrong_cryptograms_count_down_and_block_the_key(vpcd: FakeVpcd) -> None:
    client = connect(vpcd, "gen3")
    try:
        vpcd.apdu(SELECT_SSSE)
        answers = []
        for _ in range(4):
            challenge = vpcd.apdu("0084000008")[:16]
            answers.append(vpcd.apdu("0082000A10" + "11" * 8 + challenge))
        assert answers == ["63C2", "63C1", "63C0", "6983"]
    finally:
        client.stop()


def test_verify_is_counted_so_tests_catch_pin_attempts(vpcd: FakeVpcd) -> None:
    client = connect(vpcd)
    try:
        assert vpcd.apdu("0020000003888888") == "63C2"
        assert client.simulator.pin_attempts == 1
    finally:
        client.stop()


def test_removal_closes_the_link_and_insertion_reconnects(vpcd: FakeVpcd) -> None:
    client = connect(vpcd)
    try:
        client.remove()
        assert vpcd.receive() is None
        client.insert()
        vpcd.accept()
        vpcd.send(b"\x04")
        assert vpcd.receive() is not None
    finally:
        client.stop()


def test_fault_removed_after_select_answers_then_drops(vpcd: FakeVpcd) -> None:
    client = connect(vpcd)
    client.simulator.fault = CardFault.REMOVED_AFTER_SELECT
    try:
        vpcd.apdu(SELECT_SSSE)
        assert vpcd.apdu("00A4020002EF05") == "9000"
        assert vpcd.receive() is None
        assert client.simulator.fault is CardFault.NONE
    finally:
        client.stop()


def test_fault_no_answer_stays_silent_then_reconnects(vpcd: FakeVpcd) -> None:
    client = connect(vpcd, mute_seconds=0.3)
    client.simulator.fault = CardFault.NO_ANSWER
    try:
        vpcd.apdu(SELECT_SSSE)
        vpcd.apdu("00A4020002EF05")
        vpcd.send(bytes.fromhex("00B2010012"))
        old_link = vpcd.link
        vpcd.accept()  # the card queues a new connection: it is still in the slot
        assert old_link is not None and old_link.recv(16) == b""  # silence, then close
        old_link.close()
        vpcd.send(b"\x04")
        assert vpcd.receive() is not None
    finally:
        client.stop()


@pytest.mark.parametrize(
    ("fault", "apdu", "answer_prefix"),
    [
        (CardFault.SSSE_NOT_FOUND, SELECT_SSSE, "6A82"),
        (CardFault.UNKNOWN_STATUS, "00B2010012", "6400"),
        (CardFault.MALFORMED_TLV, "00B207000B", "070F"),
        (CardFault.WRONG_LENGTH, "00B201000A", "0108"),
    ],
)
def test_data_faults(vpcd: FakeVpcd, fault: CardFault, apdu: str, answer_prefix: str) -> None:
    client = connect(vpcd)
    try:
        vpcd.apdu(SELECT_SSSE)
        vpcd.apdu("00A4020002EF05")
        client.simulator.fault = fault
        assert vpcd.apdu(apdu).startswith(answer_prefix)
    finally:
        client.stop()


def test_ef06_security_fault_on_a_2_0_card(vpcd: FakeVpcd) -> None:
    client = connect(vpcd)
    client.simulator.fault = CardFault.EF06_SECURITY
    try:
        vpcd.apdu(SELECT_SSSE)
        vpcd.apdu("00A4020002EF06")
        assert vpcd.apdu("00B2080014") == "6982"
    finally:
        client.stop()


def test_card_number_check_character_worked_examples() -> None:
    # devices.md Part B §1.4 (附录A): D2143569 → X, A0000001 → 1.
    assert card_number_check_character("D2143569") == "X"
    assert card_number_check_character("A0000001") == "1"


def test_demo_card_numbers_carry_valid_check_characters() -> None:
    for kind in ("gen1", "gen2", "gen3", "gen3-foreign-key"):
        number = demo_card(kind).ef05[6][2:].decode()
        assert card_number_check_character(number[:8]) == number[8]
