"""Reading a HromadaMap page (Leaflet and protomaps-leaflet, layers/map.js) from a browser
test, through `window.hromadaMap` and HromadaMap's own readers of what is drawn. Zooms are
the style document's (HromadaMap converts to Leaflet's)."""

WAIT_MS = 45_000  # an upper bound only: a loaded CI machine draws a failing layer slowly


def wait_idle(page, selector: str = "[data-map-ready='true']") -> None:
    """Wait until the page's map is made, then until no tile of it is on its way and two
    frames have been painted (the tiles drawn, the page's data on the canvas)."""
    page.wait_for_selector(selector, timeout=WAIT_MS)
    page.wait_for_function(
        "() => window.hromadaMap && window.hromadaMap.hromada && window.hromadaMap.hromada.idle",
        timeout=WAIT_MS,
    )
    page.evaluate(
        "() => HromadaMap.whenIdle(window.hromadaMap).then(() => new Promise((done) =>"
        " requestAnimationFrame(() => requestAnimationFrame(done))))"
    )


def rendered(page, source: str, prop: str | None = None) -> list:
    """The features of `source` drawn in view (one per style layer or part), or their
    `prop` values."""
    return page.evaluate(
        """([source, prop]) => HromadaMap.rendered(window.hromadaMap, source)
          .map((f) => prop ? f.properties[prop] : f.properties)""",
        [source, prop],
    )


def labels(page, source: str, field: str = "name_uk") -> set[str]:
    """The `field` of the labels of `source` placed in view (collision-checked)."""
    texts = page.evaluate(
        """([source, field]) => HromadaMap.placedLabels(window.hromadaMap)
          .filter((l) => l.source === source).map((l) => l.properties[field])""",
        [source, field],
    )
    return set(texts)


def jump(page, lon: float, lat: float, zoom: float) -> None:
    page.evaluate(
        "([lon, lat, zoom]) => HromadaMap.jumpTo(window.hromadaMap, [lon, lat], zoom)",
        [lon, lat, zoom],
    )


def click_at(page, lon: float, lat: float) -> None:
    """Click the map where (lon, lat) is drawn, as a person would."""
    x, y = page.evaluate(
        """([lon, lat]) => { const m = window.hromadaMap;
          const p = m.latLngToContainerPoint([lat, lon]);
          const c = m.getContainer(), r = c.getBoundingClientRect();
          return [r.left + c.clientLeft + p.x, r.top + c.clientTop + p.y]; }""",
        [lon, lat],
    )
    page.mouse.click(x, y)


def popup_text(page) -> str:
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    return popup.inner_text()


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
