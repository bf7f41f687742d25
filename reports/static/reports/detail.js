/* /reports/<number>/: a small map of the report's place. */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var element = document.getElementById("detail-map");
  var latlng = L.latLng(parseFloat(element.dataset.lat), parseFloat(element.dataset.lon));
  var map = H.baseMap(element, { keepView: true });
  map.setView(latlng, 16);
  L.marker(latlng, { icon: H.statusIcon(element.dataset.status), keyboard: false }).addTo(map);
})();
