"""The listeners as plain functions, without an App or HTTP: each surface's handler, and what
each does when Slack or the bot fails underneath it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import BoltContext

from bot.engine.matcher import Engine
from bot.render import messages
from bot.render.blocks import CardRef
from bot.settings import Settings
from bot.slack.actions import ActionListeners
from bot.slack.app import Deps
from bot.slack.events import MessageListeners, question_of, why_ignore
from bot.slack.home import HomeListeners
from bot.slack.outcomes import describe
from bot.slack.records import Records
from bot.slack.slash import CommandListeners, subcommand
from bot.store import open_store


class Recorder:
    """Stands in for Bolt's respond, or a WebClient method; can be told to fail."""

    def __init__(self, fail: Exception | None = None, failures: int = 1) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail, self.failures = fail, failures

    def __call__(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        if self.fail is not None and self.failures > 0:
            self.failures -= 1
            raise self.fail
        return type("Response", (), {"status_code": 200, "body": "ok"})()


class Client:
    def __init__(self, fail: Exception | None = None, failures: int = 1) -> None:
        self.chat_postMessage = Recorder(fail, failures)
        self.views_publish = Recorder(fail, failures)
        self.users_info = Recorder()


@pytest.fixture
def deps(engine: Engine, tmp_path: Path) -> Deps:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    return Deps(engine, settings, Records(store), store, lambda: dt.date(2026, 1, 12))


def context() -> BoltContext:
    return BoltContext({"bot_user_id": "UBOT"})


@pytest.mark.parametrize(("event", "direct", "reason"), [
    ({"type": "message", "channel_type": "im", "user": "U1", "text": "hi"}, True, None),
    ({"type": "app_mention", "channel": "C1", "user": "U1", "text": "hi"}, False, None),
    ({"subtype": "channel_join", "user": "U1", "text": ""}, True, "subtype channel_join"),
    ({"bot_id": "B1", "user": "U2", "text": "x", "channel_type": "im"}, True, "bot message"),
    ({"edited": {"ts": "1"}, "user": "U1", "text": "x", "channel_type": "im"}, True, "edit"),
    ({"user": "UBOT", "text": "x", "channel_type": "im"}, True, "own message"),
    ({"text": "x", "channel_type": "im"}, True, "no user"),
    ({"user": "U1", "text": "x", "channel_type": "channel"}, True, "not a direct message"),
    ({"user": "U1", "text": "x", "channel": "D1"}, False,
     "mention in a DM (answered as a direct message)"),
])
def test_which_message_events_are_questions(event: dict, direct: bool,
                                            reason: str | None) -> None:
    assert why_ignore(event, "UBOT", direct) == reason


def test_the_mention_that_addresses_the_bot_is_not_part_of_the_question() -> None:
    assert question_of("<@UBOT> BABA risks <@U2>", "UBOT") == "BABA risks <@U2>"


@pytest.mark.parametrize(("text", "kind"), [
    ("list", "list"), ("LIST", "list"), ("list risks", None), ("digest", "digest"),
    ("digest on 08:30", "digest"), ("", None), ("BABA", None), ("risks BABA", None)])
def test_slash_command_subcommands(text: str, kind: str | None) -> None:
    assert subcommand(text) == kind


def test_requests_are_described_without_their_content() -> None:
    assert describe({"command": "/thesis", "text": "secret"}) == "command /thesis"
    assert describe({"type": "event_callback", "event": {"type": "message",
                                                         "subtype": "bot_message"}}) \
        == "event message/bot_message"
    assert describe({"type": "block_actions", "actions": [{"action_id": "nav:bull"}]}) \
        == "action nav:bull"


def test_command_answer_is_ephemeral(deps: Deps) -> None:
    respond = Recorder()
    CommandListeners(deps).answer({"text": "BABA risks"}, respond, Client(), context())
    [call] = respond.calls
    assert call["response_type"] == "ephemeral"
    assert call["blocks"][0]["text"]["text"] == "BABA · Key risks"


def test_command_whose_reply_cannot_be_sent_is_logged_not_raised(
        deps: Deps, caplog: pytest.LogCaptureFixture) -> None:
    respond = Recorder(fail=OSError("network down"), failures=2)
    with caplog.at_level("ERROR"):
        CommandListeners(deps).answer({"text": "BABA"}, respond, Client(), context())
    assert len(respond.calls) == 2 and respond.calls[1]["text"] == messages.SLACK_SORRY
    assert [r.getMessage() for r in caplog.records] == [
        "failed to answer command /thesis", "could not tell the user about the failure of "
        "command /thesis"]


def test_mention_reply_goes_to_the_thread_and_failure_apologises_there(deps: Deps) -> None:
    event = {"channel": "C1", "ts": "1.1", "text": "<@UBOT> BABA bull", "user": "U1"}
    client = Client()
    MessageListeners(deps)._answer({"event_id": "Ev1"}, event, client, context(), "mention",
                                   "1.1")
    [reply] = client.chat_postMessage.calls
    assert reply["thread_ts"] == "1.1" and reply["blocks"][0]["text"]["text"] == \
        "BABA · Bull case"
    failing = Client(fail=RuntimeError("boom"))
    MessageListeners(deps)._answer({"event_id": "Ev2"}, event, failing, context(), "mention",
                                   "1.1")
    assert failing.chat_postMessage.calls[-1] == {"channel": "C1", "thread_ts": "1.1",
                                                  "text": messages.SLACK_SORRY}


def test_an_event_id_is_answered_once(deps: Deps) -> None:
    event = {"channel": "D1", "ts": "1.1", "text": "BABA bull", "user": "U1"}
    client = Client()
    listeners = MessageListeners(deps)
    for _ in range(3):
        listeners._answer({"event_id": "EvSAME"}, event, client, context(), "dm", None)
    assert len(client.chat_postMessage.calls) == 1


def test_home_publish_failure_is_logged(deps: Deps, caplog: pytest.LogCaptureFixture) -> None:
    client = Client(fail=RuntimeError("views down"))
    with caplog.at_level("INFO", logger="bot.slack"):
        HomeListeners(deps).publish({"user": "U1"}, client, context())
    assert any("answer app home outcome=error" in r.getMessage() for r in caplog.records)


def test_buttons_turn_back_into_answers(deps: Deps) -> None:
    listeners = ActionListeners(deps)
    answer, kind = listeners.answer_of(CardRef("sources", "BABA", "chip-restrictions"))
    assert (answer.card, answer.point, kind) == ("overview", "chip-restrictions", "sources")
    answer, kind = listeners.answer_of(CardRef("catalyst", "BABA", horizon="near"))
    assert (answer.card, answer.horizon, answer.confidence) == ("catalyst", "near", 1.0)
    answer, kind = listeners.answer_of(CardRef("nonsense", "BABA"))
    assert answer.card == "overview"
    answer, kind = listeners.answer_of(CardRef("help"))
    assert kind == "help"


def test_feedback_that_cannot_be_stored_is_logged_and_the_user_told(
        deps: Deps, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(vote: Any) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(deps.records, "record_vote", broken)
    respond = Recorder()
    with caplog.at_level("ERROR"):
        ActionListeners(deps).feedback({"action_id": "feedback:up", "value": "{}"},
                                       {"user": {"id": "U1"}}, respond, context())
    [sorry] = respond.calls
    assert sorry["text"] == messages.SLACK_SORRY and sorry["response_type"] == "ephemeral"
    assert caplog.records[0].getMessage() == "failed to answer action feedback"
