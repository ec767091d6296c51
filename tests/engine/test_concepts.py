"""The language of the trade (bot/intents/concepts.yaml): each concept is reached by the way
people say it, and not by its false friends."""

from __future__ import annotations

import pytest

from bot.engine.clean import american, words
from bot.engine.concepts import ConceptTable
from bot.engine.matcher import SURE, UNSURE, Engine
from bot.engine.vocabulary import term_key
from bot.knowledge.loader import load_intents
from tests.conftest import INTENTS, KNOWLEDGE

CONCEPTS = load_intents(INTENTS).concepts
TABLE = ConceptTable(CONCEPTS)


def named(text: str) -> set[str]:
    return {m.concept for m in TABLE.find(term_key(text), written=words(text))}


@pytest.mark.parametrize("concept", sorted(CONCEPTS))
def test_each_concept_is_reached_by_its_phrases_and_not_by_its_false_friends(
        concept: str) -> None:
    spec = CONCEPTS[concept]
    assert spec.examples and spec.false_friends, f"{concept}: give examples and false friends"
    for example in spec.examples:
        assert concept in named(example), f"{example!r} should reach {concept}"
    for friend in spec.false_friends:
        assert concept not in named(friend.text), f"{friend.text!r} is not {concept}"


@pytest.mark.parametrize(("text", "concept", "reached"), [
    ("tariffs and customs duties", "tariffs", True), ("its custom chips", "tariffs", False),
    ("deposits are running off", "deposits", True), ("atomic layer deposition", "deposits", False),
    ("what do falling rates do to it", "interest_rates", True),
    ("the dropout rate", "interest_rates", False),
])
def test_a_one_word_term_is_read_in_its_own_inflections_only(text: str, concept: str,
                                                             reached: bool) -> None:
    """The stemmer makes one word of "customs" and "custom", "deposit" and "deposition",
    "rates" and "rate"; a concept's word is not its stem's every other word."""
    assert (concept in named(text)) is reached


@pytest.mark.parametrize(("text", "concept", "reached"), [
    ("is it shrinking its share count?", "buyback", True),
    ("did they cut their dividend", "dividend", True),
    ("what's the street expecting", "consensus", True),
    ("any news on the a shares", "listing", True), ("a share of the market", "listing", False),
])
def test_a_phrase_of_the_trade_is_read_with_or_without_its_fillers(text: str, concept: str,
                                                                    reached: bool) -> None:
    """"Shrinking its share count" is "shrinking the share count"; a phrase that is a filler
    and one word ("the street", "a shares") stays whole."""
    assert (concept in named(text)) is reached


@pytest.mark.parametrize(("text", "concept", "reached"), [
    ("could the rules really change overnight", "regulation", True),
    ("cash and other short-term investments", "liquidity", True),
    ("its share of the AI market", "market_share", True),
    ("does it sell into the United States?", "m_and_a", False),  # "sell the unit" is short
    ("where are they at with making their own chips", "supply_chain", False),  # two between
])
def test_a_long_phrase_of_the_trade_is_read_in_a_question_with_words_between(
        text: str, concept: str, reached: bool) -> None:
    """People put a word inside a long phrase ("could the rules really change overnight");
    a write-up says its phrases whole, so a point's text is read only as written."""
    assert (concept in named(text)) is reached
    stems = term_key(text)
    assert concept not in {m.concept for m in TABLE.find(stems, written=words(text),
                                                         asked=False)}


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


@pytest.fixture(scope="module")
def book() -> Engine:
    from tests.eval.evaluate import BOOK

    return Engine.from_dirs(BOOK, INTENTS)


def test_a_measure_the_thesis_never_gives_is_not_answered_by_its_words_in_another_sense(
        book: Engine) -> None:
    """A bank naming dividends in passing and loan yields at length gives no dividend yield;
    its loan yields are still its own."""
    answer = book.answer("what's Harborview's dividend yield?")
    assert (answer.card, answer.reason) == ("unknown", "not in thesis")
    assert "dividend" in (answer.topic or "")
    assert book.answer("what are Harborview's loan yields doing?").point == "rate-cut-squeeze"


@pytest.mark.parametrize("question", [
    "what's the effective tax rate at Norgrid?", "who's lumora's ceo",
    "when does alibaba report next quarter?", "what's the credit rating on Norgrid?",
    "what's the street's price target on alibaba?"])
def test_a_measure_of_its_own_concept_is_not_the_broad_idea_a_thesis_speaks_of(
        book: Engine, question: str) -> None:
    """A tax credit is no tax rate, "management has said" is no CEO, a results catalyst no
    reporting date of its own."""
    answer = book.answer(question)
    assert answer.card == "unknown" and answer.confidence < 0.5


def test_a_search_whose_subject_no_thesis_has_says_so(book: Engine) -> None:
    answer = book.answer("which of our names hold bitcoin on the balance sheet?")
    assert (answer.card, answer.reason) == ("unknown", "not in book")
    assert "bitcoin" in (answer.topic or "")


def test_a_phrase_of_everyday_words_reaches_its_concept(book: Engine) -> None:
    answer = book.answer("is kestrel buying back stock?")
    assert (answer.card, answer.point) == ("catalyst", "share-repurchase")


@pytest.mark.parametrize("question", ["NYSE BABA risks", "HKEX 9988 risks", "9988 HK risks"])
def test_an_exchange_typed_beside_the_symbol_names_the_thesis(baba: Engine,
                                                              question: str) -> None:
    answer = baba.answer(question)
    assert (answer.card, answer.ticker) == ("risk", "BABA")


def test_of_the_points_that_carry_a_concept_the_one_most_about_it_answers(book: Engine) -> None:
    """Several of Harborview's points speak of its capital; the one named for it is offered
    ("Did you mean"), for a question that names the idea in a word the thesis never uses: not
    "the thesis doesn't cover it", and not the overview."""
    answer = book.answer("is HBNK overcapitalized?")
    assert (answer.card, answer.point) == ("bull", "excess-capital")
    assert UNSURE <= answer.confidence < SURE


def test_a_figures_subject_is_a_term_of_every_point_that_names_it() -> None:
    """Qilin's Jade Frontier is the subject of a figure in its game-regulation risk, and the
    game its gaming-profits point is built on: asked how much it makes, the bot does not
    assert the risk; it offers the gaming point beside it."""
    from tests.eval.evaluate import EVAL

    engine = Engine.from_dirs(EVAL / "collide1" / "theses", INTENTS)
    answer = engine.answer("how much does Jade Frontier make for Qilin?")
    offered = {answer.point, *(a.point for a in answer.alternatives)}
    assert "gaming-cash-engine" in offered and answer.confidence < 0.8


@pytest.mark.parametrize(("british", "american_spelling"), [
    ("capitalised", "capitalized"), ("utilisation", "utilization"), ("authorise", "authorize"),
    ("labour", "labor"), ("analysed", "analyzed"), ("centre", "center"),
    ("arise", "arise"), ("promise", "promise"), ("advertise", "advertise"), ("noise", "noise")])
def test_british_spellings_meet_american_ones_and_no_other_word_changes(
        british: str, american_spelling: str) -> None:
    assert american(british) == american_spelling


def test_a_british_spelling_finds_the_point_written_in_american(baba: Engine) -> None:
    answer = baba.answer("how much of the repurchase authorisation is left?")
    assert (answer.card, answer.point) == ("catalyst", "share-buybacks")


def test_a_section_word_yields_to_a_point_far_stronger_elsewhere(baba: Engine) -> None:
    """"proof points" reads as the bull card, whose best point is a faint Qwen match; the
    question is plainly about the Qwen monetization catalyst."""
    answer = baba.answer("Ali qwen monetization — what proof points as enterprises go from "
                         "pilots to prod?")
    assert (answer.card, answer.point) == ("catalyst", "qwen-monetization")


def test_a_phrase_of_two_concepts_is_covered_by_either(baba: Engine) -> None:
    """"Dry powder" is a balance sheet's cash and a buyback's unused room: Alibaba's buyback
    point answers it, though the thesis says nothing of liquidity."""
    answer = baba.answer("BABA buyback — how much dry powder is left?")
    assert (answer.card, answer.point) == ("catalyst", "share-buybacks")


def test_the_drivers_of_growth_are_the_point_that_explains_it(baba: Engine) -> None:
    answer = baba.answer("what are the drivers of alibaba cloud growth?")
    assert (answer.card, answer.point) == ("bull", "ai-cloud-dominance")


@pytest.mark.parametrize(("question", "point"), [
    ("is Qilin going to start returning cash to shareholders?", "first-dividend"),
    ("does Qilin Shuyun have a share repurchase program running?", None),
])
def test_a_point_about_a_narrow_concept_answers_for_the_broad_one_not_for_a_sibling(
        question: str, point: str | None) -> None:
    """Qilin's thesis plans a first dividend and no buyback: a dividend is capital return
    (`part_of`), so asked about returning cash it answers; a buyback is capital return too,
    but no dividend, so asked about its buyback it says the thesis does not cover it."""
    from tests.eval.evaluate import EVAL

    answer = Engine.from_dirs(EVAL / "collide1" / "theses", INTENTS).answer(question)
    assert answer.point == point
    assert (answer.card == "unknown") == (point is None)


def test_a_business_the_thesis_never_speaks_of_is_not_covered_by_its_broad_kin(
        baba: Engine) -> None:
    """Alibaba's thesis speaks of AI and chips; humanoid robots are a kind of that technology it
    never mentions."""
    answer = baba.answer("BABA humanoid robots exposure?")
    assert (answer.card, answer.reason, answer.topic) == ("unknown", "not in thesis",
                                                          "humanoid robots")


@pytest.mark.parametrize(("question", "topic"), [
    ("what's the state of Alibaba's food delivery push?", "food delivery"),
    ("how is BABA's gaming segment doing?", "gaming"),
])
def test_a_line_of_business_the_thesis_never_speaks_of_is_named_as_not_covered(
        baba: Engine, question: str, topic: str) -> None:
    answer = baba.answer(question)
    assert (answer.card, answer.reason, answer.topic) == ("unknown", "not in thesis", topic)


def test_a_concept_part_of_one_that_does_not_exist_is_refused() -> None:
    from pydantic import ValidationError

    from bot.knowledge.models import Concepts

    spec = {"about": "x", "terms": ["payout"], "part_of": ["capital_returns"]}
    with pytest.raises(ValidationError, match="dividend: part_of 'capital_returns'"):
        Concepts.model_validate({"dividend": spec})
    chain = {"dividend": {**spec, "part_of": ["capital_return"]},
             "capital_return": {"about": "x", "terms": ["return"], "part_of": ["valuation"]},
             "valuation": {"about": "x", "terms": ["cheap"]}}
    with pytest.raises(ValidationError, match="itself part of another"):
        Concepts.model_validate(chain)


def test_a_results_date_is_the_catalyst_that_says_when_the_company_reports() -> None:
    """"Baiyu will report fourth-quarter results in March": that catalyst carries the
    reporting date a question asks for in its own words."""
    from tests.eval.evaluate import EVAL

    answer = Engine.from_dirs(EVAL / "collide16" / "theses", INTENTS).answer(
        "when does BYLT report Q4")
    assert (answer.card, answer.point) == ("catalyst", "full-year-results-2027")


def test_a_phrase_of_the_trade_counts_among_everyday_words_the_book_never_says() -> None:
    """"take-or-pay" names the contracts' terms; "flex" is chat the book never says: Hanhai's
    locked-in contracts, not "the thesis doesn't cover it"."""
    from tests.eval.evaluate import EVAL

    answer = Engine.from_dirs(EVAL / "collide10" / "theses", INTENTS).answer(
        "do Hanhai's leases have take-or-pay or can the tenants flex down if utilization drops")
    assert (answer.card, answer.point) == ("bull", "locked-hyperscaler-contracts")


@pytest.mark.parametrize(("folder", "question", "point"), [
    ("collide11", "JLMS 2025 revenue?", "triple-digit-revenue-growth"),
    ("collide5", "what was Delft Atomic's 2025 revenue", "ai-accelerators-drive-leading"),
])
def test_a_figure_asked_by_its_measure_and_year_is_its_points(folder: str, question: str,
                                                              point: str) -> None:
    """"Revenue" is too everyday a word to name a point, but with a year it names the figure
    whose measure it is ("revenue grew … in 2025"): that point, offered, its figure first."""
    from tests.eval.evaluate import EVAL

    answer = Engine.from_dirs(EVAL / folder / "theses", INTENTS).answer(question)
    assert answer.point == point and answer.figure is not None
    assert "revenu" in answer.figure or "revenue" in answer.figure
    assert UNSURE <= answer.confidence < SURE


@pytest.mark.parametrize(("question", "point"), [
    ("BABA 回购 pace?", "share-buybacks"),
    ("alibaba 出口管制 exposure", "chip-restrictions"),
    ("阿里巴巴的估值", "valuation-gap"),
])
def test_the_desk_s_chinese_terms_of_the_trade_reach_their_point(engine: Engine, question: str,
                                                                 point: str) -> None:
    """A desk that covers China writes its terms of the trade in Chinese too, unspaced."""
    assert engine.answer(question).point == point


def test_a_point_titled_for_a_concept_is_more_about_it_than_one_naming_it_in_passing() -> None:
    """Asked in the concept's words alone ("who else is after their customers?"), the point
    whose title and text both name competition outranks one whose text names rivals often."""
    titled = TABLE.carried({"title": [words("Competition intensifies")],
                            "detail": [words("Rivals cut prices, competitors gain ground and "
                                             "the competitive landscape shifts.")]})
    passing = TABLE.carried({"title": [words("Ecosystem lock-in")],
                             "detail": [words("Rivals trail; a moat against rivals and the "
                                              "competition.")]})
    assert titled["competition"] > passing["competition"] >= 1.0
