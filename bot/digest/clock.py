"""`thesis clock`: run `digest run-due` every minute, in the foreground (a Procfile `clock:`).

Several clocks may run at once (a deploy overlapping the old dyno, say): the ledger makes the
extra ones harmless. The first run is immediate, so a restart catches up on what it missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from collections.abc import Callable

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.settings import Settings, require_shared_database

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


def run(args: argparse.Namespace) -> int:
    from bot.book import open_book
    from bot.digest.delivery import run_due
    from bot.owners import notify_owners
    from bot.questions import Questions
    from bot.slack.client import web_client
    from bot.store import open_store
    from bot.updates import announce_updates

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    settings = Settings()
    require_shared_database(settings)
    client = web_client(settings)  # a missing token stops us here, once, not every minute
    store = open_store(settings.database_url)
    # Edited YAML goes live without a restart; a broken edit keeps the file's last good version.
    book = open_book(settings, getattr(args, "knowledge", None)).start()
    book.reload_on_sighup()

    questions = Questions(store, settings.question_retention_days)

    def tick() -> None:
        edition = book.edition
        theses = list(edition.theses.values())
        report = run_due(store, client, theses, dt.datetime.now(dt.UTC),
                         stale_after_days=settings.stale_after_days)
        if report.outcomes:
            logger.info("%s", report.summary())
        for channel, ticker in announce_updates(store, client, theses, dt.datetime.now(dt.UTC)):
            logger.info("posted %s thesis updated to %s", ticker, channel)
        for owner in notify_owners(store, client, theses, edition.problems,
                                   edition.theses_by_file, dt.datetime.now(dt.UTC),
                                   settings.stale_after_days, questions):
            logger.info("sent this week's owner note to %s", owner)

    logger.info("thesis clock: digest run-due every minute; Ctrl-C to stop")
    build_scheduler(tick).start()  # until Ctrl-C (exit 130) or SIGTERM
    return 0
