"""Term tables built once at load time, and the ways of finding terms in a question."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from os.path import commonprefix
from typing import Any, Generic, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.engine import thresholds as th
from bot.engine.clean import Token, stem, words
from bot.engine.in_house import IN_HOUSE, is_in_house

Key = tuple[str, ...]
MAX_GAP = 2  # words allowed between the words of a phrase: "why should I own" ~ "why own"


def term_key(text: str) -> Key:
    """A phrase as the matcher sees it: its stemmed words ("its own" made in-house, as a
    question reads it)."""
    written = words(text)
    return tuple(stem(IN_HOUSE if is_in_house(written, i, phrase=True) else w)
                 for i, w in enumerate(written))


def term_words(text: str) -> set[str]:
    """Surface forms and stems of a phrase's words: what the speller may correct towards."""
    return {form for w in words(text) for form in (w, stem(w))}


def length_weight(key: Key) -> float:
    """Longer phrases are stronger evidence than single words."""
    return 1.0 + th.PHRASE_WORD * (len(key) - 1)


def _max_edits(word: str) -> int:
    if len(word) < 3:
        return 0
    return 1 if len(word) < 6 else 2


_ENDINGS = ("ing", "ed", "d", "es", "s", "ly", "er")


def _bases(word: str) -> list[str]:
    """Plausible dictionary forms of an inflected word: needed -> need, appreciated ->
    appreciate. Used only to recognise ordinary words, never to match terms."""
    bases = []
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[: -len(ending)]
            bases += [base, base + "e"]
            if len(base) > 3 and base[-1] == base[-2]:
                bases.append(base[:-1])
    return bases


def _quality(typo: str, word: str, distance: int) -> float:
    """How near a typo is to the word it is read as: 1.0 for the word itself."""
    return 1.0 - distance / max(len(word), len(typo))


def _plausible(typo: str, word: str) -> bool:
    """Short words only take a swap or a missing letter ("riks", "bul"), never a different
    letter: "fast" is not a typo of "fact", nor "nio" of "no"."""
    if len(typo) > 4:
        return True
    if sorted(typo) == sorted(word):
        return True
    if len(word) == len(typo) + 1:
        it = iter(word)
        return all(ch in it for ch in typo)
    return False


@dataclass
class Speller:
    """Corrects typos towards the words the bot knows ("riks" -> "risks", "alibba" -> "alibaba")."""

    known: set[str] = field(default_factory=set)
    english: frozenset[str] = frozenset()  # real words: never "corrected" into ours
    _choices: list[str] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)  # words the bot knows only as names
    _proper: dict[str, None] = field(default_factory=dict)  # words of names, in a fixed order

    def add(self, words: Iterable[str], names: bool = False) -> None:
        """Learn words, in a fixed order whatever the caller's (often a set): a typo equally
        near two words is corrected the same way on every run. A word learnt only as part of
        a name takes nearer typos than other words (`th.NAME_TYPO`): another company's name
        is rarely a misspelling of ours ("xiaomi" is not "miaojie")."""
        for word in sorted(words):
            if names:
                self._proper[word] = None
            if names and word not in self.known:
                self._names.add(word)
            elif not names:
                self._names.discard(word)
            if word not in self.known:
                self.known.add(word)
                self._choices.append(word)

    def known_stem(self, token: Token) -> str | None:
        """The stem of a word we know, directly or through its dictionary form."""
        if token.text in self.known or token.stem in self.known:
            return token.stem
        return next((stem(base) for base in _bases(token.text) if base in self.known), None)

    def correct(self, token: Token) -> tuple[str, float, str] | None:
        """(stem, quality, the word read) for a known or correctable token, None for an
        unknown word.

        A word typed in capitals (NIO, TSLA) is a ticker, never a typo."""
        known = self.known_stem(token)
        if known is not None:
            return known, 1.0, token.text
        word = token.text
        limit = _max_edits(word)
        if not word.isalpha() or limit == 0 or (token.original.isupper() and len(word) <= 5):
            return None
        if word in self.english or any(base in self.english for base in _bases(word)):
            return None  # "trending" is "trend" + ing, not a typo of "spending"
        # A capitalised possessive is somebody's name: "Costco's" is no typo of "cost"
        named = token.possessive and token.original[:1].isupper()
        found = [(choice, distance) for choice, distance, _ in process.extract(
            word, list(self._proper) if named else self._choices, scorer=OSA.distance,
            score_cutoff=limit, limit=5)
            if _plausible(word, choice) and (choice not in self._names
                                             or _quality(word, choice, distance) >= th.NAME_TYPO)]
        if not found:
            return None
        # Equally near: the one typed from the same first letters ("tarrifs" is "tariffs",
        # not "carries"); a typo rarely falls on the first letter.
        choice, distance = min(found, key=lambda cd: (cd[1], -len(commonprefix([word, cd[0]]))))
        return stem(choice), _quality(word, choice, distance), choice

    def split(self, token: Token) -> list[str] | None:
        """A run-together pair of known words ("bullcase" -> bull case), or None."""
        word = token.text
        if not word.isalpha() or len(word) < 8 or word in self.english:
            return None  # "password" is a word, not "pass word"
        for cut in range(4, len(word) - 3):
            left, right = word[:cut], word[cut:]
            if left in self.known and right in self.known:
                return [stem(left), stem(right)]
        return None


V = TypeVar("V")  # what a phrase stands for: an intent and its strength, a ticker, a term


@dataclass(frozen=True, slots=True)
class Hit(Generic[V]):
    positions: tuple[int, ...]
    value: V
    quality: float
    gapped: bool = False

    @property
    def size(self) -> int:
        return len(self.positions)


H = TypeVar("H", bound=Hit[Any])
T = TypeVar("T", bound=Hashable)  # what a bag of terms points to: a point, a figure


class PhraseTable(Generic[V]):
    """Order-sensitive phrases (intent terms), found contiguously or with small gaps."""

    def __init__(self, gap: int = MAX_GAP) -> None:
        self._gap = gap  # words allowed between a phrase's own, where it allows any
        self._values: dict[Key, V] = {}
        # first word -> (phrase, its second word or ""): most are skipped on the second word
        self._by_first: dict[str, list[tuple[Key, str]]] = defaultdict(list)
        self._rigid: set[Key] = set()
        self.written: dict[str, set[str]] = {}  # a one-word phrase's written forms, where kept

    def add(self, key: Key, value: V, gaps: bool = True) -> None:
        """`gaps=False`: the words must be adjacent ("what name" must not match "what's a
        good name")."""
        if key and key not in self._values:
            self._values[key] = value
            self._by_first[key[0]].append((key, key[1] if len(key) > 1 else ""))
            if not gaps:
                self._rigid.add(key)

    def __contains__(self, key: Key) -> bool:
        return key in self._values

    def hits(self, stems: Sequence[str], quality: Sequence[float]) -> list[Hit[V]]:
        """Every occurrence of every phrase, longest first; overlaps are resolved by the caller."""
        found: list[Hit[V]] = []
        present = {"", *stems}
        for i, word in enumerate(stems):
            for key, second in self._by_first.get(word, ()):
                if second not in present:
                    continue  # most phrases that start with "what" or "the" are not here
                positions = _ordered(stems, key, i, 0 if key in self._rigid else self._gap)
                if positions is not None:
                    found.append(
                        Hit(positions, self._values[key], min(quality[p] for p in positions),
                            gapped=positions[-1] - positions[0] + 1 > len(key))
                    )
        found.sort(key=lambda h: (-h.size, h.gapped, h.positions[0]))
        return found


def _ordered(stems: Sequence[str], key: Key, start: int, gap: int) -> tuple[int, ...] | None:
    positions = [start]
    for word in key[1:]:
        nxt = positions[-1] + 1
        limit = min(len(stems), nxt + gap + 1)
        for j in range(nxt, limit):
            if stems[j] == word:
                positions.append(j)
                break
        else:
            return None
    return tuple(positions)


def non_overlapping(hits: Iterable[H], taken: set[int] | None = None) -> list[H]:
    """Greedy selection in the given order (longest first): a word belongs to one phrase."""
    taken = set() if taken is None else taken
    chosen: list[H] = []
    for hit in hits:
        if not taken.intersection(hit.positions):
            chosen.append(hit)
            taken.update(hit.positions)
    return chosen


class BagIndex(Generic[T]):
    """Terms matched as bags of words: "buyback authorization left" finds "authorization left"
    and "buyback"; a term's weight falls with the number of targets sharing it, and ordinary
    words ("ai", "cloud", "market") weigh little."""

    def __init__(self, common: set[str]) -> None:
        self._common = common
        # Targets in the order added, words in the question's order: scores then add up in
        # the same order on every run (a set's order changes with each process's hash seed).
        # Lists, not dicts: a book of 1,000 theses holds tens of thousands of terms, most with
        # one target.
        self._targets: dict[Key, list[T]] = defaultdict(list)
        self._by_word: dict[str, list[Key]] = defaultdict(list)
        self.phrases: PhraseTable[Key] = PhraseTable()

    def add(self, key: Key, target: T) -> None:
        """A target's terms are added together: a term it repeats is kept once."""
        if not key or all(w in self._common for w in key) and len(key) == 1:
            return
        if key not in self._targets:
            self._by_word[key[0]].append(key)
            if len(key) > 1:
                self.phrases.add(key, key)
        held = self._targets[key]
        if not held or held[-1] != target:
            held.append(target)

    def _weights(self, key: Key, targets: Iterable[T],
                 informative: Callable[[str, T], float] | None) -> Iterable[float]:
        """The term's weight for each target: its words' worth, an ordinary one little."""
        if informative is None or all(w in self._common for w in key):
            return repeat(sum(th.ORDINARY_TERM_WORD if w in self._common else 1.0 for w in key))
        if len(key) == 1:  # most terms: spare a sum per target
            return (informative(key[0], t) for t in targets)
        return (sum(th.ORDINARY_TERM_WORD if w in self._common else informative(w, t)
                    for w in key) for t in targets)

    def score(self, stems: Sequence[str], quality: dict[str, float],
              informative: Callable[[str, T], float] | None = None) -> dict[T, float]:
        """target -> its best term's weight, plus a little for each further term.
        `informative(word, target)` weighs a word for one target (1.0 by default)."""
        present = dict.fromkeys(stems)
        holds = set(stems).issuperset
        best: dict[T, float] = {}
        extra: dict[T, float] = defaultdict(float)
        for word in present:
            for key in self._by_word.get(word, ()):
                if not holds(key):
                    continue
                targets = self._targets[key]
                sure = min(quality[w] for w in key) / len(targets)
                weights = self._weights(key, targets, informative)
                for target, worth in zip(targets, weights, strict=False):  # may repeat()
                    weight = worth * sure
                    if weight > best.get(target, 0.0):
                        extra[target] += th.FURTHER_TERM * best.get(target, 0.0)
                        best[target] = weight
                    else:
                        extra[target] += th.FURTHER_TERM * weight
        return {target: best[target] + extra[target] for target in best}

    def held(self, stems: Sequence[str], target: T) -> set[str]:
        """The words of the target's terms that the words hold whole."""
        present = set(stems)
        return {w for word in present for key in self._by_word.get(word, ())
                if present.issuperset(key) and target in self._targets[key] for w in key
                if w not in self._common}

    def targets_of_key(self, key: Key) -> set[T]:
        """The targets holding exactly this term."""
        return set(self._targets.get(key, ()))

    def targets_of(self, word: str) -> set[T]:
        """Every target with a term that starts with this word."""
        return {t for key in self._by_word.get(word, ()) for t in self._targets[key]}

    def holds(self, word: str, targets: Collection[T]) -> bool:
        """Whether one of these targets has a term that starts with this word."""
        return any(t in targets for key in self._by_word.get(word, ())
                   for t in self._targets[key])

    def has_phrase(self, stems: Sequence[str]) -> bool:
        """Whether the words hold a whole term of several words, not all ordinary ("own
        chips"): a question matched so is on topic whatever else it says."""
        present = set(stems)
        return any(len(key) > 1 and present.issuperset(key)
                   and not all(w in self._common for w in key)
                   for word in present for key in self._by_word.get(word, ()))


class Phrases:
    """Phrases found as whole words in a text's stems, adjacent and in order."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._table: PhraseTable[bool] = PhraseTable()
        for phrase in phrases:
            self._table.add(term_key(phrase), True, gaps=False)

    def positions(self, stems: Sequence[str]) -> set[int]:
        """The positions of every word that stands in one of the phrases."""
        return {p for hit in self._table.hits(stems, [1.0] * len(stems)) for p in hit.positions}
