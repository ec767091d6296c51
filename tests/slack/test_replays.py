"""A captured, signed slash command or button press sent again within the signature's five
minutes acts once: commands by their trigger_id, presses by their action_ts and user, across
processes through the database, and from memory while the database is down."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bot.engine.matcher import Engine
from bot.render.limits import encode_value
from tests.fake_slack import FakeSlack
from tests.slack.conftest import Served, calls_after_sentinel, serving
from tests.slack.signed import action_body, command_body, signed_headers
from tests.slack.test_database_down import PG_ENV, closed_port_database, settings_for

FORM = "application/x-www-form-urlencoded"


def replay(served: Served, body: str, times: int) -> None:
    """The same signed request, headers and all, `times` times."""
    headers = signed_headers(body, FORM)
    for _ in range(times):
        assert served.slack.post(body, FORM, headers=headers).status == 200


def test_a_replayed_slash_command_is_answered_once(served: Served) -> None:
    body = command_body("BABA risks", served.response_url())
    replay(served, body, 1)
    served.replies("response_url")
    replay(served, body, 19)
    assert [c.method for c in calls_after_sentinel(served)] == ["response_url"]


def test_a_replayed_share_posts_once_and_a_new_press_shares_again(served: Served) -> None:
    body = action_body("share", encode_value({"c": "risk", "t": "BABA"}),
                       served.response_url("action"))
    replay(served, body, 1)
    served.replies("response_url", 2)  # the public post, then the private copy deleted
    replay(served, body, 9)
    calls = calls_after_sentinel(served)
    public = [c for c in calls if c.params.get("response_type") == "in_channel"]
    assert len(public) == 1 and len(calls) == 2
    served.fake.clear()
    again = action_body("share", encode_value({"c": "risk", "t": "BABA"}),
                        served.response_url("action"))  # a second press: a new action_ts
    replay(served, again, 1)
    assert served.replies("response_url", 2)


def test_the_same_command_text_sent_twice_is_answered_twice(served: Served) -> None:
    for _ in range(2):
        replay(served, command_body("BABA risks", served.response_url()), 1)
    assert len(served.replies("response_url", 2)) == 2


@contextmanager
def two_processes(engine: Engine, database_url: str) -> Iterator[tuple[Served, Served]]:
    """Two apps, as two processes would be, sharing one database and one fake Slack."""
    with FakeSlack() as fake, ExitStack() as stack:
        settings = settings_for(fake, database_url)
        first = stack.enter_context(serving(settings, engine, fake))
        second = stack.enter_context(serving(settings, engine, fake))
        yield first, second


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One database two processes share: SQLite, and PostgreSQL when THESIS_TEST_DATABASE_URL
    is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (CI sets it; locally PostgreSQL tests are skipped)")
    from tests.notify.helpers import fresh_postgres_database

    yield from fresh_postgres_database(base)


def test_a_replay_to_another_process_is_not_answered_again(
        engine: Engine, shared_database: str) -> None:
    with two_processes(engine, shared_database) as (first, second):
        command = command_body("BABA bull case", first.response_url())
        press = action_body("share", encode_value({"c": "bull", "t": "BABA"}),
                            first.response_url("action"))
        for body in (command, press):
            replay(first, body, 1)
            replay(second, body, 1)
            replay(first, body, 1)
        calls = [c for c in calls_after_sentinel(second) if c.method == "response_url"]
        assert sorted(c.params.get("response_type", "-") for c in calls) == \
            ["-", "ephemeral", "in_channel"]  # one answer, one share and its delete


def test_without_the_database_a_replay_is_still_answered_once(engine: Engine) -> None:
    with FakeSlack() as fake, serving(settings_for(fake, closed_port_database()), engine,
                                      fake) as served:
        body = command_body("BABA catalysts", served.response_url())
        replay(served, body, 1)
        served.replies("response_url")
        replay(served, body, 5)
        calls = calls_after_sentinel(served)
        assert [c.method for c in calls if c.method == "response_url"] == ["response_url"]
