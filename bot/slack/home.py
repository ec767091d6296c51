"""The App Home tab: published each time a user opens it, so it always shows the theses as
loaded now (each with its one-line summary and updated date) and how to ask."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.render.blocks import render_home
from bot.slack.outcomes import OUTCOME, answering

if TYPE_CHECKING:
    from bot.slack.app import Deps


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

    def publish(self, event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        with answering("app home", context) as report:
            theses = self.deps.engine.covered_theses()
            client.views_publish(user_id=event["user"],
                                 view=render_home(theses, self.deps.options()))
            report.card = "home"
            report.outcome = "published"


def register(app: App, deps: Deps) -> None:
    listeners = HomeListeners(deps)
    app.event("app_home_opened", matchers=[listeners.is_home_tab])(listeners.on_home_opened)
    app.event("app_home_opened")(listeners.ignore)
