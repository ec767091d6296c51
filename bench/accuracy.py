"""Prints the matcher's accuracy per category on every set in tests/eval/ (questions, heldout,
blind, blind2, blind3, blind4: each written by another hand, without seeing the matcher), and
its misses.

Usage: .venv/bin/python bench/accuracy.py [--misses]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from tests.eval.evaluate import evaluate, load_cases  # noqa: E402


def main() -> None:
    engine = Engine.from_dirs(ROOT / "tests" / "fixtures" / "knowledge", ROOT / "bot" / "intents")
    cases = load_cases()
    report = evaluate(engine, cases)
    print(f"{'category':<16}{'right':>7}{'total':>7}{'accuracy':>10}")
    for category in sorted(report.total):
        print(f"{category:<16}{report.right[category]:>7}{report.total[category]:>7}"
              f"{report.accuracy(category):>10.1%}")
    unknown = [c for c in cases if c.card == "unknown"]
    oos = evaluate(engine, unknown)
    print(f"{'overall':<16}{sum(report.right.values()):>7}{sum(report.total.values()):>7}"
          f"{report.accuracy():>10.1%}")
    print(f"{'unknown-expected':<16}{sum(oos.right.values()):>7}{len(unknown):>7}"
          f"{oos.accuracy():>10.1%}")
    if "--misses" in sys.argv:
        for case, card, point in report.misses:
            print(f"MISS [{case.category}] {case.q!r}: want {case.card}/{case.point}, "
                  f"got {card}/{point}")


if __name__ == "__main__":
    main()
