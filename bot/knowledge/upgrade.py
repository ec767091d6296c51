"""Theses written for the previous schema, rewritten for this one, line by line.

The previous schema gave a catalyst a `window` (`{start, end, label}`: days the team made up,
and a label in words) and a bare `status` (`pending`, the default, written out on most
catalysts). Now a catalyst has a `timing` at the precision the text gives, or a `condition`
for an "if …", and a status only with who set it and when.

The upgrade edits only the lines of those fields, found where the loader finds them
(`load_with_lines`), so every comment, the order of the fields and the layout stay as the
analyst wrote them. What it cannot decide (a bare `hit` or `missed` names nobody) is left as it
is and reported. Pure: text in, text and the list of edits out; no wording (see
bot/cli/messages.py).
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from bot.knowledge.dates import BOUNDS, PartialDate, PartialDateError, parse_partial_date
from bot.knowledge.yaml_lines import Path_, load_with_lines

EditKind = Literal[
    "timing",          # window → timing: `new` is what was written
    "condition",       # window → condition: the text's own "if …"
    "window_no_date",  # window removed: its label gives no date (its days were made up)
    "window_redundant",  # window removed: the catalyst already has a timing or condition
    "status_removed",  # status: pending removed (no status is shown as none)
    "status_left",     # a bare hit/missed: only a person can say who judged it and when
    "by_hand",         # a layout the line edits cannot rewrite safely (a catalyst in {…})
]
WIDTH = 100  # the longest line the upgrade writes, when it can choose


@dataclass(frozen=True, slots=True)
class Edit:
    """One change (or one thing left to a person) in a file, at the line it was found."""

    kind: EditKind
    line: int
    path: Path_
    old: str  # the window's label, the status's value
    new: str = ""  # the field as now written ("timing: by 2030"), when something was written


@dataclass(frozen=True, slots=True)
class Upgraded:
    text: str
    edits: list[Edit] = field(default_factory=list)

    @property
    def done(self) -> list[Edit]:
        return [e for e in self.edits if e.kind not in _LEFT]

    @property
    def left(self) -> list[Edit]:
        return [e for e in self.edits if e.kind in _LEFT]


_LEFT = ("status_left", "by_hand")
_OLD_FIELDS = ("window", "status", "timing", "condition")


@dataclass(frozen=True, slots=True)
class _Splice:
    start: int  # 0-based index of the first line replaced
    end: int  # 0-based index after the last line replaced
    lines: list[str]


def upgrade_text(text: str) -> Upgraded:
    """`text` with every old-form catalyst field rewritten; unchanged if there is none.

    Raises what `load_with_lines` raises for text that is not YAML: a file that does not parse
    is the loader's to report, not the upgrade's."""
    data, lines = load_with_lines(text)
    catalysts = data.get("catalysts") if isinstance(data, dict) else None
    if not isinstance(catalysts, list):
        return Upgraded(text)
    try:
        upgraded = _rewrite(text, catalysts, lines)
    except ValueError:
        upgraded = None
    if upgraded is None or not _same_but_upgraded(data, upgraded):
        first = min((line for path, line in lines.items()
                     if len(path) == 3 and path[0] == "catalysts" and path[2] == "window"),
                    default=lines.get(("catalysts",), 1))
        return Upgraded(text, [Edit("by_hand", first, ("catalysts",), "")])
    return upgraded


def _same_but_upgraded(data: dict[str, Any], upgraded: Upgraded) -> bool:
    """Whether the rewritten text reads as `data` but for the old fields of its catalysts: the
    line edits can never lose or garble anything else."""
    try:
        after, _ = load_with_lines(upgraded.text)
    except (yaml.YAMLError, ValueError):
        return False

    def rest(document: Any) -> Any:
        if not isinstance(document, dict):
            return document
        catalysts = [
            {k: v for k, v in c.items() if k not in _OLD_FIELDS} if isinstance(c, dict) else c
            for c in document.get("catalysts") or []]
        return {**document, "catalysts": catalysts}

    old_forms = [c for c in (after.get("catalysts") or []) if isinstance(c, dict) and (
        "window" in c or str(c.get("status", "")).strip().lower() == "pending")]
    return not old_forms and bool(rest(after) == rest(data))


def _rewrite(text: str, catalysts: list[Any], lines: dict[Path_, int]) -> Upgraded:
    source = text.splitlines(keepends=True)
    splices: list[_Splice] = []
    edits: list[Edit] = []
    for index, catalyst in enumerate(catalysts):
        if not isinstance(catalyst, dict):
            continue
        at: Path_ = ("catalysts", index)
        if "window" in catalyst and (*at, "window") in lines:
            splice, edit = _window(source, lines[(*at, "window")], (*at, "window"), catalyst)
            splices.append(splice)
            edits.append(edit)
        status = catalyst.get("status")
        if isinstance(status, str) and (*at, "status") in lines:
            line = lines[(*at, "status")]
            if status.strip().lower() == "pending":
                splices.append(_remove(source, line, "status"))
                edits.append(Edit("status_removed", line, (*at, "status"), status))
            else:
                edits.append(Edit("status_left", line, (*at, "status"), status))
    if not splices:
        return Upgraded(text, edits)
    for splice in sorted(splices, key=lambda s: s.start, reverse=True):
        source[splice.start:splice.end] = splice.lines
    return Upgraded("".join(source), sorted(edits, key=lambda e: e.line))


# -- The lines of a field ------------------------------------------------------------------------


def _key_column(line: str, key: str) -> int:
    found = re.search(rf"(?:^|[\s-]){re.escape(key)}\s*:", line)
    if found is None:  # the loader put the key on this line; anything else is a bug
        raise ValueError(f"{key!r} is not on the line the loader gave: {line!r}")
    return found.start() + (0 if line[found.start()] == key[0] else 1)


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _extent(source: list[str], start: int, column: int) -> tuple[int, list[str]]:
    """Where the field starting on line index `start` (its key at `column`) ends, and the
    comment lines inside it, which are kept."""
    last = start + 1
    for index in range(start + 1, len(source)):
        line = source[index]
        if _is_blank_or_comment(line):
            continue
        if len(line) - len(line.lstrip(" ")) <= column:
            break
        last = index + 1
    comments = [line for line in source[start + 1:last] if line.strip().startswith("#")]
    return last, comments


def _newline(line: str) -> str:
    return line[len(line.rstrip("\r\n")):] or "\n"


def _trailing_comment(line: str, column: int) -> str | None:
    """The comment at the end of a field written on one line (`key: value  # why`)."""
    body = line[column:].rstrip("\r\n")
    try:
        whole = yaml.safe_load(body)
    except yaml.YAMLError:
        return None
    for found in re.finditer(r"\s#", body):
        try:
            if yaml.safe_load(body[:found.start()]) == whole:
                return body[found.start():].strip()
        except yaml.YAMLError:
            continue
    return None


def _replace(source: list[str], line: int, key: str, written: list[str]) -> _Splice:
    """Replace the field whose key is on (1-based) `line` by `written` (lines without their
    indentation: the first at the key's column, the others two further), keeping comments."""
    start = line - 1
    raw = source[start]
    column = _key_column(raw, key)
    end, comments = _extent(source, start, column)
    newline = _newline(raw)
    prefix = raw[:column]
    indent = " " * column
    out = [f"{indent}{comment.strip()}{newline}" for comment in comments]
    trailing = _trailing_comment(raw, column)
    if written:
        after = f"  {trailing}" if trailing else ""
        out.append(f"{prefix}{written[0]}{after}{newline}")
        out += [f"{indent}  {more}{newline}" for more in written[1:]]
    else:
        if trailing:
            out.insert(0, f"{indent}{trailing}{newline}")
        if prefix.strip():  # the first key of a list item: the item goes on under its dash
            out.append(f"{prefix.rstrip()}{newline}")
    return _Splice(start, end, out)


def _remove(source: list[str], line: int, key: str) -> _Splice:
    return _replace(source, line, key, [])


# -- window → timing or condition ----------------------------------------------------------------


def _window(source: list[str], line: int, path: Path_, catalyst: dict[str, Any]
            ) -> tuple[_Splice, Edit]:
    window = catalyst["window"]
    label = " ".join(str(window.get("label") or "").split()) if isinstance(window, dict) \
        else ""
    text = " ".join(" ".join(str(catalyst.get(k) or "") for k in ("summary", "detail")).split())
    found = _date_in(label)
    if "timing" in catalyst or "condition" in catalyst:
        return _remove(source, line, "window"), Edit("window_redundant", line, path, label)
    if found is None:
        return _remove(source, line, "window"), Edit("window_no_date", line, path, label)
    written, date = found
    clause = _if_clause(text, date.period)
    if clause or label.lower().startswith("if "):
        condition = clause or label
        lines = _block("condition", condition, _key_column(source[line - 1], "window"))
        return (_replace(source, line, "window", lines),
                Edit("condition", line, path, label, f"condition: {condition}"))
    when = _with_text_bound(date, text)
    what = _what(label, written, text)
    value = _scalar(when.text) if what is None else \
        f"{{when: {_scalar(when.text)}, what: {_scalar(what)}}}"
    return (_replace(source, line, "window", [f"timing: {value}"]),
            Edit("timing", line, path, label, f"timing: {value}"))


def _date_in(label: str) -> tuple[str, PartialDate] | None:
    """The longest run of the label's words that reads as a date ("through March 2027" in
    "authorization runs through March 2027"), earliest first on a tie."""
    words = label.split()
    best: tuple[str, PartialDate] | None = None
    for size in range(min(len(words), 4), 0, -1):
        for start in range(len(words) - size + 1):
            candidate = " ".join(words[start:start + size]).strip(",.;:()")
            try:
                date = parse_partial_date(candidate)
            except PartialDateError:
                continue
            if best is None:
                best = (candidate, date)
        if best:
            return best
    return None


def _if_clause(text: str, period: str) -> str | None:
    """The text's own "If …" clause that holds `period` ("If chip production scales through
    2026 and powers …"): a date inside a condition is the condition's, not a deadline."""
    pattern = rf"\b[Ii]f\b[^.;:,]*?\b{re.escape(period)}\b[^.;:,]*"
    found = re.search(pattern, text)
    return found.group(0).strip() if found else None


def _with_text_bound(date: PartialDate, text: str) -> PartialDate:
    """A label's bare period ("2030") with the bound the text gives it ("by 2030")."""
    if date.bound:
        return date
    for bound in BOUNDS:
        found = re.search(rf"\b{bound}\s+{re.escape(date.text)}\b", text, re.IGNORECASE)
        if found:
            return parse_partial_date(f"{bound} {date.text}")
    return date


def _what(label: str, written: str, text: str) -> str | None:
    """The label without its date ("authorization" of "authorization through March 2027"),
    when the text says those words: a label the team wrote is not the write-up's."""
    rest = " ".join(label.replace(written, " ", 1).split()).strip(" ,.;:-()")
    said = rest and " ".join(rest.casefold().split()) in " ".join(text.casefold().split())
    return rest if said else None


def _block(key: str, value: str, column: int) -> list[str]:
    """`key: value` on one line when it fits, else a folded block of the value's words."""
    one = f"{key}: {_scalar(value)}"
    if column + len(one) <= WIDTH:
        return [one]
    return [f"{key}: >-", *textwrap.wrap(value, WIDTH - column - 2, break_long_words=False,
                                         break_on_hyphens=False)]


def _scalar(value: str) -> str:
    """`value` as a YAML scalar that reads back as the same string inside `{…}` or after a key:
    plain when it can be, else double-quoted (a JSON string is a YAML one)."""
    try:
        if yaml.safe_load(f"{{k: {value}}}") == {"k": value} and \
                yaml.safe_load(f"k: {value}") == {"k": value}:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)

