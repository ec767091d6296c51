"""Warnings about theses that load but may not say what their write-up says, or may confuse the
matcher. `thesis validate` prints them and still exits 0, unless `--strict`.

One function per rule; each yields (ticker, path, message), said once, naming the item and what
to do. The rules catch what a transcription gets wrong: a number in a text that no figure
records (or a figure no text quotes), a "what to watch" line, condition or date the text does
not have, a period said twice, a day where the text gives a month; and lookup data that
collides: an alias that is an intent word, other_companies that name a covered thesis, a
keyword two theses share; and a bidirectional control (U+202E …) in any text.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from bot.knowledge import units
from bot.knowledge.bidi import bidi_names
from bot.knowledge.drafts import draft_of
from bot.knowledge.loader import Knowledge, Problem, _field
from bot.knowledge.models import Catalyst, Figure, Thesis
from bot.knowledge.yaml_lines import line_of

Advice = tuple[str, tuple[str | int, ...], str]

_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mn": 1e6, "bn": 1e9,
           "b": 1e9, "billion": 1e9, "trillion": 1e12, "tn": 1e12}
_NUMBER = re.compile(
    r"(?<![\w.])(?P<money>[$€£¥])?(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?:\s?(?P<scale>k|thousand|million|mn|m|billion|bn|b|trillion|tn)\b)?"
    r"(?P<unit>\s?%|x\b)?",
    re.IGNORECASE,
)
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_DATES = re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}\s+{_MONTH}|\b{_MONTH}\s+\d{{1,2}}\b",
                    re.IGNORECASE)
_WORDS = {w: n for n, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"))}


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _said(part: str, whole: str) -> bool:
    return _key(part) in _key(whole)


# A number that is part of a name, not a quantity: "Phase 3", "Tier 1", "GLP-1", "COVID-19".
_NAMING_WORDS = ("phase", "tier", "class", "stage", "series", "level", "grade", "type", "gen",
                 "generation", "version", "round", "form", "article", "section", "chapter", "no")
_NAMED = re.compile(rf"(?:\b(?:{'|'.join(_NAMING_WORDS)})\.?\s+|[A-Za-z]-)$", re.IGNORECASE)
# A number joined to the noun it counts, as one adjective: "20-year contracts", "312-patient".
_MODIFIER = re.compile(r"-([A-Za-z]+)")


@dataclass(frozen=True, slots=True)
class Number:
    """A number as a text writes it, with the plain values it may stand for."""

    written: str
    values: set[float]
    kind: str  # "percent", "money", "multiple" or "" (a bare number)
    counts: str | None  # the noun it is joined to ("year" in "20-year"): it describes a thing


def numbers_in(text: str) -> list[Number]:
    """Each number the text writes, with the plain values it may stand for: "$19.1 billion" →
    {19.1, 1.91e10}, "180k" → {180, 180000}. Years (2025), days (2026-11-20, 20 Nov),
    quarters (Q3) and halves (H2) are dates, and numbers in names (Phase 3, GLP-1) are names,
    not numbers."""
    found = []
    text = _DATES.sub(" ", text)
    for match in _NUMBER.finditer(text):
        n = float(match["n"].replace(",", "") + (match["frac"] or ""))
        scale, unit = match["scale"], match["unit"]
        if not (match["money"] or scale or unit or match["frac"]) and 1900 <= n <= 2100:
            continue  # a year
        if not (match["money"] or unit) and _NAMED.search(text[:match.start()]):
            continue
        values = {n}
        if scale:
            values.add(n * _SCALES[scale.lower()])
        kind = ("percent" if unit and "%" in unit else "multiple" if unit else
                "money" if match["money"] else "")
        joined = _MODIFIER.match(text, match.end())
        counts = joined.group(1) if joined and not (unit or scale) else None
        found.append(Number(match.group(0).strip(), values, kind, counts))
    return found


def _same_kind(figure: Figure, number: Number) -> bool:
    """Whether the text may write `figure` as `number`: a percentage as "%", money with its
    sign; a bare number is neither, and one joined to a noun ("20-year") counts that noun."""
    if number.counts:
        return figure.unit.casefold().rstrip("s") == number.counts.casefold().rstrip("s")
    shown = units.display(figure.value, figure.unit)
    percent = "%" in shown
    money = any(sign in shown for sign in "$€£¥") or shown[:3].isupper()
    if number.kind == "percent":
        return percent
    if number.kind == "money":
        return money
    return not (percent or money)


def _matches(figure: Figure, values: set[float]) -> bool:
    return any(abs(v - target) <= 1e-9 * max(1.0, abs(target))
               for v in values for target in (figure.value, figure.magnitude))


def _texts(thesis: Thesis) -> Iterator[tuple[tuple[str | int, ...], str, list[str]]]:
    """(path, text, figure ids of its point) for every text a card shows."""
    for section in ("bull", "bear", "catalysts"):
        for index, point in enumerate(getattr(thesis, section)):
            summary = getattr(point, "summary", None)
            if summary:
                yield (section, index, "summary"), summary, point.figures
            yield (section, index, "detail"), point.detail, point.figures


def numbers_without_figures(thesis: Thesis) -> Iterator[Advice]:
    """A number a text writes that no figure of its point records. A number joined to what it
    counts ("20-year contracts") describes a thing, and is said only when a figure of the same
    kind has its value elsewhere."""
    by_id = {f.id: f for f in thesis.figures}
    for path, text, cited in _texts(thesis):
        for number in numbers_in(text):
            if any(_matches(by_id[f], number.values) for f in cited if f in by_id):
                continue
            elsewhere = next((f.id for f in thesis.figures if _matches(f, number.values)
                              and _same_kind(f, number)), None)
            if elsewhere:
                yield (thesis.ticker, path, f"{number.written!r} is figure {elsewhere!r}; list "
                       "it under this point's figures")
            elif not number.counts:
                yield (thesis.ticker, path, f"{number.written!r} matches no figure; add it under "
                       "figures (value, unit, subject, measure) and list it here")


def figures_no_text_quotes(thesis: Thesis) -> Iterator[Advice]:
    values: list[set[float]] = [n.values for _, text, _ in _texts(thesis)
                                 for n in numbers_in(text)]
    words = {w for _, text, _ in _texts(thesis) for w in re.findall(r"[a-z]+", text.lower())}
    values += [{float(_WORDS[w])} for w in words if w in _WORDS]
    for index, figure in enumerate(thesis.figures):
        if not any(_matches(figure, v) for v in values):
            yield (thesis.ticker, ("figures", index, "value"),
                   f"figure {figure.id!r}: {figure.value:g} appears in no text; check the value "
                   "against the write-up, or quote it where the text says it")


def periods_said_twice(thesis: Thesis) -> Iterator[Advice]:
    for index, figure in enumerate(thesis.figures):
        if figure.period and _said(figure.period, figure.measure):
            yield (thesis.ticker, ("figures", index, "measure"),
                   f"figure {figure.id!r}: the measure already says {figure.period!r}; keep the "
                   "period in `period` only")


def _catalyst_words(thesis: Thesis, index: int, catalyst: Catalyst) -> Iterator[Advice]:
    at = ("catalysts", index)
    text = " ".join(filter(None, [catalyst.summary, catalyst.detail]))
    if catalyst.watch and not _said(catalyst.watch, text):
        yield (thesis.ticker, (*at, "watch"),
               f"catalyst {catalyst.id!r}: the text does not say {catalyst.watch!r}; quote the "
               "text's own words, or move your line to analyst_watch: {text: …, by: YOUR NAME}")
    if catalyst.condition and not _said(catalyst.condition, text):
        yield (thesis.ticker, (*at, "condition"),
               f"catalyst {catalyst.id!r}: the text does not say {catalyst.condition!r}; "
               "quote the condition as written")
    timing = catalyst.timing
    if timing is None:
        return
    when = timing.when
    if when.precision != "day" and not _said(when.period, text):
        yield (thesis.ticker, (*at, "timing"),
               f"catalyst {catalyst.id!r}: the text does not mention {when.period!r}; give the "
               "date the text gives, or none")
    if when.precision == "day" and not _said(when.text, text):
        day = when.start
        month = f"{calendar.month_name[day.month]} {day.year}"
        last_of_month = day.day == calendar.monthrange(day.year, day.month)[1]
        if last_of_month and _said(month, text):
            yield (thesis.ticker, (*at, "timing"),
                   f"catalyst {catalyst.id!r}: the text gives {month!r}, not a day; write "
                   f"`timing: {(when.bound or 'through')} {month}`")
        elif day.month == 12 and day.day == 31 and _said(str(day.year), text):
            yield (thesis.ticker, (*at, "timing"),
                   f"catalyst {catalyst.id!r}: the text gives the year {day.year}, not a day; "
                   f"write `timing: {(when.bound or 'by')} {day.year}`")


def figures_to_review(thesis: Thesis) -> Iterator[Advice]:
    """A figure `thesis import` read from the prose stays marked until an analyst checks it;
    said once per thesis, with the count, at the first one (cards mark each meanwhile)."""
    unreviewed = thesis.unreviewed()
    if not unreviewed:
        return
    first = next(i for i, f in enumerate(thesis.figures) if f.review)
    ids = ", ".join(f.id for f in unreviewed[:3]) + (", …" if len(unreviewed) > 3 else "")
    yield (thesis.ticker, ("figures", first, "review"),
           f"{len(unreviewed)} of {len(thesis.figures)} figures are unreviewed, imported "
           f"({ids}): cards mark them until you check each one's value, unit, subject, measure "
           "and period against the write-up and delete its `review: true`")


def drafts_are_not_served(thesis: Thesis) -> Iterator[Advice]:
    """A draft loads, but answers nothing: said once, where it is marked or first holds a
    placeholder, so `--strict` fails until it is finished."""
    found = draft_of(thesis)
    if found is None:
        return
    if found.placeholders:
        where = ", ".join(found.fields[:3])
        more = ", …" if len(found.placeholders) > 3 else ""
        yield (thesis.ticker, found.placeholders[0],
               f"{thesis.ticker} is a draft, not served as an answer: "
               f"{len(found.placeholders)} TODO placeholder"
               f"{'s' * (len(found.placeholders) != 1)} left ({where}{more}); replace each "
               "with the write-up's words" + (", then delete `draft: true`" if found.marked
                                              else ""))
    else:
        yield (thesis.ticker, ("draft",),
               f"{thesis.ticker} is a draft, not served as an answer; delete `draft: true` "
               "when it is ready")


def catalysts_say_what_the_text_says(thesis: Thesis) -> Iterator[Advice]:
    for index, catalyst in enumerate(thesis.catalysts):
        yield from _catalyst_words(thesis, index, catalyst)


def aliases_that_are_intent_words(thesis: Thesis, intent_words: Mapping[str, str]
                                  ) -> Iterator[Advice]:
    for index, alias in enumerate(thesis.aliases):
        intent = intent_words.get(_key(alias))
        if intent:
            yield (thesis.ticker, ("aliases", index),
                   f"alias {alias!r} is a word of intent {intent!r}: a question using it would "
                   "name this thesis; remove it from aliases")


def other_companies_that_name_a_thesis(thesis: Thesis, owners: dict[str, str]
                                       ) -> Iterator[Advice]:
    for index, company in enumerate(thesis.other_companies):
        owner = owners.get(_key(company))
        if owner == thesis.ticker:
            yield (thesis.ticker, ("other_companies", index),
                   f"{company!r} is also one of this thesis's own names; keep it in one place")
        elif owner:
            yield (thesis.ticker, ("other_companies", index),
                   f"{company!r} names thesis {owner}, which questions about it will get; "
                   "remove it from other_companies")


def _keywords(thesis: Thesis) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for section in ("bull", "bear", "catalysts"):
        for index, point in enumerate(getattr(thesis, section)):
            for k, word in enumerate(point.keywords):
                yield (section, index, "keywords", k), word
    for index, figure in enumerate(thesis.figures):
        for k, word in enumerate(figure.keywords):
            yield ("figures", index, "keywords", k), word


def shared_keywords(theses: Iterable[Thesis]) -> Iterator[Advice]:
    """A keyword two theses share ties a question to neither; said once, in the later file."""
    first: dict[str, str] = {}
    for thesis in theses:
        mine: set[str] = set()
        for path, word in _keywords(thesis):
            key = _key(word)
            owner = first.get(key)
            if owner and owner != thesis.ticker and key not in mine:
                yield (thesis.ticker, path,
                       f"keyword {word!r} is also one of {owner}'s; a question using it names "
                       "neither: make it specific to this thesis, or drop it")
            mine.add(key)
        for key in mine:
            first.setdefault(key, thesis.ticker)


def _strings(value: object, path: tuple[str | int, ...]
             ) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def bidirectional_controls(thesis: Thesis) -> Iterator[Advice]:
    for path, text in _strings(thesis.model_dump(exclude_none=True), ()):
        names = bidi_names(text)
        if names:
            yield (thesis.ticker, path, f"holds {', '.join(names)}, which can make text read "
                   "other than as written; Slack and the terminal show it without: delete it")


def advise(knowledge: Knowledge) -> list[Problem]:
    """Every warning about the loaded theses, as file:line: field: message."""
    theses = sorted(knowledge.theses.values(), key=lambda t: t.ticker)
    intent_words = {_key(word): spec.intent for spec in knowledge.intents.values()
                    for word in [*spec.terms, *spec.hints]}
    owners = {_key(name): t.ticker for t in theses for name in t.names()}
    found: list[Advice] = []
    for thesis in theses:
        found += numbers_without_figures(thesis)
        found += figures_no_text_quotes(thesis)
        found += periods_said_twice(thesis)
        found += figures_to_review(thesis)
        found += drafts_are_not_served(thesis)
        found += catalysts_say_what_the_text_says(thesis)
        found += aliases_that_are_intent_words(thesis, intent_words)
        found += other_companies_that_name_a_thesis(thesis, owners)
        found += bidirectional_controls(thesis)
    found += shared_keywords(theses)
    advice: dict[Problem, None] = {}  # a number a text writes twice is one warning
    for ticker, path, message in found:
        file, lines = knowledge.files.get(ticker, (ticker, {}))
        advice.setdefault(Problem(file, line_of(lines, path), _field(path), message))
    return list(advice)
