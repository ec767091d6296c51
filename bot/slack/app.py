"""The one factory: settings and an engine in, a Bolt App with every listener registered out."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy
import sqlalchemy.exc
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot.book.served import Book
from bot.engine.answer import BOOK_CARDS, Answer
from bot.engine.matcher import UNSURE, Engine
from bot.questions import Questions, reason_for
from bot.render.blocks import CardRef, Options
from bot.settings import Settings, require
from bot.slack import actions, events, home, outcomes, slash
from bot.slack.client import web_client
from bot.slack.conversations import Conversations
from bot.slack.records import Database, Records, Vote
from bot.store import create_engine_for

logger = logging.getLogger(__name__)
ANSWER_WORKERS = 16  # threads that answer after the ack: mostly waiting on Slack's Web API
ANSWER_PATIENCE = 0.25  # seconds an answer may wait for acks in flight to go out first


class AckFirst:
    """Acks before answers. Slack's 3-second ack deadline is strict and an answer's is not,
    yet under a burst the answering threads take the GIL from the thread sending acks (in a
    benchmark of 50 simultaneous commands, p99 ack tripled). So an answer starts only when no
    request is being acknowledged, or after ANSWER_PATIENCE at the latest."""

    def __init__(self, patience: float = ANSWER_PATIENCE) -> None:
        self.patience = patience
        self._acking = 0
        self._quiet = threading.Condition()

    @contextmanager
    def acking(self) -> Iterator[None]:
        with self._quiet:
            self._acking += 1
        try:
            yield
        finally:
            with self._quiet:
                self._acking -= 1
                if not self._acking:
                    self._quiet.notify_all()

    def wait_turn(self, timeout: float | None = None) -> None:
        """Wait until no request is being acknowledged, `timeout` (else the patience) at most."""
        with self._quiet:
            self._quiet.wait_for(lambda: self._acking == 0,
                                 timeout=self.patience if timeout is None else timeout)


@dataclass(frozen=True)
class Deps:
    """What every listener needs, passed in once (never read from the environment).

    `book` may be a bare Engine (a book that never changes). A listener reads `deps.engine`
    once per request and uses that engine throughout, so a reload never mixes two books."""

    book: Book
    settings: Settings
    records: Records
    store: sqlalchemy.Engine
    today: Callable[[], dt.date] = field(default=dt.date.today)
    answers: Executor = field(default_factory=lambda: ThreadPoolExecutor(
        ANSWER_WORKERS, thread_name_prefix="thesis-answer"))
    ack_first: AckFirst = field(default_factory=AckFirst)
    questions: Questions | None = None  # where unanswered questions are written down
    conversations: Conversations | None = None  # the thesis each thread or DM is about

    def __post_init__(self) -> None:
        if isinstance(self.book, Engine):
            object.__setattr__(self, "book", Book.fixed(self.book))
        if self.conversations is None:
            object.__setattr__(self, "conversations",
                               Conversations(self.store, self.records.database))

    @property
    def engine(self) -> Engine:
        """The current book's engine (a new object after each reload)."""
        return self.book.engine

    def ask(self, question: str, conversation: str | None = None) -> Answer:
        """The answer to a question asked in a conversation (a key of bot/slack/conversations,
        None outside one): about the conversation's thesis when the question names none, and
        the conversation is then about the thesis answered."""
        assert self.conversations is not None
        about = self.conversations.about(conversation) if conversation else None
        answer = self.engine.answer(question, about=about)
        if conversation:
            self.answered(conversation, answer)
        return answer

    def answered(self, conversation: str, answer: Answer) -> None:
        """The conversation is about the thesis of an answer shown as one (not a "which?", a
        book card, or a guess below UNSURE)."""
        assert self.conversations is not None
        if answer.ticker and answer.card not in BOOK_CARDS and answer.confidence >= UNSURE:
            self.conversations.answered(conversation, answer.ticker)

    def _may_write(self) -> bool:
        """Whether to write to the database now: not while it is known to be down (each try
        would wait out a connection timeout), as `Records.claim_event` does."""
        return self.questions is not None and self.records.database.usable()

    def note(self, answer: Answer, surface: str, user_id: str | None) -> None:
        """Write the question down if it went unanswered; never fails the answer, and never
        waits on a database known to be down (the question is then not recorded)."""
        if reason_for(answer) is None or not self._may_write():
            return
        assert self.questions is not None
        try:
            self.questions.note(answer, surface, user_id)
        except sqlalchemy.exc.DBAPIError as exc:
            self.records.database.failed(exc)
        except Exception:
            logger.exception("could not record an unanswered question")

    def thumbs(self, vote: Vote) -> None:
        """A 👎 writes the question down (once per person and answer); a 👍 withdraws that
        person's earlier 👎 on the same answer: the last vote counts."""
        if not self._may_write():
            return
        assert self.questions is not None
        try:
            if vote.helpful:
                self.questions.thumbs_up(vote.question, vote.card, vote.user_id)
            else:
                self.questions.thumbs_down(vote.question, vote.card, vote.ticker, vote.point,
                                           vote.confidence, vote.user_id)
        except sqlalchemy.exc.DBAPIError as exc:
            self.records.database.failed(exc)
        except Exception:
            logger.exception("could not record a 👎 question")

    def later(self, work: Callable[..., object], *args: object) -> None:
        """Run `work` after the ack, in the answering threads."""

        def when_acks_are_out() -> None:
            self.ack_first.wait_turn()
            work(*args)

        self.answers.submit(when_acks_are_out)

    def options(self, *, shareable: bool = False, shared_by: str | None = None,
                page: int = 0, back: CardRef | None = None, chart_bars: bool = True) -> Options:
        return Options(today=self.today(), stale_after_days=self.settings.stale_after_days,
                       shareable=shareable, shared_by=shared_by, page=page, back=back,
                       chart_bars=chart_bars)


class ThesisApp(App):
    """Bolt's App, with one log line per request: what, who, status, outcome, latency; and
    the AckFirst its HTTP server reports acks in flight to."""

    ack_first: AckFirst
    deps: Deps

    def health(self) -> dict[str, object]:
        """/healthz: 200 while questions can be answered; `database` says whether digest
        settings and votes work too ("ok", "unavailable", or "unknown" before the first
        check)."""
        return {"ok": True, "theses": len(self.deps.engine.theses),
                "database": self.deps.records.database.state()}

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = super().dispatch(req)
        outcomes.log_request(req, response, time.perf_counter() - started)
        return response


def create_app(settings: Settings, engine: Engine | Book, client: WebClient | None = None, *,
               socket_mode: bool = False,
               today: Callable[[], dt.date] = dt.date.today) -> ThesisApp:
    """The Slack app, answering from `engine` (or from a Book's current engine, which may be
    reloaded while the app runs). Checks its token with auth.test once, here, and creates the
    tables it writes to; an unreachable database is logged, with what waits for it, and answers
    go on without it. HTTP mode needs SLACK_SIGNING_SECRET; Socket Mode does not."""
    require(settings, "slack_bot_token")
    if not socket_mode:
        require(settings, "slack_signing_secret")
    client = client or web_client(settings)
    store = create_engine_for(settings.database_url)
    database = Database(store)
    database.start()
    questions = Questions(store, settings.question_retention_days, settings.log_users)
    book = engine if isinstance(engine, Book) else Book.fixed(engine)
    deps = Deps(book, settings, Records(store, database=database, log_users=settings.log_users),
                store, today,
                questions=questions)
    secret = settings.slack_signing_secret.get_secret_value() \
        if settings.slack_signing_secret else ""
    app = ThesisApp(
        name="thesis-bot",
        client=client,
        signing_secret=secret,
        # Each listener acks, hands the work to Deps.later and returns: the ack goes out at
        # once (no polling for it), the answer follows from the answering threads. (Bolt's
        # lazy listeners would do the same, at the cost of a deep copy of every request.)
        process_before_response=True,
    )
    app.ack_first = deps.ack_first
    app.deps = deps
    app.middleware(outcomes.mark_received)
    app.error(outcomes.on_error)
    register_listeners(app, deps)
    return app


def register_listeners(app: App, deps: Deps) -> None:
    events.register(app, deps)
    slash.register(app, deps)
    actions.register(app, deps)
    home.register(app, deps)
