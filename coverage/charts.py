"""Charts of the planners' page as inline SVG written here (no JavaScript, no CDN, no
matplotlib in a request): sized by a viewBox in CSS pixels of a 360 px phone, so their
text reads at that width and scales up on a desktop."""

from django.utils.html import escape

from core.names import local_name

WIDTH = 360
FONT = 12
SERIES_COLOURS = ("#1a9850", "#2b8cbe", "#d73027", "#984ea3")
SERVED_COLOUR, FIBRE_COLOUR, THRESHOLD_COLOUR = "#2b8cbe", "#1a9850", "#b2182b"


def _text(x, y, body, *, anchor="start", size=FONT, colour="#222", weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{colour}" font-weight="{weight}">{escape(body)}</text>'
    )


# DejaVu Sans's mean advance is about 0.6 em (bold a little more): enough to break a
# title into lines that fit the 360-unit width without measuring text in Python.
CHAR_EM, BOLD_CHAR_EM = 0.6, 0.66
TITLE_SIZE, TITLE_LEADING = 13, 16


def _lines(text: str, *, size: float, width: float, bold: bool = False) -> list[str]:
    """`text` broken at spaces into lines of at most `width` units at `size`."""
    most = max(1, int(width / (size * (BOLD_CHAR_EM if bold else CHAR_EM))))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > most:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _title(title: str) -> tuple[list[str], float]:
    """The chart's title as text lines from the top, and the height they take."""
    lines = _lines(title, size=TITLE_SIZE, width=WIDTH, bold=True)
    body = [
        _text(0, 14 + i * TITLE_LEADING, line, weight="bold", size=TITLE_SIZE)
        for i, line in enumerate(lines)
    ]
    return body, 14 + (len(lines) - 1) * TITLE_LEADING


def _svg(height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="{escape(title)}" '
        f'font-family="DejaVu Sans, sans-serif" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def village_rows(settlements: list[dict], *, english: bool) -> list[dict]:
    """The villages by need: lowest share of households served by fixed broadband first."""
    rows = [
        {
            "katottg": s["katottg"],
            "name": local_name(s),
            "served_pct": s["groups"]["fixed"]["served"]["households_pct"] or 0.0,
            "fibre_pct": s["groups"]["fibre"]["covered"]["households_pct"] or 0.0,
            "households_unserved": round(s.get("households_unserved_fixed") or 0.0),
        }
        for s in settlements
    ]
    rows.sort(key=lambda r: (r["served_pct"], -r["households_unserved"], r["name"]))
    return rows


def coverage_by_village_svg(rows: list[dict], *, title: str, labels: dict, threshold: float) -> str:
    """Bars of each village's households served by fixed broadband and able to get fibre
    (percent), neediest on top, with the share from which a village counts as connected
    drawn as a dashed line (`threshold`, percent)."""
    left, right, bar = 110, 30, 18
    body, title_bottom = _title(title)
    # The legend one entry per line: side by side, a long label ran into the next one.
    for i, (colour, label) in enumerate(
        ((SERVED_COLOUR, labels["served"]), (FIBRE_COLOUR, labels["fibre"]))
    ):
        y = title_bottom + 8 + i * 16
        body.append(f'<rect x="0" y="{y}" width="10" height="10" fill="{colour}"/>')
        body.append(_text(14, y + 9, label, size=11))
    top = title_bottom + 8 + 2 * 16 + 6
    scale = (WIDTH - left - right) / 100
    height = top + bar * len(rows) + 34
    for i, r in enumerate(rows):
        y = top + i * bar
        body.append(_text(left - 4, y + 12, r["name"], anchor="end", size=11))
        body.append(
            f'<rect x="{left}" y="{y + 2}" width="{r["served_pct"] * scale:.1f}" height="8" '
            f'fill="{SERVED_COLOUR}"/>'
        )
        body.append(
            f'<rect x="{left}" y="{y + 10}" width="{r["fibre_pct"] * scale:.1f}" height="5" '
            f'fill="{FIBRE_COLOUR}"/>'
        )
        body.append(
            _text(left + r["served_pct"] * scale + 3, y + 10, f"{r['served_pct']:.0f}%", size=10)
        )
    x = left + threshold * scale
    bottom = top + bar * len(rows)
    body.append(
        f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{bottom}" stroke="{THRESHOLD_COLOUR}" '
        'stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    body.append(
        _text(
            x, bottom + 14, labels["threshold"], anchor="middle", size=11, colour=THRESHOLD_COLOUR
        )
    )
    for pct in (0, 50, 100):
        body.append(
            _text(
                left + pct * scale, bottom + 28, f"{pct}%", anchor="middle", size=10, colour="#555"
            )
        )
    return _svg(height, title, body)


def progress_svg(
    series: dict[str, list[tuple[int, float | None]]],
    targets: dict,
    *,
    title: str,
    target_label: str,
) -> str:
    """Each indicator (percent) by year as a line, its latest target as a dashed line of the
    same colour labelled with the value and year."""
    left, right, plot_h = 34, 18, 150
    heading, title_bottom = _title(title)
    top = title_bottom + 10
    years = sorted(
        {y for points in series.values() for y, _ in points}
        | {y for goal in targets.values() for y, _ in goal}
    )
    if not years:
        return _svg(title_bottom + 26, title, heading)
    span = max(years[-1] - years[0], 1)

    def px(year):
        return left + (year - years[0]) / span * (WIDTH - left - right)

    def py(value):
        return top + plot_h * (1 - min(value, 105) / 105)

    body = list(heading)
    for pct in (0, 50, 100):
        body.append(
            f'<line x1="{left}" y1="{py(pct):.1f}" x2="{WIDTH - right}" '
            f'y2="{py(pct):.1f}" stroke="#ddd"/>'
        )
        body.append(_text(left - 4, py(pct) + 4, f"{pct}%", anchor="end", size=10, colour="#555"))
    for year in years:
        body.append(
            _text(px(year), top + plot_h + 14, str(year), anchor="middle", size=10, colour="#555")
        )
    legend_y = top + plot_h + 30
    for i, (label, points) in enumerate(series.items()):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        goal = sorted(targets.get(label, []))
        if goal:
            year, value = goal[-1]
            body.append(
                f'<line x1="{left}" y1="{py(value):.1f}" x2="{WIDTH - right}" y2="{py(value):.1f}" '
                f'stroke="{colour}" stroke-width="1.2" stroke-dasharray="5 4"/>'
            )
        known = [(px(y), py(v)) for y, v in points if v is not None]
        if known:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in known)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
            body.extend(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in known
            )
        y = legend_y + i * 16
        body.append(
            f'<line x1="0" y1="{y - 4}" x2="14" y2="{y - 4}" stroke="{colour}" stroke-width="2"/>'
        )
        body.append(_text(18, y, label, size=11))
    y = legend_y + len(series) * 16
    body.append(
        f'<line x1="0" y1="{y - 4}" x2="14" y2="{y - 4}" stroke="#555" stroke-dasharray="5 4"/>'
    )
    body.append(_text(18, y, target_label, size=11))
    return _svg(y + 6, title, body)


def progress_rows(series: dict, targets: dict) -> list[list]:
    """[indicator, year, value, target of that year] for the chart's table and CSV."""
    rows = []
    for label, points in series.items():
        goal = dict(targets.get(label, []))
        years = sorted({y for y, _ in points} | set(goal))
        values = dict(points)
        for year in years:
            value = values.get(year)
            rows.append([label, year, None if value is None else round(value, 1), goal.get(year)])
    return rows
