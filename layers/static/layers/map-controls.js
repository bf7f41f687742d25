/*
 * The map controls of layers/map.js that explain the layers: the legend (folded behind a
 * button on phones), the layer toggles (real checkboxes) and the popups (the registry's
 * popup fields, translated by the server). Every text comes from the style document or
 * the page (#hromada-map-text); text is set with textContent, never innerHTML.
 */
(function () {
  "use strict";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function text(name) { return window.HromadaMap.text(name); }

  function kindOf(type) {
    return /Point/.test(type || "") ? "point" : /LineString/.test(type || "") ? "line" : "area";
  }

  function legendRow(colour, label, type) {
    var row = element("li", "hromada-legend-item");
    var mark = element("span", "hromada-legend-swatch hromada-legend-" + kindOf(type));
    mark.style.backgroundColor = colour;
    mark.setAttribute("aria-hidden", "true");
    row.appendChild(mark);
    row.appendChild(document.createTextNode(label));
    return row;
  }

  /** One layer's legend: its title, then one row per colour class (or one row). */
  function legendRows(legend) {
    var style = legend.style || {};
    var labels = style.category_labels || {};
    var values = Object.keys(style.categories || {});
    var type = legend.geometry_type;
    if (style.ramp) {
      return [legend.title].concat(style.ramp.legend.map(function (step) {
        return legendRow(step.colour, step.label, type);
      }));
    }
    if (!style.colour_by || !values.length) {
      var colour = kindOf(type) === "area" ? style.fill_colour : style.colour;
      return [legendRow(colour, legend.title, type)];
    }
    return [legend.title].concat(values.map(function (value) {
      return legendRow(style.categories[value], labels[value] || value, type);
    }));
  }

  var counter = 0;

  /**
   * The legend: a button that folds it (folded at first on phones) and a list per layer.
   * `extra` are the page's own entries: {title, rows: [{colour, label, type}]}.
   */
  function Legend(legends, extra, folded) {
    this.legends = legends;
    this.extra = extra;
    this.folded = Boolean(folded);
  }

  Legend.prototype.onAdd = function () {
    var box = element("div", "hromada-legend");
    var panel = element("div", "hromada-legend-panel");
    panel.id = "hromada-legend-" + (++counter);
    // The panel scrolls when long: focusable and named, so keyboards can scroll it too.
    panel.tabIndex = 0;
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", text("legend"));
    var button = element("button", "hromada-legend-toggle", text("legend"));
    button.type = "button";
    button.setAttribute("aria-controls", panel.id);
    var groups = this.legends.map(legendRows).concat(this.extra.map(function (entry) {
      return [entry.title].concat(entry.rows.map(function (row) {
        return legendRow(row.colour, row.label, row.type);
      }));
    }));
    groups.forEach(function (rows) {
      var list = element("ul", "hromada-legend-list");
      rows.forEach(function (row) {
        if (typeof row === "string") {
          panel.appendChild(element("p", "hromada-legend-layer", row));
        } else { list.appendChild(row); }
      });
      panel.appendChild(list);
    });
    function setFolded(folded) {
      panel.hidden = folded;
      button.setAttribute("aria-expanded", String(!folded));
      box.classList.toggle("is-folded", folded);
    }
    button.addEventListener("click", function () { setFolded(!panel.hidden); });
    setFolded(this.folded);
    box.appendChild(button);
    box.appendChild(panel);
    this.box = box;
    return box;
  };

  Legend.prototype.onRemove = function () { this.box.remove(); };

  /**
   * Checkboxes showing or hiding registry layers (`options.hidden` start off; the page's
   * `options.onToggle(id, shown)` is told, e.g. to fetch a layer's data), under a
   * button that folds them (folded at first on phones, like the legend, so that the list
   * never hides the territory).
   */
  function Toggles(legends, options, folded) {
    this.legends = legends;
    this.hidden = options.hidden || [];
    this.onToggle = options.onToggle;
    this.folded = Boolean(folded);
  }

  Toggles.prototype.onAdd = function (map) {
    var hidden = this.hidden, onToggle = this.onToggle;
    var box = element("fieldset", "hromada-toggles");
    var title = element("legend", "hromada-toggles-title");
    var button = element("button", "hromada-toggles-button", text("layers"));
    button.type = "button";
    title.appendChild(button);
    box.appendChild(title);
    var rows = this.legends.map(function (legend) {
      var label = element("label", "hromada-toggle");
      var input = element("input");
      input.type = "checkbox";
      input.value = legend.id;
      input.checked = hidden.indexOf(legend.id) < 0;
      input.addEventListener("change", function () {
        window.HromadaMap.show(map, legend.id, input.checked);
        if (onToggle) { onToggle(legend.id, input.checked); }
      });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + legend.title));
      box.appendChild(label);
      return label;
    });
    function setFolded(folded) {
      rows.forEach(function (row) { row.hidden = folded; });
      button.setAttribute("aria-expanded", String(!folded));
      box.classList.toggle("is-folded", folded);
    }
    button.addEventListener("click", function () { setFolded(!box.classList.contains("is-folded")); });
    setFolded(this.folded);
    this.box = box;
    return box;
  };

  Toggles.prototype.onRemove = function () { this.box.remove(); };

  /**
   * Which basemap the map shows and whose it is, always in sight (the attribution control
   * folds on phones): the style document's translated `hromada:basemap` label and its
   * attribution ("© OpenStreetMap contributors" whenever OSM data is drawn).
   */
  function BasemapNote(doc) {
    this.basemap = doc.metadata["hromada:basemap"] || {};
  }

  BasemapNote.prototype.onAdd = function () {
    var box = element("div", "hromada-basemap-note");
    box.dataset.kind = this.basemap.kind || "none";
    box.appendChild(element("span", "hromada-basemap-label", this.basemap.label || ""));
    if (this.basemap.attribution) {
      box.appendChild(element("span", "hromada-basemap-attribution", this.basemap.attribution));
    }
    this.box = box;
    return box;
  };

  BasemapNote.prototype.onRemove = function () { this.box.remove(); };

  /**
   * Tab order over the map: search and layer toggles (top left), the legend (bottom
   * right), then zoom and "where am I" (top right). Leaflet stacks its corners top-left,
   * top-right, bottom-left, bottom-right in the DOM; the corners are positioned
   * absolutely, so moving the top-right one last changes only the order of focus.
   */
  function tabOrder(map) {
    var container = map.getContainer().querySelector(".leaflet-control-container");
    var topRight = container && container.querySelector(".leaflet-top.leaflet-right");
    if (topRight) { container.appendChild(topRight); }
  }

  /**
   * The sources' credits (the basemap's first): a line along the map's foot, folded
   * behind an (i) button on phones, where the basemap note keeps OpenStreetMap's credit
   * in sight. `credits` are plain texts (set as text, never as HTML).
   */
  function Attribution(credits, folded) {
    this.credits = credits;
    this.folded = Boolean(folded);
  }

  Attribution.prototype.onAdd = function () {
    var box = element("div", "hromada-attribution");
    var line = element("span", "hromada-attribution-text", this.credits.join(" | "));
    line.id = "hromada-attribution-" + (++counter);
    if (this.folded) {
      var button = element("button", "hromada-attribution-button", "i");
      button.type = "button";
      button.setAttribute("aria-label", text("attribution"));
      button.setAttribute("aria-controls", line.id);
      var setFolded = function (folded) {
        line.hidden = folded;
        button.setAttribute("aria-expanded", String(!folded));
        box.classList.toggle("is-folded", folded);
      };
      button.addEventListener("click", function () { setFolded(!line.hidden); });
      setFolded(true);
      box.appendChild(button);
    }
    box.appendChild(line);
    L.DomEvent.disableClickPropagation(box);
    return box;
  };

  /**
   * "Where am I": the browser's position, the map flown there (at most at street level,
   * Leaflet zoom `zoom`) with a dot and its accuracy circle; a refusal or a timeout says
   * so on the button. `trigger()` is the button's press, for the pages' own buttons.
   */
  function Locate(zoom) {
    this.zoom = zoom;
  }

  Locate.prototype.onAdd = function (map) {
    var control = this;
    var bar = element("div", "leaflet-bar hromada-locate");
    var button = element("button", "hromada-locate-button");
    button.type = "button";
    button.setAttribute("aria-label", text("findMe"));
    button.title = text("findMe");
    bar.appendChild(button);
    this.map = map;
    this.button = button;
    button.addEventListener("click", function () { control.trigger(); });
    L.DomEvent.disableClickPropagation(bar);
    map.on("locationfound", function (event) { control.found(event); });
    map.on("locationerror", function () {
      button.classList.remove("is-active");
      button.classList.add("is-unavailable");
      button.title = text("locationUnavailable");
      button.setAttribute("aria-label", text("findMe") + ": " + text("locationUnavailable"));
    });
    return bar;
  };

  Locate.prototype.trigger = function () {
    this.map.locate({ setView: true, maxZoom: this.zoom, enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  };

  // The visitor's place in the look of the document's "located" marker.
  Locate.prototype.found = function (event) {
    this.button.title = text("findMe");
    this.button.setAttribute("aria-label", text("findMe"));
    var style = (this.map.hromada.doc.metadata["hromada:markers"] || {}).located || {};
    if (this.where) { this.where.remove(); }
    this.where = L.featureGroup([
      L.circle(event.latlng, { radius: event.accuracy, color: style.colour, weight: 1, fillOpacity: 0.1,
        interactive: false }),
      L.circleMarker(event.latlng, { radius: style.radius || 6, color: style.point_outline_colour, weight: 2,
        fillColor: style.colour, fillOpacity: 1, interactive: false }),
    ]).addTo(this.map);
    this.button.classList.remove("is-unavailable");
    this.button.classList.add("is-active");
  };

  /** The map's own texts in the page language (Leaflet writes English ones). */
  function localise(map) {
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", text("close")); close.title = text("close"); }
    });
  }

  function isEmpty(value) { return value === null || value === undefined || value === ""; }

  function displayValue(value, field) {
    if (isEmpty(value)) { return null; }
    if (field.choices && Object.prototype.hasOwnProperty.call(field.choices, value)) {
      return field.choices[value];
    }
    if (typeof value === "number") {
      return value.toLocaleString(document.documentElement.lang || "uk");
    }
    return String(value);
  }

  // English readers get a place's English name when the feature carries it.
  function titleValue(properties, field) {
    var english = /^en/.test(document.documentElement.lang || "");
    if (english && field.name === "name_uk" && !isEmpty(properties.name_en)) {
      return properties.name_en;
    }
    return displayValue(properties[field.name], field);
  }

  /** A popup's content: the first popup field as its title, the others as rows. */
  function popupContent(properties, legend) {
    var box = element("div", "hromada-popup");
    var fields = legend.popup || [];
    var title = fields.length ? titleValue(properties, fields[0]) : null;
    box.appendChild(element("strong", "hromada-popup-title", title || legend.title));
    var list = element("dl");
    fields.slice(1).forEach(function (field) {
      var value = displayValue(properties[field.name], field);
      if (value !== null) {
        list.appendChild(element("dt", null, field.title));
        list.appendChild(element("dd", null, value));
      }
    });
    box.appendChild(list);
    return box;
  }

  var TOLERANCE_PX = 4;

  /** The largest circle radius (with its outline) or half line width of the page's
   * style layers, CSS px: how far from a feature's middle a tap still touches it. */
  function reach(map) {
    var most = 0;
    map.hromada.style.layers.forEach(function (layer) {
      var paint = layer.paint || {};
      [paint["circle-radius"], (paint["line-width"] || 0) / 2].forEach(function (size) {
        var outline = typeof paint["circle-stroke-width"] === "number" ? paint["circle-stroke-width"] : 0;
        if (typeof size === "number") { most = Math.max(most, size + outline); }
      });
    });
    return most;
  }
  var POPUP_MARGIN_PX = 8;
  var MIN_POPUP_PX = 160;
  var POPUP_FRAME_PX = 44;  // a popup's tip and content margins, beyond its content (CSS px)
  var CONTENT_MARGINS_PX = 32;  // .leaflet-popup-content's side margins (layers/map.css)

  /**
   * Open a popup of `content` (a DOM node) at `lngLat` ([lon, lat]) on `map`, kept whole
   * in the part of the map on the screen and clear of its controls where it fits between
   * them: no wider than the map allows (`options.maxWidth`, CSS px, at most) and the map
   * panned at once just enough to show it. Leaflet draws popups under the controls, so
   * on a phone (where no popup fits between them) the top corners' controls are hidden
   * while it is open. Its first link or button gets the focus once it is in place.
   */
  function openPopup(map, lngLat, content, options) {
    options = options || {};
    var box = map.getContainer();
    var phone = HromadaMap.isPhone(box);
    // The top controls hidden first, so that the room left beside the others is measured.
    if (phone) { map.closePopup(); box.classList.add("hromada-popup-open"); }
    var clear = HromadaMap.clearPadding(map);
    var side = Math.max(POPUP_MARGIN_PX, clear.left) + Math.max(POPUP_MARGIN_PX, clear.right);
    // As wide as the room between the side controls allows (less the content's margins),
    // else as the map allows: it is then shown clear of them above or below.
    var room = box.clientWidth - side - CONTENT_MARGINS_PX;
    if (room < MIN_POPUP_PX) { room = box.clientWidth - 2 * POPUP_MARGIN_PX - CONTENT_MARGINS_PX; }
    // No taller than the part of the map on the screen (its content scrolls then): on a
    // phone the map often runs below the fold, and a long report's text with it.
    var seen = visiblePart(map, 0);
    var popup = L.popup({ maxWidth: Math.min(parseInt(options.maxWidth || "300", 10), room),
      minWidth: Math.min(MIN_POPUP_PX, room), autoPan: false,
      maxHeight: Math.max(MIN_POPUP_PX, seen.bottom - seen.top - 2 * POPUP_MARGIN_PX - POPUP_FRAME_PX),
      offset: [0, -(options.offset || 0)], keepInView: false, closeButton: true });
    if (phone) {
      popup.on("remove", function () { box.classList.remove("hromada-popup-open"); });
    }
    popup.setLatLng([lngLat[1], lngLat[0]]).setContent(content).openOn(map);
    keepInside(map, popup);
    var first = popup.getElement().querySelector("a[href], button:not(.leaflet-popup-close-button)") ||
      popup.getElement().querySelector(".leaflet-popup-close-button");
    if (first) { first.focus({ preventScroll: true }); }
    return popup;
  }

  // The map's rectangle cut to the window (a phone's map often runs below the fold), or
  // the whole map when less than `height` px of it is on the screen.
  function visiblePart(map, height) {
    var rect = map.getContainer().getBoundingClientRect();
    var view = document.documentElement;
    var part = { left: Math.max(rect.left, 0), right: Math.min(rect.right, view.clientWidth),
      top: Math.max(rect.top, 0), bottom: Math.min(rect.bottom, view.clientHeight) };
    return part.bottom - part.top >= height ? part : rect;
  }

  // The map panned at once by what the popup overflows the map's visible part, clear of
  // the controls' bands on each axis where the popup fits between them; a popup taller
  // than that keeps its top in view.
  function keepInside(map, popup) {
    var rect = popup.getElement().getBoundingClientRect();
    var outer = visiblePart(map, rect.height + 2 * POPUP_MARGIN_PX);
    var box = map.getContainer().getBoundingClientRect(), clear = HromadaMap.clearPadding(map);
    function span(low, high, padLow, padHigh, size) {
      var a = Math.max(low, padLow), b = Math.min(high, padHigh);
      return b - a >= size + 2 * POPUP_MARGIN_PX ? [a, b] : [low, high];
    }
    var x = span(outer.left, outer.right, box.left + clear.left, box.right - clear.right, rect.width);
    var y = span(outer.top, outer.bottom, box.top + clear.top, box.bottom - clear.bottom, rect.height);
    function shift(low, high, min, max) {
      if (low < min + POPUP_MARGIN_PX) { return low - min - POPUP_MARGIN_PX; }
      if (high > max - POPUP_MARGIN_PX) {
        return Math.min(high - max + POPUP_MARGIN_PX, low - min - POPUP_MARGIN_PX);
      }
      return 0;
    }
    var dx = shift(rect.left, rect.right, x[0], x[1]);
    var dy = shift(rect.top, rect.bottom, y[0], y[1]);
    if (dx || dy) { map.panBy([dx, dy], { animate: false }); }
  }

  /**
   * The features of the map's vector layers under `latlng`, topmost first, as
   * {layer (the style layer), properties}: protomaps-leaflet's tile query (points and
   * lines within TOLERANCE_PX, areas containing the point) matched to the page's style
   * layers that are shown at this zoom (labels left out).
   */
  function featuresAt(map, latlng) {
    var vector = map.hromada.vector;
    if (!vector) { return []; }
    // protomaps-leaflet halves the brush in its data tiles' units, and measures from a
    // point's centre or a line's middle: the brush reaches the page's largest circle's
    // edge and the finger's tolerance beyond it.
    var found = vector.queryTileFeaturesDebug(latlng.lng, latlng.lat, 2 * (TOLERANCE_PX + reach(map)));
    var zoom = HromadaMap.drawnZoom(map);
    var hits = [];
    map.hromada.style.layers.slice().reverse().forEach(function (layer) {
      var meta = layer.metadata || {};
      if (meta["hromada:label"] || layer.type === "symbol" || !found.get(layer.source)) { return; }
      if ((layer.layout || {}).visibility === "none") { return; }
      if ((layer.minzoom && zoom < layer.minzoom) || (layer.maxzoom && zoom >= layer.maxzoom)) { return; }
      found.get(layer.source).forEach(function (hit) {
        if (hit.layerName !== (layer["source-layer"] || layer.source)) { return; }
        if (layer.filter && !HromadaPaint.evaluate(layer.filter, hit.feature.props, zoom)) { return; }
        hits.push({ layer: layer, properties: hit.feature.props });
      });
    });
    return hits;
  }

  /** Popups of the registry layers: a click opens the topmost feature's popup. */
  function popups(map, doc) {
    var legends = {};
    (doc.metadata["hromada:legends"] || []).forEach(function (legend) {
      legends[legend.id] = legend;
    });
    map.on("click", function (event) {
      var hit = featuresAt(map, event.latlng).filter(function (feature) {
        var id = (feature.layer.metadata || {})["hromada:layer"];
        return legends[id] && feature.layer.source === id;
      })[0];
      if (!hit) { return; }
      var legend = legends[hit.layer.metadata["hromada:layer"]];
      openPopup(map, [event.latlng.lng, event.latlng.lat], popupContent(hit.properties, legend));
    });
  }

  window.HromadaMapControls = {
    Legend: Legend, Toggles: Toggles, BasemapNote: BasemapNote, Attribution: Attribution, Locate: Locate,
    tabOrder: tabOrder, localise: localise, legendRows: legendRows, popups: popups, featuresAt: featuresAt,
    popupContent: popupContent, element: element, openPopup: openPopup,
  };
})();
