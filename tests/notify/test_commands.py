"""`thesis digest …` and `thesis clock` on the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from bot.cli.main import main
from bot.notify.clock import JOB_ID, build_scheduler
from bot.notify.subscriptions import subscribe
from bot.store import open_store
from tests.fake_slack import FakeSlack
from tests.notify.helpers import posted_days, process_env, thesis_process

UTC = dt.UTC


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    """A clean environment: this test's database, no Slack settings of the developer's."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_API_URL", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
                 "THESIS_STALE_AFTER_DAYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_subscribe_list_and_unsubscribe(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "list"]) == 0
    assert capsys.readouterr().out == (
        "No channel gets the digest yet. Add one with: "
        "thesis digest subscribe C0123 --at 08:30 --tz Europe/London\n")
    assert main(["digest", "subscribe", "C0123", "--at", "7:45", "--tz", "asia/hong_kong",
                 "--daily"]) == 0
    assert capsys.readouterr().out == (
        "Subscribed C0123: every day at 07:45 Asia/Hong_Kong. "
        "The first digest goes out at the next of those times.\n")
    assert main(["digest", "subscribe", "C0456"]) == 0
    capsys.readouterr()
    assert main(["digest", "list"]) == 0
    assert capsys.readouterr().out == (
        "C0123  every day at 07:45 Asia/Hong_Kong  nothing posted yet\n"
        "C0456  weekdays at 08:30 UTC  nothing posted yet\n")
    assert main(["digest", "unsubscribe", "C0123"]) == 0
    assert capsys.readouterr().out == "Unsubscribed C0123; its post history is kept.\n"
    assert main(["digest", "unsubscribe", "C0123"]) == 0
    assert capsys.readouterr().out == "C0123 was not subscribed; nothing to do.\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--at", "7:75"], '"7:75" is not a time. Use HH:MM on a 24-hour clock, e.g. 08:30.'),
    (["--tz", "Mars/Olympus"], '"Mars/Olympus" is not a time zone I know. Use an IANA name '
                               "such as Europe/London or Asia/Hong_Kong."),
])
def test_bad_schedule_is_one_polite_line_and_exit_1(
        env: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(["digest", "subscribe", "C0123", *args]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"thesis: {message}\n")


def test_run_due_without_a_token_says_which_variable_and_exits_2(
        env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "run-due"]) == 2
    assert capsys.readouterr().err == (
        "thesis: SLACK_BOT_TOKEN is not set: the bot posts with it (the xoxb-… Bot User OAuth "
        "Token). Set it in the environment and retry.\n")


def test_run_due_posts_then_list_shows_it_and_the_token_is_never_printed(
        env: str, monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack,
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, tzinfo=UTC), tick=False):
        main(["digest", "subscribe", "C1", "--at", "08:30", "--tz", "Europe/London"])
        main(["digest", "subscribe", "C2", "--at", "08:30", "--tz", "Europe/London"])
    fake_slack.fail("chat.postMessage", "not_in_channel")
    capsys.readouterr()

    assert main(["digest", "run-due", "--now", "2026-11-26T09:00:00Z"]) == 1  # C1 not posted
    out = capsys.readouterr().out
    assert out == "2026-11-26 09:00 UTC: 1 posted, C1 failed (not_in_channel).\n"
    assert main(["digest", "list"]) == 0
    listing = capsys.readouterr().out
    assert "C1  weekdays at 08:30 Europe/London  nothing posted yet  ⚠ 26 Nov 2026: I am not " \
           "a member of this channel. Invite me with /invite @thesis-bot" in listing
    assert "C2  weekdays at 08:30 Europe/London  last posted 26 Nov 2026" in listing
    assert "xoxb-very-secret" not in out + listing + caplog.text


def test_run_due_without_now_uses_the_clock(
        env: str, monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    with time_machine.travel(dt.datetime(2026, 11, 27, 7, 0, tzinfo=UTC), tick=False) as t:
        main(["digest", "subscribe", "C1", "--at", "08:30", "--tz", "Europe/London"])
        for hour in (8.4, 8.5, 12, 23.9, 24 + 9, 48 + 9, 72 + 9):  # Fri … Sat, Sun, Mon
            t.move_to(dt.datetime(2026, 11, 27, tzinfo=UTC) + dt.timedelta(hours=hour))
            main(["digest", "run-due"])
    assert posted_days(fake_slack) == [("C1", "2026-11-27"), ("C1", "2026-11-30")]
    assert "2026-11-27 08:30 UTC: 1 posted." in capsys.readouterr().out


def test_preview_prints_the_digest_for_a_date(
        env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "preview", "--date", "2025-11-25"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Catalyst digest · Tue 25 Nov 2025\n")
    assert "Buyback authorization: through March 2027 — in 16 months" in out
    assert main(["digest", "preview", "--date", "25/11/2025"]) == 1
    assert capsys.readouterr().err == (
        'thesis: "25/11/2025" is not a date. Use YYYY-MM-DD, e.g. --date 2026-11-25.\n')


def test_preview_reads_the_knowledge_folder_given(
        env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--knowledge", str(tmp_path), "digest", "preview"]) == 0
    assert "No thesis is loaded yet" in capsys.readouterr().out
    assert main(["--knowledge", str(tmp_path / "missing"), "digest", "preview"]) == 2
    assert capsys.readouterr().err.startswith("thesis: cannot load theses:")


def test_clock_runs_run_due_every_minute_under_one_job_id() -> None:
    scheduler = build_scheduler(lambda: None)
    job = scheduler.get_job(JOB_ID)
    assert job.trigger.interval == dt.timedelta(minutes=1)
    assert (job.coalesce, job.max_instances) == (True, 1)


@pytest.mark.slow
def test_clock_process_posts_a_due_digest_on_start(sqlite_url: str,
                                                  fake_slack: FakeSlack) -> None:
    store = open_store(sqlite_url)
    # due an hour ago, whatever the hour the test runs at (a digest over six hours late is
    # recorded as missed, not posted)
    due = (dt.datetime.now(UTC) - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    subscribe(store, "CCLOCK", due, "UTC", weekdays_only=False,
              now=dt.datetime.now(UTC) - dt.timedelta(days=2))
    clock = thesis_process(["bot.cli.main", "clock"], process_env(sqlite_url, fake_slack))
    try:
        calls = fake_slack.wait_for("chat.postMessage", 1, timeout=120)
    finally:
        clock.terminate()
        clock.wait(timeout=10)
    assert [c.params["channel"] for c in calls] == ["CCLOCK"]


@pytest.mark.slow
def test_clock_without_a_token_stops_at_once(sqlite_url: str, fake_slack: FakeSlack) -> None:
    env = process_env(sqlite_url, fake_slack)
    del env["SLACK_BOT_TOKEN"]
    clock = thesis_process(["bot.cli.main", "clock"], env)
    _, err = clock.communicate(timeout=20)
    assert clock.returncode == 2
    assert err.strip().endswith("thesis: SLACK_BOT_TOKEN is not set: the bot posts with it "
                                "(the xoxb-… Bot User OAuth Token). Set it in the environment "
                                "and retry.")
