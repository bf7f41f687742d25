"""The planners' charts (coverage/charts.py): every text inside the drawing's width, the
legend's entries apart. A long Ukrainian title was cut at the right edge and the two
legend entries ran into each other."""

import xml.etree.ElementTree as ET

from coverage import charts

SVG = "{http://www.w3.org/2000/svg}"
TITLE = "Забезпечені домогосподарства за селами, найпотребуючіші вгорі, за даними 2026 року"
LABELS = {
    "served": "фіксований швидкісний доступ",
    "fibre": "доступна оптика",
    "threshold": "підключене від 50%",
}


def texts(svg: str) -> list[tuple[float, float, str, float, bool]]:
    root = ET.fromstring(svg)  # noqa: S314 — our own SVG, written by the test itself
    return [
        (
            float(t.get("x")),
            float(t.get("y")),
            t.text or "",
            float(t.get("font-size")),
            t.get("font-weight") == "bold",
        )
        for t in root.iter(f"{SVG}text")
        if t.get("text-anchor") == "start"
    ]


def assert_inside(svg: str) -> None:
    for x, _y, body, size, bold in texts(svg):
        em = charts.BOLD_CHAR_EM if bold else charts.CHAR_EM
        assert x + len(body) * size * em <= charts.WIDTH + 1, body


def test_the_village_chart_wraps_its_title_and_stacks_its_legend():
    rows = [{"name": "Веселий Кут", "served_pct": 62.0, "fibre_pct": 10.0}] * 3
    svg = charts.coverage_by_village_svg(rows, title=TITLE, labels=LABELS, threshold=50)
    assert_inside(svg)
    bold = [t for t in texts(svg) if t[4]]
    assert len(bold) >= 2 and " ".join(t[2] for t in bold) == TITLE
    legend = [t for t in texts(svg) if t[2] in (LABELS["served"], LABELS["fibre"])]
    assert len({y for _x, y, *_ in legend}) == 2  # one line each


def test_the_progress_chart_wraps_its_title():
    series = {"підключені села, %": [(2020, 50.0), (2026, 60.0)]}
    svg = charts.progress_svg(series, {}, title=TITLE, target_label="пунктир: ціль стратегії")
    assert_inside(svg)
    assert charts.progress_svg({}, {}, title=TITLE, target_label="ціль").count("<text") >= 2
