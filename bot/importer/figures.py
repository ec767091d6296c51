"""Numbers read out of a write-up's prose as data: value, unit, the word before it, what it is
compared with, whom it is about, what it measures, the period it covers, who published it.

Reading is deliberately plain: a number is found by its form ($19.1 billion, 35.8%, 23.5x,
180k, 10 million downloads, nine straight quarters); its subject is the nearest name before it
in its clause (else after it, else in its sentence, else the company); its measure is the
clause's own words around it. Years, quarters, days, ordinals and model names (Boeing 737) are
not figures. Whatever is found is marked for review by the draft; nothing is guessed beyond the
text's words, except the unit's house name (percent, multiple, usd_billion).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SCALE_WORDS = {"k": "thousand", "thousand": "thousand", "m": "million", "mn": "million",
                "mm": "million", "million": "million", "b": "billion", "bn": "billion",
                "billion": "billion", "t": "trillion", "tn": "trillion", "trillion": "trillion"}
_SCALE_VALUES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CURRENCIES = {"$": "usd", "us$": "usd", "usd": "usd", "€": "eur", "eur": "eur", "£": "gbp",
               "gbp": "gbp", "¥": "jpy", "jpy": "jpy", "hk$": "hkd", "hkd": "hkd", "rmb": "cny",
               "cny": "cny", "c$": "cad", "a$": "aud", "s$": "sgd", "chf": "chf", "inr": "inr",
               "₹": "inr", "₩": "krw"}
_WORD_NUMBERS = {w: n for n, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
     "eighteen", "nineteen", "twenty"))} | {"thirty": 30, "forty": 40, "fifty": 50,
                                            "sixty": 60, "seventy": 70, "eighty": 80,
                                            "ninety": 90, "hundred": 100, "dozen": 12}
# Units written after a number, glued or spaced, kept as written.
_KNOWN_UNITS = ("GWh", "MWh", "TWh", "kWh", "GW", "MW", "TW", "kW", "bps", "bp", "pp", "nm",
                "mtpa", "Mtpa", "Mt", "mt", "bbl/d", "boe/d", "bpd", "bbl", "boe", "tonnes",
                "tons", "mph", "km", "kg", "sq ft", "Bcf/d", "bcf/d", "Bcf", "bcf", "GB", "TB",
                "PB", "MHz", "GHz", "TEU", "dwt")
_NUMBER = re.compile(
    r"(?P<money>US\$|HK\$|C\$|A\$|S\$|[$€£¥₹₩]|\b(?:USD|EUR|GBP|RMB|CNY|JPY|HKD|CHF|INR)\s?)?"
    r"(?<![\w.,/\-])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?![\d])"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|mn|mm|bn|tn|[kKmMbBtT])(?![A-Za-z]))?"
    r"(?P<pct>\s?%|\s?(?:percent|per cent)\b|\s?(?:percentage points?)\b)?"
    r"(?P<x>x(?![A-Za-z]))?"
    r"(?P<known>\s?(?:" + "|".join(re.escape(u) for u in _KNOWN_UNITS) + r")(?![A-Za-z]))?"
    r"(?P<ccy>\s(?:dollars|euros|yuan|renminbi|pounds|yen)\b)?"
)
_WORD_NUMBER = re.compile(r"\b(?P<w>" + "|".join(_WORD_NUMBERS) + r")\b", re.IGNORECASE)
_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|"
           "april|june|july|august|september|october|november|december")
_DAY = re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
                  rf"|\b\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}|\b\d{{4}}-\d{{2}}-\d{{2}}\b",
                  re.IGNORECASE)
_SPAN = r"(?:first|last|past|trailing|latest)\s+(?:\w+\s+)?(?:months|quarters|weeks|years)"
_WHEN = rf"(?:(?:{_MONTHS})\.?\s+(?:\d{{1,2}},?\s+)?)?(?:19|20)\d{{2}}"
_PERIOD = re.compile(
    rf"(?:\b(?:in|during|for|through|by|until|since|from|as of|at the end of|over)\s+)?"
    rf"(?:(?:early|mid|late)[-\s])?"
    rf"(?:Q[1-4]\s?(?:FY)?\s?\d{{4}}|[1-4]Q\s?\d{{2,4}}|H[12]\s?\d{{4}}|FY\s?\d{{2,4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}|(?:19|20)\d{{2}}(?:\s(?:earnings|sales|revenue|EBITDA))?"
    rf"|(?:week|year|day|month|quarter) (?:one|two|three|four|five|1|2|3|4|5)"
    # "the first nine months of 2026", "the twelve months to September 2026", "in the past
    # three years": a period; "within the first 18 months of a store opening" is a figure
    rf"|(?:the\s+)?{_SPAN}\s+(?:of|to|ended)\s+{_WHEN}"
    rf"|(?:in|during|over)\s+the\s+{_SPAN}"
    rf"|(?:\w+\s+)?(?:months|weeks)\s+(?:to|ended)\s+{_WHEN})\b",
    re.IGNORECASE)
_QUALIFIERS = {"over": "over", "more than": "more than", "about": "about", "around": "around",
               "approximately": "approximately", "roughly": "roughly", "nearly": "nearly",
               "almost": "almost", "up to": "up to", "at least": "at least",
               "less than": "less than", "under": "under", "above": "above",
               "below": "below", "some": "some", "just over": "just over",
               "well over": "well over", "close to": "close to", "exceed": "more than",
               "exceeds": "more than", "exceeding": "more than", "surpass": "more than"}
_COMPARATIVE = re.compile(r"^(?:more than|less than|double|twice|triple|half|ahead of|behind|"
                          r"up from|down from|versus|vs\.?|compared (?:to|with)|nearly double|"
                          r"almost double)\b", re.IGNORECASE)
# Words that end a unit's noun phrase or a clause's measure.
_CONTRAST = re.compile(r"\b(?:versus|vs\.?|compared|than|unlike|against|while)\b", re.I)
_STOP = {"in", "of", "on", "at", "for", "to", "from", "by", "with", "and", "or", "versus", "vs",
         "than", "that", "which", "per", "across", "over", "under", "since", "through",
         "during", "after", "before", "is", "are", "was", "were", "will", "would", "could",
         "has", "have", "had", "built", "now", "this", "its", "their", "the", "a", "an", "as",
         "while", "but", "compared", "despite", "if", "so", "into", "each", "every", "year",
         "annually", "globally", "alone", "combined", "already", "still", "also", "only"}
_LEADING = {"and", "as", "while", "with", "but", "which", "that", "if", "when", "after",
            "before", "despite", "although", "though", "since", "because", "whereas", "the",
            "so", "yet", "then", "also", "now", "all", "both", "versus", "vs", "vs.",
            "compared", "to", "where", "its", "their", "his", "her", "our"}
_TRAILING = {"at", "to", "of", "for", "by", "from", "in", "with", "on", "will", "would", "could",
             "is", "are", "was", "were", "be", "been", "has", "have", "had", "the", "a", "an",
             "its", "their", "and", "or", "than", "versus", "vs", "vs.", "about", "over",
             "around", "nearly", "almost", "roughly", "approximately", "some", "under",
             "more", "less", "up", "least", "just", "well", "close", "exceed", "exceeds",
             "exceeding", "surpass", "top", "reach", "reaching", "reached", "hit", "hits",
             "grow", "grows", "growing", "rising", "falling", "totaling", "totalling",
             "worth", "valued", "like"}
_NOT_NAMES = {"the", "a", "an", "as", "if", "with", "while", "over", "in", "at", "by", "for",
              "its", "this", "that", "these", "those", "after", "before", "despite",
              "although", "since", "when", "our", "we", "it", "they", "management", "and",
              "but", "yet", "so", "more", "less", "about", "around", "nearly", "almost",
              "roughly", "approximately", "up", "some", "until", "through", "during",
              "from", "on", "of", "to", "year", "years", "quarter", "revenue", "sales",
              "cloud", "margins", "margin", "growth", "demand", "earnings", "shares",
              "investors", "analysts", "street", "consensus", "i", "he", "she", "there",
              "q1", "q2", "q3", "q4", "h1", "h2", "fy", "phase"}
_NOT_NAMES -= {"cloud", "revenue", "sales", "margins", "margin", "growth", "demand", "earnings",
               "shares", "year", "years", "quarter"}
_SOURCE_VERBS = r"(?:forecasts?|estimates?|projects?|expects?|predicts?|guides?)"
_SOURCE = re.compile(rf"\b(?:[Tt]he\s+)?(?P<who>street|consensus|analysts|sell-side analysts|"
                     rf"[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){{0,3}})\s+{_SOURCE_VERBS}\b")
_ACCORDING = re.compile(r"\baccording to\s+(?:the\s+)?(?P<who>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)"
                        r"{0,4}|the street|analysts|consensus)")


@dataclass
class Found:
    """One number of a text, with what the text says about it."""

    value: float
    unit: str
    written: str
    start: int
    end: int
    qualifier: str | None = None
    comparison: str | None = None
    subject: str | None = None
    measure: str = ""
    period: str | None = None
    publisher: str | None = None


@dataclass
class Unread:
    """Something that looks like a figure but has no number, or a number with no unit."""

    written: str
    reason: str


def known_names(texts: list[str]) -> set[str]:
    """Words the texts capitalise where no sentence starts: names, not sentence openers."""
    found: set[str] = set()
    for text in texts:
        for match in re.finditer(r"(?<=[a-z,;:()]\s)([A-Z][\w&.\-]*?)(?:'s)?\b", text):
            found.add(match.group(1))
    return found


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for found in re.finditer(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z\"'(\[$€£¥0-9])", text):
        if re.search(r"\b(?:vs|e\.g|i\.e|Inc|Corp|Co|Ltd|St|No|approx|U\.S)\.$",
                     text[start:found.start()]):
            continue
        spans.append((start, found.start()))
        start = found.end()
    spans.append((start, len(text)))
    return spans


def _clause(sentence: str, at: int, end: int) -> tuple[int, int]:
    """The comma-, semicolon- or dash-bounded stretch of `sentence` around [at, end)."""
    left = max(sentence.rfind(",", 0, at), sentence.rfind(";", 0, at),
               sentence.rfind(" — ", 0, at), sentence.rfind(" – ", 0, at))
    rights = [i for i in (sentence.find(",", end), sentence.find(";", end),
                          sentence.find(" — ", end), sentence.find(" – ", end)) if i >= 0]
    right = min(rights) if rights else len(sentence)
    if right > 0 and sentence[right - 1:right + 2].isdigit():
        right = len(sentence)
    return left + 1, right


def _unit(match: re.Match[str], after: str) -> tuple[str | None, float, str]:
    """(unit, multiplier to apply to the value, the unit words consumed from `after`)."""
    scale = match["scale"]
    scale_word = _SCALE_WORDS.get(scale.lower()) if scale else None
    if scale and scale in ("m", "b", "t", "T", "B", "M") and not (match["money"] or match["ccy"]):
        # "5m" / "3B" outside money: only as a scale when nothing else reads it.
        scale_word = _SCALE_WORDS[scale.lower()]
    money = (match["money"] or "").strip().lower()
    if match["ccy"]:
        money = {"dollars": "usd", "euros": "eur", "yuan": "cny", "renminbi": "cny",
                 "pounds": "gbp", "yen": "jpy"}[match["ccy"].strip().lower()]
    if money:
        code = _CURRENCIES.get(money, money)
        return (f"{code}_{scale_word}" if scale_word else code), 1.0, ""
    multiplier = _SCALE_VALUES[scale_word] if scale_word else 1.0
    if match["pct"]:
        if "point" in match["pct"]:
            return "percentage_points", multiplier, ""
        gdp = re.match(r"\s*(of\s+(?:[a-z]+\s+){0,2}(?:GDP|GNP))\b", after)
        if gdp:
            return f"% {gdp.group(1)}", multiplier, gdp.group(0)
        return "percent", multiplier, ""
    if match["x"]:
        return "multiple", multiplier, ""
    if match["known"]:
        known = match["known"].strip()
        return {"bps": "basis points", "bp": "basis points",
                "pp": "percentage_points"}.get(known, known), multiplier, ""
    noun = _noun_unit(after)
    if noun:
        return noun[0], multiplier, noun[1]
    return None, multiplier, ""


def _noun_unit(after: str) -> tuple[str, str] | None:
    """"AI models built on …" → ("models", " AI models"): the first plural noun within three
    words after the number, before any word that ends the phrase."""
    words = re.finditer(r"\s*([A-Za-z][\w'-]*)", after)
    for count, word in enumerate(words):
        token = word.group(1)
        if count >= 3 or token.lower() in _STOP:
            return None
        if token.lower() in ("basis", "percentage") and re.match(r"\s*\w+\s+points?\b", after):
            phrase = re.match(r"\s*\w+\s+points?", after)
            assert phrase
            return ("basis points" if token.lower() == "basis" else "percentage_points",
                    phrase.group(0))
        if (token.islower() and len(token) > 3 and token.endswith("s")
                and not token.endswith(("ss", "us", "is", "ous"))):
            return token, after[:word.end()]
        if "," in after[:word.start()] or "." in after[:word.start()]:
            return None
    return None


def _names(text: str) -> list[tuple[int, int, str]]:
    """Capitalised runs that read as names ("ByteDance's Volcano Engine", "Amazon")."""
    out = []
    token = r"(?:[A-Z][\w&.\-]*[\w]|[A-Z])(?:'s)?"
    for found in re.finditer(rf"(?<![\w'-]){token}(?:\s+{token})*", text):
        words = found.group(0).split()
        start = found.start()
        while words and (words[0].lower().removesuffix("'s") in _NOT_NAMES
                         or re.fullmatch(r"[A-Z][a-z]+-[a-z]+", words[0])):
            start += len(words[0]) + 1
            words.pop(0)
        while words and (words[-1].lower() in _NOT_NAMES
                         or re.fullmatch(r"[A-Z][\w]*-[a-z]+", words[-1])):
            words.pop()
        if not words:
            continue
        name = " ".join(words)
        if len(words) == 1 and (len(name) <= 2 or re.fullmatch(rf"(?i)(?:{_MONTHS})", name)):
            continue  # US, AI, EV: acronyms used as adjectives, and months
        if re.fullmatch(r"(?:Q[1-4]|H[12]|FY\d*)", name):
            continue
        out.append((start, start + len(name), name))
    return out


def _subject(sentence: str, clause: tuple[int, int], at: int, end: int, known: set[str]
             ) -> tuple[str | None, int]:
    """The nearest name before the number in its clause, else after it, else in the sentence;
    and where the measure may start (after that name)."""

    def real(name: tuple[int, int, str]) -> tuple[int, int, str] | None:
        at_start = name[0] == 0 or sentence[:name[0]].strip() in ("", '"', "(")
        if re.search(r"\b(?:in|from|at|across|to|into|of|on|with)\s+$", sentence[:name[0]]):
            return None  # a place or an object, not whom the number is about
        words = name[2].split()
        if at_start and words[0].removesuffix("'s") not in known:
            words = words[1:]  # "Gross margin", "Store brands": capitalised only to start
        if not words:
            return None
        text = " ".join(words)
        return (name[1] - len(text), name[1], text)

    names = [n for n in (real(n) for n in _names(sentence)) if n]
    before = [n for n in names if clause[0] <= n[0] and n[1] <= at]
    if before:
        name = before[-1]
        return _strip_possessive(name[2]), name[1]
    after = [n for n in names if end <= n[0] and n[1] <= clause[1]
             and not _CONTRAST.search(sentence[end:n[0]])]
    if after:
        return _strip_possessive(after[0][2]), clause[0]
    earlier = [n for n in names if n[1] <= at and not _CONTRAST.search(sentence[n[1]:at])]
    if earlier:
        return _strip_possessive(earlier[0][2]), clause[0]
    return None, clause[0]


def _strip_possessive(name: str) -> str:
    return name[:-2] if name.endswith("'s") else name


def _trim(words: list[str], common: set[str]) -> list[str]:
    while words and words[0].lower().strip(",;:") in _LEADING:
        words.pop(0)
    while words and words[-1].lower().strip(",;:") in _TRAILING:
        words.pop()
    if words and words[0][:1].isupper() and words[0].lower() in common:
        words[0] = words[0].lower()
    return words


def _comparison(sentence: str, end: int) -> str | None:
    rest = sentence[end:]
    found = re.match(r"\s*,\s*", rest)
    if not found:
        return None
    tail = rest[found.end():]
    if not _COMPARATIVE.match(tail):
        return None
    stop = re.search(r",\s+(?:\w+ing\b|which\b|while\b|as\b|and\s+\w+ing\b)|[.;!?](?:\s|$)",
                     tail)
    text = tail[:stop.start()] if stop else tail
    return text.strip().rstrip(".") or None


# Words of a measure that say how it moved, not what it measures: "MAUs rose", "paying users rose".
_MOVES = {"rose", "grew", "fell", "rise", "rises", "grow", "grows", "fall", "falls", "reached",
          "increased", "decreased", "climbed", "dropped", "declined", "jumped", "up", "down",
          "about", "nearly", "almost", "around", "some", "first", "last", "billion", "million"}


def same_measure(one: str, other: str) -> bool:
    """Whether two readings of one number measure the same thing: a word of what they measure in
    common ("paying members rose" and "paying members"), or one says nothing. "Rates rose 9%"
    and "retire about 9% of shares" are two figures; so are "MAUs rose" and "paying users
    rose"."""
    said = [{w for w in re.findall(r"[a-z]{3,}", m.lower()) if w not in _STOP | _MOVES}
            for m in (one, other)]
    return not said[0] or not said[1] or bool(said[0] & said[1])


def read_figures(text: str, common: set[str], known: set[str] = frozenset()  # type: ignore[assignment]
                 ) -> tuple[list[Found], list[Unread]]:
    """Every figure the text writes, in order, and what looked like one but could not be read.
    `common` holds the document's everyday words (written in lower case somewhere); `known`
    the words it capitalises where no sentence starts, so a capitalised first word of a
    sentence ("Gross margin") is taken for a name only if it is one elsewhere."""
    found: list[Found] = []
    unread: list[Unread] = []
    dates = [m.span() for m in _DAY.finditer(text)]
    for sentence_start, sentence_end in _sentences(text):
        sentence = text[sentence_start:sentence_end]
        periods = [(m.start(), m.end(), m.group(0)) for m in _PERIOD.finditer(sentence)]
        publisher = _publisher(sentence)
        previous: Found | None = None
        for match in _candidates(sentence):
            words = match.re is _WORD_NUMBER
            at, end = (match.start() if words else match.start("n")), match.end()
            absolute = sentence_start + at
            if any(a <= absolute < b for a, b in dates):
                continue
            if not words and match["money"] and match.group(0).startswith(match["money"]):
                at = match.start()
            written = match.group(0).strip()
            if words:
                value = float(_WORD_NUMBERS[match["w"].lower()])
                noun = _noun_unit(sentence[end:])
                if not noun or value < 2 or any(p[0] <= at < p[1] for p in periods):
                    continue  # "in the first nine months": when, not how much
                unit, multiplier, consumed = noun[0], 1.0, noun[1]
            else:
                if _is_date_or_name(match, sentence, periods):
                    continue
                value = float(match["n"].replace(",", "") + (match["frac"] or ""))
                read_unit, multiplier, consumed = _unit(match, sentence[end:])
                if read_unit is None:
                    if not any(p[0] <= match.start("n") < p[1] for p in periods):
                        unread.append(Unread(written, "has no unit"))
                    continue
                unit = read_unit
            value *= multiplier
            if not math.isfinite(value):
                unread.append(Unread(written, "is too large to be a figure"))
                continue
            end_all = end + len(consumed)
            clause = _clause(sentence, at, end_all)
            figure = Found(value=round(value, 10), unit=unit, written=written,
                           start=sentence_start + at, end=sentence_start + end_all,
                           publisher=publisher)
            figure.qualifier = _qualifier(sentence[:at])
            figure.comparison = _comparison(sentence, end_all if clause[1] >= end_all
                                            else clause[1])
            if figure.comparison is None:
                right = clause[1]
                if right < len(sentence) and sentence[right] == ",":
                    figure.comparison = _comparison(sentence, right)
            figure.period = _period(periods, clause, at, end_all)
            figure.subject, measure_from = _subject(sentence, clause, at, end_all, known)
            figure.measure = _measure(sentence, clause, measure_from, at, end_all, consumed,
                                      unit, figure.period, common)
            if (previous and previous.unit == unit and _thin(figure.measure)
                    and not _thin(previous.measure)):
                figure.measure = previous.measure  # "…, Huawei Cloud captures 13.1%"
                figure.period = figure.period or previous.period
            found.append(figure)
            previous = figure
        for bare in re.finditer(r"(?<![\w\d])(?:[$€£¥]\s?(?:thousand|million|billion|"
                                r"trillion|bn|mn)\b|[$€£¥]\s?(?:TBD|TBC|XX|X\.X|\?+)|"
                                r"\b(?:TBD|TBC|XX|X\.X|\?+)\s?(?:%|x\b|percent\b|"
                                r"(?:million|billion)\b))", sentence):
            unread.append(Unread(bare.group(0), "has no number"))
    return found, unread


def _candidates(sentence: str) -> list[re.Match[str]]:
    matches = [m for m in _NUMBER.finditer(sentence) if m.group("n")]
    matches += list(_WORD_NUMBER.finditer(sentence))
    return sorted(matches, key=lambda m: m.start())


def _is_date_or_name(match: re.Match[str], sentence: str, periods: list) -> bool:
    n = match["n"]
    plain = not (match["money"] or match["scale"] or match["pct"] or match["x"]
                 or match["known"] or match["ccy"])
    start = match.start("n")
    if plain and not match["frac"] and "," not in n and 1900 <= int(n) <= 2100:
        return True  # a year
    if any(p[0] <= start < p[1] and not (match["pct"] or match["money"]) for p in periods):
        return True
    after = sentence[match.end():match.end() + 3]
    if plain and re.match(r"(?:st|nd|rd|th)\b|-[A-Za-z]", after):
        return True  # 2nd, 10-K, 5-year
    before = sentence[:start]
    if re.search(r"(?:\b[A-Z][\w&]*|[A-Za-z]-)\s?$", before) and plain and not match["frac"]:
        return True  # Boeing 737, S&P 500, GPT-4
    return bool(re.search(r"[Qq]$|\b[Hh]$|FY\s?$|#\s?$|No\.\s?$", before))


def _qualifier(before: str) -> str | None:
    words = re.findall(r"[A-Za-z]+", before[-30:].lower())
    for size in (2, 1):
        if len(words) >= size:
            key = " ".join(words[-size:])
            if key in _QUALIFIERS:
                return _QUALIFIERS[key]
    return None


def _period(periods: list[tuple[int, int, str]], clause: tuple[int, int], at: int,
            end: int) -> str | None:
    inside = [p for p in periods if clause[0] <= p[0] and p[1] <= clause[1]
              and not (p[0] <= at < p[1])]
    after = [p for p in inside if p[0] >= end]
    before = [p for p in inside if p[1] <= at]
    chosen = after[0] if after else (before[-1] if before else None)
    return chosen[2].strip() if chosen else None


def _thin(measure: str) -> bool:
    """A measure that is only a verb or nothing: "captures", "takes", "at"."""
    return len(measure.split()) <= 1


def _measure(sentence: str, clause: tuple[int, int], start: int, at: int, end: int,
             consumed: str, unit: str, period: str | None, common: set[str]) -> str:
    """The clause's words around the number, without the subject, the number, its period and
    its comparison: "cloud revenue grew year-over-year", "share of China's AI cloud market"."""
    before = sentence[max(start, clause[0]):at]
    after = sentence[end:clause[1]]
    if period:
        before = before.replace(period, " ")
        after = after.replace(period, " ")
    after = re.sub(r"[.!?;:]+(?=\s|$)", " ", after)
    earnings = re.fullmatch(r"(?:\d{4}\s+)?(earnings|sales|revenue|EBITDA)", period or "")
    if unit == "multiple" and earnings:
        return f"multiple of {earnings.group(1)}"
    of = re.match(r"\s*(of\s+.+)", after)
    before_words = before.split()
    digit = max((i for i, w in enumerate(before_words) if re.search(r"\d", w)), default=-1)
    before_words = _trim(before_words[digit + 1:], common)
    if of and unit == "percent":
        rest = _trim(of.group(1).split()[1:], common)
        words = ["share", "of", *rest] if len(before_words) <= 1 else [*before_words,
                                                                        "of", *rest]
        return " ".join(words)
    after_words: list[str] = []
    for word in after.split():
        if re.search(r"\d", word):
            break
        if word.lower().strip(",;:") in _STOP - {"of", "on", "per", "in", "for", "built"}:
            break
        after_words.append(word)
        if len(after_words) >= 8:
            break
    words = [*before_words, *after_words] if before_words else [*consumed.split(), *after_words]
    text = " ".join(_trim(words, common)).strip(" ,;:-")
    if not text:  # "and grows 26.8% annually": the words between its neighbours
        left = [w for w in sentence[max(start, clause[0]):at].replace(period or "\0", " ").split()]
        digit = max((i for i, w in enumerate(left) if re.search(r"\d", w)), default=-1)
        right = []
        for word in sentence[end:clause[1]].replace(period or "\0", " ").split():
            if re.search(r"\d", word):
                break
            right.append(word)
        rest = left[digit + 1:] + right
        while rest and rest[0].lower() in _LEADING:
            rest.pop(0)
        while rest and rest[-1].lower().strip(".,;:") in _TRAILING - {"grow", "grows"}:
            rest.pop()
        text = " ".join(rest).strip(" ,;:-.")
    if not text:  # "Net revenue grew 9% to $4.6 billion": the clause, bar its numbers
        rest = [w for w in sentence[clause[0]:clause[1]].split() if not re.search(r"\d", w)
                and w.lower() not in _SCALE_WORDS]
        text = " ".join(_trim(rest, common)).strip(" ,;:-.")
    return text


def _publisher(sentence: str) -> str | None:
    found = _ACCORDING.search(sentence) or _SOURCE.search(sentence)
    if not found:
        return None
    who = found["who"].strip()
    if who.lower() in ("street", "the street"):
        return "The street"
    return who[:1].upper() + who[1:]
