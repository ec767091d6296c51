""""BABA thesis updated": one post per update per subscribed channel, even from racing
processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from bot.knowledge.loader import load_theses
from bot.notify.subscriptions import subscribe
from bot.notify.updates import announce_updates, record_versions
from bot.store import open_store
from tests.cli.test_diff import EXPECTED, revised
from tests.conftest import KNOWLEDGE
from tests.fake_slack import FakeSlack
from tests.notify.helpers import client_for, process_env, thesis_process

BEFORE = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 2, 27, 3, 0, tzinfo=dt.UTC)  # no digest due at 03:00 UTC for 08:30 HK
CHANNELS = ["CUPD1", "CUPD2", "CUPD3"]


def update_posts(fake: FakeSlack) -> list[tuple[str, str]]:
    return [(c.params["channel"], c.params["metadata"]["event_payload"]["updated"])
            for c in fake.calls_to("chat.postMessage")
            if c.params.get("metadata", {}).get("event_type") == "thesis_updated"]


def setup(store: Engine, tmp_path: Path) -> Path:
    """BABA seen as in the fixture before the channels subscribed; then revised on disk."""
    record_versions(store, load_theses(KNOWLEDGE).theses.values(), BEFORE)
    for channel in CHANNELS:
        subscribe(store, channel, dt.time(8, 30), "Asia/Hong_Kong",
                  now=NOW - dt.timedelta(hours=20))  # the afternoon before: today's is the first
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "baba.yaml").write_text(revised(), encoding="utf-8")
    return folder


def test_update_is_posted_once_per_channel_with_what_changed(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    store = open_store(database_url)
    folder = setup(store, tmp_path)
    theses = load_theses(folder).theses.values()
    client = client_for(fake_slack)
    posted = announce_updates(store, client, theses, NOW)
    assert sorted(posted) == [(c, "BABA") for c in CHANNELS]
    assert announce_updates(store, client, theses, NOW + dt.timedelta(minutes=1)) == []
    assert sorted(update_posts(fake_slack)) == [(c, "2026-02-26") for c in CHANNELS]
    message = fake_slack.calls_to("chat.postMessage")[0].params
    assert message["blocks"][0]["text"]["text"] == "BABA thesis updated"
    body = message["blocks"][2]["text"]["text"]
    assert body.splitlines() == [f"• {line}" for line in EXPECTED]


def test_first_sight_of_a_thesis_announces_nothing(database_url: str,
                                                   fake_slack: FakeSlack) -> None:
    store = open_store(database_url)
    subscribe(store, "CFIRST", dt.time(8, 30), "UTC", now=BEFORE)
    theses = load_theses(KNOWLEDGE).theses.values()
    assert announce_updates(store, client_for(fake_slack), theses, NOW) == []
    assert update_posts(fake_slack) == []


@pytest.mark.slow
def test_racing_processes_post_each_update_exactly_once(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    store = open_store(database_url)
    folder = setup(store, tmp_path)
    env = process_env(database_url, fake_slack)
    env["THESIS_KNOWLEDGE_DIR"] = str(folder)
    run = ["bot.cli.main", "digest", "run-due", "--now", NOW.isoformat()]
    procs = [thesis_process(run, env) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, results
    assert sorted(update_posts(fake_slack)) == [(c, "2026-02-26") for c in CHANNELS]
    assert sum(out.count("thesis updated") for out, _ in results) == len(CHANNELS)


def digest_marks(fake: FakeSlack) -> list[list[str]]:
    """For each digest posted, the 'thesis updated' lines it lists as new."""
    out = []
    for call in fake.calls_to("chat.postMessage"):
        if (call.params.get("metadata") or {}).get("event_type") != "thesis_digest":
            continue
        out.append([line for b in call.params["blocks"] if b["type"] == "section"
                    for line in b["text"]["text"].splitlines() if "thesis updated" in line])
    return out


def test_the_next_digest_in_a_channel_marks_a_thesis_updated_since_its_last_digest(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    from bot.notify.delivery import run_due

    store = open_store(database_url)
    old = list(load_theses(KNOWLEDGE).theses.values())
    record_versions(store, old, BEFORE)
    subscribe(store, "CMARK", dt.time(8, 30), "Europe/London", weekdays_only=False, now=BEFORE)
    client = client_for(fake_slack)
    at = dt.datetime(2026, 2, 25, 8, 31, tzinfo=dt.UTC)
    run_due(store, client, old, at)  # Wed: BABA as first seen
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "baba.yaml").write_text(revised(), encoding="utf-8")
    new = list(load_theses(folder).theses.values())
    announce_updates(store, client, new, at + dt.timedelta(days=1, hours=3))  # Thu noon
    run_due(store, client, new, at + dt.timedelta(days=2))  # Fri: marked
    run_due(store, client, new, at + dt.timedelta(days=3))  # Sat: old news
    assert digest_marks(fake_slack) == [
        [], ["• *BABA* 🆕 thesis updated 26 Feb 2026 (was 27 Nov 2025)"], []]


def test_a_digest_marks_an_update_no_process_has_announced_yet(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    from bot.notify.delivery import run_due

    store = open_store(database_url)
    folder = setup(store, tmp_path)  # BABA recorded as first seen; revised on disk
    run_due(store, client_for(fake_slack), load_theses(folder).theses.values(), NOW)
    assert digest_marks(fake_slack) == [  # each channel's first digest, 11:00 in Hong Kong
        ["• *BABA* 🆕 thesis updated 26 Feb 2026 (was 27 Nov 2025)"]] * len(CHANNELS)


def update_ledger(store: Engine) -> list[tuple[str, str, int]]:
    from bot.store import update_posts as table

    with store.begin() as conn:
        return [(r.channel_id, r.status, r.attempts) for r in conn.execute(
            select(table).order_by(table.c.channel_id))]


@pytest.fixture
def slack(fake_slack: FakeSlack) -> FakeSlack:
    """The fake, stamping messages on the simulated day (never the real date)."""
    fake_slack.clock = lambda: NOW.timestamp()
    return fake_slack


def test_an_update_post_whose_connection_drops_is_found_in_the_channel_not_posted_again(
        database_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    store = open_store(database_url)
    folder = setup(store, tmp_path)
    theses = load_theses(folder).theses.values()
    client = client_for(slack)
    slack.drop("chat.postMessage")  # the first channel's post: taken, never answered
    assert sorted(announce_updates(store, client, theses, NOW)) == [
        (c, "BABA") for c in CHANNELS[1:]]
    assert update_ledger(store) == [("CUPD1", "unknown", 1), ("CUPD2", "posted", 1),
                                    ("CUPD3", "posted", 1)]
    assert announce_updates(store, client, theses, NOW + dt.timedelta(minutes=1)) == []
    assert announce_updates(store, client, theses, NOW + dt.timedelta(minutes=3)) == [
        ("CUPD1", "BABA")]  # looked for, found: recorded
    assert slack.calls_to("conversations.history")
    assert sorted(update_posts(slack)) == [(c, "2026-02-26") for c in CHANNELS]
    [first] = slack.history["CUPD1"]
    with store.begin() as conn:
        from bot.store import update_posts as table

        row = conn.execute(select(table).where(table.c.channel_id == "CUPD1")).one()
    assert (row.status, row.message_ts, row.attempts) == ("posted", first["ts"], 2)
    assert announce_updates(store, client, theses, NOW + dt.timedelta(hours=1)) == []
    assert len(update_posts(slack)) == len(CHANNELS)


def test_an_update_post_slack_answers_too_late_is_unconfirmed_then_found(
        database_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    store = open_store(database_url)
    folder = setup(store, tmp_path)
    theses = load_theses(folder).theses.values()
    client = client_for(slack)
    client.timeout = 1  # Slack holds its answer until after this
    release = slack.hold("chat.postMessage")
    posted = announce_updates(store, client, theses, NOW)
    release.set()
    assert ("CUPD1", "BABA") not in posted
    assert update_ledger(store)[0] == ("CUPD1", "unknown", 1)  # not "failed": it may be there
    assert announce_updates(store, client, theses, NOW + dt.timedelta(minutes=3)) == [
        ("CUPD1", "BABA")]
    assert sorted(update_posts(slack)) == [(c, "2026-02-26") for c in CHANNELS]


def test_an_update_post_lost_without_an_answer_is_posted_on_the_retry(
        database_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    store = open_store(database_url)
    folder = setup(store, tmp_path)
    theses = load_theses(folder).theses.values()
    client = client_for(slack)
    slack.drop("chat.postMessage")
    announce_updates(store, client, theses, NOW)
    slack.history.clear()  # Slack lost it after all
    assert ("CUPD1", "BABA") in announce_updates(store, client, theses,
                                                 NOW + dt.timedelta(minutes=3))
    assert [m["metadata"]["event_type"] for m in slack.history["CUPD1"]] == ["thesis_updated"]


def test_the_update_post_is_a_card_of_bot_render_within_slack_limits() -> None:
    from bot.notify import messages
    from bot.notify.update_card import update_message
    from bot.notify.updates import Update
    from tests.render.block_rules import block_problems

    many = Update("BABA", "Alibaba Group", dt.date(2025, 11, 27), dt.date(2026, 2, 26),
                  [f"Figure {n} moved from *1* to <2> & more: " + "x" * 300 for n in range(60)],
                  NOW)
    text, blocks = update_message(many)
    assert block_problems(blocks) == []
    assert blocks[0]["text"]["text"] == messages.thesis_updated_title("BABA")
    assert text == messages.thesis_updated_fallback(
        "BABA thesis updated", "Alibaba Group: updated 26 Feb 2026 (was 27 Nov 2025). "
        "What changed:")
    assert "&lt;2&gt; &amp; more" in blocks[2]["text"]["text"]
    assert blocks[-1]["elements"][0]["text"] == (
        "… and more changes: `thesis diff BABA --since 2025-11-27` lists them all.")
    _, dateless = update_message(Update("BABA", "Alibaba Group", dt.date(2025, 11, 27),
                                        dt.date(2026, 2, 26), [], NOW))
    assert dateless[2]["text"]["text"] == messages.THESIS_UPDATED_NO_DETAIL


def test_a_thesis_marked_draft_while_reworked_is_not_announced(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    """A draft answers nothing, so its edits are not news; once ready, its changes are."""
    store = open_store(database_url)
    folder = setup(store, tmp_path)
    path = folder / "baba.yaml"
    path.write_text("draft: true\n" + revised(), encoding="utf-8")
    client = client_for(fake_slack)
    assert announce_updates(store, client, load_theses(folder).theses.values(), NOW) == []
    path.write_text(revised(), encoding="utf-8")
    ready = announce_updates(store, client, load_theses(folder).theses.values(),
                             NOW + dt.timedelta(minutes=1))
    assert sorted(ready) == [(c, "BABA") for c in CHANNELS]
