"""A full disk under SQLite (reproduced with SQLite's max_page_count) is reported as a full
disk, to the operator on the command line and to a person pressing 👍, never as "cannot open
the database" or "something went wrong"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

import bot.slack.app
import bot.store
from bot import errors
from bot.cli.main import main
from bot.engine.matcher import Engine as Answers
from bot.notify.subscriptions import subscribe
from bot.render import messages
from bot.slack.records import Records, Vote
from tests.fake_slack import FakeSlack
from tests.slack.conftest import serving
from tests.slack.test_actions import press
from tests.slack.test_database_down import settings_for

REAL = bot.store.create_engine_for
# The channels filling the disk subscribed on this day, not on the day the test runs: a
# subscription made after its slot is first due the next day.
SUBSCRIBED = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def capped(url: str) -> Engine:
    """An engine whose every connection may not grow the file past its size at connect."""
    engine = REAL(url)

    @event.listens_for(engine, "connect")
    def _cap(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {max(pages, 1)}")

    return engine


def fill(write: Any) -> None:
    """Write until SQLite says the database is full."""
    with pytest.raises(OperationalError, match="database or disk is full"):
        for i in range(100_000):
            write(i)


@pytest.fixture
def full(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A SQLite database with the schema, whose file may not grow any more: every process
    opening it here gets the cap."""
    bot.store.open_store(sqlite_url).dispose()
    monkeypatch.setattr(bot.store, "create_engine_for", capped)
    monkeypatch.setattr(bot.slack.app, "create_engine_for", capped)
    store = capped(sqlite_url)
    fill(lambda i: subscribe(store, f"CFILL{i}", dt.time(8, 30), "UTC", now=SUBSCRIBED))
    fill(lambda i: Records(store).record_vote(Vote(True, "risk", question="q" * 200,
                                                   user_id=f"U{i}")))
    store.dispose()
    yield sqlite_url


def test_subscribe_and_run_due_on_a_full_disk_say_the_disk_is_full(
        full: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        fake_slack: FakeSlack) -> None:
    monkeypatch.setenv("DATABASE_URL", full)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    assert main(["digest", "subscribe", "C0NEWCHANNEL", "--at", "08:30", "--tz", "UTC"]) == 2
    assert capsys.readouterr().err == f"thesis: {errors.DATABASE_DISK_FULL}.\n"
    due = SUBSCRIBED.replace(hour=8, minute=31).isoformat()  # a minute after the fillers' slot
    assert main(["digest", "run-due", "--now", due]) != 0
    err = capsys.readouterr().err
    assert "cannot open the database" not in err and "Traceback" not in err


def test_a_vote_on_a_full_disk_is_thanked_and_says_it_could_not_be_saved(
        full: str, engine: Answers, caplog: pytest.LogCaptureFixture) -> None:
    with FakeSlack() as fake, serving(settings_for(fake, full), engine, fake) as served:
        [reply] = press(served, "feedback:up", {"c": "risk", "t": "BABA", "q": "x" * 300},
                        user="U0NEWVOTER")
    assert reply["text"] == messages.feedback_not_saved(helpful=True, disk_full=True)
    assert any(r.getMessage().startswith(errors.DATABASE_DISK_FULL) for r in caplog.records)
