/*
 * HromadaMap: every web map of the service, drawn by Leaflet with protomaps-leaflet from
 * the one style document (/tiles/style.json, read by layers/styles.js, turned into
 * Leaflet layers by layers/paint.js). Layers, labels, legend, popups, layer toggles, the
 * scale bar, "where am I" and the address search all come from it: no colour, view or
 * URL is written here. Needs vendor/leaflet/leaflet.js, vendor/protomaps-leaflet,
 * layers/styles.js, layers/paint.js, layers/map-controls.js and layers/map-search.js
 * first, and the page parts of layers/templates/layers/_map_head.html and
 * _map_scripts.html (the style document preloaded, the controls' texts in the page
 * language).
 *
 * Why Leaflet and protomaps-leaflet rather than MapLibre GL JS: on the rural-phone bench
 * (1.6 Mbit/s, 150 ms, a 4x slower CPU) MapLibre alone (225 kB on the line, WebGL drawn
 * in software and read back on every frame) was ready at 2.5-2.9 s before any layer of
 * ours; Leaflet and protomaps-leaflet (70 kB, a 2D canvas per tile) drew the basemap,
 * the territory, the villages and their names in 1.8-2.0 s (bench/RESULTS.md).
 *
 *   HromadaMap.create(element, { layers: ["territory", "settlements"], hidden: [],
 *     legend: true, search: true, popups: true }).then(function (map) { ... });
 *
 * `map` is a Leaflet map; `map.hromada` holds the style document (`doc`), the page's
 * options, the page's style (the document cut to the page) and its layers. Zooms given
 * to or read from HromadaMap are the document's (MapLibre's, 512 px tiles); Leaflet's
 * own are one more (HromadaPaint.ZOOM_OFFSET). The promise resolves once every first
 * tile is drawn ("idle", fired on the map whenever no tile is on its way);
 * `options.styled(map)` is called earlier, once the view is set, for a page's own data
 * to be drawn with the first tiles rather than after them.
 */
(function () {
  "use strict";

  var PHONE_PX = 600;
  var OFFSET = window.HromadaPaint.ZOOM_OFFSET;
  var STREET_ZOOM = 17;  // the document's zoom
  var MAX_ZOOM = 19;
  var SHARED_TILES = 64;  // vector tiles fetched once for the shapes' and the labels' layers

  /** The controls' texts in the page language (data-* of #hromada-map-text). */
  function text(name) {
    var node = document.getElementById("hromada-map-text");
    return (node && node.dataset[name]) || "";
  }

  function isPhone(element) {
    return (element || document.documentElement).clientWidth <= PHONE_PX;
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

  /** A Leaflet control around one of ours ({onAdd(map) -> element, onRemove}). */
  function control(impl, position) {
    var Control = L.Control.extend({
      onAdd: function (map) {
        var node = impl.onAdd(map);
        // A tap or a wheel on a control is the control's, not the map's (no pin placed,
        // no popup opened, no zoom under a scrolled legend).
        L.DomEvent.disableClickPropagation(node);
        L.DomEvent.disableScrollPropagation(node);
        return node;
      },
      onRemove: function (map) { if (impl.onRemove) { impl.onRemove(map); } },
    });
    return new Control({ position: position });
  }

  /** Add one of our controls to the map at `position` ("topleft"…); the Leaflet control. */
  function addControl(map, impl, position) {
    return control(impl, position).addTo(map);
  }

  // Leaflet's scale bar, in the page's language (it writes "m" and "km" itself).
  var Scale = L.Control.Scale.extend({
    _updateMetric: function (maxMeters) {
      var meters = this._getRoundNum(maxMeters);
      var label = meters < 1000 ? meters + " " + text("metres") : meters / 1000 + " " + text("kilometres");
      this._updateScale(this._mScale, label, meters / maxMeters);
    },
  });

  function addControls(map, doc, options, style) {
    var phone = isPhone(map.getContainer());
    var credit = (doc.metadata["hromada:basemap"] || {}).attribution;
    // The credits from the start, complete: the line never changes size under the visitor.
    control(new HromadaMapControls.Attribution(credits(style, credit), phone), "bottomright").addTo(map);
    if (options.search !== false) {
      control(new HromadaMapControls.Search(doc, options), "topleft").addTo(map);
    }
    L.control.zoom({ position: "topright", zoomInTitle: text("zoomIn"), zoomOutTitle: text("zoomOut") }).addTo(map);
    map.hromada.geolocate = new HromadaMapControls.Locate(STREET_ZOOM + OFFSET);
    control(map.hromada.geolocate, "topright").addTo(map);
    // Added first, the basemap note sits lowest in its corner: under the scale bar and
    // beside the attribution button, below a phone's folded legend.
    control(new HromadaMapControls.BasemapNote(doc), "bottomleft").addTo(map);
    new Scale({ position: "bottomleft", imperial: false, maxWidth: 100 }).addTo(map);
    var toggles = options.toggles || options.hidden || [];
    if (toggles.length) {
      control(new HromadaMapControls.Toggles(legendsOf(doc, toggles), options, phone), "topleft").addTo(map);
    }
    if (options.legend !== false) {
      var legends = legendsOf(doc, options.legendLayers || options.layers || Object.keys(doc.sources));
      map.hromada.legend = new HromadaMapControls.Legend(legends, options.legendExtra || [], phone);
      control(map.hromada.legend, "bottomright").addTo(map);
    }
    if (options.controls) { options.controls(map); }
    HromadaMapControls.tabOrder(map);
    clearOfAttribution(map);
  }

  // A long sources line (the attribution, bottom right) reaches left under the bottom-left
  // corner (the scale bar, the basemap note): that corner is lifted above the line
  // whenever the two would meet.
  function clearOfAttribution(map) {
    var container = map.getContainer();
    var line = container.querySelector(".hromada-attribution");
    var corner = container.querySelector(".leaflet-bottom.leaflet-left");
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
    place();
  }

  /** The basemap's credit and those of the page's sources with a layer not switched off
   * (at any zoom): the line keeps a credit when its layer is switched off or out of its
   * zoom range, so it never changes size under the visitor. */
  function credits(style, basemapCredit) {
    var shown = {};
    style.layers.forEach(function (layer) {
      if ((layer.layout || {}).visibility !== "none") { shown[layer.source] = true; }
    });
    var all = [basemapCredit].concat(Object.keys(style.sources).filter(function (id) {
      return shown[id];
    }).map(function (id) { return style.sources[id].attribution; }));
    return all.filter(function (credit, index) { return credit && all.indexOf(credit) === index; });
  }

  // The view clear of the controls: each control takes a band along the side (of its
  // corner) where the band costs the smaller share of the map (a tall legend a side band,
  // a wide attribution line a bottom band), reaching from the map's edge past the control;
  // the territory is fitted into what is left, so no control (the legend above all)
  // covers it.
  function clearPadding(map) {
    var box = map.getContainer().getBoundingClientRect();
    // At least room for half a village name beside the territory's edge.
    var padding = { top: 16, bottom: 16, left: 36, right: 36 };
    var controls = map.getContainer().querySelectorAll(".leaflet-control-container .leaflet-control");
    Array.prototype.forEach.call(controls, function (node) {
      var rect = node.getBoundingClientRect();
      if (!rect.width || !rect.height || getComputedStyle(node).visibility === "hidden") { return; }
      var corner = node.parentNode.className.match(/leaflet-(top|bottom) leaflet-(left|right)/);
      if (!corner) { return; }
      var vertical = corner[1] === "top" ? rect.bottom - box.top : box.bottom - rect.top;
      var horizontal = corner[2] === "left" ? rect.right - box.left : box.right - rect.left;
      if (horizontal / box.width < vertical / box.height) {
        padding[corner[2]] = Math.max(padding[corner[2]], horizontal + 8);
      } else {
        padding[corner[1]] = Math.max(padding[corner[1]], vertical + 8);
      }
    });
    var spareX = box.width - padding.left - padding.right;
    var spareY = box.height - padding.top - padding.bottom;
    return spareX > 40 && spareY > 40 ? padding : { top: 8, bottom: 8, left: 8, right: 8 };
  }

  function latLngBounds(bounds) {
    return L.latLngBounds([bounds[1], bounds[0]], [bounds[3], bounds[2]]);
  }

  /** Fit `bounds` ([west, south, east, north], CRS84) clear of the controls, at most at
   * street level (or `options.maxZoom`, the document's zoom). A fit that would not move the map does nothing (no "moveend"). */
  function fit(map, bounds, options) {
    var padding = clearPadding(map);
    var maxZoom = (options && options.maxZoom !== undefined ? options.maxZoom : STREET_ZOOM) + OFFSET;
    var target = latLngBounds(bounds);
    var zoom = map.getBoundsZoom(target, false, L.point(padding.left + padding.right, padding.top + padding.bottom));
    zoom = Math.min(zoom, maxZoom);
    var centre = centreFor(map, target, zoom, padding);
    if (map._loaded && Math.abs(zoom - map.getZoom()) < 1e-6 && centre.distanceTo(map.getCenter()) < 1e-3) { return; }
    map.setView(centre, zoom, { animate: false });
  }

  // The centre that puts `bounds` in the middle of the padded box at `zoom`.
  function centreFor(map, bounds, zoom, padding) {
    var nw = map.project(bounds.getNorthWest(), zoom), se = map.project(bounds.getSouthEast(), zoom);
    var middle = nw.add(se).divideBy(2);
    var shift = L.point((padding.right - padding.left) / 2, (padding.bottom - padding.top) / 2);
    return map.unproject(middle.add(shift), zoom);
  }

  // The page may still be settling when the map is made (fonts, controls growing, the
  // container resized): keep the territory fitted clear of the controls until the
  // map is moved by anything else (the visitor, a search result, a chosen place).
  function keepFitted(map) {
    var fitting = false, size = "";
    function sizeNow() { return map.getContainer().clientWidth + "x" + map.getContainer().clientHeight; }
    function refit() {
      if (sizeNow() !== size) { map.invalidateSize({ pan: false }); }
      fitting = true; fit(map, territoryBounds(map)); size = sizeNow(); fitting = false;
    }
    size = sizeNow();
    var corners = map.getContainer().querySelectorAll(".leaflet-top, .leaflet-bottom");
    var watcher = window.ResizeObserver ? new ResizeObserver(refit) : null;
    if (watcher) {
      Array.prototype.forEach.call(corners, function (node) { watcher.observe(node); });
      watcher.observe(map.getContainer());
    }
    function stop() {
      if (fitting) { return; }
      if (watcher) { watcher.disconnect(); }
      map.off("movestart", stop);
    }
    map.on("movestart", stop);
  }

  /** The territory's bounds from the style document (CRS84). */
  function territoryBounds(map) {
    return map.hromada.doc.metadata["hromada:bounds"];
  }

  // A handle for tests and tools (bench/, screenshots) to wait for the map's "idle":
  // window.hromadaMap is the page's first map, window.hromadaMaps all of them.
  function expose(map) {
    window.hromadaMaps = (window.hromadaMaps || []).concat([map]);
    if (!window.hromadaMap) { window.hromadaMap = map; }
  }

  /** The vector tiles of `spec` (a style document source) for protomaps-leaflet: none
   * asked for below the source's minzoom or outside its bounds (the server would answer
   * 404 or nothing), the rest fetched once from the document's URL template for both
   * layers that draw them (shapes and labels: see addTileLayers), never aborted (the
   * other layer may still want the tile). An error is logged unless `quiet({url, error})`
   * says it is expected (offline). */
  function vectorSource(spec, quiet) {
    var bounds = spec.bounds ? latLngBounds(spec.bounds) : null;
    var fetched = new Map();
    function get(url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.status === 204 || response.status === 404) { return undefined; }
        if (!response.ok) {
          var refused = new Error(url + ": HTTP " + response.status);
          refused.status = response.status;
          throw refused;
        }
        return response.arrayBuffer().then(function (data) { return data.byteLength ? { data: data } : undefined; });
      }).catch(function (error) {
        // Not kept, here or in the layers' tile caches (a failure is thrown, not an empty
        // tile): the tile is asked for again when it is drawn again (see create: online).
        fetched.delete(url);
        if (quiet && quiet({ url: url, error: error })) {
          // protomaps-leaflet logs every failure but an abort: an expected miss is quiet.
          var miss = new Error(error.message);
          miss.name = "AbortError";
          throw miss;
        }
        throw error;  // logged by protomaps-leaflet, the tile drawn without this source
      });
    }
    return {
      getZxy: function (z, x, y) {
        if (z < (spec.minzoom || 0) || (bounds && !bounds.intersects(tileBounds(z, x, y)))) {
          return Promise.resolve(undefined);
        }
        var url = spec.tiles[0].replace("{z}", z).replace("{x}", x).replace("{y}", y);
        if (!fetched.has(url)) {
          fetched.set(url, get(url));
          // Kept while both layers may ask (each parses the tile itself); the layers'
          // own caches keep the parsed tiles afterwards.
          if (fetched.size > SHARED_TILES) { fetched.delete(fetched.keys().next().value); }
        }
        return fetched.get(url);
      },
    };
  }

  function tileBounds(z, x, y) {
    var n = Math.pow(2, z);
    function lat(row) { return Math.atan(Math.sinh(Math.PI * (1 - 2 * row / n))) * 180 / Math.PI; }
    return L.latLngBounds([lat(y + 1), x / n * 360 - 180], [lat(y), (x + 1) / n * 360 - 180]);
  }

  /** The page's tile layers: the raster basemap (an L.tileLayer) and two
   * protomaps-leaflet layers over every vector source, one drawing the shapes (under the
   * page's own data) and one the labels (in a pane above the page's data, as MapLibre
   * drew the names over every layer; labels collide across sources: the villages'
   * names, the streets', the house numbers). */
  function addTileLayers(map, style, options) {
    var P = window.protomapsL;
    var background = style.layers.filter(function (layer) { return layer.type === "background"; })[0];
    if (background) { map.getContainer().style.background = background.paint["background-color"]; }
    var layers = [];
    Object.keys(style.sources).forEach(function (id) {
      var spec = style.sources[id];
      if (spec.type !== "raster") { return; }
      layers.push(L.tileLayer(spec.tiles[0], { tileSize: spec.tileSize || 256, maxNativeZoom: spec.maxzoom || 19,
        minZoom: 0, maxZoom: MAX_ZOOM + OFFSET, className: "hromada-" + id }));
    });
    var vector = {}, bounds = null;
    Object.keys(style.sources).forEach(function (id) {
      var spec = style.sources[id];
      if (spec.type !== "vector") { return; }
      vector[id] = { url: vectorSource(spec, options.quietError), maxDataZoom: spec.maxzoom === undefined ? 14 : spec.maxzoom };
      if (spec.bounds) { bounds = bounds ? bounds.extend(latLngBounds(spec.bounds)) : latLngBounds(spec.bounds); }
    });
    map.hromada.scale = { text: textScale(map), view: labelView(map) };
    var rules = map.hromada.rules = HromadaPaint.vectorRules(P, style, map.hromada.scale);
    var common = { sources: vector, tileDelay: 0, attribution: "", maxZoom: MAX_ZOOM + OFFSET, bounds: bounds || undefined };
    if (Object.keys(vector).length && rules.paintRules.length) {
      map.hromada.vector = P.leafletLayer(Object.assign({ paintRules: rules.paintRules, labelRules: [],
        className: "hromada-vector" }, common));
      layers.push(map.hromada.vector);
    }
    if (Object.keys(vector).length && rules.labelRules.length) {
      map.createPane("hromadaLabels").style.zIndex = 450;  // over the overlays (400), under markers
      map.hromada.labels = P.leafletLayer(Object.assign({ paintRules: [], labelRules: rules.labelRules,
        className: "hromada-labels", pane: "hromadaLabels" }, common));
      layers.push(map.hromada.labels);
    }
    layers.forEach(function (layer) { layer.addTo(map); watch(map, layer); });
    map.hromada.tileLayers = layers;
    if (map.hromada.labels) { map.on("moveend", function () { placeLabelsAgain(map); }); }
  }

  /** The map's view in the labels' space: world pixels at the tiles' zoom. */
  function labelView(map) {
    var z = Math.round(map.getZoom());
    return Object.assign({ z: z }, viewPixels(map, z));
  }

  /** 1 / the scale Leaflet shows the tiles at, at the map's (fractional) zoom. */
  function textScale(map) {
    var zoom = map.getZoom();
    return Math.pow(2, Math.round(zoom) - zoom);
  }

  // Once the map stops, the labels are placed and drawn again: at their own size after a
  // zoom to a fractional level (the tiles of a new zoom are drawn with it, those kept
  // were not), and whole inside the view it now shows (a name cut by the map's edge
  // may now fit, or move to another side).
  function placeLabelsAgain(map) {
    var scale = map.hromada.scale;
    var view = labelView(map), old = scale.view;
    var moved = !old || old.z !== view.z || old.minX !== view.minX || old.minY !== view.minY ||
      old.maxX !== view.maxX || old.maxY !== view.maxY;
    var rescaled = Math.abs(textScale(map) - scale.text) >= 0.01;
    if (!moved && !rescaled) { return; }
    scale.text = textScale(map);
    scale.view = view;
    map.hromada.labels.clearLayout();
    map.hromada.labels.rerenderTiles();
  }

  // "idle" on the map whenever no tile of any layer is on its way (and the page has
  // nothing it is still drawing): tests, tools and the page's own promise wait for it.
  function watch(map, layer) {
    layer.on("loading", function () { map.hromada.idle = false; });
    layer.on("load", function () { settle(map); });
  }

  /** A Promise resolved once no tile of the map is on its way (at once if none is). */
  function whenIdle(map) {
    if (!map.hromada.tileLayers.some(function (layer) { return layer.isLoading(); })) {
      return Promise.resolve(map);
    }
    return new Promise(function (resolve) { map.once("idle", function () { resolve(map); }); });
  }

  function settle(map) {
    var busy = map.hromada.tileLayers.some(function (layer) { return layer.isLoading(); });
    if (busy || map.hromada.idle) { return; }
    map.hromada.idle = true;
    map.fire("idle");
  }

  /**
   * A Promise of a Leaflet map on `element` for the registry layers in `options.layers`
   * (default: all the visitor may see), opened on the territory unless `options.center`
   * ([lon, lat]) and `options.zoom` (the document's zoom) are given.
   */
  function create(element, options) {
    options = options || {};
    window.HromadaMap.requested += 1;
    return HromadaStyles.load().then(function (doc) {
      var style = pageStyle(doc, options);
      var map = L.map(element, {
        zoomControl: false, attributionControl: false, zoomSnap: 0, zoomDelta: 1, wheelPxPerZoomLevel: 120,
        maxZoom: MAX_ZOOM + OFFSET, minZoom: 0, preferCanvas: true, fadeAnimation: false,
        renderer: L.canvas({ tolerance: 4 }),
      });
      element.setAttribute("role", "region");
      element.setAttribute("aria-label", text("mapTitle"));
      map.hromada = { doc: doc, options: options, style: style, idle: false, drawn: {}, tileLayers: [] };
      element.hromadaMap = map;  // for the page's other scripts and the browser tests
      expose(map);
      addControls(map, doc, options, style);
      if (options.popups !== false) { HromadaMapControls.popups(map, doc); }
      if (options.center) {
        map.setView([options.center[1], options.center[0]], (options.zoom === undefined ? doc.zoom : options.zoom) + OFFSET);
      } else {
        fit(map, territoryBounds(map));
        keepFitted(map);
      }
      HromadaMapControls.localise(map);
      if (options.styled) { options.styled(map); }
      var ready = new Promise(function (resolve) {
        map.once("idle", function () {
          element.setAttribute("data-map-ready", "true");
          resolve(map);
        });
      });
      addTileLayers(map, style, options);
      settle(map);  // no tile to wait for (a view outside every source)
      // Tiles that failed without signal are drawn again (and asked for again) with it.
      window.addEventListener("online", function () {
        [map.hromada.vector, map.hromada.labels].forEach(function (layer) { if (layer) { layer.rerenderTiles(); } });
      });
      return ready;
    });
  }

  /** The MapLibre layer parts (type, paint) of a registry layer's look or of a marker. */
  function paints(map, kind, name, look) {
    var all = map.hromada.doc.metadata["hromada:paints"] || {};
    if (kind === "marker") { return (all.markers || {})[name] || []; }
    return ((all.layers || {})[name] || {})[look || ""] || [];
  }

  /**
   * Draw page data (a GeoJSON object) as `id` with the given parts ({id, type, paint} of
   * the document), in a Leaflet layer group (on the map's canvas); each part is a
   * GeoJSON layer, `map.hromada.drawn[id].parts[partId]`, for the page's events. Drawn
   * again with new data when called again. `extra`: {filter (an expression on the
   * properties), layer (a registry id, for toggles), hidden, pane, interactive (the page
   * listens to its parts' clicks)}.
   */
  function draw(map, id, data, parts, extra) {
    extra = extra || {};
    var drawn = map.hromada.drawn[id];
    if (!drawn) {
      drawn = map.hromada.drawn[id] = { layer: extra.layer || id, group: L.layerGroup(), parts: {}, extra: extra,
        partsSpec: parts };
      parts.forEach(function (part) {
        drawn.parts[part.id] = L.geoJSON(null, geoJsonOptions(map, part, extra));
        drawn.group.addLayer(drawn.parts[part.id]);
      });
      if (!extra.hidden) { drawn.group.addTo(map); }
    }
    drawn.data = data;
    Object.keys(drawn.parts).forEach(function (partId) {
      drawn.parts[partId].clearLayers();
      drawn.parts[partId].addData(data);
    });
    return drawn;
  }

  function geoJsonOptions(map, part, extra) {
    var paint = Object.assign({}, part.paint, (extra.paint || {})[part.type] || {});
    function style(feature) {
      return HromadaPaint.pathStyle(part.type, paint, feature.properties || {}, map.getZoom() - OFFSET);
    }
    return {
      pane: extra.pane || "overlayPane",
      // Only data the page listens to takes a click (and shows the hand): on the one
      // canvas the topmost interactive shape takes it, and a gap drawn after the
      // challenges took their clicks from them.
      interactive: Boolean(extra.interactive),
      filter: function (feature) {
        var geometry = (feature.geometry || {}).type || "";
        var fits = part.type === "circle" ? /Point/.test(geometry) : !/Point/.test(geometry);
        return fits && (!extra.filter || Boolean(HromadaPaint.evaluate(extra.filter, feature.properties || {}, map.getZoom() - OFFSET)));
      },
      style: style,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign({ interactive: Boolean(extra.interactive) }, style(feature)));
      },
    };
  }

  /**
   * The page data drawn under `latlng` (see draw), topmost first (the last drawn on
   * top), as {id, layer (its registry id), part, properties}: areas containing the point,
   * circles within their radius and TOLERANCE_PX of it. Hidden data is left out.
   */
  function dataAt(map, latlng) {
    var point = map.latLngToLayerPoint(latlng), hits = [];
    Object.keys(map.hromada.drawn).reverse().forEach(function (id) {
      var drawn = map.hromada.drawn[id];
      if (!map.hasLayer(drawn.group)) { return; }
      Object.keys(drawn.parts).forEach(function (partId) {
        drawn.parts[partId].eachLayer(function (layer) {
          if (hit(map, layer, latlng, point)) {
            hits.push({ id: id, layer: drawn.layer, part: partId, properties: layer.feature.properties || {},
              feature: layer.feature });
          }
        });
      });
    });
    return hits;
  }

  var TOLERANCE_PX = 4;

  function hit(map, layer, latlng, point) {
    if (layer instanceof L.CircleMarker) {
      return map.latLngToLayerPoint(layer.getLatLng()).distanceTo(point) <= layer.getRadius() + TOLERANCE_PX;
    }
    if (layer instanceof L.Polygon) {
      if (!layer.getBounds().contains(latlng)) { return false; }
      var rings = layer.getLatLngs();
      var polygons = L.LineUtil.isFlat(rings[0]) ? [rings] : rings;
      return polygons.some(function (polygon) {
        var inside = false;
        polygon.forEach(function (ring) { if (inRing(latlng, ring)) { inside = !inside; } });
        return inside;
      });
    }
    return false;
  }

  function inRing(p, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a.lat > p.lat) !== (b.lat > p.lat) &&
          p.lng < (b.lng - a.lng) * (p.lat - a.lat) / (b.lat - a.lat) + a.lng) { inside = !inside; }
    }
    return inside;
  }

  /** The first of a marker style's colours, for DOM markers (a pin, a chosen place). */
  function markerColour(map, name) {
    var style = (map.hromada.doc.metadata["hromada:markers"] || {})[name] || {};
    return style.colour;
  }

  /** Show or hide every map layer of registry layer (or page source) `id`, and the
   * basemap's copy of it the other way round. */
  function show(map, id, visible) {
    var changed = false;
    map.hromada.style.layers.forEach(function (layer) {
      var wanted = layerOf(layer) === id ? visible : sameAs(layer) === id ? !visible : null;
      if (wanted === null) { return; }
      layer.layout = Object.assign({}, layer.layout, { visibility: wanted ? "visible" : "none" });
      changed = true;
    });
    if (changed) {
      [map.hromada.vector, map.hromada.labels].forEach(function (layer) {
        if (layer) { layer.clearLayout(); layer.rerenderTiles(); }
      });
    }
    Object.keys(map.hromada.drawn).forEach(function (key) {
      var drawn = map.hromada.drawn[key];
      if (drawn.layer !== id) { return; }
      if (visible) { drawn.group.addTo(map); } else { drawn.group.remove(); }
    });
  }

  /** A marker drawn by `node` (a DOM element: a report's pin, a chosen place) at
   * [lon, lat], its middle on the point; `options` are Leaflet marker options. */
  function domMarker(map, lngLat, node, options) {
    var icon = L.divIcon({ className: "hromada-dom-marker", html: node, iconSize: null });
    return L.marker([lngLat[1], lngLat[0]], Object.assign({ icon: icon, keyboard: false, interactive: false }, options))
      .addTo(map);
  }

  /**
   * A pin at [lon, lat] in the colour of the document's marker `colourName`, which the
   * visitor may drag (mouse, touch); `onMove([lon, lat])` is told where it was dropped.
   * Returns the Leaflet marker (its element has the class `extraClass` too).
   */
  function pin(map, lngLat, colourName, onMove, extraClass) {
    var icon = L.divIcon({ className: "hromada-pin " + (extraClass || ""), html: "<span></span>",
      iconSize: [30, 40], iconAnchor: [15, 40] });
    var marker = L.marker([lngLat[1], lngLat[0]], { draggable: true, icon: icon, title: text("marker"),
      alt: text("marker"), keyboard: true, autoPanOnFocus: false }).addTo(map);
    marker.getElement().style.setProperty("--pin", markerColour(map, colourName));
    // A click on the pin is the pin's: Leaflet passes a marker's unheard clicks on to the
    // map, where the page would take it for a new place (the pin moved under the finger).
    marker.on("click", function () {});
    marker.on("dragend", function () {
      var at = marker.getLatLng();
      onMove([at.lng, at.lat]);
    });
    return marker;
  }

  /**
   * Draw the vector tiles from no deeper than the document's zoom `zoom` (null: the
   * sources' own deepest), deeper views enlarging those: without signal the report form
   * keeps its tiles to a zoom (reports/offline.js), and a deeper tile it cannot fetch
   * would leave the map blank at street level.
   */
  function limitDataZoom(map, zoom) {
    [map.hromada.vector, map.hromada.labels].forEach(function (layer) {
      if (!layer) { return; }
      layer.views.forEach(function (view, id) {
        var spec = map.hromada.style.sources[id] || {};
        var deepest = spec.maxzoom === undefined ? 14 : spec.maxzoom;
        view.maxDataLevel = zoom === null ? deepest : Math.min(deepest, zoom);
      });
      layer.clearLayout();
      layer.rerenderTiles();
    });
  }

  /** The map's view in the document's terms: {center: [lon, lat], zoom}. */
  function view(map) {
    var c = map.getCenter();
    return { center: [c.lng, c.lat], zoom: map.getZoom() - OFFSET };
  }

  /** Move to [lon, lat] at the document's `zoom` (kept when undefined). */
  function jumpTo(map, lngLat, zoom, animate) {
    map.setView([lngLat[1], lngLat[0]], zoom === undefined ? map.getZoom() : zoom + OFFSET, { animate: Boolean(animate) });
  }

  /** The map's bounds as [west, south, east, north] (CRS84). */
  function bbox(map) {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  }

  // ------------------------------------------------- what is drawn (tests and tools)

  /** The document zoom the tiles in view are drawn at (protomaps-leaflet tests a layer's
   * zoom range against the tiles' whole zoom, Leaflet's rounded). */
  function drawnZoom(map) {
    return Math.round(map.getZoom()) - OFFSET;
  }

  /** The view's box in the world pixels of zoom `z` (protomaps-leaflet's tile space). */
  function viewPixels(map, z) {
    var bounds = map.getPixelBounds(), scale = Math.pow(2, z - map.getZoom());
    return { minX: bounds.min.x * scale, minY: bounds.min.y * scale, maxX: bounds.max.x * scale, maxY: bounds.max.y * scale };
  }

  /**
   * The features of `source` drawn in view, as {layer (style layer or part id),
   * properties}: page data (see draw) in view, or the features of a vector source's
   * tiles held for the view's zoom that a shown style layer draws (its visibility, zoom
   * range and filter), labels left out. One per feature and style layer.
   */
  function rendered(map, source) {
    var drawn = map.hromada.drawn[source];
    if (drawn) {
      if (!map.hasLayer(drawn.group)) { return []; }
      var out = [], view = map.getBounds();
      Object.keys(drawn.parts).forEach(function (partId) {
        drawn.parts[partId].eachLayer(function (layer) {
          var within = layer.getLatLng ? view.contains(layer.getLatLng()) : view.intersects(layer.getBounds());
          if (within) { out.push({ layer: partId, properties: layer.feature.properties || {} }); }
        });
      });
      return out;
    }
    var vector = map.hromada.vector;
    var tileView = vector && vector.views.get(source);
    if (!tileView) { return []; }
    var z = Math.min(Math.round(map.getZoom()) - tileView.levelDiff, tileView.maxDataLevel);
    var docZoom = drawnZoom(map);
    var box = viewPixels(map, z + tileView.levelDiff);
    var size = tileView.tileCache.tileSize;
    var found = [];
    tileView.tileCache.cache.forEach(function (entry, key) {
      var xyz = key.split(":").map(Number);
      if (xyz[2] !== z) { return; }
      var ox = xyz[0] * size, oy = xyz[1] * size;
      map.hromada.style.layers.forEach(function (layer) {
        if (layer.source !== source || layer.type === "symbol" || (layer.layout || {}).visibility === "none") { return; }
        if ((layer.minzoom && docZoom < layer.minzoom) || (layer.maxzoom && docZoom >= layer.maxzoom)) { return; }
        (entry.data.get(layer["source-layer"] || source) || []).forEach(function (feature) {
          var b = feature.bbox;
          if (b.maxX + ox < box.minX || b.minX + ox > box.maxX || b.maxY + oy < box.minY || b.minY + oy > box.maxY) { return; }
          if (layer.filter && !HromadaPaint.evaluate(layer.filter, feature.props, docZoom)) { return; }
          found.push({ layer: layer.id, properties: feature.props });
        });
      });
    });
    return found;
  }

  /** The labels shown in view ({layer, source, properties, text, boxes}), after
   * protomaps-leaflet's collision handling: those in its label index for the view;
   * `boxes` are their collision boxes in the map container's CSS pixels. */
  function placedLabels(map) {
    var layer = map.hromada.labels;
    var z = Math.round(map.getZoom());
    var index = layer && layer.labelers.getIndex(z);
    if (!index) { return []; }
    var box = viewPixels(map, z), seen = new Set(), out = [];
    var scale = Math.pow(2, map.getZoom() - z), origin = map.getPixelBounds().min;
    function local(b) {
      return { left: b.minX * scale - origin.x, top: b.minY * scale - origin.y,
        right: b.maxX * scale - origin.x, bottom: b.maxY * scale - origin.y };
    }
    index.tree.search(box).forEach(function (entry) {
      var label = entry.indexedLabel, named = label.draw.hromada;
      if (named && !seen.has(label)) {
        seen.add(label);
        out.push(Object.assign({ boxes: label.bboxes.map(local) }, named));
      }
    });
    return out;
  }

  window.HromadaMap = {
    create: create, fit: fit, clearPadding: clearPadding, territoryBounds: territoryBounds, paints: paints, draw: draw,
    markerColour: markerColour, show: show, text: text, isPhone: isPhone, view: view, jumpTo: jumpTo,
    bbox: bbox, whenIdle: whenIdle, domMarker: domMarker, pin: pin, dataAt: dataAt, addControl: addControl, drawnZoom: drawnZoom, limitDataZoom: limitDataZoom, rendered: rendered, placedLabels: placedLabels, STREET_ZOOM: STREET_ZOOM, ZOOM_OFFSET: OFFSET,
    // How many maps the page has asked for: tests and tools wait for those to be idle,
    // and know that a page with none (the print form before its area is drawn) has none.
    requested: 0,
  };
})();
