/* /map/: every public report, clustered, coloured by status, with filters. */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var element = document.getElementById("report-map");
  var settings = H.config(element);
  var map = null;
  var pins = [];
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

  function bbox() {
    var bounds = map.getBounds();
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].join(",");
  }

  function pinOf(feature) {
    var properties = feature.properties;
    var pin = H.statusPin(properties.status);
    pin.setAttribute("title", "№ " + properties.number);
    var box = new maplibregl.Popup({ maxWidth: "280px", offset: 12 }).setDOMContent(popup(properties));
    return new maplibregl.Marker({ element: pin }).setLngLat(feature.geometry.coordinates).setPopup(box);
  }

  // Only the reports in view: the request is limited to the map's bounding box and made
  // again when the map moves (the newest answer wins).
  var asked = 0;
  function load() {
    var query = new URLSearchParams(new FormData(filters));
    Array.from(query.keys()).forEach(function (key) { if (!query.get(key)) { query.delete(key); } });
    query.set("bbox", bbox());
    var ticket = ++asked;
    fetch(HromadaStyles.api(map.hromada.doc, "reports") + "?" + query.toString())
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ticket !== asked) { return; }
        pins.forEach(function (marker) { marker.remove(); });
        list.replaceChildren();
        pins = (data.features || []).map(function (feature) {
          list.appendChild(listItem(feature.properties));
          return pinOf(feature).addTo(map);
        });
        document.getElementById("report-count").textContent = String(pins.length);
      });
  }

  filters.addEventListener("change", function () { if (map) { load(); } });
  H.baseMap(element, { popups: false }).then(function (ready) {
    map = ready;
    document.getElementById("locate-me").addEventListener("click", function () {
      map.hromada.geolocate.trigger();
    });
    load();
    map.on("moveend", load);
  });
})();
