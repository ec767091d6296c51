"""What changed between two versions of a thesis, in words: figures old → new (their period
named when it moved), points added, removed or reworded, catalysts added or with a new status
or date.

Pure: two Thesis objects in, a list of Change lines out. `thesis diff` prints them, and the
"thesis updated" post (bot/notify/updates.py) carries them to the channels.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.models import Catalyst, Figure, Point, Thesis
from bot.render.facts import format_date, format_value
from bot.render.messages import UNREVIEWED

_SECTION_NAMES = {"bull": "Bull point", "bear": "Bear point", "catalysts": "Catalyst"}
_TEXT_FIELDS = ("title", "summary", "detail", "watch")


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # thesis | figure | point | catalyst
    what: str  # added, removed, changed, period, reworded, status, date, condition
    text: str  # one line, in words

    def __str__(self) -> str:
        return self.text


def _figure_line(figure: Figure, thesis: Thesis, period: bool = False) -> str:
    """The value and its date; its period too when that changed with it."""
    # A loaded thesis gives every figure its date (the thesis's, when the text gives none).
    as_of = format_date(figure.as_of or thesis.updated)
    value = f"{format_value(figure)}, {_period(figure)}" if period else format_value(figure)
    if figure.review:
        return f"{value} (as of {as_of}; {UNREVIEWED})"
    return f"{value} (as of {as_of})"


def _period(figure: Figure) -> str:
    return figure.period or "no period"


def _figure_name(figure: Figure) -> str:
    return f"{figure.subject}, {figure.measure}"


def _timing(catalyst: Catalyst) -> str:
    return str(catalyst.timing.when) if catalyst.timing else "no date"


def _condition(was: Catalyst, now: Catalyst) -> str:
    if was.condition is None:
        return f"condition added: {now.condition}"
    if now.condition is None:
        return "condition removed"
    return f"condition reworded: {now.condition}"


def _status(catalyst: Catalyst) -> str:
    return catalyst.status.value if catalyst.status else "no status"


def diff_theses(old: Thesis, new: Thesis) -> list[Change]:
    changes: list[Change] = []
    if old.updated != new.updated:
        changes.append(Change("thesis", "changed",
                              f"Updated {format_date(old.updated)} → {format_date(new.updated)}"))
    for name in ("title", "summary", "overview"):
        if getattr(old, name) != getattr(new, name):
            changes.append(Change("thesis", "reworded", f"The {name} is reworded"))
    changes.extend(_figures(old, new))
    changes.extend(_points(old, new))
    return changes


def _figures(old: Thesis, new: Thesis) -> list[Change]:
    before = {f.id: f for f in old.figures}
    after = {f.id: f for f in new.figures}
    out: list[Change] = []
    for fid, figure in after.items():
        was = before.get(fid)
        if was is None:
            out.append(Change("figure", "added",
                              f"Figure added: {_figure_name(figure)}: {_figure_line(figure, new)}"))
        elif (was.value, was.unit, was.qualifier) != (figure.value, figure.unit,
                                                       figure.qualifier):
            # A figure whose date alone moved (as of the thesis's new date) was reconfirmed.
            periods = was.period != figure.period
            out.append(Change("figure", "changed",
                              f"{_figure_name(figure)}: {_figure_line(was, old, periods)} → "
                              f"{_figure_line(figure, new, periods)}"))
        elif was.period != figure.period:
            out.append(Change("figure", "period",
                              f"{_figure_name(figure)}: period {_period(was)} → "
                              f"{_period(figure)} ({format_value(figure)})"))
        elif (was.subject, was.measure, was.source) != (figure.subject, figure.measure,
                                                         figure.source):
            out.append(Change("figure", "reworded", f"Figure reworded: {_figure_name(figure)}"))
    for fid, figure in before.items():
        if fid not in after:
            out.append(Change("figure", "removed", f"Figure removed: {_figure_name(figure)}"))
    return out


def _points(old: Thesis, new: Thesis) -> list[Change]:
    out: list[Change] = []
    for section, label in _SECTION_NAMES.items():
        before: dict[str, Point] = {p.id: p for p in getattr(old, section)}
        after: dict[str, Point] = {p.id: p for p in getattr(new, section)}
        kind = "catalyst" if section == "catalysts" else "point"
        for pid, point in after.items():
            was = before.get(pid)
            if was is None:
                out.append(Change(kind, "added", f"{label} added: {point.title}"))
                continue
            if isinstance(point, Catalyst) and isinstance(was, Catalyst):
                if _status(was) != _status(point):
                    out.append(Change(kind, "status", f"{label} “{point.title}”: "
                                                      f"{_status(was)} → {_status(point)}"))
                if _timing(was) != _timing(point):
                    out.append(Change(kind, "date", f"{label} “{point.title}”: "
                                                    f"{_timing(was)} → {_timing(point)}"))
                if was.condition != point.condition:
                    out.append(Change(kind, "condition", f"{label} “{point.title}”: "
                                                         f"{_condition(was, point)}"))
                if was.horizon != point.horizon:
                    out.append(Change(kind, "changed", f"{label} “{point.title}”: "
                                                       f"{was.horizon} → {point.horizon} term"))
            fields = [f for f in _TEXT_FIELDS
                      if getattr(was, f, None) != getattr(point, f, None)]
            if fields:
                out.append(Change(kind, "reworded", f"{label} reworded ({', '.join(fields)}): "
                                                    f"{point.title}"))
        for pid, point in before.items():
            if pid not in after:
                out.append(Change(kind, "removed", f"{label} removed: {point.title}"))
    return out
