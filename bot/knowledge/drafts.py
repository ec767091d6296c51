"""Which theses are drafts: marked `draft: true` by their analyst, or still holding the
placeholders `thesis new` writes ("TODO: the write-up's title").

A draft loads and validates (so its owners can work on it in the served book), but it is never
served as an answer: cards say it is a draft and who owns it, `thesis validate --strict` fails
on it, and its owners hear of it in their weekly note. `thesis import` never writes a draft:
its output is the write-up's own words, its unchecked figures marked `review: true` instead.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass

from bot.knowledge.loader import _field
from bot.knowledge.models import Thesis

PLACEHOLDER = "TODO"  # how every placeholder text of the starter begins
_FIRST = frozenset(" \t\nT")  # a text can only be a placeholder if it starts so


@dataclass(frozen=True, slots=True)
class Draft:
    """Why a thesis is a draft: its analyst said so, or placeholders are left (their paths)."""

    ticker: str
    owners: tuple[str, ...]
    marked: bool
    placeholders: tuple[tuple[str | int, ...], ...] = ()

    @property
    def fields(self) -> list[str]:
        """The placeholders' fields as `thesis validate` names them ("bull[0].title")."""
        return [_field(path) for path in self.placeholders]


def is_placeholder(text: str) -> bool:
    """Whether `text` is one of the starter's placeholders ("TODO: the bull point's heading")."""
    word = text.lstrip()[: len(PLACEHOLDER) + 1]
    return word.rstrip(":").rstrip() == PLACEHOLDER


_THESIS_TEXTS = ("company", "title", "summary", "sector", "overview")
_SOURCE_TEXTS = ("title", "publisher")
_FIGURE_TEXTS = ("subject", "measure", "comparison", "period")
_POINT_TEXTS = ("title", "summary", "detail", "condition", "watch")


def _texts(thesis: Thesis) -> Iterator[tuple[tuple[str | int, ...], str | None]]:
    """Every text a card may show, with its path (lookup data such as keywords aside)."""
    for name in _THESIS_TEXTS:
        yield (name,), getattr(thesis, name)
    for index, source in enumerate(thesis.sources):
        for name in _SOURCE_TEXTS:
            yield ("sources", index, name), getattr(source, name)
    for index, figure in enumerate(thesis.figures):
        for name in _FIGURE_TEXTS:
            yield ("figures", index, name), getattr(figure, name)
    for section in ("bull", "bear", "catalysts"):
        for index, point in enumerate(getattr(thesis, section)):
            for name in _POINT_TEXTS:
                yield (section, index, name), getattr(point, name, None)


def placeholders(thesis: Thesis) -> list[tuple[str | int, ...]]:
    """Where the thesis still holds a placeholder text, as field paths in file order."""
    return [path for path, text in _texts(thesis)
            if text and text[:1] in _FIRST and is_placeholder(text)]


def draft_of(thesis: Thesis) -> Draft | None:
    """Why `thesis` is a draft, or None when it is ready to be served. Remembered for as long as
    the (frozen) thesis lives: every card, list line and App Home asks, and reading a 1,000-thesis
    book's texts each time took 0.2 s."""
    key = id(thesis)
    known = _KNOWN.get(key)
    if known is not None and known[0]() is thesis:
        return known[1]
    found = _draft_of(thesis)
    _KNOWN[key] = (weakref.ref(thesis, lambda _gone: _KNOWN.pop(key, None)), found)
    return found


_KNOWN: dict[int, tuple[weakref.ref[Thesis], Draft | None]] = {}


def _draft_of(thesis: Thesis) -> Draft | None:
    left = placeholders(thesis)
    if not thesis.draft and not left:
        return None
    return Draft(thesis.ticker, tuple(thesis.owners), thesis.draft, tuple(left))


def is_draft(thesis: Thesis) -> bool:
    return draft_of(thesis) is not None
