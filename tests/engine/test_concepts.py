"""The language of the trade (bot/intents/concepts.yaml): each concept is reached by the way
people say it, and not by its false friends."""

from __future__ import annotations

import pytest

from bot.engine.concepts import ConceptTable
from bot.engine.matcher import Engine
from bot.engine.vocabulary import term_key
from bot.knowledge.loader import load_intents
from tests.conftest import INTENTS, KNOWLEDGE

CONCEPTS = load_intents(INTENTS).concepts
TABLE = ConceptTable(CONCEPTS)


def named(text: str) -> set[str]:
    return {m.concept for m in TABLE.find(term_key(text))}


@pytest.mark.parametrize("concept", sorted(CONCEPTS))
def test_each_concept_is_reached_by_its_phrases_and_not_by_its_false_friends(
        concept: str) -> None:
    spec = CONCEPTS[concept]
    assert spec.examples and spec.false_friends, f"{concept}: give examples and false friends"
    for example in spec.examples:
        assert concept in named(example), f"{example!r} should reach {concept}"
    for friend in spec.false_friends:
        assert concept not in named(friend.text), f"{friend.text!r} is not {concept}"


@pytest.fixture(scope="module")
def baba() -> Engine:
    return Engine.from_dirs(KNOWLEDGE, INTENTS)


@pytest.mark.parametrize(("question", "subject"), [
    ("BABA dividend policy", "dividend policy"),
    ("alibaba's debt maturities", "debt maturities")])
def test_a_topic_the_named_thesis_never_mentions_is_said_plainly(baba: Engine, question: str,
                                                                 subject: str) -> None:
    answer = baba.answer(question)
    assert (answer.card, answer.reason, answer.topic) == ("unknown", "not in thesis", subject)
    assert answer.confidence < 0.5


def test_a_question_in_the_askers_words_reaches_the_point_through_its_concept(
        baba: Engine) -> None:
    answer = baba.answer("does alibaba look inexpensive next to american big tech?")
    assert (answer.card, answer.point) == ("bull", "valuation-gap")
