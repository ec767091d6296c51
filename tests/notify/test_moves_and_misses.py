"""A channel's digest moved to another time zone neither loses a day nor posts twice (at most
one per local date of the schedule in force, never two within 12 hours), and a digest missed at
its time goes out late within six hours, even past midnight, or is reported as missed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from bot.cli.main import main
from bot.knowledge.models import Thesis
from bot.notify.delivery import run_due
from bot.notify.subscriptions import channel_status, status_message, subscribe
from bot.store import digest_posts
from tests.fake_slack import FakeSlack
from tests.notify.helpers import client_for

UTC = dt.UTC
HONG_KONG, NEW_YORK, SYDNEY = (ZoneInfo(z) for z in
                               ("Asia/Hong_Kong", "America/New_York", "Australia/Sydney"))


def local(zone: ZoneInfo, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)  # type: ignore[misc]


def every_quarter_hour(store: Engine, fake: FakeSlack, theses: list[Thesis],
                       start: dt.datetime, end: dt.datetime) -> list[str]:
    """run-due every 15 minutes from `start` to `end`, as `thesis clock` would: the outcomes."""
    results = []
    now = start
    while now < end:
        report = run_due(store, client_for(fake), theses, now)
        results += [f"{o.result} {o.local_date}" for o in report.outcomes
                    if o.result != "taken"]
        now += dt.timedelta(minutes=15)
    return results


def posted(store: Engine) -> list[tuple[str, dt.date, dt.datetime]]:
    c = digest_posts.c
    with store.begin() as conn:
        rows = conn.execute(select(c.tz, c.local_date, c.posted_at)
                            .where(c.status == "posted").order_by(c.posted_at)).all()
    return [(r.tz, r.local_date, r.posted_at) for r in rows]


def gaps(rows: list[tuple[str, dt.date, dt.datetime]]) -> list[dt.timedelta]:
    return [b[2] - a[2] for a, b in zip(rows, rows[1:], strict=False)]


def test_hong_kong_to_new_york_posts_new_yorks_day_not_lost_to_hong_kongs(
        store: Engine, fake_slack: FakeSlack, baba: Thesis) -> None:
    subscribe(store, "CMOVE", dt.time(8, 30), "Asia/Hong_Kong",
              now=local(HONG_KONG, 2027, 3, 9, 12, 0))
    start = local(HONG_KONG, 2027, 3, 10, 8, 0)
    moved = local(NEW_YORK, 2027, 3, 9, 20, 0)  # half an hour before New York's 20:30
    assert every_quarter_hour(store, fake_slack, [baba], start, moved) == ["posted 2027-03-10"]
    subscribe(store, "CMOVE", dt.time(20, 30), "America/New_York", now=moved)
    after = every_quarter_hour(store, fake_slack, [baba], moved,
                               local(NEW_YORK, 2027, 3, 11, 23, 0))
    # New York's 9 March comes an hour after Hong Kong's 10 March went out: skipped. New
    # York's 10 March is its own day, 25 hours later.
    assert after == ["skipped 2027-03-09", "posted 2027-03-10", "posted 2027-03-11"]
    rows = posted(store)
    assert [(tz, day) for tz, day, _ in rows] == [
        ("Asia/Hong_Kong", dt.date(2027, 3, 10)), ("America/New_York", dt.date(2027, 3, 10)),
        ("America/New_York", dt.date(2027, 3, 11))]
    assert gaps(rows)[0] // dt.timedelta(minutes=1) in (24 * 60 + 59, 25 * 60)  # 25 hours
    assert status_message(channel_status(store, "CMOVE")).startswith(
        "Catalyst digest: weekdays at 20:30 America/New_York. Last posted for 11 Mar 2027.")


def test_new_york_to_sydney_skips_the_slot_eight_hours_after_the_last_post(
        store: Engine, fake_slack: FakeSlack, baba: Thesis) -> None:
    subscribe(store, "CMOVE", dt.time(8, 30), "America/New_York",
              now=local(NEW_YORK, 2027, 3, 8, 12, 0))
    start = local(NEW_YORK, 2027, 3, 9, 8, 0)
    moved = local(NEW_YORK, 2027, 3, 9, 10, 0)
    assert every_quarter_hour(store, fake_slack, [baba], start, moved) == ["posted 2027-03-09"]
    subscribe(store, "CMOVE", dt.time(8, 30), "Australia/Sydney", now=moved)
    after = every_quarter_hour(store, fake_slack, [baba], moved,
                               local(SYDNEY, 2027, 3, 12, 12, 0))
    # Sydney's 10 March 08:30 is eight hours after New York's 9 March: skipped, not missed.
    assert after == ["skipped 2027-03-10", "posted 2027-03-11", "posted 2027-03-12"]
    assert min(gaps(posted(store))) >= dt.timedelta(hours=12)
    assert len(fake_slack.calls_to("chat.postMessage")) == 3


def test_a_schedule_moved_back_and_forth_never_posts_twice_within_12_hours(
        store: Engine, fake_slack: FakeSlack, baba: Thesis) -> None:
    """Three moves in two days across three zones, every day: one post per local date of the
    schedule in force, never two within 12 hours."""
    moves = [(local(HONG_KONG, 2027, 3, 9, 0, 0), "Asia/Hong_Kong", dt.time(8, 30)),
             (local(HONG_KONG, 2027, 3, 9, 9, 0), "Australia/Sydney", dt.time(7, 0)),
             (local(HONG_KONG, 2027, 3, 10, 2, 0), "America/New_York", dt.time(6, 0)),
             (local(HONG_KONG, 2027, 3, 10, 15, 0), "Asia/Hong_Kong", dt.time(23, 45))]
    ends = [m[0] for m in moves[1:]] + [local(HONG_KONG, 2027, 3, 13, 12, 0)]
    for (at, tz, when), end in zip(moves, ends, strict=True):
        subscribe(store, "CBACK", when, tz, weekdays_only=False, now=at)
        every_quarter_hour(store, fake_slack, [baba], at, end)
    rows = posted(store)
    assert len(rows) >= 4 and min(gaps(rows)) >= dt.timedelta(hours=12)
    assert len({(tz, day) for tz, day, _ in rows}) == len(rows)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, fake_slack: FakeSlack) -> str:
    for name in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "THESIS_STALE_AFTER_DAYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    return database_url


def run_at(when: str) -> int:
    return main(["digest", "run-due", "--now", when])


def test_a_2359_digest_nothing_ran_for_at_2359_goes_out_just_after_midnight(
        cli: str, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "subscribe", "C2359", "--at", "23:59", "--tz", "Europe/London"]) == 0
    assert run_at("2026-12-07T23:58:00+00:00") == 0  # a Monday, a minute early
    assert run_at("2026-12-08T00:00:30+00:00") == 0
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.params["metadata"]["event_payload"] == {"local_date": "2026-12-07"}
    capsys.readouterr()
    assert main(["digest", "list"]) == 0
    assert "last posted 7 Dec 2026" in capsys.readouterr().out


def test_a_digest_no_run_came_for_within_six_hours_is_reported_missed_and_exits_1(
        cli: str, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "subscribe", "C2359", "--at", "23:59", "--tz", "Europe/London"]) == 0
    assert run_at("2026-12-07T23:58:00+00:00") == 0
    capsys.readouterr()
    assert run_at("2026-12-08T06:30:00+00:00") == 1
    out, err = capsys.readouterr()
    assert out == ("2026-12-08 06:30 UTC: 0 posted, C2359 missed 7 Dec 2026 (no run within "
                   "six hours of its time).\n")
    assert "digest for C2359 on 7 Dec 2026 missed" in err
    assert fake_slack.calls_to("chat.postMessage") == []
    assert run_at("2026-12-08T06:45:00+00:00") == 0  # reported once, by the run that found it
    capsys.readouterr()
    assert main(["digest", "list"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("C2359  weekdays at 23:59 Europe/London  nothing posted yet  "
                             "⚠ 7 Dec 2026: missed: no run came within six hours")
    from bot.store import open_store

    assert "⚠ The digest for 7 Dec 2026 was not posted: nothing ran within six hours" in \
        status_message(channel_status(open_store(cli), "C2359"))
    # The next day's goes out as usual, and the status then says so.
    assert run_at("2026-12-08T23:59:30+00:00") == 0
    assert status_message(channel_status(open_store(cli), "C2359")).endswith(
        "Last posted for 8 Dec 2026.")
