"""The `thesis` command: ask | validate | new | import | serve | digest | clock | report | diff |
upgrade.

Each command imports only what it needs, so `thesis ask` starts fast and never loads Slack.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from bot import __version__, errors


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thesis",
        description="Answers questions about the team's investment theses.",
        epilog='Example: thesis ask "what are BABA\'s risks?"',
    )
    parser.add_argument("--version", action="version", version=f"thesis-bot {__version__}")
    parser.add_argument(
        "--knowledge",
        type=Path,
        metavar="DIR",
        help="folder of thesis YAML files (default: $THESIS_KNOWLEDGE_DIR or ./knowledge)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = sub.add_parser(
        "ask",
        help="answer one question (or one per line from stdin with -)",
        description="Answer a question the way the bot would.",
        epilog='Example: thesis ask --json "bull case for alibaba"',
    )
    ask.add_argument("question", help='the question, or "-" to read one question per line')
    ask.add_argument("--json", action="store_true", help="print a JSON object per question")
    ask.add_argument("--explain", action="store_true",
                     help="also print why: thesis and intent scores, the top points")
    ask.add_argument("--knowledge", type=Path, metavar="DIR", default=argparse.SUPPRESS)

    validate = sub.add_parser(
        "validate",
        help="check every thesis and intent file",
        description="Check every thesis and intent file; exit 1 listing problems.",
        epilog="Example: thesis validate knowledge/",
    )
    validate.add_argument("dir", nargs="?", type=Path, help="knowledge folder to check")
    validate.add_argument("--intents", type=Path, metavar="DIR", help="intents folder to check")
    validate.add_argument("--strict", action="store_true",
                          help="exit 1 on warnings too (numbers no figure records, …)")
    validate.add_argument("--quiet", "-q", action="store_true",
                          help="print only the problems (and, with --strict, the warnings); "
                               "no summary")

    new = sub.add_parser(
        "new",
        help="write a commented starter thesis file to fill in",
        description="Write knowledge/<ticker>.yaml (creating knowledge/ if need be): a "
                    "commented starter thesis that validates, a draft until its TODOs are "
                    "replaced.",
        epilog='Example: thesis new ACME "Acme Corp"',
    )
    new.add_argument("ticker", help="the listing symbol, e.g. ACME")
    new.add_argument("company", help='the company\'s name, e.g. "Acme Corp"')
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.add_argument("--knowledge", type=Path, metavar="DIR", default=argparse.SUPPRESS)

    imp = sub.add_parser(
        "import",
        help="turn a write-up (plain text or Markdown) into a draft thesis",
        description="Read a write-up in the house layout and write a draft thesis, validated, "
                    "its figures marked for review.",
        epilog="Example: thesis import acme-thesis.md --ticker ACME",
    )
    imp.add_argument("file", type=Path, help="the write-up: .txt or .md")
    imp.add_argument("-o", "--output", type=Path, metavar="OUT.yaml",
                     help="where to write (default: knowledge/<ticker>.yaml)")
    imp.add_argument("--ticker", help="the listing symbol (asked for when not given)")
    imp.add_argument("--check", action="store_true",
                     help="print what was found (points, catalysts, figures, notes); write nothing")
    imp.add_argument("--force", action="store_true", help="replace an existing file")
    imp.add_argument("--knowledge", type=Path, metavar="DIR", default=argparse.SUPPRESS)

    serve = sub.add_parser(
        "serve",
        help="run the Slack app (Socket Mode or HTTP)",
        description="Run the Slack app: Socket Mode with SLACK_APP_TOKEN, HTTP otherwise.",
        epilog="Example: thesis serve --http --port 3000",
    )
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--socket", action="store_true", help="Socket Mode (needs SLACK_APP_TOKEN)")
    mode.add_argument("--http", action="store_true", help="HTTP on /slack/events")
    serve.add_argument("--port", type=int, help="HTTP port (default $PORT or 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP bind address")

    digest = sub.add_parser(
        "digest",
        help="daily catalyst digest: subscribe, list, preview, run-due",
        description="Manage and deliver the daily catalyst digest.",
        epilog="Example: thesis digest subscribe C0123 --at 08:30 --tz Asia/Hong_Kong",
    )
    dsub = digest.add_subparsers(dest="digest_command", metavar="ACTION", required=True)
    subscribe = dsub.add_parser("subscribe", help="subscribe a channel")
    subscribe.add_argument("channel", help="Slack channel id, e.g. C0123ABC")
    subscribe.add_argument("--at", default="08:30", help="local time HH:MM (default 08:30)")
    subscribe.add_argument("--tz", default="UTC", help="IANA time zone, e.g. Asia/Hong_Kong")
    subscribe.add_argument("--daily", action="store_true", help="every day, not only weekdays")
    unsubscribe = dsub.add_parser("unsubscribe", help="stop a channel's digest")
    unsubscribe.add_argument("channel")
    dsub.add_parser("list", help="list subscriptions with their last post or error")
    preview = dsub.add_parser("preview", help="print the digest for a date")
    preview.add_argument("--date", help="YYYY-MM-DD (default today)")
    run_due = dsub.add_parser("run-due", help="post every digest that is due and not yet posted")
    run_due.add_argument("--now", help="pretend it is this ISO-8601 instant")

    report = sub.add_parser(
        "report",
        help="questions the bot could not answer well, similar ones grouped",
        description="List recorded unanswered questions (unknown, unsure, or voted 👎), similar "
                    "wordings grouped, with the card they got and the point they likely wanted.",
        epilog="Example: thesis report --since 7d --thesis BABA",
    )
    report.add_argument("--since", default="7d", help="7d, 24h, 2w or YYYY-MM-DD (default 7d)")
    report.add_argument("--thesis", metavar="TICKER", help="only questions about this thesis")
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.add_argument("--now", help=argparse.SUPPRESS)  # reproducible reports in tests

    diff = sub.add_parser(
        "diff",
        help="what changed in a thesis: figures, points, catalysts",
        description="List in words what changed between two versions of a thesis: two files, "
                    "or a thesis now against git at a revision or date.",
        epilog="Example: thesis diff BABA --since 2026-01-01",
    )
    diff.add_argument("old", metavar="OLD|TICKER", help="old file, or the ticker with --since")
    diff.add_argument("new", nargs="?", metavar="NEW", help="new file")
    diff.add_argument("--since", metavar="REV|DATE", help="git revision or YYYY-MM-DD")
    diff.add_argument("--knowledge", type=Path, metavar="DIR", default=argparse.SUPPRESS)

    upgrade = sub.add_parser(
        "upgrade",
        help="rewrite theses of the previous schema (window, status: pending) in place",
        description="Rewrite thesis files of the previous schema in place, keeping comments and "
                    "layout: a catalyst's window becomes its timing at the precision its label "
                    "gives (or its condition), a bare `status: pending` goes. Prints each "
                    "change; exit 1 if something is left for you (or, with --check, if a file "
                    "would change).",
        epilog="Example: thesis upgrade knowledge/ --check",
    )
    upgrade.add_argument("target", nargs="?", type=Path, metavar="DIR|FILE",
                         help="a thesis file or a folder of them (default: the knowledge folder)")
    upgrade.add_argument("--check", action="store_true",
                         help="print what would change; write nothing")
    upgrade.add_argument("--knowledge", type=Path, metavar="DIR", default=argparse.SUPPRESS)

    sub.add_parser(
        "clock",
        help="run `digest run-due` every minute (APScheduler)",
        description="Run the digest scheduler in the foreground.",
        epilog="Example: thesis clock",
    )
    return parser


_unencodable: list[str] = []


def _question_mark(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeEncodeError)
    _unencodable.append(error.encoding)
    return "?" * (error.end - error.start), error.end


codecs.register_error("thesis-replace", _question_mark)


def _tolerant_output() -> None:
    """A terminal that cannot show every character (PYTHONIOENCODING=latin-1, an old
    Windows console) gets '?' for those, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        encoding = str(getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if isinstance(stream, io.TextIOWrapper) and not encoding.startswith("utf"):
            stream.reconfigure(errors="thesis-replace")


def main(argv: Sequence[str] | None = None, *, last: bool = False) -> int:
    """Runs one command and returns its exit code. `last`: the process ends with it (see
    `console`)."""
    _tolerant_output()
    try:
        return _main(argv, last)
    finally:
        if _unencodable:
            print(errors.output_not_encodable(_unencodable[0]), file=sys.stderr)
            _unencodable.clear()


def console() -> NoReturn:
    """The `thesis` script. The process ends with the command, so what `ask` loaded stays out of
    the garbage collector's sight (`gc.freeze`): collecting it once more at exit would cost a
    fifth of the command's time."""
    sys.exit(main(last=True))


def _main(argv: Sequence[str] | None, last: bool) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "ask":
            # Start-up makes some hundred thousand objects that live as long as the process
            # (the models' classes, the cached engine): collecting garbage while they are made
            # is a sixth of a question's time. bot.cli.ask freezes them once loaded (later
            # collections pass them by) and collects again.
            gc.disable()
            from bot.cli.ask import run
        elif args.command == "validate":
            from bot.cli.validate import run
        elif args.command == "new":
            from bot.cli.new import run
        elif args.command == "import":
            from bot.cli.import_ import run
        elif args.command == "serve":
            from bot.slack.serve import run
        elif args.command == "diff":
            from bot.cli.diff import run
        elif args.command == "report":
            from bot.cli.report import run
        elif args.command == "upgrade":
            from bot.cli.upgrade import run
        elif args.command == "digest":
            from bot.cli.digest import run
        else:
            from bot.cli.clock import run
        return run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except errors.UserError as exc:
        print(f"thesis: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # settings and database problems: one line, never a traceback
        from bot.settings import describe_problem

        problem = describe_problem(exc)
        if problem is None:
            raise
        print(f"thesis: {problem}", file=sys.stderr)
        return 2
    finally:
        # whatever happened to `ask` on its way: a longer process (a test, a notebook) may drop
        # the engine it loaded
        if not last:
            gc.unfreeze()
        gc.enable()


if __name__ == "__main__":
    console()
