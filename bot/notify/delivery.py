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
import functools
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import Connection, Engine, func, select, update

from bot.knowledge.models import Thesis
from bot.notify import messages
from bot.notify.digest_card import FIRST_LOOKBACK_DAYS, Digest, build_digest, digest_blocks
from bot.notify.ledger import (
    CLAIM_TIMEOUT,
    CLAIMED,
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
from bot.notify.schedule import MIN_GAP, due_date, missed_date, slot
from bot.notify.subscriptions import (
    CHANNEL_GONE,
    INTERNAL_ERROR,
    Subscription,
    active_subscriptions,
    last_posted_date,
)
from bot.notify.updates import updated_since
from bot.render.facts import format_date
from bot.store import MISSED, SKIPPED, digest_posts, insert_for, subscriptions

logger = logging.getLogger(__name__)

METADATA_EVENT = "thesis_digest"
LEDGER = Ledger(digest_posts, ("channel_id", "tz", "local_date"), claim_timeout=CLAIM_TIMEOUT,
                retry_delay=RETRY_DELAY, max_attempts=MAX_ATTEMPTS)
# Rows that are, or may be, a digest in the channel (a claim may be posting right now).
OUT_OR_GOING = (POSTED, UNKNOWN, CLAIMED)

DigestKey = tuple[dt.date, dt.date | None, frozenset[tuple[str, dt.date]]]

# posted: Slack has it (just posted, or found from an earlier attempt); unknown: Slack never
# answered the post, so it may be there: looked for before any retry; skipped: another digest
# went out too close before it (a move to another time zone); missed: no run came in time.
Result = Literal["posted", "taken", "failed", "gave_up", "unknown", "skipped", "missed"]


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

    @property
    def missed(self) -> list[Outcome]:
        return self._with("missed")

    def summary(self) -> str:
        return messages.run_due_summary(
            f"{self.now:%Y-%m-%d %H:%M %Z}", len(self.posted),
            [(o.channel_id, o.error or "") for o in self.failed], len(self._with("taken")),
            [o.channel_id for o in self.unconfirmed],
            [(o.channel_id, format_date(o.local_date)) for o in self.missed],
            len(self._with("skipped")))


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
        subs = active_subscriptions(conn)
        due = [(sub, day) for sub in subs if (day := _due_date(sub, now)) is not None]
        late = [(sub, day) for sub in subs if (day := _missed_date(sub, now)) is not None]
        known = _known(conn, due + late, max_attempts)
    settled = {key for key, done in known.items() if done}
    report.outcomes.extend(record_missed(
        store, [(sub, day) for sub, day in late if _key(sub, day) not in known], now))
    for sub, day in due:
        channel, key = sub.channel_id, _key(sub, day)
        if key in settled:
            report.outcomes.append(Outcome(channel, day, "taken"))
            continue
        if _skip(store, sub, day, now):
            report.outcomes.append(Outcome(channel, day, "skipped"))
            continue
        token = uuid.uuid4().hex
        attempt = claim(store, key, clock(), token, claim_timeout=claim_timeout,
                        retry_delay=retry_delay, max_attempts=max_attempts,
                        guard=functools.partial(_alone, sub=sub, day=day))
        if not attempt:
            report.outcomes.append(Outcome(channel, day, "taken"))
            continue
        if after_claim is not None:
            after_claim(channel, day)
        if attempt > 1:  # an earlier attempt may have reached Slack: look before posting
            found = _look_for_earlier(store, history, sub, day, token, clock, max_attempts)
            if found is not None:
                report.outcomes.append(found)
                continue
        report.outcomes.append(_post(store, client, sub, day, token, clock, theses, digests,
                                     stale_after_days, max_attempts))
    return report


def _key(sub: Subscription, day: dt.date) -> tuple[str, str, dt.date]:
    """A digest's ledger key: the channel, and the day in the zone of the schedule in force."""
    return (sub.channel_id, sub.schedule.tz, day)


def too_close(conn: Connection, sub: Subscription, day: dt.date) -> dt.datetime | None:
    """When another digest of the channel went out (or may have: claimed, unconfirmed) too
    close to `day`'s: less than MIN_GAP before its time, or, under another time zone, on the
    same local date of this schedule. None when `day`'s may go out. Only a move to another
    zone or time makes this happen: one schedule's days are a day apart."""
    zone = ZoneInfo(sub.schedule.tz)
    its_time = slot(sub.schedule, day)
    midnight = dt.datetime.combine(day, dt.time(0), zone)
    c = digest_posts.c
    when = func.coalesce(c.posted_at, c.claimed_at)
    rows = conn.execute(
        select(c.tz, c.local_date, when.label("at"))
        .where(c.channel_id == sub.channel_id, c.status.in_(OUT_OR_GOING),
               when > min(its_time - MIN_GAP, midnight))
        .order_by(when.desc())).all()
    for row in rows:
        if (row.tz, row.local_date) == (sub.schedule.tz, day):
            continue
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
        if at > its_time - MIN_GAP or (row.tz != sub.schedule.tz
                                       and at.astimezone(zone).date() == day):
            return at
    return None


def _alone(conn: Connection, sub: Subscription, day: dt.date) -> bool:
    """Inside the claim: no other digest of the channel too close, with the channel's
    subscription row locked so that two processes reading two schedules (one from before a
    move, one from after) cannot both claim."""
    conn.execute(select(subscriptions.c.channel_id)
                 .where(subscriptions.c.channel_id == sub.channel_id).with_for_update())
    return too_close(conn, sub, day) is None


def _skip(store: Engine, sub: Subscription, day: dt.date, now: dt.datetime) -> bool:
    """Record `day`'s digest as SKIPPED (final) when another went out too close to it; True
    when this run recorded it so."""
    with store.begin() as conn:
        close = too_close(conn, sub, day)
        if close is None:
            return False
        inserted = _insert_final(conn, sub, day, SKIPPED, now)
    if inserted:
        logger.info("digest for %s on %s skipped: another went out at %s, less than 12 hours "
                    "before or on the same local date", sub.channel_id, day, close)
    return inserted


def _insert_final(conn: Connection, sub: Subscription, day: dt.date, status: str,
                  now: dt.datetime) -> bool:
    """A final ledger row for a digest that will not be posted; False if the key has a row."""
    c = digest_posts.c
    return conn.execute(
        insert_for(conn, digest_posts).values(
            channel_id=sub.channel_id, tz=sub.schedule.tz, local_date=day, status=status,
            claimed_at=now, claim_token=uuid.uuid4().hex, attempts=0, final=True)
        .on_conflict_do_nothing(index_elements=list(LEDGER.key))
        .returning(c.id)).first() is not None


def record_missed(store: Engine, late: list[tuple[Subscription, dt.date]], now: dt.datetime
                  ) -> list[Outcome]:
    """Write down each (channel, day) of `late`, a digest whose window (bot/notify/schedule.py)
    closed before `now` with nothing in the ledger, as MISSED (final), unless another digest
    went out too close to it: reported once by the run that finds it, then by `digest list`
    and `/thesis digest status`."""
    found: list[Outcome] = []
    for sub, day in late:
        with store.begin() as conn:
            close = too_close(conn, sub, day) is not None
            inserted = _insert_final(conn, sub, day, SKIPPED if close else MISSED, now)
        if inserted and not close:
            logger.warning(messages.digest_missed_log(sub.channel_id, format_date(day)))
            found.append(Outcome(sub.channel_id, day, "missed"))
    return found


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
        gave_up = _record_failure(store, _key(sub, day), token, clock(), error, False,
                                  max_attempts)
        return Outcome(channel, day, "gave_up" if gave_up else "failed", error=error)
    _record_posted(store, _key(sub, day), token, clock(), looked.ts)
    return Outcome(channel, day, "posted", message_ts=looked.ts)


def _due_date(sub: Subscription, now: dt.datetime) -> dt.date | None:
    try:
        return due_date(sub.schedule, now)
    except (ValueError, LookupError):  # a time zone this machine's tzdata no longer has
        logger.exception("cannot schedule %s (%s)", sub.channel_id, sub.schedule.tz)
        return None


def _missed_date(sub: Subscription, now: dt.datetime) -> dt.date | None:
    try:
        return missed_date(sub.schedule, now)
    except (ValueError, LookupError):  # logged by _due_date
        return None


def _known(conn: Connection, pairs: list[tuple[Subscription, dt.date]], max_attempts: int
           ) -> dict[tuple[str, str, dt.date], bool]:
    """The ledger keys of `pairs` that have a row, each with whether it is settled (posted,
    given up on, missed): one query instead of a claim each."""
    if not pairs:
        return {}
    posts = digest_posts.c
    rows = conn.execute(
        select(posts.channel_id, posts.tz, posts.local_date,
               LEDGER.settled(max_attempts).label("settled")).where(
            posts.local_date.in_({day for _, day in pairs}),
            posts.channel_id.in_({sub.channel_id for sub, _ in pairs}),
        )
    ).all()
    return {(r.channel_id, r.tz, r.local_date): bool(r.settled) for r in rows}


def claim(store: Engine, key: tuple[str, str, dt.date], now: dt.datetime, token: str, *,
          claim_timeout: dt.timedelta = CLAIM_TIMEOUT, retry_delay: dt.timedelta = RETRY_DELAY,
          max_attempts: int = MAX_ATTEMPTS,
          guard: Callable[[Connection], bool] | None = None) -> int:
    """Take (channel, zone, day) for this process: the attempt number it now holds (1 for the
    first), for the one process that may post; 0 for every other, and when `guard`, run in the
    claim's transaction, says no."""
    return LEDGER.claim(store, key, now, token, claim_timeout=claim_timeout,
                        retry_delay=retry_delay, max_attempts=max_attempts, guard=guard)


def _post(store: Engine, client: WebClient, sub: Subscription, day: dt.date, token: str,
          clock: Callable[[], dt.datetime], theses: list[Thesis],
          digests: dict[DigestKey, Digest],
          stale_after_days: int, max_attempts: int) -> Outcome:
    channel, key = sub.channel_id, _key(sub, day)
    try:
        with store.begin() as conn:
            last = last_posted_date(conn, channel, before=key)
            since = _last_posted_at(conn, key) or \
                clock() - dt.timedelta(days=FIRST_LOOKBACK_DAYS)
            marked = updated_since(conn, theses, since)
        content = (day, last, frozenset(marked.items()))
        if content not in digests:
            digests[content] = build_digest(theses, day, last, stale_after_days, marked)
        text, blocks = digest_blocks(digests[content])
    except Exception:  # the database or a bug: this channel waits, not others
        logger.exception("digest for %s on %s failed", channel, day)
        gave_up = _record_failure(store, key, token, clock(), INTERNAL_ERROR, False,
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
        gave_up = _record_failure(store, key, token, clock(), error, final, max_attempts)
        return Outcome(channel, day, "gave_up" if gave_up else "failed", error=error)
    if sent.result == "unanswered":  # a timeout, a dropped connection: Slack may have it
        logger.warning("digest for %s on %s: Slack did not answer the post (%s: %s); it will "
                       "be looked for before any retry", channel, day, sent.error, sent.detail)
        _record_unknown(store, key, token, max_attempts)
        return Outcome(channel, day, "unknown", error=sent.error)
    ts = sent.ts
    try:
        _record_posted(store, key, token, clock(), ts)
    except Exception:  # the database went away: the next attempt finds the post in Slack
        logger.exception("digest for %s on %s posted (ts %s) but not recorded; the next run "
                         "will find it in the channel rather than post again", channel, day, ts)
    return Outcome(channel, day, "posted", message_ts=ts)


def _last_posted_at(conn: Connection, key: tuple[str, str, dt.date]) -> dt.datetime | None:
    """When the channel's last digest other than `key`'s went out (its claim time, when the
    post time was not recorded)."""
    c = digest_posts.c
    row = conn.execute(
        select(c.posted_at, c.claimed_at)
        .where(c.channel_id == key[0], c.status == POSTED, ~LEDGER.row(key))
        .order_by(func.coalesce(c.posted_at, c.claimed_at).desc()).limit(1)).first()
    return None if row is None else row.posted_at or row.claimed_at


def _record_posted(store: Engine, key: tuple[str, str, dt.date], token: str,
                   now: dt.datetime, ts: str | None) -> None:
    channel_id, _, day = key
    with store.begin() as conn:  # the subscription row first, as a claim locks it (_alone)
        conn.execute(
            update(subscriptions)
            .where(subscriptions.c.channel_id == channel_id,
                   subscriptions.c.last_error.is_not(None))
            .values(last_error=None, last_error_at=None)
        )
        done = LEDGER.finish(conn, key, token, status=POSTED, message_ts=ts,
                             posted_at=now, error=None)
    if not done:
        logger.warning("digest for %s on %s posted (ts %s) after its claim timed out",
                       channel_id, day, ts)


def _record_unknown(store: Engine, key: tuple[str, str, dt.date], token: str,
                    max_attempts: int) -> None:
    """The post's answer never came. Retried (after a look at the channel) like a failure, but
    the subscription's last error is left alone: nothing is known to be wrong."""
    posts = digest_posts.c
    LEDGER.finish_now(store, key, token, status=UNKNOWN, error=None,
                      final=posts.attempts >= max_attempts)


def _record_failure(store: Engine, key: tuple[str, str, dt.date], token: str,
                    now: dt.datetime, error: str, final: bool, max_attempts: int) -> bool:
    """Record a failed post; True when it will not be retried today."""
    channel_id, _, day = key
    posts = digest_posts.c
    with store.begin() as conn:  # the subscription row first, as a claim locks it (_alone)
        conn.execute(
            update(subscriptions).where(subscriptions.c.channel_id == channel_id)
            .values(last_error=error, last_error_at=now)
        )
        attempts = conn.execute(
            select(posts.attempts).where(LEDGER.mine(key, token))
        ).scalar_one_or_none()
        final = final or (attempts or 0) >= max_attempts
        LEDGER.finish(conn, key, token, status=FAILED, error=error, final=final)
    logger.warning("digest for %s on %s failed: %s%s", channel_id, day, error,
                   " (not retried today)" if final else "")
    return final
