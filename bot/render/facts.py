"""What every card says the same way: figure values, figure lines with source and date, ages.

Shared by the text and Block Kit renderers and the digest, so a figure reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.engine.answer import Answer
from bot.knowledge import units
from bot.knowledge.drafts import draft_of
from bot.knowledge.models import CasePoint, Catalyst, Figure, Point, StatusMark, Thesis, Timing
from bot.render import messages

HORIZON_TITLES = {"near": "Near term", "medium": "Medium term", "long": "Long term"}
SECTION_TITLES = messages.CARD_TITLES


def format_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _number(value: float) -> str:
    return units.number(value)


def format_value(figure: Figure) -> str:
    """35.8%, $19.1 billion, 23.5x, over 180,000 models: the figure as the document says it."""
    text = units.display(figure.value, figure.unit)
    return f"{figure.qualifier} {text}" if figure.qualifier else text


def source_label(thesis: Thesis, figure: Figure) -> str:
    source = thesis.source(figure.source) if figure.source else thesis.sources[0]
    return source.publisher or source.title if source else str(figure.source)


def _said(part: str, whole: str) -> bool:
    """Whether `whole` already says `part` (case and spacing aside)."""
    return " ".join(part.casefold().split()) in " ".join(whole.casefold().split())


@dataclass(frozen=True, slots=True)
class FigureFact:
    """A figure ready to print: the claim, then where and when it comes from."""

    claim: str
    provenance: str
    figure_id: str
    unreviewed: bool = False  # imported and not yet checked: the provenance says so


def figure_fact(thesis: Thesis, figure: Figure) -> FigureFact:
    """"over 180,000 models: Qwen, AI models built on Qwen, on Hugging Face — double the
    second-place competitor"; a period the measure already says is not said twice. A figure
    still `review: true` (imported, unchecked) is never given as a plain sourced fact: its
    provenance says it is unreviewed."""
    claim = f"{format_value(figure)}: {figure.subject}, {figure.measure}"
    if figure.period and not _said(figure.period, claim):
        claim += f" ({figure.period})"
    if figure.comparison:
        claim += f" — {figure.comparison}"
    as_of = figure.as_of or thesis.updated
    if figure.review:
        provenance = messages.unreviewed_provenance(source_label(thesis, figure),
                                                    format_date(as_of))
    else:
        provenance = f"Source: {source_label(thesis, figure)}, as of {format_date(as_of)}"
    return FigureFact(claim, provenance, figure.id, figure.review)


def common_provenance(found: list[FigureFact]) -> str | None:
    """The source and date most of these figures share, when two or more share one: a card
    names it once instead of under every figure."""
    counts: dict[str, int] = {}
    for fact in found:
        if fact.unreviewed:  # an unchecked figure says so on its own line, always
            continue
        counts[fact.provenance] = counts.get(fact.provenance, 0) + 1
    best = max(counts, key=lambda p: counts[p], default=None)
    return best if best is not None and counts[best] >= 2 else None


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
    review_every: int | None = None  # the thesis's own review interval, when it sets one

    def sentence(self) -> str:
        return messages.thesis_may_be_stale(
            self.ticker, format_date(self.updated), self.updated_days,
            format_date(self.oldest_figure) if self.oldest_figure else None,
            self.review_every)


def allowed_age(thesis: Thesis, max_age_days: int) -> int:
    """Days a thesis and its figures stay current: its own `review_every` when it sets one,
    else the global THESIS_STALE_AFTER_DAYS (`max_age_days`)."""
    return thesis.review_every or max_age_days


def stale_dates(thesis: Thesis, today: dt.date, max_age_days: int) -> Staleness | None:
    """The one staleness rule, for every card, the digest and owners' reviews: the thesis's
    `updated` date or any figure's `as_of` older than the thesis's `review_every` if set, else
    `max_age_days`. A stale thesis is one due for review."""
    limit = today - dt.timedelta(days=allowed_age(thesis, max_age_days))
    oldest = min((f.as_of or thesis.updated for f in thesis.figures), default=None)
    old_figure = oldest if oldest is not None and oldest < limit else None
    if thesis.updated >= limit and old_figure is None:
        return None
    # A figure as old as the thesis is covered by "its figures may be out of date".
    named = old_figure if old_figure is not None and old_figure < thesis.updated else None
    return Staleness(thesis.ticker, thesis.updated, (today - thesis.updated).days, named,
                     thesis.review_every)


def staleness(thesis: Thesis, today: dt.date, max_age_days: int) -> str | None:
    """The warning sentence when the thesis or any of its figures is older than the allowed
    age (see `stale_dates`), else None."""
    found = stale_dates(thesis, today, max_age_days)
    return found.sentence() if found else None


def draft_notice(thesis: Thesis) -> str | None:
    """What a card says in place of a draft thesis's content (`draft: true`, or `thesis new`'s
    placeholders left), else None. Owners are named by their Slack ids as plain text: a
    notice about a draft pings nobody."""
    found = draft_of(thesis)
    return messages.draft_thesis(thesis.ticker, list(found.owners)) if found else None


def book_is_empty(answer: Answer) -> bool:
    """Whether the answer comes from a book with no thesis in it: every question then gets how
    to add the first one."""
    return answer.thesis is None and not answer.covered and not answer.matches


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


def timing_text(timing: Timing, today: dt.date) -> str:
    """The date as the text writes it, and how far away it is at that precision:
    "through March 2027 — in 4 months", "by 2030 — in 4 years", "13 Jun 2026 — in 3 days"."""
    when = timing.when
    written = when.text
    if when.precision == "day":  # a day reads the same everywhere, whatever its spelling
        written = " ".join(w for w in (when.bound, format_date(when.start)) if w)
    return f"{written} — {when.relative(today)}"


def status_text(status: StatusMark) -> str:
    """"✅ hit — Jane Doe, 3 Feb 2026": a judgement always says whose and when."""
    badge = messages.DIGEST_STATUS_BADGES[status.value]
    note = f": {status.note}" if status.note else ""
    return f"{badge} — {status.by}, {format_date(status.date)}{note}"


@dataclass(frozen=True, slots=True)
class CatalystNote:
    """A labelled line under a catalyst: its condition, its date, what to watch."""

    label: str
    text: str
    analyst: bool = False  # the analyst's words, not the write-up's


def few_words(text: str, most: int = 8) -> str:
    """The first `most` words of `text`, with "…" when cut: a condition at a glance."""
    words = text.split()
    return " ".join(words[:most]) + ("…" if len(words) > most else "")


def catalyst_glance(catalyst: Catalyst, today: dt.date) -> tuple[str | None, str | None]:
    """(when, what it depends on) in a few words, for the one line a catalyst gets on the
    catalysts card: "through March 2027 — in 14 months", "If management accelerates the pace…".
    Without a condition, what the text says to watch stands in."""
    when = timing_text(catalyst.timing, today) if catalyst.timing else None
    hinge = catalyst.condition or (f"{messages.WHAT_TO_WATCH} {catalyst.watch}"
                                   if catalyst.watch else None)
    return when, few_words(hinge, 10) if hinge else None


def catalyst_notes(catalyst: Catalyst, today: dt.date) -> list[CatalystNote]:
    """What a card says under a catalyst, in this order: the condition it depends on (never a
    deadline), the date the text gives (with its countdown at that precision), what the text
    says to watch, and what an analyst adds (marked as theirs). An unset status says nothing."""
    notes = []
    if catalyst.condition:
        notes.append(CatalystNote(messages.CONDITION, catalyst.condition))
    if catalyst.timing:
        what = catalyst.timing.what
        label = what[:1].upper() + what[1:] if what else messages.TIMING
        notes.append(CatalystNote(label, timing_text(catalyst.timing, today)))
    if catalyst.watch:
        notes.append(CatalystNote(messages.WHAT_TO_WATCH.rstrip(":"), catalyst.watch))
    if catalyst.analyst_watch:
        note = catalyst.analyst_watch
        when = f", {format_date(note.date)}" if note.date else ""
        notes.append(CatalystNote(messages.analyst_watch(note.by + when), note.text, True))
    return notes


HOW_TO_ASK = (
    "Ask in plain words, in a channel (mention me), in a DM or with /thesis. For example:\n"
    "• what are BABA's risks?\n"
    "• bull case for Alibaba\n"
    "• BABA catalysts   • BABA bear   • BABA key numbers\n"
    "• how much buyback authorization is left?\n"
    "• /thesis list   (the theses I cover)"
)
