"""The digest card as a reader sees it: what is overdue, due soon or new before the rest,
countdowns at the text's precision, stale figures, buttons, limits."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.models import Thesis
from bot.notify.digest_card import build_digest, digest_blocks, digest_text
from bot.render.blocks import CardRef
from bot.render.limits import MESSAGE_TEXT_BUDGET, text_length
from tests.notify.conftest import catalyst, thesis_like

D = dt.date


def _mrkdwn(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def _between(text: str, start: str, end: str | None = None) -> str:
    """The part of a digest from one heading to the next (or to the end)."""
    first = text.index(start)
    return text[first:text.index(end, first) if end else len(text)]


def _buttons(blocks: list[dict]) -> list[dict]:
    return [b["accessory"] for b in blocks if "accessory" in b] + \
        [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


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
    chips = _between(text, "Custom Chip Production", "Qwen")
    assert "Condition: If chip production scales through 2026 and powers competitive pricing" \
        in chips
    assert "—" not in chips and "left" not in chips and "ago" not in chips
    assert not digest.due  # "if … through 2026" never comes due, even as 2026 ends
    after = build_digest([baba], D(2027, 1, 2), last_digest=D(2026, 12, 31))
    assert not after.due and not after.overdue
    _, blocks = digest_blocks(digest)
    assert "_Condition:_ If chip production scales through 2026" in _mrkdwn(blocks)


def test_a_thesis_lists_its_catalysts_by_date_then_undated_ones_by_horizon(
        baba: Thesis) -> None:
    text = digest_text(build_digest([baba], D(2026, 11, 25)))
    order = [text.index(t) for t in ("Share Buybacks", "China AI Adoption Wave",
                                     "Custom Chip Production", "Qwen Ecosystem Monetization")]
    assert order == sorted(order)  # March 2027, 2030, then the two undated medium-term ones
    assert "Horizon: Medium term" in _between(text, "Custom Chip", "Qwen")
    assert "Horizon" not in _between(text, "Share Buybacks", "Custom Chip")  # dated: no need
    assert "What to watch: revenue per model to rise and cloud contract sizes to expand" in text
    assert text.count("What to watch") == 1  # the only catalyst whose text says what to watch


def test_status_nobody_set_is_not_shown_anywhere(baba: Thesis) -> None:
    digest = build_digest([baba], D(2026, 11, 25))
    for shown in (digest_text(digest), _mrkdwn(digest_blocks(digest)[1])):
        assert "pending" not in shown and "⏳" not in shown and "status" not in shown.lower()


def test_each_thesis_has_a_catalysts_button_the_slack_layer_routes(baba: Thesis) -> None:
    digest = build_digest([baba], D(2026, 11, 25))
    assert "Details: /thesis BABA catalysts" in digest_text(digest)  # the terminal's hint
    _, blocks = digest_blocks(digest)
    [opens] = _buttons(blocks)
    assert opens["text"]["text"] == "BABA · Catalysts"
    assert opens["action_id"] == "nav:catalyst"
    assert CardRef.from_value(opens["value"]) == CardRef("catalyst", "BABA")
    assert "/thesis BABA catalysts" not in _mrkdwn(blocks)  # a button, not code to retype


HIT = {"value": "hit", "by": "Jane Doe", "date": "2026-06-09"}


def test_overdue_then_due_soon_then_new_each_by_date_before_the_rest(baba: Thesis) -> None:
    today = D(2026, 6, 10)
    acme = thesis_like(baba, "ACME", [
        catalyst("far", "Far away", when=D(2026, 6, 18)),                  # 8 days: not yet
        catalyst("soon", "Product launch", when="by 2026-06-13", what="launch window"),
        catalyst("opens", "Tender opens", when="from 2026-06-11", what="tender"),
        catalyst("gone", "Old news", when=D(2026, 6, 2)),                  # passed, no outcome
        catalyst("just", "Vote", when=D(2026, 6, 8), what="shareholder vote", status=HIT),
        catalyst("today", "Earnings", when="2026-06-10", what="Q2 call"),
        catalyst("month", "Approval", when="June 2026"),                   # this month
        catalyst("later", "Launch", when="Q3 2026"),                       # a quarter, not yet
        catalyst("may", "Licence", when="through May 2026"),               # a month, passed
    ])
    digest = build_digest([acme], today, last_digest=D(2026, 6, 5))
    assert [i.catalyst_id for i in digest.overdue] == ["may", "gone"]
    assert [i.catalyst_id for i in digest.due] == ["today", "opens", "soon", "month"]
    assert [i.catalyst_id for i in digest.new] == ["just"]
    assert [c.catalyst_id for c in digest.theses[0].catalysts] == ["far", "later"]
    text = digest_text(digest)
    assert text.index("Overdue") < text.index("Due soon") < text.index("New since the last") \
        < text.index("ACME ·")
    overdue = _between(text, "Overdue", "Due soon")
    assert "ACME Licence — When: through May 2026 — 1 month ago" in overdue  # still a month
    assert "ACME Old news — When: 2 Jun 2026 — 8 days ago" in overdue
    due = _between(text, "Due soon", "New since")
    assert "ACME Earnings — Q2 call: 10 Jun 2026 — today" in due
    assert "Tender opens — tender: from 11 Jun 2026 — tomorrow" in due
    assert "Product launch — launch window: by 13 Jun 2026 — in 3 days" in due
    assert "Approval — When: June 2026 — this month" in due
    new = _between(text, "New since the last digest", "ACME ·")
    assert "ACME Vote — shareholder vote: 8 Jun 2026 — 2 days ago · ✅ hit — Jane Doe, " \
        "9 Jun 2026" in new
    for shown_once in ("Vote", "Old news", "Earnings", "Far away"):
        assert text.count(shown_once) == 1
    slack = _mrkdwn(digest_blocks(digest)[1])
    assert slack.index("*Overdue") < slack.index("*Due soon") < slack.index("*New since")
    assert "• *ACME* Licence — When: through May 2026 — 1 month ago" in slack


def test_a_catalyst_weeks_overdue_is_flagged_not_left_pending_under_its_horizon(
        baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [
        catalyst("permit", "Permit decision", when=D(2026, 10, 14), what="permit decision",
                 status={"value": "pending", "by": "Ann Lee", "date": "2026-09-01"}),
        catalyst("results", "Half-year results", horizon="medium", when="Q2 2026"),
        catalyst("plant", "Plant opening", when="2027"),
    ])
    for last in (None, D(2026, 11, 24)):
        digest = build_digest([acme], D(2026, 11, 25), last_digest=last)
        text = digest_text(digest)
        assert text.splitlines()[1] == "2 overdue."
        assert "Nothing due" not in text and "nothing due" not in text
        overdue = _between(text, "Overdue: the date has passed and no outcome is recorded",
                           "ACME ·")
        assert "ACME Half-year results — When: Q2 2026 — 2 quarters ago" in overdue
        assert ("ACME Permit decision — permit decision: 14 Oct 2026 — 42 days ago"
                " · ⏳ pending — Ann Lee, 1 Sep 2026") in overdue
        group = _between(text, "ACME ·")
        assert "Permit" not in group and "Half-year" not in group and "Plant opening" in group
        fallback, blocks = digest_blocks(digest)
        assert "2 overdue" in fallback and "nothing" not in fallback
        assert blocks[1]["text"]["text"] == "2 overdue."


def test_an_outcome_recorded_long_ago_sits_after_the_open_catalysts(baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [
        catalyst("won", "Early win", when=D(2026, 6, 20), status=HIT),    # hit before its day
        catalyst("next", "Next step", when="Q4 2026"),
        catalyst("idea", "Some day", horizon="long"),
    ])
    digest = build_digest([acme], D(2026, 7, 20), last_digest=D(2026, 7, 17))
    assert not (digest.overdue or digest.due or digest.new)
    assert [c.catalyst_id for c in digest.theses[0].catalysts] == ["next", "idea", "won"]
    assert digest.summary == ("Nothing overdue, nothing due in the next 7 days, nothing new "
                              "since the last digest.")
    soon = build_digest([acme], D(2026, 6, 15), last_digest=D(2026, 6, 8))
    assert not soon.due  # already hit: not "due" five days before its date
    assert [i.catalyst_id for i in soon.new] == ["won"]


def test_a_quarter_half_or_year_is_overdue_once_it_is_over_never_on_an_invented_day(
        baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [
        catalyst("q", "Quarter", when="Q2 2026"), catalyst("h", "Half", when="H1 2026"),
        catalyst("y", "Year", when="by 2026"), catalyst("m", "Month", when="through May 2026"),
    ])
    inside = build_digest([acme], D(2026, 6, 30), last_digest=D(2026, 6, 29))
    assert [i.catalyst_id for i in inside.overdue] == ["m"]
    assert not inside.due
    text = digest_text(inside)
    assert "When: Q2 2026 — this quarter" in text and "When: H1 2026 — this half-year" in text
    assert "When: by 2026 — this year" in text
    assert "Month — When: through May 2026 — 1 month ago" in text
    after = build_digest([acme], D(2026, 7, 1), last_digest=D(2026, 6, 30))
    assert [i.catalyst_id for i in after.overdue] == ["m", "h", "q"]  # by date, then by title
    assert "Quarter — When: Q2 2026 — 1 quarter ago" in digest_text(after)


def test_first_digest_shows_outcomes_of_the_past_week_as_new(baba: Thesis) -> None:
    def hit(day: str) -> dict[str, str]:
        return {"value": "hit", "by": "Jane Doe", "date": day}

    acme = thesis_like(baba, "ACME", [
        catalyst("week", "Week ago", when=D(2026, 6, 1), status=hit("2026-06-03")),
        catalyst("older", "Eight days ago", when=D(2026, 6, 1), status=hit("2026-06-02")),
    ])
    digest = build_digest([acme], D(2026, 6, 10))
    assert [i.catalyst_id for i in digest.new] == ["week"]
    assert "New in the past 7 days" in digest_text(digest)


def test_due_items_from_several_theses_interleave_by_date(baba: Thesis) -> None:
    a = thesis_like(baba, "AAA", [catalyst("x", "Later", when=D(2026, 6, 14))])
    b = thesis_like(baba, "BBB", [catalyst("y", "Sooner", when=D(2026, 6, 11))])
    digest = build_digest([a, b], D(2026, 6, 10))
    assert [(i.ticker, i.catalyst_id) for i in digest.due] == [("BBB", "y"), ("AAA", "x")]


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


def test_a_thesis_updated_since_the_last_digest_is_listed_as_new_in_every_layout(
        baba: Thesis) -> None:
    others = [thesis_like(baba, f"T{i:02d}") for i in range(12)]
    digest = build_digest([baba, *others], D(2026, 2, 27), last_digest=D(2026, 2, 26),
                          updated={"BABA": D(2025, 11, 20)})
    line = "BABA 🆕 thesis updated 27 Nov 2025 (was 20 Nov 2025)"
    text = digest_text(digest)
    assert f"New since the last digest\n  • {line}\n" in text
    assert text.splitlines()[1] == "1 new since the last digest."
    _, blocks = digest_blocks(digest)  # thirteen theses: one compact section each
    assert _mrkdwn(blocks).count("thesis updated") == 1
    assert blocks[2]["text"]["text"] == f"*New since the last digest*\n• *BABA* {line[5:]}"


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
    assert "ACME Won · ✅ hit — Jane Doe, 9 Jun 2026" in _between(text, "New in the past")
    assert "Lost · ❌ missed — Ann Lee, 1 May 2026: launch slipped" in text
    assert "Still open · ⏳ pending — Ann Lee, 2 May 2026" in text
    assert "  • Nobody judged\n" in text + "\n"
    slack = _mrkdwn(digest_blocks(digest)[1])
    assert "• *ACME* Won · ✅ hit — Jane Doe, 9 Jun 2026" in slack
    assert "*Lost* · ❌ missed — Ann Lee, 1 May 2026: launch slipped" in slack


def test_analyst_text_cannot_become_markup_in_slack(baba: Thesis) -> None:
    acme = thesis_like(baba, "ACME", [catalyst("a", "M&A <!channel> deal",
                                               watch="Price > $10 & <@U123>")])
    _, blocks = digest_blocks(build_digest([acme], D(2026, 6, 10)))
    raw = _mrkdwn(blocks)
    assert "M&amp;A &lt;!channel&gt; deal" in raw
    assert "Price &gt; $10 &amp; &lt;@U123&gt;" in raw
    assert "<!channel>" not in raw and "<@U123>" not in raw


def test_a_right_to_left_override_in_thesis_text_never_reaches_the_digest(baba: Thesis) -> None:
    """U+202E would show "gnirts" reversed as "string": the text the analyst wrote is shown, in
    the order they wrote it, without the controls."""
    rlo = "\u202e"
    acme = thesis_like(baba, "ACME", [catalyst("a", f"Launch {rlo}hcnual\u202c", when="July 2026",
                                               watch=f"Orders {rlo}sredro")],
                       company=f"Acme {rlo}emca", title="Title \u2067isolated\u2069")
    digest = build_digest([acme, baba], D(2026, 6, 10))
    text, blocks = digest_blocks(digest)
    raw = _mrkdwn(blocks) + text + digest_text(digest)
    for control in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert control not in raw
    assert "Launch hcnual" in raw and "Acme emca" in raw


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


def _dated(baba: Thesis, count: int) -> list[Thesis]:
    """`count` theses whose dates run against their tickers: T000's is the latest."""
    first = D(2027, 1, 1)
    return [thesis_like(baba, f"T{i:03d}", [
        catalyst("c", "Launch", when=first + dt.timedelta(days=count - i))])
        for i in range(count)]


def test_a_cut_keeps_the_soonest_theses_and_offers_the_rest_with_a_button(
        baba: Thesis) -> None:
    digest = build_digest(_dated(baba, 120), D(2026, 12, 27))
    assert [t.ticker for t in digest.theses][:3] == ["T119", "T118", "T117"]
    text, blocks = digest_blocks(digest)
    _assert_within_slack_limits(blocks)
    raw = _mrkdwn(blocks)
    shown = [b["accessory"]["text"]["text"] for b in blocks if "accessory" in b]
    assert shown[:2] == ["T119 · Catalysts", "T118 · Catalysts"]
    assert "T000 · Alibaba Group" not in raw  # the latest dates are the ones left out
    left = 120 - len(shown)
    assert left > 10
    more, offer = blocks[-2:]
    assert more["elements"][0]["text"] == (
        f"…and {left} more theses, with later dates: "
        + ", ".join(f"T{i:03d}" for i in range(left - 1, left - 11, -1)) + ", ….")
    [all_theses] = offer["elements"]
    assert all_theses["action_id"] == "more"
    assert CardRef.from_value(all_theses["value"]) == CardRef("list")
    assert all_theses["text"]["text"] == "List all theses"
    assert len(text) <= 3000


def test_long_lists_keep_their_soonest_lines_and_say_how_many_more(baba: Thesis) -> None:
    theses = [thesis_like(baba, f"T{i:03d}", [
        catalyst(f"c{j}", f"Permit {i}-{j}", when=D(2026, 1, 1) + dt.timedelta(days=i * 3 + j))
        for j in range(3)]) for i in range(60)]
    digest = build_digest(theses, D(2026, 12, 27))
    assert len(digest.overdue) == 180
    _, blocks = digest_blocks(digest)
    _assert_within_slack_limits(blocks)
    listing = blocks[2]["text"]["text"]
    assert listing.startswith("*Overdue: the date has passed and no outcome is recorded "
                              "(record one as `status:` in the thesis file)*\n"
                              "• *T000* Permit 0-0 — When: 1 Jan 2026")
    kept = listing.count("\n• ")
    assert 0 < kept < 180
    assert listing.endswith(f"…and {180 - kept} more, later: each thesis's Catalysts button "
                            "shows them.")
    assert _buttons(blocks)[0]["text"]["text"] == "T000 · Catalysts"


def test_a_few_theses_get_compact_cards_before_any_is_left_out(baba: Thesis) -> None:
    theses = [thesis_like(baba, f"T{i}") for i in range(7)]
    _, blocks = digest_blocks(build_digest(theses, D(2026, 12, 27)))
    _assert_within_slack_limits(blocks)
    assert [b["text"]["text"] for b in _buttons(blocks)] == [f"T{i} · Catalysts"
                                                            for i in range(7)]
    assert "more theses" not in _mrkdwn(blocks)


@pytest.mark.slow
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


def test_a_thesis_with_unreviewed_figures_says_so_and_a_reviewed_one_does_not(
        baba: Thesis) -> None:
    imported = baba.model_copy(update={"figures": [
        f.model_copy(update={"review": n < 3}) for n, f in enumerate(baba.figures)]})
    said = "3 figures unreviewed, imported: not yet checked against the write-up"
    text = digest_text(build_digest([imported], D(2025, 11, 25)))
    assert f"⚠ {said}" in text
    _, blocks = digest_blocks(build_digest([imported], D(2025, 11, 25)))
    assert said in _mrkdwn(blocks)
    assert "unreviewed" not in digest_text(build_digest([baba], D(2025, 11, 25)))


def test_a_draft_is_left_out_of_the_digest(baba: Thesis) -> None:
    draft = baba.model_copy(update={"ticker": "ACME", "draft": True})
    digest = build_digest([baba, draft], D(2025, 11, 25))
    assert [t.ticker for t in digest.theses] == ["BABA"]
    assert "ACME" not in digest_text(digest)
