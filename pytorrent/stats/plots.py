"""PNG plots of the statistics, drawn headless with matplotlib's Agg canvas.

Figures are built with `matplotlib.figure.Figure` (no pyplot, no global backend switch), under
matplotlib's default style and without the PNG `Software` tag, so equal statistics give
byte-identical files whatever the user's matplotlibrc.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import matplotlib.style
import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from pytorrent.atomic import atomic_file
from pytorrent.split import SPLITS
from pytorrent.stats.collect import Collected
from pytorrent.stats.histogram import IntHistogram

DPI = 100
_OVERFLOW = 30  # complexity bars: 1..30 and one bar for more


def _save(figure: Figure, path: Path) -> None:
    with atomic_file(path) as handle:
        figure.savefig(handle, format="png", dpi=DPI, metadata={"Software": None})


def _cdf(histogram: IntHistogram) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Step points of the empirical CDF, starting at (0, 0)."""
    items = [(0, 0), *histogram.items()]
    values = np.array([v for v, _ in items], dtype=float)
    counts = np.cumsum([c for _, c in items], dtype=float)
    return values, counts / counts[-1]


def _upper(histograms: Mapping[str, IntHistogram], q: float = 0.99) -> int:
    tops = [h.percentiles([q])[0] for h in histograms.values() if h.count]
    return max([t for t in tops if t is not None] + [1])


def _legend(ax: Axes, **kwargs: object) -> None:
    """A legend when something was drawn (matplotlib warns about an empty one)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**kwargs)


def _categories(ax: Axes, data: Collected) -> None:
    categories = list(data.stats.categories)
    bottom = np.zeros(len(categories))
    for kind in ("function", "comment"):
        values = np.array([data.stats.categories[c].get(kind, 0) for c in categories])
        ax.bar(categories, values, bottom=bottom, label=f"{kind} units")
        bottom += values
    ax.set_title("Units per script category (PyTorrent Table 4)")
    ax.set_ylabel("units")
    _legend(ax)


def _splits(ax: Axes, data: Collected) -> None:
    configs = list(data.stats.configs)
    x = np.arange(len(configs))
    width = 0.8 / len(SPLITS)
    for i, split in enumerate(SPLITS):
        values = [data.stats.configs[c].get(split, 0) for c in configs]
        ax.bar(x + (i - 1) * width, values, width, label=split)
    ax.set_xticks(x, configs)
    ax.set_title("Rows per configuration and split")
    ax.set_ylabel("rows")
    _legend(ax)


def _token_lengths(figure: Figure, data: Collected) -> None:
    axes = figure.subplots(1, 2)
    for ax, side, histograms in ((axes[0], "NL", data.nl), (axes[1], "PL", data.pl)):
        limit = _upper(histograms)
        for name, histogram in histograms.items():
            if histogram.count:
                values, shares = _cdf(histogram)
                ax.step(values, shares, where="post", label=name)
        ax.set_xlim(0, limit)
        ax.set_ylim(0, 1.01)
        ax.set_xlabel(f"{side} length (tokens)")
        ax.set_ylabel("share of rows within")
        ax.grid(alpha=0.3)
        _legend(ax, fontsize="small")
    figure.suptitle("Token lengths: natural language (X) and code (Y), PyTorrent Table 5")


def _line_lengths(ax: Axes, data: Collected) -> None:
    histogram = data.line_lengths
    if histogram.count:
        values, shares = _cdf(histogram)
        ax.step(values, shares, where="post")
    for limit_text, share in data.stats.line_lengths.coverage.items():
        limit = int(limit_text)
        if limit in (50, 70, 80, 100):
            ax.axvline(limit, color="grey", linestyle=":", linewidth=1)
            ax.annotate(f"{share:.1%}", (limit, share), textcoords="offset points", xytext=(3, -12))
    ax.set_xlim(0, max(120, _upper({"lines": histogram}) + 10))
    ax.set_ylim(0, 1.01)
    ax.set_xlabel("line length (characters)")
    ax.set_ylabel("share of lines within")
    ax.set_title("Line-of-code length coverage (PyTorrent Figure 2)")
    ax.grid(alpha=0.3)


def _complexity(ax: Axes, data: Collected) -> None:
    counts = dict(data.complexity.items())
    labels = [str(v) for v in range(1, _OVERFLOW + 1)] + [f">{_OVERFLOW}"]
    values = [counts.get(v, 0) for v in range(1, _OVERFLOW + 1)]
    values.append(sum(c for v, c in counts.items() if v > _OVERFLOW))
    ax.bar(labels, values)
    ax.set_xticks(range(0, len(labels), 5), labels[::5])
    summary = data.stats.complexity.summary
    mean = "n/a" if summary.mean is None else f"{summary.mean:.2f}"
    ax.set_title(f"Cyclomatic complexity of functions (mean {mean}, median {summary.median})")
    ax.set_xlabel("radon cyclomatic complexity")
    ax.set_ylabel("functions")


def _styles(ax: Axes, data: Collected) -> None:
    styles = data.stats.docstrings.styles
    ax.bar(list(styles), list(styles.values()))
    ax.set_title("Docstring styles of functions")
    ax.set_ylabel("functions")


def _releases(ax: Axes, data: Collected) -> None:
    releases = data.stats.packages.release_counts
    assert releases is not None
    ax.bar([f">={m}" for m in releases.at_least], list(releases.at_least.values()))
    ax.set_title("Packages per minimum release count (PyTorrent Table 2)")
    ax.set_xlabel("releases")
    ax.set_ylabel("packages")


_Drawer = Callable[[Figure, Collected], None]


def _on_axes(draw: Callable[[Axes, Collected], None]) -> _Drawer:
    def drawer(figure: Figure, data: Collected) -> None:
        draw(figure.subplots(), data)

    return drawer


PLOTS: dict[str, tuple[_Drawer, tuple[float, float]]] = {
    "categories": (_on_axes(_categories), (7, 4)),
    "splits": (_on_axes(_splits), (8, 4)),
    "token_lengths": (_token_lengths, (11, 4.5)),
    "line_lengths": (_on_axes(_line_lengths), (8, 4.5)),
    "complexity": (_on_axes(_complexity), (8, 4)),
    "docstring_styles": (_on_axes(_styles), (7, 4)),
    "release_counts": (_on_axes(_releases), (7, 4)),
}


def draw_plots(data: Collected, folder: Path) -> list[Path]:
    """Write `folder/<name>.png` for every plot the data supports; returns their paths."""
    written = []
    with matplotlib.style.context("default"):
        for name, (draw, size) in PLOTS.items():
            if name == "release_counts" and data.stats.packages.release_counts is None:
                continue
            figure = Figure(figsize=size, dpi=DPI, layout="constrained")
            draw(figure, data)
            path = folder / f"{name}.png"
            _save(figure, path)
            written.append(path)
    return written
