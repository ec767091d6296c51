"""The tables later revisions change, as every release before Alembic left them.

Created when missing, completed (columns added by releases before this one) when present: a
database of any earlier release, or none, comes out the same. Frozen: never edit this file;
the current shape of a table is bot/store.py.

Revision ID: 0001
"""

from __future__ import annotations

from alembic import op
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

from bot.store import UtcDateTime, create_or_complete

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

before = MetaData()

Table(
    "subscriptions", before,
    Column("channel_id", String(32), primary_key=True),
    Column("local_time", String(5), nullable=False),
    Column("tz", String(64), nullable=False),
    Column("weekdays_only", Boolean, nullable=False, server_default=true()),
    Column("created_by", String(32)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_error", Text),
    Column("last_error_at", UtcDateTime),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("updated_by", String(32)),
    Column("updated_at", UtcDateTime),
)

Table(
    "digest_posts", before,
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

Table(
    "feedback", before,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("user_id", String(32)),
    Column("channel_id", String(32)),
    Column("helpful", Integer, nullable=False),
    Column("ticker", String(16)),
    Column("card", String(16), nullable=False),
    Column("point", String(64)),
    Column("question", Text),
    Column("confidence", Float),
)

Table(
    "unanswered_questions", before,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("surface", String(32), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("question", Text, nullable=False),
    Column("ticker", String(16)),
    Column("card", String(16), nullable=False),
    Column("point", String(64)),
    Column("confidence", Float),
    Column("user_id", String(32)),
)


def upgrade() -> None:
    create_or_complete(op.get_bind(), before.sorted_tables)
