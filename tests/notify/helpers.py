"""Running the digest the way production does, against the fake Slack Web API."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine, select

from bot.settings import Settings
from bot.store import digest_posts
from tests.fake_slack import Call, FakeSlack

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.UTC


def client_for(fake: FakeSlack) -> WebClient:
    from bot.slack.client import web_client

    return web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=fake.url))


def process_env(database_url: str, fake: FakeSlack) -> dict[str, str]:
    """The environment of a `thesis` process: this test's database and fake Slack, nothing of
    the developer's own settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "THESIS_")) and k != "DATABASE_URL"}
    env["THESIS_KNOWLEDGE_DIR"] = os.environ["THESIS_KNOWLEDGE_DIR"]
    env.update(DATABASE_URL=database_url, SLACK_API_URL=fake.url, SLACK_BOT_TOKEN="xoxb-test")
    return env


def thesis_process(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def posts(fake: FakeSlack) -> list[Call]:
    return fake.calls_to("chat.postMessage")


def posted_days(fake: FakeSlack) -> list[tuple[str, str]]:
    """(channel, local date) of every digest Slack received, from the message metadata."""
    return [(c.params["channel"], c.params["metadata"]["event_payload"]["local_date"])
            for c in posts(fake)]


def ledger(store: Engine) -> list[Any]:
    with store.begin() as conn:
        return list(conn.execute(select(digest_posts).order_by(digest_posts.c.channel_id,
                                                                digest_posts.c.local_date)))


def fresh_postgres_database(base_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `base_url`, dropped afterwards. The URL
    given out is the one Settings would make of it (`postgresql+psycopg://…`), as every caller
    of bot.store passes."""
    import psycopg

    for prefix in ("postgresql+psycopg://", "postgres://"):
        base_url = base_url.replace(prefix, "postgresql://")
    name = f"thesis_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Settings(database_url=base_url.rsplit("/", 1)[0] + f"/{name}").database_url
    finally:
        with psycopg.connect(base_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
