"""Unicode's bidirectional controls (UAX #9): the embeddings, overrides and isolates, and the
left-to-right, right-to-left and Arabic letter marks. In a thesis field a U+202E shows "gnirts"
for "string", so a card could say what its text does not: nothing shown carries one, and
`thesis validate` warns where a thesis holds one."""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def strip_bidi(text: str) -> str:
    """`text` without bidirectional controls."""
    return _BIDI.sub("", text)


def bidi_names(text: str) -> list[str]:
    """The bidirectional controls in `text`, once each, as "U+202E RIGHT-TO-LEFT OVERRIDE"."""
    found = dict.fromkeys(_BIDI.findall(text))
    return [f"U+{ord(c):04X} {unicodedata.name(c, 'BIDIRECTIONAL CONTROL')}" for c in found]
