""""Which thesis?" never drops a choice: with more candidate theses than buttons, the rest are
in a menu whose choice opens the card the buttons would; with more than a menu holds, a line
says how many are left and where to see them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from bot.cli.new import starter
from bot.engine.answer import Alternative, Answer
from bot.engine.matcher import Engine
from bot.render.blocks import Options, render_card
from tests.conftest import INTENTS
from tests.eval.evaluate import BOOK
from tests.fake_slack import FakeSlack
from tests.render.block_rules import message_problems
from tests.slack.conftest import Served, make_settings, serving
from tests.slack.signed import DM, direct_message

TODAY = dt.date(2026, 1, 12)


@pytest.fixture(scope="module")
def seven(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The fixture book, Acme, and a new thesis as `thesis new` writes it: seven theses."""
    folder = tmp_path_factory.mktemp("seven")
    for path in [*BOOK.glob("*.yaml"), BOOK.parent / "schema" / "acme.yaml"]:
        shutil.copy(path, folder)
    (folder / "zeta.yaml").write_text(starter("ZETA", "Zeta Freight", TODAY))
    engine = Engine.from_dirs(folder, INTENTS)
    assert not engine.problems and len(engine.covered) == 7
    return engine


@pytest.fixture(scope="module")
def served(seven: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    database = tmp_path_factory.mktemp("choices") / "thesis-bot.db"
    with FakeSlack() as fake, serving(make_settings(fake, database), seven, fake) as app:
        yield app


def elements(params: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in params["blocks"] if b["type"] == "actions" for e in b["elements"]]


def reachable(params: dict[str, Any]) -> dict[str, str]:
    """Label → value of every choice on a card: its buttons and its menu's options."""
    found = {}
    for element in elements(params):
        if element["type"] == "static_select":
            found.update({o["text"]["text"]: o["value"] for o in element["options"]})
        elif element["action_id"].startswith("pick:"):
            found[element["text"]["text"]] = element["value"]
    return found


def command(served: Served, text: str) -> dict[str, Any]:
    served.fake.clear()
    served.slack.command(text, served.response_url())
    [call] = served.replies("response_url")
    assert not message_problems(call.params["text"], call.params["blocks"])
    return call.params


def test_which_thesis_reaches_every_thesis_of_the_book(served: Served, seven: Engine) -> None:
    which = command(served, "what are the catalysts?")
    assert "Which company do you mean?" in json.dumps(which["blocks"])
    choices = reachable(which)
    assert set(choices) == {f"{t} · Catalysts" for t in seven.covered}
    [menu] = [e for e in elements(which) if e["type"] == "static_select"]
    assert menu["placeholder"]["text"] == "2 more theses…"
    assert menu["action_id"] == "pick:menu"


def test_a_thesis_chosen_in_the_menu_opens_its_card_in_place(served: Served) -> None:
    which = command(served, "what are the catalysts?")
    [menu] = [e for e in elements(which) if e["type"] == "static_select"]
    zeta = next(o["value"] for o in menu["options"] if o["text"]["text"].startswith("ZETA"))
    served.fake.clear()
    served.slack.action("pick:menu", zeta, served.response_url("menu"), menu=True)
    [call] = served.replies("response_url")
    assert call.params["replace_original"] is True
    # ZETA is `thesis new`'s starter, TODOs and all: a draft, so its card says so.
    assert call.params["blocks"][0]["text"]["text"] == "ZETA · Draft"


def test_a_thesis_chosen_in_a_dm_menu_is_what_the_dm_follows_up_on(served: Served) -> None:
    served.fake.clear()
    served.slack.event(direct_message("what are the catalysts?", user="U0MENU"))
    [which] = served.replies("chat.postMessage")
    [menu] = [e for e in elements(which.params) if e["type"] == "static_select"]
    nrgx = next(o["value"] for o in menu["options"] if o["text"]["text"].startswith("NRGX"))
    served.fake.clear()
    served.slack.action("pick:menu", nrgx, served.response_url("dm-menu"), menu=True,
                        ephemeral=False, channel=DM, user="U0MENU")
    served.replies("response_url")
    served.fake.clear()
    served.slack.event(direct_message("and the risks?", user="U0MENU"))
    [after] = served.replies("chat.postMessage")
    assert after.params["blocks"][0]["text"]["text"] == "NRGX · Key risks, following up"


def test_a_book_larger_than_a_menu_says_how_many_are_left_and_where(seven: Engine) -> None:
    covered = tuple(f"T{n:03d}" for n in range(250))
    answer = Answer("what are the risks?", "unknown", confidence=0.3, covered=covered,
                    reason="which thesis",
                    alternatives=tuple(Alternative(t, "risk") for t in covered[:5]))
    message = render_card(answer, Options(TODAY))
    params = {"text": message.text, "blocks": message.blocks}
    assert not message_problems(message.text, message.blocks)
    assert len(reachable(params)) == 105
    assert "…and 145 more: type `/thesis list` to see every thesis." in json.dumps(
        message.blocks, ensure_ascii=False)


def test_no_menu_when_the_buttons_offer_every_thesis(seven: Engine) -> None:
    answer = Answer("what are the risks?", "unknown", confidence=0.3,
                    covered=("BABA", "NRGX"), reason="which thesis",
                    alternatives=(Alternative("BABA", "risk"), Alternative("NRGX", "risk")))
    message = render_card(answer, Options(TODAY))
    assert all(e["type"] == "button" for b in message.blocks if b["type"] == "actions"
               for e in b["elements"])
