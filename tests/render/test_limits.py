"""Slack's limits and escaping, in the one module that enforces them; hypothesis feeds odd user
text through the engine and the renderer."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.matcher import Engine
from bot.render import limits
from bot.render.blocks import Options, render_card
from tests.render.block_rules import message_problems, mrkdwn_problems

PINGS = ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S0123|@analysts>", "<@U0123ABC>",
         "<#C0123|general>", "&lt;!channel&gt;", "@here", "@channel"]
slack_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("&<>|*_~`:@!#\n "))),
    max_size=400,
) | st.lists(st.sampled_from(PINGS + ["BABA", "risks", "&amp;", " ", ":tada:", "$BABA"]),
             max_size=30).map("".join)


def test_escape_turns_markup_characters_into_entities() -> None:
    assert limits.escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert limits.escape("<!channel>") == "&lt;!channel&gt;"


def test_echo_decodes_slack_entities_once_then_escapes() -> None:
    assert limits.echo("&lt;b&gt; &amp; <!here>") == "&lt;b&gt; &amp; &lt;!here&gt;"
    assert limits.echo("x" * 500, limit=20).endswith("…")
    assert len(limits.echo("x" * 500, limit=20)) <= 20
    assert "\u202e" not in limits.echo("abc\u202edef")  # no right-to-left override tricks
    assert limits.echo("@here now") == "@\u2060here now"
    assert limits.echo("xxxxxxxxxx@channel00", limit=19) == "xxxxxxxxxx@\u2060channel…"


@pytest.mark.slow
@given(slack_text)
def test_echo_never_leaves_markup_or_a_broadcast(text: str) -> None:
    safe = limits.echo(text)
    assert not mrkdwn_problems(safe, "echo")
    assert not re.search(r"(?<!\u2060)@(here|channel|everyone)\b", html.unescape(safe),
                         re.IGNORECASE)


@pytest.mark.slow
@given(st.text(alphabet=st.sampled_from(list("ab &<>.\n")), max_size=3000),
       st.integers(min_value=20, max_value=400))
def test_split_chunks_fit_and_never_break_an_entity(raw: str, limit: int) -> None:
    text = limits.escape(raw)
    chunks = limits.split(text, limit)
    assert all(len(c) <= limit for c in chunks)
    for chunk in chunks:
        assert not mrkdwn_problems(chunk, "chunk")
    words = [w for w in re.split(r"\s+", text.replace("…", " ")) if w]
    rejoined = " ".join(chunks).replace("…", " ")
    assert "".join(words) == "".join(w for w in re.split(r"\s+", rejoined) if w)


def test_split_prefers_paragraphs_then_sentences() -> None:
    text = "First paragraph.\n\nSecond one is here. And more."
    assert limits.split(text, 30) == ["First paragraph.", "Second one is here. And more."]
    assert limits.split("Sentence number one. Two three four five six.", 30)[0] == \
        "Sentence number one."


def test_cut_never_splits_a_link_or_an_entity() -> None:
    link = limits.link("https://example.com/a?b=1&c=2", "The source & more")
    text = f"See {link} now"
    for limit in range(5, len(text)):
        out = limits.cut(text, limit)
        assert len(out) <= limit
        assert not mrkdwn_problems(out, "cut")


def test_a_link_with_markup_characters_in_its_url_stays_one_link() -> None:
    out = limits.link("https://e.com/?q=<x>|y z&w", "A|B <c>")
    assert out == "<https://e.com/?q=%3Cx%3E%7Cy%20z&amp;w|A¦B &lt;c&gt;>"
    assert limits.link("javascript:alert(1)", "x") == "x"
    assert limits.link(None, "a & b") == "a &amp; b"


def test_blocks_constructors_cut_to_slack_limits() -> None:
    assert len(limits.header("h" * 400)["text"]["text"]) == 150
    button = limits.button("b" * 100, "act", {"c": "bull"})
    assert len(button["text"]["text"]) == 75
    assert len(limits.context(["c"] * 25)) == 3
    assert all(len(b["elements"]) <= 10 for b in limits.context(["c"] * 25))
    assert [len(b["fields"]) for b in limits.fields(["f" * 10] * 12)] == [10, 2]
    assert [len(b["fields"]) for b in limits.fields(["f" * 2500] * 12)] == [1] * 12
    assert len(limits.fields(["f" * 2500])[0]["fields"][0]["text"]) == 2000
    assert [len(b["elements"]) for b in limits.actions([button] * 30)] == [25, 5]
    sections = limits.sections("word " * 2000)
    assert len(sections) == 4 and all(len(s["text"]["text"]) <= 3000 for s in sections)


def test_no_context_or_fields_block_holds_more_text_than_a_section() -> None:
    # Found by bench/fuzz.py: ten long figure lines made one context block of ~12,000
    # characters, so its page went over Slack's total (msg_blocks_too_long) however it split.
    for block in [*limits.context(["c" * 2900] * 10), *limits.fields(["f" * 1900] * 10)]:
        assert limits.text_length([block]) <= limits.MAX_SECTION_TEXT
    assert len(limits.context(["c" * 2900] * 10)) == 10
    assert len(limits.context(["c" * 20] * 10)) == 1


def test_paginate_keeps_head_and_foot_on_every_page_and_numbers_more() -> None:
    head, foot = [limits.header("H")], [limits.divider()]
    body = [s for _ in range(120) for s in limits.sections("x")]
    more = limits.button("Show more", "more", {"c": "bull", "t": "BABA"})
    first, count = limits.paginate(head, body, foot, 0, more)
    assert count == 3 and len(first) == 50
    assert first[0] == head[0] and first[-1] == foot[0]
    assert '"pg":1' in first[-2]["elements"][0]["value"]
    last, _ = limits.paginate(head, body, foot, 2, more)
    assert all(b.get("type") != "actions" for b in last)
    beyond, _ = limits.paginate(head, body, foot, 99, more)
    assert beyond == last


def test_fit_groups_keeps_whole_groups_and_names_the_rest_within_one_message() -> None:
    head = [limits.header("H")]
    groups = [[limits.section(f"group {i}"), limits.divider()] for i in range(40)]

    def rest(i: int) -> list[dict]:
        return limits.context([f"and {40 - i} more"])

    blocks, shown = limits.fit_groups(head, groups, rest)
    assert limits.fits(blocks) and len(blocks) <= 50
    assert shown == 24  # 1 + 24 * 2 + 1 = 50 blocks
    assert blocks[-2] == groups[23][-1] and blocks[-1] == rest(24)[0]
    few, shown = limits.fit_groups(head, groups[:3], rest)
    assert shown == 3 and few == [*head, *(b for g in groups[:3] for b in g)]
    wide = [[limits.section("y" * 2900)] for _ in range(5)]
    blocks, shown = limits.fit_groups(head, wide, rest)
    assert shown == 3 and limits.text_length(blocks) <= limits.MESSAGE_TEXT_BUDGET


@pytest.mark.slow
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slack_text)
def test_odd_user_text_always_renders_a_valid_safe_card(engine: Engine, text: str) -> None:
    answer = engine.answer(text)
    message = render_card(answer, Options(dt.date(2026, 1, 12), shareable=True))
    assert not message_problems(message.text, message.blocks)
