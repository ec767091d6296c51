"""Compare puts theses side by side: fields for two, a table for three, aligned columns in the
terminal, one row per point of the same kind; "compare BABA" alone asks with which."""

from __future__ import annotations

import datetime as dt

from bot.engine.matcher import Engine
from bot.render.blocks import Options, render_card
from bot.render.text import render_text
from tests.render.block_rules import message_problems

TODAY = dt.date(2026, 1, 12)


def test_two_theses_are_two_columns_one_row_per_risk(book_engine: Engine) -> None:
    answer = book_engine.answer("compare BABA NRGX risks")
    assert answer.card == "compare"
    message = render_card(answer, Options(TODAY, shareable=True))
    assert not message_problems(message.text, message.blocks)
    cells = [f["text"] for b in message.blocks for f in b.get("fields", [])]
    assert cells[:2] == ["*BABA · Key risks*", "*NRGX · Key risks*"]
    baba, nrgx = book_engine.theses["BABA"], book_engine.theses["NRGX"]
    rows = max(len(baba.bear), len(nrgx.bear))
    assert len(cells) == 2 * (rows + 1)
    assert cells[2].startswith(f"*{baba.bear[0].title}*")  # first risk beside first risk
    assert cells[3].startswith(f"*{nrgx.bear[0].title}*")
    assert all(len(c) <= 200 for c in cells)  # short cells: they stack on a phone
    labels = [e["text"]["text"] for b in message.blocks if b["type"] == "actions"
              for e in b["elements"]]
    assert {"Open BABA · Key risks", "Open NRGX · Key risks", "Share in channel"} <= set(labels)


def test_three_theses_are_a_table(book_engine: Engine) -> None:
    answer = book_engine.answer("compare BABA NRGX KSTR catalysts")
    assert answer.card == "compare" and len(answer.matches) == 3
    message = render_card(answer, Options(TODAY))
    assert not message_problems(message.text, message.blocks)
    tables = [b for b in message.blocks if b["type"] == "table"]
    assert len(tables) == 1
    rows = tables[0]["rows"]
    assert [c["text"] for c in rows[0]] == ["BABA · Catalysts", "NRGX · Catalysts",
                                            "KSTR · Catalysts"]
    assert rows[1][0]["text"].startswith("Share Buybacks: through March 2027")


def test_the_terminal_prints_aligned_columns(book_engine: Engine) -> None:
    text = render_text(book_engine.answer("compare BABA NRGX risks"), TODAY)
    lines = [line for line in text.splitlines() if "│" in line]
    assert lines and len({line.index("│") for line in lines}) == 1
    assert lines[0].split("│")[0].strip() == "BABA · Key risks"
    assert "Chip Restrictions Limit Scale" in lines[2].split("│")[0]


def test_compare_with_one_thesis_asks_with_which(book_engine: Engine) -> None:
    answer = book_engine.answer("compare BABA")
    message = render_card(answer, Options(TODAY))
    said = message.blocks[1]["text"]["text"]
    assert said.startswith("Compare BABA with which thesis? I also cover: ")
    assert "NRGX" in said and "BABA, " not in said
    assert render_text(answer, TODAY).startswith("Compare BABA with which thesis?")


def test_three_oversized_theses_fit_one_message_and_say_what_was_left_out() -> None:
    from bot.engine.answer import Answer, Match
    from tests.render.test_cards import huge_thesis

    first = huge_thesis()
    matches = tuple(Match(first.model_copy(update={"ticker": t}), "figures")
                    for t in ("HUGE", "HUGER", "HUGEST"))
    answer = Answer("compare HUGE HUGER HUGEST figures", "compare", confidence=0.9,
                    matches=matches, covered=("HUGE", "HUGER", "HUGEST"))
    message = render_card(answer, Options(TODAY, shareable=True))
    assert not message_problems(message.text, message.blocks)
    said = " ".join(e["text"] for b in message.blocks if b["type"] == "context"
                    for e in b["elements"])
    assert "more rows: open each thesis's card below." in said
