"""Pydantic models of a thesis and of an intent's vocabulary.

Field-level rules live here; rules that span fields (ids unique, references resolve) live in
`checks.py`, where each problem can be tied to the line it comes from.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
SlackUserId = Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Horizon = Literal["near", "medium", "long"]
Status = Literal["pending", "hit", "missed"]
Unit = Literal[
    "percent",
    "percent_of_gdp",
    "multiple",
    "usd_billion",
    "usd_million",
    "models",
    "downloads",
    "quarters",
    "count",
]
IntentName = Literal["bull", "bear", "catalyst", "risk", "overview", "figures", "help", "list",
                     "search"]
INTENTS: tuple[str, ...] = IntentName.__args__  # type: ignore[attr-defined]
HORIZONS: tuple[str, ...] = Horizon.__args__  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    id: Id
    title: Text
    publisher: Text | None = None
    date: dt.date | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class Figure(_Strict):
    """A number the thesis relies on: what it measures, about whom, when, and from where."""

    id: Id
    subject: Text
    measure: Text
    value: float
    unit: Unit
    qualifier: Text | None = None
    period: Text | None = None
    as_of: dt.date
    source: Id
    keywords: list[Text] = []


class Window(_Strict):
    start: dt.date | None = None
    end: dt.date | None = None
    label: Text

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start is None and self.end is None:
            raise ValueError("a window needs a start or an end date")
        if self.start and self.end and self.start > self.end:
            raise ValueError("start is after end")
        return self


class Point(_Strict):
    id: Id
    title: Text
    detail: Text
    figures: list[Id] = []
    sources: list[Id] = Field(min_length=1)
    keywords: list[Text] = []


class CasePoint(Point):
    """A bull or bear point: the one-liner of the case, and the full text behind it."""

    summary: Text


class Catalyst(Point):
    horizon: Horizon
    summary: Text | None = None
    watch: Text | None = None
    window: Window | None = None
    status: Status = "pending"


class Thesis(_Strict):
    ticker: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9.\-]{0,9}$")]
    company: Text
    aliases: list[Text] = []
    # Companies a question may name that this thesis talks about but does not cover
    # ("tencent bull case" is about Tencent, not about this thesis's competition point).
    other_companies: list[Text] = []
    # Acronyms and terms of art the thesis uses, with their meaning (ITC: investment tax
    # credit): matched like the words they stand for, and never taken for a ticker.
    glossary: dict[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                    max_length=40)], Text] = {}
    title: Text
    summary: Text
    sector: Text | None = None
    updated: dt.date
    # Who answers for this thesis (Slack user ids) and how often it wants a review, in days.
    owners: list[SlackUserId] = []
    review_every: Annotated[int, Field(ge=1, le=3650)] | None = None
    overview: Text
    sources: list[Source] = Field(min_length=1)
    figures: list[Figure] = []
    bull: list[CasePoint] = []
    bear: list[CasePoint] = []
    catalysts: list[Catalyst] = []

    def names(self) -> list[str]:
        """Everything a question may call this thesis by."""
        return [self.ticker, self.company, *self.aliases]

    def points(self) -> list[tuple[str, Point]]:
        """Every point with the name of its section, in reading order."""
        return (
            [("bull", p) for p in self.bull]
            + [("bear", p) for p in self.bear]
            + [("catalysts", p) for p in self.catalysts]
        )

    def point(self, point_id: str) -> tuple[str, Point] | None:
        return next(((s, p) for s, p in self.points() if p.id == point_id), None)

    def figure(self, figure_id: str) -> Figure | None:
        return next((f for f in self.figures if f.id == figure_id), None)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


class IntentSpec(_Strict):
    """An intent's vocabulary. `terms` alone decide an intent; `hints` only tip a question that
    already names a thesis or a point (words like "when" or "issues" are too common to decide)."""

    intent: IntentName
    description: Text
    terms: list[Text] = Field(min_length=1)
    hints: list[Text] = []


class Vocabulary(_Strict):
    """Words the matcher knows to be ordinary: never spell-corrected, never taken for a company."""

    common_words: Text
    # Phrases whose words mean nothing here ("bull market" is not the bull case).
    ordinary_phrases: list[Text] = []
    abbreviations: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9&/]+$")], Text] = {}

    def words(self) -> list[str]:
        return self.common_words.split()
