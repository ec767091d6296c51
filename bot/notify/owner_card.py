"""An owner's news (bot/notify/owners.py) as Block Kit: the weekly DM, and the part of the App Home
that shows each owner their theses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.notify import messages
from bot.render import limits
from bot.render.limits import Block, escape

if TYPE_CHECKING:  # the data it words; that module sends it, with this card
    from bot.notify.owners import OwnerNews


def _bullets(heading: str, lines: list[str]) -> list[Block]:
    return limits.sections(f"*{heading}*\n" + "\n".join(f"• {line}" for line in lines))


def owner_blocks(news: OwnerNews) -> list[Block]:
    """Reviews due, broken edits, top unanswered questions: only the parts with something."""
    blocks: list[Block] = []
    if news.due:
        blocks += _bullets(messages.OWNER_DUE_HEADING,
                           [escape(s.sentence()) for s in news.due])
    if news.drafts:
        blocks += _bullets(messages.OWNER_DRAFTS_HEADING,
                           [escape(messages.owner_draft_line(
                               d.ticker, d.marked, d.fields))
                            for d in news.drafts])
    if news.broken:
        blocks += _bullets(messages.OWNER_BROKEN_HEADING,
                           [escape(messages.owner_broken_line(b.where, b.ticker, b.kept, b.more))
                            for b in news.broken])
    if news.questions:
        blocks += _bullets(messages.OWNER_QUESTIONS_HEADING,
                           [escape(messages.owner_question_line(
                               limits.cut_plain(g.question, 200), g.count, g.card, g.ticker,
                               g.point)) for g in news.questions])
        blocks += limits.context([messages.owner_report_hint(list(news.tickers))])
    return blocks


def owner_note(news: OwnerNews) -> tuple[str, list[Block]]:
    """(notification text, blocks) of the weekly DM, cut to one message if need be."""
    blocks = [limits.header(messages.OWNER_NOTE_TITLE), *owner_blocks(news)]
    text = messages.owner_note_fallback(len(news.due), len(news.broken), len(news.questions),
                                        len(news.drafts))
    fitted, _ = limits.fit_groups(blocks[:1], [[b] for b in blocks[1:]],
                                  lambda _i: limits.context(["…"]))
    return limits.fallback(escape(text)), fitted


def owner_home_blocks(news: OwnerNews) -> list[Block]:
    """The owner's part of the App Home, above the list of theses."""
    head = [limits.header(messages.OWNER_HOME_TITLE)]
    if news.empty:
        return [*head, *limits.context([escape(messages.owner_all_clear(list(news.tickers)))]),
                limits.divider()]
    return [*head, *owner_blocks(news), limits.divider()]
