"""Dates at the precision a write-up gives them: a day, a month, a quarter, a half or a year,
with an optional word that bounds it ("by 2030", "through March 2027", "from Q3 2025") or places
it inside the period ("mid-2027", "early 2026", "by mid-2027").

A `PartialDate` is read from the text as written and remembers it; it knows its precision and
the span of days it covers, so a card can count down at that precision ("March 2027 — in 4
months") without ever inventing a day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

Precision = Literal["day", "month", "quarter", "half", "year"]
PRECISIONS: tuple[str, ...] = get_args(Precision)
BOUNDS = ("by", "through", "until", "from")
PARTS = ("early", "mid", "late")

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9

_PATTERN = re.compile(
    r"^(?:(?P<bound>by|through|until|from)\s+)?"
    r"(?:(?P<part>early|mid|late)(?:-|\s+))?"
    r"(?:(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<month>[a-z]+)\.?\s+(?P<month_year>\d{4})"
    r"|q(?P<quarter>[1-4])\s*(?P<quarter_year>\d{4})"
    r"|h(?P<half>[12])\s*(?P<half_year>\d{4})"
    r"|(?P<year>\d{4}))$",
    re.IGNORECASE,
)

FORMS = (
    "a day (2027-03-31), a month (March 2027), a quarter (Q3 2025), a half (H2 2027) or a "
    "year (2030); optionally after by, through, until or from, and early, mid- or late "
    "before the period (by mid-2027, through 2026, from Q3 2025)"
)

_UNIT_NAMES = {"day": "day", "month": "month", "quarter": "quarter", "half": "half-year",
               "year": "year"}


class PartialDateError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as precise as the text: `text` as written, the `precision` of its period, the
    `start` and `end` day of that period, and the words that bound it (`bound`) or place it
    within the period (`part`)."""

    text: str
    precision: Precision
    start: dt.date
    end: dt.date
    bound: str | None = None
    part: str | None = None

    def __str__(self) -> str:
        return self.text

    @property
    def period(self) -> str:
        """The period alone, without its bound: "March 2027" for "through March 2027"."""
        words = self.text.split(None, 1)
        return words[1] if self.bound and len(words) == 2 else self.text

    def relative(self, today: dt.date) -> str:
        """How far the period is from `today`, counted in its own precision: "in 4 months",
        "this quarter", "2 years ago"; a day: "in 3 days", "today", "yesterday"."""
        steps = _index(self.start, self.precision) - _index(today, self.precision)
        unit = _UNIT_NAMES[self.precision]
        if self.precision == "day":
            if steps == 0:
                return "today"
            if steps == 1:
                return "tomorrow"
            if steps == -1:
                return "yesterday"
        if steps == 0:
            return f"this {unit}"
        count = abs(steps)
        span = f"{count} {unit}{'s' if count != 1 else ''}"
        return f"in {span}" if steps > 0 else f"{span} ago"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _index(day: dt.date, precision: str) -> int:
    """The number of the day's period, counted from year 0, so differences count periods."""
    if precision == "day":
        return day.toordinal()
    if precision == "month":
        return day.year * 12 + day.month - 1
    if precision == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    if precision == "half":
        return day.year * 2 + (day.month - 1) // 6
    return day.year


def _month_span(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def parse_partial_date(value: Any) -> PartialDate:
    """Read a date as the text writes it; `ValueError` naming the accepted forms otherwise."""
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(value.isoformat(), "day", value, value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise PartialDateError(f"write the date as text: {FORMS}")
    text = " ".join(value.split())
    found = _PATTERN.match(text)
    if not found:
        raise PartialDateError(f"cannot read {text!r} as a date; write {FORMS}")
    g = found.groupdict()
    bound = g["bound"].lower() if g["bound"] else None
    part = g["part"].lower() if g["part"] else None
    try:
        if g["iso"]:
            day = dt.date.fromisoformat(g["iso"])
            if part:
                raise PartialDateError(f"{part} does not go with a day; write {FORMS}")
            return PartialDate(text, "day", day, day, bound, None)
        if g["month"]:
            month = _MONTHS.get(g["month"].lower())
            if month is None:
                raise PartialDateError(f"{g['month']!r} is not a month; write {FORMS}")
            year = int(g["month_year"])
            return PartialDate(text, "month", *_month_span(year, month, month), bound, part)
        if g["quarter"]:
            q, year = int(g["quarter"]), int(g["quarter_year"])
            return PartialDate(text, "quarter", *_month_span(year, 3 * q - 2, 3 * q), bound, part)
        if g["half"]:
            h, year = int(g["half"]), int(g["half_year"])
            return PartialDate(text, "half", *_month_span(year, 6 * h - 5, 6 * h), bound, part)
        year = int(g["year"])
        return PartialDate(text, "year", *_month_span(year, 1, 12), bound, part)
    except ValueError as exc:
        if isinstance(exc, PartialDateError):
            raise
        raise PartialDateError(f"{text!r} is not a real date ({exc})") from None
