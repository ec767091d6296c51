"""The daily catalyst digest: theses + a date → a Digest (plain data) → Block Kit or text.

`build_digest` is pure and decides everything a reader sees (order, countdowns, warnings); the
two renderers only lay it out. `digest_blocks` keeps within Slack's limits however many theses
there are: it drops to one section per thesis, then names the theses it had to leave out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from bot.knowledge.models import HORIZONS, Catalyst, Thesis
from bot.render.facts import HORIZON_TITLES, countdown, format_date

SOON_DAYS = 7  # "due soon" looks this far ahead
FIRST_LOOKBACK_DAYS = 7  # "just passed" with no earlier digest looks this far back

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_CONTEXT = 2000
MAX_TEXT = 3000  # the notification fallback; Slack allows far more, nobody reads it

STATUS_BADGES = {"pending": "⏳ pending", "hit": "✅ hit", "missed": "❌ missed"}
DUE_HEADING = "Due soon / just passed"

EventKind = Literal["start", "end", "on"]


@dataclass(frozen=True)
class CatalystLine:
    catalyst_id: str
    title: str
    horizon: str
    status: str
    watch: str | None
    timing: str | None  # "authorization runs through March 2027: 126 days left"


@dataclass(frozen=True)
class DueItem:
    """A catalyst date that falls in the next week, or passed since the last digest."""

    ticker: str
    catalyst_id: str
    title: str
    label: str
    status: str
    kind: EventKind
    day: dt.date
    days: int  # day - today; negative once passed

    @property
    def when(self) -> str:
        verb = {"start": ("starts", "started"), "end": ("ends", "ended"), "on": ("is", "was")}
        future, past = verb[self.kind]
        date = format_date(self.day)
        if self.days == 0:
            return f"{future} today ({date})"
        if self.days == 1:
            return f"{future} tomorrow ({date})"
        if self.days == -1:
            return f"{past} yesterday ({date})"
        if self.days > 0:
            return f"{future} in {self.days} days ({date})"
        return f"{past} {-self.days} days ago ({date})"


@dataclass(frozen=True)
class StaleWarning:
    what: Literal["figures", "thesis"]
    as_of: dt.date
    days_old: int

    def __str__(self) -> str:
        lead = "figures as of" if self.what == "figures" else "thesis last updated"
        return f"⚠ {lead} {format_date(self.as_of)} ({_days(self.days_old)} old)"


@dataclass(frozen=True)
class ThesisDigest:
    ticker: str
    company: str
    title: str
    catalysts: tuple[CatalystLine, ...]
    stale: StaleWarning | None

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
        return f"Catalyst digest · {self.today:%a} {format_date(self.today)}"


# -- building ------------------------------------------------------------------------------


def build_digest(
    theses: Iterable[Thesis],
    today: dt.date,
    last_digest: dt.date | None = None,
    stale_after_days: int = 180,
) -> Digest:
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
        theses=tuple(_thesis_digest(t, today, stale_after_days) for t in ordered),
    )


def _thesis_digest(thesis: Thesis, today: dt.date, stale_after_days: int) -> ThesisDigest:
    by_horizon = sorted(thesis.catalysts, key=lambda c: HORIZONS.index(c.horizon))
    return ThesisDigest(
        ticker=thesis.ticker,
        company=thesis.company,
        title=thesis.title,
        catalysts=tuple(
            CatalystLine(c.id, c.title, c.horizon, c.status, c.watch, _timing(c, today))
            for c in by_horizon
        ),
        stale=_stale(thesis, today, stale_after_days),
    )


def _timing(catalyst: Catalyst, today: dt.date) -> str | None:
    window = catalyst.window
    if window is None:
        return None
    if window.start and window.start > today:
        days = (window.start - today).days
        when = "starts tomorrow" if days == 1 else f"starts in {days} days"
        return f"{window.label}: {when} ({format_date(window.start)})"
    if window.end:
        return f"{window.label}: {countdown(window.end, today)}"
    assert window.start is not None
    return f"{window.label}: since {format_date(window.start)}"


def _due_items(thesis: Thesis, catalyst: Catalyst, today: dt.date,
               last_digest: dt.date | None) -> Iterable[DueItem]:
    window = catalyst.window
    if window is None:
        return []
    if window.start and window.start == window.end:
        events: list[tuple[EventKind, dt.date]] = [("on", window.start)]
    else:
        events = [(k, d) for k, d in (("start", window.start), ("end", window.end)) if d]
    passed_after = last_digest or today - dt.timedelta(days=FIRST_LOOKBACK_DAYS + 1)
    return [
        DueItem(thesis.ticker, catalyst.id, catalyst.title, window.label, catalyst.status,
                kind, day, (day - today).days)
        for kind, day in events
        if passed_after < day <= today + dt.timedelta(days=SOON_DAYS)
    ]


def _stale(thesis: Thesis, today: dt.date, stale_after_days: int) -> StaleWarning | None:
    if thesis.figures:
        oldest = min(f.as_of for f in thesis.figures)
        if (today - oldest).days > stale_after_days:
            return StaleWarning("figures", oldest, (today - oldest).days)
    if (today - thesis.updated).days > stale_after_days:
        return StaleWarning("thesis", thesis.updated, (today - thesis.updated).days)
    return None


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


# -- Block Kit -----------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack's three control characters; everything else is safe in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Cut to `limit` characters with "…", never inside an &entity; or a word if avoidable."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION)}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn",
                                             "text": clip(text, MAX_CONTEXT)}]}


DIVIDER: dict[str, Any] = {"type": "divider"}


def _due_mrkdwn(digest: Digest) -> str:
    if not digest.due:
        return f"*{DUE_HEADING}*\nNothing due in the next {SOON_DAYS} days."
    lines = [
        f"• *{escape(i.ticker)}* {escape(i.title)} — {escape(i.label)}: {i.when}"
        + ("" if i.status == "pending" else f" · {STATUS_BADGES[i.status]}")
        for i in digest.due
    ]
    return f"*{DUE_HEADING}*\n" + "\n".join(lines)


def _catalyst_mrkdwn(line: CatalystLine) -> str:
    out = f"• *{escape(line.title)}* · {STATUS_BADGES[line.status]}"
    if line.timing:
        out += f"\n      {escape(line.timing)}"
    if line.watch:
        out += f"\n      _Watch:_ {escape(line.watch)}"
    return out


def _horizon_mrkdwn(thesis: ThesisDigest, horizon: str) -> str | None:
    lines = [_catalyst_mrkdwn(c) for c in thesis.catalysts if c.horizon == horizon]
    return f"*{HORIZON_TITLES[horizon]}*\n" + "\n".join(lines) if lines else None


def _thesis_heading(thesis: ThesisDigest) -> str:
    return f"*{escape(thesis.ticker)} · {escape(thesis.company)}*\n{escape(thesis.title)}"


def _details(thesis: ThesisDigest) -> str:
    return f"Details: `{escape(thesis.details_command)}`"


def _full_group(thesis: ThesisDigest) -> list[dict[str, Any]]:
    blocks = [_section(_thesis_heading(thesis))]
    if thesis.stale:
        blocks.append(_context(str(thesis.stale)))
    blocks += [_section(text) for h in HORIZONS if (text := _horizon_mrkdwn(thesis, h))]
    if not thesis.catalysts:
        blocks.append(_section("No catalysts recorded yet."))
    blocks += [_context(_details(thesis)), DIVIDER]
    return blocks


def _compact_group(thesis: ThesisDigest) -> list[dict[str, Any]]:
    parts = [_thesis_heading(thesis)]
    if thesis.stale:
        parts.append(str(thesis.stale))
    parts += [text for h in HORIZONS if (text := _horizon_mrkdwn(thesis, h))]
    # The pointer goes first in what might be clipped away, so it is always seen.
    heading, *rest = parts
    return [_section("\n".join([heading, _details(thesis), *rest]))]


def digest_blocks(digest: Digest) -> tuple[str, list[dict[str, Any]]]:
    """(notification text, blocks) for chat.postMessage; always within Slack's limits."""
    head: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                    "text": clip(digest.title, MAX_HEADER)}},
        _section(_due_mrkdwn(digest)),
        DIVIDER,
    ]
    if not digest.theses:
        head.append(_section("No thesis is loaded yet, so there is nothing to watch."))
    body = [b for t in digest.theses for b in _full_group(t)]
    if len(head) + len(body) > MAX_BLOCKS:
        room = MAX_BLOCKS - len(head) - 1  # one left for "…and N more"
        shown = digest.theses[:room] if len(digest.theses) > room + 1 else digest.theses
        body = [b for t in shown for b in _compact_group(t)]
        left = digest.theses[len(shown):]
        if left:
            names = ", ".join(t.ticker for t in left)
            body.append(_context(escape(f"…and {len(left)} more: {names}. "
                                        "Ask /thesis TICKER catalysts for each.")))
    return clip(_fallback_text(digest), MAX_TEXT), head + body


def _fallback_text(digest: Digest) -> str:
    theses = _count(len(digest.theses), "thesis", "theses")
    due = f"{len(digest.due)} due soon or just passed" if digest.due else "nothing due this week"
    return escape(f"{digest.title}: {due}, across {theses}.")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# -- terminal ------------------------------------------------------------------------------


def digest_text(digest: Digest) -> str:
    lines = [digest.title, "", DUE_HEADING]
    if digest.due:
        for i in digest.due:
            status = "" if i.status == "pending" else f" · {STATUS_BADGES[i.status]}"
            lines.append(f"  • {i.ticker} {i.title} — {i.label}: {i.when}{status}")
    else:
        lines.append(f"  Nothing due in the next {SOON_DAYS} days.")
    if not digest.theses:
        lines += ["", "No thesis is loaded yet, so there is nothing to watch."]
    for thesis in digest.theses:
        lines += ["", f"{thesis.ticker} · {thesis.company} — {thesis.title}"]
        if thesis.stale:
            lines.append(f"  {thesis.stale}")
        for horizon in HORIZONS:
            items = [c for c in thesis.catalysts if c.horizon == horizon]
            if items:
                lines.append(f"  {HORIZON_TITLES[horizon]}")
            for c in items:
                lines.append(f"    • {c.title} · {STATUS_BADGES[c.status]}")
                if c.timing:
                    lines.append(f"        {c.timing}")
                if c.watch:
                    lines.append(f"        Watch: {c.watch}")
        if not thesis.catalysts:
            lines.append("  No catalysts recorded yet.")
        lines.append(f"  Details: {thesis.details_command}")
    return "\n".join(lines)
