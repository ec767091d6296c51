"""Which figure of one thesis a question is about, once its point is chosen: the figure's
subject and keywords scored as bags of words, and figures quoted by value (found by the
book's index)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine import thresholds as th
from bot.engine.reading import Reading
from bot.engine.vocabulary import BagIndex, term_key
from bot.knowledge.models import Thesis


class ThesisIndex:
    """One thesis and its figure terms, built once at load (and cached per thesis)."""

    def __init__(self, thesis: Thesis, ignore: set[str], common: set[str]) -> None:
        self.thesis = thesis
        self.ignore = ignore
        self.figures = BagIndex(common)
        self.figure_points: dict[str, list[str]] = {}
        for _, point in thesis.points():
            for figure_id in point.figures:
                self.figure_points.setdefault(figure_id, []).append(point.id)
        for figure in thesis.figures:
            for text in [figure.subject, *figure.keywords]:
                key = tuple(w for w in term_key(text) if w not in ignore)
                if key:
                    self.figures.add(key, figure.id)

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
