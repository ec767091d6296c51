"""Generates N plausible theses at run time (never committed), for load and speed benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

_WORDS = ["nova", "orbit", "lumen", "vertex", "cobalt", "quartz", "ember", "falcon", "harbor",
          "summit", "apex", "delta", "zenith", "atlas", "cedar", "willow", "onyx", "pioneer",
          "meridian", "boreal"]
_THEMES = ["payments", "logistics", "semiconductors", "streaming", "batteries", "biotech",
           "insurance", "robotics", "fintech", "gaming", "retail", "energy"]


def thesis_dict(n: int, rng: random.Random) -> dict:
    name = f"{rng.choice(_WORDS).title()}{rng.choice(_WORDS)} {n}"
    ticker = f"T{n:04d}"
    theme = rng.choice(_THEMES)
    doc = {"id": "doc", "title": f"{name} thesis", "publisher": "Synthetic", "date": "2025-10-01"}

    def point(kind: str, i: int) -> dict:
        return {
            "id": f"{kind}-{i}",
            "title": f"{theme.title()} {kind} point {i} for {name}",
            "summary": f"One-liner {i} of the {kind} case.",
            "detail": f"Full text of {kind} point {i} about {theme} and margins. " * 5,
            "figures": [f"fig-{kind}-{i}"],
            "sources": ["doc"],
            "keywords": [f"{theme} {kind} {i}", f"{rng.choice(_WORDS)} {theme}"],
        }

    bull = [point("bull", i) for i in range(3)]
    bear = [point("bear", i) for i in range(3)]
    catalysts = []
    for i, horizon in enumerate(("near", "medium", "long")):
        c = point("cat", i)
        c.pop("summary")
        c["horizon"] = horizon
        catalysts.append(c)
    figures = [
        {"id": fid, "subject": name, "measure": f"{theme} metric", "value": rng.randint(1, 99),
         "unit": "percent", "as_of": "2025-10-01", "source": "doc"}
        for fid in [p["figures"][0] for p in bull + bear + catalysts]
    ]
    return {
        "ticker": ticker, "company": name, "aliases": [f"{name} Holdings"],
        "title": f"{name}: a {theme} thesis", "summary": f"{name} leads in {theme}.",
        "updated": "2025-10-01", "overview": f"Why {name} matters in {theme}.",
        "sources": [doc], "figures": figures, "bull": bull, "bear": bear, "catalysts": catalysts,
    }


def write_theses(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"t{n:04d}.yaml").write_text(yaml.safe_dump(thesis_dict(n, rng)), "utf-8")
