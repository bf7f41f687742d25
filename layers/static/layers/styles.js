/*
 * The maps' one style document and the one place that turns a registry LayerStyle into
 * Leaflet path options. The document (MapLibre Style Specification v8, built from the
 * layer registry by layers/tiles/style.py) is read once per page from the URL the server
 * puts in <meta name="hromada-style">; it holds the view (center, zoom), every visible
 * layer's legend and style (metadata "hromada:legends"), the maps' own markers
 * ("hromada:markers"), and the TileJSON and API URLs ("hromada:tilejson", "hromada:api").
 * No colour, view or URL is written in any script.
 *
 *   HromadaStyles.load().then(function (doc) {
 *     HromadaStyles.setView(map, doc);
 *     var legend = HromadaStyles.legend(doc, "territory");
 *     L.geoJSON(data, { style: HromadaStyles.leaflet(HromadaStyles.variant(legend, "outline"), legend.geometry_type) });
 *   });
 */
(function () {
  "use strict";

  var loaded = null;

  function documentUrl() {
    var meta = document.querySelector('meta[name="hromada-style"]');
    return meta ? meta.content : null;
  }

  /** The style document, fetched once per page: a Promise of the parsed JSON. */
  function load() {
    if (!loaded) {
      var url = documentUrl();
      loaded = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
          return response.json();
        });
    }
    return loaded;
  }

  function metadata(doc, key) {
    return (doc && doc.metadata && doc.metadata[key]) || {};
  }

  /** The registry legend (title, style, popup fields…) of layer `id`, or null. */
  function legend(doc, id) {
    var legends = doc && doc.metadata ? doc.metadata["hromada:legends"] || [] : [];
    return legends.filter(function (entry) { return entry.id === id; })[0] || null;
  }

  /** The layer's style, or its look named `name` on a particular map when it has one. */
  function variant(layerLegend, name) {
    var style = (layerLegend && layerLegend.style) || {};
    return (name && style.variants && style.variants[name]) || style;
  }

  function api(doc, name) { return metadata(doc, "hromada:api")[name]; }

  function tilejson(doc, id) { return metadata(doc, "hromada:tilejson")[id]; }

  /** Leaflet options of the maps' own marker `name` (a circle marker). */
  function marker(doc, name) {
    return leaflet(metadata(doc, "hromada:markers")[name] || {}, "Point");
  }

  /** Open `map` on the document's view: the territory, in Leaflet's [lat, lon] order. */
  function setView(map, doc) {
    map.setView([doc.center[1], doc.center[0]], doc.zoom);
  }

  /** The colour of `value` on a graduated ramp (null or undefined: the no-data colour). */
  function rampColour(ramp, value) {
    if (value === null || value === undefined || typeof value !== "number") {
      return ramp.no_data_colour;
    }
    var colour = ramp.steps[0][1];
    ramp.steps.forEach(function (step) { if (value >= step[0]) { colour = step[1]; } });
    return colour;
  }

  /** The category colour of a feature's properties under `style`, or null. */
  function categoryColour(style, properties) {
    var categories = style.categories || {};
    var value = style.colour_by && properties ? properties[style.colour_by] : undefined;
    return Object.prototype.hasOwnProperty.call(categories, value) ? categories[value] : null;
  }

  function fillOf(style, properties) {
    if (style.ramp) { return rampColour(style.ramp, (properties || {})[style.ramp.property]); }
    return categoryColour(style, properties);
  }

  /**
   * Leaflet path options drawing a feature of geometry `type` (Point, LineString,
   * Polygon…) with `properties` in registry style `style` (LayerStyle.as_dict()).
   */
  function leaflet(style, type, properties) {
    var colour = categoryColour(style, properties);
    if (/Point/.test(type || "")) {
      return {
        radius: style.radius, weight: style.line_width, opacity: 1,
        color: style.point_outline_colour, fill: true,
        fillColor: fillOf(style, properties) || style.colour, fillOpacity: style.fill_opacity,
      };
    }
    if (/LineString/.test(type || "")) {
      return { weight: style.line_width, color: colour || style.colour, opacity: 0.9 };
    }
    return {
      weight: style.line_width, color: style.outline_colour || colour || style.colour,
      fill: style.fill_opacity > 0,
      fillColor: fillOf(style, properties) || style.fill_colour, fillOpacity: style.fill_opacity,
    };
  }

  window.HromadaStyles = {
    load: load, legend: legend, variant: variant, api: api, tilejson: tilejson,
    marker: marker, setView: setView, rampColour: rampColour,
    categoryColour: categoryColour, leaflet: leaflet,
  };
})();
