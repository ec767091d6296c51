"""`thesis validate`: every problem in the knowledge and intent files, as file:line: field: msg,
then warnings (a thesis that may not say what its write-up says); warnings fail only --strict."""

from __future__ import annotations

import argparse

from bot import errors
from bot.cli import messages
from bot.knowledge.advice import advise
from bot.knowledge.loader import KnowledgeDirError, load_all
from bot.settings import Settings


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    knowledge_dir = args.dir or args.knowledge or settings.knowledge_dir
    intents_dir = args.intents or settings.intents_dir
    try:
        knowledge = load_all(knowledge_dir, intents_dir)
    except KnowledgeDirError as exc:
        raise errors.knowledge_dir_unreadable(str(exc)) from None
    for problem in knowledge.problems:
        print(problem)
    warnings = advise(knowledge)
    for warning in warnings:
        print(f"{warning.file}:{warning.line}: {warning.field}: warning: {warning.message}")
    if knowledge.problems:
        count = len(knowledge.problems)
        print(f"{count} problem{'s' * (count != 1)} found; fix them and run thesis validate again.")
        return 1
    print(f"OK: {len(knowledge.theses)} thesis file(s) in {knowledge_dir}, "
          f"{len(knowledge.intents)} intents in {intents_dir}.")
    if warnings:
        print(messages.validate_warnings(len(warnings), args.strict))
        return 1 if args.strict else 0
    return 0
