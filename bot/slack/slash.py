"""`/thesis`: help, `list`, `digest …`, or any question. Answers are ephemeral; thesis cards
carry a "Share in channel" button (handled in actions)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import DBAPIError

from bot import errors
from bot.notify import messages
from bot.render import limits
from bot.render.blocks import Message, render_card, render_list, render_notice
from bot.slack.conversations import dm_key
from bot.slack.outcomes import answering, deliver
from bot.store import is_disk_full, is_outage

if TYPE_CHECKING:
    from bot.engine.answer import Answer
    from bot.slack.app import Deps

COMMAND = "/thesis"


def subcommand(text: str) -> str | None:
    """"list" or "digest" when the text is that subcommand; None for a question."""
    words = text.split()
    if not words:
        return None
    first = words[0].lower()
    if first == "list" and len(words) == 1:
        return "list"
    if first == "digest":
        return "digest"
    return None


def is_direct_message(command: dict[str, Any]) -> bool:
    """A DM (channel id D…, named "directmessage") or a group DM (named "mpdm-…"): no place for
    a channel's digest."""
    name = str(command.get("channel_name") or "")
    return (str(command.get("channel_id") or "").startswith("D") or name == "directmessage"
            or name.startswith("mpdm-"))


def conversation_of(command: dict[str, Any]) -> str | None:
    """The asker's DM, where a question follows up on the one before; a command in a channel
    (never in a thread) is a conversation of its own."""
    if not is_direct_message(command):
        return None
    return dm_key(str(command.get("channel_id")), str(command.get("user_id")))


class CommandListeners:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond,
                   client: WebClient, context: BoltContext) -> None:
        ack()
        self.deps.later(self.answer, command, respond, client, context)

    def answer(self, command: dict[str, Any], respond: Respond, client: WebClient,
               context: BoltContext) -> None:
        def apologize(text: str) -> None:
            deliver(respond, text=text, response_type="ephemeral")

        with answering(f"command {COMMAND}", context, apologize) as report:
            trigger = command.get("trigger_id")
            if trigger and not self.deps.records.claim_request("command", str(trigger)):
                report.outcome = "duplicate: already answered"  # a replay of the same request
                return
            text = command.get("text") or ""
            kind = subcommand(text)
            answer: Answer | None = None
            if kind == "digest":
                report.card = "digest"
                reply = self.digest(text, command, client)
            elif kind == "list":
                report.card = "list"
                theses = self.deps.engine.covered_theses()
                reply = render_list(theses, self.deps.options(shareable=True))
            else:
                answer = self.deps.ask(text, conversation_of(command))
                report.card = answer.card
                reply = render_card(answer, self.deps.options(shareable=True))
            deliver(respond, text=reply.text, blocks=reply.blocks, response_type="ephemeral")
            if answer is not None:  # after the reply: writing it down never delays it
                self.deps.note(answer, "command", command.get("user_id"))

    def digest(self, text: str, command: dict[str, Any], client: WebClient) -> Message:
        """`/thesis digest [on [HH:MM] [Area/City] [daily] | off | status | preview]`."""
        try:
            return self._digest(text, command, client)
        except DBAPIError as exc:  # the database is unreachable: say so, not "went wrong"
            if not is_outage(exc):
                raise
            self.deps.records.database.failed(exc)
            return _sentence(messages.DIGEST_DATABASE_FULL if is_disk_full(exc)
                             else messages.DIGEST_DATABASE_DOWN)

    def _digest(self, text: str, command: dict[str, Any], client: WebClient) -> Message:
        from bot.notify import subscriptions as subs

        channel_id = command.get("channel_id", "")
        user_id = command.get("user_id", "")
        store = self.deps.store
        try:
            request = subs.parse_digest_args(html.unescape(text))
        except errors.UserError as exc:
            return _sentence(str(exc))
        if request.action == "on":
            if is_direct_message(command):
                return _sentence(messages.DIGEST_NEEDS_CHANNEL)
            try:
                membership = subs.join_channel(client, channel_id)
            except errors.UserError as exc:
                return _sentence(str(exc))
            tz = request.tz or subs.user_time_zone(client, user_id)
            sub = subs.subscribe(store, channel_id, request.at or subs.DEFAULT_AT, tz,
                                 request.weekdays_only, user_id)
            return _sentence(subs.subscribed_message(sub, membership), ours=True)
        if request.action == "off":
            return _sentence(subs.unsubscribed_message(subs.unsubscribe(store, channel_id)))
        if request.action == "status":
            return _sentence(subs.status_message(subs.channel_status(store, channel_id)))
        tz = subs.user_time_zone(client, user_id)
        text, blocks = subs.preview(
            self.deps.engine.covered_theses(),
            subs.preview_date(store, channel_id, tz),
            stale_after_days=self.deps.settings.stale_after_days)
        return Message(text, blocks)


def _sentence(text: str, ours: bool = False) -> Message:
    """A one-line reply. Sentences that may quote the user are escaped; `ours` marks one whose
    markup (a <#C…> channel link) is the bot's own."""
    return render_notice(text if ours else limits.escape(html.unescape(text)))


def register(app: App, deps: Deps) -> None:
    listeners = CommandListeners(deps)
    app.command(COMMAND)(listeners.on_command)
