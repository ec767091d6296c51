"""A `run-due` process that dies (os._exit, no cleanup) right after claiming its first digest,
or, with `after-post`, right after Slack accepted it (before the ledger could record it).

Usage: python -m tests.notify.crashing_worker NOW_ISO [after-post]
       (DATABASE_URL, SLACK_* from the env)
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Any

from bot.cli.digest import load_knowledge
from bot.notify.delivery import run_due
from bot.settings import Settings
from bot.slack.client import web_client
from bot.store import open_store

CRASH_EXIT = 3


def _die(*args: Any) -> None:
    os._exit(CRASH_EXIT)


def main() -> None:
    settings = Settings()
    store = open_store(settings.database_url)
    client = web_client(settings)
    after_post = sys.argv[2:] == ["after-post"]
    if after_post:
        post = client.chat_postMessage

        def post_then_die(**kwargs: Any) -> Any:
            post(**kwargs)
            _die()

        client.chat_postMessage = post_then_die  # type: ignore[method-assign]
    run_due(store, client, load_knowledge(None, settings),
            dt.datetime.fromisoformat(sys.argv[1]), after_claim=None if after_post else _die)


if __name__ == "__main__":
    main()
