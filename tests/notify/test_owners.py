"""Thesis owners hear, at most once a week, what is due for review in their theses, which edits
of their files do not load, and the questions the bot could not answer: on SQLite and
PostgreSQL, from racing processes, and live on the App Home."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from bot.book.served import Book
from bot.knowledge.loader import load_theses
from bot.notify.owners import OwnerZones, files_of, iso_week, notify_owners, owner_news
from bot.questions import Asked, Questions
from bot.store import open_store, owner_notes
from tests.book.test_served import edit
from tests.conftest import INTENTS, KNOWLEDGE
from tests.fake_slack import Call, FakeSlack
from tests.notify.helpers import client_for, process_env, thesis_process

ALICE, BOB = "U0ALICE", "U0BOB"
# The owners are in New York (the fake Slack's users.info says so), where notes go out from 9:00
# to 18:00. Friday 27 Feb 2026, 10:00 there (ISO week 2026-W09): BABA, updated 27 Nov 2025, is
# 92 days old.
NOW = dt.datetime(2026, 2, 27, 15, 0, tzinfo=dt.UTC)
SAME_WEEK = dt.datetime(2026, 3, 1, 21, 0, tzinfo=dt.UTC)  # Sunday 16:00, still 2026-W09
NEXT_WEEK = dt.datetime(2026, 3, 2, 14, 5, tzinfo=dt.UTC)  # Monday 9:05, 2026-W10
BROKEN_ACME = """\
ticker: ACME
company: Acme Power
owners: [{owner}]
title: Acme
summary: A thesis whose file does not validate.
updated: not a date
sources: []
"""


def owned_knowledge(tmp_path: Path, owners: str = f"[{ALICE}, {BOB}]",
                    review_every: int = 30, broken: bool = True,
                    broken_owner: str = ALICE) -> Path:
    """The fixture BABA with owners and a review interval, and (if `broken`) a file that does
    not load naming `broken_owner` its owner."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    text = (KNOWLEDGE / "baba.yaml").read_text(encoding="utf-8")
    text = text.replace("company: Alibaba Group\n",
                        f"company: Alibaba Group\nowners: {owners}\n"
                        f"review_every: {review_every}\n", 1)
    (folder / "baba.yaml").write_text(text, encoding="utf-8")
    if broken:
        (folder / "acme.yaml").write_text(BROKEN_ACME.format(owner=broken_owner),
                                          encoding="utf-8")
    return folder


def ask(question: str, at: dt.datetime, ticker: str | None = "BABA", card: str = "unknown",
        point: str | None = None) -> Asked:
    return Asked(at, "direct message", "unknown", question, card, ticker, point, 0.1)


ASKED = [
    *(ask("what's the dividend policy", NOW - dt.timedelta(hours=h)) for h in (1, 2, 3)),
    ask("dividend policy?", NOW - dt.timedelta(hours=5)),
    ask("who runs the cloud unit", NOW - dt.timedelta(days=2), card="overview",
        point="cloud-growth"),
    ask("an old question", NOW - dt.timedelta(days=10)),  # before the week
    ask("tencent dividend", NOW - dt.timedelta(hours=1), ticker="TCEHY"),  # not their thesis
]


def owner_dms(fake: FakeSlack) -> list[Call]:
    return [c for c in fake.calls_to("chat.postMessage")
            if (c.params.get("metadata") or {}).get("event_type") == "thesis_owner_note"]


def shown(call: Call) -> str:
    return "\n".join(b["text"]["text"] for b in call.params["blocks"] if b.get("text")) + \
        json.dumps(call.params["blocks"], ensure_ascii=False)


def test_each_owner_hears_reviews_due_broken_edits_and_their_theses_questions(
        tmp_path: Path) -> None:
    knowledge = load_theses(owned_knowledge(tmp_path))
    news = owner_news(knowledge.theses.values(), knowledge.problems, files_of(knowledge),
                      [a for a in ASKED if a.at >= NOW - dt.timedelta(days=7)], NOW.date(),
                      stale_after_days=180)
    assert list(news) == [ALICE, BOB]
    alice, bob = news[ALICE], news[BOB]
    assert [s.sentence() for s in alice.due] == [
        "BABA was last updated 27 Nov 2025 (92 days ago, to be reviewed every 30 days); its "
        "figures may be out of date."]
    assert bob.due == alice.due
    [broken] = alice.broken
    assert (broken.ticker, broken.kept) == ("ACME", False)
    assert broken.where.startswith("acme.yaml:")
    assert bob.broken == ()  # ACME's file names ALICE only
    assert [(g.question, g.count) for g in alice.questions] == [
        ("what's the dividend policy", 4), ("who runs the cloud unit", 1)]


def test_a_broken_edit_of_a_served_thesis_reaches_its_owners_saying_the_old_version_answers(
        tmp_path: Path) -> None:
    folder = owned_knowledge(tmp_path, broken=False)
    book = Book(folder, INTENTS)
    edit(folder / "baba.yaml", "ticker: BABA", "ticker: [BABA")
    edition = book.reload()
    assert edition is not None and edition.problems
    news = owner_news(edition.theses.values(), edition.problems, edition.theses_by_file, [],
                      dt.date(2025, 12, 1), stale_after_days=180)
    assert set(news) == {ALICE, BOB}
    for owner in (ALICE, BOB):
        [broken] = news[owner].broken
        assert (broken.ticker, broken.kept) == ("BABA", True)
        assert news[owner].due == ()


def setup_store(database_url: str) -> Engine:
    store = open_store(database_url)
    questions = Questions(store)
    for asked in ASKED:
        questions.record(asked)
    return store


def test_owner_note_is_sent_once_per_iso_week_with_what_is_due(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    store = setup_store(database_url)
    knowledge = load_theses(owned_knowledge(tmp_path))
    client = client_for(fake_slack)

    def run(now: dt.datetime) -> list[str]:
        return notify_owners(store, client, knowledge.theses.values(), knowledge.problems,
                             files_of(knowledge), now, 180)

    assert run(NOW) == [ALICE, BOB]
    assert run(NOW + dt.timedelta(minutes=1)) == []
    assert run(SAME_WEEK) == []
    dms = owner_dms(fake_slack)
    assert [c.params["channel"] for c in dms] == [ALICE, BOB]
    alice = shown(dms[0])
    assert dms[0].params["blocks"][0]["text"]["text"] == "Your theses this week"
    assert ("• BABA was last updated 27 Nov 2025 (92 days ago, to be reviewed every 30 days); "
            "its figures may be out of date.") in alice
    assert "*Edits that do not load*\n• acme.yaml:" in alice
    assert "(ACME: not answering until fixed). Fix the file, then `thesis validate`." in alice
    assert "• “what's the dividend policy” (4 times; got unknown; about BABA)" in alice
    assert "“who runs the cloud unit” (once; got overview; likely wanted BABA · cloud-growth)" \
        in alice
    assert "tencent" not in alice and "an old question" not in alice
    assert "Edits that do not load" not in shown(dms[1])
    assert dms[0].params["text"] == ("Your theses this week: 1 due for review, 1 edit that do "
                                     "not load, 2 unanswered questions.")
    assert run(NEXT_WEEK) == [ALICE, BOB]
    with store.begin() as conn:
        weeks = conn.execute(select(owner_notes.c.owner_id, owner_notes.c.week,
                                    owner_notes.c.status)
                             .order_by(owner_notes.c.week, owner_notes.c.owner_id)).all()
    assert [tuple(w) for w in weeks] == [(ALICE, "2026-W09", "posted"), (BOB, "2026-W09", "posted"),
                                         (ALICE, "2026-W10", "posted"), (BOB, "2026-W10", "posted")]


def test_an_owner_with_nothing_to_hear_gets_nothing_until_something_comes_up_that_week(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    store = open_store(database_url)
    knowledge = load_theses(owned_knowledge(tmp_path, owners=f"[{BOB}]", review_every=365,
                                            broken=False))
    client = client_for(fake_slack)

    def run(now: dt.datetime) -> list[str]:
        return notify_owners(store, client, knowledge.theses.values(), [], {}, now, 180)

    assert run(NOW) == []
    with store.begin() as conn:
        assert conn.execute(select(owner_notes)).all() == []
    Questions(store).record(ask("what's the dividend policy", NOW + dt.timedelta(hours=1)))
    assert run(NOW + dt.timedelta(hours=2)) == [BOB]
    assert [c.params["channel"] for c in owner_dms(fake_slack)] == [BOB]


def test_a_note_slack_refused_is_sent_on_a_later_run_once(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    store = setup_store(database_url)
    knowledge = load_theses(owned_knowledge(tmp_path, owners=f"[{BOB}]", broken=False))
    client = client_for(fake_slack)
    fake_slack.fail("chat.postMessage", "fatal_error")

    def run(now: dt.datetime) -> list[str]:
        return notify_owners(store, client, knowledge.theses.values(), [], {}, now, 180)

    assert run(NOW) == []
    assert run(NOW + dt.timedelta(minutes=1)) == [BOB]
    assert run(NOW + dt.timedelta(minutes=2)) == []
    assert len(owner_dms(fake_slack)) == 2  # the refused one and the one delivered
    assert iso_week(NOW) == "2026-W09"


@pytest.mark.slow
def test_racing_run_due_processes_send_each_owner_one_note(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    setup_store(database_url)
    env = process_env(database_url, fake_slack)
    env["THESIS_KNOWLEDGE_DIR"] = str(owned_knowledge(tmp_path))
    run = ["bot.cli.main", "digest", "run-due", "--now", NOW.isoformat()]
    procs = [thesis_process(run, env) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, results
    assert sorted(c.params["channel"] for c in owner_dms(fake_slack)) == [ALICE, BOB]
    said = [line for out, _ in results for line in out.splitlines() if "owner note" in line]
    assert sorted(said) == [f"sent this week's owner note to {o}" for o in (ALICE, BOB)]


@pytest.mark.slow
def test_clock_process_tells_the_owner_of_a_file_that_does_not_load(
        sqlite_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    shutil.copy(KNOWLEDGE / "baba.yaml", folder / "baba.yaml")  # no owners
    (folder / "acme.yaml").write_text(BROKEN_ACME.format(owner=ALICE), encoding="utf-8")
    env = process_env(sqlite_url, fake_slack)
    env["THESIS_KNOWLEDGE_DIR"] = str(folder)
    fake_slack.user_tz[ALICE] = working_hours_now()
    clock = thesis_process(["bot.cli.main", "clock"], env)
    try:
        dm = fake_slack.wait_until(
            lambda c: (c.params.get("metadata") or {}).get("event_type") == "thesis_owner_note",
            timeout=120)
    finally:
        clock.terminate()
        clock.wait(timeout=10)
    assert dm is not None and dm.params["channel"] == ALICE
    assert "acme.yaml:" in shown(dm)


def working_hours_now() -> tuple[str, int]:
    """A time zone where it is about noon now (the clock process runs on the wall clock), as
    users.info gives it."""
    hours = 12 - dt.datetime.now(dt.UTC).hour  # -11 .. +12; Etc/GMT's sign is reversed
    return (f"Etc/GMT{-hours:+d}" if hours else "Etc/GMT"), hours * 3600


def owner_ledger(store: Engine) -> list[tuple[str, str, int]]:
    with store.begin() as conn:
        return [(r.owner_id, r.status, r.attempts) for r in conn.execute(
            select(owner_notes).order_by(owner_notes.c.owner_id))]


def test_a_note_whose_connection_drops_after_slack_took_it_is_never_sent_twice(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    store = setup_store(database_url)
    knowledge = load_theses(owned_knowledge(tmp_path, owners=f"[{BOB}]", broken=False))
    client = client_for(fake_slack)
    fake_slack.drop("chat.postMessage")  # Slack takes the DM; its answer never comes

    def run(now: dt.datetime) -> list[str]:
        return notify_owners(store, client, knowledge.theses.values(), [], {}, now, 180)

    assert run(NOW) == []
    assert owner_ledger(store) == [(BOB, "unknown", 1)]
    assert run(NOW + dt.timedelta(minutes=10)) == []
    assert run(SAME_WEEK) == []
    assert len(owner_dms(fake_slack)) == 1  # not resent by the client, nor by a later run
    assert run(NEXT_WEEK) == [BOB]


def test_a_note_that_cannot_be_rendered_is_logged_as_a_bug_and_sent_once_it_can(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import bot.notify.owners

    store = setup_store(database_url)
    knowledge = load_theses(owned_knowledge(tmp_path, owners=f"[{BOB}]", broken=False))
    client = client_for(fake_slack)
    real = bot.notify.owners.owner_note

    def broken(news: object) -> object:
        raise RuntimeError("a bug in the card")

    def run(now: dt.datetime) -> list[str]:
        return notify_owners(store, client, knowledge.theses.values(), [], {}, now, 180)

    monkeypatch.setattr(bot.notify.owners, "owner_note", broken)
    with caplog.at_level(logging.WARNING):
        assert run(NOW) == []
    assert not any("did not answer" in r.getMessage() for r in caplog.records)
    [bug] = [r for r in caplog.records if r.exc_info]
    assert "owner note to U0BOB" in bug.getMessage() and "a bug in the card" in caplog.text
    assert owner_dms(fake_slack) == []
    monkeypatch.setattr(bot.notify.owners, "owner_note", real)
    assert run(NOW + dt.timedelta(minutes=1)) == [BOB]
    assert len(owner_dms(fake_slack)) == 1


def test_each_owner_hears_in_their_own_working_hours_and_week(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    """Alice works in Tokyo, Bob in New York: one run at a time sends the note to whoever is
    at work, and each owner's week is their own (Monday 9:00 in Tokyo is still Sunday in New
    York)."""
    store = setup_store(database_url)
    knowledge = load_theses(owned_knowledge(tmp_path, broken=False))
    client = client_for(fake_slack)
    fake_slack.set_user_tz(ALICE, "Asia/Tokyo", 9 * 3600)
    zones = OwnerZones(client)

    def run(now: dt.datetime) -> list[str]:
        return notify_owners(store, client, knowledge.theses.values(), [], {}, now, 180,
                             zones=zones)

    friday_night_in_new_york = dt.datetime(2026, 2, 28, 1, 0, tzinfo=dt.UTC)  # Tokyo: Sat 10:00
    assert run(friday_night_in_new_york) == [ALICE]
    assert run(NOW + dt.timedelta(hours=1)) == [BOB]  # New York: Friday 11:00, Tokyo: 1:00
    monday_in_tokyo = dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC)  # 9:30 there; NY: Sunday
    assert run(monday_in_tokyo) == [ALICE]
    assert run(monday_in_tokyo + dt.timedelta(hours=8)) == []  # Tokyo 17:30, New York 3:30
    assert run(NEXT_WEEK) == [BOB]
    with store.begin() as conn:
        notes = conn.execute(select(owner_notes.c.owner_id, owner_notes.c.week)
                             .order_by(owner_notes.c.week, owner_notes.c.owner_id)).all()
    assert [tuple(n) for n in notes] == [(ALICE, "2026-W09"), (BOB, "2026-W09"),
                                         (ALICE, "2026-W10"), (BOB, "2026-W10")]
    asked = [c.params["user"] for c in fake_slack.calls if c.method == "users.info"]
    assert sorted(asked) == [ALICE, ALICE, BOB, BOB]  # once a day each, not each run


def test_an_owner_ahead_of_utc_has_the_week_of_their_own_calendar(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    """Monday 9:30 in Sydney is still Sunday in UTC: the note is that owner's new week's."""
    store = setup_store(database_url)
    knowledge = load_theses(owned_knowledge(tmp_path, owners=f"[{BOB}]", broken=False))
    client = client_for(fake_slack)
    fake_slack.set_user_tz(BOB, "Australia/Sydney", 11 * 3600)

    def run(now: dt.datetime) -> list[str]:
        return notify_owners(store, client, knowledge.theses.values(), [], {}, now, 180)

    assert run(dt.datetime(2026, 2, 27, 0, 0, tzinfo=dt.UTC)) == [BOB]  # Friday 11:00 there
    monday_in_sydney = dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC)
    assert run(monday_in_sydney) == [BOB]
    with store.begin() as conn:
        assert [r.week for r in conn.execute(select(owner_notes.c.week)
                                             .order_by(owner_notes.c.week))] == [
            "2026-W09", "2026-W10"]


def test_an_owner_whose_time_zone_slack_does_not_give_hears_in_utc_working_hours(
        sqlite_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    store = setup_store(sqlite_url)
    knowledge = load_theses(owned_knowledge(tmp_path, owners=f"[{BOB}]", broken=False))
    client = client_for(fake_slack)
    fake_slack.fail("users.info", "user_not_found", times=10)

    def run(now: dt.datetime) -> list[str]:
        return notify_owners(store, client, knowledge.theses.values(), [], {}, now, 180)

    assert run(dt.datetime(2026, 2, 27, 8, 30, tzinfo=dt.UTC)) == []
    assert run(dt.datetime(2026, 2, 27, 9, 0, tzinfo=dt.UTC)) == [BOB]


def test_an_owner_hears_of_their_draft_in_the_weekly_note(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    """A draft answers nothing, so its owner is told, with what is left to fill in."""
    from bot.cli.new import starter

    folder = owned_knowledge(tmp_path, owners=f"[{BOB}]", review_every=365, broken=False)
    draft = starter("ACME", "Acme Power", dt.date(2026, 2, 20)).replace(
        "other_companies: []", f"other_companies: []\nowners: [{ALICE}]")
    (folder / "acme.yaml").write_text(draft, encoding="utf-8")
    knowledge = load_theses(folder)
    assert not knowledge.problems
    sent = notify_owners(setup_store(database_url), client_for(fake_slack),
                         knowledge.theses.values(), knowledge.problems, files_of(knowledge),
                         NOW, 180)
    assert ALICE in sent
    [dm] = [c for c in owner_dms(fake_slack) if c.params["channel"] == ALICE]
    assert "ACME" not in "".join(shown(c) for c in owner_dms(fake_slack) if c is not dm)
    assert ("*Drafts: not answered from until finished*\n• ACME: 9 TODO placeholders left "
            "(title, summary, sources[0].title, …). Replace each with the write-up's words.") \
        in shown(dm)
    assert dm.params["text"] == "Your theses this week: 1 draft."
