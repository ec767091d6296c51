"""A fake Slack Web API on loopback that records every call, for end-to-end tests.

Point `WebClient(base_url=fake.url)` (or SLACK_API_URL) at it. It also accepts posts to
`/response/<anything>`, for slash-command `response_url`s, recorded as method "response_url".
Files uploaded with files_upload_v2 go through files.getUploadURLExternal, then their bytes to
`/upload/<file id>` (method "upload_url", kept in `uploads`), then files.completeUploadExternal.

Messages it accepts (chat.postMessage) are kept per channel and read back by
conversations.history (newest first, `oldest`, `limit`, `cursor`; metadata only with
include_all_metadata), stamped from `clock` (default: the wall clock; a test of a simulated
day sets it). `hold(method)` makes the next call be accepted but answered only when the test
releases it: Slack answering after the client's timeout. `drop(method)` makes the next call be
accepted and its connection closed without an answer: a connection dropped after Slack took
the message.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
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
        self.clock: Callable[[], float] = time.time  # seconds since the epoch, for message ts
        self.history: dict[str, list[dict[str, Any]]] = defaultdict(list)  # channel → messages
        self.uploads: dict[str, bytes] = {}  # file id → the bytes sent to its upload URL
        self.public_channels: set[str] | None = None  # None: every C… channel is public
        self.members: set[str] = set()  # channels the bot is in (conversations.join adds)
        self.enforce_membership = False  # True: chat.postMessage to a channel not in members
        #                                  fails with not_in_channel, as Slack does
        self._holds: dict[str, list[threading.Event]] = defaultdict(list)
        self._drops: dict[str, int] = defaultdict(int)
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # serve_forever notices shutdown() once per poll: its default 0.5 s was paid by every
        # test that ends a fake.
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.01}, daemon=True)

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

    def hold(self, method: str) -> threading.Event:
        """The next call of `method` is handled (a post is accepted) but answered only once
        the returned event is set: set it after the client has given up waiting."""
        release = threading.Event()
        with self._lock:
            self._holds[method].append(release)
        return release

    def drop(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` are handled (a post is accepted) and their
        connection closed with no answer (the client sees the remote end disconnect)."""
        with self._lock:
            self._drops[method] += times

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
        ts = f"{int(self.clock())}.{next(self._ts):06d}"
        if method == "auth.test":
            return {"ok": True, "user_id": self.bot_user_id, "bot_id": self.bot_id,
                    "team_id": "T0001", "team": "Test", "user": "thesis-bot"}
        if method == "chat.postMessage":
            channel = str(params.get("channel"))
            if self.enforce_membership and channel[:1] in "CG" and channel not in self.members:
                return {"ok": False, "error": "not_in_channel"}
            message = {"type": "message", "text": params.get("text"), "ts": ts,
                       "user": self.bot_user_id, "bot_id": self.bot_id,
                       "blocks": params.get("blocks"), "metadata": params.get("metadata")}
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            with self._lock:
                self.history[str(params.get("channel"))].append(message)
            return {"ok": True, "channel": params.get("channel"), "ts": ts,
                    "message": {"text": params.get("text"), "ts": ts}}
        if method == "conversations.history":
            return self._history(params)
        if method == "conversations.join":
            channel = str(params.get("channel"))
            if not self._is_public(channel):
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
            with self._lock:
                already = channel in self.members
                self.members.add(channel)
            answer: dict[str, Any] = {"ok": True, "channel": {"id": channel, "is_member": True}}
            if already:
                answer["warning"] = "already_in_channel"
            return answer
        if method == "apps.connections.open" and self.socket_url is not None:
            return {"ok": True, "url": self.socket_url()}
        if method == "files.getUploadURLExternal":  # files_upload_v2, step 1 of 3
            file_id = f"F{next(self._ts):07d}"
            host, port = self._server.server_address[:2]
            return {"ok": True, "file_id": file_id,
                    "upload_url": f"http://{host}:{port}/upload/{file_id}"}
        if method == "files.completeUploadExternal":  # step 3: share it in the channel/thread
            files = params.get("files")
            files = files if isinstance(files, list) else []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")}
                                          for f in files if isinstance(f, dict)]}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "users.info":
            user = params.get("user", "")
            tz, offset = self.user_tz.get(user, ("America/New_York", -18000))
            return {"ok": True, "user": {"id": user, "tz": tz, "tz_offset": offset}}
        if method == "conversations.info":
            channel = str(params.get("channel"))
            member = channel in self.members
            if not self._is_public(channel) and not member:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {"id": channel, "name": "general",
                                            "is_private": not self._is_public(channel),
                                            "is_member": member}}
        return {"ok": True, "ts": ts}

    def _is_public(self, channel: str) -> bool:
        if self.public_channels is None:
            return channel.startswith("C")
        return channel in self.public_channels

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        oldest = float(params.get("oldest") or 0)
        limit = int(params.get("limit") or 100)
        start = int(params.get("cursor") or 0)
        with self._lock:
            found = [m for m in reversed(self.history[str(params.get("channel"))])
                     if float(m["ts"]) > oldest and "thread_ts" not in m]
        page = found[start:start + limit]
        if str(params.get("include_all_metadata")).lower() not in ("1", "true"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(found)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                raw = ""
                if self.path.startswith("/upload/"):  # files_upload_v2 step 2: the bytes
                    method = "upload_url"
                    with fake._lock:
                        fake.uploads[self.path.rsplit("/", 1)[-1]] = data
                elif self.path.startswith("/response/"):
                    method = "response_url"
                    raw = data.decode("utf-8")
                else:
                    method = self.path.split("/api/", 1)[-1].split("?")[0]
                    raw = data.decode("utf-8")
                params = _params(raw, self.headers.get("Content-Type", ""))
                if "?" in self.path:  # a GET method's parameters (conversations.history)
                    query = self.path.split("?", 1)[1]
                    params = {**{k: v[0] for k, v in parse_qs(query).items()}, **params}
                with fake._lock:
                    fake.calls.append(Call(method, params, dict(self.headers),
                                           path=self.path))
                    scripted = fake._failures[method].pop(0) if fake._failures[method] else None
                    held = fake._holds[method].pop(0) if fake._holds[method] else None
                    dropped = fake._drops[method] > 0
                    if dropped:
                        fake._drops[method] -= 1
                    fake._lock.notify_all()
                status, body, headers = scripted or (200, fake._answer(method, params), {})
                if dropped:
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if held is not None:
                    held.wait(30)
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up waiting (a held call)
                    pass

            do_GET = do_POST

        return Handler


def _params(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    params: dict[str, Any] = {k: v[0] for k, v in parse_qs(raw).items()}
    for key in ("blocks", "attachments", "view", "files"):
        if isinstance(params.get(key), str):
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(params[key])
    return params
