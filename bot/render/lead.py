"""The answer first: a question for a number or a date gets it before anything else.

"how much buyback authorization is left?" should not make a portfolio manager read a warning, a
label and a paragraph to find "$19.1 billion". When the engine picked a figure, or the question
asks when (or how much) and the point carries a date (or a figure), the card opens with that
value in bold, what it measures, one supporting sentence in the text's own words, and where the
number comes from. Shared by the Slack and terminal renderers so both lead the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.engine.answer import Answer
from bot.knowledge import units
from bot.knowledge.models import Catalyst, Figure, Point, Thesis
from bot.render import facts

# The words that make a question ask for a date, or for an amount. The engine already chose
# the card and the figure; these only say which of the two a card should lead with.
_WHEN = re.compile(r"\b(when|what date|by when|how soon|how long|deadline|until when)\b",
                   re.IGNORECASE)
_HOW_MUCH = re.compile(r"\b(how (much|many|big|large|fast|high|low)|what('s| is) the "
                       r"(size|value|amount|number|share|multiple))\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$“\"])")


@dataclass(frozen=True, slots=True)
class Lead:
    """What a card opens with: `value` in bold, then `rest` (what it is, starting with its own
    separator: ": Alibaba, price-to-earnings multiple"), the supporting sentence from the
    point's own text, and the provenance (source and as-of date)."""

    value: str
    rest: str
    support: str | None
    provenance: str | None
    figure_id: str | None = None  # the figure the lead shows: not repeated in the figure lines


def asks_when(question: str) -> bool:
    return bool(_WHEN.search(question))


def asks_how_much(question: str) -> bool:
    return bool(_HOW_MUCH.search(question))


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _spellings(figure: Figure) -> list[str]:
    """How the text may write the number: 19.1, 180,000, 180000, 180k."""
    plain = units.number(figure.value)
    found = [plain, plain.replace(",", "")]
    if figure.value >= 1000 and figure.value % 1000 == 0:
        found.append(f"{units.number(figure.value / 1000)}k")
    return found


def supporting_sentence(detail: str, *needles: str) -> str | None:
    """The first sentence of `detail` that says one of `needles` (a number, a date)."""
    for sentence in _sentences(detail):
        folded = sentence.casefold()
        if any(n and n.casefold() in folded for n in needles):
            return sentence
    return None


def _figure_lead(thesis: Thesis, figure: Figure, point: Point | None) -> Lead:
    fact = facts.figure_fact(thesis, figure)
    value = facts.format_value(figure)
    rest = fact.claim[len(value):] if fact.claim.startswith(value) else f": {fact.claim}"
    support = supporting_sentence(point.detail, *_spellings(figure)) if point else None
    return Lead(value, rest, support, fact.provenance, figure.id)


def _date_lead(catalyst: Catalyst, today: dt.date) -> Lead | None:
    if catalyst.timing is None:
        return None
    when = catalyst.timing.when
    what = catalyst.timing.what or catalyst.title
    rest = f" ({when.relative(today)}): {what}"
    support = supporting_sentence(catalyst.detail, when.text)
    return Lead(when.text, rest, support, None)


def lead(answer: Answer, today: dt.date) -> Lead | None:
    """What the card should open with, or None when the question asks for no number or date."""
    thesis = answer.thesis
    if thesis is None:
        return None
    found = thesis.point(answer.point) if answer.point else None
    point = found[1] if found else None
    if isinstance(point, Catalyst) and asks_when(answer.question):
        dated = _date_lead(point, today)
        if dated is not None:
            return dated
    figure = thesis.figure(answer.figure) if answer.figure else None
    if figure is None and point is not None and point.figures and \
            asks_how_much(answer.question):
        figure = thesis.figure(point.figures[0])
    if figure is None:
        return None
    return _figure_lead(thesis, figure, point)
