"""Everyday English words, so the speller leaves them alone: "status" is not a typo of "stats",
nor "relative" of "negatives", nor "send" of "spend".

The word list is pyspellchecker's English frequency dictionary; only words common enough to be
real words (not the typos and fragments it also counts) are kept. Loaded when an engine is
built, never on the cached `thesis ask` path.
"""

from __future__ import annotations

from functools import cache

MIN_COUNT = 1000  # about the 20,000 most frequent words; "riks", "alibba", "bul" fall below
FREQUENT_COUNT = 200_000  # the few hundred most frequent


@cache
def _word_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Every word of the dictionary, the common ones and the most frequent, from one read."""
    from spellchecker import SpellChecker

    counts = SpellChecker(language="en").word_frequency.dictionary
    every = frozenset(word for word in counts if word.isalpha())
    return (every, frozenset(w for w in every if counts[w] >= MIN_COUNT),
            frozenset(w for w in every if counts[w] >= FREQUENT_COUNT))


def release() -> None:
    """Drop the word lists (about 11 MB): an engine needs them while it is built, not while it
    answers, and a process holding a large book between reloads should not keep them."""
    _word_lists.cache_clear()


def dictionary_words() -> frozenset[str]:
    """Every English word the dictionary has, rare ones too ("buyback", "valuation"): a word
    outside it is a coined name ("orforglipron") or a typo."""
    return _word_lists()[0]


def english_words() -> frozenset[str]:
    return _word_lists()[1]


def frequent_words() -> frozenset[str]:
    """The few hundred most frequent English words (the, what, tell, big, case): words that
    carry no topic, unlike ordinary but telling ones (market, share, revenue, price)."""
    return _word_lists()[2]
