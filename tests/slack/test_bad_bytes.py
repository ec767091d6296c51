"""A byte the database will not keep is a problem of that one record, not an outage: a NUL in
a question (PostgreSQL refuses it in text) is dropped from the text written down, and a write
refused for its data leaves /healthz at "ok" and the shared duplicate-event check in place."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text

from bot import errors
from bot.engine.matcher import Engine
from bot.questions import Questions
from bot.slack.records import Database, Records
from bot.store import create_engine_for, open_store
from tests.conftest import eventually
from tests.fake_slack import FakeSlack
from tests.slack.conftest import Served, serving
from tests.slack.signed import direct_message, event_body, signed_headers
from tests.slack.test_actions import press
from tests.slack.test_database_down import settings_for
from tests.slack.test_unanswered import LONG_AGO


def health(served: Served) -> dict[str, object]:
    return json.loads(served.slack.request("GET", "/healthz").body)


def test_a_nul_byte_in_a_question_is_written_down_without_it_and_healthz_stays_ok(
        engine: Engine, database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with FakeSlack() as fake, serving(settings_for(fake, database_url), engine, fake) as served:
        served.slack.event(direct_message("who won the football\x00 match", channel="D0NUL"))
        press(served, "feedback:down", {"c": "risk", "t": "BABA", "q": "is\x00 cloud growing?",
                                        "cf": 0.85})
        questions = Questions(open_store(database_url))
        assert eventually(lambda: len(questions.since(LONG_AGO)) == 2, timeout=30)
        assert sorted(q.question for q in questions.since(LONG_AGO)) == [
            "is cloud growing?", "who won the football match"]
        assert health(served)["database"] == "ok"
        # The shared duplicate-event check still holds: a retried event is answered once.
        body = event_body(direct_message("BABA\x00 risks", channel="D0RETRY"), "EvNULRETRY")
        for retry in ("0", "1"):
            served.slack.post(body, "application/json", headers=signed_headers(
                body, "application/json", **{"X-Slack-Retry-Num": retry}))
        assert fake.wait_until(lambda c: c.params.get("channel") == "D0RETRY")
        assert Records(open_store(database_url)).claim_event("EvNULRETRY") is False
    assert not any(r.getMessage().startswith(errors.DATABASE_UNAVAILABLE)
                   for r in caplog.records)


def test_a_write_refused_for_its_data_fails_alone_and_the_database_stays_available(
        database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """A real refusal from each database (PostgreSQL: a NUL in text; SQLite: a value of the
    wrong type for a strict table), passed to the availability check as the app does."""
    caplog.set_level(logging.WARNING)
    store = create_engine_for(database_url)
    database = Database(store, interval=3600)
    assert database.start()
    refused = None
    try:
        with store.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT CAST(:t AS text)"), {"t": "a\x00b"})
            else:
                conn.execute(text("CREATE TABLE strict_t (n INTEGER) STRICT"))
                conn.execute(text("INSERT INTO strict_t VALUES ('not a number')"))
    except Exception as exc:  # noqa: BLE001 - the real error, whatever its class
        refused = exc
    assert refused is not None
    database.failed(refused)
    assert database.state() == "ok"
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("the database refused one write")
