"""One vote per person per answer (the question and the card it got), the last one counting:
one person's repeated or replayed 👎 counts once in `thesis report`, and the person is kept as a
one-way hash unless THESIS_LOG_USERS is set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.engine.matcher import Engine
from bot.questions import Questions, group_questions
from bot.render.limits import encode_value
from bot.store import feedback, open_store
from tests.conftest import eventually
from tests.fake_slack import FakeSlack
from tests.slack.conftest import Served, serving
from tests.slack.signed import action_body, signed_headers
from tests.slack.test_actions import press
from tests.slack.test_database_down import settings_for
from tests.slack.test_unanswered import LONG_AGO

FRAUD = {"c": "risk", "t": "BABA", "p": "competition", "q": "is BABA a fraud?", "cf": 0.4}
CLOUD = {"c": "bull", "t": "BABA", "q": "is cloud growing?", "cf": 0.9}


@pytest.fixture
def voting(engine: Engine, database_url: str) -> Iterator[Served]:
    with FakeSlack() as fake, serving(settings_for(fake, database_url), engine, fake) as served:
        yield served


def reported(served: Served) -> dict[str, int]:
    """What `thesis report` groups: question → how many times it is counted."""
    rows = Questions(open_store(served.database_url)).since(LONG_AGO)
    return {g.question: g.count for g in group_questions(rows)}


def votes(served: Served) -> list[tuple[str | None, int, str | None]]:
    with open_store(served.database_url).begin() as conn:
        rows = conn.execute(select(feedback.c.question, feedback.c.helpful,
                                   feedback.c.user_id).order_by(feedback.c.question)).all()
    return [tuple(r) for r in rows]


def test_fifteen_thumbs_down_and_a_replay_by_one_person_count_once(voting: Served) -> None:
    for _ in range(15):
        press(voting, "feedback:down", FRAUD, user="U0ANGRY")
    body = action_body("feedback:down", encode_value(FRAUD), voting.response_url("replay"),
                       user="U0ANGRY")
    for _ in range(3):  # the same signed request, replayed
        voting.slack.post(body, "application/x-www-form-urlencoded",
                          headers=signed_headers(body, "application/x-www-form-urlencoded"))
    press(voting, "feedback:down", FRAUD, user="U0OTHER")
    press(voting, "feedback:up", CLOUD, user="U0ANGRY")
    assert eventually(lambda: reported(voting).get("is BABA a fraud?") == 2, timeout=30)
    assert eventually(lambda: len(votes(voting)) == 3, timeout=30)  # the 👍 is acked first
    assert reported(voting) == {"is BABA a fraud?": 2}
    # Without THESIS_LOG_USERS no user id is kept, only its hash: three votes, two people.
    assert votes(voting) == [("is BABA a fraud?", 0, None), ("is BABA a fraud?", 0, None),
                             ("is cloud growing?", 1, None)]
    assert voting.records().voters() == 2


def test_the_last_vote_counts(voting: Served) -> None:
    press(voting, "feedback:down", FRAUD, user="U0MIND")
    assert eventually(lambda: reported(voting) == {"is BABA a fraud?": 1}, timeout=30)
    press(voting, "feedback:up", FRAUD, user="U0MIND")  # changed their mind
    assert eventually(lambda: reported(voting) == {}, timeout=30)
    assert votes(voting) == [("is BABA a fraud?", 1, None)]
    press(voting, "feedback:down", {**FRAUD, "c": "bear"}, user="U0MIND")  # another card
    assert eventually(lambda: reported(voting) == {"is BABA a fraud?": 1}, timeout=30)



def test_the_feedback_log_line_names_no_user_unless_asked_to(
        voting: Served, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="bot.slack.feedback"):
        press(voting, "feedback:down", FRAUD, user="U0ANGRY")
        assert eventually(lambda: any(r.getMessage().startswith("feedback ")
                                      for r in caplog.records))
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "user=-" in logged and "U0ANGRY" not in logged
