"""The HTTP face of the app, as an ASGI application for uvicorn: POST /slack/events for events,
slash commands and interactivity alike, and GET /healthz.

Bolt's own ASGI adapter calls the synchronous `App.dispatch` on the event loop, so one slow
request would hold up all the others; here each dispatch runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 1_000_000  # Slack's payloads are a few kB

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class SlackHttp:
    def __init__(self, app: App, health: Callable[[], dict[str, Any]] | None = None) -> None:
        self.app = app
        self.health = health or (lambda: {"ok": True})
        # Answers hold back while requests are being acknowledged (bot.slack.app.AckFirst).
        self.acking: Callable[[], AbstractContextManager[None]] = getattr(
            getattr(app, "ack_first", None), "acking", nullcontext)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            await _send(send, 200, json.dumps(self.health()).encode(), "application/json")
        elif path == EVENTS_PATH and method == "POST":
            with self.acking():
                body = await _read_body(receive)
                if body is None:
                    await _send(send, 413, b"Payload Too Large")
                    return
                response = await asyncio.to_thread(self.dispatch, scope, body)
                await _send_bolt(send, response)
        elif path in (HEALTH_PATH, EVENTS_PATH):
            await _send(send, 405, b"Method Not Allowed")
        else:
            await _send(send, 404, b"Not Found")

    def dispatch(self, scope: Scope, body: bytes) -> BoltResponse:
        headers: dict[str, list[str]] = {}
        for name, value in scope.get("headers") or []:
            headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        request = BoltRequest(body=body.decode("utf-8", errors="replace"),
                              query=scope.get("query_string", b"").decode("latin-1"),
                              headers=headers)
        return self.app.dispatch(request)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send(send: Send, status: int, body: bytes,
                content_type: str = "text/plain; charset=utf-8") -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _send_bolt(send: Send, response: BoltResponse) -> None:
    body = response.body.encode("utf-8") if isinstance(response.body, str) else response.body
    headers = [(b"content-length", str(len(body)).encode())]
    for name, values in response.headers.items():
        if name.lower() == "content-length":
            continue
        headers.extend((name.encode("latin-1"), v.encode("latin-1")) for v in values)
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
