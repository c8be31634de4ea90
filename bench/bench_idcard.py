"""Benchmark of ID-card reading: pty read vs wire time, text-block parsing, and a fuzz run."""

from __future__ import annotations

import functools
import logging
import random
import statistics
import time
import timeit

from devices.emulators.idcard_reader import IdCardReaderEmulator, demo_cards
from devices.errors import CardReadError
from devices.mps import commands
from devices.mps.frame import decode_response, encode_response, read_frame
from devices.mps.serial_reader import MpsSerialReader, wire_seconds
from devices.mps.text import parse_text_block

BAUDRATE = 115200
READS = 15
FUZZ_INPUTS = 120_000


def bench_pty_read() -> None:
    """Whole find → select → read over a pty paced at 115200 baud, against the wire time."""
    cards = demo_cards()
    with IdCardReaderEmulator(baudrate=BAUDRATE) as emulator:
        reader = MpsSerialReader(emulator.port, baudrate=BAUDRATE)
        reader.open()
        try:
            totals, ratios = [], []
            byte_count = 0
            for index in range(READS + 1):
                emulator.place_card(cards["resident"])
                before = reader.bytes_sent + reader.bytes_received
                started = time.perf_counter()
                card = reader.read_card()
                elapsed = time.perf_counter() - started
                assert card is not None and card.name == "马晓燕"
                byte_count = reader.bytes_sent + reader.bytes_received - before
                if index == 0:
                    continue  # warm-up
                totals.append(elapsed)
                ratios.append(elapsed / wire_seconds(byte_count, BAUDRATE))
        finally:
            reader.close()
    wire = wire_seconds(byte_count, BAUDRATE)
    print(f"ID card read over pty at {BAUDRATE} baud ({READS} reads):")
    print(f"  bytes on the wire: {byte_count} (3 commands × 10 + replies 15 + 19 + "
          f"{commands.READ_BASE_REPLY_LEN})")  # fmt: skip
    print(f"  wire time:  {wire * 1000:7.1f} ms")
    print(f"  total time: median {statistics.median(totals) * 1000:7.1f} ms, "
          f"min {min(totals) * 1000:.1f}, max {max(totals) * 1000:.1f}")  # fmt: skip
    print(f"  ratio total/wire: median {statistics.median(ratios):.3f}, max {max(ratios):.3f}"
          f" (target ≤ 1.30)")  # fmt: skip


def bench_text_parse() -> None:
    """Microseconds to parse one 256-byte text block, per document type."""
    print("Text-block parse (µs per block, best of 5 × 20000):")
    for label, card in demo_cards().items():
        timer = timeit.Timer(functools.partial(parse_text_block, card.text))
        best = min(timer.repeat(repeat=5, number=20000)) / 20000
        print(f"  {label:<20} {best * 1e6:6.2f} µs (target < 50)")


def _mutate(rng: random.Random, data: bytes, max_changes: int = 6) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, max_changes)):
        action = rng.random()
        if action < 0.6 and buffer:
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
        elif action < 0.8 and buffer:
            del buffer[rng.randrange(len(buffer)) :]
        else:
            buffer[rng.randrange(len(buffer) + 1) : 0] = rng.randbytes(rng.randint(1, 8))
    return bytes(buffer)


def bench_fuzz() -> None:
    """Generated inputs through frame reading, reply splitting and text parsing."""
    rng = random.Random(20200111)
    blocks = [card.text for card in demo_cards().values()]
    photo = bytes(1024)
    good_frames = [encode_response(0x90, commands.join_read_reply(b, photo)) for b in blocks]
    good_frames += [encode_response(sw3) for sw3 in (0x80, 0x9F, 0x41, 0x60)]
    counts = {"frames": 0, "text blocks": 0}
    rejected = accepted = 0
    foreign: list[str] = []
    started = time.perf_counter()
    for index in range(FUZZ_INPUTS):
        try:
            if index % 2 == 0:
                counts["frames"] += 1
                kind = rng.random()
                if kind < 0.2:
                    data = rng.randbytes(rng.randint(0, 1400))
                else:
                    data = _mutate(rng, rng.choice(good_frames))
                reply = decode_response(_read_all(data))
                if reply.sw3 == 0x90 and reply.data:
                    blocks_read = commands.split_read_reply(reply.data)
                    parse_text_block(blocks_read.text, photo_wlt=blocks_read.photo_wlt)
            else:
                counts["text blocks"] += 1
                if rng.random() < 0.3:
                    block = rng.randbytes(256)
                else:
                    block = _mutate(rng, rng.choice(blocks), max_changes=4)
                parse_text_block(block)
            accepted += 1
        except CardReadError:
            rejected += 1
        except Exception as error:
            foreign.append(f"{type(error).__name__}: {error}")
    elapsed = time.perf_counter() - started
    print(f"Fuzz: {FUZZ_INPUTS} generated inputs ({counts['frames']} frames, "
          f"{counts['text blocks']} text blocks) in {elapsed:.1f} s")  # fmt: skip
    print(f"  accepted {accepted}, rejected with CardReadError {rejected}, "
          f"foreign exceptions {len(foreign)}")  # fmt: skip
    if foreign:
        print("  FOREIGN EXCEPTIONS:", *sorted(set(foreign))[:10], sep="\n    ")
    else:
        print("  no foreign exception occurred")


def _read_all(data: bytes) -> bytes:
    """Run `data` through the streaming frame reader as a serial port would deliver it."""
    position = 0

    def source(size: int) -> bytes:
        nonlocal position
        chunk = data[position : position + size]
        position += len(chunk)
        return chunk

    return read_frame(source)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="  (%(message)s)")
    bench_text_parse()
    bench_pty_read()
    bench_fuzz()


if __name__ == "__main__":
    main()
