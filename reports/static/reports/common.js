/* Shared map set-up for the report pages: plain Leaflet on local assets, no CDN. */
(function () {
  "use strict";

  function config(element) {
    return JSON.parse(element.dataset.config || "{}");
  }

  /** A Leaflet map with the optional basemap, the territory outline and village names. */
  function baseMap(element, options) {
    var settings = config(element);
    var map = L.map(element, Object.assign({ zoomControl: true, maxZoom: 19, minZoom: 6 }, options || {}));
    map.setView([48.80, 32.72], 11);
    if (settings.basemapUrl) {
      L.tileLayer(settings.basemapUrl, { attribution: settings.basemapAttribution, maxZoom: 19 }).addTo(map);
    }
    map.ready = fetch("/api/v1/territory/")
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var outline = L.geoJSON(data, { style: { color: "#0057b7", weight: 2, fill: true, fillOpacity: 0.03 }, interactive: false });
        outline.addTo(map);
        if (outline.getBounds().isValid() && !(options && options.keepView)) {
          map.fitBounds(outline.getBounds(), { padding: [8, 8], animate: false });
        }
        map.territory = data;
        return villages(map);
      })
      .catch(function () { return null; });
    return map;
  }

  function villages(map) {
    return fetch("/api/v1/settlements/?geometry=centre")
      .then(function (response) { return response.json(); })
      .then(function (data) {
        L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 3, color: "#555", weight: 1, interactive: false })
              .bindTooltip(feature.properties.name_uk, { permanent: true, direction: "right", className: "village-label" });
          },
        }).addTo(map);
      });
  }

  function statusIcon(status) {
    return L.divIcon({
      className: "report-pin",
      html: '<span class="dot s-' + status + '"></span>',
      iconSize: [22, 22],
      iconAnchor: [11, 11],
    });
  }

  /** Ask the browser for the position; call back with a Leaflet LatLng or an error. */
  function locate(onPosition, onError) {
    if (!navigator.geolocation) { onError(); return; }
    navigator.geolocation.getCurrentPosition(
      function (position) { onPosition(L.latLng(position.coords.latitude, position.coords.longitude)); },
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

  window.HromadaReports = { config: config, baseMap: baseMap, statusIcon: statusIcon, locate: locate, textElement: textElement };
})();
