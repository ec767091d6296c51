"""With a book of theses loaded (BABA and keyword-less theses of other industries), each
question reaches the thesis whose words it uses, asks "which?" only on a real tie, and the
cross-book questions (list, compare, search) get cards of their own."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.matcher import SURE, Engine
from bot.render.blocks import Options, render_card
from bot.render.messages import alternative_label
from bot.render.text import render_text
from tests.conftest import INTENTS, ROOT
from tests.eval.evaluate import BOOK

TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def book() -> Engine:
    engine = Engine.from_dirs(BOOK, INTENTS)
    assert not engine.problems and len(engine.covered) == len(list(BOOK.glob("*.yaml")))
    return engine


@pytest.mark.parametrize(("question", "point"), [
    ("qwen downloads", "qwen-ecosystem"),
    ("antitrust fine", "regulatory-uncertainty"),
    ("$19.1B", "share-buybacks"),
    ("are they building their own chips?", "custom-chips"),
])
def test_a_topic_only_baba_has_answers_baba_without_naming_it(book: Engine, question: str,
                                                               point: str) -> None:
    answer = book.answer(question)
    assert (answer.ticker, answer.point) == ("BABA", point)


def test_a_thesis_written_without_keywords_answers_from_its_own_words(book: Engine) -> None:
    answer = book.answer("how big is the utility backlog?")
    assert (answer.ticker, answer.card, answer.point) == ("NRGX", "bull", "utility-backlog")


def test_a_question_fitting_every_thesis_asks_which_with_the_card_on_each_button(
        book: Engine) -> None:
    answer = book.answer("what are the risks?")
    assert answer.reason == "which thesis"
    assert [alternative_label(a) for a in answer.alternatives] == [
        f"{ticker} · Key risks" for ticker in sorted(book.covered)]
    assert {a.card for a in answer.alternatives} == {"risk"}


def test_a_tie_between_theses_offers_each_ones_matching_point(book: Engine) -> None:
    answer = book.answer("what's the tariff risk?")
    assert answer.reason == "which thesis"
    assert [(a.thesis, a.card, a.point) for a in answer.alternatives] == [
        ("NRGX", "risk", "chinese-cell-competition"), ("KSTR", "risk", "tariff-exposure")]
    assert [alternative_label(a) for a in answer.alternatives] == [
        "NRGX · Chinese Cells Are Far Cheaper Without Tariffs",
        "KSTR · Tariffs on Asian Imports Hit Margins"]


@pytest.mark.parametrize("question", ["what is the ITC catalyst", "BESS demand",
                                      "PPA pricing risk"])
def test_an_acronym_the_book_uses_is_not_taken_for_a_ticker(book: Engine, question: str) -> None:
    answer = book.answer(question)
    assert answer.unknown_subject is None and answer.ticker == "NRGX"


def test_a_several_word_alias_does_not_hide_the_company_name(book: Engine) -> None:
    for question in ("alibaba ai cloud", "tell me about alibaba's AI cloud dominance"):
        assert book.answer(question).ticker == "BABA"


def test_a_named_thesis_lacking_the_topic_points_to_the_one_that_has_it(book: Engine) -> None:
    answer = book.answer("HBNK antitrust fine")
    assert answer.card == "unknown" and answer.ticker is None
    assert [(a.thesis, a.point) for a in answer.alternatives] == [
        ("BABA", "regulatory-uncertainty")]
    assert render_text(answer, TODAY).startswith(
        "The HBNK thesis doesn't cover antitrust fine. BABA's does:")


def test_list_compare_and_search_are_cards_of_their_own(book: Engine) -> None:
    listed = book.answer("list theses")
    assert listed.card == "list"
    assert [m.thesis.ticker for m in listed.matches] == ["BABA", "HBNK", "KSTR", "LMRA", "NRGX"]

    compared = book.answer("compare BABA and NRGX risks")
    assert compared.card == "compare"
    assert [(m.thesis.ticker, m.card) for m in compared.matches] == [("BABA", "risk"),
                                                                   ("NRGX", "risk")]
    text = render_text(compared, TODAY)
    columns = [line.split("│") for line in text.splitlines() if "│" in line]
    assert [c.strip() for c in columns[0]] == ["BABA · Key risks", "NRGX · Key risks"]

    found = book.answer("which theses are exposed to tariffs?")
    assert found.card == "search"
    assert {m.thesis.ticker for m in found.matches} == {"NRGX", "KSTR"}
    message = render_card(found, Options(today=TODAY))
    buttons = [e for b in message.blocks for e in [b.get("accessory")] if e]
    assert len(buttons) == len(found.matches)


@pytest.fixture(scope="module")
def rivals(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """BABA beside a thesis whose own text weighs it against Alibaba."""
    from tests.eval.evaluate import BABA_ONLY, EVAL

    folder = tmp_path_factory.mktemp("rivals")
    for path in (BABA_ONLY / "baba.yaml", EVAL / "collide6" / "theses" / "tlix.yaml"):
        shutil.copy(path, folder / path.name)
    return Engine.from_dirs(folder, INTENTS)


@pytest.mark.parametrize("question", ["is Tianlan cheap next to Alibaba?",
                                      "is Tianlan cheap next to Ali?"])
def test_a_thesis_named_as_the_yardstick_of_another_is_no_comparison(rivals: Engine,
                                                                     question: str) -> None:
    """Tianlan's thesis measures its discount against Alibaba: asked that, it answers."""
    answer = rivals.answer(question)
    assert (answer.ticker, answer.card, answer.point) == \
        ("TLIX", "bull", "discount-chinese-internet-peers")


def test_two_names_with_nothing_setting_them_side_by_side_ask_of_the_one_naming_the_other(
        ) -> None:
    """Hanhai's thesis names Alibaba Cloud, its customer; Alibaba's never names Hanhai. Asked
    of one in terms of the other, with no "and", "vs" or "compare", the bot answers of
    Hanhai's thesis, not with a comparison given as sure; and from the point whose text says
    Alibaba Cloud (its contracts): the other's name is words of Hanhai's own text."""
    engine = _with_colliding(10)
    answer = engine.answer("what % of Hanhai revenue is Alibaba Cloud?")
    assert (answer.ticker, answer.point) == ("HHDI", "locked-hyperscaler-contracts")
    assert engine.answer("hanhai vs alibaba bull case").card == "compare"


@pytest.mark.parametrize("question", ["Tianlan vs Alibaba", "compare Tianlan and Alibaba valuation",
                                      "tianlan and alibaba side by side on valuation"])
def test_a_comparison_asked_is_still_both_side_by_side(rivals: Engine, question: str) -> None:
    answer = rivals.answer(question)
    assert answer.card == "compare"
    assert {m.thesis.ticker for m in answer.matches} == {"TLIX", "BABA"}


@pytest.mark.slow
def test_explain_says_why_a_question_got_its_card() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "--knowledge", str(BOOK), "ask", "--explain",
         "qwen downloads"], capture_output=True, text=True, cwd=ROOT, check=True)
    why = result.stdout.split("Why this card:\n", 1)[1]
    assert "theses by evidence: BABA" in why
    assert "point BABA/qwen-ecosystem" in why
    assert "BABA wins on evidence" in why
    assert "-> bull BABA/qwen-ecosystem" in why


def test_a_company_of_several_words_the_book_mentions_but_does_not_cover(book: Engine) -> None:
    answer = book.answer("eli lilly bull case")
    assert answer.card == "unknown" and answer.unknown_subject == "eli lilly"


@pytest.mark.parametrize(("question", "point"), [
    ("is orforglipron going to beat us to market", "oral-competition"),  # a rival's drug
    ("when's the sorelintide combo data due", "combination-data"),  # not a company "combo"
])
def test_a_name_only_one_thesis_uses_ties_the_question_to_it(
        book: Engine, question: str, point: str) -> None:
    answer = book.answer(question)
    assert (answer.ticker, answer.point) == ("LMRA", point)


@pytest.mark.parametrize(("question", "point"), [
    ("kestrel tarrifs", "tariff-exposure"),  # as near to "carries" as to "tariffs"
    ("lmra attain1 when", "attain-1-readout"),  # ATTAIN-1, typed as one word
    ("when does lmra attain 2 read out", "attain-2-readout"),  # ATTAIN-2, typed as two
])
def test_a_typed_word_reaches_the_word_the_book_writes(
        book: Engine, question: str, point: str) -> None:
    assert book.answer(question).point == point


@pytest.mark.parametrize(("question", "point"), [
    ("when does lumora's big phase 3 obesity readout land", "attain-1-readout"),  # pending
    ("when did lumora's big phase 3 readout happen", "attain-2-readout"),  # hit, Dec 2025
])
def test_when_asks_about_what_is_still_to_come_unless_asked_in_the_past(
        book: Engine, question: str, point: str) -> None:
    assert book.answer(question).point == point


@pytest.mark.parametrize(("question", "point"), [
    ("did Lumora's T2D ph3 hit both primaries?", "attain-2-readout"),
    ("any hepatotox signal with velaglipron so far?", "liver-safety"),
])
def test_a_biotech_desks_shorthand_reaches_its_point(book: Engine, question: str,
                                                     point: str) -> None:
    assert (book.answer(question).ticker, book.answer(question).point) == ("LMRA", point)


@pytest.mark.parametrize(("question", "ticker", "point"), [
    ("KSTR avg selling price?", "KSTR", "pricing-power"),
    ("HBNK cof trend as rates fall?", "HBNK", "rate-cut-squeeze"),  # cost of funds
])
def test_desk_shorthand_reaches_the_point_its_words_name(book: Engine, question: str,
                                                         ticker: str, point: str) -> None:
    answer = book.answer(question)
    assert (answer.ticker, answer.point) == (ticker, point)


def test_a_phrase_naming_a_measure_the_thesis_never_speaks_of_is_not_covered(
        book: Engine) -> None:
    """Lumora's write-up says "shareholder" of nothing like its meetings: an annual shareholder
    meeting is a subject it lacks, named whole, not the FDA decision that has a date."""
    answer = book.answer("when is Lumora's annual shareholder meeting this year?")
    assert "The LMRA thesis doesn't cover shareholder meeting" in render_text(answer, TODAY)


def test_a_point_whose_runner_up_holds_over_half_its_score_is_offered_beside_it(
        book: Engine) -> None:
    """Office loans "if rates stay high": the office exposure point, but the credit
    normalisation point that speaks of rates holds over half its score. Both are offered, not
    one asserted."""
    from bot.engine.thresholds import SURE

    answer = book.answer("how exposed is harborview to office loans if rates stay high?")
    assert answer.point == "cre-office-exposure" and answer.confidence < SURE
    assert "credit-normalization" in {a.point for a in answer.alternatives}


def test_what_share_comes_from_asks_for_the_mix_not_the_sources(book: Engine) -> None:
    """"What share of revenue comes from its top customers" asks for the customer mix, not
    where the numbers come from, nor do "revenue sources" and "single-source" suppliers; "where
    does that number come from" still does."""
    answer = book.answer("what share of Norgrid's revenue comes from its top three customers?")
    assert (answer.card, answer.point) == ("risk", "customer-concentration")
    assert book.answer("Norgrid: where does that number come from?").card == "figures"
    for question in ("what are Lumora's main revenue sources?",
                     "any single-source supplier risk for Norgrid?"):
        assert book.answer(question).card != "figures"


def test_a_section_asked_yields_to_a_point_four_times_stronger_elsewhere(book: Engine) -> None:
    """"The upside case" asks for the bull section, but of the homegrown chips' ramp: the
    custom-chips catalyst, four times stronger than any bull point, not the whole bull card."""
    answer = book.answer("client wants the upside case: if alibaba's homegrown processors ramp "
                         "through 2026, what happens to pricing?")
    assert (answer.card, answer.point) == ("catalyst", "custom-chips")


def test_a_shorthand_in_a_phrase_of_its_own_keeps_its_own_sense(book: Engine) -> None:
    """A trial's "topline data" is no revenue: Lumora's revenue is Glyvera's cash, not the
    ATTAIN-1 readout, and the readout is still found by its own words."""
    assert book.answer("lumora revenue").point != "attain-1-readout"
    assert book.answer("when is lumora's topline data?").point == "attain-1-readout"


@pytest.mark.parametrize(("question", "card", "point"), [
    # "why": a reason to own it, not the launch that also speaks of running shoes
    ("why do runners pay up for Kestrel instead of treating it like a commodity sneaker?",
     "bull", "pricing-power"),
    # "if": what could go wrong, not the margin recovery that also speaks of rates
    ("what happens to HBNK's NII if the Fed eases faster than the market expects?",
     "risk", "rate-cut-squeeze"),
])
def test_framing_words_lean_to_a_section_between_points_on_one_topic(
        book: Engine, question: str, card: str, point: str) -> None:
    answer = book.answer(question)
    assert (answer.card, answer.point) == (card, point)
    assert any(line.startswith("leans to the") for line in answer.trace)


def test_chat_slang_is_no_subject_the_thesis_lacks(book: Engine) -> None:
    """"lol", "tbh" say nothing: the excess-capital point is answered, not hedged."""
    answer = book.answer("lol why does harborview have so much excess capital tbh")
    assert (answer.ticker, answer.point) == ("HBNK", "excess-capital")
    assert answer.confidence >= SURE


@pytest.mark.parametrize("question", [
    "client wants the bull case on baba in three bullets, can you send",
    "send the bull case on alibaba in three bullets for the client",
])
def test_a_section_asked_for_a_client_is_the_section(book: Engine, question: str) -> None:
    """The asker's client is no customer (adoption), and "three bullets" is no subject that
    Norgrid's "three utilities" covers: BABA's bull case, answered."""
    answer = book.answer(question)
    assert (answer.ticker, answer.card, answer.point) == ("BABA", "bull", None)
    assert answer.confidence >= SURE


def test_the_events_that_move_the_shares_are_the_catalysts_card(book: Engine) -> None:
    """"Stock-moving", "move the shares": the catalysts, not the buyback's "shares"."""
    answer = book.answer("KSTR - what are the near-term stock-moving events we're watching?")
    assert (answer.ticker, answer.card, answer.point) == ("KSTR", "catalyst", None)
    waiting = book.answer("what are we waiting for on kestrel for the trade to work")
    assert (waiting.ticker, waiting.card) == ("KSTR", "catalyst")
    # a count of quarters is no subject: the whole card, asserted
    counted = book.answer("what could move kestrel shares in the next two or three quarters?")
    assert (counted.card, counted.point) == ("catalyst", None) and counted.confidence >= SURE


def test_of_theses_fitting_about_equally_the_one_holding_more_of_the_question_wins(
        book: Engine) -> None:
    answer = book.answer("how much cash is there to fund the obesity launch without diluting")
    assert (answer.ticker, answer.point) == ("LMRA", "glyvera-cash")
    assert answer.confidence < SURE  # a tie broken by a count of words: offered, not asserted


def test_a_search_no_one_point_answers_whole_is_offered_not_asserted(book: Engine) -> None:
    """"short interest": one point says "interest", none "highest": the theses that say part
    of it are listed, and the card says so."""
    answer = book.answer("which name in the book has the highest short interest?")
    assert answer.card == "search" and answer.confidence < SURE
    assert "No one point says all of “highest interest”" in render_text(answer, TODAY)
    whole = book.answer("which theses have exposure to china tariffs?")
    assert whole.card == "search" and whole.confidence >= SURE
    assert "No one point says" not in render_text(whole, TODAY)


LENDER = """\
ticker: PNCR
company: Pinecrest Lending
title: Pinecrest test thesis
summary: A lender whose product names are everyday words.
updated: 2025-10-01
sources: [{id: doc, title: Test document, date: 2025-10-01}]
bear:
  - id: capital-advances
    title: Pinecrest Capital Advances Could Sour
    summary: Its merchant loan product, Pinecrest Capital, grows fast.
    detail: >-
      Pinecrest Capital lends against card receipts. Word of mouth drives sign-ups, and
      lenders pass higher funding costs through to merchants. A reset of rates would hurt.
    sources: [doc]
"""


@pytest.mark.parametrize("question", [
    "how do I reset my password",  # a word of its own, not "pass word"
    "what's the capital of australia",  # a product called Capital is no rare name
])
def test_everyday_questions_sharing_a_word_with_the_book_are_not_answered_from_it(
        tmp_path: Path, question: str) -> None:
    shutil.copytree(BOOK, tmp_path / "book")
    (tmp_path / "book" / "pncr.yaml").write_text(LENDER, encoding="utf-8")
    assert Engine.from_dirs(tmp_path / "book", INTENTS).answer(question).card == "unknown"


_ANSWERS = """
from bot.engine.matcher import Engine
from tests.conftest import INTENTS
from tests.eval.evaluate import BOOK
engine = Engine.from_dirs(BOOK, INTENTS)
for question in {questions!r}:
    a = engine.answer(question)
    print(a.card, a.ticker, a.point, a.figure, a.confidence, [x.point for x in a.alternatives])
"""


@pytest.mark.slow
def test_the_same_question_gets_the_same_card_in_every_process() -> None:
    """Python orders a set of words differently in each process (its hash seed): a figure
    chosen among equals, or a score summed, must not depend on that order."""
    questions = ["how much of the market do bytedance / huawei / tencent have?",
                 "could ByteDance's Doubao overtake Qwen", "IRA hit to glyvera at LMRA",
                 "teh competiton pic for alibaba cloud — bytedance huawei tencent etc",
                 "what did glyvera do in net sales last year"]
    outputs = {subprocess.run(
        [sys.executable, "-c", _ANSWERS.format(questions=questions)], cwd=ROOT, check=True,
        capture_output=True, text=True, env={"PYTHONHASHSEED": str(seed), "PATH": ""}).stdout
        for seed in range(6)}
    assert len(outputs) == 1, outputs


@pytest.mark.parametrize("word", ["China", "tariffs", "buyback"])
def test_which_theses_mention_a_word_names_exactly_the_theses_whose_text_says_it(
        book: Engine, word: str) -> None:
    import re

    said = {path.stem.upper() for path in BOOK.glob("*.yaml")
            if re.search(rf"\b{word}", _prose_of(path), re.IGNORECASE)}
    answer = book.answer(f"which theses mention {word}?")
    assert answer.card == "search"
    assert {m.thesis.ticker for m in answer.matches} == said
    counts = [m.count for m in answer.matches]
    assert counts == sorted(counts, reverse=True)  # the thesis that says it most first


@functools.cache
def _with_colliding(*numbers: int, book_too: bool = True) -> Engine:
    """An engine over the fixture book (unless not `book_too`) and the theses of those
    `tests/eval/collide<n>` folders; built once for every test that asks for the same."""
    from tests.eval.evaluate import EVAL, engine_over

    folders = (*((BOOK,) if book_too else ()), *(EVAL / f"collide{n}" / "theses"
                                                  for n in numbers))
    return engine_over(*(path for folder in folders for path in folder.glob("*.yaml")))


def _prose_of(path: Path) -> str:
    """What a thesis file says, without its lookup data (keywords, aliases, ids)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = [data["title"], data["summary"], data.get("overview") or ""]
    for section in ("bull", "bear", "catalysts"):
        for point in data.get(section, []):
            texts += [point["title"], point.get("summary") or "", point["detail"]]
    texts += [f"{f['subject']} {f['measure']}" for f in data.get("figures", [])]
    return "\n".join(texts)


def test_catalysts_across_the_book_come_by_date(book: Engine) -> None:
    answer = book.answer("what catalysts are coming up across the book?")
    assert answer.card == "search" and answer.matches
    ends = []
    for match in answer.matches:
        found = match.thesis.point(match.point or "")
        assert found is not None and found[0] == "catalysts"
        timing = getattr(found[1], "timing", None)
        if timing is None:
            break  # undated ones follow the dated
        ends.append(timing.when.end)
    assert ends and ends == sorted(ends)


def test_a_search_cut_says_how_many_more_theses_say_it(tmp_path: Path) -> None:
    from bench.synthetic import write_theses
    from bot.engine.thresholds import SEARCH_RESULTS

    write_theses(tmp_path, SEARCH_RESULTS + 5)
    engine = Engine.from_dirs(tmp_path, INTENTS)
    answer = engine.answer("which theses mention margins?")
    assert answer.card == "search"
    assert len(answer.matches) == SEARCH_RESULTS
    assert answer.more == len(engine.covered) - SEARCH_RESULTS
    assert f"…and {answer.more} more theses" in render_text(answer, TODAY)


@pytest.mark.parametrize("question", ["where should we order lunch for the team offsite?",
                                      "dim sum at 1? who's in",
                                      "is the big meeting room free at 3 for the broker call?"])
def test_office_small_talk_naming_no_thesis_is_not_about_the_book(book: Engine,
                                                                  question: str) -> None:
    """An "order" of lunch is no order backlog; "offsite" is no typo of "offset"; dim sum is
    no sum of the parts, though a thesis says "sum"."""
    answer = book.answer(question)
    assert (answer.card, answer.reason) == ("unknown", "off topic")
    assert not answer.read_as


def test_small_talk_beside_names_a_thesis_uses_is_a_question_about_it(book: Engine) -> None:
    """Lunch is small talk, but not when Doubao eats Qwen's."""
    answer = book.answer("is doubao eating qwen's lunch?")
    assert (answer.ticker, answer.card, answer.point) == ("BABA", "risk", "competition")


@pytest.mark.parametrize(("question", "word"), [("macro tailwind check for AI in china", "macro"),
                                               ("how's the CNY outlook?", "CNY")])  # a currency
def test_a_word_of_the_trade_is_never_taken_for_a_company_we_do_not_cover(
        book: Engine, question: str, word: str) -> None:
    answer = book.answer(question)
    assert answer.unknown_subject is None and f"thesis on {word}" not in render_text(answer, TODAY)


def test_soe_is_a_state_owned_enterprise(book: Engine) -> None:
    """SOE is a state-owned enterprise, no ticker of a company we do not cover, and no
    request for "stats": asked of Alibaba, whose thesis never speaks of state-owned customers,
    the answer is Alibaba's, its nearest points offered."""
    answer = book.answer("are SOEs moving onto alibaba's cloud?")
    assert answer.unknown_subject is None and answer.card != "figures"
    assert render_text(answer, TODAY).startswith("The BABA thesis doesn't")


def test_kids_are_no_small_talk_to_an_education_thesis() -> None:
    """Its pupils and children are the kids an asker speaks of."""
    from tests.eval.evaluate import EVAL

    xuedao = Engine.from_dirs(EVAL / "collide18" / "theses", INTENTS)
    answer = xuedao.answer("how many minutes a day do kids spend on the app?")
    assert answer.ticker == "XDTA" and answer.reason != "off topic"


def test_a_point_holding_one_word_of_the_question_does_not_stand_in_for_an_uncovered_subject(
        book: Engine) -> None:
    """Norgrid says "lithium" but never how it hedges: its margin point, which holds no other
    word of the question, is offered beside "doesn't cover hedge", not in its place."""
    answer = book.answer("does Norgrid hedge its lithium with swaps?")
    assert (answer.card, answer.reason, answer.topic) == ("unknown", "not in thesis", "hedge")
    assert answer.alternatives[0].point == "margin-expansion"
    assert "doesn't cover hedge" in render_text(answer, TODAY)


@pytest.mark.parametrize(("question", "point"), [
    # its point's id names the competition its prose describes (cells "far cheaper")
    ("how exposed is nrgx to chinese competition", "chinese-cell-competition"),
    # making money from something is monetising it, not a profit the thesis never states
    ("how will alibaba actually make money from qwen", "qwen-monetization"),
])
def test_a_subject_the_thesis_names_in_its_own_terms_is_covered(book: Engine, question: str,
                                                                 point: str) -> None:
    assert book.answer(question).point == point


def test_a_subject_said_in_synonyms_of_the_theses_words_is_covered(book: Engine) -> None:
    """Alibaba's thesis says "custom chips"; homegrown accelerators are those, so the "ramp"
    asked of them is its catalyst, not a subject it lacks."""
    answer = book.answer("will alibaba's homegrown accelerators ramp in time?")
    assert (answer.ticker, answer.point) == ("BABA", "custom-chips")


@pytest.mark.parametrize(("question", "subject"), [
    ("is Kestrel getting into hiking footwear?", "hiking"),
    ("does Alibaba have any cloud gaming service?", "gaming"),
])
def test_asked_whether_it_has_what_its_thesis_never_names_the_bot_says_so(
        book: Engine, question: str, subject: str) -> None:
    """Kestrel's thesis says footwear, Alibaba's says cloud; neither says hiking or gaming."""
    answer = book.answer(question)
    assert (answer.card, answer.reason, answer.topic) == ("unknown", "not in thesis", subject)


def test_asked_whether_it_does_something_at_all_the_bot_says_what_its_thesis_never_names(
        ) -> None:
    """Tsubame's thesis is about collaborative robot arms; it never says welding."""
    answer = _with_colliding(3, 16).answer("does tsubame make welding robots at all?")
    assert (answer.card, answer.reason, answer.topic) == ("unknown", "not in thesis", "welding")


@pytest.mark.parametrize(("question", "subject"), [
    ("BYLT: receivable days on Pilot kit sales to fleet owners, and bad-debt provisions for the "
     "ones that can't pay?", "receivable bad debt provisions"),
    ("BYLT fleet owners and Pilot kits: warranty reserves, recall history and insurance claims?",
     "warranty recall insurance claims"),
])
def test_several_asks_the_thesis_has_nothing_on_are_not_covered_by_its_words_around_them(
        question: str, subject: str) -> None:
    """Baiyu's kit point says fleet owners, Pilot kits and sales; its thesis never speaks of
    receivables, provisions, warranties or recalls, which are what is asked."""
    answer = _with_colliding(16).answer(question)
    assert (answer.card, answer.reason, answer.topic) == ("unknown", "not in thesis", subject)


def test_a_point_holding_one_word_beside_a_word_its_thesis_never_says_is_offered(
        book: Engine) -> None:
    """"Growing" reaches Alibaba's cloud point; its members are nowhere in the thesis."""
    answer = book.answer("member count at alibaba, still growing?")
    assert answer.point == "ai-cloud-dominance" and answer.confidence < SURE


def test_an_overview_asked_for_is_not_traded_for_a_point_faintly_matched(book: Engine) -> None:
    """"The bank" leans to Harborview's points only faintly: the big picture asked is its
    overview."""
    answer = book.answer("give me the big picture on the bank")
    assert (answer.ticker, answer.card, answer.point) == ("HBNK", "overview", None)


def test_an_overview_word_yields_to_a_point_named_by_several_words(book: Engine) -> None:
    """"How does the write-up explain…" names the thesis, not what is asked: why its shares are
    priced below American peers is the valuation point, China's unpredictable legal system the
    regulatory risk, not the overview."""
    answer = book.answer("How does the Alibaba write-up explain why its shares are priced lower "
                         "than comparable American companies?")
    assert (answer.card, answer.point) == ("bull", "valuation-gap")
    answer = book.answer("How does the thesis think about the unpredictability of China's legal "
                         "system as a drag on 9988's multiple?")
    assert (answer.card, answer.point) == ("risk", "regulatory-uncertainty")


def test_everyday_words_no_thesis_says_do_not_drown_the_ones_it_does(book: Engine) -> None:
    """"dump", "outlets" and "off-price" are no words of any thesis: chat around "excess
    apparel", which Kestrel's inventory risk is about."""
    answer = book.answer("is there a risk they have to dump the excess apparel through outlets "
                         "and off-price?")
    assert (answer.ticker, answer.card, answer.point) == ("KSTR", "risk", "inventory-build")


@pytest.fixture(scope="module")
def hanhai() -> Engine:
    """A data-center operator's thesis, imported with no hand edits."""
    from tests.eval.evaluate import EVAL

    return Engine.from_dirs(EVAL / "collide10" / "theses", INTENTS)


def test_data_is_a_word_of_many_subjects_not_a_request_for_the_figures(hanhai: Engine) -> None:
    """A data-center operator's "data center pipeline" asks for a point, not its figures card."""
    answer = hanhai.answer("what's in the Hanhai data center pipeline")
    assert answer.card != "figures" and answer.point is not None


def test_peers_typed_as_tickers_do_not_hide_the_subject_of_a_named_thesis(
        hanhai: Engine) -> None:
    """EQIX and DLR are yardsticks; the question is Hanhai's valuation point."""
    answer = hanhai.answer("HHDI multiple vs EQIX / DLR?")
    assert (answer.card, answer.point) == ("bull", "discount-global-data-center")


def test_a_company_name_cut_short_still_names_it_and_only_it(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """"Junlan Micro" is Junlan Microsystems: "Micro" is no subject the thesis lacks."""
    from tests.eval.evaluate import EVAL

    folder = tmp_path_factory.mktemp("junlan")
    for path in (*BOOK.glob("*.yaml"), EVAL / "collide11" / "theses" / "jlms.yaml"):
        shutil.copy(path, folder / path.name)
    engine = Engine.from_dirs(folder, INTENTS)
    answer = engine.answer("is Junlan Micro buying back stock?")
    assert (answer.ticker, answer.card, answer.point) == ("JLMS", "catalyst", "share-buyback")
    assert answer.confidence >= 0.8  # answered, not offered as partly covered


@pytest.mark.parametrize(("question", "intent"), [
    ("where is Kestrel sourcing its shoes these days?", "figures"),
    ("what's the sourcing risk for norgrid's cells", "figures"),
])
def test_an_intent_word_is_read_as_written_not_by_its_stem(book: Engine, question: str,
                                                           intent: str) -> None:
    """"Sources" asks for the figures' sources; "sourcing" is a supply chain."""
    assert f"intents: {intent}" not in "\n".join(book.answer(question).trace)
    assert "intents: figures" in "\n".join(book.answer("kestrel sources?").trace)


def test_one_point_faintly_but_clearly_ahead_is_offered_not_declined() -> None:
    """No word of "how big is the engineering org" is the thesis's own, but its R&D point
    leads the rest clearly: offered as "Did you mean", never asserted, never "not covered"."""
    from tests.eval.evaluate import EVAL

    engine = Engine.from_dirs(EVAL / "collide11" / "theses", INTENTS)
    answer = engine.answer("how big is the engineering org at Junlan Microsystems")
    assert (answer.card, answer.point) == ("bull", "heavy-r-d-behind")
    assert answer.confidence < 0.8


def test_a_company_called_by_what_it_does_names_its_thesis(book: Engine) -> None:
    """Only Norgrid's summary speaks of storage: the storage name is Norgrid."""
    answer = book.answer("upcoming catalysts for the storage name?")
    assert (answer.ticker, answer.card, answer.point) == ("NRGX", "catalyst", None)
    assert answer.confidence >= SURE
    assert book.answer("remind me what the storage name does").card == "overview"


def test_a_business_two_theses_share_names_neither(book: Engine) -> None:
    """Norgrid and Kestrel both speak of tariffs: "the tariffs name" could be either."""
    answer = book.answer("what's the bear case on the tariffs name?")
    assert answer.confidence < SURE  # at best a guess by its words, offered


def test_a_product_named_with_its_version_ties_the_question_to_its_thesis() -> None:
    """"Hongjing-4" is Hongyu's model, typed as the write-up types it; Tianlan's thesis also
    speaks of regulators signing off AI models."""
    answer = _with_colliding(17, 6).answer(
        "how long did the regulator take to sign off hongjing-4?")
    assert answer.ticker == "HYSR"


@pytest.mark.parametrize(("question", "ticker", "point", "topic"), [
    # Taobao is Alibaba's own business, which Alibaba's thesis (on its cloud) does not cover;
    # Luoxing's thesis names it as a rival, which does not make the question Luoxing's
    ("how's Taobao GMV trending?", None, None, "Taobao"),
    ("lazada - still bleeding money?", None, None, "Lazada"),  # no typo of "Canada"
    # a name only Luoxing's thesis uses beside it: Luoxing's point on Douyin against Taobao
    ("is Douyin still taking share from Taobao?", "LXVD", "douyin-taobao", ""),
    # a word of the trade only Hengyao's thesis says (de minimis) is no name of Hengyao's
    ("is AliExpress getting hurt by the end of de minimis?", None, None, "AliExpress"),
])
def test_a_business_of_a_thesis_is_about_that_company(question: str, ticker: str | None,
                                                      point: str | None, topic: str) -> None:
    answer = _with_colliding(13, 8).answer(question)
    assert (answer.ticker, answer.point, answer.topic) == (ticker, point, topic)
    if topic:
        assert f"doesn't cover {topic}" in render_text(answer, TODAY)
        assert answer.alternatives and answer.alternatives[0].thesis == "BABA"


def test_a_name_only_one_thesis_uses_outweighs_names_several_share() -> None:
    """HBM is a name three chip theses use; "Lingxi-1" is Luoxing's chip alone. A rival that
    only one thesis mentions (Xiaomi, in Fengxing's) is no such tie: the question is about
    the rival."""
    engine = _with_colliding(5, 11, 13, 20, book_too=False)
    assert engine.answer("does lingxi-1 get by without HBM memory?").ticker == "LXVD"
    assert engine.answer("xiaomi EV deliveries last month?").ticker != "FNEV"


def test_a_thesis_ahead_of_the_next_by_its_words_alone_is_offered_not_asserted(
        book: Engine) -> None:
    """Alibaba, Kestrel and Harborview all buy back stock: Alibaba's point says more of the
    question's words, which makes it the likeliest, not the one asked about."""
    answer = book.answer("is the buyback shrinking the share count?")
    assert (answer.ticker, answer.point) == ("BABA", "share-buybacks")
    assert answer.confidence < SURE


@pytest.mark.parametrize(("question", "ticker", "topic"), [
    ("is XDTA southbound eligible yet, how much do mainland holders own?", "XDTA",
     "southbound eligible mainland holders"),
])
def test_a_point_holding_none_of_the_question_s_words_does_not_answer_what_it_never_says(
        question: str, ticker: str, topic: str) -> None:
    """The nearest point holds none of the question's words, and the thesis never says those
    asked: the bot says so, naming them (Stock Connect is a measure of its own, which
    Zhuque's thesis speaks of: it is offered)."""
    answer = _with_colliding(6, 8, 12, 14, 17, 18).answer(question)
    assert (answer.card, answer.topic) == ("unknown", topic)
    assert f"The {ticker} thesis doesn't cover {topic}" in render_text(answer, TODAY)


@pytest.mark.parametrize("question", ["anyone know if the office is closed for the holiday?",
                                      "does anyone know if the fed cuts next week?",
                                      "can someone send me the deck from the rates meeting?",
                                      "Hi everyone, sorry to bother you, does anyone know what "
                                      "time the fire drill is this afternoon?"])
def test_a_message_to_the_people_in_the_channel_is_not_a_question_about_the_book(
        book: Engine, question: str) -> None:
    """Harborview's thesis speaks of office loans and rate cuts: a colleague asked whether the
    office is closed, or what the Fed will do, is not asking the bot for it."""
    answer = book.answer(question)
    assert (answer.card, answer.reason) == ("unknown", "off topic")
    assert book.answer("why would anyone short alibaba here").ticker == "BABA"


def test_a_point_whose_text_holds_more_of_the_question_goes_before_one_lifted_by_a_concept(
        ) -> None:
    """Baiyu's chip point says who designed its chip and where it goes into trucks; its
    export-controls risk scores higher through the chip concept alone."""
    answer = _with_colliding(16).answer(
        "does the chip baiyu designed also go into ordinary trucks for driver assistance?")
    assert (answer.ticker, answer.point) == ("BYLT", "driving-chip-own")
    assert any("goes first" in line for line in answer.trace)


def test_top_line_is_revenue() -> None:
    """"Top line" is revenue: Qilin's games revenue is its cash-engine point, not the game
    regulation risk that speaks of games just as much."""
    answer = _with_colliding(1).answer("how big was Qilin's games top line last year?")
    assert (answer.ticker, answer.point) == ("QLSY", "gaming-cash-engine")


def test_a_point_holding_four_of_the_question_s_words_covers_its_subject() -> None:
    """Tsubame's valuation point speaks of its operating margin and the 2024 China destock:
    "recovered" is a word it never says, not a subject it lacks."""
    answer = _with_colliding(3).answer(
        "has tsubame's op margin recovered since the china destock in 2024?")
    assert (answer.ticker, answer.point) == ("TSMR", "cheap-japanese-automation-peers")


def test_a_company_called_by_what_several_theses_do_is_one_of_them() -> None:
    """Luoxing and Ruyun both run short-video apps: "the short-video name" is one of the two,
    whichever the question's words fit, never Alibaba's thesis that answers valuation best."""
    engine = _with_colliding(13, 2)
    answer = engine.answer("is the short-video name cheap against HK internet peers?")
    assert answer.ticker in ("LXVD", "RYUN") and answer.card == "bull"
    assert engine.answer("what's the bull case on the big name?").ticker is None


def test_a_company_called_by_its_home_city_is_the_thesis_based_there() -> None:
    """A desk calls Alibaba "the Hangzhou name": its thesis gives Hangzhou as its head office.
    Zhuque runs GPU clusters in Hangzhou, which makes it no Hangzhou name."""
    answer = _with_colliding(14).answer("what's the upside argument for owning the Hangzhou "
                                        "name, in a few lines?")
    assert (answer.ticker, answer.card) == ("BABA", "bull")


@pytest.mark.parametrize("question", ["how big is the swap operator's buyback?",
                                      "is the battery-swap play still paying a dividend?"])
def test_a_company_called_by_what_it_does_with_any_word_a_desk_uses_is_named(
        question: str) -> None:
    """"The swap operator", "the battery-swap play": Jiehuan, whose summary alone says battery
    swaps, not the thesis with the best buyback point."""
    assert _with_colliding(26, 1).answer(question).ticker == "JHEN"


def test_an_everyday_word_of_a_retailer_s_name_ties_no_question_to_its_thesis() -> None:
    """Tingjia's write-up sells through Best Buy: "buy" of "buying back stock" is no name of
    it, so a buyback asked of no thesis is not Tingjia's by that word."""
    answer = _with_colliding(25).answer("are they still buying back stock")
    assert answer.ticker != "TJRB"
    assert not any("uses a name the question does" in line for line in answer.trace)


def test_a_horizon_asked_chooses_among_the_catalysts_at_that_horizon() -> None:
    """"Long-term" target: Xuedao's long-term subscriber goal, not its medium-term adult exam
    launch, which speaks of paying users just as much; "multi-year" is long term too."""
    engine = _with_colliding(18)
    answer = engine.answer("long-term paid user target at xuedao, per mgmt?")
    assert answer.point == "20-million-subscribers"
    assert any("among its long-term catalysts" in line for line in answer.trace)
    assert any("among its long-term catalysts" in line
               for line in engine.answer("xuedao multi-year catalyst for subscribers?").trace)


@pytest.mark.parametrize(("question", "ticker", "book"), [
    ("is Qilin doing anything in esports?", "QLSY", (1,)),
    ("does Tsubame sell any humanoids?", "TSMR", (3,)),
])
def test_asked_whether_it_has_a_thing_its_concept_holds_but_its_thesis_never_names(
        question: str, ticker: str, book: tuple[int, ...]) -> None:
    """Qilin's games and Tsubame's robots are concepts their theses speak of, but neither
    ever names esports or humanoids: asked whether it has them, the thesis does not cover
    them."""
    answer = _with_colliding(*book).answer(question)
    assert f"The {ticker} thesis doesn't cover" in render_text(answer, TODAY)


def test_specific_words_a_concept_of_the_thesis_holds_are_still_a_subject_it_lacks() -> None:
    """Luoxing's thesis speaks of its balance sheet (net cash), never of offshore notes or their
    maturities: a subject it lacks. A chip launch asked in the asker's words, all of them words
    of concepts it speaks of ("next-gen accelerator", "ramp"), is still that launch."""
    engine = _with_colliding(13, 1)
    answer = engine.answer("Luoxing's offshore notes - any maturities next year?")
    assert "The LXVD thesis doesn't cover" in render_text(answer, TODAY)
    assert engine.answer("Qilin next-gen accelerator: when's the ramp?").point == "xuanwu-x3-chip"


@pytest.mark.parametrize(("question", "ticker"), [
    ("what does Norgrid actually do? two lines please", "NRGX"),
    ("what do Tsubame Motion Robotics make, in short?", "TSMR"),
])
def test_a_company_named_where_the_phrase_says_it_is_the_overview(question: str,
                                                                  ticker: str) -> None:
    """"What does it do" with the company's name in place of "it" asks what it does: its
    overview, not a decline nor the bear case."""
    answer = _with_colliding(3).answer(question)
    assert (answer.ticker, answer.card) == (ticker, "overview")


def test_have_any_asks_whether_it_has_only_what_follows() -> None:
    """"Have any venues banned camera glasses …, and how exposed is Lanmou?" asks nothing
    about whether Lanmou has an "exposed": its camera-data rules risk answers it."""
    answer = _with_colliding(29).answer(
        "Have any venues banned camera glasses, and how exposed is the Lanmou business to that?")
    assert (answer.ticker, answer.point) == ("LNMU", "cac-rules-recording-camera")


def test_a_word_an_abbreviation_stands_for_is_no_intent_of_its_own() -> None:
    """SOE is a "state-owned enterprise"; its "state" is no request for "stats": Xunzhi's
    SOE pilots are its on-premises contracts with state-owned enterprises."""
    answer = _with_colliding(21).answer("how are xunzhi's SOE pilots of the interviewer going?")
    assert (answer.card, answer.point) == ("catalyst", "premises-contracts-state-owned")


def test_the_trades_synonyms_reach_the_words_a_writeup_chose(book: Engine) -> None:
    """Desktop is the PC: Hongyu's answer ads coming to PC browsers. "Put together" is
    "combined": Alibaba's cloud share against its three rivals'."""
    answer = _with_colliding(17).answer("when do hongyu's answer ads come to desktop?")
    assert answer.point == "sponsored-answers-pc-browser"
    answer = book.answer("is ali's AI cloud bigger than its three rivals put together?")
    assert answer.point == "ai-cloud-dominance"


@pytest.mark.parametrize(("question", "card"), [
    ("alibaba risks/catalysts", "risk"),  # slashed words are no abbreviation's
    ("can you put together a quick summary of alibaba", "overview"),  # "combined" only
    ("where is that headed from here for alibaba", "unknown"),  # no source asked
])
def test_a_desks_phrasing_keeps_the_card_it_asks_for(book: Engine, question: str,
                                                     card: str) -> None:
    """What the eighth session's readings must not take away: a slashed pair of section
    words, "put together" a summary (not "bigger than the rest put together"), and a question
    asking where something is headed (not where a number comes from)."""
    assert book.answer(question).card == card


def test_a_rivals_ticker_in_lower_case_is_its_name() -> None:
    """"nvda" is Nvidia, whose GPUs Luoxing's export-controls risk counts: no word the thesis
    never says."""
    answer = _with_colliding(13).answer("luoxing's nvda fleet - how old is it?")
    assert (answer.ticker, answer.point) == ("LXVD", "us-export-controls-gpus")


def test_a_product_family_named_without_its_version_finds_the_version_s_launch() -> None:
    """Luoxing's catalyst launches "Liuguang-3"; its ad point speaks of the Liuguang model.
    "The next-gen Liuguang" is the launch: the versioned name is a Liuguang too."""
    answer = _with_colliding(13).answer("when's the next-gen liuguang model drop?")
    assert (answer.ticker, answer.point) == ("LXVD", "liuguang-3-launch")


@pytest.mark.parametrize(("question", "ticker", "book", "why"), [
    ("what % of hanhai racks are liquid cooled? the denser gpu pods need it", "HHDI", (10,),
     "no everyday words"),
    # "inclusion at the next review" is the index-inclusion phrase, words between its own
    ("BYLT in msci china or hang seng tech? any inclusion at the next review", "BYLT", (10, 16),
     "has nothing on 'hang seng tech inclusion'"),
])
def test_a_subject_in_words_the_thesis_never_says_and_no_one_says_every_day_is_not_covered(
        question: str, ticker: str, book: tuple[int, ...], why: str) -> None:
    """Racks, cooling and pods; MSCI, Hang Seng and index inclusion: words of a subject, not of
    everyday talk, that the thesis never says, while the nearest point holds at most one of the
    question's words."""
    answer = _with_colliding(*book).answer(question)
    assert f"The {ticker} thesis doesn't cover" in render_text(answer, TODAY)
    assert any(why in line for line in answer.trace)


def test_everyday_words_a_thesis_never_says_are_the_asker_s_own() -> None:
    """"Slip back into losses": an everyday word and one unusual one the thesis never says are
    the asker's paraphrase of Tianlan Cloud's profits, not a subject it lacks."""
    answer = _with_colliding(6).answer("could Tianlan Cloud slip back into losses?")
    assert (answer.ticker, answer.point) in (("TLIX", "cloud-price-war"),
                                             ("TLIX", "ai-cloud-growth"))


def test_churn_is_a_measure_of_its_own_not_any_talk_of_subscribers() -> None:
    """Tsubame's thesis speaks of its software subscriptions, never of churn or retention: not
    covered. Hongyu's gives its Pro plan's monthly churn: that point answers."""
    engine = _with_colliding(3, 17)
    answer = engine.answer("what's churn like on Tsubame's kinetiq subscriptions, any net "
                           "revenue retention number?")
    assert "The TSMR thesis doesn't cover" in render_text(answer, TODAY)
    answer = engine.answer("what's monthly churn on hongyu pro?")
    assert (answer.ticker, answer.point) == ("HYSR", "ads-subscriptions-that-pay")


def test_gross_margin_is_a_measure_of_its_own_not_any_talk_of_margins() -> None:
    """Tianlan's thesis speaks of its cloud's margins, never of a gross margin: not covered.
    Kestrel's gives its gross margin: that point answers."""
    engine = _with_colliding(6)
    answer = engine.answer("Tianlan Cloud gross margin? not ebita, the GM line")
    assert "The TLIX thesis doesn't cover" in render_text(answer, TODAY)
    answer = engine.answer("what's Kestrel's GM?")
    assert (answer.ticker, answer.point) == ("KSTR", "pricing-power")


def test_depreciation_is_a_measure_of_its_own_not_any_talk_of_costs() -> None:
    """Hanhai's thesis speaks of its costs and its GPUs, never of how it depreciates them."""
    answer = _with_colliding(10).answer(
        "what depreciation life is Hanhai using on the GPUs, 5 or 6 yrs?")
    assert "The HHDI thesis doesn't cover" in render_text(answer, TODAY)


@pytest.mark.parametrize("question", [
    "dual-class? how much voting control does the founder have at XZJB",
    "has the xunzhi founder pledged shares for margin loans?",
])
def test_voting_control_and_pledges_are_no_board_that_authorised_a_buyback(question: str) -> None:
    """Xunzhi's thesis speaks of its board only as the one that authorised a buyback: who
    controls the votes, or pledges shares, is a subject it does not cover."""
    answer = _with_colliding(21).answer(question)
    assert "The XZJB thesis doesn't cover" in render_text(answer, TODAY)


@pytest.mark.parametrize(("question", "ticker", "book"), [
    ("how much stock-based comp does BYLT pay", "BYLT", (16,)),
    ("how much deferred revenue is sitting on hongyu's balance sheet from the annual pro plans",
     "HYSR", (17,)),
    ("is JHEN in southbound stock connect? how much do mainland holders own", "JHEN", (26,)),
    ("who's the CEO at jiehuan and has mgmt been buying or selling stock lately?", "JHEN",
     (26,)),
    ("what's Hanhai's MSCI ESG rating", "HHDI", (10,)),
    ("DAU/MAU on the xunzhi app - how sticky is engagement", "XZJB", (21,)),
    ("does baiyu have a cold chain / refrigerated freight business", "BYLT", (16,)),
    ("what's Kestrel's marketing spend as % of sales, is SG&A leverage coming", "KSTR", (16,)),
])
def test_a_measure_of_its_own_is_not_covered_by_its_broad_kin(question: str, ticker: str,
                                                               book: tuple[int, ...]) -> None:
    """Stock-based pay is no capital raise, deferred revenue no revenue growth, Stock Connect
    no Hong Kong listing, the chief executive no "management expects": a thesis that speaks
    only of the broad idea does not cover the measure."""
    answer = _with_colliding(*book).answer(question)
    assert f"The {ticker} thesis doesn't cover" in render_text(answer, TODAY)


@pytest.mark.parametrize("question", [
    "silly question, but how fast is alibaba cloud growing?",
    "quick question - how fast is alibaba cloud growing?",
])
def test_a_question_about_the_question_is_no_part_of_its_subject(book: Engine,
                                                                   question: str) -> None:
    """"A silly question" is the asker's modesty: no word of it is a subject the thesis lacks,
    and the cloud point is answered as surely as without it."""
    plain = book.answer("how fast is alibaba cloud growing?")
    answer = book.answer(question)
    assert (answer.point, answer.confidence) == (plain.point, plain.confidence)
    assert answer.confidence >= SURE


@pytest.mark.parametrize("question", [
    "how many yen has tsubame put into repurchasing its shares?",
    "what has tsubame paid for its buyback, in yen?",
])
def test_the_currency_a_figure_is_asked_in_is_no_subject(question: str) -> None:
    """Tsubame's thesis has a point on the yen; a buyback asked for in yen is its buyback."""
    assert _with_colliding(3).answer(question).point == "share-buyback"


def test_two_words_of_a_subject_the_thesis_has_nothing_on_are_not_covered() -> None:
    """Baiyu's thesis has a freight platform, but never hedging nor fuel: its platform point is
    not the answer to whether it hedges its fuel costs."""
    answer = _with_colliding(16).answer("does baiyu hedge its fuel costs on the freight platform?")
    assert (answer.card, answer.reason) == ("unknown", "not in thesis")
    assert set(answer.topic.split()) == {"hedge", "fuel"}


def test_the_cac_that_signs_off_models_is_the_regulator_not_a_customer_acquisition_cost(
        ) -> None:
    """"CAC sign-off" is China's internet regulator approving a model: Tianlan's regulatory
    risk, not its super-app's reach; "is CAC going up … S&M intensity" is still a cost."""
    engine = _with_colliding(6, 18)
    answer = engine.answer("what's the CAC sign-off risk for tianlan's models?")
    assert (answer.ticker, answer.card, answer.point) == ("TLIX", "risk",
                                                          "beijing-regulatory-risk")
    assert engine.answer("is CAC going up at xdta? S&M intensity looks high for a subs biz"
                         ).point == "free-ai-homework-help"


def test_of_theses_fitting_about_equally_the_one_whose_product_is_named_is_offered() -> None:
    """Qiming-3 is Xuedao's model alone: three theses speak of CAC filings about as much,
    but the question names Xuedao's product, so Xuedao's point is offered, not "which?"."""
    answer = _with_colliding(18, 29, 25, book_too=False).answer(
        "how many weeks did qiming-3 take to get through CAC filing")
    assert (answer.ticker, answer.point) == ("XDTA", "tutoring-rules-generative-ai")
    assert answer.confidence < SURE


def test_a_topic_another_thesis_words_no_differently_is_not_covered_elsewhere() -> None:
    """Kunming's thesis says "engineering" and Junlan's says "engineers": Junlan's own R&D
    point answers, rather than "Junlan's thesis doesn't cover it; Kunming's does"."""
    answer = _with_colliding(11, 19).answer("how big is the engineering org at Junlan "
                                            "Microsystems")
    assert (answer.ticker, answer.point) == ("JLMS", "heavy-r-d-behind")


def test_a_list_the_company_may_land_on_is_its_subject_not_a_request_to_list_the_book(
        ) -> None:
    """"Lands on the Entity List": Wenxin's export-controls risk, not "Wenxin's thesis doesn't
    cover it" because "list" was taken for a request to list the book."""
    answer = _with_colliding(11, 33).answer(
        "What's the scenario where Wenxin itself lands on the Entity List, and what would they "
        "lose if it did?")
    assert (answer.ticker, answer.card, answer.point) == ("WXED", "risk",
                                                          "us-export-controls-cut")


def test_a_question_about_what_is_now_is_not_answered_with_a_catalyst_to_come() -> None:
    """Xuedao's thesis has the rules under which Hubei's education department had it switch
    off essay generation (a risk) and its public-school contracts in Hubei, still to come (a
    catalyst): asked what that switch-off was, the answer is the rules, not the contracts."""
    engine = _with_colliding(18)
    answer = engine.answer("what was the Hubei switch-off at Xuedao about?")
    assert (answer.card, answer.point) == ("risk", "tutoring-rules-generative-ai")


def test_a_year_after_the_thesis_frames_a_question_about_what_is_to_come() -> None:
    """Xuedao's thesis, written in 2026, has paying subscribers (a bull point) and a 2030
    subscriber goal (a catalyst): "by 2030" asks for the goal, "today" for the subscribers."""
    engine = _with_colliding(18)
    goal = engine.answer("how many subscribers does Xuedao want by 2030?")
    assert (goal.card, goal.point) == ("catalyst", "20-million-subscribers")
    now = engine.answer("Xuedao's subscribers: how many pay today?")
    assert (now.card, now.point) == ("bull", "subscriptions-that-parents-renew")


def test_its_own_make_is_made_in_house_and_its_own_shares_are_a_buyback() -> None:
    """Baiyu's thesis has its own driving chip (a bull point) and US export controls on the
    GPUs it buys (a risk): "its own silicon" is the chip it makes, as "homegrown" would be,
    not the chips it cannot buy. "Its own shares" is still what a company buys back."""
    engine = _with_colliding(16, book_too=False)
    answer = engine.answer("does Baiyu design its own silicon for the trucks, and what does "
                           "that save?")
    assert (answer.card, answer.point) == ("bull", "driving-chip-own")
    from tests.eval.evaluate import BABA_ONLY, engine_over

    buyback = engine_over(BABA_ONLY / "baba.yaml").answer(
        "how much firepower does alibaba still have to buy its own shares")
    assert buyback.point == "share-buybacks"



@pytest.mark.parametrize(("question", "made"), [
    ("does it design its own chips?", True), ("is Baiyu's own model any good?", True),
    ("does it have a chip of its own?", True), ("can the cloud unit stand on its own?", False),
    ("is it worth buying in its own right?", False), ("let's own alibaba?", False),
    ("who are alibaba's own shareholders?", False), ("is it buying its own stock?", False)])
def test_its_own_reads_as_made_in_house_only_when_it_is(book: Engine, question: str,
                                                        made: bool) -> None:
    """"Its own chips" is a thing the company makes; "on its own" is alone, "its own
    stock" a thing it holds, "let's own" a trade (`--explain` shows the words as read)."""
    words = next(line for line in book.answer(question).trace if line.startswith("words:"))
    assert (" homegrown" in words) is made


def test_asked_whether_the_company_by_name_makes_what_its_thesis_never_says(
        book: Engine) -> None:
    """"Does Kestrel sell golf shoes?" is "does it sell golf shoes?": the thesis never says
    golf, so it says it does not cover that, rather than offering a launch of running shoes;
    "does Kestrel make running shoes?" is what its thesis is about."""
    golf = book.answer("does Kestrel sell golf shoes?")
    assert (golf.card, golf.reason, golf.topic) == ("unknown", "not in thesis", "golf")
    assert golf.alternatives[0].thesis == "KSTR"
    running = book.answer("does Kestrel make running shoes?")
    assert (running.card, running.point) == ("catalyst", "vantage-launch")
    # "how much does Norgrid make" asks what it earns, not whether it makes something
    earns = book.answer("how much does Norgrid make per MWh?")
    assert (earns.ticker, earns.reason) == ("NRGX", "")


def test_asked_whether_it_has_what_its_thesis_never_says_beside_an_overview_word(
        book: Engine) -> None:
    """"What does Harborview do" asks for the overview, but "does it have any crypto custody
    business?" asks for what its thesis never names: that is said, not the overview offered."""
    answer = book.answer("what does Harborview do, does it have any crypto custody business?")
    assert (answer.card, answer.reason, answer.topic) == ("unknown", "not in thesis",
                                                          "crypto custody")


def test_a_framing_word_is_no_subject_the_thesis_lacks(book: Engine) -> None:
    """Norgrid's thesis says its three largest customers account for 61% of backlog, never
    "reliant" or "buyers": "reliant" frames the question as a risk, and "a handful of big
    buyers" is customer concentration, which that point is about. Its risk, not "not
    covered"."""
    answer = book.answer("is Norgrid too reliant on a handful of big buyers?")
    assert (answer.card, answer.point) == ("risk", "customer-concentration")


def test_office_small_talk_of_words_theses_use_apart_is_still_small_talk() -> None:
    """A games thesis speaks of play on public holidays, a fintech one of related parties:
    neither says "holiday party", so asking when it starts is office chat."""
    answer = _with_colliding(12, 14, book_too=False).answer("is the holiday party still on for "
                                                           "friday?")
    assert (answer.card, answer.reason) == ("unknown", "off topic")
