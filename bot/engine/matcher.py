"""The Engine: indexes built once from the knowledge base, then question -> Answer.

The steps follow the one path: clean -> tokens (spell-corrected) -> resolve the thesis ->
classify the intent -> retrieve a point or figure -> decide the card and how sure we are.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.engine.answer import CARD_OF_SECTION, SECTION_OF_CARD, Alternative, Answer, Card
from bot.engine.clean import Token, clean_text, tokenize
from bot.engine.vocabulary import (
    BagIndex,
    Hit,
    PhraseTable,
    Speller,
    length_weight,
    non_overlapping,
    term_key,
    term_words,
)
from bot.knowledge.loader import Knowledge, load_all
from bot.knowledge.models import Thesis

# Confidence bands the Slack layer acts on.
SURE = 0.8
UNSURE = 0.5

POINT_THRESHOLD = 0.45
FIGURE_BY_VALUE = 2.0
HINT_STRENGTH = 0.4
_HORIZON_WORDS = {"near": "near", "short": "near", "medium": "medium", "mid": "medium",
                  "long": "long"}
_NUMBER = re.compile(
    r"(?<![\w.])(\$)?(\d+(?:\.\d+)?)\s*(%|x|bn|b|billion|mn|m|million|k)?(?![\w])", re.I
)
_SCALE = {"k": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}
_UNIT_SCALE = {"usd_billion": 1e9, "usd_million": 1e6}


@dataclass(frozen=True, slots=True)
class _Reading:
    """The question's words after spell-correction, and what each one was."""

    tokens: list[Token]
    stems: list[str]
    quality: list[float]
    known: list[bool]
    source: list[int]  # index into tokens of each stem (a split word gives two stems)
    numbers: list[float]


class _ThesisIndex:
    """Point and figure terms of one thesis, and its figures by value."""

    def __init__(self, thesis: Thesis, ignore: set[str], common: set[str]) -> None:
        self.thesis = thesis
        self.points = BagIndex(common)
        self.figures = BagIndex(common)
        self.section_of: dict[str, str] = {}
        self.order = {point.id: n for n, (_, point) in enumerate(thesis.points())}
        self.figure_points: dict[str, list[str]] = {}
        self.values: list[tuple[float, str]] = []
        self.words: set[str] = set()  # every form of every term word, for the speller
        for section, point in thesis.points():
            self.section_of[point.id] = section
            for figure in point.figures:
                self.figure_points.setdefault(figure, []).append(point.id)
            for text in [point.title, point.id.replace("-", " "), *point.keywords]:
                self._add(self.points, text, point.id, ignore)
            for word in term_key(point.title):
                self._add(self.points, word, point.id, ignore)
        for figure in thesis.figures:
            scale = _UNIT_SCALE.get(figure.unit, 1.0)
            self.values.append((figure.value * scale, figure.id))
            for text in [figure.subject, *figure.keywords]:
                self._add(self.figures, text, figure.id, ignore)
                for point_id in self.figure_points.get(figure.id, ()):
                    self._add(self.points, text, point_id, ignore)

    def _add(self, index: BagIndex, text: str, target: str, ignore: set[str]) -> None:
        self.words.update(term_words(text))
        key = tuple(w for w in term_key(text) if w not in ignore)
        if key:
            index.add(key, target)

    def figures_by_value(self, numbers: list[float]) -> list[str]:
        return [fid for value, fid in self.values
                if any(abs(value - n) <= 1e-6 * max(1.0, abs(value)) for n in numbers)]


class Engine:
    """Answers questions about the loaded theses. Build once, call `answer` many times."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.theses: dict[str, Thesis] = dict(knowledge.theses)
        self.problems = list(knowledge.problems)
        vocabulary = knowledge.vocabulary.words() if knowledge.vocabulary else []
        self._common = {w for text in vocabulary for w in term_key(text)}
        self._abbreviations = {
            short: term_key(long)
            for short, long in (knowledge.vocabulary.abbreviations if knowledge.vocabulary
                                else {}).items()
        }
        self._intents = PhraseTable()
        for name, spec in knowledge.intents.items():
            for text in spec.terms:
                self._intents.add(term_key(text), (name, 1.0))
            for text in spec.hints:
                self._intents.add(term_key(text), (name, HINT_STRENGTH))
        self._aliases = PhraseTable()
        self._script_aliases: list[tuple[str, str]] = []
        self._others: set[str] = set()  # single words naming companies we do not cover
        self._indexes: dict[str, _ThesisIndex] = {}
        speller = Speller()
        speller.add(w for text in vocabulary for w in term_words(text))
        for spec in knowledge.intents.values():
            speller.add(w for text in [*spec.terms, *spec.hints] for w in term_words(text))
        for ticker, thesis in self.theses.items():
            names = [thesis.ticker, thesis.company, *thesis.aliases]
            for alias in names:
                self._aliases.add(term_key(alias), ticker)
                if not alias.isascii():
                    self._script_aliases.append((unicodedata.normalize("NFKC", alias), ticker))
            own = {key[0] for alias in names if len(key := term_key(alias)) == 1}
            self._others.update(key[0] for name in thesis.other_companies
                                if len(key := term_key(name)) == 1)
            index = _ThesisIndex(thesis, own, self._common)
            self._indexes[ticker] = index
            speller.add(w for alias in names for w in term_words(alias) if w.isalpha())
            speller.add(index.words)
        self._script_aliases.sort(key=lambda pair: -len(pair[0]))
        self.speller = speller

    @classmethod
    def from_dirs(cls, knowledge_dir: Path, intents_dir: Path,
                  today: dt.date | None = None) -> Engine:
        return cls(load_all(knowledge_dir, intents_dir, today))

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(sorted(self.theses))

    # -- the public steps ---------------------------------------------------------------

    def answer(self, question: str) -> Answer:
        text = clean_text(question)
        return self._decide(question, text, self._read(text))

    def answer_for(self, ticker: str, card: Card, point: str | None = None,
                   question: str = "") -> Answer:
        """A card asked for by id (a button, a deep link): no matching, full confidence."""
        thesis = self.theses.get(ticker)
        if thesis is None:
            return self._unknown(question, subject=ticker)
        if point is not None and thesis.point(point) is None:
            point = None
        return Answer(question or f"{ticker} {card}", card, thesis, point=point,
                      confidence=1.0, covered=self.covered)

    # -- reading -----------------------------------------------------------------------------

    def _read(self, text: str) -> _Reading:
        tokens = tokenize(text)
        stems: list[str] = []
        quality: list[float] = []
        known: list[bool] = []
        source: list[int] = []

        def push(word: str, q: float, is_known: bool, i: int) -> None:
            stems.append(word)
            quality.append(q)
            known.append(is_known)
            source.append(i)

        for i, token in enumerate(tokens):
            expansion = self._abbreviations.get(token.text)
            if expansion and not token.original.isupper():
                for word in expansion:
                    push(word, 1.0, True, i)
                continue
            corrected = self.speller.correct(token)
            if corrected is not None:
                push(corrected[0], corrected[1], True, i)
            elif (parts := self.speller.split(token)) is not None:
                for part in parts:
                    push(part, 0.9, True, i)
            else:
                push(token.stem, 1.0, False, i)
        numbers = []
        for match in _NUMBER.finditer(text):
            dollar, digits, suffix = match.groups()
            if not (dollar or suffix or "." in digits):
                continue
            value = float(digits)
            numbers.append(value)
            if suffix and suffix.lower() in _SCALE:
                numbers.append(value * _SCALE[suffix.lower()])
        return _Reading(tokens, stems, quality, known, source, numbers)

    def _resolve(self, text: str, reading: _Reading) -> tuple[list[str], set[int]]:
        """Tickers the question names, in order, and the positions of the words naming them."""
        found: list[str] = []
        positions: set[int] = set()
        for hit in non_overlapping(self._aliases.hits(reading.stems, reading.quality)):
            if hit.gapped or hit.quality < 0.7:
                continue
            positions.update(hit.positions)
            if hit.value not in found:
                found.append(hit.value)  # type: ignore[arg-type]
        for i, stem in enumerate(reading.stems):
            if any(sep in stem for sep in ".:/"):
                for part in re.split(r"[.:/]", stem):
                    ticker = self._aliases_get(part)
                    if ticker:
                        positions.add(i)
                        if ticker not in found:
                            found.append(ticker)
        if self._script_aliases:
            normal = unicodedata.normalize("NFKC", text)
            for alias, ticker in self._script_aliases:
                if alias in normal and ticker not in found:
                    found.append(ticker)
        return found, positions

    def _aliases_get(self, word: str) -> str | None:
        hits = self._aliases.hits([word], [1.0])
        return hits[0].value if hits and hits[0].size == 1 else None  # type: ignore[return-value]

    def _unknown_subject(self, reading: _Reading, intent_starts: set[int],
                         asks: bool) -> str | None:
        """A word that looks like the name of a company we do not cover ("TSLA", "tesla's").
        Weaker signs (a possessive, "about X") count only in a question that `asks` for a card."""
        last_content = max((i for i, s in enumerate(reading.stems) if s not in self._common),
                           default=-1)
        for i, stem in enumerate(reading.stems):
            token = reading.tokens[reading.source[i]]
            if token.text in self._common or (stem,) in self._intents:
                continue
            name_like = token.text.isalpha() or re.fullmatch(r"[a-z0-9]+\.[a-z]{1,4}", token.text)
            if not name_like or token.text.isdigit():
                continue
            looks_like_ticker = token.original.isupper() and 2 <= len(token.text) <= 5
            before_intent = (i + 1) in intent_starts
            named_elsewhere = token.possessive or looks_like_ticker or stem in self._others
            if reading.known[i] and not (before_intent and named_elsewhere):
                continue
            capitalised = token.original[:1].isupper() and i > 0
            if token.cashtag or looks_like_ticker or before_intent or (asks and (
                token.possessive
                or (token.after_preposition and (capitalised or i == last_content))
            )):
                return token.original.upper() if (token.cashtag or looks_like_ticker) \
                    else token.original
        return None

    # -- deciding ----------------------------------------------------------------------------

    def _intent_scores(self, hits: list[Hit]) -> list[tuple[str, float]]:
        scores: dict[str, float] = {}
        first: dict[str, int] = {}
        for hit in hits:
            name, strength = hit.value  # type: ignore[misc]
            weight = strength * length_weight(("",) * hit.size) * hit.quality
            scores[name] = scores.get(name, 0.0) + weight * (0.85 if hit.gapped else 1.0)
            first[name] = min(first.get(name, hit.positions[0]), hit.positions[0])
        return sorted(scores.items(), key=lambda kv: (-kv[1], first[kv[0]]))

    def _decide(self, question: str, text: str, reading: _Reading) -> Answer:
        if not reading.tokens:
            return Answer(question, "help", confidence=1.0, covered=self.covered,
                          reason="empty")
        named, alias_positions = self._resolve(text, reading)
        candidates = named or list(self.theses)
        index = self._indexes[candidates[0]] if candidates else None

        # One word belongs to one phrase: the longest wins, intent or point term alike
        # ("investment thesis" is the overview, "open source" a point, not "source").
        intent_hits = self._intents.hits(reading.stems, reading.quality)
        point_hits = index.points.phrases.hits(reading.stems, reading.quality) if index else []
        merged = sorted([*intent_hits, *point_hits],
                        key=lambda h: (-h.size, h.gapped, h.positions[0]))
        chosen = non_overlapping(merged, set(alias_positions))
        is_intent = {id(h) for h in intent_hits}
        intent_hits = [h for h in chosen if id(h) in is_intent]
        intents = self._intent_scores(intent_hits)
        intent_positions = {p for h in intent_hits for p in h.positions}
        intent_starts = {h.positions[0] for h in intent_hits if h.value[1] == 1.0}  # type: ignore[index]

        strong = [(n, s) for n, s in intents if s >= 0.7]
        hinted = intents[0][0] if intents and not strong else None
        point_stems = [s for i, s in enumerate(reading.stems)
                       if i not in intent_positions and i not in alias_positions]
        qmap = dict(zip(reading.stems, reading.quality, strict=True))
        points = index.points.score(point_stems, qmap) if index else {}
        figures = index.figures.score(point_stems, qmap) if index else {}
        if index:
            for fid in index.figures_by_value(reading.numbers):
                figures[fid] = figures.get(fid, 0.0) + FIGURE_BY_VALUE
                for pid in index.figure_points.get(fid, ()):
                    points[pid] = points.get(pid, 0.0) + FIGURE_BY_VALUE
        evidence = max(points.values(), default=0.0) >= POINT_THRESHOLD

        # Help only when nothing else is asked: "hey, why do we like alibaba?" is not help.
        not_help = [(n, sc) for n, sc in strong if n != "help"]
        if evidence or named or not_help:
            strong = not_help
        sides = {n for n, _ in strong}
        if "bull" in sides and sides & {"bear", "risk"}:
            # "the bull and bear case": both sides of the thesis are its overview.
            strong = [("overview", strong[0][1]), *strong]
        intent = strong[0][0] if strong else None
        if not named:
            subject = self._unknown_subject(reading, intent_starts,
                                            asks=bool(strong) and not evidence)
            if subject is not None:
                return self._unknown(question, subject=subject)
            if self._mostly_unknown(reading, intent_positions):
                return self._unknown(question, reason="mostly unknown words")
        if intent == "help" and not named:
            return Answer(question, "help", confidence=min(1.0, strong[0][1]),
                          covered=self.covered, reason="help")
        if not self.theses or index is None:
            return self._unknown(question, reason="no theses")
        if len(candidates) > 1 and not named:
            return self._which_thesis(question, intent or hinted or "overview")
        if intent is None and hinted is not None and not evidence and (
            named or all(reading.known)
        ):
            intent = hinted
        if intent is None and not named and not evidence:
            return self._unknown(question, reason="no evidence")
        others = [Alternative(t, "overview", label=f"{t} overview") for t in named[1:]]
        return self._card(question, index, intent, strong, points, figures, reading,
                          bool(named), others)

    def _mostly_unknown(self, reading: _Reading, intent_positions: set[int]) -> bool:
        """More words we do not know than words we know the meaning of: a question about
        something else ("what's the risk of rain this weekend?")."""
        unknown = matched = 0.0
        for i, stem in enumerate(reading.stems):
            if not reading.known[i]:
                unknown += stem.isalpha()
            elif i in intent_positions or stem not in self._common:
                matched += 1.0 if reading.quality[i] == 1.0 else 0.5
        return unknown >= 2 and unknown > matched

    def _card(self, question: str, index: _ThesisIndex, intent: str | None,
              strong: list[tuple[str, float]], points: dict[str, float],
              figures: dict[str, float], reading: _Reading, named: bool,
              others: list[Alternative]) -> Answer:
        thesis = index.thesis
        ticker = thesis.ticker
        ranked = sorted(points.items(), key=lambda kv: (-kv[1], index.order[kv[0]]))
        if intent in SECTION_OF_CARD:
            wanted = SECTION_OF_CARD[intent]
            in_section = [(p, s) for p, s in ranked if index.section_of[p] == wanted]
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

        figure = None
        if best_point is not None and figures:
            fid, fscore = max(figures.items(), key=lambda kv: kv[1])
            if fscore >= POINT_THRESHOLD and best_point in index.figure_points.get(fid, ()):
                figure = fid

        intent_quality = min(1.0, strong[0][1]) if strong else 0.85
        alternatives: list[Alternative] = list(others)
        for name, score in strong[1:3]:
            if score >= 0.6 * strong[0][1]:
                alternatives.append(Alternative(ticker, name, label=f"{ticker} {name}"))  # type: ignore[arg-type]

        if best_point is not None and intent != "help":
            section = index.section_of[best_point]
            card: Card = intent if intent in SECTION_OF_CARD or intent == "figures" \
                else CARD_OF_SECTION[section]  # type: ignore[assignment]
            margin = 1.0 if runner_up == 0 else min(1.0, (best_score - runner_up) / best_score * 2)
            confidence = min(intent_quality, 0.55 + 0.45 * margin, 0.6 + 0.4 * min(1, best_score))
            for pid, score in ranked[1:3]:
                if score >= 0.75 * best_score:
                    sec = index.section_of[pid]
                    alt_card = card if intent in SECTION_OF_CARD else CARD_OF_SECTION[sec]
                    found = thesis.point(pid)
                    alternatives.append(Alternative(ticker, alt_card, pid,  # type: ignore[arg-type]
                                                    label=found[1].title if found else pid))
            return Answer(question, card, thesis, point=best_point, figure=figure,
                          confidence=round(confidence, 3), alternatives=tuple(alternatives),
                          covered=self.covered)

        card = intent if intent is not None else "overview"  # type: ignore[assignment]
        confidence = intent_quality if intent else (0.9 if named else 0.5)
        horizon = self._horizon(reading) if card == "catalyst" else None
        return Answer(question, card, thesis, horizon=horizon, confidence=round(confidence, 3),
                      alternatives=tuple(alternatives), covered=self.covered)

    @staticmethod
    def _horizon(reading: _Reading) -> str | None:
        for i, word in enumerate(reading.stems[:-1]):
            if word in _HORIZON_WORDS and reading.stems[i + 1] in ("term", "run", "dated"):
                return _HORIZON_WORDS[word]
        return None

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
