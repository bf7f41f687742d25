"""/planning/ and /coverage/ in English in a real Chromium on the demo community: no
Ukrainian word in the page, on its map (labels, legend, popups) or in its downloads,
except what people wrote (marked `data-user-content`) and the language switch (`lang="uk"`).
"""

import re

import pytest

from bench.pages import new_context, wait_until_drawn
from tests.helpers.live import demo_site
from tests.i18n.textscan import untranslated

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
DMYTRIVKA = "UA35040090010099441"
PLANNING = f"/planning/?k=3&radius_m=300&village={DMYTRIVKA}"

# Every text a symbol layer of the map drew in view (its evaluated `text-field`).
MAP_LABELS_JS = """() => {
  const m = document.getElementById('coverage-map').coverageMap;
  return m.queryRenderedFeatures().filter((f) => f.layer.type === 'symbol').map((f) => {
    const t = f.layer.layout['text-field'];
    const text = t && t.sections ? t.sections.map((s) => s.text).join('') : String(t || '');
    return f.layer.id + ': ' + text;
  });
}"""
# The popup each drawn registry feature opens on a click (coverage-map.js popupContent),
# and what the registry's generic popups would show for the rest.
POPUPS_JS = """() => {
  const el = document.getElementById('coverage-map');
  const m = el.coverageMap;
  const legends = {};
  (m.hromada.doc.metadata['hromada:legends'] || []).forEach((l) => { legends[l.id] = l; });
  return m.queryRenderedFeatures().filter((f) => {
    const layer = (f.layer.metadata || {})['hromada:layer'];
    return legends[layer] && !(f.layer.metadata || {})['hromada:label'] && f.source === layer;
  }).map((f) => f.layer.id + ': ' + (el.popupContent
    ? el.popupContent(f) : HromadaMapControls.popupContent(f.properties,
      legends[f.layer.metadata['hromada:layer']])).innerText);
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
