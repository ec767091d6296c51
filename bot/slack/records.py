"""What the Slack app writes down: 👍/👎 feedback on cards, and the events it has answered.

Two small tables, `feedback` and `slack_events_answered`, defined in bot/store.py with the
digest's, so `ensure_schema` creates and upgrades them all. `claim_event` makes answering an
event at most once hold across retries, restarts and several processes: the first to insert
the event id answers, the others do not. `claim_request` does the same for a replayed slash
command or button press.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot import errors
from bot.store import (
    answered_events,
    ensure_schema,
    feedback,
    insert_for,
    is_disk_full,
    is_outage,
    vote_key,
    voter_key,
)

logger = logging.getLogger(__name__)
KEEP_EVENTS = dt.timedelta(days=2)  # Slack retries for minutes, not days
EVENT_KEY_LENGTH = 64  # slack_events_answered.event_id


class Database:
    """Whether the app's database answers, as last seen by the app's own statements or by a
    probe (at most one every `interval` seconds, in the background, so /healthz never waits on
    an unreachable server). Each change is logged once."""

    def __init__(self, engine: Engine, interval: float = 5.0) -> None:
        self.engine = engine
        self.interval = interval
        self.available: bool | None = None  # None: not tried yet
        self._schema = False
        self._checked = float("-inf")
        self._probing = False
        self._lock = threading.Lock()

    def start(self) -> bool:
        """Create the schema if the database answers; False (logged, with what will not work
        until it is back) if not."""
        return self.ready()

    def ready(self) -> bool:
        """True when the schema is in place (created now if the database just came back)."""
        if self._schema:
            return True
        try:
            ensure_schema(self.engine)
        except DBAPIError as exc:
            self.failed(exc)
            return False
        self._schema = True
        self.succeeded()
        return True

    def usable(self) -> bool:
        """Whether to use the database now. Once it is known to be down, answers do not try it
        (each try could wait out a connection timeout): a background probe, at most one every
        `interval` seconds, finds it back."""
        if self.available is False:
            self.state()
            return False
        return self.ready()

    def succeeded(self) -> None:
        with self._lock:
            self._checked = time.monotonic()
            was, self.available = self.available, True
        if was is False:
            logger.warning(errors.DATABASE_BACK)

    def failed(self, exc: BaseException) -> None:
        """Take note of a database error. Only an outage makes the database unavailable; a
        statement refused for its data (a byte PostgreSQL will not keep, a value too long)
        fails that one write, is logged, and leaves the database as it was."""
        if not is_outage(exc):
            logger.warning(errors.database_write_refused(type(exc).__name__,
                                                         str(exc).splitlines()[0][:200]))
            return
        with self._lock:
            self._checked = time.monotonic()
            was, self.available = self.available, False
        if was is not False:
            logger.warning("%s (%s)", errors.DATABASE_DISK_FULL if is_disk_full(exc)
                           else errors.DATABASE_UNAVAILABLE, str(exc).splitlines()[0][:200])

    def state(self) -> str:
        """"ok", "unavailable" or "unknown", as last seen; starts a probe when that is old."""
        with self._lock:
            stale = time.monotonic() - self._checked > self.interval and not self._probing
            if stale:
                self._probing = True
        if stale:
            threading.Thread(target=self._probe, name="thesis-db-probe", daemon=True).start()
        return {True: "ok", False: "unavailable", None: "unknown"}[self.available]

    def _probe(self) -> None:
        try:
            if self.ready():
                with self.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                self.succeeded()
        except DBAPIError as exc:
            self.failed(exc)
        finally:
            with self._lock:
                self._probing = False


@dataclass(frozen=True, slots=True)
class Vote:
    helpful: bool
    card: str
    ticker: str | None = None
    point: str | None = None
    question: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    confidence: float | None = None


class Records:
    def __init__(self, engine: Engine, memory: int = 10_000,
                 database: Database | None = None, log_users: bool = False) -> None:
        self.engine = engine  # from bot.store.open_store, or checked by `database`
        self.log_users = log_users  # keep the voter's user id (else only its one-way hash)
        self.database = database or Database(engine)
        if database is None:
            self.database._schema = True  # open_store made it
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._memory = memory
        self._lock = threading.Lock()
        self._claims = 0

    def record_vote(self, vote: Vote, now: dt.datetime | None = None) -> None:
        """One row per person and answer (question and card): a second vote, or a replayed
        one, replaces the first. The user id is kept only with THESIS_LOG_USERS; the row is
        keyed by a one-way hash of it either way."""
        self.database.ready()
        values = {"at": now or dt.datetime.now(dt.UTC),
                  "user_id": vote.user_id if self.log_users else None,
                  "channel_id": vote.channel_id, "helpful": int(vote.helpful),
                  "ticker": vote.ticker, "card": vote.card, "point": vote.point,
                  "question": vote.question, "confidence": vote.confidence}
        with self.engine.begin() as conn:
            if not vote.user_id:
                conn.execute(insert(feedback).values(**values))
                return
            key = vote_key(vote.user_id, vote.card, vote.question)
            conn.execute(insert_for(conn, feedback)
                         .values(vote=key, voter=voter_key(vote.user_id), **values)
                         .on_conflict_do_update(index_elements=["vote"], set_=values))

    def votes(self) -> list[Vote]:
        with self.engine.begin() as conn:
            rows = conn.execute(select(feedback).order_by(feedback.c.id)).all()
        return [Vote(bool(r.helpful), r.card, r.ticker, r.point, r.question, r.user_id,
                     r.channel_id, r.confidence) for r in rows]

    def voters(self) -> int:
        """How many people voted (by their hashed ids)."""
        with self.engine.begin() as conn:
            return len(set(conn.execute(select(feedback.c.voter)
                                        .where(feedback.c.voter.is_not(None))).scalars()))

    def claim_request(self, kind: str, *identity: str, now: dt.datetime | None = None) -> bool:
        """`claim_event` for a request Slack does not retry but an attacker could replay
        within the signature's five minutes: a slash command (`kind` "command", identified
        by its trigger_id) or a button press ("action": its action_ts and who pressed it).
        Kept in the same table, under a key that cannot be an event id ("Ev…")."""
        key = f"{kind}:{':'.join(identity)}"
        if len(key) > EVENT_KEY_LENGTH:
            digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
            key = f"{kind}#{digest}"[:EVENT_KEY_LENGTH]
        return self.claim_event(key, now)

    def claim_event(self, event_id: str, now: dt.datetime | None = None) -> bool:
        """True the first time `event_id` is claimed, here or in any process sharing the
        database; False for every later delivery of the same event. Without the database,
        this process's memory decides alone."""
        with self._lock:
            if event_id in self._recent:
                return False
            self._recent[event_id] = None
            if len(self._recent) > self._memory:
                self._recent.popitem(last=False)
            self._claims += 1
            prune = self._claims % 500 == 0
        now = now or dt.datetime.now(dt.UTC)
        if not self.database.usable():
            return True
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(answered_events).values(event_id=event_id, at=now))
                if prune:
                    conn.execute(delete(answered_events)
                                 .where(answered_events.c.at < now - KEEP_EVENTS))
        except IntegrityError:
            return False
        except DBAPIError as exc:  # unreachable: answer anyway, once per this process
            self.database.failed(exc)
            return True
        self.database.succeeded()
        return True
