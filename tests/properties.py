"""Properties of the engine and of every renderer, for odd text: the strategies that make the
text and the checks that must hold for any of it. tests/test_properties.py runs each a few
hundred times (the hypothesis profile of tests/conftest.py); bench/fuzz.py runs each 10,000
times and prints how long the engine and the renderers took.

- any question in: an Answer out (a known card, confidence in [0, 1], the thesis and every
  alternative one of the book), rendered as text and as a Slack card within Block Kit limits;
- any thesis text in (titles, summaries, details, figures, sources, catalysts, dates, URLs):
  every card kind of it, the book cards (list, compare, search), the list, App Home and the
  digest, each within Block Kit limits and never raising.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import operator
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

from hypothesis import strategies as st

from bot.engine.answer import BOOK_CARDS, CARDS, Alternative, Answer, Card, Match
from bot.engine.matcher import Engine
from bot.knowledge.loader import load_all
from bot.knowledge.models import Thesis
from bot.notify.digest_card import build_digest, digest_blocks, digest_text
from bot.render.blocks import SOURCES, Options, render_card, render_home, render_list
from bot.render.text import render_text
from tests.conftest import INTENTS, KNOWLEDGE
from tests.eval.evaluate import BOOK
from tests.render.block_rules import block_problems, message_problems

SECTION_CARDS: tuple[Card, ...] = ("bull", "bear", "risk", "catalyst")
THESIS_CARDS: tuple[Card, ...] = (*SECTION_CARDS, "overview", "figures")
HORIZONS = (None, "near", "medium", "long")
REASONS = ("", "which thesis", "covered elsewhere", "not in thesis", "no evidence",
           "off topic", "not covered", "no theses", "empty", "help")


@functools.cache
def book_theses() -> tuple[Thesis, ...]:
    """The frozen fixture book (tests/fixtures/book), in ticker order."""
    knowledge = load_all(BOOK, INTENTS)
    assert not knowledge.problems, knowledge.problems
    return tuple(knowledge.theses[t] for t in sorted(knowledge.theses))


@functools.cache
def engines() -> tuple[Engine, Engine]:
    """(one thesis, the book): the frozen fixtures of tests/conftest.py and tests/eval."""
    return Engine.from_dirs(KNOWLEDGE, INTENTS), Engine.from_dirs(BOOK, INTENTS)


# -- text --------------------------------------------------------------------------------------

SLACK_MARKUP = ["<@U0123ABC>", "<!channel>", "<!here>", "<!subteam^S0123|@analysts>",
                "<#C0123|general>", "<https://example.com/x?a=1&b=2|bull case>", "<mailto:a@b>",
                "*bold*", "_it_", "~gone~", "`code`", "```block```", "&lt;", "&gt;", "&amp;",
                ":tada:", ":flag-cn:", "> ", ">>>", "\n", "\t", "$", "@here", "\u202e", "\u2060",
                "\u0000", "\ud7ff", "👍🏽", "阿里巴巴", "ﷺ", "e\u0301", "Ⅻ", "\u00a0"]
_CHARACTERS = st.characters(codec="utf-8")
_MARKUP_CHARACTERS = st.sampled_from(list("&<>|*_~`:@!#$%.,?'\"\\/-+=()[]{}\n\t "))


@functools.cache
def book_words() -> tuple[str, ...]:
    """Words a real question would use: tickers, names, intent terms, words of the points and
    figures, figure values as typed, and the book's own question words."""
    words: set[str] = {"vs", "versus", "compare", "which theses", "across the book", "list",
                       "all theses", "risks", "bull case", "bear case", "catalysts", "figures",
                       "overview", "sources", "help", "what", "how much", "when", "why", "?",
                       "near term", "long term", "medium term", "$19.1B", "35.8%", "180,000",
                       "Q3 2026", "2027"}
    knowledge = load_all(BOOK, INTENTS)
    for spec in knowledge.intents.values():
        words.update(spec.terms)
        words.update(spec.hints)
    for thesis in knowledge.theses.values():
        words.update(thesis.names())
        words.update(w for _, point in thesis.points() for w in point.title.split())
        words.update(w for f in thesis.figures for w in f"{f.subject} {f.measure}".split())
        words.update(thesis.glossary)
    return tuple(sorted(words))


def _long(parts: st.SearchStrategy[str], most: int) -> st.SearchStrategy[str]:
    """A short text repeated up to `most` times: long inputs without a long draw."""
    return st.builds(operator.mul, parts, st.integers(1, most))


def questions() -> st.SearchStrategy[str]:
    """Anything a person could type or paste: any Unicode, Slack markup, the book's own words
    in any order with typos, and very long questions."""
    word = st.sampled_from(book_words()) | st.sampled_from(SLACK_MARKUP)
    typo = st.tuples(st.sampled_from(book_words()), st.integers(0, 12), _CHARACTERS).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1:])
    return st.one_of(
        st.text(max_size=400),
        st.text(alphabet=_CHARACTERS | _MARKUP_CHARACTERS, max_size=400),
        st.lists(word | typo, max_size=30).map(" ".join),
        st.lists(word, max_size=12).map("".join),
        _long(st.lists(word, min_size=1, max_size=6).map(" ".join), 2000),
    )


def free_text(most: int = 300) -> st.SearchStrategy[str]:
    """Text an analyst might write in a thesis field, or might paste by mistake."""
    piece = st.text(alphabet=_CHARACTERS | _MARKUP_CHARACTERS, max_size=60) | st.sampled_from(
        SLACK_MARKUP)
    return st.one_of(
        st.lists(piece, max_size=8).map("".join),
        _long(piece, most),
    ).map(lambda s: s if s.strip() else f"x{s}")  # a field's text is never blank


# -- theses with odd text ----------------------------------------------------------------------

_TEXT_FIELDS = {"company", "title", "summary", "overview", "sector", "publisher", "subject",
                "measure", "comparison", "period", "detail", "condition", "watch", "what", "by",
                "note", "text"}
_ODD_FIELDS = _TEXT_FIELDS | {"value", "updated", "as_of", "date", "when", "url"}
_WHEN = ["2026-03-05", "March 2027", "Q3 2026", "H2 2026", "2030", "by 2030",
         "through March 2027", "until Q1 2026", "from H1 2027", "early 2027", "mid-2026",
         "late 2025", "1999", "2099-12-31", "February 2028"]


def _walk(node: Any, key: str, replace: Callable[[str, Any], Any]) -> Any:
    if isinstance(node, dict):
        return {k: _walk(v, k, replace) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk(v, key, replace) for v in node]
    return replace(key, node)


@functools.cache
def _dump(ticker: str) -> dict[str, Any]:
    """A book thesis as its file's data (read only: _walk copies what it changes)."""
    thesis = next(t for t in book_theses() if t.ticker == ticker)
    return thesis.model_dump(mode="json", exclude_none=True)


@st.composite
def odd_thesis(draw: st.DrawFn, base: Thesis | None = None, ticker: str | None = None) -> Thesis:
    """A thesis of the book with its text fields, figure values, dates and URLs replaced by odd
    ones (each field with some probability), validated like a file would be."""
    base = base or draw(st.sampled_from(book_theses()))
    text = free_text()
    day = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)

    def replace(key: str, value: Any) -> Any:
        if key not in _ODD_FIELDS or not draw(st.booleans()):
            return value
        if key in _TEXT_FIELDS:
            return draw(text)
        if key == "value" and isinstance(value, int | float):
            return draw(st.floats(allow_nan=False, allow_infinity=False) | st.integers(
                -10**30, 10**30))
        if key in ("updated", "as_of", "date"):
            return draw(day)
        if key == "when":
            return draw(st.sampled_from(_WHEN))
        if key == "url":
            return "https://example.com/" + draw(st.text(
                alphabet=st.characters(codec="utf-8", exclude_categories=("Z", "C")),
                max_size=80))
        return value

    data = _walk(_dump(base.ticker), "", replace)
    if ticker:
        data["ticker"] = ticker
    return Thesis.model_validate(data)


@st.composite
def odd_theses(draw: st.DrawFn, most: int = 60, least: int = 0) -> list[Thesis]:
    """Up to `most` theses with distinct tickers, as a big book would have: a few odd ones,
    repeated under other tickers (drawing each of 60 anew would be a huge input)."""
    odd = draw(st.lists(odd_thesis(), min_size=1, max_size=4))
    count = draw(st.integers(least, most))
    return [odd[i % len(odd)].model_copy(update={"ticker": f"T{i}"}) for i in range(count)]


def options() -> st.SearchStrategy[Options]:
    return st.builds(Options, today=st.dates(dt.date(1995, 1, 1), dt.date(2099, 12, 31)),
                     stale_after_days=st.integers(1, 4000), shareable=st.booleans(),
                     shared_by=st.none() | st.just("U0123ABC") | free_text(10),
                     page=st.integers(0, 6))


def alternatives(tickers: Sequence[str]) -> st.SearchStrategy[tuple[Alternative, ...]]:
    one = st.builds(Alternative, st.none() | st.sampled_from(tickers),
                    st.sampled_from(cast(tuple[Card, ...], CARDS)),
                    st.none() | free_text(5), free_text(20) | st.just(""))
    return st.lists(one, max_size=8).map(tuple)


@st.composite
def thesis_answers(draw: st.DrawFn) -> tuple[Answer, str | None]:
    """(Answer, kind): any one-thesis card of an odd thesis, as the engine or a button would
    ask for it (any point, figure and horizon, any confidence, any "Did you mean …")."""
    thesis = draw(odd_thesis())
    points = [p.id for _, p in thesis.points()]
    figures = [f.id for f in thesis.figures]
    card = draw(st.sampled_from(THESIS_CARDS))
    answer = Answer(
        draw(questions()), card, thesis,
        point=draw(st.none() | st.sampled_from(points)),
        figure=draw(st.none() | st.sampled_from(figures)),
        horizon=draw(st.sampled_from(HORIZONS)),
        confidence=draw(st.floats(0.0, 1.0)),
        alternatives=draw(alternatives([t.ticker for t in book_theses()])),
        covered=tuple(t.ticker for t in book_theses()))
    return answer, draw(st.sampled_from((None, SOURCES)))


@st.composite
def book_answers(draw: st.DrawFn) -> Answer:
    """A list, compare or search card over odd theses, shaped as the engine makes them: the
    list has every thesis; a compare two or more named theses, each once; a search any
    number of points, several from one thesis or none at all."""
    card = draw(st.sampled_from(BOOK_CARDS))
    theses = draw(odd_theses(30, least=2 if card == "compare" else 0))

    def match(thesis: Thesis) -> st.SearchStrategy[Match]:
        points = [p.id for _, p in thesis.points()]
        return st.builds(Match, st.just(thesis), st.sampled_from(THESIS_CARDS),
                         st.none() | st.sampled_from(points) if points else st.none(),
                         st.floats(0.0, 100.0))

    if card == "list":
        matches = tuple(Match(t, "overview") for t in theses)
    elif card == "compare":
        matches = tuple(draw(match(t)) for t in theses)
    else:
        matches = tuple(draw(st.lists(st.sampled_from(theses).flatmap(match), max_size=40))
                        if theses else ())
    return Answer(draw(questions()), card, confidence=draw(st.floats(0.0, 1.0)),
                  matches=matches, covered=tuple(t.ticker for t in theses),
                  topic=draw(free_text(5)))


@st.composite
def thesisless_answers(draw: st.DrawFn) -> Answer:
    """Help and "I don't know" (no thesis), for any question, subject and book size."""
    covered = tuple(f"T{i}" for i in range(draw(st.integers(0, 400))))
    return Answer(draw(questions()), draw(st.sampled_from(("help", "unknown"))),
                  confidence=draw(st.floats(0.0, 1.0)),
                  alternatives=draw(alternatives(covered or ("BABA",))), covered=covered,
                  unknown_subject=draw(st.none() | questions()),
                  reason=draw(st.sampled_from(REASONS)), topic=draw(free_text(5)))


# -- the checks --------------------------------------------------------------------------------

# bench/fuzz.py sets this to a dict to collect how long each call to the bot took (seconds);
# the tests leave it None and assert no timing.
TIMES: dict[str, list[float]] | None = None


@contextlib.contextmanager
def timed(what: str) -> Iterator[None]:
    if TIMES is None:
        yield
        return
    started = time.perf_counter()
    yield
    TIMES.setdefault(what, []).append(time.perf_counter() - started)



def check_card(answer: Answer, opts: Options, kind: str | None = None) -> None:
    """The Slack card of `answer` is within Block Kit limits, and so is its text form."""
    with timed("render_card"):
        message = render_card(answer, opts, kind)
    sharer = sharer_mention(opts)
    problems = message_problems(message.text, message.blocks, sharer)
    assert not problems, problems
    assert message.blocks, "a card has blocks"
    with timed("render_text"):
        text = render_text(answer, opts.today, opts.stale_after_days)
    assert text.strip()


def check_engine(engine: Engine, question: str, opts: Options) -> Answer:
    """Any text in: an Answer the renderers can show, rendered within limits."""
    with timed("engine.answer"):
        answer = engine.answer(question)
    assert answer.card in CARDS
    assert 0.0 <= answer.confidence <= 1.0
    assert answer.thesis is None or answer.thesis.ticker in engine.theses
    assert all(a.card in CARDS and (a.thesis is None or a.thesis in engine.theses)
               for a in answer.alternatives)
    assert all(m.thesis.ticker in engine.theses for m in answer.matches)
    assert answer.card in BOOK_CARDS or not answer.matches
    check_card(answer, opts)
    if answer.thesis is not None and answer.card not in BOOK_CARDS:
        check_card(answer, opts, SOURCES)
    return answer


def sharer_mention(opts: Options) -> tuple[str, ...]:
    """The one mention a card may carry: of whoever shared it, when that is a user id."""
    user = opts.shared_by
    return (f"@{user}",) if user and re.fullmatch(r"[UW][A-Z0-9]{1,20}", user) else ()


def check_list_and_home(theses: list[Thesis], opts: Options) -> None:
    with timed("render_list"):
        message = render_list(theses, opts)
    sharer = sharer_mention(opts)
    problems = message_problems(message.text, message.blocks, sharer)
    assert not problems, problems
    with timed("render_home"):
        view = render_home(theses, opts)
    assert view["type"] == "home"
    problems = block_problems(view["blocks"], view=True)
    assert not problems, problems


def check_digest(theses: list[Thesis], today: dt.date, last: dt.date | None,
                 stale_after_days: int) -> None:
    with timed("digest card"):
        digest = build_digest(theses, today, last, stale_after_days)
        text, blocks = digest_blocks(digest)
    problems = message_problems(text, blocks)
    assert not problems, problems
    assert digest_text(digest).strip()

