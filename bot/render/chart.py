"""Bar charts of figures that compare entities on one measure: market shares, multiples.

China's AI cloud market (Alibaba 35.8%, ByteDance 14.8%, Huawei 13.1%, Tencent 7%) reads better
as bars than as four lines of text. A card's figures are charted when two or more subjects share
a measure and a unit. Three forms: a PNG (a mention or a DM, uploaded in the thread), bars of
block characters in the card (a private slash answer, which cannot carry a file) and the same
bars in the terminal.

matplotlib is imported only when a PNG is drawn, through its object API (a `Figure` on the Agg
canvas: pyplot keeps global state and is not thread-safe), so `thesis ask` starts no slower.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from bot.engine.answer import Answer
from bot.knowledge.models import Figure, Thesis
from bot.render import facts, messages

BAR = "█"
BAR_WIDTH = 28  # block characters of the longest bar
LABEL = 28  # characters of a bar's label


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as the document says it: "35.8%", "23.5x"


@dataclass(frozen=True, slots=True)
class Series:
    """Figures comparable on one axis: the measure, its unit, the bars and where they come
    from."""

    measure: str
    unit: str
    bars: tuple[Bar, ...]
    provenance: str


def _key(figure: Figure) -> tuple[str, str, str]:
    return (" ".join(figure.measure.casefold().split()), figure.unit,
            " ".join((figure.period or "").casefold().split()))


def _scope(answer: Answer, thesis: Thesis) -> list[Figure]:
    """The figures the card is about: the asked-for one, the point's, or (the figures card)
    all of them."""
    if answer.figure and (asked := thesis.figure(answer.figure)) is not None:
        return [asked]
    found = thesis.point(answer.point) if answer.point else None
    if found is not None:
        return [f for fid in found[1].figures if (f := thesis.figure(fid)) is not None]
    return list(thesis.figures) if answer.card == "figures" else []


def series(answer: Answer) -> Series | None:
    """The comparison a card's figures make, or None: the thesis's figures that share a
    measure, unit and period with a figure the card shows, when they name two or more
    subjects; the biggest such group when there are several."""
    thesis = answer.thesis
    if thesis is None or answer.card in ("help", "unknown", "list", "search", "compare"):
        return None
    groups: dict[tuple[str, str, str], list[Figure]] = {}
    for figure in thesis.figures:
        if not figure.review:  # an unchecked figure is never drawn as a fact
            groups.setdefault(_key(figure), []).append(figure)
    candidates = []
    for figure in _scope(answer, thesis):
        group = groups.get(_key(figure), [])
        if len({f.subject.casefold() for f in group}) >= 2 and group not in candidates:
            candidates.append(group)
    if not candidates:
        return None
    chosen = max(candidates, key=len)
    ordered = sorted(chosen, key=lambda f: -f.value)
    bars = tuple(Bar(f.subject, f.value, facts.format_value(f)) for f in ordered)
    shared = facts.common_provenance([facts.figure_fact(thesis, f) for f in ordered])
    provenance = shared or facts.figure_fact(thesis, ordered[0]).provenance
    return Series(ordered[0].measure, ordered[0].unit, bars, provenance)


def title(found: Series) -> str:
    return messages.chart_title(found.measure)


def alt_text(found: Series) -> str:
    """Every value, for a screen reader and for anyone whose client shows no image."""
    return messages.chart_alt(found.measure, [(b.label, b.shown) for b in found.bars])


def text_bars(found: Series, width: int = BAR_WIDTH) -> list[str]:
    """One line per bar: label, a bar of block characters scaled to the largest, the value."""
    top = max((abs(b.value) for b in found.bars), default=0) or 1
    label = min(LABEL, max(len(b.label) for b in found.bars))
    lines = []
    for bar in found.bars:
        name = bar.label if len(bar.label) <= label else bar.label[: label - 1] + "…"
        length = max(1, round(abs(bar.value) / top * width)) if bar.value else 0
        lines.append(f"{name.ljust(label)} {BAR * length} {bar.shown}")
    return lines


def draw_png(found: Series) -> bytes:
    """The bar chart as a PNG (horizontal bars, largest on top, each labelled with its value)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as Canvas

    bars = list(reversed(found.bars))  # matplotlib draws the first bar at the bottom
    height = 0.45 * len(bars) + 1.1
    figure = Canvas(figsize=(6.4, height), dpi=100)
    FigureCanvasAgg(figure)
    # Fixed margins (tight_layout would measure every text twice: most of the drawing time).
    label = max(len(b.label) for b in bars)
    figure.subplots_adjust(left=min(0.45, 0.04 + 0.0125 * label), right=0.9,
                           top=1 - 0.45 / height, bottom=0.5 / height)
    axes = figure.add_subplot()
    drawn = axes.barh([b.label for b in bars], [b.value for b in bars], color="#1d3557")
    axes.bar_label(drawn, labels=[b.shown for b in bars], padding=4, fontsize=9)
    axes.set_title(title(found), fontsize=11, loc="left")
    # Each bar says its value: no x axis to draw (its ticks were half the drawing time).
    axes.spines[["top", "right", "bottom"]].set_visible(False)
    axes.set_xticks([])
    axes.tick_params(axis="y", labelsize=9, length=0)
    axes.margins(x=0.18)
    figure.text(0.01, 0.02, found.provenance, fontsize=7, color="#555555")
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
