"""Everyday English words, so the speller leaves them alone: "status" is not a typo of "stats",
nor "relative" of "negatives", nor "send" of "spend".

The word list is pyspellchecker's English frequency dictionary; only words common enough to be
real words (not the typos and fragments it also counts) are kept. Loaded when an engine is
built, never on the cached `thesis ask` path.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Container, Iterable
from functools import cache
from itertools import accumulate

MIN_COUNT = 1000  # about the 20,000 most frequent words; "riks", "alibba", "bul" fall below
FAMILIAR_COUNT = 10_000  # about the 5,000 most frequent: "slip", "land", not "covenants"
FREQUENT_COUNT = 200_000  # the few hundred most frequent


class SortedWords(Container[str]):
    """A large word list held as one string of sorted words joined by newlines, and where
    each starts, found by bisection: a fifth of a tuple's memory, for the 128,000 words a
    process building a book keeps between reloads."""

    def __init__(self, words: Iterable[str]) -> None:
        ordered = sorted(words)
        self._text = "".join(word + "\n" for word in ordered)
        self._starts = array("I", accumulate((len(w) + 1 for w in ordered), initial=0))[:-1]

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, k: int) -> str:
        start = self._starts[k]
        return self._text[start:self._text.index("\n", start)]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        i = bisect_left(self, word)
        return i < len(self) and self[i] == word


@cache
def _word_lists() -> tuple[SortedWords, frozenset[str], frozenset[str], frozenset[str]]:
    """Every word of the dictionary, the common ones, the most frequent and the familiar, from
    one read."""
    from spellchecker import SpellChecker

    counts = SpellChecker(language="en").word_frequency.dictionary
    every = [word for word in counts if word.isalpha()]
    return (SortedWords(every), frozenset(w for w in every if counts[w] >= MIN_COUNT),
            frozenset(w for w in every if counts[w] >= FREQUENT_COUNT),
            frozenset(w for w in every if counts[w] >= FAMILIAR_COUNT))


def dictionary_words() -> SortedWords:
    """Every English word the dictionary has, rare ones too ("buyback", "valuation"): a word
    outside it is a coined name ("orforglipron") or a typo."""
    return _word_lists()[0]


def english_words() -> frozenset[str]:
    return _word_lists()[1]


def frequent_words() -> frozenset[str]:
    """The few hundred most frequent English words (the, what, tell, big, case): words that
    carry no topic, unlike ordinary but telling ones (market, share, revenue, price)."""
    return _word_lists()[2]


def familiar_words() -> frozenset[str]:
    """The words everyone uses often ("slip", "kicked", "meeting"): a word outside them that a
    thesis never says ("covenants", "esports", "lidar") names a subject, not a paraphrase."""
    return _word_lists()[3]
