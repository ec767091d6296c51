"""`thesis validate`: every problem in the knowledge and intent files, as file:line: field: msg,
then warnings (a thesis that may not say what its write-up says); warnings fail only --strict.
The last line says the verdict the exit code gives, with the counts of the run."""

from __future__ import annotations

import argparse

from bot import errors
from bot.cli import messages
from bot.knowledge.advice import advise
from bot.knowledge.loader import KnowledgeDirError, load_all, yaml_files
from bot.settings import Settings


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    knowledge_dir = args.dir or args.knowledge or settings.knowledge_dir
    intents_dir = args.intents or settings.intents_dir
    try:
        knowledge = load_all(knowledge_dir, intents_dir)
        files = len(yaml_files(knowledge_dir))
    except KnowledgeDirError as exc:
        raise errors.knowledge_dir_unreadable(str(exc)) from None
    for problem in knowledge.problems:
        print(problem)
    warnings = advise(knowledge)
    if not args.quiet or args.strict:  # under --strict a warning is a problem
        for warning in warnings:
            print(f"{warning.file}:{warning.line}: {warning.field}: warning: {warning.message}")
    failed = bool(knowledge.problems) or (args.strict and bool(warnings))
    if not args.quiet:
        unreviewed = sum(len(thesis.unreviewed()) for thesis in knowledge.theses.values())
        print(messages.validate_summary(
            files=files, knowledge_dir=str(knowledge_dir), intents=len(knowledge.intents),
            intents_dir=str(intents_dir), problems=len(knowledge.problems),
            warnings=len(warnings), unreviewed=unreviewed, strict=args.strict))
    return 1 if failed else 0
