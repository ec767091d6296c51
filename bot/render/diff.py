"""What changed between two versions of a thesis, in words: figures old → new, points added,
removed or reworded, catalysts added or with a new status or date.

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
    what: str  # "added", "removed", "changed", "reworded", "status", "date"
    text: str  # one line, in words

    def __str__(self) -> str:
        return self.text


def _figure_line(figure: Figure, thesis: Thesis) -> str:
    # A loaded thesis gives every figure its date (the thesis's, when the text gives none).
    as_of = format_date(figure.as_of or thesis.updated)
    if figure.review:
        return f"{format_value(figure)} (as of {as_of}; {UNREVIEWED})"
    return f"{format_value(figure)} (as of {as_of})"


def _figure_name(figure: Figure) -> str:
    return f"{figure.subject}, {figure.measure}"


def _timing(catalyst: Catalyst) -> str:
    return str(catalyst.timing.when) if catalyst.timing else "no date"


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
        elif (was.value, was.unit, was.qualifier, was.period) != (
                figure.value, figure.unit, figure.qualifier, figure.period):
            # A figure whose date alone moved (as of the thesis's new date) was reconfirmed.
            out.append(Change("figure", "changed",
                              f"{_figure_name(figure)}: {_figure_line(was, old)} → "
                              f"{_figure_line(figure, new)}"))
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
                if _timing(was) != _timing(point) or was.condition != point.condition:
                    out.append(Change(kind, "date", f"{label} “{point.title}”: "
                                                    f"{_timing(was)} → {_timing(point)}"))
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
