// The results map of /addresses/: the search results (GeoJSON embedded in the page).
(function () {
  "use strict";
  var element = document.getElementById("address-map");
  if (!element || typeof L === "undefined") { return; }
  var config = JSON.parse(document.getElementById("address-map-config").textContent);
  var results = JSON.parse(document.getElementById("address-results").textContent);
  var map = L.map(element).setView([48.80, 32.72], 11);
  if (config.basemap) { L.tileLayer(config.basemap, { maxZoom: 19 }).addTo(map); }
  var layer = L.geoJSON(results, {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 6, color: "#0057b7", fillOpacity: 0.8 });
    },
    onEachFeature: function (feature, marker) {
      marker.bindPopup(document.createTextNode(feature.properties.label).textContent);
    }
  }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { maxZoom: 17 }); }
  // The register itself, street and house by house, as vector tiles of the registry's
  // layers (shown from zoom 12/13 on), with popups and a legend from the registry.
  if (window.HromadaVectorLayers) {
    HromadaVectorLayers.layers(map, ["streets", "addresses"], { legend: true });
  }
})();
