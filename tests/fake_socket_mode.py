"""A fake Slack Socket Mode server on loopback: a minimal RFC 6455 WebSocket server (stdlib only)
that speaks Socket Mode as Slack does: `hello` on connect, envelopes (events_api,
slash_commands, interactive) the test sends, acks recorded with the time they arrived, pings
answered, and `disconnect` (reason refresh_requested) that leaves the socket open, as Slack
keeps the old connection for a while after asking the app to move.

`apps.connections.open` on the fake Web API hands out `url()` (FakeSlack.socket_url).
slack_sdk's built-in client speaks plain ws:// to any port but 443 (its "library testing" path).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


@dataclass
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    at: float  # time.monotonic() when the ack arrived
    connection: int


@dataclass
class Link:
    """One WebSocket connection from the app."""

    number: int
    sock: socket.socket
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    closed: threading.Event = field(default_factory=threading.Event)

    def send(self, opcode: int, data: bytes) -> None:
        header = bytes([0x80 | opcode])
        size = len(data)
        if size < 126:
            header += bytes([size])
        elif size < 1 << 16:
            header += bytes([126]) + struct.pack("!H", size)
        else:
            header += bytes([127]) + struct.pack("!Q", size)
        with self.send_lock:
            self.sock.sendall(header + data)

    def send_json(self, message: dict[str, Any]) -> None:
        self.send(TEXT, json.dumps(message).encode())


class FakeSocketMode:
    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Condition()
        self.links: list[Link] = []
        self.acks: list[Ack] = []
        self.sent_at: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._stop = False

    def __enter__(self) -> FakeSocketMode:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._server.close()
        for link in self.links:
            link.sock.close()

    def url(self) -> str:
        host, port = self._server.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket={next(self._ids)}"

    # -- what a test does --------------------------------------------------------------------

    def wait_links(self, count: int, timeout: float = 10.0) -> Link:
        """The `count`-th connection, once the app has opened it (its hello is already sent)."""
        with self._lock:
            assert self._lock.wait_for(lambda: len(self.links) >= count, timeout), \
                f"the app opened {len(self.links)} Socket Mode connections, not {count}"
            return self.links[count - 1]

    def envelope(self, link: Link, kind: str, payload: dict[str, Any]) -> str:
        """Send an envelope as Slack would; its id, to wait for the ack."""
        envelope_id = f"env-{next(self._ids)}"
        message = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                   "accepts_response_payload": kind != "events_api"}
        if kind == "events_api":
            message.update(retry_attempt=0, retry_reason="")
        with self._lock:
            self.sent_at[envelope_id] = time.monotonic()
        link.send_json(message)
        return envelope_id

    def disconnect(self, link: Link, reason: str = "refresh_requested") -> None:
        link.send_json({"type": "disconnect", "reason": reason,
                        "debug_info": {"host": "applink-fake"}})

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> Ack:
        with self._lock:
            self._lock.wait_for(lambda: self._ack(envelope_id) is not None, timeout)
            ack = self._ack(envelope_id)
        assert ack is not None, f"envelope {envelope_id} was never acknowledged"
        return ack

    def ack_seconds(self, envelope_id: str, timeout: float = 10.0) -> float:
        """How long the app took to acknowledge the envelope."""
        return self.wait_ack(envelope_id, timeout).at - self.sent_at[envelope_id]

    def _ack(self, envelope_id: str) -> Ack | None:
        return next((a for a in self.acks if a.envelope_id == envelope_id), None)

    # -- serving -----------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stop:
            try:
                sock, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                request += chunk
            key = next(line.split(":", 1)[1].strip() for line in
                       request.decode("latin-1").split("\r\n")
                       if line.lower().startswith("sec-websocket-key:"))
            accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
            sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\n"
                          f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
            with self._lock:
                link = Link(len(self.links) + 1, sock)
                link.send_json({"type": "hello", "num_connections": 1,
                                "debug_info": {"host": "applink-fake"},
                                "connection_info": {"app_id": "A0THESIS"}})
                self.links.append(link)
                self._lock.notify_all()
            self._read(link)
        except OSError:
            return
        finally:
            sock.close()

    def _read(self, link: Link) -> None:
        reader = link.sock.makefile("rb")
        while True:
            head = reader.read(2)
            if len(head) < 2:
                link.closed.set()
                return
            opcode, size = head[0] & 0x0F, head[1] & 0x7F
            if size == 126:
                size = struct.unpack("!H", reader.read(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", reader.read(8))[0]
            mask = reader.read(4) if head[1] & 0x80 else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(reader.read(size)))
            if opcode == PING:
                link.send(PONG, data)
            elif opcode == CLOSE:
                link.send(CLOSE, data[:2])
                link.closed.set()
                return
            elif opcode == TEXT:
                message = json.loads(data)
                with self._lock:
                    self.acks.append(Ack(message.get("envelope_id", ""), message.get("payload"),
                                         time.monotonic(), link.number))
                    self._lock.notify_all()
