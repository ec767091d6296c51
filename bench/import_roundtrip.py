"""Round trip of `thesis import` on a write-up and its hand transcription: are the point and
catalyst texts the same, and how many of the hand file's figures (value, unit, the points that
cite it) does the draft have? Prints each miss with what the draft has instead.

    python -m bench.import_roundtrip [WRITEUP] [HAND.yaml]

Defaults: ../shared/seeds/alibaba-ai-cloud-thesis.txt and tests/fixtures/knowledge/baba.yaml.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from bot.importer.draft import build
from bot.importer.layout import decode, read_layout
from bot.knowledge.loader import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "alibaba-ai-cloud-thesis.txt"
HAND = ROOT / "tests" / "fixtures" / "knowledge" / "baba.yaml"
TEXTS = ("title", "summary", "detail", "condition", "watch")


def _points(data: dict) -> dict[str, dict]:
    return {p["title"]: p for s in ("bull", "bear", "catalysts") for p in data.get(s, [])}


def _when(point: dict) -> str | None:
    timing = point.get("timing")
    return str(timing.get("when") if isinstance(timing, dict) else timing) if timing else None


def compare(writeup: Path, hand_path: Path) -> tuple[int, int, int, int, list[str]]:
    """(texts equal, texts compared, figures matched, figures, lines describing each miss)."""
    hand = yaml.safe_load(hand_path.read_text(encoding="utf-8"))
    text = decode(writeup.read_bytes(), str(writeup))
    vocabulary, _ = load_vocabulary(ROOT / "bot" / "intents")
    draft = build(read_layout(text, str(writeup)), hand["ticker"], str(writeup), vocabulary)
    mine = draft.data
    misses: list[str] = []
    same = total = 0
    hand_points, my_points = _points(hand), _points(mine)
    for title, point in hand_points.items():
        other = my_points.get(title)
        for key in (*TEXTS, "horizon"):
            if key not in point and (other is None or key not in other):
                continue
            total += 1
            want = " ".join(str(point.get(key) or "").split())
            got = " ".join(str((other or {}).get(key) or "").split())
            if other is not None and want == got:
                same += 1
            else:
                misses.append(f"text {title!r}.{key}: hand {want!r}, draft {got!r}")
        if "timing" in point or (other and "timing" in other):
            total += 1
            if other is not None and _when(point) == _when(other):
                same += 1
            else:
                misses.append(f"text {title!r}.timing: hand {_when(point)!r}, "
                              f"draft {_when(other or {})!r}")
    cited_by = {}
    for title, point in hand_points.items():
        for figure_id in point.get("figures", []):
            cited_by.setdefault(figure_id, set()).add(title)
    my_cited: dict[str, set[str]] = {}
    for title, point in my_points.items():
        for figure_id in point.get("figures", []):
            my_cited.setdefault(figure_id, set()).add(title)
    matched = 0
    for figure in hand["figures"]:
        want_points = cited_by.get(figure["id"], set())
        found = [f for f in mine["figures"] if float(f["value"]) == float(figure["value"])
                 and f["unit"] == figure["unit"] and want_points <= my_cited.get(f["id"], set())]
        if found:
            matched += 1
            continue
        near = [f"{f['value']} {f['unit']} in {sorted(my_cited.get(f['id'], set()))}"
                for f in mine["figures"] if float(f["value"]) == float(figure["value"])]
        misses.append(f"figure {figure['id']}: {figure['value']} {figure['unit']} in "
                      f"{sorted(want_points)}; draft has {near or 'no such value'}")
    return same, total, matched, len(hand["figures"]), misses


def main(argv: list[str]) -> int:
    writeup = Path(argv[0]) if argv else SEED
    hand = Path(argv[1]) if len(argv) > 1 else HAND
    same, total, matched, figures, misses = compare(writeup, hand)
    print(f"texts equal: {same}/{total}")
    print(f"figures matched (value, unit, point): {matched}/{figures} "
          f"({100 * matched / figures:.0f}%)")
    for miss in misses:
        print(f"  miss: {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
