"""The daily catalyst digest: theses + a date → a Digest (plain data) → Block Kit or text.

The digest is about change. It leads with what needs someone: catalysts whose date has passed
with no outcome recorded (overdue), then those due soon, then what is new since the channel's
last digest (an outcome or status recorded, a thesis updated), each list ordered by date; then
every thesis with the rest of its catalysts, the thesis whose next date comes soonest first.
A catalyst shows in the first of those places that fits it, and in no other.

`build_digest` is pure and decides everything a reader sees (order, countdowns, warnings); the
two renderers only lay it out, Slack's limits coming from `bot.render.limits`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.bidi import strip_bidi
from bot.knowledge.drafts import is_draft
from bot.knowledge.models import HORIZONS, Catalyst, Thesis
from bot.notify import messages
from bot.render import messages as render_messages
from bot.render.blocks import LIST, MORE, NAV, CardRef
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
    actions,
    button,
    context,
    cut,
    divider,
    escape,
    fallback,
    fit_groups,
    fits,
    header,
    section,
    sections,
)

SOON_DAYS = 7  # "due soon" looks this far ahead
FIRST_LOOKBACK_DAYS = 7  # "new" with no earlier digest looks this far back
LISTING_TEXT = 2000  # characters each of the overdue, due and new lists may take in Slack
NAMED_LEFT_OUT = 10  # theses named on the "N more" line; the button lists them all

Place = Literal["overdue", "due", "new", "rest"]
LATER = dt.date.max  # the ordering day of a catalyst without a date


@dataclass(frozen=True)
class DigestItem:
    """One line of the overdue, due or new lists: a catalyst, or a thesis updated."""

    ticker: str
    catalyst_id: str | None  # None for "thesis updated"
    text: str  # "Vote — shareholder vote: 8 Jun 2026 — 2 days ago · ✅ hit — Jane Doe, 9 Jun 2026"
    day: dt.date  # for ordering only: the catalyst's day or period end, or the change's day


@dataclass(frozen=True)
class CatalystLine:
    catalyst_id: str
    title: str
    horizon: str
    status: str | None  # "✅ hit — Jane Doe, 3 Feb 2026"; None while nobody has judged it
    notes: tuple[CatalystNote, ...]  # condition, date with countdown, what to watch


@dataclass(frozen=True)
class ThesisDigest:
    ticker: str
    company: str
    title: str
    catalysts: tuple[CatalystLine, ...]  # those not in the lists above, open ones by date
    stale: str | None  # bot.render.facts.staleness: the same warning as on every card
    listed: int = 0  # catalysts of this thesis shown in the lists above
    next_day: dt.date = LATER  # its soonest open catalyst's day (or period end), for ordering
    # "12 figures unreviewed, imported: …" while `thesis import`'s figures are unchecked
    unreviewed: str | None = None

    @property
    def details_command(self) -> str:
        return f"/thesis {self.ticker} catalysts"


@dataclass(frozen=True)
class Digest:
    today: dt.date
    last_digest: dt.date | None
    overdue: tuple[DigestItem, ...]
    due: tuple[DigestItem, ...]
    new: tuple[DigestItem, ...]
    theses: tuple[ThesisDigest, ...]  # soonest next date first

    @property
    def title(self) -> str:
        return messages.digest_title(f"{self.today:%a}", format_date(self.today))

    @property
    def summary(self) -> str:
        return messages.digest_summary(len(self.overdue), len(self.due), len(self.new),
                                       SOON_DAYS, self.last_digest is None)

    def listings(self) -> list[tuple[str, tuple[DigestItem, ...]]]:
        """The lists that have something in them, with their headings, in reading order."""
        found = [(messages.DIGEST_OVERDUE_HEADING, self.overdue),
                 (messages.digest_due_heading(SOON_DAYS), self.due),
                 (messages.digest_new_heading(self.last_digest is None, FIRST_LOOKBACK_DAYS),
                  self.new)]
        return [(heading, items) for heading, items in found if items]


# -- building ------------------------------------------------------------------------------


def build_digest(
    theses: Iterable[Thesis],
    today: dt.date,
    last_digest: dt.date | None = None,
    stale_after_days: int = 180,
    updated: Mapping[str, dt.date] | None = None,
) -> Digest:
    """`updated`: ticker → the previous version's date, for each thesis updated since this
    channel's last digest (bot.notify.updates.updated_since); those are listed as new."""
    updated = updated or {}
    since = last_digest or today - dt.timedelta(days=FIRST_LOOKBACK_DAYS)
    lists: dict[Place, list[DigestItem]] = {"overdue": [], "due": [], "new": []}
    groups: list[ThesisDigest] = []
    for thesis in theses:
        if is_draft(thesis):  # still being written: nothing of it is posted
            continue
        placed = [(c, place(c, today, since)) for c in thesis.catalysts]
        for c, where in placed:
            if where != "rest":
                lists[where].append(_item(thesis, c, where, today))
        if thesis.ticker in updated:
            lists["new"].append(DigestItem(
                thesis.ticker, None,
                messages.digest_thesis_updated(format_date(thesis.updated),
                                               format_date(updated[thesis.ticker])),
                thesis.updated))
        rest = sorted((c for c, where in placed if where == "rest"), key=_rest_order)
        groups.append(ThesisDigest(
            ticker=thesis.ticker,
            company=thesis.company,
            title=thesis.title,
            catalysts=tuple(_line(c, today) for c in rest),
            stale=staleness(thesis, today, stale_after_days),
            listed=len(placed) - len(rest),
            next_day=min((_day(c) for c in thesis.catalysts if not _settled(c)),
                         default=LATER),
            unreviewed=render_messages.unreviewed_figures(len(thesis.unreviewed()))
            if thesis.unreviewed() else None,
        ))

    def by_day(items: list[DigestItem]) -> tuple[DigestItem, ...]:
        return tuple(sorted(items, key=lambda i: (i.day, i.ticker, i.text)))

    return Digest(
        today=today,
        last_digest=last_digest,
        overdue=by_day(lists["overdue"]),
        due=by_day(lists["due"]),
        new=by_day(lists["new"]),
        theses=tuple(sorted(groups, key=lambda g: (g.next_day, g.ticker))),
    )


def place(catalyst: Catalyst, today: dt.date, since: dt.date) -> Place:
    """Where a catalyst shows: "overdue" once its day or period is over with no outcome
    recorded (a pending mark is none); "due" when its day is within SOON_DAYS or its month is
    this one; "new" when someone recorded its status on or after `since` (the last digest's
    day: a status set later that day was not in it); else "rest"."""
    when = catalyst.timing.when if catalyst.timing else None
    if when is not None and not _settled(catalyst):
        if when.end < today:
            return "overdue"
        if when.precision == "day" and when.start <= today + dt.timedelta(days=SOON_DAYS):
            return "due"
        if when.precision == "month" and when.contains(today):
            return "due"  # "through March 2027 — this month"
    if catalyst.status is not None and since <= catalyst.status.date <= today:
        return "new"
    return "rest"


def _settled(catalyst: Catalyst) -> bool:
    """Whether an outcome (hit or missed) is recorded."""
    return catalyst.status is not None and catalyst.status.value != "pending"


def _day(catalyst: Catalyst) -> dt.date:
    """The day a catalyst is ordered by: its day, or the last day of its period."""
    return catalyst.timing.when.end if catalyst.timing else LATER


def _rest_order(catalyst: Catalyst) -> tuple[bool, dt.date, int, str]:
    """Open catalysts by date, those without one by horizon, then the settled ones."""
    return (_settled(catalyst), _day(catalyst), HORIZONS.index(catalyst.horizon),
            catalyst.title)


def _item(thesis: Thesis, catalyst: Catalyst, where: Place, today: dt.date) -> DigestItem:
    text = catalyst.title
    if catalyst.timing is not None:
        label = catalyst.timing.what or render_messages.TIMING
        text += f" — {label}: {timing_text(catalyst.timing, today)}"
    if catalyst.status is not None:
        text += f" · {status_text(catalyst.status)}"
    day = catalyst.status.date if where == "new" and catalyst.status else _day(catalyst)
    return DigestItem(thesis.ticker, catalyst.id, text, day)


def _line(catalyst: Catalyst, today: dt.date) -> CatalystLine:
    notes = catalyst_notes(catalyst, today)
    if catalyst.timing is None:  # its horizon is all the text says of when
        notes.append(CatalystNote(messages.DIGEST_HORIZON, HORIZON_TITLES[catalyst.horizon]))
    return CatalystLine(catalyst.id, catalyst.title, catalyst.horizon,
                        status_text(catalyst.status) if catalyst.status else None,
                        tuple(notes))


def _outcome(status: str | None) -> str:
    """" · ✅ hit — Jane Doe, 3 Feb 2026" after a judged item; nothing while nobody judged it."""
    return f" · {status}" if status else ""


# -- Block Kit -----------------------------------------------------------------------------


def _listing_mrkdwn(heading: str, items: Sequence[DigestItem]) -> str:
    """A heading and its lines, as many as fit in LISTING_TEXT (the soonest, and at least a
    first one, cut), then how many more."""
    text = f"*{escape(heading)}*"
    lines = [f"• *{escape(i.ticker)}* {escape(i.text)}" for i in items]
    for n, line in enumerate(lines):
        after = len(lines) - n - 1
        room = LISTING_TEXT - len(text) - 1 - (len(_items_more(after)) + 1 if after else 0)
        if len(line) > room:
            if n:
                return f"{text}\n{_items_more(len(lines) - n)}"
            line = cut(line, room)
        text += f"\n{line}"
    return text


def _items_more(count: int) -> str:
    return escape(messages.digest_items_more(count))


def _catalyst_mrkdwn(line: CatalystLine) -> str:
    out = f"• *{escape(line.title)}*{escape(_outcome(line.status))}"
    for note in line.notes:
        out += f"\n      _{escape(note.label)}:_ {escape(note.text)}"
    return out


def _catalysts_mrkdwn(thesis: ThesisDigest) -> str | None:
    if thesis.catalysts:
        return "\n".join(_catalyst_mrkdwn(c) for c in thesis.catalysts)
    return None if thesis.listed else messages.DIGEST_NO_CATALYSTS


def _heading(thesis: ThesisDigest) -> str:
    return f"*{escape(thesis.ticker)} · {escape(thesis.company)}*\n{escape(thesis.title)}"


def _details_button(thesis: ThesisDigest) -> Block:
    """Opens the thesis's catalyst card, as `/thesis TICKER catalysts` would."""
    return button(render_messages.card_label(thesis.ticker, "catalyst"), f"{NAV}:catalyst",
                  CardRef("catalyst", thesis.ticker).value())


def _full_group(thesis: ThesisDigest) -> list[Block]:
    blocks = [section(_heading(thesis), accessory=_details_button(thesis))]
    if thesis.stale:
        blocks += context([escape(render_messages.stale_warning(thesis.stale))])
    if thesis.unreviewed:
        blocks += context([escape(render_messages.stale_warning(thesis.unreviewed))])
    if (text := _catalysts_mrkdwn(thesis)) is not None:
        blocks += sections(text)
    return [*blocks, divider()]


def _compact_group(thesis: ThesisDigest) -> list[Block]:
    """One section, its button beside the heading, whatever of the catalysts fits."""
    parts = [_heading(thesis)]
    if thesis.stale:
        parts.append(escape(render_messages.stale_warning(thesis.stale)))
    if thesis.unreviewed:
        parts.append(escape(render_messages.stale_warning(thesis.unreviewed)))
    if (text := _catalysts_mrkdwn(thesis)) is not None:
        parts.append(text)
    return [section("\n".join(parts), accessory=_details_button(thesis))]


def _more(left: Sequence[ThesisDigest]) -> list[Block]:
    """The theses that did not fit (those whose next date comes latest), and a button
    listing every thesis."""
    names = [t.ticker for t in left[:NAMED_LEFT_OUT]]
    line = messages.digest_and_more(len(left), ", ".join(names), len(left) > len(names))
    return [*context([escape(line)]),
            *actions([button(messages.DIGEST_ALL_THESES, MORE, {"c": LIST})])]


def digest_blocks(digest: Digest) -> tuple[str, list[Block]]:
    """(notification text, blocks) for one chat.postMessage, within Slack's limits however many
    theses and catalysts there are: each list cut to its soonest lines, then full cards, else
    one section per thesis, else as many as fit, soonest first, and how many more."""
    head = [header(digest.title), section(escape(digest.summary))]
    head += [section(_listing_mrkdwn(heading, items)) for heading, items in digest.listings()]
    head.append(divider())
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
    return escape(messages.digest_notification(digest.title, len(digest.overdue),
                                               len(digest.due), len(digest.new),
                                               len(digest.theses)))


# -- terminal ------------------------------------------------------------------------------


def digest_text(digest: Digest) -> str:
    """The digest as plain text for the terminal, without bidirectional controls."""
    lines = [digest.title, digest.summary]
    for heading, items in digest.listings():
        lines += ["", heading, *(f"  • {i.ticker} {i.text}" for i in items)]
    if not digest.theses:
        lines += ["", messages.DIGEST_NO_THESES]
    for thesis in digest.theses:
        lines += ["", f"{thesis.ticker} · {thesis.company} — {thesis.title}"]
        if thesis.stale:
            lines.append(f"  ⚠ {thesis.stale}")
        if thesis.unreviewed:
            lines.append(f"  ⚠ {thesis.unreviewed}")
        for c in thesis.catalysts:
            lines.append(f"  • {c.title}{_outcome(c.status)}")
            lines += [f"      {note.label}: {note.text}" for note in c.notes]
        if not thesis.catalysts and not thesis.listed:
            lines.append(f"  {messages.DIGEST_NO_CATALYSTS}")
        lines.append(f"  {messages.digest_details(thesis.details_command)}")
    return strip_bidi("\n".join(lines))

