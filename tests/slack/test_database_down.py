"""Answers need no database: with it unreachable at start or mid-run, mentions and DMs are
answered (each event once, from memory), the operator is told once what waits for it, and
/healthz says so; when it is back, everything is again as before."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import errors
from bot.engine.matcher import Engine
from bot.notify import messages
from bot.settings import Settings
from tests.conftest import eventually
from tests.fake_slack import FakeSlack
from tests.slack.conftest import Served, free_socket, serving
from tests.slack.signed import SECRET, direct_message, event_body, mention, signed_headers

PG_ENV = "THESIS_TEST_DATABASE_URL"


def closed_port_database() -> str:
    """A PostgreSQL URL nothing listens on: connection refused, at once."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/thesis"


def settings_for(fake: FakeSlack, database_url: str) -> Settings:
    return Settings(slack_bot_token="xoxb-test-token", slack_signing_secret=SECRET,
                    slack_api_url=fake.url, database_url=database_url)


def card_posted(served: Served, channel: str, title: str) -> bool:
    return served.fake.wait_until(
        lambda c: c.method == "chat.postMessage" and c.params.get("channel") == channel
        and bool(c.params.get("blocks")) and c.params["blocks"][0]["text"]["text"] == title
    ) is not None


def health(served: Served) -> dict:
    reply = served.slack.request("GET", "/healthz")
    assert reply.status == 200
    return json.loads(reply.body)


def unavailable_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.getMessage().startswith(errors.DATABASE_UNAVAILABLE)]


def test_without_a_database_at_start_questions_are_answered_and_healthz_says_so(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with FakeSlack() as fake, serving(settings_for(fake, closed_port_database()), engine,
                                      fake) as served:
        assert len(unavailable_warnings(caplog)) == 1  # said at start, naming what waits
        served.slack.event(mention("<@UBOT> BABA risks", channel="C0DOWN1"))
        served.slack.event(direct_message("BABA bull case"))
        assert card_posted(served, "C0DOWN1", "BABA · Key risks")
        assert card_posted(served, "D0DIRECT", "BABA · Bull case")
        status = health(served)
        assert status["ok"] is True and status["database"] == "unavailable"
        reply = served.slack.command("digest status", served.response_url())
        assert reply.status == 200
        [call] = served.fake.wait_for("response_url")
        assert call.params["text"] == messages.DIGEST_DATABASE_DOWN
        assert len(unavailable_warnings(caplog)) == 1  # once, not per request
        assert not any("Sorry" in str(c.params.get("text")) for c in served.fake.calls)


def test_a_retried_event_is_still_answered_once_without_the_database(engine: Engine) -> None:
    with FakeSlack() as fake, serving(settings_for(fake, closed_port_database()), engine,
                                      fake) as served:
        body = event_body(mention("<@UBOT> BABA catalysts", channel="C0ONCE"), "EvONCE")
        for retry in ("0", "1"):
            headers = signed_headers(body, "application/json", **{"X-Slack-Retry-Num": retry})
            served.slack.post(body, "application/json", headers=headers)
        assert served.fake.wait_until(lambda c: c.params.get("channel") == "C0ONCE")
        served.slack.event(direct_message("help", channel="D0LAST"))  # the retry had its turn
        assert served.fake.wait_until(lambda c: c.params.get("channel") == "D0LAST")
        assert len([c for c in served.fake.calls if c.params.get("channel") == "C0ONCE"]) == 1


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[tuple[str, str]]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (CI sets it; locally PostgreSQL tests are skipped)")
    from tests.notify.helpers import fresh_postgres_database

    for url in fresh_postgres_database(base):
        admin = base.replace("postgresql+psycopg://", "postgresql://")
        yield url, admin
        set_reachable(admin, url, True)


def set_reachable(admin: str, url: str, reachable: bool) -> None:
    """Let connections into the test database, or refuse them and cut the open ones."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(reachable).lower()}')
        if not reachable:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s", [name])


def test_database_lost_mid_run_questions_still_answered_then_it_comes_back(
        engine: Engine, postgres: tuple[str, str], caplog: pytest.LogCaptureFixture) -> None:
    url, admin = postgres
    caplog.set_level(logging.WARNING)
    with FakeSlack() as fake, serving(settings_for(fake, url), engine, fake) as served:
        served.slack.event(direct_message("BABA risks", channel="D0BEFORE"))
        assert card_posted(served, "D0BEFORE", "BABA · Key risks")
        assert eventually(lambda: health(served)["database"] == "ok")

        set_reachable(admin, url, False)
        served.slack.event(mention("<@UBOT> BABA bear case", channel="C0DURING"))
        served.slack.event(direct_message("BABA catalysts", channel="D0DURING"))
        assert card_posted(served, "C0DURING", "BABA · Bear case")
        assert card_posted(served, "D0DURING", "BABA · Catalysts")
        assert len(unavailable_warnings(caplog)) == 1
        assert eventually(lambda: health(served)["database"] == "unavailable", timeout=30)

        set_reachable(admin, url, True)
        assert eventually(lambda: health(served)["database"] == "ok", timeout=30)
        assert any(r.getMessage() == errors.DATABASE_BACK for r in caplog.records)
        served.slack.event(direct_message("BABA bull case", channel="D0AFTER"))
        assert card_posted(served, "D0AFTER", "BABA · Bull case")
    assert not any("Sorry" in str(c.params.get("text")) for c in fake.calls)


def test_with_the_database_known_down_no_answer_waits_to_write_its_question_down(
        engine: Engine) -> None:
    """A question the bot could not answer, or a 👎, is written down only while the database
    is usable: each try at a server that does not answer would wait out a connect timeout
    before (or after) the reply."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from bot.questions import Questions
    from bot.slack.app import Deps
    from bot.slack.records import Database, Records, Vote
    from bot.store import create_engine_for

    store = create_engine_for(closed_port_database())
    tried: list[object] = []
    event.listen(store, "do_connect", lambda *args: tried.append(args))
    database = Database(store, interval=3600)  # no probe during the test
    database.failed(OperationalError("connect", {}, Exception("connection refused")))
    with FakeSlack() as fake:
        deps = Deps(engine, settings_for(fake, closed_port_database()),
                    Records(store, database=database), store, questions=Questions(store))
        unknown = engine.answer("who won the football match")
        assert unknown.card == "unknown"
        deps.note(unknown, "direct message", "U0ASKER")
        deps.thumbs(Vote(False, "risk", "BABA", question="is cloud growing?"))
    assert tried == []  # not one connection attempt
