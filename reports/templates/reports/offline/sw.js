/* The report form's service worker, on Workbox (our own static copy, no CDN).
 * Opened once online, /reports/new/ then opens without signal: the page from the network
 * or, failing that, from its cache; static files, the style document and the categories
 * from the cache and refreshed behind; map tiles cache first (bounded). The page hands
 * over what it used and the territory's own vector tiles at a few zooms ("keep").
 * The drafts themselves live in the page's IndexedDB (reports/offline.js). */
"use strict";
var CONFIG = {{ config|safe }};
importScripts("{{ workbox_sw }}");
workbox.setConfig({ modulePathPrefix: CONFIG.workboxPrefix, debug: false });

var PAGES = "hromada-form-v" + CONFIG.version;
var ASSETS = "hromada-assets";
var TILES = "hromada-tiles";
var ok = new workbox.cacheableResponse.CacheableResponsePlugin({ statuses: [200] });
// Our pages vary by cookie and language; a kept copy is better than none without signal.
var anyVary = { ignoreVary: true };

self.skipWaiting();
workbox.core.clientsClaim();

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("hromada-form-v") === 0 && name !== PAGES;
    }).map(function (name) { return caches.delete(name); }));
  }));
});

function sameOrigin(url) { return url.origin === self.location.origin; }

// The form page: from the network, else the copy kept when it was last opened (looked up
// by its URL, not by the navigation request, whose extra headers can miss the copy).
var fromNetwork = new workbox.strategies.NetworkOnly({ networkTimeoutSeconds: 8 });
workbox.routing.registerRoute(function (options) {
  return options.request.mode === "navigate" && sameOrigin(options.url) &&
    options.url.pathname === CONFIG.formPath;
}, function (options) {
  return fromNetwork.handle(options).then(function (response) {
    var copy = response.clone();
    if (response.status === 200) {
      caches.open(PAGES).then(function (cache) { cache.put(CONFIG.formPath, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) { return cache.match(CONFIG.formPath, anyVary); })
      .then(function (kept) { return kept || Response.error(); });
  });
});

workbox.routing.registerRoute(function (options) {
  var path = options.url.pathname;
  return sameOrigin(options.url) && options.request.method === "GET" &&
    (path.indexOf(CONFIG.staticPrefix) === 0 || CONFIG.keptPaths.indexOf(path) >= 0);
}, new workbox.strategies.StaleWhileRevalidate({
  cacheName: ASSETS, plugins: [ok], matchOptions: anyVary }));

workbox.routing.registerRoute(function (options) {
  var path = options.url.pathname;
  return sameOrigin(options.url) && CONFIG.tilePrefixes.some(function (prefix) {
    return path.indexOf(prefix) === 0;
  }) && path !== CONFIG.keptPaths[0];
}, new workbox.strategies.CacheFirst({ cacheName: TILES, matchOptions: anyVary, plugins: [ok,
  new workbox.expiration.ExpirationPlugin({ maxEntries: 4000, maxAgeSeconds: 30 * 24 * 3600 })] }));

/** Put every URL not yet kept into cache `name`; failures are skipped (kept next time). */
function keep(name, urls) {
  return caches.open(name).then(function (cache) {
    return Promise.all((urls || []).map(function (url) {
      return cache.match(url, anyVary).then(function (hit) {
        if (hit) { return null; }
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          return response.ok ? cache.put(url, response) : null;
        }).catch(function () { return null; });
      });
    }));
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep") { return; }
  event.waitUntil(Promise.all([
    keep(PAGES, data.pages), keep(ASSETS, data.assets), keep(TILES, data.tiles),
  ]).then(function () {
    if (event.source) { event.source.postMessage({ type: "kept" }); }
  }));
});
