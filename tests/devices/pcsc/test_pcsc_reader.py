"""SocialSecurityCardReader through a real pcscd, the vpcd driver and the card simulator."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from devices.emulators.ssc_card import DEMO_HOLDERS, CardFault, VpcdCardClient
from devices.errors import (
    CardDataError,
    CardRemovedError,
    NoCardError,
    ReaderNotConnectedError,
)
from devices.pcsc import list_pcsc_readers, read_once
from devices.pcsc.errors import (
    CardNoAnswerError,
    NotSocialSecurityCardError,
    PartialCardError,
    ReaderBusyError,
    UnknownStatusWordError,
)
from devices.pcsc.private_pcscd import PrivatePcscd
from devices.pcsc.psam import DemoPsam
from devices.pcsc.reader import SocialSecurityCardReader, load_scard

pytestmark = [pytest.mark.needs_pcscd, pytest.mark.timeout(60)]

WAIT_S = 5.0

InsertCard = Callable[..., VpcdCardClient]  # the `insert_card` fixture of conftest.py


def test_lists_both_vpcd_slots(running_pcscd: PrivatePcscd) -> None:
    assert list_pcsc_readers() == list(running_pcscd.reader_names)


def test_is_usable_with_pyscard_installed() -> None:
    assert SocialSecurityCardReader.is_usable() == (True, "")


def test_no_card_means_none_and_not_present(reader: SocialSecurityCardReader) -> None:
    assert not reader.card_present()
    assert reader.read_card() is None
    assert not reader.wait_for_card(0.2)


@pytest.mark.parametrize("kind", ["gen1", "gen2"])
def test_reads_generation_1_and_2_cards(
    kind: str, insert_card: InsertCard, reader: SocialSecurityCardReader
) -> None:
    client = insert_card(kind)
    assert reader.wait_for_card(WAIT_S) and reader.card_present()
    card = reader.read_card()
    holder = DEMO_HOLDERS[kind]
    assert card is not None
    assert (card.name, card.id_number) == (holder.name, holder.social_security_number)
    assert card.reader_name == reader.pcsc_name == "Virtual PCD 00 00"
    assert client.simulator.pin_attempts == 0


def test_reads_a_3_0_card_with_psam(insert_card: InsertCard, running_pcscd: PrivatePcscd) -> None:
    client = insert_card("gen3")
    reader = SocialSecurityCardReader("Virtual PCD 00 00", psam=DemoPsam())
    reader.open()
    try:
        assert reader.wait_for_card(WAIT_S)
        card = reader.read_card()
    finally:
        reader.close()
    assert card is not None and card.name == DEMO_HOLDERS["gen3"].name
    assert card.ss_card_version == "3.00"
    assert client.simulator.pin_attempts == 0


def test_3_0_card_without_psam_is_partial(
    insert_card: InsertCard, reader: SocialSecurityCardReader
) -> None:
    insert_card("gen3")
    assert reader.wait_for_card(WAIT_S)
    with pytest.raises(PartialCardError) as caught:
        reader.read_card()
    assert caught.value.message == "第三代社保卡需读身份证以获取其余信息"
    assert caught.value.issuer.card_number == "E62000032"
    assert caught.value.reader_name == "Virtual PCD 00 00"


def test_refused_card_is_not_authenticated_twice(
    insert_card: InsertCard, running_pcscd: PrivatePcscd
) -> None:
    client = insert_card("gen3-foreign-key")
    reader = SocialSecurityCardReader(running_pcscd.reader_names[0], psam=DemoPsam())
    reader.open()
    try:
        assert reader.wait_for_card(WAIT_S)
        for _ in range(3):
            with pytest.raises(PartialCardError):
                reader.read_card()
    finally:
        reader.close()
    assert [apdu[1] for apdu in client.simulator.apdus].count(0x82) == 1
    assert client.simulator.external_auth_tries == 2


@pytest.mark.parametrize(
    ("fault", "error", "text"),
    [
        (CardFault.SSSE_NOT_FOUND, NotSocialSecurityCardError, "不是社会保障卡"),
        (CardFault.EF06_SECURITY, PartialCardError, "6982"),
        (CardFault.UNKNOWN_STATUS, UnknownStatusWordError, "未知状态码 6400"),
        (CardFault.MALFORMED_TLV, CardDataError, "长度字节为 15"),
        (CardFault.WRONG_LENGTH, CardDataError, "应为 16 字节，实为 8 字节"),
    ],
)
def test_card_faults_become_typed_chinese_errors(
    fault: CardFault,
    error: type[Exception],
    text: str,
    insert_card: InsertCard,
    reader: SocialSecurityCardReader,
) -> None:
    client = insert_card("gen2", fault=fault)
    assert reader.wait_for_card(WAIT_S)
    with pytest.raises(error) as caught:
        reader.read_card()
    assert text in caught.value.message  # type: ignore[attr-defined]
    client.simulator.fault = CardFault.NONE  # the next read works: nothing is stuck
    card = reader.read_card()
    assert card is not None and card.name == "张三"


def test_card_removed_between_select_and_read(
    insert_card: InsertCard, reader: SocialSecurityCardReader
) -> None:
    client = insert_card("gen2", fault=CardFault.REMOVED_AFTER_SELECT)
    assert reader.wait_for_card(WAIT_S)
    with pytest.raises(CardRemovedError) as caught:
        reader.read_card()
    assert "拔出" in caught.value.message
    assert not reader.card_present()
    client.insert()
    assert reader.wait_for_card(WAIT_S)
    card = reader.read_card()
    assert card is not None and card.name == "张三"


def test_mute_card_is_no_answer_not_removal(
    insert_card: InsertCard, reader: SocialSecurityCardReader
) -> None:
    insert_card("gen2", fault=CardFault.NO_ANSWER, mute_seconds=0.5)
    assert reader.wait_for_card(WAIT_S)
    with pytest.raises(CardNoAnswerError) as caught:
        reader.read_card()
    assert caught.value.message == "社保卡无应答，请取出后擦拭芯片再重新插入"
    card = reader.read_card()  # still in the slot, answering again
    assert card is not None and card.name == "张三"


def test_reader_held_exclusively_by_another_program(
    insert_card: InsertCard, reader: SocialSecurityCardReader, running_pcscd: PrivatePcscd
) -> None:
    insert_card("gen2")
    assert reader.wait_for_card(WAIT_S)
    scard: Any = load_scard()
    _, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    hresult, handle, _ = scard.SCardConnect(
        context, running_pcscd.reader_names[0], scard.SCARD_SHARE_EXCLUSIVE, 3
    )
    assert hresult == 0
    try:
        with pytest.raises(ReaderBusyError) as caught:
            reader.read_card()
        assert "占用" in caught.value.message
    finally:
        scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
        scard.SCardReleaseContext(context)


def test_unknown_reader_name_is_not_connected(running_pcscd: PrivatePcscd) -> None:
    reader = SocialSecurityCardReader("Gemalto PC Twin Reader")
    with pytest.raises(ReaderNotConnectedError) as caught:
        reader.open()
    reader.close()
    assert caught.value.message == "社保卡读卡器未连接（未找到「Gemalto PC Twin Reader」）"


def test_reader_name_prefix_is_enough(running_pcscd: PrivatePcscd) -> None:
    reader = SocialSecurityCardReader("Virtual PCD")
    reader.open()
    reader.close()
    assert reader.pcsc_name == "Virtual PCD 00 00"


def test_read_once_reads_a_card(insert_card: InsertCard) -> None:
    insert_card("gen2")
    card = read_once("Virtual PCD 00 00", WAIT_S)
    assert card.name == "张三" and card.ss_card_number == "C6200002X"


def test_read_once_without_card_times_out(running_pcscd: PrivatePcscd) -> None:
    started = time.monotonic()
    with pytest.raises(NoCardError) as caught:
        read_once(None, 0.3)
    assert time.monotonic() - started < 3
    assert "未检测到社保卡" in caught.value.message


def test_pcscd_stopped_then_started_again(
    insert_card: InsertCard, reader: SocialSecurityCardReader, running_pcscd: PrivatePcscd
) -> None:
    client = insert_card("gen2")
    assert reader.wait_for_card(WAIT_S) and reader.read_card() is not None
    running_pcscd.stop()
    for operation in (reader.card_present, reader.read_card):
        with pytest.raises(ReaderNotConnectedError) as caught:
            operation()
        assert caught.value.message.startswith("社保卡读卡器未连接")
    with pytest.raises(ReaderNotConnectedError):
        list_pcsc_readers()
    assert running_pcscd.wait_until_port_closed()
    running_pcscd.start()
    assert client.wait_until_seen(WAIT_S)
    assert reader.wait_for_card(WAIT_S)  # same reader object, fresh PC/SC context
    card = reader.read_card()
    assert card is not None and card.name == "张三"


def test_empty_name_from_the_registry_means_the_first_reader(running_pcscd: PrivatePcscd) -> None:
    reader = SocialSecurityCardReader("")
    reader.open()
    reader.close()
    assert reader.pcsc_name == running_pcscd.reader_names[0]
