"""`thesis serve`: settings checked first (one line naming the variable, exit 2), the mode
chosen from them, and the real production server answering signed requests."""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from tests.fake_slack import FakeSlack
from tests.slack.conftest import free_socket, healthy, serve_http
from tests.slack.signed import SECRET, SlackSender


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    return monkeypatch


@pytest.mark.parametrize(("argv", "variables", "named"), [
    (["serve"], {}, "SLACK_BOT_TOKEN"),
    (["serve", "--http"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    (["serve", "--socket"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"},
     "SLACK_APP_TOKEN"),
])
def test_missing_setting_is_one_line_naming_it(env: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str],
                                               argv: list[str], variables: dict[str, str],
                                               named: str) -> None:
    for name, value in variables.items():
        env.setenv(name, value)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"thesis: {named} is not set: ")
    assert "Traceback" not in err


def test_token_slack_rejects_is_one_line(env: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    with FakeSlack() as fake:
        fake.fail("auth.test", "invalid_auth")
        for name, value in {"SLACK_BOT_TOKEN": "xoxb-bad", "SLACK_SIGNING_SECRET": "s",
                            "SLACK_API_URL": fake.url}.items():
            env.setenv(name, value)
        assert main(["serve", "--http"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("thesis: Slack rejected SLACK_BOT_TOKEN (invalid_auth).")
    assert "xoxb-bad" not in err and err.count("\n") == 1


def test_unreachable_slack_is_one_line(env: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    closed = free_socket()
    port = closed.getsockname()[1]
    closed.close()
    for name, value in {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                        "SLACK_API_URL": f"http://127.0.0.1:{port}/api/"}.items():
        env.setenv(name, value)
    assert main(["serve", "--http"]) == 2
    assert capsys.readouterr().err.startswith("thesis: cannot reach the Slack Web API")


@pytest.fixture
def recorded_servers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    class FakeSocketMode:
        def __init__(self, app: Any, app_token: str) -> None:
            seen["socket"] = app_token

        def start(self) -> None:
            seen["started"] = "socket"

    def fake_uvicorn(app: Any, **kwargs: Any) -> None:
        seen["started"] = "http"
        seen["http"] = kwargs

    import uvicorn

    import bot.slack.socket as socket_mode

    monkeypatch.setattr(socket_mode, "SocketModeHandler", FakeSocketMode)
    monkeypatch.setattr(uvicorn, "run", fake_uvicorn)
    return seen


@pytest.mark.parametrize(("argv", "app_token", "mode"), [
    (["serve"], "xapp-1", "socket"), (["serve"], None, "http"),
    (["serve", "--http"], "xapp-1", "http"), (["serve", "--socket"], "xapp-1", "socket")])
def test_mode_follows_the_settings_and_flags(env: pytest.MonkeyPatch,
                                             recorded_servers: dict[str, Any],
                                             argv: list[str], app_token: str | None,
                                             mode: str) -> None:
    with FakeSlack() as fake:
        env.setenv("SLACK_BOT_TOKEN", "xoxb-1")
        env.setenv("SLACK_SIGNING_SECRET", "s")
        env.setenv("SLACK_API_URL", fake.url)
        env.setenv("PORT", "4321")
        if app_token:
            env.setenv("SLACK_APP_TOKEN", app_token)
        assert main(argv) == 0
    assert recorded_servers["started"] == mode
    if mode == "http":
        assert recorded_servers["http"]["port"] == 4321
    else:
        assert recorded_servers["socket"] == "xapp-1"


def test_serve_starts_without_a_database_and_says_what_waits_for_it(
        env: pytest.MonkeyPatch, recorded_servers: dict[str, Any],
        caplog: pytest.LogCaptureFixture) -> None:
    from bot import errors

    closed = free_socket()
    port = closed.getsockname()[1]
    closed.close()
    with FakeSlack() as fake:
        for name, value in {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                            "SLACK_API_URL": fake.url,
                            "DATABASE_URL": f"postgresql://u@127.0.0.1:{port}/db"}.items():
            env.setenv(name, value)
        with caplog.at_level(logging.WARNING):
            assert main(["serve", "--http"]) == 0
    assert recorded_servers["started"] == "http"
    [warning] = [r.getMessage() for r in caplog.records
                 if r.getMessage().startswith(errors.DATABASE_UNAVAILABLE)]
    assert "/thesis digest on/off/status" in warning and "Questions are still answered" in warning


@pytest.fixture
def real_server(tmp_path: Path) -> Iterator[tuple[SlackSender, FakeSlack, subprocess.Popen]]:
    """`thesis serve --http` as its own process: uvicorn, exactly as the Procfile runs it."""
    with FakeSlack() as fake:
        sender, process, _ = serve_http(tmp_path / "b.db", fake)
        healthy(sender)
        try:
            yield sender, fake, process
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.slow
def test_the_production_server_answers_a_signed_command(
        real_server: tuple[SlackSender, FakeSlack, subprocess.Popen]) -> None:
    sender, fake, process = real_server
    reply = sender.command("BABA risks", fake.response_url())
    assert reply.status == 200
    [call] = fake.wait_for("response_url")
    assert call.params["blocks"][0]["text"]["text"] == "BABA · Key risks"
    process.terminate()
    output, _ = process.communicate(timeout=10)
    assert "request command /thesis" in output and "outcome=acked" in output
    assert "xoxb-subprocess-token" not in output and SECRET not in output
    assert "development server" not in output


@pytest.mark.slow
def test_idle_connections_beyond_the_cap_are_closed_and_logged_once(tmp_path: Path) -> None:
    """600 idle connections against a soft limit of 300 open files (hard 512): the soft limit
    is raised to the hard one, connections beyond 256 are closed at once with one log line,
    accept() never runs out of descriptors, and a real request is answered after."""
    import resource
    import socket
    import threading

    def low_limits() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (300, 512))

    with FakeSlack() as fake:
        sender, process, port = serve_http(tmp_path / "b.db", fake, preexec_fn=low_limits)
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.extend(process.stdout or []),
                                  daemon=True)
        reader.start()
        idle: list[socket.socket] = []
        try:
            assert healthy(sender), "the server did not start"
            idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(600)]
            capped = "256 connections are open, the most this process keeps below its limit"
            deadline = time.monotonic() + 20
            while not any(capped in line for line in output) and time.monotonic() < deadline:
                time.sleep(0.05)
            for connection in idle:
                connection.close()
            assert healthy(sender), "the server did not come back after the idle connections"
            reply = sender.command("BABA risks", fake.response_url())
            assert reply.status == 200
            [call] = fake.wait_for("response_url")
            assert call.params["blocks"][0]["text"]["text"] == "BABA · Key risks"
        finally:
            for connection in idle:
                connection.close()
            process.terminate()
            process.wait(timeout=10)
            reader.join(timeout=10)
    text = "".join(output)
    assert "open-file limit 512: at most 256 connections at once" in text
    assert len([line for line in output if capped in line]) == 1, text[-2000:]
    assert "Traceback" not in text and "out of system resource" not in text
