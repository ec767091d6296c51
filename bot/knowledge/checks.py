"""Rules that span fields of a thesis: unique ids, references that resolve, sensible dates.

One function per rule; each yields (path, message) so the loader can add the file and line.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Iterator

from bot.knowledge.models import Thesis

Finding = tuple[tuple[str | int, ...], str]

_SECTIONS = ("bull", "bear", "catalysts")


def check_thesis(thesis: Thesis, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    return [
        *_unique_ids(thesis),
        *_references(thesis),
        *_dates_not_in_future(thesis, today),
    ]


def _unique_ids(thesis: Thesis) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for section in _SECTIONS:
        for index, point in enumerate(getattr(thesis, section)):
            if point.id in seen:
                yield (
                    (section, index, "id"),
                    f"duplicate point id {point.id!r} (already used in {seen[point.id]})",
                )
            seen.setdefault(point.id, section)
    for kind in ("figures", "sources"):
        ids: set[str] = set()
        for index, item in enumerate(getattr(thesis, kind)):
            if item.id in ids:
                yield (kind, index, "id"), f"duplicate {kind[:-1]} id {item.id!r}"
            ids.add(item.id)


def _references(thesis: Thesis) -> Iterator[Finding]:
    sources = {s.id for s in thesis.sources}
    figures = {f.id for f in thesis.figures}
    for index, figure in enumerate(thesis.figures):
        if figure.source not in sources:
            yield (
                ("figures", index, "source"),
                f"figure {figure.id!r} cites source {figure.source!r}, which is not under "
                f"sources{_did_you_mean(figure.source or '', sources)}",
            )
    used = {f for _, point in thesis.points() for f in point.figures}
    unused = figures - used
    # A point's reference near a figure no point uses: one misspelling, said once, at the figure.
    misspelt: dict[str, list[str]] = {}
    for section in _SECTIONS:
        for index, point in enumerate(getattr(thesis, section)):
            for k, source in enumerate(point.sources):
                if source not in sources:
                    yield (
                        (section, index, "sources", k),
                        f"point {point.id!r} cites source {source!r}, which is not under "
                        f"sources{_did_you_mean(source, sources)}",
                    )
            for k, figure in enumerate(point.figures):
                if figure in figures:
                    continue
                near = _nearest(figure, unused)
                if near is not None:
                    misspelt.setdefault(near, []).append(f"{point.id!r} refers to {figure!r}")
                    continue
                yield (
                    (section, index, "figures", k),
                    f"point {point.id!r} refers to figure {figure!r}, which is not under "
                    f"figures{_did_you_mean(figure, figures)}",
                )
    for index, figure in enumerate(thesis.figures):
        if figure.id in misspelt:
            yield (
                ("figures", index, "id"),
                f"figure {figure.id!r} belongs to no point, and point "
                f"{', '.join(misspelt[figure.id])}, which is not under figures: one of the two "
                "is misspelt",
            )
        elif figure.id not in used:
            yield (
                ("figures", index, "id"),
                f"figure {figure.id!r} belongs to no point; list it under a point's figures",
            )


def _nearest(name: str, names: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.8)
    return found[0] if found else None


def _did_you_mean(name: str, names: Iterable[str]) -> str:
    near = _nearest(name, names)
    return f"; did you mean {near!r}?" if near else ""


def _dates_not_in_future(thesis: Thesis, today: dt.date) -> Iterator[Finding]:
    """A typo like 2052 for 2025; a day or two ahead is only another time zone's today."""
    latest = today + dt.timedelta(days=2)
    if thesis.updated > latest:
        yield ("updated",), f"{thesis.updated} is in the future; is it a typo?"
    for index, figure in enumerate(thesis.figures):
        # A figure without as_of takes the thesis's date, already reported above.
        if figure.as_of and figure.as_of > latest and figure.as_of != thesis.updated:
            yield ("figures", index, "as_of"), f"{figure.as_of} is in the future; is it a typo?"
