// The results map of /addresses/: the search results (GeoJSON embedded in the page); a
// result chosen in the table is shown on the map with its popup.
(function () {
  "use strict";
  var element = document.getElementById("address-map");
  if (!element || typeof L === "undefined") { return; }
  var config = JSON.parse(document.getElementById("address-map-config").textContent);
  var results = JSON.parse(document.getElementById("address-results").textContent);
  var map = L.map(element).setView([48.80, 32.72], 11);
  if (config.basemap) { L.tileLayer(config.basemap, { maxZoom: 19 }).addTo(map); }
  var SHOW_ZOOM = 17;  // street level, as deep as fitting the results goes
  var markers = {};
  var layer = L.geoJSON(results, {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 7, color: "#0057b7", fillOpacity: 0.8 });
    },
    onEachFeature: function (feature, marker) {
      // A text node, so that a label is never read as markup.
      marker.bindPopup(document.createTextNode(feature.properties.label));
      markers[String(feature.id)] = marker;
    }
  }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { maxZoom: 17 }); }

  // The view as "lat,lon,zoom" on the element, for people's tools and the browser tests.
  function recordView() {
    var centre = map.getCenter();
    element.setAttribute("data-view",
      centre.lat.toFixed(6) + "," + centre.lng.toFixed(6) + "," + map.getZoom());
  }
  map.on("moveend", recordView);
  recordView();

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

  // The register itself, street and house by house, as vector tiles of the registry's
  // layers (shown from zoom 12/13 on), with popups and a legend from the registry.
  if (window.HromadaVectorLayers) {
    HromadaVectorLayers.layers(map, ["streets", "addresses"], { legend: true });
  }
  element.setAttribute("data-ready", "true");
})();
