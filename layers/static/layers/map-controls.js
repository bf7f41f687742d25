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
    var box = element("div", "maplibregl-ctrl hromada-legend");
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
    var box = element("fieldset", "maplibregl-ctrl maplibregl-ctrl-group hromada-toggles");
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
    var box = element("div", "maplibregl-ctrl hromada-basemap-note");
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
   * right), then zoom and "where am I" (top right). MapLibre stacks its corners top-left,
   * top-right, bottom-left, bottom-right in the DOM; the corners are positioned
   * absolutely, so moving the top-right one last changes only the order of focus.
   */
  function tabOrder(map) {
    var container = map.getContainer().querySelector(".maplibregl-control-container");
    var topRight = container && container.querySelector(".maplibregl-ctrl-top-right");
    if (topRight) { container.appendChild(topRight); }
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
  var POPUP_MARGIN_PX = 8;

  /**
   * Open a popup of `content` (a DOM node) at `lngLat` on `map`, kept whole in the part
   * of the map on the screen: no wider than the map allows (`options.maxWidth`, CSS px,
   * at most), and the map moved, without animation, just enough to show it. MapLibre sets
   * a popup on the side with the most room but never moves the map: on a phone a 280 px
   * popup beside a report in the middle of a 330 px map started 80 px off the screen, its
   * link out of reach. On a phone the popup opens above the point when the point is in
   * the lower half of the map's visible part, below it otherwise; elsewhere it keeps the
   * side MapLibre chose, so that moving the map does not turn it to another side. Its
   * first link or button gets the focus once it is in place (focused while still off the
   * screen, the browser scrolled the page, or the map's own box, to reach it).
   */
  function openPopup(map, lngLat, content, options) {
    options = Object.assign({ maxWidth: "300px" }, options, { focusAfterOpen: false });
    var box = map.getContainer();
    var room = box.clientWidth - 2 * POPUP_MARGIN_PX;
    options.maxWidth = Math.min(parseInt(options.maxWidth, 10), room) + "px";
    if (!options.anchor && HromadaMap.isPhone(box)) {
      var seen = visiblePart(map, 1);
      var y = box.getBoundingClientRect().top + map.project(lngLat).y;
      options.anchor = y > (seen.top + seen.bottom) / 2 ? "bottom" : "top";
    }
    var popup = new maplibregl.Popup(options).setLngLat(lngLat).setDOMContent(content).addTo(map);
    if (!options.anchor) {
      var chosen = popup.getElement().className.match(/maplibregl-popup-anchor-([a-z-]+)/);
      if (chosen) { popup.options.anchor = chosen[1]; }
    }
    keepInside(map, popup);
    var first = popup.getElement().querySelector("a[href], button:not(.maplibregl-popup-close-button)") ||
      popup.getElement().querySelector("button");
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

  // The map moved by what the popup overflows the visible part by, on each axis (a popup
  // taller than that keeps its top in view).
  function keepInside(map, popup) {
    var rect = popup.getElement().getBoundingClientRect();
    var outer = visiblePart(map, rect.height + 2 * POPUP_MARGIN_PX);
    function shift(low, high, min, max) {
      if (low < min + POPUP_MARGIN_PX) { return low - min - POPUP_MARGIN_PX; }
      if (high > max - POPUP_MARGIN_PX) {
        return Math.min(high - max + POPUP_MARGIN_PX, low - min - POPUP_MARGIN_PX);
      }
      return 0;
    }
    var dx = shift(rect.left, rect.right, outer.left, outer.right);
    var dy = shift(rect.top, rect.bottom, outer.top, outer.bottom);
    if (dx || dy) { map.panBy([dx, dy], { animate: false }); }
  }

  /** Popups of the registry layers: a click opens the topmost feature's popup. */
  function popups(map, doc) {
    var legends = {};
    (doc.metadata["hromada:legends"] || []).forEach(function (legend) {
      legends[legend.id] = legend;
    });
    map.on("click", function (event) {
      var p = event.point;
      var box = [[p.x - TOLERANCE_PX, p.y - TOLERANCE_PX], [p.x + TOLERANCE_PX, p.y + TOLERANCE_PX]];
      var hit = map.queryRenderedFeatures(box).filter(function (feature) {
        var meta = feature.layer.metadata || {};
        return legends[meta["hromada:layer"]] && !meta["hromada:label"] &&
          feature.layer.source === meta["hromada:layer"];
      })[0];
      if (!hit) { return; }
      var legend = legends[hit.layer.metadata["hromada:layer"]];
      openPopup(map, event.lngLat, popupContent(hit.properties, legend));
    });
  }

  window.HromadaMapControls = {
    Legend: Legend, Toggles: Toggles, BasemapNote: BasemapNote, tabOrder: tabOrder, legendRows: legendRows, popups: popups,
    popupContent: popupContent, element: element, openPopup: openPopup,
  };
})();
