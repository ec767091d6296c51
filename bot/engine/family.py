"""Words of one family: "competitive", "competitor" and "competition" are one idea to an asker,
three stems to the light stemmer (`clean.stem`, which leaves derivations apart on purpose, so
that a word's own postings stay exact). A question's word reaches the book's words of its
family as it reaches a synonym."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

# Derivational endings as they stand after `clean.stem` ("monetization" is "monetizat",
# "competitive" "competitiv"), longest first.
_ENDINGS = sorted(("ability", "ibility", "ization", "isation", "izat", "isat", "ativ", "itiv",
                   "ator", "itor", "atory", "itory", "ity", "abl", "ibl", "iz", "is", "at", "iv",
                   "or", "ory", "al", "it", "ic"), key=len, reverse=True)
# What an ending leaves must be this long to be a root: "profit" of "profitable", not "cred" of
# "credit" or "valu" of "valuation".
_ROOT = 5


@lru_cache(maxsize=65536)
def root(stem: str) -> str:
    """The stem without up to two derivational endings: "competitiv" and "competit" are
    "compet", "regulatory" and "regulat" "regul"."""
    if not stem.isalpha():
        return stem
    for _ in range(2):
        ending = next((e for e in _ENDINGS if stem.endswith(e) and len(stem) - len(e) >= _ROOT),
                      None)
        if ending is None:
            break
        stem = stem[: -len(ending)]
    return stem


class Related(Mapping[str, tuple[str, ...]]):
    """Each word's synonyms, then the words of its family that the book uses. A family is
    looked up by the asked word's root, so iterating lists the synonyms' words only."""

    def __init__(self, synonyms: Mapping[str, tuple[str, ...]], book_words: Iterable[str]):
        self._synonyms = synonyms
        families: dict[str, set[str]] = defaultdict(set)
        for word in book_words:
            families[root(word)].add(word)
        self._families = {r: tuple(sorted(words)) for r, words in families.items()
                          if words != {r}}  # a lone word that is its own root has no kin

    def __getitem__(self, word: str) -> tuple[str, ...]:
        synonyms = self._synonyms.get(word, ())
        kin = tuple(w for w in self._families.get(root(word), ())
                    if w != word and w not in synonyms)
        if not synonyms and not kin:
            raise KeyError(word)
        return (*synonyms, *kin)

    def __iter__(self) -> Iterator[str]:
        return iter(self._synonyms)

    def __len__(self) -> int:
        return len(self._synonyms)
