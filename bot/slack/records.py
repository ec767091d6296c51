"""What the Slack app writes down: 👍/👎 feedback on cards, and the events it has answered.

Two small tables, `feedback` and `slack_events_answered`, defined in bot/store.py with the
digest's, so `ensure_schema` creates and upgrades them all. `claim_event` makes answering an
event at most once hold across retries, restarts and several processes: the first to insert
the event id answers, the others do not.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from bot.store import answered_events, feedback

logger = logging.getLogger(__name__)
KEEP_EVENTS = dt.timedelta(days=2)  # Slack retries for minutes, not days


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
    def __init__(self, engine: Engine, memory: int = 10_000) -> None:
        self.engine = engine  # from bot.store.open_store: its schema includes our tables
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._memory = memory
        self._lock = threading.Lock()
        self._claims = 0

    def record_vote(self, vote: Vote, now: dt.datetime | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(feedback).values(
                at=now or dt.datetime.now(dt.UTC), user_id=vote.user_id,
                channel_id=vote.channel_id, helpful=int(vote.helpful), ticker=vote.ticker,
                card=vote.card, point=vote.point, question=vote.question,
                confidence=vote.confidence))

    def votes(self) -> list[Vote]:
        with self.engine.begin() as conn:
            rows = conn.execute(select(feedback).order_by(feedback.c.id)).all()
        return [Vote(bool(r.helpful), r.card, r.ticker, r.point, r.question, r.user_id,
                     r.channel_id, r.confidence) for r in rows]

    def claim_event(self, event_id: str, now: dt.datetime | None = None) -> bool:
        """True the first time `event_id` is claimed, here or in any process sharing the
        database; False for every later delivery of the same event."""
        with self._lock:
            if event_id in self._recent:
                return False
            self._recent[event_id] = None
            if len(self._recent) > self._memory:
                self._recent.popitem(last=False)
            self._claims += 1
            prune = self._claims % 500 == 0
        now = now or dt.datetime.now(dt.UTC)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(answered_events).values(event_id=event_id, at=now))
                if prune:
                    conn.execute(delete(answered_events)
                                 .where(answered_events.c.at < now - KEEP_EVENTS))
        except IntegrityError:
            return False
        return True
