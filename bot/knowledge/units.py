"""What a figure's unit means for its size: "$19.1 billion" is 19.1e9 when a question quotes it."""

from __future__ import annotations

_MAGNITUDE = {"usd_billion": 1e9, "usd_million": 1e6}


def magnitude(unit: str) -> float:
    """The factor from a figure's stored value to the number a question may quote."""
    return _MAGNITUDE.get(unit, 1.0)
