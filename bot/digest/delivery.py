"""Post every digest that is due, exactly once per channel per local day, from any number of
processes at once.

The ledger row (channel, local date) is the lock: a process posts only after its INSERT wins the
unique key, or after its compare-and-set UPDATE takes over a row that is safe to take (a claim
older than `claim_timeout`, left by a process that died between claim and post; or a retryable
failure older than `retry_delay`). Every statement is its own short transaction, so nothing is
held while Slack is called.

The one known duplicate window: a crash after Slack accepted the post but before the ledger
recorded it. Nothing then marks the row posted, so once `claim_timeout` has passed another run
takes the claim over and posts the digest a second time. (Each post carries its local date as
message metadata, event_type "thesis_digest"; nothing reads it back to prevent that.)

A failed post is recorded with Slack's error code, or with INTERNAL_ERROR for anything else (a
network or database error, a bug): its details go to the log, never to the channel's status.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Connection, Engine, and_, or_, select, update

from bot import messages
from bot.digest.card import Digest, build_digest, digest_blocks
from bot.digest.schedule import due_date
from bot.digest.subscriptions import (
    CHANNEL_GONE,
    INTERNAL_ERROR,
    Subscription,
    active_subscriptions,
    last_posted_date,
)
from bot.knowledge.models import Thesis
from bot.store import CLAIMED, FAILED, POSTED, digest_posts, insert_for, subscriptions

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(minutes=5)
RETRY_DELAY = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 6
METADATA_EVENT = "thesis_digest"

Result = Literal["posted", "taken", "failed", "gave_up"]


@dataclass(frozen=True)
class Outcome:
    channel_id: str
    local_date: dt.date
    result: Result  # taken: posted already, or another process holds the claim
    message_ts: str | None = None
    error: str | None = None


@dataclass
class RunReport:
    now: dt.datetime
    outcomes: list[Outcome] = field(default_factory=list)

    def _with(self, result: Result) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == result]

    @property
    def posted(self) -> list[Outcome]:
        return self._with("posted")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed") + self._with("gave_up")

    def summary(self) -> str:
        return messages.run_due_summary(
            f"{self.now:%Y-%m-%d %H:%M %Z}", len(self.posted),
            [(o.channel_id, o.error or "") for o in self.failed], len(self._with("taken")))


def run_due(
    store: Engine,
    client: WebClient,
    theses: Iterable[Thesis],
    now: dt.datetime,
    *,
    stale_after_days: int = 180,
    claim_timeout: dt.timedelta = CLAIM_TIMEOUT,
    retry_delay: dt.timedelta = RETRY_DELAY,
    max_attempts: int = MAX_ATTEMPTS,
    after_claim: Callable[[str, dt.date], None] | None = None,
) -> RunReport:
    """Post each digest due at `now` that no process has posted or is posting.

    `after_claim` runs between claim and post; tests use it to crash there on purpose.
    """
    theses = list(theses)
    report = RunReport(now)
    started = time.monotonic()

    def clock() -> dt.datetime:  # `now` moved on by the run's own duration (429 waits and all)
        return now + dt.timedelta(seconds=time.monotonic() - started)

    digests: dict[tuple[dt.date, dt.date | None], Digest] = {}
    with store.begin() as conn:
        due = [(sub, day) for sub in active_subscriptions(conn)
               if (day := _due_date(sub, now)) is not None]
        settled = _settled(conn, due)
    for sub, day in due:
        if (sub.channel_id, day) in settled:
            report.outcomes.append(Outcome(sub.channel_id, day, "taken"))
            continue
        token = uuid.uuid4().hex
        if not claim(store, sub.channel_id, day, clock(), token, claim_timeout=claim_timeout,
                     retry_delay=retry_delay, max_attempts=max_attempts):
            report.outcomes.append(Outcome(sub.channel_id, day, "taken"))
            continue
        if after_claim is not None:
            after_claim(sub.channel_id, day)
        report.outcomes.append(_post(store, client, sub, day, token, clock, theses, digests,
                                     stale_after_days, max_attempts))
    return report


def _due_date(sub: Subscription, now: dt.datetime) -> dt.date | None:
    try:
        return due_date(sub.schedule, now)
    except (ValueError, LookupError):  # a time zone this machine's tzdata no longer has
        logger.exception("cannot schedule %s (%s)", sub.channel_id, sub.schedule.tz)
        return None


def _settled(conn: Connection, due: list[tuple[Subscription, dt.date]]
             ) -> set[tuple[str, dt.date]]:
    """(channel, day) pairs already posted or given up on: one query instead of a claim each."""
    if not due:
        return set()
    posts = digest_posts.c
    rows = conn.execute(
        select(posts.channel_id, posts.local_date).where(
            posts.local_date.in_({day for _, day in due}),
            posts.channel_id.in_({sub.channel_id for sub, _ in due}),
            or_(posts.status == POSTED, posts.final.is_(True)),
        )
    ).all()
    return {(r.channel_id, r.local_date) for r in rows}


def claim(store: Engine, channel_id: str, day: dt.date, now: dt.datetime, token: str, *,
          claim_timeout: dt.timedelta = CLAIM_TIMEOUT, retry_delay: dt.timedelta = RETRY_DELAY,
          max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Take (channel, day) for this process: True only for the one process that may post."""
    posts = digest_posts.c
    with store.begin() as conn:
        inserted = conn.execute(
            insert_for(conn, digest_posts)
            .values(channel_id=channel_id, local_date=day, status=CLAIMED, claimed_at=now,
                    claim_token=token, attempts=1, final=False)
            .on_conflict_do_nothing(index_elements=["channel_id", "local_date"])
            .returning(posts.id)
        ).first()
        if inserted is not None:
            return True
        taken_over = conn.execute(
            update(digest_posts)
            .where(
                posts.channel_id == channel_id,
                posts.local_date == day,
                posts.attempts < max_attempts,
                or_(
                    and_(posts.status == CLAIMED, posts.claimed_at < now - claim_timeout),
                    and_(posts.status == FAILED, posts.final.is_(False),
                         posts.claimed_at < now - retry_delay),
                ),
            )
            .values(status=CLAIMED, claimed_at=now, claim_token=token,
                    attempts=posts.attempts + 1)
        )
        return taken_over.rowcount == 1


def _post(store: Engine, client: WebClient, sub: Subscription, day: dt.date, token: str,
          clock: Callable[[], dt.datetime], theses: list[Thesis],
          digests: dict[tuple[dt.date, dt.date | None], Digest],
          stale_after_days: int, max_attempts: int) -> Outcome:
    channel = sub.channel_id
    try:
        with store.begin() as conn:
            last = last_posted_date(conn, channel, before=day)
        if (day, last) not in digests:
            digests[(day, last)] = build_digest(theses, day, last, stale_after_days)
        text, blocks = digest_blocks(digests[(day, last)])
        response = client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False,
            metadata={"event_type": METADATA_EVENT,
                      "event_payload": {"local_date": day.isoformat()}},
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
        final = error in CHANNEL_GONE
        gave_up = _record_failure(store, channel, day, token, clock(), error, final,
                                  max_attempts)
        return Outcome(channel, day, "gave_up" if gave_up else "failed", error=error)
    except Exception:  # network trouble, the database or a bug: this channel waits, not others
        logger.exception("digest for %s on %s failed", channel, day)
        error = INTERNAL_ERROR
        gave_up = _record_failure(store, channel, day, token, clock(), error, False,
                                  max_attempts)
        return Outcome(channel, day, "gave_up" if gave_up else "failed", error=error)
    ts = response.get("ts")
    _record_posted(store, channel, day, token, clock(), ts)
    return Outcome(channel, day, "posted", message_ts=ts)


def _mine(channel_id: str, day: dt.date, token: str) -> Any:
    c = digest_posts.c
    return and_(c.channel_id == channel_id, c.local_date == day, c.claim_token == token)


def _record_posted(store: Engine, channel_id: str, day: dt.date, token: str,
                   now: dt.datetime, ts: str | None) -> None:
    with store.begin() as conn:
        done = conn.execute(
            update(digest_posts).where(_mine(channel_id, day, token))
            .values(status=POSTED, message_ts=ts, posted_at=now, error=None)
        )
        conn.execute(
            update(subscriptions)
            .where(subscriptions.c.channel_id == channel_id,
                   subscriptions.c.last_error.is_not(None))
            .values(last_error=None, last_error_at=None)
        )
    if done.rowcount != 1:
        logger.warning("digest for %s on %s posted (ts %s) after its claim timed out",
                       channel_id, day, ts)


def _record_failure(store: Engine, channel_id: str, day: dt.date, token: str,
                    now: dt.datetime, error: str, final: bool, max_attempts: int) -> bool:
    """Record a failed post; True when it will not be retried today."""
    posts = digest_posts.c
    with store.begin() as conn:
        attempts = conn.execute(
            select(posts.attempts).where(_mine(channel_id, day, token))
        ).scalar_one_or_none()
        final = final or (attempts or 0) >= max_attempts
        conn.execute(
            update(digest_posts).where(_mine(channel_id, day, token))
            .values(status=FAILED, error=error, final=final)
        )
        conn.execute(
            update(subscriptions).where(subscriptions.c.channel_id == channel_id)
            .values(last_error=error, last_error_at=now)
        )
    logger.warning("digest for %s on %s failed: %s%s", channel_id, day, error,
                   " (not retried today)" if final else "")
    return final
