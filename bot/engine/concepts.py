"""The language of the trade: the ideas theses talk about, found in a question's words and in a
point's text alike (`bot/intents/concepts.yaml`).

People ask in their own words, not the write-up's: "is it cheap?" is about valuation, "who is
gaining ground?" about competition, "what's left of the capital return?" about buybacks. A
point carries the concepts its own text carries (weighted by where the words stand), and a
question reaches it through a shared concept as well as through shared words. A false friend
("cheap power", "stretched balance sheet") is a phrase in which a term does not mean its
concept: inside it, the term is not read as that concept.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.engine import thresholds as th
from bot.engine.clean import american, stem, words
from bot.engine.vocabulary import Hit, Key, PhraseTable, V, non_overlapping, term_key, term_words
from bot.knowledge.models import Concept

# Words a phrase of the trade may hold or not, as the asker puts it: "shrinking its share
# count" is "shrinking the share count" and "shrinking share count".
_FILLERS = frozenset(w for word in ("the", "its", "their", "his", "her", "our", "your", "this",
                                    "these", "those") for w in term_key(word))


def _bare(key: Key) -> Key:
    """A phrase without its fillers, unless that leaves one word ("the street" stays whole)."""
    kept = tuple(w for w in key if w not in _FILLERS)
    return kept if len(kept) > 1 else key


@dataclass(frozen=True, slots=True)
class Mention:
    """A concept named in a text: which, and at which of its word positions."""

    concept: str
    positions: tuple[int, ...]


class ConceptTable:
    """Every concept's terms and false friends, as phrases over stemmed words."""

    def __init__(self, concepts: Mapping[str, Concept]) -> None:
        self.names = tuple(concepts)
        self._broader = {name: tuple(concept.part_of) for name, concept in concepts.items()
                         if concept.part_of}
        self._terms: PhraseTable[tuple[str, ...]] = PhraseTable(th.CONCEPT_GAP)
        owners: dict[Key, list[str]] = defaultdict(list)
        # A term of one word is read in its own inflections only: the stemmer makes one word
        # of "customs" and "custom", "deposit" and "deposition", "yields" and "yield".
        self._written: dict[tuple[str, str], tuple[str, ...]] = {}
        for name, concept in concepts.items():
            for term in concept.terms:
                key = term_key(term)
                for phrase in {key, _bare(key)}:
                    if phrase and name not in owners[phrase]:
                        owners[phrase].append(name)
                if len(written := words(term)) == 1:
                    pair = (key[0], name)
                    self._written[pair] = (*self._written.get(pair, ()), american(written[0]))
        for key, names in owners.items():
            self._terms.add(key, tuple(names), gaps=len(_bare(key)) >= th.GAPPED_CONCEPT_WORDS)
        # A false friend, by its own words: which concepts it is not, through which terms.
        friends: dict[Key, list[tuple[str, Key]]] = defaultdict(list)
        for name, concept in concepts.items():
            for friend in concept.false_friends:
                text = term_key(friend.text)
                for phrase in {text, _bare(text)}:
                    friends[phrase].append((name, term_key(friend.term)))
        self._false: PhraseTable[tuple[tuple[str, Key], ...]] = PhraseTable()
        for key, pairs in friends.items():
            self._false.add(key, tuple(pairs), gaps=False)
        self.words = {word for key in owners for word in key}
        # Every form of every term: words the speller knows, never "corrects" into others.
        self.forms = {form for concept in concepts.values() for term in concept.terms
                      for form in term_words(term)}

    def find(self, stems: Sequence[str], skip: Iterable[int] = (),
             written: Sequence[str | None] = (), asked: bool = True) -> list[Mention]:
        """The concepts the words name, longest phrase first, none inside a false friend of
        that concept; words at `skip` (a company's name) name none. `written`: each word as
        typed, where known (not a corrected or expanded one), for the one-word terms.
        `asked`: a question's words, where a long phrase may stand with words between its own."""
        if not self.words.intersection(stems):
            return []
        hits = non_overlapping(sorted((h for h in self._hits(self._terms, stems)
                                       if asked or not h.gapped),
                                      key=lambda h: (-h.size, h.gapped, h.positions[0])),
                               set(skip))
        if not hits:
            return []
        false = [(set(h.positions), pair) for h in self._hits(self._false, stems)
                 for pair in h.value]
        found = []
        for hit in hits:
            key = tuple(stems[p] for p in hit.positions)
            for concept in hit.value:
                if len(key) == 1 and written and (word := written[hit.positions[0]]) \
                        and not _inflected(american(word),
                                           self._written.get((key[0], concept), ())):
                    continue  # "custom chips" are no customs
                if not any(name == concept and term == key and set(hit.positions) <= span
                           for span, (name, term) in false):
                    found.append(Mention(concept, hit.positions))
        return found

    @staticmethod
    def _hits(table: PhraseTable[V], stems: Sequence[str]) -> list[Hit[V]]:
        """The phrases in the words as they stand, and in the words without their fillers
        ("shrinking its share count"), each at its positions among `stems`."""
        found = table.hits(stems, [1.0] * len(stems))
        at = [i for i, w in enumerate(stems) if w not in _FILLERS]
        if len(at) < len(stems):
            found += [dataclasses.replace(h, positions=tuple(at[p] for p in h.positions))
                      for h in table.hits([stems[i] for i in at], [1.0] * len(at))]
        return found

    def carried(self, fields: Mapping[str, Sequence[Sequence[str]]]) -> dict[str, float]:
        """The concepts a point's text carries and how strongly: a concept in its title, or
        named twice in its text, is what the point is about (1); named once in passing ("if
        management accelerates the pace"), it is half that; named in title and text, more."""
        weight: dict[str, float] = defaultdict(float)
        for field, texts in fields.items():
            for written in texts:
                for mention in self.find([stem(w) for w in written], written=written,
                                         asked=False):
                    weight[mention.concept] += th.CONCEPT_FIELD_WEIGHT[field]
        about = {name: min(th.CONCEPT_DEPTH, w / th.CONCEPT_FULL_WEIGHT)
                 for name, w in weight.items()}
        for name, strength in list(about.items()):  # a dividend is capital return too
            for broader in self._broader.get(name, ()):
                about[broader] = max(about.get(broader, 0.0), strength)
        return about


def _inflected(word: str, terms: tuple[str, ...]) -> bool:
    """Whether the word is one of the terms or a regular inflection of one (rate: rates,
    rated, rating; cut: cutting), never a shorter form ("rates" is not "rate") nor a derived
    word ("deposition"). No terms to check against (a phrase's word): any form will do."""
    if not terms:
        return True
    for term in terms:
        if not word.startswith(term[:-1]):
            continue
        forms = {term, f"{term}s", f"{term}es", f"{term}ed", f"{term}d", f"{term}ing",
                 f"{term}{term[-1:]}ed", f"{term}{term[-1:]}ing"}
        if term.endswith("e"):
            forms |= {f"{term[:-1]}ing", f"{term[:-1]}ed"}
        if term.endswith("y"):
            forms |= {f"{term[:-1]}ies", f"{term[:-1]}ied"}
        if word in forms:
            return True
    return False
