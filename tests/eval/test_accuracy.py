"""The matcher gets the right card and point on the evaluation set, and says "unknown" when it
should (the targets come from the issue: 97% overall, 95% of out-of-scope)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from bot.engine.matcher import Engine
from tests.eval.evaluate import (
    BABA_ONLY,
    BOOK,
    COLLIDING,
    HELD_OUT,
    INTENTS_DIR,
    OWN_DEV,
    OWN_HELD_OUT,
    Case,
    engine_over,
    evaluate,
    is_right,
    load_cases,
)


def _misses(report) -> str:  # noqa: ANN001
    return "\n".join(f"  [{c.category}] {c.q!r}: want {c.card}/{c.point}, got {card}/{point}"
                     for c, card, point in report.misses)


def test_overall_accuracy_at_least_97_percent(engine: Engine) -> None:
    report = evaluate(engine, load_cases())
    assert sum(report.total.values()) >= 150
    assert report.accuracy() >= 0.97, _misses(report)


def test_out_of_scope_questions_answered_unknown(engine: Engine) -> None:
    cases = [c for c in load_cases() if c.card == "unknown"]
    assert len(cases) >= 40
    report = evaluate(engine, cases)
    assert report.accuracy() >= 0.95, _misses(report)


@pytest.mark.slow
def test_baba_questions_stay_right_with_the_whole_book_loaded() -> None:
    """Three keyword-less theses beside BABA: "which thesis?" counts only for questions that
    name no company and fit any thesis (the target from the book issue: 95%)."""
    report = evaluate(Engine.from_dirs(BOOK, INTENTS_DIR), load_cases())
    assert report.accuracy() >= 0.95, _misses(report)


@functools.cache
def _book_of(*folders: Path) -> Engine:
    """An engine over the theses of these folders, built once for every set scored in it."""
    return engine_over(*(path for folder in folders for path in folder.glob("*.yaml")))


# Floors on the sets in the asker's own words, score only (the held-out ones' misses are never
# read): each three points under what the engine scores now in the colliding book (39 theses),
# so a change that loses ground fails here before it ships.
OWN_FLOORS = {"own/baba_dev.yaml": 0.86, "own/book_dev.yaml": 0.81,
              "collide1/questions.yaml": 0.84, "collide3/questions.yaml": 0.85,
              "collide5/questions.yaml": 0.89, "collide6/questions.yaml": 0.88,
              "own/baba_dev2.yaml": 0.91, "collide10/questions.yaml": 0.82,
              "own/book_dev2.yaml": 0.84, "collide11/questions.yaml": 0.85,
              "own/baba_dev3.yaml": 0.82, "own/uncovered_dev.yaml": 0.74,
              "collide13/questions.yaml": 0.80, "collide16/questions.yaml": 0.77,
              "own/baba_dev4.yaml": 0.85, "collide17/questions.yaml": 0.83,
              "own/baba_dev5.yaml": 0.86, "own/uncovered_dev2.yaml": 0.69,
              "collide18/questions.yaml": 0.57, "own/uncovered_dev3.yaml": 0.85,
              "collide21/questions.yaml": 0.79, "own/baba_dev6.yaml": 0.89,
              "collide26/questions.yaml": 0.83, "own/uncovered_dev4.yaml": 0.79,
              "collide29/questions.yaml": 0.74, "own/baba_dev7.yaml": 0.80,
              "own/baba_dev8.yaml": 0.82, "own/uncovered_dev5.yaml": 0.84,
              "collide31/questions.yaml": 0.72, "own/baba_dev9.yaml": 0.86,
              "own/uncovered_dev6.yaml": 0.63, "collide33/questions.yaml": 0.72,
              "own/baba_heldout.yaml": 0.82, "own/baba_heldout2.yaml": 0.88,
              "own/baba_final.yaml": 0.89, "own/baba_third.yaml": 0.86,
              "own/baba_fourth.yaml": 0.90, "own/baba_fifth.yaml": 0.86,
              "collide2/questions.yaml": 0.66, "collide4/questions.yaml": 0.86,
              "collide7/questions.yaml": 0.89, "collide8/questions.yaml": 0.83,
              "collide9/questions.yaml": 0.78, "collide12/questions.yaml": 0.79,
              "own/baba_sixth.yaml": 0.81, "collide14/questions.yaml": 0.76,
              "own/baba_seventh.yaml": 0.80, "collide15/questions.yaml": 0.78,
              "own/baba_eighth.yaml": 0.78, "collide19/questions.yaml": 0.61,
              "own/baba_ninth.yaml": 0.84, "own/uncovered_heldout.yaml": 0.86,
              "own/baba_tenth.yaml": 0.79, "collide20/questions.yaml": 0.62,
              "own/baba_eleventh.yaml": 0.78, "own/uncovered_heldout2.yaml": 0.84,
              "collide22/questions.yaml": 0.72, "own/baba_twelfth.yaml": 0.86,
              "collide23/questions.yaml": 0.65, "own/baba_thirteenth.yaml": 0.84,
              "own/uncovered_heldout3.yaml": 0.75, "own/baba_fourteenth.yaml": 0.85,
              "own/uncovered_heldout4.yaml": 0.74, "collide24/questions.yaml": 0.76,
              "own/baba_fifteenth.yaml": 0.88, "collide25/questions.yaml": 0.78,
              "own/baba_sixteenth.yaml": 0.78, "collide27/questions.yaml": 0.73,
              "own/baba_seventeenth.yaml": 0.89, "own/uncovered_heldout5.yaml": 0.77,
              "own/baba_eighteenth.yaml": 0.79, "own/uncovered_heldout6.yaml": 0.71,
              "collide28/questions.yaml": 0.65, "collide30/questions.yaml": 0.77,
              "own/baba_nineteenth.yaml": 0.80, "collide32/questions.yaml": 0.76,
              "own/baba_twentieth.yaml": 0.78, "collide34/questions.yaml": 0.76,
              "own/baba_twentyfirst.yaml": 0.78, "own/uncovered_heldout7.yaml": 0.62,
              "own/baba_twentysecond.yaml": 0.76, "own/uncovered_heldout8.yaml": 0.63,
              "own/baba_twentythird.yaml": 0.59, "own/uncovered_heldout9.yaml": 0.51,
              "own/baba_dev10.yaml": 0.53, "own/baba_twentyfourth.yaml": 0.53,
              "collide35/questions.yaml": 0.59, "own/book_heldout.yaml": 0.64,
              "own/baba_twentyfifth.yaml": 0.86, "own/uncovered_heldout10.yaml": 0.79,
              "own/baba_twentysixth.yaml": 0.78, "own/uncovered_heldout11.yaml": 0.80,
              "own/uncovered_dev7.yaml": 0.66, "own/baba_twentyseventh.yaml": 0.83,
              "own/uncovered_heldout12.yaml": 0.67}


@pytest.mark.parametrize("path", [*OWN_DEV, *OWN_HELD_OUT],
                         ids=lambda p: p.parent.name + "/" + p.name)
def test_questions_in_the_askers_own_words_keep_their_floor(path: Path) -> None:
    report = evaluate(_book_of(BOOK, *COLLIDING), load_cases(path))
    floor = OWN_FLOORS[f"{path.parent.name}/{path.name}"]
    assert report.accuracy() >= floor, f"{report.accuracy():.1%}"


@pytest.mark.parametrize(("sets", "floor"), [(OWN_DEV, 0.98), (OWN_HELD_OUT, 0.955)],
                         ids=["development", "held out"])
def test_an_answer_given_as_sure_is_right(sets: tuple[Path, ...], floor: float) -> None:
    """Answers at or above SURE are answered without "Did you mean": on the development sets
    they are calibrated to be right 98% of the time; the held-out sets keep a floor (score
    only) under what they score now."""
    engine = _book_of(BOOK, *COLLIDING)
    reports = [evaluate(engine, load_cases(path)) for path in sets]
    right = sum(r.band_right["sure"] for r in reports)
    total = sum(r.band_total["sure"] for r in reports)
    assert right / total >= floor, f"{right}/{total}"


@pytest.mark.parametrize(("name", "folder"), HELD_OUT)
def test_held_out_theses_keep_their_floor(name: str, folder: Path) -> None:
    report = evaluate(_book_of(BABA_ONLY, folder / "theses"), load_cases(folder / "questions.yaml"))
    assert report.accuracy() >= {"FROZEN": 0.93, "UNSEEN2": 0.87, "UNSEEN3": 0.80}[name]


def test_a_point_a_writer_also_accepts_is_right_in_whichever_card_holds_it(
        engine: Engine) -> None:
    """`also: [chip-restrictions]` on a custom-chips question: the chip-restrictions risk is
    a right answer, though it stands in the risk card, not the catalysts."""
    case = Case(q="T-Head chips: do they get BABA around the export controls?", card="catalyst",
                point="custom-chips", category="own_point", also=["chip-restrictions"],
                thesis="BABA")
    assert is_right(case, engine.answer_for("BABA", "risk", "chip-restrictions"), False)
    assert is_right(case, engine.answer_for("BABA", "catalyst", "custom-chips"), False)
    assert not is_right(case, engine.answer_for("BABA", "risk", "competition"), False)
