"""Prints how long a bar chart takes to draw as a PNG: the first one (which imports matplotlib)
and then p50 / p95 / max over repeated draws, for each chart the fixture book makes. The budget
is 300 ms a chart once the library is loaded.

Usage: .venv/bin/python bench/chart_speed.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.book.cache import load_engine  # noqa: E402
from bot.render import chart  # noqa: E402
from bot.settings import Settings  # noqa: E402

QUESTIONS = ["China AI cloud market share by company", "what is alibaba's P/E?",
             "BABA competition"]
BUDGET_MS = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    engine = load_engine(ROOT / "tests" / "fixtures" / "book", Settings().intents_dir, None)
    found = [(q, s) for q in QUESTIONS if (s := chart.series(engine.answer(q))) is not None]
    started = time.perf_counter()
    chart.draw_png(found[0][1])
    print(f"first chart, importing matplotlib: {(time.perf_counter() - started) * 1000:.0f} ms")
    worst = 0.0
    for question, series in found:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            png = chart.draw_png(series)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        worst = max(worst, times[-1])
        print(f"{question!r}: {len(series.bars)} bars, {len(png) // 1024} KiB PNG, "
              f"p50 {statistics.median(times):.0f} ms, "
              f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms, max {times[-1]:.0f} ms")
    print(f"budget {BUDGET_MS} ms: {'met' if worst <= BUDGET_MS else 'EXCEEDED'}")
    return 0 if worst <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
