/*
 * Labels of a page's own data (layers/map.js draws the data itself): the village shares
 * ("Макариха\n0%") on the coverage maps, the suggested Wi-Fi sites' ranks. Each is a DOM
 * element (text only, never HTML) in a pane over the map's data, written in the look of
 * a style document label layer (size, colour, halo); whenever the map stops moving they
 * are placed again in order, each at the first of its anchors where it is whole on the map
 * and overlaps no label placed before it, or hidden (MapLibre's collision handling, for a
 * dozen labels).
 *
 *   HromadaMapLabels.draw(map, "village-shares", features, {
 *     text: function (properties) { return properties.name + "\n" + properties.share; },
 *     look: "settlements-label", anchors: ["center", "top", "bottom"], overlap: false });
 */
(function () {
  "use strict";

  var PANE = "hromadaDataLabels";
  var ANCHORS = ["center", "top", "bottom", "left", "right"];

  /** A point to label a GeoJSON geometry at, [lon, lat]: a point itself; the centroid of
   * a polygon's largest outer ring (by area, CRS84 treated as planar over a village). */
  function anchorOf(geometry) {
    if (!geometry) { return null; }
    if (geometry.type === "Point") { return geometry.coordinates; }
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    var best = null, bestArea = 0;
    polygons.forEach(function (polygon) {
      var c = centroid(polygon[0]);
      if (c && Math.abs(c.area) > bestArea) { bestArea = Math.abs(c.area); best = c.point; }
    });
    return best;
  }

  function centroid(ring) {
    var area = 0, x = 0, y = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      area += cross;
      x += (ring[j][0] + ring[i][0]) * cross;
      y += (ring[j][1] + ring[i][1]) * cross;
    }
    if (!area) { return null; }
    return { area: area / 2, point: [x / (3 * area), y / (3 * area)] };
  }

  /** The CSS look of a style document label layer at the map's zoom. */
  function look(map, layerId) {
    var layer = map.hromada.doc.layers.filter(function (l) { return l.id === layerId; })[0];
    if (!layer) { return {}; }
    var zoom = window.HromadaMap.view(map).zoom;
    function value(part, name, fallback) {
      var v = (layer[part] || {})[name];
      return v === undefined ? fallback : window.HromadaPaint.evaluate(v, {}, zoom);
    }
    var halo = value("paint", "text-halo-width", 0), haloColour = value("paint", "text-halo-color");
    var shadow = [];
    for (var a = 0; a < 8; a++) {
      var angle = a * Math.PI / 4;
      shadow.push((Math.cos(angle) * halo).toFixed(1) + "px " + (Math.sin(angle) * halo).toFixed(1) + "px 0 " + haloColour);
    }
    return { fontSize: value("layout", "text-size", 12) + "px", color: value("paint", "text-color", ""),
      textShadow: halo && haloColour ? shadow.join(", ") : "none" };
  }

  function pane(map) {
    if (!map.getPane(PANE)) { map.createPane(PANE).style.zIndex = 460; }
    return PANE;
  }

  /** Draw (or draw again) the labels `id` of GeoJSON `features`. */
  function draw(map, id, features, options) {
    var all = map.hromada.dataLabels = map.hromada.dataLabels || {};
    if (all[id]) { all[id].group.remove(); }
    var group = L.layerGroup().addTo(map);
    var labels = [];
    features.forEach(function (feature) {
      var at = anchorOf(feature.geometry);
      var words = options.text(feature.properties || {});
      if (!at || !words) { return; }
      var node = document.createElement("span");
      node.className = "hromada-label";
      node.textContent = words;
      var marker = L.marker([at[1], at[0]], { pane: pane(map), interactive: false, keyboard: false,
        icon: L.divIcon({ className: "hromada-label-anchor", html: node, iconSize: null }) });
      group.addLayer(marker);
      labels.push({ node: node, feature: feature });
    });
    all[id] = { group: group, labels: labels, options: options };
    if (!map.hromada.labelsPlaced) {
      map.hromada.labelsPlaced = true;
      map.on("zoomend moveend resize", function () { place(map); });
    }
    place(map);
    return all[id];
  }

  /** Place every data label again: in the order drawn, each at its first free anchor. */
  function place(map) {
    var placed = [], frame = map.getContainer().getBoundingClientRect();
    Object.keys(map.hromada.dataLabels || {}).forEach(function (id) {
      var entry = map.hromada.dataLabels[id];
      var css = look(map, entry.options.look);
      entry.labels.forEach(function (label) {
        Object.assign(label.node.style, css);
        label.node.hidden = false;
        var anchors = entry.options.anchors || ANCHORS;
        var spot = null;
        for (var i = 0; i < anchors.length && !spot; i++) {
          label.node.dataset.anchor = anchors[i];
          var rect = label.node.getBoundingClientRect();
          // Whole on the map (not cut by its edge), and clear of the labels placed before.
          var free = within(rect, frame) &&
            (entry.options.overlap || !placed.some(function (other) { return overlaps(rect, other); }));
          if (free) { spot = rect; }
        }
        if (spot) { placed.push(spot); } else { label.node.hidden = true; }
      });
    });
  }

  function within(a, frame) {
    return a.left >= frame.left && a.right <= frame.right && a.top >= frame.top && a.bottom <= frame.bottom;
  }

  function overlaps(a, b) {
    var pad = 2;
    return a.left < b.right + pad && b.left < a.right + pad && a.top < b.bottom + pad && b.top < a.bottom + pad;
  }

  /** Remove the labels `id`. */
  function remove(map, id) {
    var all = map.hromada.dataLabels || {};
    if (all[id]) { all[id].group.remove(); delete all[id]; }
  }

  /** The labels shown now, as {id, text} (for the tests and tools). */
  function shown(map) {
    var out = [];
    Object.keys(map.hromada.dataLabels || {}).forEach(function (id) {
      map.hromada.dataLabels[id].labels.forEach(function (label) {
        if (!label.node.hidden && label.node.isConnected) { out.push({ id: id, text: label.node.textContent }); }
      });
    });
    return out;
  }

  window.HromadaMapLabels = { draw: draw, place: place, remove: remove, shown: shown, anchorOf: anchorOf };
})();
