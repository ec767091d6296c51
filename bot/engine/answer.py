"""The Answer: what the engine decided, as plain data every renderer can read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from bot.knowledge.models import Thesis

Card = Literal["bull", "bear", "catalyst", "risk", "overview", "figures", "help", "unknown",
               "list", "compare", "search"]
# Cards about the book rather than one thesis: their theses are in `Answer.matches`.
BOOK_CARDS = ("list", "compare", "search")
CARDS: tuple[str, ...] = get_args(Card)

# Where each card's points live in a thesis.
SECTION_OF_CARD: dict[str, str] = {"bull": "bull", "bear": "bear", "risk": "bear",
                                   "catalyst": "catalysts"}
# The card a point gets when the question asks about it without naming a section.
CARD_OF_SECTION: dict[str, Card] = {"bull": "bull", "bear": "risk", "catalysts": "catalyst"}


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another reading of the question, offered as "Did you mean …"."""

    thesis: str | None
    card: Card
    point: str | None = None
    title: str = ""  # the point's title, when a point is offered


@dataclass(frozen=True, slots=True)
class Match:
    """One thesis's part of a book card: the card of it to show, and the point if one."""

    thesis: Thesis
    card: Card
    point: str | None = None
    score: float = 0.0
    count: int = 0  # in a search: how many of the thesis's points say the topic


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    card: Card
    thesis: Thesis | None = None
    point: str | None = None
    figure: str | None = None
    horizon: str | None = None
    confidence: float = 0.0
    alternatives: tuple[Alternative, ...] = ()
    covered: tuple[str, ...] = ()
    unknown_subject: str | None = None
    reason: str = ""
    matches: tuple[Match, ...] = ()  # list, compare and search cards
    more: int = 0  # a search's theses left out of `matches` by the cut
    topic: str = ""  # the words a named thesis lacks, or a search that no one point says whole
    trace: tuple[str, ...] = ()  # why this card: `thesis ask --explain`
    read_as: str = ""  # the question as read, when a typo in it was corrected
    following: bool = False  # the thesis is the conversation's, not named in the question

    @property
    def ticker(self) -> str | None:
        return self.thesis.ticker if self.thesis else None
