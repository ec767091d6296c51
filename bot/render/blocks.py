"""Block Kit cards for Slack: one function per card kind, Answer in, (fallback text, blocks) out.

Each kind renders its body; `render_card` adds what every card shares (header, staleness
warning, "Did you mean …", navigation, feedback, share) and fits the whole into Slack's limits
through `bot.render.limits`, the only place that knows them. Every text taken from a thesis or
typed by a user is escaped before it goes into mrkdwn.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.engine.answer import BOOK_CARDS, CARD_OF_SECTION, Answer
from bot.engine.matcher import SURE, UNSURE
from bot.knowledge.models import CasePoint, Catalyst, Point, Thesis
from bot.render import chart, compare, facts, lead, limits, messages
from bot.render.book import render_book_blocks
from bot.render.facts import HORIZON_TITLES, format_date
from bot.render.limits import Block, escape

# Action ids: the Slack layer routes on these prefixes; the button value says what to show.
NAV = "nav"  # nav:<card> or nav:sources
PICK = "pick"  # pick:<n>, a "Did you mean …" choice; pick:menu, one chosen in a menu
MORE = "more"
SHARE = "share"
BACK = "back"  # back to the list, search or comparison a card was opened from
FEEDBACK = "feedback"  # feedback:up / feedback:down
HELP = "help"

NAV_CARDS = ("bull", "bear", "catalyst", "risk", "figures", "sources")
SOURCES = "sources"
LIST = "list"
QUESTION_IN_VALUE = 300  # characters of the question kept in a feedback button's value

_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,20}$")


@dataclass(frozen=True, slots=True)
class Message:
    """What Slack gets: the fallback `text` (notifications, old clients) and the blocks."""

    text: str
    blocks: list[Block]


@dataclass(frozen=True, slots=True)
class Options:
    """How a card is shown: the day it is read, and where it goes."""

    today: dt.date
    stale_after_days: int = 180
    shareable: bool = False  # an ephemeral answer: offer "Share in channel"
    shared_by: str | None = None  # a Slack user id: the card was shared by them
    page: int = 0
    back: CardRef | None = None  # the list the card was opened from: a button back to it
    # Figures that compare entities drawn as block-character bars in the card; off where the
    # Slack layer uploads the chart as a PNG instead (a mention or a DM).
    chart_bars: bool = True


@dataclass(frozen=True, slots=True)
class CardRef:
    """Which card a button asks for, small enough for a button value (JSON, < 2,000 chars)."""

    card: str
    ticker: str | None = None
    point: str | None = None
    figure: str | None = None
    horizon: str | None = None
    page: int = 0
    question: str | None = None  # a book card's: asked again to draw it (share, back)
    confidence: float | None = None
    via: str | None = None  # opened from a list, search or comparison (asked by `question`)
    via_page: int = 0  # the page of that list

    @classmethod
    def of(cls, answer: Answer, card: str | None = None) -> CardRef:
        return cls(card or answer.card, answer.ticker, answer.point, answer.figure,
                   answer.horizon)

    def value(self, **extra: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"c": self.card, "t": self.ticker, "p": self.point,
                                "f": self.figure, "h": self.horizon,
                                "pg": self.page or None, "q": self.question,
                                "cf": self.confidence, "v": self.via,
                                "vp": self.via_page or None}
        data.update(extra)
        return data

    @classmethod
    def from_value(cls, raw: str | None) -> CardRef | None:
        """The reference in a button value, or None when it is not one of ours."""
        try:
            data = json.loads(raw or "")
        except (TypeError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        def page(key: str) -> int:
            value = data.get(key)
            return value if isinstance(value, int) and 0 <= value < 1000 else 0

        confidence = data.get("cf")
        via = text("v")
        return cls(data["c"], text("t"), text("p"), text("f"), text("h"), page("pg"), text("q"),
                   float(confidence) if isinstance(confidence, int | float) else None,
                   via if via in BOOK_CARDS else None, page("vp"))


# -- shared pieces ----------------------------------------------------------------------------


def fact_lines(found: Iterable[facts.FigureFact], shared: str | None = None) -> list[str]:
    """Figures, one context element each, with their source and as-of date unless it is the
    `shared` one the card names once."""
    return [f"▸ {escape(fact.claim)}" + ("" if fact.provenance == shared
                                         else f" · _{escape(fact.provenance)}_")
            for fact in found]


def sourced_lines(found: list[facts.FigureFact], shared: str | None = None) -> list[str]:
    """A group of figures; a source two or more of them share (other than the card's `shared`
    one) is named once, after them."""
    inner = facts.common_provenance([f for f in found if f.provenance != shared])
    lines = [f"▸ {escape(fact.claim)}" + ("" if fact.provenance in (shared, inner)
                                          else f" · _{escape(fact.provenance)}_")
             for fact in found]
    return [*lines, *([f"_{escape(inner)}_"] if inner else [])]


def figure_lines(thesis: Thesis, point: Point, first: str | None = None) -> list[str]:
    """Every figure a point cites, the asked-about one first."""
    return sourced_lines(facts.point_facts(thesis, point, first))


def _source_line(thesis: Thesis, source_id: str) -> str | None:
    source = thesis.source(source_id)
    if source is None:
        return None
    dated = f", {format_date(source.date)}" if source.date else ""
    publisher = f" — {escape(source.publisher)}" if source.publisher else ""
    return f"• {limits.link(source.url, source.title)}{publisher}{dated}"


def _catalyst_extras(catalyst: Catalyst, today: dt.date) -> list[str]:
    return [f"_{escape(note.label)}:_ {escape(note.text)}"
            for note in facts.catalyst_notes(catalyst, today)]


def _titles(points: Iterable[Point]) -> str:
    return "; ".join(p.title for p in points)


def _fallback(answer: Answer, rest: str) -> str:
    return limits.fallback(escape(f"{facts.card_title(answer)}: {rest}" if rest
                                  else facts.card_title(answer)))


# -- one renderer per card kind ---------------------------------------------------------------
# Each takes the Answer and the day it is read, and returns (fallback text, body blocks).

Body = tuple[str, list[Block]]


def _case(answer: Answer, use_detail: bool) -> Body:
    thesis = answer.thesis
    assert thesis is not None
    section = {"bull": thesis.bull, "bear": thesis.bear, "risk": thesis.bear}[answer.card]
    blocks: list[Block] = []
    found = {p.id: (facts.point_facts(thesis, p) if use_detail else facts.cited_facts(thesis, p))
             for p in section}  # the one-liner goes beside the figures it quotes
    shared = facts.common_provenance([f for group in found.values() for f in group])
    for point in section:
        body = point.detail if use_detail else point.summary
        blocks.extend(limits.sections(f"*{escape(point.title)}*\n{escape(body)}"))
        blocks.extend(limits.context(fact_lines(found[point.id], shared)))
    if shared:
        blocks.extend(limits.context([escape(messages.shared_source(shared))]))
    return _fallback(answer, _titles(section)), blocks


def _single_point(answer: Answer, today: dt.date) -> Body:
    thesis = answer.thesis
    assert thesis is not None and answer.point is not None
    found = thesis.point(answer.point)
    assert found is not None
    section, point = found
    lines: list[str] = []
    if isinstance(point, Catalyst):
        status = (f" · status: {escape(facts.status_text(point.status))}" if point.status
                  else "")
        lines.append(f"_{HORIZON_TITLES[point.horizon]} catalyst{status}_")
    elif isinstance(point, CasePoint):  # a bull or bear point
        lines.append("_Bull case_" if section == "bull" else "_Bear case / key risk_")
        lines.append(f"*{escape(point.summary)}*")
    blocks = [*limits.sections("\n".join(lines)), *limits.sections(escape(point.detail))]
    if isinstance(point, Catalyst):
        blocks.extend(limits.context(_catalyst_extras(point, today)))
    opened = lead.lead(answer, today)
    shown = opened.figure_id if opened else None
    blocks.extend(limits.context(sourced_lines(
        [f for f in facts.point_facts(thesis, point, answer.figure) if f.figure_id != shown])))
    sources = [line for sid in point.sources if (line := _source_line(thesis, sid))]
    if sources:
        blocks.extend(limits.context(["*Sources*\n" + "\n".join(sources)]))
    summary = getattr(point, "summary", None) or point.detail
    return _fallback(answer, summary), blocks


def render_bull(answer: Answer, today: dt.date) -> Body:
    return _single_point(answer, today) if answer.point else _case(answer, use_detail=False)


def render_bear(answer: Answer, today: dt.date) -> Body:
    return _single_point(answer, today) if answer.point else _case(answer, use_detail=False)


def render_risk(answer: Answer, today: dt.date) -> Body:
    return _single_point(answer, today) if answer.point else _case(answer, use_detail=True)


def render_catalyst(answer: Answer, today: dt.date) -> Body:
    if answer.point:
        return _single_point(answer, today)
    thesis = answer.thesis
    assert thesis is not None
    blocks: list[Block] = []
    shown: list[Catalyst] = []
    for horizon, title in HORIZON_TITLES.items():
        if answer.horizon and horizon != answer.horizon:
            continue
        items = [c for c in thesis.catalysts if c.horizon == horizon]
        if not items:
            continue
        shown.extend(items)
        blocks.extend(limits.context([f"*{title}*"]))
        for catalyst in items:  # one line each; the paragraph is behind its button
            blocks.append(limits.section(_catalyst_line(catalyst, today),
                                         accessory=_point_button(thesis, catalyst, len(shown))))
    if shown:
        blocks.extend(limits.context([messages.CATALYST_DETAIL_HINT]))
    return _fallback(answer, _titles(shown)), blocks


def _catalyst_line(catalyst: Catalyst, today: dt.date) -> str:
    """"*Share Buybacks* · through March 2027 — in 14 months" and the condition in a few
    words, in italics, below."""
    when, hinge = facts.catalyst_glance(catalyst, today)
    status = f" · {escape(facts.status_text(catalyst.status))}" if catalyst.status else ""
    line = f"*{escape(catalyst.title)}*" + (f" · {escape(when)}" if when else "") + status
    return line + (f"\n_{escape(hinge)}_" if hinge else "")


def _point_button(thesis: Thesis, point: Point, n: int) -> Block:
    """The button that opens one point's own card."""
    found = thesis.point(point.id)
    card = CARD_OF_SECTION[found[0]] if found else "overview"
    label = messages.open_label(thesis.ticker, card, point.title)
    return limits.button(label, f"{NAV}:point:{n}", CardRef(card, thesis.ticker, point.id).value())


def render_overview(answer: Answer, today: dt.date) -> Body:
    thesis = answer.thesis
    assert thesis is not None
    blocks = limits.sections(f"*{escape(thesis.title)}*\n{escape(thesis.summary)}")
    blocks.extend(limits.fields([
        f"*Company*\n{escape(thesis.company)}",
        f"*Sector*\n{escape(thesis.sector or 'Unclassified')}",
        f"*Updated*\n{format_date(thesis.updated)}",
        f"*Points*\n{len(thesis.bull)} bull · {len(thesis.bear)} bear · "
        f"{len(thesis.catalysts)} catalysts",
    ]))
    if thesis.overview:
        blocks.extend(limits.sections(escape(thesis.overview)))
    for title, points in (("Bull case", thesis.bull), ("Bear case", thesis.bear)):
        if points:
            blocks.extend(limits.sections(f"*{title}*\n" + "\n".join(
                f"• *{escape(p.title)}*: {escape(p.summary)}" for p in points)))
    if thesis.catalysts:
        blocks.extend(limits.sections("*Catalysts*\n" + "\n".join(
            f"• {escape(c.title)} ({HORIZON_TITLES[c.horizon].lower()})"
            for c in thesis.catalysts)))
    quoted = sourced_lines([f for p in [*thesis.bull, *thesis.bear]
                            for f in facts.cited_facts(thesis, p)])
    if quoted:
        blocks.extend(limits.context(["*Figures quoted above*", *quoted]))
    return _fallback(answer, thesis.summary), blocks


def render_figures(answer: Answer, today: dt.date) -> Body:
    """Every figure once, under the first point that cites it; the rest under "Other figures"."""
    thesis = answer.thesis
    assert thesis is not None
    points = [p for _, p in thesis.points() if not answer.point or p.id == answer.point]
    groups: list[tuple[str, list[facts.FigureFact]]] = []
    seen: set[str] = set()
    for point in points:
        ids = sorted((f for f in point.figures if f not in seen), key=lambda f: f != answer.figure)
        figures = [f for fid in ids if (f := thesis.figure(fid)) is not None]
        if not figures:
            continue
        seen.update(f.id for f in figures)
        groups.append((point.title, [facts.figure_fact(thesis, f) for f in figures]))
    others = [f for f in thesis.figures if f.id not in seen] if not answer.point else []
    if others:
        groups.append((messages.OTHER_FIGURES, [facts.figure_fact(thesis, f) for f in others]))
    # The source most figures share is named once, on top; a figure from elsewhere says so.
    shared = facts.common_provenance([f for _, group in groups for f in group])
    blocks: list[Block] = []
    if shared:
        blocks.extend(limits.context([escape(messages.shared_source(shared))]))
    for heading, group in groups:
        blocks.extend(limits.sections(f"*{escape(heading)}*"))
        blocks.extend(limits.context(sourced_lines(group, shared)))
    sources = [line for s in thesis.sources if (line := _source_line(thesis, s.id))]
    blocks.extend(limits.sections("*Sources*\n" + "\n".join(sources)))
    count = sum(len(group) for _, group in groups)
    return _fallback(answer, f"{count} figures with their sources"), blocks


def render_sources(answer: Answer, today: dt.date) -> Body:
    """The sources behind the card: a point's own, or the whole thesis's."""
    thesis = answer.thesis
    assert thesis is not None
    found = thesis.point(answer.point) if answer.point else None
    ids = found[1].sources if found else [s.id for s in thesis.sources]
    lines = [line for sid in ids if (line := _source_line(thesis, sid))]
    title = f"{thesis.ticker} · Sources" + (f": {found[1].title}" if found else "")
    text = limits.fallback(escape(f"{title}: " + "; ".join(
        s.title for sid in ids if (s := thesis.source(sid)))))
    return text, limits.sections("\n".join(lines) or "No sources listed.")


def render_help(answer: Answer, today: dt.date) -> Body:
    covered = ", ".join(answer.covered) or "none yet"
    text = f"{messages.HOME_INTRO}\n\n{escape(facts.HOW_TO_ASK)}\n\n*Theses I cover:* {covered}"
    return limits.fallback(messages.HOME_INTRO), limits.sections(text)


def render_unknown(answer: Answer, today: dt.date) -> Body:
    covered = escape(", ".join(answer.covered) or "none yet")
    if answer.reason == "which thesis":
        text = f"{messages.WHICH_THESIS} {covered}."
    elif answer.reason == "covered elsewhere" and answer.alternatives:
        text = messages.covered_elsewhere(escape(answer.unknown_subject or ""),
                                          limits.echo(answer.topic, 60),
                                          escape(answer.alternatives[0].thesis or ""))
    elif answer.unknown_subject:
        text = messages.no_thesis_on(limits.echo(answer.unknown_subject, 60), covered)
    elif answer.reason == "not in thesis" and answer.alternatives:
        text = messages.not_in_thesis(escape(answer.alternatives[0].thesis or ""),
                                      limits.echo(answer.topic, 60))
    elif answer.reason == "not in book" and answer.topic:
        text = messages.not_in_book(limits.echo(answer.topic, 60), covered)
    else:
        text = messages.cannot_answer(covered)
    blocks = limits.sections(text)
    if answer.question.strip():
        blocks.extend(limits.context([messages.you_asked(limits.echo(answer.question))]))
    return limits.fallback(text), blocks


RENDERERS: dict[str, Callable[[Answer, dt.date], Body]] = {
    "bull": render_bull,
    "bear": render_bear,
    "risk": render_risk,
    "catalyst": render_catalyst,
    "overview": render_overview,
    "figures": render_figures,
    "help": render_help,
    "unknown": render_unknown,
    SOURCES: render_sources,
}


# -- the parts every card shares --------------------------------------------------------------


def _choices(answer: Answer, include_guess: bool) -> list[Block]:
    """"Did you mean …" buttons: the alternatives (and the engine's own guess, if asked)."""
    refs: list[tuple[str, CardRef]] = []
    if include_guess and answer.thesis is not None:
        refs.append((facts.card_title(answer), CardRef.of(answer)))
    for alt in answer.alternatives:
        if alt.thesis is None:
            continue
        refs.append((messages.alternative_label(alt),
                     CardRef(alt.card, alt.thesis, alt.point)))
    seen: set[CardRef] = set()
    labels: set[str] = set()
    buttons: list[Block] = []
    for label, ref in refs:
        shown = limits.cut_plain(label, limits.MAX_BUTTON_TEXT)
        if ref in seen or shown in labels:  # two buttons that read the same are one too many
            continue
        seen.add(ref)
        labels.add(shown)
        buttons.append(limits.button(label, f"{PICK}:{len(buttons)}", ref.value(),
                                     label=messages.open_choice(label)))
    return buttons


# Unknown answers whose choices are theses (not cards of one thesis): the theses the buttons
# leave out are offered in a menu, so that no choice is dropped.
_CHOOSING_A_THESIS = ("which thesis", "not covered", "no evidence", "off topic")


def _other_theses(answer: Answer) -> tuple[list[Block], list[Block]]:
    """(a menu of the covered theses no button offers, a line naming those even the menu
    cannot hold), for an answer asking which thesis; the menu opens the card the buttons do."""
    if answer.reason not in _CHOOSING_A_THESIS:
        return [], []
    offered = {alt.thesis for alt in answer.alternatives}
    rest = [t for t in answer.covered if t not in offered]
    if not rest:
        return [], []
    cards = {alt.card for alt in answer.alternatives}
    card = cards.pop() if len(cards) == 1 else "overview"
    choices = [limits.option(messages.card_label(t, card), CardRef(card, t).value())
               for t in rest[: limits.MAX_OPTIONS]]
    menu = limits.select(messages.more_theses(len(rest)), f"{PICK}:menu", choices)
    left = len(rest) - len(choices)
    return [menu], limits.context([messages.more_in_list(left)]) if left else []
# Cards that list their sources already: a Sources button there would repeat them.
_LISTS_SOURCES = ("figures", SOURCES)
# Cards showing the same points: Bear gives the one-liners, Risks the full text; one button.
_SAME_POINTS = {"bear": "risk", "risk": "bear"}


def _navigation(answer: Answer, kind: str) -> list[Block]:
    """A button per other card of the thesis: the card on screen has none, unless only one of
    its points is shown (then its button shows them all); no Sources button where the sources
    are listed, and one button for the bear points (Risks)."""
    assert answer.ticker is not None
    lists_sources = kind in _LISTS_SOURCES or answer.point is not None
    buttons = []
    for card in ("overview", *NAV_CARDS):
        if card == kind and (not answer.point or kind == SOURCES):
            continue
        if card == "bear" or (card == _SAME_POINTS.get(kind) and not answer.point):
            continue
        if card == SOURCES and lists_sources:
            continue
        ref = CardRef(card, answer.ticker, answer.point if card == SOURCES else None)
        spoken = messages.open_label(answer.ticker, card)
        buttons.append(limits.button(messages.NAV_LABELS[card], f"{NAV}:{card}", ref.value(),
                                     label=spoken))
    return buttons


def _question_for_value(question: str) -> str:
    """Printable characters only, so JSON never escapes one into six (a button value's limit
    counts the escapes)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in question)
    return limits.cut_plain(" ".join(printable.split()), QUESTION_IN_VALUE)


def _feedback(answer: Answer, kind: str) -> list[Block]:
    ref = dataclasses.replace(CardRef.of(answer, kind),
                              question=_question_for_value(answer.question),
                              confidence=answer.confidence)
    return [limits.button(messages.BUTTON_UP, f"{FEEDBACK}:up", ref.value(),
                          label=messages.SPOKEN_UP),
            limits.button(messages.BUTTON_DOWN, f"{FEEDBACK}:down", ref.value(),
                          label=messages.SPOKEN_DOWN)]


def _share(answer: Answer, kind: str, page: int) -> Block:
    ref = dataclasses.replace(CardRef.of(answer, kind), page=page)
    return limits.button(messages.BUTTON_SHARE, SHARE, ref.value(), style="primary",
                         label=messages.SPOKEN_SHARE)


def _lead(answer: Answer, today: dt.date) -> list[Block]:
    """The asked-for number or date, first after the header (see bot.render.lead)."""
    found = lead.lead(answer, today)
    if found is None:
        return []
    lines = [f"*{escape(found.value)}*{escape(found.rest)}"]
    if found.support:
        lines.append(f"“{escape(found.support)}”")
    if found.provenance:
        lines.append(f"_{escape(found.provenance)}_")
    return [limits.section("\n".join(lines))]


def _back(ref: CardRef) -> Block:
    return limits.button(messages.back_to(ref.card), BACK, ref.value())


def _attribution(user_id: str | None) -> list[Block]:
    if not user_id:
        return []
    mention = f"<@{user_id}>" if _USER_ID.match(user_id) else escape(user_id)
    return limits.context([messages.shared_by(mention)])


def _read_as(answer: Answer) -> list[Block]:
    """"Read as: alibaba catalyst" when a typo in the question was corrected."""
    return limits.context([messages.read_as(escape(answer.read_as))]) if answer.read_as else []


def render_card(answer: Answer, options: Options, kind: str | None = None) -> Message:
    """The whole message for an Answer. `kind` overrides the card kind (e.g. "sources")."""
    kind = kind or answer.card
    if facts.book_is_empty(answer):
        return render_notice(messages.NO_THESES_SLACK)
    if answer.card in BOOK_CARDS:
        return _render_book(answer, options)
    if answer.thesis is None:
        return _render_without_thesis(answer, options, kind)
    if (draft := facts.draft_notice(answer.thesis)) is not None:
        return _render_draft(answer, options, draft)
    if compare.asks_with_which(answer):
        return _render_with_which(answer, options)
    if answer.confidence < UNSURE:
        return _render_unsure(answer, options)
    text, body = RENDERERS[kind](answer, options.today)
    if options.chart_bars and kind != SOURCES and (drawn := chart.series(answer)) is not None:
        named = escape(drawn.provenance) in json.dumps(body, ensure_ascii=False)
        body = [*chart_blocks(drawn, with_source=not named), *body]
    page = options.page
    title = facts.card_title(answer) if kind != SOURCES else f"{answer.ticker} · Sources"
    if answer.following:
        title = messages.following_up(title)
    head: list[Block] = [limits.header(title if page == 0 else
                                       f"{title} {messages.CONTINUED}")]
    if page == 0:
        head.extend(_lead(answer, options.today))
    head.extend(_attribution(options.shared_by))
    if page == 0:
        warning = facts.staleness(answer.thesis, options.today, options.stale_after_days)
        if warning:
            head.extend(limits.context([escape(messages.stale_warning(warning))]))
        if answer.confidence < SURE and answer.alternatives:
            choices = _choices(answer, include_guess=False)
            if choices:
                head.extend(limits.context([messages.DID_YOU_MEAN]))
                head.extend(limits.actions(choices))
    # One row: back (when opened from a list), share (when private), the other cards, 👍/👎.
    row = [*([_back(options.back)] if options.back is not None else []),
           *([_share(answer, kind, page)] if options.shareable else []),
           *_navigation(answer, kind), *_feedback(answer, kind)]
    foot: list[Block] = [*_read_as(answer), limits.divider(), *limits.actions(row)]
    more = limits.button(messages.BUTTON_MORE, MORE, CardRef.of(answer, kind).value(),
                         label=messages.SPOKEN_MORE)
    blocks, _ = limits.paginate(head, body, foot, page, more)
    return Message(text, blocks)


def _render_book(answer: Answer, options: Options) -> Message:
    """List, compare and search: each match with a button that opens it alone."""
    if answer.card == "list":
        return render_list([m.thesis for m in answer.matches], options)

    question = _question_for_value(answer.question)

    def opener(single: Answer, n: int) -> Block:
        ref = dataclasses.replace(CardRef.of(single), question=question, via=answer.card)
        return limits.button(messages.open_choice(facts.card_title(single)), f"{PICK}:{n}",
                             ref.value())

    text, head, body = render_book_blocks(answer, RENDERERS, options.today, opener)
    head = [*head, *_attribution(options.shared_by)]
    closing = _feedback(answer, answer.card)
    if options.shareable:
        closing.insert(0, limits.button(messages.BUTTON_SHARE, SHARE,
                                        CardRef(answer.card, question=question).value(),
                                        style="primary", label=messages.SPOKEN_SHARE))
    foot = [*_read_as(answer), *limits.actions(closing)]
    blocks, _ = limits.paginate(head, body, foot, 0, None)
    return Message(text, blocks)


def _render_without_thesis(answer: Answer, options: Options, kind: str) -> Message:
    """Help and "I don't know": a short text, the alternatives as buttons, and help."""
    renderer = RENDERERS["help"] if kind == "help" else RENDERERS["unknown"]
    text, body = renderer(answer, options.today)
    blocks = [*_attribution(options.shared_by), *body, *_read_as(answer)]
    choices = _choices(answer, include_guess=False)
    if kind != "help":
        if choices:
            blocks.extend(limits.context([messages.TRY_INSTEAD]))
        menu, left_out = _other_theses(answer)
        choices.extend(menu)
        choices.append(limits.button(messages.BUTTON_HELP, HELP, {"c": "help"}))
        blocks.extend(limits.actions(choices))
        blocks.extend(left_out)
        blocks.extend(limits.actions(_feedback(answer, kind)))
    else:
        blocks.extend(limits.actions(
            [limits.button(messages.card_label(t, "overview"), f"{PICK}:{i}",
                           CardRef("overview", t).value(),
                           label=messages.open_label(t, "overview"))
             for i, t in enumerate(answer.covered[: limits.MAX_ACTIONS_ELEMENTS])]))
        if options.shareable:
            blocks.extend(limits.actions([limits.button(
                messages.BUTTON_SHARE, SHARE, CardRef(HELP).value(), style="primary",
                label=messages.SPOKEN_SHARE)]))
    fitted, _ = limits.paginate([], blocks, [], 0, None)
    return Message(text, fitted)


def _render_draft(answer: Answer, options: Options, notice: str) -> Message:
    """A thesis still being written: said so, its owners named as plain text (never a
    mention: nobody is pinged), none of its content shown."""
    title = f"{answer.ticker} · {messages.DRAFT_TITLE}"
    blocks = [limits.header(title), *_attribution(options.shared_by),
              *limits.sections(escape(notice)), *_read_as(answer),
              *limits.actions([limits.button(messages.BUTTON_HELP, HELP, {"c": "help"})])]
    fitted, _ = limits.paginate([], blocks, [], 0, None)
    return Message(limits.fallback(escape(f"{title}: {notice}")), fitted)


def _render_with_which(answer: Answer, options: Options) -> Message:
    """"compare BABA": one thesis named, so ask which to set beside it."""
    ticker = answer.ticker or ""
    text = messages.with_which(ticker, [t for t in answer.covered if t != ticker])
    title = messages.compared([ticker, "…"], None)
    blocks = [limits.header(title), *limits.sections(escape(text)), *_read_as(answer),
              *limits.actions(_feedback(answer, "compare"))]
    fitted, _ = limits.paginate([], blocks, [], 0, None)
    return Message(limits.fallback(escape(text)), fitted)


def _render_unsure(answer: Answer, options: Options) -> Message:
    """Confidence below UNSURE: say so, offer the best guess and the alternatives, and help."""
    question = limits.echo(answer.question)
    text = messages.not_sure(question)
    choices = _choices(answer, include_guess=True)
    choices.append(limits.button(messages.BUTTON_HELP, HELP, {"c": "help"}))
    blocks = [*limits.sections(text), *_read_as(answer), *limits.actions(choices),
              *limits.actions(_feedback(answer, "unsure"))]
    fitted, _ = limits.paginate([], blocks, [], 0, None)
    return Message(limits.fallback(text), fitted)


def chart_blocks(found: chart.Series, with_source: bool = True) -> list[Block]:
    """The chart as bars of block characters (a code block keeps them aligned), its title
    first and its source after (unless the card names it already)."""
    bars = "\n".join(escape(line) for line in chart.text_bars(found))
    return [limits.section(f"*{escape(chart.title(found))}*\n```{bars}```"),
            *(limits.context([escape(found.provenance)]) if with_source else [])]


def render_chart_bars(found: chart.Series) -> Message:
    """The bars as a message of their own: where a PNG could not be uploaded."""
    return Message(limits.fallback(escape(chart.alt_text(found))), chart_blocks(found))


def render_notice(text: str) -> Message:
    """A sentence as a message. `text` is mrkdwn, already escaped where it quotes anyone."""
    return Message(limits.fallback(text), limits.sections(text))


# -- lists of theses --------------------------------------------------------------------------


def _thesis_line(thesis: Thesis, today: dt.date, stale_after_days: int) -> str:
    if facts.draft_notice(thesis) is not None:
        return (f"*{escape(thesis.ticker)}* · {escape(thesis.company)}\n"
                f"_{messages.DRAFT_MARK}_")
    stale = facts.staleness(thesis, today, stale_after_days)
    mark = " · ⚠️ may be out of date" if stale else ""
    return (f"*{escape(thesis.ticker)}* · {escape(thesis.company)}\n{escape(thesis.summary)}\n"
            f"_Updated {format_date(thesis.updated)}{mark}_")


def render_list(theses: Sequence[Thesis], options: Options) -> Message:
    """`/thesis list`: each covered thesis with its summary and an Open button."""
    if not theses:
        return Message(limits.fallback(messages.NO_THESES_SLACK),
                       limits.sections(messages.NO_THESES_SLACK))
    head = [limits.header(messages.COVERED_TITLE if options.page == 0 else
                          f"{messages.COVERED_TITLE} {messages.CONTINUED}"),
            *_attribution(options.shared_by)]
    body = [limits.section(_thesis_line(t, options.today, options.stale_after_days),
                           accessory=limits.button(messages.open_label(t.ticker, "overview"),
                                                   f"{NAV}:overview",
                                                   CardRef("overview", t.ticker, via=LIST,
                                                           via_page=options.page).value()))
            for t in theses]
    more = limits.button(messages.BUTTON_MORE, MORE, {"c": LIST}, label=messages.SPOKEN_MORE)
    foot = limits.actions([limits.button(messages.BUTTON_SHARE, SHARE,
                                         CardRef(LIST, page=options.page).value(),
                                         style="primary", label=messages.SPOKEN_SHARE)]) \
        if options.shareable else []
    blocks, _ = limits.paginate(head, body, foot, options.page, more)
    text = f"{messages.COVERED_TITLE}: " + ", ".join(t.ticker for t in theses)
    return Message(limits.fallback(escape(text)), blocks)


def render_home(theses: Sequence[Thesis], options: Options,
                mine: Sequence[Block] = ()) -> dict[str, Any]:
    """The App Home view: how to ask; to an owner, `mine` (their theses' reviews due, broken
    edits and unanswered questions, bot/notify/owner_card.py); then each thesis with its
    one-liner and updated date."""
    head = [limits.header("thesis-bot"), *limits.sections(messages.HOME_INTRO),
            *limits.sections(escape(facts.HOW_TO_ASK)), limits.divider(), *mine]
    body = [limits.section(_thesis_line(t, options.today, options.stale_after_days))
            for t in theses] or limits.sections(messages.NO_THESES_SLACK)
    note = limits.context([messages.HOME_MORE])
    split = limits.pages(body, len(head) + len(note), limits.text_length(head + note),
                         max_blocks=limits.MAX_VIEW_BLOCKS)
    return {"type": "home", "blocks": [*head, *split[0], *(note if len(split) > 1 else [])]}
