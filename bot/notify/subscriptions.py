"""Which channels get the digest, and when: what `/thesis digest …` and `thesis digest …` do.

The Slack listener stays a thin call (store = `bot.store.open_store(settings.database_url)`, once
at start; every error a user can fix is a `bot.errors.UserError` whose text is safe to show):

    request = parse_digest_args(text)              # "on 07:45 Europe/London daily" → DigestRequest
    request.action == "on":
        membership = join_channel(client, channel_id)   # UserError: how to invite the bot
        tz = request.tz or user_time_zone(client, user_id)          # users.info, UTC if unknown
        sub = subscribe(store, channel_id, request.at or DEFAULT_AT, tz,
                        request.weekdays_only, user_id)              # → Subscription
        reply(subscribed_message(sub, membership))
    request.action == "off":     reply(unsubscribed_message(unsubscribe(store, channel_id)))
    request.action == "status":  reply(status_message(channel_status(store, channel_id)))
    request.action == "preview":
        text, blocks = preview(engine.theses.values(), preview_date(store, channel_id, tz),
                               last_digest=None, stale_after_days=settings.stale_after_days)

Signatures:
    parse_digest_args(text: str) -> DigestRequest
    subscribe(store: Engine, channel_id: str, at: time, tz: str, weekdays_only: bool = True,
              user_id: str | None = None, now: datetime | None = None) -> Subscription
    unsubscribe(store: Engine, channel_id: str) -> bool          # False: it was not subscribed
    channel_status(store: Engine, channel_id: str) -> ChannelStatus | None
    list_statuses(store: Engine) -> list[ChannelStatus]          # active subscriptions
    status_message(status: ChannelStatus | None) -> str
    subscribed_message(sub: Subscription, membership: str = "unknown") -> str
    join_channel(client: WebClient, channel_id: str) -> str   # "joined" | "member" | "unknown"
    unsubscribed_message(was_subscribed: bool) -> str
    user_time_zone(client: WebClient, user_id: str) -> str
    preview_date(store: Engine, channel_id: str, fallback_tz: str,
                 now: datetime | None = None) -> date
    preview(theses, today: date, last_digest: date | None = None,
            stale_after_days: int = 180) -> tuple[str, list[dict]]
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, and_, desc, func, or_, select, update

from bot import errors
from bot.knowledge.models import Thesis
from bot.notify import messages
from bot.notify.digest_card import build_digest, digest_blocks
from bot.notify.schedule import Schedule, canonical_tz, parse_time
from bot.render.facts import format_date
from bot.render.limits import echo
from bot.store import FAILED, MISSED, POSTED, UNKNOWN, digest_posts, insert_for, subscriptions

if TYPE_CHECKING:
    from slack_sdk import WebClient

logger = logging.getLogger(__name__)

DEFAULT_AT = dt.time(8, 30)
Action = Literal["on", "off", "status", "preview"]
_ACTIONS: dict[str, Action] = {
    "on": "on", "subscribe": "on", "start": "on",
    "off": "off", "unsubscribe": "off", "stop": "off",
    "status": "status",
    "preview": "preview", "show": "preview",
}
_DAILY = {"daily", "everyday", "every-day", "weekends"}
_WEEKDAYS = {"weekdays", "weekday", "workdays"}
CHANNEL_GONE = frozenset({"not_in_channel", "channel_not_found", "is_archived",
                          "channel_is_archived"})
# What a failed post records when Slack did not answer with an error code of its own. Slack's
# codes are snake_case, so this (with a space) can never be mistaken for one.
INTERNAL_ERROR = "internal error"
_SLACK_CODE = re.compile(r"^[a-z0-9_]+$")


# -- errors (bot/notify/messages.py holds the sentences) ------------------------------------------


def is_internal(error: str) -> bool:
    """True for INTERNAL_ERROR, and for the exception class names older versions stored."""
    return error == INTERNAL_ERROR or not _SLACK_CODE.match(error)


def explain_error(error: str) -> str:
    """A recorded failure as a sentence: a Slack error code naming the fix, or the fixed
    sentence for an internal error."""
    if is_internal(error):
        return messages.DIGEST_INTERNAL_ERROR
    return messages.slack_post_error(error)


# -- parsing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestRequest:
    action: Action
    at: dt.time | None = None
    tz: str | None = None
    weekdays_only: bool = True


def parse_digest_args(text: str) -> DigestRequest:
    """"on 07:45 Europe/London daily" → DigestRequest("on", 07:45, "Europe/London", False).

    Options come in any order; an empty text (or "preview") asks for the preview. Errors quote
    the user's words escaped for Slack (`bot.render.limits.echo`).
    """
    words = text.split()
    if words and words[0].lower() == "digest":
        words = words[1:]
    if not words:
        return DigestRequest("preview")
    action = _ACTIONS.get(words[0].lower())
    if action is None:
        raise messages.digest_bad_action(echo(words[0], 40))
    if action != "on":
        if len(words) > 1:
            raise messages.digest_bad_option(echo(words[1], 40))
        return DigestRequest(action)
    at: dt.time | None = None
    tz: str | None = None
    weekdays_only = True
    for word in words[1:]:
        lower = word.lower()
        if lower in _DAILY:
            weekdays_only = False
        elif lower in _WEEKDAYS:
            weekdays_only = True
        elif lower[:1].isdigit():
            at = parse_time(word)
            if at is None:
                raise messages.digest_bad_time(echo(word, 40))
        elif "/" in word or lower in {"utc", "gmt"}:
            tz = canonical_tz(word)
            if tz is None:
                raise messages.digest_bad_tz(echo(word, 40))
        else:
            raise messages.digest_bad_option(echo(word, 40))
    return DigestRequest("on", at, tz, weekdays_only)


def validate_schedule(at: str, tz: str) -> tuple[dt.time, str]:
    """The CLI's --at and --tz, checked; a UserError naming the fix otherwise."""
    time = parse_time(at)
    if time is None:
        raise messages.digest_bad_time(at)
    zone = canonical_tz(tz)
    if zone is None:
        raise messages.digest_bad_tz(tz)
    return time, zone


# -- storing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    channel_id: str
    schedule: Schedule
    created_by: str | None  # who first turned the digest on here, and when
    created_at: dt.datetime
    active: bool = True
    last_error: str | None = None
    last_error_at: dt.datetime | None = None
    updated_by: str | None = None  # who set the current schedule, and when
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class LedgerEntry:
    local_date: dt.date
    status: str
    message_ts: str | None
    posted_at: dt.datetime | None
    error: str | None
    final: bool


@dataclass(frozen=True)
class ChannelStatus:
    subscription: Subscription
    last_post: LedgerEntry | None
    latest: LedgerEntry | None  # the most recent ledger row, whatever its status


def _subscription(row: Any) -> Subscription:
    # The schedule runs from when it was last set: a changed schedule, like a new one, does
    # not post at once for a time already past today.
    return Subscription(
        channel_id=row.channel_id,
        schedule=Schedule(parse_time(row.local_time) or DEFAULT_AT, row.tz,
                          bool(row.weekdays_only), row.updated_at or row.created_at),
        created_by=row.created_by,
        created_at=row.created_at,
        active=bool(row.active),
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def _entry(row: Any) -> LedgerEntry:
    return LedgerEntry(row.local_date, row.status, row.message_ts, row.posted_at, row.error,
                       bool(row.final))


def subscribe(store: Engine, channel_id: str, at: dt.time, tz: str, weekdays_only: bool = True,
              user_id: str | None = None, now: dt.datetime | None = None) -> Subscription:
    """Subscribe, or change the schedule of, a channel. The first digest is the next one due
    after `now`: subscribing at 15:00 for 08:30 starts tomorrow. A channel subscribed before
    keeps its created_at and created_by; updated_at and updated_by say who set this schedule."""
    zone = canonical_tz(tz)
    if zone is None:
        raise messages.digest_bad_tz(tz)
    now = now or dt.datetime.now(dt.UTC)
    values = {
        "local_time": f"{at:%H:%M}", "tz": zone, "weekdays_only": weekdays_only,
        "active": True, "last_error": None, "last_error_at": None,
        "updated_by": user_id, "updated_at": now,
    }
    with store.begin() as conn:
        stmt = insert_for(conn, subscriptions).values(
            channel_id=channel_id, created_by=user_id, created_at=now, **values)
        row = conn.execute(
            stmt.on_conflict_do_update(index_elements=["channel_id"], set_=values)
            .returning(*subscriptions.c)
        ).one()
    return _subscription(row)


def unsubscribe(store: Engine, channel_id: str) -> bool:
    """Stop a channel's digest; its history stays. False when it was not subscribed."""
    with store.begin() as conn:
        result = conn.execute(
            update(subscriptions)
            .where(subscriptions.c.channel_id == channel_id, subscriptions.c.active.is_(True))
            .values(active=False)
        )
    return result.rowcount == 1


def active_subscriptions(store: Engine | Connection) -> list[Subscription]:
    if isinstance(store, Engine):
        with store.begin() as conn:
            return active_subscriptions(conn)
    rows = store.execute(
        select(subscriptions).where(subscriptions.c.active.is_(True))
        .order_by(subscriptions.c.channel_id)
    ).all()
    return [_subscription(r) for r in rows]


def channel_status(store: Engine, channel_id: str) -> ChannelStatus | None:
    """The channel's subscription with its last post and latest attempt; None if never on."""
    with store.begin() as conn:
        row = conn.execute(
            select(subscriptions).where(subscriptions.c.channel_id == channel_id)
        ).first()
        if row is None:
            return None
        return _status(conn, _subscription(row))


def list_statuses(store: Engine) -> list[ChannelStatus]:
    with store.begin() as conn:
        rows = conn.execute(
            select(subscriptions).where(subscriptions.c.active.is_(True))
            .order_by(subscriptions.c.channel_id)
        ).all()
        return [_status(conn, _subscription(r)) for r in rows]


def _status(conn: Any, sub: Subscription) -> ChannelStatus:
    base = select(digest_posts).where(digest_posts.c.channel_id == sub.channel_id)
    # Rows of several time zones (a channel that moved): the latest is the latest written.
    order = desc(func.coalesce(digest_posts.c.posted_at, digest_posts.c.claimed_at))
    last_post = conn.execute(
        base.where(digest_posts.c.status == POSTED).order_by(order).limit(1)).first()
    latest = conn.execute(base.order_by(order).limit(1)).first()
    return ChannelStatus(sub, _entry(last_post) if last_post else None,
                         _entry(latest) if latest else None)


def last_posted_date(conn: Any, channel_id: str, before: tuple[str, str, dt.date]
                     ) -> dt.date | None:
    """The local date of the channel's latest digest posted before the one keyed `before`
    (channel, zone, day): what the new digest reports changes since."""
    c = digest_posts.c
    when = func.coalesce(c.posted_at, c.claimed_at)
    return conn.execute(
        select(c.local_date)
        .where(and_(c.channel_id == channel_id, c.status == POSTED,
                    ~and_(c.tz == before[1], c.local_date == before[2]),
                    or_(c.tz != before[1], c.local_date < before[2])))
        .order_by(desc(when)).limit(1)
    ).scalar()


# -- telling -------------------------------------------------------------------------------


def subscribed_message(sub: Subscription, membership: str = "unknown") -> str:
    s = sub.schedule
    return messages.digest_on(s.describe(), sub.channel_id, s.weekdays_only, membership)


def unsubscribed_message(was_subscribed: bool) -> str:
    return messages.digest_off(was_subscribed)


def status_message(status: ChannelStatus | None) -> str:
    if status is None or not status.subscription.active:
        return messages.DIGEST_NONE_HERE
    sub = status.subscription
    lines = [messages.digest_status_schedule(sub.schedule.describe())]
    if status.last_post:
        lines.append(messages.digest_last_posted(format_date(status.last_post.local_date)))
    else:
        lines.append(messages.DIGEST_NOTHING_POSTED)
    latest = status.latest
    if latest and latest.status == FAILED and latest.error:
        retry = (None if is_internal(latest.error)
                 else "next time" if latest.final else "later today")
        lines.append(messages.digest_failed(format_date(latest.local_date),
                                            explain_error(latest.error), retry))
    elif latest and latest.status == UNKNOWN and not latest.final:
        lines.append(messages.digest_unconfirmed(format_date(latest.local_date)))
    elif latest and latest.status == MISSED:
        lines.append(messages.digest_missed(format_date(latest.local_date)))
    elif sub.last_error and (latest is None or latest.status != POSTED):
        lines.append(messages.digest_last_error(explain_error(sub.last_error)))
    return " ".join(lines)


# -- previewing ----------------------------------------------------------------------------


def join_channel(client: WebClient, channel_id: str) -> str:
    """Make sure the bot can post the digest in the channel: "joined" (a public channel it has
    just joined: conversations.join, scope channels:join), "member" (it was in already), or
    "unknown" (Slack would not say; the reply then says how to invite it). A private channel
    lets a bot in only by invitation: not a member of one (conversations.info, scope
    groups:read), or an archived channel, raises a UserError saying what to do."""
    from slack_sdk.errors import SlackApiError

    try:
        joined = client.conversations_join(channel=channel_id)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "is_archived":
            raise errors.UserError(messages.DIGEST_ARCHIVED) from None
        if error not in ("method_not_supported_for_channel_type", "channel_not_found"):
            logger.warning("conversations.join %s failed: %s", channel_id, error)
            return "unknown"
        try:
            channel = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as info_exc:
            if info_exc.response.get("error") != "channel_not_found":
                logger.warning("conversations.info %s failed: %s", channel_id,
                               info_exc.response.get("error"))
                return "unknown"
            channel = {}
        if channel.get("is_member"):
            return "member"
        raise errors.UserError(messages.DIGEST_INVITE_FIRST) from None
    return "member" if joined.get("warning") == "already_in_channel" else "joined"


def user_time_zone(client: WebClient, user_id: str) -> str:
    """The user's Slack time zone (users.info), or UTC when Slack does not say."""
    from slack_sdk.errors import SlackApiError

    try:
        tz = client.users_info(user=user_id)["user"].get("tz")
    except (SlackApiError, KeyError, TypeError):
        logger.warning("users.info failed for %s; defaulting to UTC", user_id, exc_info=True)
        return "UTC"
    return (canonical_tz(tz) if isinstance(tz, str) else None) or "UTC"


def preview_date(store: Engine, channel_id: str, fallback_tz: str,
                 now: dt.datetime | None = None) -> dt.date:
    """Today in the channel's digest time zone, or in `fallback_tz` if it has none."""
    status = channel_status(store, channel_id)
    tz = status.subscription.schedule.tz if status and status.subscription.active else fallback_tz
    return (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(canonical_tz(tz) or "UTC")).date()


def preview(theses: Iterable[Thesis], today: dt.date, last_digest: dt.date | None = None,
            stale_after_days: int = 180) -> tuple[str, list[dict[str, Any]]]:
    return digest_blocks(build_digest(theses, today, last_digest, stale_after_days))
