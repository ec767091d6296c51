"""Everyday English words, so the speller leaves them alone: "status" is not a typo of "stats",
nor "relative" of "negatives", nor "send" of "spend".

The word list is pyspellchecker's English frequency dictionary; only words common enough to be
real words (not the typos and fragments it also counts) are kept. Loaded when an engine is
built, never on the cached `thesis ask` path.
"""

from __future__ import annotations

from functools import cache

MIN_COUNT = 1000  # about the 20,000 most frequent words; "riks", "alibba", "bul" fall below


@cache
def english_words(min_count: int = MIN_COUNT) -> frozenset[str]:
    from spellchecker import SpellChecker

    counts = SpellChecker(language="en").word_frequency.dictionary
    return frozenset(word for word, count in counts.items()
                     if count >= min_count and word.isalpha())


@cache
def frequent_words(min_count: int = 200_000) -> frozenset[str]:
    """The few hundred most frequent English words (the, what, tell, big, case): words that
    carry no topic, unlike ordinary but telling ones (market, share, revenue, price)."""
    return english_words(min_count)
