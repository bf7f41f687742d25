/*
 * The print layout page (/maps/print/): shows the fields of the chosen sheet, lets the
 * planner draw the area to print as a rectangle on the map (HromadaMap, Leaflet), and
 * makes the council pack in the background, polling its progress (JSON) until the
 * download is offered. Without JavaScript the form still works: the area is typed.
 */
(function () {
  "use strict";
  var form = document.getElementById("print-form");
  if (!form) { return; }
  var bboxInput = form.querySelector("[name=bbox]");

  // --- the sheet: village, territory or a drawn area ------------------------------------
  function extentKind() {
    var checked = form.querySelector("[name=extent]:checked");
    return checked ? checked.value : "territory";
  }
  var mapReady = null;
  function showExtentFields() {
    var kind = extentKind();
    form.querySelectorAll("[data-for-extent]").forEach(function (node) {
      node.hidden = node.dataset.forExtent !== kind;
    });
    if (kind === "bbox" && !mapReady) { mapReady = createMap(); }
  }
  form.querySelectorAll("[name=extent]").forEach(function (radio) {
    radio.addEventListener("change", showExtentFields);
  });

  // --- the drawn rectangle ----------------------------------------------------------------
  function parseBbox(text) {
    var parts = (text || "").split(",").map(Number);
    return parts.length === 4 && parts.every(isFinite) ? parts : null;
  }
  function rectangle(b) {
    return { type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [[
      [b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]] } };
  }
  // The drawn area in the site's accent colour (static/site.css --accent): the page's
  // own mark, not a map layer of the registry.
  function accent() {
    return getComputedStyle(document.documentElement).getPropertyValue("--accent").trim();
  }
  function showArea(map, b) {
    var colour = accent();
    var data = b ? rectangle(b) : { type: "FeatureCollection", features: [] };
    HromadaMap.draw(map, "print-area", data, [
      { id: "fill", type: "fill", paint: { "fill-color": colour, "fill-opacity": 0.12 } },
      { id: "line", type: "line", paint: { "line-color": colour, "line-width": 2 } },
    ], { layer: "print-area" });
  }
  function round(value) { return Math.round(value * 1e5) / 1e5; }
  function boxOf(a, b) {
    return [Math.min(a.lng, b.lng), Math.min(a.lat, b.lat), Math.max(a.lng, b.lng), Math.max(a.lat, b.lat)].map(round);
  }

  function enableDrawing(map) {
    var button = document.getElementById("draw-area");
    var label = button.textContent;
    var start = null;
    function stop() {
      button.setAttribute("aria-pressed", "false");
      button.textContent = label;
      map.getContainer().classList.remove("drawing");
      map.getContainer().style.touchAction = "";
      map.dragging.enable();
      start = null;
    }
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") { stop(); return; }
      button.setAttribute("aria-pressed", "true");
      button.textContent = button.dataset.drawing;
      map.getContainer().classList.add("drawing");
      // A finger's drag draws too: without this the browser takes it for scrolling the
      // page (Leaflet's pan-x pan-y once its dragging is off) and cancels the pointer.
      map.getContainer().style.touchAction = "none";
      map.dragging.disable();
    });
    // Pointer events on the map's box: a mouse's and a finger's drag alike.
    var container = map.getContainer();
    function at(event) { return map.mouseEventToLatLng(event); }
    function down(event) {
      if (button.getAttribute("aria-pressed") !== "true" || event.target.closest(".leaflet-control")) { return; }
      event.preventDefault();
      container.setPointerCapture(event.pointerId);
      start = at(event);
    }
    function move(event) {
      if (!start) { return; }
      showArea(map, boxOf(start, at(event)));
    }
    function up(event) {
      if (!start) { return; }
      var box = boxOf(start, at(event));
      bboxInput.value = box.join(",");
      showArea(map, box);
      stop();
    }
    container.addEventListener("pointerdown", down);
    container.addEventListener("pointermove", move);
    container.addEventListener("pointerup", up);
    // A drag the browser took over (a second finger, a system gesture): the area drawn
    // before it, if any, is shown again; drawing goes on.
    container.addEventListener("pointercancel", function () {
      if (!start) { return; }
      start = null;
      showArea(map, parseBbox(bboxInput.value));
    });
  }

  function createMap() {
    var element = document.getElementById("print-map");
    if (!element || typeof HromadaMap === "undefined") { return Promise.resolve(null); }
    var config = JSON.parse(element.dataset.config || "{}");
    return HromadaMap.create(element, {
      layers: ["territory", "settlements"], legend: false, search: false, popups: false,
      basemap: { url: config.basemapUrl, attribution: config.basemapAttribution },
    }).then(function (map) {
      var drawn = parseBbox(bboxInput.value);
      if (drawn) { showArea(map, drawn); }
      bboxInput.addEventListener("change", function () {
        var typed = parseBbox(bboxInput.value);
        if (typed) { showArea(map, typed); }
      });
      enableDrawing(map);
      return map;
    });
  }
  showExtentFields();

  // --- the council pack in the background -------------------------------------------------
  var packForm = document.getElementById("pack-form");
  var box = document.getElementById("pack-progress");
  var bar = document.getElementById("pack-bar");
  var status = document.getElementById("pack-status");
  var download = document.getElementById("pack-download");
  var KEY = "hromada-pack-job";

  function say(job) {
    box.hidden = false;
    bar.max = Math.max(job.pages_total || 1, 1);
    bar.value = job.pages_done || 0;
    if (job.status === "done") {
      status.textContent = packForm.dataset.done;
      download.href = job.download_url;
      download.setAttribute("download", job.filename);
      download.hidden = false;
    } else if (job.status === "failed") {
      status.textContent = packForm.dataset.failed + " " + job.error;
      download.hidden = true;
    } else if (job.status === "running") {
      status.textContent = packForm.dataset.working.replace("%(done)s", job.pages_done)
        .replace("%(total)s", job.pages_total);
    } else {
      status.textContent = packForm.dataset.queued;
    }
  }
  function errorOf(body) { return (body && body.error && body.error.message) || ""; }
  function follow(url) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (body) { return [response, body]; }); })
      .then(function (pair) {
        if (!pair[0].ok) {
          sessionStorage.removeItem(KEY);
          say({ status: "failed", error: errorOf(pair[1]) });
          return;
        }
        say(pair[1]);
        if (pair[1].status === "queued" || pair[1].status === "running") {
          window.setTimeout(function () { follow(url); }, 1000);
        }
      });
  }
  if (packForm) {
    packForm.addEventListener("submit", function (event) {
      event.preventDefault();
      download.hidden = true;
      fetch(packForm.action, { method: "POST", body: new FormData(packForm), credentials: "same-origin",
        headers: { Accept: "application/json" } })
        .then(function (response) { return response.json().then(function (body) { return [response, body]; }); })
        .then(function (pair) {
          if (!pair[0].ok) { say({ status: "failed", error: errorOf(pair[1]) }); return; }
          sessionStorage.setItem(KEY, pair[1].status_url);
          say(pair[1]);
          follow(pair[1].status_url);
        });
    });
    // Back on the page: the pack asked for earlier is followed again.
    var earlier = sessionStorage.getItem(KEY);
    if (earlier) { follow(earlier); }
  }
})();
