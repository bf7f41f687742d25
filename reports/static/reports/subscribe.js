/* /reports/subscribe/: tap the map to subscribe to a circle instead of a village. */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var element = document.getElementById("pick-map");
  var form = element.closest("form");
  var status = document.getElementById("place-status");
  var EARTH_M = 6371008.8;
  var STEPS = 64;

  function radius() { return parseInt(form.elements.radius_m.value, 10) || 500; }

  /** A circle of `metres` around [lon, lat] as a GeoJSON polygon (spherical, CRS84). */
  function circle(centre, metres) {
    var ring = [];
    var lat = centre[1] * Math.PI / 180;
    for (var i = 0; i <= STEPS; i++) {
      var angle = 2 * Math.PI * i / STEPS;
      var dLat = metres * Math.cos(angle) / EARTH_M;
      var dLon = metres * Math.sin(angle) / (EARTH_M * Math.cos(lat));
      ring.push([centre[0] + dLon * 180 / Math.PI, centre[1] + dLat * 180 / Math.PI]);
    }
    return { type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [ring] } };
  }

  H.baseMap(element, { popups: false }).then(function (map) {
    var centre = null;
    var parts = HromadaMap.paints(map, "layers", "territory", "reports");
    function redraw() { if (centre) { HromadaMap.draw(map, "chosen-circle", circle(centre, radius()), parts); } }
    map.on("click", function (event) {
      centre = [event.latlng.lng, event.latlng.lat];
      form.elements.lat.value = event.latlng.lat.toFixed(6);
      form.elements.lon.value = event.latlng.lng.toFixed(6);
      form.elements.settlement.value = "";
      redraw();
      status.textContent = element.dataset.chosen + ": " + form.elements.lat.value + ", " + form.elements.lon.value;
    });
    form.elements.radius_m.addEventListener("input", redraw);
  });
})();
