"""`thesis upgrade [DIR|FILE] [--check]`: theses of the previous schema rewritten in place.

Only the lines of the old fields change (bot/knowledge/upgrade.py); each change is printed as
file:line: field: what was done. A file is replaced whole (written beside it, then renamed), so
a bot watching the folder never reads half of it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import yaml

from bot import errors
from bot.cli import messages
from bot.knowledge.loader import (
    KnowledgeDirError,
    Unreadable,
    _field,
    read_yaml_file,
    yaml_files,
)
from bot.knowledge.upgrade import upgrade_text
from bot.knowledge.yaml_lines import DuplicateKey
from bot.settings import Settings


def _targets(args: argparse.Namespace) -> list[Path]:
    target: Path = args.target or getattr(args, "knowledge", None) or Settings().knowledge_dir
    if target.is_file():
        return [target]
    if not target.exists():
        raise errors.UserError(messages.upgrade_no_target(str(target)))
    try:
        return yaml_files(target)
    except KnowledgeDirError as exc:
        raise errors.knowledge_dir_unreadable(str(exc)) from None


def _write(path: Path, text: str) -> None:
    """Replace `path` with `text` at once, keeping its permissions."""
    mode = path.stat().st_mode & 0o7777
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    changed = current = left = failed = edits = 0
    for path in _targets(args):
        name = str(path)
        try:
            text = read_yaml_file(path)
            upgraded = upgrade_text(text)
        except Unreadable as exc:
            print(messages.upgrade_skipped(name, str(exc)))
            failed += 1
            continue
        except (yaml.YAMLError, DuplicateKey, ValueError, RecursionError):
            print(messages.upgrade_skipped(name, messages.UPGRADE_NOT_YAML))
            failed += 1
            continue
        for edit in upgraded.edits:
            print(messages.upgrade_edit(name, edit.line, _field(edit.path), edit))
        edits += len(upgraded.done)
        left += len(upgraded.left)
        if upgraded.text == text:
            current += not upgraded.left
            continue
        changed += 1
        if not args.check:
            try:
                _write(path, upgraded.text)
            except OSError as exc:
                print(messages.upgrade_skipped(name, exc.strerror or str(exc)))
                failed += 1
    print(messages.upgrade_summary(changed, edits, current, left, failed, args.check))
    return 1 if failed or left or (args.check and changed) else 0
