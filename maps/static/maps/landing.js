/*
 * The landing page's overview map (layers/map.js, Leaflet): every registry layer
 * the visitor may see, with toggles, the legend, popups, the address search, the scale
 * and "where am I" — all from the style document. The page says (data-config) which
 * layers the toggles list and which start hidden.
 */
(function () {
  "use strict";
  var element = document.getElementById("overview-map");
  if (!element || typeof HromadaMap === "undefined") { return; }
  var config = JSON.parse(element.dataset.config || "{}");
  HromadaMap.create(element, {
    toggles: config.toggles,
    hidden: config.hidden,
    basemap: { url: config.basemapUrl, attribution: config.basemapAttribution },
  });
})();
