"""Which intent a question has: intent phrases from intents/, found in order with small gaps,
each word belonging to one phrase (the longest, whether an intent's or a point's)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from bot.engine import thresholds as th
from bot.engine.reading import Reading
from bot.engine.vocabulary import (
    Hit,
    Key,
    PhraseTable,
    length_weight,
    non_overlapping,
    term_key,
)
from bot.knowledge.models import IntentSpec

# What an intent phrase stands for: (intent, strength); (None, 0) for an ordinary phrase.
IntentValue = tuple[str | None, float]


@dataclass(frozen=True, slots=True)
class Intents:
    """The intents a question shows, best first, and where their words are."""

    scores: list[tuple[str, float]]
    positions: set[int]
    ordinary: set[int]  # words of ordinary phrases ("share price", "bull market")
    starts: set[int]  # where a decisive (non-hint) phrase starts: "TSLA| bull case"

    @property
    def strong(self) -> list[tuple[str, float]]:
        return [(n, s) for n, s in self.scores if s >= th.INTENT_STRONG]

    @property
    def hinted(self) -> str | None:
        return self.scores[0][0] if self.scores and not self.strong else None


def intent_table(specs: dict[str, IntentSpec], common: set[str],
                 ordinary: Sequence[str] = ()) -> PhraseTable[IntentValue]:
    """Phrases of ordinary words only ("what names") match only when adjacent; the others
    also with a word or two between ("why should I own" ~ "why own"). `ordinary` phrases
    ("bull market") belong to no intent but take their words away from the intents."""
    table: PhraseTable[IntentValue] = PhraseTable()
    for text in ordinary:
        table.add(term_key(text), (None, 0.0), gaps=False)
    for name, spec in specs.items():
        for texts, strength in ((spec.terms, 1.0), (spec.hints, th.HINT_STRENGTH)):
            for text in texts:
                key = term_key(text)
                if len(key) == 1:  # the word, its plural or its singular
                    word = text.lower()
                    table.written.setdefault(key[0], set()).update(
                        (word, f"{word}s", f"{word}es", word.removesuffix("s"),
                         word.removesuffix("es")))
                gaps = len(key) > 2 or any(w not in common for w in key)
                table.add(key, (name, strength), gaps=gaps)
    return table


def classify(reading: Reading, intents: PhraseTable[IntentValue],
             rivals: PhraseTable[Key] | None,
             taken: set[int], ignore: Sequence[str] = ()) -> Intents:
    """Intent phrases not overlapping the thesis's name (`taken`) nor a longer point phrase
    from `rivals` ("investment thesis" is the overview; "open source" a point, not "source").
    Intents in `ignore` leave their words to the question's subject (a thesis named, "list"
    is no question about the book: "Qilin's HK listing")."""
    own = [h for h in [*intents.hits(reading.stems, reading.quality),
                       *_with_pronouns(reading, intents, taken)]
           if h.value[0] not in ignore
           and (h.size > 1 or _as_written(reading, h.positions[0], intents, h.value[1]))]
    other = rivals.hits(reading.stems, reading.quality) if rivals else []
    merged: list[Hit[Any]] = sorted([*own, *other],
                                    key=lambda h: (-h.size, h.gapped, h.positions[0]))
    mine = {id(h): h for h in own}
    chosen = [mine[id(h)] for h in non_overlapping(merged, set(taken)) if id(h) in mine]
    return Intents(
        _scores(chosen),
        {p for h in chosen for p in h.positions},
        {p for h in chosen if h.value[0] is None for p in h.positions},
        {h.positions[0] for h in chosen if h.value[1] == 1.0 and h.value[0]},
    )


_PRONOUNS = tuple(term_key(word)[0] for word in ("it", "they"))


def as_pronouns(stems: Sequence[str], named: AbstractSet[int]
                ) -> Iterator[tuple[list[int], list[str]]]:
    """The question's words with the company's name (at `named`, one word or several) read
    as "it", then as "they": "what does Xuedao do" is "what does it do". Each comes with the
    position in the question of each of its words."""
    at = [i for i in range(len(stems)) if i not in named or i - 1 not in named]
    for pronoun in _PRONOUNS:
        yield at, [pronoun if i in named else stems[i] for i in at]


def _with_pronouns(reading: Reading, intents: PhraseTable[IntentValue],
                   named: set[int]) -> list[Hit[IntentValue]]:
    """The intent phrases that hold a pronoun where the question names the company (or one
    of its businesses), nearly word for word: "what does Xuedao do" is "what does it do", but "what
    does Xuedao plan to do with its cash" no such phrase (a word between, "actually", will
    do). Each hit keeps its other words."""
    if not named:
        return []
    found: list[Hit[IntentValue]] = []
    for at, stems in as_pronouns(reading.stems, named):
        quality = [reading.quality[i] for i in at]
        for hit in intents.hits(stems, quality):
            positions = tuple(at[p] for p in hit.positions if at[p] not in named)
            span = hit.positions[-1] - hit.positions[0] + 1
            if len(positions) < hit.size and positions and span <= hit.size + 1:
                found.append(Hit(positions, hit.value, hit.quality, hit.gapped))
    return found


def _as_written(reading: Reading, at: int, intents: PhraseTable[IntentValue],
                strength: float = 1.0) -> bool:
    """Whether the word at `at` is an intent's one-word term as written, or its plural: the
    stemmer makes one word of "source" and "sourcing", "driver" and "driving"."""
    token = reading.token_at(at)
    forms = intents.written.get(reading.stems[at])
    # a corrected or expanded word is what it was read as, unless one of the several words an
    # abbreviation stands for is taken for an intent's term: the "state" of SOE is no "stats"
    # (as a hint, "data" of DC still counts)
    read_as = token.stem != reading.stems[at] and (
        strength < 1.0 or at not in reading.expanded)
    return forms is None or read_as or token.text in forms


def _scores(hits: list[Hit[IntentValue]]) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    for hit in hits:
        name, strength = hit.value
        if name is None:
            continue
        weight = strength * length_weight(("",) * hit.size) * hit.quality
        scores[name] = scores.get(name, 0.0) + weight * (th.GAPPED_PHRASE if hit.gapped else 1.0)
        first[name] = min(first.get(name, hit.positions[0]), hit.positions[0])
    return sorted(scores.items(), key=lambda kv: (-kv[1], first[kv[0]]))
