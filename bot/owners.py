"""What each thesis owner should hear: reviews due, broken edits, questions that went unanswered.

`owner_news` is pure: theses, the knowledge problems, the recorded questions and a date in, one
`OwnerNews` per Slack user named in some thesis's `owners` out. The App Home shows it live; the
weekly DM (`notify_owners`, from `thesis clock` and `digest run-due`) sends it at most once per
owner per ISO week (UTC), across any number of processes: each (owner, week) is claimed in
`owner_notes` under a unique key before sending, the digest's ledger pattern.

A claim left by a process that died before sending is taken over after CLAIM_TIMEOUT, and a
post Slack refused (an error answer: nothing was sent) is retried up to MAX_ATTEMPTS. A post
Slack never answered (a timeout) may have arrived, so it is not retried: an owner would rather
miss one week's note than get it twice. An owner with nothing to hear gets no DM and no claim,
so news later in the week still reaches them that week.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, and_, or_, select, update

from bot.knowledge.loader import Knowledge, Problem
from bot.knowledge.models import Thesis
from bot.questions import Asked, Group, Questions, group_questions
from bot.render.facts import Staleness, stale_dates
from bot.store import insert_for, owner_notes

logger = logging.getLogger(__name__)

CLAIMED, POSTED, FAILED, UNKNOWN = "claimed", "posted", "failed", "unknown"
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 6
METADATA_EVENT = "thesis_owner_note"
QUESTION_WINDOW = dt.timedelta(days=7)  # the unanswered questions of the past week
TOP_QUESTIONS = 5  # per owner, the most asked groups
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")


@dataclass(frozen=True)
class BrokenEdit:
    """A thesis file that does not load now (its first problem, and how many it has), and what
    answers for it meanwhile."""

    problem: Problem
    ticker: str | None  # the thesis it holds, when known
    kept: bool  # its last good version still answers
    more: int = 0  # further problems in the same file

    @property
    def where(self) -> str:
        p = self.problem
        return f"{Path(p.file).name}:{p.line}: {p.field}: {p.message}"


@dataclass(frozen=True)
class OwnerNews:
    owner: str
    tickers: tuple[str, ...]  # the theses they own, as loaded
    due: tuple[Staleness, ...] = ()
    broken: tuple[BrokenEdit, ...] = ()
    questions: tuple[Group, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.due or self.broken or self.questions)


def declared_owners(path: str) -> tuple[str | None, list[str]]:
    """(ticker, owners) as a broken file still says them, if its YAML can be read at all:
    a file that fails validation should still reach its owners."""
    from bot.knowledge.loader import read_yaml_file
    from bot.knowledge.yaml_lines import load_with_lines

    try:
        data, _ = load_with_lines(read_yaml_file(Path(path)))
    except Exception:  # unreadable, not YAML, hostile: nobody to tell but the log
        return None, []
    if not isinstance(data, dict):
        return None, []
    ticker = data.get("ticker")
    owners = data.get("owners")
    found = [o.strip() for o in owners if isinstance(o, str) and _USER_ID.match(o.strip())] \
        if isinstance(owners, list) else []
    return (ticker.strip().upper() if isinstance(ticker, str) else None), found


def broken_edits(problems: Iterable[Problem], thesis_of_file: Mapping[str, Thesis]
                 ) -> dict[str, list[BrokenEdit]]:
    """Each owner's broken thesis files. A file whose last good version still serves is that
    thesis's owners'; any other goes to the owners the file itself names, if it can be read."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    out: dict[str, list[BrokenEdit]] = {}
    for file, found in by_file.items():
        kept = thesis_of_file.get(file)
        if kept is not None:
            edit, owners = BrokenEdit(found[0], kept.ticker, True, len(found) - 1), kept.owners
        else:
            ticker, owners = declared_owners(file)
            edit = BrokenEdit(found[0], ticker, False, len(found) - 1)
        for owner in dict.fromkeys(owners):
            out.setdefault(owner, []).append(edit)
    return out


def owner_news(theses: Iterable[Thesis], problems: Iterable[Problem],
               thesis_of_file: Mapping[str, Thesis], asked: Sequence[Asked], today: dt.date,
               stale_after_days: int, top: int = TOP_QUESTIONS) -> dict[str, OwnerNews]:
    """One OwnerNews per owner named by a thesis or a broken file, in owner order."""
    owned: dict[str, list[Thesis]] = {}
    for thesis in sorted(theses, key=lambda t: t.ticker):
        for owner in dict.fromkeys(thesis.owners):
            owned.setdefault(owner, []).append(thesis)
    broken = broken_edits(problems, thesis_of_file)
    news: dict[str, OwnerNews] = {}
    for owner in sorted(owned.keys() | broken.keys()):
        mine = owned.get(owner, [])
        tickers = {t.ticker for t in mine}
        due = tuple(s for t in mine if (s := stale_dates(t, today, stale_after_days)))
        groups = group_questions([a for a in asked if a.ticker in tickers]) if tickers else []
        news[owner] = OwnerNews(owner, tuple(t.ticker for t in mine), due,
                                tuple(broken.get(owner, [])), tuple(groups[:top]))
    return news


def iso_week(now: dt.datetime) -> str:
    year, week, _ = now.astimezone(dt.UTC).isocalendar()
    return f"{year}-W{week:02d}"


# -- the weekly DM ----------------------------------------------------------------------------


def claim(store: Engine, owner: str, week: str, now: dt.datetime, token: str) -> bool:
    """True for the one process that may send `owner` this week's note."""
    n = owner_notes.c
    with store.begin() as conn:
        inserted = conn.execute(
            insert_for(conn, owner_notes)
            .values(owner_id=owner, week=week, status=CLAIMED, claimed_at=now,
                    claim_token=token, attempts=1)
            .on_conflict_do_nothing(index_elements=["owner_id", "week"])
            .returning(n.id)).first()
        if inserted is not None:
            return True
        taken = conn.execute(
            update(owner_notes).where(
                n.owner_id == owner, n.week == week, n.attempts < MAX_ATTEMPTS,
                or_(n.status == FAILED,
                    and_(n.status == CLAIMED, n.claimed_at < now - CLAIM_TIMEOUT)))
            .values(status=CLAIMED, claimed_at=now, claim_token=token,
                    attempts=n.attempts + 1))
        return taken.rowcount == 1


def _finish(store: Engine, owner: str, week: str, token: str, **values: Any) -> None:
    n = owner_notes.c
    with store.begin() as conn:
        conn.execute(update(owner_notes).where(
            n.owner_id == owner, n.week == week, n.claim_token == token).values(**values))


def _settled(store: Engine, week: str) -> set[str]:
    """Owners whose note this week is sent, or was sent without an answer (never resent)."""
    n = owner_notes.c
    with store.begin() as conn:
        rows = conn.execute(select(n.owner_id).where(
            n.week == week, or_(n.status.in_([POSTED, UNKNOWN]),
                                n.attempts >= MAX_ATTEMPTS))).all()
    return {r.owner_id for r in rows}


def send_owner_notes(store: Engine, client: WebClient, news: Iterable[OwnerNews],
                     now: dt.datetime) -> list[str]:
    """DM each owner with something to hear who has had no note this ISO week; the owners
    sent to."""
    from bot.render.owners import owner_note

    week = iso_week(now)
    settled = _settled(store, week)
    sent: list[str] = []
    for item in news:
        if item.empty or item.owner in settled:
            continue
        token = uuid.uuid4().hex
        if not claim(store, item.owner, week, now, token):
            continue
        try:
            text, blocks = owner_note(item)
            response = client.chat_postMessage(
                channel=item.owner, text=text, blocks=blocks, unfurl_links=False,
                unfurl_media=False,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"week": week}})
        except SlackApiError as exc:
            error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
            _finish(store, item.owner, week, token, status=FAILED, error=error)
            logger.warning("owner note to %s failed: %s", item.owner, error)
            continue
        except Exception as exc:  # no answer: it may have arrived, so it is never resent
            logger.warning("owner note to %s: Slack did not answer (%s); not resent this week",
                           item.owner, type(exc).__name__)
            _finish(store, item.owner, week, token, status=UNKNOWN, error=type(exc).__name__)
            continue
        _finish(store, item.owner, week, token, status=POSTED, message_ts=response.get("ts"),
                error=None)
        sent.append(item.owner)
    return sent


def files_of(knowledge: Knowledge) -> dict[str, Thesis]:
    """File → thesis of a one-shot load (`digest run-due`), as a reloading Book's Edition
    keeps it in `theses_by_file`."""
    return {file: knowledge.theses[t] for t, (file, _) in knowledge.files.items()
            if t in knowledge.theses}


def notify_owners(store: Engine, client: WebClient, theses: Iterable[Thesis],
                  problems: Iterable[Problem], thesis_of_file: Mapping[str, Thesis],
                  now: dt.datetime, stale_after_days: int,
                  questions: Questions | None = None) -> list[str]:
    """Gather this week's news for every owner and send what is due; the owners sent to."""
    theses, problems = list(theses), list(problems)
    owners = {o for t in theses for o in t.owners} | set(broken_edits(problems, thesis_of_file))
    if not owners or owners <= _settled(store, iso_week(now)):
        return []  # every minute from the clock: nothing read until someone may need a note
    questions = questions or Questions(store)
    asked = questions.since(now - QUESTION_WINDOW)
    news = owner_news(theses, problems, thesis_of_file, asked, now.astimezone(dt.UTC).date(),
                      stale_after_days)
    return send_owner_notes(store, client, news.values(), now)
