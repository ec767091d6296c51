"""Post to Slack at most once per ledger row, from any number of processes: the one mechanism
behind the digest (bot/notify/delivery.py), the "thesis updated" posts (bot/notify/updates.py)
and the owners' weekly note (bot/notify/owners.py).

A ledger is a table with a unique key (channel and day, say) and the columns `status`,
`claimed_at`, `claim_token` and `attempts` (and, if it has one, `final`: given up on). A process
posts only after its INSERT wins the key, or after its compare-and-set UPDATE takes over a row
that is safe to take: a claim older than `claim_timeout` (its process died between claim and
post), or a failed post older than `retry_delay`, while fewer than `max_attempts` were made.
Every statement is its own short transaction, so nothing is held while Slack is called.

The post itself (`post_once`) is sent without the client's retry on a dropped connection: the
drop may come after Slack accepted the message, and resending at once would post it twice (a
429 is safe to wait out and resend). A post Slack never answered is UNKNOWN, not failed: it may
be there. Where the ledger can look (a channel whose history the app may read), an UNKNOWN post
is retried after `retry_delay` and every attempt after the first first looks for the earlier
message in the channel's history (`History`, by the message metadata each post carries), so it
is recorded rather than posted again. Where it cannot (a DM: the app does not know its channel
id when the answer never came), UNKNOWN is final: better missed than twice.
"""

from __future__ import annotations

import copy
import datetime as dt
import http.client
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from sqlalchemy import Connection, Engine, Table, and_, or_, update
from sqlalchemy.sql.elements import ColumnElement

from bot.notify import messages
from bot.store import CLAIMED, FAILED, POSTED, UNKNOWN, insert_for

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(minutes=5)
RETRY_DELAY = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 6
HISTORY_PAGE = 200  # messages per conversations.history call
HISTORY_PAGES = 25  # at most this many pages back
HISTORY_SCOPES = "channels:history and groups:history"
# What a call that got no answer raises: the request may or may not have reached Slack.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (OSError, http.client.HTTPException,
                                                   SlackRequestError)


@dataclass(frozen=True)
class Ledger:
    """One ledger table: its key columns and its retry rules."""

    table: Table
    key: tuple[str, ...]  # the unique key's columns, in the order callers give the values
    claim_timeout: dt.timedelta = CLAIM_TIMEOUT
    retry_delay: dt.timedelta = RETRY_DELAY
    max_attempts: int = MAX_ATTEMPTS
    retry_unknown: bool = True  # False: an unanswered post is never retried (nowhere to look)

    def row(self, key: tuple[Any, ...]) -> ColumnElement[bool]:
        c = self.table.c
        return and_(*(c[name] == value for name, value in zip(self.key, key, strict=True)))

    def mine(self, key: tuple[Any, ...], token: str) -> ColumnElement[bool]:
        """The row of `key` while `token` still holds it."""
        return and_(self.row(key), self.table.c.claim_token == token)

    def settled(self, max_attempts: int | None = None) -> ColumnElement[bool]:
        """Rows no process will post again: posted, given up on, or out of attempts."""
        c = self.table.c
        done = [c.status == POSTED, c.attempts >= (max_attempts or self.max_attempts)]
        if "final" in c:
            done.append(c.final.is_(True))
        if not self.retry_unknown:
            done.append(c.status == UNKNOWN)
        return or_(*done)

    def claim(self, store: Engine, key: tuple[Any, ...], now: dt.datetime, token: str, *,
              claim_timeout: dt.timedelta | None = None,
              retry_delay: dt.timedelta | None = None,
              max_attempts: int | None = None,
              guard: Callable[[Connection], bool] | None = None) -> int:
        """Take the row of `key` for this process: the attempt number it now holds (1 for the
        first), for the one process that may post; 0 for every other. `guard`, when given,
        runs first in the claim's transaction: False takes nothing (0)."""
        c = self.table.c
        claim_timeout = self.claim_timeout if claim_timeout is None else claim_timeout
        retry_delay = self.retry_delay if retry_delay is None else retry_delay
        max_attempts = max_attempts or self.max_attempts
        retryable = [FAILED, UNKNOWN] if self.retry_unknown else [FAILED]
        again = [c.status.in_(retryable), c.claimed_at < now - retry_delay]
        if "final" in c:
            again.append(c.final.is_(False))
        first = dict(zip(self.key, key, strict=True))
        first.update(status=CLAIMED, claimed_at=now, claim_token=token, attempts=1)
        if "final" in c:
            first["final"] = False
        with store.begin() as conn:
            if guard is not None and not guard(conn):
                return 0
            inserted = conn.execute(
                insert_for(conn, self.table).values(**first)
                .on_conflict_do_nothing(index_elements=list(self.key))
                .returning(c.id)
            ).first()
            if inserted is not None:
                return 1
            taken_over = conn.execute(
                update(self.table)
                .where(self.row(key), c.attempts < max_attempts,
                       or_(and_(c.status == CLAIMED, c.claimed_at < now - claim_timeout),
                           and_(*again)))
                .values(status=CLAIMED, claimed_at=now, claim_token=token,
                        attempts=c.attempts + 1)
                .returning(c.attempts)
            ).first()
            return 0 if taken_over is None else int(taken_over.attempts)

    def finish(self, conn: Connection, key: tuple[Any, ...], token: str,
               **values: Any) -> bool:
        """Record the outcome of this process's attempt; False when its claim was taken over
        meanwhile (nothing written)."""
        done = conn.execute(update(self.table).where(self.mine(key, token)).values(**values))
        return done.rowcount == 1

    def finish_now(self, store: Engine, key: tuple[Any, ...], token: str,
                   **values: Any) -> bool:
        """`finish` in a transaction of its own."""
        with store.begin() as conn:
            return self.finish(conn, key, token, **values)


# -- the post ---------------------------------------------------------------------------------


def without_connection_retry(client: WebClient) -> WebClient:
    """`client` for a post: a dropped connection may come after Slack accepted the message, so
    resending at once could post twice (a 429 is safe to wait out and resend)."""
    poster = copy.copy(client)
    poster.retry_handlers = [h for h in client.retry_handlers
                             if not isinstance(h, ConnectionErrorRetryHandler)]
    return poster


def slack_error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or f"http_{exc.response.status_code}")


@dataclass(frozen=True)
class Sent:
    """What came of one post: `posted` (Slack's ts), `refused` (Slack's error: nothing was
    posted), or `unanswered` (no answer, `error` the exception's name: it may be there)."""

    result: Literal["posted", "refused", "unanswered"]
    ts: str | None = None
    error: str | None = None
    detail: str = ""  # the exception's message, for the log


def post_once(client: WebClient, *, channel: str, text: str, blocks: list[Any],
              event_type: str, payload: Mapping[str, Any]) -> Sent:
    """Post once, never resent on a dropped connection; the message carries `event_type` and
    `payload` as metadata, by which `History` finds it again. Anything but Slack's answer or a
    network failure (a bug) is raised."""
    poster = without_connection_retry(client)
    try:
        response = poster.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False,
            metadata={"event_type": event_type, "event_payload": dict(payload)})
    except SlackApiError as exc:
        return Sent("refused", error=slack_error(exc))
    except NETWORK_ERRORS as exc:
        return Sent("unanswered", error=type(exc).__name__, detail=str(exc))
    ts = response.get("ts")
    return Sent("posted", ts=None if ts is None else str(ts))


class History:
    """Finds a message this bot already posted, in a channel's history (conversations.history
    with message metadata; scopes channels:history, groups:history)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._me: tuple[str | None, str | None] | None = None
        self._warned_scope: set[str] = set()

    def me(self) -> tuple[str | None, str | None]:
        """(bot_id, bot user id) of this token, asked once."""
        if self._me is None:
            who = self.client.auth_test()
            self._me = (who.get("bot_id"), who.get("user_id"))
        return self._me

    def find(self, channel_id: str, since: dt.datetime, event_type: str,
             payload: Mapping[str, Any], what: str = "message") -> str | None:
        """The ts of this bot's message in `channel_id` posted after `since` whose metadata
        is `event_type` with `payload` in its payload; None if there is none. Raises
        SlackApiError (or a network error) when Slack cannot say."""
        bot_id, user_id = self.me()
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = self.client.conversations_history(
                channel=channel_id, oldest=f"{since.timestamp():.6f}", limit=HISTORY_PAGE,
                include_all_metadata=True, cursor=cursor)
            for message in page.get("messages") or []:
                if _carries(message, event_type, payload) and (
                        (bot_id and message.get("bot_id") == bot_id)
                        or (user_id and message.get("user") == user_id)):
                    return str(message.get("ts"))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        logger.warning("%s: not found in the last %d messages of the channel; posting", what,
                       HISTORY_PAGE * HISTORY_PAGES)
        return None

    def warn_missing_scope(self, kind: str) -> None:
        if kind not in self._warned_scope:
            self._warned_scope.add(kind)
            logger.warning(messages.digest_history_scope_missing(HISTORY_SCOPES, kind))


def _carries(message: dict[str, Any], event_type: str, payload: Mapping[str, Any]) -> bool:
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != event_type:
        return False
    found = metadata.get("event_payload")
    return isinstance(found, dict) and all(found.get(k) == v for k, v in payload.items())


@dataclass(frozen=True)
class Looked:
    """What the channel says of an earlier attempt: `found` (its ts), `absent` (post now), or
    `unsure` (Slack could not say, `error` why: record a failure and retry later)."""

    result: Literal["found", "absent", "unsure"]
    ts: str | None = None
    error: str | None = None


def look_for_earlier(history: History, channel_id: str, since: dt.datetime, event_type: str,
                     payload: Mapping[str, Any], *, kind: str, what: str,
                     internal_error: str) -> Looked:
    """Look for an earlier attempt's message before posting again. A channel the app cannot
    read (no history scope) or that is gone counts as absent: the post then goes ahead (and
    says so, for a gone channel). `kind` names the post in the scope warning ("digest"),
    `what` it in the log ("digest for C1 on 2026-11-25")."""
    from bot.notify.subscriptions import CHANNEL_GONE

    try:
        ts = history.find(channel_id, since, event_type, payload, what)
    except SlackApiError as exc:
        error = slack_error(exc)
        if error == "missing_scope":  # installed before the scope was added: cannot check
            history.warn_missing_scope(kind)
            return Looked("absent")
        if error in CHANNEL_GONE:  # the post will say so, and record it
            return Looked("absent")
        return Looked("unsure", error=error)
    except Exception:
        logger.exception("%s: could not look for an earlier post", what)
        return Looked("unsure", error=internal_error)
    if ts is None:
        return Looked("absent")
    logger.info("%s was already posted (ts %s); recorded, not posted again", what, ts)
    return Looked("found", ts=ts)
