"""`thesis ask`: one question, or one per line from standard input, answered by the engine."""

from __future__ import annotations

import argparse
import gc
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from bot import errors
from bot.book.cache import load_engine as load_cached
from bot.cli import messages
from bot.engine.answer import Answer
from bot.engine.matcher import Engine
from bot.knowledge.loader import KnowledgeDirError
from bot.render import messages as render_messages
from bot.render.text import render_text
from bot.settings import Settings


def load_engine(knowledge: Path | None, cached: bool = False) -> tuple[Engine, Settings]:
    """The engine over `knowledge` (or the configured folder); broken files are reported on
    stderr and skipped, a missing folder is a one-line error (exit 2).

    `cached` suits short-lived commands; a long-running server builds its own engine, so no
    other process's cache housekeeping can pull files from under it."""
    settings = Settings()
    folder = knowledge or settings.knowledge_dir
    try:
        engine = load_cached(folder, settings.intents_dir, settings.cache_dir if cached else None)
    except KnowledgeDirError as exc:
        raise errors.knowledge_dir_unreadable(str(exc)) from None
    for problem in engine.problems:
        print(errors.cli_skipped_thesis(str(problem)), file=sys.stderr)
    return engine, settings


def as_json(answer: Answer, text: str, ascii_only: bool = False) -> str:
    return json.dumps(
        {
            "question": answer.question,
            "thesis": answer.ticker,
            "card": answer.card,
            "point": answer.point,
            "confidence": answer.confidence,
            "alternatives": [{"thesis": a.thesis, "card": a.card, "point": a.point,
                              "label": render_messages.alternative_label(a)}
                             for a in answer.alternatives],
            "theses": [m.thesis.ticker for m in answer.matches],
            "text": text,
        },
        ensure_ascii=ascii_only,  # \u escapes keep JSON exact on a non-UTF terminal
    )


def stdin_questions() -> Iterator[str]:
    """One question per line of standard input. Junk bytes are a question too: decode what can
    be decoded. A standard input that is closed (`<&-`) or unreadable (a folder) is a usage
    error, not a crash."""
    if sys.stdin is None:
        raise messages.ask_stdin_unreadable("it is closed")
    try:
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        for line in stdin:
            yield line.rstrip("\r\n")
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise messages.ask_stdin_unreadable(reason.lower()) from None


def run(args: argparse.Namespace) -> int:
    if args.question == "-" and sys.stdin is None:
        raise messages.ask_stdin_unreadable("it is closed")
    engine, settings = load_engine(args.knowledge, cached=True)
    # Paused by bot.cli.main while the engine loads. Frozen, the engine is passed by when
    # garbage is collected again, for a stream of questions may be long.
    gc.freeze()
    gc.enable()
    if args.question == "-":
        questions: Iterator[str] = stdin_questions()
    else:
        questions = iter([args.question.encode("utf-8", "replace").decode("utf-8")])
    encoding = str(getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "")
    ascii_only = not encoding.startswith("utf")
    for question in questions:
        answer = engine.answer(question)
        text = render_text(answer, stale_after_days=settings.stale_after_days)
        if args.explain and not args.json:
            text += "\n\nWhy this card:\n" + "\n".join(f"  {line}" for line in answer.trace)
        print(as_json(answer, text, ascii_only) if args.json else text,
              flush=args.question == "-")
    return 0
