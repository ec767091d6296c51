"""The daily catalyst digest: theses + a date → a Digest (plain data) → Block Kit or text.

`build_digest` is pure and decides everything a reader sees (order, countdowns, warnings); the
two renderers only lay it out, Slack's limits coming from `bot.render.limits`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge.models import HORIZONS, Catalyst, Thesis
from bot.notify import messages
from bot.render import messages as render_messages
from bot.render.facts import (
    HORIZON_TITLES,
    CatalystNote,
    catalyst_notes,
    format_date,
    staleness,
    status_text,
    timing_text,
)
from bot.render.limits import (
    Block,
    context,
    divider,
    escape,
    fallback,
    fit_groups,
    fits,
    header,
    section,
)

SOON_DAYS = 7  # "due soon" looks this far ahead
FIRST_LOOKBACK_DAYS = 7  # "just passed" with no earlier digest looks this far back

@dataclass(frozen=True)
class CatalystLine:
    catalyst_id: str
    title: str
    horizon: str
    status: str | None  # "✅ hit — Jane Doe, 3 Feb 2026"; None while nobody has judged it
    notes: tuple[CatalystNote, ...]  # condition, date with countdown, what to watch


@dataclass(frozen=True)
class DueItem:
    """A catalyst whose date falls in the next week (a day), this month (a month), or whose
    period ended since the last digest; never a day the text does not give."""

    ticker: str
    catalyst_id: str
    title: str
    label: str  # what the date is of, or "When"
    status: str | None
    day: dt.date  # for ordering only: the day, or the last day of the period
    when: str  # "through March 2027 — this month", "13 Jun 2026 — in 3 days"


@dataclass(frozen=True)
class ThesisDigest:
    ticker: str
    company: str
    title: str
    catalysts: tuple[CatalystLine, ...]
    stale: str | None  # bot.render.facts.staleness: the same warning as on every card
    # "🆕 Updated since the last digest: …" when the thesis changed since this channel's last
    # digest (its "thesis updated" post went out in between)
    update: str | None = None

    @property
    def details_command(self) -> str:
        return f"/thesis {self.ticker} catalysts"


@dataclass(frozen=True)
class Digest:
    today: dt.date
    last_digest: dt.date | None
    due: tuple[DueItem, ...]
    theses: tuple[ThesisDigest, ...]

    @property
    def title(self) -> str:
        return messages.digest_title(f"{self.today:%a}", format_date(self.today))


# -- building ------------------------------------------------------------------------------


def build_digest(
    theses: Iterable[Thesis],
    today: dt.date,
    last_digest: dt.date | None = None,
    stale_after_days: int = 180,
    updated: Mapping[str, dt.date] | None = None,
) -> Digest:
    """`updated`: ticker → the previous version's date, for each thesis updated since this
    channel's last digest (bot.notify.updates.updated_since); those are marked."""
    updated = updated or {}
    ordered = sorted(theses, key=lambda t: t.ticker)
    due = sorted(
        (item for t in ordered for c in t.catalysts for item in _due_items(t, c, today,
                                                                           last_digest)),
        key=lambda i: (i.day, i.ticker, i.title),
    )
    return Digest(
        today=today,
        last_digest=last_digest,
        due=tuple(due),
        theses=tuple(_thesis_digest(t, today, stale_after_days, updated.get(t.ticker))
                     for t in ordered),
    )


def _thesis_digest(thesis: Thesis, today: dt.date, stale_after_days: int,
                   was: dt.date | None = None) -> ThesisDigest:
    by_horizon = sorted(thesis.catalysts, key=lambda c: HORIZONS.index(c.horizon))
    return ThesisDigest(
        ticker=thesis.ticker,
        company=thesis.company,
        title=thesis.title,
        catalysts=tuple(
            CatalystLine(c.id, c.title, c.horizon,
                         status_text(c.status) if c.status else None,
                         tuple(catalyst_notes(c, today)))
            for c in by_horizon
        ),
        stale=staleness(thesis, today, stale_after_days),
        update=messages.digest_thesis_updated(format_date(thesis.updated), format_date(was))
        if was is not None else None,
    )


def _due_items(thesis: Thesis, catalyst: Catalyst, today: dt.date,
               last_digest: dt.date | None) -> Iterable[DueItem]:
    timing = catalyst.timing
    if timing is None:
        return []
    when = timing.when
    passed_after = last_digest or today - dt.timedelta(days=FIRST_LOOKBACK_DAYS + 1)
    if when.precision == "day":
        due = passed_after < when.start <= today + dt.timedelta(days=SOON_DAYS)
    elif when.precision == "month" and when.contains(today):
        due = True  # "through March 2027 — this month"
    else:  # a month, quarter, half or year is news again only once it is over
        due = passed_after <= when.end < today  # the last digest saw it unfinished
    if not due:
        return []
    status = status_text(catalyst.status) if catalyst.status else None
    label = timing.what or render_messages.TIMING
    return [DueItem(thesis.ticker, catalyst.id, catalyst.title, label, status, when.end,
                    timing_text(timing, today))]


def _outcome(status: str | None) -> str:
    """" · ✅ hit — Jane Doe, 3 Feb 2026" after a judged item; nothing while nobody judged it."""
    return f" · {status}" if status else ""


# -- Block Kit -----------------------------------------------------------------------------


def _due_mrkdwn(digest: Digest) -> str:
    if not digest.due:
        return f"*{messages.DIGEST_DUE_HEADING}*\n{messages.digest_nothing_due(SOON_DAYS)}"
    lines = [
        f"• *{escape(i.ticker)}* {escape(i.title)} — {escape(i.label)}: {escape(i.when)}"
        + escape(_outcome(i.status))
        for i in digest.due
    ]
    return f"*{messages.DIGEST_DUE_HEADING}*\n" + "\n".join(lines)


def _catalyst_mrkdwn(line: CatalystLine) -> str:
    out = f"• *{escape(line.title)}*{escape(_outcome(line.status))}"
    for note in line.notes:
        out += f"\n      _{escape(note.label)}:_ {escape(note.text)}"
    return out


def _horizon_mrkdwn(thesis: ThesisDigest, horizon: str) -> str | None:
    lines = [_catalyst_mrkdwn(c) for c in thesis.catalysts if c.horizon == horizon]
    return f"*{HORIZON_TITLES[horizon]}*\n" + "\n".join(lines) if lines else None


def _heading(thesis: ThesisDigest) -> str:
    return f"*{escape(thesis.ticker)} · {escape(thesis.company)}*\n{escape(thesis.title)}"


def _details(thesis: ThesisDigest) -> str:
    return messages.digest_details(f"`{escape(thesis.details_command)}`")


def _full_group(thesis: ThesisDigest) -> list[Block]:
    blocks = [section(_heading(thesis))]
    if thesis.update:
        blocks += context([escape(thesis.update)])
    if thesis.stale:
        blocks += context([escape(render_messages.stale_warning(thesis.stale))])
    blocks += [section(text) for h in HORIZONS if (text := _horizon_mrkdwn(thesis, h))]
    if not thesis.catalysts:
        blocks.append(section(messages.DIGEST_NO_CATALYSTS))
    return [*blocks, *context([_details(thesis)]), divider()]


def _compact_group(thesis: ThesisDigest) -> list[Block]:
    """One section; the pointer to the details comes before whatever may be cut off."""
    parts = [_heading(thesis), *([escape(thesis.update)] if thesis.update else []),
             _details(thesis)]
    if thesis.stale:
        parts.append(escape(render_messages.stale_warning(thesis.stale)))
    parts += [text for h in HORIZONS if (text := _horizon_mrkdwn(thesis, h))]
    return [section("\n".join(parts))]


def _more(left: Sequence[ThesisDigest]) -> list[Block]:
    names = ", ".join(t.ticker for t in left)
    return context([escape(messages.digest_and_more(len(left), names))])


def digest_blocks(digest: Digest) -> tuple[str, list[Block]]:
    """(notification text, blocks) for one chat.postMessage, within Slack's limits however many
    theses there are: full cards, else one section per thesis, else as many as fit and the
    tickers of the rest."""
    head = [header(digest.title), section(_due_mrkdwn(digest)), divider()]
    if not digest.theses:
        head.append(section(messages.DIGEST_NO_THESES))
    text = fallback(_fallback_text(digest))
    full = [*head, *(block for t in digest.theses for block in _full_group(t))]
    if fits(full):
        return text, full
    blocks, _ = fit_groups(head, [_compact_group(t) for t in digest.theses],
                           lambda i: _more(digest.theses[i:]))
    return text, blocks


def _fallback_text(digest: Digest) -> str:
    return escape(messages.digest_notification(digest.title, len(digest.due),
                                               len(digest.theses)))


# -- terminal ------------------------------------------------------------------------------


def digest_text(digest: Digest) -> str:
    lines = [digest.title, "", messages.DIGEST_DUE_HEADING]
    if digest.due:
        for i in digest.due:
            lines.append(f"  • {i.ticker} {i.title} — {i.label}: {i.when}{_outcome(i.status)}")
    else:
        lines.append(f"  {messages.digest_nothing_due(SOON_DAYS)}")
    if not digest.theses:
        lines += ["", messages.DIGEST_NO_THESES]
    for thesis in digest.theses:
        lines += ["", f"{thesis.ticker} · {thesis.company} — {thesis.title}"]
        if thesis.update:
            lines.append(f"  {thesis.update}")
        if thesis.stale:
            lines.append(f"  ⚠ {thesis.stale}")
        for horizon in HORIZONS:
            items = [c for c in thesis.catalysts if c.horizon == horizon]
            if items:
                lines.append(f"  {HORIZON_TITLES[horizon]}")
            for c in items:
                lines.append(f"    • {c.title}{_outcome(c.status)}")
                lines += [f"        {note.label}: {note.text}" for note in c.notes]
        if not thesis.catalysts:
            lines.append(f"  {messages.DIGEST_NO_CATALYSTS}")
        lines.append(f"  {messages.digest_details(thesis.details_command)}")
    return "\n".join(lines)
