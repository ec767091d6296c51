"""What `/thesis digest on|off|status|preview` does, through the functions the listener calls."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import Engine

from bot.errors import UserError
from bot.knowledge.models import Thesis
from bot.notify.delivery import run_due
from bot.notify.subscriptions import (
    DigestRequest,
    channel_status,
    parse_digest_args,
    preview,
    preview_date,
    status_message,
    subscribe,
    subscribed_message,
    unsubscribe,
    unsubscribed_message,
    user_time_zone,
)
from tests.fake_slack import FakeSlack
from tests.notify.helpers import client_for, posts

T = dt.time
UTC = dt.UTC
LONDON = dt.timezone(dt.timedelta(0))  # Europe/London is on GMT in late November


@pytest.mark.parametrize(("text", "request_"), [
    ("on 07:45 Europe/London daily", DigestRequest("on", T(7, 45), "Europe/London", False)),
    ("on", DigestRequest("on")),
    ("ON asia/hong_kong 8:05", DigestRequest("on", T(8, 5), "Asia/Hong_Kong", True)),
    ("digest on 09:00 UTC weekdays", DigestRequest("on", T(9, 0), "UTC", True)),
    ("", DigestRequest("preview")),
    ("preview", DigestRequest("preview")),
    ("off", DigestRequest("off")),
    ("status", DigestRequest("status")),
])
def test_digest_commands_are_understood(text: str, request_: DigestRequest) -> None:
    assert parse_digest_args(text) == request_


@pytest.mark.parametrize(("text", "message"), [
    ("on 25:00", '"25:00" is not a time. Use HH:MM on a 24-hour clock, e.g. 08:30.'),
    ("on 8.30", '"8.30" is not a time. Use HH:MM on a 24-hour clock, e.g. 08:30.'),
    ("on Europe/Londn", '"Europe/Londn" is not a time zone I know. Use an IANA name such as '
                        "Europe/London or Asia/Hong_Kong."),
    ("on tomorrow", 'I did not understand "tomorrow". For example: '
                    "/thesis digest on 08:30 Europe/London daily."),
    ("pause", '"pause" is not a digest command. Use on, off, status or preview, e.g. '
              "/thesis digest on 08:30 Europe/London."),
    ("off now", 'I did not understand "now". For example: '
                "/thesis digest on 08:30 Europe/London daily."),
    ("<!channel>", '"&lt;!channel&gt;" is not a digest command. Use on, off, status or '
                   "preview, e.g. /thesis digest on 08:30 Europe/London."),
])
def test_mistakes_get_one_polite_line_naming_the_fix(text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_digest_args(text)
    assert str(caught.value) == message


def test_status_tells_the_schedule_then_the_last_post(
        store: Engine, baba: Thesis, fake_slack: FakeSlack) -> None:
    assert status_message(channel_status(store, "C1")).startswith(
        "This channel has no catalyst digest. Turn one on with /thesis digest on 08:30 "
        "Europe/London")
    sub = subscribe(store, "C1", T(8, 30), "Europe/London", False, "U1",
                    now=dt.datetime(2026, 11, 24, tzinfo=UTC))
    assert subscribed_message(sub).startswith(
        "Catalyst digest on: every day at 08:30 Europe/London, here in <#C1>.")
    assert status_message(channel_status(store, "C1")) == (
        "Catalyst digest: every day at 08:30 Europe/London. Nothing posted yet.")
    run_due(store, client_for(fake_slack), [baba], dt.datetime(2026, 11, 25, 9, tzinfo=UTC))
    assert status_message(channel_status(store, "C1")) == (
        "Catalyst digest: every day at 08:30 Europe/London. Last posted for 25 Nov 2026.")
    assert unsubscribed_message(unsubscribe(store, "C1")).startswith("Catalyst digest off")
    assert unsubscribed_message(unsubscribe(store, "C1")).startswith(
        "This channel had no catalyst digest.")
    assert status_message(channel_status(store, "C1")).startswith(
        "This channel has no catalyst digest.")


def test_subscribing_after_todays_time_posts_from_tomorrow(
        sqlite_url: str, baba: Thesis, fake_slack: FakeSlack) -> None:
    from bot.store import open_store

    store = open_store(sqlite_url)
    client = client_for(fake_slack)
    with time_machine.travel(dt.datetime(2026, 11, 24, 15, 0, tzinfo=LONDON), tick=False) as t:
        subscribe(store, "C1", T(8, 30), "Europe/London", user_id="U1")  # now = travelled 15:00
        t.shift(dt.timedelta(hours=1))
        assert run_due(store, client, [baba], dt.datetime.now(UTC)).outcomes == []
        t.move_to(dt.datetime(2026, 11, 25, 8, 30, tzinfo=LONDON))
        assert len(run_due(store, client, [baba], dt.datetime.now(UTC)).posted) == 1
    assert [c.params["metadata"]["event_payload"]["local_date"] for c in posts(fake_slack)] == [
        "2026-11-25"]


def test_changing_the_schedule_keeps_who_turned_it_on_and_when(
        store: Engine, baba: Thesis, fake_slack: FakeSlack) -> None:
    first = dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    subscribe(store, "C1", T(8, 30), "Europe/London", user_id="U1", now=first)
    change = dt.datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    sub = subscribe(store, "C1", T(14, 0), "Europe/London", False, "U2", now=change)
    assert (sub.created_by, sub.created_at) == ("U1", first)
    assert (sub.updated_by, sub.updated_at) == ("U2", change)
    assert sub.schedule.describe() == "every day at 14:00 Europe/London"
    assert channel_status(store, "C1").subscription == sub
    # Like a new subscription, a changed one does not post at once for a time already past.
    client = client_for(fake_slack)
    assert run_due(store, client, [baba], change + dt.timedelta(minutes=5)).outcomes == []
    assert len(run_due(store, client, [baba], change + dt.timedelta(days=1)).posted) == 1


def test_default_time_zone_is_the_requesting_users(fake_slack: FakeSlack) -> None:
    fake_slack.set_user_tz("U_TOKYO", "Asia/Tokyo", 32400)
    client = client_for(fake_slack)
    assert user_time_zone(client, "U_TOKYO") == "Asia/Tokyo"
    fake_slack.fail("users.info", "user_not_found")
    assert user_time_zone(client, "U_GONE") == "UTC"


def test_preview_is_for_today_in_the_channels_time_zone(
        store: Engine, baba: Thesis) -> None:
    now = dt.datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # already the 26th in Tokyo
    assert preview_date(store, "C1", "America/New_York", now) == dt.date(2026, 11, 25)
    subscribe(store, "C1", T(8, 30), "Asia/Tokyo", now=now)
    day = preview_date(store, "C1", "America/New_York", now)
    assert day == dt.date(2026, 11, 26)
    text, blocks = preview([baba], day)
    assert blocks[0]["text"]["text"] == "Catalyst digest · Thu 26 Nov 2026"
    assert "BABA · Catalysts" in str(blocks)  # the catalysts button
