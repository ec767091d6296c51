"""The digest card as a reader sees it: countdowns, what is due first, stale figures, limits."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest.card import build_digest, digest_blocks, digest_text
from bot.knowledge.models import Thesis
from bot.render.limits import MESSAGE_TEXT_BUDGET, text_length
from tests.digest.conftest import catalyst, thesis_like

D = dt.date


def _mrkdwn(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_buyback_window_counts_down_to_march_2027(baba: Thesis) -> None:
    digest = build_digest([baba], D(2025, 11, 25))
    assert "authorization runs through March 2027: 491 days left" in digest_text(digest)
    _, blocks = digest_blocks(digest)
    assert "authorization runs through March 2027: 491 days left" in _mrkdwn(blocks)


def test_countdown_moves_with_the_date(baba: Thesis) -> None:
    text = digest_text(build_digest([baba], D(2026, 11, 25)))
    assert "authorization runs through March 2027: 126 days left" in text
    assert "production scaling through 2026: 36 days left" in text
    assert "forecast horizon 2030: 1497 days left" in text


def test_catalysts_are_grouped_by_horizon_with_what_to_watch(baba: Thesis) -> None:
    text = digest_text(build_digest([baba], D(2026, 11, 25)))
    near, medium, long_ = (text.index(h) for h in ("Near term", "Medium term", "Long term"))
    assert near < text.index("Share Buybacks") < medium < text.index("Custom Chip") < long_
    assert "Watch: Whether management accelerates the pace of repurchases" in text


def test_digest_points_to_the_catalysts_command(baba: Thesis) -> None:
    digest = build_digest([baba], D(2026, 11, 25))
    assert "Details: /thesis BABA catalysts" in digest_text(digest)
    assert "`/thesis BABA catalysts`" in _mrkdwn(digest_blocks(digest)[1])


def test_due_soon_and_just_passed_lead_in_date_order(baba: Thesis) -> None:
    today = D(2026, 6, 10)
    acme = thesis_like(baba, "ACME", [
        catalyst("far", "Far away", end=D(2026, 6, 18), label="far"),       # 8 days: not yet
        catalyst("soon", "Product launch", end=D(2026, 6, 13), label="launch window"),
        catalyst("opens", "Tender opens", start=D(2026, 6, 11), end=D(2026, 9, 1), label="tender"),
        catalyst("gone", "Old news", end=D(2026, 6, 2), label="old"),        # before last digest
        catalyst("just", "Vote", start=D(2026, 6, 8), end=D(2026, 6, 8), label="shareholder vote",
                 status="hit"),
        catalyst("today", "Earnings", start=D(2026, 6, 10), end=D(2026, 6, 10), label="Q2 call"),
    ])
    digest = build_digest([acme], today, last_digest=D(2026, 6, 5))
    assert [i.catalyst_id for i in digest.due] == ["just", "today", "opens", "soon"]
    text = digest_text(digest)
    due = text[text.index("Due soon / just passed"):text.index("ACME ·")]
    assert "Vote — shareholder vote: 2 days ago (8 Jun 2026) · ✅ hit" in due
    assert "Earnings — Q2 call: today (10 Jun 2026)" in due
    assert "Tender opens — tender: starts tomorrow (11 Jun 2026)" in due
    assert "Product launch — launch window: ends in 3 days (13 Jun 2026)" in due
    assert "Far away" not in due and "Old news" not in due


def test_first_digest_looks_back_one_week(baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [
        catalyst("week", "Week ago", end=D(2026, 6, 3), label="a"),
        catalyst("older", "Eight days ago", end=D(2026, 6, 2), label="b"),
    ])
    assert [i.catalyst_id for i in build_digest([acme], D(2026, 6, 10)).due] == ["week"]


def test_due_items_from_several_theses_interleave_by_date(baba: Thesis) -> None:
    a = thesis_like(baba, "AAA", [catalyst("x", "Later", end=D(2026, 6, 14))])
    b = thesis_like(baba, "BBB", [catalyst("y", "Sooner", end=D(2026, 6, 11))])
    digest = build_digest([a, b], D(2026, 6, 10))
    assert [(i.ticker, i.title) for i in digest.due] == [("BBB", "Sooner"), ("AAA", "Later")]


def test_an_old_thesis_gets_the_same_warning_as_its_cards(baba: Thesis) -> None:
    text = digest_text(build_digest([baba], D(2026, 11, 25), stale_after_days=180))
    assert ("⚠ BABA was last updated 27 Nov 2025 (363 days ago); its figures may be out of "
            "date.") in text
    fresh = digest_text(build_digest([baba], D(2025, 12, 1), stale_after_days=180))
    assert "⚠" not in fresh


def test_thesis_without_figures_warns_about_its_update_date(baba: Thesis) -> None:
    bare = thesis_like(baba, "BARE", figures=[], updated=D(2026, 1, 1))
    text = digest_text(build_digest([bare], D(2026, 11, 25), stale_after_days=180))
    assert "⚠ BARE was last updated 1 Jan 2026 (328 days ago)" in text


def test_a_fresh_thesis_with_one_old_figure_warns_naming_that_figures_date(
        baba: Thesis) -> None:
    today = D(2026, 11, 25)
    old = baba.figures[0].model_copy(update={"as_of": D(2023, 11, 25)})
    recent = [f.model_copy(update={"as_of": D(2026, 11, 1)}) for f in baba.figures[1:]]
    acme = thesis_like(baba, "ACME", updated=D(2026, 11, 1), figures=[old, *recent])
    warning = ("ACME was last updated 1 Nov 2026 (24 days ago); figures as old as 25 Nov 2023 "
               "may be out of date.")
    digest = build_digest([acme], today, stale_after_days=180)
    assert f"⚠ {warning}" in digest_text(digest)
    _, blocks = digest_blocks(digest)
    contexts = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert f"⚠️ {warning}" in contexts


def test_hit_and_missed_catalysts_say_so(baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [catalyst("a", "Won", status="hit"),
                                      catalyst("b", "Lost", status="missed"),
                                      catalyst("c", "Open")])
    text = digest_text(build_digest([acme], D(2026, 6, 10)))
    assert "Won · ✅ hit" in text and "Lost · ❌ missed" in text and "Open · ⏳ pending" in text


def test_analyst_text_cannot_become_markup_in_slack(baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [catalyst("a", "M&A <!channel> deal",
                                               watch="Price > $10 & <@U123>")])
    _, blocks = digest_blocks(build_digest([acme], D(2026, 6, 10)))
    raw = _mrkdwn(blocks)
    assert "M&amp;A &lt;!channel&gt; deal" in raw
    assert "Price &gt; $10 &amp; &lt;@U123&gt;" in raw
    assert "<!channel>" not in raw and "<@U123>" not in raw


def test_one_thesis_gets_a_full_card_with_header(baba: Thesis) -> None:
    text, blocks = digest_blocks(build_digest([baba], D(2026, 11, 25)))
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                                    "text": "Catalyst digest · Wed 25 Nov 2026"}}
    assert text.startswith("Catalyst digest · Wed 25 Nov 2026:")
    assert any(b["type"] == "context" and "363 days ago" in b["elements"][0]["text"]
               for b in blocks)


def test_no_theses_says_so(baba: Thesis) -> None:
    _, blocks = digest_blocks(build_digest([], D(2026, 11, 25)))
    assert "No thesis is loaded yet" in _mrkdwn(blocks)


def _assert_within_slack_limits(blocks: list[dict]) -> None:
    assert len(blocks) <= 50
    assert text_length(blocks) <= MESSAGE_TEXT_BUDGET
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert all(len(e["text"]) <= 3000 for e in block["elements"])


def test_many_theses_fit_one_message_and_name_the_rest(baba: Thesis) -> None:
    theses = [thesis_like(baba, f"T{i:03d}") for i in range(120)]
    text, blocks = digest_blocks(build_digest(theses, D(2026, 12, 27)))
    _assert_within_slack_limits(blocks)
    raw = _mrkdwn(blocks)
    assert "T000 · Alibaba Group" in raw and "`/thesis T000 catalysts`" in raw
    assert blocks[-1]["type"] == "context"
    assert "more: " in blocks[-1]["elements"][0]["text"]
    assert "Ask /thesis TICKER catalysts for each." in blocks[-1]["elements"][0]["text"]
    assert len(text) <= 3000


def test_a_few_theses_get_compact_cards_before_any_is_left_out(baba: Thesis) -> None:
    theses = [thesis_like(baba, f"T{i}") for i in range(7)]
    _, blocks = digest_blocks(build_digest(theses, D(2026, 12, 27)))
    _assert_within_slack_limits(blocks)
    raw = _mrkdwn(blocks)
    assert all(f"`/thesis T{i} catalysts`" in raw for i in range(7))
    assert "more: " not in raw


@settings(max_examples=25, deadline=None)
@given(
    count=st.integers(0, 70),
    title=st.text(min_size=1, max_size=400).filter(lambda s: s.strip()),
    catalysts=st.integers(0, 12),
)
def test_any_digest_stays_within_slack_limits(baba: Thesis, count: int, title: str,
                                              catalysts: int) -> None:
    items = [catalyst(f"c{j}", title, end=D(2026, 12, 20 + j % 10), label=title, watch=title,
                      horizon=("near", "medium", "long")[j % 3]) for j in range(catalysts)]
    theses = [thesis_like(baba, f"T{i}", items, title=title.strip() or "x") for i in range(count)]
    _, blocks = digest_blocks(build_digest(theses, D(2026, 12, 21), D(2026, 12, 18)))
    _assert_within_slack_limits(blocks)
