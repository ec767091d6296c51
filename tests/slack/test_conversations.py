"""Follow-ups: in a thread or a DM, a question naming no thesis continues with the one the
conversation is about, over signed HTTP against the fake Web API, with a book of five theses
(so a question naming none would otherwise ask "which?")."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine as Store
from sqlalchemy.exc import OperationalError

from bot.engine.matcher import Engine
from bot.slack.conversations import FOLLOW_FOR, Conversations, dm_key, thread_key
from bot.slack.records import Database
from bot.store import create_engine_for
from tests.fake_slack import FakeSlack
from tests.render.block_rules import message_problems
from tests.slack.conftest import Served, make_settings, serving
from tests.slack.signed import direct_message, mention, message_ts


@pytest.fixture(scope="module")
def book_served(book_engine: Engine, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Served]:
    database = tmp_path_factory.mktemp("conversations") / "thesis-bot.db"
    with FakeSlack() as fake, serving(make_settings(fake, database), book_engine,
                                      fake) as served:
        yield served


@pytest.fixture
def book(book_served: Served) -> Served:
    book_served.fake.clear()
    return book_served


def ask(served: Served, event: dict[str, Any]) -> dict[str, Any]:
    """The card posted in answer to one event (waited for by its channel and thread)."""
    assert served.slack.event(event).status == 200
    thread = event.get("thread_ts") or (event["ts"] if event["type"] == "app_mention" else None)
    call = served.fake.wait_until(
        lambda c: c.method == "chat.postMessage" and c.params.get("channel") == event["channel"]
        and c.params.get("thread_ts") == thread)
    assert call is not None, f"no reply to {event['text']!r}"
    served.fake.clear()
    params = call.params
    assert not message_problems(params["text"], params["blocks"])
    return params


def title(params: dict[str, Any]) -> str:
    first = params["blocks"][0]
    return str(first["text"]["text"]) if first["type"] == "header" else ""


def test_a_thread_follow_up_keeps_the_thesis_of_the_thread(book: Served) -> None:
    root = mention("<@UBOT> NRGX risks", channel="C0THREAD")
    assert title(ask(book, root)) == "NRGX · Key risks"
    follow_up = mention("<@UBOT> and the catalysts?", channel="C0THREAD", user="U0OTHER",
                        thread_ts=root["ts"])
    assert title(ask(book, follow_up)) == "NRGX · Catalysts, following up"
    # The same words outside that thread name no thesis: "which company?"
    elsewhere = ask(book, mention("<@UBOT> and the catalysts?", channel="C0THREAD"))
    assert "Which company do you mean?" in json.dumps(elsewhere["blocks"])


def test_naming_another_thesis_switches_the_thread(book: Served) -> None:
    root = mention("<@UBOT> NRGX catalysts", channel="C0SWITCH")
    ask(book, root)
    switched = ask(book, mention("<@UBOT> what are BABA's risks?", channel="C0SWITCH",
                                 thread_ts=root["ts"]))
    assert title(switched) == "BABA · Key risks"  # named: not "following up"
    after = ask(book, mention("<@UBOT> and the bull case?", channel="C0SWITCH",
                              thread_ts=root["ts"]))
    assert title(after) == "BABA · Bull case, following up"


def test_a_dm_follow_up_keeps_its_thesis_and_another_users_dm_does_not_inherit_it(
        book: Served) -> None:
    ask(book, direct_message("NRGX risks", user="U0FIRST", channel="D0FIRST"))
    follow_up = ask(book, direct_message("and the catalysts?", user="U0FIRST",
                                         channel="D0FIRST"))
    assert title(follow_up) == "NRGX · Catalysts, following up"
    # Another user, in their own DM and even under the same DM id, starts from nothing.
    for channel in ("D0SECOND", "D0FIRST"):
        other = ask(book, direct_message("and the catalysts?", user="U0SECOND",
                                         channel=channel))
        assert "NRGX" not in title(other)
        assert "Which company do you mean?" in json.dumps(other["blocks"])


def test_a_choice_pressed_in_a_dm_is_what_the_dm_is_about_next(book: Served) -> None:
    which = ask(book, direct_message("and the catalysts?", user="U0PICKER", channel="D0PICK"))
    picks = {e["text"]["text"]: e for b in which["blocks"] if b["type"] == "actions"
             for e in b["elements"]}
    choice = picks["KSTR · Catalysts"]
    book.slack.action(choice["action_id"], choice["value"], book.response_url("pick"),
                      ephemeral=False, channel="D0PICK", user="U0PICKER")
    [shown] = book.replies("response_url")
    assert shown.params["blocks"][0]["text"]["text"] == "KSTR · Catalysts"
    book.fake.clear()
    after = ask(book, direct_message("what are the risks?", user="U0PICKER", channel="D0PICK"))
    assert title(after) == "KSTR · Key risks, following up"


def test_a_follow_up_in_a_dm_slash_command_keeps_the_dm_thesis(book: Served) -> None:
    ask(book, direct_message("LMRA bull case", user="U0SLASH", channel="D0SLASH"))
    book.slack.command("and the risks?", book.response_url("slash"), user_id="U0SLASH",
                       channel_id="D0SLASH", channel_name="directmessage")
    [reply] = book.replies("response_url")
    assert reply.params["blocks"][0]["text"]["text"] == "LMRA · Key risks, following up"


# -- the store: an hour, the database, and memory while it is down ---------------------------

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def conversations(store: Store) -> Conversations:
    return Conversations(store, Database(store))


def test_a_conversation_is_about_its_last_thesis_for_an_hour(store: Store) -> None:
    talk = conversations(store)
    key = thread_key("C0HOUR", message_ts())
    talk.answered(key, "NRGX", now=NOW)
    talk.answered(key, "BABA", now=NOW + dt.timedelta(minutes=5))
    assert talk.about(key, now=NOW + dt.timedelta(minutes=64)) == "BABA"
    assert talk.about(key, now=NOW + dt.timedelta(minutes=5) + FOLLOW_FOR
                      + dt.timedelta(seconds=1)) is None
    assert talk.about(dm_key("D0HOUR", "U0NOBODY"), now=NOW) is None


def test_another_process_sees_the_conversation_through_the_database(store: Store) -> None:
    key = dm_key("D0SHARED", "U0ASKER")
    conversations(store).answered(key, "KSTR", now=NOW)
    assert conversations(store).about(key, now=NOW + dt.timedelta(minutes=30)) == "KSTR"


def test_without_the_database_the_process_remembers_alone(tmp_path: Path) -> None:
    from tests.slack.test_database_down import closed_port_database

    store = create_engine_for(closed_port_database())
    database = Database(store, interval=3600)  # no probe during the test
    database.failed(OperationalError("connect", {}, Exception("connection refused")))
    talk = Conversations(store, database)
    key = dm_key("D0DOWN", "U0ASKER")
    talk.answered(key, "LMRA", now=NOW)
    assert talk.about(key, now=NOW + dt.timedelta(minutes=10)) == "LMRA"
    assert Conversations(store, database).about(key, now=NOW) is None  # memory is per process
    assert database.available is False
