"""The HTTP face of the app, as an ASGI application for uvicorn: POST /slack/events for events,
slash commands and interactivity alike, and GET /healthz.

Bolt's own ASGI adapter calls the synchronous `App.dispatch` on the event loop, so one slow
request would hold up all the others; here each dispatch runs in a worker thread.

Anything may arrive here, so nothing a client sends can make it answer 500 or log the body:
the signature is checked on the raw bytes before anything is parsed (an unsigned request,
or one whose timestamp is not a plain number, is 401 without reaching Bolt, which would log
a forged body whole), a signed body that does not parse to a JSON object or form is 400, a
body must arrive within BODY_TIMEOUT (408), and a connection must finish its headers within
HEADER_TIMEOUT (`GuardedH11`: uvicorn itself only times out idle keep-alive connections), and
connections beyond a cap below the open-file limit are closed at once (`connection_cap`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot import errors
from bot.slack import outcomes
from bot.slack.shapes import shape_problem

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 1_000_000  # Slack's payloads are a few kB
HEADER_TIMEOUT = 10.0  # seconds a connection has to send a request's headers
BODY_TIMEOUT = 10.0  # seconds a request has to send its body
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# asyncio accepts up to `backlog` connections at each wake-up (uvicorn's default is 2,048), and
# those over the cap are closed only a wake-up or two later: so a burst can hold about three
# backlogs of descriptors beyond the cap, and RESERVED_FILES keeps room for that and the rest.
ACCEPT_BACKLOG = 64
RESERVED_FILES = 256  # descriptors kept for all but client connections (see connection_cap)
MIN_CONNECTIONS = 16  # however low the open-file limit

logger = logging.getLogger("bot.slack")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class SlackHttp:
    def __init__(self, app: App, health: Callable[[], dict[str, Any]] | None = None, *,
                 signing_secret: str | None = None, body_timeout: float = BODY_TIMEOUT) -> None:
        self.app = app
        self.health = health or (lambda: {"ok": True})
        secret = signing_secret if signing_secret is not None else getattr(
            app, "_signing_secret", "")  # Bolt keeps the one it was given there
        self.verifier = SignatureVerifier(secret)
        self.body_timeout = body_timeout
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
            # A slow upload is not an ack in flight: answers only wait for dispatches.
            try:
                async with asyncio.timeout(self.body_timeout):
                    body = await _read_body(receive)
            except TimeoutError:
                await _send(send, 408, b"Request Timeout")
                return
            if body is None:
                await _send(send, 413, b"Payload Too Large")
                return
            with self.acking():
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
        if not self._signed(headers, body):
            # Nothing of an unverified body is logged, not even who it claims to come from.
            logger.info("request unverified user=- status=401 "
                        "outcome=rejected: bad or old signature")
            return BoltResponse(status=401, body={"error": "invalid request"})
        try:
            request = BoltRequest(body=body.decode("utf-8", errors="replace"),
                                  query=scope.get("query_string", b"").decode("latin-1"),
                                  headers=dict[str, str | Sequence[str]](headers))
        except (ValueError, RecursionError, TypeError, AttributeError) as exc:
            return _bad_request(f"{type(exc).__name__} while parsing")
        if not isinstance(request.body, dict) or not request.body:
            return _bad_request("not a JSON object or form")
        problem = shape_problem(request.body)
        if problem:
            outcomes.log_misshapen(request.body, problem)
            return BoltResponse(status=200, body="")
        return self.app.dispatch(request)

    def _signed(self, headers: dict[str, list[str]], body: bytes) -> bool:
        """Slack's signature over the raw bytes, with a plain, recent timestamp."""
        timestamp = (headers.get("x-slack-request-timestamp") or [""])[0]
        signature = (headers.get("x-slack-signature") or [""])[0]
        if not _TIMESTAMP.fullmatch(timestamp) or not signature:
            return False
        return self.verifier.is_valid(body, timestamp, signature)


def _bad_request(why: str) -> BoltResponse:
    logger.info("request malformed user=- status=400 outcome=rejected: body is %s", why)
    return BoltResponse(status=400, body={"error": "bad request"})


class EveryMinute:
    """For a condition that lasts (connections at the cap, accept() out of descriptors): True
    at most once per `seconds`, so its log line is written once a minute, not per event."""

    def __init__(self, seconds: float = 60.0) -> None:
        self.seconds = seconds
        self._last = float("-inf")
        self._lock = threading.Lock()

    def due(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if now - self._last < self.seconds:
                return False
            self._last = now
            return True


def connection_cap(file_limit: int) -> int:
    """How many client connections to keep open under a limit of `file_limit` open files:
    RESERVED_FILES stay for a burst of connections about to be closed and for everything else
    (the database, the knowledge files, Slack's Web API, a reload), so accept()
    never runs out of descriptors."""
    return max(MIN_CONNECTIONS, file_limit - RESERVED_FILES)


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol, closing a connection that has not finished a request's headers
    within `header_timeout` seconds of connecting, or of starting the next request; and,
    beyond `connection_cap` open connections, closing each new one at once (logged once a
    minute), so idle connections cannot use up the process's file descriptors."""

    header_timeout = HEADER_TIMEOUT
    connection_cap: int | None = None
    file_limit = 0
    _headers_due: asyncio.TimerHandle | None = None

    # uvicorn's H11Protocol narrows BaseProtocol's BaseTransport to Transport, as we do.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.connection_cap is not None and len(self.connections) > self.connection_cap:
            transport.close()
            if _CAPPED.due():
                logger.warning(errors.connections_capped(self.connection_cap, self.file_limit))
            return
        self._await_headers()

    def data_received(self, data: bytes) -> None:
        if self.cycle is None or self.cycle.response_complete:  # a new request is starting
            self._await_headers()
        super().data_received(data)

    def handle_events(self) -> None:
        scope = self.scope
        super().handle_events()
        if self.scope is not scope:  # a request's headers are complete
            self._stop_waiting()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        if self._headers_due is None:
            self._headers_due = self.loop.call_later(self.header_timeout, self._too_slow)

    def _stop_waiting(self) -> None:
        if self._headers_due is not None:
            self._headers_due.cancel()
            self._headers_due = None

    def _too_slow(self) -> None:
        self._headers_due = None
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()


def guarded_protocol(header_timeout: float = HEADER_TIMEOUT, *, file_limit: int | None = None
                     ) -> type[H11Protocol]:
    """GuardedH11 with another header timeout (tests use a short one) and, given the
    process's open-file limit, a connection cap below it."""
    attributes: dict[str, object] = {"header_timeout": header_timeout}
    if file_limit:
        attributes.update(connection_cap=connection_cap(file_limit), file_limit=file_limit)
    return type("GuardedH11", (GuardedH11,), attributes)


class AcceptOutOfFiles(logging.Filter):
    """asyncio's "socket.accept() out of system resource", which it logs with a traceback
    each time it tries again (tens of thousands of lines a minute): one line, once a minute."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("socket.accept() out of system resource"):
            return True
        if not _ACCEPT_FAILING.due():
            return False
        exc = record.exc_info[1] if record.exc_info else None
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "no descriptors"
        record.msg, record.args, record.exc_info, record.exc_text = \
            errors.accept_out_of_resources(reason), None, None, None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_CAPPED = EveryMinute()
_ACCEPT_FAILING = EveryMinute()


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
