"""`thesis digest subscribe | unsubscribe | list | preview | run-due`."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from bot import errors
from bot.cli import messages
from bot.knowledge.loader import Knowledge, KnowledgeDirError, load_theses
from bot.knowledge.models import Thesis
from bot.notify.digest_card import build_digest, digest_text
from bot.notify.subscriptions import (
    explain_error,
    list_statuses,
    subscribe,
    unsubscribe,
    validate_schedule,
)
from bot.render.facts import format_date
from bot.settings import Settings
from bot.store import MISSED, open_store

logger = logging.getLogger(__name__)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    action = args.digest_command
    if action == "preview":
        day = _parse_date(args.date) if args.date else dt.date.today()
        theses = load_knowledge(getattr(args, "knowledge", None), settings)
        print(digest_text(build_digest(theses, day, None, settings.stale_after_days)))
        return 0
    if action == "run-due":
        return _run_due(args, settings)

    store = open_store(settings.database_url)
    if action == "subscribe":
        at, tz = validate_schedule(args.at, args.tz)
        sub = subscribe(store, args.channel, at, tz, weekdays_only=not args.daily)
        print(messages.cli_subscribed(sub.channel_id, sub.schedule.describe()))
    elif action == "unsubscribe":
        print(messages.cli_unsubscribed(args.channel, unsubscribe(store, args.channel)))
    else:
        _list(store)
    return 0


def _list(store: Engine) -> None:
    statuses = list_statuses(store)
    if not statuses:
        print(messages.CLI_NO_SUBSCRIPTIONS)
        return
    for status in statuses:
        sub = status.subscription
        last = (messages.cli_last_posted(format_date(status.last_post.local_date))
                if status.last_post else messages.CLI_NOTHING_POSTED)
        line = f"{sub.channel_id}  {sub.schedule.describe()}  {last}"
        latest = status.latest
        if latest and latest.status == "failed" and latest.error:
            line += "  " + messages.cli_failed(format_date(latest.local_date),
                                               explain_error(latest.error))
        elif latest and latest.status == "unknown" and not latest.final:
            line += "  " + messages.cli_failed(format_date(latest.local_date),
                                               messages.CLI_UNCONFIRMED)
        elif latest and latest.status == MISSED:
            line += "  " + messages.cli_failed(format_date(latest.local_date),
                                               messages.CLI_MISSED)
        print(line)


def _run_due(args: argparse.Namespace, settings: Settings) -> int:
    from bot.notify.delivery import run_due
    from bot.slack.client import web_client

    now = _parse_now(args.now) if args.now else dt.datetime.now(dt.UTC)
    client = web_client(settings)
    store = open_store(settings.database_url)
    knowledge = read_knowledge(getattr(args, "knowledge", None), settings)
    theses = list(knowledge.theses.values())
    with _one_line_logging():
        report = run_due(store, client, theses, now, stale_after_days=settings.stale_after_days)
    print(report.summary())
    from bot.notify.owners import files_of, notify_owners
    from bot.notify.updates import announce_updates
    from bot.questions import Questions

    with _one_line_logging():
        try:
            announced = announce_updates(store, client, theses, now)
        except Exception:  # the digest went out; updates wait for the next run
            logger.exception("thesis updated posts failed")
            announced = []
    for channel, ticker in announced:
        print(messages.cli_update_posted(ticker, channel))
    with _one_line_logging():
        try:
            noted = notify_owners(store, client, theses, knowledge.problems, files_of(knowledge),
                                  now, settings.stale_after_days,
                                  Questions(store, settings.question_retention_days))
        except Exception:  # the digest went out; owners wait for the next run
            logger.exception("owner notes failed")
            noted = []
    for owner in noted:
        print(messages.cli_owner_noted(owner))
    # A scheduler or monitor sees a due digest that was not posted.
    return 1 if report.failed or report.unconfirmed or report.missed else 0


class _OneLine(logging.Handler):
    """A warning on stderr as one line, its exception as type and message, no traceback: an
    operator running `digest run-due` by hand or from cron reads what failed, not where."""

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            text += f" ({type(error).__name__}{': ' if str(error) else ''}{error})"
        print(f"thesis: {text}", file=sys.stderr)


@contextlib.contextmanager
def _one_line_logging() -> Iterator[None]:
    root, sdk = logging.getLogger(), logging.getLogger("slack_sdk")
    handler, sdk_level = _OneLine(logging.WARNING), sdk.level
    root.addHandler(handler)
    sdk.setLevel(logging.CRITICAL)  # its "Failed to send a request" repeats our own line
    try:
        yield
    finally:
        root.removeHandler(handler)
        sdk.setLevel(sdk_level)


def load_knowledge(folder: Path | None, settings: Settings) -> list[Thesis]:
    """Every valid thesis; broken files are reported on stderr and skipped."""
    return list(read_knowledge(folder, settings).theses.values())


def read_knowledge(folder: Path | None, settings: Settings) -> Knowledge:
    """The theses and the problems of broken files (reported on stderr and skipped)."""
    try:
        knowledge = load_theses(folder or settings.knowledge_dir)
    except KnowledgeDirError as exc:
        raise errors.knowledge_dir_unreadable(str(exc)) from None
    for problem in knowledge.problems:
        print(errors.cli_skipped_thesis(str(problem)), file=sys.stderr)
    return knowledge


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise messages.cli_bad_date(text) from None


def _parse_now(text: str) -> dt.datetime:
    """ISO-8601; without an offset it is taken as UTC."""
    try:
        now = dt.datetime.fromisoformat(text)
    except ValueError:
        raise messages.cli_bad_now(text) from None
    return now if now.tzinfo else now.replace(tzinfo=dt.UTC)
