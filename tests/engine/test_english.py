"""The dictionary the speller and the name finder consult holds exactly its words: a word it
lacks would be "corrected" into another, a word it wrongly held would never name a thesis."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.engine.english import SortedWords, dictionary_words

words = st.text(st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), max_size=6)


@given(st.lists(words), st.lists(words))
def test_a_word_list_holds_exactly_its_words(held: list[str], asked: list[str]) -> None:
    found = SortedWords(held)
    assert len(found) == len(held)
    for word in held + asked:
        assert (word in found) == (word in held)


def test_the_english_dictionary_knows_words_and_not_coined_names() -> None:
    english = dictionary_words()
    assert all(word in english for word in ("buyback", "valuation", "status"))
    assert "orforglipron" not in english and "alibba" not in english
