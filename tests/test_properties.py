"""Any text in, a card out within Slack's limits, never an exception: the engine on the one
thesis and on the book, and every renderer (text, Block Kit cards of every kind including
list, compare and search, the list, App Home, the digest) on theses full of odd text.

The properties live in tests/properties.py; bench/fuzz.py runs them 10,000 times each and
prints how long they took (no timing is asserted here)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.answer import Answer
from bot.engine.matcher import Engine
from bot.knowledge.models import Thesis
from bot.render.blocks import Options
from tests import properties as prop

# Session fixtures (the engines) are safe to share between examples.
fixtures_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture,
                                              HealthCheck.too_slow])


@pytest.mark.slow
@fixtures_ok
@given(prop.questions(), prop.options())
def test_any_question_to_the_one_thesis_gets_a_card_within_limits(
        engine: Engine, question: str, opts: Options) -> None:
    prop.check_engine(engine, question, opts)


@pytest.mark.slow
@fixtures_ok
@given(prop.questions(), prop.options())
def test_any_question_to_the_book_gets_a_card_within_limits(
        book_engine: Engine, question: str, opts: Options) -> None:
    prop.check_engine(book_engine, question, opts)


@pytest.mark.slow
@fixtures_ok
@given(prop.thesis_answers(), prop.options())
def test_every_card_of_a_thesis_full_of_odd_text_fits(
        answer_kind: tuple[Answer, str | None], opts: Options) -> None:
    answer, kind = answer_kind
    prop.check_card(answer, opts, kind)


@pytest.mark.slow
@fixtures_ok
@given(prop.book_answers(), prop.options())
def test_list_compare_and_search_cards_of_odd_theses_fit(answer: Answer, opts: Options) -> None:
    prop.check_card(answer, opts)


@pytest.mark.slow
@fixtures_ok
@given(prop.thesisless_answers(), prop.options())
def test_help_and_i_dont_know_fit_for_any_question_and_book(answer: Answer,
                                                             opts: Options) -> None:
    prop.check_card(answer, opts)


@pytest.mark.slow
@fixtures_ok
@given(prop.odd_theses(), prop.options())
def test_the_list_and_app_home_fit_for_any_book(theses: list[Thesis], opts: Options) -> None:
    prop.check_list_and_home(theses, opts)


@pytest.mark.slow
@fixtures_ok
@given(prop.odd_theses(), st.dates(dt.date(1995, 1, 1), dt.date(2099, 12, 31)),
       st.none() | st.integers(1, 400), st.integers(1, 4000))
def test_the_digest_fits_for_any_book_and_day(theses: list[Thesis], today: dt.date,
                                              days_since: int | None, stale: int) -> None:
    last = today - dt.timedelta(days=days_since) if days_since else None
    prop.check_digest(theses, today, last, stale)
