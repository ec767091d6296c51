"""`thesis clock`: run the notify clock's minute (bot/notify/clock.py) every minute, in the
foreground (a Procfile `clock:`)."""

from __future__ import annotations

import argparse
import logging

from bot.notify.clock import build_scheduler, make_tick
from bot.settings import Settings, require_shared_database

logger = logging.getLogger(__name__)


def run(args: argparse.Namespace) -> int:
    from bot.book.served import open_book
    from bot.slack.client import web_client
    from bot.store import open_store

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
    tick = make_tick(store, client, book, settings)
    logger.info("thesis clock: digest run-due every minute; Ctrl-C to stop")
    build_scheduler(tick).start()  # until Ctrl-C (exit 130) or SIGTERM
    return 0
