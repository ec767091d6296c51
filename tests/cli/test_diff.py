"""`thesis diff`: what changed between two versions of a thesis, in words."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.knowledge.loader import load_theses
from bot.knowledge.models import Catalyst, Timing
from bot.render.diff import diff_theses
from tests.conftest import KNOWLEDGE, ROOT

FIXTURE = (KNOWLEDGE / "baba.yaml").read_text(encoding="utf-8")


def revised(text: str = FIXTURE) -> str:
    """The fixture after an earnings revision: a new buyback figure, the date moved on, the
    buyback catalyst hit, a bear point reworded."""
    text = text.replace("updated: 2025-11-27", "updated: 2026-02-26")
    text = text.replace("value: 19.1", "value: 23.4")
    text = text.replace("timing: {when: through March 2027, what: buyback authorization}",
                        "timing: {when: through September 2027, what: buyback authorization}\n"
                        "    status: {value: hit, by: Jane Doe, date: 2026-02-26}")
    return text.replace("title: Chip Restrictions Limit Scale", "title: Chip Restrictions Bite")


@pytest.fixture
def two_versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(FIXTURE, encoding="utf-8")
    new.write_text(revised(), encoding="utf-8")
    return old, new


EXPECTED = [
    "Updated 27 Nov 2025 → 26 Feb 2026",
    "Alibaba share buyback authorization, amount remaining: "
    "$19.1 billion (as of 27 Nov 2025) → $23.4 billion (as of 26 Feb 2026)",
    "Bear point reworded (title): Chip Restrictions Bite",
    "Catalyst “Share Buybacks”: no status → hit",
    "Catalyst “Share Buybacks”: through March 2027 → through September 2027",
]


def test_diff_of_two_files_lists_each_change_in_words(
        two_versions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = two_versions
    assert main(["diff", str(old), str(new)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"BABA: {old} → {new}"
    assert lines[1:] == [f"  • {line}" for line in EXPECTED]


def test_points_and_catalysts_added_and_removed() -> None:
    baba = load_theses(KNOWLEDGE).theses["BABA"]
    new_catalyst = Catalyst(id="q4-results", title="Q4 results", horizon="near",
                            detail="Results.", sources=["thesis-document"],
                            timing=Timing(when="May 2026"))
    changed = baba.model_copy(update={"bull": baba.bull[1:],
                                      "catalysts": [*baba.catalysts, new_catalyst]})
    texts = [str(c) for c in diff_theses(baba, changed)]
    assert sorted(texts) == sorted([f"Bull point removed: {baba.bull[0].title}",
                                    "Catalyst added: Q4 results"])
    assert diff_theses(baba, baba) == []


def test_an_unreviewed_figure_in_an_update_is_marked() -> None:
    baba = load_theses(KNOWLEDGE).theses["BABA"]
    imported = baba.figures[0].model_copy(update={"id": "imported", "value": 24.0,
                                                  "review": True})
    changed = baba.model_copy(update={"figures": [*baba.figures, imported]})
    [added] = [str(c) for c in diff_theses(baba, changed)]
    assert added.endswith("24% (as of 27 Nov 2025; unreviewed, imported)")


def test_broken_file_is_one_line(two_versions: tuple[Path, Path],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    old, new = two_versions
    new.write_text("ticker: [", encoding="utf-8")
    assert main(["diff", str(old), str(new)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"thesis: {new} is not a valid thesis (") and err.count("\n") == 1


def git(folder: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@example.com"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-C", str(folder), *args], check=True, env=env,
                   capture_output=True)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A git repository whose knowledge/baba.yaml was committed in December, revised in
    February."""
    repo = tmp_path / "repo"
    knowledge = repo / "knowledge"
    knowledge.mkdir(parents=True)
    git(repo, "init", "-q")
    (knowledge / "baba.yaml").write_text(FIXTURE, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "BABA", date="2025-12-01T10:00:00+00:00")
    (knowledge / "baba.yaml").write_text(revised(), encoding="utf-8")
    git(repo, "commit", "-qam", "BABA after Q3", date="2026-02-26T10:00:00+00:00")
    return knowledge


def test_diff_since_a_date_reads_git_history(history: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--knowledge", str(history), "diff", "BABA", "--since", "2026-01-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("BABA: baba.yaml at 2026-01-01 (")
    assert lines[1:] == [f"  • {line}" for line in EXPECTED]


def test_diff_since_a_revision(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--knowledge", str(history), "diff", "baba", "--since", "HEAD"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "  No change in figures, points or catalysts."
    assert main(["--knowledge", str(history), "diff", "BABA", "--since", "2025-01-01"]) == 0
    assert capsys.readouterr().out == ("BABA: baba.yaml is new since 2025-01-01: 20 figures, "
                                       "3 bull points, 3 bear points, 4 catalysts.\n")


@pytest.mark.parametrize("since", ["--output={out}", "-p", "--all"])
def test_diff_since_refuses_a_revision_that_reads_as_an_option(
        history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], since: str) -> None:
    out = tmp_path / "written-by-git"
    since = since.format(out=out)
    assert main(["--knowledge", str(history), "diff", "BABA", f"--since={since}"]) == 2
    err = capsys.readouterr().err
    assert err == (f"thesis: {since!r} is not a revision: a revision cannot start with '-'. "
                   "Give a commit, a tag or a date (--since 2026-01-01).\n")
    assert not out.exists()


def test_diff_since_resolves_the_revision_before_using_it(
        history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--knowledge", str(history), "diff", "BABA", "--since", "HEAD~1"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [f"  • {line}" for line in EXPECTED]
    assert main(["--knowledge", str(history), "diff", "BABA", "--since", "no-such-rev"]) == 1
    assert capsys.readouterr().err == (
        "thesis: git knows no commit 'no-such-rev' in the knowledge folder's repository. "
        "Check the revision (git log), or give a date (--since 2026-01-01).\n")


# knowledge/baba.yaml before the schema change (window, status: pending).
PREVIOUS_SCHEMA = (ROOT / "tests" / "fixtures" / "previous-schema" / "baba.yaml").read_text(
    encoding="utf-8")


@pytest.fixture
def schema_change(tmp_path: Path) -> Path:
    """BABA committed in the previous schema in December, rewritten in the current one in
    February."""
    repo = tmp_path / "repo"
    knowledge = repo / "knowledge"
    knowledge.mkdir(parents=True)
    git(repo, "init", "-q")
    (knowledge / "baba.yaml").write_text(PREVIOUS_SCHEMA, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "BABA", date="2025-12-01T10:00:00+00:00")
    (knowledge / "baba.yaml").write_text(FIXTURE, encoding="utf-8")
    git(repo, "commit", "-qam", "BABA, current schema", date="2026-02-26T10:00:00+00:00")
    return knowledge


def test_diff_since_reads_a_revision_of_the_previous_schema(
        schema_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--knowledge", str(schema_change), "diff", "BABA", "--since", "2026-01-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("BABA: baba.yaml at 2026-01-01 (")
    # The old window and status are read as the upgrade writes them: the dates did not move,
    # and "status: pending" was never a judgement.
    assert [line for line in lines if "“" in line] == [
        "  • Catalyst “Share Buybacks”: condition added: If management accelerates the pace to "
        "offset dilution and signal confidence in AI investments"]
    assert not [line for line in lines if "status" in line]
    assert "  • Figure removed: Qwen, Qwen-based models relative to the second-place model " \
           "family on Hugging Face" in lines
    assert "  • China's AI cloud market, annual growth: period 2025–2030 → through 2030 " \
           "(26.8%)" in lines


def test_a_revision_that_cannot_be_read_shows_each_of_its_problems(
        history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = FIXTURE.replace("ticker: BABA", "ticker: baba").replace("value: 19.1", "value: x")
    (history / "baba.yaml").write_text(broken, encoding="utf-8")
    git(history.parent, "commit", "-qam", "broken")
    (history / "baba.yaml").write_text(FIXTURE, encoding="utf-8")
    assert main(["--knowledge", str(history), "diff", "BABA", "--since", "HEAD"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "thesis: knowledge/baba.yaml at HEAD is not a valid thesis (2 problems):"
    assert err[1].startswith("  knowledge/baba.yaml at HEAD:8: ticker: String should match")
    assert err[2].startswith("  knowledge/baba.yaml at HEAD:")
    assert ": figures[9].value: Input should be a valid number" in err[2]
    assert err[3:] == ["Pick another revision or date."]


def test_a_file_git_does_not_have_yet_is_new_since_the_revision(
        history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    acme = FIXTURE.replace("ticker: BABA", "ticker: ACME").replace(
        "company: Alibaba Group", "company: Acme")
    (history / "acme.yaml").write_text(acme, encoding="utf-8")
    assert main(["--knowledge", str(history), "diff", "ACME", "--since", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ACME: acme.yaml is new since HEAD (")
    assert "fatal" not in out


def test_a_period_change_on_a_figure_is_named(two_versions: tuple[Path, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    old, new = two_versions
    new.write_text(FIXTURE.replace("period: Q3 2025", "period: Q4 2025", 1), encoding="utf-8")
    assert main(["diff", str(old), str(new)]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "  • Alibaba, cloud revenue growth, year-over-year: period Q3 2025 → Q4 2025 (34%)"]
    new.write_text(FIXTURE.replace("period: Q3 2025\n", "period: Q4 2025\n", 1).replace(
        "value: 34\n", "value: 36\n"), encoding="utf-8")
    assert main(["diff", str(old), str(new)]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "  • Alibaba, cloud revenue growth, year-over-year: 34%, Q3 2025 (as of 27 Nov 2025) → "
        "36%, Q4 2025 "
        "(as of 27 Nov 2025)"]
