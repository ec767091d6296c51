"""The HTTP endpoint under attack: whatever a client sends, the answer is 4xx, never 500; the
log holds one line per refusal and never a body or a response_url; a connection that does not
finish its headers, or a body that does not arrive, is cut off; a slow upload holds up no answer.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.engine.matcher import Engine
from bot.slack.app import create_app
from bot.slack.http import SlackHttp, guarded_protocol
from tests.fake_slack import FakeSlack
from tests.slack.conftest import (
    TODAY,
    free_socket,
    healthy,
    make_settings,
    on_loopback,
    serve_http,
)
from tests.slack.signed import SECRET, SlackSender, command_body, signed_headers

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
DEEP = "[" * 100_000 + "]" * 100_000
SECRET_TEXT = "SECRET-QUESTION-TEXT"


def _hostile() -> list[tuple[str, str, str, dict[str, str] | None, int]]:
    """(name, body, content type, headers or None for unsigned, expected status)."""
    now = str(int(time.time()))
    forged = {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "0" * 64}
    return [
        ("unsigned malformed JSON", "{nope", JSON, None, 401),
        ("unsigned [1]", "[1]", JSON, None, 401),
        ("unsigned payload=%7Bnope", "payload=%7Bnope", FORM, None, 401),
        ("unsigned 100k-deep JSON", DEEP, JSON, None, 401),
        ("signed malformed JSON", "{nope", JSON, signed_headers("{nope", JSON), 400),
        ("signed [1]", "[1]", JSON, signed_headers("[1]", JSON), 400),
        ("signed payload=%7Bnope", "payload=%7Bnope", FORM,
         signed_headers("payload=%7Bnope", FORM), 400),
        ("signed 100k-deep JSON", DEEP, JSON, signed_headers(DEEP, JSON), 400),
        ("non-numeric timestamp", "{}", JSON,
         {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}, 401),
        ("400-digit timestamp", "{}", JSON,
         {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": "v0=00"}, 401),
        ("forged command", command_body(SECRET_TEXT, "https://hooks.slack.com/commands/T/SECRETURL"),
         FORM, forged, 401),
    ]


@contextmanager
def _served(engine: Engine, fake: FakeSlack, database: Path, *, header_timeout: float = 10.0,
            body_timeout: float = 10.0, patience: float | None = None) -> Iterator[str]:
    """The app under uvicorn with the production protocol, on a loopback port."""
    app = create_app(make_settings(fake, database), engine, today=lambda: TODAY)
    if patience is not None:
        app.ack_first.patience = patience  # type: ignore[attr-defined]
    http = SlackHttp(app, signing_secret=SECRET, body_timeout=body_timeout)
    with on_loopback(http, http=guarded_protocol(header_timeout)) as url:
        yield url


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def test_hostile_bodies_and_timestamps_get_4xx_and_no_traceback(
        engine: Engine, fake: FakeSlack, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with _served(engine, fake, tmp_path / "bot.db") as url:
        sender = SlackSender(url)
        for name, body, content_type, headers, status in _hostile():
            reply = sender.post(body, content_type,
                                headers=headers or {"Content-Type": content_type})
            assert reply.status == status, name
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert SECRET_TEXT not in caplog.text and "SECRETURL" not in caplog.text
    assert fake.calls_to("chat.postMessage") == [] and fake.calls_to("response_url") == []


def _odd_shapes() -> list[tuple[str, str, str]]:
    """(name, body, content type): signed, of a known type, but shaped as Slack never sends."""
    def actions(value: object) -> str:
        payload = {"type": "block_actions", "team": {"id": "T0001"},
                   "user": {"id": "U0ASKER"}, "api_app_id": "A0THESIS",
                   "trigger_id": "1.2.3", "response_url": "https://hooks.slack.com/x/SECRETURL",
                   "actions": value}
        return urlencode({"payload": json.dumps(payload)})

    def event(value: object) -> str:
        return json.dumps({"type": "event_callback", "team_id": "T0001", "api_app_id": "A0THESIS",
                           "event_id": "Ev0ODD", "event_time": 1, "event": value,
                           "authorizations": [{"team_id": "T0001", "user_id": "UBOT"}]})

    return [
        ("actions as a string", actions("clicked"), FORM),
        ("actions [null]", actions([None]), FORM),
        ("actions [1]", actions([1]), FORM),
        ("actions [{}]", actions([{}]), FORM),
        ("actions {}", actions({}), FORM),
        ("event as a list", event([SECRET_TEXT]), JSON),
        ("event as a string", event(SECRET_TEXT), JSON),
        ("event null", event(None), JSON),
        ("event without a type", event({"text": SECRET_TEXT}), JSON),
        ("event of a number type", event({"type": 5, "text": SECRET_TEXT}), JSON),
        ("event user a list", event({"type": "app_mention", "user": [1], "text": SECRET_TEXT,
                                     "channel": ["C1"], "ts": None}), JSON),
        ("mention by a user object", event({"type": "app_mention", "user": {"id": "U1"},
                                            "text": SECRET_TEXT, "channel": {"id": "C1"},
                                            "ts": "1.2"}), JSON),
        ("command with a list", urlencode({"command": "/thesis", "text": SECRET_TEXT,
                                           "user_id": "U1", "channel_id": "C1"}) + "&text=2",
         FORM),
        ("payload a list", urlencode({"payload": "[1, 2]"}), FORM),
        ("payload a string", urlencode({"payload": '"x"'}), FORM),
        ("view_submission with a string view", urlencode({"payload": json.dumps(
            {"type": "view_submission", "view": "v", "user": "u"})}), FORM),
        ("type a list", json.dumps({"type": ["event_callback"], "event": {}}), JSON),
    ]


@pytest.mark.parametrize(("name", "body", "content_type"), _odd_shapes(),
                         ids=[n for n, _, _ in _odd_shapes()])
def test_signed_but_oddly_shaped_payloads_get_no_500_and_one_log_line(
        engine: Engine, fake: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        name: str, body: str, content_type: str) -> None:
    caplog.set_level(logging.INFO)
    with _served(engine, fake, tmp_path / "bot.db") as url:
        sender = SlackSender(url)
        caplog.clear()
        reply = sender.post(body, content_type)
        assert reply.status == 200 or 400 <= reply.status < 500, (reply.status, reply.body)
        assert sender.request("GET", "/healthz").status == 200
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], \
        caplog.text
    lines = [r for r in caplog.records if r.name.startswith("bot")]
    assert len(lines) == 1, caplog.text
    assert SECRET_TEXT not in caplog.text and "SECRETURL" not in caplog.text
    assert fake.calls_to("chat.postMessage") == [] and fake.calls_to("response_url") == []


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.settimeout(30)
    return sock


def _closed_after(sock: socket.socket) -> float:
    started = time.monotonic()
    while sock.recv(4096):
        pass
    return time.monotonic() - started


def test_a_connection_that_never_finishes_its_headers_is_closed(
        engine: Engine, fake: FakeSlack, tmp_path: Path) -> None:
    with _served(engine, fake, tmp_path / "bot.db", header_timeout=0.5) as url:
        silent = _connect(url)
        partial = _connect(url)
        partial.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
        assert _closed_after(silent) < 10
        assert _closed_after(partial) < 10
        # After a full request on a kept-alive connection, the next request's headers too.
        kept = _connect(url)
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert kept.recv(4096).startswith(b"HTTP/1.1 200")
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        assert _closed_after(kept) < 10
        # A prompt client is not cut off.
        time.sleep(0.6)
        assert SlackSender(url).request("GET", "/healthz").status == 200


def test_a_body_that_never_arrives_is_408(engine: Engine, fake: FakeSlack,
                                          tmp_path: Path) -> None:
    with _served(engine, fake, tmp_path / "bot.db", body_timeout=0.5) as url:
        sock = _connect(url)
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                     b"Content-Type: application/json\r\n\r\n{\"a\":")
        assert sock.recv(4096).startswith(b"HTTP/1.1 408")


def test_a_slow_upload_does_not_hold_up_answers(engine: Engine, fake: FakeSlack,
                                                tmp_path: Path) -> None:
    """Answers wait for acks in flight; a body still arriving is not one. With the patience
    raised to 30 s, an answer held up by the upload would take 30 s."""
    with _served(engine, fake, tmp_path / "bot.db", patience=30.0) as url:
        slow = _connect(url)
        slow.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n"
                     b"Content-Type: application/json\r\n\r\n{")
        sender = SlackSender(url)
        assert sender.command("BABA risks", fake.response_url()).status == 200
        [answer] = fake.wait_for("response_url", timeout=20)
        assert answer.params["blocks"][0]["text"]["text"] == "BABA · Key risks"
        slow.close()


@pytest.mark.slow
def test_the_served_process_logs_no_body_and_no_response_url(tmp_path: Path) -> None:
    """`thesis serve --http` as the Procfile runs it: forged and hostile requests, and an
    answer whose response_url cannot be reached (slack_sdk retries it), leave one line each
    and none of the question, the user, the response_url or the verification token."""
    with FakeSlack() as fake:
        dead = free_socket()  # a response_url nobody answers
        dead_url = f"http://127.0.0.1:{dead.getsockname()[1]}/commands/T/SECRETURL"
        dead.close()
        sender, process, _ = serve_http(tmp_path / "b.db", fake)
        try:
            assert healthy(sender, timeout=30), "the server did not start"
            for name, body, content_type, headers, status in _hostile():
                reply = sender.post(body, content_type,
                                    headers=headers or {"Content-Type": content_type})
                assert reply.status == status, name
            assert sender.command(SECRET_TEXT, dead_url).status == 200
            time.sleep(3)  # the answer's delivery fails and is retried
        finally:
            process.terminate()
            output, _ = process.communicate(timeout=30)
    for secret in (SECRET_TEXT, "SECRETURL", "legacy-verification-token", "xoxb-subprocess"):
        assert secret not in output, (secret, output)
    assert output.count("outcome=rejected") == len(_hostile())
