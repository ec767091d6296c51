"""Socket Mode ack latency across Slack's refreshes: slack_sdk's stock built-in client against
bot.slack.socket's, each over a loopback Socket Mode server (tests/fake_socket_mode.py).

Each round: Slack sends `disconnect` (refresh_requested) on the open socket and keeps it open;
the app opens a new one; the first envelope on it is timed from send to ack. Slack's ack
deadline is 3 s.

Usage: .venv/bin/python bench/socket_refresh.py [--refreshes 5]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_bolt import App  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from tests.fake_slack import FakeSlack  # noqa: E402
from tests.fake_socket_mode import FakeSocketMode  # noqa: E402


def measure(handler_class: type, refreshes: int) -> list[float]:
    with FakeSlack() as fake, FakeSocketMode() as server:
        fake.socket_url = server.url
        app = App(client=WebClient(token="xoxb-bench", base_url=fake.url),
                  signing_secret="unused", process_before_response=True)
        app.command("/thesis")(lambda ack: ack())
        handler = handler_class(app, "xapp-bench")
        handler.connect()
        body = {"command": "/thesis", "text": "help", "team_id": "T1", "user_id": "U1",
                "channel_id": "C1", "response_url": fake.response_url()}
        seconds = []
        try:
            for n in range(1, refreshes + 1):
                link = server.wait_links(n)
                server.ack_seconds(server.envelope(link, "slash_commands", body))
                server.disconnect(link)
                new = server.wait_links(n + 1)
                seconds.append(server.ack_seconds(server.envelope(new, "slash_commands", body)))
        finally:
            handler.close()
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refreshes", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    from slack_bolt.adapter.socket_mode import SocketModeHandler as Stock

    from bot.slack.socket import SocketModeHandler as Prompt

    for name, handler in (("slack_sdk built-in", Stock), ("bot.slack.socket", Prompt)):
        s = measure(handler, args.refreshes)
        print(f"{name:20} first ack after refresh: median {statistics.median(s):.3f} s, "
              f"max {max(s):.3f} s over {len(s)} refreshes (Slack's deadline: 3 s)")


if __name__ == "__main__":
    main()
