"""A running server whose YAML is edited mid-run, under concurrent signed requests: no request
fails, every answer comes wholly from one version of the book, and a broken edit keeps the last
good version serving."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.book.served import Book
from tests.book.test_served import edit, wait_for
from tests.conftest import INTENTS
from tests.fake_slack import FakeSlack
from tests.slack.conftest import make_settings, serving

QUESTION = "how much buyback authorization is left?"
OLD, NEW, NEWER = "$19.1 billion", "$23.4 billion", "$25.0 billion"
CLIENTS = 6


@pytest.fixture
def live_book(knowledge_copy: Path, tmp_path: Path) -> Iterator[Book]:
    intents = tmp_path / "intents"
    shutil.copytree(INTENTS, intents)
    book = Book(knowledge_copy, intents, poll=0.1).start()
    yield book
    book.stop()


class Load:
    """CLIENTS threads sending signed /thesis commands back to back until stopped."""

    def __init__(self, served, fake: FakeSlack) -> None:  # noqa: ANN001
        self.served, self.fake = served, fake
        self.statuses: list[int] = []
        self.sent: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(CLIENTS)]

    def _run(self, n: int) -> None:
        i = 0
        while not self._stop.is_set():
            name = f"reload-{n}-{i}"
            reply = self.served.slack.command(QUESTION, self.fake.response_url(name))
            with self._lock:
                self.statuses.append(reply.status)
                self.sent.append(f"/response/{name}")
            i += 1

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def count(self) -> int:
        with self._lock:
            return len(self.sent)


def answers(fake: FakeSlack) -> dict[str, str]:
    return {c.path: json.dumps(c.params, ensure_ascii=False)
            for c in fake.calls_to("response_url")}


@pytest.mark.slow
def test_edit_mid_run_under_concurrent_requests(live_book: Book, knowledge_copy: Path,
                                                tmp_path: Path) -> None:
    baba = knowledge_copy / "baba.yaml"
    with FakeSlack() as fake, \
            serving(make_settings(fake, tmp_path / "bot.db"), live_book, fake) as served, \
            Load(served, fake) as load:
        assert wait_for(lambda: load.count() >= 20)
        edit(baba, "19.1", "23.4")  # the figure and the text quoting it, in one file
        assert wait_for(lambda: live_book.edition.number == 2)
        seen = load.count()
        assert wait_for(lambda: load.count() >= seen + 20)
        # A broken edit: the last good version (23.4) keeps answering.
        edit(baba, "value: 23.4", "value: [broken")
        assert wait_for(lambda: live_book.edition.number == 3)
        assert live_book.edition.kept == {str(baba): "BABA"}
        seen = load.count()
        assert wait_for(lambda: load.count() >= seen + 20)
        text = baba.read_text(encoding="utf-8")  # the fix, in one write
        baba.write_text(text.replace("value: [broken", "value: 25.0").replace("23.4", "25.0"),
                        encoding="utf-8")
        assert wait_for(lambda: live_book.engine.answer(QUESTION).thesis
                        .figure("buyback-remaining").value == 25.0)
        seen = load.count()
        assert wait_for(lambda: load.count() >= seen + 20)
        load.stop()
        assert wait_for(lambda: set(load.sent) <= set(answers(fake)), timeout=30)
    assert set(load.statuses) == {200}, "every request acknowledged"
    got = answers(fake)
    versions = []
    for path in load.sent:
        found = [v for v in (OLD, NEW, NEWER) if v in got[path]]
        assert len(found) == 1, f"{path} mixes versions or has none: {found}"
        versions.append(found[0])
    assert {OLD, NEW, NEWER} <= set(versions)
