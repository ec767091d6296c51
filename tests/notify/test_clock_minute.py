"""The clock's minute: due digests, "thesis updated" posts and owners' notes each run in their
own guard, so one failing never stops the others; a thesis version on record that today's
schema rejects announces nothing instead of stopping the minute; and a minute in which nothing
changed reads three rows, however many theses the book holds. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, insert, select

from bot.book.served import Book
from bot.cli.main import main
from bot.knowledge.loader import load_theses
from bot.notify.subscriptions import subscribe
from bot.notify.updates import announce_updates
from bot.questions import Questions
from bot.settings import Settings
from bot.store import open_store, thesis_versions
from tests.conftest import INTENTS, KNOWLEDGE, ROOT
from tests.fake_slack import FakeSlack
from tests.notify.helpers import client_for
from tests.notify.test_owners import ALICE, BOB, NOW, ask, owned_knowledge, owner_dms

BEFORE = NOW - dt.timedelta(days=30)
# What an older release may have stored: a thesis in a shape today's schema rejects.
OLD_SNAPSHOT = '{"ticker": "BABA", "company": "Alibaba Group", "thesis": "an older shape"}'


def store_unreadable_version(store: Engine) -> None:
    with store.begin() as conn:
        conn.execute(insert(thesis_versions).values(
            ticker="BABA", updated=dt.date(2025, 6, 30), snapshot=OLD_SNAPSHOT, changes=None,
            seen_at=BEFORE))


def settings_for(fake: FakeSlack, database_url: str) -> Settings:
    return Settings(slack_bot_token="xoxb-test", slack_api_url=fake.url,
                    database_url=database_url)


def test_a_version_on_record_the_schema_rejects_is_logged_once_and_announces_nothing(
        database_url: str, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    store = open_store(database_url)
    store_unreadable_version(store)
    subscribe(store, "CUPD1", dt.time(8, 30), "Asia/Hong_Kong", now=BEFORE)
    theses = load_theses(KNOWLEDGE).theses.values()
    client = client_for(fake_slack)
    with caplog.at_level(logging.WARNING):
        assert announce_updates(store, client, theses, NOW) == []
        assert announce_updates(store, client, theses, NOW + dt.timedelta(minutes=1)) == []
    [said] = [r.getMessage() for r in caplog.records if "no longer loads" in r.getMessage()]
    assert said.startswith("BABA: the version of 2025-06-30 on record no longer loads")
    assert fake_slack.calls_to("chat.postMessage") == []
    with store.begin() as conn:
        rows = conn.execute(select(thesis_versions.c.updated, thesis_versions.c.changes)
                            .order_by(thesis_versions.c.updated)).all()
    assert [tuple(r) for r in rows] == [(dt.date(2025, 6, 30), None),
                                        (dt.date(2025, 11, 27), None)]


def test_digest_run_due_with_such_a_version_still_sends_the_owner_notes(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(database_url)
    store_unreadable_version(store)
    # 20:00 in Hong Kong, three hours before NOW; set that morning, so no earlier day is missed
    subscribe(store, "CUPD1", dt.time(20, 0), "Asia/Hong_Kong", now=NOW - dt.timedelta(hours=12))
    for name in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "THESIS_STALE_AFTER_DAYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    monkeypatch.setenv("THESIS_KNOWLEDGE_DIR", str(owned_knowledge(tmp_path)))
    assert main(["digest", "run-due", "--now", NOW.isoformat()]) == 0
    out = capsys.readouterr().out
    assert f"sent this week's owner note to {ALICE}" in out
    assert [c.params["channel"] for c in owner_dms(fake_slack)] == [ALICE, BOB]


def test_one_failing_clock_job_never_stops_the_others(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import bot.notify.delivery
    import bot.notify.updates
    from bot.notify.clock import make_tick

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug")

    store = open_store(database_url)
    book = Book(owned_knowledge(tmp_path), INTENTS)
    monkeypatch.setattr(bot.notify.delivery, "run_due", broken)
    monkeypatch.setattr(bot.notify.updates, "announce_updates", broken)
    tick = make_tick(store, client_for(fake_slack), book,
                     settings_for(fake_slack, database_url), clock=lambda: NOW)
    with caplog.at_level(logging.ERROR):
        tick()
    assert [c.params["channel"] for c in owner_dms(fake_slack)] == [ALICE, BOB]
    failed = [r.getMessage() for r in caplog.records if r.exc_info]
    assert [m.split(" failed")[0] for m in failed] == ["digest", "thesis updated posts"]


@contextmanager
def statements(store: Engine) -> Iterator[list[str]]:
    said: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SELECT 1")):
            said.append(statement)

    event.listen(store, "before_cursor_execute", count)
    try:
        yield said
    finally:
        event.remove(store, "before_cursor_execute", count)


def book_of(tmp_path: Path) -> Path:
    """The fixture book's theses, BOB owning BABA, nothing due for review."""
    folder = tmp_path / "book"
    folder.mkdir()
    sources = sorted((ROOT / "tests" / "fixtures" / "book").glob("*.yaml"))
    for path in sources:
        shutil.copy(path, folder / path.name)
    baba = (folder / "baba.yaml").read_text(encoding="utf-8")
    (folder / "baba.yaml").write_text(baba.replace(
        "company: Alibaba Group\n", f"company: Alibaba Group\nowners: [{BOB}]\n"
        "review_every: 3650\n", 1), encoding="utf-8")
    return folder


def test_a_minute_in_which_nothing_changed_reads_three_rows_not_some_per_thesis(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    from bot.notify.clock import make_tick

    store = open_store(database_url)
    subscribe(store, "CQUIET", dt.time(23, 30), "Asia/Hong_Kong", now=BEFORE)  # not due
    book = Book(book_of(tmp_path), INTENTS)
    assert len(book.edition.theses) > 1
    now = [NOW]
    tick = make_tick(store, client_for(fake_slack), book,
                     settings_for(fake_slack, database_url), clock=lambda: now[0])
    tick()  # the first minute records each thesis's version and finds nothing to send
    for minute in (1, 2, 3):
        now[0] = NOW + dt.timedelta(minutes=minute)
        with statements(store) as said:
            tick()
        # the subscriptions, the ledger row of each channel's last closed day (was it missed?),
        # this week's owner notes, the newest question's id
        assert len(said) <= 4, [s[:60] for s in said]
    assert fake_slack.calls_to("chat.postMessage") == []
    Questions(store).record(ask("what's the dividend policy", now[0]))  # news for BOB
    now[0] += dt.timedelta(minutes=1)
    tick()
    assert [c.params["channel"] for c in owner_dms(fake_slack)] == [BOB]
