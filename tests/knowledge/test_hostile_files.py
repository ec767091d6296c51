"""No knowledge file can take the other theses, or the machine, down: each hostile file is
reported as file:line: message, in bounded time and memory, and the other theses answer."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.knowledge.loader import MAX_FILE_BYTES, load_all
from bot.knowledge.yaml_lines import MAX_VALUES
from bot.notify.subscriptions import subscribe
from bot.store import open_store
from tests.conftest import INTENTS, ROOT
from tests.fake_slack import FakeSlack


def _laughs() -> str:
    """The 340-byte "billion laughs": nine levels of nine aliases each."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


BILLION_LAUGHS = _laughs()

# (file name, its content or how to make it, the line reported, the message)
TEXT_FILES = {
    "bomb.yaml": (BILLION_LAUGHS, 6, f"aliases expand this value to more than {MAX_VALUES:,}"),
    "self.yaml": ("ticker: SELF\naliases: &a [x, *a]\n", 2,
                  "an alias refers to the value that contains it"),
    "bigint.yaml": ("ticker: BIG\nupdated: " + "9" * 5000 + "\n", 2,
                    "a number with 5000 digits is too long (at most 100)"),
    "nested.yaml": ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", 1, "is not valid YAML"),
}


def _make_hostile(folder: Path) -> dict[str, tuple[int, str]]:
    """Every hostile kind of *.yaml in `folder`; the line and message each must be reported."""
    expected = {name: (line, message) for name, (_, line, message) in TEXT_FILES.items()}
    for name, (text, _, _) in TEXT_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    with (folder / "huge.yaml").open("w") as handle:  # 50 MB (sparse: cheap to make)
        handle.write("a: x\n")
        handle.truncate(50_000_000)
    expected["huge.yaml"] = (1, f"more than the {MAX_FILE_BYTES:,} a knowledge file may have")
    (folder / "folder.yaml").mkdir()
    expected["folder.yaml"] = (1, "is a folder, not a YAML file")
    os.mkfifo(folder / "fifo.yaml")
    expected["fifo.yaml"] = (1, "is not a regular file")
    (folder / "dangling.yaml").symlink_to(folder / "nowhere.yaml")
    expected["dangling.yaml"] = (1, "is a link to a file that does not exist")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    expected["zero.yaml"] = (1, "is not a regular file")
    (folder / "latin1.yaml").write_bytes("ticker: CAF\xc9\n".encode("latin-1"))
    expected["latin1.yaml"] = (1, "is not UTF-8 text")
    return expected


@pytest.fixture
def hostile(knowledge_copy: Path) -> tuple[Path, dict[str, tuple[int, str]]]:
    return knowledge_copy, _make_hostile(knowledge_copy)


def _assert_reported(lines: list[str], folder: Path, expected: dict[str, tuple[int, str]]) -> None:
    for name, (line, message) in expected.items():
        prefix = f"{folder / name}:{line}: "
        found = [text for text in lines if text.startswith(prefix)]
        assert len(found) == 1, (name, lines)
        assert message in found[0], found[0]
        assert len(found[0]) < 300  # one readable line, no file content echoed


def test_each_hostile_file_is_one_problem_and_the_real_thesis_still_loads(hostile) -> None:
    folder, expected = hostile
    started = time.monotonic()
    knowledge = load_all(folder, INTENTS)
    assert time.monotonic() - started < 20  # seconds or worse each before; ~0.1 s now
    assert list(knowledge.theses) == ["BABA"]
    _assert_reported([str(p) for p in knowledge.problems], folder, expected)
    assert len(knowledge.problems) == len(expected)


def test_a_value_echoed_in_a_problem_is_cut_short(knowledge_copy: Path) -> None:
    (knowledge_copy / "long.yaml").write_text("ticker: " + "A" * 500_000 + "\n", encoding="utf-8")
    (problem, *_) = [str(p) for p in load_all(knowledge_copy, INTENTS).problems
                     if "ticker" in str(p)]
    assert len(problem) < 300 and problem.endswith("…)")


def _cli(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Address space capped at 1.5 GB: the billion laughs alone took 5.8 GB before.
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000,) * 2)"
    return subprocess.run(
        [sys.executable, "-c", f"{limit}; import sys; from bot.cli.main import main; "
         "sys.exit(main(sys.argv[1:]))", *args],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={**os.environ, **(env or {}), "THESIS_CACHE_DIR": "off"})


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ["ask", "what are BABA's risks?"],
    ["digest", "preview", "--date", "2026-01-05"],
])
def test_ask_and_preview_answer_from_the_good_thesis_and_report_the_rest(hostile, command) -> None:
    folder, expected = hostile
    result = _cli(["--knowledge", str(folder), *command])
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "BABA" in result.stdout
    skipped = result.stderr.splitlines()
    assert all(line.startswith("thesis: skipped: ") for line in skipped)
    _assert_reported([line.removeprefix("thesis: skipped: ") for line in skipped], folder,
                     expected)


@pytest.mark.slow
def test_validate_lists_every_hostile_file_and_exits_1(hostile) -> None:
    folder, expected = hostile
    result = _cli(["validate", str(folder)])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    _assert_reported(result.stdout.splitlines(), folder, expected)
    last = result.stdout.splitlines()[-1]
    assert last.startswith("Not valid: ") and f"; {len(expected)} problems, " in last


@pytest.mark.slow
def test_run_due_posts_the_digest_of_the_good_thesis(hostile, tmp_path: Path) -> None:
    folder, expected = hostile
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "SLACK_BOT_TOKEN": "xoxb-test"}
    with FakeSlack() as fake:
        env["SLACK_API_URL"] = fake.url
        subscribe(open_store(env["DATABASE_URL"]), "C1", dt.time(8, 30), "UTC",
                  now=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
        result = _cli(["--knowledge", str(folder), "digest", "run-due",
                       "--now", "2026-01-05T08:31:00+00:00"], env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "2026-01-05 08:31 UTC: 1 posted."
        (post,) = fake.calls_to("chat.postMessage")
        assert "BABA" in str(post.params["blocks"])
    _assert_reported([line.removeprefix("thesis: skipped: ")
                      for line in result.stderr.splitlines()], folder, expected)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_starts_and_answers_health_with_the_good_thesis(hostile, tmp_path: Path) -> None:
    folder, expected = hostile
    port = _free_port()
    with FakeSlack() as fake:
        env = {**os.environ, "THESIS_KNOWLEDGE_DIR": str(folder), "SLACK_API_URL": fake.url,
               "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
               "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
        env.pop("SLACK_APP_TOKEN", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "bot.cli.main", "serve", "--http", "--host", "127.0.0.1",
             "--port", str(port)], cwd=ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                                timeout=2) as response:
                        health = response.read().decode()
                    break
                except OSError:
                    assert server.poll() is None, server.communicate()
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            assert '"theses": 1' in health
        finally:
            server.terminate()
            _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr
    _assert_reported([line.removeprefix("thesis: skipped: ") for line in stderr.splitlines()],
                     folder, expected)
