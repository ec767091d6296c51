"""A write-up's lines, read into the house layout's sections.

The layout: a title, a one-line summary, "Updated: <date>", a sector; then "Bull Case" and
"Bear Case" (a title and a one-liner per point), "Why Invest?" and "Key Risks" (a title and a
paragraph per point), and "Catalysts" under "Near term", "Medium term" and "Long term" headings
("Title: text", bullets or a title and paragraph). Plain text as exported from the house
template, or Markdown (`## Bull case`, `- **Title**: text`), with the usual variations in
heading words and case. Lines the reader cannot place are kept as notes with their number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

MAX_BYTES = 1_000_000  # a write-up is ~10 kB; anything this big is not one


class ImportError_(Exception):
    """A write-up that cannot become a draft: `line` is where, the message says what to do."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Item:
    """A titled text of a section: a point's one-liner or paragraph, or a catalyst."""

    title: str
    text: str
    line: int
    horizon: str | None = None


@dataclass
class WriteUp:
    title: str = ""
    title_line: int = 1
    summary: str = ""
    summary_line: int = 1
    updated: dt.date | None = None
    updated_line: int = 1
    sector: str | None = None
    company_hint: str | None = None
    ticker_hint: str | None = None
    sections: dict[str, list[Item]] = field(default_factory=dict)
    section_lines: dict[str, int] = field(default_factory=dict)
    notes: list[tuple[int, str]] = field(default_factory=list)


# Heading words, normalised (lower case, no markup, no trailing punctuation).
SECTION_NAMES = {
    "bull": ("bull case", "the bull case", "bull", "bull points", "bull thesis"),
    "bear": ("bear case", "the bear case", "bear", "bear points", "bear thesis"),
    "why": ("why invest", "why we invest", "why own it", "why buy", "why buy it",
            "reasons to invest", "why invest now", "investment case"),
    "catalysts": ("catalysts", "key catalysts", "upcoming catalysts", "catalyst"),
    "risks": ("key risks", "risks", "main risks", "risk factors", "the risks", "major risks"),
}
SECTION_TITLES = {"bull": "Bull Case", "bear": "Bear Case", "why": "Why Invest?",
                  "catalysts": "Catalysts", "risks": "Key Risks"}
# Headings that only group others ("Bull & Bear Case", "Investment Thesis"): layout, not text.
CONTAINERS = ("bull & bear case", "bull and bear case", "bull/bear case", "bull & bear",
              "investment thesis", "the investment thesis", "thesis")
HORIZONS = {"near": ("near term", "near-term", "short term", "short-term", "near"),
            "medium": ("medium term", "medium-term", "mid term", "mid-term", "medium"),
            "long": ("long term", "long-term", "long")}

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•·▪◦‣]|\d{1,2}[.)])\s+")
_UPDATED = re.compile(r"^(?:last\s+)?updated(?:\s+on)?\s*[:\-–—]?\s*(?P<date>.+)$", re.I)
_LABEL = re.compile(r"^(?P<key>sector|industry|ticker|company)\s*[:\-–—]\s*(?P<value>.+)$", re.I)
_EXCHANGE = re.compile(r"\((?:NYSE|NASDAQ|Nasdaq|HKEX|LSE|TSX|ASX|NYSEARCA|AMEX)\s*:\s*"
                       r"(?P<ticker>[A-Z0-9.\-]{1,10})\)")
_TERMINAL = re.compile(r"[.!?…]['\"”’)]*$")
_TITLE_SEP = re.compile(r"^(?P<title>[^:.!?]{2,90}?)\s*(?::|\s[—–-]\s)\s*(?P<text>\S.*)$")
_BOLD_TITLE = re.compile(r"^(?:\*\*|__)(?P<title>.+?)(?:\*\*|__)\s*[:.—–-]?\s*(?P<text>.*)$")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ",
                         "\u2009": " ", "\u202f": " "})


def plain(text: str) -> str:
    """One line of text as a thesis keeps it: typographic quotes as typed ones, Markdown
    emphasis and links unwrapped, spaces collapsed."""
    text = text.translate(_QUOTES)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # [label](url)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)", r"\1", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return " ".join(text.split())


def heading_key(text: str) -> str:
    text = plain(text).lower().strip()
    text = re.sub(r"\s*\([^)]*\)$", "", text)  # "Near term (0-12 months)"
    return text.rstrip(":?!. ").strip()


def decode(data: bytes, name: str) -> str:
    """The write-up's text, or ImportError_ saying why it is not one."""
    if data[:4] == b"%PDF":
        raise ImportError_(1, f"{name} is a PDF; thesis import reads plain text or Markdown: "
                              "export or copy the write-up as .txt or .md")
    if data[:2] == b"PK" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportError_(1, f"{name} is a Word (or other office) document; thesis import "
                              "reads plain text or Markdown: save it as .txt or .md")
    if len(data) > MAX_BYTES:
        raise ImportError_(1, f"{name} is more than {MAX_BYTES:,} bytes; a write-up is a few "
                              "pages: import the write-up alone")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportError_(line, f"byte 0x{data[exc.start]:02x} is not UTF-8 text; save the "
                                 "write-up as UTF-8 and import it again") from None
    if "\x00" in text:
        raise ImportError_(text[:text.index("\x00")].count("\n") + 1,
                           f"{name} holds binary data (NUL bytes), not a write-up")
    if not text.strip():
        raise ImportError_(1, f"{name} is empty: nothing to import")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class _Line:
    number: int
    raw: str
    text: str          # plain, without heading or bullet markup
    heading: int = 0   # Markdown heading level, 0 if none
    bullet: bool = False


def _lines(text: str) -> list[_Line]:
    out = []
    for number, raw in enumerate(text.split("\n"), start=1):
        heading = _MD_HEADING.match(raw)
        bullet = _BULLET.match(raw)
        if heading:
            out.append(_Line(number, raw, plain(heading.group(2)), len(heading.group(1))))
        elif bullet:
            out.append(_Line(number, raw, plain(raw[bullet.end():]), bullet=True))
        elif re.fullmatch(r"\s*([-*_=])\1{2,}\s*", raw):  # a rule or setext underline
            out.append(_Line(number, raw, ""))
        else:
            out.append(_Line(number, raw, plain(raw.strip().lstrip(">").strip())))
    return out


def _section_of(line: _Line) -> str | None:
    key = heading_key(line.text)
    if not key or len(key) > 40 or (line.bullet and not line.heading):
        return None
    for name, words in SECTION_NAMES.items():
        if key in words:
            return name
    if key in CONTAINERS:
        return "container"
    return None


def _horizon_of(line: _Line) -> str | None:
    if line.bullet and not line.heading:
        return None
    return _horizon_named(line.text)


def _horizon_named(text: str) -> str | None:
    """The horizon a heading names: "Near term", "Near-term catalysts", "Long term (3+ yrs)"."""
    key = re.sub(r"\s+catalysts?$", "", heading_key(text))
    return next((name for name, words in HORIZONS.items() if key in words), None)


def _parse_date(text: str) -> dt.date | None:
    text = plain(text).strip().rstrip(".")
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for form in ("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y",
                 "%Y-%m-%d", "%b. %d, %Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Paragraphs: runs of non-blank lines; a heading or a bullet starts a block of its own."""
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if not line.text:
            if current:
                blocks.append(current)
            current = []
            continue
        if (line.heading or line.bullet) and current:
            blocks.append(current)
            current = []
        current.append(line)
        if line.heading:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_title(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 14 and len(text) <= 100 and not _TERMINAL.search(text) \
        and text[:1].isupper() or (text.endswith("?") and len(words) <= 10)


def _split_titled(text: str) -> tuple[str, str] | None:
    """"Share Buybacks: Alibaba has …" / "**Share buybacks** — …" → (title, text)."""
    bold = _BOLD_TITLE.match(text)
    if bold and bold["text"]:
        return plain(bold["title"]).rstrip(":.—– -"), plain(bold["text"])
    found = _TITLE_SEP.match(plain(text))
    if found and len(found["title"].split()) <= 10 and found["title"][:1].isupper():
        return found["title"].strip(), found["text"].strip()
    return None


def _items(blocks: list[list[_Line]], section: str, notes: list[tuple[int, str]],
           horizon: str | None = None) -> list[Item]:
    """The titled texts of a section's blocks. A first paragraph before any title is the
    section's introduction (a note); a later untitled paragraph continues the item above."""
    items: list[Item] = []
    pending: tuple[str, int] | None = None
    for index, block in enumerate(blocks):
        first = block[0]
        bullet = _BULLET.match(first.raw)
        raw_first = (first.raw[bullet.end():] if bullet else first.raw).strip()
        text = " ".join(line.text for line in block)
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        titled = None if first.heading else _split_titled(
            " ".join([raw_first, *(line.text for line in block[1:])]))
        if first.heading or (len(block) == 1 and _is_title(text) and following is not None
                             and not following[0].heading and not titled):
            if pending:
                notes.append((pending[1], f"{pending[0]} (a title with no text under it)"))
            pending = (text, first.number)
            continue
        if len(block) > 1 and _is_title(first.text) and len(first.text.split()) <= 10 \
                and not first.bullet and not titled:
            # A title line directly above its paragraph, with no blank line between.
            if pending:
                notes.append((pending[1], f"{pending[0]} (a title with no text under it)"))
            items.append(Item(first.text, " ".join(line.text for line in block[1:]),
                              first.number, horizon))
            pending = None
            continue
        if pending:
            items.append(Item(pending[0], text, pending[1], horizon))
            pending = None
            continue
        if titled and (first.bullet or section == "catalysts" or _is_title(titled[0])):
            items.append(Item(titled[0], titled[1], first.number, horizon))
            continue
        if items and not first.bullet and items[-1].line < first.number:
            items[-1].text += "\n\n" + text  # a second paragraph of the item above
            continue
        notes.append((first.number, text))
    if pending:
        notes.append((pending[1], f"{pending[0]} (a title with no text under it)"))
    return items


def read_layout(text: str, name: str) -> WriteUp:
    """The write-up's sections; ImportError_ when a section is given twice."""
    lines = _lines(text)
    writeup = WriteUp()
    starts: list[tuple[int, str, _Line]] = []
    for index, line in enumerate(lines):
        kind = _section_of(line)
        if kind:
            starts.append((index, kind, line))
    seen: dict[str, int] = {}
    for _, kind, line in starts:
        if kind == "container":
            continue
        if kind in seen:
            raise ImportError_(line.number, f"a second {SECTION_TITLES[kind]!r} heading (the "
                                            f"first is on line {seen[kind]}); merge the two "
                                            "into one section")
        seen[kind] = line.number
    writeup.section_lines = {k: v for k, v in seen.items()}
    header_end = starts[0][0] if starts else len(lines)
    _read_header(lines[:header_end], writeup)
    bounds = [*starts, (len(lines), "end", None)]
    for (start, kind, _heading), (end, _, _) in zip(bounds, bounds[1:], strict=False):
        body = lines[start + 1:end]
        if kind == "container":
            for block in _blocks(body):
                writeup.notes.append((block[0].number, " ".join(x.text for x in block)))
            continue
        if kind == "catalysts":
            writeup.sections[kind] = _catalysts(body, writeup.notes)
        else:
            writeup.sections[kind] = _items(_blocks(body), kind, writeup.notes)
    return writeup


def _catalysts(body: list[_Line], notes: list[tuple[int, str]]) -> list[Item]:
    items: list[Item] = []
    horizon: str | None = None
    run: list[_Line] = []

    def flush() -> None:
        if run:
            found = _items(_blocks(run), "catalysts", notes, horizon)
            items.extend(_own_horizon(item) for item in found)
        run.clear()

    for line in body:
        found = _horizon_of(line) if line.text else None
        if found:
            flush()
            horizon = found
            continue
        run.append(line)
    flush()
    return items


_HORIZON_PREFIX = re.compile(r"^(?P<horizon>[^:—–]{3,40}?)\s*[:—–]\s*(?P<title>\S.*)$")


def _own_horizon(item: Item) -> Item:
    """A catalyst whose title says its horizon ("Near term: G4 glasses (March 2027)", "Long-term
    catalyst — overseas growth") is of that horizon, whatever heading it stands under, and its
    title is the rest."""
    found = _HORIZON_PREFIX.match(item.title)
    horizon = _horizon_named(found["horizon"]) if found else None
    if found is None or horizon is None:
        return item
    return dataclasses.replace(item, title=found["title"].strip(), horizon=horizon)


def _read_header(lines: list[_Line], writeup: WriteUp) -> None:
    for line in lines:
        text, number = line.text, line.number
        if not text:
            continue
        label = _LABEL.match(text)
        updated = _UPDATED.match(text)
        exchange = _EXCHANGE.search(text)
        if exchange and not writeup.ticker_hint:
            writeup.ticker_hint = exchange["ticker"]
        if updated and writeup.updated is None:
            writeup.updated_line = number
            writeup.updated = _parse_date(updated["date"])
            if writeup.updated is None:
                raise ImportError_(number, f"cannot read the Updated date {updated['date']!r}; "
                                           "write it with its day, e.g. Updated: Nov 27, 2025")
            continue
        if label:
            key, value = label["key"].lower(), label["value"].strip()
            if key in ("sector", "industry") and not writeup.sector:
                writeup.sector = value
            elif key == "ticker":
                writeup.ticker_hint = value.upper()
            elif key == "company":
                writeup.company_hint = value
            continue
        if text.lower().endswith(" logo") and not writeup.title:
            writeup.company_hint = writeup.company_hint or text[:-5].strip()
            writeup.notes.append((number, text))
            continue
        if not writeup.title:
            writeup.title, writeup.title_line = text, number
            continue
        if not writeup.summary and _TERMINAL.search(text) and len(text.split()) > 3:
            writeup.summary, writeup.summary_line = text, number
            continue
        if (writeup.updated is not None and not writeup.sector and number
                and len(text.split()) <= 4 and text[:1].isupper()
                and not _TERMINAL.search(text) and writeup.updated_line < number):
            writeup.sector = text
            continue
        writeup.notes.append((number, text))
