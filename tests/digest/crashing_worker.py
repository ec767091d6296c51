"""A `run-due` process that dies (os._exit, no cleanup) right after claiming its first digest.

Usage: python -m tests.digest.crashing_worker NOW_ISO   (DATABASE_URL, SLACK_* from the env)
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from bot.digest.commands import load_knowledge
from bot.digest.delivery import run_due
from bot.settings import Settings
from bot.slack.client import web_client
from bot.store import open_store

CRASH_EXIT = 3


def _die(channel: str, day: dt.date) -> None:
    os._exit(CRASH_EXIT)


def main() -> None:
    settings = Settings()
    store = open_store(settings.database_url)
    run_due(store, web_client(settings), load_knowledge(None, settings),
            dt.datetime.fromisoformat(sys.argv[1]), after_claim=_die)


if __name__ == "__main__":
    main()
