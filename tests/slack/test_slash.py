"""`/thesis`, end to end: a signed form post → the served app → the response_url on the fake."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.notify import messages
from bot.render import messages as render_messages
from tests.render.block_rules import displayed, message_problems
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
    assert buttons(params) == {"nav:overview": "Open BABA · Overview", "share": "Share in channel"}


def test_ticker_alone_gets_overview_with_a_button_per_section(served: Served) -> None:
    params = ask(served, "BABA")
    assert params["blocks"][0]["text"]["text"] == "BABA · Overview"
    assert buttons(params) == {
        "nav:bull": "Bull", "nav:catalyst": "Catalysts",
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
    served.fake.clear()
    status = ask(served, "digest status")
    assert "07:45" in status["text"]
    served.fake.clear()
    assert "off" in ask(served, "digest off")["text"]


def run_the_digest(served: Served, channel: str) -> list[Any]:
    """What the clock does next morning: the outcomes of run-due for the served database."""
    import datetime as dt

    from bot.notify.delivery import run_due
    from bot.settings import Settings
    from bot.slack.client import web_client
    from bot.store import open_store

    client = web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=served.fake.url))
    now = dt.datetime.now(dt.UTC)  # the subscription was made at the real time
    first = now.replace(hour=9, minute=0, second=0, microsecond=0)  # its first 08:30 UTC, +30 min
    if first - dt.timedelta(minutes=30) < now:
        first += dt.timedelta(days=1)
    report = run_due(open_store(served.database_url), client, [], first)
    return [o for o in report.outcomes if o.channel_id == channel]


def test_digest_on_in_a_public_channel_the_bot_is_not_in_joins_it_and_the_digest_arrives(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(served.fake, "enforce_membership", True)
    params = ask(served, "digest on 08:30 UTC daily", channel_id="C0NOTJOINED",
                 mentions=("#C0NOTJOINED",))
    assert params["text"].endswith("stop it with /thesis digest off. "
                                   "I joined this channel to post it.")
    [join] = served.fake.calls_to("conversations.join")
    assert join.params["channel"] == "C0NOTJOINED"
    [outcome] = run_the_digest(served, "C0NOTJOINED")
    assert outcome.result == "posted"  # not not_in_channel, every morning

    served.fake.clear()
    again = ask(served, "digest on 08:30 UTC daily", channel_id="C0NOTJOINED",
                mentions=("#C0NOTJOINED",))
    assert again["text"].endswith("stop it with /thesis digest off.")  # already in: no hint
    served.fake.clear()
    ask(served, "digest off", channel_id="C0NOTJOINED")


def test_digest_on_in_a_private_channel_without_the_bot_is_refused_with_how_to_invite(
        served: Served) -> None:
    params = ask(served, "digest on 08:30", channel_id="G0PRIVATE", channel_name="secret")
    assert params["text"] == messages.DIGEST_INVITE_FIRST
    assert "/invite @thesis-bot" in params["text"]
    served.fake.clear()
    assert ask(served, "digest status", channel_id="G0PRIVATE")["text"].startswith(
        "This channel has no catalyst digest.")


def test_digest_on_in_a_private_channel_the_bot_is_in_subscribes(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(served.fake, "members", served.fake.members | {"G0INVITED"})
    params = ask(served, "digest on 08:30", channel_id="G0INVITED", mentions=("#G0INVITED",))
    assert params["text"].startswith("Catalyst digest on:")
    assert params["text"].endswith("stop it with /thesis digest off.")
    served.fake.clear()
    ask(served, "digest off", channel_id="G0INVITED")


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
    from bot.engine.matcher import Engine

    def broken(self: Engine, question: str) -> None:
        raise RuntimeError("secret internals: db password is hunter2")

    monkeypatch.setattr(Engine, "answer", broken)
    params = ask(served, "BABA risks")
    assert params["text"] == render_messages.SLACK_SORRY
    assert "hunter2" not in json.dumps(params)
