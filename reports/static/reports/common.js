/* Shared map set-up for the report pages: plain Leaflet on local assets, no CDN. The view,
 * the colours and the API URLs come from the maps' style document (layers/styles.js). */
(function () {
  "use strict";

  function config(element) {
    return JSON.parse(element.dataset.config || "{}");
  }

  /** A Promise of the URL of API `name` (the style document's "hromada:api"). */
  function api(name) {
    return HromadaStyles.load().then(function (doc) { return HromadaStyles.api(doc, name); });
  }

  /**
   * A Leaflet map with the optional basemap, the territory outline and village names.
   * It opens on the territory unless the page set a view first; `map.style` holds the
   * style document once `map.ready` has resolved.
   */
  function baseMap(element, options) {
    var settings = config(element);
    var map = L.map(element, Object.assign({ zoomControl: true, maxZoom: 19, minZoom: 6 }, options || {}));
    if (settings.basemapUrl) {
      L.tileLayer(settings.basemapUrl, { attribution: settings.basemapAttribution, maxZoom: 19 }).addTo(map);
    }
    map.ready = HromadaStyles.load()
      .then(function (doc) {
        map.style = doc;
        if (!map._loaded) { HromadaStyles.setView(map, doc); }
        return fetch(HromadaStyles.api(doc, "territory"));
      })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var legend = HromadaStyles.legend(map.style, "territory");
        var style = HromadaStyles.leaflet(HromadaStyles.variant(legend, "reports"), "Polygon");
        var outline = L.geoJSON(data, { style: style, interactive: false });
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
    var centre = Object.assign(HromadaStyles.marker(map.style, "village-centre"), { interactive: false });
    return fetch(HromadaStyles.api(map.style, "settlements") + "?geometry=centre")
      .then(function (response) { return response.json(); })
      .then(function (data) {
        L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, centre)
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

  window.HromadaReports = {
    config: config, api: api, baseMap: baseMap, statusIcon: statusIcon, locate: locate, textElement: textElement,
  };
})();
