"""The clock's minute: `digest run-due`, owner notes and update posts, every minute
(`thesis clock`, bot/cli/clock.py, runs it in the foreground as a Procfile `clock:`).

Several clocks may run at once (a deploy overlapping the old dyno, say): the ledger makes the
extra ones harmless. The first run is immediate, so a restart catches up on what it missed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.settings import Settings

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy import Engine

    from bot.book.served import Book, Edition
    from bot.questions import Questions

JOB_ID = "digest-run-due"
logger = logging.getLogger(__name__)


def build_scheduler(tick: Callable[[], object]) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=dt.UTC)
    scheduler.add_job(
        tick,
        "interval",
        minutes=1,
        id=JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=30,
        next_run_time=dt.datetime.now(dt.UTC),
    )
    return scheduler


def make_tick(store: Engine, client: WebClient, book: Book, settings: Settings,
              questions: Questions | None = None,
              clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
              ) -> Callable[[], None]:
    """One minute of the clock: due digests, "thesis updated" posts, owners' notes, each in
    its own guard (one failing never stops the others), with what the process remembers
    between minutes, so a minute in which nothing changed reads little."""
    from bot.notify.delivery import run_due
    from bot.notify.owners import OwnerMemory, OwnerZones, notify_owners
    from bot.notify.updates import Announcements, announce_updates
    from bot.questions import Questions

    questions = questions or Questions(store, settings.question_retention_days)
    announcements, owners, zones = Announcements(), OwnerMemory(), OwnerZones(client)

    def digests(edition: Edition) -> None:
        report = run_due(store, client, list(edition.theses.values()), clock(),
                         stale_after_days=settings.stale_after_days)
        if report.outcomes:
            logger.info("%s", report.summary())

    def updates(edition: Edition) -> None:
        for channel, ticker in announce_updates(store, client, edition.theses.values(), clock(),
                                                announcements):
            logger.info("posted %s thesis updated to %s", ticker, channel)

    def notes(edition: Edition) -> None:
        for owner in notify_owners(store, client, edition.theses.values(), edition.problems,
                                   edition.theses_by_file, clock(), settings.stale_after_days,
                                   questions, declared=edition.declared_owners,
                                   memory=owners, zones=zones):
            logger.info("sent this week's owner note to %s", owner)

    def tick() -> None:
        edition = book.edition  # one edition for the whole minute
        for name, job in (("digest", digests), ("thesis updated posts", updates),
                          ("owner notes", notes)):
            try:
                job(edition)
            except Exception:
                logger.exception("%s failed this minute; the other jobs ran, and it runs "
                                 "again next minute", name)

    return tick
