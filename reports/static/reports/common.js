/* Shared map set-up for the report pages, on layers/map.js (Leaflet, local assets,
 * no CDN). The view, the colours and the API URLs come from the maps' style document. */
(function () {
  "use strict";

  var LAYERS = ["territory", "settlements"];

  function config(element) {
    return JSON.parse(element.dataset.config || "{}");
  }

  /** A Promise of the URL of API `name` (the style document's "hromada:api"). */
  function api(name) {
    return HromadaStyles.load().then(function (doc) { return HromadaStyles.api(doc, name); });
  }

  /**
   * A Promise of the map of a report page: the optional basemap, the territory and the
   * villages with their names, the address search; opened on the territory unless
   * options.center ([lon, lat]) and options.zoom are given.
   */
  function baseMap(element, options) {
    var settings = config(element);
    return HromadaMap.create(element, Object.assign({
      layers: LAYERS,
      basemap: { url: settings.basemapUrl, attribution: settings.basemapAttribution },
    }, options || {}));
  }

  /** The DOM element of a report's pin: a dot in its status colour (reports.css). */
  function statusPin(status) {
    var pin = document.createElement("span");
    pin.className = "report-pin";
    var dot = document.createElement("span");
    dot.className = "dot s-" + status;
    pin.appendChild(dot);
    return pin;
  }

  /** Ask the browser for the position; call back with [lon, lat] or an error. */
  function locate(onPosition, onError) {
    if (!navigator.geolocation) { onError(); return; }
    navigator.geolocation.getCurrentPosition(
      function (position) { onPosition([position.coords.longitude, position.coords.latitude]); },
      onError,
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  /** Element with text content only: every user-written string goes through here. */
  function textElement(tag, text, className) {
    var element = document.createElement(tag);
    element.textContent = text;
    if (className) { element.className = className; }
    return element;
  }

  window.HromadaReports = {
    config: config, api: api, baseMap: baseMap, statusPin: statusPin, locate: locate,
    textElement: textElement,
  };
})();
