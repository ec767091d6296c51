"""What an analyst gets back for the questions they actually type."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.answer import CARDS
from bot.engine.matcher import Engine
from bot.render.messages import alternative_label
from bot.render.text import render_text
from tests.conftest import INTENTS


@pytest.mark.parametrize(
    ("question", "card", "point"),
    [
        ("<@U024BE7LH> what are *BABA*'s risks? :thinking_face:", "risk", None),
        ("&gt; quoted: <https://example.com/x|bull case> for `9988.HK`", "bull", None),
        ("<!channel> $BABA catalysts please", "catalyst", None),
        ("_whats babas riks_", "risk", None),
        ("catalsyts", "catalyst", None),
        ("bul case for alibba", "bull", None),
        ("阿里巴巴 risks", "risk", None),
        ("how much buyback authorization is left?", "catalyst", "share-buybacks"),
        ("huawei cloud share", "risk", "competition"),
        ("P/E vs amazon", "bull", "valuation-gap"),
        ("list alibaba's catalysts", "catalyst", None),
        ("list the key risks on alibaba", "risk", None),
        ("NYSE BABA risks", "risk", None),
        ("when is alibaba's chip program supposed to scale up?", "catalyst", "custom-chips"),
    ],
)
def test_slack_text_typos_and_aliases_reach_the_right_card(
    engine: Engine, question: str, card: str, point: str | None
) -> None:
    answer = engine.answer(question)
    assert (answer.card, answer.point) == (card, point)
    assert answer.ticker == "BABA"


def test_figure_question_highlights_the_figure_with_source_and_date(engine: Engine) -> None:
    answer = engine.answer("what's huawei cloud's market share?")
    assert answer.figure == "huawei-cloud-share"
    lines = render_text(answer).splitlines()
    # the card leads with it, under the title: value, the text's sentence, source and date
    assert lines[2] == "» 13.1%: Huawei Cloud, share of China's AI cloud market"
    assert "Huawei Cloud captures" in lines[3]
    assert "Source: Thesis document, as of 27 Nov 2025" in [line.strip() for line in lines[3:6]]
    assert "▸ 13.1%" not in "\n".join(lines)  # not repeated among the point's figures


def test_a_corrected_question_says_how_it_was_read_under_the_title(engine: Engine) -> None:
    lines = render_text(engine.answer("alibbaba catalysst")).splitlines()
    assert lines[0] == "BABA · Catalysts"
    assert lines[2] == "Read as: alibaba catalyst"
    assert "Read as" not in render_text(engine.answer("alibaba catalysts"))


@pytest.mark.parametrize("question", ["what's the weather", "tell me a joke",
                                      "write me a haiku about cats"])
def test_out_of_scope_is_unknown_not_a_made_up_card(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.card == "unknown" and answer.thesis is None
    assert "I only know the team's investment theses" in render_text(answer)


@pytest.mark.parametrize(("question", "name"), [("TSLA bull case", "TSLA"),
                                                ("what are tesla's risks?", "tesla"),
                                                ("$NVDA catalysts", "NVDA")])
def test_company_without_thesis_is_named_and_covered_theses_listed(
    engine: Engine, question: str, name: str
) -> None:
    answer = engine.answer(question)
    assert answer.card == "unknown"
    assert render_text(answer).startswith(
        f"I don't have a thesis on {name}. Theses I cover: BABA."
    )


@pytest.mark.parametrize("question", ["", "   ", "hi", "thanks!", ":wave:", "<@U0BOT>", "help"])
def test_greetings_and_empty_input_get_help(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.card == "help"
    assert "what are BABA's risks?" in render_text(answer)


def test_with_several_theses_a_question_naming_none_asks_which(two_theses: Path) -> None:
    engine = Engine.from_dirs(two_theses, INTENTS)
    assert not engine.problems
    which = engine.answer("what are the risks?")
    assert which.card == "unknown" and which.thesis is None
    assert [alternative_label(a) for a in which.alternatives] == ["BABA · Key risks",
                                                                  "TCEHY · Key risks"]
    assert render_text(which).startswith("Which company do you mean? I cover: BABA, TCEHY.")
    assert engine.answer("tencent bear case").ticker == "TCEHY"
    assert engine.answer("BABA bear case").ticker == "BABA"


def test_every_card_of_every_point_renders_every_figure_with_source_and_date(
    engine: Engine,
) -> None:
    thesis = engine.theses["BABA"]
    for section, point in thesis.points():
        card = {"bull": "bull", "bear": "risk", "catalysts": "catalyst"}[section]
        text = render_text(engine.answer_for("BABA", card, point.id))  # type: ignore[arg-type]
        assert point.detail.split()[0] in text
        for figure_id in point.figures:
            figure = thesis.figure(figure_id)
            assert figure is not None and figure.subject in text
        # every figure's source and date: said once when its figures share them
        named = text.count("as of 27 Nov 2025")
        assert (named >= 1) == bool(point.figures) and named <= len(point.figures)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_card_and_never_raises(engine: Engine, text: str) -> None:
    answer = engine.answer(text)
    assert answer.card in CARDS
    assert 0.0 <= answer.confidence <= 1.0
    assert render_text(answer)


def _ask(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bot.cli.main", "ask", *args], input=stdin,
                          capture_output=True, timeout=60)


@pytest.mark.slow
def test_ask_json_contract() -> None:
    result = _ask("--json", "what are BABA's risks?")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert set(data) == {"question", "thesis", "card", "point", "confidence", "alternatives",
                         "theses", "text"}
    assert (data["thesis"], data["card"], data["point"]) == ("BABA", "risk", None)
    assert data["text"].startswith("BABA · Key risks")


@pytest.mark.slow
def test_ask_stdin_answers_each_line_in_order_from_one_process() -> None:
    questions = ["bull", "TSLA bull case", "", "how much buyback is left?", "hello"]
    result = _ask("--json", "-", stdin="\n".join(questions).encode())
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [line["question"] for line in lines] == questions
    assert [line["card"] for line in lines] == ["bull", "unknown", "help", "catalyst", "help"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "junk",
    [b"a" * 100_000, bytes(range(256)) * 50, "🚀📈🔥".encode() * 1000,
     b"<@U123> <@U456>", b"risks " * 20_000],
)
def test_bad_input_answers_quickly_with_exit_0(junk: bytes) -> None:
    result = _ask("--json", "-", stdin=junk)
    assert result.returncode == 0, result.stderr
    for line in result.stdout.decode().splitlines():
        assert json.loads(line)["card"] in CARDS


def test_a_question_about_the_company_the_thesis_does_not_cover_says_so(engine: Engine) -> None:
    answer = engine.answer("who's running alibaba as CEO now?")
    assert answer.card == "unknown"
    text = render_text(answer)
    assert text.startswith("The BABA thesis doesn't cover CEO.")
    assert "BABA · Overview | BABA · Bull case | BABA · Key risks | BABA · Catalysts" in text


@pytest.mark.parametrize(("question", "card"), [(":bear: case?? alibaba", "bear"),
                                                ("🐂 case for baba", "bull"),
                                                ("thanks, super useful", "help"),
                                                ("good morning", "help"),
                                                # a time of day, not a greeting
                                                ("where's USDCNH this morning", "unknown"),
                                                ("can you give me the long case for tencent",
                                                 "unknown")])
def test_desk_shorthand_is_understood(engine: Engine, question: str, card: str) -> None:
    assert engine.answer(question).card == card


@pytest.mark.parametrize(("question", "point"), [
    ("alibaba in-house semis progress?", "custom-chips"),
    ("alibaba's in-house accelerators?", "custom-chips"),  # its own design, not a sourcing
    ("is alibaba designing its own ai processors now?", "custom-chips"),  # processors: chips
    ("baba devs", "qwen-ecosystem"),
    ("how many hrs a day do alibaba's devs spend on qwen?", "qwen-ecosystem"),  # not "her"
    ("remind me what alibaba actually does, one para", None),  # the overview, not declined
])
def test_desk_abbreviations_reach_the_point_their_words_name(engine: Engine, question: str,
                                                            point: str) -> None:
    """"semis" are semiconductors and "devs" developers: words the thesis says in full, read
    as such, never "corrected" ("hrs" is no "her")."""
    answer = engine.answer(question)
    assert answer.card != "unknown" and answer.point == point and not answer.read_as


@pytest.mark.parametrize("question", ["why does Qwen matter to the Alibaba story?",
                                      "why does qwen matter for alibaba"])
def test_a_framing_word_leans_to_its_section_beside_an_overview_word(engine: Engine,
                                                                    question: str) -> None:
    """"Story" asks for the overview, but the question names a point's topic: "why" leans it
    to the bull point (Qwen's ecosystem), as it does with no overview word, not to the
    catalyst of its monetization."""
    answer = engine.answer(question)
    assert (answer.card, answer.point) == ("bull", "qwen-ecosystem")


def test_a_capitalised_possessive_is_a_name_never_corrected_into_a_word(engine: Engine) -> None:
    """"Walmart's" is a company the book does not cover, not a typo of a word the thesis says;
    a typo of a name the book knows ("Alibba's") is still read as that name."""
    for question in ("is Walmart's grocery push priced in?", "Walmart's grocery push, priced in?"):
        answer = engine.answer(question)
        assert (answer.card, answer.thesis, answer.unknown_subject) == \
            ("unknown", None, "Walmart")
    assert engine.answer("how's Alibba's cloud doing?").ticker == "BABA"


def test_a_point_whose_terms_hold_the_question_is_no_decline_for_one_word_it_lacks(
        engine: Engine) -> None:
    """"In-house silicon" is among the custom-chips point's terms, though not in its prose:
    the thesis never says "ramp", but a point holding two of the question's words is its
    subject, answered, not "the thesis doesn't cover ramp"."""
    answer = engine.answer("alibaba in-house silicon, when does it ramp?")
    assert (answer.card, answer.point) == ("catalyst", "custom-chips")


@pytest.mark.parametrize(("question", "card"), [
    ("any upcoming events that could move alibaba shares?", "catalyst"),  # "shares": the stock
    ("the case against owning alibaba, quickly", "bear"),
])
def test_a_section_asked_with_no_subject_beside_it_is_the_whole_card(engine: Engine, question: str,
                                                                     card: str) -> None:
    """No word of the question names a topic: the ordinary words left ("shares", "owning")
    reaching one point do not make it the answer."""
    answer = engine.answer(question)
    assert (answer.card, answer.point) == (card, None)


@pytest.mark.parametrize(("question", "sure"), [
    ("alibaba catalysts?", True),
    ("give me the bull case on alibaba in a few bullets", True),
    ("the ageing demographic catalyst for alibaba?", False),  # a subject no point has
])
def test_a_whole_card_asked_about_a_subject_is_offered_not_asserted(
        engine: Engine, question: str, sure: bool) -> None:
    from bot.engine.thresholds import SURE

    answer = engine.answer(question)
    assert answer.point is None and (answer.confidence >= SURE) == sure


@pytest.mark.parametrize(("question", "sure"), [
    ("how big is alibaba's buyback?", True),
    ("how big is alibaba's buyback for the ski season in the snow?", False),
])
def test_a_point_asked_with_words_the_thesis_never_says_is_offered_not_asserted(
        engine: Engine, question: str, sure: bool) -> None:
    from bot.engine.thresholds import SURE

    answer = engine.answer(question)
    assert answer.point == "share-buybacks" and (answer.confidence >= SURE) == sure


@pytest.mark.parametrize("question", ["how do I adopt a rescue dog", "is the bull market over?",
                                      "which GPU should I buy for gaming",
                                      "who's winning the office fantasy football competition"])
def test_a_thesis_word_in_another_sense_is_not_a_card(engine: Engine, question: str) -> None:
    assert engine.answer(question).card == "unknown"


@pytest.mark.parametrize(("question", "point"), [
    ("tencent cloud's slice of the AI cloud pie?", "competition"),
    ("are they building their own chips?", "custom-chips"),
])
def test_a_thesis_name_or_phrase_keeps_an_odd_question_in_scope(
    engine: Engine, question: str, point: str
) -> None:
    assert engine.answer(question).point == point


@pytest.mark.parametrize(("question", "card", "point"), [
    ("阿里云的风险是什么", "risk", None),
    ("<@U0BOT> need the bull case asap for IC", "bull", None),
    ("10m downloads in week one — source?", "bull", "qwen-ecosystem"),
    ("what are the sources behind every number?", "figures", None),
    ("huawei thesis pls", "unknown", None),
])
def test_team_slack_traffic(engine: Engine, question: str, card: str, point: str | None) -> None:
    answer = engine.answer(question)
    assert (answer.card, answer.point) == (card, point)


def test_words_joined_by_a_slash_are_read_apart(engine: Engine) -> None:
    """"founder/CEO" is two words the thesis lacks, not one unknown token."""
    answer = engine.answer("who is alibaba's founder/CEO these days?")
    assert answer.card == "unknown" and "ceo" in "\n".join(answer.trace)


@pytest.mark.parametrize(("question", "ticker"), [
    ("hengyoa risks", "HYCG"),  # one letter swapped: still Hengyao
    ("hongbao risks", None),  # two letters of seven off: another word, so "which thesis?"
])
def test_a_name_typed_with_a_typo_names_its_thesis_but_another_word_does_not(
        tmp_path: Path, question: str, ticker: str | None) -> None:
    import shutil

    from tests.eval.evaluate import BOOK, EVAL

    for path in [EVAL / "collide8" / "theses" / "hycg.yaml", *BOOK.glob("*.yaml")]:
        shutil.copy(path, tmp_path)
    assert Engine.from_dirs(tmp_path, INTENTS).answer(question).ticker == ticker


def test_another_company_is_not_read_as_a_typo_of_a_business_name(knowledge_copy: Path) -> None:
    """A business of the thesis (Miaojie) two letters from a company it does not name
    (Xiaomi): a question about Xiaomi's catalysts is not answered with Alibaba's, while a typo
    of one letter in a name still reads as the name."""
    path = knowledge_copy / "baba.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "businesses: [", "businesses: [Miaojie, ", 1), encoding="utf-8")
    engine = Engine.from_dirs(knowledge_copy, INTENTS)
    assert engine.answer("xiaomi catalysts for next year").ticker is None
    assert engine.answer("what about miaojei?").reason == "not in thesis"
    assert engine.answer("alibba risks").card == "risk"


@pytest.mark.parametrize("question", ["how much stock comp does alibaba pay?",
                                      "alibaba exec comp?"])
def test_comp_after_stock_or_exec_is_pay_not_competition(engine: Engine, question: str) -> None:
    """"comp" alone is desk shorthand for competition; after "stock" or "exec" it is pay,
    which the thesis does not cover."""
    answer = engine.answer(question)
    assert (answer.card, answer.reason, answer.topic) == ("unknown", "not in thesis", "comp")
    assert engine.answer("is comp heating up for alibaba?").point == "competition"


@pytest.mark.parametrize(("question", "sure"), [
    ("what's the long-term catalyst for BABA?", True),
    ("BABA's longer-dated trigger?", True),
    ("the long-horizon catalyst at alibaba", True),
    ("longer-dated demographic catalyst for alibaba?", False),  # a subject beside: offered
])
def test_a_horizon_with_one_catalyst_is_that_catalyst(engine: Engine, question: str,
                                                      sure: bool) -> None:
    """Alibaba's thesis has one long-term catalyst: asked for "the long-term catalyst", that is
    the answer, not the whole catalysts card."""
    from bot.engine.thresholds import SURE

    answer = engine.answer(question)
    assert (answer.card, answer.point) == ("catalyst", "china-ai-adoption")
    assert (answer.confidence >= SURE) == sure


@pytest.mark.parametrize(("question", "horizon"), [
    ("what are the near and longer term catalysts for alibaba?", None),
    ("BABA's long-term catalysts", "long"),  # the list, though it holds one
    ("alibaba cataylsts near term", "near"),  # the list, however typed
    ("how long until the date of the next alibaba catalyst?", None),  # no horizon named
])
def test_two_horizons_or_a_list_asked_are_the_whole_catalysts_card(
        engine: Engine, question: str, horizon: str | None) -> None:
    answer = engine.answer(question)
    assert (answer.card, answer.point, answer.horizon) == ("catalyst", None, horizon)


def test_the_reasons_we_are_long_are_the_bull_case(engine: Engine) -> None:
    answer = engine.answer(
        "What are the main reasons we are long Alibaba? A short list would be ideal.")
    assert (answer.card, answer.point) == ("bull", None)


def test_the_next_12_24m_are_months_not_a_figure_quoted() -> None:
    """"Catalysts over the next 12-24m" asks about months: no figure of $12-24 million is
    quoted (a thesis citing one would take the question)."""
    from bot.engine.reading import read_numbers

    assert read_numbers("JHEN catalysts next 12-24m?") == []
    assert 24e6 in read_numbers("JHEN revenue of 24m?")
