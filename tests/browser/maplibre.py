"""Reading a HromadaMap page (MapLibre GL JS) from a browser test, through `window.hromadaMap`."""

WAIT_MS = 45_000  # an upper bound only: a loaded CI machine draws a failing layer slowly


def wait_idle(page, selector: str = "[data-map-ready='true']") -> None:
    """Wait until the page's map is made, then until MapLibre has drawn every tile in view."""
    page.wait_for_selector(selector, timeout=WAIT_MS)
    page.wait_for_function(
        "() => window.hromadaMap && window.hromadaMap.loaded() && !window.hromadaMap.isMoving()"
        " && window.hromadaMap.areTilesLoaded()",
        timeout=WAIT_MS,
    )
    page.evaluate(
        "() => new Promise((done) => { const m = window.hromadaMap;"
        " if (!m.isMoving() && m.loaded() && m.areTilesLoaded()) { m.once('idle', done);"
        " m.triggerRepaint(); } else { m.once('idle', done); } })"
    )


def rendered(page, source: str, prop: str | None = None) -> list:
    """The features of `source` drawn in view (one per map layer), or their `prop` values."""
    return page.evaluate(
        """([source, prop]) => window.hromadaMap.queryRenderedFeatures()
          .filter((f) => f.source === source && !(f.layer.metadata || {})["hromada:label"])
          .map((f) => prop ? f.properties[prop] : f.properties)""",
        [source, prop],
    )


def labels(page, source: str, field: str = "name_uk") -> set[str]:
    """The `field` of the labels of `source` MapLibre placed (collision-checked: on screen)."""
    texts = page.evaluate(
        """([source, field]) => window.hromadaMap.queryRenderedFeatures()
          .filter((f) => f.source === source && (f.layer.metadata || {})["hromada:label"])
          .map((f) => f.properties[field])""",
        [source, field],
    )
    return set(texts)


def jump(page, lon: float, lat: float, zoom: float) -> None:
    page.evaluate(
        "([lon, lat, zoom]) => window.hromadaMap.jumpTo({center: [lon, lat], zoom: zoom})",
        [lon, lat, zoom],
    )


def click_at(page, lon: float, lat: float) -> None:
    """Click the map where (lon, lat) is drawn, as a person would."""
    x, y = page.evaluate(
        "([lon, lat]) => { const p = window.hromadaMap.project([lon, lat]); return [p.x, p.y]; }",
        [lon, lat],
    )
    box = page.evaluate(
        "() => { const r = window.hromadaMap.getCanvas().getBoundingClientRect();"
        " return [r.left, r.top]; }"
    )
    page.mouse.click(box[0] + x, box[1] + y)


def popup_text(page) -> str:
    popup = page.locator(".maplibregl-popup-content")
    popup.wait_for(timeout=5_000)
    return popup.inner_text()


# Every tile the page's workers are asked to parse again ("RT", MapLibre's reloadTile
# message), by source, in window.__tileReloads. A layout property (even `visibility`)
# changed after a source's tiles were in makes MapLibre parse all of them again.
TILE_RELOADS_JS = """(() => {
  window.__tileReloads = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === "RT") {
      window.__tileReloads.push((message.data || {}).source);
    }
    return post.call(this, message, ...rest);
  };
})();"""


def record_tile_reloads(page) -> None:
    """Count, from the page's next load on, the tiles its map parses again (tile_reloads)."""
    page.add_init_script(TILE_RELOADS_JS)


def tile_reloads(page, source: str) -> int:
    """How many tiles of `source` were parsed again since the page loaded."""
    return page.evaluate(
        "(source) => window.__tileReloads.filter((s) => s === source).length", source
    )


def hold_requests(page, pattern):
    """Hold back the page's requests matching `pattern` (a glob, or a predicate of the URL)
    until the returned function is called, as a slow line would; that function lets them
    and every later one through, and returns how many were held."""
    held, released = [], []

    def hold(route):
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route(pattern, hold)

    def release() -> int:
        released.append(True)
        for route in held:
            route.continue_()
        return len(held)

    return release
