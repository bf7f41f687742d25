"""/planning/ and /coverage/ in a real Chromium on the demo community (loaded once).

In English: no Ukrainian word in the page, on its map (labels, legend, popups) or in its
downloads, except what people wrote (marked `data-user-content`) and the language switch
(`lang="uk"`). The gap switch: a choice redraws the gap, swaps the figures and keeps
itself in the address, and that address opens the same choice.
"""

import os
import re
from pathlib import Path

import pytest

from bench.pages import new_context, wait_until_drawn
from tests.helpers.live import demo_site
from tests.i18n.textscan import untranslated

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
DMYTRIVKA = "UA35040090010099441"
PLANNING = f"/planning/?k=3&radius_m=300&village={DMYTRIVKA}"

# Every label the map shows in view: the tiles' labels placed (collision-checked) and the
# page data's own labels (the villages' "name / share").
MAP_LABELS_JS = """() => {
  const m = document.getElementById('coverage-map').coverageMap;
  return HromadaMap.placedLabels(m).map((l) => l.layer + ': ' + l.text)
    .concat(HromadaMapLabels.shown(m).map((l) => l.id + ': ' + l.text));
}"""
# The popup each registry feature drawn in view opens on a click (coverage-map.js
# popupContent), and what the registry's generic popups would show for the rest: the
# registry layers' tiles and the page's data drawn as a registry layer (the gaps).
POPUPS_JS = """() => {
  const el = document.getElementById('coverage-map');
  const m = el.coverageMap;
  const legends = {};
  (m.hromada.doc.metadata['hromada:legends'] || []).forEach((l) => { legends[l.id] = l; });
  const sources = new Set(m.hromada.style.layers.map((l) => l.source)
    .concat(Object.keys(m.hromada.drawn)));
  const out = [];
  sources.forEach((source) => {
    if (!legends[source]) return;
    HromadaMap.rendered(m, source).forEach((f) => {
      const feature = {layer: source, properties: f.properties};
      out.push(f.layer + ': ' + (el.popupContent ? el.popupContent(feature)
        : HromadaMapControls.popupContent(f.properties, legends[source])).innerText);
    });
  });
  return out;
}"""
DOWNLOADS = (
    "/planning/plan.csv",
    "/planning/charts/villages.csv",
    "/planning/charts/progress.csv",
    "/api/v1/coverage/unserved-addresses/",
)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with demo_site(django_db_blocker) as demo:
        yield demo


@pytest.fixture(autouse=True)
def _database_open(django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def english_page(browser, site):
    context = new_context(browser, site.url, 1366, "en")
    context.add_cookies(site.staff_cookies)
    yield context.new_page()
    context.close()


def _open(page, url: str) -> None:
    assert page.goto(url).status == 200
    wait_until_drawn(page)
    page.wait_for_selector("#coverage-map[data-shares-ready='true']", timeout=45_000)


def _cyrillic(texts) -> list[str]:
    return sorted({t for t in texts if CYRILLIC.search(t or "")})


@pytest.mark.parametrize("path", [PLANNING, "/coverage/"])
def test_an_english_planners_page_shows_no_ukrainian_word_in_text_labels_or_popups(
    english_page, site, path
):
    page = english_page
    _open(page, site.url + path)
    assert untranslated(page.content(), "en") == []
    labels = page.evaluate(MAP_LABELS_JS)
    assert len(labels) >= 10, labels  # the twelve villages' "name / share" labels
    assert _cyrillic(labels) == []
    popups = page.evaluate(POPUPS_JS)
    assert len(popups) >= 12, popups  # the villages at least; planners: areas as well
    assert _cyrillic(popups) == []


def test_the_english_planning_page_names_facility_kinds_and_providers_in_english(
    english_page, site
):
    page = english_page
    _open(page, site.url + PLANNING)
    kinds = page.locator("#village td:nth-child(2)").all_inner_texts()
    assert "administrative services centre (ASC)" in kinds
    popups = " ".join(page.evaluate(POPUPS_JS))
    assert "Ukrtelekom" in popups and "Kyivstar" in popups


@pytest.mark.parametrize("path", DOWNLOADS)
def test_an_english_planners_download_holds_no_ukrainian_word(english_page, site, path):
    page = english_page
    page.goto(site.url + "/planning/")
    response = page.request.get(site.url + path)
    assert response.status == 200
    text = response.text()
    assert text.count("\n") >= 2 and _cyrillic(text.splitlines()) == []


def _figures(page) -> dict:
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('#gap-figures [data-figure]')]"
        ".map((dd) => [dd.dataset.figure, dd.textContent]))"
    )


GAP_FEATURES_JS = (
    "((drawn) => drawn ? drawn.data.features : [])"
    "(document.getElementById('coverage-map').coverageMap.hromada.drawn['coverage-gaps'])"
)


def _drawn_gap_groups(page) -> set:
    """The groups of the gap drawn (all its features, in view or not)."""
    return set(page.evaluate(f"() => {GAP_FEATURES_JS}.map((f) => f.properties.group)"))


@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_gap_switch_redraws_the_gap_swaps_the_figures_and_keeps_the_choice_in_the_url(
    browser, site, language
):
    context = new_context(browser, site.url, 1366, language)
    context.add_cookies(site.staff_cookies)
    page = context.new_page()
    try:
        _open(page, site.url + "/planning/")
        page.wait_for_selector("#coverage-map[data-gap-ready='any-served']", timeout=45_000)
        assert _drawn_gap_groups(page) == {"any"}
        before = _figures(page)
        page.locator("#gap-switch input[value='fixed-covered']").check()
        page.wait_for_selector("#coverage-map[data-gap-ready='fixed-covered']", timeout=45_000)
        page.wait_for_function(
            f"() => {{ const gap = {GAP_FEATURES_JS};"
            " return gap.length && gap.every((f) => f.properties.group === 'fixed'); }"
        )
        # Drawn in view, as the registry's gap layer.
        assert page.evaluate("() => HromadaMap.rendered(window.hromadaMap, 'coverage-gaps').length")
        assert "gap=fixed-covered" in page.url
        after = _figures(page)
        assert after != before and after["area_km2"] != "—"
        # The address shares the choice: opened afresh, the server shows the same.
        shared = page.url
        page.goto("about:blank")
        _open(page, shared)
        page.wait_for_selector("#coverage-map[data-gap-ready='fixed-covered']", timeout=45_000)
        assert page.locator("#gap-switch input[value='fixed-covered']").is_checked()
        assert _figures(page) == after
    finally:
        context.close()


SHOTS = Path(os.environ.get("HROMADA_SHOTS", "/tmp/planning"))


@pytest.mark.parametrize("language", ["uk", "en"])
@pytest.mark.parametrize("width", [1366, 360])
@pytest.mark.parametrize("name", ["planning", "coverage"])
def test_the_planners_pages_fit_the_width_and_are_kept_as_screenshots(
    browser, site, name, width, language
):
    context = new_context(browser, site.url, width, language)
    context.add_cookies(site.staff_cookies)
    page = context.new_page()
    try:
        _open(
            page, f"{site.url}/{name}/" + ("?gap=fixed-covered&k=3" if name == "planning" else "")
        )
        if name == "planning":
            page.wait_for_selector("#coverage-map[data-gap-ready='fixed-covered']", timeout=45_000)
            page.locator("#gaps").scroll_into_view_if_needed()
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{width}-{language}.png"), full_page=True)
        page.locator("#coverage-map").screenshot(
            path=str(SHOTS / f"{name}-map-{width}-{language}.png")
        )
    finally:
        context.close()
