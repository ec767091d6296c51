"""The `thesis` command: every command has help and is in the README; `ask` stays light."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

COMMANDS = ["ask", "validate", "new", "import", "serve", "digest", "clock", "report", "diff",
            "upgrade"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command: str) -> None:
    result = _run("-m", "bot.cli.main", command, "--help")
    assert result.returncode == 0
    assert "Example: thesis" in result.stdout
    assert f"thesis {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_ask_never_imports_slack_or_the_database() -> None:
    code = (
        "import sys; from bot.cli.main import main; main(['ask', 'BABA risks']);"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('slack_bolt', 'slack_sdk', 'sqlalchemy', 'apscheduler', 'uvicorn'));"
        "print('HEAVY', heavy)"
    )
    result = _run("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("HEAVY []")


@pytest.mark.slow
def test_unknown_command_is_a_short_usage_error() -> None:
    result = _run("-m", "bot.cli.main", "frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variable", "value", "command"),
    [
        ("THESIS_STALE_AFTER_DAYS", "abc", ["ask", "risks"]),
        ("DATABASE_URL", "postgresql://analyst:hunter2@127.0.0.1:1/nowhere", ["digest", "list"]),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_without_its_value(
    variable: str, value: str, command: list[str]
) -> None:
    import os

    result = subprocess.run([sys.executable, "-m", "bot.cli.main", *command], capture_output=True,
                            text=True, timeout=60, env={**os.environ, variable: value})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert variable in result.stderr
    assert "hunter2" not in result.stderr and "abc" not in result.stderr


@pytest.mark.slow
def test_ask_from_a_closed_stdin_is_one_line_and_exit_2() -> None:
    """`thesis ask --json - <&-`: standard input closed by the shell, not merely empty."""
    result = subprocess.run(["sh", "-c", 'exec "$0" -m bot.cli.main ask --json - <&-',
                             sys.executable], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "thesis: cannot read questions from standard input: it is closed. Pipe them in "
        "(thesis ask - < questions.txt), or give one question as an argument.\n")


@pytest.mark.parametrize("fails", [False, True])
def test_ask_collects_garbage_again_once_answered_or_failed(
        fails: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`ask` pauses the garbage collector while its engine loads, then freezes what it loaded;
    a process that runs it (a test, a notebook) must not be left without a collector, nor with
    an engine it can never free, whether the question was answered or the knowledge folder was
    missing."""
    from bot.cli.main import main

    monkeypatch.setenv("THESIS_CACHE_DIR", str(tmp_path / "cache"))
    knowledge = tmp_path / "missing" if fails else ROOT / "tests" / "fixtures" / "knowledge"
    code = main(["ask", "--knowledge", str(knowledge), "what are BABA's risks?"])
    assert code == (2 if fails else 0)
    assert ("Regulatory" in capsys.readouterr().out) is not fails
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
