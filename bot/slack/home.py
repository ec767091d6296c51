"""The App Home tab: published each time a user opens it, so it always shows the theses as
loaded now (each with its one-line summary and updated date) and how to ask; and, to an owner
of theses, what the weekly owner note would tell them now (bot/notify/owners.py)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.notify.owner_card import owner_home_blocks
from bot.notify.owners import QUESTION_WINDOW, OwnerNews, owner_news
from bot.questions import Asked
from bot.render.blocks import render_home
from bot.slack.outcomes import OUTCOME, answering

if TYPE_CHECKING:
    from bot.slack.app import Deps

logger = logging.getLogger(__name__)


class HomeListeners:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @staticmethod
    def is_home_tab(event: dict[str, Any]) -> bool:
        return event.get("tab") == "home" and bool(event.get("user"))

    def on_home_opened(self, ack: Ack, event: dict[str, Any], client: WebClient,
                       context: BoltContext) -> None:
        ack()
        self.deps.later(self.publish, event, client, context)

    @staticmethod
    def ignore(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        context[OUTCOME] = f"ignored: {event.get('tab') or 'no'} tab"
        ack()

    def news_for(self, user: str) -> OwnerNews | None:
        """What `user` should hear as an owner (the weekly note's content, live), or None when
        no thesis names them. Without a database the questions are left out."""
        edition = self.deps.book.edition
        owned = [t for t in edition.theses.values() if user in t.owners]
        if not owned and not edition.problems:
            return None
        today = self.deps.today()
        asked: list[Asked] = []
        questions = self.deps.questions
        if owned and questions is not None and self.deps.records.database.usable():
            since = dt.datetime.combine(today, dt.time(), dt.UTC) - QUESTION_WINDOW
            try:
                asked = questions.since(since, [t.ticker for t in owned])
            except Exception:
                logger.warning("App Home: unanswered questions not shown (database)",
                               exc_info=True)
        news = owner_news(owned, edition.problems, edition.theses_by_file, asked, today,
                          self.deps.settings.stale_after_days,
                          declared=edition.declared_owners)
        return news.get(user)

    def publish(self, event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        with answering("app home", context) as report:
            theses = self.deps.engine.covered_theses()
            mine = self.news_for(event["user"])
            client.views_publish(user_id=event["user"],
                                 view=render_home(theses, self.deps.options(),
                                                   owner_home_blocks(mine) if mine else ()))
            report.card = "home"
            report.outcome = "published"


def register(app: App, deps: Deps) -> None:
    listeners = HomeListeners(deps)
    app.event("app_home_opened", matchers=[listeners.is_home_tab])(listeners.on_home_opened)
    app.event("app_home_opened")(listeners.ignore)
