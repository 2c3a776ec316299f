"""Plots of the speed report's ratios (matplotlib, PNG): one bar chart per section, log scale, 1.0 and targets marked.

Example:
    >>> import tempfile
    >>> from benchmarks.speed_plots import plot_section
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = plot_section("demo", [{"label": "a", "value": 0.5, "vs": "torch", "target": 0.6}], d)
    ...     path.endswith("speed_demo.png")
    True
"""

from __future__ import annotations

import textwrap
from pathlib import Path


def plot_section(name: str, ratios: list, out_dir, title: str | None = None) -> str | None:
    """Bars of ``ratio["value"]`` (our time / theirs; < 1 is faster) grouped by what they are against
    (``vs``), a line at 1 and a tick at each target. Returns the PNG path (None without matplotlib or ratios)."""
    if not ratios:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError:
        return None
    against = list(dict.fromkeys(r["vs"] for r in ratios))
    labels = list(dict.fromkeys(r["label"] for r in ratios))
    width = 0.8 / len(against)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.55 * len(labels) * max(1, len(against)) + 2), 4.2))
    for j, vs in enumerate(against):
        xs, ys = [], []
        for i, label in enumerate(labels):
            for r in ratios:
                if r["vs"] == vs and r["label"] == label and r["value"] is not None:
                    xs.append(i + (j - (len(against) - 1) / 2) * width)
                    ys.append(r["value"])
        who = next((r.get("ours", "ours") for r in ratios if r["vs"] == vs), "ours")
        ax.bar(xs, ys, width=width, label=f"{who} / {vs}")
    for i, label in enumerate(labels):
        for r in ratios:
            if r["label"] == label and r.get("target"):
                ax.plot([i - 0.45, i + 0.45], [r["target"]] * 2, color="red", linewidth=2)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    fmt = matplotlib.ticker.FormatStrFormatter("%g")
    ax.yaxis.set_major_formatter(fmt)
    ax.yaxis.set_minor_formatter(fmt)
    ax.tick_params(axis="y", which="minor", labelsize=7)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=35, ha="right", fontsize=8)
    ax.set_ylabel("time ratio (lower is faster; red: target)")
    ax.set_title(textwrap.fill(title or name, 80), fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(out_dir) / f"speed_{name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)
