""""Its own chips", "Baiyu's own model": made in-house. A question and a thesis say it either
way ("its own silicon", "homegrown chips"; "proprietary" and "custom" are synonyms in
`vocabulary.yaml`), and "own" alone is an ordinary word that carries nothing, so "its own" is
read as the word IN_HOUSE wherever it stands, in questions and in theses' text alike. Not "its
own shares" or "its own cash": what a company holds, not what it makes (a buyback is "buying
its own stock")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.engine.clean import Token

IN_HOUSE = "homegrown"
_OWNERS = ("its", "their", "his", "her")
_HELD = ("share", "shares", "stock", "stocks", "equity", "debt", "bond", "bonds", "note",
         "notes", "balance", "capital", "cash", "money", "funds", "profit", "profits",
         "earnings")
_MADE = re.compile(rf"(?:\b(?:{'|'.join(_OWNERS)})|\w['’]s)\s+own\b"
                   rf"(?!\s+(?:{'|'.join(_HELD)})\b)", re.IGNORECASE)


def made_in_house(text: str) -> int:
    """How many times a text says a thing is the company's own make."""
    return len(_MADE.findall(text))


def is_own_make(tokens: Sequence[Token], i: int) -> bool:
    """Whether the word at `i` is the "own" of "its own chips" or "Baiyu's own model"."""
    return tokens[i].text == "own" and i > 0 \
        and (tokens[i - 1].possessive or tokens[i - 1].text in _OWNERS) \
        and not (i + 1 < len(tokens) and tokens[i + 1].text in _HELD)
