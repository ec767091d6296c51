""""Its own chips", "Baiyu's own model": made by the company itself. A question and a thesis
say it either way ("homegrown", "proprietary" and "custom" are synonyms in `vocabulary.yaml`),
and "own" alone is an ordinary word that carries nothing, so "its own" is read as the word
IN_HOUSE: in questions (`reading.py`), at the end of a phrase the bot matches whole ("does it
have its own", `term_key`), and added to a point's title, summary and text where they say it
(`index.py`). Not "its own shares" or "its own cash" (what a company holds, not what it
makes), nor "on its own" or "in its own right" (alone), nor "let's own it"; "a chip of its
own" is."""

from __future__ import annotations

import re
from collections.abc import Sequence

IN_HOUSE = "homegrown"
_OWNERS = frozenset({"its", "their", "his", "her"})
# After "its own": what a company holds, or words that make "on its own" mean alone
_NOT_MADE = frozenset({
    "share", "shares", "shareholders", "holders", "stock", "stocks", "equity", "debt", "bond",
    "bonds", "note", "notes", "balance", "capital", "cash", "money", "funds", "profit",
    "profits", "earnings", "right", "terms", "account", "merits", "accord", "way",
    "and", "or", "but", "to", "in", "on", "at", "for", "with", "if", "is", "was", "as", "so",
    "than", "the", "a", "an", "of", "by", "from", "too", "yet", "now", "then", "either",
    "again", "anymore"})
_MADE = re.compile(rf"(?:\b(?:{'|'.join(_OWNERS)})|\b(?!let['’]s)\w+['’]s)\s+own\s+"
                   rf"(?!(?:{'|'.join(_NOT_MADE)})\b)[a-z]"
                   rf"|\bof\s+(?:{'|'.join(_OWNERS)})\s+own\b(?!\s+[a-z])", re.IGNORECASE)


def made_in_house(text: str) -> int:
    """How many times a text says a thing is the company's own make."""
    return len(_MADE.findall(text))


def is_in_house(words: Sequence[str], i: int, possessive: bool = False,
                phrase: bool = False) -> bool:
    """Whether the word at `i` (of lower-case words) is the "own" of "its own chips"
    (`possessive`: the word before it was a possessive, "Baiyu's own"). In a `phrase` the bot
    matches whole, only one ending in it ("does it have its own"): what follows is the
    question's; a point's title or keyword ("pays for its own training") keeps its words."""
    if words[i] != "own" or i == 0 or words[i - 1] == "let" \
            or not (possessive or words[i - 1] in _OWNERS):
        return False
    if phrase or i + 1 == len(words) or not words[i + 1].isalpha():
        # "a chip of its own?", but not "can it stand on its own?"
        return phrase and i + 1 == len(words) or i > 1 and words[i - 2] == "of"
    return words[i + 1] not in _NOT_MADE
