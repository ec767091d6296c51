""""BABA thesis updated": one post per update per subscribed channel, from any number of
processes, the digest's ledger pattern.

A thesis update is its `updated` date moving on. Every version seen is kept in
`thesis_versions` (the first one seen of a thesis is the baseline and announces nothing), with
the list of changes against the version before it (bot/diff.py). Each (channel, ticker,
updated) is claimed in `update_posts` under a unique key before posting, so restarts, reloads
and racing processes never post it twice. A claim left by a process that died before posting
is taken over after CLAIM_TIMEOUT; a failed post is retried on later runs, up to MAX_ATTEMPTS.
Channels subscribed to the digest after an update was first seen do not get it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Connection, Engine, and_, or_, select, update

from bot import messages
from bot.diff import diff_theses
from bot.digest.subscriptions import active_subscriptions
from bot.knowledge.models import Thesis
from bot.render import limits
from bot.render.facts import format_date
from bot.store import insert_for, thesis_versions, update_posts

logger = logging.getLogger(__name__)

CLAIMED, POSTED, FAILED = "claimed", "posted", "failed"
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 6
METADATA_EVENT = "thesis_updated"


@dataclass(frozen=True)
class Update:
    ticker: str
    company: str
    old: dt.date
    new: dt.date
    changes: list[str]
    seen_at: dt.datetime


def record_versions(store: Engine, theses: Iterable[Thesis], now: dt.datetime) -> list[Update]:
    """Store each thesis's current version if new; the updates (versions newer than an earlier
    one) of the current theses."""
    found: list[Update] = []
    v = thesis_versions.c
    for thesis in theses:
        with store.begin() as conn:
            row = conn.execute(select(thesis_versions).where(
                v.ticker == thesis.ticker, v.updated == thesis.updated)).first()
            if row is None:
                before = conn.execute(
                    select(thesis_versions).where(v.ticker == thesis.ticker,
                                                  v.updated < thesis.updated)
                    .order_by(v.updated.desc()).limit(1)).first()
                changes = None
                if before is not None:
                    old = Thesis.model_validate_json(before.snapshot)
                    changes = json.dumps([str(c) for c in diff_theses(old, thesis)])
                conn.execute(insert_for(conn, thesis_versions)
                             .values(ticker=thesis.ticker, updated=thesis.updated,
                                     snapshot=thesis.model_dump_json(), changes=changes,
                                     seen_at=now)
                             .on_conflict_do_nothing(index_elements=["ticker", "updated"]))
                row = conn.execute(select(thesis_versions).where(
                    v.ticker == thesis.ticker, v.updated == thesis.updated)).first()
            if row is None or row.changes is None:
                continue
            previous = conn.execute(
                select(v.updated).where(v.ticker == thesis.ticker, v.updated < thesis.updated)
                .order_by(v.updated.desc()).limit(1)).scalar_one_or_none()
        found.append(Update(thesis.ticker, thesis.company, previous or thesis.updated,
                            thesis.updated, json.loads(row.changes), row.seen_at))
    return found


def updated_since(conn: Connection, theses: Iterable[Thesis], since: dt.datetime
                  ) -> dict[str, dt.date]:
    """Ticker → the date of the version before, for each thesis whose current version is an
    update first seen after `since` (what the digest marks). A version no process has recorded
    yet, with an earlier one on record, is an update seen now."""
    current = {t.ticker: t.updated for t in theses}
    if not current:
        return {}
    v = thesis_versions.c
    rows = conn.execute(select(v.ticker, v.updated, v.changes, v.seen_at)
                        .where(v.ticker.in_(list(current)))).all()
    marked: dict[str, dt.date] = {}
    for ticker, updated in current.items():
        mine = [r for r in rows if r.ticker == ticker]
        earlier = [r for r in mine if r.updated < updated]
        row = next((r for r in mine if r.updated == updated), None)
        if not earlier or (row is not None and (row.changes is None or row.seen_at <= since)):
            continue
        # "was": the version the channel's last digest showed, when known
        shown = [r.updated for r in earlier if r.seen_at <= since]
        marked[ticker] = max(shown) if shown else max(r.updated for r in earlier)
    return marked


def claim(store: Engine, channel_id: str, item: Update, now: dt.datetime, token: str) -> bool:
    p = update_posts.c
    with store.begin() as conn:
        inserted = conn.execute(
            insert_for(conn, update_posts)
            .values(channel_id=channel_id, ticker=item.ticker, updated=item.new, status=CLAIMED,
                    claimed_at=now, claim_token=token, attempts=1)
            .on_conflict_do_nothing(index_elements=["channel_id", "ticker", "updated"])
            .returning(p.id)).first()
        if inserted is not None:
            return True
        taken = conn.execute(
            update(update_posts).where(
                p.channel_id == channel_id, p.ticker == item.ticker, p.updated == item.new,
                p.attempts < MAX_ATTEMPTS,
                or_(p.status == FAILED,
                    and_(p.status == CLAIMED, p.claimed_at < now - CLAIM_TIMEOUT)))
            .values(status=CLAIMED, claimed_at=now, claim_token=token,
                    attempts=p.attempts + 1))
        return taken.rowcount == 1


def _finish(store: Engine, channel_id: str, item: Update, token: str, **values: object) -> None:
    p = update_posts.c
    with store.begin() as conn:
        conn.execute(update(update_posts).where(
            p.channel_id == channel_id, p.ticker == item.ticker, p.updated == item.new,
            p.claim_token == token).values(**values))


def update_message(item: Update) -> tuple[str, list[limits.Block]]:
    title = messages.thesis_updated_title(item.ticker)
    when = messages.thesis_updated_when(item.company, format_date(item.old),
                                        format_date(item.new))
    lines = "\n".join(f"• {limits.escape(c)}" for c in item.changes) or \
        messages.THESIS_UPDATED_NO_DETAIL
    blocks = [limits.header(title), *limits.context([limits.escape(when)]),
              *limits.sections(lines)]
    return limits.fallback(f"{title}: {when}"), blocks


def announce_updates(store: Engine, client: WebClient, theses: Iterable[Thesis],
                     now: dt.datetime) -> list[tuple[str, str]]:
    """Post every update not yet posted to each subscribed channel; (channel, ticker) posted."""
    updates = record_versions(store, theses, now)
    if not updates:
        return []
    posted: list[tuple[str, str]] = []
    p = update_posts.c
    for sub in active_subscriptions(store):
        for item in updates:
            if sub.created_at > item.seen_at:
                continue  # subscribed after this update: the digest is news enough
            with store.begin() as conn:
                done = conn.execute(select(p.id).where(
                    p.channel_id == sub.channel_id, p.ticker == item.ticker,
                    p.updated == item.new, p.status == POSTED)).first()
            if done is not None:
                continue
            token = uuid.uuid4().hex
            if not claim(store, sub.channel_id, item, now, token):
                continue
            text, blocks = update_message(item)
            try:
                response = client.chat_postMessage(
                    channel=sub.channel_id, text=text, blocks=blocks, unfurl_links=False,
                    unfurl_media=False,
                    metadata={"event_type": METADATA_EVENT,
                              "event_payload": {"ticker": item.ticker,
                                                "updated": item.new.isoformat()}})
            except SlackApiError as exc:
                error = str(exc.response.get("error") or "slack_error")
                _finish(store, sub.channel_id, item, token, status=FAILED, error=error)
                logger.warning("update post %s to %s failed: %s", item.ticker, sub.channel_id,
                               error)
                continue
            except Exception:
                logger.exception("update post %s to %s failed", item.ticker, sub.channel_id)
                _finish(store, sub.channel_id, item, token, status=FAILED, error="internal")
                continue
            _finish(store, sub.channel_id, item, token, status=POSTED,
                    message_ts=response.get("ts"), error=None)
            posted.append((sub.channel_id, item.ticker))
    return posted
