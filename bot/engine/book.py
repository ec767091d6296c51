"""Where in the book a question's words point: every point of every thesis, scored at once.

Two kinds of evidence, summed per point:
- **terms**: phrases an analyst may add (`keywords`), point titles and figure subjects, matched
  as bags of words (`BagIndex`); a term shared by several points of the book weighs less;
- **text**: BM25 over the point's own words (title, one-liner, full text, its figures' subjects
  and measures, glossary expansions), with IDF computed over the whole book, so a thesis
  written with no keywords is found by what it says.

Postings are keyed by a small integer per point (`Target`), so scoring touches only the
postings of the question's words: the cost grows with the question, not with the book.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.engine import thresholds as th
from bot.engine.clean import stem, words
from bot.engine.reading import Reading
from bot.engine.vocabulary import BagIndex, Key, PhraseTable, term_key, term_words
from bot.knowledge.models import Thesis

_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][A-Za-z]+)")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,6}s?\b")

# Where a word stands in a point says how much it tells: a title word more than a body word.
_FIELD_WEIGHT = {"title": 3.0, "summary": 2.0, "detail": 1.0, "figure": 1.0, "glossary": 1.0}
_K1 = 1.2  # BM25's usual term-frequency saturation
_B = 0.5  # and a gentle length normalisation: points are paragraphs of similar size


@dataclass(frozen=True, slots=True)
class Evidence:
    """Point scores for one question, and the two kinds of evidence behind the best ones."""

    points: dict[int, float]  # target -> terms + text + figures quoted by value
    terms: float  # the best point's hand-written terms and quoted values alone
    coverage: float  # the best point's text score: how much of the question it holds
    phrase: bool  # a term of several words matched whole ("own chips")


@dataclass(frozen=True, slots=True)
class Target:
    """One point of one thesis."""

    ticker: str
    point: str
    section: str  # bull, bear or catalysts
    order: int  # reading order within its thesis (ties go to the earlier point)


def proper_nouns(thesis: Thesis) -> set[str]:
    """Stems of the names the thesis writes with a capital inside a sentence (ByteDance,
    Huawei, Qwen, Pentagon): anchors that tie a question to this thesis, unlike everyday
    words it also uses ("adopt", "competition", "valuation")."""
    texts = [thesis.company, *thesis.aliases, *thesis.other_companies]
    texts += [point.detail for _, point in thesis.points()]
    texts += [f.subject for f in thesis.figures]
    found: set[str] = set()
    for text in texts:
        for match in _CAPITALISED.finditer(text):
            found.update(term_key(match.group(1)))
    return found


def acronyms(thesis: Thesis) -> set[str]:
    """Upper-case words the thesis itself uses (ITC, BESS, SAMR) and its glossary's: never
    taken for the ticker of a company we do not cover."""
    texts = [thesis.title, thesis.summary, thesis.overview or ""]
    texts += [text for _, p in thesis.points() for text in (p.title, p.detail,
                                                             getattr(p, "summary", None) or "")]
    found = {m.group(0).lower().removesuffix("s") for text in texts
             for m in _ACRONYM.finditer(text)}
    return found | {term.lower() for term in thesis.glossary}


def _point_fields(thesis: Thesis, point_id: str) -> dict[str, list[str]]:
    section_point = thesis.point(point_id)
    assert section_point is not None
    _, point = section_point
    figures = [f for fid in point.figures if (f := thesis.figure(fid)) is not None]
    fields = {
        "title": [point.title],
        "summary": [getattr(point, "summary", None) or ""],
        "detail": [point.detail],
        "figure": [text for f in figures for text in (f.subject, f.measure)],
    }
    mentioned = " ".join(t for texts in fields.values() for t in texts).lower()
    fields["glossary"] = [meaning for term, meaning in thesis.glossary.items()
                          if re.search(rf"\b{re.escape(term.lower())}\b", mentioned)]
    return fields


def value_key(value: float) -> str:
    """A figure's value as a question may quote it, to six significant digits: 19.1e9 and
    "$19.1bn" meet."""
    return f"{value:.6g}"


class BookIndex:
    """Every point of the book, ready to be scored against a question."""

    def __init__(self, theses: Iterable[Thesis], ignore: dict[str, set[str]],
                 common: set[str], english: frozenset[str] = frozenset()) -> None:
        self.targets: list[Target] = []
        self.terms = BagIndex(common)
        self.words: set[str] = set()  # every form of every indexed word, for the speller
        self.names: dict[str, set[str]] = defaultdict(set)  # proper noun stem -> tickers
        self.acronyms: set[str] = set()
        self.values: dict[str, list[tuple[str, str]]] = defaultdict(list)  # value -> figures
        self.figure_targets: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._common = common
        self._english = english
        self.plainness: dict[str, float] = {}  # stem -> weight of an everyday English word
        documents: list[dict[str, float]] = []
        for thesis in theses:
            skip = ignore.get(thesis.ticker, set())
            for noun in proper_nouns(thesis) - skip:
                self.names[noun].add(thesis.ticker)
            self.acronyms |= acronyms(thesis)
            for figure in thesis.figures:
                key = value_key(figure.magnitude)
                self.values[key].append((thesis.ticker, figure.id))
            for order, (section, point) in enumerate(thesis.points()):
                target = len(self.targets)
                self.targets.append(Target(thesis.ticker, point.id, section, order))
                for fid in point.figures:
                    self.figure_targets[(thesis.ticker, fid)].append(target)
                terms = [point.title, point.id.replace("-", " "), *point.keywords,
                         *(w for w in term_key(point.title) if not w.isdigit())]
                for fid in point.figures:
                    if (cited := thesis.figure(fid)) is not None:
                        terms += [cited.subject, *cited.keywords]
                for text in terms:
                    self._add_term(text, target, skip)
                documents.append(self._document(_point_fields(thesis, point.id), skip))
        self._index_text(documents)
        self._index_spread(documents)
        self.phrases: PhraseTable[Key] = self.terms.phrases

    def _add_term(self, text: str, target: int, skip: set[str]) -> None:
        self.words.update(term_words(text))
        key = tuple(w for w in term_key(text) if w not in skip)
        if key:
            self.terms.add(key, str(target))

    def _document(self, fields: dict[str, list[str]], skip: set[str]) -> dict[str, float]:
        counts: dict[str, float] = defaultdict(float)
        for name, texts in fields.items():
            for text in texts:
                self.words.update(term_words(text))
                for word in words(text):
                    stemmed = stem(word)
                    if stemmed not in self._common and stemmed not in skip and stemmed.isalpha():
                        counts[stemmed] += _FIELD_WEIGHT[name]
                        if word in self._english:
                            self.plainness[stemmed] = th.EVERYDAY_WORD
        return counts

    def _informative(self, word: str, target: str) -> float:
        return self.spread.get((self.targets[int(target)].ticker, word), 1.0)

    def _index_spread(self, documents: Sequence[dict[str, float]]) -> None:
        """How much a word tells apart the points of its own thesis: "cloud" in most of
        BABA's points tells little there, "bytedance" in one tells a lot. Stored only for
        words below 1.0 (those in several points of a thesis)."""
        by_thesis: dict[str, list[int]] = defaultdict(list)
        for target, point in enumerate(self.targets):
            by_thesis[point.ticker].append(target)
        self.spread: dict[tuple[str, str], float] = {}
        self.subject_words: set[str] = set()  # in half a thesis's points: "cloud", "ai"
        for ticker, targets in by_thesis.items():
            n = len(targets)
            frequency: dict[str, int] = defaultdict(int)
            for target in targets:
                for word in documents[target]:
                    frequency[word] += 1
            single = math.log(1 + (n - 0.5) / 1.5)
            for word, df in frequency.items():
                if df > 1:
                    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                    self.spread[(ticker, word)] = max(th.WIDESPREAD_WORD, idf / single)
                if df * 2 >= n and n >= 4:
                    self.subject_words.add(word)

    def _index_text(self, documents: Sequence[dict[str, float]]) -> None:
        """BM25 weights, precomputed per (word, point): scoring is then a sum of lookups."""
        total = len(documents) or 1
        lengths = [sum(doc.values()) for doc in documents]
        average = sum(lengths) / total or 1.0
        frequency: dict[str, int] = defaultdict(int)
        for doc in documents:
            for word in doc:
                frequency[word] += 1
        self.idf = {word: math.log(1 + (total - n + 0.5) / (n + 0.5))
                    for word, n in frequency.items()}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for target, (doc, length) in enumerate(zip(documents, lengths, strict=True)):
            norm = _K1 * (1 - _B + _B * length / average)
            for word, tf in doc.items():
                self.postings[word].append((target, tf * (_K1 + 1) / (tf + norm)))
        self.postings = dict(self.postings)

    def figures_by_value(self, numbers: Sequence[float]) -> list[tuple[str, str]]:
        """(ticker, figure id) of every figure whose value the question quotes."""
        return [found for n in numbers for found in self.values.get(value_key(n), ())]

    def score(self, reading: Reading, skip: set[int]) -> Evidence:
        """Evidence for each point from the question's words not at `skip` (those name a
        thesis or an intent) and from figures it quotes by value."""
        stems = [s for i, s in enumerate(reading.stems) if i not in skip]
        quality: dict[str, float] = {}
        for word, q in zip(reading.stems, reading.quality, strict=True):
            quality[word] = max(q, quality.get(word, 0.0))
        found = self.terms.score(stems, quality, self._informative)
        terms = {int(t): s for t, s in found.items()}
        scores = dict(terms)
        text = self._text_score(stems, quality)
        for target, value in text.items():
            scores[target] = scores.get(target, 0.0) + th.TEXT_WEIGHT * value
        for ticker, fid in self.figures_by_value(reading.numbers):
            for target in self.figure_targets.get((ticker, fid), ()):
                scores[target] = scores.get(target, 0.0) + th.FIGURE_BY_VALUE
                terms[target] = terms.get(target, 0.0) + th.FIGURE_BY_VALUE
        return Evidence(scores, max(terms.values(), default=0.0),
                        max(text.values(), default=0.0), self.terms.has_phrase(stems))

    def _text_score(self, stems: Sequence[str], quality: dict[str, float]) -> dict[int, float]:
        """BM25 of each point against the question's informative words, over their whole
        weight plus a prior (`th.TEXT_PRIOR`): a point holding all of a question's rare words
        scores near 1, one everyday word of its text ("trading", "forecast") little."""
        asked = {s for s in stems if s not in self._common and s.isalpha()}
        if not asked:
            return {}
        unseen = max(self.idf.values(), default=1.0)
        possible = th.TEXT_PRIOR + sum(
            self.idf.get(s, unseen) * self.plainness.get(s, 1.0) * quality[s] for s in asked)
        text: dict[int, float] = defaultdict(float)
        telling: dict[int, int] = defaultdict(int)  # matched words that are not everyday
        for word in asked & self.idf.keys():
            plainness = self.plainness.get(word, 1.0)
            weight = self.idf[word] * plainness * quality[word]
            for target, tf in self.postings[word]:
                text[target] += weight * tf / possible
                telling[target] += 2 if plainness == 1.0 else 1
        for target, told in telling.items():
            if told < 2:  # one everyday word ("cover", "trading", "life") and nothing else
                text[target] *= th.LONE_EVERYDAY_WORD
        return text

    def best_by_thesis(self, scores: dict[int, float]) -> list[tuple[str, float]]:
        """Each thesis with evidence, best first: (ticker, its best point's score)."""
        best: dict[str, float] = {}
        for target, score in scores.items():
            ticker = self.targets[target].ticker
            best[ticker] = max(score, best.get(ticker, 0.0))
        return sorted(best.items(), key=lambda kv: -kv[1])

    def ranked(self, scores: dict[int, float], ticker: str | None = None,
               section: str | None = None) -> list[tuple[Target, float]]:
        """Points best first (ties: reading order), optionally of one thesis or section."""
        found = [(self.targets[t], s) for t, s in scores.items()
                 if (ticker is None or self.targets[t].ticker == ticker)
                 and (section is None or self.targets[t].section == section)]
        return sorted(found, key=lambda ts: (-ts[1], ts[0].ticker, ts[0].order))

    def owners_of_names(self, stems: Iterable[str]) -> set[str]:
        """Theses whose proper nouns (Qwen, ByteDance, Pentagon) the question uses."""
        return {ticker for word in stems for ticker in self.names.get(word, ())}
