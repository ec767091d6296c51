"""Prints the engine's speed and memory: per-question p50/p99 and questions per second in one
process, `thesis ask` wall time, and peak RSS, with 1 thesis, 10 and 1,000 (generated).

Usage: .venv/bin/python bench/engine_speed.py [--theses 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_theses  # noqa: E402
from tests.eval.evaluate import load_cases  # noqa: E402

MEASURE = r"""
import resource, sys, time, json
from pathlib import Path
t0 = time.perf_counter()
from bot.book.served import Book
book = Book(Path(sys.argv[1]), Path(sys.argv[2]))  # held as the Slack app holds it
engine = book.engine
build = book.edition.seconds
load = time.perf_counter() - t0 - build
questions = json.loads(sys.stdin.read())
for q in questions:  # warm-up
    engine.answer(q)
times = []
for _ in range(5):
    for q in questions:
        s = time.perf_counter(); engine.answer(q); times.append(time.perf_counter() - s)
times.sort()
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"load": load, "build": build, "times": times, "rss": rss_mb,
                  "n": len(engine.theses)}))
"""


def _measure(knowledge: Path, questions: list[str]) -> dict:
    import json

    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(knowledge), str(ROOT / "bot" / "intents")],
        input=json.dumps(questions), capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return json.loads(out.stdout)


def _ask_wall(knowledge: Path, cache: Path, runs: int = 10) -> tuple[float, float, float, float]:
    """`thesis ask` wall times: the first run (builds the engine cache), then the median and
    max of the next ones, and the peak RSS of any of them in MB."""
    thesis = str(Path(sys.executable).with_name("thesis"))
    env = {**os.environ, "THESIS_CACHE_DIR": str(cache)}
    walls = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([thesis, "--knowledge", str(knowledge), "ask", "what are BABA's risks?"],
                       capture_output=True, check=True, env=env)
        walls.append(time.perf_counter() - start)
    measure_rss = (
        "import resource, sys; from bot.cli.main import main; main(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr)"
    )
    warm = subprocess.run(
        [sys.executable, "-c", measure_rss, "--knowledge", str(knowledge), "ask", "BABA risks"],
        capture_output=True, text=True, check=True, env=env,
    )
    rss = float(warm.stderr.strip().splitlines()[-1])
    return walls[0], statistics.median(walls[1:]), max(walls[1:]), rss


def _report(label: str, knowledge: Path, questions: list[str]) -> None:
    result = _measure(knowledge, questions)
    times = result["times"]
    p50 = times[len(times) // 2] * 1e3
    p99 = times[int(len(times) * 0.99) - 1] * 1e3
    qps = len(times) / sum(times)
    with tempfile.TemporaryDirectory() as cache:
        cold, wall_median, wall_max, rss = _ask_wall(knowledge, Path(cache))
    print(f"{label}: {result['n']} theses, imports {result['load'] * 1e3:.0f} ms, YAML read and "
          f"index built in {result['build'] * 1e3:.0f} ms")
    print(f"  matching: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {times[-1] * 1e3:.3f} ms, "
          f"{qps:,.0f} questions/s ({len(times)} answers)")
    print(f"  thesis ask wall: first run {cold * 1e3:.0f} ms (builds the cache), then median "
          f"{wall_median * 1e3:.0f} ms, max {wall_max * 1e3:.0f} ms")
    print(f"  peak RSS: every thesis in memory (as the Slack app holds them) "
          f"{result['rss']:.1f} MB; thesis ask from the cache {rss:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--theses", type=int, default=1000)
    args = parser.parse_args()
    questions = [c.q for c in load_cases()]
    _report("1 thesis", ROOT / "knowledge", questions)
    for count in (10, args.theses):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "knowledge"
            write_theses(folder, count - 1)
            shutil.copy(ROOT / "knowledge" / "baba.yaml", folder / "baba.yaml")
            _report(f"{count} theses", folder, questions)


if __name__ == "__main__":
    main()
