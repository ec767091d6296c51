"""Buttons, end to end: a signed interactivity payload → the served app → the response_url."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.engine.matcher import Engine
from bot.notify.digest_card import build_digest, digest_blocks
from bot.render import messages
from bot.render.blocks import CardRef
from bot.render.limits import encode_value
from tests.conftest import eventually
from tests.render.block_rules import displayed, message_problems
from tests.slack.conftest import Served, calls_after_sentinel
from tests.slack.signed import CHANNEL, USER


def press(served: Served, action_id: str, ref: dict[str, Any] | str, count: int = 1,
          **kwargs: Any) -> list[dict[str, Any]]:
    value = ref if isinstance(ref, str) else encode_value(ref)
    reply = served.slack.action(action_id, value, served.response_url("action"), **kwargs)
    assert reply.status == 200 and reply.body == ""
    calls = [c.params for c in served.replies("response_url", count)]
    for params in calls:
        if "text" in params and params.get("blocks"):
            assert not message_problems(params["text"], params["blocks"],
                                        mentions=(f"@{kwargs.get('user', USER)}",))
    return calls


def title(params: dict[str, Any]) -> str:
    return params["blocks"][0]["text"]["text"]


def button_values(params: dict[str, Any]) -> dict[str, str]:
    return {e["action_id"]: e.get("value", "") for b in params["blocks"]
            if b["type"] == "actions" for e in b["elements"]}


def test_section_button_on_an_ephemeral_card_replaces_it(served: Served) -> None:
    [params] = press(served, "nav:bull", {"c": "bull", "t": "BABA"})
    assert params["replace_original"] is True
    assert title(params) == "BABA · Bull case"
    assert "share" in button_values(params)


def test_section_button_on_a_public_card_answers_only_the_presser(served: Served) -> None:
    [params] = press(served, "nav:catalyst", {"c": "catalyst", "t": "BABA"},
                     ephemeral=False, thread_ts="1700000000.000009")
    assert params["response_type"] == "ephemeral"
    assert params["replace_original"] is False
    assert params["thread_ts"] == "1700000000.000009"
    assert title(params) == "BABA · Catalysts"
    assert not served.fake.calls_to("chat.postMessage")


def test_a_button_keeps_the_horizon_it_was_made_for_and_drops_one_that_is_gone(
        served: Served) -> None:
    [params] = press(served, "nav:catalyst", {"c": "catalyst", "t": "BABA", "h": "near"})
    assert title(params) == "BABA · Near term catalysts"
    served.fake.clear()
    [params] = press(served, "nav:catalyst", {"c": "catalyst", "t": "BABA", "h": "someday",
                                              "f": "no-such-figure"})
    assert title(params) == "BABA · Catalysts"


def test_sources_button_lists_the_sources_behind_the_point(served: Served) -> None:
    [params] = press(served, "nav:sources", {"c": "sources", "t": "BABA",
                                             "p": "china-ai-adoption"})
    assert title(params) == "BABA · Sources"
    body = json.dumps(displayed(params["blocks"]), ensure_ascii=False)
    assert "Street forecasts, as cited by the thesis document — The street" in body
    assert "Hugging Face" not in body  # where models are is not who published the count
    assert "nav:sources" not in button_values(params)


def test_the_digests_buttons_open_a_thesis_catalysts_and_the_whole_list(
        served: Served, engine: Engine) -> None:
    baba = engine.theses["BABA"]
    many = [baba.model_copy(update={"ticker": f"T{i:03d}"}) for i in range(60)]
    _, blocks = digest_blocks(build_digest([baba, *many], dt.date(2026, 11, 25)))
    buttons = [b["accessory"] for b in blocks if "accessory" in b] + \
        [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    [opens] = [b for b in buttons if b["text"]["text"] == "BABA · Catalysts"]
    [params] = press(served, opens["action_id"], opens["value"], ephemeral=False)
    assert title(params) == "BABA · Catalysts"
    assert params["response_type"] == "ephemeral"  # a public digest: only the presser sees it
    served.fake.clear()
    more = buttons[-1]
    assert more["text"]["text"] == "List all theses"
    [params] = press(served, more["action_id"], more["value"], ephemeral=False)
    assert title(params) == messages.COVERED_TITLE
    assert not served.fake.calls_to("chat.postMessage")


def test_did_you_mean_choice_shows_that_card(served: Served) -> None:
    [params] = press(served, "pick:0", {"c": "risk", "t": "BABA", "p": "chip-restrictions"})
    assert title(params) == "BABA · Chip Restrictions Limit Scale"


def test_how_to_ask_button_shows_help(served: Served) -> None:
    [params] = press(served, "help", {"c": "help"})
    assert "I answer questions" in json.dumps(params["blocks"])


def test_show_more_adds_the_next_page_without_replacing(served: Served) -> None:
    [params] = press(served, "more", {"c": "risk", "t": "BABA", "pg": 1})
    assert params["replace_original"] is False and params["response_type"] == "ephemeral"
    assert title(params).startswith("BABA · Key risks")


def test_share_posts_the_card_publicly_attributed_to_the_sharer(served: Served) -> None:
    public, delete = press(served, "share", {"c": "risk", "t": "BABA"}, count=2)
    assert public["response_type"] == "in_channel"
    assert public["replace_original"] is False
    assert title(public) == "BABA · Key risks"
    attribution = public["blocks"][1]["elements"][0]["text"]
    assert attribution == f"Shared by <@{USER}>"
    assert "share" not in button_values(public)  # already public
    assert delete == {"delete_original": True, "text": ""}


def test_a_shared_card_credits_a_short_user_id_with_a_real_mention(served: Served) -> None:
    public, _ = press(served, "share", {"c": "bull", "t": "BABA"}, count=2, user="U1")
    assert public["blocks"][1]["elements"][0]["text"] == "Shared by <@U1>"


def test_share_from_a_card_in_a_thread_posts_in_that_thread(served: Served) -> None:
    public, delete = press(served, "share", {"c": "risk", "t": "BABA"}, count=2,
                           thread_ts="1700000000.000042")
    assert public["response_type"] == "in_channel"
    assert public["thread_ts"] == "1700000000.000042"  # not the channel root
    assert title(public) == "BABA · Key risks"
    assert delete == {"delete_original": True, "text": ""}


def test_share_outside_a_thread_posts_to_the_channel(served: Served) -> None:
    public, _ = press(served, "share", {"c": "bull", "t": "BABA"}, count=2)
    assert "thread_ts" not in public


def test_share_keeps_the_exact_card_shared(served: Served) -> None:
    ref = CardRef("catalyst", "BABA", "share-buybacks", "buyback-remaining").value()
    public, _ = press(served, "share", ref, count=2)
    assert title(public) == "BABA · Share Buybacks"
    assert "$19.1 billion" in json.dumps(public["blocks"])


def test_feedback_is_recorded_and_acknowledged(served: Served) -> None:
    before = len(served.records().votes())
    ref = {"c": "risk", "t": "BABA", "q": "what are the risks?", "cf": 0.85}
    [params] = press(served, "feedback:down", ref)
    assert params["text"] == messages.feedback_thanks(helpful=False)
    assert params["response_type"] == "ephemeral" and params["replace_original"] is False
    votes = served.records().votes()
    assert len(votes) == before + 1
    vote = votes[-1]
    assert (vote.helpful, vote.ticker, vote.card, vote.question, vote.user_id,
            vote.channel_id, vote.confidence) == (False, "BABA", "risk", "what are the risks?",
                                                  None, CHANNEL, 0.85)  # no THESIS_LOG_USERS
    served.fake.clear()
    [thanks] = press(served, "feedback:up", ref, ephemeral=False)
    assert thanks["text"] == messages.feedback_thanks(helpful=True)
    assert served.records().votes()[-1].helpful is True


def test_a_garbled_button_value_gets_help_not_an_error(served: Served) -> None:
    [params] = press(served, "nav:bull", "{not json")
    assert "I answer questions" in json.dumps(params["blocks"])


def test_a_button_for_a_thesis_no_longer_covered_says_so(served: Served) -> None:
    [params] = press(served, "nav:bull", {"c": "bull", "t": "GONE"})
    assert "I don't have a thesis on GONE" in json.dumps(params["blocks"])


def test_an_unknown_action_is_acknowledged_and_ignored(served: Served) -> None:
    reply = served.slack.action("someone-elses-button", "{}", served.response_url("x"))
    assert reply.status in (200, 404)
    assert calls_after_sentinel(served) == []


def test_an_expired_response_url_is_logged_and_the_user_told(served: Served,
                                                            caplog: Any) -> None:
    served.fake.fail("response_url", "expired_url", status=404)
    with caplog.at_level("INFO", logger="bot.slack"):
        served.slack.action("nav:bull", encode_value({"c": "bull", "t": "BABA"}),
                            served.response_url("action"))
        failed, apology = (c.params for c in served.replies("response_url", 2))
        assert eventually(lambda: any("outcome=error" in r.getMessage()
                                      for r in caplog.records))
    assert title(failed) == "BABA · Bull case"
    assert apology["text"] == messages.SLACK_SORRY
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert errors and "response_url answered 404" in str(errors[0].exc_info[1])
    assert any("outcome=error" in r.getMessage() for r in caplog.records)
