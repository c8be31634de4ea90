"""Prints how fast documents are built: first and warm commitment letter, a 200-row policy list.

Targets (lead's brief): first letter < 400 ms including font loading, warm letter < 15 ms,
200-row policy list < 150 ms and < 150 KB. Run: .venv/bin/python -m bench.bench_printing
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
from dataclasses import replace

# Run in a fresh interpreter so nothing is imported or registered yet.
_FIRST_LETTER = """
import json, time
t0 = time.perf_counter()
from printing.documents import commitment
t1 = time.perf_counter()
from printing.fonts import register_fonts
register_fonts()
t2 = time.perf_counter()
commitment.build(commitment.example())
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "fonts": t2 - t1, "build": t3 - t2}))
"""

FRESH_RUNS = 5
WARM_RUNS = 50
LIST_RUNS = 7
LIST_ROWS = 200


def first_letter_ms() -> dict[str, float]:
    """Median over fresh interpreters of import, font loading, and the first build (ms)."""
    samples: list[dict[str, float]] = []
    for _ in range(FRESH_RUNS):
        out = subprocess.run(
            [sys.executable, "-c", _FIRST_LETTER], capture_output=True, text=True, check=True
        )
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(s[key] for s in samples) * 1000 for key in samples[0]}


def warm_letter_ms() -> float:
    """Median time to build one more commitment letter in a warm process (ms)."""
    from printing.documents import commitment

    data = commitment.example()
    commitment.build(data)
    times = []
    for index in range(WARM_RUNS):
        letter = replace(data, registration_number=f"62010220250{index:05d}")
        start = time.perf_counter()
        commitment.build(letter)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def policy_list_figures() -> tuple[float, float, int]:
    """(median ms, KB, pages) of a 200-row policy list made of the seed rows, each renamed."""
    from printing.documents import policy_list

    seed = policy_list.example()
    rows = [
        replace(row, name=f"{row.name}（{index + 1}）")
        for index, row in zip(range(LIST_ROWS), list(seed.policies) * LIST_ROWS, strict=False)
    ]
    data = replace(seed, policies=rows)
    pdf = policy_list.build(data)
    times = []
    for _ in range(LIST_RUNS):
        start = time.perf_counter()
        pdf = policy_list.build(data)
        times.append(time.perf_counter() - start)
    pages = len(re.findall(rb"/Type /Page\b(?!s)", pdf))
    return statistics.median(times) * 1000, len(pdf) / 1024, pages


def main() -> None:
    first = first_letter_ms()
    print(
        "commitment letter, first PDF in a fresh process: "
        f"{first['fonts'] + first['build']:.0f} ms (font loading {first['fonts']:.0f} ms + "
        f"build {first['build']:.0f} ms; importing reportlab & co. another "
        f"{first['import']:.0f} ms)  target < 400 ms"
    )
    print(
        f"commitment letter, warm median of {WARM_RUNS}: {warm_letter_ms():.1f} ms  target < 15 ms"
    )
    ms, kb, pages = policy_list_figures()
    print(
        f"policy list, {LIST_ROWS} rows ({pages} pages): median {ms:.0f} ms, {kb:.0f} KB  "
        "target < 150 ms, < 150 KB"
    )


if __name__ == "__main__":
    main()
