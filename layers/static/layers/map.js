/*
 * HromadaMap: every web map of the service, drawn by MapLibre GL JS from the one style
 * document (/tiles/style.json, read by layers/styles.js). Layers, labels, legend, popups,
 * layer toggles, the scale bar, "where am I" and the address search all come from it:
 * no colour, view or URL is written here. Needs vendor/maplibre-gl/maplibre-gl.js,
 * layers/styles.js, layers/map-controls.js and layers/map-search.js first, and the page
 * parts of layers/templates/layers/_map_head.html and _map_scripts.html (the style
 * document preloaded, the controls' texts in the page language).
 *
 * MapLibre's standard bundle starts its workers from a blob: URL (the CSP's worker-src
 * allows blob:); it is 96 kB smaller gzipped than the CSP build's two files, which
 * repeat their shared code, and needs no second request before a map can draw.
 *
 *   HromadaMap.create(element, { layers: ["territory", "settlements"], hidden: [],
 *     legend: true, search: true, popups: true }).then(function (map) { ... });
 *
 * `options.controls(map)` adds the page's own controls with the map's. `map.hromada`
 * holds the style document (`doc`), the page's options and the map's style. The promise
 * resolves at MapLibre's "load" (every first tile drawn); `options.styled(map)` is called
 * earlier, once the style is in and the view fitted, for a page's own data to be drawn
 * with the first tiles rather than after them.
 */
(function () {
  "use strict";

  var PHONE_PX = 600;
  var STREET_ZOOM = 17;
  var MAX_ZOOM = 19;

  /** The controls' texts in the page language (data-* of #hromada-map-text). */
  function text(name) {
    var node = document.getElementById("hromada-map-text");
    return (node && node.dataset[name]) || "";
  }

  function isPhone(element) {
    return (element || document.documentElement).clientWidth <= PHONE_PX;
  }

  // MapLibre's own buttons and the canvas get their accessible names in the page language.
  function locale() {
    return {
      "Map.Title": text("mapTitle"),
      "NavigationControl.ZoomIn": text("zoomIn"),
      "NavigationControl.ZoomOut": text("zoomOut"),
      "NavigationControl.ResetBearing": text("resetBearing"),
      "GeolocateControl.FindMyLocation": text("findMe"),
      "GeolocateControl.LocationNotAvailable": text("locationUnavailable"),
      "AttributionControl.ToggleAttribution": text("attribution"),
      "Popup.Close": text("close"),
      "ScaleControl.Meters": text("metres"),
      "ScaleControl.Kilometers": text("kilometres"),
      "Marker.Title": text("marker"),
    };
  }

  function layerOf(styleLayer) {
    return (styleLayer.metadata || {})["hromada:layer"];
  }

  function isBasemap(layer) { return Boolean((layer.metadata || {})["hromada:basemap"]); }

  /** The document cut to the page's registry layers, the hidden ones switched off; the
   * basemap (background included) is kept on every page, so no map is ever blank. */
  function pageStyle(doc, options) {
    var wanted = (options.layers || Object.keys(doc.sources)).concat(["basemap"]);
    var hidden = options.hidden || [];
    var sources = {};
    wanted.forEach(function (id) { if (doc.sources[id]) { sources[id] = doc.sources[id]; } });
    var layers = doc.layers.filter(function (layer) { return sources[layer.source] || isBasemap(layer); })
      .map(function (layer) {
        var copy = JSON.parse(JSON.stringify(layer));
        if (hidden.indexOf(layerOf(layer)) >= 0 || shownElsewhere(layer, sources, hidden)) {
          copy.layout = Object.assign({}, copy.layout, { visibility: "none" });
        }
        return copy;
      });
    if (options.basemap && options.basemap.url && !sources.basemap) {
      sources.basemap = { type: "raster", tiles: [options.basemap.url], tileSize: 256,
        attribution: options.basemap.attribution || "" };
      layers.unshift({ id: "basemap", type: "raster", source: "basemap" });
    }
    return { version: doc.version, name: doc.name, sources: sources, layers: layers,
      center: doc.center, zoom: doc.zoom };
  }

  // A basemap layer drawing a registry layer's data (the own basemap's house numbers and
  // village names) is hidden while the page shows that layer itself (not drawn twice), and
  // shown while the page's layer is switched off (see show()).
  function sameAs(layer) { return (layer.metadata || {})["hromada:same-as"]; }

  function shownElsewhere(layer, sources, hidden) {
    var same = sameAs(layer);
    return Boolean(same && sources[same] && hidden.indexOf(same) < 0);
  }

  function legendsOf(doc, ids) {
    return (doc.metadata["hromada:legends"] || []).filter(function (legend) {
      return ids.indexOf(legend.id) >= 0;
    });
  }

  function addControls(map, doc, options, style) {
    var phone = isPhone(map.getContainer());
    // The credits from the start (MapLibre adds the sources' own only after the first
    // frame): the control has its final size before the view is fitted (a line grown
    // after it, on a desktop, refitted the map and asked for a second set of tiles), and
    // on a phone it is folded then, not opened and folded again after the first tiles.
    var credit = (doc.metadata["hromada:basemap"] || {}).attribution;
    var attribution = new maplibregl.AttributionControl({ compact: phone,
      customAttribution: credits(style, credit) });
    map.addControl(attribution, "bottom-right");
    if (phone) {
      // Folded as MapLibre leaves it once folded (compact, not shown): it then never opens
      // by itself when the sources' credits come in.
      var box = map.getContainer().querySelector(".maplibregl-ctrl-attrib");
      box.classList.add("maplibregl-compact");
      box.classList.remove("maplibregl-compact-show");
      box.setAttribute("open", "");
    }
    if (options.search !== false) {
      map.addControl(new HromadaMapControls.Search(doc, options), "top-left");
    }
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.hromada.geolocate = new maplibregl.GeolocateControl({
      positionOptions: { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      fitBoundsOptions: { maxZoom: STREET_ZOOM },
    });
    map.addControl(map.hromada.geolocate, "top-right");
    // Added first, the basemap note sits lowest in its corner: under the scale bar and
    // beside the attribution button, below a phone's folded legend.
    map.addControl(new HromadaMapControls.BasemapNote(doc), "bottom-left");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    var toggles = options.toggles || options.hidden || [];
    if (toggles.length) {
      var toggleBox = new HromadaMapControls.Toggles(legendsOf(doc, toggles), options, phone);
      map.addControl(toggleBox, "top-left");
    }
    if (options.legend !== false) {
      var legends = legendsOf(doc, options.legendLayers || options.layers || Object.keys(doc.sources));
      map.hromada.legend = new HromadaMapControls.Legend(legends, options.legendExtra || [], phone);
      map.addControl(map.hromada.legend, "bottom-right");
    }
    // The page's own controls, with the map's: the view is fitted clear of them too (one
    // added after the first frame refitted the map, and it asked for a second set of tiles).
    if (options.controls) { options.controls(map); }
    HromadaMapControls.tabOrder(map);
    clearOfAttribution(map);
  }

  // A long sources line (the attribution, bottom right) reaches left under the bottom-left
  // corner (the scale bar, the basemap note) and, on two lines, was printed over them: that
  // corner is lifted above the line whenever the two would meet.
  function clearOfAttribution(map) {
    var container = map.getContainer();
    var line = container.querySelector(".maplibregl-ctrl-attrib");
    var corner = container.querySelector(".maplibregl-ctrl-bottom-left");
    if (!line || !corner || !window.ResizeObserver) { return; }
    function place() {
      corner.style.bottom = "";
      var a = line.getBoundingClientRect();
      var c = corner.getBoundingClientRect();
      if (a.width && c.width && a.left < c.right && a.top < c.bottom) {
        corner.style.bottom = Math.ceil(container.getBoundingClientRect().bottom - a.top) + "px";
      }
    }
    // The corner too: the scale bar widens as the map zooms. Placing it moves the corner
    // but resizes nothing watched, so this never loops.
    var watcher = new ResizeObserver(place);
    [line, container, corner].forEach(function (node) { watcher.observe(node); });
    // And now: the view is fitted clear of the corner at `style.load`, before the
    // watcher's first call; a corner lifted after that refitted the map (a second set
    // of tiles).
    place();
  }

  /** The basemap's credit and those of the page's sources with a layer not switched off
   * (at any zoom). Unlike MapLibre's own line, which follows the layers drawn, the line
   * keeps a credit when its layer is switched off or out of its zoom range: it never
   * changes size under the visitor, nor after the view is fitted clear of it. */
  function credits(style, basemapCredit) {
    var shown = {};
    style.layers.forEach(function (layer) {
      if (isShown(layer, (layer.layout || {}).visibility)) { shown[layer.source] = true; }
    });
    var all = [basemapCredit].concat(Object.keys(style.sources).filter(function (id) {
      return shown[id];
    }).map(function (id) { return style.sources[id].attribution; }));
    return all.filter(function (text, index) { return text && all.indexOf(text) === index; });
  }

  // On a phone the sources are one tap away: the (i) button, not lines over the map.
  function foldAttribution(map) {
    var attribution = map.getContainer().querySelector(".maplibregl-ctrl-attrib.maplibregl-compact");
    if (attribution) { attribution.classList.remove("maplibregl-compact-show"); }
  }

  // The view clear of the controls: each control takes a band along the side (of its
  // corner) where the band costs the smaller share of the map (a tall legend a side band,
  // a wide attribution line a bottom band), reaching from the map's edge past the control;
  // the territory is fitted into what is left, so no control (the legend above all)
  // covers it.
  function clearPadding(map) {
    var box = map.getContainer().getBoundingClientRect();
    // At least room for half a village name beside the territory's edge: a name placed
    // beside a village on the border stays inside the map.
    var padding = { top: 16, bottom: 16, left: 36, right: 36 };
    var controls = map.getContainer().querySelectorAll(".maplibregl-ctrl-top-left > *, " +
      ".maplibregl-ctrl-top-right > *, .maplibregl-ctrl-bottom-left > *, .maplibregl-ctrl-bottom-right > *");
    Array.prototype.forEach.call(controls, function (control) {
      var rect = control.getBoundingClientRect();
      if (!rect.width || !rect.height) { return; }
      var corner = control.parentNode.className.match(/ctrl-(top|bottom)-(left|right)/);
      var vertical = corner[1] === "top" ? rect.bottom - box.top : box.bottom - rect.top;
      var horizontal = corner[2] === "left" ? rect.right - box.left : box.right - rect.left;
      if (horizontal / box.width < vertical / box.height) {
        padding[corner[2]] = Math.max(padding[corner[2]], horizontal + 8);
      } else {
        padding[corner[1]] = Math.max(padding[corner[1]], vertical + 8);
      }
    });
    // A map too small for its controls still shows the territory whole.
    var spareX = box.width - padding.left - padding.right;
    var spareY = box.height - padding.top - padding.bottom;
    return spareX > 40 && spareY > 40 ? padding : 8;
  }

  /** Fit `bounds` ([west, south, east, north], CRS84) clear of the controls. A fit
   * that would not move the map does nothing (no "moveend", no page reloading its data). */
  function fit(map, bounds, options) {
    var box = [[bounds[0], bounds[1]], [bounds[2], bounds[3]]];
    var settings = Object.assign({ padding: clearPadding(map), animate: false, maxZoom: STREET_ZOOM }, options);
    var camera = map.cameraForBounds(box, settings);
    var here = map.getCenter();
    if (camera && Math.abs(camera.zoom - map.getZoom()) < 1e-6 &&
        Math.abs(camera.center.lng - here.lng) < 1e-9 && Math.abs(camera.center.lat - here.lat) < 1e-9) {
      return;
    }
    map.fitBounds(box, settings);
  }

  // The page may still be settling when the map loads (fonts, controls growing, the
  // container resized): keep the territory fitted clear of the controls until the
  // map is moved by anything else (the visitor, a search result, a chosen place); a
  // move of MapLibre's own resizing is known by the container's changed size.
  function keepFitted(map) {
    var fitting = false, size = "";
    function sizeNow() { return map.getContainer().clientWidth + "x" + map.getContainer().clientHeight; }
    function refit() { fitting = true; fit(map, territoryBounds(map)); size = sizeNow(); fitting = false; }
    size = sizeNow();
    var corners = map.getContainer().querySelectorAll("[class*='maplibregl-ctrl-top'], [class*='maplibregl-ctrl-bottom']");
    var watcher = window.ResizeObserver ? new ResizeObserver(refit) : null;
    if (watcher) { Array.prototype.forEach.call(corners, function (node) { watcher.observe(node); }); }
    function stop(event) {
      if (fitting || sizeNow() !== size) { return; }
      if (watcher) { watcher.disconnect(); }
      map.off("resize", refit); map.off("idle", refit); map.off("movestart", stop);
    }
    map.on("resize", refit);
    map.once("idle", refit);
    map.on("movestart", stop);
  }

  /** The territory's bounds from the style document (CRS84). */
  function territoryBounds(map) {
    return map.hromada.doc.metadata["hromada:bounds"];
  }

  // A handle for tests and tools (bench/, screenshots) to wait for MapLibre's "idle":
  // window.hromadaMap is the page's first map, window.hromadaMaps all of them.
  function expose(map) {
    window.hromadaMaps = (window.hromadaMaps || []).concat([map]);
    if (!window.hromadaMap) { window.hromadaMap = map; }
  }

  // A layer whose tiles fail (a 503, a dropped connection) must not keep the map from
  // being ready. MapLibre counts a failed tile as done, but it paints no frame for the
  // failure, and "load" and "idle" are only fired from a frame: a failure that comes after
  // the other layers were drawn left the map waiting (no "load": not fitted to the
  // territory, the page's scripts never given the map) until the visitor touched it.
  // So when an error leaves no tile on its way (whose arrival would paint), one frame is
  // asked for: the map settles with that layer left out. While tiles are still on their
  // way, their arrival paints as before (an earlier "load" would fit the map to the
  // territory and abort them). The error is still logged, as MapLibre does
  // when no one listens, unless the page says it is expected
  // (`options.quietError(event)` true: the offline report form's misses). It is an
  // option, known from the first tile: the misses of the first view come before "load".
  function settleOnErrors(map) {
    map.on("error", function (event) {
      if (map.areTilesLoaded()) { map.triggerRepaint(); }
      var quiet = map.hromada.options.quietError;
      if (!(quiet && quiet(event))) { console.error((event && event.error) || event); }
    });
  }

  /**
   * A Promise of a MapLibre map on `element` for the registry layers in `options.layers`
   * (default: all the visitor may see), opened on the territory unless `options.center`
   * ([lon, lat]) and `options.zoom` are given.
   */
  function create(element, options) {
    options = options || {};
    window.HromadaMap.requested += 1;
    return HromadaStyles.load().then(function (doc) {
      var style = pageStyle(doc, options);
      var map = new maplibregl.Map({
        container: element,
        style: style,
        center: options.center || doc.center,
        zoom: options.zoom === undefined ? doc.zoom : options.zoom,
        maxZoom: MAX_ZOOM,
        attributionControl: false,
        locale: locale(),
        dragRotate: false,
        pitchWithRotate: false,
        cooperativeGestures: false,
      });
      map.touchZoomRotate.disableRotation();
      map.hromada = { doc: doc, options: options, style: style };
      element.hromadaMap = map;  // for the page's other scripts and the browser tests
      expose(map);
      addControls(map, doc, options, style);
      if (options.popups !== false) { HromadaMapControls.popups(map, doc); }
      // The view is settled when the style is in, before the first frame asks for tiles:
      // the attribution folded (on a phone) and the territory fitted clear of the
      // controls, so that the tiles of the view the visitor sees are the only ones asked
      // for (fitted at "load", after the first tiles, the map asked for a second set).
      // `options.styled(map)` may then add the page's own data before the first frame.
      map.once("style.load", function () {
        foldAttribution(map);
        if (!options.center) { fit(map, territoryBounds(map)); keepFitted(map); }
        if (options.styled) { options.styled(map); }
        askFirstTiles(map);
      });
      settleOnErrors(map);
      return new Promise(function (resolve) {
        map.on("load", function () {
          element.setAttribute("data-map-ready", "true");
          resolve(map);
        });
      });
    });
  }

  // MapLibre asks for the first view's tiles from its first frame, which on a slow phone
  // starts 150-250 ms after the style is in, and asks for the basemap's before the vector
  // tiles (those go through its worker): on the rural-phone bench the village names'
  // tiles came in after the last basemap tile. They are asked for here, at `style.load`
  // with the view fitted: the small vector tiles first, then the basemap's. The tiles are
  // MapLibre's own choice (map.coveringTiles with each source's settings, less those
  // outside its bounds, as its TileManager does) and their URLs its own (the tile ID's
  // url()), so its requests are answered by the browser's HTTP cache (or wait for the
  // answer on its way); a failure here is left to MapLibre's own request to report.
  // Checked by tests/browser/test_prefetch.py: no tile MapLibre does not hold for
  // the view, each reaching our server once.
  function askFirstTiles(map) {
    var sources = shownSources(map, map.getZoom());
    sources.sort(function (a, b) { return (a.spec.type === "raster") - (b.spec.type === "raster"); });
    map.hromada.firstTiles = [];  // what was asked for here, for the tests
    var asked = {};
    sources.forEach(function (used) {
      var raster = used.spec.type === "raster";
      firstTiles(map, used).forEach(function (tile) {
        var url = tile.url(used.spec.tiles, map.getPixelRatio(), used.spec.scheme);
        if (asked[url]) { return; }  // a world's copy: the same tile
        asked[url] = true;
        map.hromada.firstTiles.push({ source: used.id, tile: [tile.z, tile.x, tile.y], url: url });
        // As MapLibre asks (an image's Accept): the answer is one it can take from the cache.
        fetch(url, { credentials: "same-origin", headers: raster ? { accept: "image/webp,*/*" } : {} })
          .then(function (response) { return response.blob(); }).catch(function () {});
      });
    });
  }

  /** Whether a layer of the page's style is drawn: not switched off, and (when `zoom` is
   * given) inside its zoom range, as MapLibre's own test. */
  function isShown(layer, visibility, zoom) {
    if (visibility === "none") { return false; }
    return zoom === undefined || !((layer.minzoom && zoom < layer.minzoom) || (layer.maxzoom && zoom >= layer.maxzoom));
  }

  /** The page's tiled sources ({tiles: [templates]}) with a layer drawn at `zoom`:
   * {id, spec (the source as the style document gives it)}. */
  function shownSources(map, zoom) {
    var style = map.hromada.style, used = {};
    style.layers.forEach(function (layer) {
      var spec = layer.source && style.sources[layer.source];
      if (!spec || !spec.tiles || (spec.type !== "vector" && spec.type !== "raster")) { return; }
      if (map.getLayer(layer.id) && isShown(layer, map.getLayoutProperty(layer.id, "visibility"), zoom)) {
        used[layer.source] = { id: layer.source, spec: spec };
      }
    });
    return Object.keys(used).map(function (id) { return used[id]; });
  }

  /** The canonical IDs of the tiles MapLibre asks for for `used` at the map's view. The
   * settings come from the style document (the source's own object has them only once it
   * has loaded, after `style.load`); zoom rounded for rasters as MapLibre's raster sources. */
  function firstTiles(map, used) {
    var spec = used.spec;
    var ids = map.coveringTiles({ tileSize: spec.tileSize || 512, minzoom: spec.minzoom || 0,
      maxzoom: spec.maxzoom === undefined ? 22 : spec.maxzoom, roundZoom: spec.type === "raster",
      reparseOverscaled: spec.type === "vector" });
    return ids.map(function (id) { return id.canonical; }).filter(function (tile) {
      return !spec.bounds || inBounds(tile, spec.bounds);
    });
  }

  /** Whether tile {z, x, y} meets bounds [west, south, east, north] (CRS84), as
   * MapLibre's TileBounds (the bounds clamped to the world first). */
  function inBounds(tile, bounds) {
    var n = Math.pow(2, tile.z);
    var northWest = maplibregl.MercatorCoordinate.fromLngLat([Math.max(-180, bounds[0]), Math.min(90, bounds[3])]);
    var southEast = maplibregl.MercatorCoordinate.fromLngLat([Math.min(180, bounds[2]), Math.max(-90, bounds[1])]);
    return tile.x >= Math.floor(northWest.x * n) && tile.x < Math.ceil(southEast.x * n) &&
      tile.y >= Math.floor(northWest.y * n) && tile.y < Math.ceil(southEast.y * n);
  }

  /** The MapLibre layer parts (type, paint) of a registry layer's look or of a marker. */
  function paints(map, kind, name, look) {
    var all = map.hromada.doc.metadata["hromada:paints"] || {};
    if (kind === "marker") { return (all.markers || {})[name] || []; }
    return ((all.layers || {})[name] || {})[look || ""] || [];
  }

  /**
   * Draw page data (a GeoJSON object) as source `id` with the given parts; each map layer
   * is `id-<part>` and carries `layer` (a registry id, for toggles) in its metadata.
   */
  function draw(map, id, data, parts, extra) {
    extra = extra || {};
    if (map.getSource(id)) { map.getSource(id).setData(data); return; }
    map.addSource(id, Object.assign({ type: "geojson", data: data }, extra.source || {}));
    parts.forEach(function (part) {
      map.addLayer({
        id: id + "-" + part.id, type: part.type, source: id,
        paint: Object.assign({}, part.paint, (extra.paint || {})[part.type] || {}),
        layout: extra.hidden ? { visibility: "none" } : {},
        filter: extra.filter || ["all"],
        metadata: { "hromada:layer": extra.layer || id },
      }, extra.before);
    });
  }

  /** The first of a marker style's colours, for DOM markers (a pin, a chosen place). */
  function markerColour(map, name) {
    var style = (map.hromada.doc.metadata["hromada:markers"] || {})[name] || {};
    return style.colour;
  }

  /** Show or hide every map layer of registry layer (or page source) `id`, and the
   * basemap's copy of it the other way round. */
  function show(map, id, visible) {
    var style = map.getStyle();
    if (!style) { return; }  // switched before the style is in: no layer to show yet
    style.layers.forEach(function (layer) {
      if (layerOf(layer) === id) {
        map.setLayoutProperty(layer.id, "visibility", visible ? "visible" : "none");
      } else if (sameAs(layer) === id) {
        map.setLayoutProperty(layer.id, "visibility", visible ? "none" : "visible");
      }
    });
  }

  // The workers start while the style document is on its way, not after it.
  if (window.maplibregl && maplibregl.prewarm) { maplibregl.prewarm(); }

  window.HromadaMap = {
    create: create, fit: fit, territoryBounds: territoryBounds, paints: paints, draw: draw,
    markerColour: markerColour, show: show, text: text, isPhone: isPhone,
    STREET_ZOOM: STREET_ZOOM,
    // How many maps the page has asked for: tests and tools wait for those to be idle,
    // and know that a page with none (the print form before its area is drawn) has none.
    requested: 0,
  };
})();
