"""Benchmark: 社保卡 present → CardData through a real pcscd, the vpcd driver and the simulator.

Target: under 250 ms per read (median of at least 20 reads). Also printed, for information:
card insertion → CardData, which is bounded below by pcscd's 400 ms presence polling of vpcd.
Runs its own private pcscd (devices.pcsc.private_pcscd), so it must set PCSCLITE_CSOCK_NAME
before anything in this process calls pyscard.
"""

from __future__ import annotations

import statistics
import time

from devices.emulators.ssc_card import SocialSecurityCardSimulator, VpcdCardClient, demo_card
from devices.pcsc.private_pcscd import PrivatePcscd
from devices.pcsc.psam import DemoPsam
from devices.pcsc.reader import SocialSecurityCardReader

TARGET_MS = 250.0
READS = 30
INSERTIONS = 5


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _bench_reads(pcscd: PrivatePcscd, kind: str, with_psam: bool) -> None:
    client = VpcdCardClient(SocialSecurityCardSimulator(demo_card(kind)), port=pcscd.vpcd_port)
    client.start()
    reader = SocialSecurityCardReader(pcscd.reader_names[0], psam=DemoPsam() if with_psam else None)
    reader.open()
    try:
        if not (client.wait_until_seen(5) and reader.wait_for_card(5)):
            raise RuntimeError("the simulated card never appeared in pcscd")
        reader.read_card()  # warm-up: first power-up of the card
        times_ms = []
        for _ in range(READS):
            started = time.perf_counter()
            card = reader.read_card()
            times_ms.append((time.perf_counter() - started) * 1000)
            assert card is not None and card.name
        median = statistics.median(times_ms)
        verdict = "OK" if median < TARGET_MS else "MISSED"
        label = f"{kind}{' + PSAM' if with_psam else ''}"
        print(
            f"read {label:<12} median {median:6.2f} ms  p95 {_percentile(times_ms, 0.95):6.2f} ms"
            f"  min {min(times_ms):6.2f}  max {max(times_ms):6.2f}  n={READS}"
            f"  APDUs/read {reader.last_exchange_count}  target < {TARGET_MS:.0f} ms: {verdict}",
            flush=True,
        )
    finally:
        reader.close()
        client.stop()


def _bench_insertion(pcscd: PrivatePcscd) -> None:
    client = VpcdCardClient(SocialSecurityCardSimulator(demo_card("gen2")), port=pcscd.vpcd_port)
    client.start()
    reader = SocialSecurityCardReader(pcscd.reader_names[0])
    reader.open()
    times_ms = []
    try:
        for _ in range(INSERTIONS):
            client.remove()
            deadline = time.monotonic() + 5
            while reader.card_present() and time.monotonic() < deadline:
                time.sleep(0.02)
            started = time.perf_counter()
            client.insert()
            if not reader.wait_for_card(5):
                raise RuntimeError("the re-inserted card never appeared in pcscd")
            card = reader.read_card()
            times_ms.append((time.perf_counter() - started) * 1000)
            assert card is not None
    finally:
        reader.close()
        client.stop()
    print(
        f"insert → CardData    median {statistics.median(times_ms):6.1f} ms"
        f"  min {min(times_ms):6.1f}  max {max(times_ms):6.1f}  n={INSERTIONS}"
        "  (includes pcscd's 400 ms presence polling; information only)",
        flush=True,
    )


def main() -> None:
    """Print read latencies for a 2.0 card, a 3.0 card with PSAM, and card insertion."""
    pcscd = PrivatePcscd()
    pcscd.use_in_this_process()
    pcscd.start()
    try:
        _bench_reads(pcscd, "gen2", with_psam=False)
        _bench_reads(pcscd, "gen3", with_psam=True)
        _bench_insertion(pcscd)
    finally:
        pcscd.cleanup()


if __name__ == "__main__":
    main()
