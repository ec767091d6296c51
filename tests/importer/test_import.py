"""`thesis import` end to end: real write-ups, real files, the `thesis` command (run in this
process: tests/thesis_command.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bench.import_roundtrip import compare
from tests.thesis_command import thesis

ROOT = Path(__file__).resolve().parents[2]
WRITEUPS = ROOT / "tests" / "fixtures" / "writeups"
BROKEN = WRITEUPS / "broken"
HAND = ROOT / "tests" / "fixtures" / "knowledge" / "baba.yaml"
SEED = ROOT.parent / "shared" / "seeds" / "alibaba-ai-cloud-thesis.txt"


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.skipif(not SEED.exists(), reason="the seed write-up lives beside the checkout")
def test_seed_round_trip_keeps_every_text_and_at_least_90_percent_of_figures() -> None:
    same, total, matched, figures, misses = compare(SEED, HAND)
    assert same == total, misses
    assert matched / figures >= 0.9, misses


@pytest.mark.parametrize(("name", "ticker", "bull", "bear", "catalysts"), [
    ("northwind-power.txt", "NWPR", 2, 2, 3),
    ("harbor-foods.md", "HRBR", 2, 2, 3),
    ("meridian-therapeutics.md", "MRDN", 2, 2, 3),
])
def test_own_writeups_import_validate_and_answer(tmp_path: Path, name: str, ticker: str,
                                                bull: int, bear: int, catalysts: int) -> None:
    out = tmp_path / f"{ticker.lower()}.yaml"
    result = thesis("import", str(WRITEUPS / name), "--ticker", ticker, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {out}")
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert (len(data["bull"]), len(data["bear"]), len(data["catalysts"])) == \
        (bull, bear, catalysts)
    assert data["figures"] and all(f["review"] is True for f in data["figures"])
    assert not any("keywords" in p for s in ("bull", "bear", "catalysts") for p in data[s])
    validate = thesis("validate", str(tmp_path))
    assert validate.returncode == 0, validate.stdout
    figures = len(data["figures"])
    counted = [line for line in validate.stdout.splitlines() if "unreviewed, imported" in line]
    assert len(counted) == 1, validate.stdout  # one count per thesis, not a line per figure
    assert f"{figures} of {figures} figures are unreviewed, imported" in counted[0]
    strict = thesis("validate", "--strict", str(tmp_path))
    assert strict.returncode == 1


def test_texts_are_verbatim_and_catalysts_keep_dates_conditions_and_watch(tmp_path: Path) -> None:
    out = tmp_path / "nwpr.yaml"
    assert thesis("import", str(WRITEUPS / "northwind-power.txt"), "--ticker", "NWPR",
                  "-o", str(out)).returncode == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["updated"].isoformat() == "2026-03-14"
    assert data["sector"] == "Energy"
    assert data["company"] == "Northwind Power" and "Northwind" in data["aliases"]
    backlog = data["bull"][0]
    assert backlog["title"] == "Record Storage Backlog"
    assert backlog["summary"] == ("A 14.2 GWh backlog covers more than two years of shipments "
                                  "at current run rates.")
    assert backlog["detail"].startswith("Northwind Power ended 2025 with a 14.2 GWh")
    by_id = {f["id"]: f for f in data["figures"]}
    cited = [by_id[i] for i in backlog["figures"]]
    assert {(f["value"], f["unit"]) for f in cited} >= {(14.2, "GWh"), (61, "percent"),
                                                         (9, "agreements"), (7, "years")}
    launch = data["catalysts"][1]
    assert launch["horizon"] == "medium"
    assert launch["timing"] == {"when": "by H2 2027", "what": "eight-hour iron-air battery"}
    assert launch["condition"] == "If pilot projects with two utilities succeed"
    grid = data["catalysts"][2]
    assert grid["timing"] == "through 2030"
    trillion = next(f for f in data["figures"] if f["value"] == 1 and f["unit"] ==
                    "usd_trillion")
    assert trillion["source"] != "thesis-document"  # "Analysts expect …": who published it
    tariffs = data["bear"][1]
    assert tariffs["detail"].endswith("the Commerce Department's final ruling on cell tariffs.")
    assert any(note.startswith("line 1: Northwind Power logo") for note in data["notes"])


def test_imported_thesis_answers_from_its_own_words(tmp_path: Path) -> None:
    for name, ticker in (("northwind-power.txt", "NWPR"), ("meridian-therapeutics.md", "MRDN")):
        assert thesis("import", str(WRITEUPS / name), "--ticker", ticker, "-o",
                      str(tmp_path / f"{ticker.lower()}.yaml")).returncode == 0
    for question, card in (("what is northwind's backlog?", "NWPR · Record Storage Backlog"),
                           ("when does the arizona factory open?",
                            "NWPR · Arizona Factory Opening"),
                           ("meridian cash runway", "MRDN · Cash Runway Is Short"),
                           ("when is the phase 3 readout?", "MRDN · Phase 3 Readout")):
        result = thesis("--knowledge", str(tmp_path), "ask", question)
        assert result.stdout.splitlines()[0] == card, (question, result.stdout)


def test_an_imported_thesis_answers_at_once_its_figures_marked_unreviewed(
        tmp_path: Path) -> None:
    """Served as soon as it validates, but its figures (the words around each number, unchecked)
    are never given as plain sourced facts."""
    assert thesis("import", str(WRITEUPS / "northwind-power.txt"), "--ticker", "NWPR", "-o",
                  str(tmp_path / "nwpr.yaml")).returncode == 0
    result = thesis("--knowledge", str(tmp_path), "ask", "NWPR key figures")
    assert result.returncode == 0, result.stderr
    figures = [line.strip() for line in result.stdout.splitlines() if line.strip()[:1] == "▸"]
    provenance = [line.strip() for line in result.stdout.splitlines()
                  if "not yet checked" in line or "Source:" in line]
    assert figures and len(provenance) == len(figures), result.stdout
    assert all(line.startswith("⚠ unreviewed, imported: not yet checked against")
               for line in provenance), result.stdout


def test_check_prints_what_it_found_and_writes_nothing(tmp_path: Path) -> None:
    result = thesis("--knowledge", str(tmp_path), "import", "--check",
                    str(WRITEUPS / "harbor-foods.md"))
    assert result.returncode == 0, result.stderr
    assert "bull (2):" in result.stdout and "catalysts (3):" in result.stdout
    assert "near   walmart-contract-renewal: Walmart contract renewal  (when: by June 2026)" \
        in result.stdout
    assert "figures (" in result.stdout and "each marked for review" in result.stdout
    assert "Nothing written (--check)" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_ticker_is_asked_for_and_an_existing_file_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "hrbr.yaml"
    result = thesis("import", str(WRITEUPS / "harbor-foods.md"), "-o", str(out), stdin="hrbr\n")
    assert result.returncode == 0, result.stderr
    assert "Ticker for this thesis" in result.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["ticker"] == "HRBR"
    again = thesis("import", str(WRITEUPS / "harbor-foods.md"), "--ticker", "HRBR",
                   "-o", str(out))
    assert "already exists; use -o OUT.yaml" in one_line_error(again)
    none = thesis("import", str(WRITEUPS / "harbor-foods.md"), "-o", str(tmp_path / "x.yaml"))
    assert "no ticker given: pass --ticker T" in one_line_error(none)


def test_a_figure_with_no_number_is_a_note_not_a_figure(tmp_path: Path) -> None:
    out = tmp_path / "hrbr.yaml"
    result = thesis("import", str(BROKEN / "figure-without-number.md"), "--ticker", "HRBR",
                    "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert any("'$TBD' has no number" in note and note.startswith("line 24:")
               for note in data["notes"]), data["notes"]
    assert not any(f["unit"] == "usd_billion" and f["value"] == 4.6 for f in data["figures"])


@pytest.mark.parametrize(("name", "expected"), [
    ("missing-key-risks.txt",
     "missing-key-risks.txt:24: no 'Key Risks' section: the Bear Case points have no full "
     "text; add a 'Key Risks' section with a paragraph per point"),
    ("two-bull-case.txt",
     "two-bull-case.txt:24: a second 'Bull Case' heading (the first is on line 14); merge the "
     "two into one section"),
])
def test_broken_layouts_are_one_line_with_where_and_what_to_do(tmp_path: Path, name: str,
                                                              expected: str) -> None:
    result = thesis("import", str(BROKEN / name), "--ticker", "NWPR", "-o",
                    str(tmp_path / "out.yaml"))
    assert one_line_error(result).endswith(expected)
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "is empty: nothing to import"),
    (b"   \n\n", "is empty: nothing to import"),
    (b"Acme: Title\n\nSummary line here.\n\nUpdated: Jan 5, 2026\n\xff\xfe bad\n",
     ":6: byte 0xff is not UTF-8 text; save the write-up as UTF-8 and import it again"),
    (b"Acme: Title\n\nSummary line here.\n", ":1: no \"Updated: <date>\" line under the title"),
    (b"%PDF-1.7 ...", "is a PDF; thesis import reads plain text or Markdown"),
])
def test_unreadable_writeups_are_one_line(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "writeup.txt"
    path.write_bytes(content)
    result = thesis("import", str(path), "--ticker", "ACME", "-o", str(tmp_path / "o.yaml"))
    assert expected in one_line_error(result)


def test_a_5_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    result = thesis("import", str(path), "--ticker", "ACME")
    assert "is 5,242,880 bytes, more than the 1,000,000 a write-up may have" in \
        one_line_error(result)


def test_word_documents_and_missing_files_are_named(tmp_path: Path) -> None:
    docx = tmp_path / "thesis.docx"
    docx.write_bytes(b"PK\x03\x04")
    assert "a .docx file cannot be imported" in one_line_error(thesis("import", str(docx)))
    missing = thesis("import", str(tmp_path / "nope.txt"), "--ticker", "ACME")
    assert "nope.txt does not exist" in one_line_error(missing)


def test_the_configured_intents_vocabulary_decides_which_first_words_are_ordinary(
        tmp_path: Path) -> None:
    """THESIS_INTENTS_DIR names the vocabulary the bot answers with; `thesis import` reads the
    same one (through the loader), not the copy shipped in the package."""
    intents = tmp_path / "intents"
    shutil.copytree(ROOT / "bot" / "intents", intents)
    vocabulary = intents / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace(
        "common_words: >-\n", "common_words: >-\n  northwind\n", 1), encoding="utf-8")
    out = {name: tmp_path / f"{name}.yaml" for name in ("shipped", "configured")}
    shipped = thesis("import", str(WRITEUPS / "northwind-power.txt"), "--ticker", "NWPR",
                     "-o", str(out["shipped"]))
    configured = thesis("import", str(WRITEUPS / "northwind-power.txt"), "--ticker", "NWPR",
                        "-o", str(out["configured"]), env={"THESIS_INTENTS_DIR": str(intents)})
    assert shipped.returncode == 0 and configured.returncode == 0, configured.stderr
    aliases = {name: yaml.safe_load(path.read_text(encoding="utf-8")).get("aliases", [])
               for name, path in out.items()}
    assert "Northwind" in aliases["shipped"]
    assert "Northwind" not in aliases["configured"]


def _northwind(replace: tuple[str, str] = ("", ""), bull_points: int = 0) -> str:
    text = (WRITEUPS / "northwind-power.txt").read_text(encoding="utf-8").replace(*replace)
    head, rest = text.split("\nBear Case\n", 1)
    extra = "".join(f"Point {i}\n\nThe gain number {i} is real.\n\n" for i in range(bull_points))
    return f"{head}\n{extra}Bear Case\n{rest}"


def test_a_400_digit_figure_is_a_note_not_a_crash(tmp_path: Path) -> None:
    path, out = tmp_path / "writeup.txt", tmp_path / "nwpr.yaml"
    path.write_text(_northwind(("14.2 GWh contracted", "9" * 400 + " GWh contracted")),
                    encoding="utf-8")
    result = thesis("import", str(path), "--ticker", "NWPR", "-o", str(out))
    assert result.returncode == 0, result.stderr
    notes = yaml.safe_load(out.read_text(encoding="utf-8"))["notes"]
    assert f"line 42: '{'9' * 39}…' is too large to be a figure; not recorded as a figure: " \
        "write the number, or leave it out" in notes
    assert thesis("validate", str(tmp_path)).returncode == 0


@pytest.mark.slow
def test_a_draft_the_loader_would_refuse_is_never_written(tmp_path: Path) -> None:
    """2,500 bull points make a draft over the loader's 1 MB limit: one line, no file."""
    path, out = tmp_path / "writeup.txt", tmp_path / "nwpr.yaml"
    path.write_text(_northwind(bull_points=2500), encoding="utf-8")
    checked = thesis("import", str(path), "--ticker", "NWPR", "-o", str(out), "--check")
    assert checked.returncode == 1
    refusal, summary = checked.stdout.splitlines()[-2:]
    assert re.fullmatch(rf"nothing was written: the bot would refuse the draft "
                        rf"{re.escape(str(out))}, which is 1,1\d\d,\d\d\d bytes, more than "
                        r"the 1,000,000 a knowledge file may have; split it or remove what does "
                        r"not belong\.", refusal)
    assert summary == "1 problem found; nothing written (--check)."
    written = thesis("import", str(path), "--ticker", "NWPR", "-o", str(out))
    assert one_line_error(written) == f"thesis: {refusal}"
    assert not out.exists()


@pytest.mark.parametrize("writeup", ["meridian-therapeutics.md", "northwind-power.txt"])
def test_an_imported_thesis_draws_no_warning_but_its_review_count(tmp_path: Path,
                                                                  writeup: str) -> None:
    """Numbers in names (Phase 3, GLP-1) and compound words (3,000-patient, 20-year) are not
    figures the analyst left out."""
    assert thesis("import", str(WRITEUPS / writeup), "--ticker", "ACME",
                  "-o", str(tmp_path / "acme.yaml")).returncode == 0
    validate = thesis("validate", str(tmp_path))
    warnings = [line for line in validate.stdout.splitlines() if ": warning: " in line]
    assert len(warnings) == 1 and "unreviewed, imported" in warnings[0], validate.stdout


@pytest.mark.parametrize(("company", "text", "rivals"), [
    # its own products and a cited source are not rivals
    ("Ruyun Digital Media Group",
     "Ruyun Digital Media Group\n\nIts Xuanwu chip runs two generations behind Nvidia, per "
     "Bloomberg, and Douyin leads livestream commerce ahead of Kuaishou and Taobao Live, while "
     "Ruyun's Kandian app grows faster than rivals.",
     ["Nvidia", "Douyin", "Kuaishou", "Taobao Live"]),
    # a rival share is taken from, or the stock trades below, is one
    ("Yunlai Group Holdings",
     "Yunlai handled 29.4% of China's food-delivery orders, according to Analysys, taking "
     "share from Meituan and Alibaba's Ele.me. It trades below Tencent, per Bloomberg "
     "consensus.",
     ["Meituan", "Alibaba", "Ele.me", "Tencent"]),
    # a rival in capitals is one; an acronym, a place or a currency is not
    ("Delft Atomic Layer Systems",
     "Delft holds 38% of the atomic layer deposition (ALD) market, ahead of ASM International "
     "and FANUC, and its GPU and HBM customers pay more than US buyers of ALD tools, in RMB or "
     "dollars, while the stock trades below PDD.",
     ["ASM International", "FANUC", "PDD"]),
    # its own things named without "its": in-house, in apposition, a version of one; a place
    # beside its province; a source "based on"; an exchange
    ("Luoxing Video",
     "The in-house Lingxi-1 chip runs 37% of inference, ahead of Kuaishou's. Nanling Chronicles, "
     "the group's fantasy game, grew faster than rivals' games. Lingxi-2 will double throughput "
     "against Nvidia servers in Qingyang (Gansu), based on Bloomberg consensus, above its "
     "Nasdaq peers and Nvidia-based rivals. It competes with ByteDance (Douyin) and Tencent.",
     ["Kuaishou", "Nvidia", "ByteDance", "Douyin", "Tencent"]),
    # a plural of capitals is a kind of thing, not a company; a month is no company either
    ("Kunming Biologics",
     "Indian and Korean CDMOs undercut on price, ahead of Lonza. At HK$34.80 on Sep 11, the "
     "stock trades below peers, and US rules bar Nvidia's leading GPUs against rivals.",
     ["Lonza", "Nvidia"]),
])
def test_the_rivals_a_writeup_names_are_proposed_as_other_companies(
        company: str, text: str, rivals: list[str]) -> None:
    from bot.importer.names import other_companies

    assert other_companies([text], company) == rivals


def test_what_the_summary_says_the_company_runs_places_and_sources_are_no_rivals() -> None:
    """The summary names the company's own apps; a city beside its province, a province, an
    association cited by its acronym, an AI agent "called" something are none of them rivals."""
    from bot.importer.names import other_companies

    summary = ("Xunzhi Technology (XZJB) runs the Xunzhi app for office workers and the Gongyou "
               "app for factory workers, and sells HR software to China Telecom.")
    text = ("Gongyou users grew faster than Kanzhun's, and an agent called Xiaogong books "
            "interviews ahead of rivals. A cluster in Gui'an, Guizhou will cut the share rented "
            "from Alibaba Cloud, and sites in Hebei lead peers, according to the China Passenger "
            "Car Association (CPCA, October 2026); CPCA counted more price cuts than at BYD, "
            "ahead of a Belgian GMP inspection. Its share is above China Unicom's.")
    assert other_companies([summary, text], "Xunzhi Technology", summary) == [
        "Kanzhun", "Alibaba Cloud", "BYD", "China Unicom"]


def test_a_coined_name_opening_a_bull_point_is_the_company_s_business() -> None:
    """Qinyun's karaoke point opens "Gelan Rooms lets users sing…": Gelan is its own app,
    though a later sentence ranks it behind a rival's."""
    from bot.importer.names import other_companies

    bull = "Gelan Rooms lets users sing, host and chat in live-audio rooms for virtual gifts."
    text = "iResearch ranks Gelan second in online karaoke, behind Tencent's WeSing."
    assert other_companies([bull, text], "Qinyun Music", own_case=[bull]) == ["Tencent", "WeSing"]


@pytest.mark.skipif(not SEED.exists(), reason="the seed write-up lives beside the checkout")
def test_a_rival_named_by_an_imported_writeup_is_not_taken_for_the_thesis(
        tmp_path: Path) -> None:
    out = tmp_path / "knowledge" / "baba.yaml"
    out.parent.mkdir()
    thesis("import", str(SEED), "--ticker", "BABA", "-o", str(out))
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert {"ByteDance", "Huawei", "Tencent"} <= set(data["other_companies"])
    assert "Qwen" not in data["other_companies"]
    answer = thesis("--knowledge", str(out.parent), "ask", "tencent bull case")
    assert "I don't have a thesis on" in answer.stdout


@pytest.mark.parametrize(("text", "period"), [
    ("Revenue grew 21% to RMB 10.4 billion in the first nine months of 2026.",
     "first nine months of 2026"),
    ("API revenue grew 136% in the twelve months to September 2026.",
     "twelve months to September 2026"),
    ("In the first nine months, revenue grew 12%.", None),
])
def test_a_span_of_months_is_a_period_not_a_figure(text: str, period: str | None) -> None:
    """"In the first nine months of 2026" says when the figures were, not nine months of
    anything; a span that says no year is no figure either."""
    from bot.importer.figures import read_figures

    found, _ = read_figures(text, set())
    assert found and all(f.unit != "months" for f in found)
    assert period is None or all(period in (f.period or "") for f in found)


def test_a_number_in_two_senses_is_two_figures_and_one_quoted_twice_is_one() -> None:
    """Compute rates rising 9% and a buyback retiring 9% of the shares are two figures, as are
    MAUs and paying users that both "rose"; the one-liner's "paying members rose 19%" and the
    text's "paying members" are one."""
    from bot.importer.figures import same_measure

    assert not same_measure("rates rose", "Completing it would retire of shares")
    assert not same_measure("MAUs rose", "Paying users rose")
    assert same_measure("Paying members rose", "paying members")


def test_a_regulator_is_no_rival_and_a_rival_named_second_is_one() -> None:
    """"Under NEA rules", "NDRC and NEA pilots": regulators; "second to NIO Power", rivals that
    "chase" the company's fleets: rivals."""
    from bot.importer.names import other_companies

    text = ("Jiehuan had 31% of swap stations, second to NIO Power. Under NEA rules new stations "
            "need approval, holding openings to 540 against 800 planned. Fleets are chased by "
            "Choco-Swap and BYD, under NDRC and NEA pilots.")
    assert other_companies([text], "Jiehuan Energy") == ["NIO Power", "Choco-Swap", "BYD"]



def test_a_catalyst_titled_with_its_horizon_is_of_that_horizon(tmp_path: Path) -> None:
    """"### Near term: G4 glasses … (March 2027)" under "Catalysts", no horizon heading above
    it: a near-term catalyst titled by the rest, where the import had refused the write-up."""
    out = tmp_path / "lnmu.yaml"
    result = thesis("import", str(ROOT / "tests" / "eval" / "collide29" / "lnmu.md"),
                    "--ticker", "LNMU", "-o", str(out))
    assert result.returncode == 0, result.stderr
    catalysts = yaml.safe_load(out.read_text(encoding="utf-8"))["catalysts"]
    assert [c["horizon"] for c in catalysts] == ["near", "near", "medium", "long"]
    assert catalysts[1]["title"] == "G4 glasses and Jianshi-4 after CAC filing (March 2027)"


def test_the_city_the_company_is_based_in_is_proposed_as_its_headquarters() -> None:
    """A desk calls a company by its home city ("the Shenzhen name"); where a customer or a
    rival is based is not the company's home."""
    from bot.importer.names import headquarters

    overview = ("Qilin Shuyun Technology Group is a Shenzhen-based technology company listed "
                "on Nasdaq. Its largest customer is Dubai-based Gulf Horizon Motors.")
    assert headquarters([overview], "Qilin Shuyun Technology Group") == "Shenzhen"
    assert headquarters(["Gulf Horizon Motors, based in Dubai, buys its kits."],
                        "Qilin Shuyun Technology Group") is None
    assert headquarters(["Jiehuan Energy, headquartered in Hefei, runs swap stations."],
                        "Jiehuan Energy") == "Hefei"
