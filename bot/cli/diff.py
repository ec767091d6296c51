"""`thesis diff OLD.yaml NEW.yaml` and `thesis diff TICKER --since REV|DATE`."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import subprocess
from pathlib import Path

import yaml

from bot import errors
from bot.cli import messages
from bot.knowledge.loader import KnowledgeDirError, Problem, parse_text, yaml_files
from bot.knowledge.models import Thesis
from bot.knowledge.upgrade import upgrade_text
from bot.knowledge.yaml_lines import DuplicateKey
from bot.render.diff import diff_theses
from bot.settings import Settings


def parse_thesis(text: str, name: str, advice: str = messages.DIFF_RUN_VALIDATE) -> Thesis:
    """The thesis `text` holds, of either schema: one written for the previous schema is
    upgraded in memory first (bot/knowledge/upgrade.py). What is wrong with it otherwise is
    raised whole, each problem at its line."""
    with contextlib.suppress(yaml.YAMLError, DuplicateKey, ValueError, RecursionError):
        text = upgrade_text(text).text  # not YAML: parse_text below names the line
    problems: list[Problem] = []
    thesis, _ = parse_text(text, name, Thesis, problems)
    if thesis is None:
        raise messages.diff_not_a_thesis(name, problems, advice)
    return thesis


def read_thesis(path: Path) -> Thesis:
    try:
        return parse_thesis(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise messages.diff_unreadable(str(path), exc.strerror or str(exc)) from None


def file_of(ticker: str, folder: Path) -> Path:
    """The thesis file under `folder` whose ticker is `ticker`."""
    try:
        files = yaml_files(folder)
    except KnowledgeDirError as exc:
        raise errors.knowledge_dir_unreadable(str(exc)) from None
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and str(data.get("ticker", "")).upper() == ticker.upper():
            return path
    raise messages.diff_no_thesis(ticker, str(folder))


def _git(folder: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise messages.diff_git_failed(" ".join(args), result.stderr.strip().splitlines()[-1:])
    return result.stdout


def resolve_revision(folder: Path, since: str) -> str:
    """The commit `since` names. A revision is never handed to git where it could be read as an
    option: one starting with '-' is refused, and the rest are resolved with --end-of-options
    before any other git command sees them."""
    if since.startswith("-"):
        raise messages.diff_bad_revision(since)
    result = subprocess.run(["git", "-C", str(folder), "rev-parse", "--verify", "--quiet",
                             "--end-of-options", f"{since}^{{commit}}"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise messages.diff_unknown_revision(since)
    return result.stdout.strip()


def version_at(path: Path, since: str) -> tuple[Thesis | None, str]:
    """The thesis in `path` as it was at git revision `since`, or at the last commit before
    the date `since` (YYYY-MM-DD); None when the file did not exist then."""
    folder = path.parent
    try:
        day = dt.date.fromisoformat(since)
    except ValueError:
        day = None
    if day is None:
        rev = resolve_revision(folder, since)
    else:
        rev = _git(folder, "rev-list", "-1", f"--before={day.isoformat()} 00:00", "HEAD").strip()
        if not rev:  # the repository itself is younger than the date
            return None, ""
    relative = _git(folder, "rev-parse", "--show-prefix").strip() + path.name
    exists = subprocess.run(["git", "-C", str(folder), "cat-file", "-e", f"{rev}:{relative}"],
                            capture_output=True, check=False)
    if exists.returncode != 0:
        return None, rev[:12]
    text = _git(folder, "show", f"{rev}:{relative}")
    return parse_thesis(text, f"{relative} at {since}", messages.DIFF_PICK_ANOTHER), rev[:12]


def _counts(thesis: Thesis) -> dict[str, int]:
    return {"figures": len(thesis.figures), "bull": len(thesis.bull), "bear": len(thesis.bear),
            "catalysts": len(thesis.catalysts)}


def run(args: argparse.Namespace) -> int:
    if args.since:
        if args.new:
            raise messages.diff_usage()
        settings = Settings()
        path = file_of(args.old, getattr(args, "knowledge", None) or settings.knowledge_dir)
        old, rev = version_at(path, args.since)
        new = read_thesis(path)
        if old is None:
            print(messages.diff_new_since(new.ticker, path.name, args.since, rev,
                                          _counts(new)))
            return 0
        heading = f"{new.ticker}: {path.name} at {args.since} ({rev}) → now"
    else:
        if not args.new:
            raise messages.diff_usage()
        old, new = read_thesis(Path(args.old)), read_thesis(Path(args.new))
        heading = f"{new.ticker}: {args.old} → {args.new}"
    changes = diff_theses(old, new)
    print(heading)
    for change in changes:
        print(f"  • {change}")
    if not changes:
        print(f"  {messages.DIFF_NO_CHANGES}")
    return 0
