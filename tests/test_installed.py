"""Deployable as installed: built as a wheel and installed (not editable), `thesis` reads
knowledge/ from the working directory, its intents from inside the package, and keeps SQLite
in the user's data folder, never beside the package; a platform that gives each process its
own disk (DYNO set) must name a shared DATABASE_URL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import errors
from tests.conftest import KNOWLEDGE, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as pip installs it from a wheel, in a folder of its own."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "__pycache__", "tests", "build", "*.egg-info", "*.db*", ".*cache"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--wheel-dir",
                    str(work / "wheels"), str(source)], check=True, timeout=300,
                   capture_output=True)
    [wheel] = (work / "wheels").glob("thesis_bot-*.whl")
    target = work / "site-packages"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, timeout=300, capture_output=True)
    return target


def _run(installed: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("THESIS_", "SLACK_", "XDG_")) and k not in ("DATABASE_URL",
                                                                            "DYNO")}
    environ.update(PYTHONPATH=str(installed), HOME=str(cwd / "home"))
    environ.update(env)
    return subprocess.run([sys.executable, "-m", "bot.cli.main", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A working directory holding the team's knowledge/, and nothing else."""
    shutil.copytree(KNOWLEDGE, tmp_path / "knowledge")
    return tmp_path


@pytest.mark.slow
def test_installed_package_answers_from_the_working_directorys_knowledge(
        installed: Path, site: Path) -> None:
    where = _run(installed, site, "--version")
    assert where.returncode == 0
    found = subprocess.run([sys.executable, "-c", "import bot; print(bot.__file__)"],
                           env={**os.environ, "PYTHONPATH": str(installed)}, cwd=site,
                           capture_output=True, text=True, check=True)
    assert found.stdout.startswith(str(installed))  # the installed copy, not the checkout
    answer = _run(installed, site, "ask", "what are BABA's risks?")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith("BABA · Key risks")
    valid = _run(installed, site, "validate")
    assert valid.returncode == 0, valid.stdout
    assert f"intents in {installed / 'bot' / 'intents'}" in valid.stdout
    assert str(site / "knowledge") in valid.stdout


@pytest.mark.slow
def test_the_default_database_is_in_the_users_data_folder(installed: Path, site: Path) -> None:
    assert _run(installed, site, "digest", "subscribe", "C1").returncode == 0
    listed = _run(installed, site / "knowledge", "digest", "list",  # another working folder
                  HOME=str(site / "home"))
    assert listed.stdout.startswith("C1  weekdays at 08:30 UTC")
    assert (site / "home" / ".local" / "share" / "thesis-bot" / "thesis-bot.db").is_file()
    assert not list(installed.rglob("*.db")) and not list(site.glob("*.db"))
    xdg = site / "xdg"
    other = _run(installed, site, "digest", "subscribe", "C2", XDG_DATA_HOME=str(xdg))
    assert other.returncode == 0
    assert (xdg / "thesis-bot" / "thesis-bot.db").is_file()


@pytest.mark.slow
def test_without_knowledge_in_the_working_directory_it_says_where_it_looked(
        installed: Path, tmp_path: Path) -> None:
    result = _run(installed, tmp_path, "ask", "BABA risks")
    assert result.returncode == 2
    reason = f"{tmp_path / 'knowledge'} is not a readable folder"
    assert result.stderr == f"thesis: {errors.knowledge_dir_unreadable(reason)}\n"


@pytest.mark.slow
@pytest.mark.parametrize("command", [["clock"], ["serve", "--http"]])
def test_separate_process_types_refuse_the_default_database_on_a_platform(
        installed: Path, site: Path, command: list[str]) -> None:
    result = _run(installed, site, *command, DYNO="clock.1", SLACK_BOT_TOKEN="xoxb-t",
                  SLACK_SIGNING_SECRET="s")
    assert result.returncode == 2
    assert result.stderr == f"thesis: {errors.default_database_not_shared('clock.1')}\n"
