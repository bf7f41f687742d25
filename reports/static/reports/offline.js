/* /reports/new/ without signal: the service worker that keeps the form, and drafts.
 *
 * With no connection a report (its fields and photos) is saved as a draft in IndexedDB,
 * shown as "waiting to send", and sent through the reports API when the connection
 * returns (on "online", on opening the page, or by the button). Every draft carries a
 * random idempotency key: the server answers a repeated send with the report it filed
 * the first time, so a send whose answer was lost never files a second report. A draft
 * the server refuses (a category gone, a photo too big) stays, with the reason. */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var form = document.getElementById("report-form");
  var panel = document.getElementById("drafts");
  if (!form || !panel) { return; }
  var list = document.getElementById("drafts-list");
  var text = panel.dataset;
  var DB = "hromada-reports", STORE = "drafts";
  var PHOTO_MAX_BYTES = parseInt(text.photoMaxBytes, 10);
  var FORM_VERSION = text.formVersion;
  var sending = false;

  function db() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function store(mode, work) {
    return db().then(function (handle) {
      return new Promise(function (resolve, reject) {
        var tx = handle.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function drafts() { return store("readonly", function (s) { return s.getAll(); }); }
  function save(draft) { return store("readwrite", function (s) { s.put(draft); }); }
  function remove(key) { return store("readwrite", function (s) { s.delete(key); }); }

  function newKey() {
    var bytes = new Uint8Array(24);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /** The form as a draft: its fields (answers to the category's questions collected as
   * the API wants them) and its photos as Blobs. */
  function draftOf() {
    var data = new FormData(form);
    var fields = {}, answers = {}, photos = [];
    var prefix = "a-" + (data.get("category") || "") + "-";
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (name === "photos") { if (value && value.size) { photos.push(value); } return; }
      if (name.indexOf(prefix) === 0) {
        var code = name.slice(prefix.length);
        if (code in answers) { answers[code] = [].concat(answers[code], value); } else { answers[code] = value; }
        return;
      }
      if (name.indexOf("a-") === 0) { return; }
      fields[name] = value;
    });
    form.querySelectorAll('fieldset:not([disabled]) .question[data-datatype="multivaluelist"] input').forEach(function (box) {
      var code = box.name.slice(prefix.length);
      if (!(code in answers)) { answers[code] = []; } else if (!Array.isArray(answers[code])) { answers[code] = [answers[code]]; }
    });
    fields.answers = JSON.stringify(answers);
    fields.show_name = fields.show_name ? "true" : "false";
    return { key: newKey(), version: FORM_VERSION, created: new Date().toISOString(),
      fields: fields, photos: photos, state: "waiting", message: "" };
  }

  function render() {
    return drafts().then(function (items) {
      list.replaceChildren();
      items.sort(function (a, b) { return a.created < b.created ? -1 : 1; });
      items.forEach(function (draft) {
        var item = document.createElement("li");
        item.className = "draft " + draft.state;
        var when = new Date(draft.created).toLocaleString(document.documentElement.lang);
        item.appendChild(H.textElement("strong", draft.state === "refused" ? text.refused : text.waiting));
        item.appendChild(H.textElement("span", " " + when + " — " + (draft.fields.description || "").slice(0, 80)));
        if (draft.photos.length) { item.appendChild(H.textElement("span", " · " + text.photos + ": " + draft.photos.length)); }
        if (draft.message) { item.appendChild(H.textElement("p", draft.message, "error")); }
        if (draft.state === "refused") {
          var drop = H.textElement("button", text.discard, "button");
          drop.type = "button";
          drop.addEventListener("click", function () { remove(draft.key).then(render); });
          item.appendChild(drop);
        }
        list.appendChild(item);
      });
      panel.hidden = items.length === 0 && !document.getElementById("drafts-sent").childElementCount;
      return items;
    });
  }

  function sent(body) {
    var done = document.getElementById("drafts-sent");
    var item = H.textElement("li", text.sent.replace("%s", body.number) + " ");
    var link = H.textElement("a", text.follow);
    link.href = body.follow_url;
    item.appendChild(link);
    done.appendChild(item);
  }

  /** Send one draft; resolve when it is settled (sent, refused, or left for later). */
  function send(draft, url) {
    var body = new FormData();
    Object.keys(draft.fields).forEach(function (name) { body.append(name, draft.fields[name]); });
    body.append("idempotency_key", draft.key);
    draft.photos.forEach(function (photo, n) { body.append("photos", photo, photo.name || "photo-" + (n + 1) + ".jpg"); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (created) { sent(created); return remove(draft.key); });
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 408) {
        return response.json().catch(function () { return {}; }).then(function (problem) {
          draft.state = "refused";
          draft.message = (problem.error && problem.error.message) || text.refusedUnknown;
          return save(draft);
        });
      }
      return null;  // the server is busy or away: try again later
    }).catch(function () { return null; });
  }

  function sendAll() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return Promise.all([drafts(), H.api("reports-create")]).then(function (both) {
      var waiting = both[0].filter(function (draft) { return draft.state === "waiting"; });
      return waiting.reduce(function (chain, draft) {
        return chain.then(function () { return send(draft, both[1]); });
      }, Promise.resolve());
    }).catch(function () { /* the style document is not reachable yet */ })
      .then(function () { sending = false; return render(); });
  }

  /** new.js asks before it sends the form: keep it as a draft when there is no signal. */
  function intercept() {
    if (navigator.onLine) { return false; }
    var draft = draftOf();
    var big = draft.photos.filter(function (photo) { return photo.size > PHOTO_MAX_BYTES; });
    var status = document.getElementById("drafts-status");
    if (big.length) {
      status.replaceChildren(H.textElement("span", text.photoTooBig, "error"));
      return true;
    }
    save(draft).then(render).then(function () {
      status.textContent = text.saved;
      form.reset();
      panel.scrollIntoView({ block: "center" });
    }).catch(function () { status.replaceChildren(H.textElement("span", text.notSaved, "error")); });
    return true;
  }

  window.HromadaOffline = { intercept: intercept, sendAll: sendAll, drafts: drafts };
  window.addEventListener("online", sendAll);

  // Without signal the map draws the vector tiles kept for it (to KEPT_ZOOM) enlarged at
  // deeper views: a tap zooms to street level, where no tile could be fetched. With the
  // signal back, the deeper tiles are asked for when the map next moves (not at once:
  // the signal may be back for a moment only, and the map shows the place already).
  var KEPT_ZOOM = 12;
  (H.mapReady || Promise.resolve(null)).then(function (map) {
    if (!map) { return; }
    function kept() { HromadaMap.limitDataZoom(map, KEPT_ZOOM); }
    function deeper() { if (navigator.onLine !== false) { HromadaMap.limitDataZoom(map, null); } }
    if (navigator.onLine === false) { kept(); }
    window.addEventListener("offline", function () { map.off("moveend", deeper); kept(); });
    window.addEventListener("online", function () { map.once("moveend", deeper); });
  });
  render().then(sendAll);
  document.getElementById("drafts-send").addEventListener("click", sendAll);

  // The service worker, then hand it what this page used and the territory's tiles. It is
  // registered once the map is drawn (its first "idle"), not while the page loads: its
  // script and start-up would take the slow line and the phone's CPU from the map.
  if (!("serviceWorker" in navigator)) { return; }
  function register() {
    navigator.serviceWorker.register(text.worker, { scope: text.scope }).catch(function () {});
  }
  (H.mapReady || Promise.resolve(null)).then(function (map) {
    return map ? HromadaMap.whenIdle(map) : null;
  }).then(register, register);

  // Tiles kept for use without signal: the territory's vector tiles from above the view's zoom
  // to DEEPEST_ZOOM (or a source's own deepest zoom, which deeper views over-zoom): a tap
  // zooms in, and z12 still shows the streets of a village. About 60 tiles a source for
  // the real community (a few hundred kB on a first visit); the cap bounds a huge one.
  var DEEPEST_ZOOM = KEPT_ZOOM, SHALLOWEST_KEPT_ZOOM = 6, MAX_TILES = 600;

  /** Tile column and row ranges of `bounds` ([west, south, east, north], CRS84) at zoom z. */
  function tileRange(bounds, z) {
    var n = Math.pow(2, z);
    var clamp = function (i) { return Math.min(n - 1, Math.max(0, i)); };
    var column = function (lon) { return clamp(Math.floor((lon + 180) / 360 * n)); };
    var row = function (lat) {
      var r = lat * Math.PI / 180;
      return clamp(Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n));
    };
    return { x0: column(bounds[0]), x1: column(bounds[2]), y0: row(bounds[3]), y1: row(bounds[1]) };
  }

  /** [west, south, east, north] of the view grown by half its size on every side (CRS84). */
  function widerView(map) {
    var view = map.getBounds(), w = view.getWest(), s = view.getSouth();
    var dx = (view.getEast() - w) / 2, dy = (view.getNorth() - s) / 2;
    return [w - dx, Math.max(-85, s - dy), view.getEast() + dx, Math.min(85, view.getNorth() + dy)];
  }

  function union(a, b) {
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
  }

  /** Same-origin vector tile URLs covering the territory (the view when the style has no
   * territory bounds) to the deepest kept zoom, and, to one zoom deeper than the view's,
   * a view twice as wide as this one, shallow zooms first, at most MAX_TILES. */
  function territoryTiles(map) {
    var around = widerView(map), bounds = null, urls = [];
    try { bounds = HromadaMap.territoryBounds(map); } catch (e) { /* a map without our style */ }
    bounds = bounds || around;
    // From SHALLOWEST_KEPT_ZOOM at the latest: the form reopened (a restarted browser, a
    // turned phone) may first draw the territory wider than it was kept at, and the view
    // around a small community reaches past its bounds; it is one or two tiles a zoom
    // up there. A tap zooms in to street level: the zoom's first step (one zoom deeper,
    // on its way from this view to the pin) shows tiles beyond the bounds too.
    var viewZoom = Math.floor(HromadaMap.view(map).zoom);
    var zoom = Math.min(Math.max(0, viewZoom - 1), SHALLOWEST_KEPT_ZOOM);
    var sources = map.hromada.style.sources;
    Object.keys(sources).forEach(function (id) {
      var source = sources[id];
      if (source.type !== "vector" || !source.tiles) { return; }
      var deepest = Math.min(DEEPEST_ZOOM, source.maxzoom === undefined ? DEEPEST_ZOOM : source.maxzoom);
      source.tiles.forEach(function (template) {
        if (template.indexOf(location.origin + "/") !== 0 && template.charAt(0) !== "/") { return; }
        for (var z = Math.min(zoom, deepest); z <= deepest; z++) {
          var range = tileRange(z <= viewZoom + 1 ? union(bounds, around) : bounds, z);
          for (var x = range.x0; x <= range.x1; x++) {
            for (var y = range.y0; y <= range.y1; y++) {
              urls.push(template.replace("{z}", z).replace("{x}", x).replace("{y}", y));
            }
          }
        }
      });
    });
    urls.sort(function (a, b) { return zoomOf(a) - zoomOf(b); });
    return urls.slice(0, MAX_TILES);
  }

  function zoomOf(url) { var m = /\/(\d+)\/\d+\/\d+\.[a-z]+(\?|$)/.exec(url); return m ? +m[1] : 0; }

  /** Our own resources this page loaded, except API answers (they change): an API URL is
   * one under the first path segment of `apiUrl`, one of the style document's API URLs. */
  function used(apiUrl) {
    var apiRoot = "/" + new URL(apiUrl, location.href).pathname.split("/")[1] + "/";
    return performance.getEntriesByType("resource").map(function (entry) { return entry.name; })
      .filter(function (url) {
        return url.indexOf(location.origin) === 0 && new URL(url).pathname.indexOf(apiRoot) !== 0;
      });
  }

  // Without signal a tile deeper than the kept zooms cannot load, so that miss is
  // expected and not worth an error. A tile fetch that failed with no HTTP status is the
  // same miss reported late (the signal came back while it was failing). A tile the
  // server refused is still logged (by layers/map.js, which asks this page through the
  // map's `quietError` option, from its first tile on).
  function quietError(event) {
    var refused = event.error && event.error.status;
    return Boolean(event.url && (navigator.onLine === false || !refused));
  }
  window.HromadaOffline.quietError = quietError;

  var mapElement = document.getElementById("pick-map");
  Promise.all([navigator.serviceWorker.ready, H.api("reports-categories"), H.mapReady || Promise.resolve(null)])
    .then(function (all) {
      var worker = all[0].active, map = all[2];
      var send = function () {
        // The manifest is fetched by the browser itself, so it is not among the page's
        // resources; without it the form reopened offline logs a failed fetch.
        var manifest = document.querySelector('link[rel="manifest"]');
        var assets = used(all[1]).concat([all[1]], manifest ? [manifest.href] : []);
        worker.postMessage({ type: "keep", pages: [location.pathname], assets: assets,
          tiles: map ? territoryTiles(map) : [] });
      };
      (map ? HromadaMap.whenIdle(map) : Promise.resolve()).then(send);
    }).catch(function () { /* offline now: kept next time */ });
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "kept") { mapElement.dataset.offlineReady = "1"; document.getElementById("offline-ready").hidden = false; }
  });
})();
