"""Prints the matcher's accuracy: BABA alone and in the book, each thesis of the book alone and
together, and the frozen held-out set (whose misses are never printed: it is never tuned on).

Under each set's headline, accuracy by confidence band (sure, did you mean, unsure, which
thesis, don't know): a reliability table.

At the end, the own-words sets of each kind together (BABA, colliding theses, the others;
development and held out): accuracy, topics not covered said plainly, and right when sure.

Usage: .venv/bin/python bench/accuracy.py [--misses] [--categories]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine.matcher import Engine  # noqa: E402
from tests.eval.evaluate import (  # noqa: E402
    BABA_ONLY,
    BABA_SETS,
    BANDS,
    BOOK,
    BOOK_SETS,
    COLLIDING,
    HELD_OUT,
    OWN_DEV,
    OWN_HELD_OUT,
    Report,
    evaluate,
    load_cases,
)
from tests.eval.evaluate import engine_over as evaluate_engine_over  # noqa: E402


def engine_over(*files: Path) -> Engine:
    """An engine over these thesis files together; a broken vocabulary file stops the bench,
    which would otherwise score it as if it were empty."""
    engine = evaluate_engine_over(*files)
    if engine.problems:
        raise SystemExit("\n".join(str(p) for p in engine.problems))
    return engine


def without_keywords(path: Path) -> Path:
    """A copy of a thesis file with every `keywords` list taken out: the thesis as an analyst
    who never tunes the bot would write it."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def strip(node: object) -> None:
        if isinstance(node, dict):
            node.pop("keywords", None)
            for value in node.values():
                strip(value)
        elif isinstance(node, list):
            for value in node:
                strip(value)

    strip(data)
    copy = Path(tempfile.mkdtemp(prefix="bare-")) / path.name
    copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return copy


def line(label: str, report: Report) -> str:
    right, total = sum(report.right.values()), sum(report.total.values())
    return f"{label:<44}{right:>6}{total:>6}{report.accuracy():>9.1%}"


def reliability(report: Report) -> str:
    """Accuracy by confidence band: how often each band is right."""
    bands = [name for _, name in BANDS] + ["which thesis", "don't know"]
    return "    " + "  ".join(
        f"{name} {report.band_right[name]}/{report.band_total[name]}"
        f" ({report.band_right[name] / report.band_total[name]:.0%})"
        for name in bands if report.band_total[name])


def show(label: str, report: Report, misses: bool, categories: bool) -> None:
    print(line(label, report))
    print(reliability(report))
    if categories:
        for category in sorted(report.total):
            print(f"    {category:<40}{report.right[category]:>6}{report.total[category]:>6}"
                  f"{report.accuracy(category):>9.1%}")
    if misses:
        for case, got, point in report.misses:
            print(f"    MISS [{case.category}] {case.q!r}: want {case.thesis}/{case.card}/"
                  f"{case.point}{' (generic)' if case.generic else ''}, got {got}/{point}")


def main() -> None:
    misses, categories = "--misses" in sys.argv, "--categories" in sys.argv
    book_files = sorted(BOOK.glob("*.yaml"))
    held_out = {name: sorted((folder / "theses").glob("*.yaml")) for name, folder in HELD_OUT}
    baba = sorted(BABA_ONLY.glob("*.yaml"))
    print(f"{'set (theses loaded)':<44}{'right':>6}{'total':>6}{'accuracy':>9}")
    baba_cases = load_cases(*BABA_SETS)
    show("BABA sets (BABA alone)", evaluate(engine_over(*baba), baba_cases), misses, categories)
    bare = [without_keywords(path) for path in baba]
    show("BABA sets (BABA alone, no keywords)", evaluate(engine_over(*bare), baba_cases),
         misses, categories)
    whole = engine_over(*book_files, *(f for files in held_out.values() for f in files))
    show(f"BABA sets (book of {len(whole.covered)})", evaluate(whole, baba_cases), misses,
         categories)
    for path in BOOK_SETS:
        cases = load_cases(path)
        thesis_file = BOOK / f"{path.stem}.yaml"
        if thesis_file.exists():
            show(f"{path.name} ({path.stem.upper()} alone)",
                 evaluate(engine_over(thesis_file), [c for c in cases if not c.generic
                                                     and c.card != "compare"]),
                 misses, categories)
        show(f"{path.name} (book of {len(whole.covered)})", evaluate(whole, cases), misses,
             categories)
    for name, folder in HELD_OUT:  # never their misses: they are never tuned on
        cases = load_cases(folder / "questions.yaml")
        show(f"{name} (BABA + its thesis)", evaluate(engine_over(*baba, *held_out[name]), cases),
             False, categories)
        show(f"{name} (book of {len(whole.covered)})", evaluate(whole, cases), False, categories)
    colliding = [f for folder in COLLIDING for f in sorted(folder.glob("*.yaml"))]
    wider = engine_over(*book_files, *(f for files in held_out.values() for f in files),
                        *colliding)
    alone = {"baba": baba, "book": book_files}
    targets: dict[str, list[Report]] = {}
    for path in (*OWN_DEV, *OWN_HELD_OUT):  # in the asker's own words
        held = path in OWN_HELD_OUT
        cases = load_cases(path)
        name = f"{path.parent.name}/{path.name}" + (" held out" if held else "")
        mine = alone.get(path.stem.split("_")[0]) or \
            [*baba, *sorted((path.parent / "theses").glob("*.yaml"))]
        if mine != baba or all(c.thesis in ("BABA", None) for c in cases):
            show(f"{name} ({'BABA' if mine == baba else len(mine)})",
                 evaluate(engine_over(*mine), cases), misses and not held, categories)
        else:
            print(f"{name} alone: skipped, its questions name theses of the book")
        report = evaluate(wider, cases)
        show(f"{name} (book of {len(wider.covered)})", report, misses and not held, categories)
        group = "BABA" if path.stem.startswith("baba") else \
            "colliding" if path.parent.name.startswith("collide") else "other theses"
        targets.setdefault(f"{'held out' if held else 'development'}, {group}", []).append(report)
    print(f"\nIn the asker's own words, book of {len(wider.covered)}: all sets of a kind together")
    for label, reports in targets.items():
        print(_together(label, reports))


def _together(label: str, reports: list[Report]) -> str:
    """One line for several sets: accuracy, topics not covered said plainly, right when sure."""
    right = sum(sum(r.right.values()) for r in reports)
    total = sum(sum(r.total.values()) for r in reports)
    plain = sum(r.right["uncovered"] for r in reports), sum(r.total["uncovered"] for r in reports)
    sure = sum(r.band_right["sure"] for r in reports), sum(r.band_total["sure"] for r in reports)
    return (f"  {label:<32}{right:>6}/{total:<6}{right / max(1, total):>7.1%}   uncovered "
            f"{plain[0]}/{plain[1]} ({plain[0] / max(1, plain[1]):.1%})   sure {sure[0]}/{sure[1]} "
            f"({sure[0] / max(1, sure[1]):.1%})")


if __name__ == "__main__":
    main()
