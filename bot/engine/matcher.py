"""The Engine: indexes built once from the knowledge base, then question -> Answer.

The steps follow the one path — read (clean, correct) -> resolve the thesis -> classify the
intent -> retrieve a point or figure — and `_decide` turns their findings into a card and a
confidence the Slack layer can act on.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from bot.engine.answer import CARD_OF_SECTION, SECTION_OF_CARD, Alternative, Answer, Card
from bot.engine.classify import classify, intent_table
from bot.engine.clean import clean_text
from bot.engine.english import english_words
from bot.engine.reading import Reading, read
from bot.engine.resolve import Names
from bot.engine.retrieve import ThesisIndex
from bot.engine.vocabulary import Speller, term_key, term_words
from bot.knowledge.loader import Knowledge, load_all
from bot.knowledge.models import Thesis

# Confidence bands the Slack layer acts on: answer, answer with "Did you mean …", or say so.
SURE = 0.8
UNSURE = 0.5

POINT_THRESHOLD = 0.45
MULTIWORD_EVIDENCE = 1.3  # a point matched by a phrase ("own chips"), not by one word
_HORIZON_WORDS = {"near": "near", "short": "near", "medium": "medium", "mid": "medium",
                  "long": "long"}


class _Theses(Mapping[str, Thesis]):
    """The theses, read through their indexes (which may load lazily, see cache.py)."""

    def __init__(self, indexes: Mapping[str, ThesisIndex]) -> None:
        self._indexes = indexes

    def __getitem__(self, ticker: str) -> Thesis:
        return self._indexes[ticker].thesis

    def __iter__(self) -> Iterator[str]:
        return iter(self._indexes)

    def __len__(self) -> int:
        return len(self._indexes)


class Engine:
    """Answers questions about the loaded theses. Build once, call `answer` many times."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.theses: Mapping[str, Thesis] = dict(knowledge.theses)
        self.problems = list(knowledge.problems)
        vocabulary = knowledge.vocabulary
        common_words = vocabulary.words() if vocabulary else []
        self._common = {w for text in common_words for w in term_key(text)}
        self._abbreviations = {short: term_key(long) for short, long in
                               (vocabulary.abbreviations if vocabulary else {}).items()}
        unspaced = sorted(
            {t for spec in knowledge.intents.values() for t in [*spec.terms, *spec.hints]
             if not t.isascii()}
            | {a for thesis in self.theses.values() for a in thesis.names() if not a.isascii()},
            key=len, reverse=True)  # longest first: 阿里巴巴 before 阿里
        self._unspaced = re.compile("|".join(map(re.escape, unspaced))) if unspaced else None
        self._intents = intent_table(knowledge.intents, self._common,
                                     vocabulary.ordinary_phrases if vocabulary else [])
        self._names = Names(self.theses.values(), self._common, self._intents)
        self._indexes: Mapping[str, ThesisIndex] = {
            ticker: ThesisIndex(thesis, self._names.single_words(ticker), self._common)
            for ticker, thesis in self.theses.items()
        }
        self.speller = Speller(english=english_words())
        self.speller.add(w for text in common_words for w in term_words(text))
        for spec in knowledge.intents.values():
            self.speller.add(w for text in [*spec.terms, *spec.hints] for w in term_words(text))
        self.speller.add(self._names.words)
        for index in self._indexes.values():
            self.speller.add(index.words)

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

    def answer(self, question: str) -> Answer:
        text = self._space_out(clean_text(question))
        return self._decide(question, text, read(text, self.speller, self._abbreviations))

    def _space_out(self, text: str) -> str:
        """Scripts written without spaces (阿里云的风险是什么): set known terms apart."""
        if text.isascii() or self._unspaced is None:
            return text
        return self._unspaced.sub(r" \g<0> ", text)

    def covered_theses(self) -> list[Thesis]:
        return [self.theses[t] for t in self.covered]

    def answer_for(self, ticker: str, card: Card, point: str | None = None,
                   question: str = "", figure: str | None = None,
                   horizon: str | None = None) -> Answer:
        """A card asked for by id (a button, a deep link): no matching, full confidence.
        Ids that no longer exist (a thesis edited since the button was sent) are dropped."""
        thesis = self.theses.get(ticker)
        if thesis is None:
            return self._unknown(question, subject=ticker)
        if point is not None and thesis.point(point) is None:
            point = None
        if figure is not None and thesis.figure(figure) is None:
            figure = None
        if horizon not in ("near", "medium", "long"):
            horizon = None
        return Answer(question or f"{ticker} {card}", card, thesis, point=point, figure=figure,
                      horizon=horizon, confidence=1.0, covered=self.covered)

    # -- deciding ----------------------------------------------------------------------------

    def _decide(self, question: str, text: str, reading: Reading) -> Answer:
        if not reading.tokens:
            return Answer(question, "help", confidence=1.0, covered=self.covered,
                          reason="empty")
        named, name_positions = self._names.resolve(text, reading)
        candidates = named or list(self.theses)
        index = self._indexes[candidates[0]] if candidates else None
        found = classify(reading, self._intents, index.points.phrases if index else None,
                         name_positions)
        points, figures = index.score(reading, found.positions | name_positions) \
            if index else ({}, {})
        evidence = max(points.values(), default=0.0) >= POINT_THRESHOLD

        strong = found.strong
        # Help only when nothing else is asked: "hey, why do we like alibaba?" is not help.
        not_help = [(n, s) for n, s in strong if n != "help"]
        if evidence or named or not_help:
            strong = not_help
        sides = {n for n, _ in strong}
        if "bull" in sides and sides & {"bear", "risk"}:
            # "the bull and bear case": both sides of the thesis are its overview.
            strong = [("overview", strong[0][1]), *strong]
        elif "overview" in sides and sides & {"bull", "bear", "risk", "catalyst"}:
            # "the short case in a nutshell": the nutshell is how, the short case is what.
            strong = [(n, sc) for n, sc in strong if n != "overview"]
        intent = strong[0][0] if strong else None

        if not named:
            subject = self._names.unknown_subject(
                reading, found.starts, asks=bool(strong) and not evidence,
                asks_case=bool({n for n, _ in strong} & {"bull", "bear", "overview", "catalyst"}))
            if subject is not None:
                return self._unknown(question, subject=subject)
            if self._off_topic(reading, found.positions | name_positions, found.ordinary,
                               index, strong,
                               max(points.values(), default=0.0)):
                return self._unknown(question, reason="off topic")
        if intent == "help" and not named:
            return Answer(question, "help", confidence=min(1.0, strong[0][1]),
                          covered=self.covered, reason="help")
        if index is None:
            return self._unknown(question, reason="no theses")
        if len(candidates) > 1 and not named:
            return self._which_thesis(question, intent or found.hinted or "overview")
        strange = len(found.ordinary) + sum(
            1 for i, stem in enumerate(reading.stems)
            if not reading.known[i] and stem.isalpha() and i not in name_positions)
        lenient = found.hinted in ("overview", "figures")  # "the thesis, one paragraph"
        if named and intent is None and not evidence and strange > (1 if lenient else 0):
            # "who's running alibaba as CEO?": about the company, not about anything the
            # thesis says. Honest "not in the thesis" beats an overview nobody asked for.
            return self._not_in_thesis(question, named[0])
        if intent is None and found.hinted and not evidence and (
            named or (lenient and all(reading.known))
        ):
            intent = found.hinted
        if intent is None and not named and not evidence:
            return self._unknown(question, reason="no evidence")
        others = [Alternative(t, "overview", label=f"{t} overview") for t in named[1:]]
        return self._card(question, index, intent, strong, points, figures, reading, others)

    def _off_topic(self, reading: Reading, taken: set[int], ordinary: set[int],
                   index: ThesisIndex | None, strong: list[tuple[str, float]],
                   evidence: float) -> bool:
        """A question about something else that shares a word with the thesis: "how do I
        adopt a rescue dog", "is the bear enclosure at the zoo open?".

        Never when it names one of the thesis's names (ByteDance, Qwen…) or matches a point
        by more than one word. Otherwise words we do not know beside at most one word of
        ours mean another topic; a question with an intent ("bear", "risks") takes more
        unknown words than known ones, a greeting one more still."""
        unknown = [i for i, stem in enumerate(reading.stems)
                   if not reading.known[i] and stem.isalpha() and i not in taken]
        if not unknown or evidence >= MULTIWORD_EVIDENCE:
            return False
        content = [stem for i, stem in enumerate(reading.stems)
                   if reading.known[i] and stem not in self._common and i not in taken]
        if index is not None and any(stem in index.names for stem in content):
            return False
        content += ["(ordinary phrase)"] if ordinary else []  # "the stock price": on topic
        matched = sum(1.0 if reading.quality[i] == 1.0 else 0.5
                      for i, stem in enumerate(reading.stems)
                      if reading.known[i] and (i in taken or stem not in self._common))
        if not strong:
            return len(content) <= 1 or (len(unknown) >= 2 and len(unknown) > matched)
        slack = 1.0 if {n for n, _ in strong} == {"help"} else 0.0
        return len(unknown) >= 2 and len(unknown) > matched + slack

    def _card(self, question: str, index: ThesisIndex, intent: str | None,
              strong: list[tuple[str, float]], points: dict[str, float],
              figures: dict[str, float], reading: Reading,
              others: list[Alternative]) -> Answer:
        thesis = index.thesis
        ticker = thesis.ticker
        ranked = index.ranked(points)
        if intent in SECTION_OF_CARD:
            in_section = index.ranked(points, SECTION_OF_CARD[intent])
            if (not in_section or in_section[0][1] < POINT_THRESHOLD) and ranked \
                    and ranked[0][1] >= 1.0 and strong[0][1] <= 1.0:
                # One section word against a clear point elsewhere ("the tailwind from
                # industries adopting AI"): the point wins, with its own card.
                intent = None
            else:
                ranked = in_section
        best_point, best_score = ranked[0] if ranked else (None, 0.0)
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best_score < POINT_THRESHOLD:
            best_point = None
        if intent == "figures":
            if best_point is not None and index.figures_named(reading):
                # "10m downloads in week one: source?": that figure's point shows its source.
                intent = None
            else:
                best_point = None  # "the sources behind every number": the figures card

        intent_quality = min(1.0, strong[0][1]) if strong else 0.85
        alternatives: list[Alternative] = list(others)
        for name, score in strong[1:3]:
            if score >= 0.6 * strong[0][1] and name != intent:
                alternatives.append(Alternative(ticker, name, label=f"{ticker} {name}"))  # type: ignore[arg-type]

        if best_point is None or intent == "help":
            card = intent if intent is not None else "overview"
            confidence = intent_quality if intent else 0.9
            horizon = _horizon(reading) if card == "catalyst" else None
            return Answer(question, card, thesis, horizon=horizon,  # type: ignore[arg-type]
                          confidence=round(confidence, 3), alternatives=tuple(alternatives),
                          covered=self.covered)

        section = index.section_of[best_point]
        card = intent if intent in SECTION_OF_CARD else CARD_OF_SECTION[section]
        margin = 1.0 if runner_up == 0 else min(1.0, (best_score - runner_up) / best_score * 2)
        confidence = min(intent_quality, 0.55 + 0.45 * margin, 0.6 + 0.4 * min(1, best_score))
        for pid, score in ranked[1:3]:
            if score >= 0.75 * best_score:
                alt_card = card if intent in SECTION_OF_CARD else \
                    CARD_OF_SECTION[index.section_of[pid]]
                found = thesis.point(pid)
                alternatives.append(Alternative(ticker, alt_card, pid,  # type: ignore[arg-type]
                                                label=found[1].title if found else pid))
        figure = None
        if figures:
            fid, fscore = max(figures.items(), key=lambda kv: kv[1])
            if fscore >= POINT_THRESHOLD and best_point in index.figure_points.get(fid, ()):
                figure = fid
        return Answer(question, card, thesis, point=best_point, figure=figure,  # type: ignore[arg-type]
                      confidence=round(confidence, 3), alternatives=tuple(alternatives),
                      covered=self.covered)

    def _not_in_thesis(self, question: str, ticker: str) -> Answer:
        alternatives = tuple(Alternative(ticker, card, label=f"{ticker} {card}")  # type: ignore[arg-type]
                             for card in ("overview", "bull", "risk", "catalyst"))
        return Answer(question, "unknown", confidence=0.2, alternatives=alternatives,
                      covered=self.covered, reason="not in thesis")

    def _which_thesis(self, question: str, intent: str) -> Answer:
        alternatives = tuple(
            Alternative(t, intent, label=f"{t} {intent}")  # type: ignore[arg-type]
            for t in self.covered[:10]
        )
        return Answer(question, "unknown", confidence=0.3, alternatives=alternatives,
                      covered=self.covered, reason="which thesis")

    def _unknown(self, question: str, subject: str | None = None, reason: str = "") -> Answer:
        alternatives = tuple(
            Alternative(t, "overview", label=f"{t} overview") for t in self.covered[:5]
        )
        return Answer(question, "unknown", confidence=0.0, alternatives=alternatives,
                      covered=self.covered, unknown_subject=subject,
                      reason=reason or "not covered")


def _horizon(reading: Reading) -> str | None:
    """"near-term catalysts" asks for one horizon only."""
    for i, word in enumerate(reading.stems[:-1]):
        if word in _HORIZON_WORDS and reading.stems[i + 1] in ("term", "run", "dated"):
            return _HORIZON_WORDS[word]
    return None
