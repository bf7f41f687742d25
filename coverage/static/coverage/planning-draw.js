/* The planners' map: draw a new coverage area, or reshape one, with terra-draw (polygon
 * and select modes, snapping off), pick its provider, technology and speeds, and save it
 * through the coverage areas API (POST a new one, PUT a reshaped one). The server checks
 * the geometry (valid, 2D, in range) and patches the figures; the page then reloads to
 * show them. Every text comes from the panel's data-* attributes (translated there). */
(function () {
  "use strict";
  var panel = document.getElementById("draw-panel");
  var el = document.getElementById("coverage-map");
  if (!panel || !el || !el.coverageMapReady || !window.terraDraw) { return; }
  var form = panel.querySelector("form");
  var status = panel.querySelector(".draw-status");
  var buttons = {};
  panel.querySelectorAll("button[data-action]").forEach(function (b) { buttons[b.dataset.action] = b; });
  var draw = null;
  var drawnOn = null;  // the Leaflet map drawn on
  var editing = null;  // the id of the coverage area being reshaped, null for a new one
  var source = "field_survey";  // what a new area is; a reshaped one keeps its own

  function say(text) { status.textContent = text; }

  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // A ring of fewer than three distinct corners is not an area: the one a second click
  // of a double-click starts after the shape was closed, or a shape still being drawn.
  function isArea(ring) {
    var corners = {};
    ring.forEach(function (point) { corners[point[0] + " " + point[1]] = true; });
    return ring.length >= 4 && Object.keys(corners).length >= 3;
  }

  function polygons() {
    return draw.getSnapshot().filter(function (f) {
      return f.geometry.type === "Polygon" && !f.properties.currentlyDrawing &&
        isArea(f.geometry.coordinates[0]);
    });
  }

  function refresh() {
    var drawn = draw !== null && polygons().length > 0;
    buttons.save.disabled = !drawn;
    buttons.cancel.disabled = draw === null;
    buttons.reshape.disabled = !drawn;
  }

  /**
   * A drawing session on or off (el.drawing: coverage-map.js opens no popup meanwhile).
   * terra-draw takes a pointer's release as a click only when it lands on the map's
   * element itself (terra-draw issue #591), but the page's data (the villages, the gaps,
   * the challenges) and terra-draw's own shapes are drawn on canvases over it: while a
   * shape is drawn or reshaped, the map's panes let the pointer through to the map.
   */
  function drawing(on) {
    el.drawing = on;
    if (drawnOn) { drawnOn.getPane("mapPane").style.pointerEvents = on ? "none" : ""; }
  }

  function start(map) {
    if (draw) { return draw; }
    drawnOn = map;
    var td = window.terraDraw;
    draw = new td.TerraDraw({
      adapter: new window.terraDrawLeafletAdapter.TerraDrawLeafletAdapter({ lib: L, map: map }),
      modes: [
        new td.TerraDrawPolygonMode({ snapping: { toLine: false, toCoordinate: false } }),
        new td.TerraDrawSelectMode({ flags: { polygon: { feature: { draggable: true,
          coordinates: { midpoints: true, draggable: true, deletable: true } } } } }),
      ],
    });
    draw.start();
    // The map's popups stay off until the shape is saved or cancelled (stop): the click
    // that closes the shape must not open one.
    draw.on("finish", function () {
      refresh();
      say(panel.dataset.labelDrawn);
    });
    draw.on("change", refresh);
    return draw;
  }

  function stop() {
    if (draw) { draw.clear(); draw.setMode("static"); }
    drawing(false);
    editing = null;
    refresh();
  }

  function begin() {
    el.coverageMapReady.then(function (map) {
      start(map);
      draw.clear();
      editing = null;
      source = "field_survey";
      draw.setMode("polygon");
      drawing(true);
      refresh();
      say(panel.dataset.labelStart);
    });
  }

  function reshape() {
    drawing(true);
    draw.setMode("select");
    var first = polygons()[0];
    if (first) { draw.selectFeature(first.id); }
    say(panel.dataset.labelReshape);
  }

  /** Load an existing coverage area (its id typed or chosen in the list) to reshape it. */
  function load(id) {
    return fetch(panel.dataset.areasUrl + id + "/", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (feature) {
        return el.coverageMapReady.then(function (map) {
          start(map);
          draw.clear();
          var rings = feature.geometry.type === "MultiPolygon"
            ? feature.geometry.coordinates : [feature.geometry.coordinates];
          draw.addFeatures(rings.map(function (coordinates) {
            return { type: "Feature", properties: { mode: "polygon" },
              geometry: { type: "Polygon", coordinates: coordinates } };
          }));
          editing = id;
          var p = feature.properties;
          form.elements.provider.value = p.provider_name;
          source = p.source;
          form.elements.technology.value = p.technology;
          form.elements.down_mbps.value = p.down_mbps;
          form.elements.up_mbps.value = p.up_mbps;
          refresh();
          reshape();
        });
      }).catch(function () { say(panel.dataset.labelNotFound); });
  }

  function payload() {
    var shapes = polygons();
    var geometry = shapes.length === 1 ? shapes[0].geometry : { type: "MultiPolygon",
      coordinates: shapes.map(function (f) { return f.geometry.coordinates; }) };
    return {
      provider: form.elements.provider.value,
      technology: form.elements.technology.value,
      down_mbps: parseInt(form.elements.down_mbps.value, 10),
      up_mbps: parseInt(form.elements.up_mbps.value, 10),
      source: editing ? source : "field_survey",
      geometry: geometry,
    };
  }

  function save() {
    if (!form.reportValidity()) { return; }
    var url = panel.dataset.areasUrl + (editing ? editing + "/" : "");
    buttons.save.disabled = true;
    say(panel.dataset.labelSaving);
    fetch(url, {
      method: editing ? "PUT" : "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(payload()),
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) {
        say(panel.dataset.labelRefused + " " + ((answer.body.error || {}).message || ""));
        refresh();
        return;
      }
      panel.dataset.savedId = String(answer.body.id);
      say(panel.dataset.labelSaved);
      window.location.hash = "gaps";
      window.location.reload();
    }).catch(function () { say(panel.dataset.labelRefused); refresh(); });
  }

  buttons.draw.addEventListener("click", begin);
  buttons.reshape.addEventListener("click", reshape);
  buttons.cancel.addEventListener("click", function () { stop(); say(""); });
  buttons.save.addEventListener("click", save);
  buttons.load.addEventListener("click", function () {
    var id = parseInt(form.elements.area.value, 10);
    if (id > 0) { load(id); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); save(); });
  refresh();
})();
