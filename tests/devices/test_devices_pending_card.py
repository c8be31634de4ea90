"""Tests of devices.pending_card: a 3.0 社保卡's number waits for the 身份证 read after it."""

from __future__ import annotations

from datetime import date

import pytest

from devices.card import CardData, CardKind, CardSource
from devices.pcsc.errors import PartialCardError
from devices.pcsc.ssse import IssuerData
from devices.pending_card import PARTIAL_HOLD_S, PendingSocialSecurityCard

ISSUER = IssuerData(
    card_identifier=bytes.fromhex("620100D15600000500000013A1B2C3D4"),
    card_type="3",
    spec_version="3.00",
    init_org_number="915600000262010062010001",
    issue_date=date(2021, 12, 22),
    expiry_date=date(2031, 12, 22),
    card_number="E62000032",
)
ID_CARD = CardData(
    kind=CardKind.RESIDENT_ID,
    source=CardSource.ID_CARD_READER,
    name="阿依古丽",
    id_number="650102197806150034",
)


@pytest.fixture
def pending() -> PendingSocialSecurityCard:
    waiting = PendingSocialSecurityCard()
    waiting.hold(PartialCardError(ISSUER, "Virtual PCD 00 00", "第三代社保卡需读身份证"), 100.0)
    return waiting


def test_the_next_id_card_gets_the_social_security_card_data(
    pending: PendingSocialSecurityCard,
) -> None:
    completed = pending.complete(ID_CARD, 130.0)
    assert (completed.ss_card_number, completed.ss_card_issuer, completed.ss_card_version) == (
        "E62000032",
        "620100",
        "3.00",
    )
    assert (completed.name, completed.id_number) == (ID_CARD.name, ID_CARD.id_number)
    assert pending.partial is None
    assert pending.complete(ID_CARD, 131.0) == ID_CARD  # used once


def test_an_id_card_read_too_late_is_not_joined(pending: PendingSocialSecurityCard) -> None:
    assert pending.complete(ID_CARD, 100.0 + PARTIAL_HOLD_S + 1) == ID_CARD
    assert pending.partial is None


def test_a_complete_social_security_card_ends_the_wait(pending: PendingSocialSecurityCard) -> None:
    ssc = CardData(
        kind=CardKind.SOCIAL_SECURITY,
        source=CardSource.SOCIAL_SECURITY_READER,
        name="张三",
        id_number="620102199003070018",
        ss_card_number="C62000025",
    )
    assert pending.complete(ssc, 101.0) == ssc
    assert pending.complete(ID_CARD, 102.0) == ID_CARD


def test_nothing_held_changes_nothing() -> None:
    assert PendingSocialSecurityCard().complete(ID_CARD, 0.0) == ID_CARD
