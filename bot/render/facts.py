"""What every card says the same way: figure values, figure lines with source and date, ages.

Shared by the text and Block Kit renderers and the digest, so a figure reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot import messages
from bot.engine.answer import Answer
from bot.knowledge.models import CasePoint, Figure, Point, Thesis

HORIZON_TITLES = {"near": "Near term", "medium": "Medium term", "long": "Long term"}
SECTION_TITLES = {
    "bull": "Bull case",
    "bear": "Bear case",
    "risk": "Key risks",
    "catalyst": "Catalysts",
    "overview": "Overview",
    "figures": "Key figures and sources",
}


def format_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(figure: Figure) -> str:
    """35.8%, $19.1 billion, 23.5x, over 180,000 models: the figure as the document says it."""
    v = figure.value
    text = {
        "percent": f"{_number(v)}%",
        "percent_of_gdp": f"{_number(v)}% of GDP",
        "multiple": f"{_number(v)}x",
        "usd_billion": f"${_number(v)} billion",
        "usd_million": f"${_number(v)} million",
        "quarters": f"{_number(v)} quarters",
    }.get(figure.unit)
    if text is None:
        if v >= 1_000_000 and v % 1_000_000 == 0:
            text = f"{_number(v / 1_000_000)} million {figure.unit}"
        else:
            text = f"{_number(v)} {figure.unit}"
    return f"{figure.qualifier} {text}" if figure.qualifier else text


def source_label(thesis: Thesis, figure: Figure) -> str:
    source = thesis.source(figure.source)
    return source.publisher or source.title if source else figure.source


@dataclass(frozen=True, slots=True)
class FigureFact:
    """A figure ready to print: the claim, then where and when it comes from."""

    claim: str
    provenance: str
    figure_id: str


def figure_fact(thesis: Thesis, figure: Figure) -> FigureFact:
    period = f" ({figure.period})" if figure.period else ""
    claim = f"{format_value(figure)}: {figure.subject}, {figure.measure}{period}"
    provenance = f"Source: {source_label(thesis, figure)}, as of {format_date(figure.as_of)}"
    return FigureFact(claim, provenance, figure.id)


def point_facts(thesis: Thesis, point: Point, first: str | None = None) -> list[FigureFact]:
    """The figures a point cites, the asked-about one first."""
    ids = sorted(point.figures, key=lambda fid: fid != first)
    return [figure_fact(thesis, f) for fid in ids if (f := thesis.figure(fid)) is not None]


def _spellings(figure: Figure) -> set[str]:
    value = figure.value
    found = {_number(value).replace(",", "")}
    if value >= 1000 and value % 1000 == 0:
        found.add(f"{_number(value / 1000)}k")
    return found


def cited_facts(thesis: Thesis, point: CasePoint) -> list[FigureFact]:
    """The figures a point's one-liner quotes ("35.8% market share", "180k models"): section
    cards show these beside the one-liners, the point card shows them all."""
    words = set(re.findall(r"\d[\d.,]*k?", point.summary.replace(",", "")))
    words |= {w.rstrip(".") for w in words}
    return [figure_fact(thesis, f) for fid in point.figures
            if (f := thesis.figure(fid)) is not None and _spellings(f) & words]


@dataclass(frozen=True, slots=True)
class Staleness:
    """Why a thesis may be out of date: its own date, or a figure older than the allowed age."""

    ticker: str
    updated: dt.date
    updated_days: int  # how long ago the thesis was updated
    oldest_figure: dt.date | None  # set when a figure is stale and older than the thesis date

    def sentence(self) -> str:
        return messages.thesis_may_be_stale(
            self.ticker, format_date(self.updated), self.updated_days,
            format_date(self.oldest_figure) if self.oldest_figure else None)


def stale_dates(thesis: Thesis, today: dt.date, max_age_days: int) -> Staleness | None:
    """The one staleness rule, for every card and the digest: the thesis's `updated` date or
    any figure's `as_of` older than `max_age_days`."""
    limit = today - dt.timedelta(days=max_age_days)
    oldest = min((f.as_of for f in thesis.figures), default=None)
    old_figure = oldest if oldest is not None and oldest < limit else None
    if thesis.updated >= limit and old_figure is None:
        return None
    # A figure as old as the thesis is covered by "its figures may be out of date".
    named = old_figure if old_figure is not None and old_figure < thesis.updated else None
    return Staleness(thesis.ticker, thesis.updated, (today - thesis.updated).days, named)


def staleness(thesis: Thesis, today: dt.date, max_age_days: int) -> str | None:
    """The warning sentence when the thesis or any of its figures is older than the allowed
    age (see `stale_dates`), else None."""
    found = stale_dates(thesis, today, max_age_days)
    return found.sentence() if found else None


def card_title(answer: Answer) -> str:
    thesis = answer.thesis
    if thesis is None:
        return "thesis-bot"
    if answer.point:
        found = thesis.point(answer.point)
        if found:
            return f"{thesis.ticker} · {found[1].title}"
    title = SECTION_TITLES.get(answer.card, answer.card.title())
    if answer.card == "catalyst" and answer.horizon:
        title = f"{HORIZON_TITLES[answer.horizon]} catalysts"
    return f"{thesis.ticker} · {title}"


def countdown(end: dt.date, today: dt.date) -> str:
    days = (end - today).days
    if days > 1:
        return f"{days} days left"
    if days == 1:
        return "1 day left"
    if days == 0:
        return "due today"
    return f"passed {-days} days ago"


HOW_TO_ASK = (
    "Ask in plain words, in a channel (mention me), in a DM or with /thesis. For example:\n"
    "• what are BABA's risks?\n"
    "• bull case for Alibaba\n"
    "• BABA catalysts   • BABA bear   • BABA key numbers\n"
    "• how much buyback authorization is left?\n"
    "• /thesis list   (the theses I cover)"
)
