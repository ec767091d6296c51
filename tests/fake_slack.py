"""A fake Slack Web API on loopback that records every call, for end-to-end tests.

Point `WebClient(base_url=fake.url)` (or SLACK_API_URL) at it. It also accepts posts to
`/response/<anything>`, for slash-command `response_url`s, recorded as method "response_url".
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops connections under a burst (the client then waits a
    # second to retry): a fake must not be the slowest part of a benchmark.
    request_queue_size = 256


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    path: str = ""  # the URL path called, e.g. /response/<name> for a response_url


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Condition()
        self._failures: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = (
            defaultdict(list)
        )
        self._ts = itertools.count(1)
        self.user_tz: dict[str, tuple[str, int]] = {}
        self.bot_user_id = "UBOT"
        self.bot_id = "BBOT"
        self.socket_url: Callable[[], str] | None = None  # apps.connections.open hands it out
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle --------------------------------------------------------------------------

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def response_url(self, name: str = "cmd") -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/response/{name}"

    # -- scripting --------------------------------------------------------------------------

    def fail(self, method: str, error: str, times: int = 1, status: int = 200) -> None:
        """The next `times` calls of `method` answer {"ok": false, "error": error}, with HTTP
        `status` (200 like the Web API; a response_url answers e.g. 404 when expired)."""
        for _ in range(times):
            self._failures[method].append((status, {"ok": False, "error": error}, {}))

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 429 with Retry-After."""
        for _ in range(times):
            self._failures[method].append(
                (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
            )

    def set_user_tz(self, user_id: str, tz: str, offset_seconds: int = 0) -> None:
        self.user_tz[user_id] = (tz, offset_seconds)

    # -- reading ----------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `method` was called `count` times (or the timeout passes); return calls."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
            return [c for c in self.calls if c.method == method]

    def wait_until(self, matches: Callable[[Call], bool], timeout: float = 5.0) -> Call | None:
        """Block until a call `matches` (or the timeout passes); return it, or None."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = next((c for c in self.calls if matches(c)), None)
                left = deadline - time.monotonic()
                if found is not None or left <= 0:
                    return found
                self._lock.wait(left)

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- serving ----------------------------------------------------------------------------

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ts = f"{1700000000 + next(self._ts)}.000100"
        if method == "auth.test":
            return {"ok": True, "user_id": self.bot_user_id, "bot_id": self.bot_id,
                    "team_id": "T0001", "team": "Test", "user": "thesis-bot"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": params.get("channel"), "ts": ts,
                    "message": {"text": params.get("text"), "ts": ts}}
        if method == "apps.connections.open" and self.socket_url is not None:
            return {"ok": True, "url": self.socket_url()}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "users.info":
            user = params.get("user", "")
            tz, offset = self.user_tz.get(user, ("America/New_York", -18000))
            return {"ok": True, "user": {"id": user, "tz": tz, "tz_offset": offset}}
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": params.get("channel"), "name": "general"}}
        return {"ok": True, "ts": ts}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                if self.path.startswith("/response/"):
                    method = "response_url"
                else:
                    method = self.path.split("/api/", 1)[-1].split("?")[0]
                params = _params(raw, self.headers.get("Content-Type", ""))
                with fake._lock:
                    fake.calls.append(Call(method, params, dict(self.headers),
                                           path=self.path))
                    scripted = fake._failures[method].pop(0) if fake._failures[method] else None
                    fake._lock.notify_all()
                status, body, headers = scripted or (200, fake._answer(method, params), {})
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

        return Handler


def _params(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    params: dict[str, Any] = {k: v[0] for k, v in parse_qs(raw).items()}
    for key in ("blocks", "attachments", "view"):
        if isinstance(params.get(key), str):
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(params[key])
    return params
