"""Figures that compare entities on one measure are drawn: bars in the card and the terminal, a
PNG for Slack, every value in the alt text; and `thesis ask` never loads matplotlib to answer."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.matcher import Engine
from bot.render import chart
from bot.render.blocks import Options, render_card
from bot.render.text import render_text

TODAY = dt.date(2026, 1, 12)
ROOT = Path(__file__).resolve().parents[2]
SHARES = [("Alibaba", "35.8%"), ("ByteDance's Volcano Engine", "14.8%"),
          ("Huawei Cloud", "13.1%"), ("Tencent Cloud", "7%")]


def test_market_shares_make_one_series_largest_first(engine: Engine) -> None:
    found = chart.series(engine.answer("China AI cloud market share by company"))
    assert found is not None and found.unit == "percent"
    assert [(b.label, b.shown) for b in found.bars] == SHARES
    alt = chart.alt_text(found)
    assert all(label in alt and value in alt for label, value in SHARES)


def test_multiples_make_a_series_and_a_card_without_comparable_figures_none(
        engine: Engine) -> None:
    found = chart.series(engine.answer("what is alibaba's P/E?"))
    assert found is not None
    assert [(b.label, b.shown) for b in found.bars] == [("Amazon", "32.1x"), ("Alibaba", "23.5x")]
    assert chart.series(engine.answer("how much buyback authorization is left?")) is None
    assert chart.series(engine.answer("BABA risks")) is None


def test_text_bars_are_aligned_and_scaled_to_the_largest(engine: Engine) -> None:
    found = chart.series(engine.answer("China AI cloud market share by company"))
    assert found is not None
    lines = chart.text_bars(found)
    starts = {line.index(chart.BAR) for line in lines}
    assert len(starts) == 1  # every bar starts in the same column
    lengths = [line.count(chart.BAR) for line in lines]
    assert lengths[0] == chart.BAR_WIDTH and lengths == sorted(lengths, reverse=True)
    assert lines[-1].endswith(" 7%")


def test_a_private_card_carries_the_bars_and_a_thread_card_leaves_them_to_the_png(
        engine: Engine) -> None:
    answer = engine.answer("China AI cloud market share by company")
    with_bars = json.dumps(render_card(answer, Options(TODAY, shareable=True)).blocks,
                           ensure_ascii=False)
    assert "```Alibaba" in with_bars and chart.BAR in with_bars
    without = json.dumps(render_card(answer, Options(TODAY, chart_bars=False)).blocks,
                         ensure_ascii=False)
    assert chart.BAR not in without
    text = render_text(answer, TODAY)
    assert "Share of China's AI cloud market" in text and "Tencent Cloud" in text
    assert chart.BAR in text


def test_the_png_is_a_png(engine: Engine) -> None:
    found = chart.series(engine.answer("China AI cloud market share by company"))
    assert found is not None
    png = chart.draw_png(found)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000


@pytest.mark.slow
def test_thesis_ask_does_not_load_matplotlib() -> None:
    code = ("import sys; from bot.cli.main import main; "
            "main(['ask', '--knowledge', 'tests/fixtures/book', "
            "'China AI cloud market share by company']); "
            "print('LOADED' if 'matplotlib' in sys.modules else 'NOT LOADED')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert chart.BAR in out and out.strip().endswith("NOT LOADED")
