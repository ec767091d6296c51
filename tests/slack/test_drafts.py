"""Drafts and an empty book, end to end over signed requests: a thesis still being written is
never served as an answer, and a book with no thesis says how to add the first."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from bot.book.served import Book
from bot.cli.new import starter
from tests.conftest import INTENTS, KNOWLEDGE
from tests.fake_slack import FakeSlack
from tests.render.block_rules import message_problems
from tests.slack.conftest import make_settings, serving

OWNERS = ("U0ANALYST", "W0SECOND")


def _book(tmp_path: Path, draft: str | None) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    if draft is not None:
        (folder / "acme.yaml").write_text(draft, encoding="utf-8")
    return folder


def _ask(folder: Path, tmp_path: Path, *questions: str) -> list[dict]:
    with FakeSlack() as fake, serving(make_settings(fake, tmp_path / "bot.db"),
                                      Book(folder, INTENTS), fake,
                                      today=dt.date(2026, 1, 5)) as served:
        for n, question in enumerate(questions):
            assert served.slack.command(question, served.response_url(f"q{n}")).status == 200
        calls = served.replies("response_url", len(questions))
    return [c.params for c in calls]


def test_a_starter_full_of_todos_is_never_served_and_its_owners_are_named_not_pinged(
        tmp_path: Path) -> None:
    text = starter("ACME", "Acme Power", dt.date(2026, 1, 2)).replace(
        "other_companies: []", f"other_companies: []\nowners: [{', '.join(OWNERS)}]")
    folder = _book(tmp_path, text)
    replies = _ask(folder, tmp_path, "ACME bull case", "ACME risks", "when is the ACME launch?")
    for reply in replies:
        assert not message_problems(reply["text"], reply["blocks"])
        shown = json.dumps(reply["blocks"], ensure_ascii=False)
        assert "TODO" not in shown and "TODO" not in reply["text"]
        assert reply["blocks"][0]["text"]["text"] == "ACME · Draft"
        assert ("The ACME thesis is a draft, still being written, so I don't answer from it "
                "yet. Ask its owners: U0ANALYST, W0SECOND.") in shown
        assert "<@" not in shown and "<@" not in reply["text"]  # named, never pinged


def test_a_thesis_marked_draft_by_its_analyst_is_not_served_but_others_are(
        tmp_path: Path) -> None:
    marked = (KNOWLEDGE / "baba.yaml").read_text(encoding="utf-8").replace(
        "ticker: BABA", "ticker: BABB").replace("company: Alibaba Group", "company: Babb Co")
    assert "ticker: BABB" in marked
    folder = _book(tmp_path, None)
    (folder / "babb.yaml").write_text("draft: true\n" + _without_names(marked), encoding="utf-8")
    draft, served = _ask(folder, tmp_path, "BABB bull case", "BABA bull case")
    assert draft["blocks"][0]["text"]["text"] == "BABB · Draft"
    assert "It names no owners yet." in json.dumps(draft["blocks"])
    assert served["blocks"][0]["text"]["text"] == "BABA · Bull case"


def _without_names(text: str) -> str:
    """The copy under another ticker keeps none of BABA's aliases (they would clash)."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("aliases:"))
    end = next(n for n in range(start + 1, len(lines)) if not lines[n].startswith(" "))
    return "\n".join([*lines[:start], "aliases: []", *lines[end:]]) + "\n"


def test_an_empty_book_says_how_to_add_the_first_thesis(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for reply in _ask(folder, tmp_path, "BABA risks", "help", "list"):
        shown = json.dumps(reply["blocks"], ensure_ascii=False)
        assert "There is no thesis in the book yet" in shown
        assert "thesis new TICKER" in shown and "thesis import WRITEUP.md" in shown
