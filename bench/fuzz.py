"""Runs the properties of tests/properties.py with many examples (10,000 each by default) and
prints, per property, how many held and how long the bot's own calls took: the engine's
answer, each renderer, the digest card (p50, p99 and the slowest, in milliseconds). Exits 1
when a property fails, printing the smallest failing example hypothesis found.

Usage: .venv/bin/python bench/fuzz.py [--examples 10000] [--only NAME] [--seed N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests import properties as prop  # noqa: E402


def _properties() -> dict[str, tuple[tuple[st.SearchStrategy[Any], ...], Callable[..., None]]]:
    single, book = prop.engines()
    day = st.dates(dt.date(1995, 1, 1), dt.date(2099, 12, 31))

    def digest(theses: list[Any], today: dt.date, since: int | None, stale: int) -> None:
        prop.check_digest(theses, today, today - dt.timedelta(days=since) if since else None,
                          stale)

    return {
        "question, one thesis": ((prop.questions(), prop.options()),
                                 lambda q, o: prop.check_engine(single, q, o)),
        "question, the book": ((prop.questions(), prop.options()),
                               lambda q, o: prop.check_engine(book, q, o)),
        "thesis cards, odd text": ((prop.thesis_answers(), prop.options()),
                                   lambda ak, o: prop.check_card(ak[0], o, ak[1])),
        "list/compare/search cards": ((prop.book_answers(), prop.options()), prop.check_card),
        "help and I don't know": ((prop.thesisless_answers(), prop.options()), prop.check_card),
        "list and App Home": ((prop.odd_theses(), prop.options()), prop.check_list_and_home),
        "digest": ((prop.odd_theses(), day, st.none() | st.integers(1, 400),
                    st.integers(1, 4000)), digest),
    }


def _counting(check: Callable[..., None], held: list[int]) -> Callable[[tuple[Any, ...]], None]:
    def body(values: tuple[Any, ...]) -> None:
        check(*values)
        held[0] += 1

    return body


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    if q >= 1.0:
        return f"{max(values) * 1000:.1f}"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--only", help="run the properties whose name contains this")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    failed = 0
    print(f"{args.examples:,} examples a property, seed {args.seed}\n")
    print(f"{'property':28} {'held':>7} {'wall s':>7}  {'call':14} {'calls':>7} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for name, (strategies, check) in _properties().items():
        if args.only and args.only not in name:
            continue
        prop.TIMES = {}
        held = [0]

        runs = given(st.tuples(*strategies))(_counting(check, held))
        test = seed(args.seed)(settings(
            max_examples=args.examples, deadline=None, database=None, print_blob=True,
            suppress_health_check=list(HealthCheck))(runs))
        started = time.perf_counter()
        try:
            test()
        except Exception as exc:  # a property failed: report it, go on with the others
            failed += 1
            notes = "\n".join(getattr(exc, "__notes__", []))  # the falsifying example
            print(f"{name:28} FAILED: {type(exc).__name__}: {str(exc)[:2000]}\n{notes}")
        wall = time.perf_counter() - started
        times = prop.TIMES or {"-": []}
        for i, (call, values) in enumerate(sorted(times.items())):
            label = f"{name:28} {held[0]:>7,} {wall:>7.1f}" if i == 0 else " " * 44
            print(f"{label}  {call:14} {len(values):>7,} {_ms(values, 0.5):>7} "
                  f"{_ms(values, 0.99):>7} {_ms(values, 1.0):>7}")
        sys.stdout.flush()
    print(f"\n{failed} propert{'y' if failed == 1 else 'ies'} failed"
          if failed else "\nevery property held")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
