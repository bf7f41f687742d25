/* /reports/subscribe/: tap the map to subscribe to a circle instead of a village. */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var element = document.getElementById("pick-map");
  var form = element.closest("form");
  var status = document.getElementById("place-status");
  var map = H.baseMap(element);
  var circle = null;

  function radius() { return parseInt(form.elements.radius_m.value, 10) || 500; }

  map.on("click", function (event) {
    form.elements.lat.value = event.latlng.lat.toFixed(6);
    form.elements.lon.value = event.latlng.lng.toFixed(6);
    form.elements.settlement.value = "";
    if (circle) { circle.setLatLng(event.latlng); } else { circle = L.circle(event.latlng, { radius: radius() }).addTo(map); }
    status.textContent = element.dataset.chosen + ": " + form.elements.lat.value + ", " + form.elements.lon.value;
  });
  form.elements.radius_m.addEventListener("input", function () { if (circle) { circle.setRadius(radius()); } });
})();
