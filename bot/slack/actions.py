"""Buttons and menus on cards: section navigation, sources, "Did you mean …" (and the menu of
the theses "which thesis?" has no button for), "Show more", "Share in channel", back to the list
a card was opened from, and 👍/👎.

What a button shows goes to the person who pressed it (ephemeral), so a card in a busy channel
never grows a thread of other people's clicks: on an ephemeral card it replaces the card, on a
public one it arrives as a message only they see. Sharing is the one public action.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from slack_bolt import Ack, App, BoltContext, Respond
from sqlalchemy.exc import DBAPIError

from bot.engine.answer import BOOK_CARDS, CARDS, Answer, Card
from bot.render import messages
from bot.render.blocks import (
    BACK,
    FEEDBACK,
    HELP,
    LIST,
    MORE,
    NAV,
    PICK,
    SHARE,
    SOURCES,
    CardRef,
    Message,
    render_card,
    render_list,
    render_notice,
)
from bot.slack.conversations import dm_key, thread_key
from bot.slack.outcomes import answering, deliver
from bot.slack.records import Vote
from bot.store import is_disk_full, is_outage

if TYPE_CHECKING:
    from bot.slack.app import Deps

logger = logging.getLogger("bot.slack.feedback")


def _container(body: dict[str, Any]) -> dict[str, Any]:
    container = body.get("container")
    return container if isinstance(container, dict) else {}


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    return user.get("id") if isinstance(user, dict) else None


def _thread_ts(body: dict[str, Any]) -> str | None:
    """The thread the pressed card is in, if any: what it shares or adds stays there."""
    message = body.get("message")
    in_message = message.get("thread_ts") if isinstance(message, dict) else None
    return _container(body).get("thread_ts") or in_message


def _channel_id(body: dict[str, Any]) -> str | None:
    channel = body.get("channel")
    if isinstance(channel, dict):
        return channel.get("id")
    return _container(body).get("channel_id")


def _value(action: dict[str, Any]) -> str | None:
    """What a button carries, or the option chosen in a menu ("which thesis?" beyond its
    buttons)."""
    selected = action.get("selected_option")
    if isinstance(selected, dict):
        return selected.get("value")
    return action.get("value")


def _conversation(body: dict[str, Any]) -> str | None:
    """The DM or thread the pressed card is in: a choice made there is what it is about now."""
    channel, user = _channel_id(body), _user_id(body)
    if not channel:
        return None
    if channel.startswith("D"):
        return dm_key(channel, user) if user else None
    thread = _thread_ts(body)
    return thread_key(channel, thread) if thread else None


class ActionListeners:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def on_action(self, ack: Ack, action: dict[str, Any], body: dict[str, Any],
                  respond: Respond, context: BoltContext) -> None:
        """Every button: ack, then show, share or record after."""
        ack()
        action_id = str(action.get("action_id"))
        work = (self.share if action_id == SHARE
                else self.feedback if action_id.startswith(f"{FEEDBACK}:") else self.show)
        self.deps.later(self.once, work, action, body, respond, context)

    def once(self, work: Callable[..., None], action: dict[str, Any], body: dict[str, Any],
             respond: Respond, context: BoltContext) -> None:
        """`work`, unless this very press was handled before: a replayed request carries the
        same action_ts and user, a second press a new action_ts."""
        pressed_at, user = action.get("action_ts"), _user_id(body)
        if pressed_at and user and not self.deps.records.claim_request(
                "action", str(pressed_at), str(user)):
            with answering(f"action {action.get('action_id')}", context) as report:
                report.outcome = "duplicate: already answered"
            return
        work(action, body, respond, context)

    # -- turning a button back into an Answer -----------------------------------------------

    def answer_of(self, ref: CardRef) -> tuple[Answer, str]:
        """The Answer a button asks for, and the kind of card to draw it as."""
        engine = self.deps.engine
        if ref.card in BOOK_CARDS and ref.question:  # a search or comparison: asked again
            answer = engine.answer(ref.question)
            return answer, answer.card
        if ref.ticker is None or ref.card == HELP:
            return Answer(ref.question or "help", "help", confidence=1.0,
                          covered=engine.covered), "help"
        card: Card = cast(Card, ref.card) if ref.card in CARDS else "overview"  # checked
        answer = engine.answer_for(ref.ticker, card, ref.point,
                                   question=ref.question or "", figure=ref.figure,
                                   horizon=ref.horizon)
        kind = SOURCES if ref.card == SOURCES and answer.thesis is not None else answer.card
        return answer, kind

    def render(self, ref: CardRef, conversation: str | None = None, **options: Any) -> Message:
        deps = self.deps
        if ref.card == LIST:
            theses = deps.engine.covered_theses()
            return render_list(theses, deps.options(page=ref.page, **options))
        answer, kind = self.answer_of(ref)
        if conversation:
            deps.answered(conversation, answer)
        back = CardRef(ref.via, question=None if ref.via == LIST else ref.question,
                       page=ref.via_page) if ref.via else None
        return render_card(answer, deps.options(page=ref.page, back=back, **options), kind)

    # -- after the ack ----------------------------------------------------------------------

    def show(self, action: dict[str, Any], body: dict[str, Any], respond: Respond,
             context: BoltContext) -> None:
        """Navigation, sources, a "Did you mean …" choice, help, or the next page."""
        with answering(f"action {action.get('action_id')}", context,
                       lambda text: self._reply(body, respond, render_notice(text), False)) \
                as report:
            ref = CardRef.from_value(_value(action)) or CardRef(HELP)
            report.card = ref.card
            replace = action.get("action_id") != MORE  # a next page adds, the rest replace
            self._reply(body, respond, self.render(ref, _conversation(body), shareable=True),
                        replace)

    def share(self, action: dict[str, Any], body: dict[str, Any], respond: Respond,
              context: BoltContext) -> None:
        """Post the card publicly, attributed to the sharer, and drop the private copy."""
        with answering("action share", context,
                       lambda text: self._reply(body, respond, render_notice(text), False)) \
                as report:
            ref = CardRef.from_value(_value(action)) or CardRef(HELP)
            report.card = ref.card
            message = self.render(ref, _conversation(body), shared_by=_user_id(body))
            deliver(respond, text=message.text, blocks=message.blocks, response_type="in_channel",
                    replace_original=False, unfurl_links=False, unfurl_media=False,
                    thread_ts=_thread_ts(body))
            if _container(body).get("is_ephemeral"):
                deliver(respond, delete_original=True)

    def feedback(self, action: dict[str, Any], body: dict[str, Any], respond: Respond,
                 context: BoltContext) -> None:
        with answering("action feedback", context,
                       lambda text: self._reply(body, respond, render_notice(text), False)) \
                as report:
            ref = CardRef.from_value(_value(action)) or CardRef("unknown")
            helpful = str(action.get("action_id")).endswith(":up")
            vote = Vote(helpful, ref.card, ref.ticker, ref.point, ref.question,
                        _user_id(body), _channel_id(body), ref.confidence)
            try:
                self.deps.records.record_vote(vote)
            except DBAPIError as exc:  # full or down: say so, not "something went wrong"
                if not is_outage(exc):
                    raise
                self.deps.records.database.failed(exc)
                report.outcome = "not recorded: database " + (
                    "full" if is_disk_full(exc) else "unavailable")
                self._reply(body, respond, render_notice(
                    messages.feedback_not_saved(helpful, is_disk_full(exc))), False)
                return
            self.deps.thumbs(vote)
            logger.info("feedback helpful=%s ticker=%s card=%s point=%s confidence=%s user=%s "
                        "channel=%s", helpful, vote.ticker or "-", vote.card, vote.point or "-",
                        vote.confidence,
                        vote.user_id if self.deps.records.log_users and vote.user_id else "-",
                        vote.channel_id or "-")
            report.card = ref.card
            report.outcome = "recorded"
            self._reply(body, respond, render_notice(messages.feedback_thanks(helpful)), False)

    @staticmethod
    def _reply(body: dict[str, Any], respond: Respond, message: Message, replace: bool) -> None:
        """Replace an ephemeral card, or add a message only the presser sees."""
        container = _container(body)
        if replace and container.get("is_ephemeral"):
            deliver(respond, text=message.text, blocks=message.blocks, replace_original=True)
            return
        deliver(respond, text=message.text, blocks=message.blocks, response_type="ephemeral",
                replace_original=False, thread_ts=_thread_ts(body))


def register(app: App, deps: Deps) -> None:
    listeners = ActionListeners(deps)
    ours = re.compile(rf"^(?:(?:{NAV}|{PICK}|{FEEDBACK}):.+|{MORE}|{HELP}|{SHARE}|{BACK})$")
    app.action(ours)(listeners.on_action)
