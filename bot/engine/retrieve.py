"""Which figure of one thesis a question is about, once its point is chosen: the figure's
subject and keywords scored as bags of words, and figures quoted by value (found by the
book's index). And, when no point is named, the figure a question asks for by its measure
and year ("JLMS 2025 revenue?")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from bot.engine import thresholds as th
from bot.engine.reading import Reading
from bot.engine.vocabulary import BagIndex, term_key
from bot.knowledge.models import Thesis

_YEAR = re.compile(r"\b20\d\d\b")


class ThesisIndex:
    """One thesis and its figure terms, built once at load (and cached per thesis)."""

    def __init__(self, thesis: Thesis, ignore: set[str], common: set[str]) -> None:
        self.thesis = thesis
        self.ignore = ignore
        self.figures: BagIndex[str] = BagIndex(common)
        self.figure_points: dict[str, list[str]] = {}
        for _, point in thesis.points():
            for figure_id in point.figures:
                self.figure_points.setdefault(figure_id, []).append(point.id)
        for figure in thesis.figures:
            for text in [figure.subject, *figure.keywords]:
                key = tuple(w for w in term_key(text) if w not in ignore)
                if key:
                    self.figures.add(key, figure.id)

    def figure_by_measure(self, reading: Reading, skip: set[int],
                          stop: AbstractSet[str]) -> str | None:
        """The one figure the question asks for by the words of its measure and its year
        ("what was Delft's 2025 revenue?"), or None: the question must give a year the
        figure covers, and say more of its measure (then more of it in proportion: "revenue
        grew", not "a customer's delay moved revenue") than of any other figure's."""
        years = {token.text for token in reading.tokens if _YEAR.fullmatch(token.text)}
        if not years:
            return None
        asked = {s for i, s in enumerate(reading.stems) if i not in skip}
        found = []
        for figure in self.thesis.figures:  # read here, not kept: the question is rare
            measure = set(term_key(figure.measure)) - stop  # "share of", "grew by"
            covered = set(_YEAR.findall(figure.period or str(figure.as_of or "")))
            said = len(measure & asked)
            if said and covered & years and figure.id in self.figure_points:
                found.append((said, said / len(measure), figure.id))
        found.sort(reverse=True)
        if not found or len(found) > 1 and found[1][:2] == found[0][:2] and \
                set(self.figure_points.get(found[1][2], ())) != \
                set(self.figure_points.get(found[0][2], ())):
            return None  # no figure, or two of different points as near
        return found[0][2]

    def figure_for(self, reading: Reading, skip: set[int], point: str,
                   quoted: Sequence[str] = ()) -> str | None:
        """The figure of `point` the question names, by its words or (`quoted`, found by
        the book's index) its value."""
        stems: Sequence[str] = [s for i, s in enumerate(reading.stems) if i not in skip]
        quality = dict(zip(reading.stems, reading.quality, strict=True))
        scores = self.figures.score(stems, quality)
        for fid in quoted:
            scores[fid] = scores.get(fid, 0.0) + th.FIGURE_BY_VALUE
        if not scores:
            return None
        fid, score = max(scores.items(), key=lambda kv: kv[1])
        return fid if score >= th.POINT and point in self.figure_points.get(fid, ()) else None
