// The results map of /addresses/: the search results (GeoJSON embedded in the page); a
// result chosen in the table is shown on the map with its popup. The view, the markers'
// look and the register's layers come from the maps' style document (layers/styles.js).
(function () {
  "use strict";
  var element = document.getElementById("address-map");
  if (!element || typeof L === "undefined") { return; }
  var config = JSON.parse(document.getElementById("address-map-config").textContent);
  var results = JSON.parse(document.getElementById("address-results").textContent);
  var map = L.map(element);
  if (config.basemap) { L.tileLayer(config.basemap, { maxZoom: 19 }).addTo(map); }
  var SHOW_ZOOM = 17;  // street level, as deep as fitting the results goes
  var markers = {};

  function resultsLayer(doc) {
    var style = HromadaStyles.marker(doc, "search-result");
    return L.geoJSON(results, {
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, style); },
      onEachFeature: function (feature, marker) {
        // A text node, so that a label is never read as markup.
        marker.bindPopup(document.createTextNode(feature.properties.label));
        markers[String(feature.id)] = marker;
      }
    }).addTo(map);
  }

  // The view as "lat,lon,zoom" on the element, for people's tools and the browser tests.
  function recordView() {
    var centre = map.getCenter();
    element.setAttribute("data-view",
      centre.lat.toFixed(6) + "," + centre.lng.toFixed(6) + "," + map.getZoom());
  }

  function show(id) {
    var marker = markers[id];
    if (!marker) { return; }
    element.scrollIntoView({ block: "nearest" });
    map.setView(marker.getLatLng(), SHOW_ZOOM);
    marker.openPopup();
    element.setAttribute("data-selected", id);
  }
  document.querySelectorAll(".address-show").forEach(function (button) {
    button.addEventListener("click", function () { show(button.getAttribute("data-id")); });
  });

  HromadaStyles.load().then(function (doc) {
    HromadaStyles.setView(map, doc);
    var layer = resultsLayer(doc);
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { maxZoom: 17 }); }
    map.on("moveend", recordView);
    recordView();
    // The register itself, street and house by house, as vector tiles of the registry's
    // layers (shown from zoom 12/13 on), with popups and a legend from the registry.
    HromadaVectorLayers.layers(map, ["streets", "addresses"], { legend: true });
    element.setAttribute("data-ready", "true");
  });
})();
