"""The report's charts: matplotlib figures rendered to inline SVG on the server.

The SVG holds no script, no font file and no reference outside itself: text
stays text (``svg.fonttype = none``, drawn in the viewer's sans-serif font),
the XML declaration, DOCTYPE and metadata are left out, and the element ids
get a salt per chart so that several charts can share one HTML page.
Figures are made with :class:`matplotlib.figure.Figure` directly (no pyplot,
no global state, no display needed).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

#: A palette that stays apart for colour-blind readers (Okabe and Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")
WIDTH, HEIGHT = 8.0, 3.4  # inches; the SVG scales to the page's width

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def _svg(figure: Figure, salt: str) -> str:
    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt,
                         "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1))
    # Scale with the page: drop the fixed size, keep the viewBox.
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', text, count=1)


def _figure(height: float = HEIGHT) -> Figure:
    return Figure(figsize=(WIDTH, height), layout="constrained")


def _empty(salt: str, text: str) -> str:
    figure = _figure(1.2)
    axes = figure.add_subplot()
    axes.axis("off")
    axes.text(0.5, 0.5, text, ha="center", va="center", color="#555555")
    return _svg(figure, salt)


def stacked_bars(salt: str, categories: Sequence[str], series: Mapping[str, Sequence[float]],
                 *, ylabel: str, empty: str = "nothing in this period",
                 horizontal: bool = False) -> str:
    """Bars per category, one stacked segment per series (in the order given)."""
    if not categories or not series:
        return _empty(salt, empty)
    height = max(HEIGHT, 0.32 * len(categories) + 1.2) if horizontal else HEIGHT
    figure = _figure(height)
    axes = figure.add_subplot()
    base = [0.0] * len(categories)
    positions = list(range(len(categories)))
    for i, (name, values) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        if horizontal:
            axes.barh(positions, values, left=base, label=name, color=colour)
        else:
            axes.bar(positions, values, bottom=base, label=name, color=colour)
        base = [b + v for b, v in zip(base, values, strict=True)]
    _style(axes, categories, ylabel, horizontal=horizontal, legend=len(series) > 1)
    return _svg(figure, salt)


def grouped_bars(salt: str, categories: Sequence[str], series: Mapping[str, Sequence[float]],
                 *, ylabel: str, empty: str = "nothing in this period") -> str:
    """Bars per category, the series side by side."""
    if not categories or not series:
        return _empty(salt, empty)
    figure = _figure()
    axes = figure.add_subplot()
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        offset = (i - (len(series) - 1) / 2) * width
        axes.bar([p + offset for p in range(len(categories))], values, width=width,
                 label=name, color=PALETTE[i % len(PALETTE)])
    _style(axes, categories, ylabel, horizontal=False, legend=len(series) > 1)
    return _svg(figure, salt)


def _style(axes: Axes, categories: Sequence[str], label: str, *, horizontal: bool,
           legend: bool) -> None:
    positions = list(range(len(categories)))
    if horizontal:
        axes.set_yticks(positions, list(categories))
        axes.invert_yaxis()
        axes.set_xlabel(label)
        axes.grid(axis="x", color="#dddddd")
    else:
        axes.set_xticks(positions, list(categories),
                        rotation=45 if len(categories) > 8 else 0,
                        ha="right" if len(categories) > 8 else "center")
        axes.set_ylabel(label)
        axes.grid(axis="y", color="#dddddd")
    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if legend:
        axes.legend(frameon=False, fontsize="small", loc="upper left",
                    bbox_to_anchor=(1.0, 1.0))
