"""Unanswered questions: recorded when the bot could not answer well, kept for the retention
period, and reported grouped by wording."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.cli.main import main
from bot.engine.matcher import Engine
from bot.questions import (
    Asked,
    Questions,
    group_questions,
    likely_point,
    likely_ticker,
    reason_for,
)
from bot.store import open_store

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

# A recorded week of questions the bot did not answer well (wording, ticker, card, point).
RECORDED = [
    ("what's the dividend policy", "BABA", "unknown", None, 1),
    ("dividend policy?", "BABA", "unknown", None, 2),
    ("BABA dividend policy", "BABA", "unknown", None, 3),
    ("what is the dividend policy of alibaba", "BABA", "unknown", None, 3),
    ("who won the football", None, "unknown", None, 4),
    ("who won the football last night", None, "unknown", None, 5),
    ("how is cloud doing", "BABA", "risk", "competition", 5),
    ("how is the cloud business doing", "BABA", "risk", "competition", 6),
    ("baba", "BABA", "overview", None, 6),
]


def asked(question: str, ticker: str | None, card: str, point: str | None, days_ago: int,
          reason: str = "unknown") -> Asked:
    return Asked(NOW - dt.timedelta(days=days_ago), "command", reason, question, card, ticker,
                 point, 0.2, "U0ASKER")


def test_unknown_and_unsure_answers_are_recorded_sure_ones_not(engine: Engine,
                                                                database_url: str) -> None:
    questions = Questions(open_store(database_url))
    assert questions.note(engine.answer("who won the football"), "command", now=NOW)
    assert not questions.note(engine.answer("BABA risks"), "command", now=NOW)
    assert not questions.note(engine.answer("help"), "command", now=NOW)
    [row] = questions.since(NOW - dt.timedelta(days=1))
    assert (row.question, row.card, row.reason, row.surface) == (
        "who won the football", "unknown", "no_thesis", "command")


def test_user_ids_are_kept_only_when_asked_to(database_url: str) -> None:
    store = open_store(database_url)
    Questions(store).record(asked("x y", None, "unknown", None, 0))
    Questions(store, log_users=True).record(asked("x z", None, "unknown", None, 0))
    users = {a.question: a.user_id for a in Questions(store).since(NOW - dt.timedelta(days=1))}
    assert users == {"x y": None, "x z": "U0ASKER"}


def test_questions_older_than_the_retention_are_deleted(database_url: str) -> None:
    questions = Questions(open_store(database_url), retention_days=90)
    questions.record(asked("old one", None, "unknown", None, 91))
    questions.record(asked("recent one", None, "unknown", None, 89))
    assert questions.prune(NOW) == 1
    assert [a.question for a in questions.since(NOW - dt.timedelta(days=365))] == ["recent one"]


def test_similar_wordings_are_one_group_most_asked_first() -> None:
    groups = group_questions([asked(*row) for row in RECORDED])
    summary = [(g.count, g.ticker, g.card, sorted(g.wordings)) for g in groups]
    assert summary[0] == (4, "BABA", "unknown", sorted(w for w, *_ in RECORDED[:4]))
    assert (2, None, "unknown", ["who won the football", "who won the football last night"]) \
        in summary
    assert (2, "BABA", "risk", ["how is cloud doing", "how is the cloud business doing"]) \
        in summary
    assert (1, "BABA", "overview", ["baba"]) in summary  # one shared word is not enough
    assert len(groups) == 4


@pytest.fixture
def recorded(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    questions = Questions(open_store(database_url))
    for row in RECORDED:
        questions.record(asked(*row))
    questions.record(asked("ancient", None, "unknown", None, 30))
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def test_report_json_groups_the_week(recorded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--since", "7d", "--json", "--now", NOW.isoformat()]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == len(RECORDED)
    top = report["groups"][0]
    assert (top["count"], top["thesis"], top["card"]) == (4, "BABA", "unknown")
    cloud = next(g for g in report["groups"] if g["likely_point"])
    assert (cloud["count"], cloud["likely_point"]) == (2, "competition")


def test_report_for_one_thesis_in_words(recorded: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--since", "2026-02-20", "--thesis", "baba",
                 "--now", NOW.isoformat()]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ("Unanswered questions about BABA since 2026-02-20 00:00 UTC: "
                                   "7 questions in 3 groups, most asked first.")
    assert "   4×  BABA dividend policy" in out  # equal counts: the first wording
    assert "likely wanted: BABA · competition" in out
    assert "football" not in out


def test_report_bad_since_is_one_line(recorded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--since", "lately"]) == 1
    assert capsys.readouterr().err == ("thesis: --since 'lately' is not a span or a date. "
                                       "Use 7d, 24h, 2w or 2026-01-05.\n")


ABOUT_NO_THESIS = ["tesla bull case", "what's the weather in London", "eli lilly risks"]


def test_questions_about_no_thesis_are_never_pinned_on_one(
        book_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The "I don't know" card offers every thesis as a way out; that is not what was asked."""
    questions = Questions(open_store(database_url))
    for question in [*ABOUT_NO_THESIS, "BABA weather"]:
        assert questions.note(book_engine.answer(question), "command", now=NOW)
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["report", "--since", "1d", "--now", NOW.isoformat()]) == 0
    out = capsys.readouterr().out
    for question in ABOUT_NO_THESIS:
        line = out[out.index(question):].splitlines()[1]
        assert "about no thesis in the book" in line and "BABA" not in line, line
    assert "likely wanted: BABA" in out[out.index("BABA weather"):]  # a named thesis lacks it

    assert main(["report", "--since", "1d", "--thesis", "BABA", "--now", NOW.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "BABA weather" in out
    assert not any(question in out for question in ABOUT_NO_THESIS)

    assert main(["report", "--since", "1d", "--json", "--now", NOW.isoformat()]) == 0
    groups = {g["question"]: g for g in json.loads(capsys.readouterr().out)["groups"]}
    assert all((groups[q]["thesis"], groups[q]["no_thesis"]) == (None, True)
               for q in ABOUT_NO_THESIS)


def test_a_question_several_theses_fit_is_about_no_one_of_them(book_engine: Engine) -> None:
    answer = book_engine.answer("risks")
    assert answer.reason == "which thesis"
    [group] = group_questions([Asked(NOW, "command", reason_for(answer) or "", "risks",
                                     answer.card, likely_ticker(answer), likely_point(answer))])
    assert (group.ticker, group.point, group.about_no_thesis) == (None, None, False)
