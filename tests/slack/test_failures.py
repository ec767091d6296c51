"""When Slack or the bot itself fails: the user gets a fixed friendly sentence (never the
exception), the failure is logged, and Slack's 429 Retry-After is honoured."""

from __future__ import annotations

import json
import time

import pytest

from bot.engine.matcher import Engine
from bot.render import messages
from tests.slack.conftest import Served
from tests.slack.signed import mention


def test_engine_failure_on_a_mention_answers_sorry_in_the_thread(
        served: Served, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(self: Engine, question: str, about: str | None = None) -> None:
        raise ValueError("internal detail 42")

    monkeypatch.setattr(Engine, "answer", broken)
    event = mention("<@UBOT> BABA risks")
    with caplog.at_level("ERROR", logger="bot.slack"):
        served.slack.event(event)
        [reply] = [c.params for c in served.replies("chat.postMessage")]
    assert reply["text"] == messages.SLACK_SORRY
    assert reply["thread_ts"] == event["ts"]
    assert "internal detail 42" not in json.dumps(reply)
    assert any(r.exc_info and "internal detail 42" in str(r.exc_info[1])
               for r in caplog.records)


def test_slack_refusing_the_post_is_logged_and_the_apology_tried(
        served: Served, caplog: pytest.LogCaptureFixture) -> None:
    served.fake.fail("chat.postMessage", "channel_not_found")
    with caplog.at_level("INFO", logger="bot.slack"):
        served.slack.event(mention("<@UBOT> BABA bull"))
        first, apology = (c.params for c in served.replies("chat.postMessage", 2))
        time.sleep(0.1)
    assert first["blocks"] and apology["text"] == messages.SLACK_SORRY
    assert any("channel_not_found" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


@pytest.mark.slow
def test_rate_limited_post_waits_for_retry_after_then_succeeds(served: Served) -> None:
    served.fake.rate_limit("chat.postMessage", retry_after=1)
    served.slack.event(mention("<@UBOT> BABA bear"))
    limited, delivered = served.replies("chat.postMessage", 2, timeout=6)
    assert delivered.at - limited.at >= 0.9
    assert delivered.params["blocks"][0]["text"]["text"] == "BABA · Bear case"
    assert len(served.fake.calls_to("chat.postMessage")) == 2


def test_a_failure_before_the_ack_still_answers_the_command_kindly(
        served: Served, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from bot.slack.app import Deps

    def broken(self: Deps, *args: object) -> None:
        raise KeyError("private detail")

    monkeypatch.setattr(Deps, "later", broken)  # fails inside the listener, before it returns
    with caplog.at_level("ERROR", logger="bot.slack"):
        reply = served.slack.command("BABA", served.response_url())
    assert reply.status == 200
    assert json.loads(reply.body) == {"response_type": "ephemeral",
                                      "text": messages.SLACK_SORRY}
    assert "private detail" not in reply.body
    assert any(r.exc_info and "private detail" in str(r.exc_info[1]) for r in caplog.records)
