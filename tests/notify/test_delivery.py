"""Delivery: one post per channel per local day, from any number of processes, through crashes
and Slack errors."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from bot.knowledge.models import Thesis
from bot.notify.delivery import MAX_ATTEMPTS, run_due
from bot.notify.subscriptions import channel_status, status_message, subscribe, unsubscribe
from tests.fake_slack import FakeSlack
from tests.notify.conftest import catalyst, thesis_like
from tests.notify.helpers import (
    client_for,
    ledger,
    posted_days,
    posts,
    process_env,
    thesis_process,
)

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday
YESTERDAY = NOW - dt.timedelta(days=1)
ZONES = ["Europe/London", "Europe/Paris", "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Kolkata",
         "Australia/Sydney", "America/Sao_Paulo", "Africa/Johannesburg"]


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def _subscribe_all_due(store: Engine) -> list[str]:
    """Eight channels around the world, each due a minute before NOW (every day), subscribed
    two hours before."""
    channels = [f"C{i:02d}" for i in range(len(ZONES))]
    for channel, tz in zip(channels, ZONES, strict=True):
        at = (NOW - minutes(1)).astimezone(ZoneInfo(tz)).time().replace(second=0)
        subscribe(store, channel, at, tz, weekdays_only=False, now=NOW - minutes(120))
    return channels


@pytest.mark.slow
def test_parallel_run_due_processes_post_each_channel_exactly_once(
        store: Engine, database_url: str, fake_slack: FakeSlack) -> None:
    channels = _subscribe_all_due(store)
    env = process_env(database_url, fake_slack)
    run = ["bot.cli.main", "digest", "run-due", "--now", NOW.isoformat()]
    procs = [thesis_process(run, env) for _ in range(4)]
    results = [p.communicate(timeout=60) for p in procs]

    assert [p.returncode for p in procs] == [0] * 4, results
    assert sorted(c for c, _ in posted_days(fake_slack)) == channels
    rows = ledger(store)
    assert [(r.channel_id, r.status) for r in rows] == [(c, "posted") for c in channels]
    assert len({r.message_ts for r in rows}) == len(channels)
    assert sum(int(out.split(" posted")[0].split()[-1]) for out, _ in results) == len(channels)

    # Later the same day, more processes find nothing left to do.
    later = ["bot.cli.main", "digest", "run-due", "--now", (NOW + minutes(90)).isoformat()]
    again = [thesis_process(later, env) for _ in range(2)]
    assert all(p.wait(timeout=60) == 0 for p in again)
    assert len(posts(fake_slack)) == len(channels)


@pytest.mark.slow
def test_process_killed_between_claim_and_post_is_recovered_after_the_timeout(
        store: Engine, database_url: str, fake_slack: FakeSlack) -> None:
    subscribe(store, "CCRASH", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    env = process_env(database_url, fake_slack)

    crashed = thesis_process(["tests.notify.crashing_worker", NOW.isoformat()], env)
    assert crashed.wait(timeout=60) == 3
    assert [r.status for r in ledger(store)] == ["claimed"] and not posts(fake_slack)

    soon = thesis_process(["bot.cli.main", "digest", "run-due", "--now",
                           (NOW + minutes(2)).isoformat()], env)
    assert "already posted or in progress elsewhere" in soon.communicate(timeout=60)[0]
    assert not posts(fake_slack)  # the claim is still fresh: maybe that process is just slow

    after = thesis_process(["bot.cli.main", "digest", "run-due", "--now",
                            (NOW + minutes(6)).isoformat()], env)
    assert after.communicate(timeout=60)[0].endswith("1 posted.\n")
    assert posted_days(fake_slack) == [("CCRASH", "2026-11-25")]
    [row] = ledger(store)
    assert (row.status, row.attempts) == ("posted", 2)


def test_crash_in_process_leaves_the_claim_to_the_next_run(
        store: Engine, baba: Thesis, fake_slack: FakeSlack) -> None:
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    client = client_for(fake_slack)

    def crash(channel: str, day: dt.date) -> None:
        raise SystemExit("killed")

    with pytest.raises(SystemExit):
        run_due(store, client, [baba], NOW, after_claim=crash)
    assert run_due(store, client, [baba], NOW + minutes(1)).posted == []
    assert len(run_due(store, client, [baba], NOW + minutes(6)).posted) == 1
    assert len(posts(fake_slack)) == 1


@pytest.mark.slow
def test_rate_limited_post_waits_for_retry_after_then_posts(
        sqlite_url: str, baba: Thesis, fake_slack: FakeSlack) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    fake_slack.rate_limit("chat.postMessage", retry_after=1)

    started = time.monotonic()
    report = run_due(store, client_for(fake_slack), [baba], NOW)

    assert [o.result for o in report.outcomes] == ["posted"]
    first, second = posts(fake_slack)
    assert second.at - first.at >= 1.0 and time.monotonic() - started < 10
    assert [r.status for r in ledger(store)] == ["posted"]


def test_bot_not_in_channel_is_recorded_shown_and_not_retried_that_day(
        store: Engine, baba: Thesis, fake_slack: FakeSlack) -> None:
    subscribe(store, "CGONE", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    client = client_for(fake_slack)
    fake_slack.fail("chat.postMessage", "not_in_channel")

    report = run_due(store, client, [baba], NOW)
    assert [(o.result, o.error) for o in report.outcomes] == [("gave_up", "not_in_channel")]
    status = status_message(channel_status(store, "CGONE"))
    assert "⚠ The digest for 25 Nov 2026 failed: I am not a member of this channel. " \
           "Invite me with /invite @thesis-bot. I will try again at the next scheduled time." \
           in status

    for later in (minutes(3), minutes(10), minutes(120), minutes(14 * 60)):
        run_due(store, client, [baba], NOW + later)
    assert len(posts(fake_slack)) == 1  # not retried the same day

    # Someone invites the bot; the next day's digest goes out and the warning clears.
    report = run_due(store, client, [baba], NOW + dt.timedelta(days=1))
    assert [o.result for o in report.outcomes] == ["posted"]
    status = status_message(channel_status(store, "CGONE"))
    assert "Last posted for 26 Nov 2026." in status and "⚠" not in status


@pytest.mark.parametrize("error", ["channel_not_found", "is_archived"])
def test_other_lost_channel_errors_are_final_for_the_day(
        sqlite_url: str, baba: Thesis, fake_slack: FakeSlack, error: str) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    fake_slack.fail("chat.postMessage", error)
    client = client_for(fake_slack)
    run_due(store, client, [baba], NOW)
    run_due(store, client, [baba], NOW + minutes(30))
    assert len(posts(fake_slack)) == 1
    assert channel_status(store, "C1").subscription.last_error == error


def test_transient_slack_error_is_retried_on_a_later_run(
        store: Engine, baba: Thesis, fake_slack: FakeSlack) -> None:
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    client = client_for(fake_slack)
    fake_slack.fail("chat.postMessage", "internal_error")

    assert [o.result for o in run_due(store, client, [baba], NOW).outcomes] == ["failed"]
    assert ("The digest for 25 Nov 2026 failed: Slack answered `internal_error`. "
            "I will retry shortly.") in status_message(channel_status(store, "C1"))
    assert run_due(store, client, [baba], NOW + minutes(1)).posted == []  # too soon
    assert len(run_due(store, client, [baba], NOW + minutes(3)).posted) == 1
    assert len(posts(fake_slack)) == 2
    assert "⚠" not in status_message(channel_status(store, "C1"))


def test_a_database_error_or_bug_shows_a_fixed_sentence_not_the_exception(
        store: Engine, baba: Thesis, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.notify import delivery

    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)

    def broken(*args: object) -> None:
        raise OperationalError("SELECT secret", {}, Exception("server closed the connection"))

    monkeypatch.setattr(delivery, "digest_blocks", broken)
    report = run_due(store, client_for(fake_slack), [baba], NOW)
    assert [(o.result, o.error) for o in report.outcomes] == [("failed", "internal error")]
    assert "C1 failed (internal error)" in report.summary()
    status = status_message(channel_status(store, "C1"))
    assert status.endswith("⚠ The digest for 25 Nov 2026 failed: an internal error; it will be "
                           "retried.")
    assert "OperationalError" not in status and "secret" not in status
    assert any(r.exc_info and "server closed" in str(r.exc_info[1]) for r in caplog.records)

    monkeypatch.undo()
    assert len(run_due(store, client_for(fake_slack), [baba], NOW + minutes(3)).posted) == 1


def test_an_exception_name_stored_by_an_older_version_reads_as_an_internal_error() -> None:
    from bot.notify.subscriptions import explain_error

    assert explain_error("OperationalError") == "an internal error; it will be retried"
    assert explain_error("ratelimited") == "Slack answered `ratelimited`"


def test_a_failure_that_never_clears_stops_after_the_attempt_limit(
        sqlite_url: str, baba: Thesis, fake_slack: FakeSlack) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    fake_slack.fail("chat.postMessage", "fatal_error", times=50)
    client = client_for(fake_slack)
    for step in range(MAX_ATTEMPTS + 4):
        run_due(store, client, [baba], NOW + minutes(3 * step))
    assert len(posts(fake_slack)) == MAX_ATTEMPTS
    assert "I will try again at the next scheduled time." in status_message(
        channel_status(store, "C1"))


def test_posted_digest_is_the_card_with_its_local_date(
        sqlite_url: str, baba: Thesis, fake_slack: FakeSlack) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    subscribe(store, "CHK", dt.time(16, 30), "Asia/Hong_Kong", now=YESTERDAY)
    run_due(store, client_for(fake_slack), [baba], NOW)  # 17:00 in Hong Kong
    [call] = posts(fake_slack)
    assert call.params["channel"] == "CHK"
    assert call.params["blocks"][0]["text"]["text"] == "Catalyst digest · Wed 25 Nov 2026"
    assert call.params["text"].startswith("Catalyst digest · Wed 25 Nov 2026:")
    assert call.params["metadata"]["event_payload"] == {"local_date": "2026-11-25"}
    assert call.params["unfurl_links"] is False
    assert call.headers["Authorization"] == "Bearer xoxb-test"


def test_next_digest_shows_what_passed_since_the_last_one(
        sqlite_url: str, baba: Thesis, fake_slack: FakeSlack) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    acme = thesis_like(baba, "ACME", [
        catalyst("vote", "Shareholder vote", when=dt.date(2026, 11, 20), what="EGM"),
    ])
    thursday = dt.datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=thursday - minutes(60))
    client = client_for(fake_slack)
    run_due(store, client, [acme], thursday)  # 8 days before: not yet "soon"
    run_due(store, client, [acme], thursday + dt.timedelta(days=11))  # Monday 23 Nov
    first, second = ("\n".join(b["text"]["text"] for b in c.params["blocks"][1:3]
                               if "text" in b)
                     for c in posts(fake_slack))
    assert "nothing due in the next 7 days" in first
    assert "(record one as `status:` in the thesis file)*\n" \
        "• *ACME* Shareholder vote — EGM: 20 Nov 2026 — 3 days ago" in second


def test_unsubscribed_channel_gets_nothing(
        sqlite_url: str, baba: Thesis, fake_slack: FakeSlack) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    subscribe(store, "C1", dt.time(8, 30), "Europe/London", now=YESTERDAY)
    assert unsubscribe(store, "C1") is True
    assert unsubscribe(store, "C1") is False
    assert run_due(store, client_for(fake_slack), [baba], NOW).outcomes == []
    assert not posts(fake_slack)


@pytest.mark.slow
def test_the_digest_posts_without_loading_bolt() -> None:
    import subprocess
    import sys

    code = ("import sys, bot.cli.clock, bot.cli.digest, bot.notify.delivery, "
            "bot.slack.client; assert 'slack_bolt' not in sys.modules, 'Bolt was imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_one_client_factory_names_a_missing_token_the_same_way_for_app_and_digest() -> None:
    from bot import errors
    from bot.settings import Settings
    from bot.slack import app, client

    assert app.web_client is client.web_client
    with pytest.raises(errors.UserError) as caught:
        client.web_client(Settings(slack_bot_token=None))
    assert str(caught.value) == str(errors.missing_slack_setting("SLACK_BOT_TOKEN"))
    assert caught.value.exit_code == 2
