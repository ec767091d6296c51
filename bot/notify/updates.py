""""BABA thesis updated": one post per update per subscribed channel, from any number of
processes, the digest's ledger pattern (bot/notify/ledger.py).

A thesis update is its `updated` date moving on. Every version seen is kept in
`thesis_versions` (the first one seen of a thesis is the baseline and announces nothing), with
the list of changes against the version before it (bot/render/diff.py). A version on record that the
current schema no longer reads (an older release wrote it) cannot be compared: the new version
is recorded without changes, announcing nothing, and the log says so once.

Each (channel, ticker, updated) is claimed in `update_posts` under a unique key before posting,
so restarts, reloads and racing processes never post it twice. A claim left by a process that
died before posting is taken over after CLAIM_TIMEOUT; a post Slack refused, or never answered
(it may be there), is retried after RETRY_DELAY, up to MAX_ATTEMPTS, each retry first looking
for the earlier post in the channel (its metadata names the ticker and date). Channels
subscribed to the digest after an update was first seen do not get it.

A long-running process (`thesis clock`) passes an `Announcements` that remembers, between
minutes, the versions it recorded and whether every channel has them: a minute in which no
thesis's `updated` date moved and nothing is left to post reads only the subscriptions.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from slack_sdk import WebClient
from sqlalchemy import Connection, Engine, select

from bot.knowledge.drafts import is_draft
from bot.knowledge.models import Thesis
from bot.notify.ledger import FAILED, POSTED, UNKNOWN, History, Ledger, look_for_earlier, post_once
from bot.notify.subscriptions import INTERNAL_ERROR, active_subscriptions
from bot.notify.update_card import update_message
from bot.render.diff import diff_theses
from bot.store import insert_for, thesis_versions, update_posts

logger = logging.getLogger(__name__)

METADATA_EVENT = "thesis_updated"
LEDGER = Ledger(update_posts, ("channel_id", "ticker", "updated"))
# A post is looked for in the channel from this long before its version was first seen (the
# two clocks, ours and Slack's, may disagree a little).
LOOK_BACK = dt.timedelta(hours=1)

Fingerprint = frozenset[tuple[str, dt.date]]


@dataclass(frozen=True)
class Update:
    ticker: str
    company: str
    old: dt.date
    new: dt.date
    changes: list[str]
    seen_at: dt.datetime


@dataclass
class Announcements:
    """What one process remembers between runs of `announce_updates` (see the module's
    docstring): the book's (ticker, updated) pairs last recorded, their updates, and the
    channels that had every one of them."""

    fingerprint: Fingerprint | None = None
    updates: list[Update] = field(default_factory=list)
    done_for: frozenset[str] | None = None  # channels with nothing left to post, if all were


def fingerprint(theses: Iterable[Thesis]) -> Fingerprint:
    return frozenset((t.ticker, t.updated) for t in theses)


def record_versions(store: Engine, theses: Iterable[Thesis], now: dt.datetime) -> list[Update]:
    """Store each thesis's current version if new; the updates (versions newer than an earlier
    one) of the current theses. One query when every version is on record already."""
    theses = list(theses)
    if not theses:
        return []
    v = thesis_versions.c
    found: list[Update] = []
    with store.begin() as conn:  # one transaction: a new book of 1,000 theses is 1,000 rows
        rows = conn.execute(select(v.ticker, v.updated, v.changes, v.seen_at)
                            .where(v.ticker.in_({t.ticker for t in theses}))).all()
        by_ticker: dict[str, list] = {}
        for r in rows:
            by_ticker.setdefault(r.ticker, []).append(r)
        for thesis in theses:
            mine = by_ticker.get(thesis.ticker, [])
            row = next((r for r in mine if r.updated == thesis.updated), None)
            if row is None:
                row, previous = _record(conn, thesis, now)
            else:
                previous = max((r.updated for r in mine if r.updated < thesis.updated),
                               default=None)
            if row is None or row.changes is None:
                continue
            found.append(Update(thesis.ticker, thesis.company, previous or thesis.updated,
                                thesis.updated, json.loads(row.changes), row.seen_at))
    return found


def _record(conn: Connection, thesis: Thesis, now: dt.datetime) -> tuple[Any, dt.date | None]:
    """Record a version not on record yet, with its changes against the one before (if that
    one still loads); (its row, the date of the one before)."""
    v = thesis_versions.c
    before = conn.execute(
        select(thesis_versions).where(v.ticker == thesis.ticker, v.updated < thesis.updated)
        .order_by(v.updated.desc()).limit(1)).first()
    changes = None
    if before is not None:
        try:
            old = Thesis.model_validate_json(before.snapshot)
        except ValidationError as exc:
            logger.warning("%s: the version of %s on record no longer loads (%d problems, "
                           "first: %s); %s is recorded without a list of changes and not "
                           "announced", thesis.ticker, before.updated, exc.error_count(),
                           str(exc).splitlines()[1:2] or "?", thesis.updated)
        else:
            changes = json.dumps([str(c) for c in diff_theses(old, thesis)])
    conn.execute(insert_for(conn, thesis_versions)
                 .values(ticker=thesis.ticker, updated=thesis.updated,
                         snapshot=thesis.model_dump_json(), changes=changes, seen_at=now)
                 .on_conflict_do_nothing(index_elements=["ticker", "updated"]))
    row = conn.execute(select(v.ticker, v.updated, v.changes, v.seen_at).where(
        v.ticker == thesis.ticker, v.updated == thesis.updated)).first()
    return row, None if before is None else before.updated


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


def _settled(conn: Connection, updates: list[Update]) -> set[tuple[str, str, dt.date]]:
    """(channel, ticker, updated) already posted or given up on: one query for them all."""
    p = update_posts.c
    rows = conn.execute(select(p.channel_id, p.ticker, p.updated).where(
        p.ticker.in_({u.ticker for u in updates}), p.updated.in_({u.new for u in updates}),
        LEDGER.settled())).all()
    return {(r.channel_id, r.ticker, r.updated) for r in rows}


def announce_updates(store: Engine, client: WebClient, theses: Iterable[Thesis],
                     now: dt.datetime, memory: Announcements | None = None
                     ) -> list[tuple[str, str]]:
    """Post every update not yet posted to each subscribed channel; (channel, ticker) posted.
    With `memory` (a long-running process's), a run in which nothing changed reads only the
    subscriptions."""
    memory = memory if memory is not None else Announcements()
    theses = list(theses)
    mark = fingerprint(theses)
    if mark != memory.fingerprint:  # a draft is not announced: its first version once ready
        memory.updates = record_versions(store, [t for t in theses if not is_draft(t)], now)
        memory.fingerprint, memory.done_for = mark, None
    updates = memory.updates
    if not updates:
        return []
    with store.begin() as conn:
        subs = active_subscriptions(conn)
        channels = frozenset(s.channel_id for s in subs)
        if memory.done_for is not None and channels <= memory.done_for:
            return []  # every channel has every update: nothing to look at
        settled = _settled(conn, updates)
    posted: list[tuple[str, str]] = []
    left = False  # something this run could not settle: look again next run
    history = History(client)
    rendered = {(u.ticker, u.new): update_message(u) for u in updates}
    for sub in subs:
        for item in updates:
            key = (sub.channel_id, item.ticker, item.new)
            if sub.created_at > item.seen_at or key in settled:
                continue  # subscribed after this update (the digest is news enough), or done
            outcome = _announce(store, client, history, sub.channel_id, item,
                                rendered[item.ticker, item.new], now)
            if outcome == POSTED:
                posted.append((sub.channel_id, item.ticker))
            else:
                left = True
    memory.done_for = None if left else channels
    return posted


def _announce(store: Engine, client: WebClient, history: History, channel: str, item: Update,
              message: tuple[str, list], now: dt.datetime) -> str | None:
    """Claim and post one update to one channel; POSTED when the channel has it now (posted,
    or found from an earlier attempt), else FAILED, UNKNOWN, or None (not ours to post)."""
    key = (channel, item.ticker, item.new)
    payload = {"ticker": item.ticker, "updated": item.new.isoformat()}
    what = f"{item.ticker} thesis updated post to {channel}"
    token = uuid.uuid4().hex
    attempt = LEDGER.claim(store, key, now, token)
    if not attempt:
        return None
    if attempt > 1:  # an earlier attempt may have reached Slack: look before posting
        looked = look_for_earlier(history, channel, item.seen_at - LOOK_BACK, METADATA_EVENT,
                                  payload, kind='"thesis updated" post', what=what,
                                  internal_error=INTERNAL_ERROR)
        if looked.result == "found":
            LEDGER.finish_now(store, key, token, status=POSTED, message_ts=looked.ts,
                              error=None)
            return POSTED
        if looked.result == "unsure":
            LEDGER.finish_now(store, key, token, status=FAILED, error=looked.error)
            logger.warning("%s: Slack could not say whether it has it (%s); retried later",
                           what, looked.error)
            return FAILED
    text, blocks = message
    sent = post_once(client, channel=channel, text=text, blocks=blocks,
                     event_type=METADATA_EVENT, payload=payload)
    if sent.result == "refused":
        LEDGER.finish_now(store, key, token, status=FAILED, error=sent.error)
        logger.warning("%s failed: %s", what, sent.error)
        return FAILED
    if sent.result == "unanswered":
        LEDGER.finish_now(store, key, token, status=UNKNOWN, error=sent.error)
        logger.warning("%s: Slack did not answer (%s: %s); it will be looked for before any "
                       "retry", what, sent.error, sent.detail)
        return UNKNOWN
    LEDGER.finish_now(store, key, token, status=POSTED, message_ts=sent.ts, error=None)
    return POSTED
