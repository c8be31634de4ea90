"""Fixtures for 社保卡 tests: a real private pcscd with vpcd, and simulated cards inserted into it.

libpcsclite reads PCSCLITE_CSOCK_NAME once, at its first call, so this module points it at the
private daemon when pytest imports it, before any test touches pyscard. The daemon itself starts
on first use (session scope) and is killed at the end of the session.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from devices.emulators.ssc_card import (
    CardFault,
    SocialSecurityCardSimulator,
    VpcdCardClient,
    demo_card,
)
from devices.pcsc.private_pcscd import PcscdUnavailableError, PrivatePcscd
from devices.pcsc.reader import SocialSecurityCardReader

_PCSCD = PrivatePcscd()
_PCSCD.use_in_this_process()

CARD_SEEN_TIMEOUT_S = 5.0


@pytest.fixture(scope="session")
def pcscd() -> Iterator[PrivatePcscd]:
    """The running private pcscd (tests may stop and start it; it is running again after)."""
    try:
        _PCSCD.start()
    except PcscdUnavailableError as exc:  # `make test` installs pcscd and vsmartcard-vpcd
        pytest.fail(f"pcscd with the vpcd driver could not start: {exc}")
    yield _PCSCD
    _PCSCD.cleanup()


@pytest.fixture
def running_pcscd(pcscd: PrivatePcscd) -> PrivatePcscd:
    """The private pcscd, restarted first if an earlier test left it stopped."""
    if not pcscd.running:
        pcscd.start()
    return pcscd


InsertCard = Callable[..., VpcdCardClient]


@pytest.fixture
def insert_card(running_pcscd: PrivatePcscd) -> Iterator[InsertCard]:
    """`insert_card("gen2", fault=…, mute_seconds=…)`: a simulated card in vpcd slot 0."""
    clients: list[VpcdCardClient] = []

    def insert(
        kind: str = "gen2", *, fault: CardFault = CardFault.NONE, mute_seconds: float = 1.0
    ) -> VpcdCardClient:
        simulator = SocialSecurityCardSimulator(demo_card(kind), fault=fault)
        client = VpcdCardClient(simulator, port=running_pcscd.vpcd_port, mute_seconds=mute_seconds)
        client.start()
        clients.append(client)
        assert client.wait_until_seen(CARD_SEEN_TIMEOUT_S), "vpcd never polled the card"
        return client

    yield insert
    for client in clients:
        client.stop()
    _wait_until_slot_empty(running_pcscd)


def _wait_until_slot_empty(pcscd: PrivatePcscd) -> None:
    """pcscd notices a removal at its next presence poll (400 ms); the next test must not see
    the previous test's card still marked present."""
    if not pcscd.running:
        return
    probe = SocialSecurityCardReader(pcscd.reader_names[0])
    probe.open()
    try:
        deadline = time.monotonic() + CARD_SEEN_TIMEOUT_S
        while probe.card_present() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        probe.close()


@pytest.fixture
def reader(running_pcscd: PrivatePcscd) -> Iterator[SocialSecurityCardReader]:
    """An opened reader on vpcd slot 0, no PSAM."""
    card_reader = SocialSecurityCardReader(running_pcscd.reader_names[0])
    card_reader.open()
    yield card_reader
    card_reader.close()
