"""The app served for real: create_app → the ASGI app → uvicorn on a loopback port, its Web API
client pointed at the fake Slack; requests signed like Slack's. The developer's Slack settings
are cleared first, so nothing here can reach a real workspace."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from bot.engine.matcher import Engine
from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.http import SlackHttp
from bot.slack.records import Records
from bot.store import open_store
from tests.conftest import ROOT
from tests.fake_slack import Call, FakeSlack
from tests.slack.signed import SECRET, SlackSender, direct_message

TODAY = dt.date(2026, 1, 12)  # BABA (updated 27 Nov 2025) is fresh on this day
CLEARED = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
           "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_VERIFICATION_TOKEN",
           "DATABASE_URL", "PORT", "THESIS_STALE_AFTER_DAYS")


@pytest.fixture(scope="session", autouse=True)
def no_developer_slack() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in CLEARED:
            patch.delenv(name, raising=False)
        yield


def make_settings(fake: FakeSlack, database: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": "xoxb-test-token", "slack_signing_secret": SECRET,
        "slack_api_url": fake.url, "database_url": f"sqlite:///{database}",
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@dataclass
class Served:
    url: str
    fake: FakeSlack
    slack: SlackSender
    database_url: str

    def response_url(self, name: str = "cmd") -> str:
        return self.fake.response_url(name)

    def records(self) -> Records:
        return Records(open_store(self.database_url))

    def replies(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        calls = self.fake.wait_for(method, count, timeout)
        assert len(calls) >= count, f"expected {count} {method} calls, got {len(calls)}"
        return calls


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def serve_http(database: Path, fake: FakeSlack, **popen: Any
               ) -> tuple[SlackSender, subprocess.Popen[str], int]:
    """`thesis serve --http` as its own process, as the Procfile runs it, on a free loopback
    port, with this test's fake Slack and database and none of the developer's settings: a
    sender for it, the process (its output on stdout) and the port. `popen` goes to Popen."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith("SLACK_") and k not in ("DATABASE_URL", "PORT")}
    environ.update(SLACK_BOT_TOKEN="xoxb-subprocess-token", SLACK_SIGNING_SECRET=SECRET,
                   SLACK_API_URL=fake.url, DATABASE_URL=f"sqlite:///{database}")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli.main", "serve", "--http", "--port", str(port),
         "--host", "127.0.0.1"], cwd=ROOT, env=environ, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, **popen)
    return SlackSender(f"http://127.0.0.1:{port}"), process, port


def healthy(sender: SlackSender, timeout: float = 20.0) -> bool:
    """Whether /healthz answers 200 within `timeout` (connections refused meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if sender.request("GET", "/healthz").status == 200:
                return True
        except OSError:
            time.sleep(0.05)
    return False


@contextmanager
def on_loopback(asgi: Any, **config: Any) -> Iterator[str]:
    """An ASGI app under uvicorn in a thread, on a free loopback port: its URL. `config` goes
    to uvicorn (`http=` the protocol class)."""
    server = uvicorn.Server(uvicorn.Config(asgi, log_config=None, access_log=False,
                                           lifespan="on", log_level="warning", **config))
    sock = free_socket()
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    host, port = sock.getsockname()[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serving(settings: Settings, engine: Engine, fake: FakeSlack,
            today: dt.date = TODAY) -> Iterator[Served]:
    """The app under uvicorn in a thread, on a free loopback port."""
    app = create_app(settings, engine, today=lambda: today)
    with on_loopback(SlackHttp(app, health=app.health)) as url:  # type: ignore[attr-defined]
        yield Served(url, fake, SlackSender(url), settings.database_url)


@pytest.fixture(scope="session")
def session_fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="session")
def session_served(engine: Engine, session_fake: FakeSlack,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    database = tmp_path_factory.mktemp("slack") / "thesis-bot.db"
    with serving(make_settings(session_fake, database), engine, session_fake) as served:
        yield served


@pytest.fixture
def served(session_served: Served) -> Served:
    """The shared served app, with the fake's record of calls emptied."""
    session_served.fake.clear()
    return session_served


@pytest.fixture
def fake(served: Served) -> FakeSlack:
    return served.fake


SENTINEL_DM = "D0SENTINEL"


def calls_after_sentinel(served: Served) -> list[Call]:
    """What the app sent Slack for the requests made so far, other than the sentinel's reply.

    A check that a request gets no reply must not just sleep (a slow wrong reply would pass):
    instead a DM "help" goes in after it and must be answered. Requests start being answered
    in the order they arrive, so once the sentinel's reply is in, the earlier ones have had
    their turn. Asserting on what else arrived then proves the "no reply", quickly."""
    served.slack.event(direct_message("help", channel=SENTINEL_DM))
    reply = served.fake.wait_until(
        lambda c: c.method == "chat.postMessage" and c.params.get("channel") == SENTINEL_DM)
    assert reply is not None, "the sentinel DM got no reply"
    return [c for c in served.fake.calls if c is not reply]
