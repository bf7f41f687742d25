"""Charts of the planners' page, drawn by matplotlib as inline SVG (no JavaScript, no CDN)."""

import io
from functools import cache

from core.names import local_name, sorted_by_name


@cache
def _pyplot():
    """Return matplotlib.pyplot set up for SVG charts; imported on the first chart, since
    matplotlib takes a noticeable time to import."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # the backend must be chosen first

    plt.rcParams["svg.fonttype"] = "none"  # keep text as text: selectable, and Cyrillic-safe
    plt.rcParams["font.family"] = "DejaVu Sans"
    return plt


def _svg(fig) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def coverage_by_village_svg(settlements: list[dict], *, title: str, labels: dict) -> str:
    """Horizontal bars: share of each village's households with fibre and with served
    fixed broadband, in percent."""
    rows = sorted_by_name(settlements)[::-1]
    names = [local_name(s) for s in rows]
    fibre = [s["groups"]["fibre"]["covered"]["households_pct"] or 0 for s in rows]
    served = [s["groups"]["fixed"]["served"]["households_pct"] or 0 for s in rows]
    fig, ax = _pyplot().subplots(figsize=(7, 0.35 * len(rows) + 1.2))
    y = range(len(rows))
    ax.barh([i + 0.2 for i in y], fibre, height=0.4, color="#1a9850", label=labels["fibre"])
    ax.barh([i - 0.2 for i in y], served, height=0.4, color="#2b8cbe", label=labels["served"])
    ax.set_yticks(list(y), names)
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    return _svg(fig)


def progress_svg(
    series: dict[str, list[tuple[int, float | None]]], targets: dict, *, title: str
) -> str:
    """Lines of each indicator (percent) by year, with its targets as open markers."""
    fig, ax = _pyplot().subplots(figsize=(7, 3.5))
    for (label, points), colour in zip(
        series.items(), ["#1a9850", "#2b8cbe", "#d73027", "#984ea3"], strict=False
    ):
        known = [(x, v) for x, v in points if v is not None]
        if known:
            ax.plot(*zip(*known, strict=True), marker="o", color=colour, label=label)
        goal = targets.get(label, [])
        if goal:
            ax.scatter(*zip(*goal, strict=True), marker="D", facecolors="none", edgecolors=colour)
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title(title)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower right", fontsize="small")
    return _svg(fig)
