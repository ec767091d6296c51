"""Step one of the path: a cleaned question becomes words the matcher can look up.

Each word is expanded (abbreviations), spell-corrected towards the bot's vocabulary or split
("bullcase"), and remembers whether it was known; numbers are read apart ("$19.1bn", "35.8%").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.engine import thresholds as th
from bot.engine.clean import Token, stem, tokenize
from bot.engine.in_house import IN_HOUSE, is_in_house
from bot.engine.vocabulary import Key, Speller

_NUMBER = re.compile(
    r"(?<![\w.,])(\$)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(%|x|bn|b|billion|mn|m|million|k)?(?![\w])", re.I
)
_AHEAD = re.compile(r"\b(?:next|last|past|within|coming)\s+(?:\d+\s*[-–]\s*)?$", re.I)
_SCALE = {"k": 10**3, "m": 10**6, "mn": 10**6, "million": 10**6, "b": 10**9, "bn": 10**9,
          "billion": 10**9}


@dataclass(frozen=True, slots=True)
class Reading:
    """The question's words after correction, and what each one was."""

    tokens: list[Token]
    stems: list[str]
    quality: list[float]  # 1.0 as typed, less for a corrected word
    known: list[bool]
    source: list[int]  # index into tokens of each stem (a split word gives two stems)
    numbers: list[float]
    corrected: tuple[str, ...] = ()  # the question as read, when a typo was corrected
    expanded: frozenset[int] = frozenset()  # stems of an abbreviation of several words (SOE)

    def token_at(self, i: int) -> Token:
        return self.tokens[self.source[i]]


def _versioned(tokens: list[Token], speller: Speller) -> list[Token]:
    """A name and its number typed apart are the one name the book writes ("xuanji 2" of
    "Xuanji-2"), when the book knows it so."""
    joined: list[Token] = []
    for token in tokens:
        before = joined[-1] if joined else None
        if before is not None and token.text.isdigit() and len(token.text) <= 3 \
                and before.text.isalpha() and before.text + token.text in speller.known:
            word = before.text + token.text
            joined[-1] = dataclasses.replace(before, text=word, stem=stem(word),
                                             original=f"{before.original} {token.original}",
                                             possessive=token.possessive)
        else:
            joined.append(token)
    return joined


def read(text: str, speller: Speller, abbreviations: dict[str, Key],
         as_written: Callable[[Sequence[str]], set[int]] | None = None) -> Reading:
    """The question as the bot reads it. `as_written`: the positions, among the words' stems,
    where a shorthand keeps its own sense (the "topline" of "topline data" is no revenue)."""
    tokens = _versioned(tokenize(text), speller)
    literal = as_written([token.stem for token in tokens]) if as_written else set()
    stems: list[str] = []
    quality: list[float] = []
    known: list[bool] = []
    source: list[int] = []
    as_read: list[str] = []
    expanded: set[int] = set()

    def push(words: list[str] | Key, q: float, is_known: bool, i: int) -> None:
        for word in words:
            stems.append(word)
            quality.append(q)
            known.append(is_known)
            source.append(i)

    texts = [token.text for token in tokens]
    for i, token in enumerate(tokens):
        expansion = None
        if i not in literal:
            expansion = (abbreviations.get(f"{tokens[i - 1].text} {token.text}") if i else None) \
                or abbreviations.get(token.text)
        word = token.original
        slashed = token.text.split("/")
        if is_in_house(texts, i, i > 0 and tokens[i - 1].possessive):
            push([stem(IN_HOUSE)], 1.0, True, i)
        elif expansion and not token.cashtag:
            if len(expansion) > 1:
                expanded.update(range(len(stems), len(stems) + len(expansion)))
            push(expansion, 1.0, True, i)
        elif len(slashed) > 1 and all(p.isalpha() for p in slashed) \
                and token.text not in speller.english and speller.known_stem(token) is None:
            for part in slashed:  # "founder/CEO", "wind/solar": words apart, not one unknown
                word_token = dataclasses.replace(token, text=part, stem=stem(part))
                if (corrected := speller.correct(word_token)) is not None:
                    push([corrected[0]], corrected[1], True, i)
                else:
                    push([word_token.stem], 1.0, False, i)
        elif (corrected := speller.correct(token)) is not None:
            push([corrected[0]], corrected[1], True, i)
            word = corrected[2] if corrected[1] < 1.0 else word
        elif (parts := speller.split(token)) is not None:
            push(parts, th.SPLIT_WORD, True, i)
        else:
            push([token.stem], 1.0, False, i)
        as_read.append(word)
    typo = any(word != token.original for word, token in zip(as_read, tokens, strict=True))
    return Reading(tokens, stems, quality, known, source, read_numbers(text),
                   tuple(as_read) if typo else (), frozenset(expanded))


def read_numbers(text: str) -> list[float]:
    """Numbers that look like figures ("$52B", "19.1bn", "35.8%", "180,000"), in every scale
    they may mean.
    Bare integers are left out: "top 3 reasons" is not a figure."""
    numbers = []
    for match in _NUMBER.finditer(text):
        dollar, digits, suffix = match.groups()
        if not (dollar or suffix or "." in digits or "," in digits):
            continue
        if suffix and suffix.lower() == "m" and _AHEAD.search(text[:match.start()]):
            continue  # "catalysts over the next 12-24m": months
        value = float(digits.replace(",", ""))
        numbers.append(value)
        if suffix and suffix.lower() in _SCALE:
            numbers.append(value * _SCALE[suffix.lower()])
    return numbers
