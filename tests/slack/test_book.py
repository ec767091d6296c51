"""A book of theses in Slack, end to end: signed `/thesis` requests to the served app answer
across the book, and each choice's button opens the point it names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.engine.matcher import Engine
from tests.conftest import INTENTS
from tests.eval.evaluate import BOOK
from tests.fake_slack import FakeSlack
from tests.render.block_rules import displayed, message_problems
from tests.slack.conftest import Served, make_settings, serving


@pytest.fixture(scope="module")
def book_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    engine = Engine.from_dirs(BOOK, INTENTS)
    database = tmp_path_factory.mktemp("book") / "thesis-bot.db"
    with FakeSlack() as fake, serving(make_settings(fake, database), engine, fake) as served:
        yield served


def ask(served: Served, text: str) -> dict[str, Any]:
    served.fake.clear()
    reply = served.slack.command(text, served.response_url())
    assert reply.status == 200
    [call] = served.replies("response_url")
    params = call.params
    assert not message_problems(params["text"], params.get("blocks", []))
    return params


def press(served: Served, action_id: str, value: str) -> dict[str, Any]:
    served.fake.clear()
    reply = served.slack.action(action_id, value, served.response_url("action"))
    assert reply.status == 200
    [call] = served.replies("response_url")
    return call.params


def buttons(params: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in params.get("blocks", [])
            for e in (b["elements"] if b["type"] == "actions" else [b.get("accessory")])
            if e and e.get("type") == "button"]


def test_compare_shows_each_named_thesis_side_by_side(book_served: Served) -> None:
    params = ask(book_served, "compare BABA and NRGX risks")
    assert params["blocks"][0]["text"]["text"] == "BABA vs NRGX · Key risks"
    shown = json.dumps(displayed(params["blocks"]), ensure_ascii=False)
    assert "Chip Restrictions Limit Scale" in shown and "Tax Credit Dependence" in shown


def test_a_tie_asks_which_and_each_button_opens_that_thesis_point(book_served: Served) -> None:
    params = ask(book_served, "what's the tariff risk?")
    choices = {b["text"]["text"]: b for b in buttons(params) if b["action_id"].startswith("pick")}
    assert set(choices) >= {"NRGX · Chinese Cells Are Far Cheaper Without Tariffs",
                            "KSTR · Tariffs on Asian Imports Hit Margins"}
    kstr = choices["KSTR · Tariffs on Asian Imports Hit Margins"]
    opened = press(book_served, kstr["action_id"], kstr["value"])
    assert opened["blocks"][0]["text"]["text"] == "KSTR · Tariffs on Asian Imports Hit Margins"


def test_a_named_thesis_without_the_topic_points_to_the_one_with_it(
        book_served: Served) -> None:
    params = ask(book_served, "NRGX buyback")
    shown = json.dumps(displayed(params["blocks"]), ensure_ascii=False)
    assert "The NRGX thesis doesn't cover buyback." in shown
    labels = [b["text"]["text"] for b in buttons(params)]
    assert "BABA · Share Buybacks" in labels


def test_search_across_the_book_lists_points_with_an_open_button_each(
        book_served: Served) -> None:
    params = ask(book_served, "which theses are exposed to tariffs?")
    assert params["blocks"][0]["text"]["text"] == "Across the book"
    opens = [b for b in buttons(params) if b["text"]["text"].startswith("Open ")]
    assert len(opens) == 2
    assert len({b["text"]["text"] for b in opens}) == 2  # "Open NRGX · …", told apart
    opened = press(book_served, opens[0]["action_id"], opens[0]["value"])
    assert opened["blocks"][0]["text"]["text"].startswith(("NRGX · ", "KSTR · "))




def pressed_by(served: Served, action_id: str, value: str, user: str,
               count: int) -> list[dict[str, Any]]:
    served.fake.clear()
    reply = served.slack.action(action_id, value, served.response_url("action"), user=user)
    assert reply.status == 200
    return [c.params for c in served.replies("response_url", count)]


@pytest.mark.parametrize(("text", "title"), [
    ("compare BABA and NRGX risks", "BABA vs NRGX · Key risks"),
    ("which theses are exposed to tariffs?", "Across the book"),
    ("list", "Theses I cover"),
    ("BABA risks", "BABA · Key risks"),
])
def test_every_slash_answer_can_be_shared_and_the_shared_card_credits_the_sharer(
        book_served: Served, text: str, title: str) -> None:
    private = ask(book_served, text)
    assert private["blocks"][0]["text"]["text"] == title
    [share] = [b for b in buttons(private) if b["action_id"] == "share"]
    public, delete = pressed_by(book_served, "share", share["value"], "U1", count=2)
    assert public["response_type"] == "in_channel"
    assert public["blocks"][0]["text"]["text"] == title
    assert public["blocks"][1]["elements"][0]["text"] == "Shared by <@U1>"
    assert "share" not in [b["action_id"] for b in buttons(public)]
    assert not message_problems(public["text"], public["blocks"], mentions=("@U1",))
    assert delete == {"delete_original": True, "text": ""}


def test_help_can_be_shared_too(book_served: Served) -> None:
    private = ask(book_served, "help")
    [share] = [b for b in buttons(private) if b["action_id"] == "share"]
    public, _ = pressed_by(book_served, "share", share["value"], "U1", count=2)
    assert public["blocks"][0]["elements"][0]["text"] == "Shared by <@U1>"
    assert "I answer questions about the team's investment theses." in json.dumps(
        public["blocks"], ensure_ascii=False)


def test_a_search_result_opened_keeps_a_way_back_to_the_results(book_served: Served) -> None:
    results = ask(book_served, "which theses are exposed to tariffs?")
    opens = [b for b in buttons(results) if b["text"]["text"].startswith("Open ")]
    opened = press(book_served, opens[1]["action_id"], opens[1]["value"])
    assert opened["replace_original"] is True
    [back] = [b for b in buttons(opened) if b["action_id"] == "back"]
    assert back["text"]["text"] == "← Back to the results"
    again = press(book_served, "back", back["value"])
    assert again["replace_original"] is True
    assert again["blocks"][0]["text"]["text"] == "Across the book"
    assert [b["value"] for b in buttons(again) if b["text"]["text"].startswith("Open ")] == \
        [b["value"] for b in opens]


def test_a_thesis_opened_from_the_list_keeps_a_way_back_to_the_list(book_served: Served) -> None:
    listed = ask(book_served, "list")
    opens = {b["value"]: b for b in buttons(listed) if b["text"]["text"].startswith("Open ")}
    nrgx = next(b for value, b in opens.items() if '"NRGX"' in value)
    opened = press(book_served, nrgx["action_id"], nrgx["value"])
    assert opened["blocks"][0]["text"]["text"] == "NRGX · Overview"
    [back] = [b for b in buttons(opened) if b["action_id"] == "back"]
    assert back["text"]["text"] == "← Theses I cover"
    again = press(book_served, "back", back["value"])
    assert again["blocks"][0]["text"]["text"] == "Theses I cover"
    # A card reached some other way has nothing to go back to.
    assert "back" not in [b["action_id"] for b in buttons(ask(book_served, "NRGX"))]
