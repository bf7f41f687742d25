/* /map/: every public report, clustered, coloured by status, with filters. */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var element = document.getElementById("report-map");
  var settings = H.config(element);
  var map = H.baseMap(element);
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  map.addLayer(cluster);
  var filters = document.getElementById("filters");
  var list = document.getElementById("report-list");

  function popup(properties) {
    var box = document.createElement("div");
    var link = H.textElement("a", "№ " + properties.number);
    link.href = properties.url;
    box.appendChild(link);
    box.appendChild(H.textElement("div", properties.category_name));
    box.appendChild(H.textElement("div", settings.statusNames[properties.status] || properties.status));
    box.appendChild(H.textElement("p", properties.summary));
    return box;
  }

  function listItem(properties) {
    var item = document.createElement("li");
    item.appendChild(H.textElement("span", "", "dot s-" + properties.status));
    var link = H.textElement("a", " № " + properties.number);
    link.href = properties.url;
    item.appendChild(document.createTextNode(" "));
    item.appendChild(link);
    var village = properties.settlement_name ? " · " + properties.settlement_name : "";
    item.appendChild(H.textElement("span", " " + properties.category_name + village + " — " +
      (settings.statusNames[properties.status] || properties.status)));
    return item;
  }

  // Only the reports in view: the request is limited to the map's bounding box and made
  // again when the map moves (the newest answer wins).
  var asked = 0;
  function load() {
    var query = new URLSearchParams(new FormData(filters));
    Array.from(query.keys()).forEach(function (key) { if (!query.get(key)) { query.delete(key); } });
    query.set("bbox", map.getBounds().toBBoxString());
    var ticket = ++asked;
    fetch(HromadaStyles.api(map.style, "reports") + "?" + query.toString())
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ticket !== asked) { return; }
        cluster.clearLayers();
        list.replaceChildren();
        (data.features || []).forEach(function (feature) {
          var coordinates = feature.geometry.coordinates;
          var marker = L.marker([coordinates[1], coordinates[0]], {
            icon: H.statusIcon(feature.properties.status),
            title: "№ " + feature.properties.number,
          });
          marker.bindPopup(popup(feature.properties));
          cluster.addLayer(marker);
          list.appendChild(listItem(feature.properties));
        });
        document.getElementById("report-count").textContent = String((data.features || []).length);
      });
  }

  filters.addEventListener("change", load);
  document.getElementById("locate-me").addEventListener("click", function () {
    H.locate(function (latlng) {
      L.circleMarker(latlng, HromadaStyles.marker(map.style, "located")).addTo(map);
      map.setView(latlng, 16);
    }, function () { window.alert(element.dataset.locateError); });
  });
  map.ready.then(function () {
    load();
    map.on("moveend", load);
  });
})();
