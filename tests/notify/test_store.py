"""The schema is created on start and grows without losing subscriptions, the post ledger or
the Slack app's records."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
)

from bot.knowledge.models import Thesis
from bot.notify.delivery import claim
from bot.notify.subscriptions import active_subscriptions, subscribe
from bot.store import UtcDateTime, create_engine_for, digest_posts, ensure_schema, open_store
from tests.fake_slack import FakeSlack

UTC = dt.UTC

# The first release's tables, before later columns were added.
v1 = MetaData()
v1_subscriptions = Table(
    "subscriptions", v1,
    Column("channel_id", String(32), primary_key=True),
    Column("local_time", String(5), nullable=False),
    Column("tz", String(64), nullable=False),
    Column("weekdays_only", Boolean, nullable=False),
    Column("created_by", String(32)),
    Column("created_at", UtcDateTime, nullable=False),
)
v1_posts = Table(
    "digest_posts", v1,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel_id", String(32), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("claim_token", String(36), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("message_ts", String(32)),
    Column("error", Text),
    UniqueConstraint("channel_id", "local_date", name="uq_digest_posts_channel_date"),
)


def test_schema_is_created_on_first_start_and_start_is_repeatable(database_url: str) -> None:
    engine = open_store(database_url)
    ensure_schema(engine)
    assert {"subscriptions", "digest_posts", "feedback", "slack_events_answered"} <= set(
        inspect(engine).get_table_names())
    engine.dispose()


def test_upgrade_adds_columns_and_keeps_every_row(database_url: str) -> None:
    engine = create_engine_for(database_url)
    jan5 = dt.datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
    with engine.begin() as conn:
        v1.create_all(conn)
        conn.execute(v1_subscriptions.insert().values(
            channel_id="C_OLD", local_time="08:30", tz="Europe/London", weekdays_only=True,
            created_by="U1", created_at=jan5))
        conn.execute(v1_posts.insert().values(
            channel_id="C_OLD", local_date=jan5.date(), status="posted", claimed_at=jan5,
            claim_token="tok", attempts=1, message_ts="17.1"))

    ensure_schema(engine)

    columns = {c["name"] for c in inspect(engine).get_columns("subscriptions")}
    assert {"last_error", "last_error_at", "active", "updated_at", "updated_by"} <= columns
    [old] = active_subscriptions(engine)  # the new `active` column defaults to subscribed
    assert (old.channel_id, old.schedule.describe()) == ("C_OLD", "weekdays at 08:30 Europe/London")
    assert (old.updated_at, old.schedule.since) == (None, jan5)  # runs from when it was made
    with engine.begin() as conn:
        row = conn.execute(select(digest_posts)).one()
    assert (row.message_ts, row.final, row.posted_at) == ("17.1", False, None)
    # The upgraded tables take new rows.
    subscribe(engine, "C_NEW", dt.time(9, 0), "Asia/Tokyo")
    assert [s.channel_id for s in active_subscriptions(engine)] == ["C_NEW", "C_OLD"]
    assert claim(engine, ("C_OLD", "Europe/London", dt.date(2026, 1, 6)),
                 jan5 + dt.timedelta(days=1), "tok2")
    engine.dispose()


def test_the_slack_apps_tables_are_upgraded_by_the_same_schema_step(database_url: str) -> None:
    from bot.slack.records import Records, Vote

    old = MetaData()
    Table("feedback", old,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("at", UtcDateTime, nullable=False),
          Column("helpful", Integer, nullable=False),
          Column("card", String(16), nullable=False))
    engine = create_engine_for(database_url)
    with engine.begin() as conn:
        old.create_all(conn)

    ensure_schema(engine)

    columns = {c["name"] for c in inspect(engine).get_columns("feedback")}
    assert {"ticker", "point", "question", "confidence", "user_id"} <= columns
    records = Records(engine)
    records.record_vote(Vote(True, "risk", "BABA", confidence=0.9))
    assert records.votes()[-1].confidence == 0.9
    assert records.claim_event("Ev1") and not Records(engine).claim_event("Ev1")
    engine.dispose()


@pytest.mark.slow
def test_processes_starting_together_on_an_empty_database_all_start(
        database_url: str) -> None:
    from tests.notify.helpers import thesis_process

    env = {"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}
    procs = [thesis_process(["bot.cli.main", "digest", "list"], env) for _ in range(5)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 5, outputs
    assert all(out.startswith("No channel gets the digest yet.") for out, _ in outputs)


def test_a_database_made_before_alembic_upgrades_in_place_and_keeps_its_rows(
        database_url: str, fake_slack: FakeSlack, baba: Thesis) -> None:
    """From the tables the release before Alembic created, with Hong Kong's 10 March posted and
    repeated votes: the ledger is re-keyed by time zone in place, every row kept, and after a
    move to New York, New York's own 10 March is posted (the old key, (channel, date), refused
    it); of one person's votes on one answer the latest is kept."""
    from sqlalchemy import text as sql

    from bot.notify.delivery import run_due
    from tests.notify.helpers import client_for
    from tests.notify.schema_before_alembic import before

    engine = create_engine_for(database_url)
    hk_posted = dt.datetime(2027, 3, 10, 0, 30, tzinfo=UTC)  # 08:30 in Hong Kong
    with engine.begin() as conn:
        before.create_all(conn)
        conn.execute(before.tables["subscriptions"].insert().values(
            channel_id="CMOVED", local_time="08:30", tz="Asia/Hong_Kong", weekdays_only=True,
            created_at=hk_posted - dt.timedelta(days=3), active=True))
        conn.execute(before.tables["digest_posts"].insert().values(
            channel_id="CMOVED", local_date=dt.date(2027, 3, 10), status="posted",
            claimed_at=hk_posted, claim_token="t1", attempts=1, final=False,
            message_ts="1.1", posted_at=hk_posted))
        for minute, (user, helpful) in enumerate([("U1", 0), ("U1", 0), ("U2", 0), ("U1", 1)]):
            conn.execute(before.tables["feedback"].insert().values(
                at=hk_posted + dt.timedelta(minutes=minute), user_id=user, helpful=helpful,
                card="risk", question="is it a fraud?"))
        for user in ("U1", "U1", "U1", None, None):  # 👎 questions (with THESIS_LOG_USERS)
            conn.execute(before.tables["unanswered_questions"].insert().values(
                at=hk_posted, surface="feedback", reason="thumbs_down", user_id=user,
                question="is it a fraud?", card="risk"))

    ensure_schema(engine)
    ensure_schema(engine)  # a second start changes nothing

    with engine.begin() as conn:
        assert conn.execute(sql("SELECT version_num FROM alembic_version")).scalar() is not None
        [row] = conn.execute(select(digest_posts)).all()
    assert (row.channel_id, row.tz, row.local_date, row.status, row.message_ts) == (
        "CMOVED", "Asia/Hong_Kong", dt.date(2027, 3, 10), "posted", "1.1")
    # One vote per person per answer, the latest kept: U1's 👍 after two 👎, and U2's 👎.
    from bot.slack.records import Records

    assert sorted((v.user_id, v.helpful) for v in Records(engine).votes()) == [
        ("U1", True), ("U2", False)]
    from bot.questions import Questions

    assert len(Questions(engine).since(hk_posted - dt.timedelta(days=1))) == 3
    subscribe(engine, "CMOVED", dt.time(20, 30), "America/New_York",
              now=hk_posted + dt.timedelta(hours=2))
    report = run_due(engine, client_for(fake_slack), [baba],
                     dt.datetime(2027, 3, 11, 1, 31, tzinfo=UTC))  # 20:31 on 10 March in NY
    assert [(o.local_date, o.result) for o in report.outcomes] == [
        (dt.date(2027, 3, 10), "posted")]
    engine.dispose()
