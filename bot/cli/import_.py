"""`thesis import FILE [-o OUT.yaml] [--ticker T] [--check]`: a write-up becomes a draft thesis.

Reads the write-up (plain text or Markdown in the house layout), builds the draft, validates
it, and writes it only when it is valid; `--check` prints what was found and writes nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot import errors
from bot.cli import messages
from bot.importer.draft import Draft, build, to_yaml
from bot.importer.layout import MAX_BYTES, ImportError_, decode, read_layout
from bot.knowledge import units

if TYPE_CHECKING:
    from bot.knowledge.models import Vocabulary

TICKER = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,9}$")


def _read(path: Path) -> bytes:
    name = str(path)
    if path.suffix.lower() in (".docx", ".doc", ".pdf", ".odt", ".rtf", ".pages"):
        raise errors.UserError(messages.import_not_text(name, path.suffix.lower()))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise errors.UserError(messages.import_missing(name)) from None
    except OSError as exc:
        raise errors.UserError(messages.import_unreadable(name, exc.strerror or "")) from None
    if not stat.S_ISREG(info.st_mode):
        raise errors.UserError(messages.import_unreadable(name, "not a regular file"))
    if info.st_size > MAX_BYTES:
        raise errors.UserError(messages.import_too_large(name, info.st_size, MAX_BYTES))
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise errors.UserError(messages.import_unreadable(name, exc.strerror or "")) from None


def _ticker(args: argparse.Namespace, hint: str | None, check: bool) -> str:
    given = args.ticker or hint
    if given is None and check:
        return "DRAFT"
    if given is None:
        print(messages.IMPORT_ASK_TICKER, end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline() if sys.stdin else ""
        given = answer.strip()
        if not given:
            raise errors.UserError(messages.IMPORT_NEEDS_TICKER)
    ticker = given.strip().upper()
    if not TICKER.match(ticker):
        raise errors.UserError(messages.bad_ticker(given))
    return ticker


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    name = str(path)
    try:
        text = decode(_read(path), name)
        writeup = read_layout(text, name)
        ticker = _ticker(args, writeup.ticker_hint, args.check)
        draft = build(writeup, ticker, name, _vocabulary())
    except ImportError_ as exc:
        raise errors.UserError(f"{name}:{exc.line}: {exc}") from None
    out = args.output or (args.knowledge or _knowledge_dir()) / f"{ticker.lower()}.yaml"
    if args.check:
        _print_found(draft, name)
        for line, problem in draft.problems:
            print(f"{name}:{line}: {problem}")
        refusal = None if draft.problems else _refusal(to_yaml(draft, path.name), str(out))
        if refusal:
            print(refusal)
        count = len(draft.problems) + (refusal is not None)
        print(messages.import_checked(count))
        return 1 if count else 0
    if draft.problems or draft.thesis is None:
        for line, problem in draft.problems:
            print(f"{name}:{line}: {problem}", file=sys.stderr)
        raise errors.UserError(messages.import_invalid(len(draft.problems)))
    if out.exists() and not args.force:
        raise errors.UserError(messages.import_would_overwrite(str(out)))
    if not out.parent.is_dir():
        raise errors.UserError(messages.import_no_folder(str(out.parent)))
    text = to_yaml(draft, path.name)
    refusal = _refusal(text, str(out))
    if refusal:
        raise errors.UserError(refusal)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise errors.UserError(messages.import_unreadable(str(out), exc.strerror or "")) \
            from None
    print(messages.import_written(str(out), _counts(draft)))
    return 0


def _refusal(text: str, out: str) -> str | None:
    """Why the bot would refuse the draft's YAML as `out` (too large, say), in one line: a
    draft is written only if the loader will read it."""
    from bot.knowledge.loader import thesis_text_problems

    problems = thesis_text_problems(text, out)
    if not problems:
        return None
    return messages.import_would_not_load(out, problems[0].field, problems[0].message)


def _vocabulary() -> Vocabulary | None:
    """The configured intents folder's ordinary words (THESIS_INTENTS_DIR), as the bot reads
    them; a vocabulary that does not load is left out (`thesis validate` reports it)."""
    from bot.knowledge.loader import load_vocabulary
    from bot.settings import Settings

    vocabulary, _ = load_vocabulary(Settings().intents_dir)
    return vocabulary


def _knowledge_dir() -> Path:
    from bot.settings import Settings

    return Settings().knowledge_dir


def _counts(draft: Draft) -> str:
    data = draft.data
    return (f"{len(data['bull'])} bull, {len(data['bear'])} bear, "
            f"{len(data['catalysts'])} catalysts, {len(data['figures'])} figures to review, "
            f"{len(data.get('notes', []))} notes")


def _print_found(draft: Draft, name: str) -> None:
    data = draft.data
    print(f"{name}: {data['ticker']} · {data['company']} · updated {data['updated']}"
          + (f" · {data['sector']}" if data.get("sector") else ""))
    print(f"  {data['title']}")
    print(f"  {data['summary']}")
    for section in ("bull", "bear"):
        print(f"{section} ({len(data[section])}):")
        for point in data[section]:
            print(f"  {point['id']}: {point['title']}  "
                  f"[{len(point['figures'])} figures, line {draft.point_lines[point['id']]}]")
    print(f"catalysts ({len(data['catalysts'])}):")
    for catalyst in data["catalysts"]:
        extra = []
        timing = catalyst.get("timing")
        if timing:
            extra.append(f"when: {timing['when'] if isinstance(timing, dict) else timing}")
        if catalyst.get("condition"):
            extra.append(f"condition: {catalyst['condition']}")
        if catalyst.get("watch"):
            extra.append(f"watch: {catalyst['watch']}")
        print(f"  {catalyst['horizon']:<6} {catalyst['id']}: {catalyst['title']}"
              + (f"  ({'; '.join(extra)})" if extra else ""))
    print(f"figures ({len(data['figures'])}, each marked for review):")
    for figure in data["figures"]:
        shown = units.display(figure["value"], figure["unit"])
        words = [figure.get("qualifier"), shown]
        line = " ".join(w for w in words if w)
        detail = f"{figure['subject']}, {figure['measure']}"
        if figure.get("period"):
            detail += f" ({figure['period']})"
        if figure.get("comparison"):
            detail += f"; {figure['comparison']}"
        if figure.get("source"):
            detail += f" [source: {figure['source']}]"
        print(f"  {line}: {detail}  (line {draft.figure_lines[figure['id']]})")
    notes = data.get("notes", [])
    print(f"notes ({len(notes)}):")
    for note in notes:
        print(f"  {note}")
