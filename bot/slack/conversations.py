"""The thesis each conversation is about, so that a follow-up ("and the catalysts?", "what
about its valuation?") continues with it.

A conversation is a thread (its channel and root ts: everyone in the thread shares it) or one
user's DM (the DM and the user: two users never share one, even where a DM id would repeat).
Its thesis is the last one answered there, for FOLLOW_FOR. Kept in the database, so a follow-up
answered by another process still follows, and in this process's memory, which answers alone
while the database is down; when both know the conversation, the later answer wins.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import DBAPIError

from bot.slack.records import Database
from bot.store import conversation_topics, insert_for

logger = logging.getLogger(__name__)
FOLLOW_FOR = dt.timedelta(hours=1)  # a conversation quiet this long is about nothing
KEEP = dt.timedelta(days=1)  # rows older than this are deleted (now and then, by a write)
PRUNE_EVERY = 500  # writes


def thread_key(channel: str, thread_ts: str) -> str:
    """A thread of a channel: everyone in it talks about the same thesis."""
    return f"{channel}:{thread_ts}"


def dm_key(channel: str, user: str) -> str:
    """One user's DM (or their part of a group DM)."""
    return f"{channel}:{user}"


class Conversations:
    def __init__(self, engine: Engine, database: Database, memory: int = 10_000) -> None:
        self.engine = engine
        self.database = database
        self._memory: OrderedDict[str, tuple[str, dt.datetime]] = OrderedDict()
        self._size = memory
        self._lock = threading.Lock()
        self._writes = 0

    def about(self, key: str, now: dt.datetime | None = None) -> str | None:
        """The ticker the conversation is about, or None when nothing was answered in it for
        FOLLOW_FOR."""
        now = now or dt.datetime.now(dt.UTC)
        with self._lock:
            known = [self._memory[key]] if key in self._memory else []
        stored = self._stored(key)
        if stored is not None:
            known.append(stored)
        fresh = [(at, ticker) for ticker, at in known if now - at <= FOLLOW_FOR]
        return max(fresh)[1] if fresh else None

    def answered(self, key: str, ticker: str, now: dt.datetime | None = None) -> None:
        """The conversation is now about `ticker`. Never fails: without the database, this
        process's memory keeps it."""
        now = now or dt.datetime.now(dt.UTC)
        with self._lock:
            self._memory[key] = (ticker, now)
            self._memory.move_to_end(key)
            if len(self._memory) > self._size:
                self._memory.popitem(last=False)
            self._writes += 1
            prune = self._writes % PRUNE_EVERY == 0
        if not self.database.usable():
            return
        try:
            with self.engine.begin() as conn:
                upsert = insert_for(conn, conversation_topics).values(
                    conversation=key, ticker=ticker, at=now)
                conn.execute(upsert.on_conflict_do_update(
                    index_elements=[conversation_topics.c.conversation],
                    set_={"ticker": upsert.excluded.ticker, "at": upsert.excluded.at}))
                if prune:
                    conn.execute(delete(conversation_topics)
                                 .where(conversation_topics.c.at < now - KEEP))
        except DBAPIError as exc:
            self.database.failed(exc)
            return
        self.database.succeeded()

    def _stored(self, key: str) -> tuple[str, dt.datetime] | None:
        if not self.database.usable():
            return None
        try:
            with self.engine.connect() as conn:
                row = conn.execute(select(conversation_topics.c.ticker, conversation_topics.c.at)
                                   .where(conversation_topics.c.conversation == key)).first()
        except DBAPIError as exc:
            self.database.failed(exc)
            return None
        return (row.ticker, row.at) if row is not None else None
