"""Words of one family: an asker's "regulates" or "profitable" reaches the thesis that says
"regulatory" or "profit"."""

from __future__ import annotations

import pytest

from bot.engine.clean import stem
from bot.engine.family import Related, root
from bot.engine.matcher import Engine


@pytest.mark.parametrize("family", [
    ["compete", "competition", "competitor", "competitive"],
    ["regulate", "regulation", "regulator", "regulatory"],
    ["profit", "profitable", "profitability"],
    ["monetize", "monetization", "monetise"],
])
def test_the_forms_of_a_word_share_a_root(family: list[str]) -> None:
    assert len({root(stem(word)) for word in family}) == 1


@pytest.mark.parametrize(("one", "other"), [("credit", "cred"), ("valuation", "value"),
                                            ("capital", "capacity")])
def test_short_or_unrelated_words_are_not_one_family(one: str, other: str) -> None:
    assert root(stem(one)) != root(stem(other))


def test_a_word_reaches_the_books_words_of_its_family_after_its_synonyms() -> None:
    related = Related({"profit": ("earning",)}, ["profitabl", "profit", "earning", "credit"])
    assert related["profit"] == ("earning", "profitabl")
    assert related["profitability"] == ("profit", "profitabl")
    assert "credit" not in related


def test_an_asker_s_form_of_the_thesis_s_word_finds_its_point(book_engine: Engine) -> None:
    """Harborview's thesis speaks of regulatory easing; "who regulates" is that subject, not
    one the thesis lacks."""
    answer = book_engine.answer("who regulates harborview?")
    assert (answer.ticker, answer.point) == ("HBNK", "regulatory-easing")
