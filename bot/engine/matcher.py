"""The Engine: indexes built once from the knowledge base, then question -> Answer.

The steps follow the one path: clean -> tokens (spell-corrected) -> resolve the thesis ->
classify the intent -> retrieve a point or figure -> decide the card and how sure we are.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.engine.answer import CARD_OF_SECTION, SECTION_OF_CARD, Alternative, Answer, Card
from bot.engine.clean import Token, clean_text, tokenize
from bot.engine.vocabulary import BagIndex, Key, Speller, find_phrases, length_weight, term_key
from bot.knowledge.loader import Knowledge, load_all
from bot.knowledge.models import Thesis

# Confidence bands the Slack layer acts on.
SURE = 0.8
UNSURE = 0.5

POINT_THRESHOLD = 0.45
HINT_STRENGTH = 0.4
_HORIZON_WORDS = {"near": "near", "short": "near", "medium": "medium", "mid": "medium",
                  "long": "long"}


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the question says, before deciding: the raw material of an Answer."""

    tokens: list[Token]
    stems: list[str]
    quality: list[float]
    known: list[bool]


class _ThesisIndex:
    """Point and figure terms of one thesis."""

    def __init__(self, thesis: Thesis, common: set[str]) -> None:
        self.thesis = thesis
        self.points = BagIndex()
        self.figures = BagIndex()
        self.section_of: dict[str, str] = {}
        figure_points: dict[str, list[str]] = {}
        for section, point in thesis.points():
            self.section_of[point.id] = section
            for figure in point.figures:
                figure_points.setdefault(figure, []).append(point.id)
            for text in [point.title, point.id.replace("-", " "), *point.keywords]:
                self._add(self.points, text, point.id, common)
            for word in term_key(point.title):
                if word not in common:
                    self.points.add((word,), point.id)
        for figure in thesis.figures:
            for text in [figure.subject, *figure.keywords]:
                self._add(self.figures, text, figure.id, common)
                for point_id in figure_points.get(figure.id, ()):
                    self._add(self.points, text, point_id, common)
        self.figure_points = figure_points

    @staticmethod
    def _add(index: BagIndex, text: str, target: str, common: set[str]) -> None:
        key = term_key(text)
        if len(key) > 1 or (key and key[0] not in common):
            index.add(key, target)


class Engine:
    """Answers questions about the loaded theses. Build once, call `answer` many times."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.theses: dict[str, Thesis] = dict(knowledge.theses)
        self.problems = list(knowledge.problems)
        common = {w for text in (knowledge.vocabulary.words() if knowledge.vocabulary else [])
                  for w in term_key(text)}
        self._common = common
        self.speller = Speller()
        self._intents: dict[Key, tuple[str, float]] = {}
        for name, spec in knowledge.intents.items():
            for text in spec.terms:
                self._intents[term_key(text)] = (name, 1.0)
            for text in spec.hints:
                self._intents[term_key(text)] = (name, HINT_STRENGTH)
        self._longest_intent = max((len(k) for k in self._intents), default=1)
        self._aliases: dict[Key, str] = {}
        self._script_aliases: list[tuple[str, str]] = []
        self._indexes: dict[str, _ThesisIndex] = {}
        for ticker, thesis in self.theses.items():
            for alias in [thesis.ticker, thesis.company, *thesis.aliases]:
                key = term_key(alias)
                if key and key not in self._aliases:
                    self._aliases[key] = ticker
                if not alias.isascii():
                    self._script_aliases.append((unicodedata.normalize("NFKC", alias), ticker))
            self._indexes[ticker] = _ThesisIndex(thesis, common)
        self._script_aliases.sort(key=lambda pair: -len(pair[0]))
        self._longest_alias = max((len(k) for k in self._aliases), default=1)
        self.speller.add(common)
        self.speller.add(w for key in self._intents for w in key)
        self.speller.add(w for key in self._aliases for w in key if w.isalpha())
        for index in self._indexes.values():
            self.speller.add(index.points.words() | index.figures.words())

    @classmethod
    def from_dirs(cls, knowledge_dir: Path, intents_dir: Path,
                  today: dt.date | None = None) -> Engine:
        return cls(load_all(knowledge_dir, intents_dir, today))

    # -- the one public step -------------------------------------------------------------

    def answer(self, question: str) -> Answer:
        text = clean_text(question)
        reading = self._read(text)
        return self._decide(question, text, reading)

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

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(sorted(self.theses))

    # -- reading -----------------------------------------------------------------------------

    def _read(self, text: str) -> _Reading:
        tokens = tokenize(text)
        stems: list[str] = []
        quality: list[float] = []
        known: list[bool] = []
        for token in tokens:
            corrected = self.speller.correct(token)
            if corrected is None:
                stems.append(token.stem)
                quality.append(1.0)
                known.append(False)
            else:
                stems.append(corrected[0])
                quality.append(corrected[1])
                known.append(True)
        return _Reading(tokens, stems, quality, known)

    def _resolve(self, text: str, reading: _Reading) -> list[str]:
        """Tickers the question names, in the order it names them."""
        found: list[str] = []
        for hit in find_phrases(reading.stems, [1.0] * len(reading.stems), self._aliases,
                                self._longest_alias):
            if hit.value not in found and min(reading.quality[hit.start:hit.end]) >= 0.7:
                found.append(hit.value)  # type: ignore[arg-type]
        for token in reading.tokens:
            if any(sep in token.text for sep in ".:/"):
                for part in token.text.replace(":", ".").replace("/", ".").split("."):
                    ticker = self._aliases.get((part,))
                    if ticker and ticker not in found:
                        found.append(ticker)
        if self._script_aliases:
            normal = unicodedata.normalize("NFKC", text)
            for alias, ticker in self._script_aliases:
                if alias in normal and ticker not in found:
                    found.append(ticker)
        return found

    def _unknown_subject(self, reading: _Reading) -> str | None:
        """A word that looks like the name of a company we do not cover ("TSLA", "tesla's")."""
        for i, token in enumerate(reading.tokens):
            if reading.known[i] or not token.text.isalpha() or token.text in self._common:
                continue
            looks_like_ticker = token.original.isupper() and 2 <= len(token.text) <= 5
            followed_by_intent = i + 1 < len(reading.stems) and (
                (reading.stems[i + 1],) in self._intents
            )
            if (token.cashtag or looks_like_ticker or token.possessive
                    or token.after_preposition or followed_by_intent):
                return token.original.upper() if (token.cashtag or looks_like_ticker) \
                    else token.original
        return None

    def _classify(self, reading: _Reading) -> list[tuple[str, float]]:
        """Intents with their scores, best first (ties: the one mentioned first)."""
        scores: dict[str, float] = {}
        first: dict[str, int] = {}
        for hit in find_phrases(reading.stems, reading.quality, self._intents,
                                self._longest_intent):
            name, strength = hit.value  # type: ignore[misc]
            key = tuple(reading.stems[hit.start:hit.end])
            scores[name] = scores.get(name, 0.0) + strength * length_weight(key) * hit.quality
            first.setdefault(name, hit.start)
        return sorted(scores.items(), key=lambda kv: (-kv[1], first[kv[0]]))

    def _horizon(self, reading: _Reading) -> str | None:
        for i, word in enumerate(reading.stems[:-1]):
            if word in _HORIZON_WORDS and reading.stems[i + 1] in ("term", "run", "dated"):
                return _HORIZON_WORDS[word]
        return None

    # -- deciding ----------------------------------------------------------------------------

    def _decide(self, question: str, text: str, reading: _Reading) -> Answer:
        if not reading.tokens:
            return Answer(question, "help", confidence=1.0, covered=self.covered,
                          reason="empty")
        intents = self._classify(reading)
        named = self._resolve(text, reading)
        strong = [(n, s) for n, s in intents if s >= 1.0 * 0.7]
        intent = strong[0][0] if strong else None
        hinted = intents[0][0] if intents and not strong else None

        if intent == "help" and not named:
            return Answer(question, "help", confidence=min(1.0, strong[0][1]),
                          covered=self.covered, reason="help")

        if not named:
            subject = self._unknown_subject(reading)
            if subject is not None:
                return self._unknown(question, subject=subject)
        if not self.theses:
            return self._unknown(question, reason="no theses")

        candidates = named or list(self.theses)
        if len(candidates) > 1 and not named:
            return self._which_thesis(question, intent or hinted or "overview")
        ticker = candidates[0]
        thesis = self.theses[ticker]
        index = self._indexes[ticker]
        qmap = {s: q for s, q in zip(reading.stems, reading.quality, strict=True)}
        points = index.points.score(reading.stems, qmap)
        figures = index.figures.score(reading.stems, qmap)
        others = [Alternative(t, "overview", label=f"{t} overview") for t in named[1:]]

        if intent is None and named and hinted is not None:
            intent = hinted
        if intent is None and not named and not points:
            return self._unknown(question, reason="no evidence")
        if intent is None and not named and max(points.values()) < POINT_THRESHOLD:
            return self._unknown(question, reason="weak evidence")
        return self._card(question, thesis, index, intent, strong, points, figures, reading,
                          bool(named), others)

    def _card(self, question: str, thesis: Thesis, index: _ThesisIndex, intent: str | None,
              strong: list[tuple[str, float]], points: dict[str, float],
              figures: dict[str, float], reading: _Reading, named: bool,
              others: list[Alternative]) -> Answer:
        ticker = thesis.ticker
        ranked = sorted(points.items(), key=lambda kv: -kv[1])
        if intent in SECTION_OF_CARD:
            wanted = SECTION_OF_CARD[intent]
            ranked = [(p, s) for p, s in ranked if index.section_of[p] == wanted]
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

        if best_point is not None and intent in (None, "overview", "bull", "bear", "risk",
                                                 "catalyst", "figures"):
            section = index.section_of[best_point]
            card: Card = intent if intent in SECTION_OF_CARD or intent == "figures" \
                else CARD_OF_SECTION[section]  # type: ignore[assignment]
            margin = 1.0 if runner_up == 0 else min(1.0, (best_score - runner_up) / best_score * 2)
            confidence = min(intent_quality, 0.55 + 0.45 * margin, 0.6 + 0.4 * min(1, best_score))
            for pid, score in ranked[1:3]:
                if score >= 0.75 * best_score:
                    sec = index.section_of[pid]
                    alt_card = card if intent in SECTION_OF_CARD else CARD_OF_SECTION[sec]
                    alternatives.append(Alternative(ticker, alt_card, pid,  # type: ignore[arg-type]
                                                    label=thesis.point(pid)[1].title))
            return Answer(question, card, thesis, point=best_point, figure=figure,
                          confidence=round(confidence, 3), alternatives=tuple(alternatives),
                          covered=self.covered)

        card = intent if intent is not None else "overview"  # type: ignore[assignment]
        confidence = intent_quality if intent else (0.9 if named else 0.5)
        horizon = self._horizon(reading) if card == "catalyst" else None
        return Answer(question, card, thesis, horizon=horizon, confidence=round(confidence, 3),
                      alternatives=tuple(alternatives), covered=self.covered)

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
