"""The digest card as a reader sees it: countdowns, what is due first, stale figures, limits."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.models import Thesis
from bot.notify.digest_card import build_digest, digest_blocks, digest_text
from bot.render.limits import MESSAGE_TEXT_BUDGET, text_length
from tests.notify.conftest import catalyst, thesis_like

D = dt.date


def _mrkdwn(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_buyback_authorization_counts_down_in_months_to_march_2027(baba: Thesis) -> None:
    digest = build_digest([baba], D(2025, 11, 25))
    assert "Buyback authorization: through March 2027 — in 16 months" in digest_text(digest)
    _, blocks = digest_blocks(digest)
    assert "_Buyback authorization:_ through March 2027 — in 16 months" in _mrkdwn(blocks)


def test_countdown_moves_with_the_date_at_the_precision_the_text_gives(baba: Thesis) -> None:
    text = digest_text(build_digest([baba], D(2026, 11, 25)))
    assert "Buyback authorization: through March 2027 — in 4 months" in text
    assert "China's AI adoption forecast to exceed 30%: by 2030 — in 4 years" in text
    for invented in ("days left", "31 Mar 2027", "31 Dec 2030", "31 Dec 2026"):
        assert invented not in text  # no invented day to count down to


def test_conditional_catalyst_shows_its_condition_and_no_deadline(baba: Thesis) -> None:
    digest = build_digest([baba], D(2026, 12, 27), last_digest=D(2026, 12, 24))
    text = digest_text(digest)
    chips = text[text.index("Custom Chip Production"):text.index("Long term")]
    assert "Condition: If chip production scales through 2026 and powers competitive pricing" \
        in chips
    assert "—" not in chips and "left" not in chips and "ago" not in chips
    assert not digest.due  # "if … through 2026" never comes due, even as 2026 ends
    after = build_digest([baba], D(2027, 1, 2), last_digest=D(2026, 12, 31))
    assert not after.due
    _, blocks = digest_blocks(digest)
    assert "_Condition:_ If chip production scales through 2026" in _mrkdwn(blocks)


def test_catalysts_are_grouped_by_horizon_with_what_the_text_says_to_watch(baba: Thesis) -> None:
    text = digest_text(build_digest([baba], D(2026, 11, 25)))
    near, medium, long_ = (text.index(h) for h in ("Near term", "Medium term", "Long term"))
    assert near < text.index("Share Buybacks") < medium < text.index("Custom Chip") < long_
    assert "What to watch: revenue per model to rise and cloud contract sizes to expand" in text
    assert text.count("What to watch") == 1  # the only catalyst whose text says what to watch


def test_status_nobody_set_is_not_shown_anywhere(baba: Thesis) -> None:
    digest = build_digest([baba], D(2026, 11, 25))
    for shown in (digest_text(digest), _mrkdwn(digest_blocks(digest)[1])):
        assert "pending" not in shown and "⏳" not in shown and "status" not in shown.lower()


def test_digest_points_to_the_catalysts_command(baba: Thesis) -> None:
    digest = build_digest([baba], D(2026, 11, 25))
    assert "Details: /thesis BABA catalysts" in digest_text(digest)
    assert "`/thesis BABA catalysts`" in _mrkdwn(digest_blocks(digest)[1])


HIT = {"value": "hit", "by": "Jane Doe", "date": "2026-06-09"}


def test_due_soon_and_just_passed_lead_in_date_order(baba: Thesis) -> None:
    today = D(2026, 6, 10)
    acme = thesis_like(baba, "ACME", [
        catalyst("far", "Far away", when=D(2026, 6, 18)),                  # 8 days: not yet
        catalyst("soon", "Product launch", when="by 2026-06-13", what="launch window"),
        catalyst("opens", "Tender opens", when="from 2026-06-11", what="tender"),
        catalyst("gone", "Old news", when=D(2026, 6, 2)),                  # before last digest
        catalyst("just", "Vote", when=D(2026, 6, 8), what="shareholder vote", status=HIT),
        catalyst("today", "Earnings", when="2026-06-10", what="Q2 call"),
        catalyst("month", "Approval", when="June 2026"),                   # this month
        catalyst("later", "Launch", when="Q3 2026"),                       # a quarter, not yet
    ])
    digest = build_digest([acme], today, last_digest=D(2026, 6, 5))
    assert [i.catalyst_id for i in digest.due] == ["just", "today", "opens", "soon", "month"]
    text = digest_text(digest)
    due = text[text.index("Due soon / just passed"):text.index("ACME ·")]
    assert "Vote — shareholder vote: 8 Jun 2026 — 2 days ago · ✅ hit — Jane Doe, 9 Jun 2026" \
        in due
    assert "Earnings — Q2 call: 10 Jun 2026 — today" in due
    assert "Tender opens — tender: from 11 Jun 2026 — tomorrow" in due
    assert "Product launch — launch window: by 13 Jun 2026 — in 3 days" in due
    assert "Approval — When: June 2026 — this month" in due
    assert "Far away" not in due and "Old news" not in due and "Launch —" not in due


def test_a_quarter_half_or_year_comes_due_once_it_is_over_never_on_an_invented_day(
        baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [
        catalyst("q", "Quarter", when="Q2 2026"), catalyst("h", "Half", when="H1 2026"),
        catalyst("y", "Year", when="by 2026"), catalyst("m", "Month", when="through May 2026"),
    ])
    inside = build_digest([acme], D(2026, 6, 30), last_digest=D(2026, 6, 29))
    assert [i.catalyst_id for i in inside.due] == []
    text = digest_text(inside)
    assert "When: Q2 2026 — this quarter" in text and "When: H1 2026 — this half-year" in text
    assert "When: by 2026 — this year" in text and "When: through May 2026 — 1 month ago" in text
    after = build_digest([acme], D(2026, 7, 1), last_digest=D(2026, 6, 30))
    assert [i.catalyst_id for i in after.due] == ["h", "q"]  # same day: by title
    assert "Quarter — When: Q2 2026 — 1 quarter ago" in digest_text(after)


def test_first_digest_looks_back_one_week(baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [
        catalyst("week", "Week ago", when=D(2026, 6, 3)),
        catalyst("older", "Eight days ago", when=D(2026, 6, 2)),
    ])
    assert [i.catalyst_id for i in build_digest([acme], D(2026, 6, 10)).due] == ["week"]


def test_due_items_from_several_theses_interleave_by_date(baba: Thesis) -> None:
    a = thesis_like(baba, "AAA", [catalyst("x", "Later", when=D(2026, 6, 14))])
    b = thesis_like(baba, "BBB", [catalyst("y", "Sooner", when=D(2026, 6, 11))])
    digest = build_digest([a, b], D(2026, 6, 10))
    assert [(i.ticker, i.title) for i in digest.due] == [("BBB", "Sooner"), ("AAA", "Later")]


def test_an_old_thesis_gets_the_same_warning_as_its_cards(baba: Thesis) -> None:
    text = digest_text(build_digest([baba], D(2026, 11, 25), stale_after_days=180))
    assert ("⚠ BABA was last updated 27 Nov 2025 (363 days ago); its figures may be out of "
            "date.") in text
    fresh = digest_text(build_digest([baba], D(2025, 12, 1), stale_after_days=180))
    assert "⚠" not in fresh


def test_a_thesis_reviewed_every_30_days_is_stale_after_30_not_the_global_180(
        baba: Thesis) -> None:
    monthly = thesis_like(baba, "MNTH", review_every=30, updated=D(2026, 1, 1), figures=[])
    yearly = thesis_like(baba, "YRLY", review_every=365, updated=D(2026, 1, 1), figures=[])
    text = digest_text(build_digest([monthly, yearly], D(2026, 2, 15), stale_after_days=180))
    assert ("⚠ MNTH was last updated 1 Jan 2026 (45 days ago, to be reviewed every 30 days); "
            "its figures may be out of date.") in text
    assert "YRLY was last updated" not in text
    later = digest_text(build_digest([yearly], D(2026, 12, 1), stale_after_days=180))
    assert "⚠" not in later  # 334 days: older than the global 180, within its own 365


def test_a_thesis_updated_since_the_last_digest_is_marked_in_every_layout(
        baba: Thesis) -> None:
    others = [thesis_like(baba, f"T{i:02d}") for i in range(12)]
    digest = build_digest([baba, *others], D(2026, 2, 27),
                          updated={"BABA": D(2025, 11, 20)})
    mark = "🆕 Updated since the last digest: 27 Nov 2025 (was 20 Nov 2025)"
    assert f"BABA · Alibaba Group — {baba.title}\n  {mark}" in digest_text(digest)
    _, blocks = digest_blocks(digest)  # thirteen theses: one compact section each
    assert _mrkdwn(blocks).count("Updated since the last digest") == 1
    _, full = digest_blocks(build_digest([baba], D(2026, 2, 27), updated={"BABA": D(2025, 11, 20)}))
    assert {"type": "mrkdwn", "text": mark} in [e for b in full if b["type"] == "context"
                                                for e in b["elements"]]


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


def test_a_status_says_who_set_it_and_when(baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [
        catalyst("a", "Won", status=HIT),
        catalyst("b", "Lost", status={"value": "missed", "by": "Ann Lee", "date": "2026-05-01",
                                      "note": "launch slipped"}),
        catalyst("c", "Still open", status={"value": "pending", "by": "Ann Lee",
                                            "date": "2026-05-02"}),
        catalyst("d", "Nobody judged")])
    digest = build_digest([acme], D(2026, 6, 10))
    text = digest_text(digest)
    assert "Won · ✅ hit — Jane Doe, 9 Jun 2026" in text
    assert "Lost · ❌ missed — Ann Lee, 1 May 2026: launch slipped" in text
    assert "Still open · ⏳ pending — Ann Lee, 2 May 2026" in text
    assert "    • Nobody judged\n" in text + "\n"
    assert "*Won* · ✅ hit — Jane Doe, 9 Jun 2026" in _mrkdwn(digest_blocks(digest)[1])


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
    items = [catalyst(f"c{j}", title, when=D(2026, 12, 20 + j % 10), what=title, watch=title,
                      condition=title, horizon=("near", "medium", "long")[j % 3])
             for j in range(catalysts)]
    theses = [thesis_like(baba, f"T{i}", items, title=title.strip() or "x") for i in range(count)]
    _, blocks = digest_blocks(build_digest(theses, D(2026, 12, 21), D(2026, 12, 18)))
    _assert_within_slack_limits(blocks)
