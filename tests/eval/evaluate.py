"""Scores the engine on the evaluation set: right card and right point, per category."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.engine import Engine

QUESTIONS = Path(__file__).with_name("questions.yaml")
HELDOUT = Path(__file__).with_name("heldout.yaml")  # written later, by another hand
BLIND = Path(__file__).with_name("blind.yaml")  # by a third hand
BLIND2 = Path(__file__).with_name("blind2.yaml")  # by a fourth, mostly out-of-scope
BLIND3 = Path(__file__).with_name("blind3.yaml")  # by a fifth, as a team's Slack reads
BLIND4 = Path(__file__).with_name("blind4.yaml")  # by a sixth, in many desks' vocabularies


@dataclass
class Case:
    q: str
    card: str
    point: str | None
    category: str
    also: list[str] = field(default_factory=list)


@dataclass
class Report:
    right: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[tuple[Case, str, str | None]] = field(default_factory=list)

    def accuracy(self, category: str | None = None) -> float:
        if category is None:
            return sum(self.right.values()) / max(1, sum(self.total.values()))
        return self.right[category] / max(1, self.total[category])


def load_cases(*paths: Path) -> list[Case]:
    """The evaluation questions (every set by default)."""
    return [Case(**{**row, "q": str(row["q"] or "")})
            for path in (paths or (QUESTIONS, HELDOUT, BLIND, BLIND2, BLIND3, BLIND4))
            for row in yaml.safe_load(path.read_text(encoding="utf-8"))]


def evaluate(engine: Engine, cases: list[Case]) -> Report:
    report = Report()
    for case in cases:
        answer = engine.answer(case.q)
        ok = answer.card in (case.card, *case.also) and answer.point == case.point
        report.total[case.category] += 1
        report.right[case.category] += ok
        if not ok:
            report.misses.append((case, answer.card, answer.point))
    return report
