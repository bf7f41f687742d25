/*
 * The maps' one style document (MapLibre Style Specification v8, built from the layer
 * registry by layers/tiles/style.py), read once per page from the URL the server
 * puts in <meta name="hromada-style">; it holds the view (center, zoom), every visible
 * layer's legend and style (metadata "hromada:legends"), the maps' own markers
 * ("hromada:markers"), and the TileJSON and API URLs ("hromada:tilejson", "hromada:api").
 * No colour, view or URL is written in any script.
 *
 *   HromadaStyles.load().then(function (doc) {
 *     var legend = HromadaStyles.legend(doc, "territory");
 *     var outline = HromadaStyles.variant(legend, "outline");
 *     fetch(HromadaStyles.api(doc, "reports"));
 *   });
 */
(function () {
  "use strict";

  var loaded = null;
  var waiting = false;

  function documentUrl() {
    var meta = document.querySelector('meta[name="hromada-style"]');
    return meta ? meta.content : null;
  }

  /** The style document, fetched once per page: a Promise of the parsed JSON. */
  function load() {
    if (!loaded) {
      var url = documentUrl();
      // As the page's <link rel="preload" as="fetch" crossorigin> asks (same mode, same
      // credentials, no extra header), so that this fetch takes the preloaded answer.
      waiting = true;
      loaded = fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
          return response.json();
        });
      // Cleared before the pages' own callbacks run (they are chained after this one),
      // so a page that makes its map once the document is in has asked for it by then.
      loaded.then(function () { waiting = false; }, function () { waiting = false; });
    }
    return loaded;
  }

  /** Whether the style document is on its way (tests and tools wait for the maps). */
  function pending() { return waiting; }

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

  window.HromadaStyles = {
    load: load, legend: legend, variant: variant, api: api, pending: pending,
  };
})();
