/* /addresses/verification/check/<id>/: the address's point on the map (layers/map.js,
 * Leaflet) and the keyboard. A drag of the point, a click on the map or "put the
 * point at the map's centre" fills the move form's lon/lat (staff never type
 * coordinates); keys: c confirm, m move, r rename, x reject, j skip, q overview,
 * Ctrl+Enter send the form one is in. */
(function () {
  "use strict";
  var element = document.getElementById("workbench-map");
  if (!element || typeof HromadaMap === "undefined") { return; }
  var config = JSON.parse(document.getElementById("workbench-config").textContent);
  var texts = document.getElementById("workbench-text").dataset;
  var move = document.getElementById("move-form");
  var status = document.getElementById("move-status");
  var save = document.getElementById("move-save");
  var marker = null;
  var map = null;

  // Metres between two [lon, lat] points on the local tangent plane (as addresses/history.py).
  function metres(a, b) {
    var rad = Math.PI / 180, lat = (a[1] + b[1]) / 2 * rad;
    var east = (b[0] - a[0]) * rad * 6371008.8 * Math.cos(lat);
    var north = (b[1] - a[1]) * rad * 6371008.8;
    return Math.round(Math.sqrt(east * east + north * north));
  }

  function chosen() {
    var lon = parseFloat(move.elements.lon.value), lat = parseFloat(move.elements.lat.value);
    return isNaN(lon) || isNaN(lat) ? null : [lon, lat];
  }

  function describe() {
    var point = chosen();
    var moved = point && (!config.point || metres(config.point, point) >= 1);
    save.disabled = !moved && move.dataset.moved !== "true";
    status.textContent = moved
      ? texts.chosen.replace("{metres}", config.point ? String(metres(config.point, point)) : "—")
      : (config.point ? texts.unchanged : "");
  }

  /** The point at [lon, lat]: the move form's fields and the pin. */
  function place(lngLat) {
    move.elements.lon.value = lngLat[0].toFixed(7);
    move.elements.lat.value = lngLat[1].toFixed(7);
    move.dataset.moved = "";
    if (!marker) {
      marker = HromadaMap.pin(map, lngLat, "search-result", place);
    } else {
      marker.setLatLng([lngLat[1], lngLat[0]]);
    }
    describe();
  }

  function centre() { var c = map.getCenter(); return [c.lng, c.lat]; }

  var start = chosen() || config.point;
  HromadaMap.create(element, {
    layers: ["territory", "settlements", "streets", "addresses"],
    basemap: { url: config.basemap, attribution: config.attribution },
    center: start || config.centre || undefined,
    zoom: start ? HromadaMap.STREET_ZOOM : (config.centre ? 15 : undefined),
    legend: false, search: false, popups: false,
  }).then(function (ready) {
    map = ready;
    if (start) { place(start); }
    map.on("click", function (event) { place([event.latlng.lng, event.latlng.lat]); });
    element.setAttribute("data-ready", "true");
  });

  document.getElementById("move-centre").addEventListener("click", function () {
    if (map) { place(centre()); }
  });
  describe();

  function typing(event) {
    var tag = event.target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.target.isContentEditable;
  }

  function focusForm(id) {
    var form = document.getElementById(id);
    var field = form.querySelector("input[type=text], select");
    form.scrollIntoView({ block: "center" });
    if (field) { field.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    // On the focused map, Enter puts the point at its centre (arrows move the map).
    if (event.key === "Enter" && map && element.contains(event.target)) {
      event.preventDefault();
      place(centre());
      return;
    }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var link = document.querySelector('a[data-key="' + event.key + '"]');
    if (link) { window.location.href = link.href; return; }
    var submit = { c: "confirm-form", j: "skip-form" }[event.key];
    if (submit) { event.preventDefault(); document.getElementById(submit).requestSubmit(); return; }
    if (event.key === "m") { event.preventDefault(); element.focus(); return; }
    var forms = { r: "rename-form", x: "reject-form" };
    if (forms[event.key]) { event.preventDefault(); focusForm(forms[event.key]); }
  });
})();
