"""Which point or figure of one thesis a question is about: its terms, scored as bags of words,
and its figures found by value."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.engine.reading import Reading
from bot.engine.vocabulary import BagIndex, term_key, term_words
from bot.knowledge.models import Thesis

FIGURE_BY_VALUE = 2.0  # naming a figure's exact value ("the $52B number") is strong evidence
_UNIT_SCALE = {"usd_billion": 1e9, "usd_million": 1e6}


_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][A-Za-z]+)")


def _proper_nouns(thesis: Thesis) -> set[str]:
    """Stems of the names the thesis writes with a capital inside a sentence (ByteDance,
    Huawei, Qwen, Pentagon): anchors that tie a question to this thesis, unlike everyday
    words it also uses ("adopt", "competition", "valuation")."""
    texts = [thesis.company, *thesis.aliases, *thesis.other_companies]
    for _, point in thesis.points():
        texts += [point.detail]
    texts += [f.subject for f in thesis.figures]
    found: set[str] = set()
    for text in texts:
        for match in _CAPITALISED.finditer(text):
            found.update(term_key(match.group(1)))
    return found


class ThesisIndex:
    """Point and figure terms of one thesis, built once at load."""

    def __init__(self, thesis: Thesis, ignore: set[str], common: set[str]) -> None:
        self.thesis = thesis
        self.points = BagIndex(common)
        self.figures = BagIndex(common)
        self.section_of: dict[str, str] = {}
        self.order = {point.id: n for n, (_, point) in enumerate(thesis.points())}
        self.figure_points: dict[str, list[str]] = {}
        self.values: list[tuple[float, str]] = []
        self.words: set[str] = set()  # every form of every term word, for the speller
        self.names = _proper_nouns(thesis)
        for section, point in thesis.points():
            self.section_of[point.id] = section
            for figure in point.figures:
                self.figure_points.setdefault(figure, []).append(point.id)
            for text in [point.title, point.id.replace("-", " "), *point.keywords]:
                self._add(self.points, text, point.id, ignore)
            for word in term_key(point.title):
                self._add(self.points, word, point.id, ignore)
        for figure in thesis.figures:
            self.values.append((figure.value * _UNIT_SCALE.get(figure.unit, 1.0), figure.id))
            for text in [figure.subject, *figure.keywords]:
                self._add(self.figures, text, figure.id, ignore)
                for point_id in self.figure_points.get(figure.id, ()):
                    self._add(self.points, text, point_id, ignore)

    def _add(self, index: BagIndex, text: str, target: str, ignore: set[str]) -> None:
        self.words.update(term_words(text))
        key = tuple(w for w in term_key(text) if w not in ignore)
        if key:
            index.add(key, target)

    def _figures_by_value(self, numbers: list[float]) -> list[str]:
        return [fid for value, fid in self.values
                if any(abs(value - n) <= 1e-6 * max(1.0, abs(value)) for n in numbers)]

    def figures_named(self, reading: Reading) -> list[str]:
        """Figures the question quotes by value ("the 19.1bn", "35.8%")."""
        return self._figures_by_value(reading.numbers)

    def score(self, reading: Reading, skip: set[int]) -> tuple[dict[str, float], dict[str, float]]:
        """(point id -> score, figure id -> score) from the words not at `skip` positions
        (those already name the thesis or the intent)."""
        stems: Sequence[str] = [s for i, s in enumerate(reading.stems) if i not in skip]
        quality = dict(zip(reading.stems, reading.quality, strict=True))
        points = self.points.score(stems, quality)
        figures = self.figures.score(stems, quality)
        for fid in self._figures_by_value(reading.numbers):
            figures[fid] = figures.get(fid, 0.0) + FIGURE_BY_VALUE
            for pid in self.figure_points.get(fid, ()):
                points[pid] = points.get(pid, 0.0) + FIGURE_BY_VALUE
        return points, figures

    def ranked(self, points: dict[str, float],
               section: str | None = None) -> list[tuple[str, float]]:
        """Points best first (ties: reading order), optionally only one section's."""
        return sorted(
            ((p, s) for p, s in points.items() if section is None or self.section_of[p] == section),
            key=lambda kv: (-kv[1], self.order[kv[0]]),
        )
