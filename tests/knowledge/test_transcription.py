"""A thesis says what its write-up says: dates at their own precision, conditions as conditions,
status only with who and when, open units, qualifiers and comparisons — through the terminal
card, the Slack card and the digest, on frozen fixture theses and a frozen day."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.engine.matcher import Engine
from bot.knowledge import units
from bot.knowledge.advice import advise
from bot.knowledge.dates import PartialDate, parse_partial_date
from bot.knowledge.loader import load_all, load_theses
from bot.knowledge.models import Catalyst, Figure, Thesis
from bot.knowledge.schema_doc import render_schema_doc
from bot.notify.digest_card import build_digest, digest_blocks, digest_text
from bot.render.blocks import Options, render_card
from bot.render.text import render_text
from tests.conftest import INTENTS, KNOWLEDGE, ROOT
from tests.thesis_command import thesis

D = dt.date
SCHEMA = ROOT / "tests" / "fixtures" / "schema"
TODAY = D(2026, 11, 11)


@pytest.fixture(scope="module")
def acme_engine() -> Engine:
    engine = Engine.from_dirs(SCHEMA, INTENTS, TODAY)
    assert not engine.problems, engine.problems
    return engine


@pytest.fixture(scope="module")
def acme(acme_engine: Engine) -> Thesis:
    return acme_engine.theses["ACME"]


def _text(engine: Engine, card: str, point: str | None = None) -> str:
    return render_text(engine.answer_for("ACME", card, point), TODAY)  # type: ignore[arg-type]


def _slack(engine: Engine, card: str, point: str | None = None) -> str:
    message = render_card(engine.answer_for("ACME", card, point), Options(TODAY))  # type: ignore[arg-type]
    return json.dumps(message.blocks, ensure_ascii=False)


# -- the date type ---------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "precision", "start", "end", "bound", "part"), [
    ("2027-03-31", "day", D(2027, 3, 31), D(2027, 3, 31), None, None),
    ("March 2027", "month", D(2027, 3, 1), D(2027, 3, 31), None, None),
    ("through Sept 2026", "month", D(2026, 9, 1), D(2026, 9, 30), "through", None),
    ("Q3 2025", "quarter", D(2025, 7, 1), D(2025, 9, 30), None, None),
    ("H2 2027", "half", D(2027, 7, 1), D(2027, 12, 31), None, None),
    ("2030", "year", D(2030, 1, 1), D(2030, 12, 31), None, None),
    ("by mid-2027", "year", D(2027, 1, 1), D(2027, 12, 31), "by", "mid"),
    ("until early 2028", "year", D(2028, 1, 1), D(2028, 12, 31), "until", "early"),
    ("from Q1 2026", "quarter", D(2026, 1, 1), D(2026, 3, 31), "from", None),
])
def test_a_date_keeps_the_precision_the_text_gives(written: str, precision: str, start: D,
                                                   end: D, bound: str | None,
                                                   part: str | None) -> None:
    found = parse_partial_date(written)
    assert (found.text, found.precision, found.start, found.end, found.bound, found.part) == (
        written, precision, start, end, bound, part)
    assert str(found) == written


def test_a_yaml_date_and_a_year_number_are_read_too() -> None:
    assert parse_partial_date(D(2026, 11, 20)).precision == "day"
    assert parse_partial_date(2030).precision == "year"


@pytest.mark.parametrize(("written", "today", "relative"), [
    ("2026-11-20", D(2026, 11, 11), "in 9 days"),
    ("2026-11-12", D(2026, 11, 11), "tomorrow"),
    ("2026-11-11", D(2026, 11, 11), "today"),
    ("2026-11-10", D(2026, 11, 11), "yesterday"),
    ("March 2027", D(2026, 11, 30), "in 4 months"),
    ("March 2027", D(2027, 3, 31), "this month"),
    ("March 2027", D(2027, 5, 1), "2 months ago"),
    ("Q1 2027", D(2026, 12, 31), "in 1 quarter"),
    ("H2 2027", D(2026, 11, 11), "in 2 half-years"),
    ("by 2030", D(2026, 11, 11), "in 4 years"),
    ("by 2030", D(2026, 1, 1), "in 4 years"),
])
def test_a_countdown_counts_in_the_dates_own_precision(written: str, today: D,
                                                       relative: str) -> None:
    assert parse_partial_date(written).relative(today) == relative


@pytest.mark.parametrize("written", ["FY2027", "2027-02-30", "Smarch 2027", "Q5 2026",
                                     "soon", "early 2027-03-01"])
def test_a_date_in_no_known_form_says_which_forms_are(written: str) -> None:
    with pytest.raises(ValueError, match="2027-03-31|not a real date|is not a month"):
        parse_partial_date(written)


def _catalyst(**fields: object) -> Catalyst:
    return Catalyst.model_validate({"id": "c", "title": "C", "horizon": "near", "detail": "d.",
                                    "sources": ["s"], **fields})


def test_old_window_and_bare_status_fail_saying_what_to_write() -> None:
    with pytest.raises(ValidationError,
                       match="`thesis upgrade`.*timing: through March 2027"):
        _catalyst(window={"end": "2027-03-31", "label": "x"})
    with pytest.raises(ValidationError, match="`thesis upgrade`.*or delete the line"):
        _catalyst(status="pending")
    with pytest.raises(ValidationError, match=r"status: \{value: hit, by: NAME, date: "):
        _catalyst(status="hit")
    with pytest.raises(ValidationError, match="by"):
        _catalyst(status={"value": "hit", "date": "2026-01-01"})
    assert _catalyst().status is None


# -- units -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (35.8, "percent", "35.8%"), (19.1, "usd_billion", "$19.1 billion"),
    (241, "usd_million", "$241 million"), (23.5, "multiple", "23.5x"), (4.2, "x", "4.2x"),
    (14.2, "GWh", "14.2 GWh"), (3.5, "GW", "3.5 GW"), (850, "eur_million", "€850 million"),
    (1.5, "percentage_points", "1.5 percentage points"), (1, "months", "1 month"),
    (9, "quarters", "9 quarters"), (10_000_000, "downloads", "10 million downloads"),
    (180_000, "models", "180,000 models"), (1, "% of annual GDP", "1% of annual GDP"),
    (1, "percent_of_gdp", "1% of GDP"), (7, "count", "7"), (2.78, "usd_billion", "$2.78 billion"),
    (12, "million résumés", "12 million résumés"),  # a write-up's own word, accents and all
])
def test_each_unit_reads_as_a_reader_expects(value: float, unit: str, shown: str) -> None:
    assert units.display(value, unit) == shown


@pytest.mark.parametrize("unit", ["", "9 quarters", "per\nline", "x" * 41, "{value}", "*bold*",
                                  "<!channel>", "_x"])
def test_a_unit_a_card_cannot_print_is_refused(unit: str) -> None:
    with pytest.raises(ValidationError, match="unit"):
        Figure(id="f", subject="s", measure="m", value=1, unit=unit)


def test_magnitude_is_the_plain_number_for_finding_figures_by_value() -> None:
    figure = Figure(id="f", subject="s", measure="m", value=19.1, unit="usd_billion")
    assert figure.magnitude == pytest.approx(19.1e9)
    assert units.magnitude(850, "eur_million") == pytest.approx(8.5e8)
    assert units.magnitude(14.2, "GWh") == 14.2


# -- cards and digest, on the fixture thesis ------------------------------------------------


def test_each_date_precision_shows_as_written_with_its_own_countdown(acme_engine: Engine,
                                                                     acme: Thesis) -> None:
    lines = ["Permit decision: 20 Nov 2026 — in 9 days",
             "When: December 2026 — in 1 month",
             "Results: H2 2026 — this half-year",
             "When: through Q1 2027 — in 1 quarter",
             "When: by mid-2030 — in 4 years"]
    text = _text(acme_engine, "catalyst")  # one line per catalyst: the date and countdown
    slack = _slack(acme_engine, "catalyst")
    points = [(_text(acme_engine, "catalyst", c.id), _slack(acme_engine, "catalyst", c.id))
              for c in acme.catalysts]  # each catalyst's own card: the labelled line
    digest = build_digest([acme], TODAY)
    for line in lines:
        label, rest = line.split(": ", 1)
        assert rest in text and rest in slack
        assert any(line in t and f"_{label}:_ {rest}" in s for t, s in points)
        assert line in digest_text(digest)
        assert f"_{label}:_ {rest}" in json.dumps(digest_blocks(digest)[1], ensure_ascii=False)
    for invented in ("31 Dec 2026", "31 Mar 2027", "31 Dec 2030", "days left"):
        assert invented not in text + slack + digest_text(digest)


def test_a_conditional_catalyst_is_a_condition_never_a_deadline(acme_engine: Engine,
                                                                acme: Thesis) -> None:
    text = _text(acme_engine, "catalyst", "new-chemistry")
    slack = _slack(acme_engine, "catalyst", "new-chemistry")
    digest = digest_text(build_digest([acme], D(2027, 12, 31), last_digest=D(2027, 12, 30)))
    assert "Condition: If the new chemistry passes field tests through 2027" in text
    assert "_Condition:_ If the new chemistry passes field tests through 2027" in slack
    chemistry = digest[digest.index("New cell chemistry"):digest.index("Contract renewals")]
    assert "Condition: If the new chemistry passes field tests through 2027" in chemistry
    for shown in (text, slack, chemistry):
        assert "2027 —" not in shown and "this year" not in shown and "When:" not in shown
    assert "New cell chemistry —" not in digest  # never "due"


def test_status_shows_only_when_set_and_then_with_who_and_when(acme_engine: Engine,
                                                               acme: Thesis) -> None:
    judged = "✅ hit — Jane Doe, 30 Sep 2026: two renewals signed early"
    assert f"Medium term catalyst · status: {judged}" in _text(acme_engine, "catalyst",
                                                               "contract-renewals")
    assert f"status: {judged}" in _slack(acme_engine, "catalyst", "contract-renewals")
    digest = digest_text(build_digest([acme], TODAY))
    assert f"Contract renewals · {judged}" in digest
    unjudged = _text(acme_engine, "catalyst", "plant-opening")
    assert "status" not in unjudged and "pending" not in unjudged
    assert "Near term catalyst\n" in unjudged
    assert digest.count("✅") == 1 and "pending" not in digest


def test_an_analysts_watch_line_is_marked_as_theirs(acme_engine: Engine, acme: Thesis) -> None:
    line = "What to watch (analyst's note, Jane Doe): the renewal price against the old one"
    assert line in _text(acme_engine, "catalyst", "contract-renewals")
    assert "_What to watch (analyst's note, Jane Doe):_" in _slack(acme_engine, "catalyst",
                                                                   "contract-renewals")
    assert line in digest_text(build_digest([acme], TODAY))
    assert "What to watch: whether margins hold" in _text(acme_engine, "catalyst", "results")


def test_open_units_qualifiers_and_comparisons_reach_every_card(acme_engine: Engine) -> None:
    claims = ["over 14.2 GWh: Acme, installed storage — more than its three rivals combined",
              "about 3.5 GW: Acme, project pipeline",
              "1.5 percentage points: Acme, gross margin gain (in H1 2026)",
              "up to 18 months: Acme's grid contracts, average length",
              "4.2x: Acme, enterprise value to sales",
              "€850 million: Acme, capital spending (in 2026)",
              "2 times: Grid storage demand, growth (by 2030) — double today's level"]
    text = _text(acme_engine, "figures")
    slack = _slack(acme_engine, "figures")
    for claim in claims:
        assert claim in " ".join(text.split())
        assert claim in slack
    point = _text(acme_engine, "bull", "scale")
    assert "over 14.2 GWh: Acme, installed storage — more than its three rivals combined" in point


def test_a_source_is_the_write_up_unless_the_text_names_a_publisher(acme_engine: Engine) -> None:
    text = " ".join(_text(acme_engine, "figures").split())
    assert "2 times: Grid storage demand, growth (by 2030) — double today's level Source: The " \
           "grid agency, as of 1 Oct 2026" in text
    assert "Grid agency outlook, as cited by the write-up — The grid agency\n" in \
           _text(acme_engine, "figures") + "\n"  # no date: the text gives none


def test_no_card_says_a_period_twice(engine: Engine) -> None:
    for card in ("figures", "catalyst", "bull", "risk"):
        text = render_text(engine.answer_for("BABA", card), TODAY)  # type: ignore[arg-type]
        slack = json.dumps(render_card(engine.answer_for("BABA", card),  # type: ignore[arg-type]
                                       Options(TODAY)).blocks, ensure_ascii=False)
        for shown in (" ".join(text.split()), slack):
            assert "(2025) (2025)" not in shown and "by 2030 (by 2030)" not in shown
            assert "2025–2030" not in shown
    figure = Figure(id="f", subject="Market", measure="size in 2025", value=7.3,
                    unit="usd_billion", period="2025")
    thesis = engine.theses["BABA"].model_copy(update={"figures": [figure]})
    from bot.render.facts import figure_fact
    assert figure_fact(thesis, figure).claim == "$7.3 billion: Market, size in 2025"


# -- the BABA transcription --------------------------------------------------------------------


def test_baba_says_only_what_the_write_up_says() -> None:
    baba = load_theses(KNOWLEDGE).theses["BABA"]
    assert [s.id for s in baba.sources] == ["thesis-document", "street-forecasts"]
    street = baba.source("street-forecasts")
    assert street is not None and street.date is None and street.publisher == "The street"
    assert all(c.status is None and c.analyst_watch is None for c in baba.catalysts)
    by_id = {c.id: c for c in baba.catalysts}
    assert by_id["custom-chips"].timing is None
    assert by_id["custom-chips"].condition == ("If chip production scales through 2026 and "
                                               "powers competitive pricing or margin expansion")
    buyback = by_id["share-buybacks"].timing
    assert buyback is not None and buyback.when.text == "through March 2027"
    assert buyback.when.precision == "month"
    adoption = by_id["china-ai-adoption"].timing
    assert adoption is not None and (adoption.when.text, adoption.when.precision) == (
        "by 2030", "year")
    assert [c.id for c in baba.catalysts if c.watch] == ["qwen-monetization"]
    assert {f.source for f in baba.figures} == {"thesis-document", "street-forecasts"}
    spending = baba.figure("alibaba-ai-spending")
    assert spending is not None and spending.measure == "spending"
    assert "capex" not in spending.keywords
    share = baba.figure("alibaba-ai-cloud-share")
    assert share is not None
    assert share.comparison == "more than ByteDance, Huawei, and Tencent combined"
    models = baba.figure("qwen-derivative-models")
    assert models is not None and models.comparison == "double the second-place competitor"
    assert (models.qualifier, models.value) == ("over", 180000)


def test_the_live_baba_file_matches_its_frozen_fixture_and_has_no_warnings() -> None:
    live = ROOT / "knowledge" / "baba.yaml"
    assert live.read_text(encoding="utf-8") == (KNOWLEDGE / "baba.yaml").read_text("utf-8")
    knowledge = load_all(KNOWLEDGE, INTENTS, TODAY)
    assert knowledge.problems == [] and advise(knowledge) == []


# -- an analyst writing alone ----------------------------------------------------------------


def test_schema_page_is_generated_from_the_models() -> None:
    page = (ROOT / "docs" / "thesis-schema.md").read_text(encoding="utf-8")
    assert page == render_schema_doc(), (
        "docs/thesis-schema.md is stale: python -m bot.knowledge.schema_doc > "
        "docs/thesis-schema.md")
    for field in ("timing", "condition", "analyst_watch", "status", "qualifier", "comparison",
                  "unit", "as_of", "when", "what"):
        assert f"- **`{field}`** — " in page


def test_thesis_new_writes_a_draft_that_validates_and_fails_strict_until_filled_in(
        tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    made = thesis("--knowledge", str(folder), "new", "acme", "Acme Power")
    assert made.returncode == 0, made.stderr
    path = folder / "acme.yaml"
    assert made.stdout.startswith(f"Wrote {path}, a draft")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ACME thesis") and "docs/thesis-schema.md" in text
    checked = thesis("validate", str(folder))
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.splitlines()[-1].startswith(f"Valid: 2 thesis files in {folder}, ")
    assert "; 0 problems, 1 warning, 0 unreviewed figures." in checked.stdout.splitlines()[-1]
    strict = thesis("validate", "--strict", str(folder))
    assert strict.returncode == 1, strict.stdout
    [draft] = [line for line in strict.stdout.splitlines() if "is a draft" in line]
    assert draft.startswith(f"{path}:13: title: warning: ACME is a draft, not served as an "
                            "answer: 9 TODO placeholders left (title, summary, ")
    # The analyst replaces every placeholder: no longer a draft.
    path.write_text(text.replace('"TODO: ', '"'), encoding="utf-8")
    filled = thesis("validate", "--strict", str(folder))
    assert filled.returncode == 0, filled.stdout
    # Marked a draft by hand: a draft again.
    path.write_text(text.replace('"TODO: ', '"') + "draft: true\n", encoding="utf-8")
    marked = thesis("validate", "--strict", str(folder))
    assert marked.returncode == 1 and "ACME is a draft" in marked.stdout
    again = thesis("--knowledge", str(folder), "new", "ACME", "Acme Power")
    assert again.returncode == 1 and "already exists. Edit it, or use --force" in again.stderr
    bad = thesis("--knowledge", str(folder), "new", "no ticker!", "Acme")
    assert bad.returncode == 1 and "is not a ticker" in bad.stderr


@pytest.mark.slow
def test_thesis_new_in_a_bare_folder_creates_knowledge(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "THESIS_KNOWLEDGE_DIR"}
    made = subprocess.run([sys.executable, "-m", "bot.cli.main", "new", "ACME", "Acme Power"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={**env, "PYTHONPATH": str(ROOT)})
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "knowledge" / "acme.yaml").is_file()
    assert made.stdout.splitlines()[0] == (f"Created {tmp_path / 'knowledge'}/, the folder the "
                                           "bot reads theses from.")
    for question in ("ACME bull case", "ACME risks", "when is the launch?"):
        asked = subprocess.run([sys.executable, "-m", "bot.cli.main", "ask", question],
                               capture_output=True, text=True, timeout=60, cwd=tmp_path,
                               env={**env, "THESIS_CACHE_DIR": "off"})
        assert asked.returncode == 0, asked.stderr
        assert asked.stdout.startswith("ACME · Draft\n"), asked.stdout
        said = " ".join(asked.stdout.split())
        assert "TODO" not in said and "It names no owners yet." in said


def test_an_empty_book_says_in_the_terminal_how_to_add_the_first_thesis(
        tmp_path: Path) -> None:
    (tmp_path / "knowledge").mkdir()
    for question in ("BABA risks", "help", "list", "what are the risks?"):
        asked = thesis("--knowledge", str(tmp_path / "knowledge"), "ask", question)
        assert asked.returncode == 0, asked.stderr
        said = " ".join(asked.stdout.split())
        assert "There is no thesis in the book yet. Add the first with `thesis new TICKER " \
               "\"Company name\"`" in said and "`thesis import WRITEUP.md`" in said, said


def _warnings(folder: Path) -> list[str]:
    return [str(w) for w in advise(load_all(folder, INTENTS, TODAY))]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_validate_warns_about_what_the_write_up_does_not_say(knowledge_copy: Path) -> None:
    path = knowledge_copy / "baba.yaml"
    _edit(path, "remaining in its buyback authorization", "remaining ($99 billion) in its "
          "buyback authorization")
    _edit(path, "    value: 241\n", "    value: 242\n")
    _edit(path, "    period: in 2025", "    period: \"2025\"\n    # doubling in 2025")
    _edit(path, "    measure: market size, after doubling", "    measure: market size in 2025")
    _edit(path, "    watch: revenue per model to rise and cloud contract sizes to expand",
          "    watch: Revenue per model rising.")
    _edit(path, "    timing: {when: by 2030,", "    timing: {when: 2030-12-31,")
    _edit(path, "  - Aliyun\n", "  - Aliyun\n  - risks\n")
    warnings = "\n".join(_warnings(knowledge_copy))
    assert "catalysts[0].detail: '$99 billion' matches no figure" in warnings
    assert "figures[10].value: figure 'buyback-repurchased-q3': 242 appears in no text" in warnings
    assert "'$241 million' matches no figure" in warnings
    assert "figures[3].measure: figure 'china-ai-cloud-market-size': the measure already says " \
           "'2025'" in warnings
    assert "catalysts[1].watch: catalyst 'qwen-monetization': the text does not say " \
           "'Revenue per model rising.'; quote the text's own words, or move your line to " \
           "analyst_watch" in warnings
    assert "catalysts[3].timing: catalyst 'china-ai-adoption': the text gives the year 2030, " \
           "not a day; write `timing: by 2030`" in warnings
    assert "aliases[10]: alias 'risks' is a word of intent 'risk'" in warnings
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "- risks" in text)
    assert f"{path}:{line}: aliases[10]: alias 'risks'" in warnings
    result = thesis("validate", str(knowledge_copy))
    assert result.returncode == 0 and ": warning: " in result.stdout
    assert result.stdout.splitlines()[-1].endswith(
        "Check each warning against the write-up (--strict fails on them).")
    strict = thesis("validate", "--strict", str(knowledge_copy))
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[-1].startswith("Not valid (--strict): ")


def test_a_month_written_as_its_last_day_is_caught(knowledge_copy: Path) -> None:
    path = knowledge_copy / "baba.yaml"
    _edit(path, "timing: {when: through March 2027,", "timing: {when: 2027-03-31,")
    assert any("catalysts[0].timing: catalyst 'share-buybacks': the text gives 'March 2027', "
               "not a day; write `timing: through March 2027`" in w
               for w in _warnings(knowledge_copy))


def test_validate_warns_about_lookup_data_two_theses_share(two_theses: Path) -> None:
    other = two_theses / "tcehy.yaml"
    _edit(other, "aliases: [Tencent, \"0700.HK\"]", "aliases: [Tencent, \"0700.HK\"]\n"
          "other_companies: [Alibaba, Tencent]")
    _edit(other, "    sources: [doc]\n", "    sources: [doc]\n    keywords: [buyback, games]\n")
    warnings = "\n".join(_warnings(two_theses))
    assert "other_companies[0]: 'Alibaba' names thesis BABA" in warnings
    assert "other_companies[1]: 'Tencent' is also one of this thesis's own names" in warnings
    assert f"{other}:" in warnings
    assert "keyword 'buyback' is also one of BABA's" in warnings
    assert "'games'" not in warnings
    # BABA lists Tencent as a company it does not cover; now a thesis covers it.
    assert "other_companies[5]: 'Tencent' names thesis TCEHY" in warnings


def test_a_duplicate_ticker_names_both_files(knowledge_copy: Path) -> None:
    first = knowledge_copy / "baba.yaml"
    second = knowledge_copy / "zz-copy.yaml"
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    problems = [str(p) for p in load_theses(knowledge_copy, TODAY).problems]
    assert any(p.startswith(f"{second}:") and f"BABA is already defined by {first}" in p
               for p in problems)


def test_partial_date_is_plain_data_that_pickles() -> None:
    import pickle

    found = parse_partial_date("through March 2027")
    assert pickle.loads(pickle.dumps(found)) == found
    assert isinstance(found, PartialDate)


def test_numbers_in_names_and_in_compound_words_draw_no_warning_they_cannot_act_on(
        knowledge_copy: Path) -> None:
    path = knowledge_copy / "baba.yaml"
    # 9 is a figure (9 quarters), 2 and 20 are not (figures 20 and 2 of another kind would be).
    _edit(path, "earnings compound.", "earnings compound. Phase 3 of its 20-year GLP-1 "
          "plan runs 9-quarter cycles across Tier 2 cities.")
    (warning,) = [w for w in _warnings(knowledge_copy) if "catalysts[0].detail" in w]
    assert "catalysts[0].detail: '9' is figure 'ai-workload-growth-streak'" in warning


def test_a_number_a_text_writes_twice_is_one_warning(knowledge_copy: Path) -> None:
    _edit(knowledge_copy / "baba.yaml", "earnings compound.",
          "earnings compound. It has 77 offices; 77 offices is a lot.")
    assert len([w for w in _warnings(knowledge_copy) if "'77' matches no figure" in w]) == 1
