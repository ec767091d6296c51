"""Mentions and direct messages, end to end: signed event → the served app → the fake Web API."""

from __future__ import annotations

import json

import pytest

from tests.render.block_rules import displayed, message_problems
from tests.slack.conftest import Served, calls_after_sentinel
from tests.slack.signed import DM, direct_message, mention


def posted(served: Served, count: int = 1) -> list[dict]:
    return [c.params for c in served.replies("chat.postMessage", count)]


def header(params: dict) -> str:
    return params["blocks"][0]["text"]["text"]


def test_mention_gets_the_card_in_the_thread_of_the_mention(served: Served) -> None:
    event = mention("<@UBOT> what are BABA's risks?")
    assert served.slack.event(event).status == 200
    [reply] = posted(served)
    assert reply["channel"] == event["channel"]
    assert reply["thread_ts"] == event["ts"]
    assert header(reply) == "BABA · Key risks"
    assert "Chip Restrictions Limit Scale" in reply["text"]
    assert not message_problems(reply["text"], reply["blocks"])
    assert not served.fake.calls_to("chat.postEphemeral")


def test_mention_inside_a_thread_answers_in_that_thread(served: Served) -> None:
    event = mention("<@UBOT> BABA catalysts", thread_ts="1700000000.000001")
    served.slack.event(event)
    [reply] = posted(served)
    assert reply["thread_ts"] == "1700000000.000001"
    assert header(reply) == "BABA · Catalysts"


def test_direct_message_gets_the_card_in_the_dm(served: Served) -> None:
    served.slack.event(direct_message("bull case for alibaba"))
    [reply] = posted(served)
    assert reply["channel"] == DM
    assert "thread_ts" not in reply
    assert header(reply) == "BABA · Bull case"


@pytest.mark.parametrize("event", [
    direct_message("BABA risks", user="UBOT"),  # the bot's own message
    direct_message("BABA risks", bot_id="B0OTHER"),  # another bot
    direct_message("BABA risks", subtype="bot_message"),
    direct_message("BABA risks", subtype="message_changed"),  # an edit
    direct_message("BABA risks", subtype="channel_join"),
    direct_message("BABA risks", subtype="message_deleted"),
    direct_message("BABA risks", subtype="file_share"),
    direct_message("BABA risks", edited={"user": "U0ASKER", "ts": "1.2"}),
    {**direct_message("BABA risks"), "channel_type": "channel"},  # not a DM: not ours
    mention("<@UBOT> BABA risks", bot_id="B0OTHER"),
    mention("<@UBOT> BABA risks", user="UBOT"),
    mention("<@UBOT> BABA risks", channel=DM, channel_type="im"),  # answered as the DM
], ids=["own", "other-bot", "bot_message", "edit", "join", "deleted", "file_share",
        "edited-flag", "channel-message", "mention-by-bot", "own-mention", "mention-in-dm"])
def test_no_reply_where_none_is_due(served: Served, event: dict) -> None:
    reply = served.slack.event(event)
    assert reply.status == 200
    assert calls_after_sentinel(served) == []


def test_a_retried_event_is_answered_once(served: Served) -> None:
    event = mention("<@UBOT> BABA bear")
    served.slack.event(event, event_id="EvRETRY1")
    posted(served)
    for attempt in ("1", "2"):
        again = served.slack.event(event, event_id="EvRETRY1", **{
            "X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": "http_timeout"})
        assert again.status == 200
    assert [c.method for c in calls_after_sentinel(served)] == ["chat.postMessage"]


def test_a_retry_whose_original_never_arrived_is_answered(served: Served) -> None:
    event = mention("<@UBOT> BABA bull")
    served.slack.event(event, event_id="EvLOSTFIRST", **{"X-Slack-Retry-Num": "1",
                                                          "X-Slack-Retry-Reason": "http_error"})
    [reply] = posted(served)
    assert header(reply) == "BABA · Bull case"


@pytest.mark.parametrize("text", ["<@UBOT>", "<@UBOT> :tada: :rocket:", "<@UBOT>    "])
def test_only_a_mention_or_only_emoji_gets_help(served: Served, text: str) -> None:
    served.slack.event(mention(text))
    [reply] = posted(served)
    body = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "I answer questions about the team's investment theses." in body
    assert "/thesis list" in body


def test_ten_kilobytes_of_text_gets_a_bounded_answer(served: Served) -> None:
    served.slack.event(mention("<@UBOT> " + "blah " * 2048))
    [reply] = posted(served)
    assert not message_problems(reply["text"], reply["blocks"])
    assert len(json.dumps(reply["blocks"])) < 8000


def test_typed_channel_ping_is_echoed_escaped_and_pings_nobody(served: Served) -> None:
    served.slack.event(mention("<@UBOT> <!channel> <!subteam^S1|@analysts> zorblax?"))
    [reply] = posted(served)
    shown = {**reply, "blocks": displayed(reply["blocks"])}
    everything = json.dumps(shown, ensure_ascii=False)
    assert "&lt;!channel&gt;" in everything
    for ping in ("<!channel>", "<!subteam", "<!here>", "<@U"):
        assert ping not in everything
    assert not message_problems(reply["text"], reply["blocks"])


def test_question_about_a_company_not_covered_says_so_with_choices(served: Served) -> None:
    served.slack.event(mention("<@UBOT> what are TSLA's risks?"))
    [reply] = posted(served)
    texts = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "I don't have a thesis on TSLA" in texts
    labels = [e["text"]["text"] for b in reply["blocks"] if b["type"] == "actions"
              for e in b["elements"]]
    assert "BABA · Overview" in labels and "How to ask" in labels


def test_a_corrected_question_says_how_it_was_read(served: Served) -> None:
    served.slack.event(mention("<@UBOT> alibbaba catalysst"))
    [reply] = posted(served)
    assert header(reply) == "BABA · Catalysts"
    lines = [e["text"] for b in reply["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert "Read as: alibaba catalyst" in lines
    assert not message_problems(reply["text"], reply["blocks"])
