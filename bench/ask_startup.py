"""Prints how long `thesis ask` takes from start to answer, with its cache built, beside the
bare import of the libraries it cannot do without (pydantic, yaml, rapidfuzz): the ratio is the
start-up budget's measure (issue 16: no slower than 3.7 times, aiming for 3).

Each command runs --runs times (default 15) in a fresh interpreter, the two in turn; the medians of
wall and CPU time are printed, and of the ratio of each pair.
Byte-code is written and read as in a normal install, whatever PYTHONDONTWRITEBYTECODE says.

Usage: .venv/bin/python bench/ask_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = "import pydantic, yaml, rapidfuzz"


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The wall time and CPU time (user and system) of one run of `command`, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["THESIS_CACHE_DIR"] = tempfile.mkdtemp(prefix="ask-cache-")
    ask = [sys.executable, "-m", "bot.cli.main", "ask", "what are BABA's risks?"]
    bare = [sys.executable, "-c", BARE]
    subprocess.run([sys.executable, "-m", "compileall", "-q", "bot"], env=env, cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    for _ in range(2):  # builds the cache and writes byte-code
        timed(ask, env)
        timed(bare, env)
    # One after the other, so that both see the machine as it is at that moment.
    pairs = [(timed(ask, env), timed(bare, env)) for _ in range(runs)]
    for label, at in (("wall", 0), ("CPU", 1)):
        asked = statistics.median(a[at] for a, _ in pairs)
        imported = statistics.median(b[at] for _, b in pairs)
        ratio = statistics.median(a[at] / b[at] for a, b in pairs)
        print(f"{label:>4}: thesis ask (cached) {asked * 1000:4.0f} ms, {BARE} "
              f"{imported * 1000:4.0f} ms: {ratio:.2f}x (medians of {runs})")


if __name__ == "__main__":
    main()
