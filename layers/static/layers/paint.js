/*
 * HromadaPaint: the one style document (MapLibre Style Specification v8, built by
 * layers/tiles/style.py and read by every other program that draws our tiles) turned
 * into what Leaflet and protomaps-leaflet draw: a raster source becomes an L.tileLayer,
 * the vector sources one protomaps-leaflet layer whose paint rules (fill, line, circle)
 * and label rules (symbol, with collision handling) are made here from the document's
 * layers, and page data (GeoJSON) Leaflet paths styled by the same paint properties.
 * No colour is written here: every value is the document's, evaluated by `evaluate`.
 *
 * Zoom: the document's zooms are MapLibre's (512 px tiles); Leaflet's are one more
 * (256 px tiles). ZOOM_OFFSET converts; `["zoom"]` in an expression is the document's.
 */
(function () {
  "use strict";

  var ZOOM_OFFSET = 1;

  function typeOf(value) {
    if (value === null || value === undefined) { return "null"; }
    if (Array.isArray(value)) { return "array"; }
    return typeof value === "object" ? "object" : typeof value;
  }

  function toText(value) {
    if (value === null || value === undefined) { return ""; }
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  function same(a, b) { return a === b || (a !== a && b !== b); }

  /** The document's expression `expr` for a feature's `props` at document zoom `zoom`:
   * the operators layers/tiles/style.py and layers/basemap/style.py write (get, has,
   * to-string, typeof, match, case, step, interpolate linear or exponential, in,
   * comparisons, all/any/!, + - * /, literal, coalesce, concat).
   * An operator outside those is an error (tests/layers check the document uses none). */
  function evaluate(expr, props, zoom) {
    if (!Array.isArray(expr)) { return expr; }
    var op = expr[0];
    function arg(i) { return evaluate(expr[i], props, zoom); }
    switch (op) {
      case "literal": return expr[1];
      case "zoom": return zoom;
      case "get": return Object.prototype.hasOwnProperty.call(props, arg(1)) ? props[arg(1)] : null;
      case "has": return Object.prototype.hasOwnProperty.call(props, arg(1));
      case "to-string": return toText(arg(1));
      case "to-number": return Number(arg(1));
      case "typeof": return typeOf(arg(1));
      case "!": return !arg(1);
      case "all": return expr.slice(1).every(function (_, i) { return arg(i + 1); });
      case "any": return expr.slice(1).some(function (_, i) { return arg(i + 1); });
      case "==": return same(arg(1), arg(2));
      case "!=": return !same(arg(1), arg(2));
      case "<": return arg(1) < arg(2);
      case "<=": return arg(1) <= arg(2);
      case ">": return arg(1) > arg(2);
      case ">=": return arg(1) >= arg(2);
      case "coalesce":
        for (var c = 1; c < expr.length; c++) { var v = arg(c); if (v !== null && v !== undefined) { return v; } }
        return null;
      case "in": {
        var haystack = arg(2);
        return Array.isArray(haystack) ? haystack.some(function (item) { return same(item, arg(1)); })
          : typeof haystack === "string" && haystack.indexOf(toText(arg(1))) >= 0;
      }
      case "+": return expr.slice(1).reduce(function (sum, _, i) { return sum + arg(i + 1); }, 0);
      case "*": return expr.slice(1).reduce(function (product, _, i) { return product * arg(i + 1); }, 1);
      case "-": return expr.length === 2 ? -arg(1) : arg(1) - arg(2);
      case "/": return arg(1) / arg(2);
      case "concat": return expr.slice(1).map(function (_, i) { return toText(arg(i + 1)); }).join("");
      case "match": return match(expr, arg(1), props, zoom);
      case "case":
        for (var k = 1; k < expr.length - 1; k += 2) { if (arg(k)) { return arg(k + 1); } }
        return arg(expr.length - 1);
      case "step": return step(expr, arg(1), props, zoom);
      case "interpolate": return interpolate(expr, arg(2), props, zoom);
      default: throw new Error("HromadaPaint: unsupported expression " + JSON.stringify(op));
    }
  }

  function match(expr, input, props, zoom) {
    for (var i = 2; i < expr.length - 1; i += 2) {
      var labels = Array.isArray(expr[i]) ? expr[i] : [expr[i]];
      if (labels.some(function (label) { return same(label, input); })) { return evaluate(expr[i + 1], props, zoom); }
    }
    return evaluate(expr[expr.length - 1], props, zoom);
  }

  function step(expr, input, props, zoom) {
    var out = expr[2];
    for (var i = 3; i < expr.length - 1; i += 2) { if (input >= expr[i]) { out = expr[i + 1]; } }
    return evaluate(out, props, zoom);
  }

  // ["interpolate", ["linear"] | ["exponential", base], input, stop, output, ...]
  function interpolate(expr, input, props, zoom) {
    var base = expr[1][0] === "exponential" ? expr[1][1] : 1;
    var stops = [];
    for (var i = 3; i < expr.length - 1; i += 2) {
      var output = evaluate(expr[i + 1], props, zoom);
      // Colours are never interpolated by the document; a number only, or a clear error.
      if (typeof output !== "number") { throw new Error("HromadaPaint: interpolate of " + JSON.stringify(output)); }
      stops.push([expr[i], output]);
    }
    if (input <= stops[0][0]) { return stops[0][1]; }
    var last = stops[stops.length - 1];
    if (input >= last[0]) { return last[1]; }
    for (var s = 0; s < stops.length - 1; s++) {
      var a = stops[s], b = stops[s + 1];
      if (input < b[0]) {
        var t = base === 1 ? (input - a[0]) / (b[0] - a[0])
          : (Math.pow(base, input - a[0]) - 1) / (Math.pow(base, b[0] - a[0]) - 1);
        return a[1] + t * (b[1] - a[1]);
      }
    }
    return last[1];
  }

  /** A paint or layout value as a protomaps-leaflet attribute: a constant stays one
   * (drawn without a per-feature call), an expression becomes fn(leafletZoom, feature). */
  function attr(value) {
    if (!Array.isArray(value)) { return value; }
    return function (z, feature) { return evaluate(value, (feature && feature.props) || {}, z - ZOOM_OFFSET); };
  }

  function shownAt(layer) {
    return {
      minzoom: layer.minzoom ? layer.minzoom + ZOOM_OFFSET : undefined,
      maxzoom: layer.maxzoom && layer.maxzoom < 23 ? layer.maxzoom + ZOOM_OFFSET - 1e-9 : undefined,
    };
  }

  /** A feature filter from the layer's `filter` and whether the layer is switched on
   * (layer.layout.visibility, changed by HromadaMap.show at any time). */
  function filterOf(layer) {
    return function (z, feature) {
      if ((layer.layout || {}).visibility === "none") { return false; }
      return !layer.filter || Boolean(evaluate(layer.filter, feature.props || {}, z - ZOOM_OFFSET));
    };
  }

  function paintSymbolizer(P, layer) {
    var paint = layer.paint || {};
    if (layer.type === "fill") {
      return new P.PolygonSymbolizer({ fill: attr(paint["fill-color"]), opacity: attr(paint["fill-opacity"]),
        stroke: attr(paint["fill-outline-color"]), width: paint["fill-outline-color"] ? 1 : 0 });
    }
    if (layer.type === "line") {
      var width = paint["line-width"] || 1;
      // MapLibre's dashes are in line widths, the canvas's in pixels.
      var dash = paint["line-dasharray"] && typeof width === "number"
        ? paint["line-dasharray"].map(function (part) { return part * width; }) : paint["line-dasharray"];
      return new P.LineSymbolizer({ color: attr(paint["line-color"]), width: attr(width),
        opacity: attr(paint["line-opacity"] === undefined ? 1 : paint["line-opacity"]),
        dash: dash, dashColor: attr(paint["line-color"]), dashWidth: attr(width), lineCap: "round", lineJoin: "round" });
    }
    if (layer.type === "circle") {
      return new P.CircleSymbolizer({ radius: attr(paint["circle-radius"] || 5), fill: attr(paint["circle-color"]),
        opacity: attr(paint["circle-opacity"] === undefined ? 1 : paint["circle-opacity"]),
        stroke: attr(paint["circle-stroke-color"]), width: attr(paint["circle-stroke-width"] || 0) });
    }
    return null;
  }

  var FONT_FAMILY = "'Noto Sans', 'DejaVu Sans', Arial, sans-serif";

  /** A label's text size (CSS px) for `feature` at Leaflet zoom `z`, as drawn on a tile:
   * `scale.text` undoes Leaflet's scaling of the tiles at a fractional zoom (a tile of
   * zoom 11 shown at 10.5 is drawn at 0.71 of its size), so that the text reads at the
   * document's size once the map stops (layers/map.js draws the labels again then). */
  function textSize(layer, scale) {
    var size = attr((layer.layout || {})["text-size"] || 12);
    return function (z, feature) {
      return (typeof size === "function" ? size(z, feature) : size) * scale.text;
    };
  }

  function textOptions(layer, scale) {
    var paint = layer.paint || {}, layout = layer.layout || {};
    var size = textSize(layer, scale);
    return {
      labelProps: function (z, feature) { return [textOf(layer, z, feature)]; },
      font: function (z, feature) { return size(z, feature).toFixed(1) + "px " + FONT_FAMILY; },
      fill: attr(paint["text-color"]),
      stroke: attr(paint["text-halo-color"]),
      width: attr(paint["text-halo-width"] || 0),
      maxLineChars: layout["text-max-width"] ? layout["text-max-width"] * 2 : 20,
    };
  }

  // protomaps-leaflet reads a label's text from one of its labelProps; the document's
  // text-field is an expression, so its value is put in a property of its own.
  var TEXT = "hromada:text";
  function textOf(layer, z, feature) {
    var props = feature.props || {};
    props[TEXT] = toText(evaluate(layer.layout["text-field"], props, z - ZOOM_OFFSET));
    return TEXT;
  }

  /**
   * A point or area label: tried at each of the layer's anchors in turn (MapLibre's
   * text-variable-anchor), the first that collides with no label already placed wins;
   * an area's label stands at the middle of its largest ring's box in the tile (MapLibre
   * takes the pole of inaccessibility), once per name near by (deduplicated).
   */
  function PointLabel(P, layer, scale) {
    var layout = layer.layout || {};
    var options = textOptions(layer, scale);
    var text = new P.TextSymbolizer(options);
    var anchors = layout["text-variable-anchor"] || [layout["text-anchor"] || "center"];
    var offset = layout["text-radial-offset"] || 0;
    this.shift = layout["text-offset"] || [0, 0];  // em, as MapLibre's text-offset
    this.text = text;
    this.scale = scale;
    this.offset = offset;
    this.size = textSize(layer, scale);
    this.anchors = anchors;
    this.padding = layout["text-padding"] === undefined ? 2 : layout["text-padding"];
  }

  PointLabel.prototype.place = function (layout, geom, feature) {
    var point = feature.geomType === 3 ? areaPoint(geom) : geom[0][0];
    if (!point) { return undefined; }
    var size = this.size(layout.zoom, feature);
    var em = size * evaluate(this.offset, feature.props || {}, layout.zoom - ZOOM_OFFSET);
    for (var i = 0; i < this.anchors.length; i++) {
      var placed = this.placeAt(layout, point, feature, this.anchors[i], em);
      if (placed) { return placed; }
    }
    return undefined;
  };

  PointLabel.prototype.placeAt = function (layout, point, feature, anchor, em) {
    var Point = point.constructor;
    var drawn = this.text.place(layout, [[new Point(0, 0)]], feature);
    if (!drawn || !drawn.length) { return undefined; }
    var box = drawn[0].bboxes[0];
    var width = box.maxX - box.minX, top = box.minY, bottom = box.maxY;
    var dx = -width / 2, dy = -(top + bottom) / 2;  // centred on the point
    if (/left/.test(anchor)) { dx = em; }
    if (/right/.test(anchor)) { dx = -width - em; }
    if (/^top/.test(anchor)) { dy = -top + em; }
    if (/^bottom/.test(anchor)) { dy = -bottom - em; }
    dx += this.shift[0] * this.size(layout.zoom, feature);
    dy += this.shift[1] * this.size(layout.zoom, feature);
    var pad = this.padding;
    var bbox = { minX: point.x + dx + box.minX - pad, minY: point.y + dy + top - pad,
      maxX: point.x + dx + box.maxX + pad, maxY: point.y + dy + bottom + pad };
    if (outside(this.scale.view, layout.zoom, bbox) || layout.index.bboxCollides(bbox, layout.order)) {
      return undefined;
    }
    var draw = drawn[0].draw;
    var label = { anchor: point, bboxes: [bbox], draw: function (ctx) { ctx.translate(dx, dy); draw(ctx); } };
    if (feature.geomType === 3) {
      label.deduplicationKey = feature.props[TEXT];
      label.deduplicationDistance = 256;
    }
    return [label];
  };

  /** Whether a label's box (world pixels at display zoom `z`) reaches past the map's
   * view at that zoom (`view`: {z, minX, minY, maxX, maxY}, kept by layers/map.js): a
   * label is placed whole on the map, at another anchor or not at all, as MapLibre does
   * (a name beside a village on the map's edge was cut in half). */
  function outside(view, z, box) {
    return Boolean(view && view.z === z &&
      (box.minX < view.minX || box.minY < view.minY || box.maxX > view.maxX || box.maxY > view.maxY));
  }

  /** The middle of the largest ring's bounding box (tile pixels), or null. */
  function areaPoint(geom) {
    var best = null, bestArea = 0;
    geom.forEach(function (ring) {
      var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      ring.forEach(function (p) {
        minX = Math.min(minX, p.x); minY = Math.min(minY, p.y); maxX = Math.max(maxX, p.x); maxY = Math.max(maxY, p.y);
      });
      var area = (maxX - minX) * (maxY - minY);
      if (area > bestArea) {
        bestArea = area;
        best = new ring[0].constructor((minX + maxX) / 2, (minY + maxY) / 2);
      }
    });
    return best;
  }

  function labelSymbolizer(P, layer, scale) {
    var layout = layer.layout || {};
    if (layout["symbol-placement"] === "line") {
      var options = textOptions(layer, scale);
      options.position = 2;  // centred on the line
      return new Named(new P.LineLabelSymbolizer(options), layer);
    }
    return new Named(new PointLabel(P, layer, scale), layer);
  }

  /** A label symbolizer whose placed labels say what they name ({layer, source,
   * properties} on their draw function): the map's list of the labels shown (HromadaMap
   * .placedLabels, for tests and tools) reads it from protomaps-leaflet's label index. */
  function Named(symbolizer, layer) {
    this.symbolizer = symbolizer;
    this.layer = layer;
  }

  Named.prototype.place = function (layout, geom, feature) {
    var placed = this.symbolizer.place(layout, geom, feature);
    var named = { layer: this.layer.id, source: this.layer.source, properties: feature.props, text: feature.props[TEXT] };
    (placed || []).forEach(function (label) { label.draw.hromada = named; });
    return placed;
  };

  /**
   * The protomaps-leaflet rules of the page's vector layers, in the document's order:
   * {paintRules, labelRules, byLayer: {styleLayerId: rule}}. Label layers are placed
   * topmost first (the villages' names, then the registry's others, then the basemap's),
   * as MapLibre places them; their text sizes are
   * multiplied by `scale.text`, and point labels kept inside `scale.view`, which the map
   * keeps up to date (see textSize, outside).
   */
  function vectorRules(P, style, scale) {
    var paintRules = [], labelRules = [], byLayer = {};
    style.layers.forEach(function (layer) {
      var source = style.sources[layer.source];
      if (!source || source.type !== "vector") { return; }
      var rule = Object.assign({ dataSource: layer.source, dataLayer: layer["source-layer"] || layer.source,
        filter: filterOf(layer) }, shownAt(layer));
      if (layer.type === "symbol") {
        rule.symbolizer = labelSymbolizer(P, layer, scale);
        var key = (layer.layout || {})["symbol-sort-key"];
        if (Array.isArray(key)) {  // within a layer, as MapLibre: the lower key first
          rule.sort = function (a, b) { return evaluate(key, a, 0) - evaluate(key, b, 0); };
        }
        // The topmost label layer is placed first and wins a collision, as in MapLibre:
        // the registry's names (the villages' on top) before the basemap's.
        labelRules.unshift(rule);
      } else {
        rule.symbolizer = paintSymbolizer(P, layer);
        if (rule.symbolizer) { paintRules.push(rule); }
      }
      byLayer[layer.id] = rule;
    });
    return { paintRules: paintRules, labelRules: labelRules, byLayer: byLayer };
  }

  /** The Leaflet path options (canvas renderer) of a GeoJSON feature drawn with a
   * document layer's `type` and `paint`, at document zoom `zoom`. */
  function pathStyle(type, paint, props, zoom) {
    // A property the document leaves out keeps Leaflet's own value (the document's
    // layers give every colour: tests/layers/test_style.py).
    function value(name, fallback) {
      var v = paint[name];
      return v === undefined ? fallback : evaluate(v, props, zoom);
    }
    if (type === "circle") {
      return { radius: value("circle-radius", 5), fillColor: value("circle-color"),
        fillOpacity: value("circle-opacity", 1), color: value("circle-stroke-color"),
        weight: value("circle-stroke-width", 0), stroke: value("circle-stroke-width", 0) > 0, opacity: 1 };
    }
    if (type === "fill") {
      return { fillColor: value("fill-color"), fillOpacity: value("fill-opacity", 1), stroke: false, fill: true };
    }
    if (type === "line") {
      return { color: value("line-color"), weight: value("line-width", 1), opacity: value("line-opacity", 1),
        fill: false, lineCap: "round", lineJoin: "round" };
    }
    return null;
  }

  window.HromadaPaint = {
    ZOOM_OFFSET: ZOOM_OFFSET, evaluate: evaluate, vectorRules: vectorRules, pathStyle: pathStyle,
  };
})();
