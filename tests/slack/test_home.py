"""The App Home tab, end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.book.served import Book
from bot.questions import Questions
from bot.store import open_store
from tests.conftest import INTENTS
from tests.fake_slack import FakeSlack
from tests.render.block_rules import block_problems
from tests.slack.conftest import Served, calls_after_sentinel, make_settings, serving
from tests.slack.signed import USER


def home_opened(tab: str = "home") -> dict:
    return {"type": "app_home_opened", "user": USER, "channel": "D0HOME", "tab": tab,
            "event_ts": "1700000000.000100"}


def test_opening_home_publishes_each_thesis_with_summary_date_and_how_to_ask(
        served: Served) -> None:
    assert served.slack.event(home_opened()).status == 200
    [call] = served.replies("views.publish")
    assert call.params["user_id"] == USER
    view = call.params["view"]
    assert view["type"] == "home"
    assert not block_problems(view["blocks"], view=True)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "*BABA* · Alibaba Group" in shown
    assert "Alibaba builds AI infrastructure at scale" in shown
    assert "Updated 27 Nov 2025" in shown
    assert "Ask in plain words" in shown and "/thesis list" in shown


def test_opening_the_messages_tab_publishes_nothing(served: Served) -> None:
    served.slack.event(home_opened("messages"))
    assert calls_after_sentinel(served) == []


def test_an_owner_sees_their_reviews_due_broken_edits_and_unanswered_questions(
        tmp_path: Path) -> None:
    from tests.notify.test_owners import ASKED, NOW, owned_knowledge

    folder = owned_knowledge(tmp_path, owners=f"[{USER}]", broken_owner=USER)
    database = tmp_path / "home.db"
    questions = Questions(open_store(f"sqlite:///{database}"))
    for asked in ASKED:
        questions.record(asked)
    with FakeSlack() as fake, serving(make_settings(fake, database), Book(folder, INTENTS),
                                      fake, today=NOW.date()) as served:
        served.slack.event(home_opened())
        [mine] = served.replies("views.publish")
        served.slack.event({**home_opened(), "user": "U0NOTOWNER"})
        other = [c for c in served.replies("views.publish", 2)
                 if c.params["user_id"] == "U0NOTOWNER"][0]
    view = mine.params["view"]
    assert not block_problems(view["blocks"], view=True)
    texts = [b["text"]["text"] for b in view["blocks"] if b.get("text")]
    start = texts.index("Your theses")
    [listed] = [i for i, t in enumerate(texts) if t.startswith("*BABA* · Alibaba Group")]
    assert start < listed and texts[listed].endswith("_Updated 27 Nov 2025 · ⚠️ may be out of "
                                                     "date_")
    owned = "\n".join(texts[start + 1:start + 4])
    assert ("*Due for review*\n• BABA was last updated 27 Nov 2025 (92 days ago, to be reviewed "
            "every 30 days); its figures may be out of date.") in owned
    assert "*Edits that do not load*\n• acme.yaml:" in owned
    assert "“what's the dividend policy” (4 times; got unknown; about BABA)" in owned
    assert "*BABA* · Alibaba Group" in json.dumps(view["blocks"], ensure_ascii=False)
    assert "Your theses" not in json.dumps(other.params["view"], ensure_ascii=False)


def test_an_owner_with_nothing_due_sees_an_all_clear(tmp_path: Path) -> None:
    from tests.notify.test_owners import owned_knowledge

    folder = owned_knowledge(tmp_path, owners=f"[{USER}]", review_every=365, broken=False)
    with FakeSlack() as fake, serving(make_settings(fake, tmp_path / "home.db"),
                                      Book(folder, INTENTS), fake,
                                      today=dt.date(2026, 1, 5)) as served:
        served.slack.event(home_opened())
        [call] = served.replies("views.publish")
    shown = json.dumps(call.params["view"]["blocks"], ensure_ascii=False)
    assert ("BABA: nothing due for review, no draft, every file loads, no unanswered "
            "questions this week.") in shown


def test_opening_home_reads_no_yaml_the_broken_files_owners_were_read_with_the_book(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.knowledge.loader
    from tests.notify.test_owners import NOW, owned_knowledge

    folder = owned_knowledge(tmp_path, owners=f"[{USER}]", broken_owner=USER)
    book = Book(folder, INTENTS)
    assert [owners for _, owners in book.edition.declared_owners.values()] == [(USER,)]
    real = bot.knowledge.loader.read_yaml_file
    read: list[Path] = []

    def counted(path: Path, *args: object) -> str:
        read.append(path)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.knowledge.loader, "read_yaml_file", counted)
    with FakeSlack() as fake, serving(make_settings(fake, tmp_path / "home.db"), book, fake,
                                      today=NOW.date()) as served:
        for n in (1, 2):
            served.slack.event(home_opened())
            calls = served.replies("views.publish", n)
    assert read == []
    assert "*Edits that do not load*\\n• acme.yaml:" in json.dumps(
        calls[-1].params["view"]["blocks"], ensure_ascii=False)
