"""An operator's mistake is one line on stderr naming the fix, never a traceback: a terminal
that cannot show the answer's characters, a DATABASE_URL with a bad port or an unsupported
scheme, Slack failing auth.test on its side, Slack not answering a digest post."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import errors
from bot.cli.main import main
from bot.notify.subscriptions import subscribe
from bot.store import open_store
from tests.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent


def _thesis(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLACK_", "PYTHONIOENCODING")) and k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "bot.cli.main", *args], cwd=ROOT,
                          env={**environ, **env}, capture_output=True, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_terminal_that_cannot_show_the_card_gets_it_with_question_marks(encoding: str) -> None:
    result = _thesis("ask", "what are BABA's risks?", PYTHONIOENCODING=encoding)
    assert result.returncode == 0
    card = result.stdout.decode(encoding)
    assert "Key risks" in card and "?" in card
    assert result.stderr.decode(encoding) == errors.output_not_encodable(encoding) + "\n"


@pytest.mark.slow
def test_json_stays_exact_on_a_latin1_terminal() -> None:
    utf8 = _thesis("ask", "--json", "what are BABA's risks?", PYTHONIOENCODING="utf-8")
    latin = _thesis("ask", "--json", "what are BABA's risks?", PYTHONIOENCODING="latin-1")
    assert latin.returncode == 0 and latin.stderr == b""
    assert json.loads(latin.stdout.decode("latin-1")) == json.loads(utf8.stdout.decode())


@pytest.mark.slow
@pytest.mark.parametrize(("url", "message"), [
    ("postgresql://bot:hunter2@127.0.0.1:abc/db",
     errors.database_url_invalid("its port is not a number")),
    ("postgresql://bot:hunter2@127.0.0.1:99999/db",
     errors.database_url_invalid("port 99999 is not between 1 and 65535")),
    ("mysql://bot:hunter2@db.example/thesis", errors.database_url_unsupported("mysql")),
    ("mongodb://bot:hunter2@db.example/thesis", errors.database_url_unsupported("mongodb")),
    ("thesis.db", errors.database_url_invalid("it has no scheme://")),
])
def test_a_bad_database_url_is_one_line_without_the_password(url: str,
                                                              message: Exception) -> None:
    result = _thesis("digest", "list", DATABASE_URL=url)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode() == f"thesis: {message}\n"
    assert b"hunter2" not in result.stderr


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.mark.slow
@pytest.mark.parametrize(("script", "answer"), [
    (lambda fake: fake.fail("auth.test", "internal_error", times=5, status=500),
     "HTTP 500, internal_error"),
    (lambda fake: fake.rate_limit("auth.test", retry_after=1, times=5), "HTTP 429, ratelimited"),
])
def test_slack_failing_auth_test_on_its_side_is_not_blamed_on_the_token(
        fake: FakeSlack, tmp_path: Path, script, answer: str) -> None:
    script(fake)
    result = _thesis("serve", "--http", "--port", "0", SLACK_BOT_TOKEN="xoxb-t",
                     SLACK_SIGNING_SECRET="s", SLACK_API_URL=fake.url,
                     DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}")
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert stderr.splitlines()[-1] == f"thesis: {errors.slack_unavailable('auth.test', answer)}"
    assert "Traceback" not in stderr and "SLACK_BOT_TOKEN (" not in stderr


@pytest.mark.slow
def test_a_token_slack_refuses_is_still_named(fake: FakeSlack, tmp_path: Path) -> None:
    fake.fail("auth.test", "invalid_auth")
    result = _thesis("serve", "--http", "--port", "0", SLACK_BOT_TOKEN="xoxb-t",
                     SLACK_SIGNING_SECRET="s", SLACK_API_URL=fake.url,
                     DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}")
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[-1] == \
        f"thesis: {errors.slack_token_rejected('invalid_auth')}"


@pytest.mark.slow
def test_run_due_when_slack_never_answers_is_one_line_per_failure_and_exit_1(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """Slack accepts the connection and never answers. (In process, to lower the client's
    30-second timeout to one; everything else is the real command.)"""
    import bot.slack.client

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    database = f"sqlite:///{tmp_path / 'run.db'}"
    subscribe(open_store(database), "C1", dt.time(8, 30), "UTC",
              now=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    for name in ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-t")
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{silent.getsockname()[1]}/api/")
    real = bot.slack.client.web_client

    def impatient(settings):  # type: ignore[no-untyped-def]
        client = real(settings)
        client.timeout = 1
        return client

    monkeypatch.setattr(bot.slack.client, "web_client", impatient)
    try:
        assert main(["digest", "run-due", "--now", "2026-01-05T08:31:00+00:00"]) == 1
    finally:
        silent.close()
    out, err = capfd.readouterr()
    assert out == ("2026-01-05 08:31 UTC: 0 posted, C1 unconfirmed (Slack did not answer; "
                   "checked before any retry).\n")
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines and all(line.startswith("thesis: digest for C1 on 2026-01-05: Slack did not "
                                         "answer the post") for line in lines)
    assert "TimeoutError" in err


@pytest.mark.slow
def test_run_due_exits_0_when_every_due_digest_was_posted(
        fake: FakeSlack, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'run.db'}"
    subscribe(open_store(database), "C1", dt.time(8, 30), "UTC",
              now=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    env = {"DATABASE_URL": database, "SLACK_BOT_TOKEN": "xoxb-t", "SLACK_API_URL": fake.url}
    posted = _thesis("digest", "run-due", "--now", "2026-01-05T08:31:00+00:00", **env)
    assert (posted.returncode, posted.stdout) == (0, b"2026-01-05 08:31 UTC: 1 posted.\n")
    fake.fail("chat.postMessage", "channel_not_found")
    failed = _thesis("digest", "run-due", "--now", "2026-01-06T08:31:00+00:00", **env)
    assert failed.returncode == 1
    assert b"C1 failed" in failed.stdout and b"Traceback" not in failed.stderr
