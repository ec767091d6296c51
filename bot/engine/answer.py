"""The Answer: what the engine decided, as plain data every renderer can read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.knowledge.models import Thesis

Card = Literal["bull", "bear", "catalyst", "risk", "overview", "figures", "help", "unknown"]
CARDS: tuple[str, ...] = Card.__args__  # type: ignore[attr-defined]

# Where each card's points live in a thesis.
SECTION_OF_CARD = {"bull": "bull", "bear": "bear", "risk": "bear", "catalyst": "catalysts"}
# The card a point gets when the question asks about it without naming a section.
CARD_OF_SECTION = {"bull": "bull", "bear": "risk", "catalysts": "catalyst"}


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another reading of the question, offered as "Did you mean …"."""

    thesis: str | None
    card: Card
    point: str | None = None
    label: str = ""

    def as_dict(self) -> dict[str, str | None]:
        return {"thesis": self.thesis, "card": self.card, "point": self.point, "label": self.label}


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

    @property
    def ticker(self) -> str | None:
        return self.thesis.ticker if self.thesis else None
