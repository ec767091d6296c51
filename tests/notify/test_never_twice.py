"""A digest Slack already has is never posted again: not when Slack answers the post after the
client gave up, not when the process dies or loses its database between Slack accepting the
post and the ledger recording it. A retry looks in the channel first (the digest's message
metadata, conversations.history). On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from bot.knowledge.models import Thesis
from bot.notify.delivery import run_due
from bot.notify.subscriptions import channel_status, status_message, subscribe
from tests.fake_slack import FakeSlack
from tests.notify.helpers import (
    client_for,
    ledger,
    posted_days,
    posts,
    process_env,
    thesis_process,
)

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday; 09:00 in London
YESTERDAY = NOW - dt.timedelta(days=1)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture
def slack(fake_slack: FakeSlack) -> FakeSlack:
    """The fake, stamping messages on the simulated day (never the real date)."""
    fake_slack.clock = lambda: NOW.timestamp()
    return fake_slack


def in_channel(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    """The digests a person scrolling the channel sees."""
    return [m for m in fake.history[channel] if (m.get("metadata") or {}).get("event_type")]


def test_a_post_slack_answers_after_the_timeout_is_unconfirmed_then_found_not_reposted(
        store: Engine, baba: Thesis, slack: FakeSlack) -> None:
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    client = client_for(slack)
    client.timeout = 1  # Slack holds its answer until after this
    release = slack.hold("chat.postMessage")

    report = run_due(store, client, [baba], NOW)
    release.set()

    assert [(o.result, o.error) for o in report.outcomes] == [("unknown", "TimeoutError")]
    assert report.failed == [] and "C1 unconfirmed" in report.summary()
    [row] = ledger(store)
    assert row.status == "unknown"
    status = status_message(channel_status(store, "C1"))
    assert "Slack did not confirm the digest for 25 Nov 2026 in time" in status
    assert "failed" not in status
    assert len(in_channel(slack, "C1")) == 1  # Slack has it

    assert run_due(store, client, [baba], NOW + minutes(1)).outcomes[0].result == "taken"
    retry = run_due(store, client, [baba], NOW + minutes(3))
    [first] = in_channel(slack, "C1")
    assert [(o.result, o.message_ts) for o in retry.outcomes] == [("posted", first["ts"])]
    assert len(posts(slack)) == 1 and len(in_channel(slack, "C1")) == 1
    [row] = ledger(store)
    assert (row.status, row.message_ts, row.attempts) == ("posted", first["ts"], 2)
    assert "Last posted for 25 Nov 2026." in status_message(channel_status(store, "C1"))
    assert run_due(store, client, [baba], NOW + minutes(60)).posted == []
    assert len(posts(slack)) == 1


def test_a_timed_out_post_slack_never_kept_is_posted_on_the_retry(
        store: Engine, baba: Thesis, slack: FakeSlack) -> None:
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    client = client_for(slack)
    client.timeout = 1
    release = slack.hold("chat.postMessage")
    assert run_due(store, client, [baba], NOW).unconfirmed
    release.set()
    slack.history.clear()  # Slack dropped it after all

    retry = run_due(store, client, [baba], NOW + minutes(3))
    assert [o.result for o in retry.outcomes] == ["posted"]
    assert len(in_channel(slack, "C1")) == 1
    assert slack.calls_to("conversations.history")


@pytest.mark.slow
def test_process_killed_after_slack_accepted_the_post_is_not_posted_again(
        store: Engine, database_url: str, slack: FakeSlack) -> None:
    subscribe(store, "CKILL", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    env = process_env(database_url, slack)

    killed = thesis_process(["tests.notify.crashing_worker", NOW.isoformat(), "after-post"], env)
    assert killed.wait(timeout=60) == 3
    assert posted_days(slack) == [("CKILL", "2026-11-25")]
    assert [r.status for r in ledger(store)] == ["claimed"]  # Slack has it, the ledger not

    after = thesis_process(["bot.cli.main", "digest", "run-due", "--now",
                            (NOW + minutes(6)).isoformat()], env)
    out, err = after.communicate(timeout=60)
    assert out.endswith("1 posted.\n"), (out, err)
    assert posted_days(slack) == [("CKILL", "2026-11-25")]  # still the one post
    [message] = in_channel(slack, "CKILL")
    [row] = ledger(store)
    assert (row.status, row.message_ts, row.attempts) == ("posted", message["ts"], 2)


@pytest.fixture
def losable(store: Engine) -> Iterator[dict[str, bool]]:
    """A switch that makes every statement on `store` fail as a lost connection does."""
    state = {"lost": False}

    def check(*args: object) -> None:
        if state["lost"]:
            raise OperationalError("UPDATE digest_posts", {},
                                   Exception("server closed the connection unexpectedly"))

    event.listen(store, "before_cursor_execute", check)
    yield state
    event.remove(store, "before_cursor_execute", check)


def test_database_lost_after_slack_accepted_the_post_is_not_posted_again(
        store: Engine, baba: Thesis, slack: FakeSlack, losable: dict[str, bool],
        caplog: pytest.LogCaptureFixture) -> None:
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    client = client_for(slack)
    post = client.chat_postMessage

    def post_then_lose_the_database(**kwargs: Any) -> Any:
        response = post(**kwargs)
        losable["lost"] = True
        return response

    client.chat_postMessage = post_then_lose_the_database  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        report = run_due(store, client, [baba], NOW)
    assert [o.result for o in report.outcomes] == ["posted"]
    assert any("posted (ts" in r.getMessage() and "not recorded" in r.getMessage()
               for r in caplog.records)
    losable["lost"] = False  # the database is back
    assert [r.status for r in ledger(store)] == ["claimed"]

    client.chat_postMessage = post  # type: ignore[method-assign]
    assert run_due(store, client, [baba], NOW + minutes(2)).posted == []  # claim still fresh
    retry = run_due(store, client, [baba], NOW + minutes(6))
    [message] = in_channel(slack, "C1")
    assert [(o.result, o.message_ts) for o in retry.outcomes] == [("posted", message["ts"])]
    assert len(posts(slack)) == 1
    assert [(r.status, r.message_ts) for r in ledger(store)] == [("posted", message["ts"])]


def test_another_apps_digest_in_the_channel_does_not_count_as_ours(
        sqlite_url: str, baba: Thesis, slack: FakeSlack) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    client = client_for(slack)
    slack.fail("chat.postMessage", "internal_error")
    assert run_due(store, client, [baba], NOW).failed
    # A staging install of the bot posts its own digest, same metadata, another bot.
    slack.history["C1"].append({"type": "message", "ts": f"{NOW.timestamp():.0f}.999999",
                                "bot_id": "BSTAGING", "user": "USTAGING", "metadata": {
                                    "event_type": "thesis_digest",
                                    "event_payload": {"local_date": "2026-11-25"}}})
    retry = run_due(store, client, [baba], NOW + minutes(3))
    assert [o.result for o in retry.outcomes] == ["posted"]
    assert [m["bot_id"] for m in in_channel(slack, "C1")] == ["BSTAGING", "BBOT"]


def test_without_the_history_scope_a_retry_still_posts_and_says_what_to_add(
        sqlite_url: str, baba: Thesis, slack: FakeSlack,
        caplog: pytest.LogCaptureFixture) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    client = client_for(slack)
    slack.fail("chat.postMessage", "internal_error")
    run_due(store, client, [baba], NOW)
    slack.fail("conversations.history", "missing_scope")
    with caplog.at_level(logging.WARNING):
        retry = run_due(store, client, [baba], NOW + minutes(3))
    assert [o.result for o in retry.outcomes] == ["posted"]
    assert any("channels:history and groups:history" in r.getMessage() and "reinstall"
               in r.getMessage() for r in caplog.records)


def test_when_slack_cannot_say_whether_it_has_the_digest_the_retry_waits(
        sqlite_url: str, baba: Thesis, slack: FakeSlack) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    client = client_for(slack)
    slack.fail("chat.postMessage", "internal_error")
    run_due(store, client, [baba], NOW)
    slack.fail("conversations.history", "internal_error")
    retry = run_due(store, client, [baba], NOW + minutes(3))
    assert [(o.result, o.error) for o in retry.outcomes] == [("failed", "internal_error")]
    assert len(posts(slack)) == 1  # the first, refused, post only
    assert [o.result for o in run_due(store, client, [baba], NOW + minutes(6)).outcomes] == [
        "posted"]
