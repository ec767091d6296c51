"""A broken thesis file is reported as file:line: field: message and never hides the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.matcher import Engine
from bot.knowledge.loader import load_all, load_theses
from tests.conftest import INTENTS, KNOWLEDGE
from tests.thesis_command import thesis


def _thesis(path: Path) -> str:
    return (path / "baba.yaml").read_text(encoding="utf-8")


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in load_all(folder, INTENTS).problems]


def _break(folder: Path, old: str, new: str) -> Path:
    text = _thesis(folder)
    assert old in text, old
    (folder / "baba.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / "baba.yaml"


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_repository_knowledge_is_valid() -> None:
    knowledge = load_all(KNOWLEDGE, INTENTS)
    assert knowledge.problems == []
    assert list(knowledge.theses) == ["BABA"]
    assert sorted(knowledge.intents) == sorted(
        ["bull", "bear", "catalyst", "risk", "overview", "figures", "help", "list", "search"]
    )


def test_figure_without_unit_names_file_line_and_field(knowledge_copy: Path) -> None:
    path = _break(knowledge_copy, '    unit: "% of annual GDP"\n', "")
    (problem,) = _problems(knowledge_copy)
    line = _line_of(path, "- id: china-ai-spending-gdp")
    assert problem == f"{path}:{line}: figures[12].unit: Field required"


def test_point_citing_missing_source_is_reported(knowledge_copy: Path) -> None:
    path = _break(knowledge_copy, "sources: [street-forecasts, thesis-document]",
                  "sources: [street-forcasts, thesis-document]")
    (problem,) = _problems(knowledge_copy)
    assert problem.startswith(f"{path}:")
    assert ("catalysts[3].sources[0]: point 'china-ai-adoption' cites source 'street-forcasts'"
            in problem)


def test_duplicate_point_id_unknown_horizon_and_bad_date_all_reported(knowledge_copy: Path) -> None:
    path = knowledge_copy / "baba.yaml"
    text = _thesis(knowledge_copy)
    text = text.replace("- id: competition", "- id: chip-restrictions")
    text = text.replace("horizon: medium", "horizon: soonish", 1)
    text = text.replace("updated: 2025-11-27", "updated: 2025-13-45")
    path.write_text(text, encoding="utf-8")
    problems = _problems(knowledge_copy)
    # Field errors stop the cross-field checks; fix them, then duplicates appear.
    assert any(f":{_line_of(path, 'horizon: soonish')}: catalysts[1].horizon: " in p
               and "'soonish'" in p for p in problems)
    assert any(f":{_line_of(path, 'updated: 2025-13-45')}: updated: " in p for p in problems)
    path.write_text(text.replace("horizon: soonish", "horizon: medium")
                    .replace("2025-13-45", "2025-11-27"), encoding="utf-8")
    (problem,) = _problems(knowledge_copy)
    assert f":{_line_of(path, '- id: chip-restrictions')}:" not in problem  # first one is fine
    assert "bear[2].id: duplicate point id 'chip-restrictions'" in problem


def test_yaml_syntax_error_and_duplicate_key_name_the_line(knowledge_copy: Path) -> None:
    path = _break(knowledge_copy, "ticker: BABA\n", "ticker: BABA\nticker: BABA2\n")
    (problem,) = _problems(knowledge_copy)
    assert problem == f"{path}:{_line_of(path, 'ticker: BABA2')}: ticker: " \
                      "duplicate key 'ticker'; keep one of them"
    path.write_text("ticker: [unclosed\n", encoding="utf-8")
    (problem,) = _problems(knowledge_copy)
    assert problem.startswith(f"{path}:2: (file): is not valid YAML")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", "+.INF"])
def test_a_figure_value_that_is_not_a_finite_number_is_a_problem(knowledge_copy: Path,
                                                                 value: str) -> None:
    # Found by tests/test_properties.py: YAML reads these as floats, the model took them, and
    # every card citing the figure raised ("cannot convert float NaN to integer").
    path = _break(knowledge_copy, "    value: 35.8\n", f"    value: {value}\n")
    (problem,) = _problems(knowledge_copy)
    assert problem.startswith(f"{path}:{_line_of(path, f'value: {value}')}: figures[0].value: "
                              "Input should be a finite number")


def test_unsafe_yaml_tags_are_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / "evil.yaml"
    path.write_text("ticker: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    problems = _problems(knowledge_copy)
    assert any(p.startswith(f"{path}:1: (file): is not valid YAML") for p in problems)


def test_broken_file_is_skipped_and_other_theses_still_answer(knowledge_copy: Path) -> None:
    (knowledge_copy / "broken.yaml").write_text("ticker: TCEHY\ncompany: [\n", encoding="utf-8")
    engine = Engine.from_dirs(knowledge_copy, INTENTS)
    assert list(engine.theses) == ["BABA"]
    assert len(engine.problems) == 1
    assert engine.answer("BABA risks").card == "risk"


def test_alias_claimed_by_two_theses_is_a_problem(knowledge_copy: Path) -> None:
    other = _thesis(knowledge_copy).replace("ticker: BABA", "ticker: BABB")
    other = other.replace("company: Alibaba Group", "company: Other Co")
    (knowledge_copy / "zz-other.yaml").write_text(other, encoding="utf-8")
    knowledge = load_theses(knowledge_copy)
    assert list(knowledge.theses) == ["BABA"]
    assert any("'Alibaba' already names BABA" in str(p) for p in knowledge.problems)


def test_validate_command_exit_codes(knowledge_copy: Path) -> None:
    ok = thesis("validate")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.splitlines() == [
        f"Valid: 1 thesis file in {KNOWLEDGE}, 9 intents in {INTENTS}; 0 problems, 0 warnings, "
        "0 unreviewed figures."]
    _break(knowledge_copy, "unit: quarters", "unit: 9 quarters")
    bad = thesis("validate", str(knowledge_copy))
    assert bad.returncode == 1
    assert "figures[2].unit: Value error, '9 quarters' is not a unit a card can print" in bad.stdout
    assert bad.stdout.splitlines()[-1] == (
        f"Not valid: 1 thesis file in {knowledge_copy}, 9 intents in {INTENTS}; 1 problem, "
        "0 warnings, 0 unreviewed figures. Fix the problems and run thesis validate again.")


@pytest.mark.parametrize("folder", ["/nonexistent/knowledge", "/etc/hostname"])
def test_missing_knowledge_folder_is_one_line_exit_2(folder: str) -> None:
    for args in (["--knowledge", folder, "ask", "risks"], ["ask", "--knowledge", folder, "x"]):
        result = thesis(*args)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert folder in result.stderr and "Traceback" not in result.stderr


def test_a_date_from_another_time_zones_today_is_fine_but_a_typo_year_is_not(
    knowledge_copy: Path, request: pytest.FixtureRequest,
) -> None:
    import datetime as dt

    import time_machine

    today = dt.date(2026, 11, 29)
    tomorrow = today + dt.timedelta(days=1)
    traveller = time_machine.travel(dt.datetime(2026, 11, 29, 23, 0, tzinfo=dt.UTC), tick=False)
    traveller.start()
    request.addfinalizer(traveller.stop)
    path = _break(knowledge_copy, "updated: 2025-11-27", f"updated: {tomorrow}")
    assert _problems(knowledge_copy) == []
    path.write_text(path.read_text().replace(f"updated: {tomorrow}", "updated: 2052-11-27"))
    (problem,) = _problems(knowledge_copy)
    assert problem.endswith("updated: 2052-11-27 is in the future; is it a typo?")


def test_a_bidirectional_control_is_a_warning_where_it_is_and_never_shown(
        knowledge_copy: Path) -> None:
    path = _break(knowledge_copy, "title: Chip Restrictions Limit Scale",
                  "title: Chip Restrictions \u202eelacS timiL")
    line = _line_of(path, "elacS timiL")
    result = thesis("validate", str(knowledge_copy))
    assert result.returncode == 0, result.stdout
    assert (f"{path}:{line}: bear[0].title: warning: holds U+202E RIGHT-TO-LEFT OVERRIDE, which "
            "can make text read other than as written; Slack and the terminal show it without: "
            "delete it") in result.stdout.splitlines()
    assert thesis("validate", "--strict", str(knowledge_copy)).returncode == 1
    card = thesis("--knowledge", str(knowledge_copy), "ask", "BABA bear case")
    assert "Chip Restrictions elacS timiL" in card.stdout and "\u202e" not in card.stdout


# -- One mistake, one problem ---------------------------------------------------------------


def test_an_impossible_updated_date_is_one_problem_not_one_per_figure(knowledge_copy: Path
                                                                      ) -> None:
    path = _break(knowledge_copy, "updated: 2025-11-27", "updated: 2026-13-03")
    assert _problems(knowledge_copy) == [
        f"{path}:{_line_of(path, 'updated:')}: updated: Input should be a valid date or "
        "datetime, month value is outside expected range of 1-12 (got '2026-13-03')"]


def test_a_bad_first_source_id_is_one_problem_not_one_per_figure(knowledge_copy: Path) -> None:
    _break(knowledge_copy, "  - id: thesis-document", "  - id: Thesis Document")
    (problem,) = _problems(knowledge_copy)
    assert ": sources[0].id: String should match pattern" in problem


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ("    horizon: near", "    horizen: near", "catalysts[0].horizen",
     "`horizen` is not a field here; did you mean `horizon`?"),
    ("summary: Alibaba builds", "Summary: Alibaba builds", "Summary",
     "`Summary` is not a field here; did you mean `summary`?"),
    ("    period: Q3 2025", "    perod: Q3 2025", "figures[1].perod",
     "`perod` is not a field here; did you mean `period`?"),
    ("    horizon: near", "    horizon: near\n    colour: red", "catalysts[0].colour",
     "`colour` is not a field here; the fields are: id, title, detail, figures, sources, "
     "keywords, horizon, summary, condition, timing, watch, analyst_watch, status"),
])
def test_an_unknown_field_is_one_problem_naming_the_nearest_known_one(
        knowledge_copy: Path, old: str, new: str, field: str, message: str) -> None:
    path = _break(knowledge_copy, old, new)
    line = _line_of(path, new.split("\n")[-1])
    assert _problems(knowledge_copy) == [f"{path}:{line}: {field}: {message}"]


# -- What validate prints --------------------------------------------------------------------


def test_the_last_line_says_what_the_exit_code_says_with_the_counts(knowledge_copy: Path
                                                                    ) -> None:
    _break(knowledge_copy, "remaining in its buyback authorization",
           "remaining ($99 billion) in its buyback authorization")
    _break(knowledge_copy, "    value: 19.1\n", "    value: 19.1\n    review: true\n")
    lenient = thesis("validate", str(knowledge_copy))
    assert lenient.returncode == 0
    read = f"1 thesis file in {knowledge_copy}, 9 intents in {INTENTS}"
    assert lenient.stdout.splitlines()[-1] == (
        f"Valid: {read}; 0 problems, 2 warnings, 1 unreviewed figure. Check each warning "
        "against the write-up (--strict fails on them).")
    strict = thesis("validate", "--strict", str(knowledge_copy))
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[-1] == (
        f"Not valid (--strict): {read}; 0 problems, 2 warnings, 1 unreviewed figure. Fix the "
        "warnings, or run without --strict to accept them.")


def test_quiet_prints_only_the_problems(knowledge_copy: Path) -> None:
    _break(knowledge_copy, "remaining in its buyback authorization",
           "remaining ($99 billion) in its buyback authorization")
    warned = thesis("validate", "--quiet", str(knowledge_copy))
    assert (warned.returncode, warned.stdout) == (0, "")
    strict = thesis("validate", "--quiet", "--strict", str(knowledge_copy))
    assert strict.returncode == 1
    assert [line.split(": ", 2)[1] for line in strict.stdout.splitlines()] == \
        ["catalysts[0].detail"]
    path = _break(knowledge_copy, "updated: 2025-11-27", "updated: 2026-13-03")
    broken = thesis("validate", "-q", str(knowledge_copy))
    assert broken.returncode == 1
    assert broken.stdout == (f"{path}:{_line_of(path, 'updated:')}: updated: Input should be a "
                             "valid date or datetime, month value is outside expected range of "
                             "1-12 (got '2026-13-03')\n")


@pytest.mark.parametrize(("old", "new"), [
    ("  - id: buyback-remaining", "  - id: buyback-remainig"),  # the figure's id misspelt
    ("figures: [buyback-remaining, ", "figures: [buyback-remainig, "),  # the point's reference
])
def test_a_misspelt_figure_id_is_one_problem_at_the_figure(knowledge_copy: Path, old: str,
                                                          new: str) -> None:
    path = _break(knowledge_copy, old, new)
    (problem,) = _problems(knowledge_copy)
    assert problem.startswith(f"{path}:{_line_of(path, '  - id: buyback-remain')}: "
                              "figures[9].id: figure 'buyback-remain")
    assert problem.endswith("belongs to no point, and point 'share-buybacks' refers to "
                            f"'{'buyback-remaining' if '- id' in old else 'buyback-remainig'}', "
                            "which is not under figures: one of the two is misspelt")


def test_a_misspelt_source_reference_names_the_source_it_is_near(knowledge_copy: Path) -> None:
    _break(knowledge_copy, "sources: [thesis-document]", "sources: [thesis-documnt]")
    (problem,) = _problems(knowledge_copy)
    assert problem.endswith("cites source 'thesis-documnt', which is not under sources; did you "
                            "mean 'thesis-document'?")
