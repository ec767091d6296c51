"""Socket Mode that survives Slack's refreshes without missing the 3-second ack deadline.

Every few hours Slack sends `disconnect` (reason refresh_requested) and the app opens a new
socket. slack_sdk's built-in client connects the new socket, then closes the old one; closing
takes the old socket's receive lock, held by its reader thread while it waits in recv() for up
to its 3-second read timeout; only then does the new socket start being read. The first
envelope on the new socket was acknowledged about 3.1 s after Slack sent it: too late.

Here closing the old socket first shuts it down, which wakes its reader at once (recv returns
end-of-file; the reader sees its session is over and lets go of the lock). The rest is
slack_sdk's own client and Bolt's own handler, unchanged; no extra dependency.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode.builtin import SocketModeHandler as BoltSocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.builtin.connection import Connection
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.slack import outcomes
from bot.slack.shapes import shape_problem

PING_INTERVAL = 10  # seconds, as Bolt's handler uses


def _close_promptly(connection: Connection) -> None:
    """Close `connection` without waiting out its reader's read timeout."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already gone
            sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in recv()
    connection.disconnect()


class PromptRefreshClient(SocketModeClient):
    """slack_sdk's built-in Socket Mode client whose replaced sessions close at once."""

    def connect(self) -> None:
        old = self.current_session
        if old is not None:
            # SocketModeClient.connect closes the old session only after the new one is up.
            # Patched on this one instance (mypy forbids assigning to a method).
            old.close = lambda: _close_promptly(old)  # type: ignore[method-assign]
        super().connect()

    def disconnect(self) -> None:
        """On close, as on a refresh: the session ends at once (the stock client waited out its
        reader's read timeout, 3 s)."""
        if self.current_session is not None:
            _close_promptly(self.current_session)


class SocketModeHandler(BoltSocketModeHandler):
    """Bolt's built-in Socket Mode handler, on PromptRefreshClient."""

    def __init__(self, app: App, app_token: str, **client_options: Any) -> None:
        # Not super().__init__: it would start a stock client's threads only to drop them.
        self.app = app
        self.app_token = app_token
        self.client = PromptRefreshClient(
            app_token=app_token, logger=app.logger, web_client=app.client,
            proxy=app.client.proxy, ping_interval=client_options.pop("ping_interval",
                                                                     PING_INTERVAL),
            **client_options)
        # Bolt's handle() takes the SocketModeClient it was built for; slack_sdk types the listener
        # list for any BaseSocketModeClient, and only ever calls it with this client.
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        """Bolt's own, counted as an ack in flight (answers and a reload's reading wait for it,
        as they do for an HTTP request: bot.slack.app.AckFirst). A payload not shaped as Slack
        sends one is acknowledged and ignored with one log line (bot.slack.shapes)."""
        acking = getattr(getattr(self.app, "ack_first", None), "acking", contextlib.nullcontext)
        with acking():
            body = req.payload if isinstance(req.payload, dict) else {}
            problem = shape_problem(body) if body else "not an object"
            if problem:
                outcomes.log_misshapen(body, problem)
                client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
                return
            super().handle(client, req)
