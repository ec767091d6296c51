"""What each thesis owner should hear: reviews due, broken edits, questions that went unanswered.

`owner_news` is pure: theses, the knowledge problems, the recorded questions and a date in, one
`OwnerNews` per Slack user named in some thesis's `owners` out. The App Home shows it live; the
weekly DM (`notify_owners`, from `thesis clock` and `digest run-due`) sends it at most once per
owner per ISO week of the owner's own time zone (Slack's, from users.info), during the owner's
working hours (`NOTE_HOURS`), across any number of processes: each (owner, week) is claimed in
`owner_notes` under a unique key before sending, the digest's ledger (bot/notify/ledger.py).

A claim left by a process that died before sending is taken over after CLAIM_TIMEOUT, and a
post Slack refused (an error answer: nothing was sent) is retried up to MAX_ATTEMPTS. The post
is never resent on a dropped connection, and a post Slack never answered (a timeout, a dropped
connection) may have arrived, so it is not retried: the app cannot look in a DM it never
learnt the id of, and an owner would rather miss one week's note than get it twice. An owner
with nothing to hear gets no DM and no claim, so news later in the week still reaches them
that week.

The clock asks every minute. A long-running process passes an `OwnerMemory`: when the weeks, the
day, the book and the newest recorded question are what they were last minute, and every owner
still without a note had nothing to hear then, nothing more is read; and an `OwnerZones`, which
asks Slack for each owner's time zone once a day.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import Engine, select

from bot.knowledge.drafts import Draft, draft_of
from bot.knowledge.loader import Knowledge, Problem, declared_owners
from bot.knowledge.models import Thesis
from bot.notify.ledger import FAILED, POSTED, UNKNOWN, Ledger, post_once
from bot.notify.owner_card import owner_note
from bot.notify.subscriptions import user_time_zone
from bot.questions import Asked, Group, Questions, group_questions
from bot.render.facts import Staleness, stale_dates
from bot.store import owner_notes

logger = logging.getLogger(__name__)

METADATA_EVENT = "thesis_owner_note"
QUESTION_WINDOW = dt.timedelta(days=7)  # the unanswered questions of the past week
TOP_QUESTIONS = 5  # per owner, the most asked groups
NOTE_HOURS = range(9, 18)  # a note goes out between 9:00 and 18:00 in the owner's time zone
ZONE_REFRESH = dt.timedelta(days=1)  # an owner's time zone is asked again after this long
# A refused note is retried on the next run; an unanswered one never (see above).
LEDGER = Ledger(owner_notes, ("owner_id", "week"), retry_delay=dt.timedelta(0),
                retry_unknown=False)
# A broken file (not serving a last good version) → (ticker, owners) as the file says them.
Declared = Mapping[str, tuple[str | None, tuple[str, ...]]]


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
    drafts: tuple[Draft, ...] = ()  # theses of theirs not answered from until finished

    @property
    def empty(self) -> bool:
        return not (self.due or self.broken or self.questions or self.drafts)


def declared_by_broken_files(problems: Iterable[Problem], thesis_of_file: Mapping[str, Thesis]
                              ) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """Each broken file serving no last good version, with the ticker and owners it names
    itself (read from disk: once per edition, bot/book/served.py keeps them on the Edition)."""
    files = dict.fromkeys(p.file for p in problems)
    return {file: declared_owners(file) for file in files if file not in thesis_of_file}


def broken_edits(problems: Iterable[Problem], thesis_of_file: Mapping[str, Thesis],
                 declared: Declared | None = None) -> dict[str, list[BrokenEdit]]:
    """Each owner's broken thesis files. A file whose last good version still serves is that
    thesis's owners'; any other goes to the owners the file itself names (`declared`, worked
    out when the book was assembled; read now when not given)."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    if declared is None:
        declared = declared_by_broken_files([found[0] for found in by_file.values()],
                                            thesis_of_file)
    out: dict[str, list[BrokenEdit]] = {}
    for file, found in by_file.items():
        kept = thesis_of_file.get(file)
        owners: Sequence[str]
        if kept is not None:
            edit, owners = BrokenEdit(found[0], kept.ticker, True, len(found) - 1), kept.owners
        else:
            ticker, owners = declared.get(file, (None, ()))
            edit = BrokenEdit(found[0], ticker, False, len(found) - 1)
        for owner in dict.fromkeys(owners):
            out.setdefault(owner, []).append(edit)
    return out


def owner_news(theses: Iterable[Thesis], problems: Iterable[Problem],
               thesis_of_file: Mapping[str, Thesis], asked: Sequence[Asked], today: dt.date,
               stale_after_days: int, top: int = TOP_QUESTIONS,
               declared: Declared | None = None) -> dict[str, OwnerNews]:
    """One OwnerNews per owner named by a thesis or a broken file, in owner order."""
    owned: dict[str, list[Thesis]] = {}
    for thesis in sorted(theses, key=lambda t: t.ticker):
        for owner in dict.fromkeys(thesis.owners):
            owned.setdefault(owner, []).append(thesis)
    broken = broken_edits(problems, thesis_of_file, declared)
    news: dict[str, OwnerNews] = {}
    for owner in sorted(owned.keys() | broken.keys()):
        mine = owned.get(owner, [])
        tickers = {t.ticker for t in mine}
        due = tuple(s for t in mine if (s := stale_dates(t, today, stale_after_days)))
        groups = group_questions([a for a in asked if a.ticker in tickers]) if tickers else []
        drafts = tuple(d for t in mine if (d := draft_of(t)) is not None)
        news[owner] = OwnerNews(owner, tuple(t.ticker for t in mine), due,
                                tuple(broken.get(owner, [])), tuple(groups[:top]), drafts)
    return news


def iso_week(at: dt.datetime) -> str:
    """The ISO week of `at` on the calendar of its own time zone ("2026-W09")."""
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


# -- the weekly DM ----------------------------------------------------------------------------


class OwnerZones:
    """Each owner's time zone as Slack has it (users.info), asked at most once per
    ZONE_REFRESH; UTC when Slack does not say (the digest's `user_time_zone`)."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._known: dict[str, tuple[ZoneInfo, dt.datetime]] = {}

    def __call__(self, owner: str, now: dt.datetime) -> ZoneInfo:
        known = self._known.get(owner)
        if known is None or now - known[1] >= ZONE_REFRESH:
            known = self._known[owner] = (ZoneInfo(user_time_zone(self._client, owner)), now)
        return known[0]


def _settled(store: Engine, weeks: Iterable[str]) -> set[tuple[str, str]]:
    """(owner, week) whose note is sent, was sent without an answer (never resent), or is out
    of attempts."""
    n = owner_notes.c
    with store.begin() as conn:
        rows = conn.execute(select(n.owner_id, n.week).where(
            n.week.in_(set(weeks)), LEDGER.settled())).all()
    return {(r.owner_id, r.week) for r in rows}


def send_owner_notes(store: Engine, client: WebClient, news: Iterable[OwnerNews],
                     now: dt.datetime, weeks: Mapping[str, str]) -> list[str]:
    """DM each owner with something to hear who has had no note in their week (`weeks`: owner
    → ISO week, in their time zone); the owners sent to."""
    settled = _settled(store, weeks.values())
    sent: list[str] = []
    for item in news:
        week = weeks.get(item.owner)
        if item.empty or week is None or (item.owner, week) in settled:
            continue
        try:
            text, blocks = owner_note(item)
        except Exception:  # a bug, not Slack: say so, claim nothing, try again next run
            logger.exception("owner note to %s could not be rendered; not sent", item.owner)
            continue
        token = uuid.uuid4().hex
        key = (item.owner, week)
        if not LEDGER.claim(store, key, now, token):
            continue
        result = post_once(client, channel=item.owner, text=text, blocks=blocks,
                           event_type=METADATA_EVENT, payload={"week": week})
        if result.result == "refused":
            LEDGER.finish_now(store, key, token, status=FAILED, error=result.error)
            logger.warning("owner note to %s failed: %s", item.owner, result.error)
        elif result.result == "unanswered":  # it may have arrived: never resent
            LEDGER.finish_now(store, key, token, status=UNKNOWN, error=result.error)
            logger.warning("owner note to %s: Slack did not answer (%s); not resent this week",
                           item.owner, result.error)
        else:
            LEDGER.finish_now(store, key, token, status=POSTED, message_ts=result.ts,
                              error=None)
            sent.append(item.owner)
    return sent


def files_of(knowledge: Knowledge) -> dict[str, Thesis]:
    """File → thesis of a one-shot load (`digest run-due`), as a reloading Book's Edition
    keeps it in `theses_by_file`."""
    return {file: knowledge.theses[t] for t, (file, _) in knowledge.files.items()
            if t in knowledge.theses}


@dataclass
class OwnerMemory:
    """What one process remembers between runs of `notify_owners`: what the last full run was
    judged on, and the owners who then had nothing to hear."""

    week_day: tuple[frozenset[tuple[str, str]], dt.date] | None = None
    theses: list[Thesis] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    declared: Mapping[str, object] = field(default_factory=dict)
    newest_question: int | None = None
    quiet: frozenset[str] = frozenset()

    def unchanged(self, week_day: tuple[frozenset[tuple[str, str]], dt.date],
                  theses: list[Thesis],
                  problems: list[Problem], declared: Declared, newest: int | None) -> bool:
        # Lists of the same objects compare by identity, element by element: cheap.
        return (self.week_day == week_day and self.newest_question == newest
                and self.theses == theses and self.problems == problems
                and self.declared == declared)


def notify_owners(store: Engine, client: WebClient, theses: Iterable[Thesis],
                  problems: Iterable[Problem], thesis_of_file: Mapping[str, Thesis],
                  now: dt.datetime, stale_after_days: int,
                  questions: Questions | None = None, *, declared: Declared | None = None,
                  memory: OwnerMemory | None = None, zones: OwnerZones | None = None
                  ) -> list[str]:
    """Gather this week's news for every owner in their working hours and send what is due;
    the owners sent to. `declared`: the Edition's (else the broken files are read now);
    `memory` and `zones`: a long-running process's, so a minute in which nothing changed reads
    two rows, not every question, and asks Slack nothing."""
    theses, problems = list(theses), list(problems)
    if declared is None:
        declared = declared_by_broken_files(problems, thesis_of_file)
    owners = {o for t in theses for o in t.owners} | \
        set(broken_edits(problems, thesis_of_file, declared))
    zones = zones or OwnerZones(client)
    local = {owner: now.astimezone(zones(owner, now)) for owner in sorted(owners)}
    weeks = {owner: iso_week(at) for owner, at in local.items() if at.hour in NOTE_HOURS}
    if not weeks:
        return []  # nobody is at work, or nobody owns anything
    settled = _settled(store, weeks.values())
    pending = {owner for owner, week in weeks.items() if (owner, week) not in settled}
    if not pending:
        return []  # every owner at work has this week's note
    questions = questions or Questions(store)
    today = now.astimezone(dt.UTC).date()
    newest = questions.newest_id()
    key = (frozenset(weeks.items()), today)
    if memory is not None and pending <= memory.quiet and \
            memory.unchanged(key, theses, problems, declared, newest):
        return []  # the owners left had nothing to hear, and nothing has changed since
    asked = questions.since(now - QUESTION_WINDOW)
    news = owner_news(theses, problems, thesis_of_file, asked, today, stale_after_days,
                      declared=declared)
    sent = send_owner_notes(store, client, [news[o] for o in sorted(pending) if o in news], now,
                            weeks)
    if memory is not None:
        memory.week_day, memory.theses, memory.problems = key, theses, problems
        memory.declared, memory.newest_question = dict(declared), newest
        memory.quiet = frozenset(o for o in pending if o not in news or news[o].empty)
    return sent
