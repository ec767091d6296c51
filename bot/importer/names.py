"""The companies a write-up names beside its own: its rivals and peers, proposed as the draft's
`other_companies`, so that "tencent bull case" is not taken for a question about this thesis."""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from functools import cache

from bot.engine.english import dictionary_words
from bot.settings import PACKAGE_INTENTS

# A sentence that sets companies against each other names rivals and peers in it.
_COMPARING = re.compile(r"\b(vs\.?|versus|against|behind|ahead of|rivals?|competitors?|"
                        r"compete[sd]?|competing|peers?|than|leads?|leader|outspends?|"
                        r"challeng\w*|share|below|above|second to|trail\w*|chas(?:e[sd]?|ing)|"
                        r"undercut\w*)\b", re.IGNORECASE)
_WORD = r"[A-Z][\w&.\-]*(?:'(?!s\b)\w+)?"  # "Gui'an" is one name; "Alibaba's" is Alibaba
_NAME = re.compile(rf"\b({_WORD}(?:[ \t]+{_WORD})*)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# Where a company is based: "headquartered in Hefei", "a Shenzhen-based technology company".
_HOME = re.compile(r"\b(?:headquartered|based)\s+in\s+([A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)|"
                   r"\b([A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)-based\b")
_PROSE = 8  # words: shorter lines are headings and titles
# Capitals that are no company: currencies, places, exchanges, and the write-up's own acronyms.
_CODES = frozenset({"RMB", "CNY", "USD", "EUR", "JPY", "HKD", "GBP", "KRW", "TWD", "US", "USA",
                    "EU", "UK", "PRC", "HK", "APAC", "EMEA", "NYSE", "HKEX", "NASDAQ", "SSE",
                    "SZSE", "STAR", "ADR", "ADS", "IPO", "CEO", "CFO", "YOY", "QOQ", "TTM",
                    "API", "SDK", "KPI", "ROI", "CAGR", "YTD", "ESG", "SAR", "GMP"})
# China's provinces, regions and municipalities: where a write-up's plants and data centers
# are ("Gui'an, Guizhou"), never a rival.
_PROVINCES = frozenset({
    "Anhui", "Beijing", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou",
    "Hainan", "Hebei", "Heilongjiang", "Henan", "Hubei", "Hunan", "Inner Mongolia", "Jiangsu",
    "Jiangxi", "Jilin", "Liaoning", "Ningxia", "Qinghai", "Shaanxi", "Shandong", "Shanghai",
    "Shanxi", "Sichuan", "Tianjin", "Tibet", "Xinjiang", "Yunnan", "Zhejiang", "Hong Kong",
    "Macau", "Taiwan"})
_MONTHS = frozenset({"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
                     "Dec"})


@cache
def _trade_words() -> frozenset[str]:
    """Every word of the shipped concepts' terms (gpu, ebitda, samr, bis): the trade's
    acronyms, never a company's name."""
    from bot.engine.concepts import ConceptTable
    from bot.knowledge.loader import load_intents

    return frozenset(ConceptTable(load_intents(PACKAGE_INTENTS).concepts).forms)


def _base(name: str) -> str:
    """A product's name without its version: "Lingxi" of "Lingxi-1"."""
    return re.sub(r"-\d+\w*$", "", name)


def _openings(texts: Iterable[str], dictionary: Container[str]) -> list[str]:
    """The coined name each text opens with, in a first sentence setting nothing against
    another: "Gelan Rooms lets users sing…", opening a bull point, is the company's business."""
    found = []
    for text in texts:
        first = _SENTENCE.split(text.strip())[0]
        if (opening := re.match(_WORD, first)) is not None and not _COMPARING.search(first) \
                and opening.group(0).lower() not in dictionary \
                and not re.match(r"['’]s\b", first[opening.end():]):  # "Tencent's exit…"
            found.append(opening.group(0))
    return found


def other_companies(texts: Iterable[str], company: str, summary: str = "",
                    own_case: Iterable[str] = ()) -> list[str]:
    """Names the texts set against the company, in order: not its own (named with "its" or
    "<Company>'s", or in a sentence of the `summary` that sets nothing against another, or
    opening a point of its `own_case`, or starting like its name), not a source ("per
    Bloomberg"), not a place, not an everyday word, acronym or unit."""
    texts = list(texts)
    whole = "\n".join(texts)
    dictionary = dictionary_words()
    own = company.split()[0] if company.split() else ""
    whose = r"(?:\bits|\bour|\bthe group's|\bthe company's|\b" + re.escape(own) + r"'s)"
    made = r"(?:own|in-house|homegrown|proprietary)"
    owned = {_base(name) for name in [
        *re.findall(whose + r"\s+(?:" + made + r"\s+|new\s+)?([A-Z][\w\-]*)", whole),
        *re.findall(r"\b" + made + r"\s+([A-Z][\w\-]*)", whole),  # "the in-house Lingxi-1"
        *re.findall(r"\b(?:called|named|branded)\s+([A-Z][\w\-]*)", whole),  # "called Xiaogong"
        # "Nanling Chronicles, Zhuque's fantasy MMORPG"
        *re.findall(r"\b([A-Z][\w\-]*)(?:[ \t]+[A-Z][\w\-]*)*,[ \t]+" + whose, whole),
        # "runs the Xunzhi job-matching app and the Gongyou app for factory workers": a coined
        # name of one word (not "China Telecom", a customer)
        *(name for sentence in _SENTENCE.split(summary) if not _COMPARING.search(sentence)
          for name in (m.group(1) for m in _NAME.finditer(sentence))
          if " " not in name and name.lower() not in dictionary),
        *_openings(own_case, dictionary)]}
    # a source is cited "per X", "according to X" or "based on X consensus"; "share from
    # Meituan" names a rival
    cited = {acronym or name for name, acronym in re.findall(  # "…Car Association (CPCA,"
        r"\b(?:per|according to|source:|data from|based on)\s+(?:the\s+)?([A-Z][\w&.\-]*)"
        r"(?:[ \t]+[A-Z][\w&.\-]*)*(?:\s+\(([A-Z]{2,6})\b)?", whole)}
    # "in Ulanqab (Inner Mongolia) and Qingyang (Gansu)": a place beside its province, where
    # the text also speaks of something "in" it; "ByteDance (Doubao)" is a company and its app
    inside = {name for listed in re.findall(  # "in Ulanqab, Zhongwei and Qingyang"
        r"\bin\s+((?:[A-Z][\w\-]*(?:\s*,\s*|\s+and\s+))*[A-Z][\w\-]*)", whole)
        for name in re.split(r"\s*,\s*|\s+and\s+", listed)}
    places = {place for near, far in re.findall(
        r"\b([A-Z][\w\-]*)\s+\(([A-Z][a-z]+)(?:\s+[A-Z][a-z]+)*\)", whole)
        for place in (near, far) if near in inside}
    places |= {w for p in _PROVINCES for w in p.split()} | set(re.findall(  # "Gui'an, Guizhou"
        rf"\b({_WORD}),\s+(?:{'|'.join(_PROVINCES)})\b", whole))
    defined = set(re.findall(r"\(([A-Z]{2,6})s?\)", whole))  # "atomic layer deposition (ALD)"
    # "under NEA rules", "NDRC and NEA pilots": a regulator, no rival
    defined |= {name for listed in re.findall(
        r"\b((?:[A-Z]{2,6}(?:\s+and\s+|,\s+))*[A-Z]{2,6})\s+(?:rules|regulations|guidelines|"
        r"pilots?|approvals?|filings?|reviews?|document|notices?)\b", whole)
        for name in re.split(r"\s+and\s+|,\s+", listed)}

    def acronym(word: str) -> bool:
        """Capitals that are no company's name ("GPUs", "CDMOs": no company is a plural); "PDD",
        "ABB", "FANUC" are."""
        if re.fullmatch(r"[A-Z]{2,}s", word) or word in _MONTHS:
            return True
        return word.isupper() and (word in _CODES or word in defined or not word.isalpha()
                                   or word.lower() in dictionary
                                   or word.lower() in _trade_words())

    found: list[str] = []
    for text in texts:
        for line in text.splitlines():
            if len(line.split()) < _PROSE:
                continue
            for sentence in _SENTENCE.split(line):
                if not _COMPARING.search(sentence):
                    continue
                for match in _NAME.finditer(sentence):
                    name = match.group(1).strip(".")
                    words = name.split()
                    if match.start() == 0 or _base(words[0]) in owned or words[0] in cited \
                            or words[0] in places or name.upper() in _CODES \
                            or words[0].lower().startswith(own.lower()[:5]):
                        continue
                    parts = [p.lower() for w in words for p in w.split("-")]
                    if all(p in dictionary for p in parts) or any(acronym(w) for w in words) \
                            or re.search(r"-[a-z]+\b", name) \
                            or re.search(r"[a-z][A-Z]", name) and len(name) <= 4:
                        continue
                    found.append(name)
    return list(dict.fromkeys(found))


def headquarters(texts: Iterable[str], company: str) -> str | None:
    """The city a sentence about the company itself says it is based in ("Qilin Shuyun is a
    Shenzhen-based technology company", "… headquartered in Hangzhou"), proposed as the draft's
    `headquarters`: a sentence opening with the company's first word, since "Dubai-based Gulf
    Horizon Motors" is where a customer is."""
    if not company.split():
        return None
    own = company.split()[0]
    for sentence in (s for text in texts for s in _SENTENCE.split(text)):
        if sentence.lstrip().startswith(own) and (found := _HOME.search(sentence)) is not None:
            return found.group(1) or found.group(2)
    return None
