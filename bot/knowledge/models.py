"""Pydantic models of a thesis and of an intent's vocabulary.

Field-level rules live here; rules that span fields (ids unique, references resolve) live in
`checks.py`, where each problem can be tied to the line it comes from.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    RootModel,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.knowledge import dates, units

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
SlackUserId = Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Horizon = Literal["near", "medium", "long"]
Status = Literal["pending", "hit", "missed"]
# Open: any name a card can print (see bot/knowledge/units.py); "usd_billion", "GWh", "months".
Unit = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(units.check_unit)]
# A few words that say how exact a number is: "over", "more than", "about", "up to".
Qualifier = Annotated[str, StringConstraints(strip_whitespace=True,
                                             pattern=r"^[a-z][a-z ,'-]{0,29}$")]
PartialDate = Annotated[
    dates.PartialDate,
    BeforeValidator(dates.parse_partial_date),
    PlainSerializer(str),
    WithJsonSchema({"type": "string", "description": dates.FORMS}),
]
IntentName = Literal["bull", "bear", "catalyst", "risk", "overview", "figures", "help", "list",
                     "search"]
INTENTS: tuple[str, ...] = get_args(IntentName)
HORIZONS: tuple[str, ...] = get_args(Horizon)


class _Strict(BaseModel):
    # A field's docstring is its documentation (bot/knowledge/schema_doc.py reads it); pydantic
    # is not asked to read the sources for it, which would cost every start-up 20 ms.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    """Who published what the thesis relies on. The first source is the write-up itself; add
    another only when the text names who published a number ("the street forecasts …"), not
    where a thing is ("models on Hugging Face")."""

    id: Id
    """How figures and points cite this source."""
    title: Text
    """What it is, as the text names it."""
    publisher: Text | None = None
    """Who published it, as the text names them; cards show it as the figure's source."""
    date: dt.date | None = None
    """Only a date the text gives (the write-up's "Updated" date); never the day you read it."""
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    """A link to it, if there is one."""


class Figure(_Strict):
    """A number the thesis relies on: what it measures, about whom, when, and from where,
    with the words that qualify or compare it kept as data."""

    id: Id
    """How points cite this figure."""
    subject: Text
    """Whom or what the number is about, as the text names it."""
    measure: Text
    """What the number measures, in the text's words."""
    value: Annotated[float, Field(allow_inf_nan=False)]
    """The number as written (19.1 for "$19.1 billion", 180000 for "180k")."""
    unit: Unit
    """The unit as written; any short name a card can print."""
    qualifier: Qualifier | None = None
    """The word the text puts before the number: over, more than, about, roughly, up to,
    at least."""
    comparison: Text | None = None
    """What the text compares the number with, in its words."""
    period: Text | None = None
    """The time the number covers, as written; not repeated in `measure`."""
    as_of: dt.date | None = None
    """When the number was current; leave it out to use the thesis's `updated` date."""
    source: Id | None = None
    """The source that published the number; leave it out when it is the write-up itself
    (the first of `sources`)."""
    keywords: list[Text] = []
    """Extra words a question may use for this figure (lookup aids, not claims)."""
    review: bool = False
    """`true` on a figure `thesis import` read from the prose, until an analyst has checked it
    against the write-up and deleted the line. Meanwhile every card, the digest and compare
    show it marked "unreviewed, imported" (never as a plain sourced fact), and `thesis
    validate` counts a thesis's unreviewed figures in a warning."""

    @property
    def magnitude(self) -> float:
        """The plain number the value stands for ($19.1 billion → 1.91e10), for finding a
        figure by the value a question quotes."""
        return units.magnitude(self.value, self.unit)


class Timing(_Strict):
    """When a catalyst plays out, at the precision the text gives, and what that date is of."""

    when: PartialDate
    """The date as written."""
    what: Text | None = None
    """What the date belongs to, in the text's words, when it is not the catalyst itself."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"when": data}


class StatusMark(_Strict):
    """A judgement on a catalyst: set by someone, on a day. A catalyst without one has no
    status, and cards show none."""

    value: Status
    """pending (still open), hit or missed."""
    by: Text
    """Who judged it."""
    date: dt.date
    """When they judged it."""
    note: Text | None = None
    """Why, in a line."""


class AnalystNote(_Strict):
    """Something the write-up does not say, added by an analyst and shown as theirs."""

    text: Text
    """The note."""
    by: Text
    """The analyst who wrote it."""
    date: dt.date | None = None
    """When they wrote it."""


class Point(_Strict):
    id: Id
    """A stable id: deep links, buttons and tests use it."""
    title: Text
    """The heading, as written."""
    detail: Text
    """The full text, as written."""
    figures: list[Id] = []
    """The figures this text quotes, by id."""
    sources: list[Id] = Field(min_length=1)
    """The sources this text comes from, by id (at least the write-up)."""
    keywords: list[Text] = []
    """Extra words a question may use for this point (lookup aids, not claims)."""


class CasePoint(Point):
    """A bull or bear point: the one-liner of the case, and the full text behind it."""

    summary: Text
    """The one-liner, as written."""


class Catalyst(Point):
    """An event that could move the stock, with its date and conditions only as the text
    gives them."""

    horizon: Horizon
    """Which heading the text puts it under: near, medium or long term."""
    summary: Text | None = None
    """A one-liner, if the text has one."""
    condition: Text | None = None
    """The "if …" the text makes it depend on, as written; shown as a condition, never as
    a deadline."""
    timing: Timing | None = None
    """The date the text gives, at its precision."""
    watch: Text | None = None
    """What the text itself says to watch, in its words."""
    analyst_watch: AnalystNote | None = None
    """A "what to watch" line the text does not have: yours, with your name."""
    status: StatusMark | None = None
    """Unknown until someone judges it; then the judgement, who and when."""

    @model_validator(mode="before")
    @classmethod
    def _old_forms(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "window" in data:
            raise PydanticCustomError(
                "window_replaced",
                "`window` is from the previous schema: run `thesis upgrade` to rewrite this "
                "file, or write the date as the text gives it, e.g. "
                "`timing: through March 2027` (or `timing: {when: by 2030, what: …}`); "
                "an \"if … through 2026\" is a `condition:`, not a date")
        status = data.get("status")
        if isinstance(status, str) and status.strip().lower() == "pending":
            raise PydanticCustomError(
                "status_pending",
                "a bare `status: pending` is from the previous schema: run `thesis upgrade` "
                "to rewrite this file, or delete the line (a catalyst nobody has judged shows "
                "no status)")
        if isinstance(status, str):
            raise PydanticCustomError(
                "status_without_provenance",
                "a status says who set it and when: `status: {example}`; leave it out while "
                "nobody has judged the catalyst (got {got})",
                {"example": "{value: hit, by: NAME, date: YYYY-MM-DD}", "got": repr(status)})
        return data


class Thesis(_Strict):
    """One investment thesis, transcribed from its write-up. Lookup data (ticker, aliases,
    other_companies, headquarters, keywords) is the team's, not the write-up's; everything
    else says exactly what the write-up says."""

    ticker: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9.\-]{0,9}$")]
    """The listing symbol, upper case (lookup data)."""
    company: Text
    """The company's name."""
    aliases: list[Text] = []
    """Other names a question may use: exchange codes, short and local names (lookup data)."""
    # Companies a question may name that this thesis talks about but does not cover
    # ("tencent bull case" is about Tencent, not about this thesis's competition point).
    other_companies: list[Text] = []
    """Companies the text names but does not cover, so a question about them is not taken
    for this thesis (lookup data)."""
    businesses: list[Text] = []
    """The company's own units, brands and products that the thesis does not cover, so a
    question about one ("how's Taobao doing?") is about this company and is told the thesis
    does not cover it, not answered from a rival's thesis that names it (lookup data)."""
    headquarters: Text | None = None
    """The city of the company's head office, by which a desk may call it ("the Hangzhou
    name"): a question calling a company so names this thesis when no other thesis of the book
    has its head office there (lookup data)."""
    glossary: dict[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                    max_length=40)], Text] = {}
    """Acronyms and terms of art the text uses, with their meaning (ITC: investment tax
    credit): matched like the words they stand for, and never taken for a ticker."""
    title: Text
    """The write-up's title, as written."""
    summary: Text
    """The write-up's one-line summary, as written."""
    sector: Text | None = None
    """The sector, if the write-up gives one."""
    updated: dt.date
    """The write-up's date ("Updated: Nov 27, 2025" → 2025-11-27)."""
    owners: list[SlackUserId] = []
    """Slack user ids of who answers for this thesis: they hear (by DM, at most once a week, and
    on the App Home) of reviews due, broken edits and unanswered questions."""
    review_every: Annotated[int, Field(ge=1, le=3650)] | None = None
    """Days between reviews of this thesis: older than this, the thesis (or a figure in it) is
    shown as possibly out of date and is due for review (instead of THESIS_STALE_AFTER_DAYS)."""
    draft: bool = False
    """`true` while the thesis is being written: it loads and validates, but is not served as
    an answer (the bot says it is a draft and names its owners) and fails `thesis validate
    --strict`. A thesis still holding `thesis new`'s TODO placeholders is a draft too. Delete
    the line when the thesis is ready; `thesis import` never sets it."""
    overview: Text | None = None
    """An overview paragraph, only if the write-up has one."""
    sources: list[Source] = Field(min_length=1)
    """Who published what the thesis relies on; the write-up itself first."""
    figures: list[Figure] = []
    """Every number the texts quote, once each."""
    bull: list[CasePoint] = []
    """The bull case, point by point."""
    bear: list[CasePoint] = []
    """The bear case (key risks), point by point."""
    catalysts: list[Catalyst] = []
    """Events that could move the stock."""
    notes: list[Text] = []
    """Lines of the write-up `thesis import` could not place, each with its line number; place
    what belongs, then delete them. Never shown in answers."""

    @model_validator(mode="before")
    @classmethod
    def _figure_defaults(cls, data: Any) -> Any:
        """A figure without `as_of` is as of the thesis's date; without `source`, it is the
        write-up's own (the first source). Only a valid date or id is handed on: a mistake in
        `updated` is one problem, not one more for every figure."""
        if not isinstance(data, dict) or not isinstance(data.get("figures"), list):
            return data
        sources = data.get("sources")
        first = sources[0] if isinstance(sources, list) and sources else None
        document = _valid(_ID, first.get("id")) if isinstance(first, dict) else None
        updated = _valid(_DATE, data.get("updated"))
        figures = []
        for figure in data["figures"]:
            if isinstance(figure, dict):
                figure = dict(figure)
                if figure.get("as_of") is None and updated is not None:
                    figure["as_of"] = updated
                if figure.get("source") is None and document is not None:
                    figure["source"] = document
            figures.append(figure)
        return {**data, "figures": figures}

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

    def unreviewed(self) -> list[Figure]:
        """The figures still marked `review: true`: read from the prose by `thesis import` and
        not yet checked by an analyst, so never shown as plain sourced facts."""
        return [f for f in self.figures if f.review]


_ID: TypeAdapter[str] = TypeAdapter(Id)
_DATE: TypeAdapter[dt.date] = TypeAdapter(dt.date)


def _valid(adapter: TypeAdapter[Any], value: Any) -> Any:
    """`value` as `adapter` reads it, or None if it does not."""
    if value is None:
        return None
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


class IntentSpec(_Strict):
    """An intent's vocabulary. `terms` alone decide an intent; `hints` only tip a question that
    already names a thesis or a point (words like "when" or "issues" are too common to decide);
    `leans` (single words, as typed) frame a question toward the intent's section without
    asking for its card: "will", "plans" lean to a catalyst, "exposed", "if" to a risk."""

    intent: IntentName
    description: Text
    terms: list[Text] = Field(min_length=1)
    hints: list[Text] = []
    leans: list[Annotated[str, StringConstraints(pattern=r"^[a-z']+$")]] = []


class Vocabulary(_Strict):
    """Words the matcher knows to be ordinary: never spell-corrected, never taken for a company."""

    common_words: Text
    # Phrases whose words mean nothing here ("bull market" is not the bull case).
    ordinary_phrases: list[Text] = []
    # A key of two words expands its second word where it follows the first: "stock comp" is
    # compensation, where "comp" alone is competition.
    abbreviations: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9&/]+( [a-z0-9&/]+)?$")],
                        Text] = {}
    # Groups of words the business world uses for one thing (factory, plant, fab): a question
    # in one finds a thesis written in another.
    synonyms: list[list[Text]] = []
    # Phrases in which a shorthand keeps a sense of its own and is not read as its meaning:
    # the "topline" of "topline data" is a trial's headline result, not revenue.
    as_written: list[Text] = []
    # Words of office small talk (lunch, offsite, wifi): a question naming no thesis that says
    # one and no term of the trade is about something else, whatever word it shares.
    small_talk: list[Text] = []
    # How a question asks whether the company has or does something ("does it have any",
    # "is it doing anything in"): asked of a thing the thesis never names, the thesis does
    # not cover it.
    existence: list[Text] = []
    # How a message opens when it asks the people in the channel, not the bot ("anyone know",
    # "can someone"): naming no thesis, it is not about the book.
    colleagues: list[Text] = []

    def words(self) -> list[str]:
        return self.common_words.split()


class FalseFriend(_Strict):
    """A phrase in which one of a concept's terms means something else ("cheap power")."""

    text: Text
    term: Text


class Concept(_Strict):
    """An idea investment theses talk about (valuation, buybacks, export controls …), with the
    words people use for it. A question reaches a point through a concept its text carries."""

    about: Text
    terms: list[Text] = Field(min_length=1)
    false_friends: list[FalseFriend] = []
    examples: list[Text] = []
    # broader concepts this one is a kind of: a point about dividends is about capital return
    part_of: list[str] = []

    @model_validator(mode="after")
    def _false_friends_use_terms(self) -> Concept:
        terms = set(self.terms)
        for friend in self.false_friends:
            if friend.term not in terms:
                raise ValueError(f"false friend {friend.text!r}: {friend.term!r} is not one of "
                                 "this concept's terms")
        return self


class Concepts(RootModel[dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")],
                              Concept]]):
    """concepts.yaml: the language of the trade, shared by every thesis."""

    @model_validator(mode="after")
    def _parts_of_known_concepts(self) -> Concepts:
        for name, concept in self.root.items():
            for broader in concept.part_of:
                if broader not in self.root or broader == name:
                    raise ValueError(f"{name}: part_of {broader!r} is no other concept here")
                if self.root[broader].part_of:  # one level: a point carries its parents only
                    raise ValueError(f"{name}: part_of {broader!r}, itself part of another")
        return self
