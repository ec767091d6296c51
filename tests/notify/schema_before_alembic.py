"""The schema as the release before Alembic created it (bot/store.py at commit 92197aa),
frozen: the database an upgrade starts from in tests/notify/test_store.py. Never edit."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)

from bot.store import UtcDateTime

before = MetaData()

subscriptions = Table(
    "subscriptions",
    before,
    Column("channel_id", String(32), primary_key=True),
    Column("local_time", String(5), nullable=False),  # "HH:MM", wall clock in `tz`
    Column("tz", String(64), nullable=False),  # IANA name
    Column("weekdays_only", Boolean, nullable=False, server_default=true()),
    Column("created_by", String(32)),  # who first turned the digest on, and when
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_error", Text),
    Column("last_error_at", UtcDateTime),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("updated_by", String(32)),
    Column("updated_at", UtcDateTime),
)

digest_posts = Table(
    "digest_posts",
    before,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel_id", String(32), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("claim_token", String(36), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("1")),
    Column("final", Boolean, nullable=False, server_default=false()),
    Column("message_ts", String(32)),
    Column("posted_at", UtcDateTime),
    Column("error", Text),
    UniqueConstraint("channel_id", "local_date", name="uq_digest_posts_channel_date"),
)


feedback = Table(
    "feedback",
    before,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("user_id", String(32)),
    Column("channel_id", String(32)),
    Column("helpful", Integer, nullable=False),  # 1 for 👍, 0 for 👎
    Column("ticker", String(16)),
    Column("card", String(16), nullable=False),
    Column("point", String(64)),
    Column("question", Text),
    Column("confidence", Float),
)

unanswered_questions = Table(
    "unanswered_questions",
    before,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("surface", String(32), nullable=False),  # mention, direct message, command, feedback
    Column("reason", String(16), nullable=False),  # why: see bot.questions (unknown, no_thesis …)
    Column("question", Text, nullable=False),
    Column("ticker", String(16)),  # the thesis the bot guessed, if any
    Column("card", String(16), nullable=False),  # the card the asker got
    Column("point", String(64)),  # the point it most likely wanted, if any
    Column("confidence", Float),
    Column("user_id", String(32)),
)

thesis_versions = Table(
    "thesis_versions",
    before,
    Column("ticker", String(16), primary_key=True),
    Column("updated", Date, primary_key=True),
    Column("snapshot", Text, nullable=False),  # the thesis as JSON
    Column("changes", Text),
    Column("seen_at", UtcDateTime, nullable=False),
)

update_posts = Table(
    "update_posts",
    before,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel_id", String(32), nullable=False),
    Column("ticker", String(16), nullable=False),
    Column("updated", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("claim_token", String(36), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("1")),
    Column("message_ts", String(32)),
    Column("error", Text),
    UniqueConstraint("channel_id", "ticker", "updated", name="uq_update_posts_channel_version"),
)

owner_notes = Table(
    "owner_notes",
    before,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", String(32), nullable=False),
    Column("week", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("claim_token", String(36), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("1")),
    Column("message_ts", String(32)),
    Column("error", Text),
    UniqueConstraint("owner_id", "week", name="uq_owner_notes_owner_week"),
)

conversation_topics = Table(
    "conversation_topics",
    before,
    Column("conversation", String(128), primary_key=True),  # "C…:<thread ts>" or "D…:U…"
    Column("ticker", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False, index=True),  # when it was last answered
)

answered_events = Table(
    "slack_events_answered",
    before,
    Column("event_id", String(64), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
)
