"""From Slack text to tokens: strip markup, normalise, split, and lightly stem."""

from __future__ import annotations

import dataclasses
import html
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_CHARS = 2000
MAX_TOKENS = 64

_SLACK_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_EMOJI = re.compile(r":([a-z0-9_+\-']+):")
# Emoji that carry a word on a trading desk: ":bear: case?" is the bear case.
_EMOJI_WORDS = {"bear": "bear", "ox": "bull", "water_buffalo": "bull", "cow2": "bull",
                "chart_with_upwards_trend": "", "chart_with_downwards_trend": ""}
_EMOJI_CHARACTERS = {"\U0001f43b": " bear ", "\U0001f402": " bull ", "\U0001f403": " bull "}
_CASHTAG = re.compile(r"\$([A-Za-z][A-Za-z.]{0,9})\b")
_QUOTE = re.compile(r"^\s*>+\s?", re.MULTILINE)
_STRUCK = re.compile(r"(?<!\w)~[^~\n]+~(?!\w)")
_FORMAT = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")
_TOKEN = re.compile(
    r"[0-9a-z]+(?:[.:/&][0-9a-z]+)*|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+",
)
# A name and its number are one word however typed: "GLP-1" and "glp1", "ATTAIN-1" and
# "attain1" ("ATTAIN-2" is another trial). Years stay apart: "FY-2025" is not a name.
_NUMBERED = re.compile(r"\b([A-Za-z]{2,})-(\d{1,3})\b")
_POSSESSIVE = re.compile(r"(\w)['’]s\b")
_APOSTROPHE = re.compile(r"(\w)['’](\w)")
_PREPOSITIONS = frozenset({"of", "for", "on", "about", "in", "at", "with", "re", "regarding"})


def _unlink(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target.startswith(("@", "!", "#")):
        # Mentions, <!channel>/<!here>, user groups and channel links carry no question.
        return " "
    return f" {label} " if label else " "


def clean_text(raw: str) -> str:
    """Slack markup removed, entities decoded, whitespace collapsed: the question as a person
    would read it. Bounded in length so pathological input stays cheap."""
    text = raw[: MAX_CHARS * 4].replace("\x00", " ")
    text = _SLACK_LINK.sub(_unlink, text)
    text = html.unescape(text)
    text = _QUOTE.sub(" ", text)
    text = _EMOJI.sub(lambda m: f" {_EMOJI_WORDS.get(m.group(1), '')} ", text)
    for character, word in _EMOJI_CHARACTERS.items():
        text = text.replace(character, word)
    text = _STRUCK.sub(" ", text)  # struck-through words are words the writer took back
    text = _FORMAT.sub(" ", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:MAX_CHARS]


_BRITISH = (
    (re.compile(r"(?<=[a-z]{2})(al|il|im|n|it|et|ar|or)is(ations?|e|ed|es|ing|ers?)$"),
     r"\1iz\2"),  # capitalised, utilisation, authorise: never arise, promise, advertise
    (re.compile(r"(?<=[a-z]{2})lys(e|ed|es|ing)$"), r"lyz\1"),  # analysed, catalyse
    (re.compile(r"^(lab|fav|behavi|col|hon|rum|neighb|harb|endeav)our"), r"\1or"),  # labour
    (re.compile(r"^(cent|met|theat)re(s?)$"), r"\1er\2"),  # centre
)


def american(word: str) -> str:
    """The word in American spelling, as the book's write-ups mostly are: "capitalised" and
    "capitalized" are one word to the matcher."""
    for pattern, replacement in _BRITISH:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light stemmer (plurals, -ing, -ed, a silent final e), applied alike to
    questions and vocabulary: "reprices", "repriced" and "repricing" meet at "repric". Each
    stem is one string however many words lead to it: a large book holds it once."""
    return sys.intern(_stem(word))


def _stem(word: str) -> str:
    if not word.isalpha():
        return word
    word = american(word)
    if len(word) >= 6 and word.endswith("ing") or len(word) >= 5 and word.endswith("ed") \
            and not word.endswith("eed"):
        base = word[:-3] if word.endswith("ing") else word[:-2]
        if len(base) >= 3 and base[-1] == base[-2] and base[-1] not in "lsz":
            base = base[:-1]
        return base
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is")) \
            and not (word.endswith("us") and len(word) > 4):  # status, not gpus
        word = word[:-1]
    if len(word) >= 8 and word.endswith(("tion", "sion")):
        return word[:-3]  # concentration meets concentrated, regulation regulated
    if len(word) >= 8 and word.endswith(("ence", "ance")):
        return word[:-4]  # guidance, dependence meet guiding, depend
    if len(word) >= 8 and word.endswith(("ent", "ant")) and not word.endswith("ment"):
        return word[:-3]  # dependent, significant
    if len(word) >= 4 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # normalised surface form
    stem: str
    original: str  # as typed, case kept (for "is this a ticker?")
    cashtag: bool = False
    possessive: bool = False
    after_preposition: bool = False


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("p/e", "pe").replace("P/E", "PE").replace("tl;dr", "tldr")
    text = _NUMBERED.sub(r"\1\2", text)
    return _APOSTROPHE.sub(r"\1\2", _POSSESSIVE.sub(r"\1 's", text))


def tokenize(text: str) -> list[Token]:
    """Tokens of an already cleaned question, at most MAX_TOKENS of them."""
    cashtags = {m.group(1).lower() for m in _CASHTAG.finditer(text)}
    tokens: list[Token] = []
    previous = ""
    lowered = text.lower()
    for match in _TOKEN.finditer(normalise(text).replace("$", " ").lower()):
        word = match.group(0)
        if word == "s" and tokens and match.start() > 0:
            # The "'s" split off a possessive: mark the word before it.
            tokens[-1] = dataclasses.replace(tokens[-1], possessive=True)
            continue
        original = _original(text, lowered, word)
        tokens.append(
            Token(
                text=word,
                stem=stem(word),
                original=original,
                cashtag=word in cashtags,
                after_preposition=previous in _PREPOSITIONS,
            )
        )
        previous = word
        if len(tokens) >= MAX_TOKENS:
            break
    return tokens


def words(text: str) -> list[str]:
    """The normalised words of a text, as `tokenize` reads them but with no limit and no
    bookkeeping: for indexing whole paragraphs of the book."""
    found: list[str] = []
    for match in _TOKEN.finditer(normalise(text).replace("$", " ").lower()):
        word = match.group(0)
        if word == "s" and found and match.start() > 0:
            continue  # the "'s" split off a possessive
        found.append(word)
    return found


def _original(text: str, lowered: str, word: str) -> str:
    start = lowered.find(word)
    return text[start : start + len(word)] if start >= 0 else word
