"""`thesis diff OLD.yaml NEW.yaml` and `thesis diff TICKER --since REV|DATE`."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot import errors
from bot.cli import messages
from bot.knowledge.loader import KnowledgeDirError, yaml_files
from bot.knowledge.models import Thesis
from bot.knowledge.yaml_lines import load_with_lines
from bot.render.diff import diff_theses
from bot.settings import Settings


def parse_thesis(text: str, name: str) -> Thesis:
    try:
        data, _ = load_with_lines(text)
        return Thesis.model_validate(data)
    except (yaml.YAMLError, ValidationError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise messages.diff_not_a_thesis(name, first) from None


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


def version_at(path: Path, since: str) -> tuple[Thesis, str]:
    """The thesis in `path` as it was at git revision `since`, or at the last commit before
    the date `since` (YYYY-MM-DD)."""
    folder = path.parent
    try:
        day = dt.date.fromisoformat(since)
    except ValueError:
        day = None
    if day is None:
        rev = resolve_revision(folder, since)
    else:
        rev = _git(folder, "rev-list", "-1", f"--before={day.isoformat()} 00:00", "HEAD",
                   "--", path.name).strip()
        if not rev:
            raise messages.diff_nothing_before(path.name, since)
    relative = _git(folder, "ls-files", "--full-name", "--", path.name).strip() or path.name
    text = _git(folder, "show", f"{rev}:{relative}")
    return parse_thesis(text, f"{relative} at {since}"), rev[:12]


def run(args: argparse.Namespace) -> int:
    if args.since:
        if args.new:
            raise messages.diff_usage()
        settings = Settings()
        path = file_of(args.old, getattr(args, "knowledge", None) or settings.knowledge_dir)
        old, rev = version_at(path, args.since)
        new = read_thesis(path)
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
