"""A write-up's sections and figures, paired and linked into a draft `Thesis`, validated, and
written as YAML an analyst can review.

Bull one-liners pair with "Why Invest?" paragraphs and bear one-liners with "Key Risks"
paragraphs by title (case, quotes and punctuation aside; a close title pairs too, with a note).
A figure quoted by several texts is one figure cited by each. A catalyst's condition is the
sentence of its text that starts "If", up to its first comma; its timing the first date its text
gives outside that condition that ends after the write-up's date; its watch what follows
"watch for". Every figure is `review: true`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError
from rapidfuzz import fuzz

from bot.importer.figures import Found, known_names, read_figures, same_measure
from bot.importer.layout import SECTION_TITLES, ImportError_, Item, WriteUp
from bot.importer.names import headquarters, other_companies
from bot.knowledge import dates
from bot.knowledge.checks import check_thesis
from bot.knowledge.models import Thesis, Vocabulary

DOCUMENT = "thesis-document"
_SUFFIXES = {"group", "inc", "inc.", "corp", "corp.", "corporation", "holdings", "holding",
             "ltd", "ltd.", "limited", "plc", "co", "co.", "company", "sa", "ag", "nv", "se",
             "llc", "lp"}
_ID_STOP = {"the", "a", "an", "of", "for", "to", "in", "on", "and", "or", "its", "through",
            "with", "by", "as", "at", "from", "is", "are", "versus", "vs"}
_DATE = re.compile(
    r"\b(?:(?:by|through|until|from|in|during)\s+)?(?:(?:early|mid|late)[-\s])?"
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{4}|Q[1-4]\s?\d{4}|"
    r"H[12]\s?\d{4}|(?:19|20)\d{2})\b(?![-\d%])")


@dataclass
class Draft:
    thesis: Thesis | None
    data: dict[str, Any]
    problems: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    figure_lines: dict[str, int] = field(default_factory=dict)
    point_lines: dict[str, int] = field(default_factory=dict)


def _key(title: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", title.casefold()).split())


def slug(text: str, words: int = 4) -> str:
    parts = [w for w in re.findall(r"[a-z0-9]+", text.lower().replace("'s", ""))
             if w not in _ID_STOP]
    return "-".join(parts[:words]) or "item"


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base[:60].strip("-") or "item", 2
    while candidate in taken:
        candidate, n = f"{base[:56]}-{n}", n + 1
    taken.add(candidate)
    return candidate


def company_of(writeup: WriteUp) -> str:
    """The company as the write-up names it: "Alibaba group: China's AI Bet …" → Alibaba group;
    else the logo's name, else the summary's first name."""
    head = re.split(r"\s*(?::|\s[—–-]\s)\s*", writeup.title, maxsplit=1)
    if len(head) == 2 and 0 < len(head[0].split()) <= 5:
        return head[0].strip()
    if writeup.company_hint:
        return writeup.company_hint
    found = re.match(r"([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*)", writeup.summary)
    return found.group(1) if found else writeup.title


def short_name(company: str) -> str:
    words = company.split()
    while len(words) > 1 and words[-1].lower().strip(",") in _SUFFIXES:
        words.pop()
    return " ".join(words)


def _first_word(name: str, common: Collection[str]) -> str | None:
    """"Northwind Power" → Northwind: a short name a question may use, unless it is an
    everyday word the matcher knows (General, United, First: `common`, the vocabulary's)."""
    words = name.split()
    if len(words) < 2 or len(words[0]) < 4 or not words[0][:1].isupper():
        return None
    return None if words[0].lower() in common else words[0]


def _pair(case: list[Item], texts: list[Item], case_name: str, text_name: str,
          notes: list[tuple[int, str]]) -> list[tuple[str, str | None, str, int]]:
    """(title, one-liner, paragraph, line) per point, in the case's order."""
    by_key = {_key(t.title): t for t in texts}
    used: set[int] = set()
    out: list[tuple[str, str | None, str, int]] = []
    for item in case:
        match = by_key.get(_key(item.title))
        if match is None:
            left = [t for t in texts if id(t) not in used and _key(t.title) not in
                    {_key(c.title) for c in case}]
            scored = sorted(((fuzz.token_sort_ratio(_key(item.title), _key(t.title)), t)
                             for t in left), key=lambda p: -p[0])
            if scored and scored[0][0] >= 75:
                match = scored[0][1]
                notes.append((match.line, f"paired {text_name} paragraph {match.title!r} with "
                                          f"{case_name} point {item.title!r} (titles differ)"))
        if match is None:
            notes.append((item.line, f"{case_name} point {item.title!r} has no paragraph under "
                                     f"{text_name!r}; its one-liner is its only text"))
            out.append((item.title, item.text, item.text, item.line))
            continue
        used.add(id(match))
        out.append((item.title, item.text, match.text, match.line))
    for text in texts:
        if id(text) not in used:
            first = re.split(r"(?<=[.!?])\s+", text.text, maxsplit=1)[0]
            notes.append((text.line, f"{text_name} paragraph {text.title!r} has no {case_name} "
                                     "one-liner; its first sentence is used as its summary"))
            out.append((text.title, first, text.text, text.line))
    return out


class _Figures:
    """Figures of the whole draft: one per number, cited by every text that quotes it."""

    def __init__(self, company: str, common: set[str], known: set[str]) -> None:
        self.company = company
        self.common = common
        self.known = known
        self.items: list[dict[str, Any]] = []
        self.lines: dict[str, int] = {}
        self.publishers: dict[str, str] = {}
        self.unread: list[tuple[int, str]] = []
        self._ids: set[str] = set()
        self._measured: dict[str, str] = {}  # figure id -> its measure as read, "" for none

    def read(self, texts: list[str], line: int) -> list[str]:
        cited: list[str] = []
        for text in texts:
            found, unread = read_figures(text, self.common, self.known)
            for bad in unread:
                written = bad.written if len(bad.written) <= 40 else bad.written[:39] + "…"
                self.unread.append((line, f"{written!r} {bad.reason}; not recorded as a "
                                          "figure: write the number, or leave it out"))
            for figure in found:
                figure_id = self._add(figure, cited, line)
                if figure_id not in cited:
                    cited.append(figure_id)
        return cited

    def _add(self, found: Found, cited: list[str], line: int) -> str:
        subject = found.subject or self.company
        for item in self.items:
            # one point quoting a number twice (its one-liner and its text) quotes one figure
            if item["value"] == found.value and item["unit"] == found.unit \
                    and (item["id"] in cited or item["subject"] == subject
                         and same_measure(self._measured[item["id"]], found.measure or "")):
                return str(item["id"])
        data: dict[str, Any] = {
            "id": _unique(slug(f"{subject} {found.measure or found.unit}", 5), self._ids),
            "subject": subject,
            "measure": found.measure or found.unit.replace("_", " "),
            "value": int(found.value) if found.value == int(found.value) else found.value,
            "unit": found.unit,
        }
        if found.qualifier:
            data["qualifier"] = found.qualifier
        if found.comparison:
            data["comparison"] = found.comparison
        if found.period:
            data["period"] = found.period
        if found.publisher and found.publisher.casefold() not in (
                self.company.casefold(), short_name(self.company).casefold()):
            source = slug(f"{found.publisher} forecasts" if found.publisher == "The street"
                          else found.publisher, 4)
            self.publishers[source] = found.publisher
            data["source"] = source
        data["review"] = True
        self.items.append(data)
        self._measured[data["id"]] = found.measure or ""
        self.lines[data["id"]] = line
        return str(data["id"])


def _condition(text: str) -> str | None:
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if re.match(r"If\b", sentence):
            head = sentence.split(",", 1)[0] if "," in sentence else sentence
            return head.strip().rstrip(".") or None
    return None


def _timing(text: str, condition: str | None, updated: dt.date) -> dict[str, str] | None:
    outside = text.replace(condition, " " * len(condition)) if condition else text
    for found in _DATE.finditer(outside):
        written = found.group(0)
        when = re.sub(r"^(?:in|during)\s+", "", written)
        try:
            parsed = dates.parse_partial_date(when)
        except ValueError:
            continue
        if parsed.end <= updated:
            continue
        timing = {"when": when}
        before = outside[max(0, found.start() - 60):found.start()]
        what = re.search(r"\b(?:its|the|their|a|an)\s+((?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)\s*$",
                         before)
        if what and not re.search(r"\b(?:of|to|in|by|and|is|are|will)\b", what.group(1)):
            timing["what"] = what.group(1)
        return timing
    return None


def _watch(text: str) -> str | None:
    found = re.search(r"\bwatch (?:for|whether|if|how)\s+(.+?)(?:,|;|\.(?:\s|$)|$)", text)
    return found.group(1).strip() if found else None


def build(writeup: WriteUp, ticker: str, name: str,
          vocabulary: Vocabulary | None = None) -> Draft:
    """The draft thesis, validated; `problems` stop it being written, `warnings` do not.
    `vocabulary`: the intents folder's (bot.knowledge.loader.load_vocabulary), whose ordinary
    words are never made an alias."""
    problems: list[tuple[int, str]] = []
    notes = list(writeup.notes)
    if not writeup.title:
        raise ImportError_(1, f"{name} has no title line; the first line should be the "
                              "write-up's title")
    if writeup.updated is None:
        raise ImportError_(writeup.title_line, "no \"Updated: <date>\" line under the title; "
                                               "add one, e.g. Updated: Nov 27, 2025")
    if not writeup.summary:
        raise ImportError_(writeup.title_line, "no one-line summary under the title; add the "
                                               "summary sentence below the title")
    sections = writeup.sections
    for case, texts in (("bull", "why"), ("bear", "risks")):
        if case in sections and texts not in sections and sections[case]:
            raise ImportError_(writeup.section_lines[case],
                               f"no {SECTION_TITLES[texts]!r} section: the "
                               f"{SECTION_TITLES[case]} points have no full text; add a "
                               f"{SECTION_TITLES[texts]!r} section with a paragraph per point")
        if texts in sections and case not in sections and sections[texts]:
            raise ImportError_(writeup.section_lines[texts],
                               f"no {SECTION_TITLES[case]!r} section: the "
                               f"{SECTION_TITLES[texts]} paragraphs have no one-liners; add a "
                               f"{SECTION_TITLES[case]!r} section with a title and one-liner "
                               "per point")
    if not any(sections.get(k) for k in ("bull", "bear", "why", "risks")):
        raise ImportError_(writeup.title_line,
                           "no \"Bull Case\" or \"Bear Case\" section with points under it; "
                           "a write-up needs at least one of them")
    company = company_of(writeup)
    short = short_name(company)
    text_all = " ".join(i.text for items in sections.values() for i in items)
    common = set(re.findall(r"\b[a-z][a-z'-]+\b", text_all + " " + writeup.summary))
    written = [writeup.title, writeup.summary, *(i.text for items in sections.values()
                                                 for i in items)]
    known = known_names(written) | set(re.findall(r"[A-Z][\w&.\-]*", f"{writeup.title} {company}"))
    figures = _Figures(short, common, known)
    taken: set[str] = set()
    point_lines: dict[str, int] = {}
    data: dict[str, Any] = {"ticker": ticker, "company": company}
    ordinary = frozenset(vocabulary.words()) if vocabulary is not None else frozenset()
    aliases = [a for a in dict.fromkeys([short, _first_word(short, ordinary)])
               if a and a.casefold() != company.casefold()]
    if aliases:
        data["aliases"] = aliases
    own_case = [i.text for case in ("bull", "why") for i in sections.get(case, [])]
    if others := other_companies(written, company, writeup.summary, own_case):
        data["other_companies"] = others
    if home := headquarters(written, company):
        data["headquarters"] = home
    data |= {"title": writeup.title, "summary": writeup.summary}
    if writeup.sector:
        data["sector"] = writeup.sector
    data["updated"] = writeup.updated
    data["sources"] = [{"id": DOCUMENT, "title": writeup.title, "publisher": "Thesis document",
                        "date": writeup.updated}]
    data["figures"] = figures.items
    for case, texts in (("bull", "why"), ("bear", "risks")):
        points = []
        for title, summary, detail, line in _pair(sections.get(case, []),
                                                  sections.get(texts, []),
                                                  SECTION_TITLES[case], SECTION_TITLES[texts],
                                                  notes):
            point_id = _unique(slug(title), taken)
            point_lines[point_id] = line
            cited = figures.read([detail, summary or ""], line)
            points.append({"id": point_id, "title": title, "summary": summary,
                           "detail": detail, "figures": cited,
                           "sources": _sources(cited, figures.items)})
        data[case] = points
    catalysts = []
    if "catalysts" not in sections:
        notes.append((writeup.title_line, "no \"Catalysts\" section; the draft has no catalysts"))
    for item in sections.get("catalysts", []):
        if item.horizon is None:
            problems.append((item.line, f"catalyst {item.title!r} is under no \"Near term\", "
                                        "\"Medium term\" or \"Long term\" heading; add one "
                                        "above it"))
            continue
        catalyst_id = _unique(slug(item.title), taken)
        point_lines[catalyst_id] = item.line
        cited = figures.read([item.text], item.line)
        entry: dict[str, Any] = {"id": catalyst_id, "title": item.title,
                                 "horizon": item.horizon, "detail": item.text}
        condition = _condition(item.text)
        if condition:
            entry["condition"] = condition
        timing = _timing(item.text, condition, writeup.updated)
        if timing:
            entry["timing"] = timing if "what" in timing else timing["when"]
        watch = _watch(item.text)
        if watch:
            entry["watch"] = watch
        entry["figures"] = cited
        entry["sources"] = _sources(cited, figures.items)
        catalysts.append(entry)
    data["catalysts"] = catalysts
    for source, publisher in figures.publishers.items():
        title = f"{publisher} forecasts" if publisher == "The street" else publisher
        data["sources"].append({"id": source, "title": f"{title}, as cited by the write-up",
                                "publisher": publisher})
    notes += figures.unread
    data["notes"] = [f"line {line}: {text}" for line, text in sorted(notes)]
    if not data["notes"]:
        del data["notes"]
    draft = Draft(None, data, problems, [], dict(figures.lines), point_lines)
    _validate(draft, writeup)
    return draft


def _sources(cited: list[str], figures: list[dict[str, Any]]) -> list[str]:
    extra = [f["source"] for f in figures if f["id"] in cited and f.get("source")]
    return list(dict.fromkeys([DOCUMENT, *extra]))


def _validate(draft: Draft, writeup: WriteUp) -> None:
    data = draft.data
    clean = {**data, "bull": [_drop_none(p) for p in data["bull"]],
             "bear": [_drop_none(p) for p in data["bear"]]}
    try:
        thesis = Thesis.model_validate(clean)
    except ValidationError as exc:
        for error in exc.errors():
            draft.problems.append((_line_of(draft, error["loc"], writeup),
                                   f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"))
        return
    for loc, message in check_thesis(thesis):
        draft.problems.append((_line_of(draft, loc, writeup), message))
    draft.thesis = thesis


def _drop_none(point: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in point.items() if v is not None}


def _line_of(draft: Draft, loc: tuple[Any, ...], writeup: WriteUp) -> int:
    if len(loc) >= 2 and loc[0] in ("bull", "bear", "catalysts") and isinstance(loc[1], int):
        points = draft.data[loc[0]]
        if loc[1] < len(points):
            return draft.point_lines.get(points[loc[1]]["id"], 1)
    if len(loc) >= 2 and loc[0] == "figures" and isinstance(loc[1], int):
        return draft.figure_lines.get(draft.data["figures"][loc[1]]["id"], 1)
    if loc and loc[0] == "updated":
        return writeup.updated_line
    if loc and loc[0] in ("title", "company"):
        return writeup.title_line
    if loc and loc[0] == "summary":
        return writeup.summary_line
    return 1


# -- YAML --------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    flow = all(isinstance(v, str) and len(v) < 40 for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = ">" if len(value) > 90 and "\n" not in value and value == value.strip() else None
    if "\n" in value:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(list, _list)
_Dumper.add_representer(str, _str)


def to_yaml(draft: Draft, source_name: str, ticker_from_writeup: bool = False) -> str:
    """The draft as a thesis file, with a header saying what to review."""
    count = len(draft.data["figures"])
    header = (
        f"# {draft.data['ticker']} thesis, imported by `thesis import` from {source_name}.\n"
        "# A draft: texts are the write-up's, verbatim. The importer read the figures out of the\n"
        f"# prose; each of the {count} is marked `review: true` until you have checked its value,\n"
        "# unit, subject, measure and period against the write-up (then delete that line).\n"
        "# `notes` lists what the importer could not place, by line: place what belongs, then\n"
        "# delete them. Aliases, other_companies, headquarters and keywords are yours to check\n"
        "# and add to.\n"
        "# Check with: thesis validate   Every field: docs/thesis-schema.md\n")
    body = yaml.dump(_plain(draft.data), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=96, default_flow_style=False)
    body = re.sub(r"\n(figures|bull|bear|catalysts|notes|sources):", r"\n\n\1:", body)
    return header + body


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
