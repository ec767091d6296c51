"""Requests as Slack sends them: events as JSON, slash commands and interactivity as forms
(interactivity in a `payload=` field), each signed with HMAC-SHA256 over `v0:timestamp:body`."""

from __future__ import annotations

import http.client
import itertools
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

SECRET = "test-signing-secret-0123456789abcdef"
TEAM = "T0001"
USER = "U0ASKER"
CHANNEL = "C0GENERAL"
DM = "D0DIRECT"
_ts = itertools.count(1)


def signed_headers(body: str, content_type: str, secret: str = SECRET,
                   timestamp: int | None = None, **extra: str) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature, **extra}


def message_ts() -> str:
    return f"{1700001000 + next(_ts)}.000200"


def command_body(text: str, response_url: str, user_id: str = USER,
                 channel_id: str = CHANNEL, channel_name: str = "general") -> str:
    return urlencode({
        "token": "legacy-verification-token", "team_id": TEAM, "team_domain": "test",
        "channel_id": channel_id, "channel_name": channel_name, "user_id": user_id,
        "user_name": "asker", "command": "/thesis", "text": text,
        "api_app_id": "A0THESIS", "response_url": response_url,
        "trigger_id": f"{uuid.uuid4().int % 10**12}.1.abc",
    })


def event_body(event: dict[str, Any], event_id: str | None = None,
               bot_user_id: str = "UBOT") -> str:
    return json.dumps({
        "token": "legacy-verification-token", "team_id": TEAM, "api_app_id": "A0THESIS",
        "event": event, "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": bot_user_id, "is_bot": True}],
    })


def mention(text: str, channel: str = CHANNEL, user: str = USER, ts: str | None = None,
            **extra: Any) -> dict[str, Any]:
    ts = ts or message_ts()
    return {"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": channel,
            "event_ts": ts, **extra}


def direct_message(text: str, user: str = USER, ts: str | None = None,
                   **extra: Any) -> dict[str, Any]:
    ts = ts or message_ts()
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
            "channel": DM, "event_ts": ts, **extra}


def action_body(action_id: str, value: str, response_url: str, *, ephemeral: bool = True,
                channel: str = CHANNEL, user: str = USER,
                thread_ts: str | None = None, menu: bool = False) -> str:
    """A button pressed, or (`menu`) the option of value `value` chosen in a static select."""
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts(),
                                 "channel_id": channel, "is_ephemeral": ephemeral}
    if thread_ts:
        container["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions", "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": "asker", "team_id": TEAM},
        "api_app_id": "A0THESIS", "token": "legacy-verification-token",
        "container": container, "trigger_id": "1.2.3", "channel": {"id": channel},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b1",
                     "value": value, "text": {"type": "plain_text", "text": "x"},
                     "action_ts": str(time.time())}],
    }
    if menu:
        payload["actions"] = [{
            "type": "static_select", "action_id": action_id, "block_id": "b1",
            "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": value},
            "placeholder": {"type": "plain_text", "text": "x"}, "action_ts": str(time.time())}]
    if not ephemeral:
        payload["message"] = {"type": "message", "ts": container["message_ts"], "text": "card"}
    return urlencode({"payload": json.dumps(payload)})


@dataclass
class Reply:
    status: int
    body: str
    seconds: float


class SlackSender:
    """Posts signed requests to the app's /slack/events over real HTTP."""

    def __init__(self, base_url: str, secret: str = SECRET) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.secret = secret

    def post(self, body: str, content_type: str, path: str = "/slack/events",
             headers: dict[str, str] | None = None) -> Reply:
        headers = headers or signed_headers(body, content_type, self.secret)
        return self.request("POST", path, body, headers)

    def request(self, method: str, path: str, body: str = "",
                headers: dict[str, str] | None = None) -> Reply:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body.encode(), headers=headers or {})
            response = connection.getresponse()
            data = response.read().decode()
            return Reply(response.status, data, time.perf_counter() - started)
        finally:
            connection.close()

    def command(self, text: str, response_url: str, **kwargs: Any) -> Reply:
        return self.post(command_body(text, response_url, **kwargs),
                         "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any], event_id: str | None = None,
              **headers: str) -> Reply:
        body = event_body(event, event_id)
        return self.post(body, "application/json",
                         headers=signed_headers(body, "application/json", self.secret,
                                                **headers))

    def action(self, action_id: str, value: str, response_url: str, **kwargs: Any) -> Reply:
        return self.post(action_body(action_id, value, response_url, **kwargs),
                         "application/x-www-form-urlencoded")
