"""Post every digest that is due, exactly once per channel per local day, from any number of
processes at once.

The ledger row (channel, local date) is the lock: a process posts only after its INSERT wins the
unique key, or after its compare-and-set UPDATE takes over a row that is safe to take (a claim
older than `claim_timeout`, left by a process that died between claim and post; or a retryable
failure older than `retry_delay`). Every statement is its own short transaction, so nothing is
held while Slack is called.

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

import copy
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from sqlalchemy import Connection, Engine, and_, or_, select, update

from bot import messages
from bot.digest.card import FIRST_LOOKBACK_DAYS, Digest, build_digest, digest_blocks
from bot.digest.schedule import due_date
from bot.digest.subscriptions import (
    CHANNEL_GONE,
    INTERNAL_ERROR,
    Subscription,
    active_subscriptions,
    last_posted_date,
)
from bot.knowledge.models import Thesis
from bot.store import CLAIMED, FAILED, POSTED, UNKNOWN, digest_posts, insert_for, subscriptions
from bot.updates import updated_since

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(minutes=5)
RETRY_DELAY = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 6
METADATA_EVENT = "thesis_digest"
HISTORY_PAGE = 200  # messages per conversations.history call
HISTORY_PAGES = 25  # at most this many pages back to the start of the digest's local day
HISTORY_SCOPES = "channels:history and groups:history"

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
    poster = _without_connection_retry(client)
    history = History(client)

    def clock() -> dt.datetime:  # `now` moved on by the run's own duration (429 waits and all)
        return now + dt.timedelta(seconds=time.monotonic() - started)

    digests: dict[DigestKey, Digest] = {}
    with store.begin() as conn:
        due = [(sub, day) for sub in active_subscriptions(conn)
               if (day := _due_date(sub, now)) is not None]
        settled = _settled(conn, due)
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
        report.outcomes.append(_post(store, poster, sub, day, token, clock, theses, digests,
                                     stale_after_days, max_attempts))
    return report


def _without_connection_retry(client: WebClient) -> WebClient:
    """`client` for the post itself: a dropped connection may come after Slack accepted the
    message, so resending at once could post twice (a 429 is safe to wait out and resend)."""
    poster = copy.copy(client)
    poster.retry_handlers = [h for h in client.retry_handlers
                             if not isinstance(h, ConnectionErrorRetryHandler)]
    return poster


class History:
    """Finds a digest this bot already posted, in the channel's history (conversations.history
    with message metadata; scopes channels:history, groups:history)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._me: tuple[str | None, str | None] | None = None
        self._warned_scope = False

    def me(self) -> tuple[str | None, str | None]:
        """(bot_id, bot user id) of this token, asked once."""
        if self._me is None:
            who = self.client.auth_test()
            self._me = (who.get("bot_id"), who.get("user_id"))
        return self._me

    def find(self, channel_id: str, day: dt.date, since: dt.datetime) -> str | None:
        """The ts of this bot's digest for `day` in `channel_id`, posted after `since`; None
        if there is none. Raises SlackApiError (or a network error) when Slack cannot say."""
        bot_id, user_id = self.me()
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = self.client.conversations_history(
                channel=channel_id, oldest=f"{since.timestamp():.6f}", limit=HISTORY_PAGE,
                include_all_metadata=True, cursor=cursor)
            for message in page.get("messages") or []:
                if _is_digest_for(message, day) and (
                        (bot_id and message.get("bot_id") == bot_id)
                        or (user_id and message.get("user") == user_id)):
                    return str(message.get("ts"))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        logger.warning("digest for %s on %s: not found in the last %d messages of the channel; "
                       "posting", channel_id, day, HISTORY_PAGE * HISTORY_PAGES)
        return None

    def warn_missing_scope(self) -> None:
        if not self._warned_scope:
            self._warned_scope = True
            logger.warning(messages.digest_history_scope_missing(HISTORY_SCOPES))


def _is_digest_for(message: dict[str, Any], day: dt.date) -> bool:
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("local_date") == day.isoformat()


def _look_for_earlier(store: Engine, history: History, sub: Subscription, day: dt.date,
                      token: str, clock: Callable[[], dt.datetime], max_attempts: int
                      ) -> Outcome | None:
    """The outcome when the digest is already in the channel (recorded as posted) or Slack
    cannot tell us (recorded as a failure, retried later: better late than twice); None when
    it is not there and this attempt should post."""
    channel = sub.channel_id
    local_midnight = dt.datetime.combine(day, dt.time(0), ZoneInfo(sub.schedule.tz))
    try:
        ts = history.find(channel, day, local_midnight)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
        if error == "missing_scope":  # installed before the scope was added: cannot check
            history.warn_missing_scope()
            return None
        if error in CHANNEL_GONE:  # the post will say so, and record it
            return None
        gave_up = _record_failure(store, channel, day, token, clock(), error, False,
                                  max_attempts)
        return Outcome(channel, day, "gave_up" if gave_up else "failed", error=error)
    except Exception:
        logger.exception("digest for %s on %s: could not look for an earlier post", channel, day)
        gave_up = _record_failure(store, channel, day, token, clock(), INTERNAL_ERROR, False,
                                  max_attempts)
        return Outcome(channel, day, "gave_up" if gave_up else "failed", error=INTERNAL_ERROR)
    if ts is None:
        return None
    logger.info("digest for %s on %s was already posted (ts %s); recorded, not posted again",
                channel, day, ts)
    _record_posted(store, channel, day, token, clock(), ts)
    return Outcome(channel, day, "posted", message_ts=ts)


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
          max_attempts: int = MAX_ATTEMPTS) -> int:
    """Take (channel, day) for this process: the attempt number it now holds (1 for the first),
    for the one process that may post; 0 for every other."""
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
            return 1
        taken_over = conn.execute(
            update(digest_posts)
            .where(
                posts.channel_id == channel_id,
                posts.local_date == day,
                posts.attempts < max_attempts,
                or_(
                    and_(posts.status == CLAIMED, posts.claimed_at < now - claim_timeout),
                    and_(posts.status.in_([FAILED, UNKNOWN]), posts.final.is_(False),
                         posts.claimed_at < now - retry_delay),
                ),
            )
            .values(status=CLAIMED, claimed_at=now, claim_token=token,
                    attempts=posts.attempts + 1)
            .returning(posts.attempts)
        ).first()
        return 0 if taken_over is None else int(taken_over.attempts)


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
    except Exception as exc:  # no answer (a timeout, a dropped connection): Slack may have it
        logger.warning("digest for %s on %s: Slack did not answer the post (%s: %s); it will "
                       "be looked for before any retry", channel, day, type(exc).__name__, exc)
        _record_unknown(store, channel, day, token, max_attempts)
        return Outcome(channel, day, "unknown", error=type(exc).__name__)
    ts = response.get("ts")
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


def _record_unknown(store: Engine, channel_id: str, day: dt.date, token: str,
                    max_attempts: int) -> None:
    """The post's answer never came. Retried (after a look at the channel) like a failure, but
    the subscription's last error is left alone: nothing is known to be wrong."""
    posts = digest_posts.c
    with store.begin() as conn:
        conn.execute(
            update(digest_posts).where(_mine(channel_id, day, token))
            .values(status=UNKNOWN, error=None,
                    final=posts.attempts >= max_attempts)
        )


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
