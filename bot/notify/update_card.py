""""BABA thesis updated" (bot/notify/updates.py) as Block Kit: the title, the old and new dates, and
what changed, one line each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.notify import messages
from bot.render import limits
from bot.render.facts import format_date
from bot.render.limits import Block, escape

if TYPE_CHECKING:  # the data it words; that module sends it, with this card
    from bot.notify.updates import Update


def update_message(item: Update) -> tuple[str, list[Block]]:
    """(notification text, blocks) of the post: as many changes as one message holds, then a
    line saying where to read the rest."""
    title = messages.thesis_updated_title(item.ticker)
    when = messages.thesis_updated_when(item.company, format_date(item.old),
                                        format_date(item.new))
    lines = "\n".join(f"• {escape(c)}" for c in item.changes) or \
        messages.THESIS_UPDATED_NO_DETAIL
    head = [limits.header(title), *limits.context([escape(when)])]
    more = limits.context([escape(messages.thesis_updated_more(item.ticker,
                                                               item.old.isoformat()))])
    blocks, _ = limits.fit_groups(head, [[b] for b in limits.sections(lines)],
                                  lambda _i: more)
    return limits.fallback(messages.thesis_updated_fallback(title, when)), blocks
