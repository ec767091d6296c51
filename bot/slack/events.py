"""Messages to the bot: a mention in a channel (answered in its thread) and a direct message
(answered in the DM). Everything else that arrives as a message event is acknowledged and left
alone: the bot's own and other bots' messages, edits, joins, every subtype, and any event
already answered (Slack retries an event it thinks went unanswered)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.render.blocks import render_card
from bot.slack.charts import post_chart
from bot.slack.conversations import dm_key, thread_key
from bot.slack.outcomes import OUTCOME, answering

if TYPE_CHECKING:
    from bot.slack.app import Deps


def why_ignore(event: dict[str, Any], bot_user_id: str | None, direct: bool) -> str | None:
    """The reason not to answer this message event, or None when it is a question to answer."""
    if event.get("subtype"):
        return f"subtype {event['subtype']}"
    if event.get("bot_id") or event.get("bot_profile"):
        return "bot message"
    if event.get("edited"):
        return "edit"
    user = event.get("user")
    if not user:
        return "no user"
    if bot_user_id and user == bot_user_id:
        return "own message"
    in_dm = event.get("channel_type") == "im" or str(event.get("channel", "")).startswith("D")
    if direct and event.get("channel_type") != "im":
        return "not a direct message"
    if not direct and in_dm:
        return "mention in a DM (answered as a direct message)"
    if not isinstance(event.get("text"), str):
        return "no text"
    return None


def question_of(text: str, bot_user_id: str | None) -> str:
    """The question without the mention that addressed it to the bot."""
    if bot_user_id:
        text = text.replace(f"<@{bot_user_id}>", " ")
    return text.strip()


def conversation_of(event: dict[str, Any], thread_ts: str | None) -> str:
    """The conversation a question is part of: its user's DM, else the thread it is in (or
    starts, for a mention outside one)."""
    channel, user = str(event.get("channel")), str(event.get("user"))
    if event.get("channel_type") == "im" or channel.startswith("D"):
        return dm_key(channel, user)
    return thread_key(channel, str(thread_ts or event.get("ts")))


class MessageListeners:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # -- matchers: which listener takes the event -------------------------------------------

    def is_mention_question(self, event: dict[str, Any], context: BoltContext) -> bool:
        return why_ignore(event, context.bot_user_id, direct=False) is None

    def is_dm_question(self, event: dict[str, Any], context: BoltContext) -> bool:
        return why_ignore(event, context.bot_user_id, direct=True) is None

    # -- ack step ---------------------------------------------------------------------------

    @staticmethod
    def ignore(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        direct = event.get("type") == "message"
        context[OUTCOME] = f"ignored: {why_ignore(event, context.bot_user_id, direct)}"
        ack()

    def on_mention(self, ack: Ack, body: dict[str, Any], event: dict[str, Any],
                   client: WebClient, context: BoltContext) -> None:
        ack()
        thread_ts = event.get("thread_ts") or event.get("ts")
        self.deps.later(self._answer, body, event, client, context, "mention", thread_ts)

    def on_direct_message(self, ack: Ack, body: dict[str, Any], event: dict[str, Any],
                          client: WebClient, context: BoltContext) -> None:
        ack()
        self.deps.later(self._answer, body, event, client, context, "direct message",
                        event.get("thread_ts"))

    # -- after the ack ----------------------------------------------------------------------

    def _answer(self, body: dict[str, Any], event: dict[str, Any], client: WebClient,
                context: BoltContext, what: str, thread_ts: str | None) -> None:
        channel = event["channel"]

        def post(text: str) -> None:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)

        with answering(what, context, post) as report:
            event_id = body.get("event_id")
            if event_id and not self.deps.records.claim_event(event_id):
                report.outcome = "duplicate: already answered"
                return
            answer = self.deps.ask(question_of(event["text"], context.bot_user_id),
                                   conversation_of(event, thread_ts))
            message = render_card(answer, self.deps.options(chart_bars=False))
            report.card = answer.card
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=message.text,
                                    blocks=message.blocks, unfurl_links=False,
                                    unfurl_media=False)
            post_chart(client, channel, thread_ts, answer)  # the card first: never delays it
            self.deps.note(answer, what, event.get("user"))  # after the reply: never delays it


def register(app: App, deps: Deps) -> None:
    listeners = MessageListeners(deps)
    app.event("app_mention", matchers=[listeners.is_mention_question])(listeners.on_mention)
    app.event("app_mention")(listeners.ignore)
    app.event("message", matchers=[listeners.is_dm_question])(listeners.on_direct_message)
    app.event("message")(listeners.ignore)
