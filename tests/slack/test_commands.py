"""`/thesis`, end to end: a signed form post → the served app → the response_url on the fake."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import messages
from tests.slack.block_rules import displayed, message_problems
from tests.slack.conftest import Served
from tests.slack.signed import CHANNEL


def ask(served: Served, text: str, mentions: tuple[str, ...] = (),
        **where: str) -> dict[str, Any]:
    reply = served.slack.command(text, served.response_url(), **where)
    assert reply.status == 200 and reply.body == ""  # acknowledged at once, answer follows
    [call] = served.replies("response_url")
    params = call.params
    assert params["response_type"] == "ephemeral"
    assert not message_problems(params["text"], params.get("blocks", []), mentions)
    return params


def buttons(params: dict[str, Any]) -> dict[str, str]:
    elements = [e for b in params.get("blocks", []) for e in
                (b["elements"] if b["type"] == "actions" else [b.get("accessory")])
                if e and e.get("type") == "button"]
    return {e["action_id"]: e["text"]["text"] for e in elements}


def shown(params: dict[str, Any]) -> str:
    return json.dumps(displayed(params.get("blocks", [])), ensure_ascii=False)


@pytest.mark.parametrize("text", ["", "help", "   "])
def test_empty_or_help_gets_help(served: Served, text: str) -> None:
    params = ask(served, text)
    assert "I answer questions about the team's investment theses." in shown(params)
    assert "Theses I cover:* BABA" in shown(params)


def test_list_shows_each_covered_thesis_with_summary_and_date(served: Served) -> None:
    params = ask(served, "list")
    assert params["blocks"][0]["text"]["text"] == "Theses I cover"
    body = shown(params)
    assert "*BABA* · Alibaba Group" in body and "Updated 27 Nov 2025" in body
    assert buttons(params) == {"nav:overview": "Open"}


def test_ticker_alone_gets_overview_with_a_button_per_section(served: Served) -> None:
    params = ask(served, "BABA")
    assert params["blocks"][0]["text"]["text"] == "BABA · Overview"
    assert buttons(params) == {
        "nav:bull": "Bull", "nav:bear": "Bear", "nav:catalyst": "Catalysts",
        "nav:risk": "Risks", "nav:figures": "Figures", "nav:sources": "Sources",
        "share": "Share in channel", "feedback:up": "👍 Helpful",
        "feedback:down": "👎 Not helpful",
    }


@pytest.mark.parametrize("text", ["BABA risks", "risks BABA", "what could go wrong with alibaba"])
def test_ticker_and_section_in_any_order_or_free_text_gets_the_card(served: Served,
                                                                    text: str) -> None:
    params = ask(served, text)
    assert params["blocks"][0]["text"]["text"] == "BABA · Key risks"
    assert "share" in buttons(params)


def test_a_single_point_question_gets_that_point_in_full(served: Served) -> None:
    params = ask(served, "how much buyback authorization is left?")
    assert params["blocks"][0]["text"]["text"] == "BABA · Share Buybacks"
    assert "$19.1 billion" in shown(params)
    assert "Source: Thesis document, as of 27 Nov 2025" in shown(params)


def test_unknown_question_says_so_and_offers_help(served: Served) -> None:
    params = ask(served, "what's the weather in Paris <!here>?")
    body = shown(params)
    assert "I don't" in body and "&lt;!here&gt;" in body and "<!here>" not in body
    assert "help" in buttons(params)


def test_digest_status_when_not_subscribed(served: Served) -> None:
    params = ask(served, "digest status")
    assert "This channel has no catalyst digest" in params["text"]


def test_digest_on_subscribes_the_channel_in_the_users_time_zone(served: Served) -> None:
    served.fake.set_user_tz("U0ASKER", "Asia/Hong_Kong", 28800)
    params = ask(served, "digest on 07:45", mentions=(f"#{CHANNEL}",))
    assert params["text"].startswith("Catalyst digest on:")
    assert "Asia/Hong_Kong" in params["text"] and f"<#{CHANNEL}>" in params["text"]
    assert params["text"].endswith(
        " If I'm not in this channel yet, invite me with /invite @thesis-bot.")
    served.fake.clear()
    status = ask(served, "digest status")
    assert "07:45" in status["text"]
    served.fake.clear()
    assert "off" in ask(served, "digest off")["text"]


@pytest.mark.parametrize("where", [
    {"channel_id": "D0DIRECT", "channel_name": "directmessage"},
    {"channel_id": "G0GROUPDM", "channel_name": "mpdm-asker--analyst-1"},
], ids=["dm", "group-dm"])
def test_digest_on_in_a_direct_message_is_refused_politely(served: Served,
                                                           where: dict[str, str]) -> None:
    params = ask(served, "digest on 07:45", **where)
    assert params["text"] == ("The digest posts to a channel: run /thesis digest on in the "
                              "channel that wants it.")
    served.fake.clear()
    assert ask(served, "digest status", **where)["text"].startswith(
        "This channel has no catalyst digest.")


def test_digest_preview_is_the_digest_card(served: Served) -> None:
    params = ask(served, "digest")
    assert params["blocks"] and "BABA" in shown(params)


def test_digest_with_a_bad_option_is_explained_and_escaped(served: Served) -> None:
    params = ask(served, "digest on <!channel>")
    assert "&lt;!channel&gt;" in params["text"] and "<!channel>" not in params["text"]
    assert "/thesis digest on" in params["text"]


def test_a_failure_after_the_ack_gets_the_friendly_sentence_not_the_error(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.engine import Engine

    def broken(self: Engine, question: str) -> None:
        raise RuntimeError("secret internals: db password is hunter2")

    monkeypatch.setattr(Engine, "answer", broken)
    params = ask(served, "BABA risks")
    assert params["text"] == messages.SLACK_SORRY
    assert "hunter2" not in json.dumps(params)
