"""`thesis upgrade`: a thesis of the previous schema (window, status: pending) becomes one that
validates, with only the old fields' lines changed and every comment kept."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.knowledge.loader import load_theses
from bot.knowledge.models import Catalyst
from bot.knowledge.upgrade import upgrade_text
from tests.conftest import ROOT

# knowledge/baba.yaml as it was before the schema change (git show 5007340:knowledge/baba.yaml).
OLD = ROOT / "tests" / "fixtures" / "previous-schema" / "baba.yaml"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def old_book(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    shutil.copy(OLD, folder / "baba.yaml")
    return folder


def _catalyst(folder: Path, catalyst_id: str) -> Catalyst:
    knowledge = load_theses(folder, TODAY)
    assert not knowledge.problems, knowledge.problems
    found = knowledge.theses["BABA"].point(catalyst_id)
    assert found is not None and isinstance(found[1], Catalyst)
    return found[1]


def test_an_old_thesis_does_not_load_and_the_message_names_thesis_upgrade(old_book: Path
                                                                          ) -> None:
    problems = load_theses(old_book, TODAY).problems
    assert problems
    assert all("run `thesis upgrade`" in p.message for p in problems)


def test_an_old_thesis_upgrades_to_one_that_validates_keeping_its_comments(
        old_book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (old_book / "baba.yaml").read_text(encoding="utf-8")
    assert main(["upgrade", str(old_book)]) == 0
    after = (old_book / "baba.yaml").read_text(encoding="utf-8")

    buybacks = _catalyst(old_book, "share-buybacks")
    assert buybacks.timing is not None
    assert (buybacks.timing.when.text, buybacks.timing.when.precision) == \
        ("through March 2027", "month")
    chips = _catalyst(old_book, "custom-chips")
    assert chips.timing is None
    assert chips.condition == ("If chip production scales through 2026 and powers competitive "
                               "pricing or margin expansion")
    adoption = _catalyst(old_book, "china-ai-adoption")
    assert adoption.timing is not None and adoption.timing.when.text == "by 2030"
    assert all(c.status is None for c in load_theses(old_book, TODAY).theses["BABA"].catalysts)

    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and comments == [line for line in after.splitlines()
                                     if line.lstrip().startswith("#")]
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    assert {line.strip().split(":")[0] for line in removed} == {"window", "end", "label",
                                                                "status"}
    out = capsys.readouterr().out
    # The label's other words are the team's, not the text's: they are not kept as `what`.
    assert f"{old_book / 'baba.yaml'}:332: catalysts[0].window: window 'authorization runs " \
           "through March 2027' → timing: through March 2027" in out.splitlines()
    assert out.count("`status: pending` removed") == 4
    assert out.splitlines()[-1] == "Upgraded 1 file (7 changes). Run thesis validate."


def test_check_prints_the_changes_writes_nothing_and_fails(
        old_book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (old_book / "baba.yaml").read_bytes()
    assert main(["upgrade", "--check", str(old_book / "baba.yaml")]) == 1
    assert (old_book / "baba.yaml").read_bytes() == before
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 8
    assert out[-1] == "1 file (7 changes) would be upgraded. Nothing written (--check)."


def test_a_second_upgrade_changes_nothing(old_book: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["upgrade", str(old_book)]) == 0
    once = (old_book / "baba.yaml").read_bytes()
    capsys.readouterr()
    assert main(["upgrade", str(old_book)]) == 0
    assert (old_book / "baba.yaml").read_bytes() == once
    assert capsys.readouterr().out == "No file needed upgrading; 1 already current.\n"


CATALYST = """\
ticker: ACME
catalysts:
  - id: plant
    detail: The plant opens in Q3 2026, if permits arrive by mid-2026.
{fields}
    sources: [doc]
"""


@pytest.mark.parametrize(("fields", "written"), [
    # A flow window, a comment inside a block one, Windows line ends, the first key of an item.
    ("    window: {end: 2026-09-30, label: plant opens Q3 2026}  # made up",
     "    timing: {when: Q3 2026, what: plant opens}  # made up"),
    ("    window:\n      # the team's guess\n      start: 2026-07-01\n      label: Q3 2026",
     "    # the team's guess\n    timing: Q3 2026"),
    ("    window:\n      end: 2026-06-30\n      label: permits mid-2026",
     "    condition: if permits arrive by mid-2026"),
    ("    window:\n      end: 2027-12-31\n      label: long term",
     ""),
])
def test_each_form_of_window_becomes_the_date_its_label_gives(fields: str, written: str
                                                              ) -> None:
    upgraded = upgrade_text(CATALYST.format(fields=fields))
    assert upgraded.text == CATALYST.format(fields=written).replace("\n\n", "\n")


def test_windows_line_ends_and_a_window_that_opens_its_item_stay_valid() -> None:
    text = ("catalysts:\r\n  - window: {end: 2030-12-31, label: by 2030}\r\n"
            "    status: pending\r\n    id: x\r\n")
    upgraded = upgrade_text(text)
    assert upgraded.text == "catalysts:\r\n  - timing: by 2030\r\n    id: x\r\n"
    text = "catalysts:\r\n  - status: pending\r\n    id: x\r\n"
    assert upgrade_text(text).text == "catalysts:\r\n  -\r\n    id: x\r\n"


def test_a_bare_hit_is_left_for_a_person_and_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text("catalysts:\n  - id: x\n    status: hit\n", encoding="utf-8")
    assert main(["upgrade", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == "catalysts:\n  - id: x\n    status: hit\n"
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{path}:3: catalysts[0].status: `status: hit` left as it is: say who judged it and "
        "when, `status: {value: hit, by: NAME, date: YYYY-MM-DD}`",
        "No file needed upgrading; 1 left for you (above).",
    ]


def test_a_file_that_is_not_yaml_is_named_and_skipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_text("catalysts: [\n", encoding="utf-8")
    assert main(["upgrade", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{tmp_path / 'bad.yaml'}:1: (file): not upgraded: is not valid YAML; run thesis "
        "validate on it, fix it, then upgrade it")


def test_a_catalyst_written_in_braces_is_left_whole_and_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("catalysts:\n"
            "  - {id: x, window: {end: 2030-12-31, label: by 2030}, status: pending}\n")
    path = tmp_path / "acme.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["upgrade", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == text
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{path}:2: catalysts: not upgraded: its catalysts are not written one field a line; "
        "rewrite `window:` as `timing:` (or `condition:`) and drop `status: pending` by hand")
