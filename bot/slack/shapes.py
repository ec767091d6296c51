"""The shape Slack gives every payload we handle, checked before Bolt sees it.

A signed request can still be shaped as Slack never sends it (`actions` a string, `event` a
list): Bolt's matchers and its own logging index into such a body and raise, and its error
handler then raises again, so the request ended in a 500 (which makes Slack retry, and
repeated errors can disable the app's event subscriptions) and a Socket Mode envelope was
never acknowledged. A payload that fails these checks is acknowledged, logged in one line and
otherwise ignored. Only fields Bolt or our listeners read are checked, and only their type:
anything a listener does with their values is its own business.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Fields that, when present, are objects with a string `id` or the id itself (Slack sends both
# forms in different payloads; Bolt reads either).
_OBJECT_OR_ID = ("enterprise", "team", "user", "channel")
# Fields that, when present, are objects.
_OBJECTS = ("view", "container", "message", "previous_message", "state")
# An event's fields our listeners read as text (its user, channel and team are ids, or objects
# with one in events such as channel_created and team_join).
_EVENT_TEXT = ("type", "subtype", "bot_id", "channel_type", "text", "ts", "thread_ts",
               "event_ts", "tab", "user_team")
# Events we answer, whose user and channel are always ids.
_ANSWERED_EVENTS = frozenset({"app_mention", "message", "app_home_opened"})
# A slash command's fields (a form: every value is text).
_COMMAND_TEXT = ("command", "text", "user_id", "channel_id", "response_url", "trigger_id")
# An action's fields, as text.
_ACTION_TEXT = ("action_id", "block_id", "value", "action_ts", "type")


def shape_problem(body: Mapping[str, Any]) -> str | None:
    """Why `body` (a parsed, signed payload) is not shaped as Slack sends it, in a few words
    naming the field (never its value); None when it is."""
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        return "type is not text"
    problem = _objects(body, "")
    if problem:
        return problem
    authorizations = body.get("authorizations")
    if authorizations is not None and (
            not isinstance(authorizations, list)
            or not all(isinstance(a, dict) for a in authorizations)):
        return "authorizations is not a list of objects"
    if "command" in body:
        return _texts(body, _COMMAND_TEXT, "") or (
            None if body.get("response_url") else "command without response_url")
    if kind == "event_callback":
        return _event(body.get("event"))
    if kind == "block_actions":
        return _actions(body.get("actions"))
    return None


def _objects(data: Mapping[str, Any], where: str) -> str | None:
    for name in _OBJECT_OR_ID:
        value = data.get(name)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, dict):
            return f"{where}{name} is neither an object nor an id"
        if not isinstance(value.get("id", ""), str):
            return f"{where}{name}.id is not text"
    for name in _OBJECTS:
        value = data.get(name)
        if value is not None and not isinstance(value, dict):
            return f"{where}{name} is not an object"
    return None


def _texts(data: Mapping[str, Any], names: tuple[str, ...], where: str) -> str | None:
    for name in names:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            return f"{where}{name} is not text"
    return None


def _event(event: object) -> str | None:
    if not isinstance(event, dict):
        return "event is not an object"
    if not isinstance(event.get("type"), str):
        return "event.type is not text"
    if event["type"] in _ANSWERED_EVENTS:
        problem = _texts(event, ("user", "channel"), "event.")
        if problem:
            return problem
    return _texts(event, _EVENT_TEXT, "event.") or _objects(event, "event.")


def _actions(actions: object) -> str | None:
    if not isinstance(actions, list) or not actions:
        return "actions is not a list of actions"
    for index, action in enumerate(actions):
        if not isinstance(action, dict):
            return f"actions[{index}] is not an object"
        if not isinstance(action.get("action_id"), str):
            return f"actions[{index}].action_id is not text"
        problem = _texts(action, _ACTION_TEXT, f"actions[{index}].")
        if problem:
            return problem
    return None
