/* /reports/<number>/: a small map of the report's place. */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var element = document.getElementById("detail-map");
  var place = [parseFloat(element.dataset.lon), parseFloat(element.dataset.lat)];
  H.baseMap(element, { center: place, zoom: 16, legend: false, search: false }).then(function (map) {
    HromadaMap.domMarker(map, place, H.statusPin(element.dataset.status));
  });
})();
