"""Cards about the book rather than one thesis: the list, a side-by-side comparison, and a
search across every thesis. Each match is shown with the one-thesis renderers, so a compared
card reads exactly as it would alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from bot.engine.answer import Answer, Match
from bot.knowledge.models import Catalyst, Thesis
from bot.render import compare, facts, limits, messages
from bot.render.limits import Block, escape

ONE_LINER = 300  # characters of a point's one-liner in a search result


def one_thesis(answer: Answer, match: Match) -> Answer:
    """The single-thesis answer a match stands for (what its button opens)."""
    return dataclasses.replace(answer, card=match.card, thesis=match.thesis, point=match.point,
                               matches=(), alternatives=(), confidence=1.0)


def distinct(answer: Answer) -> Answer:
    """The answer with each thesis's point (or card, without a point) once: the same card twice
    would be two identical buttons."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for match in answer.matches:
        key = (match.thesis.ticker, match.point or match.card)
        if key not in seen:
            seen.add(key)
            kept.append(match)
    return dataclasses.replace(answer, matches=tuple(kept))


def one_liner(thesis: Thesis, point_id: str | None, today: dt.date | None = None,
             count: int = 0) -> str:
    """A match's line: its point's one-liner (a catalyst's timing, it has none), else the
    thesis's, and how many of its points a search found; a draft's notice instead."""
    draft = facts.draft_notice(thesis)
    if draft is not None:
        return draft
    found = thesis.point(point_id) if point_id else None
    if found is None:
        line = thesis.summary
    elif isinstance(found[1], Catalyst):
        catalyst = found[1]
        line = (f"{catalyst.timing.when}" + (f" ({catalyst.timing.when.relative(today)})"
                                             if today else "")
                if catalyst.timing else facts.HORIZON_TITLES[catalyst.horizon])
    else:
        line = getattr(found[1], "summary", None) or found[1].title
    return line + (f" {messages.points_found(count)}" if count > 1 else "")


def heading(single: Answer) -> str:
    """A match's title; a draft's never quotes its (placeholder) content."""
    if single.thesis is not None and facts.draft_notice(single.thesis) is not None:
        return f"{single.thesis.ticker} · {messages.DRAFT_TITLE}"
    return facts.card_title(single)


def _columns(answer: Answer, today: dt.date) -> compare.Columns:
    return compare.columns(answer, today, {m.thesis.ticker: heading(one_thesis(answer, m))
                                           for m in answer.matches})


def title(answer: Answer) -> str:
    if answer.card == "list":
        return messages.COVERED_TITLE
    if answer.card == "compare":
        kinds = {m.card for m in answer.matches}
        return messages.compared([m.thesis.ticker for m in answer.matches],
                                 kinds.pop() if len(kinds) == 1 else None)
    return messages.SEARCH_TITLE


def render_book_text(answer: Answer, renderers: dict[str, Callable[[Answer, dt.date],
                                                                     list[str]]],
                     today: dt.date, width: int = 92) -> list[str]:
    answer = distinct(answer)
    lines = [title(answer), ""]
    if answer.card == "compare":
        return [*lines, *compare.text_lines(_columns(answer, today), width)]
    if not answer.matches:
        return [*lines, messages.NOTHING_ACROSS_THE_BOOK]
    if answer.topic:
        lines.append(messages.said_in_part(answer.topic))
    for match in answer.matches:
        single = one_thesis(answer, match)
        lines.append(f"• {heading(single)}: "
                     f"{one_liner(match.thesis, match.point, today, match.count)}")
    if answer.more:
        lines.append(messages.more_found(answer.more))
    return lines


def render_book_blocks(answer: Answer, renderers: dict[str, Callable[[Answer, dt.date],
                                                                       tuple[str, list[Block]]]],
                       today: dt.date, button: Callable[[Answer, int], Block]) -> \
        tuple[str, list[Block], list[Block]]:
    """(fallback text, head, body) of a book card; `button(single, n)` opens one match."""
    answer = distinct(answer)
    head = [limits.header(title(answer))]
    body: list[Block] = []
    if answer.card == "compare":
        # Side by side; each thesis's button below opens its whole card.
        body.extend(compare.blocks(_columns(answer, today)))
        body.extend(limits.actions([button(one_thesis(answer, m), n)
                                    for n, m in enumerate(answer.matches)]))
    elif not answer.matches:
        body.extend(limits.sections(messages.NOTHING_ACROSS_THE_BOOK))
    else:
        if answer.topic:
            body.extend(limits.context([escape(messages.said_in_part(answer.topic))]))
        for n, match in enumerate(answer.matches):
            single = one_thesis(answer, match)
            line = one_liner(match.thesis, match.point, today, match.count)
            text = f"*{escape(heading(single))}*\n{limits.cut(escape(line), ONE_LINER)}"
            body.append(limits.section(text, accessory=button(single, n)))
        if answer.more:
            body.extend(limits.context([messages.more_found(answer.more)]))
    fallback = title(answer) + ": " + ", ".join(
        heading(one_thesis(answer, m)) for m in answer.matches)
    return limits.fallback(escape(fallback)), head, body
