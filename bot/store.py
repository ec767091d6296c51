"""The database (SQLAlchemy Core): digest subscriptions and the digest post ledger, and the Slack
app's feedback votes, answered events and the thesis each conversation is about.

SQLite by default, PostgreSQL when DATABASE_URL says so. `ensure_schema` brings any earlier
database up to date on start: the Alembic revisions of bot/migrations for what changes existing
tables (a key, rows to fold together), then whatever is still missing is added (tables,
columns), so an upgrade never loses subscriptions or the ledger. Added columns must be nullable
or carry a server default.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    false,
    inspect,
    text,
    true,
)
from sqlalchemy.schema import CreateColumn

metadata = MetaData()
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Statuses of a ledger row. `failed` rows are retried while `final` is false; so are `unknown`
# ones (a post Slack never answered: it may be there; bot/notify/delivery.py looks first).
CLAIMED, POSTED, FAILED, UNKNOWN = "claimed", "posted", "failed", "unknown"
# Digests not posted, recorded final (bot/notify/delivery.py): no run came in time (missed),
# or another went out less than 12 hours before, after a move of the schedule (skipped).
MISSED, SKIPPED = "missed", "skipped"

# Any constant will do: it serialises concurrent `ensure_schema` calls on PostgreSQL.
_SCHEMA_LOCK = 0x7468_6573_6973


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite has no zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware one")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def storable(value: str) -> str:
    """`value` as a database can keep it: without NUL (PostgreSQL refuses it in text, and
    SQLite would cut the text there on some reads) and with lone surrogates (not UTF-8)
    replaced. Only text a person typed needs it; a question is still a question without them."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


class CleanString(TypeDecorator[str]):
    """A VARCHAR(n) from outside (a button's value, a user id), made `storable` on the way in."""

    impl: type[String] = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else storable(value)


class CleanText(CleanString):
    """Text from outside (a question), made `storable` on the way in."""

    impl = Text
    cache_ok = True


subscriptions = Table(
    "subscriptions",
    metadata,
    Column("channel_id", String(32), primary_key=True),
    Column("local_time", String(5), nullable=False),  # "HH:MM", wall clock in `tz`
    Column("tz", String(64), nullable=False),  # IANA name
    Column("weekdays_only", Boolean, nullable=False, server_default=true()),
    Column("created_by", String(32)),  # who first turned the digest on, and when
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_error", Text),
    Column("last_error_at", UtcDateTime),
    Column("active", Boolean, nullable=False, server_default=true()),
    # Who set the current schedule, and when (NULL on rows from before these columns).
    Column("updated_by", String(32)),
    Column("updated_at", UtcDateTime),
)

def _claim_columns() -> list[Column[Any]]:
    """What every ledger row of bot/notify/ledger.py keeps about its claim and its post."""
    return [Column("status", String(16), nullable=False),
            Column("claimed_at", UtcDateTime, nullable=False),
            Column("claim_token", String(36), nullable=False),
            Column("attempts", Integer, nullable=False, server_default=text("1")),
            Column("message_ts", String(32)),
            Column("error", Text)]


digest_posts = Table(
    "digest_posts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel_id", String(32), nullable=False),
    Column("tz", String(64), nullable=False),  # the schedule's zone, of which local_date is a day
    Column("local_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("claim_token", String(36), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("1")),
    Column("final", Boolean, nullable=False, server_default=false()),
    Column("message_ts", String(32)),
    Column("posted_at", UtcDateTime),
    Column("error", Text),
    UniqueConstraint("channel_id", "tz", "local_date", name="uq_digest_posts_channel_zone_date"),
)


# What the Slack app writes down (bot/slack/records.py queries them).
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("user_id", CleanString(32)),
    Column("channel_id", CleanString(32)),
    Column("helpful", Integer, nullable=False),  # 1 for 👍, 0 for 👎
    Column("ticker", CleanString(16)),
    Column("card", CleanString(16), nullable=False),
    Column("point", CleanString(64)),
    Column("question", CleanText),
    Column("confidence", Float),
    # One row per person and answer, the last vote kept (NULL where Slack named no user).
    Column("vote", String(32)),  # vote_key(user, card, question)
    Column("voter", String(32)),  # voter_key(user)
    UniqueConstraint("vote", name="uq_feedback_vote"),
)

# Questions the bot could not answer well (bot/questions.py): "I don't know", an answer below
# the "Did you mean" band, or a 👎. `user_id` only when THESIS_LOG_USERS is set.
unanswered_questions = Table(
    "unanswered_questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("surface", String(32), nullable=False),  # mention, direct message, command, feedback
    Column("reason", String(16), nullable=False),  # why: see bot.questions (unknown, no_thesis …)
    Column("question", CleanText, nullable=False),
    Column("ticker", CleanString(16)),  # the thesis the bot guessed, if any
    Column("card", CleanString(16), nullable=False),  # the card the asker got
    Column("point", CleanString(64)),  # the point it most likely wanted, if any
    Column("confidence", Float),
    Column("user_id", CleanString(32)),
    Column("vote", String(32)),  # a 👎's vote_key: one row per person and answer
    UniqueConstraint("vote", name="uq_unanswered_questions_vote"),
)

# Every version of a thesis seen by any process, keyed by its `updated` date; `changes` (JSON
# list of lines) is NULL for the first version seen, which announces nothing
# (bot/notify/updates.py).
thesis_versions = Table(
    "thesis_versions",
    metadata,
    Column("ticker", String(16), primary_key=True),
    Column("updated", Date, primary_key=True),
    Column("snapshot", Text, nullable=False),  # the thesis as JSON
    Column("changes", Text),
    Column("seen_at", UtcDateTime, nullable=False),
)

# The "thesis updated" ledger: one row per (channel, ticker, updated), claimed before posting.
update_posts = Table(
    "update_posts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel_id", String(32), nullable=False),
    Column("ticker", String(16), nullable=False),
    Column("updated", Date, nullable=False),
    *_claim_columns(),
    UniqueConstraint("channel_id", "ticker", "updated", name="uq_update_posts_channel_version"),
)

# The owners' weekly DM ledger: one row per (owner, ISO week), claimed before sending
# (bot/notify/owners.py). `week` is the ISO week in the owner's time zone, "2026-W09".
owner_notes = Table(
    "owner_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", String(32), nullable=False),
    Column("week", String(8), nullable=False),
    *_claim_columns(),
    UniqueConstraint("owner_id", "week", name="uq_owner_notes_owner_week"),
)

# The thesis each conversation (a thread, or one user's DM) is about, for follow-ups
# (bot/slack/conversations.py): one row per conversation, overwritten by each answer.
conversation_topics = Table(
    "conversation_topics",
    metadata,
    Column("conversation", String(128), primary_key=True),  # "C…:<thread ts>" or "D…:U…"
    Column("ticker", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False, index=True),  # when it was last answered
)

answered_events = Table(
    "slack_events_answered",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
)


SUPPORTED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")


def check_url(url: str) -> None:
    """A UserError naming what is wrong with DATABASE_URL (never quoting it: it may hold a
    password), before SQLAlchemy fails on it with a traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from bot import errors

    try:
        parsed = make_url(url)
        port = parsed.port
    except (ArgumentError, ValueError):
        scheme, sep, _ = url.partition("://")
        if sep and not scheme.replace("+", "").isalnum():
            raise errors.database_url_invalid("its scheme is not a word") from None
        reason = ("its port is not a number" if sep else "it has no scheme://")
        raise errors.database_url_invalid(reason) from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise errors.database_url_unsupported(parsed.drivername)
    if port is not None and not 0 < port < 65536:
        raise errors.database_url_invalid(f"port {port} is not between 1 and 65535")


def create_engine_for(url: str) -> Engine:
    """An engine tuned for several processes writing at once. `url` is a SQLAlchemy URL as
    `Settings.database_url` gives it (which turns Heroku's `postgres://` into
    `postgresql+psycopg://`); nothing here rewrites it again.

    SQLite: WAL, a generous busy timeout, and every transaction opened with BEGIN IMMEDIATE, so
    writers queue on the lock instead of failing with "database is locked" on upgrade.
    """
    check_url(url)
    if not url.startswith("sqlite"):
        # A server that does not answer fails a connection in seconds, not never.
        connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)

    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        # The default lives in a data folder that may not exist yet (~/.local/share/thesis-bot).
        with contextlib.suppress(OSError):  # SQLite then names the problem itself
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        _set_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _set_wal(cursor: Any, attempts: int = 300) -> None:
    """Switch to WAL. SQLite answers "database is locked" to this pragma at once, without the
    busy handler, while another process creates the file: processes starting together on an
    empty database would fail on a busy machine, so wait for the lock as a busy timeout would."""
    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


def ensure_schema(engine: Engine) -> None:
    """Bring the database up to this release, whatever release made it (or none): the Alembic
    revisions in bot/migrations first (what changes existing tables), then every table and
    column still missing is created. One transaction, one process at a time (an advisory lock
    on PostgreSQL, BEGIN IMMEDIATE on SQLite); never drops data a revision does not fold."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        migrate(conn)
        create_or_complete(conn, metadata.sorted_tables)


def migrate(conn: Connection) -> None:
    """Run the Alembic revisions `conn`'s database has not had, in `conn`'s transaction."""
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)

    def upgrade(revision: Any, _context: Any) -> Any:
        return script._upgrade_revs("head", revision)

    with EnvironmentContext(config, script, fn=upgrade, destination_rev="head") as env:
        env.configure(connection=conn, target_metadata=metadata)
        env.run_migrations()


def create_or_complete(conn: Connection, tables: list[Table]) -> None:
    """Create the missing ones of `tables` and add the columns missing from the others."""
    existing = set(inspect(conn).get_table_names())
    for table in tables:
        if table.name not in existing:
            table.create(conn)
            continue
        have = {c["name"] for c in inspect(conn).get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                _add_column(conn, table, column)


def _add_column(conn: Connection, table: Table, column: Column[Any]) -> None:
    if not column.nullable and column.server_default is None:
        raise RuntimeError(
            f"column {table.name}.{column.name} is NOT NULL without a server default; "
            "give it one so existing rows can be kept"
        )
    ddl = CreateColumn(column).compile(dialect=conn.dialect)
    preparer = conn.dialect.identifier_preparer
    conn.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {ddl}")


def voter_key(user_id: str) -> str:
    """Who voted, as a one-way hash of the Slack user id: one vote per person per answer holds
    without the user id being kept (it is, besides, only with THESIS_LOG_USERS)."""
    return hashlib.sha256(f"thesis-bot voter\x00{user_id}".encode()).hexdigest()[:32]


def vote_key(user_id: str, card: str, question: str | None) -> str:
    """One person's vote on one answer (the question and the card it got), hashed."""
    text = f"thesis-bot vote\x00{user_id}\x00{card}\x00{storable(question or '')[:2000]}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def is_disk_full(exc: BaseException) -> bool:
    """Whether a database error says its disk (or SQLite's size limit) is full: SQLite's
    SQLITE_FULL, PostgreSQL's disk_full (53100)."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or \
            "database or disk is full" in str(orig)
    return getattr(orig, "sqlstate", None) == "53100"


def is_outage(exc: BaseException) -> bool:
    """Whether a database error means the database cannot be used now (refused or lost
    connection, a server shutting down, a locked or full SQLite file), as opposed to one
    statement refused for its data (DataError, IntegrityError, ProgrammingError): the second
    fails that one write and says nothing about the next."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError)


def insert_for(conn: Connection, table: Table) -> Any:
    """INSERT with ON CONFLICT support for the connection's dialect (SQLite or PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def open_store(url: str) -> Engine:
    """An engine for `url` with the schema brought up to date: what every command starts with."""
    engine = create_engine_for(url)
    ensure_schema(engine)
    return engine
