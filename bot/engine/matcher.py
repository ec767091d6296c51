"""The Engine: indexes built once from the book of theses, then question -> Answer.

One path, each step handing scored candidates to the next:

    read      clean, expand, spell-correct                      -> Reading
    resolve   theses the question names                         -> named tickers
    classify  intents, by their phrases                         -> Intents (scored)
    retrieve  points of every thesis in the book                -> point scores
    decide    the book question (list / compare / search), or one thesis and its card, or
              "which thesis?", or an honest "I don't know"       -> Answer (+ its trace)

Every threshold is named in `thresholds.py`. `Answer.trace` says why a question got its card
(`thesis ask --explain` prints it).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from heapq import nsmallest
from pathlib import Path

from bot.engine import thresholds as th
from bot.engine.answer import (
    BOOK_CARDS,
    CARD_OF_SECTION,
    SECTION_OF_CARD,
    Alternative,
    Answer,
    Card,
    Match,
)
from bot.engine.classify import Intents, as_pronouns, classify, intent_table
from bot.engine.clean import clean_text
from bot.engine.concepts import ConceptTable, Mention
from bot.engine.english import english_words, familiar_words, frequent_words
from bot.engine.family import Related
from bot.engine.index import BookIndex, Evidence, Target, stop_words, thesis_text
from bot.engine.reading import Reading, read
from bot.engine.resolve import Names
from bot.engine.retrieve import ThesisIndex
from bot.engine.vocabulary import Key, Phrases, Speller, term_key, term_words
from bot.knowledge.loader import Knowledge, load_all
from bot.knowledge.models import Thesis

# The `type: ignore[arg-type]`/`[assignment]` below pass an intent name (a str from classify)
# where a Card is expected: every intent name is a card (IntentName in bot/knowledge/models.py,
# checked when the intents load), which the str scores of Intents do not carry.
SURE = th.SURE
UNSURE = th.UNSURE

_HORIZON_WORDS = {"near": "near", "short": "near", "shorter": "near", "medium": "medium",
                  "mid": "medium", "long": "long", "longer": "long"}
_HORIZON_NOUNS = ("term", "run", "dated", "horizon")
_SECTION_CARDS = ("bull", "bear", "risk", "catalyst")
_BOOK_INTENTS = ("list", "search")
# Words asking what a text says, not what it is exposed to: "which theses mention China?"
_MENTIONING = frozenset({"mention", "mentions", "mentioned", "mentioning", "say", "says",
                         "said", "talk", "talks", "discuss", "discusses", "cite", "cites"})
_EXPOSED = frozenset({"exposed", "exposure", "exposures"})
_WHICH = frozenset({"which", "who", "whose", "any", "anyone", "anything"})
# ... and the words that frame a search rather than say its topic.
_SEARCHING = _MENTIONING | frozenset({"exposed", "exposure", "exposures", "sensitive",
                                      "sensitivity", "affected", "hit", "about"})
# A comparison asked in so many words: "compare", "side by side".
_COMPARING = frozenset({"compare", "comparison", "side"})
# Words that set two names side by side; without one, "what % of Hanhai revenue is Alibaba
# Cloud" asks of the thesis that names the other.
_JOINING = frozenset({"and", "or", "vs", "versus", "&", "both", "between", "against", "plus"})
# Words that point back at the thesis a conversation is about: "what about its valuation?"
_POINTING = frozenset({"it", "its", "they", "their", "them", "company", "stock", "name"})


class _Theses(Mapping[str, Thesis]):
    """The theses, read through their indexes (which may load lazily, see bot/book/cache.py)."""

    def __init__(self, indexes: Mapping[str, ThesisIndex]) -> None:
        self._indexes = indexes

    def __getitem__(self, ticker: str) -> Thesis:
        return self._indexes[ticker].thesis

    def __iter__(self) -> Iterator[str]:
        return iter(self._indexes)

    def __len__(self) -> int:
        return len(self._indexes)


@dataclass
class _Findings:
    """What the first four steps found, handed to `_decide`."""

    question: str
    reading: Reading
    named: list[str]
    name_positions: set[int]
    intents: Intents
    strong: list[tuple[str, float]]  # decisive intents, best first, after framing rules
    scores: dict[int, float]  # point (BookIndex target) -> evidence
    found: Evidence
    by_thesis: list[tuple[str, float]]  # thesis -> its best point's evidence, best first
    mentions: list[Mention]  # concepts of the trade the question names
    literal: Evidence  # the question's own words alone, without concepts: what a text says
    following: bool = False  # `named` is the conversation's thesis, not the question's
    uncovered: str = ""  # the words of the subject the chosen thesis has nothing on
    telling: bool = False  # the subject holds a term of art or of a concept
    lacking: int = 0  # how many of the subject's words the chosen thesis has nothing on
    guessed: bool = False  # a thesis chosen by its words alone, in a book of several
    business: str = ""  # a business of the thesis named, one it does not cover ("Taobao")
    freed: set[int] = field(default_factory=set)  # a yardstick's name, read as text words
    trace: list[str] = field(default_factory=list)

    @property
    def intent(self) -> str | None:
        return self.strong[0][0] if self.strong else None

    @property
    def evidence(self) -> float:
        return self.by_thesis[0][1] if self.by_thesis else 0.0

    @property
    def trade(self) -> set[int]:
        """The positions of the question's words naming a concept of the trade."""
        return {i for m in self.mentions for i in m.positions}

    def evidence_for(self, ticker: str) -> float:
        return next((s for t, s in self.by_thesis if t == ticker), 0.0)


class Engine:
    """Answers questions about the loaded theses. Build once, call `answer` many times."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.theses: Mapping[str, Thesis] = dict(knowledge.theses)
        self.problems = list(knowledge.problems)
        vocabulary = self._vocabulary = knowledge.vocabulary
        common_words = vocabulary.words() if vocabulary else []
        self._common = {w for text in common_words for w in term_key(text)}
        self._abbreviations = {short: term_key(long) for short, long in
                               (vocabulary.abbreviations if vocabulary else {}).items()}
        small_talk = vocabulary.small_talk if vocabulary else []
        self._small_talk = {term_key(text) for text in small_talk}
        self._existence = {term_key(text) for text in
                           (vocabulary.existence if vocabulary else [])}
        self._colleagues = {term_key(text) for text in
                            (vocabulary.colleagues if vocabulary else [])}
        self._as_written = Phrases(vocabulary.as_written if vocabulary else [])
        self._synonyms: dict[str, tuple[str, ...]] = {}
        for group in vocabulary.synonyms if vocabulary else []:
            stems = [key[0] for word in group if len(key := term_key(word)) == 1]
            for word in stems:  # a word in two groups has the synonyms of both
                self._synonyms[word] = tuple(dict.fromkeys(
                    [*self._synonyms.get(word, ()), *(s for s in stems if s != word)]))
        unspaced = sorted(
            {t for spec in knowledge.intents.values() for t in [*spec.terms, *spec.hints]
             if not t.isascii()}
            | {a for thesis in self.theses.values() for a in thesis.names() if not a.isascii()}
            | {t for concept in knowledge.concepts.values() for t in concept.terms
               if not t.isascii()}
            | {w for w in common_words if not w.isascii()},
            key=len, reverse=True)  # longest first: 阿里巴巴 before 阿里
        self._unspaced = re.compile("|".join(map(re.escape, unspaced)), re.IGNORECASE) \
            if unspaced else None
        self._intents = intent_table(knowledge.intents, self._common,
                                     vocabulary.ordinary_phrases if vocabulary else [])
        self._concepts = ConceptTable(knowledge.concepts)
        # "catalysts", "triggers": the catalyst intent's words asking for its list
        self._listing = {term for term in knowledge.intents["catalyst"].terms
                         if " " not in term and term.endswith("s")} \
            if "catalyst" in knowledge.intents else set()
        self._leans = {word: SECTION_OF_CARD[name] for name, spec in knowledge.intents.items()
                       if name in SECTION_OF_CARD for word in spec.leans}
        stop = stop_words(self._common)
        shorthand = vocabulary.abbreviations if vocabulary else {}
        english = english_words()
        self._familiar = familiar_words()
        self._framing_or_familiar = self._familiar | self._leans.keys()
        self._book = BookIndex((thesis_text(thesis, Names.name_words(thesis), stop, shorthand,
                                            english, self._concepts, self._as_written)
                                for thesis in self.theses.values()), self._common)
        self._names = Names(self.theses.values(), self._common, self._intents,
                            self._book.acronyms)
        self._indexes: Mapping[str, ThesisIndex] = {
            thesis.ticker: ThesisIndex(thesis, self._names.single_words(thesis.ticker),
                                       self._common)
            for thesis in self.theses.values()}
        # A concept's words are the trade's own: never "corrected" (inexpensive is not expensive).
        self.speller = Speller(english=english | self._concepts.forms
                               | {w for text in small_talk for w in term_words(text)})
        # Concept words that are everyday English too ("order", "cheap"): kept apart, so that
        # answering never loads the dictionary (`thesis ask` from the cache).
        self._everyday_concept_words = self._concepts.forms & english
        # The most frequent of the ordinary words ("new", "big"): no measure's telling word.
        self._everyday = self._common & {w for word in frequent_words() for w in term_key(word)}
        self.speller.add(w for text in common_words for w in term_words(text))
        for spec in knowledge.intents.values():
            self.speller.add(w for text in [*spec.terms, *spec.hints] for w in term_words(text))
        self.speller.add(self._names.words, names=True)
        self.speller.add(self._book.words)
        # a word in many points is kin to little: walking its postings is what makes a large
        # book slow (as a crowded word's are not walked), for little evidence
        self._related = Related(self._synonyms, (w for w, (points, _) in self._book.postings.items()
                                                 if len(points) <= th.CROWDED_WORD_POINTS))

    @property
    def indexes(self) -> Mapping[str, ThesisIndex]:
        return self._indexes

    def with_indexes(self, indexes: Mapping[str, ThesisIndex]) -> Engine:
        """This engine over another store of per-thesis indexes (the on-disk cache's, which
        loads a thesis only when a question needs it)."""
        engine = copy.copy(self)
        engine._indexes = indexes
        engine.theses = _Theses(indexes)
        return engine

    @classmethod
    def from_dirs(cls, knowledge_dir: Path, intents_dir: Path,
                  today: dt.date | None = None) -> Engine:
        return cls(load_all(knowledge_dir, intents_dir, today))

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(sorted(self.theses))

    def covered_theses(self) -> list[Thesis]:
        return [self.theses[t] for t in self.covered]

    def answer(self, question: str, about: str | None = None) -> Answer:
        """The card for a question. `about`: the thesis the conversation is about (a thread's
        or a DM's last answer), taken when the question names none and does not ask about
        the book ("and the catalysts?", "what about its valuation?")."""
        text = self._space_out(clean_text(question))
        reading = read(text, self.speller, self._abbreviations, self._as_written.positions)
        if not reading.tokens:
            return Answer(question, "help", confidence=1.0, covered=self.covered,
                          reason="empty", trace=("nothing to read: help",))
        answer = self._decide(self._find(question, text, reading, about))
        if reading.corrected:
            answer = dataclasses.replace(answer, read_as=" ".join(reading.corrected))
        return answer

    def _evidence(self, reading: Reading, found: Intents, name_positions: set[int],
                  named: list[str]) -> tuple[Evidence, Evidence, list[Mention]]:
        """The points' evidence from the question's own words alone, and with the concepts
        they name; and those concepts."""
        taken = found.positions | name_positions
        written = [reading.token_at(i).text if reading.token_at(i).stem == stem else None
                   for i, stem in enumerate(reading.stems)]  # as typed, not corrected
        mentions = self._concepts.find(reading.stems, taken, written)
        concepts = self._telling_concepts(reading, mentions, taken, named)
        # an everyday word no thesis says ("pushback", "grab") is chat: it dilutes a question's
        # evidence as an everyday word does, not as a rare term the book lacks
        chat = [q * th.EVERYDAY_WORD if not reading.known[i]
                and reading.token_at(i).text in self.speller.english else q
                for i, q in enumerate(reading.quality)]
        literal = self._book.score(dataclasses.replace(reading, quality=chat), taken,
                                   self._related, named=bool(named))
        evidence = self._book.with_concepts(literal, concepts) if concepts else literal
        return literal, evidence, mentions

    def _telling_concepts(self, reading: Reading, mentions: list[Mention],
                          taken: set[int], named: list[str]) -> set[str]:
        """The concepts that count as evidence. None when the question holds a
        word the book does not know ("who is the CEO", "Taobao GMV"): its subject is
        something the book never speaks of, whatever concept its other words name; unless
        those words are everyday English and the concept is named by a phrase of the trade
        ("do the leases have take-or-pay or can tenants flex down?", "are they retiring stock
        aggressively?", a thesis named or not: a small book knows few everyday words). Nor a
        concept named only by ordinary words ("earnings", "growth"), nor, in a question naming
        no thesis, by one everyday word ("order", "forecast"), which may mean anything."""
        strangers = [i for i, stem in enumerate(reading.stems)
                     if not reading.known[i] and stem.isalpha() and i not in taken
                     and stem not in self._concepts.words
                     and not (named and reading.token_at(i).original.isupper())]  # peer: EQIX
        chat = all(reading.token_at(i).text in self.speller.english for i in strangers)
        telling: set[str] = set()
        for mention in mentions:
            if strangers and not (chat and len(mention.positions) > 1):
                continue
            stems = [reading.stems[i] for i in mention.positions]
            if len(stems) == 1 and stems[0] in self._common:
                continue
            if not named and len(stems) == 1 and \
                    reading.token_at(mention.positions[0]).text in self._everyday_concept_words:
                continue
            telling.add(mention.concept)
        return telling

    def _space_out(self, text: str) -> str:
        """Scripts written without spaces (阿里云的风险是什么): set known terms apart."""
        if text.isascii() or self._unspaced is None:
            return text
        return self._unspaced.sub(r" \g<0> ", text)

    def answer_for(self, ticker: str, card: Card, point: str | None = None,
                   question: str = "", figure: str | None = None,
                   horizon: str | None = None) -> Answer:
        """A card asked for by id (a button, a deep link): no matching, full confidence.
        Ids that no longer exist (a thesis edited since the button was sent) are dropped."""
        thesis = self.theses.get(ticker)
        if thesis is None:
            return self._unknown(question, subject=ticker)
        if card in BOOK_CARDS:
            card = "overview"  # a book card has no single thesis to open
        if point is not None and thesis.point(point) is None:
            point = None
        if figure is not None and thesis.figure(figure) is None:
            figure = None
        if horizon not in ("near", "medium", "long"):
            horizon = None
        return Answer(question or f"{ticker} {card}", card, thesis, point=point, figure=figure,
                      horizon=horizon, confidence=1.0, covered=self.covered)

    # -- finding -----------------------------------------------------------------------------

    def _find(self, question: str, text: str, reading: Reading,
              about: str | None = None) -> _Findings:
        named, name_positions = self._names.resolve(text, reading)
        # "how's Taobao doing?": a business of a thesis is a name, as the thesis's own names
        # are, and no evidence for any point (a rival's thesis names Taobao too)
        businesses = self._names.businesses(reading)
        name_positions = name_positions.union(*(at for _, _, at in businesses))
        # A thesis named, "list" asks nothing of the book: "Qilin's HK listing", "lands on the
        # Entity List" are its subject, and "list BABA's risks" asks for the risks
        found = classify(reading, self._intents, self._book.phrases, name_positions,
                         ignore=("list",) if named else ())
        asks = {n for n, _ in found.strong}
        following = about is not None and not named and about in self.theses \
            and not asks & set(_BOOK_INTENTS)
        literal, evidence, mentions = self._evidence(reading, found, name_positions,
                                                     [about] if following and about else named)
        pointing = bool(_POINTING & {token.text for token in reading.tokens})
        if following and not asks - {"help"} and not pointing and about is not None and \
                max((s for t, s in evidence.points.items()
                     if self._book.targets[t].ticker == about), default=0.0) < th.POINT:
            # "thanks!", "what's the weather": not about the conversation's thesis
            following = False
            literal, evidence, mentions = self._evidence(reading, found, name_positions, named)
        if following and about is not None:
            named = [about]
        scores = self._with_phrases(reading, found.positions | name_positions, evidence.points)
        by_thesis = self._book.best_by_thesis(scores)
        among = self._names.described_among(reading) if not named else set()
        if among:  # "the short-video name": one of the theses it fits
            by_thesis = [(t, s) for t, s in by_thesis if t in among]
        findings = _Findings(question, reading, named, name_positions, found,
                             _framed(found, scores, named), scores, evidence, by_thesis,
                             mentions, literal, following=following)
        trace = findings.trace
        trade = findings.trade  # "de minimis" is no one's name
        for owner, business, at in businesses:
            others = self._book.anchored(
                stem for i, stem in enumerate(reading.stems) if i not in at | trade) - {owner}
            if named and named != [owner] or not named and others:
                continue  # "is Douyin taking share from Taobao?": a name another thesis uses
            findings.named = named = named or [owner]
            findings.business = business
            break
        trace.append("words: " + " ".join(
            s if q == 1.0 else f"{s}~{q:.2f}" for s, q in zip(reading.stems, reading.quality,
                                                             strict=True)))
        trace.append(f"named: {', '.join(named) or '-'}"
                     + (" (the conversation's)" if following else "")
                     + (f" ({findings.business} is a business of it)" if findings.business
                        else ""))
        trace.append("concepts: " + (", ".join(dict.fromkeys(m.concept for m in mentions))
                                     or "-"))
        trace.append("intents: " + (", ".join(f"{n} {s:.2f}" for n, s in found.scores) or "-"))
        trace.append(f"best terms {evidence.terms:.2f}, best text coverage "
                     f"{evidence.coverage:.2f}")
        trace.append("theses by evidence: " + (
            ", ".join(f"{t} {s:.2f}" for t, s in by_thesis[:5]) or "-"))
        for target, score in self._book.ranked(scores, first=3):
            trace.append(f"  point {target.ticker}/{target.point} ({target.section}) "
                         f"{score:.2f}")
        return findings

    def _with_phrases(self, reading: Reading, taken: set[int], scores: dict[int, float]
                      ) -> dict[int, float]:
        """The best points' evidence, with a bonus for each pair of the question's words a
        point says together ("new arms", "share count"): word bags do not see order."""
        stems = reading.stems
        pairs = [[stems[i], stems[i + 1]] for i in range(len(stems) - 1)
                 if not {i, i + 1} & taken and stems[i].isalpha() and stems[i + 1].isalpha()
                 and stems[i] not in self._book.stop and stems[i + 1] not in self._book.stop
                 and not {stems[i], stems[i + 1]} <= self._everyday]
        if not pairs or not scores:
            return scores
        best = [t for t in nsmallest(th.FEW_POINTS, scores, key=lambda t: -scores[t])
                if scores[t] >= th.POINT]
        bonus: dict[int, float] = defaultdict(float)
        for target in best:
            for pair in pairs:
                if self._book.point_says(target, pair[0]) \
                        and self._book.point_says(target, pair[1]) \
                        and self._says_together(target, pair):
                    bonus[target] += th.PHRASE_BONUS
        return {t: s + bonus[t] for t, s in scores.items()} if bonus else scores

    # -- deciding ----------------------------------------------------------------------------

    def _decide(self, f: _Findings) -> Answer:
        book_answer = self._book_question(f)
        if book_answer is not None:
            return book_answer
        if not f.named:
            refusal = self._unnamed_refusal(f)
            if refusal is not None:
                return refusal
            if f.intent == "help":
                return self._done(f, Answer(f.question, "help",
                                            confidence=min(1.0, f.strong[0][1]),
                                            covered=self.covered, reason="help"), "help")
            if not self.theses:
                return self._done(f, self._unknown(f.question, reason="no theses"), "no theses")
            ticker = self._thesis_by_evidence(f)
            if ticker is None:
                return self._which_thesis(f)
            if f.guessed and self._stranger_to(f, ticker):
                return self._done(f, self._unknown(f.question, reason="off topic"),
                                  f"off topic: one word shared with {ticker}")
        else:
            ticker = f.named[0]
            if f.business:  # its nearest points offered beside "doesn't cover Taobao"
                return self._done(f, self._not_in_thesis(f.question, ticker, f.business, f),
                                  f"{ticker}'s thesis does not cover {f.business}")
            elsewhere = self._covered_elsewhere(f, ticker)
            if elsewhere is not None:
                return elsewhere
            subject = self._uncovered(f, ticker)
            held = self._words_held(f, ticker)
            if subject is not None and held >= th.COVERED_WORDS \
                    and f.lacking < th.LACKING_WORDS:
                f.trace.append(f"its best point holds {held} of the question's words: "
                               f"covered, whatever else it never says")
                subject = None
            if subject is not None:
                return self._done(f, self._not_in_thesis(f.question, ticker, subject, f),
                                  f"{ticker} has nothing on {subject!r}")
        index = self._indexes[ticker]
        return self._thesis_card(f, index)

    def _done(self, f: _Findings, answer: Answer, why: str) -> Answer:
        f.trace.append(f"decision: {why} -> {answer.card}"
                       + (f" {answer.ticker}" if answer.ticker else "")
                       + (f"/{answer.point}" if answer.point else "")
                       + f" (confidence {answer.confidence:.2f})")
        return dataclasses.replace(answer, trace=tuple(f.trace),
                                   following=f.following and answer.ticker in f.named)

    def _book_question(self, f: _Findings) -> Answer | None:
        """Questions about the book rather than one thesis: list, compare, search."""
        asks = {n for n, _ in f.intents.strong}
        if len(f.named) >= 2:
            subject = self._weighed_against(f)
            if subject is None:
                return self._compare(f)
            f.named = [subject, *(t for t in f.named if t != subject)]
            f.trace.append(f"{subject}'s thesis names the other: the other is its yardstick")
            self._yardstick_as_evidence(f, f.named[1])
            return None
        typed = {token.text for token in f.reading.tokens}
        if _MENTIONING & typed and _WHICH & typed and not f.named and self._topic(f):
            asks.add("search")  # "who mentions tariffs?"
        if f.named or not asks & set(_BOOK_INTENTS):
            return None
        topic = [t for t, _ in self._book.ranked({t: s for t, s in f.scores.items()
                                                  if s >= th.POINT})]
        section = next((SECTION_OF_CARD[n] for n, _ in f.strong if n in SECTION_OF_CARD), None)
        if section == "bear" and _EXPOSED & typed:
            section = None  # "which theses have exposure to China?" asks no section
        if "search" in asks and (self._topic(f) or section):
            return self._search(f, section)
        others = asks - set(_BOOK_INTENTS) - {"help"}
        subject = self._uncovered(f, None)
        words = self._topic(f)
        unsaid = [i for i, word in words if not self._book.says(word)]
        if subject is None and not topic and unsaid and \
                len(unsaid) == len(words):  # "…has an underfunded pension plan?"
            subject = " ".join(f.reading.token_at(i).original for i in unsaid)
        if subject is not None:
            return self._not_in_book(f, subject)
        if ("list" in asks or "search" in asks) and not topic and not others:
            matches = tuple(Match(self.theses[t], "overview") for t in self.covered)
            return self._done(f, Answer(f.question, "list", confidence=1.0, matches=matches,
                                        covered=self.covered), "the book asked for")
        return None

    def _yardstick_as_evidence(self, f: _Findings, other: str) -> None:
        """The yardstick's name is words of the subject's own text: "when does Yunqiao's
        contract with Alibaba Cloud run out?" is the point that says Alibaba Cloud. Its
        confidence still rests on the question's other words (`literal` is kept)."""
        freed = self._names.naming(f.reading, other)
        if not freed:
            return
        f.freed = freed
        taken = f.name_positions - freed
        _, f.found, f.mentions = self._evidence(f.reading, f.intents, taken, f.named)
        f.scores = self._with_phrases(f.reading, f.intents.positions | taken, f.found.points)
        f.by_thesis = self._book.best_by_thesis(f.scores)
        f.strong = _framed(f.intents, f.scores, f.named)
        best = self._book.ranked(f.scores, f.named[0], first=1)
        f.trace.append(f"{other}'s name read as words of {f.named[0]}'s text"
                       + (f": best point {best[0][0].point} {best[0][1]:.2f}" if best else ""))

    def _weighed_against(self, f: _Findings) -> str | None:
        """Of two theses named, the one whose own text names the other, when the question
        asks of it what one of its points answers: "is Tianlan cheap next to Ali?" asks
        Tianlan's thesis, which weighs itself against Alibaba. None when each names the
        other, or the question asks for a comparison in so many words ("compare", "side by
        side"): then both, side by side."""
        if len(f.named) != 2 or _COMPARING & {t.text for t in f.reading.tokens}:
            return None
        first, second = f.named
        naming = [a for a, b in ((first, second), (second, first))
                  if any(self._book.uses(a, w) for w in self._names.single_words(b))]
        joined = _JOINING & {t.text for t in f.reading.tokens}  # "BABA vs Tianlan bull case"
        if len(naming) != 1 or f.evidence_for(naming[0]) < th.POINT and joined:
            return None
        return naming[0]

    def _not_in_book(self, f: _Findings, subject: str) -> Answer:
        """No thesis in the book has anything on the subject."""
        answer = dataclasses.replace(self._unknown(f.question, reason="not in book"),
                                     topic=subject)
        return self._done(f, answer, f"no thesis has anything on {subject!r}")

    def _compare(self, f: _Findings) -> Answer:
        """Two or more theses named: the same card of each, side by side."""
        card: Card = f.intent if f.intent in (*_SECTION_CARDS, "overview", "figures") \
            else "overview"  # type: ignore[assignment]
        matches = []
        for ticker in f.named[: th.COMPARED]:
            ranked = self._book.ranked(f.scores, ticker, SECTION_OF_CARD.get(card))
            point = ranked[0][0].point if ranked and ranked[0][1] >= th.POINT else None
            point_card = card if point is None or card in SECTION_OF_CARD else \
                CARD_OF_SECTION[ranked[0][0].section]
            matches.append(Match(self.theses[ticker], point_card, point))
        answer = Answer(f.question, "compare", confidence=th.BOOK_CARD, matches=tuple(matches),
                        covered=self.covered)
        return self._done(f, answer, f"{len(f.named)} theses named")

    def _search(self, f: _Findings, section: str | None) -> Answer:
        """Theses whose own text says the question's topic ("which theses mention China?");
        asked about exposure rather than mentions, also through the topic's synonyms and the
        concept it names ("exposed to rate cuts"). Each thesis once, with its best such point
        and how many of its points say it, most first; a section asked narrows to its points.
        A section with no topic ("what catalysts are coming across the book") lists them by
        date."""
        typed = {token.text for token in f.reading.tokens}
        taken = f.intents.positions | f.name_positions
        topic = [(i, word) for i, word in enumerate(f.reading.stems)
                 if i not in taken and word.isalpha() and word not in self._book.stop
                 and f.reading.token_at(i).text not in _SEARCHING]
        if not topic and section is not None:
            return self._section_by_date(f, section)
        literal = bool(_MENTIONING & typed)
        covered: dict[int, set[int]] = defaultdict(set)  # point -> the topic words it says
        unreached: list[int] = []
        for i, word in topic:
            here = self._book.saying(word)
            if not literal:  # exposure: also its synonyms, and the points about its concept
                for other in self._related.get(word, ()):
                    here |= self._book.saying(other)
                for mention in f.mentions:
                    if i in mention.positions:
                        here |= {n for n, weight in
                                 self._book.concept_targets.get(mention.concept, ())
                                 if weight >= th.SEARCH_CONCEPT}
            for n in here:
                covered[n].add(i)
            if not here and word not in self._common:
                unreached.append(i)
        if not literal:  # a concept asked that no thesis speaks of ("S&P 500 inclusion")
            unreached += [i for m in f.mentions if len(m.positions) > 1 and not
                          self._book.covers_concept(m.concept, None, th.CONCEPT_SPOKEN_OF)
                          for i in m.positions if i not in unreached]
        if unreached and not literal:  # "which of our names hold bitcoin": none has the subject
            return self._not_in_book(f, " ".join(f.reading.token_at(i).original
                                                 for i in sorted(unreached)))
        words = [word for _, word in topic]
        most = max(map(len, covered.values()), default=0)
        if literal:  # every word, said together: "rate cuts", not "tariff rates … cuts them"
            points = {n for n, said in covered.items() if len(said) == len(words)
                      and (len(words) == 1 or self._says_together(n, words))}
        else:  # the most of the topic any point says ("carry regulatory risk": regulatory)
            points = {n for n, said in covered.items() if len(said) == most}
        found: dict[str, list[int]] = defaultdict(list)
        for n in sorted(points):
            if section is None or self._book.targets[n].section == section:
                found[self._book.targets[n].ticker].append(n)
        if section is None:  # the thesis's own title and summary say it, if no point does
            for ticker, prose in self._book.prose_words.items():
                if set(words) <= prose:
                    found.setdefault(ticker, [])
        if not found:
            return self._not_in_book(f, " ".join(f.reading.token_at(i).original
                                                 for i, _ in topic))

        def strength(target: int) -> float:
            return f.literal.points.get(target, 0.0)

        ranked = sorted(found.items(), key=lambda kv: (
            -len(kv[1]), -max(map(strength, kv[1]), default=0.0), kv[0]))
        matches = []
        for ticker, targets in ranked[: th.SEARCH_RESULTS]:
            best = max(targets, key=lambda n: (strength(n), -n), default=None)
            target = self._book.targets[best] if best is not None else None
            matches.append(Match(self.theses[ticker],
                                 CARD_OF_SECTION[target.section] if target else "overview",
                                 target.point if target else None,
                                 round(strength(best), 3) if best is not None else 0.0,
                                 len(targets)))
        # "which names have the highest short interest?": no one point says all of it
        partly = not literal and len(words) > most
        answer = Answer(f.question, "search",
                        confidence=th.PARTLY_COVERED if partly else th.BOOK_CARD,
                        matches=tuple(matches), covered=self.covered,
                        more=max(0, len(ranked) - th.SEARCH_RESULTS),
                        topic=" ".join(f.reading.token_at(i).original for i, _ in topic)
                        if partly else "")
        return self._done(f, answer, f"{len(ranked)} theses say "
                          + ("part of it" if partly else "it")
                          + (" (mentions only)" if literal else ""))

    def _unsaid_phrase(self, ticker: str | None, mentions: list[Mention],
                       stems: Sequence[str]) -> bool:
        """Whether a phrase of two telling words names a concept the thesis (any thesis,
        without `ticker`) is not about, and the thesis never says the phrase: "dividend yield"
        asks for a measure that a thesis naming dividends in passing does not give. ("The new
        plant" is its one telling word, the plant.)"""
        named: dict[tuple[int, ...], list[str]] = defaultdict(list)
        for m in mentions:  # a phrase of two concepts ("dry powder") is covered by either
            named[m.positions].append(m.concept)
        return any(len([p for p in at if stems[p] not in self._everyday]) > 1
                   and not any(self._book.covers_concept(c, ticker) for c in concepts)
                   and not self._says_phrase(ticker, [stems[p] for p in at])
                   for at, concepts in named.items())

    def _says_phrase(self, ticker: str | None, words: list[str]) -> bool:
        """Whether a point of the thesis (of any, without `ticker`) says the phrase, in its
        text or as one of its terms."""
        mine: Container[int] = self._book.span(ticker) if ticker else range(len(self._book.targets))
        if any(t in mine for t in self._book.terms.targets_of_key(tuple(words))):
            return True
        return any(self._says_together(t, words) for t in self._book.saying(words[0])
                   if t in mine)

    def _says_together(self, target: int, words: list[str]) -> bool:
        """Whether the point's own text says the words as one phrase, in order, a word or two
        between them at most."""
        where = self._book.targets[target]
        found = self.theses[where.ticker].point(where.point)
        if found is None:
            return False
        point = found[1]
        for text in (point.title, getattr(point, "summary", None) or "", point.detail):
            stems, said = _stems_of(text)
            if not said.issuperset(words):
                continue
            for start, stem in enumerate(stems):
                if stem == words[0] and _in_order(stems, words[1:], start + 1):
                    return True
        return False

    def _section_by_date(self, f: _Findings, section: str) -> Answer:
        """Every point of a section across the book: catalysts by date (those with none by
        horizon), those already decided last."""
        def when(target: Target) -> tuple[bool, dt.date, int, str, int]:
            found = self.theses[target.ticker].point(target.point)
            point = found[1] if found else None
            timing = getattr(point, "timing", None)
            day = timing.when.end if timing is not None else dt.date.max
            return (_settled(self.theses[target.ticker], target), day,
                    _HORIZON_ORDER.get(getattr(point, "horizon", ""), 3), target.ticker,
                    target.order)

        targets = sorted((t for t in self._book.targets if t.section == section), key=when)
        matches = tuple(Match(self.theses[t.ticker], CARD_OF_SECTION[section], t.point)
                        for t in targets[: th.SEARCH_RESULTS])
        answer = Answer(f.question, "search", confidence=th.BOOK_CARD, matches=matches,
                        covered=self.covered, more=max(0, len(targets) - th.SEARCH_RESULTS))
        return self._done(f, answer, f"every point of {section} across the book, by date")

    def _unnamed_refusal(self, f: _Findings) -> Answer | None:
        """A question naming no thesis that names a company we do not cover, or that is
        about something else altogether."""
        asks_case = bool({n for n, _ in f.strong} & {"bull", "bear", "overview", "catalyst"})
        subject = self._names.unknown_subject(
            f.reading, f.intents.starts, asks=bool(f.strong) and f.evidence < th.POINT,
            asks_case=asks_case, anchors=self._book.anchors,
            trade=f.trade)
        if subject is not None:
            return self._done(f, self._unknown(f.question, subject=subject),
                              f"names {subject}, which no thesis covers")
        if self._off_topic(f) or self._small_talk_in(f):
            return self._done(f, self._unknown(f.question, reason="off topic"), "off topic")
        if self._asks_colleagues(f):
            return self._done(f, self._unknown(f.question, reason="off topic"),
                              "asks the people in the channel, not the bot")
        subject = self._uncovered(f, None)
        if subject is not None:
            return self._not_in_book(f, subject)
        return None

    def _asks_colleagues(self, f: _Findings) -> bool:
        """Whether the question is put to the people in the channel ("does anyone know…"):
        from its first word, or from any word when nothing in it is evidence for a point ("Hi
        all, sorry to bother you, does anyone know…": a greeting is no request for help)."""
        stems = f.reading.stems
        if f.evidence < th.POINT:
            return _says_any(stems, self._colleagues)
        return any(tuple(stems[:len(key)]) == key for key in self._colleagues)

    def _thesis_by_evidence(self, f: _Findings) -> str | None:
        """The thesis a question naming none is about: the only one, or the one whose
        points clearly win. None when several fit about equally (or none does)."""
        if len(self.theses) == 1:
            return next(iter(self.theses))
        if f.evidence < th.POINT:
            f.trace.append("no point evidence for any thesis")
            return None
        runner_up = f.by_thesis[1][1] if len(f.by_thesis) > 1 else 0.0
        best = f.by_thesis[0][0]
        own_coined = self._book.anchored_alone(w for w in f.reading.stems
                                               if w not in self._names.rival_words)
        coined = own_coined or self._book.anchored(f.reading.stems)
        if len(coined) == 1 and (only := next(iter(coined))) != best \
                and f.evidence_for(only) >= th.POINT:
            f.trace.append(f"only {only} uses a name the question does (no dictionary has it)")
            return only
        if runner_up >= th.CLEAR_WIN * f.evidence:
            close = {t for t, s in f.by_thesis if s >= th.CLEAR_WIN * f.evidence}
            named = own_coined & close or self._book.owners_of_names(f.reading.stems) & close
            if len(named) == 1:  # "the Sofia Marin deal": only one of them knows her
                f.trace.append(f"{best} and {f.by_thesis[1][0]} fit about equally; only "
                               f"{next(iter(named))} uses a name the question does")
                f.guessed = True
                return next(iter(named))
            held = sorted(((self._words_held(f, t), t) for t in close), reverse=True)
            if held[0][0] >= held[1][0] + th.MORE_WORDS:
                f.trace.append(f"{best} and {f.by_thesis[1][0]} fit about equally; "
                               f"{held[0][1]}'s point holds {held[0][0]} of the question's "
                               f"words, the others at most {held[1][0]}")
                return held[0][1]
            f.trace.append(f"{best} and {f.by_thesis[1][0]} fit about equally: which thesis?")
            return None
        f.trace.append(f"{best} wins on evidence")
        f.guessed = runner_up >= th.RIVAL_THESIS * f.evidence or not (
            f.found.phrase or f.found.terms >= th.MULTIWORD
            or self._book.owners_of_names(f.reading.stems) == {best})
        return best

    def _words_held(self, f: _Findings, ticker: str) -> int:
        """How many of the question's words the text of the thesis's best point holds."""
        mine = [(f.scores[t], t) for t in self._book.span(ticker) if t in f.scores]
        return f.found.words.get(max(mine)[1], 0) if mine else 0

    def _held(self, f: _Findings, target: Target) -> int:
        """How many of the question's words the point's own text, or its terms, hold."""
        at = self._book.target_ids[target]
        taken = f.intents.positions | (f.name_positions - f.freed)
        stems = [s for i, s in enumerate(f.reading.stems) if i not in taken]
        return max(f.found.words.get(at, 0), len(self._book.terms.held(stems, at)))

    def _covered_elsewhere(self, f: _Findings, ticker: str) -> Answer | None:
        """A named thesis asked about a topic only another thesis has: say so, offer it. What
        the texts say decides, not the concepts they share ("HBNK antitrust fine": a bank's
        regulators are not an antitrust fine)."""
        said = self._book.best_by_thesis(f.literal.points)
        if dict(said).get(ticker, 0.0) >= th.POINT or not said \
                or said[0][1] < th.COVERED_ELSEWHERE \
                or f.evidence_for(ticker) >= th.ELSEWHERE_MARGIN * said[0][1]:
            return None  # its own text, or a concept it carries nearly as well, answers
        if f.intents.hinted == "figures" or any(n == "help" for n, _ in f.strong):
            return None
        others = [(t, s) for t, s in said if t != ticker and s >= th.COVERED_ELSEWHERE]
        if not others:
            return None
        topic = self._topic(f)
        if not any(self._book.uses(others[0][0], w) and not self._book.uses(ticker, w)
                   for _, w in topic):
            return None  # the other says nothing of it that this one does not
        conceptual = f.trade
        if not any(self._book.plainness.get(w, 1.0) == 1.0 or i in conceptual
                   for i, w in topic if not self._book.uses(ticker, w)):
            return None  # what it lacks is everyday words ("revenue for the year to March")
        sections = {n for n, _ in f.strong} & {"bull", "bear", "risk", "catalyst", "overview"}
        if sections and (len(topic) == 1 and self._book.plainness.get(topic[0][1], 1.0) < 1.0
                         or not conceptual):
            # "the key risk factors for Alibaba", "the bull case in three bullets": a section,
            # in words naming no concept
            return None
        alternatives = tuple(self._point_choice(f, t) for t, _ in others[: th.WHICH_CHOICES])
        answer = Answer(f.question, "unknown", confidence=th.DECLINED, alternatives=alternatives,
                        covered=self.covered, reason="covered elsewhere",
                        unknown_subject=ticker,
                        topic=" ".join(dict.fromkeys(f.reading.token_at(i).text
                                                     for i, _ in topic)) or "that")
        return self._done(f, answer, f"{ticker} lacks the topic; {others[0][0]} has it")

    def _uncovered(self, f: _Findings, ticker: str | None) -> str | None:
        """The question's subject, when the thesis (any thesis, without `ticker`) has no
        evidence for it: a word of it that the thesis never says and that names no concept it
        carries ("dividend", "VIE"), and no word it does say as a term of art. A concept the
        thesis carries does not answer for a word it never says ("consensus EPS" is not the
        earnings it discusses); an everyday word it happens to use (the "policy" of "policy
        shifts") is evidence of nothing, either way."""
        topic = self._topic(f)
        said = 0
        missing: list[int] = []
        shown: set[int] = set()
        for i, word in topic:
            here = [m for m in f.mentions if i in m.positions]
            concepts = {m.concept for m in here}
            phrases = [m for m in here if len(m.positions) > 1]
            phrase = bool(phrases)
            used = self._uses(ticker, word)
            spoken = any(self._book.covers_concept(c, ticker, th.CONCEPT_SPOKEN_OF)
                         for c in concepts)
            term = used and (self._book.plainness.get(word, 1.0) == 1.0
                             or self._book.titles(ticker, word))
            if self._unsaid_phrase(ticker, here, f.reading.stems):
                missing.append(i)  # "dividend yield", of a thesis on loan yields
            elif phrase and used and not term and not spoken and ticker and not any(
                    self._says_phrase(ticker, [f.reading.stems[p] for p in m.positions])
                    for m in phrases):
                # "annual shareholder meeting", of a thesis whose only shareholders are its
                # buyback's: the whole phrase is what it does not cover
                missing.append(i)
                shown.update(p for m in phrases for p in m.positions)
            elif concepts and used and not phrase and not spoken \
                    and not (ticker and self._book.has_term(ticker, word)):
                missing.append(i)  # "tax rate", of a thesis whose "tax" is only its tax credit
            elif term or (used and spoken and not phrase):
                said += 1
            elif concepts and not used \
                    and not any(self._book.covers_concept(c, ticker) for c in concepts):
                missing.append(i)
        f.uncovered = " ".join(dict.fromkeys(f.reading.token_at(i).original
                                             for i in sorted(shown.union(missing))))
        f.trace.append(f"subject: {said} word(s) {ticker or 'the book'} says as a term, "
                       f"{len(missing)} it has nothing on"
                       + (f" ({f.uncovered})" if missing else ""))
        f.telling = said > 0 or bool(missing)
        f.lacking = len(missing)
        if len(missing) <= said and (ticker is None or len(missing) < th.UNCOVERED_WORDS):
            return None  # "patent lawsuits against its GPU unit": more it lacks than it has
        return f.uncovered

    def _uses(self, ticker: str | None, word: str) -> bool:
        """Whether the thesis (any thesis, without `ticker`) says the word, one of its
        synonyms or another form of it: "homegrown accelerators" are in a thesis that says
        "custom chips", "regulates" in one that says "regulatory"."""
        return any(self._book.uses(ticker, w) if ticker else self._book.says(w)
                   for w in (word, *self._related.get(word, ())))

    def _topic(self, f: _Findings) -> list[tuple[int, str]]:
        """(position, stem) of the words that say what the question is about: neither a
        name, an intent nor an ordinary word."""
        taken = f.intents.positions | f.name_positions
        return [(i, s) for i, s in enumerate(f.reading.stems)
                if i not in taken and s not in self._common and s.isalpha()]

    def _point_choice(self, f: _Findings, ticker: str, card: str | None = None) -> Alternative:
        """A "which?" button for one thesis: its best matched point, else the card asked."""
        section = SECTION_OF_CARD.get(card or "")
        ranked = self._book.ranked(f.scores, ticker, section)
        thesis = self.theses[ticker]
        if ranked and ranked[0][1] >= th.POINT:
            target = ranked[0][0]
            found = thesis.point(target.point)
            title = found[1].title if found else target.point
            point_card = card if card in SECTION_OF_CARD else CARD_OF_SECTION[target.section]
            return Alternative(ticker, point_card, target.point,  # type: ignore[arg-type]
                               title=title)
        return Alternative(ticker, card or "overview")  # type: ignore[arg-type]

    def _which_thesis(self, f: _Findings) -> Answer:
        card = f.intent or f.intents.hinted
        if card in _BOOK_INTENTS:
            card = None  # "coverage risk": the risk card of each, not each one's "list"
        if card in ("help", None) and f.evidence < th.POINT:
            return self._done(f, self._unknown(f.question, reason="no evidence"),
                              "nothing asked that a thesis answers")
        fitting = [t for t, s in f.by_thesis if s >= th.CLEAR_WIN * f.evidence
                   and s >= th.POINT] or list(self.covered)
        alternatives = tuple(self._point_choice(f, t, card)
                             for t in fitting[: th.WHICH_CHOICES])
        answer = Answer(f.question, "unknown", confidence=th.WHICH, alternatives=alternatives,
                        covered=self.covered, reason="which thesis")
        return self._done(f, answer, "several theses fit")

    def _off_topic(self, f: _Findings) -> bool:
        """A question about something else that shares a word with the book: "how do I
        adopt a rescue dog", "is the bear enclosure at the zoo open?".

        Never when it names one of a thesis's names (ByteDance, Qwen…) or matches a point
        by more than one word. Otherwise words we do not know beside at most one word of
        ours mean another topic; a question with an intent ("bear", "risks") takes more
        unknown words than known ones, a greeting one more still."""
        reading = f.reading
        taken = f.intents.positions | f.name_positions
        unknown = [i for i, stem in enumerate(reading.stems)
                   if not reading.known[i] and stem.isalpha() and i not in taken]
        if not unknown or f.found.phrase or f.found.terms >= th.MULTIWORD \
                or f.found.coverage >= th.ON_TOPIC_COVERAGE or self._trade_phrase(f):
            return False
        plain = self._common | self._book.subject_words  # "cloud", "ai": the book's subject
        content = [stem for i, stem in enumerate(reading.stems)
                   if reading.known[i] and stem not in plain and i not in taken]
        if self._book.anchors & set(content):  # "Qwen", "orforglipron": not everyday words
            return False
        content += ["(ordinary phrase)"] if f.intents.ordinary else []  # "the stock price"
        matched = sum(1.0 if reading.quality[i] == 1.0 and stem not in plain else th.HALF_KNOWN
                      for i, stem in enumerate(reading.stems)
                      if reading.known[i] and (i in taken or stem not in self._common))
        if not f.strong:
            return len(content) <= 1 or (len(unknown) >= 2 and len(unknown) > matched)
        slack = 1.0 if {n for n, _ in f.strong} == {"help"} else 0.0
        return len(unknown) >= 2 and len(unknown) > matched + slack

    def _small_talk_in(self, f: _Findings) -> bool:
        """Office small talk ("lunch", "offsite") that no thesis says (a restaurant software
        thesis says "lunch"; "dim sum" and "holiday party" are small talk though theses say
        "sum" of the parts, public holidays and related parties), no term of the trade, no
        phrase of the book's and no name a thesis uses: not a question about the book."""
        stems = f.reading.stems
        if self._book.anchors & set(stems):  # "is Doubao eating Qwen's lunch?"
            return False
        said = any(_says_any(stems, {key}) and not self._says_phrase(None, list(key))
                   for key in self._small_talk)
        return said and not f.found.phrase and not self._in_trade_words(f)

    def _stranger_to(self, f: _Findings, ticker: str) -> bool:
        """A question naming no thesis that shares one word with the thesis its words chose,
        and says two or more it never uses: "is the office closed friday?" is not about a
        bank's office loans, however many theses together know the other words."""
        if f.found.phrase or self._trade_phrase(f) or self._words_held(f, ticker) > 1:
            return False
        foreign = [w for _, w in self._topic(f) if not self._book.uses(ticker, w)]
        return len(foreign) >= th.FOREIGN_WORDS

    def _in_trade_words(self, f: _Findings) -> bool:
        """Whether the question names a concept by a phrase or a word no everyday English
        uses ("deregulation", not "order")."""
        return any(len(m.positions) > 1 or f.reading.token_at(m.positions[0]).text
                   not in self._everyday_concept_words for m in f.mentions)

    def _trade_phrase(self, f: _Findings) -> bool:
        """Whether the question names, in a phrase of the trade, a concept some thesis is
        about ("buying back stock", "narrowing the lead"): one word alone ("a buyback on my
        old phone", "a valuation for my flat") may mean anything."""
        return any(len(m.positions) > 1 and self._book.covers_concept(m.concept)
                   for m in f.mentions)

    def _thesis_card(self, f: _Findings, index: ThesisIndex) -> Answer:
        """One thesis chosen: which of its cards, and which point."""
        ticker = index.thesis.ticker
        reading = f.reading
        # a named thesis, one point faintly but clearly ahead of the rest: offered, not declined
        evidence = f.evidence_for(ticker) >= th.POINT or bool(
            f.named) and _faintly_ahead(self._book.ranked(f.scores, ticker))
        # "list alibaba's catalysts": one thesis, so the card asked beside the book's "list"
        intent = next((n for n, _ in f.strong if n != "list"), None)
        if intent in _BOOK_INTENTS:
            intent = None
        # a word naming a concept the thesis speaks of is no stranger to it ("overcapitalized")
        carried = self._carried(f, ticker)
        taken = f.intents.positions | f.name_positions
        strange = len(f.intents.ordinary) + sum(
            1 for i, stem in enumerate(reading.stems)
            if stem.isalpha() and i not in f.name_positions and i not in carried and (
                not reading.known[i]  # a word the bot does not know ("ceo")
                # or one it knows from other theses only ("dividend" asked of a battery maker)
                or (f.named and i not in taken and stem not in self._common
                    and not self._book.uses(ticker, stem))))
        hinted = f.intents.hinted
        lenient = hinted in ("overview", "figures")  # "the thesis, one paragraph"
        if f.named and intent is None and not evidence and strange > (1 if lenient else 0):
            # "who's running alibaba as CEO?": about the company, not about anything the
            # thesis says. Honest "not in the thesis" beats an overview nobody asked for.
            return self._done(f, self._not_in_thesis(f.question, ticker, f=f), "not in the thesis")
        if intent is None and hinted and not evidence and (
            f.named or (lenient and all(reading.known))
        ):
            intent = hinted
        if intent is None and not f.named and not evidence:
            return self._done(f, self._unknown(f.question, reason="no evidence"), "no evidence")
        others = [Alternative(t, "overview") for t in f.named[1:]]
        answer = self._card(f, index, intent, others, carried)
        return self._done(f, answer, f"{ticker} chosen")

    def _card(self, f: _Findings, index: ThesisIndex, intent: str | None,
              others: list[Alternative], carried: set[int]) -> Answer:
        """The card and point of one thesis; `carried`: the positions of the question's words
        naming a concept the thesis speaks of."""
        thesis = index.thesis
        ticker = thesis.ticker
        strong = f.strong
        ranked = self._book.ranked(f.scores, ticker)
        if intent in SECTION_OF_CARD:
            in_section = self._book.ranked(f.scores, ticker, SECTION_OF_CARD[intent])
            # a concept asked in the trade's words ("any deregulation tailwind?") yields the
            # section word to the point that has it, as a clearly named point does
            yields = th.POINT if self._in_trade_words(f) else th.INTENT_YIELDS_TO_POINT
            if (not in_section or in_section[0][1] < max(th.POINT, ranked[0][1] / th.FAR_AHEAD)) \
                    and ranked and ranked[0][1] >= yields and (
                        dict(strong).get(intent, 0.0) <= 1.0
                        or CARD_OF_SECTION[ranked[0][0].section] in {n for n, _ in strong[1:]}
                        or bool(in_section)
                        and in_section[0][1] * th.FAR_AHEAD ** 2 < ranked[0][1]
                        and self._held(f, ranked[0][0]) >= th.YIELD_WORDS):
                # one section word against a clear point elsewhere, or any against a point
                # four times stronger than the section's best that holds three of the
                # question's words; or two sections asked
                # ("the utilisation risk, what would drive it") and the point in the other
                intent = None
            else:
                ranked = in_section
        horizon = _horizon(f.reading)
        if intent == "catalyst" and horizon is not None:
            # "mgmt's long-term goal for paid users": among its long-term catalysts
            at_horizon = {c.id for c in thesis.catalysts if c.horizon == horizon}
            if any(t.point in at_horizon for t, _ in ranked):
                ranked = [(t, s) for t, s in ranked if t.point in at_horizon]
                f.trace.append(f"among its {horizon}-term catalysts: "
                               + ", ".join(f"{t.point} {s:.2f}" for t, s in ranked[:3]))
        if intent in (None, "overview") and (lean := self._leaning(f, thesis)) is not None:
            ranked = _weighed(ranked, lambda t: t.section == lean, 1 + th.SECTION_LEAN)
        elif intent is None and (now := _NOW & {t.text for t in f.reading.tokens}):
            # "what was the Hubei switch-off about?": what is or was, not a catalyst to come
            f.trace.append(f"asks what is ({', '.join(sorted(now))}), not what is to come")
            ranked = _weighed(ranked, lambda t: t.section == "catalysts"
                              and not _settled(thesis, t), 1 / (1 + th.SECTION_LEAN))
        ranked = _upcoming_first(f.reading, thesis, ranked)
        ranked = self._holding_more_words(f, ranked)
        best, best_score = ranked[0] if ranked else (None, 0.0)
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        # "currency risk, given Nagoya": a concept asked, and one point of the section has it
        faint = (intent in SECTION_OF_CARD and bool(f.mentions)
                 or intent is None and bool(f.named)) and _faintly_ahead(ranked)
        # "is HBNK overcapitalized?": a concept of the named thesis, the point most about it
        conceptual = intent is None and bool(f.named and f.mentions) \
            and best_score >= th.FAINT_POINT
        if best_score < th.POINT and not (faint or conceptual) \
                or intent == "overview" and best_score < th.INTENT_YIELDS_TO_POINT and (
                    best is None or best_score < th.POINT
                    or self._held(f, best) < th.OVERVIEW_WORDS) \
                or intent in SECTION_OF_CARD and not self._topic(f) and not f.mentions:
            # "tl;dr on the tutoring name": the overview, unless a point is named clearly or by
            # two of the question's words ("how does the write-up explain why its shares are
            # priced lower?" is the valuation point; "the big picture on the bank" no point);
            # "any upcoming events that could move kestrel shares?": a section, no subject
            best = None
        measured = None
        if best_score < th.INTENT_YIELDS_TO_POINT and intent in (None, "overview", "figures"):
            # "JLMS 2025 revenue?": no point clearly named, a figure asked by its measure and year
            fid = index.figure_by_measure(f.reading, f.intents.positions | f.name_positions,
                                          self._book.stop)
            figured = self._book.target_of(ticker, index.figure_points[fid][0]) if fid else None
            if fid is not None and figured is not None:
                measured, intent = fid, None
                best, best_score = figured, max(th.POINT, dict(ranked).get(figured, 0.0))
                ranked = [(best, best_score), *((t, s) for t, s in ranked if t != best)]
                runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
                f.trace.append(f"figure {measured}: its measure and year are asked")
        if intent == "figures":
            if best is not None and (self._book.figures_by_value(f.reading.numbers)
                                     or best_score >= th.INTENT_YIELDS_TO_POINT):
                # "10m downloads in week one: source?", "what share of footwear comes from
                # Vietnam": that point, with its figures and their sources
                intent = None
            else:
                best = None  # "the sources behind every number": the figures card

        intent_quality = min(1.0, strong[0][1]) if strong else th.NO_INTENT
        alternatives: list[Alternative] = list(others)
        for name, score in strong[1:3]:
            if score >= th.INTENT_RUNNER_UP * strong[0][1] and name != intent \
                    and name not in _BOOK_INTENTS:
                alternatives.append(Alternative(ticker, name))  # type: ignore[arg-type]

        if best is None and intent in (None, "overview") \
                and (lacked := self._asked_to_have(f, ticker, carried)) is not None:
            return lacked  # "what does Harborview do, does it have any crypto custody business?"
        if best is None or intent == "help":
            card = intent if intent is not None else "overview"
            confidence = intent_quality if intent else th.WHOLE_CARD
            if (f.telling or (f.mentions and intent is None)
                    or len(self._topic(f)) >= th.SUBJECT_WORDS) and intent != "help":
                # "does it hedge its FX exposure?", "is it buying back stock?", "the ageing
                # demographic catalyst": a subject no point answers; the whole card (or the one
                # catalyst at the horizon asked) is offered, not asserted
                confidence = min(confidence, th.PARTLY_COVERED)
            f.trace.append(f"card: the whole {card} card (no point reaches {th.POINT}"
                           + (f" holding {th.OVERVIEW_WORDS} of the question's words"
                              if intent == "overview" else "") + "); "
                           f"confidence {confidence:.2f}")
            if card == "catalyst" and horizon is not None and not self._asks_for_list(f):
                # "the long-term catalyst", one at that horizon: that catalyst, as sure as the
                # card would be
                timely = [c for c in thesis.catalysts if c.horizon == horizon]
                if len(timely) == 1:
                    f.trace.append(f"{timely[0].id} is its only {horizon}-term catalyst")
                    return Answer(f.question, "catalyst", thesis, point=timely[0].id,
                                  confidence=round(confidence, 3),
                                  alternatives=tuple(alternatives), covered=self.covered)
            return Answer(f.question, card, thesis,  # type: ignore[arg-type]
                          horizon=horizon if card == "catalyst" else None,
                          confidence=round(confidence, 3), alternatives=tuple(alternatives),
                          covered=self.covered)

        card = intent if intent in SECTION_OF_CARD else CARD_OF_SECTION[best.section]
        margin = 1.0 if runner_up == 0 else \
            max(0.0, min(1.0, (best_score - runner_up) / best_score * 2))
        # How sure: the intent's strength, the lead over the runner-up, and what the point's
        # own text says (a point reached through a shared concept alone is offered, not
        # asserted).
        said = f.literal.points.get(self._book.target_ids[best], 0.0)
        confidence = min(intent_quality, th.MARGIN_FLOOR + (1 - th.MARGIN_FLOOR) * margin,
                         th.TEXT_FLOOR + (1 - th.TEXT_FLOOR) * min(1, said))
        weak = f.found.terms < th.SURE_TERMS and f.found.coverage < th.SURE_COVERAGE
        close = runner_up > th.CLOSE_SHARE * best_score \
            and best_score - runner_up < th.CLOSE_GAP
        over_half = runner_up > th.RUNNER_UP_SHARE * best_score
        second = f"{ranked[1][0].point} {runner_up:.2f}" if len(ranked) > 1 else "none"
        f.trace.append(f"card: {best.point} {best_score:.2f} over {second}; confidence = "
                       f"least of intent {intent_quality:.2f}, lead {margin:.2f}, own text "
                       f"{said:.2f} -> {confidence:.2f}")
        never_said = [i for i, w in self._topic(f) if not self._book.uses(ticker, w)]
        unsaid_at = [i for i in never_said if i not in carried]
        unsaid = [f.reading.token_at(i).original for i in unsaid_at]
        held = self._held(f, best)
        if f.uncovered and f.named and held <= th.UNCOVERED_HELD_WORDS:
            f.trace.append(f"part of the subject not covered ({f.uncovered}), and "
                           f"{best.point} holds {held} of the question's words: declined, "
                           f"its nearest points offered")
            return self._not_in_thesis(f.question, ticker, f.uncovered, f)
        # Words the thesis never says and no one says every day, a concept it speaks of
        # notwithstanding: "offshore bond maturities" of a thesis with net cash, "esports" of a
        # games thesis. Not when every one names a concept it speaks of ("when does the next-gen
        # accelerator ramp": the asker's words for its chip launch), nor after "next to", "vs",
        # "than": the yardstick ("inexpensive next to american big tech").
        never = [i for i in never_said  # "reliant", "exposed": framing, not a subject
                 if f.reading.token_at(i).text not in self._framing_or_familiar]
        yardstick = _yardstick(f.reading)
        specific = self._specific(f.reading, [i for i in never if i < yardstick])
        if not set(specific) - carried:
            specific = []
        if f.named and held <= th.UNCOVERED_HELD_WORDS \
                and len(specific) >= held + th.SPECIFIC_WORDS:
            subject = _phrases(f.reading, specific)
            f.trace.append(f"{best.point} holds {held} of the question's words, and the thesis "
                           f"never says {subject}, no everyday words: declined, its nearest "
                           f"points offered")
            return self._not_in_thesis(f.question, ticker, subject, f)
        if (lacked := self._asked_to_have(f, ticker, carried)) is not None:
            return lacked
        offered = [why for why, flag in (("part of the subject not covered", bool(f.uncovered)),
                                         (f"words it never says ({', '.join(unsaid)})",
                                          len(unsaid) >= th.UNSAID_WORDS
                                          or bool(unsaid) and held <= th.UNCOVERED_HELD_WORDS),
                                         ("a faint match in the section asked",
                                          best_score < th.POINT),
                                         ("a figure found by its measure and year",
                                          measured is not None),
                                         ("thesis chosen by its words alone", f.guessed),
                                         ("no term of its own, little of the text", weak),
                                         ("the runner-up close behind", close),
                                         ("the runner-up over half its score",
                                          over_half and not close))
                   if flag]
        if offered:
            confidence = min(confidence, th.PARTLY_COVERED)
            f.trace.append(f"offered, not asserted ({'; '.join(offered)}): "
                           f"{confidence:.2f}")
        for target, score in ranked[1:3]:
            if score > th.RUNNER_UP_SHARE * best_score:
                alt_card = card if intent in SECTION_OF_CARD else CARD_OF_SECTION[target.section]
                found = thesis.point(target.point)
                alternatives.append(Alternative(ticker, alt_card, target.point,  # type: ignore[arg-type]
                                                title=found[1].title if found else target.point))
        quoted = [fid for t, fid in self._book.figures_by_value(f.reading.numbers)
                  if t == ticker]
        figure = measured or index.figure_for(f.reading, f.intents.positions | f.name_positions,
                                              best.point, quoted)
        return Answer(f.question, card, thesis, point=best.point, figure=figure,  # type: ignore[arg-type]
                      confidence=round(confidence, 3), alternatives=tuple(alternatives),
                      covered=self.covered)

    def _asked_to_have(self, f: _Findings, ticker: str, carried: set[int]) -> Answer | None:
        """Declined, when asked whether the company has a thing its thesis never names: a word
        it never says, whose concept it does not speak of (`carried`) or that no one says
        every day."""
        asked = _asked_whether(f.reading.stems, self._existence, f.name_positions)
        had = sorted(i for i in asked & {i for i, w in self._topic(f)
                                         if not self._book.uses(ticker, w)}
                     if i not in carried or f.reading.token_at(i).text not in self._familiar)
        if not (f.named and had):
            return None
        subject = _phrases(f.reading, had)
        f.trace.append(f"asks whether it has what it never says ({subject}): declined, "
                       f"its nearest points offered")
        return self._not_in_thesis(f.question, ticker, subject, f)

    def _specific(self, reading: Reading, unsaid_at: list[int]) -> list[int]:
        """Of the positions of words the thesis never says (`unsaid_at`), one per word typed,
        those that are no everyday words ("covenants", "racks"; not "slip", "kicked"): a
        subject, not the asker's paraphrase. A corrected typo is no such word."""
        return list({reading.source[i]: i for i in unsaid_at if reading.quality[i] == 1.0
                     and reading.token_at(i).text not in self._familiar}.values())

    def _asks_for_list(self, f: _Findings) -> bool:
        """Whether the catalyst intent is asked in its plural, as the speller read it: "near-term
        catalysts", "cataylsts near term" ask for the list, not for one catalyst."""
        read = f.reading.corrected
        return any((read[f.reading.source[i]] if read else f.reading.token_at(i).text).lower()
                   in self._listing for i in f.intents.positions)

    def _carried(self, f: _Findings, ticker: str) -> set[int]:
        """Positions of the question's words naming a concept the thesis speaks of."""
        return {i for m in f.mentions
                if self._book.covers_concept(m.concept, ticker, th.CONCEPT_SPOKEN_OF)
                for i in m.positions}

    def _holding_more_words(self, f: _Findings, ranked: list[tuple[Target, float]]
                            ) -> list[tuple[Target, float]]:
        """The point whose own text holds MORE_WORDS more of the question's words than the best
        one goes first: the best was lifted by a concept or a term ("why are the cloud margins
        compressing?" is the price war's point, whose text says cloud and margins, not the
        point that merely speaks of margins)."""
        if len(ranked) < 2:
            return ranked
        held = [f.literal.words.get(self._book.target_ids[t], 0) for t, _ in ranked]
        fuller = max(range(1, min(len(ranked), th.FEW_POINTS)),
                     key=lambda k: (held[k], ranked[k][1]))
        if held[fuller] < held[0] + th.MORE_WORDS:
            return ranked
        f.trace.append(f"{ranked[fuller][0].point}'s text holds {held[fuller]} of the question's "
                       f"words, {ranked[0][0].point}'s {held[0]}: it goes first")
        return [ranked[fuller], *ranked[:fuller], *ranked[fuller + 1:]]

    def _leaning(self, f: _Findings, thesis: Thesis) -> str | None:
        """The section the question's framing words lean to, if one has more of them. A year
        after the thesis's own ("the 2028 margin target") is a word of what is to come."""
        typed = [t.text for t in f.reading.tokens]
        ahead = thesis.updated.year
        leans = {**self._leans, **{w: "catalysts" for w in typed if w.isdigit() and len(w) == 4
                                   and ahead < int(w) < ahead + th.YEARS_AHEAD}}
        counts = Counter(leans[w] for w in typed if w in leans)
        top = counts.most_common(2)
        if not top or len(top) > 1 and top[1][1] == top[0][1]:
            return None
        f.trace.append(f"leans to the {top[0][0]} section ("
                       + ", ".join(w for w in typed if leans.get(w) == top[0][0]) + ")")
        return top[0][0]

    def _not_in_thesis(self, question: str, ticker: str, subject: str = "",
                       f: _Findings | None = None) -> Answer:
        """The thesis does not say: offered instead, its points nearest the question (when
        any word of it reaches one), then its cards."""
        nearest = [t for t, _ in self._book.ranked(f.scores, ticker)[:2]] if f else []
        thesis = self.theses[ticker]
        alternatives = [Alternative(ticker, CARD_OF_SECTION[t.section], t.point,
                                    title=found[1].title)
                        for t in nearest if (found := thesis.point(t.point)) is not None]
        alternatives += [Alternative(ticker, card)
                         for card in ("overview", "bull", "risk", "catalyst")]
        return Answer(question, "unknown", confidence=th.DECLINED,
                      alternatives=tuple(alternatives[:th.WHICH_CHOICES]),
                      covered=self.covered, reason="not in thesis", topic=subject)

    def _unknown(self, question: str, subject: str | None = None, reason: str = "") -> Answer:
        alternatives = tuple(
            Alternative(t, "overview") for t in self.covered[:5]
        )
        return Answer(question, "unknown", confidence=0.0, alternatives=alternatives,
                      covered=self.covered, unknown_subject=subject,
                      reason=reason or "not covered")


_HORIZON_ORDER = {"near": 0, "medium": 1, "long": 2}
_PAST = frozenset({"did", "was", "were", "went", "happened"})  # "when did ATTAIN-2 read out?"
_NOW = _PAST | {"now", "today", "currently", "current", "already", "ytd", "lately", "recently",
                "rn", "nowadays", "presently"}


def _phrases(reading: Reading, positions: Sequence[int]) -> str:
    """The words at these positions as typed, those in a row kept together: "hang seng tech
    index, southbound connect eligible"."""
    runs: list[list[int]] = []
    for i in sorted(positions):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ", ".join(dict.fromkeys(
        " ".join(dict.fromkeys(reading.token_at(i).original for i in run)) for run in runs))


def _in_a_row(stems: Sequence[str], phrases: AbstractSet[Key]) -> Iterator[tuple[int, Key]]:
    """Where the question's words hold one of the phrases, its words in a row: (start, phrase)."""
    present = set(stems)
    return ((i, key) for key in phrases if key[0] in present for i in range(len(stems))
            if stems[i] == key[0] and tuple(stems[i:i + len(key)]) == key)


def _says_any(stems: Sequence[str], phrases: AbstractSet[Key]) -> bool:
    """Whether the question's words hold one of the phrases, its words in a row."""
    return any(_in_a_row(stems, phrases))


_AT_ALL = term_key("at all")
_AMOUNT = frozenset(term_key("much many what how"))


def _asked_whether(stems: Sequence[str], phrases: AbstractSet[Key],
                   named: AbstractSet[int] = frozenset()) -> set[int]:
    """The positions of the few words after a phrase asking whether the company has something
    ("does it have any| esports plans", "doing anything in| humanoids"): what it is asked
    to have; before "at all", every word before it ("testing sodium-ion packs| at all"). The
    company's name stands where the phrase says "it" or "they" (`named`: its positions):
    "does Kestrel make| trail shoes" is "does it make| trail shoes". Not after "how much" or
    "what": "how much does Norgrid make per MWh?" asks what it earns."""
    found: set[int] = set()
    for at, words in as_pronouns(stems, named):
        found.update(at[j] for i, key in _in_a_row(words, phrases)
                     if not (i and words[i - 1] in _AMOUNT)
                     for j in (range(i) if key == _AT_ALL
                               else range(i + len(key), i + len(key) + th.ASKED_WORDS))
                     if j < len(at) and at[j] not in named)
    return found


def _settled(thesis: Thesis, target: Target) -> bool:
    """A catalyst already hit or missed."""
    found = thesis.point(target.point)
    status = getattr(found[1], "status", None) if found else None
    return status is not None and status.value in ("hit", "missed")


def _faintly_ahead(ranked: Sequence[tuple[Target, float]]) -> bool:
    """Whether the best point, though below POINT, is strong enough and far enough ahead of
    the runner-up to be offered."""
    best = ranked[0][1] if ranked else 0.0
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return best >= th.FAINT_POINT and best >= th.FAINT_LEAD * runner_up


@functools.lru_cache(maxsize=2048)
def _stems_of(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A point text's words, stemmed, in order and as a set (the texts asked about most stay
    read)."""
    stems = tuple(term_key(text))
    return stems, frozenset(stems)


def _in_order(stems: Sequence[str], words: list[str], start: int, gap: int = 2) -> bool:
    """Whether each of `words` follows the last within `gap` words, from `start`."""
    for word in words:
        window = stems[start:start + gap + 1]
        hit = next((k for k, stem in enumerate(window) if stem == word), None)
        if hit is None:
            return False
        start += hit + 1
    return True


def _weighed(ranked: list[tuple[Target, float]], which: Callable[[Target], bool],
             factor: float) -> list[tuple[Target, float]]:
    """The points best first again, once those `which` picks are weighed by `factor`."""
    return sorted(((t, s * factor if which(t) else s) for t, s in ranked), key=lambda ts: -ts[1])


def _upcoming_first(reading: Reading, thesis: Thesis, ranked: list[tuple[Target, float]]
                    ) -> list[tuple[Target, float]]:
    """"When does the phase 3 readout land?" asks about what is still to come: when the best
    point is not an open catalyst (a risk, or a catalyst already hit or missed), an open
    catalyst about as strong goes first ("when is their chip program supposed to scale up?")."""
    if not ranked or "when" not in reading.stems or _PAST & {t.text for t in reading.tokens} \
            or (ranked[0][0].section == "catalysts" and not _settled(thesis, ranked[0][0])):
        return ranked
    for k, (target, score) in enumerate(ranked[1:], 1):
        if score < th.RUNNER_UP * ranked[0][1]:
            break
        if target.section == "catalysts" and not _settled(thesis, target):
            return [ranked[k], *ranked[:k], *ranked[k + 1:]]
    return ranked


def _framed(found: Intents, scores: dict[int, float], named: list[str]) -> list[tuple[str, float]]:
    """The decisive intents, once the framing words are set aside.

    Help only when nothing else is asked ("hey, why do we like alibaba?" is not help); both
    sides of the thesis are its overview ("the bull and bear case"); overview words frame a
    section rather than replace it ("the short case in a nutshell")."""
    strong = found.strong
    not_help = [(n, s) for n, s in strong if n != "help"]
    if max(scores.values(), default=0.0) >= th.POINT or named or not_help:
        strong = not_help
    sides = {n for n, _ in strong}
    if "bull" in sides and sides & {"bear", "risk"}:
        strong = [("overview", strong[0][1]), *strong]
    elif "overview" in sides and sides & {"bull", "bear", "risk", "catalyst"}:
        strong = [(n, sc) for n, sc in strong if n != "overview"]
    return strong


_YARDSTICKS = tuple(marker.split() for marker in (
    "vs", "versus", "than", "against", "next to", "relative to", "compared to", "compared with"))


def _yardstick(reading: Reading) -> int:
    """Where a comparison's yardstick starts ("cheap next to| US big tech"): the position of
    the first word after "vs", "than", "next to" ...; past the end when there is none."""
    typed = [token.text for token in reading.tokens]
    for k in range(len(typed)):
        for words in _YARDSTICKS:
            if typed[k:k + len(words)] == words:
                after = k + len(words)
                return next((i for i, source in enumerate(reading.source) if source >= after),
                            len(reading.stems))
    return len(reading.stems)


def _horizon(reading: Reading) -> str | None:
    """"near-term catalysts", "the longer-dated one" ask for one horizon only; "near and long
    term" for two, so for none in particular."""
    typed = [token.text for token in reading.tokens]
    asked = set()
    for i, word in enumerate(typed):
        if word == "multi" and typed[i + 1:i + 2] in (["year"], ["decade"]):
            asked.add("long")  # "a multi-year tailwind"; not "mid-year"
        elif word in _HORIZON_WORDS:
            k = i + 1
            while k < len(typed) and (typed[k] in _HORIZON_WORDS or typed[k] in ("and", "or")):
                k += 1  # "near and long term"
            if k < len(typed) and typed[k] in _HORIZON_NOUNS:
                asked.add(_HORIZON_WORDS[word])
    return asked.pop() if len(asked) == 1 else None
