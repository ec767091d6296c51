"""Cards read at a glance: the asked-for number or date first, one line per catalyst, a shared
source named once, one row of distinct, spoken buttons."""

from __future__ import annotations

import datetime as dt
import json

from bot.engine.matcher import Engine
from bot.render.blocks import CardRef, Options, render_card
from bot.render.text import render_text

TODAY = dt.date(2026, 1, 12)
STALE = dt.date(2026, 11, 25)  # BABA (27 Nov 2025) is out of date: the card carries a warning


def _words(blocks: list[dict]) -> int:
    def texts(node: object) -> list[str]:
        if isinstance(node, dict):
            return [t for k, v in node.items() if k != "value"
                    for t in ([v] if k == "text" and isinstance(v, str) else texts(v))]
        if isinstance(node, list):
            return [t for item in node for t in texts(item)]
        return []
    return sum(len(t.split()) for t in texts(blocks))


def test_a_figure_question_leads_with_the_figure_in_bold_before_the_warning(
        engine: Engine) -> None:
    answer = engine.answer("how much buyback authorization is left?")
    blocks = render_card(answer, Options(STALE)).blocks
    assert blocks[0]["type"] == "header"
    first = blocks[1]["text"]["text"]
    assert first.startswith("*$19.1 billion*")
    assert "through March 2027" in first
    # the support, in the text's own words, and where the number comes from
    assert "“Alibaba has $19.1 billion remaining in its buyback authorization" in first
    assert "Source: Thesis document, as of 27 Nov 2025" in first
    warning = next(i for i, b in enumerate(blocks) if "⚠️" in json.dumps(b, ensure_ascii=False))
    assert warning > 1
    # the figure is not repeated in a grey line below
    assert json.dumps(blocks[2:]).count("$19.1 billion:") == 0


def test_a_when_question_leads_with_the_date_at_its_precision(engine: Engine) -> None:
    answer = engine.answer("when does the BABA buyback authorization end?")
    first = render_card(answer, Options(TODAY)).blocks[1]["text"]["text"]
    assert first.startswith("*through March 2027* (in 14 months)")


def test_the_terminal_leads_with_the_figure_too(engine: Engine) -> None:
    text = render_text(engine.answer("what is alibaba's P/E?"), TODAY)
    lines = text.splitlines()
    assert lines[2].startswith("» 23.5x: Alibaba, price-to-earnings multiple")


def test_a_card_without_a_number_question_has_no_lead(engine: Engine) -> None:
    blocks = render_card(engine.answer("BABA risks"), Options(TODAY)).blocks
    assert not blocks[1].get("text", {}).get("text", "").startswith("*$")


def test_catalysts_card_gives_one_line_per_catalyst_and_opens_each_alone(
        engine: Engine) -> None:
    baba = engine.theses["BABA"]
    message = render_card(engine.answer("BABA catalysts"), Options(TODAY, shareable=True))
    assert _words(message.blocks) <= 200
    lines = [b for b in message.blocks if b["type"] == "section" and "accessory" in b]
    assert len(lines) == len(baba.catalysts)
    buyback = next(b["text"]["text"] for b in lines if "Share Buybacks" in b["text"]["text"])
    assert "through March 2027 — in 14 months" in buyback
    assert "_If management accelerates the pace" in buyback
    everything = json.dumps(message.blocks)
    assert not any(c.detail[:80] in everything for c in baba.catalysts)  # behind the buttons
    opened = [CardRef.from_value(b["accessory"]["value"]) for b in lines]
    assert [(r.card, r.point) for r in opened if r] == [
        ("catalyst", c.id) for h in ("near", "medium", "long") for c in baba.catalysts
        if c.horizon == h]
    assert lines[0]["accessory"]["text"]["text"] == "Open BABA · Share Buybacks"


def test_the_figures_card_names_its_shared_source_once(engine: Engine) -> None:
    message = render_card(engine.answer("BABA key figures"), Options(TODAY))
    everything = json.dumps(message.blocks)
    assert everything.count("Thesis document") <= 2  # the shared line and the source list
    assert everything.count("The street") <= 2  # a figure from elsewhere still says so
    assert "nav:sources" not in everything  # the sources are listed on the card


def test_buttons_come_in_one_row_spoken_and_never_twice_for_the_same_points(
        engine: Engine) -> None:
    for question in ("BABA risks", "BABA bear case", "BABA bull", "BABA catalysts"):
        blocks = render_card(engine.answer(question), Options(TODAY, shareable=True)).blocks
        rows = [b for b in blocks if b["type"] == "actions"]
        assert len(rows) == 1, question
        ids = [e["action_id"] for e in rows[0]["elements"]]
        assert not {"nav:bear", "nav:risk"} <= set(ids)
        spoken = {e["text"]["text"]: e["accessibility_label"] for e in rows[0]["elements"]}
        assert spoken["Bull" if "bull" not in question else "Risks"].startswith("Open BABA · ")
        assert spoken["Share in channel"] == "Share this card in the channel"


def test_no_two_buttons_on_a_card_say_the_same(engine: Engine) -> None:
    questions = ["BABA", "BABA risks", "BABA bull", "BABA bear", "BABA catalysts", "BABA figures",
                 "how much buyback authorization is left?", "NRGX risks", "list",
                 "which theses are exposed to tariffs?", "compare BABA NRGX risks"]
    for question in questions:
        blocks = render_card(engine.answer(question), Options(TODAY, shareable=True)).blocks
        labels = [e["text"]["text"] for b in blocks
                  for e in [*b.get("elements", []), *([b["accessory"]] if "accessory" in b
                                                      else [])]
                  if e.get("type") == "button"]
        assert labels and len(labels) == len(set(labels)), (question, labels)
