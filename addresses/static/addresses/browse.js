// The results map of /addresses/ (layers/map.js, Leaflet): the search results
// (GeoJSON embedded in the page); a result chosen in the table is shown on the map with
// its popup. The view, the markers' look and the register's layers (streets and houses,
// with their names at street zoom) come from the maps' style document.
(function () {
  "use strict";
  var element = document.getElementById("address-map");
  if (!element || typeof HromadaMap === "undefined") { return; }
  var config = JSON.parse(document.getElementById("address-map-config").textContent);
  var results = JSON.parse(document.getElementById("address-results").textContent);
  var SHOW_ZOOM = HromadaMap.STREET_ZOOM;  // street level, as deep as fitting the results goes
  var map = null;
  var popup = null;

  function byId(id) {
    return (results.features || []).filter(function (f) { return String(f.id) === id && f.geometry; })[0];
  }

  // The view as "lat,lon,zoom" on the element, for people's tools and the browser tests.
  function recordView() {
    var view = HromadaMap.view(map);
    element.setAttribute("data-view",
      view.center[1].toFixed(6) + "," + view.center[0].toFixed(6) + "," + Math.round(view.zoom));
  }

  function openPopup(feature) {
    if (popup) { popup.remove(); }
    // Text content, so that a label is never read as markup.
    var box = HromadaMapControls.element("p", "hromada-popup hromada-popup-title", feature.properties.label);
    popup = HromadaMapControls.openPopup(map, feature.geometry.coordinates, box, { maxWidth: "280px" });
  }

  function show(id) {
    var feature = byId(id);
    if (!feature || !map) { return; }
    element.scrollIntoView({ block: "nearest" });
    HromadaMap.jumpTo(map, feature.geometry.coordinates, SHOW_ZOOM);
    openPopup(feature);
    element.setAttribute("data-selected", id);
  }
  document.querySelectorAll(".address-show").forEach(function (button) {
    button.addEventListener("click", function () { show(button.getAttribute("data-id")); });
  });

  function fitResults() {
    var located = (results.features || []).filter(function (f) { return f.geometry; });
    if (!located.length) { return; }
    var lons = located.map(function (f) { return f.geometry.coordinates[0]; });
    var lats = located.map(function (f) { return f.geometry.coordinates[1]; });
    HromadaMap.fit(map, [Math.min.apply(null, lons), Math.min.apply(null, lats),
      Math.max.apply(null, lons), Math.max.apply(null, lats)], { maxZoom: SHOW_ZOOM });
  }

  HromadaMap.create(element, {
    layers: ["territory", "settlements", "streets", "addresses"],
    basemap: { url: config.basemap },
  }).then(function (ready) {
    map = ready;
    var drawn = HromadaMap.draw(map, "results", results, HromadaMap.paints(map, "marker", "search-result"),
      { interactive: true });
    drawn.parts.circle.on("click", function (event) {
      L.DomEvent.stopPropagation(event);
      openPopup(event.layer.feature);
    });
    fitResults();
    map.on("moveend", recordView);
    recordView();
    element.setAttribute("data-ready", "true");
  });
})();
