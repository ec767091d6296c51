"""Term tables built once at load time, and the two ways of finding terms in a question."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.engine.clean import Token, normalise, stem, tokenize

Key = tuple[str, ...]


def term_key(text: str) -> Key:
    """A phrase as the matcher sees it: its stemmed tokens."""
    return tuple(t.stem for t in tokenize(normalise(text)))


def length_weight(key: Key) -> float:
    """Longer phrases are stronger evidence than single words."""
    return 1.0 + 0.5 * (len(key) - 1)


def max_edits(word: str) -> int:
    if len(word) < 3:
        return 0
    return 1 if len(word) <= 5 else 2


@dataclass
class Speller:
    """Corrects typos towards the words the bot knows ("riks" -> "risks", "alibba" -> "alibaba")."""

    known: set[str] = field(default_factory=set)
    _choices: list[str] = field(default_factory=list)

    def add(self, words: Iterable[str]) -> None:
        for word in words:
            if word not in self.known:
                self.known.add(word)
                self._choices.append(word)

    def correct(self, token: Token) -> tuple[str, float] | None:
        """(stem, quality) for a known or correctable token, None for an unknown word."""
        if token.text in self.known or token.stem in self.known:
            return token.stem, 1.0
        if not token.text.isalpha() or max_edits(token.text) == 0:
            return None
        limit = max_edits(token.text)
        found = process.extractOne(
            token.text, self._choices, scorer=OSA.distance, score_cutoff=limit
        )
        if found is None:
            return None
        word, distance, _ = found
        return stem(word), 1.0 - distance / max(len(word), len(token.text))


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    value: object
    quality: float


def find_phrases(stems: Sequence[str], quality: Sequence[float], table: dict[Key, object],
                 longest: int) -> list[Hit]:
    """Contiguous phrases, longest first, never overlapping (for order-sensitive intent terms)."""
    hits: list[Hit] = []
    i = 0
    while i < len(stems):
        for n in range(min(longest, len(stems) - i), 0, -1):
            value = table.get(tuple(stems[i : i + n]))
            if value is not None:
                hits.append(Hit(i, i + n, value, min(quality[i : i + n])))
                i += n
                break
        else:
            i += 1
    return hits


class BagIndex:
    """Terms matched as bags of words: "buyback authorization left" finds "authorization left"
    and "buyback"; a term's weight falls with the number of targets sharing it."""

    def __init__(self) -> None:
        self._targets: dict[Key, set[str]] = defaultdict(set)
        self._by_word: dict[str, list[Key]] = defaultdict(list)

    def add(self, key: Key, target: str) -> None:
        if not key:
            return
        if key not in self._targets:
            self._by_word[key[0]].append(key)
        self._targets[key].add(target)

    def words(self) -> set[str]:
        return {word for key in self._targets for word in key}

    def score(self, stems: Sequence[str], quality: dict[str, float]) -> dict[str, float]:
        """target -> its best term's weight, plus a little for each further term."""
        present = set(stems)
        best: dict[str, float] = {}
        extra: dict[str, float] = defaultdict(float)
        for word in present:
            for key in self._by_word.get(word, ()):
                if not all(w in present for w in key):
                    continue
                targets = self._targets[key]
                weight = length_weight(key) / len(targets) * min(quality[w] for w in key)
                for target in targets:
                    if weight > best.get(target, 0.0):
                        extra[target] += 0.1 * best.get(target, 0.0)
                        best[target] = weight
                    else:
                        extra[target] += 0.1 * weight
        return {target: best[target] + extra[target] for target in best}
