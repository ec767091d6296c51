"""Plain-text cards for the terminal: one function per card kind, Answer in, text out."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable

from bot.engine.answer import BOOK_CARDS, Answer
from bot.knowledge.bidi import strip_bidi
from bot.knowledge.models import CasePoint, Catalyst, Point, Thesis
from bot.render import chart, compare, facts, lead, messages
from bot.render.book import render_book_text
from bot.render.facts import HORIZON_TITLES, format_date

WIDTH = 92


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _figures(thesis: Thesis, point: Point, first: str | None, indent: str = "    ") -> list[str]:
    return _fact_lines(facts.point_facts(thesis, point, first), indent)


def _fact_lines(found: list[facts.FigureFact], indent: str = "    ",
               shared: str | None = None) -> list[str]:
    """Figures, each with its source and date unless the card names it once (`shared`), or
    two or more of them share it (then it is said once, after them)."""
    inner = facts.common_provenance([f for f in found if f.provenance != shared])
    lines = []
    for fact in found:
        lines.append(_wrap(f"▸ {fact.claim}", indent))
        if fact.provenance not in (shared, inner):
            lines.append(_wrap(f"  {fact.provenance}", indent))
    if inner:
        lines.append(_wrap(f"  {inner}", indent))
    return lines


def _header(answer: Answer, today: dt.date, stale_after_days: int) -> list[str]:
    thesis = answer.thesis
    assert thesis is not None
    title = facts.card_title(answer)
    lines = [title, "=" * min(len(title), WIDTH)]
    opened = lead.lead(answer, today)
    if opened is not None:
        lines.append(_wrap(f"» {opened.value}{opened.rest}"))
        if opened.support:
            lines.append(_wrap(f"“{opened.support}”", "  "))
        if opened.provenance:
            lines.append(_wrap(opened.provenance, "  "))
        lines.append("")
    warning = facts.staleness(thesis, today, stale_after_days)
    if warning:
        lines.append(_wrap(f"⚠ {warning}"))
    return lines


def _footer(answer: Answer) -> list[str]:
    lines = []
    if answer.alternatives:
        lines.append("")
        choices = map(messages.alternative_label, answer.alternatives)
        lines.append("Did you mean: " + " | ".join(choices))
    return lines


def _case(answer: Answer, use_detail: bool) -> list[str]:
    thesis = answer.thesis
    assert thesis is not None
    section = {"bull": thesis.bull, "bear": thesis.bear, "risk": thesis.bear}[answer.card]
    lines: list[str] = []
    found = {p.id: (facts.point_facts(thesis, p) if use_detail else facts.cited_facts(thesis, p))
             for p in section}
    shared = facts.common_provenance([f for group in found.values() for f in group])
    for point in section:
        lines.append("")
        lines.append(_wrap(f"• {point.title}"))
        lines.append(_wrap(point.detail if use_detail else point.summary, "  "))
        lines.extend(_fact_lines(found[point.id], shared=shared))
    if shared:
        lines += ["", _wrap(messages.shared_source(shared))]
    return lines


def _single_point(answer: Answer, today: dt.date) -> list[str]:
    thesis = answer.thesis
    assert thesis is not None and answer.point is not None
    found = thesis.point(answer.point)
    assert found is not None
    section, point = found
    lines = [""]
    if isinstance(point, Catalyst):
        status = f" · status: {facts.status_text(point.status)}" if point.status else ""
        lines.append(f"{HORIZON_TITLES[point.horizon]} catalyst{status}")
    elif isinstance(point, CasePoint):  # a bull or bear point
        lines.append("Bull case" if section == "bull" else "Bear case / key risk")
        lines.append(_wrap(point.summary, ""))
        lines.append("")
    lines.append(_wrap(point.detail))
    lines.extend(_catalyst_extras(point, today))
    opened = lead.lead(answer, today)
    cited = [f for f in facts.point_facts(thesis, point, answer.figure)
             if not opened or f.figure_id != opened.figure_id]
    if cited:
        lines.append("")
        lines.append("Figures")
        lines.extend(_fact_lines(cited, "  "))
    lines.append("")
    lines.append("Sources: " + "; ".join(_source_names(thesis, point.sources)))
    return lines


def _catalyst_extras(point: Point, today: dt.date) -> list[str]:
    if not isinstance(point, Catalyst):
        return []
    return [_wrap(f"{note.label}: {note.text}", "  ")
            for note in facts.catalyst_notes(point, today)]


def _source_names(thesis: Thesis, ids: list[str]) -> list[str]:
    names = []
    for sid in ids:
        source = thesis.source(sid)
        if source:
            dated = f", {format_date(source.date)}" if source.date else ""
            names.append(f"{source.title}{dated}")
    return names


def render_bull(answer: Answer, today: dt.date) -> list[str]:
    return _single_point(answer, today) if answer.point else _case(answer, use_detail=False)


def render_bear(answer: Answer, today: dt.date) -> list[str]:
    return _single_point(answer, today) if answer.point else _case(answer, use_detail=False)


def render_risk(answer: Answer, today: dt.date) -> list[str]:
    return _single_point(answer, today) if answer.point else _case(answer, use_detail=True)


def render_catalyst(answer: Answer, today: dt.date) -> list[str]:
    if answer.point:
        return _single_point(answer, today)
    thesis = answer.thesis
    assert thesis is not None
    lines: list[str] = []
    for horizon, title in HORIZON_TITLES.items():
        if answer.horizon and horizon != answer.horizon:
            continue
        items = [c for c in thesis.catalysts if c.horizon == horizon]
        if not items:
            continue
        lines.append("")
        lines.append(title)
        for catalyst in items:  # one line each; the point card has the paragraph
            when, hinge = facts.catalyst_glance(catalyst, today)
            status = f" · {facts.status_text(catalyst.status)}" if catalyst.status else ""
            lines.append(_wrap(f"• {catalyst.title}" + (f" · {when}" if when else "") + status,
                               "  "))
            if hinge:
                lines.append(_wrap(hinge, "    "))
    if lines:
        lines += ["", _wrap(messages.catalyst_detail_hint(thesis.ticker,
                                                          thesis.catalysts[0].title))]
    return lines


def render_overview(answer: Answer, today: dt.date) -> list[str]:
    thesis = answer.thesis
    assert thesis is not None
    lines = [
        "",
        _wrap(thesis.title),
        _wrap(thesis.summary),
        f"{thesis.company} · {thesis.sector or 'Unclassified'} · "
        f"updated {format_date(thesis.updated)}",
        *(["", _wrap(thesis.overview)] if thesis.overview else []),
        "",
        "Bull case",
        *(_wrap(f"• {p.title}: {p.summary}", "  ") for p in thesis.bull),
        "Bear case",
        *(_wrap(f"• {p.title}: {p.summary}", "  ") for p in thesis.bear),
        "Catalysts",
        *(f"  • {c.title} ({HORIZON_TITLES[c.horizon].lower()})" for c in thesis.catalysts),
        "",
        "Figures quoted above",
        *_fact_lines(
            [f for p in [*thesis.bull, *thesis.bear] for f in facts.cited_facts(thesis, p)], "  "
        ),
        "",
        f"More: {thesis.ticker} bull | bear | risks | catalysts | figures",
    ]
    return lines


def render_figures(answer: Answer, today: dt.date) -> list[str]:
    thesis = answer.thesis
    assert thesis is not None
    points = [p for _, p in thesis.points() if not answer.point or p.id == answer.point]
    groups: list[tuple[str, list[facts.FigureFact]]] = []
    shown: set[str] = set()
    for point in points:
        found = [f for f in facts.point_facts(thesis, point, answer.figure)
                 if f.figure_id not in shown]
        if not found:
            continue
        shown.update(f.figure_id for f in found)  # each figure once, under its first point
        groups.append((point.title, found))
    others = [facts.figure_fact(thesis, f) for f in thesis.figures
              if f.id not in shown] if not answer.point else []
    if others:
        groups.append((messages.OTHER_FIGURES, others))
    shared = facts.common_provenance([f for _, group in groups for f in group])
    lines: list[str] = [_wrap(messages.shared_source(shared))] if shared else []
    for heading, group in groups:
        lines.append("")
        lines.append(heading)
        lines.extend(_fact_lines(group, "  ", shared))
    lines.append("")
    lines.append("Sources")
    for source in thesis.sources:
        dated = f", {format_date(source.date)}" if source.date else ""
        url = f" <{source.url}>" if source.url else ""
        lines.append(_wrap(f"• {source.title} — {source.publisher or 'unknown publisher'}"
                           f"{dated}{url}", "  "))
    return lines


def render_help(answer: Answer, today: dt.date) -> list[str]:
    covered = ", ".join(answer.covered) or "none yet"
    return [messages.HOME_INTRO, "", facts.HOW_TO_ASK, "", f"{messages.COVERED_TITLE}: {covered}"]


def render_unknown(answer: Answer, today: dt.date) -> list[str]:
    covered = ", ".join(answer.covered) or "none yet"
    choices = map(messages.alternative_label, answer.alternatives)
    suggestions = f"{messages.TRY_INSTEAD} " + " | ".join(choices)
    if answer.reason == "which thesis":
        return [f"{messages.WHICH_THESIS} {covered}.", suggestions]
    if answer.reason == "covered elsewhere" and answer.alternatives:
        return [messages.covered_elsewhere(answer.unknown_subject or "", answer.topic,
                                           answer.alternatives[0].thesis or ""), suggestions]
    if answer.unknown_subject:
        return [messages.no_thesis_on(answer.unknown_subject, covered), suggestions]
    if answer.reason == "not in thesis" and answer.alternatives:
        return [messages.not_in_thesis(answer.alternatives[0].thesis or "", answer.topic),
                suggestions]
    if answer.reason == "not in book" and answer.topic:
        return [messages.not_in_book(answer.topic, covered), suggestions]
    return [messages.cannot_answer(covered)]


RENDERERS: dict[str, Callable[[Answer, dt.date], list[str]]] = {
    "bull": render_bull,
    "bear": render_bear,
    "risk": render_risk,
    "catalyst": render_catalyst,
    "overview": render_overview,
    "figures": render_figures,
    "help": render_help,
    "unknown": render_unknown,
}


def render_text(answer: Answer, today: dt.date | None = None, stale_after_days: int = 180) -> str:
    """The card as plain text, without bidirectional controls (a terminal reorders text by them
    as Slack does)."""
    return strip_bidi(_card_text(answer, today or dt.date.today(), stale_after_days))


def _card_text(answer: Answer, today: dt.date, stale_after_days: int) -> str:
    read_as = [messages.read_as(answer.read_as)] if answer.read_as else []
    if facts.book_is_empty(answer):
        intro = [messages.HOME_INTRO, ""] if answer.card == "help" else []
        return "\n".join([*intro, _wrap(messages.EMPTY_BOOK)])
    if compare.asks_with_which(answer):
        ticker = answer.ticker or ""
        return "\n".join([*read_as, _wrap(messages.with_which(
            ticker, [t for t in answer.covered if t != ticker]))])
    if answer.card not in BOOK_CARDS and answer.thesis is not None and \
            (draft := facts.draft_notice(answer.thesis)) is not None:
        title = f"{answer.thesis.ticker} · {messages.DRAFT_TITLE}"
        return "\n".join([title, "=" * len(title), *read_as, "", _wrap(draft)])
    if answer.card in BOOK_CARDS:
        title, *rest = render_book_text(answer, RENDERERS, today, WIDTH)
        return "\n".join([title, *read_as, *rest])
    body = RENDERERS[answer.card](answer, today)
    if answer.thesis is None:
        return "\n".join([*body, *read_as])
    head = _header(answer, today, stale_after_days)
    bars = _bars(answer, "\n".join(body))
    return "\n".join([*head[:2], *read_as, *head[2:], *body, *bars, *_footer(answer)])


def _bars(answer: Answer, shown: str) -> list[str]:
    """Figures that compare entities on one measure, as bars of block characters; their source
    unless the card already names it."""
    found = chart.series(answer)
    if found is None:
        return []
    source = [] if found.provenance in shown else [f"  {found.provenance}"]
    return ["", chart.title(found), *(f"  {line}" for line in chart.text_bars(found)), *source]
