"""Which thesis a question is about: tickers, exchange codes, aliases and names in any script;
and, when none, whether it names a company we do not cover ("TSLA", "tesla's", "tencent bull")."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from bot.engine import thresholds as th
from bot.engine.classify import IntentValue
from bot.engine.english import dictionary_words
from bot.engine.reading import Reading
from bot.engine.vocabulary import Hit, PhraseTable, non_overlapping, term_key, term_words
from bot.knowledge.models import Thesis
from bot.knowledge.units import CURRENCY_CODES

_DOMAIN_LIKE = re.compile(r"[a-z0-9]+\.[a-z]{1,4}")  # jd.com, 0700.hk
# "the short-video name", "the tutoring stock", "the swap operator", "the robot-vacuum maker":
# what a desk calls a company by its business
_DESCRIBED = frozenset(w for word in ("name", "stock", "play", "company", "player", "maker",
                                      "operator") for w in term_key(word))
_ASKING_FOR_A_VIEW = ({"thesis", "view", "take", "overview", "opinion", "summary"},
                      {"on", "of", "for", "about"})  # "our thesis on X", "your view of X"


def spoken_names(thesis: Thesis) -> list[str]:
    """Everything a question may call the thesis by: its names, and the company's name as
    people shorten it: a leading part of two words or more ("Kestrel Grid" of "Kestrel Grid
    Systems"), or a leading word no dictionary has ("Ruyun" of "Ruyun Digital Media Group";
    never "China" of "China Merchants Bank")."""
    parts = thesis.company.split()
    shortened = [" ".join(parts[:k]) for k in range(2, len(parts))]
    lead = parts[0].strip(".,").lower() if parts else ""
    if len(parts) > 1 and len(lead) >= 3 and lead.isalpha() and lead not in dictionary_words():
        shortened.append(parts[0].strip(".,"))
    return list(dict.fromkeys([*thesis.names(), *shortened]))


class Names:
    """Every name of every thesis, and the companies the theses mention but do not cover."""

    def __init__(self, theses: Iterable[Thesis], common: set[str],
                 intents: PhraseTable[IntentValue],
                 acronyms: AbstractSet[str] = frozenset()) -> None:
        theses = list(theses)
        self._common = common
        self._intents = intents
        self._acronyms = acronyms | CURRENCY_CODES  # "CNY", "HKD": a currency, not a ticker
        self._aliases: PhraseTable[str] = PhraseTable()
        self._single: dict[str, str] = {}
        self._script: list[tuple[str, str]] = []
        self._others: PhraseTable[str] = PhraseTable()  # companies mentioned, not covered
        # each thesis's own businesses it does not cover (Taobao of Alibaba): ticker, name
        self._businesses: PhraseTable[tuple[str, str]] = PhraseTable()
        self._exchanges: set[str] = set()  # the exchange codes of the aliases: nyse, hkex, hk
        self._company_words = {thesis.ticker: [w.lower() for w in thesis.company.split()]
                               for thesis in theses}
        # the ordinary words of its summary, no name of a place or a product ("the short-video
        # name" is the thesis whose summary alone says short video), and its head office's city
        # ("the Hangzhou name")
        self._described = {thesis.ticker: set(term_key(" ".join(
            [w for w in thesis.summary.split() if not w[:1].isupper()]
            + [thesis.headquarters or ""]))) for thesis in theses}
        self.words: set[str] = set()
        self.rival_words: set[str] = set()  # the words of the companies the theses mention
        for thesis in theses:
            for alias in spoken_names(thesis):
                key = term_key(alias)
                # A name of several words only as written: "alibaba ai cloud" is Alibaba,
                # not a gapped "Alibaba Cloud" that would hide "alibaba".
                self._aliases.add(key, thesis.ticker, gaps=False)
                if len(key) == 1:
                    self._single.setdefault(key[0], thesis.ticker)
                if not alias.isascii():
                    self._script.append((unicodedata.normalize("NFKC", alias), thesis.ticker))
                if (parts := re.split(r"[.:/]", alias.lower())) and len(parts) == 2:
                    # NYSE:BABA, 9988.HK: the exchange beside the symbol, however typed
                    self._exchanges.update(w for p in parts if p.isalpha() and len(p) <= 6
                                           for w in term_key(p))
                self.words.update(w for w in term_words(alias) if w.isalpha())
            for name in thesis.other_companies:
                self._others.add(term_key(name), name, gaps=False)
                self.rival_words.update(term_key(name))
            for name in thesis.businesses:
                self._businesses.add(term_key(name), (thesis.ticker, name), gaps=False)
                self.words.update(w for w in term_words(name) if w.isalpha())
        self._script.sort(key=lambda pair: -len(pair[0]))
        self._single_of: dict[str, set[str]] = defaultdict(set)
        for word, ticker in self._single.items():
            self._single_of[ticker].add(word)

    @staticmethod
    def name_words(thesis: Thesis) -> set[str]:
        """The one-word names of a thesis ("alibaba", "baba"): naming it is not evidence
        for any of its points."""
        return {key[0] for alias in spoken_names(thesis) if len(key := term_key(alias)) == 1}

    def single_words(self, ticker: str) -> set[str]:
        return set(self._single_of.get(ticker, ()))

    def resolve(self, text: str, reading: Reading) -> tuple[list[str], set[int]]:
        """Tickers the question names, in order, and the positions of the words naming them."""
        found: list[str] = []
        positions: set[int] = set()

        def note(ticker: str) -> None:
            if ticker not in found:
                found.append(ticker)

        for hit in self._naming_hits(reading):
            positions.update(hit.positions)
            note(hit.value)
        for i, stem in enumerate(reading.stems):
            # NYSE:BABA, BABA.N, 9988.hk: a known name on either side of the separator.
            for part in re.split(r"[.:/]", stem) if re.search(r"[.:/]", stem) else ():
                if part in self._single:
                    positions.add(i)
                    note(self._single[part])
        for i in sorted(positions):  # "Junlan Micro" of Junlan Microsystems: the name, cut short
            word = reading.token_at(i + 1).text if i + 1 < len(reading.stems) else ""
            if len(word) >= 3 and i + 1 not in positions and any(
                    later.startswith(word) for ticker in found
                    for later in self._company_words[ticker][1:]):
                positions.add(i + 1)
        for i in sorted(positions):  # "NYSE BABA", "9988 HK": the exchange names it too
            for j in (i - 1, i + 1):
                if 0 <= j < len(reading.stems) and reading.stems[j] in self._exchanges:
                    positions.add(j)
        if not found:
            for fits, at in self._described_as(reading):
                if len(fits) == 1:
                    positions.update(at)
                    note(fits[0])
        if self._script:
            normal = unicodedata.normalize("NFKC", text)
            for alias, ticker in self._script:
                if alias in normal:
                    note(ticker)
        return found, positions

    def naming(self, reading: Reading, ticker: str) -> set[int]:
        """The positions of the words that name this thesis by one of its names."""
        return {p for hit in self._naming_hits(reading) if hit.value == ticker
                for p in hit.positions}

    def _naming_hits(self, reading: Reading) -> list[Hit[str]]:
        return [hit for hit in non_overlapping(self._aliases.hits(reading.stems, reading.quality))
                if not hit.gapped and hit.quality >= th.NAME_TYPO]

    def businesses(self, reading: Reading) -> list[tuple[str, str, set[int]]]:
        """The businesses of a thesis the question names ("taobao"): ticker, name, positions."""
        return [(*hit.value, set(hit.positions))
                for hit in non_overlapping(self._businesses.hits(reading.stems, reading.quality))
                if not hit.gapped and hit.quality >= th.NAME_TYPO]

    def _described_as(self, reading: Reading) -> list[tuple[list[str], range]]:
        """Theses named by what they do: "the short-video name", "the tutoring stock" (one or
        two words, none of them ordinary, between "the" and "name", "stock", "maker" …), when the
        summary of one thesis alone says them all, in words of its own; or by the city of its
        head office ("the Hangzhou name"), not by any place its text names (that is not the
        drug maker with a plant there)."""
        stems = reading.stems
        found = []
        for end, word in enumerate(stems):
            if word not in _DESCRIBED:
                continue
            for start in (end - 2, end - 3):
                if start < 0 or reading.token_at(start).text != "the":
                    continue
                words = stems[start + 1:end]
                if all(w in self._common for w in words) or not all(map(str.isalpha, words)):
                    continue  # "the big name"; not "the short-video name"
                fits = [t for t, said in self._described.items() if set(words) <= said]
                if fits:
                    found.append((fits, range(start + 1, end + 1)))
        return found

    def described_among(self, reading: Reading) -> set[str]:
        """The theses a company called by what it does could be, when that fits several ("the
        short-video name": Luoxing and Ruyun both run short-video apps)."""
        return {t for fits, _ in self._described_as(reading) if len(fits) > 1 for t in fits}

    def _other_companies(self, reading: Reading) -> dict[int, tuple[int, str]]:
        """The companies the theses mention but do not cover that the question names
        ("Tencent", "Eli Lilly"): the position of the name's last word -> (of its first, the
        name as typed)."""
        found: dict[int, tuple[int, str]] = {}
        for hit in non_overlapping(self._others.hits(reading.stems, reading.quality)):
            if not hit.gapped and hit.quality >= th.NAME_TYPO:
                at = sorted(hit.positions)
                found[at[-1]] = (at[0], " ".join(dict.fromkeys(reading.token_at(i).original
                                                                for i in at)))
        return found

    def unknown_subject(self, reading: Reading, intent_starts: set[int],
                        asks: bool, asks_case: bool = False,
                        anchors: AbstractSet[str] = frozenset(),
                        trade: AbstractSet[int] = frozenset()) -> str | None:
        """A word that looks like the name of a company we do not cover.

        Strong signs: a cashtag, a ticker in capitals, a name right before an intent phrase
        ("tesla bull case"), a capitalised possessive ("is Costco's fee hike priced in?").
        Weaker signs (a possessive in lower case, "about X" at the end) count only in a
        question that `asks` for a card. A company the thesis names but does not cover is
        the subject when a case is asked "for"/"on" it (`asks_case`: "the long case for
        Tencent"), not when it is a source of risk ("risks from Tencent"). A question using
        one of the `anchors` (names a thesis uses, such as "sorelintide" or "Qwen", other than
        the companies it does not cover) names another company only with a cashtag or a
        ticker: "sorelintide combo data" is not about a company called Combo. A word at one of
        the `trade` positions is the trade's ("macro tailwind"), not a company's name, unless
        typed in capitals like a ticker (IPO, ADR, EPS: a question using such a word is too
        often about something the book does not hold)."""
        last_content = max((i for i, s in enumerate(reading.stems) if s not in self._common),
                           default=-1)
        others = self._other_companies(reading)
        in_others = {i for end, (first, _) in others.items() for i in range(first, end + 1)}
        anchored_at = {i for i, stem in enumerate(reading.stems)
                       if stem in anchors and i not in in_others}
        for i, stem in enumerate(reading.stems):
            token = reading.token_at(i)
            if token.text in self._common or (stem,) in self._intents or token.text.isdigit() \
                    or i in trade and not token.original.isupper():
                continue
            if not (token.text.isalpha() or _DOMAIN_LIKE.fullmatch(token.text)):
                continue
            # Two capitals are mostly acronyms (IC, PM, EV); a ticker that short needs a "$".
            # An acronym the book itself uses (ITC, BESS, SAMR) is not a ticker.
            ticker_like = token.original.isupper() and 3 <= len(token.text) <= 5 \
                and token.text not in self._acronyms and stem not in self._acronyms
            if anchored_at - {i} and not (token.cashtag or ticker_like):
                continue
            first, other = others.get(i, (i, None))
            before_intent = (i + 1) in intent_starts or (
                first >= 2 and reading.stems[first - 2] in _ASKING_FOR_A_VIEW[0]
                and reading.stems[first - 1] in _ASKING_FOR_A_VIEW[1]
            ) or (asks_case and other is not None and first >= 1
                  and reading.stems[first - 1] in _ASKING_FOR_A_VIEW[1]) or (
                other is not None and i + 1 < len(reading.stems)
                and reading.stems[i + 1] in _ASKING_FOR_A_VIEW[0] | {"case", "investment"}
            )
            named_elsewhere = token.possessive or ticker_like or other is not None
            if reading.known[i] and not (before_intent and named_elsewhere):
                continue
            upper = token.original[:1].isupper()
            capitalised = upper and i > 0
            if token.cashtag or ticker_like or before_intent or token.possessive and upper \
                    or (asks and (
                token.possessive
                or (token.after_preposition and (capitalised or i == last_content))
            )):
                return token.original.upper() if token.cashtag or ticker_like else \
                    other or token.original
        return None
