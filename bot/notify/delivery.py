"""Post every digest that is due, exactly once per channel per local day, from any number of
processes at once.

The ledger row (channel, local date) is the lock: a process posts only after its INSERT wins the
unique key, or after its compare-and-set UPDATE takes over a row that is safe to take (a claim
older than `claim_timeout`, left by a process that died between claim and post; or a retryable
failure older than `retry_delay`). Every statement is its own short transaction, so nothing is
held while Slack is called. The mechanism (claim, finish, post once, look first) is
bot/notify/ledger.py, shared with the "thesis updated" posts and the owners' weekly note.

Slack may have a digest the ledger does not know about: a process killed (or its database lost)
after Slack accepted the post but before the ledger recorded it, or a post Slack accepted but
answered too late (a timeout, a dropped connection). So a claim that is not the first attempt
(taken over, or retried) first looks for the earlier message in the channel's history: each post
carries its local date as message metadata (event_type "thesis_digest"), and a message from this
bot with that metadata means the digest is already there; the ledger records it and nothing is
posted. A post whose answer never came is recorded as UNKNOWN, not failed, and is retried, so
looked for, after `retry_delay`. The post itself is sent without the client's retry on a dropped
connection, which could send it twice.

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
from typing import Literal
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import Connection, Engine, select, update

from bot.knowledge.models import Thesis
from bot.notify import messages
from bot.notify.digest_card import FIRST_LOOKBACK_DAYS, Digest, build_digest, digest_blocks
from bot.notify.ledger import (
    CLAIM_TIMEOUT,
    FAILED,
    MAX_ATTEMPTS,
    POSTED,
    RETRY_DELAY,
    UNKNOWN,
    History,
    Ledger,
    Sent,
    look_for_earlier,
    post_once,
)
from bot.notify.schedule import due_date
from bot.notify.subscriptions import (
    CHANNEL_GONE,
    INTERNAL_ERROR,
    Subscription,
    active_subscriptions,
    last_posted_date,
)
from bot.notify.updates import updated_since
from bot.store import digest_posts, subscriptions

logger = logging.getLogger(__name__)

METADATA_EVENT = "thesis_digest"
LEDGER = Ledger(digest_posts, ("channel_id", "local_date"), claim_timeout=CLAIM_TIMEOUT,
                retry_delay=RETRY_DELAY, max_attempts=MAX_ATTEMPTS)

DigestKey = tuple[dt.date, dt.date | None, frozenset[tuple[str, dt.date]]]

# posted: Slack has it (just posted, or found from an earlier attempt); unknown: Slack never
# answered the post, so it may be there: looked for before any retry.
Result = Literal["posted", "taken", "failed", "gave_up", "unknown"]


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

    @property
    def unconfirmed(self) -> list[Outcome]:
        return self._with("unknown")

    def summary(self) -> str:
        return messages.run_due_summary(
            f"{self.now:%Y-%m-%d %H:%M %Z}", len(self.posted),
            [(o.channel_id, o.error or "") for o in self.failed], len(self._with("taken")),
            [o.channel_id for o in self.unconfirmed])


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
    history = History(client)

    def clock() -> dt.datetime:  # `now` moved on by the run's own duration (429 waits and all)
        return now + dt.timedelta(seconds=time.monotonic() - started)

    digests: dict[DigestKey, Digest] = {}
    with store.begin() as conn:
        due = [(sub, day) for sub in active_subscriptions(conn)
               if (day := _due_date(sub, now)) is not None]
        settled = _settled(conn, due, max_attempts)
    for sub, day in due:
        if (sub.channel_id, day) in settled:
            report.outcomes.append(Outcome(sub.channel_id, day, "taken"))
            continue
        token = uuid.uuid4().hex
        attempt = claim(store, sub.channel_id, day, clock(), token, claim_timeout=claim_timeout,
                        retry_delay=retry_delay, max_attempts=max_attempts)
        if not attempt:
            report.outcomes.append(Outcome(sub.channel_id, day, "taken"))
            continue
        if after_claim is not None:
            after_claim(sub.channel_id, day)
        if attempt > 1:  # an earlier attempt may have reached Slack: look before posting
            found = _look_for_earlier(store, history, sub, day, token, clock, max_attempts)
            if found is not None:
                report.outcomes.append(found)
                continue
        report.outcomes.append(_post(store, client, sub, day, token, clock, theses, digests,
                                     stale_after_days, max_attempts))
    return report


def _look_for_earlier(store: Engine, history: History, sub: Subscription, day: dt.date,
                      token: str, clock: Callable[[], dt.datetime], max_attempts: int
                      ) -> Outcome | None:
    """The outcome when the digest is already in the channel (recorded as posted) or Slack
    cannot tell us (recorded as a failure, retried later: better late than twice); None when
    it is not there and this attempt should post."""
    channel = sub.channel_id
    local_midnight = dt.datetime.combine(day, dt.time(0), ZoneInfo(sub.schedule.tz))
    looked = look_for_earlier(history, channel, local_midnight, METADATA_EVENT,
                              {"local_date": day.isoformat()}, kind="digest",
                              what=f"digest for {channel} on {day}",
                              internal_error=INTERNAL_ERROR)
    if looked.result == "absent":
        return None
    if looked.result == "unsure":
        error = looked.error or INTERNAL_ERROR
        gave_up = _record_failure(store, channel, day, token, clock(), error, False,
                                  max_attempts)
        return Outcome(channel, day, "gave_up" if gave_up else "failed", error=error)
    _record_posted(store, channel, day, token, clock(), looked.ts)
    return Outcome(channel, day, "posted", message_ts=looked.ts)


def _due_date(sub: Subscription, now: dt.datetime) -> dt.date | None:
    try:
        return due_date(sub.schedule, now)
    except (ValueError, LookupError):  # a time zone this machine's tzdata no longer has
        logger.exception("cannot schedule %s (%s)", sub.channel_id, sub.schedule.tz)
        return None


def _settled(conn: Connection, due: list[tuple[Subscription, dt.date]], max_attempts: int
             ) -> set[tuple[str, dt.date]]:
    """(channel, day) pairs already posted or given up on: one query instead of a claim each."""
    if not due:
        return set()
    posts = digest_posts.c
    rows = conn.execute(
        select(posts.channel_id, posts.local_date).where(
            posts.local_date.in_({day for _, day in due}),
            posts.channel_id.in_({sub.channel_id for sub, _ in due}),
            LEDGER.settled(max_attempts),
        )
    ).all()
    return {(r.channel_id, r.local_date) for r in rows}


def claim(store: Engine, channel_id: str, day: dt.date, now: dt.datetime, token: str, *,
          claim_timeout: dt.timedelta = CLAIM_TIMEOUT, retry_delay: dt.timedelta = RETRY_DELAY,
          max_attempts: int = MAX_ATTEMPTS) -> int:
    """Take (channel, day) for this process: the attempt number it now holds (1 for the first),
    for the one process that may post; 0 for every other."""
    return LEDGER.claim(store, (channel_id, day), now, token, claim_timeout=claim_timeout,
                        retry_delay=retry_delay, max_attempts=max_attempts)


def _post(store: Engine, client: WebClient, sub: Subscription, day: dt.date, token: str,
          clock: Callable[[], dt.datetime], theses: list[Thesis],
          digests: dict[DigestKey, Digest],
          stale_after_days: int, max_attempts: int) -> Outcome:
    channel = sub.channel_id
    try:
        with store.begin() as conn:
            last = last_posted_date(conn, channel, before=day)
            since = _last_posted_at(conn, channel, day) or \
                clock() - dt.timedelta(days=FIRST_LOOKBACK_DAYS)
            marked = updated_since(conn, theses, since)
        key = (day, last, frozenset(marked.items()))
        if key not in digests:
            digests[key] = build_digest(theses, day, last, stale_after_days, marked)
        text, blocks = digest_blocks(digests[key])
    except Exception:  # the database or a bug: this channel waits, not others
        logger.exception("digest for %s on %s failed", channel, day)
        gave_up = _record_failure(store, channel, day, token, clock(), INTERNAL_ERROR, False,
                                  max_attempts)
        return Outcome(channel, day, "gave_up" if gave_up else "failed", error=INTERNAL_ERROR)
    try:
        sent = post_once(client, channel=channel, text=text, blocks=blocks,
                         event_type=METADATA_EVENT, payload={"local_date": day.isoformat()})
    except Exception as exc:  # not a network error, yet raised by the call: Slack may have it
        logger.exception("digest for %s on %s: the post failed unexpectedly", channel, day)
        sent = Sent("unanswered", error=type(exc).__name__, detail=str(exc))
    if sent.result == "refused":
        error = sent.error or INTERNAL_ERROR
        final = error in CHANNEL_GONE
        gave_up = _record_failure(store, channel, day, token, clock(), error, final,
                                  max_attempts)
        return Outcome(channel, day, "gave_up" if gave_up else "failed", error=error)
    if sent.result == "unanswered":  # a timeout, a dropped connection: Slack may have it
        logger.warning("digest for %s on %s: Slack did not answer the post (%s: %s); it will "
                       "be looked for before any retry", channel, day, sent.error, sent.detail)
        _record_unknown(store, channel, day, token, max_attempts)
        return Outcome(channel, day, "unknown", error=sent.error)
    ts = sent.ts
    try:
        _record_posted(store, channel, day, token, clock(), ts)
    except Exception:  # the database went away: the next attempt finds the post in Slack
        logger.exception("digest for %s on %s posted (ts %s) but not recorded; the next run "
                         "will find it in the channel rather than post again", channel, day, ts)
    return Outcome(channel, day, "posted", message_ts=ts)


def _last_posted_at(conn: Connection, channel_id: str, before: dt.date) -> dt.datetime | None:
    """When the channel's last digest before `before` went out (its claim time, when the post
    time was not recorded)."""
    c = digest_posts.c
    row = conn.execute(
        select(c.posted_at, c.claimed_at)
        .where(c.channel_id == channel_id, c.status == POSTED, c.local_date < before)
        .order_by(c.local_date.desc()).limit(1)).first()
    return None if row is None else row.posted_at or row.claimed_at


def _record_posted(store: Engine, channel_id: str, day: dt.date, token: str,
                   now: dt.datetime, ts: str | None) -> None:
    with store.begin() as conn:
        done = LEDGER.finish(conn, (channel_id, day), token, status=POSTED, message_ts=ts,
                             posted_at=now, error=None)
        conn.execute(
            update(subscriptions)
            .where(subscriptions.c.channel_id == channel_id,
                   subscriptions.c.last_error.is_not(None))
            .values(last_error=None, last_error_at=None)
        )
    if not done:
        logger.warning("digest for %s on %s posted (ts %s) after its claim timed out",
                       channel_id, day, ts)


def _record_unknown(store: Engine, channel_id: str, day: dt.date, token: str,
                    max_attempts: int) -> None:
    """The post's answer never came. Retried (after a look at the channel) like a failure, but
    the subscription's last error is left alone: nothing is known to be wrong."""
    posts = digest_posts.c
    LEDGER.finish_now(store, (channel_id, day), token, status=UNKNOWN, error=None,
                      final=posts.attempts >= max_attempts)


def _record_failure(store: Engine, channel_id: str, day: dt.date, token: str,
                    now: dt.datetime, error: str, final: bool, max_attempts: int) -> bool:
    """Record a failed post; True when it will not be retried today."""
    posts = digest_posts.c
    with store.begin() as conn:
        attempts = conn.execute(
            select(posts.attempts).where(LEDGER.mine((channel_id, day), token))
        ).scalar_one_or_none()
        final = final or (attempts or 0) >= max_attempts
        LEDGER.finish(conn, (channel_id, day), token, status=FAILED, error=error, final=final)
        conn.execute(
            update(subscriptions).where(subscriptions.c.channel_id == channel_id)
            .values(last_error=error, last_error_at=now)
        )
    logger.warning("digest for %s on %s failed: %s%s", channel_id, day, error,
                   " (not retried today)" if final else "")
    return final
