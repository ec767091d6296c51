"""Where in the book a question's words point: every point of every thesis, scored at once.

Two kinds of evidence, summed per point:
- **terms**: phrases an analyst may add (`keywords`), point titles and ids, figure subjects
  and measures, matched as bags of words (`BagIndex`); a word used by several points of its
  thesis weighs less;
- **text**: BM25 over the point's own words (title, one-liner, full text, its figures' subjects
  and measures, glossary expansions), with IDF computed over the whole book, so a thesis
  written with no keywords is found by what it says.

Postings are keyed by a small integer per point (`Target`), so scoring touches only the
postings of the question's words: the cost grows with the question, not with the book.
"""

from __future__ import annotations

import dataclasses
import math
import re
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from heapq import nlargest

from bot.engine import thresholds as th
from bot.engine.clean import stem, words
from bot.engine.concepts import ConceptTable
from bot.engine.english import dictionary_words, frequent_words
from bot.engine.in_house import IN_HOUSE, made_in_house
from bot.engine.reading import Reading
from bot.engine.vocabulary import BagIndex, Key, Phrases, PhraseTable, term_key, term_words
from bot.knowledge.models import Figure, Point, Thesis

# a name, and its version when it has one ("Hongjing-4" is also read as one word, "hongjing4")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][A-Za-z]+)(-?\d+[A-Za-z]?\b)?")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,6}s?\b")
# Shorter words no dictionary has are mostly acronyms and fragments, not names.
_LONG_WORD = re.compile(r"[A-Za-z]{5,}")



@dataclass(frozen=True, slots=True)
class Evidence:
    """Point scores for one question, and the two kinds of evidence behind the best ones."""

    points: dict[int, float]  # target -> terms + text + figures quoted by value
    terms: float  # the best point's hand-written terms and quoted values alone
    coverage: float  # the best point's text score: how much of the question it holds
    phrase: bool  # a term of several words matched whole ("own chips")
    words: dict[int, int]  # target -> how many of the question's words its text holds


@dataclass(frozen=True, slots=True)
class Target:
    """One point of one thesis."""

    ticker: str
    point: str
    section: str  # bull, bear or catalysts
    order: int  # reading order within its thesis (ties go to the earlier point)


def proper_nouns(thesis: Thesis, dictionary: Container[str] = frozenset()
                 ) -> tuple[set[str], set[str]]:
    """Stems of the names the thesis writes with a capital inside a sentence (ByteDance,
    Huawei, Qwen, Pentagon): anchors that tie a question to this thesis, unlike everyday
    words it also uses ("adopt", "competition", "valuation"); and those of them that are no
    English word at all (not "Pentagon", nor a product called "Capital")."""
    texts = [thesis.company, *thesis.aliases, *thesis.other_companies]
    texts += [point.detail for _, point in thesis.points()]
    texts += [f.subject for f in thesis.figures]
    found: set[str] = set()
    coined: set[str] = set()
    for text in texts:
        for match in _CAPITALISED.finditer(text):
            key = term_key(match.group(1)) + (term_key(match.group(0)) if match.group(2) else ())
            found.update(key)
            if match.group(1).lower() not in dictionary:
                coined.update(key)
    return found, coined


def _prose(thesis: Thesis) -> list[str]:
    """What the analyst wrote: the thesis's title, summary and overview, and each point's."""
    return [thesis.title, thesis.summary, thesis.overview or "",
            *(text for _, p in thesis.points()
              for text in (p.title, p.detail, getattr(p, "summary", None) or ""))]


def coined_words(thesis: Thesis, dictionary: Container[str]) -> set[str]:
    """Stems of the words a thesis uses that are not English at all, capitalised or not:
    drug, product and people's names (orforglipron, Glyvera, Qwen) and trade terms
    (autoinjector). Like a proper noun, such a word in a question ties it to the thesis."""
    texts = [*_prose(thesis), *(f.subject for f in thesis.figures)]
    typed = {word.lower() for text in texts for word in _LONG_WORD.findall(text)}
    return {key for word in typed if word not in dictionary for key in term_key(word)}


def acronyms(thesis: Thesis) -> set[str]:
    """Upper-case words the thesis itself uses (ITC, BESS, SAMR) and its glossary's: never
    taken for the ticker of a company we do not cover."""
    found = {m.group(0).lower().removesuffix("s") for text in _prose(thesis)
             for m in _ACRONYM.finditer(text)}
    return found | {term.lower() for term in thesis.glossary}


Meanings = list[tuple[tuple[str, ...], str]]  # an acronym's words, and what it stands for


def meanings(terms: Mapping[str, str]) -> Meanings:
    return [(tuple(words(term)), meaning) for term, meaning in terms.items()]


def _point_fields(thesis: Thesis, point: Point, figures: Sequence[Figure],
                  acronyms: Meanings, as_written: Phrases | None = None
                  ) -> dict[str, list[str]]:
    """A point's text by field. An acronym the text uses (the thesis's glossary, or desk
    shorthand such as CRE) brings its meaning along, so either form of a question finds it;
    not where it keeps a sense of its own (`as_written`: the "topline" of "topline data")."""
    fields = {
        "title": [point.title],
        "summary": [getattr(point, "summary", None) or ""],
        "detail": [point.detail],
        "figure": [text for f in figures for text in (f.subject, f.measure)],
    }
    for name in ("title", "summary", "detail"):  # "its own chips": made in-house
        fields[name] += [IN_HOUSE] * sum(made_in_house(text) for text in fields[name])
    mentioned: set[str] = set()
    for texts in fields.values():
        for text in texts:
            written = words(text)
            literal = as_written.positions([stem(w) for w in written]) if as_written else set()
            mentioned.update(w for i, w in enumerate(written) if i not in literal)
    fields["glossary"] = [meaning for term, meaning in acronyms
                          if term and all(w in mentioned for w in term)]
    return fields


def _subjects_named(thesis: Thesis, subjects: Sequence[str], skip: AbstractSet[str]
                    ) -> list[list[Key]]:
    """For each point, the figures' subjects of several words ("Jade Frontier") its own text
    names: terms of that point too, not only of the point that holds the figure."""
    keys = [key for subject in dict.fromkeys(subjects)
            if len(key := tuple(w for w in term_key(subject) if w not in skip)) > 1]
    found: list[list[Key]] = []
    for _, point in thesis.points():
        said = term_key(" ".join((point.title, getattr(point, "summary", None) or "",
                                  point.detail)))
        found.append([key for key in keys if any(said[i:i + len(key)] == key
                                                 for i in range(len(said)))])
    return found


_NOTHING = (0.0, 0)


def _wordlike(stem: str) -> bool:
    """A word or a code with letters (CET1, Q3, LFP), not a bare number."""
    return stem.isalnum() and not stem.isdigit()


def _telling(number: float) -> bool:
    """A number with two significant digits or more: 35.8, 241, 52, 180000 is 1.8e5."""
    digits = f"{abs(number):.6g}".split("e")[0].replace(".", "").strip("0")
    return len(digits) >= 2


def value_key(value: float) -> str:
    """A figure's value as a question may quote it, to six significant digits: 19.1e9 and
    "$19.1bn" meet."""
    return f"{value:.6g}"


@dataclass(frozen=True, slots=True)
class ThesisText:
    """What one thesis adds to the book's index, worked out from that thesis alone, then merged
    with the others' (`BookIndex`). Compact: each point's words are indices into the thesis's
    own list."""

    ticker: str
    points: tuple[tuple[str, str], ...]  # (point id, section), in reading order
    figure_points: tuple[tuple[str, int], ...]  # (figure id, point), each point citing it
    terms: tuple[tuple[Key, ...], ...]  # per point: its hand-written terms
    vocabulary: tuple[str, ...]  # every stem of its points' text
    documents: tuple[tuple[array[int], array[float]], ...]  # per point: stems and frequencies
    words: tuple[str, ...]  # every form of every word, for the speller
    names: frozenset[str]
    anchors: frozenset[str]
    acronyms: frozenset[str]
    values: tuple[tuple[str, str], ...]  # (value key, figure id)
    plain: frozenset[str]  # stems its text uses as everyday English words
    spread: dict[str, float]
    subject_words: frozenset[str]
    concepts: tuple[tuple[tuple[str, float], ...], ...] = ()  # per point: (concept, strength)
    title_words: frozenset[str] = frozenset()  # stems of its points' titles
    prose_words: frozenset[str] = frozenset()  # stems of its own title, summary and overview


def stop_words(common: AbstractSet[str]) -> set[str]:
    """The ordinary words that carry no topic at all, left out of the text index: an ordinary
    word like "market" or "revenue" still tells points apart, by its IDF."""
    return set(common) & {stem(w) for w in frequent_words()} if common else set()


def thesis_text(thesis: Thesis, skip: AbstractSet[str], stop: AbstractSet[str],
                shorthand: Mapping[str, str] | None = None,
                english: AbstractSet[str] = frozenset(),
                concepts: ConceptTable | None = None,
                as_written: Phrases | None = None) -> ThesisText:
    """Read one thesis for the index. `skip`: its own names (naming a thesis is not evidence
    for any of its points); `stop`: see stop_words; `english`: real words, told apart from
    names no dictionary has (only when given: the dictionary takes a moment to read)."""
    dictionary = dictionary_words() if english else frozenset()
    known = [*meanings(shorthand or {}), *meanings(thesis.glossary)]
    nouns, coined_nouns = proper_nouns(thesis, dictionary)
    coined = coined_words(thesis, dictionary)
    spoken: set[str] = set()
    plain: set[str] = set()
    points: list[tuple[str, str]] = []
    figure_points: list[tuple[str, int]] = []
    terms: list[tuple[Key, ...]] = []
    keys: dict[Key, Key] = {}  # one tuple per distinct term
    stems: dict[str, int] = {}
    documents: list[dict[str, float]] = []
    carried: list[tuple[tuple[str, float], ...]] = []
    subjects: list[str] = []
    for order, (section, point) in enumerate(thesis.points()):
        points.append((point.id, section))
        figure_points += [(fid, order) for fid in point.figures]
        slug = point.id.replace("-", " ")  # the analyst's own short name for it
        texts = [point.title, slug, *point.keywords,
                 *(w for w in term_key(f"{point.title} {slug}") if not w.isdigit())]
        for fid in point.figures:
            # An unreviewed figure's subject and measure are the importer's reading of the
            # words around a number ("at and Kuaishou"): text to search, not terms to trust.
            if (cited := thesis.figure(fid)) is not None and not cited.review:
                texts += [cited.subject, cited.measure, *cited.keywords]
                subjects.append(cited.subject)
        found: list[Key] = []
        for text in texts:
            spoken.update(term_words(text))
            key = tuple(w for w in term_key(text) if w not in skip)
            if key:
                found.append(keys.setdefault(key, key))
        terms.append(tuple(found))
        figures = [f for fid in point.figures if (f := thesis.figure(fid)) is not None]
        counts: dict[str, float] = defaultdict(float)
        fields = _point_fields(thesis, point, figures, known, as_written)
        for name, field_texts in fields.items():
            for text in field_texts:
                spoken.update(term_words(text))
                for word in _with_family(words(text)):
                    stemmed = stem(word)
                    if stemmed not in stop and stemmed not in skip and _wordlike(stemmed):
                        counts[stemmed] += th.FIELD_WEIGHT[name]
                        stems.setdefault(stemmed, len(stems))
                        if word in english:
                            plain.add(stemmed)
        documents.append(counts)
        if concepts is not None:
            about = concepts.carried({name: [words(text) for text in texts]
                                      for name, texts in fields.items() if name != "glossary"})
            carried.append(tuple(about.items()))
    for order, extra in enumerate(_subjects_named(thesis, subjects, skip)):
        terms[order] = (*terms[order], *(keys.setdefault(k, k) for k in extra
                                         if k not in terms[order]))
    spread, subject_words = _spread(documents)
    return ThesisText(
        thesis.ticker, tuple(points), tuple(figure_points), tuple(terms), tuple(stems),
        tuple((array("I", [stems[w] for w in counts]), array("f", counts.values()))
              for counts in documents),
        tuple(spoken), frozenset((nouns | coined) - skip),
        frozenset((coined | coined_nouns) - skip), frozenset(acronyms(thesis)),
        tuple((value_key(f.magnitude), f.id) for f in thesis.figures), frozenset(plain),
        spread, frozenset(subject_words), tuple(carried),
        frozenset(w for _, p in thesis.points() for w in term_key(p.title)),
        frozenset(w for text in (thesis.title, thesis.summary, thesis.overview or "")
                  for w in term_key(text)))


# A versioned name as the reader joins it ("liuguang3" of "Liuguang-3"): a family name of four
# letters or more, so that "h20" or "b200" (no family) and "q3" (a quarter) stay whole.
_VERSION = re.compile(r"([a-z]{4,})(\d{1,2})")


def _with_family(written: list[str]) -> list[str]:
    """The words of a text, each versioned name followed by its family's name: "Liuguang-3"
    is a Liuguang model, so a question about "the next Liuguang" finds the text that names
    the version."""
    found: list[str] = []
    for word in written:
        found.append(word)
        if (versioned := _VERSION.fullmatch(word)) is not None:
            found.append(versioned.group(1))
    return found


def bm25_idf(total: int, df: int) -> float:
    """BM25's IDF of a word in `df` of `total` documents, log(1 + (N - df + ½) / (df + ½)), the
    form Lucene uses (never negative), written in halves."""
    return math.log(1 + (2 * (total - df) + 1) / (2 * df + 1))


def _spread(documents: Sequence[dict[str, float]]) -> tuple[dict[str, float], set[str]]:
    """How much a word tells apart the points of its own thesis: "cloud" in most of BABA's
    points tells little there, "bytedance" in one tells a lot (only words below 1.0, those in
    several points, are kept); and the words of half its points or more, its subject."""
    n = len(documents)
    frequency: dict[str, int] = defaultdict(int)
    for document in documents:
        for word in document:
            frequency[word] += 1
    single = bm25_idf(n, 1)
    spread = {}
    subject: set[str] = set()
    for word, df in frequency.items():
        if df > 1:
            idf = bm25_idf(n, df)
            spread[word] = max(th.WIDESPREAD_WORD, idf / single)
        if df * 2 >= n >= 4:
            subject.add(word)
    return spread, subject


class BookIndex:
    """Every point of the book, ready to be scored against a question: the theses' texts
    (`ThesisText`) merged, with IDF over the whole book."""

    def __init__(self, texts: Iterable[ThesisText], common: set[str]) -> None:
        self.targets: list[Target] = []
        self._spans: dict[str, range] = {}  # ticker -> its points, which stand together
        self.terms: BagIndex[int] = BagIndex(common)
        self.words: set[str] = set()  # every form of every indexed word, for the speller
        self.names: dict[str, set[str]] = defaultdict(set)  # proper noun stem -> tickers
        self.anchors: set[str] = set()  # names that are no English word (see coined_words)
        self.acronyms: set[str] = set()
        self.values: dict[str, list[tuple[str, str]]] = defaultdict(list)  # value -> figures
        self.figure_targets: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._common = common
        self.stop = stop_words(common)  # words that say nothing of a topic
        self.plainness: dict[str, float] = {}  # stem -> weight of an everyday English word
        self.spread: dict[str, dict[str, float]] = {}  # ticker -> word -> weight below 1.0
        self.subject_words: set[str] = set()  # in half a thesis's points: "cloud", "ai"
        # concept -> (target, how much the point is about it, how telling in its thesis)
        self.concept_targets: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.concepts_of: dict[str, dict[str, float]] = {}  # ticker -> concept -> strength
        self.title_words: dict[str, frozenset[str]] = {}  # ticker -> its points' title words
        self.prose_words: dict[str, frozenset[str]] = {}  # ticker -> its own title's, summary's
        # Postings gather raw term frequencies thesis by thesis; BM25 weights follow once the
        # whole book's lengths and frequencies are known.
        postings: dict[str, tuple[array[int], array[float]]] = {}
        lengths = array("f")
        for text in texts:
            ticker, first = text.ticker, len(self.targets)
            self.targets += [Target(ticker, point, section, order)
                             for order, (point, section) in enumerate(text.points)]
            self._spans[ticker] = range(first, len(self.targets))
            for fid, order in text.figure_points:
                self.figure_targets[(ticker, fid)].append(first + order)
            for order, keys in enumerate(text.terms):
                for key in keys:
                    self.terms.add(key, first + order)
            self.words.update(text.words)
            for noun in text.names:
                self.names[noun].add(ticker)
            self.anchors |= text.anchors
            self.acronyms |= text.acronyms
            for value, fid in text.values:
                self.values[value].append((ticker, fid))
            self.plainness.update(dict.fromkeys(text.plain, th.EVERYDAY_WORD))
            self.spread[ticker] = text.spread
            self.subject_words |= text.subject_words
            self._add_concepts(ticker, first, text.concepts)
            self.title_words[ticker] = text.title_words
            self.prose_words[ticker] = text.prose_words
            vocabulary = text.vocabulary
            for order, (stems, tfs) in enumerate(text.documents):
                lengths.append(sum(tfs))
                for index, tf in zip(stems, tfs, strict=True):
                    found = postings.setdefault(vocabulary[index], (array("I"), array("f")))
                    found[0].append(first + order)
                    found[1].append(tf)
        self._weigh(postings, lengths)
        self.target_ids = {target: n for n, target in enumerate(self.targets)}
        self._ticker_of = [target.ticker for target in self.targets]
        self.phrases: PhraseTable[Key] = self.terms.phrases

    def _add_concepts(self, ticker: str, first: int,
                      carried: Sequence[tuple[tuple[str, float], ...]]) -> None:
        """Each concept's points, weighed by how much each is about it and by how few of its
        thesis's points carry it (like a word's spread)."""
        n = len(carried)
        df: dict[str, int] = defaultdict(int)
        for point in carried:
            for concept, _ in point:
                df[concept] += 1
        single = bm25_idf(n, 1) if n > 1 else 1.0
        mine: dict[str, float] = {}
        for order, point in enumerate(carried):
            for concept, strength in point:
                idf = bm25_idf(n, df[concept])
                telling = max(th.WIDESPREAD_CONCEPT, idf / single) if df[concept] > 1 else 1.0
                depth = 1 + th.DEEPER * (strength - 1) if strength > 1 else strength ** 2
                self.concept_targets[concept].append((first + order, depth * telling))
                mine[concept] = max(min(1.0, strength), mine.get(concept, 0.0))
        self.concepts_of[ticker] = mine

    def covers_concept(self, concept: str, ticker: str | None = None,
                       strength: float = 1.0) -> bool:
        """Whether a point of the thesis (of any thesis, without `ticker`) is about it, or
        with a lower `strength`, speaks of it at all."""
        theses = [self.concepts_of.get(ticker, {})] if ticker else self.concepts_of.values()
        return any(mine.get(concept, 0.0) >= strength for mine in theses)

    def _informative(self, word: str, target: int) -> float:
        return self.spread[self._ticker_of[target]].get(word, 1.0)

    def _weigh(self, postings: dict[str, tuple[array[int], array[float]]],
               lengths: array[float]) -> None:
        """BM25 weights, precomputed per (word, point) in place of the raw frequencies:
        scoring is then a sum of lookups. Compact arrays, not lists of tuples: a 1,000-thesis
        book holds half a million."""
        total = len(lengths) or 1
        average = sum(lengths) / total or 1.0
        self.idf = {word: bm25_idf(total, len(found[0])) for word, found in postings.items()}
        norms = [th.BM25_K1 * (1 - th.BM25_B + th.BM25_B * length / average)
                 for length in lengths]
        self.postings = {
            word: (targets, array("f", [tf * (th.BM25_K1 + 1) / (tf + norms[target])
                                        for target, tf in zip(targets, tfs, strict=True)]))
            for word, (targets, tfs) in postings.items()}
        self._unseen_idf = max(self.idf.values(), default=1.0)  # a word the book never uses
        # In a large book, a word in more than half of all points tells almost nothing (its IDF
        # is near 0) and its postings are the longest: it is weighed, never walked.
        crowd = max(th.CROWDED_WORD_POINTS, total // 2)
        self._crowded = {word for word, (targets, _) in self.postings.items()
                         if len(targets) > crowd}

    def figures_by_value(self, numbers: Sequence[float]) -> list[tuple[str, str]]:
        """(ticker, figure id) of every figure whose value the question quotes."""
        return [found for n in numbers for found in self.values.get(value_key(n), ())]

    def quoted_figures(self, numbers: Sequence[float]) -> list[tuple[str, str, float]]:
        """(ticker, figure id, evidence) of each figure quoted by value: a telling number
        ("35.8%", "$19.1B", "241") is strong evidence, a round one ("10%", "300") weak, since
        many texts have one."""
        return [(ticker, fid, th.FIGURE_BY_VALUE if _telling(n) else th.ROUND_FIGURE)
                for n in numbers for ticker, fid in self.values.get(value_key(n), ())]

    def score(self, reading: Reading, skip: set[int],
              synonyms: Mapping[str, Sequence[str]] | None = None,
              named: bool = False) -> Evidence:
        """Evidence for each point from the question's words not at `skip` (those name a
        thesis or an intent), their `synonyms`, and figures it quotes by value. In a question
        that names its thesis (`named`), one everyday word is evidence enough ("alibaba
        fine"); in one that does not, it is weak ("can I get a fine for parking here")."""
        stems = [s for i, s in enumerate(reading.stems) if i not in skip]
        quality: dict[str, float] = {}
        for word, q in zip(reading.stems, reading.quality, strict=True):
            quality[word] = max(q, quality.get(word, 0.0))
        alternatives = {word: [(word, 1.0)] + [(other, th.SYNONYM) for other in
                                               (synonyms or {}).get(word, ())]
                        for word in stems}
        widened = list(dict.fromkeys(alt for word in stems for alt, _ in alternatives[word]))
        for word in stems:
            for other, share in alternatives[word][1:]:
                quality[other] = max(quality.get(other, 0.0), quality[word] * share)
        terms = self.terms.score(widened, quality, self._informative)
        scores = dict(terms)
        text, words = self._text_score(stems, quality, alternatives, named)
        for target, value in text.items():
            scores[target] = scores.get(target, 0.0) + th.TEXT_WEIGHT * value
        for ticker, fid, weight in self.quoted_figures(reading.numbers):
            for target in self.figure_targets.get((ticker, fid), ()):
                scores[target] = scores.get(target, 0.0) + weight
                terms[target] = terms.get(target, 0.0) + weight
        return Evidence(scores, max(terms.values(), default=0.0),
                        max(text.values(), default=0.0), self.terms.has_phrase(stems), words)

    def with_concepts(self, evidence: Evidence, concepts: Iterable[str]) -> Evidence:
        """The evidence, with what the concepts a question names add to the points that
        carry them."""
        scores = dict(evidence.points)
        get, share = scores.get, th.CONCEPT
        for concept in sorted(concepts):  # the same sums in every process
            for target, weight in self.concept_targets.get(concept, ()):
                scores[target] = get(target, 0.0) + share * weight
        return dataclasses.replace(evidence, points=scores)

    def _text_score(self, stems: Sequence[str], quality: dict[str, float],
                    alternatives: Mapping[str, Sequence[tuple[str, float]]],
                    named: bool) -> tuple[dict[int, float], dict[int, int]]:
        """BM25 of each point against the question's informative words, over their whole
        weight plus a prior (`th.TEXT_PRIOR`): a point holding all of a question's rare words
        scores near 1, one everyday word of its text ("trading", "forecast") little. A word
        counts once, through itself or its best synonym in that point."""
        asked = [s for s in dict.fromkeys(stems) if s not in self.stop and _wordlike(s)]
        if not asked:
            return {}, {}
        unseen = self._unseen_idf

        def weight(word: str) -> float:
            return self.idf.get(word, unseen) * self.plainness.get(word, 1.0) * quality[word]

        possible = th.TEXT_PRIOR
        text: dict[int, float] = defaultdict(float)
        telling: dict[int, int] = defaultdict(int)  # matched words that are not everyday
        words: dict[int, int] = defaultdict(int)  # matched words
        for word in asked:
            known = [(alt, share) for alt, share in alternatives[word] if alt in self.idf]
            possible += max((weight(alt) / quality[alt] * quality[word] for alt, _ in known),
                            default=weight(word))
            walked = [alt for alt, _ in known if alt not in self._crowded]
            best: dict[int, tuple[float, int]] = {}  # target -> its best value, how telling
            for alt in walked:
                alt_weight, step = weight(alt), 1 if self.plainness.get(alt, 1.0) < 1.0 else 2
                postings = zip(*self.postings[alt], strict=True)
                if len(walked) == 1:  # most words: no synonym the book uses, none to choose
                    best = {t: (v, step) for t, tf in postings if (v := alt_weight * tf) > 0.0}
                    continue
                for target, tf in postings:
                    if (value := alt_weight * tf) > best.get(target, _NOTHING)[0]:
                        best[target] = (value, step)
            for target, (value, step) in best.items():
                text[target] += value
                telling[target] += step
                words[target] += 1
        for target in text:
            text[target] /= possible
            if telling[target] < 2 and not named:  # one everyday word ("cover") alone
                text[target] *= th.LONE_EVERYDAY_WORD
        return text, words

    def best_by_thesis(self, scores: dict[int, float]) -> list[tuple[str, float]]:
        """Each thesis with evidence, best first: (ticker, its best point's score)."""
        best: dict[str, float] = {}
        ticker_of = self._ticker_of
        for target, score in scores.items():
            ticker = ticker_of[target]
            best[ticker] = max(score, best.get(ticker, 0.0))
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))

    def target_of(self, ticker: str, point: str) -> Target | None:
        return next((self.targets[t] for t in self.span(ticker) if self.targets[t].point == point),
                    None)

    def ranked(self, scores: dict[int, float], ticker: str | None = None,
               section: str | None = None, first: int | None = None
               ) -> list[tuple[Target, float]]:
        """Points best first (ties: reading order), optionally of one thesis or section, or
        only the `first` few."""
        among = scores if ticker is None else \
            {t: scores[t] for t in self.span(ticker) if t in scores}
        if section is not None:
            among = {t: s for t, s in among.items() if self.targets[t].section == section}
        if first is not None and len(among) > first:
            least = nlargest(first, among.values())[-1]  # only these can be among the first
            among = {t: s for t, s in among.items() if s >= least}
        ticker_of = self._ticker_of  # a thesis's points stand in reading order
        best = sorted(among, key=lambda t: (-among[t], ticker_of[t], t))[:first]
        return [(self.targets[t], among[t]) for t in best]

    def span(self, ticker: str) -> range:
        """The thesis's points: they stand together."""
        return self._spans.get(ticker, range(0))

    def uses(self, ticker: str, word: str) -> bool:
        """Whether the thesis says this word anywhere in its points or terms."""
        span = self.span(ticker)
        targets = self.postings.get(word, ((),))[0]
        if bisect_left(targets, span.stop) > bisect_left(targets, span.start):
            return True  # postings are in point order: one of its points says it
        return self.has_term(ticker, word)

    def has_term(self, ticker: str, word: str) -> bool:
        """Whether a point of the thesis has the word among its terms (keywords, id, title,
        figure subjects), not only in its prose."""
        return self.terms.holds(word, self.span(ticker))

    def titles(self, ticker: str | None, word: str) -> bool:
        """Whether a point of the thesis (of any, without `ticker`) has the word in its title."""
        return any(word in self.title_words.get(t, ()) for t in
                   ([ticker] if ticker else self.title_words))

    def point_says(self, target: int, word: str) -> bool:
        """Whether the point's own text says the word (postings are in point order)."""
        found = self.postings.get(word)
        if found is None:
            return False
        at = bisect_left(found[0], target)
        return at < len(found[0]) and found[0][at] == target

    def saying(self, word: str) -> set[int]:
        """The points whose own text says the word."""
        return set(self.postings[word][0]) if word in self.postings else set()

    def says(self, word: str) -> bool:
        """Whether any thesis says this word in its points or terms."""
        return word in self.postings or bool(self.terms.targets_of(word))

    def anchored(self, stems: Iterable[str]) -> set[str]:
        """Theses whose names no dictionary has (Qwen, cobot, Xuanwu) the question uses."""
        return {ticker for word in stems if word in self.anchors
                for ticker in self.names.get(word, ())}

    def anchored_alone(self, stems: Iterable[str]) -> set[str]:
        """Theses using a name no dictionary has that no other thesis uses ("Lingxi-1" beside
        "HBM", which three theses say): the question's strongest tie to a thesis it does not
        name."""
        return {ticker for word in stems if word in self.anchors
                and len(owners := self.names.get(word, ())) == 1 for ticker in owners}

    def owners_of_names(self, stems: Iterable[str]) -> set[str]:
        """Theses whose proper nouns (Qwen, ByteDance, Pentagon) the question uses; no everyday
        word, which only a longer name makes a proper noun (the "buy" of Best Buy)."""
        return {ticker for word in stems if word not in self._common
                for ticker in self.names.get(word, ())}
