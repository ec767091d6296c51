"""Theses side by side: one column per thesis, one row per point (or figure) of the same kind.

"compare BABA NRGX risks" used to put one thesis's paragraphs under the other's; a reader
comparing wants the first risk of each beside the first risk of the other. The cells are short
(a point's title and one-liner, a catalyst's date, a figure's value), because Slack shows section
fields two to a row on a desktop and one under the other on a phone. Two theses go in section
fields, three or more in a table block; the terminal prints the same rows as aligned columns.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass

from bot.engine.answer import Answer, Match
from bot.knowledge.models import CasePoint, Catalyst, Point, Thesis
from bot.render import facts, limits, messages
from bot.render.limits import Block, escape

CELL = 140  # characters of a cell: a title and the start of its one-liner
EMPTY = "—"
# Slack's table block: at most 100 rows of at most 20 cells (docs.slack.dev, table block).
MAX_TABLE_ROWS = 100
MAX_TABLE_COLUMNS = 20

_ASKS_TO_COMPARE = re.compile(r"^\W*(compare|comparison of|vs\.?|versus)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Cell:
    """One thesis's entry in a row: a bold part and the rest, both plain text."""

    title: str
    rest: str = ""

    def plain(self) -> str:
        return f"{self.title}: {self.rest}" if self.rest else self.title


@dataclass(frozen=True, slots=True)
class Columns:
    """The compared theses' headings, and the rows (one cell per thesis, `EMPTY` when a thesis
    has fewer points than another)."""

    headings: list[str]
    rows: list[list[Cell]]


def asks_with_which(answer: Answer) -> bool:
    """A one-thesis answer to a question that asked to compare ("compare BABA"): the engine
    answers compare only for two theses or more, so the partner is missing."""
    return answer.card not in ("compare", "list", "search") and answer.thesis is not None and \
        bool(_ASKS_TO_COMPARE.match(answer.question))


def _point_cell(point: Point) -> Cell:
    summary = getattr(point, "summary", None) if isinstance(point, CasePoint) else None
    return Cell(point.title, limits.cut_plain(summary or "", CELL - len(point.title)))


def _catalyst_cell(catalyst: Catalyst, today: dt.date) -> Cell:
    when, hinge = facts.catalyst_glance(catalyst, today)
    return Cell(catalyst.title, when or hinge or "")


def _cells(match: Match, today: dt.date) -> list[Cell]:
    """What one thesis puts in its column, in the order the thesis gives it."""
    thesis = match.thesis
    draft = facts.draft_notice(thesis)
    if draft is not None:
        return [Cell(messages.DRAFT_TITLE, draft)]
    found = thesis.point(match.point) if match.point else None
    if found is not None:
        point = found[1]
        cells = [_catalyst_cell(point, today) if isinstance(point, Catalyst)
                 else _point_cell(point)]
        return cells + [Cell(f.claim + (f" (⚠ {messages.UNREVIEWED})" if f.unreviewed else ""))
                        for f in facts.point_facts(thesis, point)]
    if match.card in ("bull", "bear", "risk"):
        return [_point_cell(p) for p in (thesis.bull if match.card == "bull" else thesis.bear)]
    if match.card == "catalyst":
        return [_catalyst_cell(c, today) for c in thesis.catalysts]
    if match.card == "figures":
        return [Cell(facts.format_value(f), f"{f.subject}, {f.measure}"
                     + (f" (⚠ {messages.UNREVIEWED})" if f.review else ""))
                for f in thesis.figures]
    return _overview_cells(thesis)


def _overview_cells(thesis: Thesis) -> list[Cell]:
    return [Cell(thesis.company, limits.cut_plain(thesis.summary, CELL)),
            Cell(messages.COMPARE_UPDATED, facts.format_date(thesis.updated)),
            *[_point_cell(p) for p in thesis.bull[:2]],
            *[_point_cell(p) for p in thesis.bear[:2]]]


def columns(answer: Answer, today: dt.date, heading: dict[str, str]) -> Columns:
    """The rows of a comparison; `heading` maps a ticker to its column's title."""
    per_thesis = [_cells(m, today) for m in answer.matches]
    depth = max((len(c) for c in per_thesis), default=0)
    rows = [[cells[i] if i < len(cells) else Cell(EMPTY) for cells in per_thesis]
            for i in range(depth)]
    return Columns([heading[m.thesis.ticker] for m in answer.matches], rows)


# -- Slack ------------------------------------------------------------------------------------


def _mrkdwn(cell: Cell) -> str:
    rest = f"\n{escape(cell.rest)}" if cell.rest else ""
    return f"*{escape(cell.title)}*{rest}" if cell.title != EMPTY else EMPTY


def field_blocks(found: Columns) -> list[Block]:
    """Two theses: a section of fields per few rows, the headings first (left, right)."""
    texts = [f"*{escape(h)}*" for h in found.headings]
    for row in found.rows:
        texts.extend(_mrkdwn(cell) for cell in row)
    return limits.fields(texts)


def table_block(found: Columns) -> Block:
    """Three theses or more: one table (plain text cells, wrapped), the headings as its first
    row, within Slack's rows and columns."""
    width = min(len(found.headings), MAX_TABLE_COLUMNS)

    def cell(text: str) -> dict[str, str]:
        return {"type": "raw_text", "text": limits.cut_plain(text, CELL + 40) or EMPTY}

    rows = [[cell(h) for h in found.headings[:width]]]
    rows.extend([cell(c.plain()) for c in row[:width]]
                for row in found.rows[: MAX_TABLE_ROWS - 1])
    return {"type": "table", "column_settings": [{"is_wrapped": True}] * width, "rows": rows}


# Characters of cells one comparison may hold: the header, buttons and footer fit beside them
# within a message's budget (bot.render.limits.MESSAGE_TEXT_BUDGET).
TEXT_BUDGET = limits.MESSAGE_TEXT_BUDGET - 2500


def _fitted(found: Columns) -> tuple[Columns, int]:
    """The rows that fit in one message (cells are cut to CELL + 40 at most), and how many
    were left out."""
    used = sum(len(h) + 4 for h in found.headings)
    kept: list[list[Cell]] = []
    for row in found.rows:
        size = sum(min(len(c.plain()), CELL + 40) + 8 for c in row)
        if used + size > TEXT_BUDGET:
            break
        kept.append(row)
        used += size
    return Columns(found.headings, kept), len(found.rows) - len(kept)


def blocks(found: Columns) -> list[Block]:
    """Fields for two theses, a table for more; rows past one message's worth are left to each
    thesis's own card (its button), and a line says so."""
    shown, left = _fitted(found)
    drawn = field_blocks(shown) if len(found.headings) <= 2 else [table_block(shown)]
    return [*drawn, *(limits.context([messages.more_rows(left)]) if left else [])]


# -- terminal ---------------------------------------------------------------------------------


def text_lines(found: Columns, width: int) -> list[str]:
    """The rows as aligned columns, each cell wrapped to its column's width."""
    gap = "  │  "
    count = max(1, len(found.headings))
    col = max(12, (width - len(gap) * (count - 1)) // count)

    def row_lines(texts: list[str]) -> list[str]:
        wrapped = [textwrap.wrap(t, col) or [""] for t in texts]
        height = max(len(w) for w in wrapped)
        return [gap.join(w[i].ljust(col) if i < len(w) else " " * col for w in wrapped).rstrip()
                for i in range(height)]

    lines = row_lines(found.headings)
    lines.append(gap.replace(" ", "─").join("─" * col for _ in found.headings))
    for row in found.rows:
        lines.extend(row_lines([c.plain() for c in row]))
        lines.append("")
    return lines
