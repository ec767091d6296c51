""""BABA thesis updated": one post per update per subscribed channel, even from racing
processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from bot.digest.subscriptions import subscribe
from bot.knowledge.loader import load_theses
from bot.store import open_store
from bot.updates import announce_updates, record_versions
from tests.conftest import KNOWLEDGE
from tests.digest.helpers import client_for, process_env, thesis_process
from tests.fake_slack import FakeSlack
from tests.test_diff import EXPECTED, revised

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
        subscribe(store, channel, dt.time(8, 30), "Asia/Hong_Kong", now=BEFORE)
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


def test_racing_processes_post_each_update_exactly_once(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    store = open_store(database_url)
    folder = setup(store, tmp_path)
    env = process_env(database_url, fake_slack)
    env["THESIS_KNOWLEDGE_DIR"] = str(folder)
    run = ["bot.cli", "digest", "run-due", "--now", NOW.isoformat()]
    procs = [thesis_process(run, env) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, results
    assert sorted(update_posts(fake_slack)) == [(c, "2026-02-26") for c in CHANNELS]
    assert sum(out.count("thesis updated") for out, _ in results) == len(CHANNELS)


def digest_marks(fake: FakeSlack) -> list[list[str]]:
    """For each digest posted, the 'updated since' lines it shows."""
    out = []
    for call in fake.calls_to("chat.postMessage"):
        if (call.params.get("metadata") or {}).get("event_type") != "thesis_digest":
            continue
        out.append([e["text"] for b in call.params["blocks"] if b["type"] == "context"
                    for e in b["elements"] if "Updated since the last digest" in e["text"]])
    return out


def test_the_next_digest_in_a_channel_marks_a_thesis_updated_since_its_last_digest(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    from bot.digest.delivery import run_due

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
        [], ["🆕 Updated since the last digest: 26 Feb 2026 (was 27 Nov 2025)"], []]


def test_a_digest_marks_an_update_no_process_has_announced_yet(
        database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    from bot.digest.delivery import run_due

    store = open_store(database_url)
    folder = setup(store, tmp_path)  # BABA recorded as first seen; revised on disk
    run_due(store, client_for(fake_slack), load_theses(folder).theses.values(), NOW)
    assert digest_marks(fake_slack) == [  # each channel's first digest, 11:00 in Hong Kong
        ["🆕 Updated since the last digest: 26 Feb 2026 (was 27 Nov 2025)"]] * len(CHANNELS)
