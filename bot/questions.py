"""Questions the bot did not answer well, written down so analysts know what to add.

A question is recorded when it ended "I don't know" (card `unknown`), when the answer's
confidence fell below the "Did you mean" band (the card then only offers guesses), or when
someone pressed 👎 on a card. Each row keeps the thesis the bot guessed, the card the asker
got, the point it most likely wanted, the surface and the time; the user id only when
THESIS_LOG_USERS is set. Rows older than THESIS_QUESTION_RETENTION_DAYS are deleted.

`group_questions` folds similar wordings together (rapidfuzz), so `thesis report` and the App
Home show "12× what's the dividend policy" rather than twelve lines.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils
from sqlalchemy import Engine, delete, func, insert, select

from bot.engine.answer import Answer
from bot.engine.matcher import UNSURE
from bot.store import insert_for, unanswered_questions, vote_key

logger = logging.getLogger(__name__)

UNKNOWN, UNSURE_REASON, THUMBS_DOWN = "unknown", "unsure", "thumbs_down"
# An "I don't know" the engine decided is about no thesis in the book (a company not covered,
# something off topic, no evidence anywhere), or about no one thesis (several fit equally).
NO_THESIS, WHICH_THESIS = "no_thesis", "which_thesis"
# The engine's reasons (bot/engine/matcher.py) for an answer that is about no thesis.
_NO_THESIS_REASONS = frozenset({"not covered", "off topic", "no evidence", "no theses",
                                "empty"})
SIMILAR = 80  # 0-100: two wordings at least this alike are one question
PRUNE_EVERY = 200  # inserts between retention sweeps


@dataclass(frozen=True, slots=True)
class Asked:
    """One recorded question."""

    at: dt.datetime
    surface: str
    reason: str
    question: str
    card: str
    ticker: str | None = None
    point: str | None = None
    confidence: float | None = None
    user_id: str | None = None


@dataclass
class Group:
    """Similar questions: how often, in which words, what they got, what they likely wanted."""

    question: str  # the most asked wording
    count: int = 0
    wordings: Counter[str] = field(default_factory=Counter)
    cards: Counter[str] = field(default_factory=Counter)
    tickers: Counter[str] = field(default_factory=Counter)
    points: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    last: dt.datetime | None = None

    def add(self, asked: Asked) -> None:
        self.count += 1
        self.wordings[asked.question] += 1
        self.cards[asked.card] += 1
        self.reasons[asked.reason] += 1
        self.tickers[asked.ticker or ""] += 1  # "": the bot named no thesis for it
        if asked.point:
            self.points[asked.point] += 1
        self.last = asked.at if self.last is None else max(self.last, asked.at)

    @staticmethod
    def _top(counter: Counter[str]) -> str | None:
        return counter.most_common(1)[0][0] if counter else None

    @property
    def card(self) -> str:
        return self._top(self.cards) or UNKNOWN

    @property
    def ticker(self) -> str | None:
        """The thesis most of these questions were taken for; None when most were about no
        thesis (or no one thesis), so the group is never pinned on one by a minority."""
        return self._top(self.tickers) or None

    @property
    def about_no_thesis(self) -> bool:
        """Whether the engine found these questions about no thesis in the book."""
        return self.ticker is None and self.reasons[NO_THESIS] >= self.reasons[WHICH_THESIS]

    @property
    def point(self) -> str | None:
        return self._top(self.points)

    def as_dict(self) -> dict[str, object]:
        return {"question": self.question, "count": self.count, "card": self.card,
                "thesis": self.ticker, "likely_point": self.point if self.ticker else None,
                "no_thesis": self.about_no_thesis,
                "reasons": dict(self.reasons), "wordings": dict(self.wordings.most_common()),
                "last_asked": self.last.isoformat() if self.last else None}


def about_no_thesis(answer: Answer) -> bool:
    """The engine's own decision that the question is about no thesis in the book: a company
    it does not cover, something off topic, or nothing any thesis has evidence for. (A named
    thesis that lacks the topic is still about that thesis.)"""
    return answer.card == "unknown" and answer.thesis is None and \
        answer.reason in _NO_THESIS_REASONS


def reason_for(answer: Answer) -> str | None:
    """Why this answer is worth recording, or None when it answered well."""
    if about_no_thesis(answer):
        return NO_THESIS
    if answer.card == "unknown" and answer.reason == "which thesis":
        return WHICH_THESIS
    if answer.card == "unknown":
        return UNKNOWN
    if answer.card != "help" and answer.confidence < UNSURE:
        return UNSURE_REASON
    return None


def likely_point(answer: Answer) -> str | None:
    """The point the asker most likely wanted: the answer's own, else the first guess's; none
    for a question about no one thesis (the guesses offered are only what the book has)."""
    if reason_for(answer) in (NO_THESIS, WHICH_THESIS):
        return None
    return answer.point or next((a.point for a in answer.alternatives if a.point), None)


def likely_ticker(answer: Answer) -> str | None:
    """The thesis the question was about: the answer's own, else the one a "not in thesis" or
    "covered elsewhere" answer offers; none when the engine found it about no one thesis."""
    if reason_for(answer) in (NO_THESIS, WHICH_THESIS):
        return None
    return answer.ticker or next((a.thesis for a in answer.alternatives if a.thesis), None)


class Questions:
    """Records and reads unanswered questions in the store (SQLite or PostgreSQL)."""

    def __init__(self, store: Engine, retention_days: int = 90, log_users: bool = False) -> None:
        self.store = store
        self.retention = dt.timedelta(days=retention_days)
        self.log_users = log_users
        self._lock = threading.Lock()
        self._inserts = 0

    def note(self, answer: Answer, surface: str, user_id: str | None = None,
             now: dt.datetime | None = None) -> bool:
        """Record `answer` if it ended unknown or unsure; True when recorded."""
        reason = reason_for(answer)
        if reason is None or not answer.question.strip():
            return False
        self.record(Asked(now or dt.datetime.now(dt.UTC), surface, reason, answer.question,
                          answer.card, likely_ticker(answer), likely_point(answer),
                          answer.confidence, user_id))
        return True

    def thumbs_down(self, question: str | None, card: str, ticker: str | None,
                    point: str | None, confidence: float | None, user_id: str | None = None,
                    now: dt.datetime | None = None) -> None:
        """A 👎 on the card `card` got for `question`: one row per person and answer, however
        often pressed or replayed (the latest press's time kept)."""
        self.record(Asked(now or dt.datetime.now(dt.UTC), "feedback", THUMBS_DOWN,
                          question or "", card, ticker, point, confidence, user_id),
                    vote=vote_key(user_id, card, question) if user_id else None)

    def thumbs_up(self, question: str | None, card: str, user_id: str | None) -> None:
        """A 👍 after a 👎 by the same person on the same answer: the last vote counts, so the
        question is no longer one the bot answered badly."""
        if not user_id:
            return
        with self.store.begin() as conn:
            conn.execute(delete(unanswered_questions).where(
                unanswered_questions.c.vote == vote_key(user_id, card, question)))

    def record(self, asked: Asked, vote: str | None = None) -> None:
        """Write `asked` down; `vote`, for a 👎, replaces that person's earlier row for it."""
        with self._lock:
            self._inserts += 1
            prune = self._inserts % PRUNE_EVERY == 1
        values = {"at": asked.at, "surface": asked.surface, "reason": asked.reason,
                  "question": asked.question[:2000], "ticker": asked.ticker,
                  "card": asked.card, "point": asked.point, "confidence": asked.confidence,
                  "user_id": asked.user_id if self.log_users else None}
        with self.store.begin() as conn:
            if vote is None:
                conn.execute(insert(unanswered_questions).values(**values))
            else:
                conn.execute(insert_for(conn, unanswered_questions).values(vote=vote, **values)
                             .on_conflict_do_update(index_elements=["vote"], set_=values))
        if prune:
            self.prune(asked.at)

    def prune(self, now: dt.datetime | None = None) -> int:
        """Delete what is older than the retention period; the number deleted."""
        cutoff = (now or dt.datetime.now(dt.UTC)) - self.retention
        with self.store.begin() as conn:
            return conn.execute(delete(unanswered_questions)
                                .where(unanswered_questions.c.at < cutoff)).rowcount

    def newest_id(self) -> int | None:
        """The id of the newest recorded question (a new row's id is above every kept row's):
        whether anything was recorded since a reader last looked, in one indexed lookup."""
        with self.store.begin() as conn:
            return conn.execute(select(func.max(unanswered_questions.c.id))).scalar()

    def since(self, since: dt.datetime, tickers: Iterable[str] | None = None) -> list[Asked]:
        q = unanswered_questions.c
        query = select(unanswered_questions).where(q.at >= since).order_by(q.at, q.id)
        if tickers is not None:
            query = query.where(q.ticker.in_([t.upper() for t in tickers]))
        with self.store.begin() as conn:
            rows = conn.execute(query).all()
        return [Asked(r.at, r.surface, r.reason, r.question, r.card, r.ticker, r.point,
                      r.confidence, r.user_id) for r in rows]


def _similarity(a: str, b: str, **_: object) -> float:
    """Order-blind likeness of two processed questions; a wording that holds all the words of a
    shorter one of two words or more ("dividend policy?" in "what's the dividend policy")
    counts as the same question, a single shared word ("baba") does not."""
    score = fuzz.token_sort_ratio(a, b)
    if min(len(a.split()), len(b.split())) >= 2:
        score = max(score, fuzz.token_set_ratio(a, b))
    return score


def group_questions(asked: Sequence[Asked], similar: float = SIMILAR) -> list[Group]:
    """Similar questions together, the most asked group first."""
    counts = Counter(a.question for a in asked)
    # The most asked wordings found the groups; the rest join the closest one, if close enough.
    order = sorted(counts, key=lambda w: (-counts[w], w))
    keys: list[str] = []
    groups: list[Group] = []
    group_of: dict[str, Group] = {}
    for wording in order:
        key = utils.default_process(wording)
        found = process.extractOne(key, keys, scorer=_similarity, score_cutoff=similar) \
            if keys and key else None
        if found is None:
            group = Group(wording)
            keys.append(key)
            groups.append(group)
        else:
            group = groups[found[2]]
        group_of[wording] = group
    for item in asked:
        group_of[item.question].add(item)
    return sorted(groups, key=lambda g: (-g.count, g.question))
